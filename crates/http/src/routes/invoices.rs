//! Invoices: read by staff and by the company's members whose roles include invoices (per
//! company, 404 for a company that is not theirs), written by staff by hand or by the PSA's
//! sync (`sync_invoices`, with the credential and batch rules of `routes::psa`), with an optional PDF in the attachment storage that only readers of the
//! invoice download, and a company's open balance.

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use clientdesk_domain::attachments::check_content;
use clientdesk_domain::i18n::Message;
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::invoices::{
    self as rules, Amounts, Invoice, InvoiceFields, InvoiceLine, InvoiceStatus, Pdf, ShownStatus,
};
use clientdesk_persistence::invoices::{self as store, InvoiceFilter};
use clientdesk_persistence::psa::Versioned;
use clientdesk_persistence::{audit, write_tx};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Caller};
use crate::json::{Json, LargeJson};
use crate::origin;
use crate::paging::{self, PageQuery, Paged};
use crate::preconditions::{if_match, tagged};
use crate::respond::JsonBody;
use crate::routes::attachments::{remove_objects, Binary};
use crate::routes::company_records::{company_in_path, require_reader, today};
use crate::routes::psa::{
    batch_size, hold_for_change, read_batch, require_known_companies, sync_credential, sync_tenant, SyncAnswer,
    SyncedRow, MAX_SYNC,
};
use crate::state::AppState;

/// Most lines on one invoice.
const MAX_LINES: usize = 200;
/// The body limit of an invoice sync: 500 invoices of up to 8 KiB each (about 30 lines).
const INVOICE_SYNC_BODY_LIMIT: usize = MAX_SYNC * 8 * 1024;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_company_invoices)
        .service(company_balance)
        .service(list_invoices)
        .service(create_invoice)
        .service(get_invoice)
        .service(replace_invoice)
        .service(delete_invoice)
        .service(download_pdf)
        .service(upload_pdf)
        .service(delete_pdf)
        .service(sync_pdf)
        .service(sync_invoices);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Managed services, November", "quantity": 1.5, "unit_price_minor": 80000,
    "amount_minor": 120000}))]
pub struct LineInput {
    pub description: String,
    /// Up to three decimals.
    pub quantity: f64,
    pub unit_price_minor: i64,
    pub amount_minor: i64,
}

/// An invoice as the PSA or staff write it. Amounts are integer minor units of `currency`
/// (cents, rappen): `total_minor` is `net_minor + tax_minor`, `paid_minor` at most the total.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"psa_id": "INV-2026-0412", "company_id": 1, "number": "2026-0412",
    "issued_on": "2026-11-30", "due_on": "2026-12-30", "currency": "CHF", "net_minor": 120000, "tax_minor": 9720,
    "total_minor": 129720, "paid_minor": 0, "status": "open", "payment_url": "https://pay.example.com/i/2026-0412",
    "lines": [{"description": "Managed services, November", "quantity": 1, "unit_price_minor": 120000,
    "amount_minor": 120000}]}))]
pub struct InvoiceInput {
    /// The PSA's id of the invoice: required in a sync, optional for staff.
    pub psa_id: Option<String>,
    pub company_id: i64,
    /// The invoice number printed on it.
    pub number: String,
    /// YYYY-MM-DD.
    #[schema(value_type = String, format = Date)]
    pub issued_on: String,
    /// YYYY-MM-DD; an open invoice is overdue from the next day.
    #[schema(value_type = String, format = Date)]
    pub due_on: String,
    /// ISO 4217, e.g. CHF.
    pub currency: String,
    pub net_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    #[serde(default)]
    pub paid_minor: i64,
    pub status: InvoiceStatus,
    /// Where the customer pays online: https only.
    pub payment_url: Option<String>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
}

/// Reads an invoice's input into its company and fields; errors name fields under `at`
/// (`upsert[3]` in a sync, empty for staff).
pub(crate) fn parse(at: &str, input: InvoiceInput) -> ApiResult<(CompanyId, InvoiceFields)> {
    let name = |f: &str| if at.is_empty() { f.to_owned() } else { format!("{at}.{f}") };
    let domain = |f: &str, e: clientdesk_domain::DomainError| ApiError::invalid(&name(f), e.message);
    if input.lines.len() > MAX_LINES {
        return Err(ApiError::invalid(&name("lines"), Message::new("rule-lines-at-most").arg("max", MAX_LINES)));
    }
    let lines = input
        .lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let field = |f: &str| name(&format!("lines[{i}].{f}"));
            let in_range = |f: &str, v: i64| {
                if (-rules::MAX_MINOR..=rules::MAX_MINOR).contains(&v) {
                    Ok(v)
                } else {
                    Err(ApiError::invalid(&field(f), Message::new("rule-out-of-range")))
                }
            };
            Ok(InvoiceLine {
                description: crate::text::required(&field("description"), &l.description, 500)?,
                quantity_milli: rules::quantity_milli("quantity", l.quantity)
                    .map_err(|e| domain(&field("quantity"), e))?,
                unit_price_minor: in_range("unit_price_minor", l.unit_price_minor)?,
                amount_minor: in_range("amount_minor", l.amount_minor)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let amounts = Amounts::new(input.net_minor, input.tax_minor, input.total_minor, input.paid_minor)
        .map_err(|e| ApiError::invalid(&name(e.field), e.message))?;
    let issued_on = rules::calendar_date("issued_on", &input.issued_on).map_err(|e| domain("issued_on", e))?;
    let due_on = rules::calendar_date("due_on", &input.due_on).map_err(|e| domain("due_on", e))?;
    if due_on < issued_on {
        return Err(ApiError::invalid(&name("due_on"), Message::new("rule-not-before").arg("other", "issued_on")));
    }
    let fields = InvoiceFields {
        number: crate::text::required(&name("number"), &input.number, 50)?,
        issued_on,
        due_on,
        currency: rules::currency(&input.currency).map_err(|e| domain("currency", e))?,
        amounts,
        status: input.status,
        payment_url: input
            .payment_url
            .as_deref()
            .map(rules::payment_link)
            .transpose()
            .map_err(|e| domain("payment_url", e))?,
        lines,
    };
    Ok((CompanyId(input.company_id), fields))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"description": "Managed services, November", "quantity": 1.5, "unit_price_minor": 80000,
    "amount_minor": 120000}))]
pub struct LineView {
    pub description: String,
    pub quantity: f64,
    pub unit_price_minor: i64,
    pub amount_minor: i64,
}

/// An invoice. `status` is as of today (UTC): an open invoice past its due date is `overdue`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 17, "company_id": 1, "psa_id": "INV-2026-0412", "number": "2026-0412",
    "issued_on": "2026-11-30", "due_on": "2026-12-30", "currency": "CHF", "net_minor": 120000, "tax_minor": 9720,
    "total_minor": 129720, "paid_minor": 0, "balance_minor": 129720, "status": "open",
    "payment_url": "https://pay.example.com/i/2026-0412", "has_pdf": true,
    "lines": [{"description": "Managed services, November", "quantity": 1.0, "unit_price_minor": 120000,
    "amount_minor": 120000}], "updated_at": "2026-11-30T06:00:00Z"}))]
pub struct InvoiceView {
    pub id: i64,
    pub company_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psa_id: Option<String>,
    pub number: String,
    #[schema(value_type = String, format = Date)]
    pub issued_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub currency: String,
    pub net_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    /// What is left to pay: total less paid.
    pub balance_minor: i64,
    pub status: ShownStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// Download it from `/api/v1/invoices/{id}/pdf`.
    pub has_pdf: bool,
    /// The lines (in the answer for one invoice, not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineView>>,
    pub updated_at: DateTime<Utc>,
}

impl InvoiceView {
    fn of(i: Invoice, today: NaiveDate, with_lines: bool) -> Self {
        let f = i.fields;
        Self {
            id: i.id,
            company_id: i.company_id.0,
            psa_id: i.psa_id,
            number: f.number,
            issued_on: f.issued_on,
            due_on: f.due_on,
            currency: f.currency,
            net_minor: f.amounts.net(),
            tax_minor: f.amounts.tax(),
            total_minor: f.amounts.total(),
            paid_minor: f.amounts.paid(),
            balance_minor: f.amounts.balance(),
            status: rules::shown_status(f.status, f.due_on, today),
            payment_url: f.payment_url,
            has_pdf: i.pdf.is_some(),
            lines: with_lines.then(|| {
                f.lines
                    .into_iter()
                    .map(|l| LineView {
                        description: l.description,
                        quantity: l.quantity_milli as f64 / 1000.0,
                        unit_price_minor: l.unit_price_minor,
                        amount_minor: l.amount_minor,
                    })
                    .collect()
            }),
            updated_at: i.updated_at,
        }
    }
}

/// An invoice the caller may read, with its lines.
fn readable(conn: &mut clientdesk_persistence::DbConnection, auth: &Auth, id: i64) -> ApiResult<Invoice> {
    let invoice = store::get(conn, auth.tenant.id, id)?;
    require_reader(auth, invoice.company_id, rules::may_read)?;
    Ok(invoice)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Only items created or changed at or after this time (RFC 3339).
    #[param(example = "2026-12-01T00:00:00Z")]
    pub updated_from: Option<DateTime<Utc>>,
    /// Only invoices in this status (as of today: `open` excludes overdue ones).
    pub status: Option<ShownStatus>,
    /// Staff lists only: one company's invoices.
    pub company_id: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn page_of(page: clientdesk_persistence::Page<Invoice>, today: NaiveDate) -> Paged<InvoiceView> {
    Paged {
        items: page.items.into_iter().map(|i| InvoiceView::of(i, today, false)).collect(),
        next_cursor: paging::cursor(page.next_after),
    }
}

/// List a company's invoices, newest first (staff, and members whose roles include invoices).
#[utoipa::path(tag = "invoices", operation_id = "listCompanyInvoices", security(("bearer" = [])),
    params(("company_id" = i64, Path), InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices, without their lines", body = Paged<InvoiceView>),
        (status = 403, description = "Your roles in this company do not include invoices", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem),
        (status = 422, description = "Invalid filter or cursor", body = Problem)))]
#[get("/api/v1/companies/{company_id}/invoices")]
pub async fn list_company_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    query: crate::query::Query<InvoiceQuery>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let query = query.into_inner();
    if query.company_id.is_some() {
        return Err(ApiError::invalid("company_id", Message::new("rule-company-in-path")));
    }
    let (limit, before) = PageQuery { limit: query.limit, cursor: query.cursor }.resolve()?;
    let (status, since) = (query.status, query.updated_from);
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                company_in_path(conn, auth, company, rules::may_read)?;
                let today = today();
                let page = store::list(
                    conn,
                    auth.tenant.id,
                    &InvoiceFilter { company: Some(company), status, updated_since: since },
                    today,
                    before,
                    limit,
                )?;
                Ok((page_of(page, today), None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// List the tenant's invoices, newest first (staff).
#[utoipa::path(tag = "invoices", operation_id = "listInvoices", security(("bearer" = [])),
    params(InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices, without their lines", body = Paged<InvoiceView>),
        (status = 403, description = "Not staff", body = Problem),
        (status = 422, description = "Invalid filter or cursor", body = Problem)))]
#[get("/api/v1/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    query: crate::query::Query<InvoiceQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let (limit, before) = PageQuery { limit: query.limit, cursor: query.cursor }.resolve()?;
    let (status, company, since) = (query.status, query.company_id.map(CompanyId), query.updated_from);
    let page = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                auth.principal.require_staff()?;
                let today = today();
                let page = store::list(
                    conn,
                    auth.tenant.id,
                    &InvoiceFilter { company, status, updated_since: since },
                    today,
                    before,
                    limit,
                )?;
                Ok((page_of(page, today), None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(page))
}

/// A company's open balance in one currency.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"currency": "CHF", "open_invoices": 3, "balance_minor": 389160, "overdue_invoices": 1,
    "overdue_minor": 129720}))]
pub struct CurrencyBalanceView {
    pub currency: String,
    /// Open invoices, overdue ones included.
    pub open_invoices: i64,
    pub balance_minor: i64,
    pub overdue_invoices: i64,
    pub overdue_minor: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"company_id": 1, "as_of": "2026-12-07", "balances": [{"currency": "CHF", "open_invoices": 3,
    "balance_minor": 389160, "overdue_invoices": 1, "overdue_minor": 129720}]}))]
pub struct BalanceView {
    pub company_id: i64,
    /// The day overdue is counted on (UTC).
    #[schema(value_type = String, format = Date)]
    pub as_of: NaiveDate,
    /// One entry per currency with open invoices; empty when nothing is owed.
    pub balances: Vec<CurrencyBalanceView>,
}

/// A company's open balance per currency, and how much of it is overdue.
#[utoipa::path(tag = "invoices", operation_id = "getCompanyBalance", security(("bearer" = [])),
    params(("company_id" = i64, Path)),
    responses(
        (status = 200, description = "The balance", body = BalanceView),
        (status = 403, description = "Your roles in this company do not include invoices", body = Problem),
        (status = 404, description = "No such company, or not one of yours", body = Problem)))]
#[get("/api/v1/companies/{company_id}/invoices/balance")]
pub async fn company_balance(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let company = CompanyId(path.into_inner());
    let view = state
        .run(move |conn| {
            caller.read_with(conn, |conn, auth| {
                company_in_path(conn, auth, company, rules::may_read)?;
                let today = today();
                let open = store::open_of_company(conn, auth.tenant.id, company)?;
                let dues = open.iter().map(|(currency, due_on, balance)| rules::Due {
                    currency,
                    status: InvoiceStatus::Open,
                    due_on: *due_on,
                    balance: *balance,
                });
                let balances = rules::summarize(dues, today)
                    .into_iter()
                    .map(|b| CurrencyBalanceView {
                        currency: b.currency,
                        open_invoices: b.open_invoices,
                        balance_minor: b.balance_minor,
                        overdue_invoices: b.overdue_invoices,
                        overdue_minor: b.overdue_minor,
                    })
                    .collect();
                Ok((BalanceView { company_id: company.0, as_of: today, balances }, None))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json_body(view))
}

/// Read an invoice with its lines.
#[utoipa::path(tag = "invoices", operation_id = "getInvoice", security(("bearer" = [])),
    params(("invoice_id" = i64, Path)),
    responses(
        (status = 200, description = "The invoice", body = InvoiceView,
            headers(("ETag" = String, description = "The invoice's version, for If-Match"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Your roles in its company do not include invoices", body = Problem),
        (status = 404, description = "No such invoice, or not of one of your companies", body = Problem)))]
#[get("/api/v1/invoices/{invoice_id}")]
pub async fn get_invoice(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let invoice =
        state.run(move |conn| caller.read_with(conn, |conn, auth| Ok((readable(conn, auth, id)?, None)))).await?;
    Ok(tagged(StatusCode::OK, invoice.version).json_body(InvoiceView::of(invoice, today(), true)))
}

fn require_writer(auth: &Auth) -> ApiResult<()> {
    auth.principal.require_staff()?;
    auth.principal.require_writable()?;
    Ok(())
}

/// Record an invoice by hand (staff).
#[utoipa::path(tag = "invoices", operation_id = "createInvoice", security(("bearer" = [])),
    request_body = InvoiceInput,
    responses(
        (status = 201, description = "The invoice", body = InvoiceView),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 409, description = "Another invoice has this psa_id", body = Problem),
        (status = 422, description = "Invalid invoice or unknown company", body = Problem)))]
#[post("/api/v1/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: Json<InvoiceInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let mut input = body.into_inner();
    let psa_id = input.psa_id.take().map(|p| crate::routes::psa::psa_id("psa_id", &p)).transpose()?;
    let (company, fields) = parse("", input)?;
    let client = origin::of(&req);
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                crate::routes::company_records::require_company(conn, auth.tenant.id, company)?;
                let id = store::insert(conn, auth.tenant.id, company, psa_id.as_deref(), &fields, Utc::now())
                    .map_err(psa_id_taken)?;
                client.record_change(conn, &auth, "invoice.created", format!("invoice:{id}"), None)?;
                Ok(InvoiceView::of(store::get(conn, auth.tenant.id, id)?, today(), true))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json_body(view))
}

fn psa_id_taken(err: clientdesk_persistence::Error) -> ApiError {
    match err {
        clientdesk_persistence::Error::Conflict(_) => ApiError::conflict("conflict-psa-id-invoice"),
        other => other.into(),
    }
}

/// Replace an invoice's fields and lines (staff). A `psa_id` links it to the PSA's record; none
/// keeps the one it has. Send `If-Match` with the ETag you read to refuse a change made
/// meanwhile, by the PSA's sync or by someone else (412).
#[utoipa::path(tag = "invoices", operation_id = "replaceInvoice", security(("bearer" = [])),
    params(("invoice_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = InvoiceInput,
    responses(
        (status = 200, description = "The invoice", body = InvoiceView,
            headers(("ETag" = String, description = "The new version"))),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such invoice", body = Problem),
        (status = 409, description = "Another invoice has this psa_id", body = Problem),
        (status = 412, description = "The invoice changed since you read it; nothing was changed", body = Problem),
        (status = 422, description = "Invalid invoice or unknown company", body = Problem)))]
#[put("/api/v1/invoices/{invoice_id}")]
pub async fn replace_invoice(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    body: Json<InvoiceInput>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let mut input = body.into_inner();
    let psa_id = input.psa_id.take().map(|p| crate::routes::psa::psa_id("psa_id", &p)).transpose()?;
    let (company, fields) = parse("", input)?;
    let (client, if_match) = (origin::of(&req), if_match(&req));
    let invoice = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = store::get(conn, auth.tenant.id, id)?;
                hold_for_change(conn, auth.tenant.id, Versioned::Invoice, id, current.version, if_match.as_deref())?;
                crate::routes::company_records::require_company(conn, auth.tenant.id, company)?;
                let now = Utc::now();
                store::update(conn, id, company, &fields, now)?;
                if let Some(psa_id) = &psa_id {
                    store::set_psa_id(conn, id, psa_id).map_err(psa_id_taken)?;
                }
                client.record_change(conn, &auth, "invoice.updated", format!("invoice:{id}"), None)?;
                Ok(store::get(conn, auth.tenant.id, id)?)
            })
        })
        .await?;
    Ok(tagged(StatusCode::OK, invoice.version).json_body(InvoiceView::of(invoice, today(), true)))
}

/// Remove an invoice and its PDF (staff). Send `If-Match` with the ETag you read to refuse the
/// removal if the invoice changed meanwhile (412).
#[utoipa::path(tag = "invoices", operation_id = "deleteInvoice", security(("bearer" = [])),
    params(("invoice_id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such invoice", body = Problem),
        (status = 412, description = "The invoice changed since you read it; nothing was removed", body = Problem)))]
#[delete("/api/v1/invoices/{invoice_id}")]
pub async fn delete_invoice(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let (client, if_match) = (origin::of(&req), if_match(&req));
    let keys = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = store::get(conn, auth.tenant.id, id)?;
                hold_for_change(conn, auth.tenant.id, Versioned::Invoice, id, current.version, if_match.as_deref())?;
                let keys = store::delete(conn, &[id])?;
                client.record_change(conn, &auth, "invoice.deleted", format!("invoice:{id}"), None)?;
                Ok(keys)
            })
        })
        .await?;
    remove_objects(&state, &keys).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Download an invoice's PDF: whoever may read the invoice.
#[utoipa::path(tag = "invoices", operation_id = "downloadInvoicePdf", security(("bearer" = [])),
    params(("invoice_id" = i64, Path)),
    responses(
        (status = 200, description = "The PDF, with `Content-Disposition: attachment`", content_type = "application/pdf", body = Binary),
        (status = 403, description = "Your roles in its company do not include invoices", body = Problem),
        (status = 404, description = "No such invoice, not of one of your companies, or without a PDF", body = Problem)))]
#[get("/api/v1/invoices/{invoice_id}/pdf")]
pub async fn download_pdf(state: web::Data<AppState>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let invoice =
        state.run(move |conn| caller.read_with(conn, |conn, auth| Ok((readable(conn, auth, id)?, None)))).await?;
    let pdf = invoice.pdf.ok_or(ApiError::NotFound)?;
    let contents = state.storage.get(&pdf.storage_key).await?;
    let file_name: String =
        invoice.fields.number.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![header::DispositionParam::Filename(format!("invoice-{file_name}.pdf"))],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .insert_header(disposition)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(contents))
}

/// Reads a PDF body (`Content-Type: application/pdf`) of at most `limit` bytes.
async fn read_pdf(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> ApiResult<Vec<u8>> {
    let declared = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !declared.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/pdf") {
        return Err(ApiError::UnsupportedMediaType(Message::new("problem-pdf-media-type-detail").into()));
    }
    let too_large =
        || ApiError::PayloadTooLarge(Message::new("problem-pdf-too-large-detail").arg("limit", limit).into());
    let length =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if length.is_some_and(|l| l > limit) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::BadRequest(Message::new("problem-body-unreadable-detail").arg("reason", e.to_string()).into())
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    check_content("application/pdf", &body).map_err(|e| ApiError::invalid("body", e.message))?;
    Ok(body)
}

/// Stores `body` as invoice `id`'s PDF (of `tenant`): the object first, then the row in a
/// transaction that `check` runs in; the object it replaces is removed after the commit.
async fn store_pdf(
    state: &AppState,
    tenant: clientdesk_domain::ids::TenantId,
    id: i64,
    body: Vec<u8>,
    record: impl FnOnce(&mut clientdesk_persistence::DbConnection) -> ApiResult<()> + Send + 'static,
) -> ApiResult<Invoice> {
    let pdf = Pdf {
        storage_key: format!("tenant-{}/invoice-{id}/{}", tenant.0, uuid::Uuid::new_v4()),
        size_bytes: body.len() as i64,
        sha256: hex::encode(Sha256::digest(&body)),
    };
    state.storage.put(&pdf.storage_key, body).await?;
    let key = pdf.storage_key.clone();
    let saved = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                store::get(conn, tenant, id)?;
                let previous = store::set_pdf(conn, id, Some(&pdf), Utc::now())?;
                record(conn)?;
                Ok((store::get(conn, tenant, id)?, previous))
            })
        })
        .await;
    match saved {
        Ok((invoice, previous)) => {
            remove_objects(state, &previous.into_iter().collect::<Vec<_>>()).await;
            Ok(invoice)
        }
        Err(err) => {
            remove_objects(state, &[key]).await;
            Err(err)
        }
    }
}

/// Attach or replace an invoice's PDF (staff): the body is the PDF, `Content-Type:
/// application/pdf`, up to the attachment size limit.
#[utoipa::path(tag = "invoices", operation_id = "uploadInvoicePdf", security(("bearer" = [])),
    params(("invoice_id" = i64, Path)),
    request_body(content = Binary, content_type = "application/pdf"),
    responses(
        (status = 200, description = "The invoice", body = InvoiceView,
            headers(("ETag" = String, description = "The new version"))),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such invoice", body = Problem),
        (status = 413, description = "Over the attachment size limit", body = Problem),
        (status = 415, description = "Not application/pdf", body = Problem),
        (status = 422, description = "The contents are not a PDF", body = Problem)))]
#[put("/api/v1/invoices/{invoice_id}/pdf")]
pub async fn upload_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let tenant = auth.tenant.id;
    let check = auth.clone();
    state.run(move |conn| Ok(store::get(conn, check.tenant.id, id)?)).await?;
    let body = read_pdf(&req, payload, state.settings.attachment_max_bytes).await?;
    let client = origin::of(&req);
    let invoice = store_pdf(&state, tenant, id, body, move |conn| {
        Ok(client.record_change(conn, &auth, "invoice.pdf", format!("invoice:{id}"), None)?)
    })
    .await?;
    Ok(tagged(StatusCode::OK, invoice.version).json_body(InvoiceView::of(invoice, today(), true)))
}

/// Remove an invoice's PDF (staff).
#[utoipa::path(tag = "invoices", operation_id = "deleteInvoicePdf", security(("bearer" = [])),
    params(("invoice_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed (or there was none)"),
        (status = 403, description = "Not staff, or a read-only token", body = Problem),
        (status = 404, description = "No such invoice", body = Problem)))]
#[delete("/api/v1/invoices/{invoice_id}/pdf")]
pub async fn delete_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    require_writer(&auth)?;
    let id = path.into_inner();
    let client = origin::of(&req);
    let previous = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                store::get(conn, auth.tenant.id, id)?;
                let previous = store::set_pdf(conn, id, None, Utc::now())?;
                client.record_change(conn, &auth, "invoice.pdf_removed", format!("invoice:{id}"), None)?;
                Ok(previous)
            })
        })
        .await?;
    remove_objects(&state, &previous.into_iter().collect::<Vec<_>>()).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Attach or replace the PDF of an invoice the PSA synced, by its PSA id (the sync credential as
/// `Authorization: Bearer cdp_...`).
#[utoipa::path(tag = "psa", operation_id = "syncInvoicePdf", security(("psa_sync" = [])),
    params(("psa_id" = String, Path, description = "The PSA's id of the invoice")),
    request_body(content = Binary, content_type = "application/pdf"),
    responses(
        (status = 200, description = "Stored", body = InvoiceView),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 404, description = "No invoice with this PSA id", body = Problem),
        (status = 413, description = "Over the attachment size limit", body = Problem),
        (status = 415, description = "Not application/pdf", body = Problem),
        (status = 422, description = "The contents are not a PDF", body = Problem)))]
#[put("/api/v1/psa/invoices/{psa_id}/pdf")]
pub async fn sync_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let token = crate::routes::psa::sync_credential(&req)?;
    let psa_id = path.into_inner();
    let (tenant, id) = state
        .run(move |conn| {
            let tenant = crate::routes::psa::sync_tenant(conn, &token)?;
            let id = store::ids_by_psa(conn, tenant, std::slice::from_ref(&psa_id))?
                .get(&psa_id)
                .copied()
                .ok_or(ApiError::NotFound)?;
            Ok((tenant, id))
        })
        .await?;
    let body = read_pdf(&req, payload, state.settings.attachment_max_bytes).await?;
    let client = origin::of(&req);
    let invoice = store_pdf(&state, tenant, id, body, move |conn| {
        let mut event = client.event(Some(tenant), None, "psa.invoice_pdf");
        event.target = Some(format!("invoice:{id}"));
        Ok(clientdesk_persistence::audit::record(conn, &event, Utc::now())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json_body(InvoiceView::of(invoice, today(), true)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"upsert": [{"psa_id": "INV-2026-0412", "company_id": 1, "number": "2026-0412",
    "issued_on": "2026-11-30", "due_on": "2026-12-30", "currency": "CHF", "net_minor": 120000, "tax_minor": 9720,
    "total_minor": 129720, "paid_minor": 0, "status": "open", "payment_url": "https://pay.example.com/i/2026-0412",
    "lines": [{"description": "Managed services, November", "quantity": 1, "unit_price_minor": 120000,
    "amount_minor": 120000}]}], "delete": ["INV-2026-0007"]}))]
pub struct InvoiceSync {
    /// Invoices to create or replace, by `psa_id` (required here).
    #[serde(default)]
    pub upsert: Vec<InvoiceInput>,
    /// PSA ids of invoices to remove; ids the portal does not know are ignored.
    #[serde(default)]
    pub delete: Vec<String>,
}

/// Sync invoices from the PSA (its sync credential as `Authorization: Bearer cdp_...`).
///
/// Up to 500 rows a call (upserts and deletes together), in a body of at most 4 MiB. Invoices are
/// upserted by `psa_id` in one transaction with the deletes: one invalid invoice (an unknown
/// company, amounts that do not add up, ...) refuses the whole request with a 422 naming it as
/// `/upsert/3/field` with the row's PSA id in its detail, and nothing is stored. Sending the same batch again changes nothing
/// but `updated_at`.
#[utoipa::path(tag = "psa", operation_id = "syncInvoices", security(("psa_sync" = [])),
    request_body = InvoiceSync,
    responses(
        (status = 200, description = "What was created, updated and removed", body = SyncAnswer),
        (status = 401, description = "Missing or unknown sync credential", body = Problem),
        (status = 413, description = "A body over 4 MiB", body = Problem),
        (status = 422, description = "An invalid invoice, named by its PSA id; nothing was stored", body = Problem)))]
#[put("/api/v1/psa/invoices")]
pub async fn sync_invoices(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: LargeJson<InvoiceSync, INVOICE_SYNC_BODY_LIMIT>,
) -> ApiResult<HttpResponse> {
    let token = sync_credential(&req)?;
    let InvoiceSync { upsert, delete } = body.into_inner();
    batch_size(upsert.len(), delete.len())?;
    let client = origin::of(&req);
    let answer = state
        .run(move |conn| {
            let tenant = sync_tenant(conn, &token)?;
            // Everything that needs no database is checked before the transaction starts.
            let (rows, deletes) = read_batch(upsert, &delete, |i| i.psa_id.as_deref(), parse)?;
            let (answer, removed_pdfs) = write_tx(conn, |conn| {
                let now = Utc::now();
                require_known_companies(conn, tenant, &rows)?;
                let ids: Vec<String> = rows.iter().map(|(id, ..)| id.clone()).chain(deletes.iter().cloned()).collect();
                let existing = store::ids_by_psa(conn, tenant, &ids)?;
                let mut upserted = Vec::with_capacity(rows.len());
                for (psa_id, company, fields) in &rows {
                    let (id, created) = match existing.get(psa_id) {
                        Some(&id) => {
                            store::update(conn, id, *company, fields, now)?;
                            (id, false)
                        }
                        None => (store::insert(conn, tenant, *company, Some(psa_id), fields, now)?, true),
                    };
                    upserted.push(SyncedRow { psa_id: psa_id.clone(), id, created });
                }
                let gone: Vec<i64> = deletes.iter().filter_map(|d| existing.get(d).copied()).collect();
                let removed_pdfs = store::delete(conn, &gone)?;
                let mut event = client.event(Some(tenant), None, "psa.invoices_synced");
                event.detail = Some(format!("upserted={} deleted={}", upserted.len(), gone.len()));
                audit::record(conn, &event, now)?;
                Ok::<_, ApiError>((SyncAnswer { upserted, deleted: gone.len() }, removed_pdfs))
            })?;
            Ok((answer, removed_pdfs))
        })
        .await?;
    let (answer, removed_pdfs) = answer;
    remove_objects(&state, &removed_pdfs).await;
    Ok(HttpResponse::Ok().json_body(answer))
}
