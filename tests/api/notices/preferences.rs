//! `GET/PUT /api/v1/me/notifications`: each user switches kinds of ticket e-mail off for
//! itself; an opted-out user gets nothing of that kind, and other kinds still reach it.

use reqwest::Method;
use serde_json::json;

use super::{note, pats_ticket, to, told, undelivered, ADMIN, PAT, TECH};
use crate::harness::{fault, problem, TestApp};
use crate::on_both;
use crate::tickets::{my_id, ok, patch};

const PREFS: &str = "/api/v1/me/notifications";

on_both!(each_user_sees_and_switches_the_kinds_written_for_it, |app: TestApp| async move {
    let pat = app.token(PAT).await;
    let mine = ok(app.get(PREFS, &pat).await).await;
    assert_eq!(mine["audience"], "customer");
    assert_eq!(mine["kinds"], json!({"ticket_confirmation": true, "public_note": true, "ticket_resolved": true}));
    let changed = ok(app.send(Method::PUT, PREFS, &pat, json!({"kinds": {"public_note": false}})).await).await;
    assert_eq!(changed["kinds"], json!({"ticket_confirmation": true, "public_note": false, "ticket_resolved": true}));
    // Switching to what it is already is no change; switching back restores it.
    ok(app.send(Method::PUT, PREFS, &pat, json!({"kinds": {"public_note": false}})).await).await;
    assert_eq!(ok(app.get(PREFS, &pat).await).await, changed);

    // Staff kinds are not a customer's to switch, and unknown kinds are refused; nothing changes.
    let body = json!({"kinds": {"customer_note": false, "bogus": false, "ticket_resolved": false}});
    let refused = problem(app.send(Method::PUT, PREFS, &pat, body).await, 422).await;
    assert!(
        fault(&refused, "/kinds/customer_note").is_some() && fault(&refused, "/kinds/bogus").is_some(),
        "{refused}"
    );
    assert_eq!(ok(app.get(PREFS, &pat).await).await, changed);
    problem(app.send(Method::PUT, PREFS, &pat, json!({"kinds": {"public_note": "no"}})).await, 422).await;
    problem(app.send(Method::PUT, PREFS, &pat, json!({"kinds": {}, "extra": 1})).await, 422).await;

    let tech = app.token(TECH).await;
    let staff = ok(app.get(PREFS, &tech).await).await;
    assert_eq!(staff["audience"], "staff");
    assert_eq!(staff["kinds"].as_object().unwrap().len(), 5);
    assert_eq!(staff["kinds"]["customer_note"], true);
    let refused =
        problem(app.send(Method::PUT, PREFS, &tech, json!({"kinds": {"public_note": false}})).await, 422).await;
    assert!(fault(&refused, "/kinds/public_note").is_some());
    problem(app.client.get(app.url(PREFS)).send().await.unwrap(), 401).await;
});

on_both!(an_opted_out_user_gets_nothing_of_that_kind, backend => |backend| async move {
    let app = undelivered(backend).await;
    let (staff, tech, pat) = (app.token(ADMIN).await, app.token(TECH).await, app.token(PAT).await);
    ok(app.send(Method::PUT, PREFS, &pat, json!({"kinds": {"ticket_confirmation": false, "public_note": false}})).await)
        .await;
    ok(app.send(Method::PUT, PREFS, &tech, json!({"kinds": {"customer_note": false}})).await).await;
    let (ticket, _) = pats_ticket(&app, "Keyboard").await;
    assert!(to(&app, PAT).await.is_empty(), "no confirmation for who switched it off");
    note(&app, &tech, ticket, json!({"body": "Spare keyboard at the desk."})).await;
    assert!(!told(&app, PAT, "Spare keyboard").await);
    // An assignee who switched customer notes off is not told, and nobody is told instead.
    let tech_id = my_id(&app, &tech).await;
    ok(patch(&app, &staff, ticket, json!({"assignee_id": tech_id})).await).await;
    note(&app, &pat, ticket, json!({"body": "Works now, thanks."})).await;
    assert!(!told(&app, TECH, "Works now").await && !told(&app, ADMIN, "Works now").await);
    // Another kind still reaches each.
    ok(patch(&app, &staff, ticket, json!({"status": "resolved"})).await).await;
    assert!(told(&app, PAT, "was resolved").await, "{:?}", to(&app, PAT).await);
    // The portal ticket still reached it: that kind stays on.
    assert!(told(&app, TECH, "New ticket from Contoso Ltd: Keyboard").await);
});
