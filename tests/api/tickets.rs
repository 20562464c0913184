//! Tickets: who sees, opens and changes which ticket, what customers see of it, and safe
//! concurrent edits. Shared helpers here; the rules by theme in `tickets/*.rs`.

mod concurrency;
mod create;
mod display;
mod fields;
mod lists;
mod staff;
mod visibility;
mod workflow;

use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::harness::{problem, TestApp};
use crate::on_both;

pub const PRINTER: &str = "Printer on floor 2 jams";
pub const LAPTOP: &str = "New laptop for an intern";
pub const VPN: &str = "VPN drops every hour";
pub const DRUCKER: &str = "Drucker im Lager offline";
pub const MAILBOX: &str = "Mailbox is full";

/// The id of the signed-in user's company called `name`, from `/me`.
pub async fn company_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let me: Value = app.get("/api/v1/me", token).await.json().await.unwrap();
    me["companies"].as_array().unwrap().iter().find(|c| c["name"] == name).expect("a company of the user")["id"]
        .as_i64()
        .unwrap()
}

/// The demo companies' ids as staff see them: (Contoso, its subsidiary, Fabrikam).
pub async fn companies(app: &TestApp, staff: &str) -> (i64, i64, i64) {
    let page = ok(app.get("/api/v1/companies", staff).await).await;
    let id = |name: &str| {
        page["items"].as_array().unwrap().iter().find(|c| c["name"] == name).expect(name)["id"].as_i64().unwrap()
    };
    (id("Contoso Ltd"), id("Contoso Deutschland GmbH"), id("Fabrikam Inc"))
}

/// The signed-in user's own id.
pub async fn my_id(app: &TestApp, token: &str) -> i64 {
    ok(app.get("/api/v1/me", token).await).await["id"].as_i64().unwrap()
}

/// A portal user's id, looked up by staff.
pub async fn user_id(app: &TestApp, staff: &str, email: &str) -> i64 {
    let page = ok(app.get("/api/v1/users?limit=200", staff).await).await;
    page["items"].as_array().unwrap().iter().find(|u| u["email"] == email).expect(email)["id"].as_i64().unwrap()
}

/// Asserts a 2xx answer (printing the body otherwise) and returns its JSON.
pub async fn ok(res: Response) -> Value {
    let status = res.status();
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "expected success, got {status}: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        assert_eq!(content_type.as_deref(), Some("application/json"), "{text}");
        serde_json::from_str(&text).unwrap()
    }
}

/// Asserts this status (printing the body otherwise) and returns the JSON body.
pub async fn status(res: Response, expected: u16) -> Value {
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, expected, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub async fn titles(res: Response) -> Vec<String> {
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap_or("").to_owned()).collect()
}

/// Every item of a list (one page of up to 200).
pub async fn items(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let page = ok(app.get(&format!("{path}{sep}limit=200"), token).await).await;
    assert!(page["next_cursor"].is_null(), "one page holds the whole list");
    page["items"].as_array().unwrap().clone()
}

pub fn company_tickets(company: i64) -> String {
    format!("/api/v1/companies/{company}/tickets")
}

pub fn ticket(id: i64) -> String {
    format!("/api/v1/tickets/{id}")
}

/// Opens a ticket; asserts 201 and returns it.
pub async fn create(app: &TestApp, token: &str, company: i64, body: Value) -> Value {
    status(app.post(&company_tickets(company), Some(token), body).await, 201).await
}

pub async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> Response {
    app.send(Method::PATCH, &ticket(id), token, body).await
}

/// The id of a ticket with this title, as staff find it.
pub async fn ticket_id(app: &TestApp, staff: &str, title: &str) -> i64 {
    let all = items(app, staff, "/api/v1/tickets").await;
    all.iter().find(|t| t["title"] == title).expect(title)["id"].as_i64().unwrap()
}

/// Changes some of a company's portal overrides, keeping the others (the PUT replaces them all).
pub async fn company_settings(app: &TestApp, admin: &str, company: i64, changes: Value) -> Value {
    let path = format!("/api/v1/companies/{company}/settings");
    let mut overrides = ok(app.get(&path, admin).await).await["overrides"].clone();
    for (k, v) in changes.as_object().unwrap() {
        overrides[k] = v.clone();
    }
    ok(app.send(Method::PUT, &path, admin, overrides).await).await["effective"].clone()
}

/// Replaces the tenant's ticket settings.
pub async fn ticket_settings(app: &TestApp, admin: &str, settings: Value) {
    ok(app.send(Method::PUT, "/api/v1/tenant/ticket-settings", admin, settings).await).await;
}

/// A ticket's history lines as `field` names (`created`, `note` for lines without a field).
pub async fn history(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    ok(app.get(&format!("/api/v1/tickets/{id}/history"), token).await).await["items"].as_array().unwrap().clone()
}

pub fn history_fields(lines: &[Value]) -> Vec<String> {
    lines.iter().map(|l| l["field"].as_str().or(l["kind"].as_str()).unwrap().to_owned()).collect()
}

on_both!(portal_user_sees_own_tickets_and_plus_sees_all, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let own = titles(app.get(&format!("/api/v1/companies/{contoso}/tickets"), &user).await).await;
    assert_eq!(own.len(), 2, "{own:?}");
    assert!(!own.contains(&"VPN drops every hour".to_owned()));

    let plus = app.token("pat.plus@demo.example").await;
    let all = titles(app.get(&format!("/api/v1/companies/{contoso}/tickets"), &plus).await).await;
    // Contoso shows subsidiary tickets: its own three and the subsidiary's one.
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all.contains(&"Drucker im Lager offline".to_owned()));
});

on_both!(create_read_update_with_etag, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let res = app
        .post(
            &format!("/api/v1/companies/{contoso}/tickets"),
            Some(&user),
            json!({"title": "Monitor flickers", "description": "Since this morning.", "custom_fields": {"site": "Zurich"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let ticket: Value = res.json().await.unwrap();
    let id = ticket["id"].as_i64().unwrap();
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["custom_fields"]["site"], "Zurich");

    let res = app.get(&format!("/api/v1/tickets/{id}"), &user).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_owned();

    let res = app
        .request(Method::PATCH, &format!("/api/v1/tickets/{id}"), Some(&user))
        .header("If-Match", &etag)
        .json(&json!({"priority": "high"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["priority"], "high");
    assert_eq!(updated["version"], 2);

    let res = app
        .request(Method::PATCH, &format!("/api/v1/tickets/{id}"), Some(&user))
        .header("If-Match", &etag)
        .json(&json!({"priority": "low"}))
        .send()
        .await
        .unwrap();
    problem(res, 412).await;

    let res = app.send(Method::PATCH, &format!("/api/v1/tickets/{id}"), &user, json!({"status": "closed"})).await;
    let body = problem(res, 422).await;
    assert!(crate::harness::fault(&body, "status").is_some(), "{body}");

    let history: Value = app.get(&format!("/api/v1/tickets/{id}/history"), &user).await.json().await.unwrap();
    let kinds: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "updated"]);
});
