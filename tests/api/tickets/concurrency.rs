//! Safe concurrent work: unique ticket numbers under concurrent creation, If-Match races with one
//! winner, and concurrent changes of different fields without If-Match that both land.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::TestApp;
use crate::on_both;

/// Sends the requests at once (one task each); their statuses and bodies in order.
async fn all_at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| {
            tokio::spawn(async move {
                let res = r.send().await.unwrap();
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

on_both!(fifty_concurrent_creations_get_fifty_distinct_numbers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let requests = (0..50)
        .map(|i| {
            let token = if i % 2 == 0 { &user } else { &plus };
            app.request(Method::POST, &company_tickets(contoso), Some(token))
                .json(&json!({"title": format!("Load {i}")}))
        })
        .collect();
    let answers = all_at_once(requests).await;
    let mut numbers = HashSet::new();
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
        assert!(numbers.insert(body["number"].as_i64().unwrap()), "number {} twice", body["number"]);
    }
    assert_eq!(numbers.len(), 50);
    let all = items(&app, &admin, "/api/v1/tickets").await;
    assert_eq!(all.len(), 55);
    let stored: HashSet<i64> = all.iter().map(|t| t["number"].as_i64().unwrap()).collect();
    assert_eq!(stored, (1..=55).collect(), "no gaps, no reuse");
    // Committed together (on SQLite, many in one transaction), every one is in the search index.
    assert_eq!(items(&app, &admin, "/api/v1/tickets?q=load").await.len(), 50);
});

on_both!(concurrent_patches_with_one_if_match_have_one_winner, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    for round in 0..5 {
        let res = app.get(&ticket(printer), &plus).await;
        let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_owned();
        let version = res.json::<Value>().await.unwrap()["version"].as_i64().unwrap();
        let requests = vec![
            app.request(Method::PATCH, &ticket(printer), Some(&plus))
                .header("If-Match", &etag)
                .json(&json!({"title": format!("Customer's title {round}")})),
            app.request(Method::PATCH, &ticket(printer), Some(&admin))
                .header("If-Match", &etag)
                .json(&json!({"title": format!("Staff's title {round}")})),
        ];
        let answers = all_at_once(requests).await;
        let mut statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        statuses.sort();
        assert_eq!(statuses, [200, 412], "round {round}: {answers:?}");
        let winner = &answers.iter().find(|(s, _)| *s == 200).unwrap().1;
        let now = ok(app.get(&ticket(printer), &admin).await).await;
        assert_eq!(now["version"], version + 1, "one change only");
        assert_eq!(now["title"], winner["title"], "the winner's change is what is stored");
    }
    // Close and reopen honour If-Match too.
    let res = app
        .request(Method::POST, &format!("/api/v1/tickets/{printer}/close"), Some(&plus))
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    crate::harness::problem(res, 412).await;
});

on_both!(concurrent_changes_of_different_fields_without_if_match_both_land, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let tech_id = my_id(&app, &tech).await;
    for round in 0..5 {
        let start = ok(app.get(&ticket(printer), &admin).await).await["version"].as_i64().unwrap();
        let requests = vec![
            app.request(Method::PATCH, &ticket(printer), Some(&plus)).json(&json!({"title": format!("T{round}")})),
            app.request(Method::PATCH, &ticket(printer), Some(&plus))
                .json(&json!({"description": format!("D{round}")})),
            app.request(Method::PATCH, &ticket(printer), Some(&tech))
                .json(&json!({"worked_minutes": 10 + round, "assignee_id": tech_id})),
            app.request(Method::PATCH, &ticket(printer), Some(&admin))
                .json(&json!({"custom_fields": {"cost_center": format!("CC-{round}")}})),
            app.request(Method::POST, &format!("/api/v1/tickets/{printer}/notes"), Some(&plus))
                .json(&json!({"body": format!("note {round}")})),
        ];
        let answers = all_at_once(requests).await;
        for (status, body) in &answers {
            assert!(*status == 200 || *status == 201, "round {round}: {status} {body}");
        }
        let now = ok(app.get(&ticket(printer), &admin).await).await;
        assert_eq!(now["title"], format!("T{round}"), "{now}");
        assert_eq!(now["description"], format!("D{round}"));
        assert_eq!(now["worked_minutes"], 10 + round);
        assert_eq!(now["assignee"]["id"], tech_id);
        assert_eq!(now["custom_fields"]["cost_center"], format!("CC-{round}"));
        assert_eq!(now["custom_fields"].as_object().unwrap().len(), 1, "{now}");
        assert_eq!(now["version"], start + 5, "every change counted once");
    }
    let notes = items(&app, &admin, &format!("/api/v1/tickets/{printer}/notes")).await;
    assert_eq!(notes.len(), 5);
});

on_both!(a_retry_racing_the_first_request_with_its_idempotency_key_creates_one_ticket, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let before = items(&app, &admin, "/api/v1/tickets").await.len();
    let requests = (0..6)
        .map(|_| {
            app.request(Method::POST, &company_tickets(contoso), Some(&user))
                .header("Idempotency-Key", "double-click")
                .json(&json!({"title": "Double click"}))
        })
        .collect();
    let answers = all_at_once(requests).await;
    let created: HashSet<i64> =
        answers.iter().filter(|(s, _)| *s == 201).map(|(_, b)| b["id"].as_i64().unwrap()).collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    for (status, body) in &answers {
        assert!(*status == 201 || *status == 409, "{status} {body}");
    }
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), before + 1);
});

on_both!(many_concurrent_changes_without_if_match_all_land, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let start = ok(app.get(&ticket(printer), &admin).await).await["version"].as_i64().unwrap();
    // Twelve writers at once, each on its own field or custom field key.
    let mut requests = Vec::new();
    for (token, body) in [
        (&plus, json!({"title": "T"})),
        (&plus, json!({"description": "D"})),
        (&plus, json!({"priority": "urgent"})),
        (&plus, json!({"custom_fields": {"site": "Berlin"}})),
        (&admin, json!({"custom_fields": {"cost_center": "CC-7"}})),
        (&admin, json!({"worked_minutes": 7})),
        (&admin, json!({"billed_minutes": 5})),
        (&admin, json!({"provider_priority": "low"})),
        (&admin, json!({"status": "in_progress"})),
        (&admin, json!({"due_at": "2026-12-24T12:00:00Z"})),
        (&plus, json!({"request_type_id": null})),
        (&admin, json!({"queue_id": null, "billed": false, "contact_id": null, "assignee_id": null, "title": "T"})),
    ] {
        requests.push(app.request(Method::PATCH, &ticket(printer), Some(token)).json(&body));
    }
    let answers = all_at_once(requests).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
    }
    let now = ok(app.get(&ticket(printer), &admin).await).await;
    assert_eq!(
        (now["title"].as_str(), now["description"].as_str(), now["priority"].as_str(), now["status"].as_str()),
        (Some("T"), Some("D"), Some("urgent"), Some("in_progress"))
    );
    assert_eq!(now["custom_fields"], json!({"site": "Berlin", "cost_center": "CC-7"}));
    assert_eq!((now["worked_minutes"].as_i64(), now["billed_minutes"].as_i64()), (Some(7), Some(5)));
    assert_eq!(now["provider_priority"], "low");
    assert_eq!(now["due_at"], "2026-12-24T12:00:00Z");
    assert!(now.get("request_type").is_none());
    // Eleven changes: the title is set twice to the same value, which changes it once.
    assert_eq!(now["version"], start + 11);
});

on_both!(concurrent_saves_of_settings_and_closes_do_not_fail, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    // The first save of a tenant's ticket settings creates their row: concurrent ones must not clash.
    let requests = (0..4)
        .map(|i| {
            app.request(Method::PUT, "/api/v1/tenant/ticket-settings", Some(&admin))
                .json(&json!({"reopen_allowed": i % 2 == 0}))
        })
        .collect();
    for (status, body) in all_at_once(requests).await {
        assert_eq!(status, 200, "{body}");
    }
    // Closing twice at once: both see a closed ticket, one change in the history.
    let requests =
        (0..2).map(|_| app.request(Method::POST, &format!("/api/v1/tickets/{printer}/close"), Some(&user))).collect();
    for (status, body) in all_at_once(requests).await {
        assert_eq!((status, body["status"].as_str()), (200, Some("closed")), "{body}");
    }
    let lines = history(&app, &admin, printer).await;
    assert_eq!(lines.iter().filter(|l| l["field"] == "status").count(), 1, "{lines:?}");
});
