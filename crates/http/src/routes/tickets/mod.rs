//! Tickets for customers and staff: list and search, open, read, change (with ETag / If-Match),
//! close and reopen, notes, history, and the form a front end draws to open one.

pub mod access;
mod change;
mod create;
mod form;
mod history;
pub mod input;
mod list;
mod notes;
pub mod view;

pub use self::form::{FormCustomField, FormField, TicketForm};
pub use self::history::HistoryEntry;
pub use self::list::TicketQuery;
pub use self::notes::NoteView;

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpResponse};
use clientdesk_persistence::DbConnection;

use self::access::{TicketAccess, Viewer};
use self::view::{Context, TicketView};
use crate::errors::{ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::preconditions::tagged;
use crate::respond::{self, JsonBody};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list::list_company_tickets)
        .service(create::create_ticket)
        .service(form::ticket_form)
        .service(list::list_tickets)
        .service(get_ticket)
        .service(change::update_ticket)
        .service(change::close_ticket)
        .service(change::reopen_ticket)
        .service(notes::list_notes)
        .service(notes::add_note)
        .service(history::ticket_history);
}

/// A ticket written as its reader sees it, and its version.
struct Rendered {
    version: i64,
    body: Bytes,
}

/// The answer to a read or change of one ticket, with its version as the ETag.
fn ticket_response(status: StatusCode, ticket: Rendered) -> HttpResponse {
    tagged(status, ticket.version).json_bytes(ticket.body)
}

fn render(conn: &mut DbConnection, auth: &Auth, access: &TicketAccess) -> ApiResult<Rendered> {
    let ctx = Context::for_ticket(conn, auth, &access.catalog, &access.ticket, &access.people)?;
    let mut view = ctx.view(&access.ticket, &access.viewer, access.may_update);
    // Due dates are the customer's to see only where the company shows them.
    let shown = match &access.viewer {
        Viewer::Member { settings, .. } => settings.due_dates_shown,
        _ => true,
    };
    if shown {
        view.sla = clientdesk_app::sla::ticket_state(&access.catalog.sla, &access.ticket, chrono::Utc::now());
    }
    let body = respond::to_json(view)?;
    Ok(Rendered { version: access.ticket.version, body })
}

/// Read a ticket. Sends its version as the `ETag`.
#[utoipa::path(tag = "tickets", operation_id = "getTicket", security(("bearer" = [])),
    params(("ticket_id" = i64, Path)),
    responses(
        (status = 200, description = "The ticket", body = TicketView,
            headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}")]
pub async fn get_ticket(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            let (auth, access) = access::authenticate_and_load(conn, caller, id)?;
            render(conn, &auth, &access)
        })
        .await?;
    Ok(ticket_response(StatusCode::OK, view))
}
