//! Ticket e-mails: who hears of what happens on a ticket and who does not, in whose language,
//! the switches that silence them (the company's, each user's own), a burst folded into one
//! message, and who still has to decide a validation.

mod customers;
mod decisions;
mod folding;
mod preferences;
mod staff;

use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

use crate::approvals::mails;
use crate::harness::{Backend, TestApp};
use crate::tickets::{companies, create, ok, status};

pub const ADMIN: &str = "admin@demo.example";
pub const TECH: &str = "tech@demo.example";
pub const PAT: &str = "pat.user@demo.example";

/// A server whose outbox keeps every message pending: a ticket's messages to one recipient fold
/// into one, whose text tells each event.
pub async fn undelivered(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |config| {
        config.outbox_worker = false;
        config.http.links.fold_window = Duration::seconds(60);
    })
    .await
}

/// The (subject, body) of every message to `to`, oldest first.
pub async fn to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    mails(app).await.into_iter().filter(|(r, ..)| r == to).map(|(_, s, b)| (s, b)).collect()
}

/// Whether any message to `who` holds `text`.
pub async fn told(app: &TestApp, who: &str, text: &str) -> bool {
    to(app, who).await.iter().any(|(s, b)| s.contains(text) || b.contains(text))
}

/// A Contoso ticket opened by pat.user in the portal; returns (ticket id, Contoso's id).
pub async fn pats_ticket(app: &TestApp, title: &str) -> (i64, i64) {
    let staff = app.token(ADMIN).await;
    let (contoso, _, _) = companies(app, &staff).await;
    let pat = app.token(PAT).await;
    let ticket = create(app, &pat, contoso, json!({"title": title, "description": "Details follow."})).await;
    (ticket["id"].as_i64().unwrap(), contoso)
}

pub async fn note(app: &TestApp, token: &str, ticket: i64, body: Value) {
    status(app.post(&format!("/api/v1/tickets/{ticket}/notes"), Some(token), body).await, 201).await;
}

pub async fn language(app: &TestApp, token: &str, language: &str) {
    ok(app.send(Method::PATCH, "/api/v1/me", token, json!({"language": language})).await).await;
}
