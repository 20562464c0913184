//! A ticket's SLA state, computed from its history: pauses and resumptions, the first public
//! staff note, plan changes, and who sees it.

use reqwest::Method;
use serde_json::{json, Value};

use super::{at, backdate, default_plan, note};
use crate::harness::TestApp;
use crate::on_both;
use crate::tickets::{companies, company_settings, create, ok, patch, ticket};

async fn sla_of(app: &TestApp, token: &str, id: i64) -> Value {
    ok(app.get(&ticket(id), token).await).await["sla"].clone()
}

on_both!(the_clocks_follow_status_changes_and_the_first_public_staff_note, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let customer = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let id = create(&app, &customer, contoso, json!({"title": "Printer", "description": "Jams", "priority": "normal"}))
        .await["id"]
        .as_i64()
        .unwrap();

    // No plan yet: no SLA.
    assert!(sla_of(&app, &tech, id).await.is_null());
    default_plan(&app, &admin).await;
    let sla = sla_of(&app, &tech, id).await;
    assert_eq!(sla["clock"], "running");
    assert_eq!(
        (sla["first_response"]["outcome"].clone(), sla["first_response"]["target_minutes"].clone()),
        (json!("pending"), json!(60))
    );
    assert!(sla["resolution"]["due_at"].is_string());

    // Waiting on the customer pauses the resolution clock; the answer to the change says so.
    let paused = ok(patch(&app, &tech, id, json!({"status": "waiting_customer"})).await).await["sla"].clone();
    assert_eq!(paused["clock"], "paused");
    assert!(paused["resolution"]["due_at"].is_null());
    let resumed = ok(patch(&app, &tech, id, json!({"status": "in_progress"})).await).await["sla"].clone();
    assert_eq!(resumed["clock"], "running");
    assert!(resumed["resolution"]["due_at"].is_string());

    // A customer's note and an internal staff note answer nothing; a public staff note does.
    note(&app, &customer, id, false).await;
    note(&app, &tech, id, true).await;
    assert_eq!(sla_of(&app, &tech, id).await["first_response"]["outcome"], "pending");
    note(&app, &tech, id, false).await;
    let answered = sla_of(&app, &tech, id).await;
    assert_eq!(answered["first_response"]["outcome"], "met");
    assert!(answered["first_response"]["completed_at"].is_string());

    // Pause again, resume, resolve: with the history set at known times the figures are exact.
    // Lines after the creation: waiting, in progress, customer note, internal note, public note,
    // then waiting, open, resolved.
    ok(patch(&app, &tech, id, json!({"status": "waiting_customer"})).await).await;
    ok(patch(&app, &tech, id, json!({"status": "open"})).await).await;
    ok(patch(&app, &tech, id, json!({"status": "resolved"})).await).await;
    let times = [
        "2026-10-05 09:30",
        "2026-10-05 10:30",
        "2026-10-05 10:40",
        "2026-10-05 10:45",
        "2026-10-05 10:50",
        "2026-10-05 11:00",
        "2026-10-05 13:00",
        "2026-10-05 14:00",
    ];
    backdate(&app, id, at("2026-10-05 09:00"), times.iter().map(|t| at(t)).collect()).await;
    let done = sla_of(&app, &tech, id).await;
    assert_eq!(done["clock"], "stopped");
    // Answered 1 h 50 after the opening: a breach by 50 minutes.
    assert_eq!(done["first_response"]["outcome"], "breached");
    assert_eq!(done["first_response"]["remaining_minutes"], -50);
    assert_eq!(done["first_response"]["completed_at"], "2026-10-05T10:50:00Z");
    // Ran 09:00-09:30, 10:30-11:00 and 13:00-14:00: two of the four hours.
    assert_eq!(done["resolution"]["outcome"], "met");
    assert_eq!(done["resolution"]["remaining_minutes"], 120);
    assert_eq!(done["resolution"]["due_at"], "2026-10-05T16:00:00Z");
});

on_both!(customers_see_the_sla_only_where_due_dates_are_shown, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let customer = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    default_plan(&app, &admin).await;
    let id = create(&app, &customer, contoso, json!({"title": "VPN", "description": "Drops", "priority": "normal"}))
        .await["id"]
        .as_i64()
        .unwrap();
    assert!(sla_of(&app, &customer, id).await.is_null());
    assert!(sla_of(&app, &admin, id).await.is_object());
    company_settings(&app, &admin, contoso, json!({"due_dates_shown": true})).await;
    assert_eq!(sla_of(&app, &customer, id).await["first_response"]["target_minutes"], 60);
});

on_both!(a_plan_or_priority_change_moves_the_targets, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let customer = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let plan = default_plan(&app, &admin).await;
    let id = create(&app, &customer, contoso, json!({"title": "Mail", "description": "Full", "priority": "normal"}))
        .await["id"]
        .as_i64()
        .unwrap();
    // The plan promises nothing for urgent tickets until it is changed to.
    let raised = ok(patch(&app, &admin, id, json!({"provider_priority": "urgent"})).await).await["sla"].clone();
    assert!(raised["first_response"].is_null());
    let path = format!("/api/v1/sla/plans/{}", plan["id"]);
    let targets = json!({"targets": {"normal": {"first_response_minutes": 60},
        "urgent": {"first_response_minutes": 15, "resolution_minutes": 60}}});
    ok(app.send(Method::PATCH, &path, &admin, targets).await).await;
    let sla = sla_of(&app, &admin, id).await;
    assert_eq!(
        (sla["first_response"]["target_minutes"].clone(), sla["resolution"]["target_minutes"].clone()),
        (json!(15), json!(60))
    );
    // The provider's priority cleared: the requester's normal applies again.
    let lowered = ok(patch(&app, &admin, id, json!({"provider_priority": null})).await).await["sla"].clone();
    assert_eq!(lowered["first_response"]["target_minutes"], 60);
    assert!(lowered["resolution"].is_null());
});

on_both!(the_trail_kept_with_a_ticket_is_the_one_its_history_rebuilds, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let customer = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let id = create(&app, &customer, contoso, json!({"title": "Disk", "description": "Full", "priority": "low"})).await
        ["id"]
        .as_i64()
        .unwrap();
    ok(patch(&app, &tech, id, json!({"status": "in_progress", "provider_priority": "high"})).await).await;
    note(&app, &customer, id, false).await;
    note(&app, &tech, id, true).await;
    note(&app, &tech, id, false).await;
    ok(patch(&app, &customer, id, json!({"priority": "urgent"})).await).await;
    ok(patch(&app, &tech, id, json!({"status": "resolved"})).await).await;

    let db = app.state.db.clone();
    let (kept, rebuilt) = tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::tickets;
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        let trail = tickets::table.filter(tickets::id.eq(id)).select(tickets::sla_trail);
        let kept: String = trail.first(&mut *conn).unwrap();
        crate::sla::rebuild_trails(&mut conn);
        (kept, trail.first::<String>(&mut *conn).unwrap())
    })
    .await
    .unwrap();
    // Status, provider priority, the public staff note, priority, status: five lines, the
    // customer's and the internal note leave none.
    let mut tags: Vec<&str> = kept.split_terminator(';').map(|line| line.split(':').nth(1).unwrap()).collect();
    tags.sort();
    assert_eq!(tags, ["n", "p", "s", "s", "v"], "{kept}");
    assert_eq!(kept, rebuilt);
});
