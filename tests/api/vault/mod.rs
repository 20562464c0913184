//! The documentation vault: who reads, writes and reveals a company's entries, the step-up and
//! audit of each reveal, the encryption of secrets at rest and its key rotations, a server
//! without a master key, and that a secret appears nowhere but in its reveal; and the documents
//! with their audiences, drafts, revisions and attachments.

mod access;
mod documents;
mod keys;
mod leak;
mod reveal;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::TestApp;
use crate::tickets::{companies, ok, status, user_id};

pub const STAFF: &str = "tech@demo.example";
pub const ADMIN: &str = "admin@demo.example";
/// Contoso's portal admin (with portal_user_plus).
pub const PAULA: &str = "paula.admin@demo.example";
/// Contoso's portal_user_plus: made a vault reader or editor by the tests.
pub const PAT_PLUS: &str = "pat.plus@demo.example";
/// Contoso's customer approver: made a vault editor by the tests.
pub const ANN: &str = "ann.approver@demo.example";

/// The demo companies (Contoso, Fabrikam) and signed-in tokens.
pub struct Vault {
    pub contoso: i64,
    pub fabrikam: i64,
    pub staff: String,
    pub admin: String,
    pub paula: String,
}

impl Vault {
    pub async fn new(app: &TestApp) -> Self {
        let staff = app.token(STAFF).await;
        let (contoso, _, fabrikam) = companies(app, &staff).await;
        Self { contoso, fabrikam, admin: app.token(ADMIN).await, paula: app.token(PAULA).await, staff }
    }

    /// Paula (Contoso's portal admin) sets `email`'s roles in Contoso; the user's earlier tokens
    /// end, so sign in afterwards.
    pub async fn grant(&self, app: &TestApp, email: &str, roles: &[&str]) {
        let id = user_id(app, &self.admin, email).await;
        let url = format!("/api/v1/companies/{}/contacts/{id}/roles", self.contoso);
        ok(app.send(Method::PUT, &url, &self.paula, json!({ "roles": roles })).await).await;
    }
}

pub fn entries(company: i64) -> String {
    format!("/api/v1/companies/{company}/vault/entries")
}

pub fn entry(id: i64) -> String {
    format!("/api/v1/vault/entries/{id}")
}

pub fn reveal_of(id: i64) -> String {
    format!("/api/v1/vault/entries/{id}/reveal")
}

/// Creates an entry of `company` holding `secret`; returns its id.
pub async fn create(app: &TestApp, token: &str, company: i64, title: &str, secret: &str) -> i64 {
    let body = json!({"title": title, "username": "admin", "secret": secret, "url": "https://fw.contoso.example",
        "tags": ["network"], "folder": "Firewalls"});
    status(app.post(&entries(company), Some(token), body).await, 201).await["id"].as_i64().unwrap()
}

/// Proves the caller's second factor for its session (a step-up).
pub async fn step_up(app: &TestApp, token: &str, email: &str) {
    ok(app.post("/api/v1/me/step-up", Some(token), json!({"code": app.code(email)})).await).await;
}

pub async fn reveal(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    app.post(&reveal_of(id), Some(token), json!({})).await
}

/// Moves every step-up of `email` back by `minutes`.
pub async fn age_step_ups(app: &TestApp, email: &'static str, minutes: i64) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::{step_ups, users};
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        let user: i64 = users::table.filter(users::email.eq(email)).select(users::id).first(&mut *conn).unwrap();
        let at = (chrono::Utc::now() - chrono::Duration::minutes(minutes)).naive_utc();
        diesel::update(step_ups::table.filter(step_ups::user_id.eq(user)))
            .set(step_ups::proven_at.eq(at))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
}

pub fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().unwrap().clone()
}
