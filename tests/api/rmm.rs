//! The RMM integration: device sync with its own credential, signed agent links and device
//! tokens, every refusal, the three outcomes of a link (agent session, sign in, register), what
//! an agent session may not do, and self-registration with its takeover guard.

use reqwest::Method;
use serde_json::{json, Value};

use crate::approvals::mails;
use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::{companies, ok, status};

pub const FRED_PC: &str = "b1f0c4d2-0000-4000-8000-00000000f001";
pub const PAT_PC: &str = "b1f0c4d2-0000-4000-8000-00000000c001";
pub const KIOSK: &str = "b1f0c4d2-0000-4000-8000-00000000c002";
pub const LINUX_BOX: &str = "b1f0c4d2-0000-4000-8000-00000000f002";

pub struct Rmm {
    pub staff: String,
    pub secret: String,
    pub sync: String,
    pub contoso: i64,
    pub fabrikam: i64,
    /// agent_guid -> (device id, link token)
    devices: Vec<(String, i64, String)>,
}

impl Rmm {
    pub fn device(&self, guid: &str) -> (i64, &str) {
        let (_, id, token) = self.devices.iter().find(|(g, ..)| g == guid).unwrap();
        (*id, token)
    }
}

fn machine(guid: &str) -> String {
    format!("M-{}", &guid[guid.len().saturating_sub(4)..])
}

pub fn device(guid: &str, company: i64, platform: &str, user: Option<&str>) -> Value {
    let mut d = json!({"agent_guid": guid, "machine_id": machine(guid), "group_id": "root.office",
        "hostname": format!("{}.example.local", machine(guid)), "platform": platform, "company_id": company,
        "contact": {"name": "Kim Kiosk", "email": "kim@contoso.example", "phone": "+41 44 555 00 00"}});
    if let Some(user) = user {
        d["user_email"] = json!(user);
    }
    d
}

pub async fn sync(app: &TestApp, token: &str, devices: Value) -> reqwest::Response {
    app.request(Method::PUT, "/api/v1/rmm/devices", Some(token))
        .json(&json!({"devices": devices}))
        .send()
        .await
        .unwrap()
}

pub async fn setup(app: &TestApp) -> Rmm {
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(app, &staff).await;
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &staff, json!({"enabled": true})).await).await;
    let secret = ok(app.post("/api/v1/rmm/integration/secret", Some(&staff), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let sync_token = ok(app.post("/api/v1/rmm/integration/sync-token", Some(&staff), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let devices = json!([
        device(FRED_PC, fabrikam, "windows", Some("fred.fabrikam@demo.example")),
        device(PAT_PC, contoso, "mac", Some("pat.user@demo.example")),
        device(KIOSK, contoso, "windows", None),
        device(LINUX_BOX, fabrikam, "linux", Some("fred.fabrikam@demo.example")),
    ]);
    let synced = ok(sync(app, &sync_token, devices).await).await;
    let devices = synced["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["created"], true);
            (
                d["agent_guid"].as_str().unwrap().to_owned(),
                d["id"].as_i64().unwrap(),
                d["link_token"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    Rmm { staff, secret, sync: sync_token, contoso, fabrikam, devices }
}

/// A link signed the way an RMM script would: the parameters in alphabetical order, form-encoded
/// (all values here are plain), HMAC-SHA256 under `secret`, hex.
pub fn signed(secret: &str, guid: &str, ts: i64, nonce: &str) -> String {
    signed_for("demo", secret, guid, ts, nonce)
}

fn signed_for(client: &str, secret: &str, guid: &str, ts: i64, nonce: &str) -> String {
    let (machine, group) = (machine(guid), "root.office");
    let canonical =
        format!("agentguid={guid}&client={client}&groupid={group}&machineid={machine}&nonce={nonce}&ts={ts}");
    let sig = clientdesk_app::crypto::secrets::hmac_hex(secret.as_bytes(), canonical.as_bytes());
    format!(
        "/api/v1/rmm/agent-login?client={client}&agentguid={guid}&machineid={machine}&groupid={group}&ts={ts}&nonce={nonce}&sig={sig}"
    )
}

pub fn nonce() -> String {
    uuid_like()
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("nonce-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub async fn open(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header("accept", "application/json").send().await.unwrap()
}

async fn refused(app: &TestApp, path: &str) {
    let body = problem(open(app, path).await, 401).await;
    assert_eq!(body["detail"], "The agent link is not valid.");
}

on_both!(a_signed_link_opens_an_agent_session_that_only_opens_and_reads_tickets, |app: TestApp| async move {
    let rmm = setup(&app).await;
    let (fred_pc, _) = rmm.device(FRED_PC);
    let answer = ok(open(&app, &signed(&rmm.secret, FRED_PC, now(), &nonce())).await).await;
    assert_eq!(answer["status"], "agent_session", "{answer}");
    assert_eq!(answer["device_id"], fred_pc);
    assert!(answer.get("refresh_token").is_none());
    let agent = answer["access_token"].as_str().unwrap().to_owned();

    // Opens a ticket, linked to the device, and reads its own tickets.
    let path = format!("/api/v1/companies/{}/tickets", rmm.fabrikam);
    let ticket = status(
        app.post(&path, Some(&agent), json!({"title": "Outlook hangs", "description": "Since today"})).await,
        201,
    )
    .await;
    assert_eq!(ticket["device_id"], fred_pc);
    ok(app.get(&format!("/api/v1/tickets/{}", ticket["id"]), &agent).await).await;
    assert_eq!(ok(app.get("/api/v1/me", &agent).await).await["email"], "fred.fabrikam@demo.example");

    // Nothing more: notes, profile, API tokens, knowledge base, actions, other routes.
    let notes = format!("/api/v1/tickets/{}/notes", ticket["id"]);
    problem(app.post(&notes, Some(&agent), json!({"body": "More"})).await, 403).await;
    problem(app.send(Method::PATCH, "/api/v1/me", &agent, json!({"name": "Mallory"})).await, 403).await;
    problem(
        app.post("/api/v1/me/api-tokens", Some(&agent), json!({"name": "x", "read_only": true, "expires_in_days": 30}))
            .await,
        403,
    )
    .await;
    problem(app.get(&format!("/api/v1/companies/{}/kb/articles", rmm.fabrikam), &agent).await, 403).await;
    problem(app.post(&format!("/api/v1/tickets/{}/close", ticket["id"]), Some(&agent), json!({})).await, 403).await;

    // Removing the device ends its sessions.
    status(app.send(Method::DELETE, &format!("/api/v1/devices/{fred_pc}"), &rmm.staff, json!({})).await, 204).await;
    problem(app.get("/api/v1/me", &agent).await, 401).await;
});

on_both!(every_bad_link_gets_the_same_401_and_an_audit_event, |app: TestApp| async move {
    let rmm = setup(&app).await;
    let good = |ts: i64, n: &str| signed(&rmm.secret, FRED_PC, ts, n);
    let replayed = good(now(), &nonce());
    ok(open(&app, &replayed).await).await;

    let bad_sig = good(now(), &nonce()).replace("&sig=", "&sig=00");
    let (_, fred_token) = rmm.device(FRED_PC);
    let (pat_pc, pat_token) = rmm.device(PAT_PC);
    let ids = format!("client=demo&agentguid={FRED_PC}&machineid={}&groupid=root.office", machine(FRED_PC));
    let wrong_machine = signed(&rmm.secret, FRED_PC, now(), &nonce())
        .replace(&format!("machineid={}", machine(FRED_PC)), "machineid=M-9999");
    // A minute beyond the five allowed: the links are checked a while after they are made, and a
    // second gone by on a busy machine must not bring the future one back into the window.
    let cases = [
        ("bad signature", bad_sig),
        ("another tenant's secret", signed("not-the-secret", FRED_PC, now(), &nonce())),
        ("old timestamp", good(now() - 360, &nonce())),
        ("future timestamp", good(now() + 360, &nonce())),
        ("replayed nonce", replayed),
        ("unknown device", signed(&rmm.secret, "b1f0c4d2-0000-4000-8000-0000000000ff", now(), &nonce())),
        ("ids of another device", wrong_machine),
        ("unsigned", format!("/api/v1/rmm/agent-login?{ids}")),
        ("wrong token", format!("/api/v1/rmm/agent-login?{ids}&token=nope")),
        ("another device's token", format!("/api/v1/rmm/agent-login?{ids}&token={pat_token}")),
        ("unknown tenant", good(now(), &nonce()).replace("client=demo", "client=nobody")),
    ];
    for (what, link) in &cases {
        let res = open(&app, link).await;
        assert_eq!(res.status(), 401, "{what}");
    }
    // The device token works until it is rotated.
    let by_token = format!("/api/v1/rmm/agent-login?{ids}&token={fred_token}");
    assert_eq!(ok(open(&app, &by_token).await).await["status"], "agent_session");
    let fred_pc = rmm.device(FRED_PC).0;
    let rotated =
        ok(app.post(&format!("/api/v1/devices/{fred_pc}/link-token"), Some(&rmm.staff), json!({})).await).await;
    refused(&app, &by_token).await;
    let new = format!("/api/v1/rmm/agent-login?{ids}&token={}", rotated["secret"].as_str().unwrap());
    assert_eq!(ok(open(&app, &new).await).await["status"], "agent_session");
    let _ = pat_pc;

    // Unsigned legacy links only where the tenant opted in; nothing works with the integration off.
    let unsigned = format!("/api/v1/rmm/agent-login?{ids}");
    let opt_in = json!({"enabled": true, "allow_unsigned_links": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, opt_in).await).await;
    assert_eq!(ok(open(&app, &unsigned).await).await["status"], "agent_session");
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, json!({"enabled": false})).await).await;
    refused(&app, &good(now(), &nonce())).await;
    refused(&app, &new).await;

    let events = ok(app.get("/api/v1/audit-events?action=agent_login_refused&limit=200", &rmm.staff).await).await;
    let reasons: Vec<&str> = events["items"].as_array().unwrap().iter().filter_map(|e| e["detail"].as_str()).collect();
    for reason in [
        "bad signature",
        "timestamp too far from now",
        "nonce used before",
        "unsigned link",
        "unknown or revoked device token",
        "the ids match no device of the tenant",
        "agent portal access is disabled",
    ] {
        assert!(reasons.contains(&reason), "{reason} in {reasons:?}");
    }
});

on_both!(links_lead_to_sign_in_or_registration_and_browsers_get_a_code, |app: TestApp| async move {
    let rmm = setup(&app).await;
    // pat.user has an authenticator: password and code, as for any sign-in.
    let pat = ok(open(&app, &signed(&rmm.secret, PAT_PC, now(), &nonce())).await).await;
    assert_eq!(pat, json!({"status": "sign_in_required", "tenant": "demo", "email": "pat.user@demo.example"}));

    // Nobody on the kiosk yet: a registration form, prefilled from the RMM's contact.
    let kiosk = ok(open(&app, &signed(&rmm.secret, KIOSK, now(), &nonce())).await).await;
    assert_eq!(kiosk["status"], "registration_required");
    assert_eq!(kiosk["company"]["id"], rmm.contoso);
    assert_eq!(kiosk["prefill"]["email"], "kim@contoso.example");

    // A browser is sent to the front end with a one-time code in the fragment.
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = browser.get(app.url(&signed(&rmm.secret, PAT_PC, now(), &nonce()))).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let code = location.strip_prefix("http://localhost:3000/agent-login#code=").expect(&location).to_owned();
    assert!(code.len() >= 22, "at least 128 bits");
    let exchanged = ok(app.post("/api/v1/rmm/agent-login/exchange", None, json!({"code": code})).await).await;
    assert_eq!(exchanged["status"], "sign_in_required");
    problem(app.post("/api/v1/rmm/agent-login/exchange", None, json!({"code": code})).await, 401).await;
    let res = browser.get(app.url(&signed("wrong", PAT_PC, now(), &nonce()))).send().await.unwrap();
    assert_eq!(res.headers()["location"], "http://localhost:3000/agent-login#error=invalid_link");
});

on_both!(registration_creates_a_user_refuses_duplicates_and_confirms_contacts, backend => |backend| async move {
    // Undelivered, so the sealed code can still be read from the outbox.
    let app = TestApp::spawn_with(backend, |config| config.outbox_worker = false).await;
    let rmm = setup(&app).await;
    let token = |answer: &Value| answer["registration_token"].as_str().unwrap().to_owned();
    let kiosk = ok(open(&app, &signed(&rmm.secret, KIOSK, now(), &nonce())).await).await;
    let reg = token(&kiosk);

    // Someone else's portal address is refused: no takeover, no duplicate.
    let dup = json!({"registration_token": reg, "name": "Pat", "email": "pat.plus@demo.example"});
    problem(app.post("/api/v1/rmm/registrations", None, dup).await, 409).await;
    let bad = json!({"registration_token": reg, "name": "", "email": "not-an-address"});
    problem(app.post("/api/v1/rmm/registrations", None, bad).await, 422).await;
    problem(
        app.post(
            "/api/v1/rmm/registrations",
            None,
            json!({"registration_token": "x", "name": "K",
        "email": "k@contoso.example"}),
        )
        .await,
        401,
    )
    .await;

    let new = json!({"registration_token": reg, "name": "Kim Kiosk", "email": "kim@contoso.example"});
    let done = status(app.post("/api/v1/rmm/registrations", None, new.clone()).await, 201).await;
    assert_eq!(done["status"], "agent_session");
    let agent = done["access_token"].as_str().unwrap();
    assert_eq!(ok(app.get("/api/v1/me", agent).await).await["email"], "kim@contoso.example");
    problem(app.post("/api/v1/rmm/registrations", None, new).await, 401).await;
    let kiosk_id = rmm.device(KIOSK).0;
    let linked = ok(app.get(&format!("/api/v1/devices/{kiosk_id}"), &rmm.staff).await).await;
    assert!(linked["user_id"].is_i64(), "the device is linked to the new user");
    // The next link of the kiosk opens Kim's session.
    let again = ok(open(&app, &signed(&rmm.secret, KIOSK, now(), &nonce())).await).await;
    assert_eq!(again["status"], "agent_session");

    // An existing contact without portal access: activated only with the code sent to the address.
    let contact = json!({"email": "carla@contoso.example", "name": "Carla Contact",
        "memberships": [{"company_id": rmm.contoso, "roles": ["portal_user"]}]});
    status(app.post("/api/v1/users", Some(&rmm.staff), contact).await, 201).await;
    let other_pc = "b1f0c4d2-0000-4000-8000-00000000c003";
    ok(sync(&app, &rmm.sync, json!([device(other_pc, rmm.contoso, "windows", None)])).await).await;
    let reg = token(&ok(open(&app, &signed(&rmm.secret, other_pc, now(), &nonce())).await).await);
    let claim = json!({"registration_token": reg, "name": "Carla", "email": "carla@contoso.example"});
    let pending = status(app.post("/api/v1/rmm/registrations", None, claim).await, 202).await;
    assert_eq!(pending["status"], "confirmation_required");
    let all = mails(&app).await;
    let (_, subject, body) = all.iter().rev().find(|(to, ..)| to == "carla@contoso.example").expect("a code mail");
    assert!(subject.contains("activation code"), "{subject}");
    assert!(!subject.chars().any(|c| c.is_ascii_digit()), "the code is not in the subject: {subject}");
    let code = body.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a code").to_owned();
    let confirm = |code: &str| json!({"registration_token": reg, "code": code});
    problem(app.post("/api/v1/rmm/registrations/confirm", None, confirm("000000x")).await, 422).await;
    let done = ok(app.post("/api/v1/rmm/registrations/confirm", None, confirm(&code)).await).await;
    assert_eq!(done["status"], "agent_session");
    problem(app.post("/api/v1/rmm/registrations/confirm", None, confirm(&code)).await, 401).await;
});

on_both!(devices_sync_with_the_integration_credential_and_keep_company_and_user_together, |app: TestApp| async move {
    let rmm = setup(&app).await;
    let pc = json!([device("b1f0c4d2-0000-4000-8000-00000000c009", rmm.contoso, "windows", None)]);
    problem(sync(&app, "cdr_not-the-credential", pc.clone()).await, 401).await;
    problem(sync(&app, &rmm.staff, pc.clone()).await, 401).await;
    // A user of another company, and a company of another tenant, are refused; nothing is stored.
    let wrong_user = json!([
        device("b1f0c4d2-0000-4000-8000-00000000c009", rmm.contoso, "windows", None),
        device("b1f0c4d2-0000-4000-8000-00000000c010", rmm.contoso, "windows", Some("fred.fabrikam@demo.example"))
    ]);
    let body = problem(sync(&app, &rmm.sync, wrong_user).await, 422).await;
    // Named by the GUID the RMM knows the device by.
    assert!(
        crate::harness::fault(&body, "/devices/1/user_email").unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("b1f0c4d2-0000-4000-8000-00000000c010"),
        "{body}"
    );
    problem(sync(&app, &rmm.sync, json!([device("x-1", 999_999, "windows", None)])).await, 422).await;
    problem(sync(&app, &rmm.sync, json!([{"agent_guid": "x"}])).await, 422).await;
    let listed = ok(app.get(&format!("/api/v1/devices?company_id={}", rmm.contoso), &rmm.staff).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "the refused batch stored nothing");

    // A second sync updates in place and keeps the user.
    let renamed = json!([{"agent_guid": FRED_PC, "machine_id": machine(FRED_PC), "group_id": "root.office",
        "hostname": "fred-new.example.local", "platform": "windows", "company_id": rmm.fabrikam}]);
    let synced = ok(sync(&app, &rmm.sync, renamed).await).await;
    assert_eq!(synced["devices"][0]["created"], false);
    assert!(synced["devices"][0].get("link_token").is_none());
    let (fred_pc, _) = rmm.device(FRED_PC);
    let d = ok(app.get(&format!("/api/v1/devices/{fred_pc}"), &rmm.staff).await).await;
    assert_eq!(d["hostname"], "fred-new.example.local");
    assert!(d["user_id"].is_i64());

    // Staff move devices only to a company whose member uses them.
    let patch = json!({"company_id": rmm.contoso});
    problem(app.send(Method::PATCH, &format!("/api/v1/devices/{fred_pc}"), &rmm.staff, patch).await, 422).await;

    // Users see their own devices with the actions each platform allows; staff-only routes refuse them.
    let fred = app.token("fred.fabrikam@demo.example").await;
    let mine = ok(app.get("/api/v1/me/devices", &fred).await).await;
    let mine = mine["items"].as_array().unwrap();
    assert_eq!(mine.len(), 2);
    let linux = mine.iter().find(|d| d["platform"] == "linux").unwrap();
    assert!(!linux["actions"].as_array().unwrap().contains(&json!("install_software")));
    let windows = mine.iter().find(|d| d["platform"] == "windows").unwrap();
    assert!(windows["actions"].as_array().unwrap().contains(&json!("install_software")));
    problem(app.get("/api/v1/devices", &fred).await, 403).await;
    problem(app.get("/api/v1/rmm/integration", &fred).await, 403).await;
    let tech = app.token("tech@demo.example").await;
    problem(app.post("/api/v1/rmm/integration/secret", Some(&tech), json!({})).await, 403).await;
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/devices/{fred_pc}"), &other).await, 404).await;
});

on_both!(another_tenants_secret_and_devices_open_nothing_here, |app: TestApp| async move {
    let rmm = setup(&app).await;
    // A second tenant with its own integration and a computer of its own.
    let other = app.other_tenant_admin().await;
    let company = status(app.post("/api/v1/companies", Some(&other), json!({"name": "Northwind"})).await, 201).await;
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &other, json!({"enabled": true})).await).await;
    let other_secret = ok(app.post("/api/v1/rmm/integration/secret", Some(&other), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let other_sync = ok(app.post("/api/v1/rmm/integration/sync-token", Some(&other), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let their_pc = "b1f0c4d2-0000-4000-8000-0000000000a1";
    let synced =
        ok(sync(&app, &other_sync, json!([device(their_pc, company["id"].as_i64().unwrap(), "windows", None)])).await)
            .await;
    let their_token = synced["devices"][0]["link_token"].as_str().unwrap().to_owned();
    // Their own link works for them (so the refusals below are about the tenant, not the link).
    let theirs = ok(open(&app, &signed_for("other", &other_secret, their_pc, now(), &nonce())).await).await;
    assert_eq!(theirs["status"], "registration_required");

    // Their device's ids under this tenant, this tenant's secret on their link, their token here.
    refused(&app, &signed(&rmm.secret, their_pc, now(), &nonce())).await;
    refused(&app, &signed_for("other", &rmm.secret, their_pc, now(), &nonce())).await;
    refused(&app, &signed(&other_secret, FRED_PC, now(), &nonce())).await;
    let ids = format!("agentguid={their_pc}&machineid={}&groupid=root.office", machine(their_pc));
    refused(&app, &format!("/api/v1/rmm/agent-login?client=demo&{ids}&token={their_token}")).await;
    // The sync credential of one tenant cannot touch the other's devices or companies.
    let fabrikam_pc = json!([device("b1f0c4d2-0000-4000-8000-0000000000a2", rmm.fabrikam, "windows", None)]);
    problem(sync(&app, &other_sync, fabrikam_pc).await, 422).await;
});

// A full batch of realistic devices fits the sync's body limit; a body past it is 413.
on_both!(a_sync_takes_its_whole_documented_batch, |app: TestApp| async move {
    let rmm = setup(&app).await;
    let batch: Vec<Value> = (0..500)
        .map(|n| {
            let mut d = device(&format!("b1f0c4d2-0000-4000-8000-{n:012}"), rmm.contoso, "windows", None);
            d["hostname"] = json!(format!("workstation-{n:04}.branch-office-lausanne.contoso.example.local"));
            d["last_seen_at"] = json!("2026-11-30T08:55:00Z");
            d
        })
        .collect();
    assert!(json!({"devices": batch}).to_string().len() > 128 * 1024, "twice the default body limit of 64 KiB");
    let synced = ok(sync(&app, &rmm.sync, json!(batch)).await).await;
    assert_eq!(synced["devices"].as_array().unwrap().len(), 500);

    let oversized = json!({"devices": [device("b1f0c4d2-0000-4000-8000-00000000c0ff", rmm.contoso, "windows", None)],
        "padding": "x".repeat(3 * 1024 * 1024)});
    let res = app.request(Method::PUT, "/api/v1/rmm/devices", Some(&rmm.sync)).json(&oversized).send().await.unwrap();
    problem(res, 413).await;
    let listed = ok(app.get(&format!("/api/v1/devices?company_id={}&limit=200", rmm.contoso), &rmm.staff).await).await;
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["agent_guid"] != "b1f0c4d2-0000-4000-8000-00000000c0ff"));
});

// Parameters an RMM adds to its links are not signed and change nothing; a link missing one of
// its own parameters sends a browser to the front end with the error, like any refused link.
on_both!(links_ignore_added_parameters_and_browsers_never_get_a_raw_error, |app: TestApp| async move {
    let rmm = setup(&app).await;
    let link = format!("{}&lang=en", signed(&rmm.secret, FRED_PC, now(), &nonce()));
    assert_eq!(ok(open(&app, &link).await).await["status"], "agent_session");

    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let incomplete = "/api/v1/rmm/agent-login?client=demo&agentguid=x&lang=en";
    let res = browser.get(app.url(incomplete)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "http://localhost:3000/agent-login#error=invalid_link");
    problem(open(&app, incomplete).await, 422).await;
});

// A session opened from a device's agent menu lists that device only, not its user's others.
on_both!(an_agent_session_sees_only_its_own_device, |app: TestApp| async move {
    let rmm = setup(&app).await;
    let (fred_pc, _) = rmm.device(FRED_PC);
    let answer = ok(open(&app, &signed(&rmm.secret, FRED_PC, now(), &nonce())).await).await;
    let agent = answer["access_token"].as_str().unwrap().to_owned();
    let seen = ok(app.get("/api/v1/me/devices", &agent).await).await;
    let ids: Vec<i64> = seen["items"].as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![fred_pc]);
    // Signed in with password and code, the same user sees both computers.
    let fred = app.token("fred.fabrikam@demo.example").await;
    assert_eq!(ok(app.get("/api/v1/me/devices", &fred).await).await["items"].as_array().unwrap().len(), 2);
});
