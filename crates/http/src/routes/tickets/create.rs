//! Opening a ticket.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use clientdesk_app::tickets::{self as use_case, Opener};
use clientdesk_domain::entities::{Tenant, User};
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_persistence::DbConnection;

use super::input::NewTicketInput;
use super::view::{Context, TicketView};
use super::{access, input};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::idempotency;
use crate::json::Json;
use crate::respond::JsonBody;
use crate::state::AppState;

/// Open a ticket in a company.
///
/// Customers need `tickets_create` in the company; they may set the priority, request type and
/// contact only where those fields are editable for customers, the service provider's priority
/// only with `priority_set`, and only request types the company may use. Staff open tickets on
/// behalf of a member (`requester_id`). Send an `Idempotency-Key` to make retries safe.
///
/// A ticket a customer opens e-mails the provider's staff (nobody is assigned yet) and sends its
/// requester a confirmation, as the company's settings and each recipient's own choices allow.
#[utoipa::path(tag = "tickets", operation_id = "createTicket", security(("bearer" = [])),
    params(("company_id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body give the first answer")),
    request_body = NewTicketInput,
    responses(
        (status = 201, description = "Created", body = TicketView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Your roles do not allow opening tickets, or ticketing is off", body = Problem),
        (status = 404, description = "Not a company of yours", body = Problem),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = Problem),
        (status = 422, description = "Invalid input, a field you may not set, or an Idempotency-Key reused with another body", body = Problem)))]
#[post("/api/v1/companies/{company_id}/tickets")]
pub async fn create_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<i64>,
    body: Json<NewTicketInput>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let body = body.into_inner();
    body.check_shape()?;
    let links = state.settings.links.clone();
    let Some(key) = idempotency::key_of(&req)? else {
        // Nothing to remember for a retry: the ticket and its messages are one committed write,
        // answered once committed.
        let body = state
            .run(move |conn| {
                let auth = caller.authenticate(conn)?;
                let (checked, user, tenant) = check_creation(conn, auth, company, body)?;
                let by = Opener { user: &user, tenant: &tenant, links: &links };
                checked.write(|new| use_case::open(conn, new, &by, Utc::now()))
            })
            .await?;
        return Ok(HttpResponse::Created().json_bytes(body));
    };
    let fingerprint = serde_json::to_vec(&(req.path(), &body)).map_err(|e| ApiError::Internal(e.to_string()))?;
    idempotency::once(
        &state,
        caller,
        Some(key),
        &fingerprint,
        move |conn, auth| check_creation(conn, auth, company, body),
        move |conn, (checked, user, tenant)| {
            let by = Opener { user: &user, tenant: &tenant, links: &links };
            Ok((StatusCode::CREATED, checked.write(|new| use_case::open_within(conn, new, &by, Utc::now()))?))
        },
    )
    .await
}

/// Checks a new ticket and takes its number (see `use_case::prepare_opening`); also returns who
/// opens it, whom the history names (the staff member, when staff open it for a member), and
/// the tenant.
fn check_creation(
    conn: &mut DbConnection,
    auth: Auth,
    company: CompanyId,
    body: NewTicketInput,
) -> ApiResult<(input::CheckedTicket, User, Tenant)> {
    let catalog = auth.catalogs.get(conn, &auth.tenant)?;
    let opening =
        use_case::prepare_opening(conn, &access::actor(&auth), access::catalogue(&catalog), company, body.into())?;
    let people: Vec<UserId> = std::iter::once(opening.ticket.requester_id).chain(opening.ticket.contact_id).collect();
    let ctx = Context::load(conn, &auth, &catalog, &[], &people)?;
    let (viewer, may_update) = (opening.reading.viewer, opening.reading.may_update);
    Ok((input::CheckedTicket { ticket: opening.ticket, viewer, may_update, ctx }, auth.user, auth.tenant))
}
