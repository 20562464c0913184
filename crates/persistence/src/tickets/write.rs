//! Creating and changing tickets: the per-tenant numbers, the creation with its first history
//! line, optimistic saves and touches.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::tickets::{Change, Priority, Status, Ticket};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::events::record_events;
use super::row::{json, ticket_time};
use crate::db::{keyed_by_text, per_backend, Prepared};
use crate::schema::tickets;
use crate::{write_tx, Conn, DbConnection, Result};

/// Declares `$name(i64)`: the statement `$before ? $after`, with one BIGINT parameter, returning
/// one BIGINT. diesel prepares upserts and `sql_query` anew at every run (parsed, and on
/// PostgreSQL planned); a statement of a type of its own is prepared once per connection and kept
/// in diesel's statement cache, keyed by that type.
macro_rules! cached_statement {
    ($name:ident, $before:expr, $after:expr) => {
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
        struct $name(i64);

        impl<DB> diesel::query_builder::QueryFragment<DB> for $name
        where
            DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<BigInt>,
            i64: diesel::serialize::ToSql<BigInt, DB>,
        {
            fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql($before);
                out.push_bind_param::<BigInt, _>(&self.0)?;
                out.push_sql($after);
                Ok(())
            }
        }

        impl diesel::query_builder::Query for $name {
            type SqlType = BigInt;
        }

        impl<C> RunQueryDsl<C> for $name {}
    };
}

// The counter upsert: the tenant's next ticket number, holding the counter row until the
// transaction ends, so that concurrent creations queue on it instead of sharing a number.
cached_statement!(
    TakeNumber,
    "INSERT INTO ticket_counters (tenant_id, next_number) VALUES (",
    ", 2) ON CONFLICT (tenant_id) DO UPDATE SET next_number = ticket_counters.next_number + 1 RETURNING next_number"
);

// The same upsert in a transaction of its own that does not wait for its WAL flush (see
// `reserve_number`).
cached_statement!(
    ReserveNumber,
    "WITH unflushed AS (SELECT set_config('synchronous_commit', 'off', true)), \
     counted AS (INSERT INTO ticket_counters (tenant_id, next_number) VALUES (",
    ", 2) ON CONFLICT (tenant_id) DO UPDATE SET next_number = ticket_counters.next_number + 1 \
     RETURNING next_number) SELECT next_number FROM counted, unflushed"
);

/// On PostgreSQL, takes the tenant's next ticket number ahead of the creating transaction, in a
/// transaction of its own; on SQLite `None`: the number is taken in the creating transaction.
///
/// Taken in the creating transaction, the counter row stays locked until that transaction has
/// committed and flushed its WAL, so a tenant's creations ran one at a time on PostgreSQL. Its
/// own transaction holds the row for one update and does not wait for the flush
/// (`synchronous_commit = off`): the ticket's commit comes later in the WAL and is flushed, so a
/// ticket that survives a crash always has its number counted, and no number is given twice. A
/// creation that fails afterwards leaves a gap, as a sequence would. On SQLite the one writer
/// queues creations anyway, and the numbers stay without gaps.
///
/// One statement, its own transaction, so one round trip: `set_config(.., true)` sets the commit
/// mode of the statement's transaction, which PostgreSQL reads when it commits. Call it outside
/// any transaction, or it would leave the caller's commit unflushed.
pub fn reserve_number(conn: &mut DbConnection, tenant: TenantId) -> Result<Option<i64>> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConnection::Pg(c) => {
            debug_assert!(
                matches!(AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(), Ok(None)),
                "reserve_number inside a transaction"
            );
            let next: i64 = ReserveNumber(tenant.0).get_result(c)?;
            Ok(Some(next - 1))
        }
        DbConnection::Sqlite(_) => Ok(None),
    }
}

/// What the creator of a ticket chooses; the rest starts empty.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub tenant_id: TenantId,
    pub company_id: CompanyId,
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub provider_priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    pub requester_id: UserId,
    pub contact_id: Option<UserId>,
    pub device_id: Option<i64>,
    pub custom_values: BTreeMap<String, serde_json::Value>,
    /// Its number when taken beforehand ([`reserve_number`]); otherwise the creating transaction
    /// takes the next one.
    pub number: Option<i64>,
}

/// Opens a ticket as [`create`] does, committed when it returns. On PostgreSQL `create` is one
/// statement, so it runs in a transaction of its own, without a BEGIN and a COMMIT that would
/// each take a round trip: with the caller's session and the number, a creation took six round
/// trips, now three (2,040-2,470 -> 2,730-3,050 creations a second back to back). Its number is
/// taken before (`reserve_number`); without one, the counter's statement commits first, leaving a
/// gap if the ticket then fails, as `reserve_number` does. On SQLite it runs on the writer, whose
/// commits are grouped (see `write_tx`).
pub fn open(conn: &mut Conn, new: NewTicket, actor: Option<UserId>, now: DateTime<Utc>) -> Result<Ticket> {
    match &mut **conn {
        DbConnection::Pg(_) => create(conn, new, actor, now),
        DbConnection::Sqlite(_) => write_tx(conn, |conn| create(conn, new, actor, now)),
    }
}

/// Creates a ticket with the next number of its tenant and records in the history that `actor`
/// opened it (the requester, or staff opening it on a member's behalf). Call inside a write
/// transaction, or through [`open`].
pub fn create(conn: &mut DbConnection, new: NewTicket, actor: Option<UserId>, now: DateTime<Utc>) -> Result<Ticket> {
    let now = ticket_time(now);
    let number = match new.number {
        Some(reserved) => reserved,
        None => per_backend!(conn, |c| TakeNumber(new.tenant_id.0).get_result::<i64>(c))? - 1,
    };
    let custom_values = json(&new.custom_values)?;
    let insert = diesel::insert_into(tickets::table)
        .values((
            tickets::tenant_id.eq(new.tenant_id.0),
            tickets::company_id.eq(new.company_id.0),
            tickets::number.eq(number),
            tickets::title.eq(&new.title),
            tickets::description.eq(&new.description),
            tickets::status.eq(Status::New.as_str()),
            tickets::priority.eq(new.priority.rank()),
            tickets::provider_priority.eq(new.provider_priority.map(Priority::rank)),
            tickets::request_type_id.eq(new.request_type_id),
            tickets::requester_id.eq(new.requester_id.0),
            tickets::contact_id.eq(new.contact_id.map(|u| u.0)),
            tickets::device_id.eq(new.device_id),
            tickets::custom_values.eq(&custom_values),
            tickets::created_at.eq(now.naive_utc()),
            tickets::updated_at.eq(now.naive_utc()),
        ))
        .returning(tickets::id);
    let created = Change::created();
    // On PostgreSQL the history line is written by the same statement (see `WithCreated`).
    let id = match conn {
        DbConnection::Pg(c) => {
            let event = (new.tenant_id.0, actor.map(|u| u.0), created.kind, now.naive_utc());
            Prepared(WithCreated { insert, event }).get_result(c)?
        }
        DbConnection::Sqlite(c) => Prepared(insert).get_result(c)?,
    };
    let ticket = Ticket {
        id,
        tenant_id: new.tenant_id,
        company_id: new.company_id,
        number,
        title: new.title,
        description: new.description,
        status: Status::New,
        priority: new.priority,
        provider_priority: new.provider_priority,
        request_type_id: new.request_type_id,
        queue_id: None,
        requester_id: new.requester_id,
        contact_id: new.contact_id,
        assignee_id: None,
        device_id: new.device_id,
        due_at: None,
        worked_minutes: 0,
        billed_minutes: 0,
        billed: false,
        custom_values: new.custom_values,
        version: 1,
        created_at: now,
        updated_at: now,
        closed_at: None,
        sla_trail: String::new(),
    };
    if let DbConnection::Sqlite(_) = conn {
        record_events(conn, &ticket, actor, &[created], now)?;
    }
    Ok(ticket)
}

/// PostgreSQL: a ticket's INSERT (returning its id) and its `created` history line in one
/// statement, `WITH t AS (INSERT INTO tickets ... RETURNING id) INSERT INTO ticket_events ...
/// SELECT ... FROM t RETURNING ticket_id`: one round trip instead of two, and atomic on its own
/// (see [`open`]). SQLite has no INSERT in a WITH clause. Run as `Prepared`, so that it is kept
/// prepared, keyed by its SQL text.
struct WithCreated<Q> {
    insert: Q,
    /// The tenant, the actor, the kind and the time of the history line.
    event: (i64, Option<i64>, &'static str, NaiveDateTime),
}

impl<Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>> diesel::query_builder::QueryFragment<diesel::pg::Pg>
    for WithCreated<Q>
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("WITH t AS (");
        self.insert.walk_ast(out.reborrow())?;
        out.push_sql(
            ") INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, internal, created_at) SELECT ",
        );
        out.push_bind_param::<BigInt, _>(&self.event.0)?;
        out.push_sql(", t.id, ");
        out.push_bind_param::<diesel::sql_types::Nullable<BigInt>, _>(&self.event.1)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.event.2)?;
        out.push_sql(", false, ");
        out.push_bind_param::<diesel::sql_types::Timestamp, _>(&self.event.3)?;
        out.push_sql(" FROM t RETURNING ticket_id");
        Ok(())
    }
}

keyed_by_text!(WithCreated);

/// Writes `ticket` (as changed by the caller) if its stored version is still `expected_version`;
/// `Ok(false)` when someone else changed it first. The version rises by one.
pub fn save(conn: &mut DbConnection, ticket: &Ticket, expected_version: i64) -> Result<bool> {
    let updated = diesel::update(tickets::table.filter(tickets::id.eq(ticket.id)))
        .filter(tickets::version.eq(expected_version))
        .set((
            tickets::title.eq(&ticket.title),
            tickets::description.eq(&ticket.description),
            tickets::status.eq(ticket.status.as_str()),
            tickets::priority.eq(ticket.priority.rank()),
            tickets::provider_priority.eq(ticket.provider_priority.map(Priority::rank)),
            tickets::request_type_id.eq(ticket.request_type_id),
            tickets::queue_id.eq(ticket.queue_id),
            tickets::contact_id.eq(ticket.contact_id.map(|u| u.0)),
            tickets::assignee_id.eq(ticket.assignee_id.map(|u| u.0)),
            tickets::due_at.eq(ticket.due_at.map(|d| d.naive_utc())),
            tickets::worked_minutes.eq(ticket.worked_minutes),
            tickets::billed_minutes.eq(ticket.billed_minutes),
            tickets::billed.eq(ticket.billed),
            tickets::custom_values.eq(json(&ticket.custom_values)?),
            tickets::version.eq(expected_version + 1),
            tickets::updated_at.eq(ticket.updated_at.naive_utc()),
            tickets::closed_at.eq(ticket.closed_at.map(|d| d.naive_utc())),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Marks a ticket changed (a note or an attachment was added): new version, new update time.
pub fn touch(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(tickets::table.filter(tickets::id.eq(id)))
        .set((tickets::version.eq(tickets::version + 1), tickets::updated_at.eq(ticket_time(now).naive_utc())))
        .execute(conn)?;
    Ok(())
}
