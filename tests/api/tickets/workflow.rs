//! Working a ticket: billed tickets read-only for customers, close and reopen, public and
//! internal notes, and bad input that never changes anything.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::{problem, TestApp};
use crate::on_both;

fn close(id: i64) -> String {
    format!("/api/v1/tickets/{id}/close")
}

fn reopen(id: i64) -> String {
    format!("/api/v1/tickets/{id}/reopen")
}

fn notes(id: i64) -> String {
    format!("/api/v1/tickets/{id}/notes")
}

on_both!(a_billed_ticket_is_read_only_for_customers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    ok(patch(&app, &admin, printer, json!({"billed": true, "billed_minutes": 45})).await).await;

    let read = ok(app.get(&ticket(printer), &user).await).await;
    assert_eq!(read["billed"], true);
    assert_eq!(read["editable_fields"], json!([]));
    let version = read["version"].clone();
    for token in [&user, &plus] {
        problem(patch(&app, token, printer, json!({"title": "Not billed"})).await, 409).await;
        problem(app.post(&close(printer), Some(token), json!({})).await, 409).await;
        problem(app.post(&notes(printer), Some(token), json!({"body": "Please fix"})).await, 409).await;
    }
    assert_eq!(ok(app.get(&ticket(printer), &user).await).await["version"], version, "nothing changed");
    assert_eq!(items(&app, &admin, &notes(printer)).await.len(), 0);

    // Staff still work it; a closed billed ticket is not reopened by its customer either.
    ok(patch(&app, &admin, printer, json!({"title": "Printer fixed"})).await).await;
    status(app.post(&notes(printer), Some(&admin), json!({"body": "Billed 45 min"})).await, 201).await;
    assert_eq!(ok(app.post(&close(printer), Some(&admin), json!({})).await).await["status"], "closed");
    problem(app.post(&reopen(printer), Some(&user), json!({})).await, 409).await;
    assert_eq!(ok(app.post(&reopen(printer), Some(&admin), json!({})).await).await["status"], "open");

    ok(patch(&app, &admin, printer, json!({"billed": false})).await).await;
    ok(patch(&app, &user, printer, json!({"title": "Printer jams again"})).await).await;
});

on_both!(customers_close_and_reopen_where_allowed, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;

    let closed = ok(app.post(&close(printer), Some(&user), json!({})).await).await;
    assert_eq!(closed["status"], "closed");
    assert!(closed["closed_at"].is_string() && closed["local_times"]["closed_at"].is_string(), "{closed}");
    let again = ok(app.post(&close(printer), Some(&user), json!({})).await).await;
    assert_eq!(again["version"], closed["version"], "closing a closed ticket changes nothing");
    let listed = items(&app, &user, &format!("{}?status=closed", company_tickets(contoso))).await;
    assert_eq!(listed.len(), 1);

    let reopened = ok(app.post(&reopen(printer), Some(&user), json!({})).await).await;
    assert_eq!(reopened["status"], "open");
    assert!(reopened.get("closed_at").is_none(), "{reopened}");
    problem(app.post(&reopen(printer), Some(&user), json!({})).await, 409).await;
    let lines = history(&app, &user, printer).await;
    let statuses: Vec<(Value, Value)> = lines
        .iter()
        .filter(|l| l["field"] == "status")
        .map(|l| (l["old_value"].clone(), l["new_value"].clone()))
        .collect();
    assert_eq!(statuses, [(json!("new"), json!("closed")), (json!("closed"), json!("open"))]);

    // The tenant forbids reopening: customers get 403, staff still may.
    ticket_settings(&app, &admin, json!({"reopen_allowed": false})).await;
    ok(app.post(&close(printer), Some(&user), json!({})).await).await;
    for token in [&user, &plus] {
        problem(app.post(&reopen(printer), Some(token), json!({})).await, 403).await;
    }
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await).await;
    assert_eq!(form["reopen_allowed"], false);
    assert_eq!(ok(app.get(&ticket(printer), &user).await).await["status"], "closed");
    assert_eq!(ok(app.post(&reopen(printer), Some(&admin), json!({})).await).await["status"], "open");

    // Resolved counts as closed: it can be reopened (by staff here), not closed again.
    ok(patch(&app, &admin, printer, json!({"status": "resolved"})).await).await;
    assert_eq!(ok(app.post(&close(printer), Some(&user), json!({})).await).await["status"], "resolved");
    assert_eq!(ok(app.post(&reopen(printer), Some(&admin), json!({})).await).await["status"], "open");
    problem(app.post(&reopen(printer), Some(&admin), json!({})).await, 409).await;
});

on_both!(internal_notes_never_reach_customers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let version = ok(app.get(&ticket(printer), &user).await).await["version"].as_i64().unwrap();

    let mine =
        status(app.post(&notes(printer), Some(&user), json!({"body": "  It jammed at 10:15.  "})).await, 201).await;
    assert_eq!(mine["body"], "It jammed at 10:15.");
    assert_eq!(mine["internal"], false);
    assert_eq!(mine["author"]["name"], "Pat User");
    let secret = status(
        app.post(&notes(printer), Some(&tech), json!({"body": "Customer keeps using cheap paper", "internal": true}))
            .await,
        201,
    )
    .await;
    assert_eq!(secret["internal"], true);
    status(app.post(&notes(printer), Some(&tech), json!({"body": "Replaced the roller"})).await, 201).await;
    status(app.post(&notes(printer), Some(&plus), json!({"body": "Works again"})).await, 201).await;
    assert_eq!(ok(app.get(&ticket(printer), &user).await).await["version"], version + 4, "a note is a change");

    let seen = items(&app, &user, &notes(printer)).await;
    let bodies: Vec<&str> = seen.iter().map(|n| n["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["It jammed at 10:15.", "Replaced the roller", "Works again"]);
    let lines = history(&app, &user, printer).await;
    assert_eq!(lines.iter().filter(|l| l["kind"] == "note").count(), 3);
    let secret_id = secret["id"].to_string();
    assert!(!lines.iter().any(|l| l["new_value"].as_str() == Some(secret_id.as_str())), "{lines:?}");
    assert_eq!(items(&app, &admin, &notes(printer)).await.len(), 4);
    assert_eq!(history(&app, &admin, printer).await.iter().filter(|l| l["kind"] == "note").count(), 4);

    // Paging walks the public notes only.
    let first = ok(app.get(&format!("{}?limit=2", notes(printer)), &user).await).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = ok(app.get(&format!("{}?limit=2&cursor={cursor}", notes(printer)), &user).await).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());
    problem(app.get(&format!("{}?cursor=garbage", notes(printer)), &user).await, 422).await;
    problem(app.get(&format!("{}?limit=0", notes(printer)), &user).await, 422).await;

    // Refused: internal from a customer, empty, too long, unknown fields; nothing added.
    for (body, field) in [
        (json!({"body": "Psst", "internal": true}), "internal"),
        (json!({"body": ""}), "body"),
        (json!({"body": "   "}), "body"),
        (json!({"body": "x".repeat(20_001)}), "body"),
        (json!({"body": "Hi", "private": true}), "private"),
        (json!({}), "body"),
    ] {
        let answer = problem(app.post(&notes(printer), Some(&user), body.clone()).await, 422).await;
        assert!(crate::harness::fault(&answer, field).is_some(), "{body}: {answer}");
    }
    assert_eq!(items(&app, &admin, &notes(printer)).await.len(), 4);
});

on_both!(bad_input_is_a_problem_never_a_500_and_changes_nothing, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let before = ok(app.get(&ticket(printer), &admin).await).await;
    let count = items(&app, &admin, "/api/v1/tickets").await.len();

    for path in
        ["/api/v1/tickets/abc", "/api/v1/tickets/99999999999999999999", "/api/v1/tickets/-1", "/api/v1/tickets/0"]
    {
        problem(app.get(path, &user).await, 404).await;
        problem(app.get(path, &admin).await, 404).await;
    }
    problem(app.get("/api/v1/companies/abc/tickets", &user).await, 404).await;
    problem(app.get("/api/v1/companies/999999/tickets", &admin).await, 404).await;
    problem(app.get("/api/v1/companies/999999/ticket-form", &admin).await, 404).await;
    problem(app.get(&ticket(printer), "not-a-token").await, 401).await;

    let raw = |token: &str, body: &'static str| {
        app.request(Method::PATCH, &ticket(printer), Some(token)).header("content-type", "application/json").body(body)
    };
    problem(raw(&admin, "{\"title\": ").send().await.unwrap(), 400).await;
    problem(raw(&admin, "[]").send().await.unwrap(), 422).await;
    let res = app
        .request(Method::PATCH, &ticket(printer), Some(&admin))
        .header("If-Match", "garbage")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    problem(res, 412).await;

    let many: serde_json::Map<String, Value> = (0..101).map(|i| (format!("k{i}"), json!("v"))).collect();
    let nul_title = "Printer\u{0}jams";
    for (token, body) in [
        (&admin, json!({"due_at": "tomorrow"})),
        (&admin, json!({"due_at": "-5000-01-01T00:00:00Z"})),
        (&admin, json!({"due_at": "+200000-01-01T00:00:00Z"})),
        (&admin, json!({"worked_minutes": -1})),
        (&admin, json!({"worked_minutes": 10_000_001})),
        (&admin, json!({"worked_minutes": 1.5})),
        (&admin, json!({"billed_minutes": "ten"})),
        (&admin, json!({"status": "lost"})),
        (&admin, json!({"assignee_id": 999_999})),
        (&admin, json!({"assignee_id": my_id(&app, &user).await})),
        (&admin, json!({"queue_id": 999_999})),
        (&admin, json!({"request_type_id": 999_999})),
        (&admin, json!({"contact_id": 999_999})),
        (&admin, json!({"custom_fields": Value::Object(many)})),
        (&admin, json!({"custom_fields": {"site": 3}})),
        (&admin, json!({"title": nul_title})),
        (&admin, json!({"description": "a\u{0}b"})),
        (&user, json!({"title": ""})),
        (&user, json!({"title": "x".repeat(201)})),
        (&user, json!({"id": 5})),
        (&user, json!({"version": 9})),
    ] {
        let res = patch(&app, token, printer, body.clone()).await;
        assert_eq!(res.status(), 422, "{body}: {}", res.text().await.unwrap());
    }
    for body in [json!({"title": nul_title}), json!({"title": "x", "description": "\u{0}"})] {
        problem(app.post(&company_tickets(contoso), Some(&user), body).await, 422).await;
    }
    problem(app.post(&notes(printer), Some(&user), json!({"body": "a\u{0}"})).await, 422).await;
    for query in [
        "created_from=yesterday",
        "created_from=-5000-01-01T00:00:00Z",
        "updated_to=%2B200000-01-01T00:00:00Z",
        "limit=abc",
        "limit=9223372036854775807",
        "requester_id=abc",
    ] {
        let res = app.get(&format!("{}?{query}", company_tickets(contoso)), &user).await;
        let code = res.status();
        let text = res.text().await.unwrap();
        assert!(code == 422 || code == 200, "{query}: {code} {text}");
    }
    let after = ok(app.get(&ticket(printer), &admin).await).await;
    assert_eq!(after, before, "nothing changed");
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), count, "nothing created");
    assert_eq!(items(&app, &admin, &notes(printer)).await.len(), 0);
    // An empty change is no change.
    assert_eq!(ok(patch(&app, &admin, printer, json!({})).await).await["version"], before["version"]);
});
