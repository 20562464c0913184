//! The monthly SLA report: figures for a crafted month, and who may read it.

use serde_json::{json, Value};

use super::{at, backdate, default_plan, note};
use crate::harness::{fault, problem, TestApp};
use crate::on_both;
use crate::tickets::{companies, company_id, create, ok, patch, status};

async fn opened(app: &TestApp, token: &str, company: i64, title: &str) -> i64 {
    create(app, token, company, json!({"title": title, "description": "Crafted", "priority": "normal"})).await["id"]
        .as_i64()
        .unwrap()
}

fn report(company: i64, month: &str) -> String {
    format!("/api/v1/companies/{company}/sla-report?month={month}")
}

on_both!(the_report_counts_a_months_tickets_and_lists_breaches, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let customer = app.token("pat.plus@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    default_plan(&app, &admin).await;

    // Answered in 30 minutes, resolved in 2 hours: both met.
    let on_time = opened(&app, &customer, contoso, "On time").await;
    note(&app, &tech, on_time, false).await;
    ok(patch(&app, &tech, on_time, json!({"status": "resolved"})).await).await;
    backdate(&app, on_time, at("2026-10-05 09:00"), vec![at("2026-10-05 09:30"), at("2026-10-05 11:00")]).await;
    // Answered after 2 hours, resolved after a day: both breached.
    let late = opened(&app, &customer, contoso, "Late").await;
    note(&app, &tech, late, false).await;
    ok(patch(&app, &tech, late, json!({"status": "resolved"})).await).await;
    backdate(&app, late, at("2026-10-06 09:00"), vec![at("2026-10-06 11:00"), at("2026-10-07 09:00")]).await;
    // Never answered, still open: both breached by now.
    let forgotten = opened(&app, &customer, contoso, "Forgotten").await;
    backdate(&app, forgotten, at("2026-10-07 09:00"), vec![]).await;
    // Opened the month before, and another company's: not counted.
    let before = opened(&app, &customer, contoso, "September").await;
    backdate(&app, before, at("2026-09-30 23:59"), vec![]).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    let elsewhere = opened(&app, &fred, fabrikam, "Elsewhere").await;
    backdate(&app, elsewhere, at("2026-10-10 09:00"), vec![]).await;

    let r = ok(app.get(&report(contoso, "2026-10"), &admin).await).await;
    assert_eq!(r["tickets"], 3);
    assert_eq!(r["first_response"], json!({"met": 1, "breached": 2, "percent": 33.3}));
    assert_eq!(r["resolution"], json!({"met": 1, "breached": 2, "percent": 33.3}));
    let breaches: Vec<(i64, &str, Value)> = r["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["ticket_id"].as_i64().unwrap(), b["target"].as_str().unwrap(), b["completed_at"].clone()))
        .collect();
    assert_eq!(
        breaches,
        [
            (late, "first_response", json!("2026-10-06T11:00:00Z")),
            (late, "resolution", json!("2026-10-07T09:00:00Z")),
            (forgotten, "first_response", json!(null)),
            (forgotten, "resolution", json!(null)),
        ]
    );
    assert_eq!(r["breaches"][0]["overdue_minutes"], 60);
    assert_eq!(r["breaches"][1]["overdue_minutes"], 20 * 60);
    assert_eq!(r["breaches"][1]["due_at"], "2026-10-06T13:00:00Z");

    // A month without tickets; the month before holds one, unanswered.
    let empty = ok(app.get(&report(contoso, "2026-08"), &admin).await).await;
    assert_eq!((empty["tickets"].clone(), empty["first_response"]["percent"].clone()), (json!(0), json!(null)));
    assert_eq!(ok(app.get(&report(contoso, "2026-09"), &admin).await).await["tickets"], 1);
    for bad in ["2026-13", "october", "2026-1"] {
        let p = problem(app.get(&report(contoso, bad), &admin).await, 422).await;
        assert!(fault(&p, "month").is_some(), "{bad}: {p}");
    }
});

on_both!(members_with_sla_read_read_their_own_companys_report_only, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    default_plan(&app, &admin).await;
    for email in ["ann.approver@demo.example", "max.changes@demo.example", "chris.controller@demo.example"] {
        let token = app.token(email).await;
        assert_eq!(ok(app.get(&report(contoso, "2026-10"), &token).await).await["company_id"], contoso, "{email}");
        status(app.get(&report(fabrikam, "2026-10"), &token).await, 404).await;
    }
    for email in ["pat.user@demo.example", "pat.plus@demo.example", "paula.admin@demo.example"] {
        let token = app.token(email).await;
        status(app.get(&report(contoso, "2026-10"), &token).await, 403).await;
    }
    // Morgan approves for Fabrikam only: that report, not Contoso's.
    let morgan = app.token("morgan.multi@demo.example").await;
    let own = company_id(&app, &morgan, "Fabrikam Inc").await;
    ok(app.get(&report(own, "2026-10"), &morgan).await).await;
    status(app.get(&report(contoso, "2026-10"), &morgan).await, 403).await;
    // Staff of another tenant find no such company.
    let other = app.other_tenant_admin().await;
    status(app.get(&report(contoso, "2026-10"), &other).await, 404).await;
});
