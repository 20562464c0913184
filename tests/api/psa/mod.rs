//! The PSA's records: the sync with its own credential (all or nothing, by the PSA's ids),
//! invoices and their PDFs, and who reads what.

mod contracts;
mod invoices;
mod projects;
mod sync;

use chrono::{Duration, Utc};
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::harness::TestApp;
use crate::tickets::ok;

/// The company ids of the demo tenant and a provider admin's token.
pub struct Psa {
    pub staff: String,
    pub sync: String,
    pub contoso: i64,
    pub fabrikam: i64,
}

pub async fn setup(app: &TestApp) -> Psa {
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = crate::tickets::companies(app, &staff).await;
    let sync = ok(app.post("/api/v1/psa/integration/sync-token", Some(&staff), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    Psa { staff, sync, contoso, fabrikam }
}

/// A day relative to today (UTC), as the API writes dates.
pub fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).format("%Y-%m-%d").to_string()
}

/// An open invoice of 1,000.00 + 77.00 tax, due `due` days from today.
pub fn invoice(psa_id: &str, company: i64, due: i64) -> Value {
    json!({"psa_id": psa_id, "company_id": company, "number": format!("N-{psa_id}"), "issued_on": day(due - 30),
        "due_on": day(due), "currency": "CHF", "net_minor": 100_000, "tax_minor": 7_700, "total_minor": 107_700,
        "paid_minor": 0, "status": "open",
        "lines": [{"description": "Managed services", "quantity": 1.5, "unit_price_minor": 40_000, "amount_minor": 60_000},
                  {"description": "Backup", "quantity": 1, "unit_price_minor": 40_000, "amount_minor": 40_000}]})
}

pub async fn sync(app: &TestApp, token: &str, body: Value) -> Response {
    app.request(Method::PUT, "/api/v1/psa/invoices", Some(token)).json(&body).send().await.unwrap()
}

/// Syncs invoices and returns psa id -> portal id.
pub async fn synced(app: &TestApp, psa: &Psa, invoices: Vec<Value>) -> Vec<(String, i64)> {
    let answer = ok(sync(app, &psa.sync, json!({"upsert": invoices})).await).await;
    answer["upserted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["psa_id"].as_str().unwrap().to_owned(), r["id"].as_i64().unwrap()))
        .collect()
}

/// The psa ids of a page of invoices.
pub fn psa_ids(page: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|i| i["psa_id"].as_str().unwrap_or("").to_owned()).collect();
    ids.sort();
    ids
}
