//! Provider-side endpoints: staff only, tenant-scoped, with their validation.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, TestApp};
use crate::on_both;

on_both!(portal_users_cannot_use_staff_endpoints, |app: TestApp| async move {
    let portal = app.token("paula.admin@demo.example").await;
    problem(app.get("/api/v1/companies", &portal).await, 403).await;
    problem(app.get("/api/v1/users", &portal).await, 403).await;
    problem(app.get("/api/v1/audit-events", &portal).await, 403).await;
    problem(app.post("/api/v1/companies", Some(&portal), json!({"name": "Evil Corp"})).await, 403).await;
    // A technician reads but does not change.
    let tech = app.token("tech@demo.example").await;
    assert_eq!(app.get("/api/v1/companies", &tech).await.status(), 200);
    problem(app.post("/api/v1/companies", Some(&tech), json!({"name": "Tech Corp"})).await, 403).await;
    problem(app.get("/api/v1/audit-events", &tech).await, 403).await;
});

on_both!(companies_and_settings, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let res = app.post("/api/v1/companies", Some(&admin), json!({"name": "Northwind", "territory": "APAC"})).await;
    assert_eq!(res.status(), 201);
    let company: Value = res.json().await.unwrap();
    let id = company["id"].as_i64().unwrap();
    problem(app.post("/api/v1/companies", Some(&admin), json!({"name": "Northwind"})).await, 409).await;
    let body =
        problem(app.post("/api/v1/companies", Some(&admin), json!({"name": "X", "colour": "red"})).await, 422).await;
    assert!(body["detail"].is_string());
    problem(app.post("/api/v1/companies", Some(&admin), json!({"name": "Y", "parent_company_id": 999999})).await, 422)
        .await;
    let res =
        app.send(Method::PATCH, &format!("/api/v1/companies/{id}"), &admin, json!({"parent_company_id": id})).await;
    problem(res, 422).await;
    let res =
        app.send(Method::PATCH, &format!("/api/v1/companies/{id}"), &admin, json!({"classification": "gold"})).await;
    let updated: Value = res.json().await.unwrap();
    assert_eq!((updated["classification"].as_str(), updated["territory"].as_str()), (Some("gold"), Some("APAC")));

    let res = app
        .send(Method::PUT, &format!("/api/v1/companies/{id}/settings"), &admin, json!({"time_zone": "Mars/Olympus"}))
        .await;
    problem(res, 422).await;
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{id}/settings"),
            &admin,
            json!({"knowledge_base_enabled": false, "time_zone": "Asia/Tokyo"}),
        )
        .await;
    let settings: Value = res.json().await.unwrap();
    assert_eq!(settings["effective"]["knowledge_base_enabled"], false);
    assert_eq!(settings["effective"]["ticketing_enabled"], true, "inherited from the tenant");
    assert_eq!(settings["effective"]["time_zone"], "Asia/Tokyo");

    let page: Value = app.get("/api/v1/companies?limit=2", &admin).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next: Value = app
        .get(&format!("/api/v1/companies?limit=2&cursor={}", page["next_cursor"].as_str().unwrap()), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"].as_array().unwrap().len(), 2, "4 companies in all");
    assert!(next["next_cursor"].is_null());
    problem(app.get("/api/v1/companies?limit=500", &admin).await, 422).await;
    problem(app.get("/api/v1/companies?cursor=garbage", &admin).await, 422).await;
    let found: Value = app.get("/api/v1/companies?q=northW", &admin).await.json().await.unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
});

on_both!(one_tenant_cannot_see_another, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let companies: Value = app.get("/api/v1/companies", &admin).await.json().await.unwrap();
    let demo_company = companies["items"][0]["id"].as_i64().unwrap();
    // A second tenant with its own admin, who signs in with a password only (2FA optional).
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/companies/{demo_company}"), &other).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{demo_company}/settings"), &other).await, 404).await;
    let list: Value = app.get("/api/v1/companies", &other).await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
    let users: Value = app.get("/api/v1/users", &admin).await.json().await.unwrap();
    let demo_user = users["items"][0]["id"].as_i64().unwrap();
    problem(app.get(&format!("/api/v1/users/{demo_user}"), &other).await, 404).await;
    problem(app.post(&format!("/api/v1/users/{demo_user}/disable"), Some(&other), json!({})).await, 404).await;
});

on_both!(users_memberships_and_role_changes, backend => |backend| async move {
    let (app, sink) = crate::accounts::with_mailbox(backend).await;
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let me: Value = app.get("/api/v1/me", &user).await.json().await.unwrap();
    let (id, company) = (me["id"].as_i64().unwrap(), me["companies"][0]["id"].as_i64().unwrap());
    assert_eq!(me["companies"][0]["sections"], json!(["tickets", "contacts", "knowledge_base", "self_service"]));
    let path = format!("/api/v1/users/{id}/memberships/{company}");
    problem(app.send(Method::PUT, &path, &admin, json!({"roles": ["root"]})).await, 422).await;
    problem(app.send(Method::PUT, &path, &admin, json!({"roles": []})).await, 422).await;
    let res = app.send(Method::PUT, &path, &admin, json!({"roles": ["customer_approver"]})).await;
    assert_eq!(res.status(), 200);
    // The role change ends the old access token; a fresh one carries the new roles.
    problem(app.get("/api/v1/me", &user).await, 401).await;
    let user = app.token("pat.user@demo.example").await;
    let me: Value = app.get("/api/v1/me", &user).await.json().await.unwrap();
    assert!(me["companies"][0]["sections"].as_array().unwrap().contains(&json!("validations")));

    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "New.Person@Contoso.example", "name": "New Person",
        "memberships": [{"company_id": company, "roles": ["portal_user"]}]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["email"], "new.person@contoso.example");
    assert_eq!(created["state"], "invited");
    assert!(created.get("set_password_token").is_none(), "the link travels by e-mail only");
    let token = crate::accounts::link_token(&sink, "new.person@contoso.example", "set-password", 0).await;
    problem(app.post("/api/v1/auth/password", None, json!({"token": token, "password": "12345678"})).await, 422).await;
    assert_eq!(
        app.post("/api/v1/auth/password", None, json!({"token": token, "password": "my own passphrase"}))
            .await
            .status(),
        204
    );
    problem(
        app.post("/api/v1/auth/password", None, json!({"token": token, "password": "another passphrase"})).await,
        401,
    )
    .await;
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "demo", "email": "new.person@contoso.example", "password": "my own passphrase"}),
        )
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "enrollment_required", "Contoso requires 2FA");
    problem(
        app.post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "new.person@contoso.example", "name": "Dup",
        "memberships": [{"company_id": company, "roles": ["portal_user"]}]}),
        )
        .await,
        409,
    )
    .await;
    problem(
        app.post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "not-an-email", "name": "X",
        "memberships": [{"company_id": company, "roles": ["portal_user"]}]}),
        )
        .await,
        422,
    )
    .await;

    let new_id = created["id"].as_i64().unwrap();
    let res = app
        .request(Method::DELETE, &format!("/api/v1/users/{new_id}/memberships/{company}"), Some(&admin))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app
        .request(Method::DELETE, &format!("/api/v1/users/{new_id}/memberships/{company}"), Some(&admin))
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "demo", "email": "new.person@contoso.example", "password": "my own passphrase"}),
        )
        .await;
    problem(res, 403).await;
});

on_both!(a_disabled_portal_refuses_its_users_at_once, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let multi = app.token("morgan.multi@demo.example").await;
    let me: Value = app.get("/api/v1/me", &multi).await.json().await.unwrap();
    assert_eq!(me["companies"].as_array().unwrap().len(), 2, "one user in two companies");
    let fabrikam = me["companies"][1]["id"].as_i64().unwrap();
    assert_eq!(me["companies"][1]["roles"], json!(["customer_approver"]));
    let user = app.token("fred.fabrikam@demo.example").await;
    app.send(Method::PUT, &format!("/api/v1/companies/{fabrikam}/settings"), &admin, json!({"portal_enabled": false}))
        .await;
    problem(app.get("/api/v1/me", &user).await, 403).await;
    problem(app.password_step("fred.fabrikam@demo.example", crate::harness::PASSWORD).await, 403).await;
    let me: Value = app.get("/api/v1/me", &multi).await.json().await.unwrap();
    assert_eq!(me["companies"].as_array().unwrap().len(), 1, "the other company still works");
});

on_both!(profile_updates, |app: TestApp| async move {
    let token = app.token("pat.plus@demo.example").await;
    let me: Value =
        app.send(Method::PATCH, "/api/v1/me", &token, json!({"language": "de"})).await.json().await.unwrap();
    assert_eq!(me["language"].as_str(), Some("de"));
    problem(app.send(Method::PATCH, "/api/v1/me", &token, json!({"language": "nl"})).await, 422).await;
    problem(app.send(Method::PATCH, "/api/v1/me", &token, json!({"phone": "call me"})).await, 422).await;
    // The phone changes through PUT /api/v1/me/phone, which asks for the second factor.
    problem(app.send(Method::PATCH, "/api/v1/me", &token, json!({"phone": "+41 44 123 45 67"})).await, 422).await;
    problem(app.send(Method::PATCH, "/api/v1/me", &token, json!({"email": "x@y.z"})).await, 422).await;
    let me: Value = app.get("/api/v1/me", &token).await.json().await.unwrap();
    assert!(me["phone"].is_null());
    assert_eq!(me["language"], "de", "unchanged by a failed update");
});
