//! Sign-in: every path, and every refusal.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, TestApp, PASSWORD};
use crate::on_both;

on_both!(password_then_totp_then_me, |app: TestApp| async move {
    let tokens = app.sign_in("pat.plus@demo.example").await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me: Value = app.get("/api/v1/me", tokens["access_token"].as_str().unwrap()).await.json().await.unwrap();
    assert_eq!(me["email"], "pat.plus@demo.example");
    assert_eq!(me["kind"], "portal");
    assert_eq!(me["auth_methods"], json!(["pwd", "otp"]));
    assert_eq!(me["companies"][0]["roles"], json!(["portal_user_plus"]));
    assert!(me["companies"][0]["permissions"].as_array().unwrap().contains(&json!("tickets_read_all")));
});

on_both!(unknown_user_and_wrong_password_look_the_same, |app: TestApp| async move {
    let wrong = problem(app.password_step("pat.user@demo.example", "not the password").await, 401).await;
    let unknown = problem(app.password_step("nobody@demo.example", "not the password").await, 401).await;
    let other_tenant = problem(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "nope", "email": "pat.user@demo.example", "password": "x"}),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, other_tenant);
    let admin = app.token("admin@demo.example").await;
    let events: Value = app.get("/api/v1/audit-events?action=signin_failed", &admin).await.json().await.unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 2, "both failures in this tenant are audited: {events}");
    assert_eq!(events["items"][0]["factor"], "pwd");
    let text = events.to_string();
    assert!(!text.contains("not the password"), "no password in the audit log");
});

on_both!(a_code_is_accepted_once, |app: TestApp| async move {
    let email = "ann.approver@demo.example";
    let first: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    let second: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    let code = app.code(email);
    let a = app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": first["mfa_token"], "code": code})).await;
    assert_eq!(a.status(), 200);
    let b = app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": second["mfa_token"], "code": code})).await;
    problem(b, 401).await;
    let wrong =
        app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": second["mfa_token"], "code": "000000"})).await;
    problem(wrong, 401).await;
});

on_both!(parallel_submissions_of_one_code_give_one_success, |app: TestApp| async move {
    let email = "max.changes@demo.example";
    let mut mfa = Vec::new();
    for _ in 0..6 {
        let body: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
        mfa.push(body["mfa_token"].as_str().unwrap().to_owned());
    }
    let code = app.code(email);
    let results = futures_util::future::join_all(
        mfa.iter().map(|t| app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": t, "code": code}))),
    )
    .await;
    let ok = results.iter().filter(|r| r.status() == 200).count();
    assert_eq!(ok, 1, "{:?}", results.iter().map(|r| r.status()).collect::<Vec<_>>());
    assert!(results.iter().all(|r| r.status() == 200 || r.status() == 401));
});

on_both!(failures_are_throttled_per_account, |app: TestApp| async move {
    let email = "pat.user@demo.example";
    for _ in 0..6 {
        problem(app.password_step(email, "wrong password!").await, 401).await;
    }
    let res = app.password_step(email, PASSWORD).await;
    assert_eq!(res.status(), 429, "even the right password waits while throttled");
    let retry: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "retry-after {retry}");
    assert!(res.headers().contains_key("ratelimit-policy"));
    assert!(res.headers()["ratelimit"].to_str().unwrap().contains("r=0"));
    problem(res, 429).await;
    // Other accounts are unaffected.
    assert_eq!(app.sign_in("pat.plus@demo.example").await["token_type"], "Bearer");
    // Not a permanent lock: after the delay the owner gets in.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(app.sign_in(email).await["token_type"], "Bearer");
    let admin = app.token("admin@demo.example").await;
    let events: Value = app.get("/api/v1/audit-events?action=signin_throttled", &admin).await.json().await.unwrap();
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
});

on_both!(refresh_rotates_and_reuse_revokes_the_family, |app: TestApp| async move {
    let first = app.sign_in("chris.controller@demo.example").await;
    let old = first["refresh_token"].clone();
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": old})).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], old);
    assert_eq!(app.get("/api/v1/me", second["access_token"].as_str().unwrap()).await.status(), 200);
    // Replaying the spent token revokes the family, including the token it was traded for.
    problem(app.post("/api/v1/auth/refresh", None, json!({"refresh_token": old})).await, 401).await;
    problem(app.post("/api/v1/auth/refresh", None, json!({"refresh_token": second["refresh_token"]})).await, 401).await;
    // Logout revokes too.
    let third = app.sign_in("chris.controller@demo.example").await;
    assert_eq!(
        app.post("/api/v1/auth/logout", None, json!({"refresh_token": third["refresh_token"]})).await.status(),
        204
    );
    problem(app.post("/api/v1/auth/refresh", None, json!({"refresh_token": third["refresh_token"]})).await, 401).await;
});

on_both!(tampered_expired_and_mfa_tokens_are_refused, |app: TestApp| async move {
    let tokens = app.sign_in("pat.user@demo.example").await;
    let access = tokens["access_token"].as_str().unwrap();
    let mut tampered = access.to_owned();
    tampered.pop();
    tampered.push(if access.ends_with('A') { 'B' } else { 'A' });
    problem(app.get("/api/v1/me", &tampered).await, 401).await;
    let expired =
        app.state.keys.issue_access(3, 1, false, vec!["pwd".into()], 1, "s1", Utc::now() - Duration::minutes(20));
    problem(app.get("/api/v1/me", &expired).await, 401).await;
    let pending: Value = app.password_step("pat.user@demo.example", PASSWORD).await.json().await.unwrap();
    problem(app.get("/api/v1/me", pending["mfa_token"].as_str().unwrap()).await, 401).await;
    problem(app.request(Method::GET, "/api/v1/me", None).send().await.unwrap(), 401).await;
    // An access token is no MFA token either.
    problem(app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": access, "code": "123456"})).await, 401).await;
});

on_both!(disabled_users_are_refused_at_once, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let admin = app.token("admin@demo.example").await;
    let me: Value = app.get("/api/v1/me", &user).await.json().await.unwrap();
    let id = me["id"].as_i64().unwrap();
    assert_eq!(app.post(&format!("/api/v1/users/{id}/disable"), Some(&admin), json!({})).await.status(), 200);
    problem(app.get("/api/v1/me", &user).await, 401).await;
    problem(app.password_step("pat.user@demo.example", PASSWORD).await, 403).await;
    assert_eq!(app.post(&format!("/api/v1/users/{id}/enable"), Some(&admin), json!({})).await.status(), 200);
    assert_eq!(app.sign_in("pat.user@demo.example").await["token_type"], "Bearer");
});

on_both!(enrolment_under_a_required_policy_and_recovery_codes, |app: TestApp| async move {
    let email = "fred.fabrikam@demo.example";
    // 2FA optional at Fabrikam: the password alone signs in.
    let body: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    assert_eq!(body["status"], "authenticated");
    let fred = body["access_token"].as_str().unwrap().to_owned();
    // An API token needs a second factor.
    let res = app
        .post("/api/v1/me/api-tokens", Some(&fred), json!({"name": "x", "read_only": true, "expires_in_days": 1}))
        .await;
    problem(res, 403).await;

    let admin = app.token("admin@demo.example").await;
    let me: Value = app.get("/api/v1/me", &fred).await.json().await.unwrap();
    let company = me["companies"][0]["id"].as_i64().unwrap();
    let res = app
        .send(Method::PUT, &format!("/api/v1/companies/{company}/settings"), &admin, json!({"two_factor": "required"}))
        .await;
    assert_eq!(res.status(), 200);

    let body: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    assert_eq!(body["status"], "enrollment_required");
    let mfa = body["mfa_token"].clone();
    // The enrolment token opens nothing else.
    problem(app.get("/api/v1/me", mfa.as_str().unwrap()).await, 401).await;
    problem(app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": mfa, "code": "123456"})).await, 401).await;
    let start: Value =
        app.post("/api/v1/auth/mfa/enrollment", None, json!({"mfa_token": mfa})).await.json().await.unwrap();
    assert!(start["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    assert!(start["qr_png_base64"].as_str().unwrap().len() > 100);
    let secret = start["secret"].as_str().unwrap().to_owned();
    problem(
        app.post("/api/v1/auth/mfa/enrollment/confirm", None, json!({"mfa_token": mfa, "code": "000000"})).await,
        422,
    )
    .await;
    let code = app.code_for(email, &secret);
    let res = app.post("/api/v1/auth/mfa/enrollment/confirm", None, json!({"mfa_token": mfa, "code": code})).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    let codes: Vec<String> = serde_json::from_value(done["recovery_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(app.get("/api/v1/me", done["access_token"].as_str().unwrap()).await.status(), 200);
    // The token from before the 2FA change is refused.
    problem(app.get("/api/v1/me", &fred).await, 401).await;

    // Now the password step asks for a code; a recovery code works once.
    for expected in [200, 401] {
        let body: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
        assert_eq!(body["status"], "mfa_required");
        let res = app
            .post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": body["mfa_token"], "recovery_code": codes[0]}))
            .await;
        assert_eq!(res.status(), expected);
        if expected == 200 {
            let pair: Value = res.json().await.unwrap();
            let me: Value = app.get("/api/v1/me", pair["access_token"].as_str().unwrap()).await.json().await.unwrap();
            assert_eq!(me["auth_methods"], json!(["pwd", "recovery"]));
        }
    }
});

on_both!(password_change_ends_sessions_and_policy_is_enforced, |app: TestApp| async move {
    let email = "sam.sub@demo.example";
    let tokens = app.sign_in(email).await;
    let access = tokens["access_token"].as_str().unwrap();
    let res = app
        .post("/api/v1/me/password", Some(access), json!({"current_password": PASSWORD, "new_password": "password1"}))
        .await;
    let body = problem(res, 422).await;
    assert!(crate::harness::fault(&body, "new_password").is_some());
    let res = app
        .post(
            "/api/v1/me/password",
            Some(access),
            json!({"current_password": "wrong!", "new_password": "a fine new passphrase"}),
        )
        .await;
    problem(res, 403).await;
    let res = app
        .post(
            "/api/v1/me/password",
            Some(access),
            json!({"current_password": PASSWORD, "new_password": "a fine new passphrase"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(app.get("/api/v1/me", access).await, 401).await;
    problem(app.post("/api/v1/auth/refresh", None, json!({"refresh_token": tokens["refresh_token"]})).await, 401).await;
    problem(app.password_step(email, PASSWORD).await, 401).await;
    assert_eq!(app.password_step(email, "a fine new passphrase").await.status(), 200);
});

on_both!(api_tokens_for_scripts, |app: TestApp| async move {
    let session = app.token("paula.admin@demo.example").await;
    let res = app
        .post(
            "/api/v1/me/api-tokens",
            Some(&session),
            json!({"name": "export", "read_only": true, "expires_in_days": 30}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cdk_"));
    let me: Value = app.get("/api/v1/me", &secret).await.json().await.unwrap();
    assert_eq!(me["auth_methods"], json!(["api_token"]));
    problem(app.send(Method::PATCH, "/api/v1/me", &secret, json!({"language": "fr"})).await, 403).await;
    let res = app
        .post("/api/v1/me/api-tokens", Some(&secret), json!({"name": "more", "read_only": false, "expires_in_days": 1}))
        .await;
    problem(res, 403).await;
    let list: Value = app.get("/api/v1/me/api-tokens", &session).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["items"][0].get("token").is_none(), "secrets are shown once");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        app.request(Method::DELETE, &format!("/api/v1/me/api-tokens/{id}"), Some(&session))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    problem(app.get("/api/v1/me", &secret).await, 401).await;
    problem(app.get("/api/v1/me", "cdk_not-a-real-token").await, 401).await;
});

on_both!(signed_in_users_enrol_and_disable_where_policy_allows, |app: TestApp| async move {
    let email = "fred.fabrikam@demo.example";
    let fred = app.token(email).await;
    let start: Value = app.post("/api/v1/me/2fa/enrollment", Some(&fred), json!({})).await.json().await.unwrap();
    let secret = start["secret"].as_str().unwrap().to_owned();
    let code = app.code_for(email, &secret);
    let res = app.post("/api/v1/me/2fa/enrollment/confirm", Some(&fred), json!({"code": code})).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    let fresh = done["access_token"].as_str().unwrap().to_owned();
    problem(app.get("/api/v1/me", &fred).await, 401).await;
    // Re-enrolling now needs a current code.
    problem(app.post("/api/v1/me/2fa/enrollment", Some(&fresh), json!({})).await, 403).await;
    problem(app.post("/api/v1/me/2fa/enrollment", Some(&fresh), json!({"code": "000000"})).await, 403).await;
    // Fabrikam leaves 2FA optional: it can be switched off with a fresh code.
    problem(
        app.request(Method::DELETE, "/api/v1/me/2fa", Some(&fresh))
            .json(&json!({"code": "000000"}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let code = app.code_for(email, &secret);
    let res =
        app.request(Method::DELETE, "/api/v1/me/2fa", Some(&fresh)).json(&json!({"code": code})).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let body: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    assert_eq!(body["status"], "authenticated");

    // Contoso requires 2FA: its users cannot switch it off.
    let pat = app.token("pat.plus@demo.example").await;
    let code = app.code("pat.plus@demo.example");
    let res =
        app.request(Method::DELETE, "/api/v1/me/2fa", Some(&pat)).json(&json!({"code": code})).send().await.unwrap();
    problem(res, 403).await;
});

on_both!(hashes_are_upgraded_at_sign_in_when_the_cost_rises, |app: TestApp| async move {
    use clientdesk_app::crypto::password::{HashCost, PasswordHasherConfig};
    let email = "pat.user@demo.example";
    let db = app.state.db.clone();
    let weaker = PasswordHasherConfig::new(HashCost { memory_kib: 512, iterations: 1, parallelism: 1 }).unwrap();
    let stored = |db: clientdesk_persistence::Db| {
        let mut conn = db.conn().unwrap();
        let tenant = clientdesk_persistence::tenants::find_by_slug(&mut conn, "demo").unwrap();
        clientdesk_persistence::users::find_by_email(&mut conn, tenant.id, email).unwrap()
    };
    let user = tokio::task::spawn_blocking({
        let db = db.clone();
        move || {
            let user = stored(db.clone());
            let hash = weaker.hash(PASSWORD).unwrap();
            let mut conn = db.conn().unwrap();
            clientdesk_persistence::users::set_password_hash(&mut conn, user.id, &hash, false, Utc::now()).unwrap();
            stored(db)
        }
    })
    .await
    .unwrap();
    assert!(user.password_hash.as_deref().unwrap().contains("m=512"));
    app.sign_in(email).await;
    let after = tokio::task::spawn_blocking(move || stored(db)).await.unwrap();
    let hash = after.password_hash.unwrap();
    assert!(hash.contains("m=1024,t=1,p=1"), "rehashed with the configured cost: {hash}");
    assert!(app.state.hasher.verify(PASSWORD, Some(&hash)));
});
