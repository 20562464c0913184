//! Contracts and time entries: the sync (all or nothing, contracts of another company refused),
//! who reads them, the monthly report and technician names.

use reqwest::Method;
use serde_json::{json, Value};

use super::setup;
use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::{ok, status};

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, path, Some(token)).json(&body).send().await.unwrap()
}

fn block(psa_id: &str, company: i64) -> Value {
    json!({"psa_id": psa_id, "company_id": company, "name": "Support block 2026", "kind": "hours",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "hours_purchased": 40, "hours_used": 41.5})
}

fn entry(psa_id: &str, company: i64, contract: &str, worked_on: &str, hours: f64, billable: bool) -> Value {
    json!({"psa_id": psa_id, "company_id": company, "contract_psa_id": contract, "worked_on": worked_on, "hours": hours,
        "description": "Mailbox migration", "technician_name": "Tom Tech", "ticket_ref": "T-1042", "billable": billable})
}

on_both!(contracts_and_time_entries_sync_and_report_per_month, |app: TestApp| async move {
    let psa = setup(&app).await;
    let retainer = json!({"psa_id": "RET-1", "company_id": psa.contoso, "name": "Retainer", "kind": "retainer",
        "currency": "CHF", "period_start": "2026-01-01", "amount_purchased_minor": 500_000, "amount_used_minor": 120_000});
    let synced = ok(put(
        &app,
        "/api/v1/psa/contracts",
        &psa.sync,
        json!({"upsert": [block("AGR-1", psa.contoso), retainer, block("AGR-F", psa.fabrikam)]}),
    )
    .await)
    .await;
    let id = synced["upserted"][0]["id"].as_i64().unwrap();
    let retainer_id = synced["upserted"][1]["id"].as_i64().unwrap();
    // A retainer with hours, and an unknown company, refuse the batch.
    let mut bad = block("AGR-2", psa.contoso);
    bad["currency"] = json!("CHF");
    let p = problem(put(&app, "/api/v1/psa/contracts", &psa.sync, json!({"upsert": [bad]})).await, 422).await;
    assert!(crate::harness::row_fault(&p, "/upsert/0/kind", "AGR-2"), "{p}");
    let p = problem(
        put(
            &app,
            "/api/v1/psa/contracts",
            &psa.sync,
            json!({"upsert": [block("AGR-3", psa.contoso), block("AGR-4", 999_999)]}),
        )
        .await,
        422,
    )
    .await;
    assert!(crate::harness::row_fault(&p, "/upsert/1/company_id", "AGR-4"), "{p}");

    let entries = json!({"upsert": [
        entry("TE-1", psa.contoso, "AGR-1", "2026-11-03", 1.5, true),
        entry("TE-2", psa.contoso, "AGR-1", "2026-11-30", 0.25, false),
        entry("TE-3", psa.contoso, "AGR-1", "2026-12-01", 2.0, true)]});
    ok(put(&app, "/api/v1/psa/time-entries", &psa.sync, entries.clone()).await).await;
    let again = ok(put(&app, "/api/v1/psa/time-entries", &psa.sync, entries).await).await;
    assert!(again["upserted"].as_array().unwrap().iter().all(|r| r["created"] == false));
    // An entry naming another company's contract, or an unknown one, refuses its batch.
    for contract in ["AGR-F", "AGR-none"] {
        let body = json!({"upsert": [entry("TE-4", psa.contoso, "AGR-1", "2026-11-04", 1.0, true),
            entry("TE-5", psa.contoso, contract, "2026-11-05", 1.0, true)]});
        let p = problem(put(&app, "/api/v1/psa/time-entries", &psa.sync, body).await, 422).await;
        assert!(crate::harness::row_fault(&p, "/upsert/1/contract", "TE-5"), "{p}");
    }

    let chris = app.token("chris.controller@demo.example").await;
    let list = ok(app.get(&format!("/api/v1/companies/{}/contracts", psa.contoso), &chris).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let one = ok(app.get(&format!("/api/v1/contracts/{id}"), &chris).await).await;
    assert_eq!((one["hours_purchased"].as_f64(), one["hours_remaining"].as_f64()), (Some(40.0), Some(-1.5)));
    let money = ok(app.get(&format!("/api/v1/contracts/{retainer_id}"), &chris).await).await;
    assert_eq!(money["amount_remaining_minor"], 380_000);
    let report = ok(app.get(&format!("/api/v1/contracts/{id}/report?month=2026-11"), &chris).await).await;
    assert_eq!(report["entries"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!((report["hours"].as_f64(), report["billable_hours"].as_f64()), (Some(1.75), Some(1.5)));
    assert_eq!(report["entries"][0]["technician_name"], "Tom Tech");
    problem(app.get(&format!("/api/v1/contracts/{id}/report?month=2026-13"), &chris).await, 422).await;

    // Where the company hides technicians' names, customers see the neutral name; staff the name.
    crate::tickets::company_settings(&app, &psa.staff, psa.contoso, json!({"technician_names_shown": false})).await;
    let chris = app.token("chris.controller@demo.example").await;
    let report = ok(app.get(&format!("/api/v1/contracts/{id}/report?month=2026-11"), &chris).await).await;
    assert_eq!(report["entries"][0]["technician_name"], "Support team");
    let report = ok(app.get(&format!("/api/v1/contracts/{id}/report?month=2026-11"), &psa.staff).await).await;
    assert_eq!(report["entries"][0]["technician_name"], "Tom Tech");

    // Members without invoices are refused; another company's contract is not found.
    let pat = app.token("pat.plus@demo.example").await;
    problem(app.get(&format!("/api/v1/contracts/{id}"), &pat).await, 403).await;
    problem(app.get(&format!("/api/v1/companies/{}/contracts", psa.contoso), &pat).await, 403).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    problem(app.get(&format!("/api/v1/contracts/{id}/report?month=2026-11"), &fred).await, 404).await;
    problem(app.get(&format!("/api/v1/contracts/{id}"), &fred).await, 404).await;
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/contracts/{id}"), &other).await, 404).await;

    // Staff write by hand; customers may not.
    let hand = json!({"company_id": psa.contoso, "name": "Extra block", "kind": "hours", "period_start": "2026-12-01",
        "hours_purchased": 10});
    problem(app.post("/api/v1/contracts", Some(&chris), hand.clone()).await, 403).await;
    let created = status(app.post("/api/v1/contracts", Some(&psa.staff), hand).await, 201).await;
    let hand_id = created["id"].as_i64().unwrap();
    let te = json!({"company_id": psa.contoso, "contract_id": hand_id, "worked_on": "2026-12-02", "hours": 1,
        "description": "On site", "billable": true});
    let made = status(app.post("/api/v1/time-entries", Some(&psa.staff), te).await, 201).await;
    let res = app
        .request(Method::DELETE, &format!("/api/v1/time-entries/{}", made["id"]), Some(&psa.staff))
        .send()
        .await
        .unwrap();
    status(res, 204).await;
    let res =
        app.request(Method::DELETE, &format!("/api/v1/contracts/{hand_id}"), Some(&psa.staff)).send().await.unwrap();
    status(res, 204).await;
    // Deleting a contract by sync keeps its entries, without it.
    let gone = ok(put(&app, "/api/v1/psa/contracts", &psa.sync, json!({"delete": ["AGR-1"]})).await).await;
    assert_eq!(gone["deleted"], 1);
    problem(app.get(&format!("/api/v1/contracts/{id}"), &psa.staff).await, 404).await;
});
