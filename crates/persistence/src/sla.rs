//! SLA: the tenant's business-hours calendars and plans, the plan given to each company, and the
//! recorded history the SLA state of tickets is computed from. Every change raises the tenant's
//! `catalog_version`, so that the cached setup (see `clientdesk_app::sla`) is read again.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use clientdesk_domain::business_hours::{Calendar, Opening};
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::sla::{Plan, Recorded, Targets};
use clientdesk_domain::sla_trail;
use clientdesk_domain::tickets::{Priority, Status};
use diesel::prelude::*;

use crate::schema::{company_sla_plans, sla_calendars, sla_plans, tickets};
use crate::tenants::bump_catalog_version;
use crate::{utc, DbConnection, Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredCalendar {
    pub id: i64,
    pub name: String,
    pub calendar: Calendar,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    pub id: i64,
    pub name: String,
    pub calendar_id: i64,
    /// The tenant's default plan, for companies given none.
    pub is_default: bool,
    pub plan: Plan,
    pub updated_at: DateTime<Utc>,
}

type CalendarRow = (i64, String, String, String, String, NaiveDateTime);
type PlanRow = (i64, String, i64, String, String, bool, NaiveDateTime);

fn bad(what: &str, id: i64) -> Error {
    Error::Other(format!("SLA {what} {id} is not readable"))
}

fn calendar_of(row: CalendarRow) -> Result<StoredCalendar> {
    let (id, name, zone, hours, holidays, updated_at) = row;
    let zone: Tz = zone.parse().map_err(|_| bad("calendar", id))?;
    let hours: Vec<Vec<(u16, u16)>> = serde_json::from_str(&hours).map_err(|_| bad("calendar", id))?;
    let holidays: BTreeSet<NaiveDate> = serde_json::from_str(&holidays).map_err(|_| bad("calendar", id))?;
    let week: [Vec<Opening>; 7] = std::array::from_fn(|day| {
        hours.get(day).map_or_else(Vec::new, |d| d.iter().map(|&(start, end)| Opening { start, end }).collect())
    });
    let calendar = Calendar::new(zone, week, holidays).map_err(|_| bad("calendar", id))?;
    Ok(StoredCalendar { id, name, calendar, updated_at: utc(updated_at) })
}

fn plan_of(row: PlanRow) -> Result<StoredPlan> {
    let (id, name, calendar_id, targets, pauses, is_default, updated_at) = row;
    let targets: BTreeMap<String, (Option<i64>, Option<i64>)> =
        serde_json::from_str(&targets).map_err(|_| bad("plan", id))?;
    let pauses: Vec<String> = serde_json::from_str(&pauses).map_err(|_| bad("plan", id))?;
    let targets = targets
        .into_iter()
        .map(|(p, (first, resolution))| {
            let priority = Priority::parse(&p).ok_or_else(|| bad("plan", id))?;
            let targets =
                Targets { first_response: first.map(Duration::minutes), resolution: resolution.map(Duration::minutes) };
            Ok((priority, targets))
        })
        .collect::<Result<_>>()?;
    let pause_statuses =
        pauses.iter().map(|s| Status::parse(s).ok_or_else(|| bad("plan", id))).collect::<Result<_>>()?;
    let plan = Plan { targets, pause_statuses };
    Ok(StoredPlan { id, name, calendar_id, is_default, plan, updated_at: utc(updated_at) })
}

fn hours_json(calendar: &Calendar) -> String {
    let week: Vec<Vec<(u16, u16)>> =
        calendar.week().iter().map(|day| day.iter().map(|o| (o.start, o.end)).collect()).collect();
    serde_json::to_string(&week).expect("minutes serialize")
}

fn holidays_json(calendar: &Calendar) -> String {
    serde_json::to_string(calendar.holidays()).expect("dates serialize")
}

fn targets_json(plan: &Plan) -> String {
    let minutes = |d: Option<Duration>| d.map(|d| d.num_minutes());
    let targets: BTreeMap<&str, (Option<i64>, Option<i64>)> =
        plan.targets.iter().map(|(p, t)| (p.as_str(), (minutes(t.first_response), minutes(t.resolution)))).collect();
    serde_json::to_string(&targets).expect("targets serialize")
}

fn pauses_json(plan: &Plan) -> String {
    serde_json::to_string(&plan.pause_statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()).expect("statuses")
}

const CALENDAR_COLUMNS: (
    sla_calendars::id,
    sla_calendars::name,
    sla_calendars::time_zone,
    sla_calendars::hours,
    sla_calendars::holidays,
    sla_calendars::updated_at,
) = (
    sla_calendars::id,
    sla_calendars::name,
    sla_calendars::time_zone,
    sla_calendars::hours,
    sla_calendars::holidays,
    sla_calendars::updated_at,
);

const PLAN_COLUMNS: (
    sla_plans::id,
    sla_plans::name,
    sla_plans::calendar_id,
    sla_plans::targets,
    sla_plans::pause_statuses,
    sla_plans::is_default,
    sla_plans::updated_at,
) = (
    sla_plans::id,
    sla_plans::name,
    sla_plans::calendar_id,
    sla_plans::targets,
    sla_plans::pause_statuses,
    sla_plans::is_default,
    sla_plans::updated_at,
);

/// The tenant's calendars, by name. A tenant keeps a handful, so there is no paging.
pub fn calendars(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<StoredCalendar>> {
    let rows: Vec<CalendarRow> = sla_calendars::table
        .filter(sla_calendars::tenant_id.eq(tenant.0))
        .order(sla_calendars::name)
        .select(CALENDAR_COLUMNS)
        .load(conn)?;
    rows.into_iter().map(calendar_of).collect()
}

pub fn calendar(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<StoredCalendar> {
    let row: CalendarRow = sla_calendars::table
        .filter(sla_calendars::tenant_id.eq(tenant.0))
        .filter(sla_calendars::id.eq(id))
        .select(CALENDAR_COLUMNS)
        .first(conn)?;
    calendar_of(row)
}

pub fn create_calendar(
    conn: &mut DbConnection,
    tenant: TenantId,
    name: &str,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Result<StoredCalendar> {
    let id: i64 = diesel::insert_into(sla_calendars::table)
        .values((
            sla_calendars::tenant_id.eq(tenant.0),
            sla_calendars::name.eq(name),
            sla_calendars::time_zone.eq(calendar.zone().name()),
            sla_calendars::hours.eq(hours_json(calendar)),
            sla_calendars::holidays.eq(holidays_json(calendar)),
            sla_calendars::created_at.eq(now.naive_utc()),
            sla_calendars::updated_at.eq(now.naive_utc()),
        ))
        .returning(sla_calendars::id)
        .get_result(conn)?;
    bump_catalog_version(conn, tenant)?;
    Ok(StoredCalendar { id, name: name.to_owned(), calendar: calendar.clone(), updated_at: now })
}

pub fn update_calendar(conn: &mut DbConnection, tenant: TenantId, stored: &StoredCalendar) -> Result<()> {
    let updated = diesel::update(sla_calendars::table.filter(sla_calendars::id.eq(stored.id)))
        .filter(sla_calendars::tenant_id.eq(tenant.0))
        .set((
            sla_calendars::name.eq(&stored.name),
            sla_calendars::time_zone.eq(stored.calendar.zone().name()),
            sla_calendars::hours.eq(hours_json(&stored.calendar)),
            sla_calendars::holidays.eq(holidays_json(&stored.calendar)),
            sla_calendars::updated_at.eq(stored.updated_at.naive_utc()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    bump_catalog_version(conn, tenant)
}

/// Deletes a calendar no plan uses; one in use is a `Conflict`.
pub fn delete_calendar(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<()> {
    calendar(conn, tenant, id)?;
    let users: i64 = sla_plans::table.filter(sla_plans::calendar_id.eq(id)).count().get_result(conn)?;
    if users > 0 {
        return Err(Error::Conflict("the calendar is used by a plan".into()));
    }
    diesel::delete(sla_calendars::table.filter(sla_calendars::id.eq(id))).execute(conn)?;
    bump_catalog_version(conn, tenant)
}

/// The tenant's plans, by name.
pub fn plans(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<StoredPlan>> {
    let rows: Vec<PlanRow> = sla_plans::table
        .filter(sla_plans::tenant_id.eq(tenant.0))
        .order(sla_plans::name)
        .select(PLAN_COLUMNS)
        .load(conn)?;
    rows.into_iter().map(plan_of).collect()
}

pub fn plan(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<StoredPlan> {
    let row: PlanRow = sla_plans::table
        .filter(sla_plans::tenant_id.eq(tenant.0))
        .filter(sla_plans::id.eq(id))
        .select(PLAN_COLUMNS)
        .first(conn)?;
    plan_of(row)
}

/// Makes room for a new default plan: the tenant has one at most.
fn clear_default(conn: &mut DbConnection, tenant: TenantId, except: i64) -> Result<()> {
    diesel::update(sla_plans::table.filter(sla_plans::tenant_id.eq(tenant.0)))
        .filter(sla_plans::is_default.eq(true))
        .filter(sla_plans::id.ne(except))
        .set(sla_plans::is_default.eq(false))
        .execute(conn)?;
    Ok(())
}

/// Stores a new plan (`stored.id` is ignored) and returns its id; its calendar must be the
/// tenant's (checked by the caller).
pub fn create_plan(conn: &mut DbConnection, tenant: TenantId, stored: &StoredPlan) -> Result<i64> {
    if stored.is_default {
        clear_default(conn, tenant, 0)?;
    }
    let id = diesel::insert_into(sla_plans::table)
        .values((
            sla_plans::tenant_id.eq(tenant.0),
            sla_plans::name.eq(&stored.name),
            sla_plans::calendar_id.eq(stored.calendar_id),
            sla_plans::targets.eq(targets_json(&stored.plan)),
            sla_plans::pause_statuses.eq(pauses_json(&stored.plan)),
            sla_plans::is_default.eq(stored.is_default),
            sla_plans::created_at.eq(stored.updated_at.naive_utc()),
            sla_plans::updated_at.eq(stored.updated_at.naive_utc()),
        ))
        .returning(sla_plans::id)
        .get_result(conn)?;
    bump_catalog_version(conn, tenant)?;
    Ok(id)
}

pub fn update_plan(conn: &mut DbConnection, tenant: TenantId, stored: &StoredPlan) -> Result<()> {
    if stored.is_default {
        clear_default(conn, tenant, stored.id)?;
    }
    let updated = diesel::update(sla_plans::table.filter(sla_plans::id.eq(stored.id)))
        .filter(sla_plans::tenant_id.eq(tenant.0))
        .set((
            sla_plans::name.eq(&stored.name),
            sla_plans::calendar_id.eq(stored.calendar_id),
            sla_plans::targets.eq(targets_json(&stored.plan)),
            sla_plans::pause_statuses.eq(pauses_json(&stored.plan)),
            sla_plans::is_default.eq(stored.is_default),
            sla_plans::updated_at.eq(stored.updated_at.naive_utc()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    bump_catalog_version(conn, tenant)
}

/// Deletes a plan no company is given; one in use is a `Conflict`.
pub fn delete_plan(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<()> {
    plan(conn, tenant, id)?;
    let users: i64 = company_sla_plans::table.filter(company_sla_plans::plan_id.eq(id)).count().get_result(conn)?;
    if users > 0 {
        return Err(Error::Conflict("the plan is given to a company".into()));
    }
    diesel::delete(sla_plans::table.filter(sla_plans::id.eq(id))).execute(conn)?;
    bump_catalog_version(conn, tenant)
}

/// The plans given to companies: (company, plan).
pub fn company_plans(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<(CompanyId, i64)>> {
    let rows: Vec<(i64, i64)> = company_sla_plans::table
        .filter(company_sla_plans::tenant_id.eq(tenant.0))
        .select((company_sla_plans::company_id, company_sla_plans::plan_id))
        .load(conn)?;
    Ok(rows.into_iter().map(|(company, plan)| (CompanyId(company), plan)).collect())
}

/// Gives a company a plan, or none (it then follows the tenant's default). Both must be the
/// tenant's (checked by the caller).
pub fn set_company_plan(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    plan: Option<i64>,
) -> Result<()> {
    diesel::delete(company_sla_plans::table.filter(company_sla_plans::company_id.eq(company.0))).execute(conn)?;
    if let Some(plan) = plan {
        diesel::insert_into(company_sla_plans::table)
            .values((
                company_sla_plans::company_id.eq(company.0),
                company_sla_plans::tenant_id.eq(tenant.0),
                company_sla_plans::plan_id.eq(plan),
            ))
            .execute(conn)?;
    }
    bump_catalog_version(conn, tenant)
}

/// A ticket as the SLA reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaTicket {
    pub id: i64,
    pub number: i64,
    pub opened_at: DateTime<Utc>,
    /// Status, priority and provider priority now.
    pub now_as: (Status, Priority, Option<Priority>),
    /// The lines of its history that move its clocks, oldest first.
    pub lines: Vec<(DateTime<Utc>, Recorded)>,
}

type TicketRow = (i64, i64, NaiveDateTime, String, i32, Option<i32>, String);

/// The tickets a company opened in `[from, to)`, with their SLA trails read, in the order they
/// were opened (the order of the index that finds them).
pub fn opened_between(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SlaTicket>> {
    let chosen = tickets::table
        .filter(tickets::company_id.eq(company.0))
        .filter(tickets::tenant_id.eq(tenant.0))
        .filter(tickets::created_at.ge(from.naive_utc()))
        .filter(tickets::created_at.lt(to.naive_utc()));
    let rows: Vec<TicketRow> = chosen
        .order(tickets::created_at)
        .select((
            tickets::id,
            tickets::number,
            tickets::created_at,
            tickets::status,
            tickets::priority,
            tickets::provider_priority,
            tickets::sla_trail,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, number, opened_at, status, priority, provider, trail)| {
            let status = Status::parse(&status).ok_or_else(|| bad("ticket", id))?;
            let priority = Priority::from_rank(priority).ok_or_else(|| bad("ticket", id))?;
            let provider = provider.and_then(Priority::from_rank);
            let lines = sla_trail::read(&trail);
            Ok(SlaTicket { id, number, opened_at: utc(opened_at), now_as: (status, priority, provider), lines })
        })
        .collect()
}
