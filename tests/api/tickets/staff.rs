//! The staff side: the tenant-wide list with its filters, technicians working tickets, and the
//! catalogues (request types, queues, custom fields) staff read and provider admins change.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::{problem, TestApp};
use crate::on_both;

fn sorted_titles(items: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect();
    v.sort();
    v
}

on_both!(staff_list_filter_and_work_every_ticket, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, sub, fabrikam) = companies(&app, &admin).await;
    let (tech_id, admin_id) = (my_id(&app, &tech).await, my_id(&app, &admin).await);
    let printer = ticket_id(&app, &admin, PRINTER).await;

    problem(app.get("/api/v1/tickets", &plus).await, 403).await;
    let all = items(&app, &tech, "/api/v1/tickets").await;
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(|t| t["custom_fields"]["cost_center"] == "CC-1001"));
    assert_eq!(sorted_titles(&items(&app, &tech, &format!("/api/v1/tickets?company_id={fabrikam}")).await), [MAILBOX]);
    assert_eq!(sorted_titles(&items(&app, &tech, &format!("/api/v1/tickets?company_id={sub}")).await), [DRUCKER]);
    assert_eq!(items(&app, &tech, &company_tickets(contoso)).await.len(), 3, "staff see one company per company list");

    // A technician works the ticket.
    let queue = ok(app.post("/api/v1/queues", Some(&admin), json!({"name": "Field service"})).await).await;
    let queue = queue["id"].as_i64().unwrap();
    let worked = ok(patch(
        &app,
        &tech,
        printer,
        json!({"status": "in_progress", "assignee_id": tech_id, "due_at": "2026-12-01T12:00:00Z",
            "worked_minutes": 45, "billed_minutes": 30, "queue_id": queue, "provider_priority": "high", "priority": "urgent"}),
    )
    .await)
    .await;
    assert_eq!(worked["status"], "in_progress");
    assert_eq!(worked["assignee"], json!({"id": tech_id, "name": "Tom Tech"}));
    assert_eq!(worked["due_at"], "2026-12-01T12:00:00Z");
    assert_eq!((worked["worked_minutes"].as_i64(), worked["billed_minutes"].as_i64()), (Some(45), Some(30)));
    assert_eq!(worked["queue"], json!({"id": queue, "name": "Field service"}));
    let lines = history_fields(&history(&app, &admin, printer).await);
    for field in
        ["status", "assignee", "due_at", "worked_minutes", "billed_minutes", "queue", "provider_priority", "priority"]
    {
        assert!(lines.contains(&field.to_owned()), "{field} in {lines:?}");
    }
    // Customers never see the queue, nor its history line.
    let customer = ok(app.get(&ticket(printer), &plus).await).await;
    assert!(customer.get("queue").is_none(), "{customer}");
    assert!(!history_fields(&history(&app, &plus, printer).await).contains(&"queue".to_owned()));

    let filter = |q: &str| {
        let path = format!("/api/v1/tickets?{q}");
        let (app, tech) = (&app, &tech);
        async move { items(app, tech, &path).await }
    };
    assert_eq!(sorted_titles(&filter("status=in_progress").await), [PRINTER]);
    assert_eq!(filter("status=new").await.len(), 4);
    assert_eq!(filter("status=new,in_progress").await.len(), 5);
    assert_eq!(sorted_titles(&filter(&format!("assignee_id={tech_id}")).await), [PRINTER]);
    assert!(filter(&format!("assignee_id={admin_id}")).await.is_empty());
    assert_eq!(sorted_titles(&filter(&format!("queue_id={queue}")).await), [PRINTER]);
    assert_eq!(sorted_titles(&filter("q=mailbox").await), [MAILBOX]);
    assert_eq!(sorted_titles(&filter(&format!("company_id={contoso}&status=new")).await), [LAPTOP, VPN]);
    assert_eq!(sorted_titles(&filter(&format!("company_id={contoso}&q=jams")).await), [PRINTER]);
    assert!(filter(&format!("company_id={fabrikam}&q=jams")).await.is_empty());
    assert_eq!(sorted_titles(&filter("priority=urgent").await), [MAILBOX, PRINTER]);

    // Staff-only filters are refused on a company list of a customer.
    for q in [format!("assignee_id={tech_id}"), format!("queue_id={queue}"), format!("company_id={contoso}")] {
        problem(app.get(&format!("{}?{q}", company_tickets(contoso)), &plus).await, 422).await;
    }
    // Who may be assigned: active staff of this tenant only.
    let pat = user_id(&app, &admin, "pat.user@demo.example").await;
    for bad in [pat, 999_999] {
        let answer = problem(patch(&app, &tech, printer, json!({"assignee_id": bad})).await, 422).await;
        assert!(crate::harness::fault(&answer, "assignee_id").is_some(), "{answer}");
    }
    ok(patch(&app, &tech, printer, json!({"assignee_id": null, "due_at": null, "queue_id": null})).await).await;
    let cleared = ok(app.get(&ticket(printer), &tech).await).await;
    assert!(cleared.get("assignee").is_none() && cleared.get("due_at").is_none() && cleared.get("queue").is_none());
});

on_both!(catalogues_are_read_by_staff_and_changed_by_provider_admins, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let portal = app.token("paula.admin@demo.example").await;
    let types = ok(app.get("/api/v1/request-types", &tech).await).await;
    let names: Vec<&str> = types["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Incident", "Question", "Service request"]);
    let incident = types["items"][0]["id"].as_i64().unwrap();
    assert_eq!(ok(app.get("/api/v1/queues", &tech).await).await["items"].as_array().unwrap().len(), 1);
    assert_eq!(ok(app.get("/api/v1/custom-fields", &tech).await).await["items"].as_array().unwrap().len(), 2);
    ok(app.get("/api/v1/tenant/ticket-settings", &tech).await).await;
    let cost_center = ok(app.get("/api/v1/custom-fields", &tech).await).await["items"][1]["id"].as_i64().unwrap();

    let field = json!({"key": "room", "label": "Room", "kind": "text", "customer_visibility": "editable"});
    for token in [&tech, &portal] {
        problem(app.post("/api/v1/request-types", Some(token), json!({"name": "Change"})).await, 403).await;
        problem(app.post("/api/v1/queues", Some(token), json!({"name": "Night shift"})).await, 403).await;
        problem(app.post("/api/v1/custom-fields", Some(token), field.clone()).await, 403).await;
        let path = format!("/api/v1/request-types/{incident}");
        problem(app.send(Method::PATCH, &path, token, json!({"name": "Renamed"})).await, 403).await;
        let path = format!("/api/v1/custom-fields/{cost_center}");
        problem(app.send(Method::PATCH, &path, token, json!({"customer_visibility": "editable"})).await, 403).await;
        problem(
            app.send(Method::PUT, "/api/v1/tenant/ticket-settings", token, json!({"reopen_allowed": false})).await,
            403,
        )
        .await;
    }
    for path in ["/api/v1/request-types", "/api/v1/queues", "/api/v1/custom-fields", "/api/v1/tenant/ticket-settings"] {
        problem(app.get(path, &portal).await, 403).await;
    }
    assert_eq!(ok(app.get("/api/v1/request-types", &tech).await).await, types, "nothing changed");
    assert_eq!(ok(app.get("/api/v1/tenant/ticket-settings", &tech).await).await["reopen_allowed"], true);

    // The admin's changes, and their validation.
    let created = status(app.post("/api/v1/request-types", Some(&admin), json!({"name": " Change "})).await, 201).await;
    assert_eq!(created["name"], "Change");
    problem(app.post("/api/v1/request-types", Some(&admin), json!({"name": "Change"})).await, 409).await;
    problem(app.post("/api/v1/request-types", Some(&admin), json!({"name": ""})).await, 422).await;
    problem(app.post("/api/v1/request-types", Some(&admin), json!({"name": "x".repeat(101)})).await, 422).await;
    problem(app.post("/api/v1/request-types", Some(&admin), json!({"name": "X", "colour": 1})).await, 422).await;
    problem(app.post("/api/v1/request-types", Some(&admin), json!({"name": "Nul\u{0}type"})).await, 422).await;
    problem(app.post("/api/v1/queues", Some(&admin), json!({"name": "Nul\u{0}queue"})).await, 422).await;
    problem(app.send(Method::PATCH, "/api/v1/request-types/999999", &admin, json!({"name": "Y"})).await, 404).await;
    let path = format!("/api/v1/request-types/{incident}");
    problem(app.send(Method::PATCH, &path, &admin, json!({"name": "Question"})).await, 409).await;
    let inactive =
        status(app.post("/api/v1/queues", Some(&admin), json!({"name": "Old", "active": false})).await, 201).await;
    assert_eq!(inactive["active"], false);
    for bad in [
        json!({"key": "Room", "label": "Room", "kind": "text", "customer_visibility": "editable"}),
        json!({"key": "1room", "label": "Room", "kind": "text", "customer_visibility": "editable"}),
        json!({"key": "room", "label": "", "kind": "text", "customer_visibility": "editable"}),
        json!({"key": "room", "label": "Room", "kind": "select", "customer_visibility": "editable"}),
        json!({"key": "room", "label": "Room", "kind": "text", "options": ["a"], "customer_visibility": "editable"}),
        json!({"key": "room", "label": "Room", "kind": "text", "customer_visibility": "read_only"}),
        json!({"key": "room", "label": "Room", "kind": "colour", "customer_visibility": "editable"}),
        json!({"key": "room", "label": "Ro\u{0}om", "kind": "text", "customer_visibility": "editable"}),
        json!({"key": "room", "label": "Room", "kind": "select", "options": ["a\u{0}"], "customer_visibility": "editable"}),
    ] {
        problem(app.post("/api/v1/custom-fields", Some(&admin), bad).await, 422).await;
    }
    status(app.post("/api/v1/custom-fields", Some(&admin), field.clone()).await, 201).await;
    problem(app.post("/api/v1/custom-fields", Some(&admin), field).await, 409).await;
    let path = format!("/api/v1/custom-fields/{cost_center}");
    problem(app.send(Method::PATCH, &path, &admin, json!({"options": ["a"]})).await, 422).await;
    problem(app.send(Method::PATCH, &path, &admin, json!({"kind": "number"})).await, 422).await;
    problem(app.send(Method::PATCH, &path, &admin, json!({"label": "Cost\u{0}"})).await, 422).await;
    problem(app.send(Method::PATCH, "/api/v1/custom-fields/999999", &admin, json!({"label": "x"})).await, 404).await;
    assert_eq!(ok(app.get("/api/v1/custom-fields", &tech).await).await["items"].as_array().unwrap().len(), 3);
});

on_both!(the_ticket_form_tells_what_the_reader_may_do, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let form_path = format!("/api/v1/companies/{contoso}/ticket-form");
    let form = ok(app.get(&form_path, &user).await).await;
    let names: Vec<&str> =
        form["request_types"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Incident", "Question", "Service request"]);
    assert_eq!(form["priorities"], json!(["low", "normal", "high", "urgent"]));
    assert_eq!(
        form["custom_fields"],
        json!([{"key": "site", "label": "Site", "kind": "select", "options": ["Zurich", "Berlin", "New York"], "required": false}])
    );
    let fields: Vec<(String, String)> = form["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_owned(), f["visibility"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [
        ("title", "editable"),
        ("description", "editable"),
        ("priority", "editable"),
        ("request_type_id", "editable"),
        ("contact_id", "editable"),
        ("status", "read_only"),
        ("assignee_id", "read_only"),
        ("due_at", "read_only"),
        ("worked_minutes", "read_only"),
    ];
    assert_eq!(fields, expected.map(|(f, v)| (f.to_owned(), v.to_owned())));
    assert_eq!(form["statuses"].as_array().unwrap().len(), 7);
    assert_eq!(
        (form["provider_priority_visible"].as_bool(), form["reopen_allowed"].as_bool()),
        (Some(false), Some(true))
    );
    let plus_form = ok(app.get(&form_path, &plus).await).await;
    assert_eq!(
        (plus_form["provider_priority_visible"].as_bool(), plus_form["provider_priority_settable"].as_bool()),
        (Some(true), Some(false))
    );

    // Settings show through: a hidden priority, a required field, an inactive one.
    ticket_settings(&app, &admin, json!({"field_visibility": {"priority": "hidden"}, "hidden_statuses": ["resolved"]}))
        .await;
    ok(app
        .post(
            "/api/v1/custom-fields",
            Some(&admin),
            json!({"key": "asset", "label": "Asset", "kind": "number", "required": true, "customer_visibility": "editable"}),
        )
        .await)
    .await;
    ok(app
        .post(
            "/api/v1/custom-fields",
            Some(&admin),
            json!({"key": "legacy", "label": "Legacy", "kind": "boolean", "customer_visibility": "editable", "active": false}),
        )
        .await)
    .await;
    let form = ok(app.get(&form_path, &user).await).await;
    assert_eq!(form["fields"][2], json!({"field": "priority", "visibility": "hidden"}));
    let keys: Vec<&str> =
        form["custom_fields"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["site", "asset"]);
    assert_eq!(form["custom_fields"][1]["required"], true);
    assert!(!form["statuses"].as_array().unwrap().contains(&json!("resolved")));
    let staff = ok(app.get(&form_path, &admin).await).await;
    let keys: Vec<&str> =
        staff["custom_fields"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["site", "cost_center", "asset"]);
    assert!(staff["fields"].as_array().unwrap().iter().all(|f| f["visibility"] == "editable"));
    assert_eq!(staff["statuses"].as_array().unwrap().len(), 7);
    // A hidden priority cannot be chosen, and the required field is required.
    problem(
        app.post(
            &company_tickets(contoso),
            Some(&user),
            json!({"title": "x", "priority": "low", "custom_fields": {"asset": 1}}),
        )
        .await,
        422,
    )
    .await;
    let t = create(&app, &user, contoso, json!({"title": "x", "custom_fields": {"asset": 1}})).await;
    assert!(t.get("priority").is_none(), "{t}");
});
