//! Invoices: each role's access, other companies' ids, overdue as of today, the balance, staff
//! writes, and who downloads a PDF.

use reqwest::Method;
use serde_json::json;

use super::{day, invoice, psa_ids, setup, synced};
use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::{ok, status};

/// Contoso's members and whether their roles include invoices.
const CONTOSO_MEMBERS: [(&str, bool); 7] = [
    ("pat.user@demo.example", false),
    ("pat.plus@demo.example", false),
    ("ann.approver@demo.example", false),
    ("max.changes@demo.example", false),
    ("chris.controller@demo.example", true),
    ("paula.admin@demo.example", true),
    ("morgan.multi@demo.example", false),
];

on_both!(members_read_their_company_invoices_only_with_the_invoice_permission, |app: TestApp| async move {
    let psa = setup(&app).await;
    let ids = synced(&app, &psa, vec![invoice("C-1", psa.contoso, 10), invoice("F-1", psa.fabrikam, 10)]).await;
    let (contoso_invoice, fabrikam_invoice) = (ids[0].1, ids[1].1);
    for (email, reads) in CONTOSO_MEMBERS {
        let token = app.token(email).await;
        let list = app.get(&format!("/api/v1/companies/{}/invoices", psa.contoso), &token).await;
        let one = app.get(&format!("/api/v1/invoices/{contoso_invoice}"), &token).await;
        let balance = app.get(&format!("/api/v1/companies/{}/invoices/balance", psa.contoso), &token).await;
        if reads {
            assert_eq!(psa_ids(&ok(list).await), ["C-1"], "{email}");
            assert_eq!(ok(one).await["lines"].as_array().unwrap().len(), 2, "{email}");
            ok(balance).await;
        } else {
            problem(list, 403).await;
            problem(one, 403).await;
            problem(balance, 403).await;
        }
        let me = ok(app.get("/api/v1/me", &token).await).await;
        let contoso = me["companies"].as_array().unwrap().iter().find(|c| c["id"] == psa.contoso).unwrap().clone();
        let sections: Vec<&str> = contoso["sections"].as_array().unwrap().iter().filter_map(|s| s.as_str()).collect();
        assert_eq!(sections.contains(&"invoices"), reads, "{email}: {sections:?}");
        // Fabrikam is not a company of theirs (Morgan's roles there do not include invoices).
        let expected = if email == "morgan.multi@demo.example" { 403 } else { 404 };
        problem(app.get(&format!("/api/v1/invoices/{fabrikam_invoice}"), &token).await, expected).await;
        let other = app.get(&format!("/api/v1/companies/{}/invoices", psa.fabrikam), &token).await;
        problem(other, expected).await;
        // Customers list per company only, and never write.
        problem(app.get("/api/v1/invoices", &token).await, 403).await;
        problem(app.post("/api/v1/invoices", Some(&token), invoice("X-1", psa.contoso, 10)).await, 403).await;
        problem(
            app.request(Method::DELETE, &format!("/api/v1/invoices/{contoso_invoice}"), Some(&token))
                .send()
                .await
                .unwrap(),
            403,
        )
        .await;
    }
    let fred = app.token("fred.fabrikam@demo.example").await;
    problem(app.get(&format!("/api/v1/invoices/{contoso_invoice}"), &fred).await, 404).await;
    problem(app.get(&format!("/api/v1/invoices/{fabrikam_invoice}"), &fred).await, 403).await;
    let tech = app.token("tech@demo.example").await;
    ok(app.get(&format!("/api/v1/invoices/{fabrikam_invoice}"), &tech).await).await;
    let all = ok(app.get("/api/v1/invoices", &tech).await).await;
    assert_eq!(psa_ids(&all), ["C-1", "F-1"]);
    // Another tenant sees none of them, and no company of ours.
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/invoices/{contoso_invoice}"), &other).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{}/invoices", psa.contoso), &other).await, 404).await;
    problem(app.get("/api/v1/invoices/999999", &tech).await, 404).await;
});

on_both!(an_open_invoice_is_overdue_after_its_due_date_and_the_balance_counts_it, |app: TestApp| async move {
    let psa = setup(&app).await;
    let mut paid_late = invoice("PAID", psa.contoso, -20);
    paid_late["status"] = json!("paid");
    paid_late["paid_minor"] = json!(107_700);
    let mut part_paid = invoice("PART", psa.contoso, -1);
    part_paid["paid_minor"] = json!(7_700);
    let mut void = invoice("VOID", psa.contoso, -40);
    void["status"] = json!("void");
    let mut euro = invoice("EURO", psa.contoso, 5);
    euro["currency"] = json!("EUR");
    let ids = synced(&app, &psa, vec![invoice("TODAY", psa.contoso, 0), part_paid, paid_late, void, euro]).await;
    let chris = app.token("chris.controller@demo.example").await;
    let status_of = |page: &serde_json::Value, id: &str| {
        page["items"].as_array().unwrap().iter().find(|i| i["psa_id"] == id).unwrap()["status"].clone()
    };
    let page = ok(app.get(&format!("/api/v1/companies/{}/invoices", psa.contoso), &chris).await).await;
    assert_eq!(status_of(&page, "TODAY"), "open", "due today is not overdue yet");
    assert_eq!(status_of(&page, "PART"), "overdue");
    assert_eq!(status_of(&page, "PAID"), "paid");
    assert_eq!(status_of(&page, "VOID"), "void");
    let overdue =
        ok(app.get(&format!("/api/v1/companies/{}/invoices?status=overdue", psa.contoso), &chris).await).await;
    assert_eq!(psa_ids(&overdue), ["PART"]);
    let open = ok(app.get(&format!("/api/v1/companies/{}/invoices?status=open", psa.contoso), &chris).await).await;
    assert_eq!(psa_ids(&open), ["EURO", "TODAY"]);
    let one = ok(app.get(&format!("/api/v1/invoices/{}", ids[1].1), &chris).await).await;
    assert_eq!((one["status"].as_str(), one["balance_minor"].as_i64()), (Some("overdue"), Some(100_000)));
    let balance = ok(app.get(&format!("/api/v1/companies/{}/invoices/balance", psa.contoso), &chris).await).await;
    assert_eq!(balance["as_of"], day(0));
    assert_eq!(
        balance["balances"],
        json!([
            {"currency": "CHF", "open_invoices": 2, "balance_minor": 207_700, "overdue_invoices": 1, "overdue_minor": 100_000},
            {"currency": "EUR", "open_invoices": 1, "balance_minor": 107_700, "overdue_invoices": 0, "overdue_minor": 0}
        ])
    );
    problem(app.get(&format!("/api/v1/companies/{}/invoices?status=late", psa.contoso), &chris).await, 422).await;
});

on_both!(staff_write_invoices_by_hand, |app: TestApp| async move {
    let psa = setup(&app).await;
    let mut input = invoice("HAND-1", psa.contoso, 10);
    input["payment_url"] = json!("https://pay.example.com/i/1");
    let created = status(app.post("/api/v1/invoices", Some(&psa.staff), input.clone()).await, 201).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["payment_url"], "https://pay.example.com/i/1");
    // The PSA's sync now finds it by its psa id.
    let again = synced(&app, &psa, vec![invoice("HAND-1", psa.contoso, 10)]).await;
    assert_eq!(again[0].1, id);
    status(app.post("/api/v1/invoices", Some(&psa.staff), input.clone()).await, 409).await;
    let mut bad = invoice("HAND-2", psa.contoso, 10);
    bad["payment_url"] = json!("javascript:alert(1)");
    let p = problem(app.post("/api/v1/invoices", Some(&psa.staff), bad).await, 422).await;
    assert!(crate::harness::fault(&p, "payment_url").is_some(), "{p}");
    let p = problem(app.post("/api/v1/invoices", Some(&psa.staff), invoice("HAND-3", 999_999, 10)).await, 422).await;
    assert!(crate::harness::fault(&p, "company_id").is_some(), "{p}");
    let mut changed = invoice("HAND-1", psa.contoso, 10);
    changed["number"] = json!("2026-0001");
    let read = ok(app.send(Method::PUT, &format!("/api/v1/invoices/{id}"), &psa.staff, changed).await).await;
    assert_eq!(read["number"], "2026-0001");
    status(app.send(Method::PUT, "/api/v1/invoices/999999", &psa.staff, invoice("X", psa.contoso, 1)).await, 404).await;
    let res = app.request(Method::DELETE, &format!("/api/v1/invoices/{id}"), Some(&psa.staff)).send().await.unwrap();
    status(res, 204).await;
    problem(app.get(&format!("/api/v1/invoices/{id}"), &psa.staff).await, 404).await;
});

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn put_pdf(app: &TestApp, path: &str, token: &str, content_type: &str, body: &'static [u8]) -> reqwest::Response {
    app.request(Method::PUT, path, Some(token)).header("content-type", content_type).body(body).send().await.unwrap()
}

on_both!(an_invoice_pdf_is_downloaded_only_by_who_reads_the_invoice, |app: TestApp| async move {
    let psa = setup(&app).await;
    let ids = synced(&app, &psa, vec![invoice("C-1", psa.contoso, 10), invoice("C-2", psa.contoso, 10)]).await;
    let (id, bare) = (ids[0].1, ids[1].1);
    let path = format!("/api/v1/invoices/{id}/pdf");
    problem(put_pdf(&app, &path, &psa.staff, "application/pdf", b"not a pdf at all").await, 422).await;
    problem(put_pdf(&app, &path, &psa.staff, "text/plain", PDF).await, 415).await;
    let chris = app.token("chris.controller@demo.example").await;
    problem(put_pdf(&app, &path, &chris, "application/pdf", PDF).await, 403).await;
    problem(app.get(&path, &chris).await, 404).await;
    let read = ok(put_pdf(&app, &path, &psa.staff, "application/pdf", PDF).await).await;
    assert_eq!(read["has_pdf"], true);
    let res = app.get(&path, &chris).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    for (email, code) in [("pat.user@demo.example", 403), ("fred.fabrikam@demo.example", 404)] {
        let token = app.token(email).await;
        problem(app.get(&path, &token).await, code).await;
    }
    problem(app.get(&format!("/api/v1/invoices/{bare}/pdf"), &chris).await, 404).await;
    // The PSA attaches a PDF by its own id, with its credential only.
    let by_psa = "/api/v1/psa/invoices/C-2/pdf";
    problem(put_pdf(&app, by_psa, &psa.staff, "application/pdf", PDF).await, 401).await;
    problem(put_pdf(&app, "/api/v1/psa/invoices/C-9/pdf", &psa.sync, "application/pdf", PDF).await, 404).await;
    ok(put_pdf(&app, by_psa, &psa.sync, "application/pdf", PDF).await).await;
    assert_eq!(app.get(&format!("/api/v1/invoices/{bare}/pdf"), &chris).await.status(), 200);
    // Removing the PDF, then the invoice, leaves nothing to download.
    let res = app.request(Method::DELETE, &path, Some(&psa.staff)).send().await.unwrap();
    status(res, 204).await;
    problem(app.get(&path, &chris).await, 404).await;
    ok(crate::psa::sync(&app, &psa.sync, json!({"delete": ["C-2"]})).await).await;
    problem(app.get(&format!("/api/v1/invoices/{bare}/pdf"), &chris).await, 404).await;
    let stored = walk(app.attachments_dir());
    assert!(stored.is_empty(), "the removed PDFs left files behind: {stored:?}");
});

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}
