//! Opening tickets: defaults, request types, the provider's priority, staff opening for a member,
//! invalid input that creates nothing, and `Idempotency-Key`.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::{problem, TestApp};
use crate::on_both;

/// The request types by name, as staff see them.
async fn request_type(app: &TestApp, staff: &str, name: &str) -> i64 {
    let all = ok(app.get("/api/v1/request-types", staff).await).await;
    all["items"].as_array().unwrap().iter().find(|t| t["name"] == name).expect(name)["id"].as_i64().unwrap()
}

fn errors_name(body: &Value, field: &str) -> bool {
    crate::harness::fault(body, field).is_some()
}

on_both!(a_new_ticket_starts_with_defaults, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let me = my_id(&app, &user).await;
    let t = create(&app, &user, contoso, json!({"title": "  Monitor flickers  "})).await;
    assert_eq!(t["title"], "Monitor flickers", "trimmed");
    assert_eq!(t["description"], "");
    assert_eq!(t["status"], "new");
    assert_eq!(t["priority"], "normal");
    assert_eq!(t["number"], 6, "after the five demo tickets");
    assert_eq!(t["version"], 1);
    assert_eq!(t["billed"], false);
    assert_eq!(t["company_id"], contoso);
    assert_eq!(t["requester"], json!({"id": me, "name": "Pat User"}));
    assert_eq!(t["custom_fields"], json!({}));
    for absent in ["assignee", "contact", "due_at", "provider_priority", "queue", "request_type", "closed_at"] {
        assert!(t.get(absent).is_none(), "{absent} in {t}");
    }
    assert_eq!(t["local_times"]["time_zone"], "Europe/Zurich");
    assert_eq!(
        t["editable_fields"],
        json!(["title", "description", "priority", "request_type_id", "contact_id", "custom_fields.site"])
    );
    let id = t["id"].as_i64().unwrap();
    let read = ok(app.get(&ticket(id), &user).await).await;
    assert_eq!(read, t, "the create answer is the ticket as read");
    let lines = history(&app, &user, id).await;
    assert_eq!(history_fields(&lines), ["created"]);
    assert_eq!(lines[0]["actor"]["name"], "Pat User");

    let next = create(&app, &user, contoso, json!({"title": "Second", "priority": "urgent"})).await;
    assert_eq!(next["number"], 7);
    assert_eq!(next["priority"], "urgent");
});

on_both!(request_types_outside_the_companys_list_or_inactive_are_refused, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let incident = request_type(&app, &admin, "Incident").await;
    let question = request_type(&app, &admin, "Question").await;
    company_settings(&app, &admin, contoso, json!({"request_types": {"mode": "chosen", "ids": [incident]}})).await;
    let before = items(&app, &admin, "/api/v1/tickets").await.len();

    let body = problem(
        app.post(&company_tickets(contoso), Some(&user), json!({"title": "Q", "request_type_id": question})).await,
        422,
    )
    .await;
    assert!(errors_name(&body, "request_type_id"), "{body}");
    problem(
        app.post(&company_tickets(contoso), Some(&user), json!({"title": "Q", "request_type_id": 999999})).await,
        422,
    )
    .await;
    let t = create(&app, &user, contoso, json!({"title": "I", "request_type_id": incident})).await;
    assert_eq!(t["request_type"], json!({"id": incident, "name": "Incident"}));
    let id = t["id"].as_i64().unwrap();
    let body = problem(patch(&app, &user, id, json!({"request_type_id": question})).await, 422).await;
    assert!(errors_name(&body, "request_type_id"), "{body}");
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await).await;
    assert_eq!(form["request_types"], json!([{"id": incident, "name": "Incident"}]));
    // Staff opening a ticket for the company obey its list too.
    let pat = user_id(&app, &admin, "pat.user@demo.example").await;
    problem(
        app.post(
            &company_tickets(contoso),
            Some(&admin),
            json!({"title": "Q", "requester_id": pat, "request_type_id": question}),
        )
        .await,
        422,
    )
    .await;

    // Fabrikam may use all of them, until one is switched off.
    create(&app, &fred, fabrikam, json!({"title": "Q1", "request_type_id": question})).await;
    ok(app
        .send(
            Method::PATCH,
            &format!("/api/v1/request-types/{question}"),
            &admin,
            json!({"name": "Question", "active": false}),
        )
        .await)
    .await;
    let body = problem(
        app.post(&company_tickets(fabrikam), Some(&fred), json!({"title": "Q2", "request_type_id": question})).await,
        422,
    )
    .await;
    assert!(errors_name(&body, "request_type_id"), "{body}");
    let form = ok(app.get(&format!("/api/v1/companies/{fabrikam}/ticket-form"), &fred).await).await;
    assert!(!form["request_types"].as_array().unwrap().iter().any(|t| t["id"] == question), "{form}");
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), before + 2, "only the two accepted ones");
});

on_both!(the_providers_priority_is_set_and_seen_only_where_the_role_allows, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let approver = app.token("ann.approver@demo.example").await;
    let contoso = company_id(&app, &plus, "Contoso Ltd").await;

    for token in [&user, &plus] {
        let body = problem(
            app.post(&company_tickets(contoso), Some(token), json!({"title": "P", "provider_priority": "high"})).await,
            422,
        )
        .await;
        assert!(errors_name(&body, "provider_priority"), "{body}");
    }
    let t = create(&app, &approver, contoso, json!({"title": "Server room hot", "provider_priority": "high"})).await;
    assert_eq!(t["provider_priority"], "high");
    let id = t["id"].as_i64().unwrap();
    assert_eq!(ok(app.get(&ticket(id), &approver).await).await["provider_priority"], "high");
    assert_eq!(ok(app.get(&ticket(id), &plus).await).await["provider_priority"], "high", "plus sees it");
    problem(patch(&app, &approver, id, json!({"provider_priority": "low"})).await, 422).await;

    // portal_user never sees it: not in the ticket, the list or the history.
    let printer = ticket_id(&app, &admin, PRINTER).await;
    ok(patch(&app, &admin, printer, json!({"provider_priority": "urgent"})).await).await;
    let read = ok(app.get(&ticket(printer), &user).await).await;
    assert!(read.get("provider_priority").is_none(), "{read}");
    for item in items(&app, &user, &company_tickets(contoso)).await {
        assert!(item.get("provider_priority").is_none(), "{item}");
    }
    assert!(!history_fields(&history(&app, &user, printer).await).contains(&"provider_priority".to_owned()));
    assert!(history_fields(&history(&app, &admin, printer).await).contains(&"provider_priority".to_owned()));
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await).await;
    assert_eq!(
        (form["provider_priority_visible"].as_bool(), form["provider_priority_settable"].as_bool()),
        (Some(false), Some(false))
    );
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &approver).await).await;
    assert_eq!(
        (form["provider_priority_visible"].as_bool(), form["provider_priority_settable"].as_bool()),
        (Some(true), Some(true))
    );
    problem(patch(&app, &user, printer, json!({"provider_priority": "low"})).await, 422).await;
});

on_both!(staff_open_tickets_for_a_member_of_the_company, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let pat = user_id(&app, &admin, "pat.user@demo.example").await;
    let fred = user_id(&app, &admin, "fred.fabrikam@demo.example").await;
    let before = items(&app, &admin, "/api/v1/tickets").await.len();

    let body =
        problem(app.post(&company_tickets(contoso), Some(&admin), json!({"title": "For whom?"})).await, 422).await;
    assert!(errors_name(&body, "requester_id"), "{body}");
    let body = problem(
        app.post(&company_tickets(contoso), Some(&admin), json!({"title": "Wrong company", "requester_id": fred}))
            .await,
        422,
    )
    .await;
    assert!(errors_name(&body, "requester_id"), "{body}");
    let body = problem(
        app.post(
            &company_tickets(contoso),
            Some(&admin),
            json!({"title": "Contact elsewhere", "requester_id": pat, "contact_id": fred}),
        )
        .await,
        422,
    )
    .await;
    assert!(errors_name(&body, "contact_id"), "{body}");
    problem(app.post(&company_tickets(999_999), Some(&admin), json!({"title": "x", "requester_id": pat})).await, 404)
        .await;
    problem(app.post(&company_tickets(fabrikam), Some(&user), json!({"title": "x"})).await, 404).await;
    let body = problem(
        app.post(&company_tickets(contoso), Some(&user), json!({"title": "On behalf", "requester_id": fred})).await,
        422,
    )
    .await;
    assert!(errors_name(&body, "requester_id"), "{body}");
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), before);

    let t = create(
        &app,
        &tech,
        contoso,
        json!({"title": "Called in: scanner", "requester_id": pat, "provider_priority": "high",
            "custom_fields": {"cost_center": "CC-2002"}}),
    )
    .await;
    assert_eq!(t["requester"]["id"], pat);
    assert_eq!(t["custom_fields"]["cost_center"], "CC-2002");
    let id = t["id"].as_i64().unwrap();
    // The requester sees it as its own; the history says who opened it.
    let read = ok(app.get(&ticket(id), &user).await).await;
    assert!(read["custom_fields"].get("cost_center").is_none(), "{read}");
    let lines = history(&app, &admin, id).await;
    assert_eq!(lines[0]["kind"], "created");
    assert_eq!(lines[0]["actor"]["name"], "Tom Tech", "the staff member who opened it: {lines:?}");
});

on_both!(invalid_tickets_are_refused_and_nothing_is_created, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let fred = user_id(&app, &admin, "fred.fabrikam@demo.example").await;
    ok(app
        .post(
            "/api/v1/custom-fields",
            Some(&admin),
            json!({"key": "asset_tag", "label": "Asset tag", "kind": "text", "required": true,
                "customer_visibility": "editable"}),
        )
        .await)
    .await;
    let before = items(&app, &admin, "/api/v1/tickets").await.len();
    let mine_before = items(&app, &user, &company_tickets(contoso)).await.len();
    let valid = |extra: Value| {
        let mut body = json!({"title": "Keyboard", "custom_fields": {"asset_tag": "A-1"}});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    let cases: Vec<(Value, &str)> = vec![
        (json!({"title": "Keyboard"}), "custom_fields"),
        (json!({"title": "Keyboard", "custom_fields": {"asset_tag": null}}), "custom_fields"),
        (valid(json!({"custom_fields": {"asset_tag": "A-1", "cost_center": "CC-9"}})), "custom_fields"),
        (valid(json!({"custom_fields": {"asset_tag": "A-1", "colour": "red"}})), "custom_fields"),
        (valid(json!({"custom_fields": {"asset_tag": "A-1", "site": "Paris"}})), "custom_fields"),
        (valid(json!({"custom_fields": {"asset_tag": 7}})), "custom_fields"),
        (valid(json!({"title": ""})), "title"),
        (valid(json!({"title": "   "})), "title"),
        (valid(json!({"title": "x".repeat(201)})), "title"),
        (valid(json!({"description": "x".repeat(20_001)})), "description"),
        (valid(json!({"contact_id": fred})), "contact_id"),
        (valid(json!({"requester_id": fred})), "requester_id"),
        (valid(json!({"colour": "red"})), "colour"),
        (valid(json!({"priority": "critical"})), "priority"),
        (valid(json!({"title": 5})), "title"),
        (valid(json!({"custom_fields": []})), "custom_fields"),
    ];
    for (body, field) in cases {
        let res = app.post(&company_tickets(contoso), Some(&user), body.clone()).await;
        let answer = problem(res, 422).await;
        assert!(errors_name(&answer, field), "{field} for {body}: {answer}");
        if field == "custom_fields" && body["custom_fields"].get("cost_center").is_some() {
            assert!(answer.to_string().contains("cost_center"), "names the field: {answer}");
        }
    }
    let res = app
        .request(Method::POST, &company_tickets(contoso), Some(&user))
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    problem(res, 400).await;
    let res = app.request(Method::POST, &company_tickets(contoso), Some(&user)).body("title=x").send().await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), before, "nothing created");
    assert_eq!(items(&app, &user, &company_tickets(contoso)).await.len(), mine_before);

    let t = create(&app, &user, contoso, valid(json!({"title": "y".repeat(200)}))).await;
    assert_eq!(t["custom_fields"], json!({"asset_tag": "A-1"}));
});

on_both!(idempotency_key_gives_one_ticket_per_key_and_user, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let count = || async { items(&app, &admin, "/api/v1/tickets").await.len() };
    let before = count().await;
    let post = |token: &str, key: &str, body: Value| {
        app.request(Method::POST, &company_tickets(contoso), Some(token))
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let body = json!({"title": "Projector", "description": "Room 4"});

    let first = post(&user, "key-1", body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post(&user, "key-1", body.clone()).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the first answer, replayed");
    assert_eq!(count().await, before + 1);
    // One history line, written with the ticket, however often the request is replayed.
    let lines = history(&app, &user, first["id"].as_i64().unwrap()).await;
    assert_eq!(history_fields(&lines), ["created"]);
    assert_eq!(lines[0]["actor"]["name"], "Pat User");

    let res = post(&user, "key-1", json!({"title": "Projector", "description": "Room 5"})).await.unwrap();
    let answer = problem(res, 422).await;
    assert!(errors_name(&answer, "Idempotency-Key"), "{answer}");
    assert_eq!(count().await, before + 1);

    // The same key on another company's path is another request too.
    let elsewhere = app
        .request(Method::POST, &company_tickets(contoso + 99), Some(&user))
        .header("Idempotency-Key", "key-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    problem(elsewhere, 422).await;

    // Keys belong to their user: the same key from someone else is a request of its own.
    let other = post(&plus, "key-1", body.clone()).await.unwrap();
    assert_eq!(other.status(), 201);
    let other: Value = other.json().await.unwrap();
    assert_ne!(other["id"], first["id"]);
    assert_eq!(count().await, before + 2);

    // A request refused for its content does not use the key up.
    let hidden = json!({"title": "Desk", "custom_fields": {"cost_center": "CC-1"}});
    problem(post(&user, "key-2", hidden).await.unwrap(), 422).await;
    assert_eq!(post(&user, "key-2", json!({"title": "Desk"})).await.unwrap().status(), 201);
    assert_eq!(count().await, before + 3);

    problem(post(&user, &"k".repeat(256), body.clone()).await.unwrap(), 422).await;
    problem(post(&user, "two words", body.clone()).await.unwrap(), 422).await;
    problem(post(&user, "", body.clone()).await.unwrap(), 422).await;
    assert_eq!(count().await, before + 3);
});

// A body that is JSON but of the wrong types is 422 naming the field; one that is not JSON at
// all is 400. Neither opens nor changes a ticket.
on_both!(wrong_types_are_422_naming_the_field_and_broken_json_400, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let list = company_tickets(contoso);
    let before = items(&app, &user, &list).await.len();

    let body = problem(app.post(&list, Some(&user), json!({"title": "Wrong types", "priority": 5})).await, 422).await;
    assert!(
        crate::harness::fault(&body, "priority").unwrap()["detail"].as_str().unwrap().contains("invalid type"),
        "{body}"
    );
    let body = problem(app.post(&list, Some(&user), json!({"title": 5})).await, 422).await;
    assert!(crate::harness::fault(&body, "title").is_some(), "{body}");
    let broken = |method: Method, path: String| {
        app.request(method, &path, Some(&user))
            .header("content-type", "application/json")
            .body(r#"{"title": "Broken", "priority": "#)
    };
    let body = problem(broken(Method::POST, list.clone()).send().await.unwrap(), 400).await;
    assert!(body["detail"].as_str().unwrap().starts_with("The body is not valid JSON"), "{body}");
    assert_eq!(items(&app, &user, &list).await.len(), before, "nothing was opened");

    let opened = create(&app, &user, contoso, json!({"title": "Monitor flickers"})).await;
    let id = opened["id"].as_i64().unwrap();
    let body = problem(patch(&app, &user, id, json!({"priority": 5})).await, 422).await;
    assert!(crate::harness::fault(&body, "priority").is_some(), "{body}");
    let body = problem(patch(&app, &user, id, json!({"title": ["Renamed"]})).await, 422).await;
    assert!(crate::harness::fault(&body, "title").is_some(), "{body}");
    problem(broken(Method::PATCH, ticket(id)).send().await.unwrap(), 400).await;
    let after = ok(app.get(&ticket(id), &user).await).await;
    assert_eq!(after["title"], "Monitor flickers");
    assert_eq!(after["priority"], opened["priority"]);
    assert_eq!(after["version"], opened["version"], "nothing was changed");
});
