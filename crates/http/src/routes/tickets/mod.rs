//! Tickets for customers and staff: list and search, open, read, change (with ETag / If-Match),
//! close and reopen, notes, history, and the form a front end draws to open one.

pub mod access;
pub mod catalog_cache;
pub mod input;
pub mod view;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::roles::Permission;
use clientdesk_domain::tickets::{Change, CustomFieldKind, CustomVisibility, Field, Priority, Status, Visibility};
use clientdesk_persistence::session::AccessVersion;
use clientdesk_persistence::tickets::{self as store, SearchWord, SortKey, TicketFilter};
use clientdesk_persistence::{companies, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use self::access::{TicketAccess, Viewer};
use self::input::{NewTicketInput, NoteInput, TicketPatch};
use self::view::{Context, Named, Person, TicketView};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::idempotency;
use crate::json::Json;
use crate::paging::{self, PageQuery, Paged};
use crate::preconditions::{check_if_match, etag, if_match};
use crate::respond::{self, JsonBody};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_company_tickets)
        .service(create_ticket)
        .service(ticket_form)
        .service(list_tickets)
        .service(get_ticket)
        .service(update_ticket)
        .service(close_ticket)
        .service(reopen_ticket)
        .service(list_notes)
        .service(add_note)
        .service(ticket_history);
}

/// Filters, sort and page of a ticket list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Comma-separated statuses, e.g. `new,open`.
    pub status: Option<String>,
    pub priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    pub requester_id: Option<i64>,
    /// Staff lists only.
    pub assignee_id: Option<i64>,
    /// Staff lists only.
    pub queue_id: Option<i64>,
    /// Staff lists only: one company.
    pub company_id: Option<i64>,
    /// Words to find in the title and description, all of them, or a ticket number. A word
    /// followed by `*` (`print*`, at least 3 letters or digits) also matches the longer words it
    /// starts, for type-ahead; whole words are faster.
    pub q: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    /// `created`, `updated` or `priority`; prefix `-` for descending. Default `-created`.
    pub sort: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

const MAX_SEARCH_WORDS: usize = 8;
/// The shortest prefix searched: shorter ones match most of the index.
const MIN_PREFIX: usize = 3;

/// The letters-and-digits words of a search, lowercased (nothing else reaches the search index);
/// a word followed by `*` is a prefix.
fn search_words(q: &str) -> ApiResult<Vec<SearchWord>> {
    if q.chars().count() > 200 {
        return Err(ApiError::invalid("q", "must be at most 200 characters"));
    }
    let mut words = Vec::new();
    let mut rest = q;
    while let Some(start) = rest.find(char::is_alphanumeric) {
        rest = &rest[start..];
        let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        let prefix = after.starts_with('*');
        if prefix && text.chars().count() < MIN_PREFIX {
            return Err(ApiError::invalid(
                "q",
                format!("a prefix ({text}*) needs at least {MIN_PREFIX} letters or digits"),
            ));
        }
        words.push(SearchWord { text: text.to_lowercase(), prefix });
        rest = after;
    }
    if words.is_empty() {
        return Err(ApiError::invalid("q", "must contain a word or a number"));
    }
    words.truncate(MAX_SEARCH_WORDS);
    Ok(words)
}

impl TicketQuery {
    fn filter(&self, auth: &Auth, staff_list: bool) -> ApiResult<TicketFilter> {
        let (limit, _) = PageQuery { limit: self.limit, cursor: None }.resolve()?;
        let (sort, descending, sort_name) = match self.sort.as_deref().unwrap_or("-created") {
            "created" => (SortKey::Created, false, "created"),
            "-created" => (SortKey::Created, true, "-created"),
            "updated" => (SortKey::Updated, false, "updated"),
            "-updated" => (SortKey::Updated, true, "-updated"),
            "priority" => (SortKey::Priority, false, "priority"),
            "-priority" => (SortKey::Priority, true, "-priority"),
            _ => {
                return Err(ApiError::invalid(
                    "sort",
                    "must be created, updated or priority, optionally prefixed with -",
                ))
            }
        };
        let statuses = match self.status.as_deref() {
            None | Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|s| {
                    Status::parse(s.trim()).ok_or_else(|| ApiError::invalid("status", format!("unknown status {s:?}")))
                })
                .collect::<ApiResult<_>>()?,
        };
        if !staff_list && (self.assignee_id.is_some() || self.queue_id.is_some() || self.company_id.is_some()) {
            return Err(ApiError::invalid("query", "assignee_id, queue_id and company_id filter staff lists only"));
        }
        Ok(TicketFilter {
            tenant: auth.tenant.id,
            companies: self.company_id.map(|c| vec![CompanyId(c)]),
            concerning: None,
            statuses,
            hidden_statuses: Vec::new(),
            priority: self.priority,
            request_type_id: self.request_type_id,
            requester_id: self.requester_id.map(UserId),
            assignee_id: self.assignee_id.map(UserId),
            queue_id: self.queue_id,
            words: self.q.as_deref().map(search_words).transpose()?.unwrap_or_default(),
            created_from: self.created_from.map(|t| input::plausible_time("created_from", t)).transpose()?,
            created_to: self.created_to.map(|t| input::plausible_time("created_to", t)).transpose()?,
            updated_from: self.updated_from.map(|t| input::plausible_time("updated_from", t)).transpose()?,
            updated_to: self.updated_to.map(|t| input::plausible_time("updated_to", t)).transpose()?,
            sort,
            descending,
            after: self.cursor.as_deref().map(|c| paging::decode_position(c, sort_name)).transpose()?,
            limit,
        })
    }

    fn sort_name(&self) -> &str {
        self.sort.as_deref().unwrap_or("-created")
    }
}

/// The ticket fields a list filters or sorts by, each with the query parameter that asks for it.
/// Search words match the description as well as the title.
fn filtered_fields(filter: &TicketFilter) -> Vec<(Field, &'static str)> {
    let mut used = Vec::new();
    if !filter.statuses.is_empty() {
        used.push((Field::Status, "status"));
    }
    if filter.priority.is_some() {
        used.push((Field::Priority, "priority"));
    }
    if filter.sort == SortKey::Priority {
        used.push((Field::Priority, "sort"));
    }
    if filter.request_type_id.is_some() {
        used.push((Field::RequestType, "request_type_id"));
    }
    if filter.assignee_id.is_some() {
        used.push((Field::Assignee, "assignee_id"));
    }
    if !filter.words.is_empty() {
        used.push((Field::Description, "q"));
    }
    used
}

fn list_page(
    conn: &mut DbConnection,
    auth: &Auth,
    filter: TicketFilter,
    viewer: &Viewer,
    may_update: impl Fn(&clientdesk_domain::tickets::Ticket) -> bool,
    sort_name: &str,
) -> ApiResult<(Bytes, Option<AccessVersion>)> {
    let catalog = auth.catalogs.get(conn, &auth.tenant)?;
    if !viewer.is_staff() {
        catalog.settings.check_customer_query(&filtered_fields(&filter))?;
    }
    let filter = TicketFilter {
        hidden_statuses: if viewer.is_staff() { Vec::new() } else { catalog.settings.hidden_statuses.clone() },
        ..filter
    };
    let ((tickets, next), version) = store::list(conn, &filter, auth.principal.user_id)?;
    let ctx = Context::load(conn, auth, &catalog, &tickets.iter().collect::<Vec<_>>(), &[])?;
    let page = Paged {
        items: tickets.iter().map(|t| ctx.view(t, viewer, may_update(t))).collect(),
        next_cursor: next.map(|p| paging::encode_position(p, sort_name)),
    };
    Ok((respond::to_json(page)?, version))
}

/// List and search a company's tickets.
///
/// `portal_user` sees the tickets it opened or is the contact of; `portal_user_plus` and the roles
/// above it see all of the company's tickets and, where the company shows subsidiary tickets,
/// those of its parent and subsidiaries too. Tickets in statuses the provider hides are never
/// listed, and filtering or sorting by a field hidden from customers (`status`, `priority`,
/// `request_type_id`, or `q`, which searches the description) answers 422. Staff see every ticket
/// of the company.
#[utoipa::path(tag = "tickets", operation_id = "listCompanyTickets", security(("bearer" = [])),
    params(("company_id" = i64, Path), TicketQuery),
    responses(
        (status = 200, description = "A page of tickets", body = Paged<TicketView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Ticketing is off for the company", body = Problem),
        (status = 404, description = "Not a company of yours", body = Problem),
        (status = 422, description = "Invalid filter, sort or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/tickets")]
pub async fn list_company_tickets(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<TicketQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let query = query.into_inner();
    if query.company_id.is_some() {
        return Err(ApiError::invalid("company_id", "is given by the path here"));
    }
    let sort_name = query.sort_name().to_owned();
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| list_company_page(conn, auth, company, &query, &sort_name))
        })
        .await?;
    Ok(HttpResponse::Ok().json_bytes(page))
}

fn list_company_page(
    conn: &mut DbConnection,
    auth: &Auth,
    company: CompanyId,
    query: &TicketQuery,
    sort_name: &str,
) -> ApiResult<(Bytes, Option<AccessVersion>)> {
    let mut filter = query.filter(auth, auth.principal.is_staff())?;
    if auth.principal.is_staff() {
        companies::get(conn, auth.tenant.id, company)?;
        filter.companies = Some(vec![company]);
        return list_page(conn, auth, filter, &Viewer::Staff, |_| !auth.principal.read_only, sort_name);
    }
    let member = access::ticketing_member(auth, company)?;
    let scope = clientdesk_domain::tickets::read_scope(&member.roles)
        .ok_or(ApiError::Forbidden("Your roles in this company do not include tickets."))?;
    filter.companies = Some(member.related.clone());
    if scope == clientdesk_domain::tickets::Scope::Own {
        filter.concerning = Some(auth.principal.user_id);
    }
    let viewer = Viewer::Member { roles: member.roles.clone(), settings: member.settings.clone() };
    let user = auth.principal.user_id;
    let writable = !auth.principal.read_only;
    let roles = member.roles.clone();
    list_page(
        conn,
        auth,
        filter,
        &viewer,
        |t| writable && clientdesk_domain::tickets::may_update(&roles, t.concerns(user)),
        sort_name,
    )
}

/// List and search every ticket of the tenant (staff).
#[utoipa::path(tag = "tickets", operation_id = "listTickets", security(("bearer" = [])),
    params(TicketQuery),
    responses(
        (status = 200, description = "A page of tickets", body = Paged<TicketView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid filter, sort or cursor", body = Problem)))]
#[get("/api/v1/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<TicketQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let sort_name = query.sort_name().to_owned();
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                auth.principal.require_staff()?;
                let filter = query.filter(auth, true)?;
                list_page(conn, auth, filter, &Viewer::Staff, |_| !auth.principal.read_only, &sort_name)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_bytes(page))
}

/// A ticket written as its reader sees it, and its version.
struct Rendered {
    version: i64,
    body: Bytes,
}

/// The answer to a read or change of one ticket, with its version as the ETag.
fn ticket_response(status: StatusCode, ticket: Rendered) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag(ticket.version))).json_bytes(ticket.body)
}

fn render(conn: &mut DbConnection, auth: &Auth, access: &TicketAccess) -> ApiResult<Rendered> {
    let ctx = Context::for_ticket(conn, auth, &access.catalog, &access.ticket, &access.people)?;
    let body = respond::to_json(ctx.view(&access.ticket, &access.viewer, access.may_update))?;
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

/// Open a ticket in a company.
///
/// Customers need `tickets_create` in the company; they may set the priority, request type and
/// contact only where those fields are editable for customers, the service provider's priority
/// only with `priority_set`, and only request types the company may use. Staff open tickets on
/// behalf of a member (`requester_id`). Send an `Idempotency-Key` to make retries safe.
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
    let Some(key) = idempotency::key_of(&req)? else {
        // Nothing to remember for a retry: the ticket is one committed write (`store::open`),
        // answered once committed.
        let body = state
            .run(move |conn| {
                let auth = caller.authenticate(conn)?;
                let (checked, user) = check_creation(conn, auth, company, body)?;
                checked.write(|new| store::open(conn, new, Some(user), Utc::now()))
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
        move |conn, (checked, user)| {
            Ok((StatusCode::CREATED, checked.write(|new| store::create(conn, new, Some(user), Utc::now()))?))
        },
    )
    .await
}

/// Checks a new ticket and takes its number (see `store::reserve_number`); also returns who opens
/// it, whom the history names (the staff member, when staff open it for a member).
fn check_creation(
    conn: &mut DbConnection,
    auth: Auth,
    company: CompanyId,
    body: NewTicketInput,
) -> ApiResult<(input::CheckedTicket, UserId)> {
    auth.principal.require_writable()?;
    let catalog = auth.catalogs.get(conn, &auth.tenant)?;
    let mut checked = input::check_new(conn, &auth, company, body, &catalog)?;
    checked.ticket.number = store::reserve_number(conn, auth.tenant.id)?;
    Ok((checked, auth.principal.user_id))
}

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
    let (id, patch, if_match) = (path.into_inner(), body.into_inner(), if_match(&req));
    patch.check_shape()?;
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                change(conn, &auth, id, if_match.as_deref(), |conn, access| patch.apply(conn, &auth, access))
            })
        })
        .await?;
    Ok(ticket_response(StatusCode::OK, view))
}

/// Loads the ticket, checks the caller may change it and the precondition, applies `edit` and
/// saves with the version read. Without `If-Match`, a concurrent change is not an error: the
/// edit is applied again to the fresh ticket (READ COMMITTED lets the retry see it).
fn change(
    conn: &mut DbConnection,
    auth: &Auth,
    id: i64,
    if_match: Option<&str>,
    edit: impl Fn(&mut DbConnection, &mut TicketAccess) -> ApiResult<Vec<Change>>,
) -> ApiResult<Rendered> {
    for _ in 0..5 {
        let mut access = access::load(conn, auth, id)?;
        access.require_update()?;
        check_if_match(if_match, access.ticket.version)?;
        let version = access.ticket.version;
        let changes = edit(conn, &mut access)?;
        if changes.is_empty() {
            return render(conn, auth, &access);
        }
        let now = store::ticket_time(Utc::now());
        access.ticket.updated_at = now;
        if store::save(conn, &access.ticket, version)? {
            store::record_events(conn, &access.ticket, Some(auth.principal.user_id), &changes, now)?;
            access.ticket.version = version + 1;
            return render(conn, auth, &access);
        }
        if if_match.is_some() {
            return Err(ApiError::PreconditionFailed);
        }
    }
    Err(ApiError::Conflict("The ticket is being changed by others right now; try again.".into()))
}

/// Close a ticket (customers who may change it, and staff).
#[utoipa::path(tag = "tickets", operation_id = "closeTicket", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The closed ticket (unchanged if it was closed already)", body = TicketView),
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
    set_status(state, req, auth, path.into_inner(), Status::Closed).await
}

/// Reopen a closed ticket. Customers may only where the provider allows reopening.
#[utoipa::path(tag = "tickets", operation_id = "reopenTicket", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "The reopened ticket", body = TicketView),
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
    set_status(state, req, auth, path.into_inner(), Status::Open).await
}

async fn set_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: i64,
    target: Status,
) -> ApiResult<HttpResponse> {
    let if_match = if_match(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                change(conn, &auth, id, if_match.as_deref(), |_, access| {
                    let t = &mut access.ticket;
                    if target == Status::Closed {
                        if t.status.is_closed() {
                            return Ok(Vec::new());
                        }
                    } else {
                        if !t.status.is_closed() {
                            return Err(ApiError::Conflict("The ticket is not closed.".into()));
                        }
                        if !access.viewer.is_staff() && !access.catalog.settings.reopen_allowed {
                            return Err(ApiError::Forbidden("The provider does not allow reopening tickets."));
                        }
                    }
                    Ok(vec![input::set_status(t, target, Utc::now())])
                })
            })
        })
        .await?;
    Ok(ticket_response(StatusCode::OK, view))
}

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
    page: web::Query<PageQuery>,
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
/// ticket's requester (where its company has notifications on).
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
                if body.internal && !access.viewer.is_staff() {
                    return Err(ApiError::invalid("internal", "only staff add internal notes"));
                }
                let (author, now) = (auth.principal.user_id, Utc::now());
                let note = store::add_note(conn, &access.ticket, author, &text, body.internal, now)?;
                if !body.internal {
                    crate::notify::note_added(conn, &auth.tenant, &links, &access.ticket, author, &text, now)?;
                }
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
/// when there may be more, a `Link` header names the next page (`rel="next"`).
#[utoipa::path(tag = "tickets", operation_id = "getTicketHistory", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), PageQuery),
    responses(
        (status = 200, description = "A page of the history, oldest first", body = Vec<HistoryEntry>,
            headers(("Link" = String, description = "`<...?cursor=...>; rel=\"next\"` when there may be more"))),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 422, description = "A limit out of range or a cursor not given out here", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}/history")]
pub async fn ticket_history(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<PageQuery>,
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
    let mut res = HttpResponse::Ok();
    if let Some(next) = paging::cursor(last) {
        res.insert_header((
            header::LINK,
            format!("</api/v1/tickets/{id}/history?limit={limit}&cursor={next}>; rel=\"next\""),
        ));
    }
    Ok(res.json_body(entries))
}

/// The longest page of a ticket's history.
const HISTORY_PAGE: i64 = 200;

/// A field of the ticket form and what the reader may do with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormField {
    pub field: Field,
    pub visibility: Visibility,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormCustomField {
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The allowed values of a `select` field.
    pub options: Vec<String>,
    pub required: bool,
    /// Staff only: whether customers see the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_visibility: Option<CustomVisibility>,
}

/// What a front end needs to draw the form that opens (or edits) a ticket in a company.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"request_types": [{"id": 1, "name": "Incident"}, {"id": 2, "name": "Service request"}],
    "priorities": ["low", "normal", "high", "urgent"],
    "fields": [{"field": "title", "visibility": "editable"}, {"field": "due_date", "visibility": "hidden"}],
    "custom_fields": [{"key": "site", "label": "Site", "kind": "select", "options": ["Zurich", "Basel"], "required": true}],
    "provider_priority_visible": true, "provider_priority_settable": false,
    "statuses": ["new", "open", "in_progress", "waiting_customer", "resolved", "closed"], "reopen_allowed": true}))]
pub struct TicketForm {
    /// The request types this company may use.
    pub request_types: Vec<Named>,
    pub priorities: Vec<Priority>,
    /// Each default field and its visibility for the reader.
    pub fields: Vec<FormField>,
    /// The custom fields the reader sees.
    pub custom_fields: Vec<FormCustomField>,
    pub provider_priority_visible: bool,
    /// Whether the reader may set the provider's priority when opening a ticket.
    pub provider_priority_settable: bool,
    /// The statuses the reader sees tickets in.
    pub statuses: Vec<Status>,
    pub reopen_allowed: bool,
}

/// The ticket form of a company: request types, fields and custom fields with their types,
/// allowed values and what the reader may do with them.
#[utoipa::path(tag = "tickets", operation_id = "getTicketForm", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The form", body = TicketForm),
        (status = 403, description = "Ticketing is off for the company", body = Problem),
        (status = 404, description = "Not a company of yours", body = Problem)))]
#[get("/api/v1/companies/{company_id}/ticket-form")]
pub async fn ticket_form(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let form = state
        .run(move |conn| {
            let tenant = auth.tenant.id;
            let staff = auth.principal.is_staff();
            let (allowed, roles) = if staff {
                let c = companies::get(conn, tenant, company)?;
                let settings = clientdesk_domain::settings::resolve(&auth.tenant.portal_defaults, &c.portal_overrides);
                (settings.request_types, None)
            } else {
                let member = access::ticketing_member(&auth, company)?;
                (member.settings.request_types.clone(), Some(member.roles.clone()))
            };
            let catalog = auth.catalogs.get(conn, &auth.tenant)?;
            let settings = &catalog.settings;
            let request_types = catalog
                .request_types
                .iter()
                .filter(|e| e.active && input::request_type_allowed(&allowed, e.id))
                .map(|e| Named { id: e.id, name: e.name.clone() })
                .collect();
            let custom_fields = catalog
                .custom_fields
                .clone()
                .into_iter()
                .filter(|f| f.active && (staff || f.customer_visibility == CustomVisibility::Editable))
                .map(|f| FormCustomField {
                    customer_visibility: staff.then_some(f.customer_visibility),
                    key: f.key,
                    label: f.label,
                    kind: f.kind,
                    options: f.options,
                    required: f.required,
                })
                .collect();
            let grants = |p: Permission| roles.as_ref().is_none_or(|r| r.grants(p));
            Ok(TicketForm {
                request_types,
                priorities: Priority::ALL.to_vec(),
                fields: Field::ALL
                    .iter()
                    .map(|f| FormField {
                        field: *f,
                        visibility: if staff { Visibility::Editable } else { settings.visibility(*f) },
                    })
                    .collect(),
                custom_fields,
                provider_priority_visible: grants(Permission::PriorityView),
                provider_priority_settable: grants(Permission::PrioritySet),
                statuses: if staff { Status::ALL.to_vec() } else { settings.visible_statuses() },
                reopen_allowed: staff || settings.reopen_allowed,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(form))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_keep_letters_and_digits_only_and_a_star_makes_a_prefix() {
        let word = |text: &str, prefix| SearchWord { text: text.into(), prefix };
        assert_eq!(
            search_words("Printer* \"jams\" OR 1042 *x").unwrap(),
            vec![word("printer", true), word("jams", false), word("or", false), word("1042", false), word("x", false)]
        );
        assert_eq!(search_words("über-Drucker*").unwrap(), vec![word("über", false), word("drucker", true)]);
        assert!(search_words(" -- ").is_err());
        assert!(search_words("printer pr*").is_err(), "too short a prefix");
        assert_eq!(search_words(&"a ".repeat(50)).unwrap().len(), MAX_SEARCH_WORDS);
    }
}
