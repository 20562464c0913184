//! The PSA sync: its credential, batches all or nothing, an unknown company naming the row,
//! idempotent re-sync and deletes.

use reqwest::Method;
use serde_json::{json, Value};

use super::{invoice, psa_ids, setup, sync, synced};
use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::{ok, status};

on_both!(the_sync_credential_is_made_by_provider_admins_shown_once_and_replaced, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let before = ok(app.get("/api/v1/psa/integration", &admin).await).await;
    assert_eq!(before["has_sync_token"], false);
    for who in ["tech@demo.example", "paula.admin@demo.example", "chris.controller@demo.example"] {
        let token = app.token(who).await;
        status(app.post("/api/v1/psa/integration/sync-token", Some(&token), json!({})).await, 403).await;
    }
    let first = ok(app.post("/api/v1/psa/integration/sync-token", Some(&admin), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(first.starts_with("cdp_"));
    assert_eq!(ok(app.get("/api/v1/psa/integration", &admin).await).await["has_sync_token"], true);
    let (contoso, ..) = crate::tickets::companies(&app, &admin).await;
    let body = json!({"upsert": [invoice("INV-1", contoso, 10)]});
    ok(sync(&app, &first, body.clone()).await).await;
    let second = ok(app.post("/api/v1/psa/integration/sync-token", Some(&admin), json!({})).await).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    problem(sync(&app, &first, body.clone()).await, 401).await;
    ok(sync(&app, &second, body.clone()).await).await;
    // Neither a user's token nor a made-up credential is a sync credential.
    problem(sync(&app, &admin, body.clone()).await, 401).await;
    problem(sync(&app, "cdp_not-a-credential", body.clone()).await, 401).await;
    let res = app.request(Method::PUT, "/api/v1/psa/invoices", None).json(&body).send().await.unwrap();
    problem(res, 401).await;
});

on_both!(a_row_naming_an_unknown_company_refuses_the_whole_batch, |app: TestApp| async move {
    let psa = setup(&app).await;
    let other_tenant = app.other_tenant_admin().await;
    let foreign = ok(app.get("/api/v1/companies", &other_tenant).await).await["items"][0]["id"].as_i64();
    for unknown in [Some(999_999), foreign].into_iter().flatten() {
        let body = json!({"upsert": [invoice("INV-1", psa.contoso, 10), invoice("INV-2", unknown, 10),
            invoice("INV-3", psa.fabrikam, 10)]});
        let p = problem(sync(&app, &psa.sync, body).await, 422).await;
        assert!(crate::harness::row_fault(&p, "/upsert/1/company_id", "INV-2"), "{p}");
    }
    let list = ok(app.get("/api/v1/invoices", &psa.staff).await).await;
    assert_eq!(psa_ids(&list), Vec::<String>::new(), "nothing of the refused batches was stored");
});

on_both!(an_invalid_row_late_in_a_batch_leaves_nothing_stored, |app: TestApp| async move {
    let psa = setup(&app).await;
    let mut bad_total = invoice("INV-3", psa.contoso, 10);
    bad_total["total_minor"] = json!(1);
    let mut http_link = invoice("INV-4", psa.contoso, 10);
    http_link["payment_url"] = json!("http://pay.example.com/4");
    let mut bad_date = invoice("INV-5", psa.contoso, 10);
    bad_date["due_on"] = json!("30.12.2026");
    let cases: [(Value, &str, &str); 3] = [
        (bad_total, "/upsert/2/total_minor", "INV-3"),
        (http_link, "/upsert/2/payment_url", "INV-4"),
        (bad_date, "/upsert/2/due_on", "INV-5"),
    ];
    for (bad, field, row) in cases {
        let body = json!({"upsert": [invoice("INV-1", psa.contoso, 10), invoice("INV-2", psa.contoso, 10), bad]});
        let p = problem(sync(&app, &psa.sync, body).await, 422).await;
        assert!(crate::harness::row_fault(&p, field, row), "{field}: {p}");
    }
    let twice = json!({"upsert": [invoice("INV-1", psa.contoso, 10)], "delete": ["INV-1"]});
    problem(sync(&app, &psa.sync, twice).await, 422).await;
    problem(sync(&app, &psa.sync, json!({"upsert": [], "delete": []})).await, 422).await;
    let too_many: Vec<Value> = (0..501).map(|i| invoice(&format!("INV-{i}"), psa.contoso, 10)).collect();
    problem(sync(&app, &psa.sync, json!({"upsert": too_many})).await, 422).await;
    problem(sync(&app, &psa.sync, json!({"upsert": [invoice("INV-1", psa.contoso, 10)], "extra": 1})).await, 422).await;
    let list = ok(app.get("/api/v1/invoices", &psa.staff).await).await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
});

on_both!(a_batch_of_500_is_accepted_and_a_resync_updates_in_place, |app: TestApp| async move {
    let psa = setup(&app).await;
    let batch: Vec<Value> = (0..500).map(|i| invoice(&format!("INV-{i:03}"), psa.contoso, 10)).collect();
    let first = ok(sync(&app, &psa.sync, json!({"upsert": batch.clone()})).await).await;
    let rows = first["upserted"].as_array().unwrap();
    assert_eq!(rows.len(), 500);
    assert!(rows.iter().all(|r| r["created"] == true));
    let again = ok(sync(&app, &psa.sync, json!({"upsert": batch})).await).await;
    for (a, b) in rows.iter().zip(again["upserted"].as_array().unwrap()) {
        assert_eq!((a["id"].clone(), b["created"].clone()), (b["id"].clone(), json!(false)));
    }
    let page = ok(app.get(&format!("/api/v1/invoices?company_id={}&limit=200", psa.contoso), &psa.staff).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 200);
    assert!(page["next_cursor"].is_string(), "500 invoices, not 1,000");
});

on_both!(a_resync_replaces_fields_and_lines_and_deletes_remove_by_psa_id, |app: TestApp| async move {
    let psa = setup(&app).await;
    let ids = synced(&app, &psa, vec![invoice("INV-1", psa.contoso, 10), invoice("INV-2", psa.contoso, 10)]).await;
    let id = ids[0].1;
    let mut changed = invoice("INV-1", psa.fabrikam, 10);
    changed["paid_minor"] = json!(107_700);
    changed["status"] = json!("paid");
    changed["lines"] =
        json!([{"description": "One line", "quantity": 2, "unit_price_minor": 50_000, "amount_minor": 100_000}]);
    let again = synced(&app, &psa, vec![changed]).await;
    assert_eq!(again, vec![("INV-1".to_owned(), id)]);
    let read = ok(app.get(&format!("/api/v1/invoices/{id}"), &psa.staff).await).await;
    assert_eq!((read["company_id"].as_i64(), read["status"].as_str()), (Some(psa.fabrikam), Some("paid")));
    assert_eq!(read["balance_minor"], 0);
    assert_eq!(read["lines"].as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read["lines"][0]["quantity"], 2.0);
    let deleted = ok(sync(&app, &psa.sync, json!({"delete": ["INV-2", "INV-unknown"]})).await).await;
    assert_eq!(deleted["deleted"], 1);
    status(app.get(&format!("/api/v1/invoices/{}", ids[1].1), &psa.staff).await, 404).await;
    let list = ok(app.get("/api/v1/invoices", &psa.staff).await).await;
    assert_eq!(psa_ids(&list), ["INV-1"]);
});
