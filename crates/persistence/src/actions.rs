//! The software catalogue and self-service actions on devices.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::actions::{Action, Software};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::rmm::{ActionKind, ActionStatus};
use diesel::prelude::*;

use crate::schema::{device_actions, software, software_companies};
use crate::{utc, write_tx, Conn, DbConnection, Error, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = software)]
struct SoftwareRow {
    id: i64,
    tenant_id: i64,
    name: String,
    chocolatey_id: Option<String>,
    homebrew_formula: Option<String>,
    homebrew_cask: Option<String>,
    all_companies: bool,
    active: bool,
}

fn with_companies(conn: &mut DbConnection, rows: Vec<SoftwareRow>) -> Result<Vec<Software>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let links: Vec<(i64, i64)> = software_companies::table
        .filter(software_companies::software_id.eq_any(&ids))
        .select((software_companies::software_id, software_companies::company_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Software {
            companies: links.iter().filter(|(s, _)| *s == r.id).map(|(_, c)| CompanyId(*c)).collect(),
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            name: r.name,
            chocolatey_id: r.chocolatey_id,
            homebrew_formula: r.homebrew_formula,
            homebrew_cask: r.homebrew_cask,
            all_companies: r.all_companies,
            active: r.active,
        })
        .collect())
}

/// The tenant's catalogue by name.
pub fn list_software(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<Software>> {
    let rows = software::table
        .filter(software::tenant_id.eq(tenant.0))
        .order(software::name)
        .select(SoftwareRow::as_select())
        .load::<SoftwareRow>(conn)?;
    with_companies(conn, rows)
}

pub fn get_software(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Software> {
    let row = software::table
        .filter(software::tenant_id.eq(tenant.0))
        .filter(software::id.eq(id))
        .select(SoftwareRow::as_select())
        .first::<SoftwareRow>(conn)?;
    with_companies(conn, vec![row])?.pop().ok_or(Error::NotFound)
}

/// Stores new software (`id` 0) or changes it; the company list is replaced.
pub fn save_software(conn: &mut DbConnection, s: &Software, now: DateTime<Utc>) -> Result<i64> {
    let values = (
        software::name.eq(&s.name),
        software::chocolatey_id.eq(&s.chocolatey_id),
        software::homebrew_formula.eq(&s.homebrew_formula),
        software::homebrew_cask.eq(&s.homebrew_cask),
        software::all_companies.eq(s.all_companies),
        software::active.eq(s.active),
    );
    let id = if s.id == 0 {
        diesel::insert_into(software::table)
            .values((software::tenant_id.eq(s.tenant_id.0), software::created_at.eq(now.naive_utc()), values))
            .returning(software::id)
            .get_result(conn)?
    } else {
        diesel::update(software::table.filter(software::id.eq(s.id))).set(values).execute(conn)?;
        s.id
    };
    diesel::delete(software_companies::table.filter(software_companies::software_id.eq(id))).execute(conn)?;
    for company in &s.companies {
        diesel::insert_into(software_companies::table)
            .values((software_companies::software_id.eq(id), software_companies::company_id.eq(company.0)))
            .execute(conn)?;
    }
    Ok(id)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = device_actions)]
struct ActionRow {
    id: i64,
    tenant_id: i64,
    device_id: i64,
    requested_by: i64,
    kind: String,
    software_id: Option<i64>,
    status: String,
    result: Option<String>,
    created_at: NaiveDateTime,
    dispatched_at: Option<NaiveDateTime>,
    finished_at: Option<NaiveDateTime>,
    expires_at: NaiveDateTime,
}

impl TryFrom<ActionRow> for Action {
    type Error = Error;
    fn try_from(r: ActionRow) -> Result<Self> {
        Ok(Action {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            device_id: r.device_id,
            requested_by: UserId(r.requested_by),
            kind: ActionKind::parse(&r.kind)
                .ok_or_else(|| Error::Other(format!("action {}: kind {:?}", r.id, r.kind)))?,
            software_id: r.software_id,
            stored_status: ActionStatus::parse(&r.status)
                .ok_or_else(|| Error::Other(format!("action {}: status {:?}", r.id, r.status)))?,
            result: r.result,
            created_at: utc(r.created_at),
            dispatched_at: r.dispatched_at.map(utc),
            finished_at: r.finished_at.map(utc),
            expires_at: utc(r.expires_at),
        })
    }
}

/// Queues an action.
#[allow(clippy::too_many_arguments)]
pub fn create_action(
    conn: &mut DbConnection,
    tenant: TenantId,
    device: i64,
    user: UserId,
    kind: ActionKind,
    software: Option<i64>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Action> {
    let id: i64 = diesel::insert_into(device_actions::table)
        .values((
            device_actions::tenant_id.eq(tenant.0),
            device_actions::device_id.eq(device),
            device_actions::requested_by.eq(user.0),
            device_actions::kind.eq(kind.as_str()),
            device_actions::software_id.eq(software),
            device_actions::status.eq(ActionStatus::Queued.as_str()),
            device_actions::created_at.eq(now.naive_utc()),
            device_actions::expires_at.eq(expires_at.naive_utc()),
        ))
        .returning(device_actions::id)
        .get_result(conn)?;
    get_action(conn, tenant, id)
}

pub fn get_action(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Action> {
    device_actions::table
        .filter(device_actions::tenant_id.eq(tenant.0))
        .filter(device_actions::id.eq(id))
        .select(ActionRow::as_select())
        .first(conn)?
        .try_into()
}

/// An action of any tenant, for the RMM's callback (whose signature then names the tenant).
pub fn action_anywhere(conn: &mut DbConnection, id: i64) -> Result<Action> {
    device_actions::table.filter(device_actions::id.eq(id)).select(ActionRow::as_select()).first(conn)?.try_into()
}

/// A device's actions, newest first (at most 200).
pub fn device_actions_of(conn: &mut DbConnection, device: i64) -> Result<Vec<Action>> {
    device_actions::table
        .filter(device_actions::device_id.eq(device))
        .order(device_actions::id.desc())
        .limit(200)
        .select(ActionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Action::try_from)
        .collect()
}

/// How many actions the user asked for since `since` (for the rate limit).
pub fn count_recent(conn: &mut DbConnection, user: UserId, since: DateTime<Utc>) -> Result<i64> {
    Ok(device_actions::table
        .filter(device_actions::requested_by.eq(user.0))
        .filter(device_actions::created_at.ge(since.naive_utc()))
        .count()
        .get_result(conn)?)
}

/// The RMM took the action (its webhook answered 2xx); only a queued action moves.
pub fn mark_dispatched(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let changed = diesel::update(
        device_actions::table
            .filter(device_actions::id.eq(id))
            .filter(device_actions::status.eq(ActionStatus::Queued.as_str())),
    )
    .set((
        device_actions::status.eq(ActionStatus::Dispatched.as_str()),
        device_actions::dispatched_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Settles an open action still in time (the RMM's result, or a dispatch given up); false when it
/// was settled or expired already, so a repeated or late callback changes nothing.
pub fn finish_action(
    conn: &mut DbConnection,
    id: i64,
    status: ActionStatus,
    result: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = diesel::update(
        device_actions::table
            .filter(device_actions::id.eq(id))
            .filter(open())
            .filter(device_actions::expires_at.gt(now.naive_utc())),
    )
    .set((
        device_actions::status.eq(status.as_str()),
        device_actions::result.eq(result),
        device_actions::finished_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Queued or dispatched. Written out, not bound, so that both planners see that the partial
/// index of open actions (`device_actions_open_idx`) applies: a bound list only matches it in a
/// plan made for those very values, which SQLite (built with QPSG) and a generic PostgreSQL plan
/// never make.
fn open() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql("status IN ('queued', 'dispatched')")
}

/// Stores `expired` on open actions past their time; returns how many. Runs its own write
/// transaction, and only when the partial index shows one is due, so a worker can call it on
/// every poll without taking the write lock.
pub fn expire_due(conn: &mut Conn, now: DateTime<Utc>) -> Result<usize> {
    let due = device_actions::table
        .filter(open())
        .filter(device_actions::expires_at.le(now.naive_utc()))
        .select(device_actions::id)
        .first::<i64>(&mut **conn)
        .optional()?;
    if due.is_none() {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        Ok(diesel::update(device_actions::table.filter(open()).filter(device_actions::expires_at.le(now.naive_utc())))
            .set((
                device_actions::status.eq(ActionStatus::Expired.as_str()),
                device_actions::finished_at.eq(now.naive_utc()),
            ))
            .execute(conn)?)
    })
}

/// Removes a device's actions (before the device itself).
pub fn delete_device_actions(conn: &mut DbConnection, device: i64) -> Result<()> {
    diesel::delete(device_actions::table.filter(device_actions::device_id.eq(device))).execute(conn)?;
    Ok(())
}
