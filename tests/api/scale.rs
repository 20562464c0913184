//! Two servers on one database behave as one: sessions, revocation and throttles are shared
//! through the database, and what a process keeps (sessions, catalogues) is checked against the
//! database's versions at every request.

use serde_json::{json, Value};

use crate::harness::{TestApp, PASSWORD};
use crate::on_both;
use crate::tickets::ok;

on_both!(two_servers_share_sessions_revocations_and_throttles, |app: TestApp| async move {
    let other = app.second_server();
    let client = reqwest::Client::new();
    // Signed in on one, the token works on the other.
    let tokens = app.sign_in("pat.user@demo.example").await;
    let access = tokens["access_token"].as_str().unwrap();
    let res = client.get(format!("{other}/api/v1/me")).bearer_auth(access).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let me: Value = app.get("/api/v1/me", access).await.json().await.unwrap();
    let id = me["id"].as_i64().unwrap();
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
    // The reuse ended the sign-in: its access token is refused by both servers at once.
    let res = client.get(format!("{other}/api/v1/me")).bearer_auth(access).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(app.get("/api/v1/me", access).await.status(), 401);
    // Disabled through one, refused by the other at once.
    let access = app.token("pat.user@demo.example").await;
    assert_eq!(app.get("/api/v1/me", &access).await.status(), 200);
    let admin = app.token("admin@demo.example").await;
    let res = client
        .post(format!("{other}/api/v1/users/{id}/disable"))
        .bearer_auth(&admin)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/api/v1/me", &access).await.status(), 401);
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

on_both!(roles_and_portal_settings_changed_on_one_server_apply_on_the_other_at_once, |app: TestApp| async move {
    let other = app.second_server();
    let client = reqwest::Client::new();
    let pat = app.token("pat.user@demo.example").await;
    let admin = app.token("admin@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let pat_id = crate::tickets::my_id(&app, &pat).await;
    let contoso_of =
        |me: Value| me["companies"].as_array().unwrap().iter().find(|c| c["id"] == contoso).unwrap().clone();
    let put = |path: String, body: Value| {
        let (client, admin, other) = (client.clone(), admin.clone(), other.clone());
        async move { client.put(format!("{other}{path}")).bearer_auth(&admin).json(&body).send().await.unwrap() }
    };
    // Both servers have read pat's session.
    assert_eq!(contoso_of(ok(app.get("/api/v1/me", &pat).await).await)["roles"], json!(["portal_user"]));
    let res = client.get(format!("{other}/api/v1/me")).bearer_auth(&pat).send().await.unwrap();
    assert_eq!(contoso_of(ok(res).await)["roles"], json!(["portal_user"]));

    // Roles changed on the other server: the token issued before is refused here at once, and the
    // next one carries the new roles.
    let res =
        put(format!("/api/v1/users/{pat_id}/memberships/{contoso}"), json!({"roles": ["portal_user_plus"]})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/api/v1/me", &pat).await.status(), 401);
    let pat = app.token("pat.user@demo.example").await;
    let me = contoso_of(ok(app.get("/api/v1/me", &pat).await).await);
    assert_eq!(me["roles"], json!(["portal_user_plus"]));
    assert!(me["sections"].as_array().unwrap().contains(&json!("knowledge_base")));

    // A tenant default changed on the other server (the knowledge base off for every company).
    let mut defaults: Value = ok(app.get("/api/v1/tenant/settings", &admin).await).await;
    defaults["knowledge_base_enabled"] = json!(false);
    assert_eq!(put("/api/v1/tenant/settings".into(), defaults).await.status(), 200);
    let me = contoso_of(ok(app.get("/api/v1/me", &pat).await).await);
    assert!(!me["sections"].as_array().unwrap().contains(&json!("knowledge_base")), "{me}");

    // A company setting changed on the other server: Contoso's portal off leaves pat without one.
    let settings: Value = ok(app.get(&format!("/api/v1/companies/{contoso}/settings"), &admin).await).await;
    let mut overrides = settings["overrides"].clone();
    overrides["portal_enabled"] = json!(false);
    assert_eq!(put(format!("/api/v1/companies/{contoso}/settings"), overrides).await.status(), 200);
    assert_eq!(app.get("/api/v1/me", &pat).await.status(), 403);
    assert_eq!(app.get(&format!("/api/v1/companies/{contoso}/tickets"), &pat).await.status(), 403);
});

on_both!(a_subsidiary_added_on_one_server_is_listed_on_the_other_at_once, |app: TestApp| async move {
    let other = app.second_server();
    let client = reqwest::Client::new();
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &plus, "Contoso Ltd").await;
    let list = format!("/api/v1/companies/{contoso}/tickets?limit=200");
    let ids =
        |page: Value| page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>();
    // This server has read pat.plus's session and the companies its Contoso membership reaches.
    let before = ids(ok(app.get(&list, &plus).await).await);

    // On the other server: a new subsidiary of Contoso, a member there, a ticket of theirs.
    let res = client
        .post(format!("{other}/api/v1/companies"))
        .bearer_auth(&admin)
        .json(&json!({"name": "Contoso Labs", "parent_company_id": contoso}))
        .send()
        .await
        .unwrap();
    let labs = ok(res).await["id"].as_i64().unwrap();
    let sam = crate::tickets::user_id(&app, &admin, "sam.sub@demo.example").await;
    let res = client
        .put(format!("{other}/api/v1/users/{sam}/memberships/{labs}"))
        .bearer_auth(&admin)
        .json(&json!({"roles": ["portal_user"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = json!({"title": "Lab printer offline", "description": "Since Monday.", "requester_id": sam});
    let res = client.post(format!("{other}/api/v1/companies/{labs}/tickets")).bearer_auth(&admin).json(&body).send();
    let created = ok(res.await.unwrap()).await["id"].as_i64().unwrap();

    // This server lists and reads it at the next request.
    let after = ids(ok(app.get(&list, &plus).await).await);
    assert!(!before.contains(&created) && after.contains(&created), "{after:?}");
    ok(app.get(&format!("/api/v1/tickets/{created}"), &plus).await).await;
});

// A ticket's read checks the caller's session with the ticket's own query (`tickets::get_named`):
// what another server changed meanwhile still decides the answer of the next read.
on_both!(ticket_reads_on_one_server_follow_access_changed_on_the_other_at_once, |app: TestApp| async move {
    use crate::tickets::{company_id, company_settings, my_id, ticket, ticket_id, DRUCKER};
    let other = app.second_server();
    let client = reqwest::Client::new();
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let contoso = company_id(&app, &plus, "Contoso Ltd").await;
    // A ticket of Contoso's subsidiary, which Contoso shows its members: this server has it and
    // pat.plus's session in memory.
    let drucker = ticket_id(&app, &admin, DRUCKER).await;
    let reads = [ticket(drucker), format!("{}/notes", ticket(drucker)), format!("{}/history", ticket(drucker))];
    for path in &reads {
        ok(app.get(path, &plus).await).await;
    }
    let list = format!("/api/v1/companies/{contoso}/tickets");
    let listed = || async {
        let page = ok(app.get(&list, &plus).await).await;
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    assert!(listed().await.contains(&drucker), "the subsidiary's ticket is listed");

    // Subsidiary tickets switched off at Contoso on the other server: gone here at once.
    let path = format!("/api/v1/companies/{contoso}/settings");
    let mut overrides = ok(app.get(&path, &admin).await).await["overrides"].clone();
    overrides["subsidiary_tickets_visible"] = json!(false);
    let res = client.put(format!("{other}{path}")).bearer_auth(&admin).json(&overrides).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // (The list first: a read that finds the session stale loads it again for the next request.)
    assert!(!listed().await.contains(&drucker), "no longer listed");
    for path in &reads {
        assert_eq!(app.get(path, &plus).await.status(), 404, "{path}");
    }
    // And back on, there again.
    company_settings(&app, &admin, contoso, json!({"subsidiary_tickets_visible": true})).await;
    assert!(listed().await.contains(&drucker));
    ok(app.get(&ticket(drucker), &plus).await).await;

    // The user disabled on the other server: refused here, for a list, a ticket that exists and
    // one that does not.
    let id = my_id(&app, &plus).await;
    let on_other = |action: &'static str| {
        let url = format!("{other}/api/v1/users/{id}/{action}");
        let (client, admin) = (client.clone(), admin.clone());
        async move { assert_eq!(client.post(url).bearer_auth(&admin).send().await.unwrap().status(), 200) }
    };
    on_other("disable").await;
    for path in [list.clone(), ticket(drucker), ticket(i64::from(i32::MAX))] {
        assert_eq!(app.get(&path, &plus).await.status(), 401, "{path}");
    }
    // Nor may it open a ticket, with or without an Idempotency-Key (creation checks the session in
    // its own database step), and nothing of either attempt is kept: not the ticket, not the key.
    let open = json!({"title": "Opened while disabled", "description": "Must not be kept."});
    let create = |token: String| {
        app.request(reqwest::Method::POST, &list, Some(&token)).header("Idempotency-Key", "while-disabled").json(&open)
    };
    assert_eq!(app.post(&list, Some(&plus), open.clone()).await.status(), 401);
    assert_eq!(create(plus.clone()).send().await.unwrap().status(), 401);
    // A list that finds nothing (no requester has this id) reads no versions with its page: enabled
    // again (and signed in again: disabling revoked the token), it answers; disabled again, it
    // refuses.
    let empty = format!("{list}?requester_id={}", i32::MAX);
    on_other("enable").await;
    let plus = app.token("pat.plus@demo.example").await;
    assert_eq!(ok(app.get(&empty, &plus).await).await["items"], json!([]));
    let found = || async { ok(app.get(&format!("{list}?q=disabled"), &admin).await).await["items"].clone() };
    assert_eq!(found().await, json!([]), "no ticket was opened while disabled");
    let res = create(plus.clone()).send().await.unwrap();
    assert_eq!(res.status(), 201, "the key was not kept: it opens a ticket now");
    assert_eq!(found().await.as_array().unwrap().len(), 1);
    on_other("disable").await;
    assert_eq!(app.get(&empty, &plus).await.status(), 401);
});
