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

on_both!(a_ticket_setting_changed_on_one_server_applies_on_the_other_at_once, |app: TestApp| async move {
    let other = app.second_server();
    let client = reqwest::Client::new();
    let pat = app.token("pat.user@demo.example").await;
    let admin = app.token("admin@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let list = |base: String| {
        let (client, pat) = (client.clone(), pat.clone());
        async move {
            let res = client.get(format!("{base}/api/v1/companies/{contoso}/tickets")).bearer_auth(&pat).send().await;
            let page: Value = res.unwrap().json().await.unwrap();
            page["items"][0].clone()
        }
    };
    // Both servers have the catalogue cached with the priority visible.
    assert!(list(app.base.clone()).await.get("priority").is_some());
    assert!(list(other.clone()).await.get("priority").is_some());
    let res = client
        .put(format!("{other}/api/v1/tenant/ticket-settings"))
        .bearer_auth(&admin)
        .json(&json!({"field_visibility": {"priority": "hidden"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The server that did not make the change sees it at the next request.
    assert!(list(app.base.clone()).await.get("priority").is_none());
    assert!(list(other).await.get("priority").is_none());
});
