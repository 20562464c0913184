//! Changing a ticket (with ETag / If-Match), closing and reopening it.

use actix_web::http::StatusCode;
use actix_web::{patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::notify::LinkSettings;
use clientdesk_app::ticket_notices::{self, Happened};
use clientdesk_app::tickets::{self as use_case, Edit};
use clientdesk_domain::tickets::{self as rules, StatusRequest};
use clientdesk_persistence::{write_tx, DbConnection};

use super::access::TicketAccess;
use super::input::TicketPatch;
use super::view::TicketView;
use super::{access, render, ticket_response, Rendered};
use crate::errors::{ApiResult, Problem};
use crate::extract::Auth;
use crate::json::Json;
use crate::preconditions::{check_if_match, if_match};
use crate::state::AppState;

/// Change a ticket.
///
/// Send only the fields to change. Customers change only the fields editable for them (see the
/// ticket's `editable_fields` and the ticket form); any other field, including hidden and
/// read-only ones, is refused with a 422 naming it. A billed ticket is read-only for customers
/// (409). Send `If-Match` with the ETag you read to make sure you do not overwrite someone else's
/// change (412 when the ticket changed since); without it, the fields you send are applied to the
/// current ticket.
#[utoipa::path(tag = "tickets", operation_id = "updateTicket", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = TicketPatch,
    responses(
        (status = 200, description = "The changed ticket", body = TicketView,
            headers(("ETag" = String, description = "The new version"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "You may read this ticket but not change it", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 409, description = "The ticket is billed", body = Problem),
        (status = 412, description = "The ticket changed since you read it", body = Problem),
        (status = 422, description = "Invalid input, or a field you may not change", body = Problem)))]
#[patch("/api/v1/tickets/{ticket_id}")]
pub async fn update_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<TicketPatch>,
) -> ApiResult<HttpResponse> {
    let (id, if_match) = (path.into_inner(), if_match(&req));
    let changes = rules::Changes::from(body.into_inner());
    changes.check_shape()?;
    let links = state.settings.links.clone();
    let edit = Edit::Fields(changes);
    let view = state
        .run(move |conn| write_tx(conn, |conn| change(conn, &auth, &links, id, if_match.as_deref(), &edit)))
        .await?;
    Ok(ticket_response(StatusCode::OK, view))
}

/// Changes the ticket as the caller asks (see `use_case::change`) and renders it.
/// A change of status e-mails whom it concerns (see `ticket_notices`).
fn change(
    conn: &mut DbConnection,
    auth: &Auth,
    links: &LinkSettings,
    id: i64,
    if_match: Option<&str>,
    edit: &Edit,
) -> ApiResult<Rendered> {
    let catalog = auth.catalogs.get(conn, &auth.tenant)?;
    let matches = |version| check_if_match(if_match, version).is_ok();
    let precondition = if_match.map(|_| &matches as &dyn Fn(i64) -> bool);
    let changed = use_case::change(conn, &access::actor(auth), access::catalogue(&catalog), id, precondition, edit)?;
    if changed.ticket.status != changed.previous_status {
        let happened = Happened::StatusChanged { from: changed.previous_status };
        ticket_notices::ticket_event(conn, &auth.tenant, links, &changed.ticket, &auth.user, happened, Utc::now())?;
    }
    let access = TicketAccess {
        ticket: changed.ticket,
        viewer: changed.reading.viewer,
        may_update: changed.reading.may_update,
        catalog,
        people: changed.people,
    };
    render(conn, auth, &access)
}

/// Close a ticket (customers who may change it, and staff).
#[utoipa::path(tag = "tickets", operation_id = "closeTicket", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The closed ticket (unchanged if it was closed already)", body = TicketView,
            headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 403, description = "You may read this ticket but not change it", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 409, description = "The ticket is billed", body = Problem),
        (status = 412, description = "The ticket changed since you read it", body = Problem)))]
#[post("/api/v1/tickets/{ticket_id}/close")]
pub async fn close_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_status(state, req, auth, path.into_inner(), StatusRequest::Close).await
}

/// Reopen a closed ticket. Customers may only where the provider allows reopening.
#[utoipa::path(tag = "tickets", operation_id = "reopenTicket", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The reopened ticket", body = TicketView,
            headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
        (status = 403, description = "You may not change this ticket, or the provider does not allow reopening", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 409, description = "The ticket is not closed, or it is billed", body = Problem),
        (status = 412, description = "The ticket changed since you read it", body = Problem)))]
#[post("/api/v1/tickets/{ticket_id}/reopen")]
pub async fn reopen_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    set_status(state, req, auth, path.into_inner(), StatusRequest::Reopen).await
}

async fn set_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    request: StatusRequest,
) -> ApiResult<HttpResponse> {
    let (if_match, links) = (if_match(&req), state.settings.links.clone());
    let edit = Edit::Status(request);
    let view = state
        .run(move |conn| write_tx(conn, |conn| change(conn, &auth, &links, id, if_match.as_deref(), &edit)))
        .await?;
    Ok(ticket_response(StatusCode::OK, view))
}
