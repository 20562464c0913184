//! Tickets with their notes and history, the per-tenant ticket numbers and the ticket settings.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::tickets::{Change, Priority, Status, Ticket, TicketEvent, TicketNote, TicketSettings};
use diesel::backend::Backend;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use crate::db::{keyed_by_text, per_backend, Prepared};
use crate::schema::{tenants, ticket_events, ticket_notes, ticket_settings, tickets, users};
use crate::session::AccessVersion;
use crate::stamp::Stamp;
use crate::{utc, write_tx, Conn, DbConnection, Error, Result};

/// Ticket times are kept to the microsecond, PostgreSQL's precision, so that a keyset cursor taken
/// from a time compares the same on both databases.
pub fn ticket_time(now: DateTime<Utc>) -> DateTime<Utc> {
    now.trunc_subsecs(6)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub(crate) struct TicketRow {
    id: i64,
    tenant_id: i64,
    company_id: i64,
    number: i64,
    title: String,
    description: String,
    status: String,
    priority: i32,
    provider_priority: Option<i32>,
    request_type_id: Option<i64>,
    queue_id: Option<i64>,
    requester_id: i64,
    contact_id: Option<i64>,
    assignee_id: Option<i64>,
    device_id: Option<i64>,
    due_at: Option<Stamp>,
    worked_minutes: i64,
    billed_minutes: i64,
    billed: bool,
    custom_values: String,
    version: i64,
    created_at: Stamp,
    updated_at: Stamp,
    closed_at: Option<Stamp>,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = Error;
    fn try_from(row: TicketRow) -> Result<Self> {
        let bad = |what: &str| Error::Other(format!("ticket {}: bad {what}", row.id));
        Ok(Ticket {
            id: row.id,
            tenant_id: TenantId(row.tenant_id),
            company_id: CompanyId(row.company_id),
            number: row.number,
            status: Status::parse(&row.status).ok_or_else(|| bad("status"))?,
            priority: Priority::from_rank(row.priority).ok_or_else(|| bad("priority"))?,
            provider_priority: row.provider_priority.and_then(Priority::from_rank),
            custom_values: serde_json::from_str(&row.custom_values).map_err(|_| bad("custom values"))?,
            title: row.title,
            description: row.description,
            request_type_id: row.request_type_id,
            queue_id: row.queue_id,
            requester_id: UserId(row.requester_id),
            contact_id: row.contact_id.map(UserId),
            assignee_id: row.assignee_id.map(UserId),
            device_id: row.device_id,
            due_at: row.due_at.map(|s| utc(s.0)),
            worked_minutes: row.worked_minutes,
            billed_minutes: row.billed_minutes,
            billed: row.billed,
            version: row.version,
            created_at: utc(row.created_at.0),
            updated_at: utc(row.updated_at.0),
            closed_at: row.closed_at.map(|s| utc(s.0)),
        })
    }
}

fn json(values: &BTreeMap<String, serde_json::Value>) -> Result<String> {
    serde_json::to_string(values).map_err(|e| Error::Other(e.to_string()))
}

/// The tenant's ticket settings, or the defaults when it never saved any.
pub fn settings(conn: &mut DbConnection, tenant: TenantId) -> Result<TicketSettings> {
    let stored: Option<String> =
        ticket_settings::table.find(tenant.0).select(ticket_settings::settings).first(conn).optional()?;
    match stored {
        None => Ok(TicketSettings::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| Error::Other(format!("ticket settings: {e}"))),
    }
}

pub fn put_settings(
    conn: &mut DbConnection,
    tenant: TenantId,
    settings: &TicketSettings,
    now: DateTime<Utc>,
) -> Result<()> {
    let text = serde_json::to_string(settings).map_err(|e| Error::Other(e.to_string()))?;
    // An upsert: an update-then-insert lets two first saves both insert on PostgreSQL (a 409).
    macro_rules! upsert {
        ($c:expr) => {
            diesel::insert_into(ticket_settings::table)
                .values((
                    ticket_settings::tenant_id.eq(tenant.0),
                    ticket_settings::settings.eq(&text),
                    ticket_settings::updated_at.eq(now.naive_utc()),
                ))
                .on_conflict(ticket_settings::tenant_id)
                .do_update()
                .set((ticket_settings::settings.eq(&text), ticket_settings::updated_at.eq(now.naive_utc())))
                .execute($c)
        };
    }
    match conn {
        DbConnection::Pg(c) => upsert!(c)?,
        DbConnection::Sqlite(c) => upsert!(c)?,
    };
    crate::tenants::bump_catalog_version(conn, tenant)
}

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

/// SQLite: indexes the tickets queued for the full-text index since the last commit (migration
/// 000014), in one statement. The SQLite writer runs it just before every commit, outside the
/// savepoints of the group's writes, so FTS5 writes one index segment per commit. The queue is
/// read first (`CROSS JOIN`): SQLite has no statistics for it and otherwise walked every ticket.
pub(crate) fn index_queued(conn: &mut diesel::SqliteConnection) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute(
        "INSERT INTO tickets_fts (rowid, title, description, company) \
         SELECT t.id, t.title, t.description, 'c' || t.company_id FROM tickets_fts_queue q CROSS JOIN tickets t ON t.id = q.id; \
         DELETE FROM tickets_fts_queue;",
    )
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

/// A ticket of `tenant`; another tenant's ticket is `NotFound`.
pub fn get(conn: &mut DbConnection, tenant: TenantId, id: i64) -> Result<Ticket> {
    let row: TicketRow = per_backend!(conn, |c| tickets::table
        .filter(tickets::id.eq(id))
        .filter(tickets::tenant_id.eq(tenant.0))
        .select(TicketRow::as_select())
        .first(c))?;
    row.try_into()
}

/// The people a ticket names: its requester, contact and assignee, with their names and whether
/// each is staff.
pub type People = Vec<(UserId, String, bool)>;

/// A ticket of `tenant` with the names of the people on it, and the access versions of `caller`'s
/// session (`None` once the user is gone), in one query: reading a ticket is the most frequent
/// request, and its names, then the caller's versions (see `session_cache`), each took a round
/// trip of their own.
pub fn get_named(
    conn: &mut DbConnection,
    tenant: TenantId,
    id: i64,
    caller: UserId,
) -> Result<(Ticket, People, Option<AccessVersion>)> {
    let (contacts, assignees, callers) = diesel::alias!(users as contacts, users as assignees, users as callers);
    type Person = (String, Option<String>);
    type Row = (TicketRow, Person, Option<Person>, Option<Person>, Option<i64>, Option<i64>);
    let (row, requester, contact, assignee, user_version, tenant_version): Row =
        per_backend!(conn, |c| tickets::table
            .inner_join(users::table.on(users::id.eq(tickets::requester_id)))
            .left_join(contacts.on(tickets::contact_id.eq(contacts.field(users::id).nullable())))
            .left_join(assignees.on(tickets::assignee_id.eq(assignees.field(users::id).nullable())))
            .filter(tickets::id.eq(id))
            .filter(tickets::tenant_id.eq(tenant.0))
            .select((
                TicketRow::as_select(),
                (users::name, users::staff_role),
                contacts.fields((users::name, users::staff_role)).nullable(),
                assignees.fields((users::name, users::staff_role)).nullable(),
                callers
                    .filter(callers.field(users::id).eq(caller.0))
                    .filter(callers.field(users::tenant_id).eq(tenant.0))
                    .select(callers.field(users::access_version))
                    .single_value(),
                tenants::table.filter(tenants::id.eq(tenant.0)).select(tenants::access_version).single_value(),
            ))
            .first(c))?;
    let version = user_version.zip(tenant_version).map(|(user, tenant)| AccessVersion { user, tenant });
    let ticket = Ticket::try_from(row)?;
    let mut people = vec![(ticket.requester_id, requester.0, requester.1.is_some())];
    for (id, person) in [(ticket.contact_id, contact), (ticket.assignee_id, assignee)] {
        if let (Some(id), Some((name, staff))) = (id, person) {
            people.push((id, name, staff.is_some()));
        }
    }
    Ok((ticket, people, version))
}

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

/// How a list is ordered. Creation order is id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Updated,
    Priority,
}

/// Where the previous page ended: the sort key's value (a time in microseconds or a priority
/// rank; unused for creation order) and the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub key: i64,
    pub id: i64,
}

/// Which tickets to list. `None` and empty lists filter nothing.
#[derive(Debug, Clone)]
pub struct TicketFilter {
    pub tenant: TenantId,
    /// The companies to list; `None` for the whole tenant (staff).
    pub companies: Option<Vec<CompanyId>>,
    /// Only tickets this user opened or is the contact of.
    pub concerning: Option<UserId>,
    pub statuses: Vec<Status>,
    /// Statuses never listed (hidden from customers).
    pub hidden_statuses: Vec<Status>,
    pub priority: Option<Priority>,
    pub request_type_id: Option<i64>,
    pub requester_id: Option<UserId>,
    pub assignee_id: Option<UserId>,
    pub queue_id: Option<i64>,
    /// Search words; all must match.
    pub words: Vec<SearchWord>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<Position>,
    pub limit: i64,
}

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn from_micros(us: i64) -> NaiveDateTime {
    DateTime::from_timestamp_micros(us).unwrap_or_default().naive_utc()
}

/// One page of tickets and the position to continue after, if more follow.
pub type Page = (Vec<Ticket>, Option<Position>);

/// One page of the list `f` describes, and the access versions of `reader`'s session as the
/// page's query read them (`None` when it found no ticket, or once the user is gone): a caller
/// whose session is cached checks it without a statement of its own (see `session_cache`).
pub fn list(conn: &mut DbConnection, f: &TicketFilter, reader: UserId) -> Result<(Page, Option<AccessVersion>)> {
    let mut rows = match f.companies.as_deref() {
        Some(companies) if companies.len() > 1 && f.words.is_empty() => {
            // A family of more companies than one statement merges (SQLite takes at most 500 arms
            // in a compound select) is read in statements of `MERGED_ARMS`, merged here.
            let mut rows = Vec::new();
            for arms in companies.chunks(MERGED_ARMS) {
                rows.extend(merged_page(conn, f, arms, reader)?);
            }
            if companies.len() > MERGED_ARMS {
                rows.sort_unstable_by_key(|(row, ..)| position(f.sort, row));
                if f.descending {
                    rows.reverse();
                }
            }
            rows
        }
        _ => page(conn, f, reader)?,
    };
    let version = rows
        .first()
        .and_then(|(_, user, tenant)| user.zip(*tenant))
        .map(|(user, tenant)| AccessVersion { user, tenant });
    let more = rows.len() as i64 > f.limit;
    rows.truncate(f.limit as usize);
    let next = rows.last().filter(|_| more).map(|(last, ..)| position(f.sort, last));
    let tickets = rows.into_iter().map(|(row, ..)| Ticket::try_from(row)).collect::<Result<Vec<_>>>()?;
    Ok(((tickets, next), version))
}

/// Where `row` stands in a list sorted by `sort`: ordering positions orders the rows.
fn position(sort: SortKey, row: &TicketRow) -> Position {
    let key = match sort {
        SortKey::Created => 0,
        SortKey::Updated => micros(row.updated_at.0),
        SortKey::Priority => i64::from(row.priority),
    };
    Position { key, id: row.id }
}

/// The boxed query of [`page`] for backend `$db`, whose name `postgres` tells, in list order unless
/// `ordered` is false (a macro rather than a function generic over the backend: diesel's SQL
/// literals and text binds have no impls for a generic one).
macro_rules! page_query {
    ($db:ty, $f:expr, $postgres:expr, $ordered:expr) => {{
        type DB = $db;
        let (f, postgres, ordered): (&TicketFilter, bool, bool) = ($f, $postgres, $ordered);
        let mut q = tickets::table.into_boxed::<DB>();
        // A list of companies is within the tenant already. On SQLite its tenant condition is written
        // `+tenant_id`, which no index answers, so that SQLite never walks `tickets_tenant_status_idx`
        // (every ticket of the tenant in that status) instead of the companies' own indexes: without
        // statistics it did, 0.25 -> 10 ms. PostgreSQL always has statistics, and would misjudge the
        // expression: it then counted 6 rows for a company of 220,000 and sorted them all (890 ms).
        q = match &f.companies {
            Some(companies) if !companies.is_empty() && !postgres => {
                q.filter(Unindexed::new(tickets::tenant_id).eq(f.tenant.0))
            }
            _ => q.filter(tickets::tenant_id.eq(f.tenant.0)),
        };
        // Companies and statuses as chains of `=` / `<>` rather than `IN` lists: diesel prepares a
        // statement with an `IN` list anew on every run (and PostgreSQL plans it anew, about 1 ms for
        // a page), while these are cached per connection by their text, one per number of values.
        // A PostgreSQL search by words only leaves the companies to the text index, whose query names
        // them: given them here too, it also intersected each company's bitmap from
        // `tickets_company_idx` (a company of 180,000 tickets: 27 ms against 6.5 ms). A number also
        // finds a ticket outside the index, so that search keeps them.
        let number = match f.words.as_slice() {
            [SearchWord { text: only, prefix: false }] => only.parse::<i64>().ok(),
            _ => None,
        };
        let in_text_query =
            |companies: &Vec<CompanyId>| postgres && !f.words.is_empty() && number.is_none() && !companies.is_empty();
        if let Some(companies) = f.companies.as_ref().filter(|c| !in_text_query(c)) {
            q = q.filter(any_of(companies.iter().map(|c| tickets::company_id.eq(c.0))));
        }
        if let Some(user) = f.concerning {
            q = q.filter(tickets::requester_id.eq(user.0).or(tickets::contact_id.eq(user.0)));
        }
        if !f.statuses.is_empty() {
            q = q.filter(any_of(f.statuses.iter().map(|s| tickets::status.eq(s.as_str()))));
        }
        for hidden in &f.hidden_statuses {
            q = q.filter(tickets::status.ne(hidden.as_str()));
        }
        if let Some(p) = f.priority {
            q = q.filter(tickets::priority.eq(p.rank()));
        }
        if let Some(id) = f.request_type_id {
            q = q.filter(tickets::request_type_id.eq(id));
        }
        if let Some(user) = f.requester_id {
            q = q.filter(tickets::requester_id.eq(user.0));
        }
        if let Some(user) = f.assignee_id {
            q = q.filter(tickets::assignee_id.eq(user.0));
        }
        if let Some(id) = f.queue_id {
            q = q.filter(tickets::queue_id.eq(id));
        }
        if let Some(t) = f.created_from {
            q = q.filter(tickets::created_at.ge(t.naive_utc()));
        }
        if let Some(t) = f.created_to {
            q = q.filter(tickets::created_at.lt(t.naive_utc()));
        }
        if let Some(t) = f.updated_from {
            q = q.filter(tickets::updated_at.ge(t.naive_utc()));
        }
        if let Some(t) = f.updated_to {
            q = q.filter(tickets::updated_at.lt(t.naive_utc()));
        }
        if !f.words.is_empty() {
            // Both indexes answer the words, within the listed companies (whose tokens they also
            // hold, see migration 000005); a query that is a number also finds that ticket number.
            let companies = f.companies.as_deref().unwrap_or_default();
            let text: TicketCondition<DB> = if postgres {
                // The index's own expression (migration 000015): punctuation read as spaces, so
                // the words of host names, addresses and paths are found, as on SQLite.
                let indexed = "(to_tsvector('simple', regexp_replace(tickets.title || ' ' || tickets.description, \
                               '[[:punct:]]', ' ', 'g')) || ('company_' || tickets.company_id::text)::tsvector)";
                let words =
                    sql::<Bool>(&format!("{indexed} @@ (to_tsquery('simple', ")).bind::<Text, _>(pg_query(&f.words));
                if companies.is_empty() {
                    Box::new(words.sql("))"))
                } else {
                    let within = companies.iter().map(|c| format!("'company_{}'", c.0)).collect::<Vec<_>>().join(" | ");
                    Box::new(words.sql(") && CAST(").bind::<Text, _>(within).sql(" AS tsquery))"))
                }
            } else {
                let mut query = format!("{{title description}} : ({})", fts5_query(&f.words));
                if !companies.is_empty() {
                    let within = companies.iter().map(|c| format!("c{}", c.0)).collect::<Vec<_>>().join(" OR ");
                    query = format!("{query} AND company : ({within})");
                }
                Box::new(
                    sql::<Bool>("tickets.id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ")
                        .bind::<Text, _>(query)
                        .sql(")"),
                )
            };
            q = match number {
                Some(number) => q.filter(tickets::number.eq(number).or(text)),
                None => q.filter(text),
            };
        }
        match f.sort {
            SortKey::Created => {
                if let Some(at) = f.after {
                    q = if f.descending { q.filter(tickets::id.lt(at.id)) } else { q.filter(tickets::id.gt(at.id)) };
                }
                if ordered {
                    q = if f.descending { q.order(tickets::id.desc()) } else { q.order(tickets::id.asc()) };
                }
            }
            SortKey::Priority => {
                if let Some(at) = f.after {
                    let rank = i32::try_from(at.key).unwrap_or_default();
                    q = if f.descending {
                        q.filter(tickets::priority.lt(rank).or(tickets::priority.eq(rank).and(tickets::id.lt(at.id))))
                    } else {
                        q.filter(tickets::priority.gt(rank).or(tickets::priority.eq(rank).and(tickets::id.gt(at.id))))
                    };
                }
                if ordered {
                    q = if f.descending {
                        q.order((tickets::priority.desc(), tickets::id.desc()))
                    } else {
                        q.order((tickets::priority.asc(), tickets::id.asc()))
                    };
                }
            }
            SortKey::Updated => {
                if let Some(at) = f.after {
                    let t = from_micros(at.key);
                    q = if f.descending {
                        q.filter(tickets::updated_at.lt(t).or(tickets::updated_at.eq(t).and(tickets::id.lt(at.id))))
                    } else {
                        q.filter(tickets::updated_at.gt(t).or(tickets::updated_at.eq(t).and(tickets::id.gt(at.id))))
                    };
                }
                if ordered {
                    q = if f.descending {
                        q.order((tickets::updated_at.desc(), tickets::id.desc()))
                    } else {
                        q.order((tickets::updated_at.asc(), tickets::id.asc()))
                    };
                }
            }
        }
        q
    }};
}

/// A ticket of a page, with the access versions of the reader's session (see [`list`]).
type PageRow = (TicketRow, Option<i64>, Option<i64>);

/// The selection of a [`PageRow`] for `$reader` of `$tenant`: two subqueries of constants, which
/// both databases evaluate once, not for each row.
macro_rules! page_row {
    ($tenant:expr, $reader:expr) => {
        (
            TicketRow::as_select(),
            users::table
                .filter(users::id.eq($reader.0))
                .filter(users::tenant_id.eq($tenant.0))
                .select(users::access_version)
                .single_value(),
            tenants::table.filter(tenants::id.eq($tenant.0)).select(tenants::access_version).single_value(),
        )
    };
}

/// The first `limit + 1` rows of the list `f` describes, in its order.
///
/// Built and run on the backend's own connection (`per_backend!`): through the `MultiConnection`
/// a boxed query is rendered to SQL text again at every run to find its cached statement, about a
/// tenth of a page's CPU on SQLite.
///
/// Kept prepared (`Prepared`), also when it searches: diesel never caches a statement with an SQL
/// literal, which a search's text condition is, so every search was parsed (on PostgreSQL in a
/// round trip of its own) and planned anew. Its literals are fixed texts and its words are bound,
/// so its text varies only with the filter's shape. PostgreSQL still plans a search for its
/// words: its generic plan (default selectivity for `@@`, a parallel bitmap scan costed at
/// 21,000) costs far more than the custom ones (about 1,350), so it keeps choosing those.
fn page(conn: &mut DbConnection, f: &TicketFilter, reader: UserId) -> Result<Vec<PageRow>> {
    let rows = match conn {
        DbConnection::Pg(c) => {
            Prepared(page_query!(diesel::pg::Pg, f, true, true).limit(f.limit + 1).select(page_row!(f.tenant, reader)))
                .load(c)
        }
        DbConnection::Sqlite(c) => Prepared(
            page_query!(diesel::sqlite::Sqlite, f, false, true).limit(f.limit + 1).select(page_row!(f.tenant, reader)),
        )
        .load(c),
    };
    Ok(rows?)
}

/// The first `limit + 1` rows of the list `f` describes over several `companies`, in one statement
/// that merges one page query per company: `arm UNION ALL arm … ORDER BY … LIMIT n`.
///
/// Asked with an OR of companies, a list was read as every match gathered and sorted (SQLite: all
/// 183,000 tickets of a big company for its first page, 220 ms; PostgreSQL: a bitmap of 664 open
/// tickets in 347 blocks) or, on PostgreSQL once one company holds many tickets of another
/// status, as a walk down the primary key that filters everything newer than the oldest match
/// (335,000 rows, 250 ms). One company's page is a walk down its own index in list order, and
/// both databases merge such walks, reading only the rows of the page:
/// - SQLite merges arms without an order of their own, each walking its index (`MERGE (UNION
///   ALL)`). An arm may not have one: SQLite reads `SELECT * FROM (arm ORDER BY … LIMIT n)` as a
///   co-routine and sorts its rows again, 0.7 against 0.26 ms.
/// - PostgreSQL needs each arm's own `ORDER BY … LIMIT` (`Merge Append` of two limited index
///   scans). Without them its generic plan appended every match of both companies and sorted
///   them (664 rows, 100 ms when cold).
fn merged_page(
    conn: &mut DbConnection,
    f: &TicketFilter,
    companies: &[CompanyId],
    reader: UserId,
) -> Result<Vec<PageRow>> {
    let arms: Vec<TicketFilter> =
        companies.iter().map(|c| TicketFilter { companies: Some(vec![*c]), ..f.clone() }).collect();
    let direction = if f.descending { "DESC" } else { "ASC" };
    let order = match f.sort {
        SortKey::Created => format!("id {direction}"),
        SortKey::Priority => format!("priority {direction}, id {direction}"),
        SortKey::Updated => format!("updated_at {direction}, id {direction}"),
    };
    let limit = f.limit + 1;
    let rows = match conn {
        DbConnection::Pg(c) => Merged {
            arms: arms
                .iter()
                .map(|arm| {
                    page_query!(diesel::pg::Pg, arm, true, true).limit(limit).select(page_row!(f.tenant, reader))
                })
                .collect(),
            parenthesized: true,
            order,
            limit,
        }
        .load(c),
        DbConnection::Sqlite(c) => Merged {
            arms: arms
                .iter()
                .map(|arm| page_query!(diesel::sqlite::Sqlite, arm, false, false).select(page_row!(f.tenant, reader)))
                .collect(),
            parenthesized: false,
            order,
            limit,
        }
        .load(c),
    };
    Ok(rows?)
}

/// The most companies [`merged_page`] reads in one statement.
const MERGED_ARMS: usize = 50;

/// `arm UNION ALL arm … ORDER BY order LIMIT limit`, each arm in parentheses if `parenthesized`;
/// kept prepared by its SQL text, one statement per number of arms and shape of filters.
struct Merged<Q> {
    arms: Vec<Q>,
    parenthesized: bool,
    /// Result column names, which the compound's `ORDER BY` refers to on both databases.
    order: String,
    limit: i64,
}

impl<Q, DB> diesel::query_builder::QueryFragment<DB> for Merged<Q>
where
    DB: Backend + diesel::sql_types::HasSqlType<BigInt>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let (open, close) = if self.parenthesized { ("(", ")") } else { ("", "") };
        for (i, arm) in self.arms.iter().enumerate() {
            if i > 0 {
                out.push_sql(" UNION ALL ");
            }
            out.push_sql(open);
            arm.walk_ast(out.reborrow())?;
            out.push_sql(close);
        }
        out.push_sql(" ORDER BY ");
        out.push_sql(&self.order);
        out.push_sql(" LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.limit)
    }
}

keyed_by_text!(Merged);

// `+column`: the column's value, which no index answers. Written as an operator rather than a SQL
// literal because diesel prepares any statement holding a literal anew on every run (on SQLite
// about 50 µs a page).
diesel::prefix_operator!(Unindexed, "+", BigInt);

type TicketCondition<DB> = Box<dyn BoxableExpression<tickets::table, DB, SqlType = Bool>>;

/// The conditions joined with OR; an empty list matches nothing.
fn any_of<DB, E>(conditions: impl IntoIterator<Item = E>) -> TicketCondition<DB>
where
    DB: Backend + 'static,
    E: BoxableExpression<tickets::table, DB, SqlType = Bool> + 'static,
    diesel::dsl::Or<TicketCondition<DB>, TicketCondition<DB>>: BoxableExpression<tickets::table, DB, SqlType = Bool>,
    diesel::expression::SqlLiteral<Bool>: BoxableExpression<tickets::table, DB, SqlType = Bool>,
{
    conditions
        .into_iter()
        .fold(None::<TicketCondition<DB>>, |all, c| {
            let c: TicketCondition<DB> = Box::new(c);
            Some(match all {
                None => c,
                Some(all) => Box::new(all.or(c)),
            })
        })
        .unwrap_or_else(|| Box::new(diesel::dsl::sql::<Bool>("FALSE")))
}

/// A word of a ticket search: letters and digits only, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWord {
    pub text: String,
    /// Matches every word that starts with `text` (the searcher wrote `text*`). Whole words are
    /// the default because a prefix makes both indexes gather every matching term's postings
    /// before they can intersect: on a million tickets, "printer jams*" costs 3.5 times
    /// "printer jams" in FTS5.
    pub prefix: bool,
}

/// `word1 & word2:*` for `to_tsquery`.
fn pg_query(words: &[SearchWord]) -> String {
    let terms: Vec<String> =
        words.iter().map(|w| if w.prefix { format!("{}:*", w.text) } else { w.text.clone() }).collect();
    terms.join(" & ")
}

/// `"word1" "word2"*` for FTS5 MATCH; quoting keeps every word a plain term.
fn fts5_query(words: &[SearchWord]) -> String {
    let terms: Vec<String> =
        words.iter().map(|w| if w.prefix { format!("\"{}\"*", w.text) } else { format!("\"{}\"", w.text) }).collect();
    terms.join(" ")
}

pub fn record_events(
    conn: &mut DbConnection,
    ticket: &Ticket,
    actor: Option<UserId>,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<()> {
    for change in changes {
        per_backend!(conn, |c| Prepared(diesel::insert_into(ticket_events::table).values((
            ticket_events::tenant_id.eq(ticket.tenant_id.0),
            ticket_events::ticket_id.eq(ticket.id),
            ticket_events::actor_id.eq(actor.map(|u| u.0)),
            ticket_events::kind.eq(change.kind),
            ticket_events::field.eq(&change.field),
            ticket_events::old_value.eq(&change.old_value),
            ticket_events::new_value.eq(&change.new_value),
            ticket_events::internal.eq(change.internal),
            ticket_events::created_at.eq(now.naive_utc()),
        )))
        .execute(c))?;
    }
    Ok(())
}

type EventRow = (i64, Option<i64>, String, Option<String>, Option<String>, Option<String>, bool, NaiveDateTime);

/// The history of a ticket, oldest first; `with_internal` includes staff-only lines.
/// A page of the ticket's history, oldest first: at most `limit` events after the event `after`.
pub fn events(
    conn: &mut DbConnection,
    ticket: i64,
    with_internal: bool,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<TicketEvent>> {
    let mut q = ticket_events::table.filter(ticket_events::ticket_id.eq(ticket)).into_boxed();
    if !with_internal {
        q = q.filter(ticket_events::internal.eq(false));
    }
    if let Some(after) = after {
        q = q.filter(ticket_events::id.gt(after));
    }
    let rows: Vec<EventRow> = q
        .order(ticket_events::id)
        .limit(limit)
        .select((
            ticket_events::id,
            ticket_events::actor_id,
            ticket_events::kind,
            ticket_events::field,
            ticket_events::old_value,
            ticket_events::new_value,
            ticket_events::internal,
            ticket_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, actor, kind, field, old_value, new_value, internal, at)| TicketEvent {
            id,
            actor_id: actor.map(UserId),
            kind,
            field,
            old_value,
            new_value,
            internal,
            created_at: utc(at),
        })
        .collect())
}

/// Adds a note, records it in the history and marks the ticket changed.
pub fn add_note(
    conn: &mut DbConnection,
    ticket: &Ticket,
    author: UserId,
    body: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> Result<TicketNote> {
    let now = ticket_time(now);
    let id: i64 = diesel::insert_into(ticket_notes::table)
        .values((
            ticket_notes::tenant_id.eq(ticket.tenant_id.0),
            ticket_notes::ticket_id.eq(ticket.id),
            ticket_notes::author_id.eq(author.0),
            ticket_notes::body.eq(body),
            ticket_notes::internal.eq(internal),
            ticket_notes::created_at.eq(now.naive_utc()),
        ))
        .returning(ticket_notes::id)
        .get_result(conn)?;
    let change = Change { kind: "note", field: None, old_value: None, new_value: Some(id.to_string()), internal };
    record_events(conn, ticket, Some(author), &[change], now)?;
    touch(conn, ticket.id, now)?;
    Ok(TicketNote { id, ticket_id: ticket.id, author_id: author, body: body.to_owned(), internal, created_at: now })
}

/// The notes of a ticket, oldest first, after `after`; `with_internal` includes internal ones.
pub fn notes(
    conn: &mut DbConnection,
    ticket: i64,
    with_internal: bool,
    after: Option<i64>,
    limit: i64,
) -> Result<crate::Page<TicketNote>> {
    let mut q = ticket_notes::table.filter(ticket_notes::ticket_id.eq(ticket)).into_boxed();
    if !with_internal {
        q = q.filter(ticket_notes::internal.eq(false));
    }
    if let Some(after) = after {
        q = q.filter(ticket_notes::id.gt(after));
    }
    let rows: Vec<(i64, i64, String, bool, NaiveDateTime)> = q
        .order(ticket_notes::id)
        .limit(limit + 1)
        .select((
            ticket_notes::id,
            ticket_notes::author_id,
            ticket_notes::body,
            ticket_notes::internal,
            ticket_notes::created_at,
        ))
        .load(conn)?;
    let notes = rows
        .into_iter()
        .map(|(id, author, body, internal, at)| TicketNote {
            id,
            ticket_id: ticket,
            author_id: UserId(author),
            body,
            internal,
            created_at: utc(at),
        })
        .collect();
    Ok(crate::Page::from_rows(notes, limit, |n| n.id))
}

/// A note of `ticket`: whether it exists there and is internal.
pub fn note_is_internal(conn: &mut DbConnection, ticket: i64, note: i64) -> Result<bool> {
    Ok(ticket_notes::table
        .filter(ticket_notes::id.eq(note))
        .filter(ticket_notes::ticket_id.eq(ticket))
        .select(ticket_notes::internal)
        .first(conn)?)
}

/// The ids of a ticket's internal notes (whose attachments customers never see).
pub fn internal_note_ids(conn: &mut DbConnection, ticket: i64) -> Result<Vec<i64>> {
    Ok(ticket_notes::table
        .filter(ticket_notes::ticket_id.eq(ticket))
        .filter(ticket_notes::internal.eq(true))
        .select(ticket_notes::id)
        .load(conn)?)
}
