//! Who reads and writes a company's vault entries: staff, and customers with a vault role in the
//! entry's company; another company's entry is 404, a missing role 403; lists never carry a
//! secret; bad input is 422 without repeating the secret.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;

const SECRET: &str = "Tr0ub4dor&3-firewall";

on_both!(roles_and_companies_decide_who_reads_and_writes, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let contoso_entry = create(&app, &v.staff, v.contoso, "Contoso firewall", SECRET).await;
    let fabrikam_entry = create(&app, &v.staff, v.fabrikam, "Fabrikam router", "fabrikam-router-pw").await;

    // Without a vault role: 403 in the own company, 404 elsewhere.
    let plus = app.token(PAT_PLUS).await;
    problem(app.get(&entries(v.contoso), &plus).await, 403).await;
    problem(app.get(&entry(contoso_entry), &plus).await, 403).await;
    problem(app.post(&entries(v.contoso), Some(&plus), json!({"title": "x"})).await, 403).await;
    problem(app.get(&entries(v.fabrikam), &plus).await, 404).await;
    problem(app.get(&entry(fabrikam_entry), &plus).await, 404).await;
    // The portal admin grants the vault but holds none by its role.
    problem(app.get(&entries(v.contoso), &v.paula).await, 403).await;

    // A reader reads the company's entries, without their secrets, and writes nothing.
    v.grant(&app, PAT_PLUS, &["portal_user_plus", "vault_reader"]).await;
    let reader = app.token(PAT_PLUS).await;
    let page = ok(app.get(&entries(v.contoso), &reader).await).await;
    let listed = items(&page);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["title"], "Contoso firewall");
    assert_eq!(listed[0]["has_secret"], true);
    assert!(listed[0].get("secret").is_none() && !page.to_string().contains(SECRET));
    let detail = ok(app.get(&entry(contoso_entry), &reader).await).await;
    assert_eq!(detail["entry"]["username"], "admin");
    assert!(!detail.to_string().contains(SECRET));
    problem(app.get(&entry(fabrikam_entry), &reader).await, 404).await;
    problem(reveal(&app, &reader, fabrikam_entry).await, 404).await;
    problem(app.get(&entries(v.fabrikam), &reader).await, 404).await;
    problem(app.post(&entries(v.contoso), Some(&reader), json!({"title": "x"})).await, 403).await;
    let change = json!({"title": "Renamed"});
    problem(app.send(Method::PUT, &entry(contoso_entry), &reader, change.clone()).await, 403).await;
    problem(app.send(Method::DELETE, &entry(contoso_entry), &reader, Value::Null).await, 403).await;
    problem(app.get(&format!("/api/v1/companies/{}/vault/reveals", v.contoso), &reader).await, 403).await;

    // An editor creates, changes and deletes; never in another company.
    v.grant(&app, ANN, &["customer_approver", "vault_editor"]).await;
    let editor = app.token(ANN).await;
    let mine = create(&app, &editor, v.contoso, "Wi-Fi", "guest-wifi-pass").await;
    let changed = ok(app
        .send(Method::PUT, &entry(mine), &editor, json!({"title": "Guest Wi-Fi", "tags": ["WiFi"], "folder": "Office"}))
        .await)
    .await;
    assert_eq!(changed["title"], "Guest Wi-Fi");
    assert_eq!(changed["tags"], json!(["wifi"]));
    assert_eq!(changed["has_secret"], true, "a secret left out is kept");
    let cleared =
        ok(app.send(Method::PUT, &entry(mine), &editor, json!({"title": "Guest Wi-Fi", "secret": null})).await).await;
    assert_eq!(cleared["has_secret"], false);
    problem(app.send(Method::PUT, &entry(fabrikam_entry), &editor, change.clone()).await, 404).await;
    problem(app.post(&entries(v.fabrikam), Some(&editor), json!({"title": "x"})).await, 404).await;
    status(app.send(Method::DELETE, &entry(mine), &editor, Value::Null).await, 204).await;
    problem(app.get(&entry(mine), &editor).await, 404).await;

    // Filters.
    let found = ok(app.get(&format!("{}?tag=network&q=contoso", entries(v.contoso)), &reader).await).await;
    assert_eq!(items(&found).len(), 1);
    let none = ok(app.get(&format!("{}?folder=Elsewhere", entries(v.contoso)), &reader).await).await;
    assert!(items(&none).is_empty());

    // Another tenant's provider admin sees nothing.
    let other = app.other_tenant_admin().await;
    problem(app.get(&entry(contoso_entry), &other).await, 404).await;
    problem(app.get(&entries(v.contoso), &other).await, 404).await;

    // Staff reads are audited.
    let audit = ok(app.get("/api/v1/audit-events?action=vault_entries_listed_by_staff", &v.admin).await).await;
    assert!(items(&audit).is_empty(), "no staff listed yet");
    ok(app.get(&entries(v.contoso), &v.staff).await).await;
    let audit = ok(app.get("/api/v1/audit-events?action=vault_entries_listed_by_staff", &v.admin).await).await;
    assert_eq!(items(&audit).len(), 1);
});

on_both!(bad_input_is_refused_without_repeating_a_secret, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let url = entries(v.contoso);
    let planted = "Planted-Secret-9Xq";
    for body in [
        json!({"title": "", "secret": planted}),
        json!({"title": "t", "secret": planted, "url": "no scheme"}),
        json!({"title": "t", "totp_seed": planted}),
        json!({"title": "t", "secret": planted, "tags": ["two words"]}),
        json!({"title": "t", "secret": ""}),
        json!({"title": "t", "secret": "x".repeat(4001)}),
    ] {
        let answer = problem(app.post(&url, Some(&v.staff), body).await, 422).await;
        assert!(!answer.to_string().contains(planted), "{answer}");
    }
    problem(app.post(&url, Some(&v.staff), json!({"title": "t", "password": planted})).await, 422).await;
    let page = ok(app.get(&url, &v.staff).await).await;
    assert!(items(&page).is_empty(), "nothing was stored");
    problem(app.get(&entry(999_999), &v.staff).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{}/vault/reveals?limit=0", v.contoso), &v.staff).await, 422).await;
});

/// Keeps `Backend` in use for the macro's `backend =>` form in sibling modules.
#[allow(dead_code)]
fn _backend(_: Backend) {}
