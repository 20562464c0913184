//! A validation's view names who was asked, who decided what and when, and who still has to
//! decide; a change request's view names the change managers asked. Decisions reach staff.

use serde_json::{json, Value};

use super::{language, pats_ticket, to, told, undelivered, ADMIN, PAT, TECH};
use crate::on_both;
use crate::tickets::{my_id, ok, patch, status};

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect()
}

on_both!(an_all_rule_validation_shows_who_still_has_to_decide, backend => |backend| async move {
    let app = undelivered(backend).await;
    let (ticket, _) = pats_ticket(&app, "Server upgrade").await;
    let staff = app.token(ADMIN).await;
    let body = json!({"question": "May we upgrade the server on Saturday?", "rule": "all"});
    let v = status(app.post(&format!("/api/v1/tickets/{ticket}/validations"), Some(&staff), body).await, 201).await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(names(&v["asked"]), ["Ann Approver", "Max Changes"], "{v}");
    assert_eq!(names(&v["awaiting"]), ["Ann Approver", "Max Changes"]);
    assert!(v["decisions"].as_array().unwrap().is_empty());

    let ann = app.token("ann.approver@demo.example").await;
    let path = format!("/api/v1/validations/{id}/decision");
    let after = ok(app.post(&path, Some(&ann), json!({"decision": "accept", "comment": "Fine by me"})).await).await;
    assert_eq!(after["status"], "pending");
    assert_eq!(names(&after["awaiting"]), ["Max Changes"], "{after}");
    assert_eq!(after["decisions"][0]["by"]["name"], "Ann Approver");
    assert_eq!(after["decisions"][0]["decision"], "accept");
    assert!(after["decisions"][0]["at"].is_string());
    assert!(!told(&app, TECH, "Validation accepted").await, "not settled yet");

    // Everyone who reads the ticket sees the same lists; the requester too.
    let pat = app.token(PAT).await;
    let seen = ok(app.get(&format!("/api/v1/validations/{id}"), &pat).await).await;
    assert_eq!(names(&seen["awaiting"]), ["Max Changes"]);

    let max = app.token("max.changes@demo.example").await;
    let done = ok(app.post(&path, Some(&max), json!({"decision": "accept"})).await).await;
    assert_eq!(done["status"], "accepted");
    assert!(done["awaiting"].as_array().unwrap().is_empty(), "settled: nobody awaited");
    assert_eq!(names(&done["asked"]), ["Ann Approver", "Max Changes"]);
    // Unassigned: the staff hear of the outcome.
    assert!(told(&app, TECH, "Validation accepted: Server upgrade").await || told(&app, TECH, "by Max Changes").await);
    assert!(told(&app, ADMIN, "by Max Changes").await, "{:?}", to(&app, ADMIN).await);
});

on_both!(a_change_request_shows_the_managers_asked_and_its_decision_reaches_its_author, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(ADMIN).await;
    let (_, contoso) = pats_ticket(&app, "Unused").await;
    let tech = app.token(TECH).await;
    language(&app, &tech, "it").await;
    let change = json!({"title": "Replace the switch", "description": "24 ports", "reason": "Failing fans", "risk": "low"});
    let path = format!("/api/v1/companies/{contoso}/change-requests");
    let created = status(app.post(&path, Some(&tech), change).await, 201).await;
    assert_eq!(names(&created["asked"]), ["Max Changes"], "{created}");
    let id = created["id"].as_i64().unwrap();
    let max = app.token("max.changes@demo.example").await;
    let decided = format!("/api/v1/change-requests/{id}/decision");
    let res = app.post(&decided, Some(&max), json!({"decision": "reject", "comment": "Not before the audit"})).await;
    ok(res).await;
    let to_tech = to(&app, TECH).await;
    let mail = to_tech.iter().find(|(s, _)| s.contains("Replace the switch")).expect("the author is told");
    assert!(mail.0.contains("Richiesta di modifica respinta"), "in the author's language: {mail:?}");
    assert!(mail.1.contains("Max Changes") && mail.1.contains("Not before the audit"), "{}", mail.1);
    assert!(mail.1.contains(&format!("/change-requests/{id}")));
    assert!(!told(&app, ADMIN, "Replace the switch").await, "only its author");

    // A validation decided on an assigned ticket reaches the assignee alone.
    let (ticket, _) = pats_ticket(&app, "Disk swap").await;
    let tech_id = my_id(&app, &tech).await;
    ok(patch(&app, &staff, ticket, json!({"assignee_id": tech_id})).await).await;
    let v = status(
        app.post(&format!("/api/v1/tickets/{ticket}/validations"), Some(&staff), json!({"question": "Swap it?"})).await,
        201,
    )
    .await;
    let ann = app.token("ann.approver@demo.example").await;
    let path = format!("/api/v1/validations/{}/decision", v["id"]);
    ok(app.post(&path, Some(&ann), json!({"decision": "accept"})).await).await;
    assert!(told(&app, TECH, "Validazione accettata").await || told(&app, TECH, "è stata accettata").await);
    assert!(!told(&app, ADMIN, "Swap it?").await);
});
