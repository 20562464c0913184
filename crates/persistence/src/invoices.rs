//! Invoices and their lines. The PSA upserts them by its own id (`psa_id`) in batches; staff
//! write them by id. Lists read the invoice columns only; lines are read with one invoice.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::invoices::{Amounts, Invoice, InvoiceFields, InvoiceLine, InvoiceStatus, Pdf, ShownStatus};
use diesel::prelude::*;

use crate::schema::{invoice_lines, invoices};
use crate::{utc, DbConnection, Error, Page, Result};

/// How a date is stored: ISO 8601, which sorts and compares in date order as text.
pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(what: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| Error::Other(format!("{what}: date {text:?}")))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invoices)]
struct InvoiceRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    psa_id: Option<String>,
    number: String,
    issued_on: String,
    due_on: String,
    currency: String,
    net_minor: i64,
    tax_minor: i64,
    total_minor: i64,
    paid_minor: i64,
    status: String,
    payment_url: Option<String>,
    pdf_key: Option<String>,
    pdf_size: Option<i64>,
    pdf_sha256: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl TryFrom<InvoiceRow> for Invoice {
    type Error = Error;
    fn try_from(r: InvoiceRow) -> Result<Self> {
        let what = format!("invoice {}", r.id);
        let amounts = Amounts::new(r.net_minor, r.tax_minor, r.total_minor, r.paid_minor)
            .map_err(|e| Error::Other(format!("{what}: {}", e.message)))?;
        let status = InvoiceStatus::parse(&r.status).ok_or_else(|| Error::Other(format!("{what}: status")))?;
        let pdf = match (r.pdf_key, r.pdf_size, r.pdf_sha256) {
            (Some(storage_key), Some(size_bytes), Some(sha256)) => Some(Pdf { storage_key, size_bytes, sha256 }),
            _ => None,
        };
        Ok(Invoice {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            company_id: CompanyId(r.company_id),
            psa_id: r.psa_id,
            fields: InvoiceFields {
                number: r.number,
                issued_on: parse_date(&what, &r.issued_on)?,
                due_on: parse_date(&what, &r.due_on)?,
                currency: r.currency,
                amounts,
                status,
                payment_url: r.payment_url,
                lines: Vec::new(),
            },
            pdf,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            version: r.version,
        })
    }
}

#[allow(clippy::type_complexity)]
fn field_values(
    company: CompanyId,
    f: &InvoiceFields,
    now: DateTime<Utc>,
) -> (
    diesel::dsl::Eq<invoices::company_id, i64>,
    diesel::dsl::Eq<invoices::number, String>,
    diesel::dsl::Eq<invoices::issued_on, String>,
    diesel::dsl::Eq<invoices::due_on, String>,
    diesel::dsl::Eq<invoices::currency, String>,
    diesel::dsl::Eq<invoices::net_minor, i64>,
    diesel::dsl::Eq<invoices::tax_minor, i64>,
    diesel::dsl::Eq<invoices::total_minor, i64>,
    diesel::dsl::Eq<invoices::paid_minor, i64>,
    diesel::dsl::Eq<invoices::status, &'static str>,
    diesel::dsl::Eq<invoices::payment_url, Option<String>>,
    diesel::dsl::Eq<invoices::updated_at, NaiveDateTime>,
) {
    (
        invoices::company_id.eq(company.0),
        invoices::number.eq(f.number.clone()),
        invoices::issued_on.eq(date_text(f.issued_on)),
        invoices::due_on.eq(date_text(f.due_on)),
        invoices::currency.eq(f.currency.clone()),
        invoices::net_minor.eq(f.amounts.net()),
        invoices::tax_minor.eq(f.amounts.tax()),
        invoices::total_minor.eq(f.amounts.total()),
        invoices::paid_minor.eq(f.amounts.paid()),
        invoices::status.eq(f.status.as_str()),
        invoices::payment_url.eq(f.payment_url.clone()),
        invoices::updated_at.eq(now.naive_utc()),
    )
}

/// The invoices the PSA knows by these ids: psa id -> invoice id.
pub fn ids_by_psa(conn: &mut DbConnection, tenant: TenantId, psa_ids: &[String]) -> Result<HashMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = invoices::table
        .filter(invoices::tenant_id.eq(tenant.0))
        .filter(invoices::psa_id.eq_any(psa_ids))
        .select((invoices::psa_id, invoices::id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(psa, id)| psa.map(|p| (p, id))).collect())
}

/// Records a new invoice and its lines; returns its id. Call inside a write transaction.
pub fn insert(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    psa_id: Option<&str>,
    f: &InvoiceFields,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id: i64 = diesel::insert_into(invoices::table)
        .values((
            invoices::tenant_id.eq(tenant.0),
            invoices::psa_id.eq(psa_id),
            invoices::created_at.eq(now.naive_utc()),
            field_values(company, f, now),
        ))
        .returning(invoices::id)
        .get_result(conn)?;
    insert_lines(conn, id, &f.lines)?;
    Ok(id)
}

/// Replaces an invoice's fields and lines. Call inside a write transaction.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    company: CompanyId,
    f: &InvoiceFields,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(invoices::table.filter(invoices::id.eq(id)))
        .set((field_values(company, f, now), invoices::version.eq(invoices::version + 1)))
        .execute(conn)?;
    diesel::delete(invoice_lines::table.filter(invoice_lines::invoice_id.eq(id))).execute(conn)?;
    insert_lines(conn, id, &f.lines)
}

fn insert_lines(conn: &mut DbConnection, invoice: i64, lines: &[InvoiceLine]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                invoice_lines::invoice_id.eq(invoice),
                invoice_lines::position.eq(i as i32),
                invoice_lines::description.eq(&l.description),
                invoice_lines::quantity_milli.eq(l.quantity_milli),
                invoice_lines::unit_price_minor.eq(l.unit_price_minor),
                invoice_lines::amount_minor.eq(l.amount_minor),
            )
        })
        .collect();
    crate::psa::insert_many!(conn, invoice_lines::table, rows)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Invoice> {
    let mut invoice: Invoice = invoices::table
        .filter(invoices::tenant_id.eq(tenant.0))
        .filter(invoices::id.eq(id))
        .select(InvoiceRow::as_select())
        .first(conn)?
        .try_into()?;
    invoice.fields.lines = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .order(invoice_lines::position)
        .select((
            invoice_lines::description,
            invoice_lines::quantity_milli,
            invoice_lines::unit_price_minor,
            invoice_lines::amount_minor,
        ))
        .load::<(String, i64, i64, i64)>(conn)?
        .into_iter()
        .map(|(description, quantity_milli, unit_price_minor, amount_minor)| InvoiceLine {
            description,
            quantity_milli,
            unit_price_minor,
            amount_minor,
        })
        .collect();
    Ok(invoice)
}

/// Links an invoice entered by hand to the PSA's record of it.
pub fn set_psa_id(conn: &mut DbConnection, id: i64, psa_id: &str) -> Result<()> {
    diesel::update(invoices::table.filter(invoices::id.eq(id)))
        .set((invoices::psa_id.eq(psa_id), invoices::version.eq(invoices::version + 1)))
        .execute(conn)?;
    Ok(())
}

/// Removes invoices (their lines go with them); returns the storage keys of their PDFs, to remove
/// once the transaction has committed.
pub fn delete(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<String>> {
    let keys: Vec<Option<String>> =
        invoices::table.filter(invoices::id.eq_any(ids)).select(invoices::pdf_key).load(conn)?;
    diesel::delete(invoice_lines::table.filter(invoice_lines::invoice_id.eq_any(ids))).execute(conn)?;
    diesel::delete(invoices::table.filter(invoices::id.eq_any(ids))).execute(conn)?;
    Ok(keys.into_iter().flatten().collect())
}

/// Sets (or, with `None`, removes) an invoice's PDF; returns the key of the one it replaces.
pub fn set_pdf(conn: &mut DbConnection, id: i64, pdf: Option<&Pdf>, now: DateTime<Utc>) -> Result<Option<String>> {
    let previous: Option<String> = invoices::table.filter(invoices::id.eq(id)).select(invoices::pdf_key).first(conn)?;
    diesel::update(invoices::table.filter(invoices::id.eq(id)))
        .set((
            invoices::pdf_key.eq(pdf.map(|p| p.storage_key.clone())),
            invoices::pdf_size.eq(pdf.map(|p| p.size_bytes)),
            invoices::pdf_sha256.eq(pdf.map(|p| p.sha256.clone())),
            invoices::updated_at.eq(now.naive_utc()),
            invoices::version.eq(invoices::version + 1),
        ))
        .execute(conn)?;
    Ok(previous)
}

/// A company's invoices (or the tenant's), newest first by id, optionally in one shown status
/// as of `today`.
/// Which invoices a list shows.
#[derive(Debug, Default)]
pub struct InvoiceFilter {
    pub company: Option<CompanyId>,
    /// As of the reader's day.
    pub status: Option<ShownStatus>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub fn list(
    conn: &mut DbConnection,
    tenant: TenantId,
    filter: &InvoiceFilter,
    today: NaiveDate,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Invoice>> {
    let mut query = invoices::table
        .filter(invoices::tenant_id.eq(tenant.0))
        .select(InvoiceRow::as_select())
        .order(invoices::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(company) = filter.company {
        query = query.filter(invoices::company_id.eq(company.0));
    }
    let today = date_text(today);
    query = match filter.status {
        None => query,
        Some(ShownStatus::Open) => query.filter(invoices::status.eq("open")).filter(invoices::due_on.ge(today)),
        Some(ShownStatus::Overdue) => query.filter(invoices::status.eq("open")).filter(invoices::due_on.lt(today)),
        Some(ShownStatus::Paid) => query.filter(invoices::status.eq("paid")),
        Some(ShownStatus::Void) => query.filter(invoices::status.eq("void")),
    };
    if let Some(since) = filter.updated_since {
        query = query.filter(invoices::updated_at.ge(since.naive_utc()));
    }
    if let Some(before) = before {
        query = query.filter(invoices::id.lt(before));
    }
    let items = query.load(conn)?.into_iter().map(Invoice::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |i| i.id))
}

/// A company's open invoices as the balance summary needs them: currency, due date, balance.
pub fn open_of_company(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
) -> Result<Vec<(String, NaiveDate, i64)>> {
    invoices::table
        .filter(invoices::tenant_id.eq(tenant.0))
        .filter(invoices::company_id.eq(company.0))
        .filter(invoices::status.eq("open"))
        .select((invoices::currency, invoices::due_on, invoices::total_minor - invoices::paid_minor))
        .load::<(String, String, i64)>(conn)?
        .into_iter()
        .map(|(currency, due, balance)| Ok((currency, parse_date("invoice", &due)?, balance)))
        .collect()
}
