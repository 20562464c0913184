//! A burst of events on one ticket within the fold window reaches each recipient as one
//! message; other tickets and other recipients keep their own.

use std::time::Duration as StdDuration;

use chrono::Duration;
use serde_json::json;

use super::{note, pats_ticket, to, ADMIN, PAT, TECH};
use crate::harness::TestApp;
use crate::on_both;
use crate::outbox::{eventually, with_sink};
use crate::tickets::{my_id, ok, patch};

on_both!(several_notes_within_a_minute_make_one_message_per_recipient, backend => |backend| async move {
    // The worker runs, but nothing is due before the minute is up.
    let app = TestApp::spawn_with(backend, |config| config.http.links.fold_window = Duration::seconds(60)).await;
    let (ticket, _) = pats_ticket(&app, "Scanner offline").await;
    let (other, _) = pats_ticket(&app, "Mouse broken").await;
    let (staff, tech, pat) = (app.token(ADMIN).await, app.token(TECH).await, app.token(PAT).await);
    let tech_id = my_id(&app, &tech).await;
    for t in [ticket, other] {
        ok(patch(&app, &staff, t, json!({"assignee_id": tech_id})).await).await;
    }
    for n in 1..=3 {
        note(&app, &pat, ticket, json!({"body": format!("Scanner note {n}")})).await;
    }
    note(&app, &pat, other, json!({"body": "Mouse note"})).await;

    let to_tech = to(&app, TECH).await;
    let scanner: Vec<_> = to_tech.iter().filter(|(s, _)| s.contains("Scanner offline")).collect();
    assert_eq!(scanner.len(), 1, "one message for the ticket: {to_tech:?}");
    let (subject, body) = scanner[0];
    assert!(subject.contains("4 updates: Scanner offline"), "the portal ticket and three notes: {subject}");
    let at = |text: &str| body.find(text).unwrap_or_else(|| panic!("{text} in {body}"));
    assert!(at("Scanner note 1") < at("Scanner note 2") && at("Scanner note 2") < at("Scanner note 3"));
    assert_eq!(body.matches(&format!("/tickets/{ticket}")).count(), 4, "each part links the ticket: {body}");
    let mouse: Vec<_> = to_tech.iter().filter(|(s, _)| s.contains("Mouse broken")).collect();
    assert_eq!(mouse.len(), 1, "another ticket has its own message");
    assert!(mouse[0].1.contains("Mouse note") && !mouse[0].1.contains("Scanner"));
    // The requester's own notes are not its news: only its two confirmations, one per ticket.
    assert_eq!(to(&app, PAT).await.len(), 2);

    // Nothing was sent yet: the message waits out the minute.
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    let listed = ok(app.get("/api/v1/outbox?limit=200", &staff).await).await;
    let pending = listed["items"].as_array().unwrap().iter().filter(|m| m["status"] == "pending").count();
    assert_eq!(pending, listed["items"].as_array().unwrap().len(), "{listed}");
});

on_both!(a_folded_burst_is_delivered_as_one_mail_over_smtp, backend => |backend| async move {
    let (app, sink) = with_sink(backend, |config| config.http.links.fold_window = Duration::seconds(3)).await;
    let (ticket, _) = pats_ticket(&app, "Monitor flickers").await;
    let (staff, tech, pat) = (app.token(ADMIN).await, app.token(TECH).await, app.token(PAT).await);
    let tech_id = my_id(&app, &tech).await;
    ok(patch(&app, &staff, ticket, json!({"assignee_id": tech_id})).await).await;
    for n in 1..=2 {
        note(&app, &pat, ticket, json!({"body": format!("Flicker note {n}")})).await;
    }
    let mail = eventually("the folded mail to reach tech", || async {
        sink.received().into_iter().find(|m| m.to == [TECH])
    })
    .await;
    let parsed = mail_parser::MessageParser::default().parse(&mail.data).expect("a parsable message");
    let body = parsed.body_text(0).unwrap_or_default().replace("\r\n", "\n");
    assert!(body.contains("Flicker note 1") && body.contains("Flicker note 2"), "{body}");
    assert!(parsed.subject().unwrap_or_default().contains("updates: Monitor flickers"));
    // Nothing else follows for tech: the burst was one message.
    tokio::time::sleep(StdDuration::from_secs(4)).await;
    assert_eq!(sink.received().iter().filter(|m| m.to == [TECH]).count(), 1);
});
