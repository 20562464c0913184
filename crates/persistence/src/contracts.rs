//! Block-hour and retainer contracts and the time entries recorded against them; upserted by
//! the PSA's ids in batches or written by staff.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use clientdesk_domain::contracts::{Contract, ContractFields, ContractKind, TimeEntry};
use clientdesk_domain::ids::{CompanyId, TenantId};
use diesel::prelude::*;

use crate::invoices::{date_text, parse_date};
use crate::schema::{contracts, time_entries};
use crate::{utc, DbConnection, Error, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = contracts)]
struct ContractRow {
    id: i64,
    company_id: i64,
    psa_id: Option<String>,
    name: String,
    kind: String,
    currency: Option<String>,
    period_start: String,
    period_end: Option<String>,
    purchased: i64,
    used: i64,
    updated_at: NaiveDateTime,
    version: i64,
}

impl TryFrom<ContractRow> for Contract {
    type Error = Error;
    fn try_from(r: ContractRow) -> Result<Self> {
        let what = format!("contract {}", r.id);
        Ok(Contract {
            id: r.id,
            company_id: CompanyId(r.company_id),
            psa_id: r.psa_id,
            fields: ContractFields {
                name: r.name,
                kind: ContractKind::parse(&r.kind).ok_or_else(|| Error::Other(format!("{what}: kind")))?,
                currency: r.currency,
                period_start: parse_date(&what, &r.period_start)?,
                period_end: r.period_end.map(|d| parse_date(&what, &d)).transpose()?,
                purchased: r.purchased,
                used: r.used,
            },
            updated_at: utc(r.updated_at),
            version: r.version,
        })
    }
}

#[allow(clippy::type_complexity)]
fn contract_values(
    company: CompanyId,
    f: &ContractFields,
    now: DateTime<Utc>,
) -> (
    diesel::dsl::Eq<contracts::company_id, i64>,
    diesel::dsl::Eq<contracts::name, String>,
    diesel::dsl::Eq<contracts::kind, &'static str>,
    diesel::dsl::Eq<contracts::currency, Option<String>>,
    diesel::dsl::Eq<contracts::period_start, String>,
    diesel::dsl::Eq<contracts::period_end, Option<String>>,
    diesel::dsl::Eq<contracts::purchased, i64>,
    diesel::dsl::Eq<contracts::used, i64>,
    diesel::dsl::Eq<contracts::updated_at, NaiveDateTime>,
) {
    (
        contracts::company_id.eq(company.0),
        contracts::name.eq(f.name.clone()),
        contracts::kind.eq(f.kind.as_str()),
        contracts::currency.eq(f.currency.clone()),
        contracts::period_start.eq(date_text(f.period_start)),
        contracts::period_end.eq(f.period_end.map(date_text)),
        contracts::purchased.eq(f.purchased),
        contracts::used.eq(f.used),
        contracts::updated_at.eq(now.naive_utc()),
    )
}

/// The contracts the PSA knows by these ids: psa id -> (contract id, company id).
pub fn contracts_by_psa(
    conn: &mut DbConnection,
    tenant: TenantId,
    psa_ids: &[String],
) -> Result<HashMap<String, (i64, i64)>> {
    let rows: Vec<(Option<String>, i64, i64)> = contracts::table
        .filter(contracts::tenant_id.eq(tenant.0))
        .filter(contracts::psa_id.eq_any(psa_ids))
        .select((contracts::psa_id, contracts::id, contracts::company_id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(psa, id, company)| psa.map(|p| (p, (id, company)))).collect())
}

pub fn insert_contract(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    psa_id: Option<&str>,
    f: &ContractFields,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(diesel::insert_into(contracts::table)
        .values((
            contracts::tenant_id.eq(tenant.0),
            contracts::psa_id.eq(psa_id),
            contracts::created_at.eq(now.naive_utc()),
            contract_values(company, f, now),
        ))
        .returning(contracts::id)
        .get_result(conn)?)
}

pub fn update_contract(
    conn: &mut DbConnection,
    id: i64,
    company: CompanyId,
    f: &ContractFields,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(contracts::table.filter(contracts::id.eq(id)))
        .set((contract_values(company, f, now), contracts::version.eq(contracts::version + 1)))
        .execute(conn)?;
    Ok(())
}

/// Removes contracts; their time entries stay, without a contract.
pub fn delete_contracts(conn: &mut DbConnection, ids: &[i64]) -> Result<()> {
    diesel::update(time_entries::table.filter(time_entries::contract_id.eq_any(ids)))
        .set(time_entries::contract_id.eq(None::<i64>))
        .execute(conn)?;
    diesel::delete(contracts::table.filter(contracts::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

pub fn get_contract(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Contract> {
    contracts::table
        .filter(contracts::tenant_id.eq(tenant.0))
        .filter(contracts::id.eq(id))
        .select(ContractRow::as_select())
        .first(conn)?
        .try_into()
}

/// A company's contracts, newest first.
pub fn list_contracts(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    updated_since: Option<DateTime<Utc>>,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Contract>> {
    let mut query = contracts::table
        .filter(contracts::tenant_id.eq(tenant.0))
        .filter(contracts::company_id.eq(company.0))
        .select(ContractRow::as_select())
        .order(contracts::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(since) = updated_since {
        query = query.filter(contracts::updated_at.ge(since.naive_utc()));
    }
    if let Some(before) = before {
        query = query.filter(contracts::id.lt(before));
    }
    let items = query.load(conn)?.into_iter().map(Contract::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |c| c.id))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = time_entries)]
struct EntryRow {
    id: i64,
    company_id: i64,
    psa_id: Option<String>,
    contract_id: Option<i64>,
    worked_on: String,
    minutes: i64,
    description: String,
    technician_name: Option<String>,
    ticket_ref: Option<String>,
    project_ref: Option<String>,
    billable: bool,
}

impl TryFrom<EntryRow> for TimeEntry {
    type Error = Error;
    fn try_from(r: EntryRow) -> Result<Self> {
        Ok(TimeEntry {
            worked_on: parse_date(&format!("time entry {}", r.id), &r.worked_on)?,
            id: r.id,
            company_id: CompanyId(r.company_id),
            psa_id: r.psa_id,
            contract_id: r.contract_id,
            minutes: r.minutes,
            description: r.description,
            technician_name: r.technician_name,
            ticket_ref: r.ticket_ref,
            project_ref: r.project_ref,
            billable: r.billable,
        })
    }
}

#[allow(clippy::type_complexity)]
fn entry_values(
    e: &TimeEntry,
    now: DateTime<Utc>,
) -> (
    diesel::dsl::Eq<time_entries::company_id, i64>,
    diesel::dsl::Eq<time_entries::contract_id, Option<i64>>,
    diesel::dsl::Eq<time_entries::worked_on, String>,
    diesel::dsl::Eq<time_entries::minutes, i64>,
    diesel::dsl::Eq<time_entries::description, String>,
    diesel::dsl::Eq<time_entries::technician_name, Option<String>>,
    diesel::dsl::Eq<time_entries::ticket_ref, Option<String>>,
    diesel::dsl::Eq<time_entries::project_ref, Option<String>>,
    diesel::dsl::Eq<time_entries::billable, bool>,
    diesel::dsl::Eq<time_entries::updated_at, NaiveDateTime>,
) {
    (
        time_entries::company_id.eq(e.company_id.0),
        time_entries::contract_id.eq(e.contract_id),
        time_entries::worked_on.eq(date_text(e.worked_on)),
        time_entries::minutes.eq(e.minutes),
        time_entries::description.eq(e.description.clone()),
        time_entries::technician_name.eq(e.technician_name.clone()),
        time_entries::ticket_ref.eq(e.ticket_ref.clone()),
        time_entries::project_ref.eq(e.project_ref.clone()),
        time_entries::billable.eq(e.billable),
        time_entries::updated_at.eq(now.naive_utc()),
    )
}

/// The time entries the PSA knows by these ids: psa id -> entry id.
pub fn entries_by_psa(conn: &mut DbConnection, tenant: TenantId, psa_ids: &[String]) -> Result<HashMap<String, i64>> {
    let rows: Vec<(Option<String>, i64)> = time_entries::table
        .filter(time_entries::tenant_id.eq(tenant.0))
        .filter(time_entries::psa_id.eq_any(psa_ids))
        .select((time_entries::psa_id, time_entries::id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(psa, id)| psa.map(|p| (p, id))).collect())
}

/// Records or, with `id`, replaces an entry; returns its id.
pub fn save_entry(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: Option<i64>,
    e: &TimeEntry,
    now: DateTime<Utc>,
) -> Result<i64> {
    match id {
        Some(id) => {
            diesel::update(time_entries::table.filter(time_entries::id.eq(id)))
                .set(entry_values(e, now))
                .execute(conn)?;
            Ok(id)
        }
        None => Ok(diesel::insert_into(time_entries::table)
            .values((
                time_entries::tenant_id.eq(tenant.0),
                time_entries::psa_id.eq(e.psa_id.clone()),
                time_entries::created_at.eq(now.naive_utc()),
                entry_values(e, now),
            ))
            .returning(time_entries::id)
            .get_result(conn)?),
    }
}

pub fn entry_exists(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<bool> {
    Ok(time_entries::table
        .filter(time_entries::tenant_id.eq(tenant.0))
        .filter(time_entries::id.eq(id))
        .select(time_entries::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

pub fn delete_entries(conn: &mut DbConnection, ids: &[i64]) -> Result<()> {
    diesel::delete(time_entries::table.filter(time_entries::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// A contract's entries in `[from, to)`, oldest first.
pub fn entries_of_contract(
    conn: &mut DbConnection,
    contract: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TimeEntry>> {
    time_entries::table
        .filter(time_entries::contract_id.eq(contract))
        .filter(time_entries::worked_on.ge(date_text(from)))
        .filter(time_entries::worked_on.lt(date_text(to)))
        .order((time_entries::worked_on, time_entries::id))
        .select(EntryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(TimeEntry::try_from)
        .collect()
}
