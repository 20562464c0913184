//! Projects: scopes (manager level all, basic users their team's), team names, notes and the
//! cursor the PSA reads them back with, and messages to the team through the outbox.

use reqwest::Method;
use serde_json::{json, Value};

use super::setup;
use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::{ok, status};

async fn sync(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, "/api/v1/psa/projects", Some(token)).json(&body).send().await.unwrap()
}

fn project(psa_id: &str, company: i64, team: Value) -> Value {
    json!({"psa_id": psa_id, "company_id": company, "name": format!("Project {psa_id}"), "status": "in_progress",
        "starts_on": "2026-11-02", "ends_on": "2026-12-18", "hours_estimated": 80, "hours_used": 31.5,
        "currency": "CHF", "charges_minor": 472_500,
        "phases": [{"name": "Mail", "status": "in_progress", "percent_done": 60,
            "tasks": [{"name": "Migrate mailboxes", "status": "in_progress", "percent_done": 60},
                      {"name": "Cut over", "status": "not_started", "starts_on": "2026-12-01", "ends_on": "2026-12-02"}]},
            {"name": "Training", "status": "not_started", "tasks": []}],
        "team": team})
}

fn names(page: &Value) -> Vec<String> {
    let mut names: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|p| p["psa_id"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

on_both!(basic_users_see_their_team_projects_and_managers_all_of_the_company, |app: TestApp| async move {
    let psa = setup(&app).await;
    let team = json!([{"name": "Tom Tech", "email": "tech@demo.example", "technician": true},
        {"name": "Pat User", "email": "pat.user@demo.example"}]);
    let body = json!({"upsert": [project("P-PAT", psa.contoso, team), project("P-OTHER", psa.contoso, json!([])),
        project("P-FAB", psa.fabrikam, json!([{"name": "Fred", "email": "fred.fabrikam@demo.example"}]))]});
    let synced = ok(sync(&app, &psa.sync, body.clone()).await).await;
    let id = |k: usize| synced["upserted"][k]["id"].as_i64().unwrap();
    let (pat_project, other_project, fabrikam_project) = (id(0), id(1), id(2));
    let p = problem(sync(&app, &psa.sync, json!({"upsert": [project("P-X", 999_999, json!([]))]})).await, 422).await;
    assert!(crate::harness::row_fault(&p, "/upsert/0/company_id", "P-X"), "{p}");

    let list = |email: &'static str| {
        let app = &app;
        async move {
            let token = app.token(email).await;
            app.get(&format!("/api/v1/companies/{}/projects", psa.contoso), &token).await
        }
    };
    assert_eq!(names(&ok(list("pat.user@demo.example").await).await), ["P-PAT"]);
    assert_eq!(names(&ok(list("morgan.multi@demo.example").await).await), Vec::<String>::new());
    for manager in [
        "pat.plus@demo.example",
        "ann.approver@demo.example",
        "chris.controller@demo.example",
        "paula.admin@demo.example",
    ] {
        assert_eq!(names(&ok(list(manager).await).await), ["P-OTHER", "P-PAT"], "{manager}");
    }
    problem(list("fred.fabrikam@demo.example").await, 404).await;

    let pat = app.token("pat.user@demo.example").await;
    let read = ok(app.get(&format!("/api/v1/projects/{pat_project}"), &pat).await).await;
    assert_eq!(read["phases"].as_array().unwrap().len(), 2, "{read}");
    assert_eq!(read["phases"][0]["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(read["phases"][0]["tasks"][1]["starts_on"], "2026-12-01");
    assert_eq!((read["hours_estimated"].as_f64(), read["charges_minor"].as_i64()), (Some(80.0), Some(472_500)));
    assert_eq!(read["team"][0]["name"], "Tom Tech");
    problem(app.get(&format!("/api/v1/projects/{other_project}"), &pat).await, 404).await;
    problem(app.get(&format!("/api/v1/projects/{fabrikam_project}"), &pat).await, 404).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    ok(app.get(&format!("/api/v1/projects/{fabrikam_project}"), &fred).await).await;
    problem(app.get(&format!("/api/v1/projects/{pat_project}"), &fred).await, 404).await;
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/projects/{pat_project}"), &other).await, 404).await;
    let tech = app.token("tech@demo.example").await;
    ok(app.get(&format!("/api/v1/projects/{other_project}"), &tech).await).await;

    // Technicians' names follow the company's setting.
    crate::tickets::company_settings(&app, &psa.staff, psa.contoso, json!({"technician_names_shown": false})).await;
    let pat = app.token("pat.user@demo.example").await;
    let read = ok(app.get(&format!("/api/v1/projects/{pat_project}"), &pat).await).await;
    assert_eq!(
        (read["team"][0]["name"].as_str(), read["team"][1]["name"].as_str()),
        (Some("Support team"), Some("Pat User"))
    );
    let read = ok(app.get(&format!("/api/v1/projects/{pat_project}"), &tech).await).await;
    assert_eq!(read["team"][0]["name"], "Tom Tech");

    // Re-syncing without Pat on the team takes the project out of Pat's sight.
    ok(sync(&app, &psa.sync, json!({"upsert": [project("P-PAT", psa.contoso, json!([]))]})).await).await;
    problem(app.get(&format!("/api/v1/projects/{pat_project}"), &pat).await, 404).await;
    let gone = ok(sync(&app, &psa.sync, json!({"delete": ["P-OTHER"]})).await).await;
    assert_eq!(gone["deleted"], 1);
    problem(app.get(&format!("/api/v1/projects/{other_project}"), &tech).await, 404).await;
});

on_both!(customer_notes_reach_the_psa_through_the_cursor_and_messages_the_team, |app: TestApp| async move {
    let psa = setup(&app).await;
    let team = json!([{"name": "Tom Tech", "email": "tech@demo.example", "technician": true},
        {"name": "Pat User", "email": "pat.user@demo.example"}]);
    let synced = ok(sync(&app, &psa.sync, json!({"upsert": [project("P-1", psa.contoso, team)]})).await).await;
    let id = synced["upserted"][0]["id"].as_i64().unwrap();
    let changes = |cursor: Option<i64>| {
        let app = &app;
        let token = psa.sync.clone();
        async move {
            let path = match cursor {
                Some(c) => format!("/api/v1/psa/changes?cursor={c}"),
                None => "/api/v1/psa/changes".to_owned(),
            };
            app.request(Method::GET, &path, Some(&token)).send().await.unwrap()
        }
    };
    let empty = ok(changes(None).await).await;
    assert_eq!((empty["items"].as_array().unwrap().len(), empty["cursor"].as_i64()), (0, Some(0)));

    let pat = app.token("pat.user@demo.example").await;
    let note = status(
        app.post(&format!("/api/v1/projects/{id}/notes"), Some(&pat), json!({"body": "Friday works for us."})).await,
        201,
    )
    .await;
    assert_eq!(note["author_name"], "Pat User");
    problem(app.post(&format!("/api/v1/projects/{id}/notes"), Some(&pat), json!({"body": "  "})).await, 422).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    problem(app.post(&format!("/api/v1/projects/{id}/notes"), Some(&fred), json!({"body": "Not mine"})).await, 404)
        .await;
    let plus = app.token("pat.plus@demo.example").await;
    status(app.post(&format!("/api/v1/projects/{id}/notes"), Some(&plus), json!({"body": "Second note."})).await, 201)
        .await;

    let first = ok(changes(None).await).await;
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{first}");
    assert_eq!(
        (items[0]["project_psa_id"].as_str(), items[0]["body"].as_str()),
        (Some("P-1"), Some("Friday works for us."))
    );
    assert_eq!(items[0]["author_email"], "pat.user@demo.example");
    let cursor = first["cursor"].as_i64().unwrap();
    let after = ok(changes(Some(cursor)).await).await;
    assert!(after["items"].as_array().unwrap().is_empty());
    assert_eq!(after["cursor"], cursor);
    status(app.post(&format!("/api/v1/projects/{id}/notes"), Some(&pat), json!({"body": "Third."})).await, 201).await;
    let next = ok(changes(Some(cursor)).await).await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["items"][0]["body"], "Third.");
    problem(app.request(Method::GET, "/api/v1/psa/changes", Some(&pat)).send().await.unwrap(), 401).await;
    let notes = ok(app.get(&format!("/api/v1/projects/{id}/notes"), &plus).await).await;
    assert_eq!(notes.as_array().unwrap().len(), 3);

    // A message to the team is queued for each member with an address but the sender.
    let sent = status(
        app.post(
            &format!("/api/v1/projects/{id}/messages"),
            Some(&pat),
            json!({"subject": "Cut over", "body": "Can we move it to Monday?"}),
        )
        .await,
        202,
    )
    .await;
    assert_eq!(sent["recipients"], 1);
    let outbox = ok(app.get("/api/v1/outbox?limit=200", &psa.staff).await).await;
    let mails: Vec<&Value> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["subject"].as_str().is_some_and(|s| s.contains("Cut over")))
        .collect();
    assert_eq!(mails.len(), 1, "{outbox}");
    assert_eq!(mails[0]["recipient"], "tech@demo.example");
    problem(
        app.post(&format!("/api/v1/projects/{id}/messages"), Some(&fred), json!({"subject": "x", "body": "y"})).await,
        404,
    )
    .await;
});
