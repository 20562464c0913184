//! Incremental syncs: the lists integrators page through take `updated_from` and return only
//! what was created or changed at or after it.

use chrono::{SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{fault, problem, TestApp};
use crate::on_both;
use crate::rmm::{self, PAT_PC};
use crate::tickets::ok;

fn ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

/// A moment between what was written before and what is written after it.
async fn mark() -> String {
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    at
}

on_both!(lists_return_what_changed_from_a_time, |app: TestApp| async move {
    let rmm = rmm::setup(&app).await;
    let (pat_pc, _) = rmm.device(PAT_PC);
    let staff = &rmm.staff;
    let since = mark().await;
    let from = |path: &str| format!("{path}?updated_from={}", since.replace('+', "%2B"));

    // Nothing changed yet.
    for path in ["/api/v1/companies", "/api/v1/devices", "/api/v1/users"] {
        assert_eq!(ok(app.get(&from(path), staff).await).await["items"], json!([]), "{path}");
    }

    // A company renamed, a device synced again, a user changed: each list shows its own.
    ok(app
        .send(Method::PATCH, &format!("/api/v1/companies/{}", rmm.fabrikam), staff, json!({"name": "Fabrikam AG"}))
        .await)
    .await;
    let mut again = rmm::device(PAT_PC, rmm.contoso, "mac", Some("pat.user@demo.example"));
    again["hostname"] = json!("pat-renamed.example.local");
    ok(rmm::sync(&app, &rmm.sync, json!([again])).await).await;
    assert_eq!(ids(&ok(app.get(&from("/api/v1/companies"), staff).await).await), vec![rmm.fabrikam]);
    assert_eq!(ids(&ok(app.get(&from("/api/v1/devices"), staff).await).await), vec![pat_pc]);
    assert_eq!(
        ids(&ok(app.get(&from(&format!("/api/v1/companies/{}/assets", rmm.contoso)), staff).await).await),
        vec![pat_pc]
    );
    assert_eq!(ok(app.get(&from("/api/v1/companies"), staff).await).await["items"][0]["name"], "Fabrikam AG");

    // Everything is there without the filter; a time that is not RFC 3339 is 422 naming it.
    assert!(ok(app.get("/api/v1/companies", staff).await).await["items"].as_array().unwrap().len() >= 3);
    let bad = problem(app.get("/api/v1/companies?updated_from=yesterday", staff).await, 422).await;
    assert!(fault(&bad, "updated_from").is_some(), "{bad}");
    let bad = problem(app.get("/api/v1/invoices?updated_from=2026-13-01", staff).await, 422).await;
    assert!(fault(&bad, "updated_from").is_some(), "{bad}");
});
