//! Validations, their decisions and e-mailed decision links; change requests; and the company's
//! members holding a permission (who is asked).
//!
//! One decision counts: settling writes `status = <outcome>` only where the row is still
//! `pending`, so of two concurrent deciders exactly one changes a row. On PostgreSQL the loser's
//! UPDATE waits for the winner's row lock and then finds the row no longer pending.

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::approvals::{
    ChangeRequest, ChangeStatus, Decision, DecisionLink, DecisionRecord, DecisionRule, Risk, Validation,
    ValidationStatus,
};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::roles::{Permission, RoleSet};
use clientdesk_domain::user::Language;
use diesel::prelude::*;

use crate::schema::{change_requests, decision_links, memberships, tickets, users, validation_decisions, validations};
use crate::{utc, DbConnection, Error, Page, Result};

#[derive(Queryable, Selectable)]
#[diesel(table_name = validations)]
struct ValidationRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    ticket_id: i64,
    question: String,
    decision_rule: String,
    status: String,
    deadline: Option<NaiveDateTime>,
    requested_by: i64,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    version: i64,
}

impl TryFrom<ValidationRow> for Validation {
    type Error = Error;
    fn try_from(r: ValidationRow) -> Result<Self> {
        Ok(Validation {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            company_id: CompanyId(r.company_id),
            ticket_id: r.ticket_id,
            question: r.question,
            rule: DecisionRule::parse(&r.decision_rule)
                .ok_or_else(|| Error::Other(format!("validation {}: rule {:?}", r.id, r.decision_rule)))?,
            stored_status: ValidationStatus::parse(&r.status)
                .ok_or_else(|| Error::Other(format!("validation {}: status {:?}", r.id, r.status)))?,
            deadline: r.deadline.map(utc),
            requested_by: UserId(r.requested_by),
            created_at: utc(r.created_at),
            decided_at: r.decided_at.map(utc),
            version: r.version,
        })
    }
}

/// A validation to open on a ticket.
#[derive(Debug, Clone)]
pub struct NewValidation {
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub ticket_id: i64,
    pub question: String,
    pub rule: DecisionRule,
    pub deadline: Option<DateTime<Utc>>,
    pub requested_by: UserId,
}

/// Opens a validation. A pending one of the same ticket that is past its deadline is stored as
/// expired first; a pending one still open makes this a conflict.
pub fn create_validation(conn: &mut DbConnection, new: &NewValidation, now: DateTime<Utc>) -> Result<Validation> {
    expire_due(conn, Some(new.ticket_id), now)?;
    let id: i64 = diesel::insert_into(validations::table)
        .values((
            validations::tenant_id.eq(new.tenant_id.0),
            validations::company_id.eq(new.company_id.0),
            validations::ticket_id.eq(new.ticket_id),
            validations::question.eq(&new.question),
            validations::decision_rule.eq(new.rule.as_str()),
            validations::status.eq(ValidationStatus::Pending.as_str()),
            validations::deadline.eq(new.deadline.map(|d| d.naive_utc())),
            validations::requested_by.eq(new.requested_by.0),
            validations::created_at.eq(now.naive_utc()),
            validations::version.eq(1),
        ))
        .returning(validations::id)
        .get_result(conn)?;
    get_validation(conn, new.tenant_id, id)
}

/// Stores `expired` on pending validations past their deadline (of one ticket, or all).
pub fn expire_due(conn: &mut DbConnection, ticket: Option<i64>, now: DateTime<Utc>) -> Result<usize> {
    let due = validations::status.eq(ValidationStatus::Pending.as_str()).and(validations::deadline.le(now.naive_utc()));
    let changed = match ticket {
        Some(ticket) => diesel::update(validations::table.filter(due).filter(validations::ticket_id.eq(ticket)))
            .set((
                validations::status.eq(ValidationStatus::Expired.as_str()),
                validations::version.eq(validations::version + 1),
            ))
            .execute(conn)?,
        None => diesel::update(validations::table.filter(due))
            .set((
                validations::status.eq(ValidationStatus::Expired.as_str()),
                validations::version.eq(validations::version + 1),
            ))
            .execute(conn)?,
    };
    Ok(changed)
}

pub fn get_validation(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Validation> {
    validations::table
        .filter(validations::id.eq(id))
        .filter(validations::tenant_id.eq(tenant.0))
        .select(ValidationRow::as_select())
        .first(conn)?
        .try_into()
}

/// Which validations a list shows.
#[derive(Debug, Clone)]
pub struct ValidationFilter {
    pub tenant: TenantId,
    pub companies: Option<Vec<CompanyId>>,
    pub ticket: Option<i64>,
    /// Only validations of tickets this user opened or is the contact of.
    pub concerning: Option<UserId>,
    pub status: Option<ValidationStatus>,
    /// Validations of tickets in these statuses are never listed (statuses hidden from customers).
    pub hidden_ticket_statuses: Vec<clientdesk_domain::tickets::Status>,
    pub after: Option<i64>,
    pub limit: i64,
}

/// A validation with what a list shows of its ticket.
#[derive(Debug, Clone)]
pub struct ValidationItem {
    pub validation: Validation,
    pub ticket: TicketRef,
}

/// The ticket a validation is about.
#[derive(Debug, Clone)]
pub struct TicketRef {
    pub number: i64,
    pub title: String,
    pub requester_id: UserId,
}

/// Validations newest first. `pending` and `expired` are told apart by the deadline as of `now`.
pub fn list_validations(
    conn: &mut DbConnection,
    f: &ValidationFilter,
    now: DateTime<Utc>,
) -> Result<Page<ValidationItem>> {
    let mut query = validations::table
        .inner_join(tickets::table)
        .filter(validations::tenant_id.eq(f.tenant.0))
        .select((ValidationRow::as_select(), tickets::number, tickets::title, tickets::requester_id))
        .order(validations::id.desc())
        .limit(f.limit + 1)
        .into_boxed();
    if let Some(companies) = &f.companies {
        query = query.filter(validations::company_id.eq_any(companies.iter().map(|c| c.0).collect::<Vec<_>>()));
    }
    if let Some(ticket) = f.ticket {
        query = query.filter(validations::ticket_id.eq(ticket));
    }
    if let Some(user) = f.concerning {
        query = query.filter(tickets::requester_id.eq(user.0).or(tickets::contact_id.eq(user.0)));
    }
    for hidden in &f.hidden_ticket_statuses {
        query = query.filter(tickets::status.ne(hidden.as_str()));
    }
    let pending = ValidationStatus::Pending.as_str();
    let now = now.naive_utc();
    query = match f.status {
        None => query,
        Some(ValidationStatus::Pending) => query
            .filter(validations::status.eq(pending))
            .filter(validations::deadline.is_null().or(validations::deadline.gt(now))),
        Some(ValidationStatus::Expired) => query.filter(
            validations::status
                .eq(ValidationStatus::Expired.as_str())
                .or(validations::status.eq(pending).and(validations::deadline.le(now))),
        ),
        Some(status) => query.filter(validations::status.eq(status.as_str())),
    };
    if let Some(after) = f.after {
        query = query.filter(validations::id.lt(after));
    }
    let rows: Vec<(ValidationRow, i64, String, i64)> = query.load(conn)?;
    let items = rows
        .into_iter()
        .map(|(row, number, title, requester)| {
            Ok(ValidationItem {
                validation: row.try_into()?,
                ticket: TicketRef { number, title, requester_id: UserId(requester) },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, f.limit, |i| i.validation.id))
}

/// The decisions on these validations, oldest first, by validation id.
pub fn decisions(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<(i64, DecisionRecord)>> {
    let rows: Vec<(i64, i64, String, Option<String>, NaiveDateTime)> = validation_decisions::table
        .filter(validation_decisions::validation_id.eq_any(ids))
        .order(validation_decisions::id)
        .select((
            validation_decisions::validation_id,
            validation_decisions::user_id,
            validation_decisions::decision,
            validation_decisions::comment,
            validation_decisions::decided_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(validation, user, decision, comment, at)| {
            let decision = Decision::parse(&decision).ok_or_else(|| Error::Other(format!("decision {decision:?}")))?;
            Ok((validation, DecisionRecord { user_id: UserId(user), decision, comment, decided_at: utc(at) }))
        })
        .collect()
}

/// Takes the validation for a decision: raises its version where it is still pending, which on
/// PostgreSQL also locks the row until the transaction ends, so deciders of one validation go one
/// at a time. False when it is no longer pending.
pub fn lock_pending(conn: &mut DbConnection, id: i64) -> Result<bool> {
    let changed = diesel::update(
        validations::table
            .filter(validations::id.eq(id))
            .filter(validations::status.eq(ValidationStatus::Pending.as_str())),
    )
    .set(validations::version.eq(validations::version + 1))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records an approver's decision; a second decision of the same approver is a conflict.
pub fn record_decision(
    conn: &mut DbConnection,
    validation: i64,
    user: UserId,
    decision: Decision,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(validation_decisions::table)
        .values((
            validation_decisions::validation_id.eq(validation),
            validation_decisions::user_id.eq(user.0),
            validation_decisions::decision.eq(decision.as_str()),
            validation_decisions::comment.eq(comment),
            validation_decisions::decided_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves a pending validation to `status`; false when it was not pending any more.
pub fn settle_validation(
    conn: &mut DbConnection,
    id: i64,
    status: ValidationStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = diesel::update(
        validations::table
            .filter(validations::id.eq(id))
            .filter(validations::status.eq(ValidationStatus::Pending.as_str())),
    )
    .set((
        validations::status.eq(status.as_str()),
        validations::decided_at.eq(now.naive_utc()),
        validations::version.eq(validations::version + 1),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A member of a company to notify or count: who holds a permission there.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub language: Language,
}

/// The enabled users whose roles in `company` grant `permission`.
pub fn members_with(conn: &mut DbConnection, company: CompanyId, permission: Permission) -> Result<Vec<Member>> {
    let rows: Vec<(i64, String, String, String, String)> = memberships::table
        .inner_join(users::table)
        .filter(memberships::company_id.eq(company.0))
        .filter(memberships::suspended_at.is_null())
        .filter(users::disabled.eq(false))
        .select((users::id, users::email, users::name, users::language, memberships::roles))
        .order(users::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(.., roles)| RoleSet::from_stored(roles).grants(permission))
        .map(|(id, email, name, language, _)| Member {
            id: UserId(id),
            email,
            name,
            language: Language::parse(&language).unwrap_or_default(),
        })
        .collect())
}

pub fn create_link(
    conn: &mut DbConnection,
    tenant: TenantId,
    token_hash: &str,
    validation: i64,
    user: UserId,
    decision: Decision,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(decision_links::table)
        .values((
            decision_links::tenant_id.eq(tenant.0),
            decision_links::token_hash.eq(token_hash),
            decision_links::validation_id.eq(validation),
            decision_links::user_id.eq(user.0),
            decision_links::decision.eq(decision.as_str()),
            decision_links::expires_at.eq(expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_link(conn: &mut DbConnection, token_hash: &str) -> Result<DecisionLink> {
    let (id, tenant, validation, user, decision, expires, used): (
        i64,
        i64,
        i64,
        i64,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    ) = decision_links::table
        .filter(decision_links::token_hash.eq(token_hash))
        .select((
            decision_links::id,
            decision_links::tenant_id,
            decision_links::validation_id,
            decision_links::user_id,
            decision_links::decision,
            decision_links::expires_at,
            decision_links::used_at,
        ))
        .first(conn)?;
    Ok(DecisionLink {
        id,
        tenant_id: TenantId(tenant),
        validation_id: validation,
        user_id: UserId(user),
        decision: Decision::parse(&decision).ok_or_else(|| Error::Other(format!("link decision {decision:?}")))?,
        expires_at: utc(expires),
        used_at: used.map(utc),
    })
}

/// Marks a link used; false when it was used already (the loser of two concurrent uses).
pub fn use_link(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let changed = diesel::update(
        decision_links::table.filter(decision_links::id.eq(id)).filter(decision_links::used_at.is_null()),
    )
    .set(decision_links::used_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = change_requests)]
struct ChangeRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    title: String,
    description: String,
    reason: String,
    risk: String,
    planned_start: Option<NaiveDateTime>,
    planned_end: Option<NaiveDateTime>,
    estimated_cost_cents: Option<i64>,
    currency: Option<String>,
    status: String,
    requested_by: i64,
    created_at: NaiveDateTime,
    decided_by: Option<i64>,
    decision_comment: Option<String>,
    decided_at: Option<NaiveDateTime>,
    version: i64,
}

impl TryFrom<ChangeRow> for ChangeRequest {
    type Error = Error;
    fn try_from(r: ChangeRow) -> Result<Self> {
        Ok(ChangeRequest {
            id: r.id,
            tenant_id: TenantId(r.tenant_id),
            company_id: CompanyId(r.company_id),
            title: r.title,
            description: r.description,
            reason: r.reason,
            risk: Risk::parse(&r.risk).ok_or_else(|| Error::Other(format!("change {}: risk {:?}", r.id, r.risk)))?,
            planned_start: r.planned_start.map(utc),
            planned_end: r.planned_end.map(utc),
            estimated_cost_cents: r.estimated_cost_cents,
            currency: r.currency,
            status: ChangeStatus::parse(&r.status)
                .ok_or_else(|| Error::Other(format!("change {}: status {:?}", r.id, r.status)))?,
            requested_by: UserId(r.requested_by),
            created_at: utc(r.created_at),
            decided_by: r.decided_by.map(UserId),
            decision_comment: r.decision_comment,
            decided_at: r.decided_at.map(utc),
            version: r.version,
        })
    }
}

/// Stores a new change request (its id and status are ignored: it starts pending).
pub fn create_change(conn: &mut DbConnection, c: &ChangeRequest) -> Result<ChangeRequest> {
    let id: i64 = diesel::insert_into(change_requests::table)
        .values((
            change_requests::tenant_id.eq(c.tenant_id.0),
            change_requests::company_id.eq(c.company_id.0),
            change_requests::title.eq(&c.title),
            change_requests::description.eq(&c.description),
            change_requests::reason.eq(&c.reason),
            change_requests::risk.eq(c.risk.as_str()),
            change_requests::planned_start.eq(c.planned_start.map(|t| t.naive_utc())),
            change_requests::planned_end.eq(c.planned_end.map(|t| t.naive_utc())),
            change_requests::estimated_cost_cents.eq(c.estimated_cost_cents),
            change_requests::currency.eq(&c.currency),
            change_requests::status.eq(ChangeStatus::Pending.as_str()),
            change_requests::requested_by.eq(c.requested_by.0),
            change_requests::created_at.eq(c.created_at.naive_utc()),
            change_requests::version.eq(1),
        ))
        .returning(change_requests::id)
        .get_result(conn)?;
    get_change(conn, c.tenant_id, id)
}

pub fn get_change(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<ChangeRequest> {
    change_requests::table
        .filter(change_requests::id.eq(id))
        .filter(change_requests::tenant_id.eq(tenant.0))
        .select(ChangeRow::as_select())
        .first(conn)?
        .try_into()
}

/// A company's change requests, newest first.
pub fn list_changes(
    conn: &mut DbConnection,
    tenant: TenantId,
    company: CompanyId,
    status: Option<ChangeStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<Page<ChangeRequest>> {
    let mut query = change_requests::table
        .filter(change_requests::tenant_id.eq(tenant.0))
        .filter(change_requests::company_id.eq(company.0))
        .select(ChangeRow::as_select())
        .order(change_requests::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(change_requests::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(change_requests::id.lt(after));
    }
    let items = query.load(conn)?.into_iter().map(ChangeRequest::try_from).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |c| c.id))
}

/// Settles a pending change request; false when it was not pending any more (someone else
/// decided or staff cancelled it first).
pub fn settle_change(
    conn: &mut DbConnection,
    id: i64,
    status: ChangeStatus,
    by: UserId,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = diesel::update(
        change_requests::table
            .filter(change_requests::id.eq(id))
            .filter(change_requests::status.eq(ChangeStatus::Pending.as_str())),
    )
    .set((
        change_requests::status.eq(status.as_str()),
        change_requests::decided_by.eq(by.0),
        change_requests::decision_comment.eq(comment),
        change_requests::decided_at.eq(now.naive_utc()),
        change_requests::version.eq(change_requests::version + 1),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
