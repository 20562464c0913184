//! Ticket lists: filters, search words, sort and pages, for a company and for staff.

use actix_web::web::Bytes;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, UserId};
use clientdesk_domain::ticket_access;
use clientdesk_domain::tickets::{self as rules, Field, Priority, Status};
use clientdesk_persistence::session::AccessVersion;
use clientdesk_persistence::tickets::{self as store, SearchWord, SortKey, TicketFilter};
use clientdesk_persistence::{companies, DbConnection};
use serde::Deserialize;
use utoipa::IntoParams;

use super::access;
use super::access::Viewer;
use super::view::{Context, TicketView};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::paging::{self, PageQuery, Paged};
use crate::respond::{self, JsonBody};
use crate::state::AppState;

/// Filters, sort and page of a ticket list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Comma-separated statuses, e.g. `new,open`.
    #[param(value_type = Option<Vec<Status>>, style = Form, explode = false)]
    pub status: Option<String>,
    pub priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    pub requester_id: Option<i64>,
    /// Staff lists only.
    pub assignee_id: Option<i64>,
    /// Staff lists only.
    pub queue_id: Option<i64>,
    /// Staff lists only: one company (declared by the staff list; a company's list has it in
    /// the path).
    #[param(ignore)]
    pub company_id: Option<i64>,
    /// Words to find in the title and description, all of them, or a ticket number. A word
    /// followed by `*` (`print*`, at least 3 letters or digits) also matches the longer words it
    /// starts, for type-ahead; whole words are faster.
    #[param(max_length = 200, example = "printer jam")]
    pub q: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    /// `created`, `updated` or `priority`; prefix `-` for descending. Default `-created`.
    /// `created` is the order tickets were opened in, which their ids and numbers follow; ties of
    /// `updated` and `priority` are broken by that order.
    #[param(pattern = "^-?(created|updated|priority)$", example = "-updated")]
    pub sort: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
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
        return Err(ApiError::invalid_parameter("q", Message::new("rule-max-chars").arg("max", 200)));
    }
    let mut words = Vec::new();
    let mut rest = q;
    while let Some(start) = rest.find(char::is_alphanumeric) {
        rest = &rest[start..];
        let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        let prefix = after.starts_with('*');
        if prefix && text.chars().count() < MIN_PREFIX {
            return Err(ApiError::invalid_parameter(
                "q",
                Message::new("rule-search-prefix").arg("prefix", text.to_owned()).arg("min", MIN_PREFIX),
            ));
        }
        words.push(SearchWord { text: text.to_lowercase(), prefix });
        rest = after;
    }
    if words.is_empty() {
        return Err(ApiError::invalid_parameter("q", Message::new("rule-search-word")));
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
            _ => return Err(ApiError::invalid_parameter("sort", Message::new("rule-ticket-sort"))),
        };
        let statuses = match self.status.as_deref() {
            None | Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|s| {
                    Status::parse(s.trim()).ok_or_else(|| {
                        ApiError::invalid_parameter(
                            "status",
                            Message::new("rule-status-unknown-named").arg("status", format!("{s:?}")),
                        )
                    })
                })
                .collect::<ApiResult<_>>()?,
        };
        if !staff_list && (self.assignee_id.is_some() || self.queue_id.is_some() || self.company_id.is_some()) {
            return Err(ApiError::invalid_parameter(
                if self.assignee_id.is_some() {
                    "assignee_id"
                } else if self.queue_id.is_some() {
                    "queue_id"
                } else {
                    "company_id"
                },
                Message::new("rule-staff-filters"),
            ));
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
            created_from: self.created_from.map(|t| rules::plausible_time("created_from", t)).transpose()?,
            created_to: self.created_to.map(|t| rules::plausible_time("created_to", t)).transpose()?,
            updated_from: self.updated_from.map(|t| rules::plausible_time("updated_from", t)).transpose()?,
            updated_to: self.updated_to.map(|t| rules::plausible_time("updated_to", t)).transpose()?,
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
        used.push((Field::RequestTypeId, "request_type_id"));
    }
    if filter.assignee_id.is_some() {
        used.push((Field::AssigneeId, "assignee_id"));
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
    query: crate::query::Query<TicketQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let query = query.into_inner();
    if query.company_id.is_some() {
        return Err(ApiError::invalid_parameter("company_id", Message::new("rule-given-by-path")));
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
    let scope = ticket_access::list_scope(auth.principal.user_id, access::membership(member))?;
    filter.companies = Some(scope.companies);
    filter.concerning = scope.concerning;
    let viewer = Viewer::Member { roles: member.roles.clone(), settings: member.settings.clone() };
    let user = auth.principal.user_id;
    let writable = !auth.principal.read_only;
    let roles = member.roles.clone();
    list_page(
        conn,
        auth,
        filter,
        &viewer,
        |t| writable && ticket_access::may_update(&roles, t.concerns(user)),
        sort_name,
    )
}

/// List and search every ticket of the tenant (staff).
#[utoipa::path(tag = "tickets", operation_id = "listTickets", security(("bearer" = [])),
    params(TicketQuery, ("company_id" = Option<i64>, Query, description = "Only this company's tickets", example = 1)),
    responses(
        (status = 200, description = "A page of tickets", body = Paged<TicketView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid filter, sort or cursor", body = Problem)))]
#[get("/api/v1/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    caller: Caller,
    query: crate::query::Query<TicketQuery>,
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
