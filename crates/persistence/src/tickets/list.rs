//! Lists of tickets: filters, keyset pages in three sort orders, and the statements that read
//! them on each database, with the search words as a condition (see `search`).

use chrono::{DateTime, NaiveDateTime, Utc};
use clientdesk_domain::ids::{CompanyId, TenantId, UserId};
use clientdesk_domain::tickets::{Priority, Status, Ticket};
use diesel::backend::Backend;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::row::TicketRow;
use super::search::{fts5_query, pg_query, SearchWord};
use crate::db::{keyed_by_text, Prepared};
use crate::schema::{tenants, tickets, users};
use crate::session::AccessVersion;
use crate::{DbConnection, Result};

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
/// whose session is cached checks it without a statement of its own (see `clientdesk_app::cache::session`).
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
