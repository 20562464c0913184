//! Block-hour and retainer contracts, their time entries and a report per contract and month:
//! read by staff and by the company's members whose roles include invoices (they are billing
//! reports), written by staff or synced from the PSA (`PUT /api/v1/psa/contracts`,
//! `PUT /api/v1/psa/time-entries`).

use actix_web::http::StatusCode;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use clientdesk_domain::contracts::{self as rules, Contract, ContractFields, ContractKind, TimeEntry};
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::invoices::{self, calendar_date, currency};
use clientdesk_persistence::psa::Versioned;
use clientdesk_persistence::{audit, contracts as store, psa, write_tx, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::json::{Json, LargeJson};
use crate::origin;
use crate::paging::{self, PageQuery, Paged, UpdatedFrom};
use crate::preconditions::{if_match, tagged};
use crate::respond::JsonBody;
use crate::routes::company_records::{company_in_path, require_reader};
use crate::routes::psa::{
    batch_size, hold_for_change, psa_id, read_batch, require_known_companies, sync_credential, sync_tenant, unique_ids,
    SyncAnswer, SyncedRow, MAX_SYNC,
};
use crate::state::AppState;

/// The body limit of a contract or time-entry sync: 500 rows of up to 2 KiB each.
const SYNC_BODY_LIMIT: usize = MAX_SYNC * 2 * 1024;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_contracts)
        .service(get_contract)
        .service(contract_report)
        .service(create_contract)
        .service(replace_contract)
        .service(delete_contract)
        .service(create_time_entry)
        .service(delete_time_entry)
        .service(sync_contracts)
        .service(sync_time_entries);
}

fn named(at: &str, f: &str) -> String {
    if at.is_empty() {
        f.to_owned()
    } else {
        format!("{at}.{f}")
    }
}

/// A contract as the PSA or staff write it: a block of hours (`hours_purchased`, `hours_used`,
/// two decimals) or a retainer (`currency`, `amount_purchased_minor`, `amount_used_minor`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"psa_id": "AGR-88", "company_id": 1, "name": "Support block 2026", "kind": "hours",
    "period_start": "2026-01-01", "period_end": "2026-12-31", "hours_purchased": 40, "hours_used": 12.5}))]
pub struct ContractInput {
    /// The PSA's id: required in a sync, optional for staff.
    pub psa_id: Option<String>,
    pub company_id: i64,
    pub name: String,
    pub kind: ContractKind,
    /// Retainers: ISO 4217.
    pub currency: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub period_start: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub period_end: Option<String>,
    pub hours_purchased: Option<f64>,
    pub hours_used: Option<f64>,
    pub amount_purchased_minor: Option<i64>,
    pub amount_used_minor: Option<i64>,
}

fn parse_contract(at: &str, c: ContractInput) -> ApiResult<(CompanyId, ContractFields)> {
    let name = |f: &str| named(at, f);
    let domain = |f: &str, e: clientdesk_domain::DomainError| ApiError::invalid(&name(f), e.message);
    let period_start = calendar_date("period_start", &c.period_start).map_err(|e| domain("period_start", e))?;
    let period_end = c
        .period_end
        .as_deref()
        .map(|d| calendar_date("period_end", d))
        .transpose()
        .map_err(|e| domain("period_end", e))?;
    rules::period(period_start, period_end).map_err(|e| domain("period_end", e))?;
    let (currency, purchased, used) = match c.kind {
        ContractKind::Hours => {
            if c.currency.is_some() || c.amount_purchased_minor.is_some() || c.amount_used_minor.is_some() {
                return Err(ApiError::invalid(&name("kind"), Message::new("rule-contract-hours")));
            }
            let purchased = c
                .hours_purchased
                .ok_or_else(|| ApiError::invalid(&name("hours_purchased"), Message::new("field-required")))?;
            (
                None,
                rules::minutes("hours_purchased", purchased).map_err(|e| domain("hours_purchased", e))?,
                rules::minutes("hours_used", c.hours_used.unwrap_or(0.0)).map_err(|e| domain("hours_used", e))?,
            )
        }
        ContractKind::Retainer => {
            if c.hours_purchased.is_some() || c.hours_used.is_some() {
                return Err(ApiError::invalid(&name("kind"), Message::new("rule-contract-retainer")));
            }
            let code = c
                .currency
                .as_deref()
                .ok_or_else(|| ApiError::invalid(&name("currency"), Message::new("field-required")))?;
            let amount = |f: &str, v: Option<i64>| match v.unwrap_or(0) {
                v if (0..=clientdesk_domain::invoices::MAX_MINOR).contains(&v) => Ok(v),
                _ => Err(ApiError::invalid(&name(f), Message::new("rule-out-of-range"))),
            };
            let purchased = c
                .amount_purchased_minor
                .ok_or_else(|| ApiError::invalid(&name("amount_purchased_minor"), Message::new("field-required")))?;
            (
                Some(currency(code).map_err(|e| domain("currency", e))?),
                amount("amount_purchased_minor", Some(purchased))?,
                amount("amount_used_minor", c.amount_used_minor)?,
            )
        }
    };
    let fields = ContractFields {
        name: crate::text::required(&name("name"), &c.name, 200)?,
        kind: c.kind,
        currency,
        period_start,
        period_end,
        purchased,
        used,
    };
    Ok((CompanyId(c.company_id), fields))
}

/// A contract. Blocks of hours count hours, retainers minor units of their currency;
/// `remaining` is below zero when the contract is overdrawn.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "company_id": 1, "psa_id": "AGR-88", "name": "Support block 2026", "kind": "hours",
    "period_start": "2026-01-01", "period_end": "2026-12-31", "hours_purchased": 40.0, "hours_used": 12.5,
    "hours_remaining": 27.5, "updated_at": "2026-12-01T06:00:00Z"}))]
pub struct ContractView {
    pub id: i64,
    pub company_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psa_id: Option<String>,
    pub name: String,
    pub kind: ContractKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub period_start: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub period_end: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_purchased: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_used: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_remaining: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_purchased_minor: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_used_minor: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_remaining_minor: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

impl From<Contract> for ContractView {
    fn from(c: Contract) -> Self {
        let f = c.fields;
        let remaining = rules::remaining(f.purchased, f.used);
        let hours = f.kind == ContractKind::Hours;
        let h = |v: i64| hours.then(|| rules::hours(v));
        let a = |v: i64| (!hours).then_some(v);
        Self {
            id: c.id,
            company_id: c.company_id.0,
            psa_id: c.psa_id,
            name: f.name,
            kind: f.kind,
            currency: f.currency,
            period_start: f.period_start,
            period_end: f.period_end,
            hours_purchased: h(f.purchased),
            hours_used: h(f.used),
            hours_remaining: h(remaining),
            amount_purchased_minor: a(f.purchased),
            amount_used_minor: a(f.used),
            amount_remaining_minor: a(remaining),
            updated_at: c.updated_at,
        }
    }
}

/// List a company's contracts, newest first (staff, and members whose roles include invoices).
#[utoipa::path(tag = "contracts", operation_id = "listCompanyContracts", security(("bearer" = [])),
    params(("company_id" = i64, Path), PageQuery, UpdatedFrom),
    responses(
        (status = 200, description = "A page of contracts", body = Paged<ContractView>),
        (status = 403, description = "Your roles in this company do not include invoices", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem),
        (status = 422, description = "Invalid cursor or limit", body = Problem)))]
#[get("/api/v1/companies/{company_id}/contracts")]
pub async fn list_contracts(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<PageQuery>,
    since: crate::query::Query<UpdatedFrom>,
) -> ApiResult<HttpResponse> {
    let since = since.into_inner().updated_from;
    let company = CompanyId(path.into_inner());
    let (limit, before) = query.resolve()?;
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                company_in_path(conn, auth, company, invoices::may_read)?;
                let page = store::list_contracts(conn, auth.tenant.id, company, since, before, limit)?;
                Ok((
                    Paged {
                        items: page.items.into_iter().map(ContractView::from).collect::<Vec<_>>(),
                        next_cursor: paging::cursor(page.next_after),
                    },
                    None,
                ))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

fn readable(conn: &mut DbConnection, auth: &Auth, id: i64) -> ApiResult<Contract> {
    let contract = store::get_contract(conn, auth.tenant.id, id)?;
    require_reader(auth, contract.company_id, invoices::may_read)?;
    Ok(contract)
}

/// Read a contract.
#[utoipa::path(tag = "contracts", operation_id = "getContract", security(("bearer" = [])),
    params(("contract_id" = i64, Path)),
    responses(
        (status = 200, description = "The contract", body = ContractView,
            headers(("ETag" = String, description = "The contract's version, for If-Match"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Your roles in its company do not include invoices", body = Problem),
        (status = 404, description = "No such contract, or not of one of your companies", body = Problem)))]
#[get("/api/v1/contracts/{contract_id}")]
pub async fn get_contract(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let contract =
        state.run(move |conn| caller.read_with(conn, |conn, auth| Ok((readable(conn, auth, id)?, None)))).await?;
    Ok(tagged(StatusCode::OK, contract.version).json_body(ContractView::from(contract)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The month, YYYY-MM.
    #[param(example = "2026-11")]
    pub month: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 51, "worked_on": "2026-11-12", "hours": 1.5, "description": "Mailbox migration",
    "technician_name": "Tom Tech", "ticket_ref": "T-1042", "billable": true}))]
pub struct TimeEntryView {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psa_id: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub worked_on: NaiveDate,
    pub hours: f64,
    pub description: String,
    /// The technician's name, or "Support team" where the company does not show technician names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technician_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<String>,
    pub billable: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"contract": {"id": 3, "company_id": 1, "name": "Support block 2026", "kind": "hours",
    "period_start": "2026-01-01", "hours_purchased": 40.0, "hours_used": 12.5, "hours_remaining": 27.5,
    "updated_at": "2026-12-01T06:00:00Z"}, "month": "2026-11", "entries": [{"id": 51, "worked_on": "2026-11-12",
    "hours": 1.5, "description": "Mailbox migration", "technician_name": "Tom Tech", "billable": true}],
    "hours": 1.5, "billable_hours": 1.5}))]
pub struct ContractReport {
    pub contract: ContractView,
    pub month: String,
    /// The month's time entries, oldest first.
    pub entries: Vec<TimeEntryView>,
    pub hours: f64,
    pub billable_hours: f64,
}

/// A contract's time entries in one month, with their totals.
#[utoipa::path(tag = "contracts", operation_id = "getContractReport", security(("bearer" = [])),
    params(("contract_id" = i64, Path), ReportQuery),
    responses(
        (status = 200, description = "The month's report", body = ContractReport),
        (status = 403, description = "Your roles in its company do not include invoices", body = Problem),
        (status = 404, description = "No such contract, or not of one of your companies", body = Problem),
        (status = 422, description = "Not a month written YYYY-MM", body = Problem)))]
#[get("/api/v1/contracts/{contract_id}/report")]
pub async fn contract_report(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let month = query.into_inner().month;
    let (from, to) = rules::month(&month).map_err(ApiError::from)?;
    let report = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                let contract = readable(conn, auth, id)?;
                let staff = auth.principal.is_staff();
                let settings = match staff {
                    true => None,
                    false => Some(auth.company(contract.company_id)?.0.settings.clone()),
                };
                let entries = store::entries_of_contract(conn, id, from, to)?;
                let totals = rules::totals(entries.iter().map(|e| (e.minutes, e.billable)));
                let entries = entries
                    .into_iter()
                    .map(|e| TimeEntryView {
                        technician_name: match &settings {
                            Some(s) => rules::technician_shown(e.technician_name.as_deref(), s, false),
                            None => e.technician_name.clone(),
                        },
                        id: e.id,
                        psa_id: e.psa_id,
                        worked_on: e.worked_on,
                        hours: rules::hours(e.minutes),
                        description: e.description,
                        ticket_ref: e.ticket_ref,
                        project_ref: e.project_ref,
                        billable: e.billable,
                    })
                    .collect();
                let report = ContractReport {
                    contract: ContractView::from(contract),
                    month: from.format("%Y-%m").to_string(),
                    entries,
                    hours: rules::hours(totals.minutes),
                    billable_hours: rules::hours(totals.billable_minutes),
                };
                Ok((report, None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(report))
}

fn require_writer(auth: &Auth) -> ApiResult<()> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    Ok(())
}

fn taken(err: clientdesk_persistence::Error) -> ApiError {
    match err {
        clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-psa-id-record"),
        other => other.into(),
    }
}

/// Record a contract by hand (staff).
#[utoipa::path(tag = "contracts", operation_id = "createContract", security(("bearer" = [])),
    request_body = ContractInput,
    responses(
        (status = 201, description = "The contract", body = ContractView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "Another contract has this psa_id", body = Problem),
        (status = 422, description = "Invalid contract or unknown company", body = Problem)))]
#[post("/api/v1/contracts")]
pub async fn create_contract(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<ContractInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let mut input = body.into_inner();
    let psa = input.psa_id.take().map(|p| psa_id("psa_id", &p)).transpose()?;
    let (company, fields) = parse_contract("", input)?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                crate::routes::company_records::require_company(conn, auth.tenant.id, company)?;
                let id = store::insert_contract(conn, auth.tenant.id, company, psa.as_deref(), &fields, Utc::now())
                    .map_err(taken)?;
                client.record_change(conn, &auth, "contract.created", format!("contract:{id}"), None)?;
                Ok(ContractView::from(store::get_contract(conn, auth.tenant.id, id)?))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Replace a contract (staff). Send `If-Match` with the ETag you read to refuse a change made
/// meanwhile, by the PSA's sync or by someone else (412).
#[utoipa::path(tag = "contracts", operation_id = "replaceContract", security(("bearer" = [])),
    params(("contract_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = ContractInput,
    responses(
        (status = 200, description = "The contract", body = ContractView,
            headers(("ETag" = String, description = "The new version"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such contract", body = Problem),
        (status = 412, description = "The contract changed since you read it; nothing was changed", body = Problem),
        (status = 422, description = "Invalid contract or unknown company", body = Problem)))]
#[put("/api/v1/contracts/{contract_id}")]
pub async fn replace_contract(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<ContractInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let mut input = body.into_inner();
    input.psa_id = None;
    let (company, fields) = parse_contract("", input)?;
    let (client, if_match) = (origin::of(&req), if_match(&req));
    let contract = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let tenant = auth.tenant.id;
                let current = store::get_contract(conn, tenant, id)?;
                hold_for_change(conn, tenant, Versioned::Contract, id, current.version, if_match.as_deref())?;
                crate::routes::company_records::require_company(conn, tenant, company)?;
                store::update_contract(conn, id, company, &fields, Utc::now())?;
                client.record_change(conn, &auth, "contract.updated", format!("contract:{id}"), None)?;
                Ok(store::get_contract(conn, tenant, id)?)
            })
        })
        .await?;
    Ok(tagged(StatusCode::OK, contract.version).json_body(ContractView::from(contract)))
}

/// Remove a contract (staff); its time entries stay, without a contract. Send `If-Match` with
/// the ETag you read to refuse the removal if the contract changed meanwhile (412).
#[utoipa::path(tag = "contracts", operation_id = "deleteContract", security(("bearer" = [])),
    params(("contract_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such contract", body = Problem),
        (status = 412, description = "The contract changed since you read it; nothing was removed", body = Problem)))]
#[delete("/api/v1/contracts/{contract_id}")]
pub async fn delete_contract(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let (client, if_match) = (origin::of(&req), if_match(&req));
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = store::get_contract(conn, auth.tenant.id, id)?;
                hold_for_change(conn, auth.tenant.id, Versioned::Contract, id, current.version, if_match.as_deref())?;
                store::delete_contracts(conn, &[id])?;
                client.record_change(conn, &auth, "contract.deleted", format!("contract:{id}"), None)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A time entry as the PSA or staff write it; the contract is named by the PSA's id
/// (`contract_psa_id`) or the portal's (`contract_id`) and must be of the same company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"psa_id": "TE-5531", "company_id": 1, "contract_psa_id": "AGR-88", "worked_on": "2026-11-12",
    "hours": 1.5, "description": "Mailbox migration", "technician_name": "Tom Tech", "ticket_ref": "T-1042",
    "billable": true}))]
pub struct TimeEntryInput {
    pub psa_id: Option<String>,
    pub company_id: i64,
    pub contract_psa_id: Option<String>,
    pub contract_id: Option<i64>,
    #[schema(value_type = String, format = Date)]
    pub worked_on: String,
    /// Two decimals at most.
    pub hours: f64,
    pub description: String,
    pub technician_name: Option<String>,
    pub ticket_ref: Option<String>,
    pub project_ref: Option<String>,
    #[serde(default)]
    pub billable: bool,
}

/// Reads a time entry; its contract is resolved by `contract`, which answers the contract's
/// (id, company) for a PSA id or a portal id.
fn parse_entry(
    at: &str,
    e: TimeEntryInput,
    contract: impl FnOnce(Option<&str>, Option<i64>) -> ApiResult<Option<(i64, i64)>>,
) -> ApiResult<TimeEntry> {
    let name = |f: &str| named(at, f);
    let company = CompanyId(e.company_id);
    let contract_id = match contract(e.contract_psa_id.as_deref(), e.contract_id)? {
        Some((id, owner)) if owner == company.0 => Some(id),
        Some(_) => return Err(ApiError::invalid(&name("contract"), Message::new("rule-contract-other-company"))),
        None if e.contract_psa_id.is_some() || e.contract_id.is_some() => {
            return Err(ApiError::invalid(&name("contract"), Message::new("rule-contract-unknown")))
        }
        None => None,
    };
    Ok(TimeEntry {
        id: 0,
        company_id: company,
        psa_id: e.psa_id,
        contract_id,
        worked_on: calendar_date("worked_on", &e.worked_on)
            .map_err(|x| ApiError::invalid(&name("worked_on"), x.message))?,
        minutes: rules::minutes("hours", e.hours).map_err(|x| ApiError::invalid(&name("hours"), x.message))?,
        description: crate::text::required(&name("description"), &e.description, 1000)?,
        technician_name: crate::text::optional(&name("technician_name"), e.technician_name.as_deref(), 200)?,
        ticket_ref: crate::text::optional(&name("ticket_ref"), e.ticket_ref.as_deref(), 100)?,
        project_ref: crate::text::optional(&name("project_ref"), e.project_ref.as_deref(), 100)?,
        billable: e.billable,
    })
}

fn contract_lookup(
    conn: &mut DbConnection,
    tenant: TenantId,
    psa: Option<&str>,
    id: Option<i64>,
) -> ApiResult<Option<(i64, i64)>> {
    Ok(match (psa, id) {
        (Some(psa), _) => store::contracts_by_psa(conn, tenant, &[psa.to_owned()])?.get(psa).copied(),
        (None, Some(id)) => store::get_contract(conn, tenant, id).ok().map(|c| (c.id, c.company_id.0)),
        (None, None) => None,
    })
}

/// Record a time entry by hand (staff).
#[utoipa::path(tag = "contracts", operation_id = "createTimeEntry", security(("bearer" = [])),
    request_body = TimeEntryInput,
    responses(
        (status = 201, description = "The entry", body = TimeEntryView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "Another entry has this psa_id", body = Problem),
        (status = 422, description = "Invalid entry, unknown company, or a contract of another company", body = Problem)))]
#[post("/api/v1/time-entries")]
pub async fn create_time_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<TimeEntryInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let mut input = body.into_inner();
    input.psa_id = input.psa_id.take().map(|p| psa_id("psa_id", &p)).transpose()?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let tenant = auth.tenant.id;
                crate::routes::company_records::require_company(conn, tenant, CompanyId(input.company_id))?;
                let entry = parse_entry("", input, |psa, id| contract_lookup(conn, tenant, psa, id))?;
                let id = store::save_entry(conn, tenant, None, &entry, Utc::now()).map_err(taken)?;
                client.record_change(conn, &auth, "time_entry.created", format!("time_entry:{id}"), None)?;
                Ok(TimeEntryView {
                    id,
                    psa_id: entry.psa_id,
                    worked_on: entry.worked_on,
                    hours: rules::hours(entry.minutes),
                    description: entry.description,
                    technician_name: entry.technician_name,
                    ticket_ref: entry.ticket_ref,
                    project_ref: entry.project_ref,
                    billable: entry.billable,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

/// Remove a time entry (staff).
#[utoipa::path(tag = "contracts", operation_id = "deleteTimeEntry", security(("bearer" = [])),
    params(("time_entry_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such entry", body = Problem)))]
#[delete("/api/v1/time-entries/{time_entry_id}")]
pub async fn delete_time_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let client = origin::of(&req);
    state
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !store::entry_exists(conn, auth.tenant.id, id)? {
                    return Err(ApiError::NotFound);
                }
                store::delete_entries(conn, &[id])?;
                client.record_change(conn, &auth, "time_entry.deleted", format!("time_entry:{id}"), None)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"upsert": [{"psa_id": "AGR-88", "company_id": 1, "name": "Support block 2026", "kind": "hours",
    "period_start": "2026-01-01", "period_end": "2026-12-31", "hours_purchased": 40, "hours_used": 12.5}],
    "delete": ["AGR-12"]}))]
pub struct ContractSync {
    #[serde(default)]
    pub upsert: Vec<ContractInput>,
    #[serde(default)]
    pub delete: Vec<String>,
}

/// Sync contracts from the PSA (its sync credential as `Authorization: Bearer cdp_...`): up to
/// 500 rows a call in a body of at most 1 MiB, all or nothing, a refused row named by its PSA id.
/// A removed contract's time entries stay, without a contract.
#[utoipa::path(tag = "psa", operation_id = "syncContracts", security(("psa_sync" = [])),
    request_body = ContractSync,
    responses(
        (status = 200, description = "What was created, updated and removed", body = SyncAnswer),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 413, description = "A body over 1 MiB", body = Problem),
        (status = 422, description = "An invalid contract, named by its PSA id; nothing was stored", body = Problem)))]
#[put("/api/v1/psa/contracts")]
pub async fn sync_contracts(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: LargeJson<ContractSync, SYNC_BODY_LIMIT>,
) -> ApiResult<HttpResponse> {
    let token = sync_credential(&req)?;
    let ContractSync { upsert, delete } = body.into_inner();
    batch_size(upsert.len(), delete.len())?;
    let client = origin::of(&req);
    let answer = state
        .run(move |conn| {
            let tenant = sync_tenant(conn, &token)?;
            let (rows, deletes) = read_batch(upsert, &delete, |i| i.psa_id.as_deref(), parse_contract)?;
            write_tx(conn, |conn| {
                let now = Utc::now();
                require_known_companies(conn, tenant, &rows)?;
                let ids: Vec<String> = rows.iter().map(|(id, ..)| id.clone()).chain(deletes.iter().cloned()).collect();
                let existing = store::contracts_by_psa(conn, tenant, &ids)?;
                let mut upserted = Vec::with_capacity(rows.len());
                for (psa_id, company, fields) in &rows {
                    let (id, created) = match existing.get(psa_id) {
                        Some(&(id, _)) => {
                            store::update_contract(conn, id, *company, fields, now)?;
                            (id, false)
                        }
                        None => (store::insert_contract(conn, tenant, *company, Some(psa_id), fields, now)?, true),
                    };
                    upserted.push(SyncedRow { psa_id: psa_id.clone(), id, created });
                }
                let gone: Vec<i64> = deletes.iter().filter_map(|d| existing.get(d).map(|(id, _)| *id)).collect();
                store::delete_contracts(conn, &gone)?;
                let mut event = client.event(Some(tenant), None, "psa.contracts_synced");
                event.detail = Some(format!("upserted={} deleted={}", upserted.len(), gone.len()));
                audit::record(conn, &event, now)?;
                Ok(SyncAnswer { upserted, deleted: gone.len() })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(answer))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"upsert": [{"psa_id": "TE-5531", "company_id": 1, "contract_psa_id": "AGR-88",
    "worked_on": "2026-11-12", "hours": 1.5, "description": "Mailbox migration", "technician_name": "Tom Tech",
    "ticket_ref": "T-1042", "billable": true}], "delete": ["TE-5100"]}))]
pub struct TimeEntrySync {
    #[serde(default)]
    pub upsert: Vec<TimeEntryInput>,
    #[serde(default)]
    pub delete: Vec<String>,
}

/// Sync time entries from the PSA (its sync credential): up to 500 rows a call in a body of at
/// most 1 MiB, all or nothing, a refused row named by its PSA id. An entry's contract is named by
/// `contract_psa_id` and must be of the entry's company (synced before, or in an earlier call).
#[utoipa::path(tag = "psa", operation_id = "syncTimeEntries", security(("psa_sync" = [])),
    request_body = TimeEntrySync,
    responses(
        (status = 200, description = "What was created, updated and removed", body = SyncAnswer),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 413, description = "A body over 1 MiB", body = Problem),
        (status = 422, description = "An invalid entry, named by its PSA id; nothing was stored", body = Problem)))]
#[put("/api/v1/psa/time-entries")]
pub async fn sync_time_entries(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: LargeJson<TimeEntrySync, SYNC_BODY_LIMIT>,
) -> ApiResult<HttpResponse> {
    let token = sync_credential(&req)?;
    let TimeEntrySync { upsert, delete } = body.into_inner();
    batch_size(upsert.len(), delete.len())?;
    let client = origin::of(&req);
    let answer = state
        .run(move |conn| {
            let tenant = sync_tenant(conn, &token)?;
            let mut ids = Vec::with_capacity(upsert.len());
            for (i, input) in upsert.iter().enumerate() {
                ids.push(psa_id(&format!("upsert[{i}].psa_id"), input.psa_id.as_deref().unwrap_or(""))?);
            }
            let deletes = delete
                .iter()
                .enumerate()
                .map(|(i, d)| psa_id(&format!("delete[{i}]"), d))
                .collect::<ApiResult<Vec<_>>>()?;
            unique_ids(ids.iter().map(String::as_str).chain(deletes.iter().map(String::as_str)))?;
            write_tx(conn, |conn| {
                let now = Utc::now();
                let known =
                    psa::companies_of_tenant(conn, tenant, &upsert.iter().map(|e| e.company_id).collect::<Vec<_>>())?;
                let wanted: Vec<String> = upsert.iter().filter_map(|e| e.contract_psa_id.clone()).collect();
                let contracts = store::contracts_by_psa(conn, tenant, &wanted)?;
                let all: Vec<String> = ids.iter().cloned().chain(deletes.iter().cloned()).collect();
                let existing = store::entries_by_psa(conn, tenant, &all)?;
                let mut upserted = Vec::with_capacity(ids.len());
                for (i, (id, mut input)) in ids.iter().zip(upsert).enumerate() {
                    let at = format!("upsert[{i}]");
                    let row = |e: ApiError| e.about(crate::routes::psa::row(id));
                    if !known.contains(&input.company_id) {
                        return Err(row(ApiError::invalid(
                            &format!("{at}.company_id"),
                            Message::new("rule-company-unknown"),
                        )));
                    }
                    if input.contract_id.is_some() {
                        return Err(row(ApiError::invalid(
                            &format!("{at}.contract_id"),
                            Message::new("rule-contract-by-psa-id"),
                        )));
                    }
                    input.psa_id = Some(id.clone());
                    let entry = parse_entry(&at, input, |psa, _| Ok(psa.and_then(|p| contracts.get(p).copied())))
                        .map_err(row)?;
                    let previous = existing.get(id).copied();
                    let saved = store::save_entry(conn, tenant, previous, &entry, now)?;
                    upserted.push(SyncedRow { psa_id: id.clone(), id: saved, created: previous.is_none() });
                }
                let gone: Vec<i64> = deletes.iter().filter_map(|d| existing.get(d).copied()).collect();
                store::delete_entries(conn, &gone)?;
                let mut event = client.event(Some(tenant), None, "psa.time_entries_synced");
                event.detail = Some(format!("upserted={} deleted={}", upserted.len(), gone.len()));
                audit::record(conn, &event, now)?;
                Ok(SyncAnswer { upserted, deleted: gone.len() })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(answer))
}
