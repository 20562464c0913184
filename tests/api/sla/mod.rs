//! SLA: calendars and plans (staff only), the plan each company follows, a ticket's SLA state
//! computed from its history, and the monthly report per company.

mod report;
mod setup;
mod state;

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use crate::harness::TestApp;
use crate::tickets::{ok, status};

/// Open every day around the clock in UTC, so that business time is wall-clock time.
pub fn always_open() -> Value {
    let day = || json!([{"start": "00:00", "end": "24:00"}]);
    json!({"name": "Around the clock", "time_zone": "UTC", "hours": {"monday": day(), "tuesday": day(),
        "wednesday": day(), "thursday": day(), "friday": day(), "saturday": day(), "sunday": day()}})
}

/// A calendar open around the clock and a default plan on it: normal tickets are answered within
/// an hour and resolved within four, waiting on the customer pauses. Returns the plan.
pub async fn default_plan(app: &TestApp, staff: &str) -> Value {
    let calendar = status(app.post("/api/v1/sla/calendars", Some(staff), always_open()).await, 201).await;
    let plan = json!({"name": "Standard", "calendar_id": calendar["id"], "default": true,
        "targets": {"normal": {"first_response_minutes": 60, "resolution_minutes": 240}},
        "pause_statuses": ["waiting_customer"]});
    status(app.post("/api/v1/sla/plans", Some(staff), plan).await, 201).await
}

/// `2026-10-05 09:00` as stored.
pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Rebuilds every ticket's SLA trail from its history with the statement the migration that
/// introduced trails ran on existing tickets.
pub fn rebuild_trails(conn: &mut clientdesk_persistence::DbConnection) {
    use diesel::RunQueryDsl;
    let backend = match conn {
        clientdesk_persistence::DbConnection::Sqlite(_) => "sqlite",
        clientdesk_persistence::DbConnection::Pg(_) => "postgres",
    };
    let path = format!("{}/migrations/{backend}/2026-12-07-000034_sla_trail/up.sql", env!("CARGO_MANIFEST_DIR"));
    let up = std::fs::read_to_string(path).unwrap();
    let update = &up[up.find("UPDATE tickets").expect("the migration fills the trails")..];
    diesel::sql_query(update).execute(conn).unwrap();
}

/// Moves a ticket's opening to `opened` and its later history lines, in order, to `times` (the
/// ticket's SLA trail follows).
pub async fn backdate(app: &TestApp, ticket: i64, opened: NaiveDateTime, times: Vec<NaiveDateTime>) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::{ticket_events, tickets};
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        diesel::update(tickets::table.filter(tickets::id.eq(ticket)))
            .set(tickets::created_at.eq(opened))
            .execute(&mut *conn)
            .unwrap();
        let ids: Vec<i64> = ticket_events::table
            .filter(ticket_events::ticket_id.eq(ticket))
            .order(ticket_events::id)
            .select(ticket_events::id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(ids.len(), times.len() + 1, "one time for each line after the creation");
        for (id, time) in ids.into_iter().zip(std::iter::once(opened).chain(times)) {
            diesel::update(ticket_events::table.filter(ticket_events::id.eq(id)))
                .set(ticket_events::created_at.eq(time))
                .execute(&mut *conn)
                .unwrap();
        }
        rebuild_trails(&mut conn);
    })
    .await
    .unwrap();
}

/// A public (or internal) note by `token`.
pub async fn note(app: &TestApp, token: &str, ticket: i64, internal: bool) {
    let body = json!({"body": "Looking into it.", "internal": internal});
    ok(app.post(&format!("/api/v1/tickets/{ticket}/notes"), Some(token), body).await).await;
}
