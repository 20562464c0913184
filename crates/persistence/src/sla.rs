//! SLA: the tenant's business-hours calendars and plans, the plan given to each company, and the
//! recorded history the SLA state of tickets is computed from. Every change raises the tenant's
//! `catalog_version`, so that the cached setup (see `clientdesk_app::sla`) is read again.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use clientdesk_domain::business_hours::{Calendar, Opening};
use clientdesk_domain::ids::{CompanyId, TenantId};
use clientdesk_domain::sla::{Plan, Recorded, Targets};
use clientdesk_domain::tickets::{Priority, Status};
use diesel::prelude::*;

use crate::schema::{company_sla_plans, sla_calendars, sla_plans, ticket_events, tickets, users};
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

type LineRow = (i64, String, Option<String>, Option<String>, Option<String>, NaiveDateTime);

/// A history line the SLA reads; `None` for a value it cannot read (a status renamed since).
fn recorded(kind: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>) -> Option<Recorded> {
    let priority = |v: Option<&str>| v.and_then(Priority::parse);
    Some(match (kind, field) {
        ("note", _) => Recorded::PublicNote { by_staff: true },
        (_, Some("status")) => Recorded::Status { old: Status::parse(old?)?, new: Status::parse(new?)? },
        (_, Some("priority")) => Recorded::Priority { old: priority(old)?, new: priority(new)? },
        (_, Some("provider_priority")) => Recorded::ProviderPriority { old: priority(old), new: priority(new) },
        _ => return None,
    })
}

type Backend = <DbConnection as diesel::Connection>::Backend;

/// The lines of the tickets `chosen` picks that move SLA clocks: changes of status and
/// priorities, and public notes by staff, by ticket and oldest first.
fn lines(
    conn: &mut DbConnection,
    tenant: TenantId,
    chosen: ticket_events::BoxedQuery<'_, Backend>,
) -> Result<Vec<(i64, DateTime<Utc>, Recorded)>> {
    let staff = users::table.filter(users::tenant_id.eq(tenant.0)).filter(users::staff_role.is_not_null());
    let rows: Vec<LineRow> = chosen
        .filter(
            ticket_events::field.eq_any(["status", "priority", "provider_priority"]).or(ticket_events::kind
                .eq("note")
                .and(ticket_events::internal.eq(false))
                .and(ticket_events::actor_id.eq_any(staff.select(users::id.nullable())))),
        )
        .order((ticket_events::ticket_id, ticket_events::id))
        .select((
            ticket_events::ticket_id,
            ticket_events::kind,
            ticket_events::field,
            ticket_events::old_value,
            ticket_events::new_value,
            ticket_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(ticket, kind, field, old, new, at)| {
            let line = recorded(&kind, field.as_deref(), old.as_deref(), new.as_deref())?;
            Some((ticket, utc(at), line))
        })
        .collect())
}

/// The SLA lines of one ticket.
pub fn ticket_lines(conn: &mut DbConnection, tenant: TenantId, ticket: i64) -> Result<Vec<(DateTime<Utc>, Recorded)>> {
    let chosen = ticket_events::table.filter(ticket_events::ticket_id.eq(ticket)).into_boxed();
    Ok(lines(conn, tenant, chosen)?.into_iter().map(|(_, at, line)| (at, line)).collect())
}

type TicketRow = (i64, i64, NaiveDateTime, String, i32, Option<i32>);

/// The tickets a company opened in `[from, to)`, with their SLA lines, by number.
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
        .order(tickets::number)
        .select((
            tickets::id,
            tickets::number,
            tickets::created_at,
            tickets::status,
            tickets::priority,
            tickets::provider_priority,
        ))
        .load(conn)?;
    let of_chosen =
        ticket_events::table.filter(ticket_events::ticket_id.eq_any(chosen.select(tickets::id))).into_boxed();
    let mut all_lines = lines(conn, tenant, of_chosen)?.into_iter().peekable();
    let mut by_id: Vec<SlaTicket> = rows
        .into_iter()
        .map(|(id, number, opened_at, status, priority, provider)| {
            let status = Status::parse(&status).ok_or_else(|| bad("ticket", id))?;
            let priority = Priority::from_rank(priority).ok_or_else(|| bad("ticket", id))?;
            let provider = provider.and_then(Priority::from_rank);
            Ok(SlaTicket { id, number, opened_at: utc(opened_at), now_as: (status, priority, provider), lines: vec![] })
        })
        .collect::<Result<_>>()?;
    // Lines come by ticket id; hand them out in one pass over the tickets in id order.
    by_id.sort_by_key(|t| t.id);
    for ticket in &mut by_id {
        while let Some((_, at, line)) = all_lines.next_if(|(id, ..)| *id == ticket.id) {
            ticket.lines.push((at, line));
        }
    }
    by_id.sort_by_key(|t| t.number);
    Ok(by_id)
}
