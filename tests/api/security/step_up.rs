//! Step-up and phones: a second factor cannot be swapped for an easier one, SMS cannot be pumped,
//! and a device link never yields a session without the user's second factor.

use clientdesk_domain::throttle::ThrottlePolicy;
use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_throttled, burst};
use crate::approvals::mails;
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::rmm::{self, FRED_PC, KIOSK, PAT_PC};
use crate::tickets::{ok, status, user_id};

const PAT: &str = "pat.user@demo.example";
const PAT_PLUS: &str = "pat.plus@demo.example";
const FRED: &str = "fred.fabrikam@demo.example";
const HOOK: &str = "http://127.0.0.1:9/clientdesk-hook";

/// Without the outbox worker, so that what is queued can be read.
async fn app_of(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |config| config.outbox_worker = false).await
}

/// The first run of six digits in the newest outbox message to `to`.
async fn code_sent_to(app: &TestApp, to: &str) -> String {
    let all = mails(app).await;
    let (_, _, body) = all.iter().rev().find(|(r, ..)| r == to).expect("a message");
    let chars: Vec<char> = body.chars().collect();
    chars
        .windows(6)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .map(|w| w.iter().collect())
        .unwrap_or_else(|| panic!("no code in {body}"))
}

async fn sent_to(app: &TestApp, to: &str) -> usize {
    mails(app).await.iter().filter(|(r, ..)| r == to).count()
}

async fn step_up_totp(app: &TestApp, token: &str, email: &str) {
    ok(app.post("/api/v1/me/step-up", Some(token), json!({"code": app.code(email)})).await).await;
}

/// Sets and confirms `phone` for the caller (who must be allowed to change it now).
async fn verified_phone(app: &TestApp, token: &str, phone: &str) {
    status(app.send(Method::PUT, "/api/v1/me/phone", token, json!({"phone": phone})).await, 202).await;
    let code = code_sent_to(app, phone).await;
    ok(app.post("/api/v1/me/phone/confirm", Some(token), json!({"code": code})).await).await;
}

async fn read_write_token(app: &TestApp, session: &str) -> String {
    let body = json!({"name": "script", "read_only": false, "expires_in_days": 1});
    status(app.post("/api/v1/me/api-tokens", Some(session), body).await, 201).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn actions(device: i64) -> String {
    format!("/api/v1/devices/{device}/actions")
}

async fn connected(app: &TestApp) -> rmm::Rmm {
    let rmm = rmm::setup(app).await;
    ok(app
        .send(
            Method::PUT,
            "/api/v1/rmm/integration",
            &rmm.staff,
            json!({"enabled": true, "webhook_url": HOOK, "allow_private_targets": true}),
        )
        .await)
    .await;
    rmm
}

async fn audit(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let page = ok(app.get(&format!("/api/v1/audit-events?action={action}"), admin).await).await;
    page["items"].as_array().unwrap().clone()
}

on_both!(a_totp_user_changes_the_phone_only_with_a_fresh_authenticator_code, backend => |backend| async move {
    let app = app_of(backend).await;
    let pat = app.token(PAT).await;
    let body = problem(app.send(Method::PUT, "/api/v1/me/phone", &pat, json!({"phone": "+41 79 555 10 01"})).await, 403)
        .await;
    assert!(body["detail"].as_str().unwrap().contains("authenticator"), "{body}");
    assert_eq!(sent_to(&app, "+41 79 555 10 01").await, 0, "no SMS without the factor");
    problem(app.send(Method::DELETE, "/api/v1/me/phone", &pat, json!({})).await, 403).await;

    step_up_totp(&app, &pat, PAT).await;
    verified_phone(&app, &pat, "+41 79 555 10 01").await;
    let me = ok(app.get("/api/v1/me", &pat).await).await;
    assert_eq!((me["phone"].as_str(), me["phone_verified"].as_bool()), (Some("+41 79 555 10 01"), Some(true)));

    // The change ended the step-up: the next change needs a new code.
    problem(app.send(Method::PUT, "/api/v1/me/phone", &pat, json!({"phone": "+41 79 555 10 02"})).await, 403).await;
    problem(app.send(Method::DELETE, "/api/v1/me/phone", &pat, json!({})).await, 403).await;
});

on_both!(a_totp_user_steps_up_with_the_authenticator_only, backend => |backend| async move {
    let app = app_of(backend).await;
    let pat = app.token(PAT).await;
    step_up_totp(&app, &pat, PAT).await;
    verified_phone(&app, &pat, "+41 79 555 10 03").await;
    app.phone_changed_hours_ago(PAT, 48).await;

    let before = sent_to(&app, "+41 79 555 10 03").await;
    let body = problem(app.post("/api/v1/me/step-up/sms", Some(&pat), json!({})).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("authenticator"), "{body}");
    assert_eq!(sent_to(&app, "+41 79 555 10 03").await, before, "no step-up SMS to a user with an authenticator");
    problem(app.post("/api/v1/me/step-up", Some(&pat), json!({"sms_code": "123456"})).await, 403).await;
    step_up_totp(&app, &pat, PAT).await;
});

on_both!(a_phone_change_needs_a_code_to_the_current_phone, backend => |backend| async move {
    let app = app_of(backend).await;
    let fred = app.token(FRED).await;
    // No factor yet: a first phone needs none.
    verified_phone(&app, &fred, "+41 79 555 20 01").await;
    app.phone_changed_hours_ago(FRED, 25).await;

    let new = json!({"phone": "+41 79 555 20 02"});
    let body = problem(app.send(Method::PUT, "/api/v1/me/phone", &fred, new.clone()).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("current phone"), "{body}");
    problem(app.send(Method::DELETE, "/api/v1/me/phone", &fred, json!({})).await, 403).await;

    status(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 202).await;
    let code = code_sent_to(&app, "+41 79 555 20 01").await;
    ok(app.post("/api/v1/me/step-up", Some(&fred), json!({"sms_code": code})).await).await;
    status(app.send(Method::PUT, "/api/v1/me/phone", &fred, new).await, 202).await;
    // Until the new number is confirmed, the current one stays the verified phone.
    let me = ok(app.get("/api/v1/me", &fred).await).await;
    assert_eq!((me["phone"].as_str(), me["phone_verified"].as_bool()), (Some("+41 79 555 20 01"), Some(true)));
    let code = code_sent_to(&app, "+41 79 555 20 02").await;
    ok(app.post("/api/v1/me/phone/confirm", Some(&fred), json!({"code": code})).await).await;
    let me = ok(app.get("/api/v1/me", &fred).await).await;
    assert_eq!((me["phone"].as_str(), me["phone_verified"].as_bool()), (Some("+41 79 555 20 02"), Some(true)));
});

on_both!(a_phone_cannot_change_through_the_profile, backend => |backend| async move {
    let app = app_of(backend).await;
    let fred = app.token(FRED).await;
    verified_phone(&app, &fred, "+41 79 555 30 01").await;
    let body = json!({"phone": "+41 79 555 30 02"});
    problem(app.send(Method::PATCH, "/api/v1/me", &fred, body).await, 422).await;
    problem(app.send(Method::PATCH, "/api/v1/me", &fred, json!({"phone": null})).await, 422).await;
    let me = ok(app.send(Method::PATCH, "/api/v1/me", &fred, json!({"phone": "+41 79 555 30 01", "language": "fr"})).await)
        .await;
    assert_eq!((me["phone"].as_str(), me["phone_verified"].as_bool()), (Some("+41 79 555 30 01"), Some(true)));
});

on_both!(every_phone_change_is_told_to_the_accounts_address, backend => |backend| async move {
    let app = app_of(backend).await;
    let fred = app.token(FRED).await;
    verified_phone(&app, &fred, "+41 79 555 40 57").await;
    let told: Vec<_> = mails(&app).await.into_iter().filter(|(to, ..)| to == FRED).collect();
    assert_eq!(told.len(), 1, "{told:?}");
    let (_, subject, body) = &told[0];
    assert!(subject.contains("phone"), "{subject}");
    assert!(body.contains("57") && !body.contains("555 40"), "the new number, masked: {body}");

    app.phone_changed_hours_ago(FRED, 25).await;
    status(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 202).await;
    let code = code_sent_to(&app, "+41 79 555 40 57").await;
    ok(app.post("/api/v1/me/step-up", Some(&fred), json!({"sms_code": code})).await).await;
    status(app.send(Method::DELETE, "/api/v1/me/phone", &fred, json!({})).await, 204).await;
    let told: Vec<_> = mails(&app).await.into_iter().filter(|(to, ..)| to == FRED).collect();
    assert_eq!(told.len(), 2, "the removal is told too");
    assert!(told[1].2.contains("removed"), "{}", told[1].2);
});

on_both!(sms_step_up_waits_a_day_after_a_phone_change, backend => |backend| async move {
    let app = app_of(backend).await;
    let fred = app.token(FRED).await;
    verified_phone(&app, &fred, "+41 79 555 50 01").await;
    let body = problem(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("24 hours"), "{body}");
    // A code sent before the change does not count either.
    problem(app.post("/api/v1/me/step-up", Some(&fred), json!({"sms_code": "123456"})).await, 403).await;

    app.phone_changed_hours_ago(FRED, 23).await;
    problem(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 403).await;
    app.phone_changed_hours_ago(FRED, 25).await;
    status(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 202).await;
    let code = code_sent_to(&app, "+41 79 555 50 01").await;
    ok(app.post("/api/v1/me/step-up", Some(&fred), json!({"sms_code": code})).await).await;
});

on_both!(api_tokens_are_refused_on_every_phone_and_step_up_endpoint, backend => |backend| async move {
    let app = app_of(backend).await;
    let pat = app.token(PAT).await;
    let script = read_write_token(&app, &pat).await;
    let refused = [
        app.send(Method::PUT, "/api/v1/me/phone", &script, json!({"phone": "+41 79 555 60 01"})).await,
        app.post("/api/v1/me/phone/confirm", Some(&script), json!({"code": "123456"})).await,
        app.send(Method::DELETE, "/api/v1/me/phone", &script, json!({})).await,
        app.post("/api/v1/me/step-up", Some(&script), json!({"code": app.code(PAT)})).await,
        app.post("/api/v1/me/step-up/sms", Some(&script), json!({})).await,
    ];
    for res in refused {
        problem(res, 403).await;
    }
    assert_eq!(sent_to(&app, "+41 79 555 60 01").await, 0);
});

on_both!(sms_are_limited_per_user_per_hour_counted_before_sending, backend => |backend| async move {
    let app = app_of(backend).await;
    let fred = app.token(FRED).await;
    let phone = "+41 79 555 70 01";
    let tries = (0..20).map(|_| app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": phone})));
    let answers = futures_util::future::join_all(tries).await;
    let mut sent = 0;
    for res in answers {
        match res.status().as_u16() {
            202 => sent += 1,
            429 => {
                let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                assert!((1..=3600).contains(&wait), "until the hour ends: {wait}");
                problem(res, 429).await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(sent, 5, "five SMS an hour per user by default");
    assert_eq!(sent_to(&app, phone).await, 5, "no SMS past the limit");
});

on_both!(sms_are_limited_per_company_and_per_tenant, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| {
        config.outbox_worker = false;
        config.http.sms_limits = clientdesk_domain::sms::SmsLimits {
            user_hour: 10,
            company_hour: 3,
            tenant_hour: 4,
            ..Default::default()
        };
    })
    .await;
    let put = |token: String, phone: &'static str| {
        let app = &app;
        async move { app.send(Method::PUT, "/api/v1/me/phone", &token, json!({"phone": phone})).await }
    };
    let (pat, plus, fred) = (app.token(PAT).await, app.token(PAT_PLUS).await, app.token(FRED).await);
    step_up_totp(&app, &pat, PAT).await;
    step_up_totp(&app, &plus, PAT_PLUS).await;
    status(put(pat.clone(), "+41 79 555 80 01").await, 202).await;
    status(put(pat.clone(), "+41 79 555 80 01").await, 202).await;
    status(put(plus.clone(), "+41 79 555 80 02").await, 202).await;
    // Contoso has had its three this hour; Fabrikam has room, until the tenant's four are used.
    problem(put(plus.clone(), "+41 79 555 80 02").await, 429).await;
    status(put(fred.clone(), "+41 79 555 80 03").await, 202).await;
    problem(put(fred.clone(), "+41 79 555 80 03").await, 429).await;
    assert_eq!(mails(&app).await.iter().filter(|(to, ..)| to.starts_with("+41 79 555 80")).count(), 4);
});

on_both!(staff_restrict_the_calling_codes_sms_may_go_to, backend => |backend| async move {
    let app = app_of(backend).await;
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let fred = app.token(FRED).await;
    let policy = "/api/v1/tenant/sms-policy";
    assert_eq!(ok(app.get(policy, &admin).await).await["allowed_calling_codes"], Value::Null);
    let swiss = json!({"allowed_calling_codes": ["+41", "+423"]});
    problem(app.send(Method::PUT, policy, &tech, swiss.clone()).await, 403).await;
    problem(app.send(Method::PUT, policy, &fred, swiss.clone()).await, 403).await;
    problem(app.get(policy, &fred).await, 403).await;
    problem(app.send(Method::PUT, policy, &admin, json!({"allowed_calling_codes": ["41"]})).await, 422).await;
    assert_eq!(ok(app.send(Method::PUT, policy, &admin, swiss.clone()).await).await, swiss);
    assert_eq!(ok(app.get(policy, &tech).await).await, swiss);

    let body = problem(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": "+44 7700 900123"})).await, 422)
        .await;
    assert!(crate::harness::fault(&body, "phone").is_some(), "{body}");
    problem(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": "079 555 90 01"})).await, 422).await;
    assert_eq!(mails(&app).await.iter().filter(|(to, ..)| to.starts_with("+44") || to.starts_with("079")).count(), 0);
    status(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": "+41 79 555 90 01"})).await, 202).await;
});

on_both!(a_step_up_counts_only_for_the_sign_in_that_proved_it, backend => |backend| async move {
    let app = app_of(backend).await;
    let rmm = connected(&app).await;
    let pat_pc = rmm.device(PAT_PC).0;
    let (first, second) = (app.token(PAT).await, app.token(PAT).await);
    step_up_totp(&app, &first, PAT).await;
    let body = problem(app.post(&actions(pat_pc), Some(&second), json!({"kind": "lock"})).await, 403).await;
    assert!(body["detail"].as_str().unwrap().contains("step-up"), "{body}");
    status(app.post(&actions(pat_pc), Some(&first), json!({"kind": "lock"})).await, 202).await;
});

on_both!(device_actions_refuse_api_tokens, backend => |backend| async move {
    let app = app_of(backend).await;
    let rmm = connected(&app).await;
    let pat_pc = rmm.device(PAT_PC).0;
    let pat = app.token(PAT).await;
    step_up_totp(&app, &pat, PAT).await;
    let script = read_write_token(&app, &pat).await;
    problem(app.post(&actions(pat_pc), Some(&script), json!({"kind": "lock"})).await, 403).await;
    assert_eq!(ok(app.get(&actions(pat_pc), &pat).await).await["items"].as_array().unwrap().len(), 0);
});

on_both!(parallel_wrong_step_up_codes_get_no_more_checks_than_the_limit, backend => |backend| async move {
    let app = app_of(backend).await;
    let pat = app.token(PAT).await;
    let body = json!({"code": "000000"});
    let tries = burst(200, || app.request(Method::POST, "/api/v1/me/step-up", Some(&pat)).json(&body)).await;
    assert_throttled(ThrottlePolicy::STEP_UP, &tries, 401, 200);
    let wrong = tries.counts.get(&401).copied().unwrap_or(0) as usize;
    let admin = app.token("admin@demo.example").await;
    let events = ok(app.get("/api/v1/audit-events?action=step_up_failed&limit=200", &admin).await).await;
    assert_eq!(events["items"].as_array().unwrap().len(), wrong, "only checked codes are failures");
});

on_both!(a_reassigned_device_link_never_lets_a_user_with_a_second_factor_in_without_it, backend => |backend| async move {
    let app = app_of(backend).await;
    let rmm = connected(&app).await;
    let (kiosk, _) = rmm.device(KIOSK);
    let pat_id = user_id(&app, &rmm.staff, PAT).await;
    let admin_id = ok(app.get("/api/v1/me", &rmm.staff).await).await["id"].as_i64().unwrap();
    let device = format!("/api/v1/devices/{kiosk}");
    problem(app.send(Method::PATCH, &device, &rmm.staff, json!({"user_id": admin_id})).await, 422).await;
    ok(app.send(Method::PATCH, &device, &rmm.staff, json!({"user_id": pat_id})).await).await;
    let token = ok(app.post(&format!("{device}/link-token"), Some(&rmm.staff), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = format!(
        "/api/v1/rmm/agent-login?client=demo&agentguid={KIOSK}&machineid=M-c002&groupid=root.office&token={token}"
    );
    let answer = ok(rmm::open(&app, &link).await).await;
    assert_eq!(answer["status"], "sign_in_required", "{answer}");
    assert!(answer.get("access_token").is_none());

    let reassigned = audit(&app, &rmm.staff, "device.reassigned").await;
    assert_eq!(reassigned.len(), 1, "{reassigned:?}");
    assert_eq!(reassigned[0]["target"], format!("device:{kiosk}"));
    assert_eq!(reassigned[0]["detail"], format!("nobody -> user:{pat_id}"));
    let rotated = audit(&app, &rmm.staff, "device.link_token").await;
    assert_eq!(rotated[0]["detail"], format!("for user:{pat_id}"));
});

on_both!(a_browser_link_code_answers_only_for_the_user_the_device_had, backend => |backend| async move {
    let app = app_of(backend).await;
    let rmm = connected(&app).await;
    let (fred_pc, token) = rmm.device(FRED_PC);
    let link = format!(
        "/api/v1/rmm/agent-login?client=demo&agentguid={FRED_PC}&machineid=M-f001&groupid=root.office&token={token}"
    );
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = browser.get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let code = location.split("#code=").nth(1).expect("a code").to_owned();

    ok(app.send(Method::PATCH, &format!("/api/v1/devices/{fred_pc}"), &rmm.staff, json!({"user_id": null})).await)
        .await;
    let res = app.post("/api/v1/rmm/agent-login/exchange", None, json!({"code": code})).await;
    problem(res, 401).await;
});
