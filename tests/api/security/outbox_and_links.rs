//! Secrets in flight: the outbox never shows a usable secret and keeps none after delivery,
//! decisions record where they came from, webhooks reach only the targets a tenant allows and
//! keep no answer text, agent registration codes and refused agent links are throttled, expired
//! rows are swept.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use clientdesk_domain::outbox::Channel;
use clientdesk_persistence::outbox::{self as outbox_store, NewMessage, SEALED_BODY_REMOVED};
use clientdesk_persistence::{tenants, write_tx};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::approvals::mails;
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::outbox::{eventually, until_status};
use crate::rmm::{self, nonce, now, open, signed, KIOSK};
use crate::tickets::{companies, create, ok, status};

const STAFF: &str = "admin@demo.example";

async fn undelivered(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |config| config.outbox_worker = false).await
}

/// Asks Contoso's approvers (Ann and Max) to validate a new ticket; returns the validation.
async fn validation(app: &TestApp, staff: &str, question: &str) -> Value {
    let (contoso, _, _) = companies(app, staff).await;
    let pat = app.token("pat.user@demo.example").await;
    let ticket = create(app, &pat, contoso, json!({"title": "UPS", "description": "Beeps."})).await;
    let path = format!("/api/v1/tickets/{}/validations", ticket["id"]);
    status(app.post(&path, Some(staff), json!({"question": question})).await, 201).await
}

/// The decision-link tokens in the (opened) validation e-mails, to anyone.
async fn link_tokens(app: &TestApp) -> Vec<String> {
    mails(app)
        .await
        .iter()
        .flat_map(|(_, _, body)| {
            body.split_whitespace()
                .filter_map(|w| w.split("/api/v1/decision-links/").nth(1))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The outbox as staff list it, as one text, and its items.
async fn outbox_listing(app: &TestApp, staff: &str) -> (String, Vec<Value>) {
    let page = ok(app.get("/api/v1/outbox?limit=200", staff).await).await;
    (page.to_string(), page["items"].as_array().unwrap().clone())
}

/// The raw bodies stored in the outbox.
async fn stored_bodies(app: &TestApp) -> Vec<(i64, String)> {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::outbox;
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        outbox::table.order(outbox::id).select((outbox::id, outbox::body)).load(&mut *conn).unwrap()
    })
    .await
    .unwrap()
}

/// Kiosk, a computer without a user, and Carla, a Contoso contact without portal access: a
/// registration from the kiosk under Carla's address needs the code e-mailed to her.
async fn kiosk_and_carla(app: &TestApp) -> rmm::Rmm {
    let rmm = rmm::setup(app).await;
    let contact = json!({"email": "carla@contoso.example", "name": "Carla Contact",
        "memberships": [{"company_id": rmm.contoso, "roles": ["portal_user"]}]});
    status(app.post("/api/v1/users", Some(&rmm.staff), contact).await, 201).await;
    rmm
}

async fn registration_token(app: &TestApp, rmm: &rmm::Rmm) -> String {
    let answer = ok(open(app, &signed(&rmm.secret, KIOSK, now(), &nonce())).await).await;
    answer["registration_token"].as_str().expect("a registration token").to_owned()
}

fn as_carla(token: &str) -> Value {
    json!({"registration_token": token, "name": "Carla", "email": "carla@contoso.example"})
}

fn codes_to_carla(all: &[(String, String, String)]) -> Vec<String> {
    all.iter()
        .filter(|(to, subject, _)| to == "carla@contoso.example" && subject.contains("activation code"))
        .map(|(_, _, body)| body.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned())
        .collect()
}

on_both!(the_outbox_shows_staff_no_usable_secret, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(STAFF).await;
    validation(&app, &staff, "Replace the UPS battery?").await;
    let tokens = link_tokens(&app).await;
    assert_eq!(tokens.len(), 4, "two links for each of two approvers");

    // An activation code and an SMS code are queued too.
    let rmm = kiosk_and_carla(&app).await;
    let reg = registration_token(&app, &rmm).await;
    status(app.post("/api/v1/rmm/registrations", None, as_carla(&reg)).await, 202).await;
    // A user with no second factor yet sets a first phone without one.
    let fred = app.token("fred.fabrikam@demo.example").await;
    ok(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": "+41 79 555 12 34"})).await).await;
    let all = mails(&app).await;
    let activation = codes_to_carla(&all).pop().expect("an activation code");
    let (_, _, sms) = all.iter().find(|(to, ..)| to.starts_with("+41")).expect("an SMS");
    let sms_code = sms.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned();

    let (listing, items) = outbox_listing(&app, &staff).await;
    for secret in tokens.iter().chain([&activation, &sms_code]) {
        assert!(!listing.contains(secret.as_str()), "{secret} is shown: {listing}");
    }
    assert!(!listing.contains("sealed:"), "not even sealed: {listing}");
    let asked = items.iter().find(|m| m["recipient"] == "ann.approver@demo.example").unwrap();
    let body = asked["body"].as_str().unwrap();
    assert!(body.contains("Replace the UPS battery?") && body.contains("/api/v1/decision-links/[redacted]"), "{body}");

    // Nor can the database alone give them away.
    let stored = stored_bodies(&app).await;
    for secret in tokens.iter().chain([&activation, &sms_code]) {
        assert!(stored.iter().all(|(_, b)| !b.contains(secret.as_str())), "{secret} stored in clear");
    }
});

on_both!(a_delivered_secret_is_wiped_from_the_outbox, |app: TestApp| async move {
    let staff = app.token(STAFF).await;
    validation(&app, &staff, "Reboot the firewall?").await;
    let (_, items) = outbox_listing(&app, &staff).await;
    let asked: Vec<i64> = items
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().contains("approval"))
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(asked.len(), 2);
    for id in &asked {
        let sent = until_status(&app, &staff, *id, "sent").await;
        assert!(sent["body"].as_str().unwrap().contains("/api/v1/decision-links/[redacted]"), "{sent}");
    }
    let stored = stored_bodies(&app).await;
    for id in &asked {
        let (_, body) = stored.iter().find(|(i, _)| i == id).unwrap();
        assert_eq!(body, SEALED_BODY_REMOVED);
    }
});

on_both!(every_decision_records_its_client_address_and_user_agent, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(STAFF).await;
    let first = validation(&app, &staff, "Restart the mail server?").await;
    let tokens = link_tokens(&app).await;
    // By link: the first token is Ann's accept link.
    let link = format!("/api/v1/decision-links/{}", tokens[0]);
    let res = app.client.post(app.url(&link)).header("user-agent", "LinkBrowser/1.0").json(&json!({})).send().await;
    ok(res.unwrap()).await;
    // In the portal.
    let second = {
        let (contoso, _, _) = companies(&app, &staff).await;
        let pat = app.token("pat.user@demo.example").await;
        let ticket = create(&app, &pat, contoso, json!({"title": "Disk", "description": "Full."})).await;
        let path = format!("/api/v1/tickets/{}/validations", ticket["id"]);
        status(app.post(&path, Some(&staff), json!({"question": "Buy a disk?"})).await, 201).await
    };
    let ann = app.token("ann.approver@demo.example").await;
    let res = app
        .request(Method::POST, &format!("/api/v1/validations/{}/decision", second["id"]), Some(&ann))
        .header("user-agent", "PortalApp/2.0")
        .json(&json!({"decision": "accept"}))
        .send()
        .await
        .unwrap();
    ok(res).await;

    let events = ok(app.get("/api/v1/audit-events?action=validation.decided", &staff).await).await;
    let events = events["items"].as_array().unwrap();
    let of = |v: &Value| {
        let target = format!("validation:{}", v["id"]);
        events.iter().find(|e| e["target"] == target).cloned().expect("the decision is audited")
    };
    let (by_link, in_portal) = (of(&first), of(&second));
    assert_eq!(by_link["ip"], "127.0.0.1", "{by_link}");
    assert_eq!(by_link["user_agent"], "LinkBrowser/1.0", "{by_link}");
    assert_eq!(by_link["detail"], "accept via link", "{by_link}");
    assert_eq!(in_portal["ip"], "127.0.0.1", "{in_portal}");
    assert_eq!(in_portal["user_agent"], "PortalApp/2.0", "{in_portal}");
    assert_eq!(in_portal["detail"], "accept via portal", "{in_portal}");
});

on_both!(webhook_targets_must_be_public_unless_the_tenant_allows_private_ones, |app: TestApp| async move {
    let rmm = rmm::setup(&app).await;
    let put = |body: Value| app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, body);
    for url in [
        "http://localhost:1@other-host/",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "http://127.0.0.1:9/hook",
    ] {
        let body = problem(put(json!({"enabled": true, "webhook_url": url})).await, 422).await;
        assert!(crate::harness::fault(&body, "webhook_url").is_some(), "{url}: {body}");
    }
    // The tenant allows its own network: private addresses and plain http to them pass, a URL
    // carrying credentials still does not.
    let allowed = |url: &str| json!({"enabled": true, "webhook_url": url, "allow_private_targets": true});
    let set = ok(put(allowed("http://127.0.0.1:9/hook")).await).await;
    assert_eq!(set["allow_private_targets"], true);
    assert_eq!(set["webhook_url"], "http://127.0.0.1:9/hook");
    ok(put(allowed("https://10.0.0.5/hook")).await).await;
    problem(put(allowed("http://localhost:1@other-host/")).await, 422).await;
    let technician = app.token("tech@demo.example").await;
    let res = app.send(Method::PUT, "/api/v1/rmm/integration", &technician, allowed("https://10.0.0.5/h")).await;
    problem(res, 403).await;
});

/// Answers every request with `status` and a body that must never be stored; counts requests.
async fn echoing_receiver(status: u16) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await;
                let body = "internal detail: db password hunter2";
                let reply = format!(
                    "HTTP/1.1 {status} Refused\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, count)
}

/// Queues a webhook to `url` for the demo tenant, as a device action would; returns its id.
async fn queue_webhook(app: &TestApp, url: &str) -> i64 {
    let (db, url) = (app.state.db.clone(), url.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let tenant = tenants::find_by_slug(&mut conn, "demo").unwrap().id;
        let message = NewMessage {
            tenant_id: tenant,
            channel: Channel::Webhook,
            recipient: url,
            subject: "ping".into(),
            body: json!({"event": "ping"}).to_string(),
            language: None,
        };
        write_tx(&mut conn, |conn| outbox_store::enqueue(conn, &message, Utc::now())).unwrap()
    })
    .await
    .unwrap()
}

on_both!(a_failed_webhook_keeps_only_its_status_code, |app: TestApp| async move {
    let rmm = rmm::setup(&app).await;
    let (url, _) = echoing_receiver(400).await;
    let allow = json!({"enabled": true, "webhook_url": url, "allow_private_targets": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, allow).await).await;
    let id = queue_webhook(&app, &url).await;
    let dead = until_status(&app, &rmm.staff, id, "dead").await;
    let error = dead["last_error"].as_str().unwrap();
    assert!(error.contains("400"), "{dead}");
    assert!(!error.contains("hunter2") && !error.contains("internal detail"), "{dead}");
});

on_both!(a_webhook_to_a_private_address_is_refused_at_delivery, |app: TestApp| async move {
    // The tenant does not allow private targets (the default), yet a message to one is queued.
    let rmm = rmm::setup(&app).await;
    let (url, received) = echoing_receiver(200).await;
    let id = queue_webhook(&app, &url).await;
    let dead = until_status(&app, &rmm.staff, id, "dead").await;
    assert!(dead["last_error"].as_str().unwrap().contains("private"), "{dead}");
    assert_eq!(received.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing reached the address");
});

on_both!(a_repeated_registration_reuses_the_live_activation_code, backend => |backend| async move {
    let app = undelivered(backend).await;
    let rmm = kiosk_and_carla(&app).await;
    let first = registration_token(&app, &rmm).await;
    status(app.post("/api/v1/rmm/registrations", None, as_carla(&first)).await, 202).await;
    // Another link, another registration token: the same code, no new e-mail.
    let second = registration_token(&app, &rmm).await;
    status(app.post("/api/v1/rmm/registrations", None, as_carla(&second)).await, 202).await;
    status(app.post("/api/v1/rmm/registrations", None, as_carla(&first)).await, 202).await;
    let codes = codes_to_carla(&mails(&app).await);
    assert_eq!(codes.len(), 1, "one code e-mailed: {codes:?}");

    // Its tries are shared by every registration token of the device: five wrong ones spend it.
    let confirm = |token: &str, code: &str| {
        app.post("/api/v1/rmm/registrations/confirm", None, json!({"registration_token": token, "code": code}))
    };
    let wrong = if codes[0] == "000000" { "111111" } else { "000000" };
    for token in [&first, &second, &first, &second, &first] {
        problem(confirm(token, wrong).await, 422).await;
    }
    problem(confirm(&second, &codes[0]).await, 409).await;
});

on_both!(agent_registrations_are_throttled_per_device, backend => |backend| async move {
    let app = undelivered(backend).await;
    let rmm = kiosk_and_carla(&app).await;
    let token = registration_token(&app, &rmm).await;
    let calls = (0..200).map(|_| {
        let (client, url, body) = (app.client.clone(), app.url("/api/v1/rmm/registrations"), as_carla(&token));
        tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
    });
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap());
    }
    let answered = statuses.iter().filter(|s| **s != 429).count();
    assert!(answered <= 5, "at most the device's 5 registrations an hour: {statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(codes_to_carla(&mails(&app).await).len() <= 1, "at most one e-mail");
});

on_both!(refused_agent_links_are_throttled_per_address, |app: TestApp| async move {
    let rmm = rmm::setup(&app).await;
    let calls = (0..200).map(|_| {
        let link = signed("not-the-secret", KIOSK, now(), &nonce());
        let (client, url) = (app.client.clone(), app.url(&link));
        tokio::spawn(async move {
            client.get(url).header("accept", "application/json").send().await.unwrap().status().as_u16()
        })
    });
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap());
    }
    let refused = statuses.iter().filter(|s| **s == 401).count();
    assert!(refused <= 20, "at most 20 refusals before 429: {refused}");
    assert_eq!(refused + statuses.iter().filter(|s| **s == 429).count(), 200, "{statuses:?}");
    let events = ok(app.get("/api/v1/audit-events?action=agent_login_refused&limit=200", &rmm.staff).await).await;
    assert!(events["items"].as_array().unwrap().len() <= 20, "one audit row per refusal before the block");
    // A valid link from the same address still works: bad links must not lock honest computers out.
    let valid = ok(open(&app, &signed(&rmm.secret, KIOSK, now(), &nonce())).await).await;
    assert_eq!(valid["status"], "registration_required");
});

on_both!(expired_codes_links_and_idle_throttles_are_swept, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.outbox.sweep_every = Duration::from_millis(200)).await;
    let rmm = rmm::setup(&app).await;
    let staff = app.token(STAFF).await;
    validation(&app, &staff, "Swap the switch?").await;
    registration_token(&app, &rmm).await;
    let live = registration_token(&app, &rmm).await;
    let (db, live_hash) = (app.state.db.clone(), clientdesk_app::crypto::secrets::fingerprint(&live));
    // Expire all but the live registration three days ago; add a throttle counter idle for eight days.
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::{decision_links, signin_throttles, verification_codes};
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        let past = (Utc::now() - chrono::Duration::days(3)).naive_utc();
        diesel::update(verification_codes::table.filter(verification_codes::code_hash.ne(live_hash)))
            .set(verification_codes::expires_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
        diesel::update(decision_links::table).set(decision_links::expires_at.eq(past)).execute(&mut *conn).unwrap();
        diesel::insert_into(signin_throttles::table)
            .values((
                signin_throttles::throttle_key.eq("address:192.0.2.1"),
                signin_throttles::failures.eq(3),
                signin_throttles::last_failure_at.eq((Utc::now() - chrono::Duration::days(8)).naive_utc()),
            ))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
    let db = app.state.db.clone();
    eventually("the expired rows to be swept", || {
        let db = db.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                use clientdesk_persistence::schema::{decision_links, signin_throttles, verification_codes};
                use diesel::prelude::*;
                let mut conn = db.conn().unwrap();
                let codes: i64 = verification_codes::table.count().get_result(&mut *conn).unwrap();
                let links: i64 = decision_links::table.count().get_result(&mut *conn).unwrap();
                let idle: i64 = signin_throttles::table
                    .filter(signin_throttles::throttle_key.eq("address:192.0.2.1"))
                    .count()
                    .get_result(&mut *conn)
                    .unwrap();
                (codes == 1 && links == 0 && idle == 0).then_some(())
            })
            .await
            .unwrap()
        }
    })
    .await;
    // The live registration still works.
    let new = json!({"registration_token": live, "name": "Kim Kiosk", "email": "kim@contoso.example"});
    status(app.post("/api/v1/rmm/registrations", None, new).await, 201).await;
});

on_both!(parallel_wrong_activation_codes_get_no_more_than_five_tries, backend => |backend| async move {
    let app = undelivered(backend).await;
    let rmm = kiosk_and_carla(&app).await;
    // Two registration tokens of the computer, and two server processes on one database.
    let tokens = [registration_token(&app, &rmm).await, registration_token(&app, &rmm).await];
    for token in &tokens {
        status(app.post("/api/v1/rmm/registrations", None, as_carla(token)).await, 202).await;
    }
    let code = codes_to_carla(&mails(&app).await).pop().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bases = [app.base.clone(), app.second_server()];
    let calls = (0..200).map(|n| {
        let url = format!("{}/api/v1/rmm/registrations/confirm", bases[n % 2]);
        let (client, body) = (app.client.clone(), json!({"registration_token": tokens[n / 2 % 2], "code": wrong}));
        tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
    });
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap());
    }
    let tried = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!(tried, 5, "five wrong tries in all, then the code is spent: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 422 || *s == 409), "{statuses:?}");
    let res = app.post("/api/v1/rmm/registrations/confirm", None, json!({"registration_token": tokens[1], "code": code}));
    problem(res.await, 409).await;
});

on_both!(agent_registrations_are_throttled_per_client_address, |app: TestApp| async move {
    let rmm = rmm::setup(&app).await;
    // 25 computers without a user, each registered once from the same address.
    let guids: Vec<String> = (0..25).map(|n| format!("b1f0c4d2-0000-4000-8000-00000000{:04}", 7000 + n)).collect();
    let devices: Vec<Value> = guids
        .iter()
        .map(|guid| {
            let machine = format!("M-{}", &guid[guid.len() - 4..]);
            json!({"agent_guid": guid, "machine_id": machine, "group_id": "root.office",
                "hostname": format!("{machine}.example.local"), "platform": "windows", "company_id": rmm.contoso})
        })
        .collect();
    let res = app.request(Method::PUT, "/api/v1/rmm/devices", Some(&rmm.sync)).json(&json!({"devices": devices}));
    ok(res.send().await.unwrap()).await;
    let mut statuses = Vec::new();
    for (n, guid) in guids.iter().enumerate() {
        let answer = ok(open(&app, &signed(&rmm.secret, guid, now(), &nonce())).await).await;
        let body = json!({"registration_token": answer["registration_token"], "name": format!("Kiosk {n}"),
            "email": format!("kiosk{n}@contoso.example")});
        statuses.push(app.post("/api/v1/rmm/registrations", None, body).await.status().as_u16());
    }
    assert_eq!(statuses[..20], [201; 20], "{statuses:?}");
    assert_eq!(statuses[20..], [429; 5], "{statuses:?}");
});
