//! Sign-in, passwords and sessions: throttles that count atomically, lock-out that cannot be used
//! as a weapon, password hashing that cannot starve the server, and sessions that end.

use std::time::{Duration, Instant};

use clientdesk_domain::throttle::ThrottlePolicy;
use clientdesk_server::config::Config;
use reqwest::{Method, Response};
use serde_json::{json, Value};

use super::{assert_throttled, burst};
use crate::harness::{problem, Backend, TestApp, PASSWORD};
use crate::on_both;

/// An app behind a trusted proxy at 127.0.0.1, whose `X-Forwarded-For` names the client.
async fn behind_proxy(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
    TestApp::spawn_with(backend, |config| {
        config.http.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        configure(config);
    })
    .await
}

async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> Response {
    app.request(Method::POST, "/api/v1/auth/login", None)
        .header("x-forwarded-for", ip)
        .json(&json!({"tenant": "demo", "email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Signs in with password and code from `ip`; returns the last answer.
async fn sign_in_from(app: &TestApp, ip: &str, email: &str) -> Response {
    let res = login_from(app, ip, email, PASSWORD).await;
    assert_eq!(res.status(), 200, "password step of {email} from {ip}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "mfa_required", "{body}");
    app.request(Method::POST, "/api/v1/auth/mfa/verify", None)
        .header("x-forwarded-for", ip)
        .json(&json!({"mfa_token": body["mfa_token"], "code": app.code(email)}))
        .send()
        .await
        .unwrap()
}

async fn audit(app: &TestApp, action: &str) -> Vec<Value> {
    let admin = app.token("admin@demo.example").await;
    let events: Value = app.get(&format!("/api/v1/audit-events?action={action}"), &admin).await.json().await.unwrap();
    events["items"].as_array().unwrap().clone()
}

// Attempts are counted before they are checked

on_both!(a_burst_of_wrong_passwords_gets_no_more_tries_than_the_limit, |app: TestApp| async move {
    let body = json!({"tenant": "demo", "email": "pat.user@demo.example", "password": "wrong password!"});
    let counts = burst(200, || app.request(Method::POST, "/api/v1/auth/login", None).json(&body)).await;
    assert_throttled(ThrottlePolicy::ACCOUNT_ADDRESS, &counts, 401, 200);
});

on_both!(a_burst_of_wrong_codes_gets_no_more_tries_than_the_limit, |app: TestApp| async move {
    let email = "pat.plus@demo.example";
    let body: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    let verify = json!({"mfa_token": body["mfa_token"], "code": "000000"});
    let counts = burst(200, || app.request(Method::POST, "/api/v1/auth/mfa/verify", None).json(&verify)).await;
    assert_throttled(ThrottlePolicy::ACCOUNT_ADDRESS, &counts, 401, 200);
});

on_both!(a_burst_of_wrong_fresh_codes_gets_no_more_tries_than_the_limit, |app: TestApp| async move {
    let token = app.token("ann.approver@demo.example").await;
    let body = json!({"code": "000000"});
    let counts = burst(200, || app.request(Method::POST, "/api/v1/me/2fa/enrollment", Some(&token)).json(&body)).await;
    assert_throttled(ThrottlePolicy::ACCOUNT_ADDRESS, &counts, 403, 200);
});

on_both!(a_burst_of_wrong_current_passwords_gets_no_more_tries_than_the_limit, |app: TestApp| async move {
    let token = app.token("chris.controller@demo.example").await;
    let body = json!({"current_password": "wrong password!", "new_password": "a fine new passphrase"});
    let counts = burst(200, || app.request(Method::POST, "/api/v1/me/password", Some(&token)).json(&body)).await;
    assert_throttled(ThrottlePolicy::ACCOUNT_ADDRESS, &counts, 403, 200);
});

// Lock-out cannot be used as a weapon

on_both!(failures_from_another_address_do_not_lock_the_owner_out, backend => |backend| async move {
    let app = behind_proxy(backend, |_| {}).await;
    let email = "pat.user@demo.example";
    for _ in 0..8 {
        login_from(&app, "203.0.113.7", email, "wrong password!").await;
    }
    problem(login_from(&app, "203.0.113.7", email, "wrong password!").await, 429).await;
    // The owner, elsewhere, signs in as usual.
    assert_eq!(sign_in_from(&app, "198.51.100.20", email).await.status(), 200);
});

on_both!(an_account_wide_block_lets_a_right_password_and_code_through, backend => |backend| async move {
    let app = behind_proxy(backend, |_| {}).await;
    let email = "max.changes@demo.example";
    // Guessing spread over many addresses, each within its own free failures, until the account
    // as a whole is blocked.
    let account = ThrottlePolicy::ACCOUNT.free_failures + 1;
    let per_address = ThrottlePolicy::ACCOUNT_ADDRESS.free_failures;
    for n in 0..account {
        let ip = format!("203.0.113.{}", n / per_address + 1);
        problem(login_from(&app, &ip, email, "wrong password!").await, 401).await;
    }
    // A password alone is held back, even from a new address...
    problem(login_from(&app, "198.51.100.21", email, "wrong password!").await, 429).await;
    // ...but the owner's right password and code get in.
    assert_eq!(sign_in_from(&app, "198.51.100.20", email).await.status(), 200);
    let fred = "fred.fabrikam@demo.example";
    for n in 0..account {
        let ip = format!("203.0.113.{}", n / per_address + 100);
        login_from(&app, &ip, fred, "wrong password!").await;
    }
    problem(login_from(&app, "198.51.100.22", fred, PASSWORD).await, 429).await;
});

on_both!(the_client_address_is_read_from_trusted_proxies_only, backend => |backend| async move {
    let app = behind_proxy(backend, |_| {}).await;
    // The proxy appends the address it saw; what the client wrote before it is not believed.
    login_from(&app, "192.0.2.1, 203.0.113.9", "pat.user@demo.example", "wrong password!").await;
    let direct = TestApp::spawn(backend).await;
    login_from(&direct, "203.0.113.10", "pat.user@demo.example", "wrong password!").await;
    let proxied = audit(&app, "signin_failed").await;
    assert_eq!(proxied[0]["ip"], "203.0.113.9", "{proxied:?}");
    let untrusted = audit(&direct, "signin_failed").await;
    assert_eq!(untrusted[0]["ip"], "127.0.0.1", "a peer that is not a trusted proxy is the client: {untrusted:?}");
    // Without a trusted proxy, a client cannot dodge its throttle by writing other addresses.
    for n in 0..12 {
        login_from(&direct, &format!("198.51.100.{n}"), "pat.plus@demo.example", "wrong password!").await;
    }
    problem(login_from(&direct, "198.51.100.99", "pat.plus@demo.example", "wrong password!").await, 429).await;
});

// Password hashing cannot starve the server

on_both!(unauthenticated_sign_in_endpoints_are_rate_limited_per_address, backend => |backend| async move {
    let app = behind_proxy(backend, |config| config.http.auth_requests_per_minute = 3).await;
    let endpoints = [
        ("/api/v1/auth/login", json!({"tenant": "demo", "email": "nobody@demo.example", "password": "x"})),
        ("/api/v1/auth/mfa/verify", json!({"mfa_token": "x", "code": "000000"})),
        ("/api/v1/auth/mfa/enrollment", json!({"mfa_token": "x"})),
        ("/api/v1/auth/mfa/enrollment/confirm", json!({"mfa_token": "x", "code": "000000"})),
        ("/api/v1/auth/refresh", json!({"refresh_token": "x"})),
        ("/api/v1/auth/logout", json!({"refresh_token": "x"})),
        ("/api/v1/auth/password", json!({"token": "x", "password": "a long enough passphrase"})),
        ("/api/v1/auth/password-reset", json!({"tenant": "demo", "email": "nobody@demo.example"})),
        ("/api/v1/auth/email-confirmation", json!({"token": "x"})),
    ];
    for (n, (path, body)) in endpoints.iter().enumerate() {
        let ip = format!("203.0.113.{}", n + 1);
        let send = || app.request(Method::POST, path, None).header("x-forwarded-for", &ip).json(body).send();
        // Each answer before the 429 says how many requests are left.
        for left in (0..3).rev() {
            let res = send().await.unwrap();
            assert_ne!(res.status(), 429, "{path}");
            assert!(res.headers()["ratelimit-policy"].to_str().unwrap().contains("q=3"), "{path}");
            let rate = res.headers()["ratelimit"].to_str().unwrap();
            assert!(rate.contains(&format!(";r={left};")), "{path}: {rate}");
        }
        let res = send().await.unwrap();
        assert!(res.headers().contains_key("retry-after"), "{path}");
        assert!(res.headers().contains_key("ratelimit-policy"), "{path}");
        assert!(res.headers()["ratelimit"].to_str().unwrap().contains("r=0"), "{path}");
        problem(res, 429).await;
        // Other addresses are not affected.
        let other_ip = format!("198.51.100.{}", n + 1);
        let other = app.request(Method::POST, path, None).header("x-forwarded-for", &other_ip).json(body).send().await;
        assert_ne!(other.unwrap().status(), 429, "{path}");
    }
});

on_both!(a_set_password_token_is_checked_before_any_hash, backend => |backend| async move {
    use clientdesk_app::crypto::password::HashCost;
    // A deliberately slow hash, one at a time, so that any hash spent shows in the time taken.
    let app = TestApp::spawn_with(backend, |config| {
        config.hash_cost = HashCost { memory_kib: 32_768, iterations: 6, parallelism: 1 };
        config.password_hash_concurrency = 1;
    })
    .await;
    let hasher = app.state.hasher.clone();
    let started = Instant::now();
    tokio::task::spawn_blocking(move || hasher.hash("a long enough passphrase").unwrap()).await.unwrap();
    let one_hash = started.elapsed();

    let started = Instant::now();
    for n in 0..8 {
        let body = json!({"token": format!("not-a-token-{n}"), "password": "a long enough passphrase"});
        problem(app.post("/api/v1/auth/password", None, body).await, 401).await;
    }
    let wrong_tokens = started.elapsed();
    assert!(wrong_tokens < one_hash * 3, "8 wrong tokens took {wrong_tokens:?}, one hash {one_hash:?}");

    // A right token sets the password (one hash), and is spent only then.
    let secret = "a-set-password-token-of-fred";
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let user = clientdesk_persistence::users::find_by_email(
            &mut conn,
            clientdesk_domain::ids::TenantId(1),
            "fred.fabrikam@demo.example",
        )
        .unwrap();
        let now = chrono::Utc::now();
        let hash = clientdesk_app::crypto::secrets::fingerprint(secret);
        clientdesk_persistence::tokens::insert_password_token(
            &mut conn,
            user.id,
            &hash,
            clientdesk_domain::accounts::LinkPurpose::Reset,
            now,
            now + chrono::Duration::hours(1),
        )
            .unwrap();
    })
    .await
    .unwrap();
    let body = json!({"token": secret, "password": "a brand new passphrase"});
    assert_eq!(app.post("/api/v1/auth/password", None, body.clone()).await.status(), 204);
    problem(app.post("/api/v1/auth/password", None, body).await, 401).await;
});

// The password and API tokens

on_both!(api_tokens_cannot_change_the_password, |app: TestApp| async move {
    let session = app.token("paula.admin@demo.example").await;
    let created: Value = app
        .post(
            "/api/v1/me/api-tokens",
            Some(&session),
            json!({"name": "script", "read_only": false, "expires_in_days": 1}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap();
    let body = json!({"current_password": PASSWORD, "new_password": "a fine new passphrase"});
    problem(app.post("/api/v1/me/password", Some(token), body).await, 403).await;
    assert_eq!(app.password_step("paula.admin@demo.example", PASSWORD).await.status(), 200, "unchanged");
});

async fn api_token(app: &TestApp, session: &str) -> String {
    let res = app
        .post(
            "/api/v1/me/api-tokens",
            Some(session),
            json!({"name": "script", "read_only": true, "expires_in_days": 1}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

on_both!(api_tokens_end_when_the_password_or_second_factor_changes, |app: TestApp| async move {
    // A password change.
    let email = "sam.sub@demo.example";
    let session = app.token(email).await;
    let token = api_token(&app, &session).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status(), 200);
    let body = json!({"current_password": PASSWORD, "new_password": "a fine new passphrase"});
    assert_eq!(app.post("/api/v1/me/password", Some(&session), body).await.status(), 204);
    problem(app.get("/api/v1/me", &token).await, 401).await;
    assert_eq!(audit(&app, "api_tokens_revoked").await.len(), 1);

    // A new authenticator.
    let email = "morgan.multi@demo.example";
    let session = app.token(email).await;
    let token = api_token(&app, &session).await;
    let start: Value = app
        .post("/api/v1/me/2fa/enrollment", Some(&session), json!({"code": app.code(email)}))
        .await
        .json()
        .await
        .unwrap();
    let secret = start["secret"].as_str().unwrap().to_owned();
    let res = app
        .post("/api/v1/me/2fa/enrollment/confirm", Some(&session), json!({"code": app.code_for("new", &secret)}))
        .await;
    assert_eq!(res.status(), 200);
    let fresh = res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    problem(app.get("/api/v1/me", &token).await, 401).await;

    // The second factor switched off (Fabrikam leaves it optional).
    let email = "fred.fabrikam@demo.example";
    let fred = app.token(email).await;
    let start: Value = app.post("/api/v1/me/2fa/enrollment", Some(&fred), json!({})).await.json().await.unwrap();
    let secret = start["secret"].as_str().unwrap().to_owned();
    let done: Value = app
        .post("/api/v1/me/2fa/enrollment/confirm", Some(&fred), json!({"code": app.code_for(email, &secret)}))
        .await
        .json()
        .await
        .unwrap();
    let fred = done["access_token"].as_str().unwrap().to_owned();
    let token = api_token(&app, &fred).await;
    let code = app.code_for(email, &secret);
    let res = app.request(Method::DELETE, "/api/v1/me/2fa", Some(&fred)).json(&json!({"code": code})).send().await;
    assert_eq!(res.unwrap().status(), 204);
    problem(app.get("/api/v1/me", &token).await, 401).await;
    assert_eq!(audit(&app, "api_tokens_revoked").await.len(), 3);
    assert_eq!(app.get("/api/v1/me", &fresh).await.status(), 200, "the new authenticator's session goes on");
});

// Sign-ins end

on_both!(a_logout_ends_its_access_token_at_once_and_no_other, |app: TestApp| async move {
    let email = "chris.controller@demo.example";
    let first = app.sign_in(email).await;
    let second = app.sign_in(email).await;
    let first_access = first["access_token"].as_str().unwrap();
    let second_access = second["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", first_access).await.status(), 200);
    assert_eq!(app.get("/api/v1/me", second_access).await.status(), 200);
    let res = app.post("/api/v1/auth/logout", None, json!({"refresh_token": first["refresh_token"]})).await;
    assert_eq!(res.status(), 204);
    problem(app.get("/api/v1/me", first_access).await, 401).await;
    problem(app.get(&format!("/api/v1/companies/{}/tickets", 1), first_access).await, 401).await;
    // The other sign-in of the same user goes on, and refreshes.
    assert_eq!(app.get("/api/v1/me", second_access).await.status(), 200);
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": second["refresh_token"]})).await;
    assert_eq!(res.status(), 200);
    let renewed: Value = res.json().await.unwrap();
    assert_eq!(app.get("/api/v1/me", renewed["access_token"].as_str().unwrap()).await.status(), 200);
});

on_both!(a_sign_in_ends_at_its_maximum_age_however_often_it_is_refreshed, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.http.session_max_age = chrono::Duration::seconds(3)).await;
    let email = "pat.plus@demo.example";
    let mut tokens = app.sign_in(email).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": tokens["refresh_token"]})).await;
    assert_eq!(res.status(), 200, "within its age, a sign-in refreshes");
    tokens = res.json().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": tokens["refresh_token"]})).await;
    problem(res, 401).await;
    // A real sign-in starts anew.
    assert_eq!(app.sign_in(email).await["token_type"], "Bearer");
});
