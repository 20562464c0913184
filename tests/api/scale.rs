//! Two servers on one database behave as one: sessions, revocation and throttles are shared
//! through the database, nothing is kept in a process.

use serde_json::{json, Value};

use crate::harness::{TestApp, PASSWORD};
use crate::on_both;

on_both!(two_servers_share_sessions_revocations_and_throttles, |app: TestApp| async move {
    let other = app.second_server();
    let client = reqwest::Client::new();
    // Signed in on one, the token works on the other.
    let tokens = app.sign_in("pat.user@demo.example").await;
    let access = tokens["access_token"].as_str().unwrap();
    let res = client.get(format!("{other}/api/v1/me")).bearer_auth(access).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // A refresh token spent on one is spent on the other.
    let res = client
        .post(format!("{other}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": tokens["refresh_token"]})).await;
    assert_eq!(res.status(), 401, "reuse is detected across servers");
    // Disabled through one, refused by the other at once.
    let admin = app.token("admin@demo.example").await;
    let me: Value = app.get("/api/v1/me", access).await.json().await.unwrap();
    let id = me["id"].as_i64().unwrap();
    let res = client
        .post(format!("{other}/api/v1/users/{id}/disable"))
        .bearer_auth(&admin)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/api/v1/me", access).await.status(), 401);
    // Failures counted on either server throttle the account on both.
    for i in 0..6 {
        let base = if i % 2 == 0 { &app.base } else { &other };
        let res = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"tenant": "demo", "email": "sam.sub@demo.example", "password": "wrong password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let res = client
        .post(format!("{other}/api/v1/auth/login"))
        .json(&json!({"tenant": "demo", "email": "sam.sub@demo.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(app.password_step("sam.sub@demo.example", PASSWORD).await.status(), 429);
});
