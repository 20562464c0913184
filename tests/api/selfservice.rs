//! Self-service actions: a verified phone, a fresh second factor, only the device's user, the
//! platform's actions, the catalogue, sealed temporary passwords, the signed result callback and
//! the per-user limit.

use reqwest::Method;
use serde_json::{json, Value};

use crate::approvals::mails;
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::rmm::{self, Rmm, FRED_PC, LINUX_BOX, PAT_PC};
use crate::tickets::{company_settings, ok, status};

const HOOK: &str = "http://127.0.0.1:9/clientdesk-hook";

/// These tests look at what is queued; delivery and the action's lifecycle are in dispatch.rs.
async fn without_worker(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |config| config.outbox_worker = false).await
}

async fn connected(app: &TestApp) -> Rmm {
    let rmm = rmm::setup(app).await;
    let hook = json!({"enabled": true, "webhook_url": HOOK, "allow_private_targets": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, hook).await).await;
    rmm
}

fn actions(device: i64) -> String {
    format!("/api/v1/devices/{device}/actions")
}

/// The first run of six digits in the newest outbox message to `to`.
async fn code_sent_to(app: &TestApp, to: &str) -> String {
    let all = mails(app).await;
    let (_, _, body) = all.iter().rev().find(|(r, ..)| r == to).expect("a message");
    let digits: Vec<char> = body.chars().collect();
    digits
        .windows(6)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .map(|w| w.iter().collect())
        .unwrap_or_else(|| panic!("no code in {body}"))
}

async fn step_up_totp(app: &TestApp, token: &str, email: &str) {
    let code = app.code(email);
    ok(app.post("/api/v1/me/step-up", Some(token), json!({"code": code})).await).await;
}

on_both!(actions_need_a_fresh_second_factor_on_your_own_device, backend => |backend| async move {
    let app = without_worker(backend).await;
    let rmm = connected(&app).await;
    let (pat_pc, fred_pc) = (rmm.device(PAT_PC).0, rmm.device(FRED_PC).0);
    let pat = app.token("pat.user@demo.example").await;
    let restart = json!({"kind": "restart"});
    let body = problem(app.post(&actions(pat_pc), Some(&pat), restart.clone()).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("step-up"), "{body}");
    problem(app.post("/api/v1/me/step-up", Some(&pat), json!({"code": "000000"})).await, 401).await;
    problem(app.post("/api/v1/me/step-up", Some(&pat), json!({})).await, 422).await;
    step_up_totp(&app, &pat, "pat.user@demo.example").await;

    problem(app.post(&actions(fred_pc), Some(&pat), restart.clone()).await, 404).await;
    let first = app.request(Method::POST, &actions(pat_pc), Some(&pat)).header("idempotency-key", "r-1").json(&restart);
    let action = status(first.send().await.unwrap(), 202).await;
    assert_eq!(action["kind"], "restart");
    assert_eq!(action["device_id"], pat_pc);
    let again = app.request(Method::POST, &actions(pat_pc), Some(&pat)).header("idempotency-key", "r-1").json(&restart);
    let again = again.send().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], action["id"]);
    assert_eq!(ok(app.get(&actions(pat_pc), &pat).await).await["items"].as_array().unwrap().len(), 1, "one side effect");

    // The RMM is told through the outbox: a webhook naming the action, the device and the callback.
    let hooks: Vec<_> = mails(&app).await.into_iter().filter(|(to, ..)| to == HOOK).collect();
    assert_eq!(hooks.len(), 1);
    let payload: Value = serde_json::from_str(&hooks[0].2).unwrap();
    assert_eq!(payload["action"]["id"], action["id"]);
    assert_eq!(payload["device"]["agent_guid"], PAT_PC);
    assert!(payload["callback_url"].as_str().unwrap().ends_with("/api/v1/rmm/action-results"));

    // Software from the catalogue, where the platform has an installer; never without one.
    let cask = json!({"name": "Keka", "homebrew_cask": "keka"});
    let keka = status(app.post("/api/v1/software", Some(&rmm.staff), cask).await, 201).await;
    let choco = status(
        app.post("/api/v1/software", Some(&rmm.staff), json!({"name": "7-Zip", "chocolatey_id": "7zip"})).await,
        201,
    )
    .await;
    problem(app.post("/api/v1/software", Some(&pat), json!({"name": "X", "chocolatey_id": "x"})).await, 403).await;
    problem(app.post("/api/v1/software", Some(&rmm.staff), json!({"name": "Nothing"})).await, 422).await;
    let offered = ok(app.get(&format!("/api/v1/devices/{pat_pc}/software"), &pat).await).await;
    assert_eq!(offered["items"].as_array().unwrap().iter().map(|s| s["name"].clone()).collect::<Vec<_>>(), [json!("Keka")]);
    let install = |id: &Value| json!({"kind": "install_software", "software_id": id});
    status(app.post(&actions(pat_pc), Some(&pat), install(&keka["id"])).await, 202).await;
    problem(app.post(&actions(pat_pc), Some(&pat), install(&choco["id"])).await, 422).await;
    problem(app.post(&actions(pat_pc), Some(&pat), json!({"kind": "install_software"})).await, 422).await;
    problem(app.post(&actions(pat_pc), Some(&pat), json!({"kind": "lock", "software_id": keka["id"]})).await, 422)
        .await;
    problem(app.post(&actions(pat_pc), Some(&pat), json!({"kind": "format_disk"})).await, 422).await;

    // Off for the company: refused, whatever the second factor.
    company_settings(&app, &rmm.staff, rmm.contoso, json!({"self_service_enabled": false})).await;
    problem(app.post(&actions(pat_pc), Some(&pat), restart.clone()).await, 403).await;
    company_settings(&app, &rmm.staff, rmm.contoso, json!({"self_service_enabled": true})).await;

    // A step-up older than five minutes no longer counts.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::step_ups;
        use diesel::prelude::*;
        let old = (chrono::Utc::now() - chrono::Duration::minutes(6)).naive_utc();
        let mut conn = db.conn().unwrap();
        diesel::update(step_ups::table).set(step_ups::proven_at.eq(old)).execute(&mut *conn).unwrap();
    })
    .await
    .unwrap();
    problem(app.post(&actions(pat_pc), Some(&pat), restart).await, 403).await;
});

on_both!(phone_verification_sms_step_up_and_sealed_password_resets, backend => |backend| async move {
    let app = without_worker(backend).await;
    let rmm = connected(&app).await;
    let (fred_pc, linux) = (rmm.device(FRED_PC).0, rmm.device(LINUX_BOX).0);
    let fred = app.token("fred.fabrikam@demo.example").await;
    let phone = "+41 79 555 12 34";
    problem(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 409).await;
    problem(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": "call me"})).await, 422).await;
    status(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": phone})).await, 202).await;
    assert_eq!(ok(app.get("/api/v1/me", &fred).await).await["phone_verified"], false);
    let code = code_sent_to(&app, phone).await;
    problem(app.post("/api/v1/me/phone/confirm", Some(&fred), json!({"code": "99999x"})).await, 422).await;
    ok(app.post("/api/v1/me/phone/confirm", Some(&fred), json!({"code": code})).await).await;
    assert_eq!(ok(app.get("/api/v1/me", &fred).await).await["phone_verified"], true);

    // No authenticator: the step-up code comes by SMS, from a day after the phone changed.
    problem(app.post("/api/v1/me/step-up", Some(&fred), json!({"code": "123456"})).await, 409).await;
    problem(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 403).await;
    app.phone_changed_hours_ago("fred.fabrikam@demo.example", 25).await;
    status(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 202).await;
    let code = code_sent_to(&app, phone).await;
    ok(app.post("/api/v1/me/step-up", Some(&fred), json!({"sms_code": code})).await).await;

    problem(app.post(&actions(linux), Some(&fred), json!({"kind": "install_software", "software_id": 1})).await, 422)
        .await;
    let reset = status(app.post(&actions(fred_pc), Some(&fred), json!({"kind": "reset_password"})).await, 202).await;
    assert!(reset.get("temporary_password").is_none());
    // The temporary password waits sealed: neither the webhook nor the SMS holds it in clear.
    let all = crate::approvals::stored(&app).await;
    let hook = all.iter().rev().find(|(to, ..)| to == HOOK).unwrap();
    assert!(hook.2.starts_with("sealed:v1:"), "{}", hook.2);
    let sms = all.iter().rev().find(|(to, ..)| to == phone).unwrap();
    assert!(sms.2.starts_with("sealed:v1:"), "{}", sms.2);
    let opened = app.state.sealer.open(&sms.2).unwrap();
    let payload: Value = serde_json::from_str(&app.state.sealer.open(&hook.2).unwrap()).unwrap();
    let password = payload["temporary_password"].as_str().unwrap();
    assert!(opened.contains(password), "the SMS carries the same password as the webhook");

    // The phone changes only through its own endpoints; removing it (with the fresh SMS step-up)
    // ends the step-up, and actions need a factor again.
    problem(app.send(Method::PATCH, "/api/v1/me", &fred, json!({"phone": "+41 79 555 99 99"})).await, 422).await;
    status(app.send(Method::DELETE, "/api/v1/me/phone", &fred, json!({})).await, 204).await;
    assert!(ok(app.get("/api/v1/me", &fred).await).await["phone"].is_null());
    problem(app.post(&actions(fred_pc), Some(&fred), json!({"kind": "reset_password"})).await, 403).await;

    // An agent session asks for nothing.
    let agent = ok(rmm::open(&app, &rmm::signed(&rmm.secret, FRED_PC, rmm::now(), &rmm::nonce())).await).await;
    let agent = agent["access_token"].as_str().unwrap();
    problem(app.post(&actions(fred_pc), Some(agent), json!({"kind": "lock"})).await, 403).await;
    problem(app.post("/api/v1/me/step-up/sms", Some(agent), json!({})).await, 403).await;
});

fn sign(secret: &str, ts: i64, body: &str) -> String {
    let payload = format!("{ts}.{body}");
    format!("sha256={}", clientdesk_app::crypto::secrets::hmac_hex(secret.as_bytes(), payload.as_bytes()))
}

async fn callback(app: &TestApp, ts: i64, signature: Option<String>, body: &str) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/rmm/action-results"))
        .header("content-type", "application/json")
        .header("x-clientdesk-timestamp", ts.to_string());
    if let Some(signature) = signature {
        req = req.header("x-clientdesk-signature", signature);
    }
    req.body(body.to_owned()).send().await.unwrap()
}

on_both!(the_rmm_reports_results_to_a_signed_callback_and_users_are_limited, backend => |backend| async move {
    let app = without_worker(backend).await;
    let rmm = connected(&app).await;
    let pat_pc = rmm.device(PAT_PC).0;
    let pat = app.token("pat.user@demo.example").await;
    step_up_totp(&app, &pat, "pat.user@demo.example").await;
    let action = status(app.post(&actions(pat_pc), Some(&pat), json!({"kind": "lock"})).await, 202).await;
    let id = action["id"].as_i64().unwrap();

    let body = json!({"action_id": id, "status": "succeeded", "message": "Locked"}).to_string();
    let now = rmm::now();
    problem(callback(&app, now, None, &body).await, 401).await;
    let oversized = format!("{{\"action_id\": {id}, \"status\": \"succeeded\", \"message\": \"{}\"}}", "x".repeat(70 * 1024));
    problem(callback(&app, now, Some(sign(&rmm.secret, now, &oversized)), &oversized).await, 413).await;
    problem(callback(&app, now, Some(sign("not-the-secret", now, &body)), &body).await, 401).await;
    problem(callback(&app, now - 400, Some(sign(&rmm.secret, now - 400, &body)), &body).await, 401).await;
    let tampered = body.replace("Locked", "Formatted");
    problem(callback(&app, now, Some(sign(&rmm.secret, now, &body)), &tampered).await, 401).await;
    let done = ok(callback(&app, now, Some(sign(&rmm.secret, now, &body)), &body).await).await;
    assert_eq!(done["status"], "succeeded");
    ok(callback(&app, now, Some(sign(&rmm.secret, now, &body)), &body).await).await;
    let failed = json!({"action_id": id, "status": "failed"}).to_string();
    problem(callback(&app, now, Some(sign(&rmm.secret, now, &failed)), &failed).await, 409).await;
    let seen = ok(app.get(&format!("/api/v1/actions/{id}"), &pat).await).await;
    assert_eq!((seen["status"].as_str(), seen["result"].as_str()), (Some("succeeded"), Some("Locked")));
    let fred = app.token("fred.fabrikam@demo.example").await;
    problem(app.get(&format!("/api/v1/actions/{id}"), &fred).await, 404).await;

    // Ten actions an hour per user.
    let mut accepted = 1;
    loop {
        let res = app.post(&actions(pat_pc), Some(&pat), json!({"kind": "lock"})).await;
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            break;
        }
        assert_eq!(res.status(), 202);
        accepted += 1;
        assert!(accepted <= 10, "the limit holds");
    }
    assert_eq!(accepted, 10);
});
