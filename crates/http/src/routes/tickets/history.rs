//! A ticket's history.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_persistence::tickets as store;
use serde::Serialize;
use utoipa::ToSchema;

use super::access;
use super::view::{Context, Person};
use crate::errors::{ApiResult, Problem};
use crate::extract::Caller;
use crate::paging::{self, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

/// One line of a ticket's history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "at": "2026-11-23T09:30:00Z", "actor": {"name": "Support team"},
    "kind": "updated", "field": "status", "old_value": "new", "new_value": "in_progress"}))]
pub struct HistoryEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<Person<'static>>,
    /// `created`, `updated` (one field), `note` (the note's id) or `attachment` (its file name).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
}

/// Read a ticket's history: who changed what, when. Customers do not see internal notes nor
/// changes of fields hidden from them. Paged: at most `limit` entries (default and at most 200);
/// `next_cursor` names the next page when there may be more.
#[utoipa::path(tag = "tickets", operation_id = "getTicketHistory", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of the history, oldest first", body = Paged<HistoryEntry>),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 422, description = "A limit out of range or a cursor not given out here", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}/history")]
pub async fn ticket_history(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let (limit, after) =
        PageQuery { limit: query.limit.or(Some(HISTORY_PAGE)), cursor: query.cursor.clone() }.resolve()?;
    let (entries, last) = state
        .run(move |conn| {
            let (auth, access) = access::authenticate_and_load(conn, caller, id)?;
            let events = store::events(conn, id, access.viewer.is_staff(), after, limit)?;
            // A full page may have more after it, even when some of it is hidden from the reader.
            let last = (events.len() as i64 == limit).then(|| events.last().map(|e| e.id)).flatten();
            let ctx = Context::load(conn, &auth, &access.catalog, &[], &Context::people_in(&events))?;
            let viewer = &access.viewer;
            Ok((
                events
                    .into_iter()
                    .filter(|e| ctx.sees_event(e, viewer))
                    .map(|e| HistoryEntry {
                        id: e.id,
                        at: e.created_at,
                        actor: e.actor_id.map(|a| ctx.person(a, viewer).into_owned()),
                        old_value: ctx.event_value(e.field.as_deref(), e.old_value, viewer),
                        new_value: ctx.event_value(e.field.as_deref(), e.new_value, viewer),
                        kind: e.kind,
                        field: e.field,
                    })
                    .collect::<Vec<_>>(),
                last,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(Paged { items: entries, next_cursor: paging::cursor(last) }))
}

/// The longest page of a ticket's history.
const HISTORY_PAGE: i64 = 200;
