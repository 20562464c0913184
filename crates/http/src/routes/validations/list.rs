//! Reading validations: a ticket's, a company's, and one.

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use clientdesk_domain::approvals::ValidationStatus;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::tickets::Scope;
use clientdesk_persistence::approvals::{self as store, ValidationFilter};
use clientdesk_persistence::DbConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{load, one_view, views, ValidationView};
use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::Auth;
use crate::paging::{self, PageQuery, Paged};
use crate::respond::JsonBody;
use crate::routes::tickets::access;
use crate::state::AppState;

/// The validation statuses to list and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ValidationQuery {
    /// `pending`, `accepted`, `rejected`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ValidationQuery {
    fn status(&self) -> ApiResult<Option<ValidationStatus>> {
        self.status
            .as_deref()
            .map(|s| {
                ValidationStatus::parse(s).ok_or_else(|| {
                    ApiError::invalid_parameter(
                        "status",
                        Message::new("rule-either")
                            .arg("first", "pending, accepted, rejected, expired")
                            .arg("second", "cancelled"),
                    )
                })
            })
            .transpose()
    }
}

/// List a ticket's validations, newest first (everyone who may read the ticket).
#[utoipa::path(tag = "validations", operation_id = "listTicketValidations", security(("bearer" = [])),
    params(("ticket_id" = i64, Path), ValidationQuery),
    responses(
        (status = 200, description = "A page of validations", body = Paged<ValidationView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such ticket, or not visible to you", body = Problem),
        (status = 422, description = "Invalid status or cursor", body = Problem)))]
#[get("/api/v1/tickets/{ticket_id}/validations")]
pub async fn list_ticket_validations(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    query: crate::query::Query<ValidationQuery>,
) -> ApiResult<HttpResponse> {
    let ticket_id = path.into_inner();
    let status = query.status()?;
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.resolve()?;
    let page = state
        .run(move |conn| {
            access::load(conn, &auth, ticket_id)?;
            let filter = ValidationFilter {
                tenant: auth.tenant.id,
                companies: None,
                ticket: Some(ticket_id),
                concerning: None,
                status,
                // Reading the ticket above already refuses one in a hidden status.
                hidden_ticket_statuses: Vec::new(),
                after,
                limit,
            };
            list(conn, &auth, &filter)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

fn list(conn: &mut DbConnection, auth: &Auth, filter: &ValidationFilter) -> ApiResult<Paged<ValidationView>> {
    let now = Utc::now();
    let page = store::list_validations(conn, filter, now)?;
    let items = page.items.into_iter().map(|i| (i.validation.clone(), i.validation.ticket_id, i.ticket)).collect();
    Ok(Paged { items: views(conn, auth, items, now)?, next_cursor: paging::cursor(page.next_after) })
}

/// List a company's validations, newest first.
///
/// Approvers and the other roles reading all of the company's tickets see every validation;
/// `portal_user` sees those of the tickets it opened or is the contact of. Customers never see
/// those of tickets in statuses hidden from them. Filter with `status` (`pending` excludes those
/// past their deadline, which are `expired`).
#[utoipa::path(tag = "validations", operation_id = "listCompanyValidations", security(("bearer" = [])),
    params(("company_id" = i64, Path), ValidationQuery),
    responses(
        (status = 200, description = "A page of validations", body = Paged<ValidationView>),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Ticketing is off for the company, or your roles do not include tickets", body = Problem),
        (status = 404, description = "Not a company of yours", body = Problem),
        (status = 422, description = "Invalid status or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/validations")]
pub async fn list_company_validations(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    query: crate::query::Query<ValidationQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let status = query.status()?;
    let (limit, after) = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.resolve()?;
    let page = state
        .run(move |conn| {
            let mut filter = ValidationFilter {
                tenant: auth.tenant.id,
                companies: Some(vec![company]),
                ticket: None,
                concerning: None,
                status,
                hidden_ticket_statuses: Vec::new(),
                after,
                limit,
            };
            if auth.principal.is_staff() {
                clientdesk_persistence::companies::get(conn, auth.tenant.id, company)?;
            } else {
                // Tickets in statuses hidden from customers do not exist for them, nor their validations.
                filter.hidden_ticket_statuses = auth.catalogs.get(conn, &auth.tenant)?.settings.hidden_statuses.clone();
                let member = access::ticketing_member(&auth, company)?;
                match clientdesk_domain::ticket_access::read_scope(&member.roles) {
                    Some(Scope::All) => {}
                    Some(Scope::Own) => filter.concerning = Some(auth.principal.user_id),
                    None => return Err(ApiError::forbidden("denied-roles-tickets")),
                }
            }
            list(conn, &auth, &filter)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// Read a validation (everyone who may read its ticket).
#[utoipa::path(tag = "validations", operation_id = "getValidation", security(("bearer" = [])),
    params(("validation_id" = i64, Path)),
    responses(
        (status = 200, description = "The validation", body = ValidationView),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 404, description = "No such validation, or its ticket is not visible to you", body = Problem)))]
#[get("/api/v1/validations/{validation_id}")]
pub async fn get_validation(state: web::Data<AppState>, auth: Auth, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let view = state
        .run(move |conn| {
            let (validation, access) = load(conn, &auth, id)?;
            one_view(conn, &auth, validation, &access.ticket)
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}
