//! Request bodies must be JSON objects: an array (read by position, it would bypass field names
//! and the unknown-field check) or any other JSON value is a 422 and changes nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, TestApp, PASSWORD};
use crate::on_both;
use crate::tickets::{companies, ok, ticket, ticket_id, PRINTER};

on_both!(an_array_body_does_not_sign_in, |app: TestApp| async move {
    let res = app.post("/api/v1/auth/login", None, json!(["demo", "fred.fabrikam@demo.example", PASSWORD])).await;
    let body = problem(res, 422).await;
    assert!(crate::harness::fault(&body, "").is_some(), "the body is named as the culprit: {body}");
    // The same credentials as an object still work: the refusal is about the shape alone.
    assert_eq!(app.sign_in("fred.fabrikam@demo.example").await["token_type"], "Bearer");
});

on_both!(an_array_body_does_not_rename_a_company, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let path = format!("/api/v1/companies/{contoso}");
    problem(app.send(Method::PATCH, &path, &admin, json!(["x"])).await, 422).await;
    for other in [json!("x"), json!(42), json!(null), json!(true)] {
        problem(app.send(Method::PATCH, &path, &admin, other).await, 422).await;
    }
    assert_eq!(ok(app.get(&path, &admin).await).await["name"], "Contoso Ltd");
});

on_both!(an_array_body_does_not_wipe_company_settings, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let path = format!("/api/v1/companies/{contoso}/settings");
    ok(app.send(Method::PUT, &path, &admin, json!({"time_zone": "Europe/Zurich"})).await).await;
    let before = ok(app.get(&path, &admin).await).await;
    problem(app.send(Method::PUT, &path, &admin, json!([null, null])).await, 422).await;
    assert_eq!(ok(app.get(&path, &admin).await).await, before, "the overrides are untouched");
});

on_both!(a_customer_cannot_post_a_note_as_an_array, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let plus = app.token("pat.plus@demo.example").await;
    let notes_path = format!("{}/notes", ticket(printer));
    let before: Value = ok(app.get(&notes_path, &admin).await).await;
    let res = app.post(&notes_path, Some(&plus), json!(["an array note"])).await;
    problem(res, 422).await;
    assert_eq!(ok(app.get(&notes_path, &admin).await).await, before, "no note was added");
    // As an object, the same note is taken.
    ok(app.post(&notes_path, Some(&plus), json!({"body": "an object note"})).await).await;
});
