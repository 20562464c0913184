//! A ticket's notes: list and add.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_app::events::{self, Event};
use clientdesk_app::ticket_notices::{self, Happened};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::tickets as rules;
use clientdesk_persistence::tickets as store;
use clientdesk_persistence::write_tx;
use serde::Serialize;
use utoipa::ToSchema;

use super::access;
use super::input::NoteInput;
use super::view::{Context, Person};
use crate::errors::{ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::json::Json;
use crate::paging::{self, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::state::AppState;

/// A note on a ticket.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "author": {"id": 5, "name": "Pat User"}, "body": "It jammed again at 10:15.",
    "internal": false, "created_at": "2026-11-23T09:15:00Z"}))]
pub struct NoteView {
    pub id: i64,
    pub author: Person<'static>,
    pub body: String,
    /// Staff-only notes; customers never see them.
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

/// List a ticket's notes, oldest first (customers: public notes only).
#[utoipa::path(tag = "tickets", operation_id = "listTicketNotes", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of notes", body = Paged<NoteView>),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 422, description = "Invalid limit or cursor", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    page: crate::query::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let (limit, after) = page.resolve()?;
    let page = state
        .run(move |conn| {
            let (auth, access) = access::authenticate_and_load(conn, caller, id)?;
            let notes = store::notes(conn, id, access.viewer.is_staff(), after, limit)?;
            let authors: Vec<UserId> = notes.items.iter().map(|n| n.author_id).collect();
            let ctx = Context::load(conn, &auth, &access.catalog, &[], &authors)?;
            Ok(Paged {
                items: notes
                    .items
                    .into_iter()
                    .map(|n| NoteView {
                        id: n.id,
                        author: ctx.person(n.author_id, &access.viewer).into_owned(),
                        body: n.body,
                        internal: n.internal,
                        created_at: n.created_at,
                    })
                    .collect(),
                next_cursor: paging::cursor(notes.next_after),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Add a note to a ticket. Customers add public notes to tickets they may change; staff may add
/// internal notes, which customers never see. A public note by someone else e-mails the
/// ticket's requester; a customer's note e-mails the assigned technician (or, on an unassigned
/// ticket, the provider's staff). Each as the company's settings and the recipient's own
/// choices (`/api/v1/me/notifications`) allow, folded with the recipient's other messages about
/// the ticket within a minute.
#[utoipa::path(tag = "tickets", operation_id = "addTicketNote", security(("bearer" = [])),
    params(("ticket_id" = i64, Path)), request_body = NoteInput,
    responses(
        (status = 201, description = "Added", body = NoteView),
        (status = 403, description = "You may read this ticket but not change it", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 409, description = "The ticket is billed", body = Problem),
        (status = 422, description = "Invalid input (customers cannot add internal notes)", body = Problem)))]
#[post("/api/v1/tickets/{ticket_id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<NoteInput>,
) -> ApiResult<HttpResponse> {
    let (id, body) = (path.into_inner(), body.into_inner());
    let text = body.checked_body()?;
    let links = state.settings.links.clone();
    let note = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let access = access::load(conn, &auth, id)?;
                access.require_update()?;
                rules::may_add_note(&access.viewer, body.internal)?;
                let (author, now) = (auth.principal.user_id, Utc::now());
                let note = store::add_note(conn, &access.ticket, author, &text, body.internal, now)?;
                let happened = Happened::Note { text: &text, internal: body.internal };
                ticket_notices::ticket_event(conn, &auth.tenant, &links, &access.ticket, &auth.user, happened, now)?;
                let (ticket, internal) = (&access.ticket, note.internal);
                let added = Event::NoteAdded { ticket, note_id: note.id, author_id: author.0, internal, body: &text };
                events::emit(conn, auth.tenant.id, added)?;
                let ctx = Context::load(conn, &auth, &access.catalog, &[], &[note.author_id])?;
                Ok(NoteView {
                    id: note.id,
                    author: ctx.person(note.author_id, &access.viewer).into_owned(),
                    body: note.body,
                    internal: note.internal,
                    created_at: note.created_at,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(note))
}
