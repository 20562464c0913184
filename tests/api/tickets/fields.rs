//! Field visibility: what the tenant makes read-only or hides from customers is refused when
//! changed and absent from every customer answer; the hidden custom field never reaches them.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::{problem, TestApp};
use crate::on_both;

on_both!(read_only_and_hidden_fields_are_refused_and_absent_for_customers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let tech_id = my_id(&app, &tech).await;
    company_settings(&app, &admin, contoso, json!({"due_dates_shown": true, "worked_hours": "all"})).await;
    let settings = json!({"field_visibility": {"priority": "read_only", "description": "hidden", "contact_id": "read_only",
        "due_at": "hidden", "assignee_id": "hidden"}});
    ticket_settings(&app, &admin, settings.clone()).await;
    ok(patch(
        &app,
        &admin,
        printer,
        json!({"assignee_id": tech_id, "due_at": "2026-11-30T16:00:00Z", "priority": "high",
            "description": "Staff rewrote it", "worked_minutes": 30}),
    )
    .await)
    .await;

    let check = |t: &Value| {
        for absent in ["assignee", "due_at", "description"] {
            assert!(t.get(absent).is_none(), "{absent} in {t}");
        }
        assert!(t["local_times"].get("due_at").is_none(), "{t}");
        assert_eq!(t["priority"], "high", "read-only fields are shown");
        assert_eq!(t["worked_minutes"], 30);
    };
    let read = ok(app.get(&ticket(printer), &user).await).await;
    check(&read);
    assert_eq!(read["editable_fields"], json!(["title", "request_type_id", "custom_fields.site"]));
    let listed = items(&app, &user, &company_tickets(contoso)).await;
    check(listed.iter().find(|t| t["id"] == printer).unwrap());
    let lines = history_fields(&history(&app, &user, printer).await);
    assert!(lines.contains(&"priority".to_owned()), "{lines:?}");
    for hidden in ["assignee", "due_at", "description"] {
        assert!(!lines.contains(&hidden.to_owned()), "{hidden} in {lines:?}");
        assert!(history_fields(&history(&app, &admin, printer).await).contains(&hidden.to_owned()));
    }
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await).await;
    let visibility = |field: &str| {
        form["fields"].as_array().unwrap().iter().find(|f| f["field"] == field).unwrap()["visibility"].clone()
    };
    assert_eq!(
        [
            visibility("priority"),
            visibility("description"),
            visibility("assignee_id"),
            visibility("status"),
            visibility("title")
        ],
        [json!("read_only"), json!("hidden"), json!("hidden"), json!("read_only"), json!("editable")]
    );

    // Changing any of them is refused with the field named, and changes nothing.
    let version = read["version"].clone();
    let pat = my_id(&app, &user).await;
    for (body, field) in [
        (json!({"priority": "low"}), "priority"),
        (json!({"description": "Mine"}), "description"),
        (json!({"contact_id": pat}), "contact_id"),
        (json!({"due_at": "2026-12-01T00:00:00Z"}), "due_at"),
        (json!({"assignee_id": null}), "assignee_id"),
        (json!({"status": "resolved"}), "status"),
        (json!({"worked_minutes": 1}), "worked_minutes"),
        (json!({"billed_minutes": 1}), "billed_minutes"),
        (json!({"billed": false}), "billed"),
        (json!({"queue_id": null}), "queue_id"),
        (json!({"title": "Fine", "priority": "low"}), "priority"),
    ] {
        let answer = problem(patch(&app, &user, printer, body.clone()).await, 422).await;
        assert!(crate::harness::fault(&answer, field).is_some(), "{body}: {answer}");
    }
    // A field that cannot be cleared refuses null rather than ignoring it.
    let answer = problem(patch(&app, &user, printer, json!({"title": null})).await, 422).await;
    assert_eq!(crate::harness::fault(&answer, "title").unwrap()["code"], "invalid_type", "{answer}");
    let after = ok(app.get(&ticket(printer), &user).await).await;
    assert_eq!(after["version"], version, "nothing changed");
    assert_eq!(after["title"], PRINTER);
    let answer =
        problem(app.post(&company_tickets(contoso), Some(&user), json!({"title": "P", "priority": "high"})).await, 422)
            .await;
    assert!(crate::harness::fault(&answer, "priority").is_some(), "{answer}");
    ok(patch(&app, &user, printer, json!({"title": "Printer still jams"})).await).await;

    // Staff see and change everything.
    let staff = ok(app.get(&ticket(printer), &tech).await).await;
    assert_eq!(staff["assignee"]["id"], tech_id);
    assert_eq!(staff["description"], "Staff rewrote it");
    assert!(staff["editable_fields"].as_array().unwrap().contains(&json!("due_at")));
    assert!(staff["editable_fields"].as_array().unwrap().contains(&json!("custom_fields.cost_center")));

    // The settings themselves: provider admins only, validated, unchanged by a bad request.
    for bad in [
        json!({"field_visibility": {"status": "editable"}}),
        json!({"field_visibility": {"colour": "hidden"}}),
        json!({"field_visibility": {"title": "invisible"}}),
        json!({"hidden_statuses": ["lost"]}),
        json!({"reopen": false}),
    ] {
        problem(app.send(Method::PUT, "/api/v1/tenant/ticket-settings", &admin, bad).await, 422).await;
    }
    problem(app.send(Method::PUT, "/api/v1/tenant/ticket-settings", &tech, json!({})).await, 403).await;
    problem(app.send(Method::PUT, "/api/v1/tenant/ticket-settings", &user, json!({})).await, 403).await;
    problem(app.get("/api/v1/tenant/ticket-settings", &user).await, 403).await;
    let stored = ok(app.get("/api/v1/tenant/ticket-settings", &tech).await).await;
    assert_eq!(stored["field_visibility"], settings["field_visibility"]);
    assert_eq!(stored["reopen_allowed"], true);
});

on_both!(the_hidden_custom_field_never_reaches_customers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let hidden_everywhere = |what: &str, body: &Value| {
        let text = body.to_string();
        assert!(!text.contains("cost_center") && !text.contains("CC-"), "{what}: {text}");
    };

    ok(patch(&app, &admin, printer, json!({"custom_fields": {"cost_center": "CC-2002", "site": "Zurich"}})).await)
        .await;
    let mine = create(&app, &user, contoso, json!({"title": "Phone", "custom_fields": {"site": "Berlin"}})).await;
    hidden_everywhere("create answer", &mine);
    let mine = mine["id"].as_i64().unwrap();
    ok(patch(&app, &admin, mine, json!({"custom_fields": {"cost_center": "CC-3003"}})).await).await;
    ok(app
        .post(&format!("/api/v1/tickets/{printer}/notes"), Some(&admin), json!({"body": "Booked on the usual"}))
        .await)
    .await;
    for id in [printer, mine] {
        let read = ok(app.get(&ticket(id), &user).await).await;
        hidden_everywhere("ticket", &read);
        assert!(!read["editable_fields"].as_array().unwrap().contains(&json!("custom_fields.cost_center")));
        hidden_everywhere("history", &Value::Array(history(&app, &user, id).await));
        hidden_everywhere("notes", &ok(app.get(&format!("/api/v1/tickets/{id}/notes"), &user).await).await);
        let updated = ok(patch(&app, &user, id, json!({"custom_fields": {"site": "New York"}})).await).await;
        hidden_everywhere("update answer", &updated);
    }
    hidden_everywhere("list", &ok(app.get(&company_tickets(contoso), &user).await).await);
    hidden_everywhere("form", &ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await).await);
    let site_lines = history_fields(&history(&app, &user, printer).await);
    assert!(site_lines.contains(&"custom_fields.site".to_owned()), "{site_lines:?}");

    for body in [json!({"custom_fields": {"cost_center": "CC-0"}}), json!({"custom_fields": {"cost_center": null}})] {
        let answer = problem(patch(&app, &user, printer, body).await, 422).await;
        assert!(
            crate::harness::fault(&answer, "custom_fields").unwrap()["detail"]
                .as_str()
                .unwrap()
                .contains("cost_center"),
            "{answer}"
        );
    }

    // Staff see it everywhere, and the customer's change of another field kept it.
    let staff = ok(app.get(&ticket(printer), &admin).await).await;
    assert_eq!(staff["custom_fields"], json!({"cost_center": "CC-2002", "site": "New York"}));
    let listed = items(&app, &admin, "/api/v1/tickets").await;
    assert!(listed.iter().all(|t| t["custom_fields"]["cost_center"].is_string()), "{listed:?}");
    let lines = history_fields(&history(&app, &admin, mine).await);
    assert!(lines.contains(&"custom_fields.cost_center".to_owned()), "{lines:?}");
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &admin).await).await;
    let cost = form["custom_fields"].as_array().unwrap().iter().find(|f| f["key"] == "cost_center").cloned();
    assert_eq!(cost.unwrap()["customer_visibility"], "hidden");

    // Made editable, customers see it; hidden again, it is gone again.
    let fields = ok(app.get("/api/v1/custom-fields", &admin).await).await;
    let field =
        fields["items"].as_array().unwrap().iter().find(|f| f["key"] == "cost_center").unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/custom-fields/{field}");
    ok(app.send(Method::PATCH, &path, &admin, json!({"customer_visibility": "editable"})).await).await;
    assert_eq!(ok(app.get(&ticket(printer), &user).await).await["custom_fields"]["cost_center"], "CC-2002");
    ok(app.send(Method::PATCH, &path, &admin, json!({"customer_visibility": "hidden"})).await).await;
    hidden_everywhere("ticket", &ok(app.get(&ticket(printer), &user).await).await);
});
