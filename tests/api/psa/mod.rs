//! The PSA's records: the sync with its own credential (all or nothing, by the PSA's ids),
//! invoices and their PDFs, who reads what, and the ETag / If-Match of a record read and
//! written by id.

mod contracts;
mod invoices;
mod project_attachments;
mod projects;
mod sync;

use chrono::{Duration, Utc};
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::harness::{problem, TestApp};
use crate::on_both;
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

/// The ETag of a read of `path` by `token`, and the answer.
async fn tagged(app: &TestApp, path: &str, token: &str) -> (String, Value) {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    let tag = res.headers().get("etag").expect("an ETag").to_str().unwrap().to_owned();
    (tag, res.json().await.unwrap())
}

async fn send_if(app: &TestApp, method: Method, path: &str, token: &str, tag: &str, body: Option<&Value>) -> Response {
    let mut req = app.request(method, path, Some(token)).header("If-Match", tag);
    if let Some(body) = body {
        req = req.json(body);
    }
    req.send().await.unwrap()
}

/// For one kind of record: the ETag holds until a change, staff's writes by id honour If-Match
/// (a stale one is 412 and changes nothing), and the PSA's sync is a change like any other.
async fn if_match_guards(app: &TestApp, psa: &Psa, reader: &str, path: &str, sync: (&str, Value), edit: Value) {
    let (first, read) = tagged(app, path, &psa.staff).await;
    assert!(first.starts_with('"') && first.ends_with('"'), "a strong tag: {first}");
    assert_eq!(tagged(app, path, &psa.staff).await.0, first, "stable while nothing changes");
    assert_eq!(tagged(app, path, reader).await.0, first, "customers read the same tag");

    // A stale or foreign tag: 412, nothing changed.
    for stale in ["\"999\"", "W/\"1\"", "1"] {
        let res = send_if(app, Method::PUT, path, &psa.staff, stale, Some(&edit)).await;
        let p = problem(res, 412).await;
        assert_eq!(p["status"], 412, "{p}");
        let res = send_if(app, Method::DELETE, path, &psa.staff, stale, None).await;
        problem(res, 412).await;
    }
    let (tag, unchanged) = tagged(app, path, &psa.staff).await;
    assert_eq!((tag.as_str(), &unchanged), (first.as_str(), &read), "refused writes change nothing");

    // The tag read: the change applies, with a new tag, which a read then sends.
    let res = send_if(app, Method::PUT, path, &psa.staff, &first, Some(&edit)).await;
    assert_eq!(res.status(), 200);
    let second = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(second, first, "a change, a new tag");
    assert_eq!(tagged(app, path, &psa.staff).await.0, second);
    problem(send_if(app, Method::PUT, path, &psa.staff, &first, Some(&edit)).await, 412).await;

    // The PSA's sync changes the record: the tag staff read is stale.
    let (sync_path, body) = sync;
    ok(app.request(Method::PUT, sync_path, Some(&psa.sync)).json(&body).send().await.unwrap()).await;
    let third = tagged(app, path, &psa.staff).await.0;
    assert_ne!(third, second);
    problem(send_if(app, Method::DELETE, path, &psa.staff, &second, None).await, 412).await;
    assert_eq!(tagged(app, path, &psa.staff).await.0, third, "still there");
    // Customers do not write, whatever they send.
    problem(send_if(app, Method::DELETE, path, reader, &third, None).await, 403).await;
    // `*` matches any current record; without If-Match the write applies as before.
    let res = send_if(app, Method::PUT, path, &psa.staff, "*", Some(&edit)).await;
    assert_eq!(res.status(), 200);
    let fourth = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(send_if(app, Method::DELETE, path, &psa.staff, &fourth, None).await.status(), 204);
    problem(app.get(path, &psa.staff).await, 404).await;
}

on_both!(psa_records_send_an_etag_and_staff_writes_honour_if_match, |app: TestApp| async move {
    let psa = setup(&app).await;
    let plus = app.token("pat.plus@demo.example").await;
    let controller = app.token("chris.controller@demo.example").await;

    let inv = synced(&app, &psa, vec![invoice("INV-E", psa.contoso, 10)]).await[0].1;
    let mut edit = invoice("INV-E", psa.contoso, 10);
    edit["number"] = json!("N-EDITED");
    let mut resync = invoice("INV-E", psa.contoso, 10);
    resync["paid_minor"] = json!(7_700);
    let sync_body = json!({"upsert": [resync]});
    if_match_guards(
        &app,
        &psa,
        &controller,
        &format!("/api/v1/invoices/{inv}"),
        ("/api/v1/psa/invoices", sync_body),
        edit,
    )
    .await;

    let contract = |name: &str| {
        json!({"psa_id": "AGR-E", "company_id": psa.contoso, "name": name, "kind": "hours",
            "period_start": "2026-01-01", "period_end": "2026-12-31", "hours_purchased": 40, "hours_used": 2})
    };
    let synced = ok(app
        .request(Method::PUT, "/api/v1/psa/contracts", Some(&psa.sync))
        .json(&json!({"upsert": [contract("Block")]}))
        .send()
        .await
        .unwrap())
    .await;
    let id = synced["upserted"][0]["id"].as_i64().unwrap();
    let sync_body = json!({"upsert": [contract("Block, renamed by the PSA")]});
    if_match_guards(
        &app,
        &psa,
        &controller,
        &format!("/api/v1/contracts/{id}"),
        ("/api/v1/psa/contracts", sync_body),
        contract("Block, edited"),
    )
    .await;

    let project =
        |name: &str| json!({"psa_id": "PRJ-E", "company_id": psa.contoso, "name": name, "status": "in_progress"});
    let synced = ok(app
        .request(Method::PUT, "/api/v1/psa/projects", Some(&psa.sync))
        .json(&json!({"upsert": [project("Rollout")]}))
        .send()
        .await
        .unwrap())
    .await;
    let id = synced["upserted"][0]["id"].as_i64().unwrap();
    let sync_body = json!({"upsert": [project("Rollout, renamed by the PSA")]});
    if_match_guards(
        &app,
        &psa,
        &plus,
        &format!("/api/v1/projects/{id}"),
        ("/api/v1/psa/projects", sync_body),
        project("Rollout, edited"),
    )
    .await;
});

on_both!(a_note_leaves_the_project_etag_alone, |app: TestApp| async move {
    let psa = setup(&app).await;
    let project = json!({"psa_id": "PRJ-N", "company_id": psa.contoso, "name": "Rollout", "status": "in_progress"});
    let res = app.request(Method::PUT, "/api/v1/psa/projects", Some(&psa.sync)).json(&json!({"upsert": [project]}));
    let id = ok(res.send().await.unwrap()).await["upserted"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/projects/{id}");
    let (tag, _) = tagged(&app, &path, &psa.staff).await;
    let note = app.post(&format!("{path}/notes"), Some(&psa.staff), json!({"body": "Kick-off on Monday."})).await;
    assert_eq!(note.status(), 201);
    // The ETag is the project record's: a note is a resource of its own.
    assert_eq!(tagged(&app, &path, &psa.staff).await.0, tag);
    problem(send_if(&app, Method::DELETE, &path, "not-a-token", &tag, None).await, 401).await;
    assert_eq!(send_if(&app, Method::DELETE, &path, &psa.staff, &tag, None).await.status(), 204);
});
