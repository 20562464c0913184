//! Bulk data for `make bench`: companies and tickets for the demo tenant, generated inside the
//! database (one INSERT ... SELECT over a number series), so a million tickets load in seconds
//! rather than through a million requests. Not for production use.

use anyhow::Context;
use clientdesk_persistence::{tenants, users, write_tx, Db, DbConnection};
use clientdesk_server::seed::DEMO_TENANT;
use diesel::RunQueryDsl;

/// `CASE expr WHEN 0 THEN 'a' WHEN 1 THEN 'b' ... END`: picks a word by a number on both databases.
fn pick(expr: &str, words: &[&str]) -> String {
    let arms: String = words.iter().enumerate().map(|(i, w)| format!(" WHEN {i} THEN '{w}'")).collect();
    format!("CASE ({expr}) % {}{arms} END", words.len())
}

const THINGS: &[&str] =
    &["Printer", "VPN", "Laptop", "Mailbox", "Password", "Network", "Server", "Backup", "License", "Monitor"];
const TROUBLES: &[&str] = &[
    "jams", "drops", "slow", "full", "expired", "offline", "crashes", "missing", "locked", "flickers", "fails",
    "noisy", "stuck",
];
const TEAMS: &[&str] = &["sales", "finance", "warehouse", "reception", "engineering", "marketing", "legal"];

/// Rows `1..=count` of a number series named `s(n)`, as a CTE both databases understand.
fn series(count: u64) -> String {
    format!("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) ")
}

fn execute(conn: &mut DbConnection, sql: &str) -> anyhow::Result<usize> {
    Ok(diesel::sql_query(sql).execute(conn)?)
}

/// Adds companies until the demo tenant has `companies`, then `tickets` tickets spread evenly over
/// them, opened by pat.plus (who reads all of Contoso's). Returns the tenant's ticket count.
pub fn tickets(db: &Db, companies: u64, tickets: u64) -> anyhow::Result<i64> {
    let mut conn = db.conn()?;
    let postgres = matches!(&*conn, DbConnection::Pg(_));
    let tenant = tenants::find_by_slug(&mut conn, DEMO_TENANT).context("load the demo tenant first")?;
    let requester = users::find_by_email(&mut conn, tenant.id, "pat.plus@demo.example")?;
    let t = tenant.id.0;
    write_tx(&mut conn, |conn| -> anyhow::Result<i64> {
        let now = if postgres { "CURRENT_TIMESTAMP" } else { "datetime('now')" };
        let have: i64 = count(conn, &format!("SELECT COUNT(*) AS n FROM companies WHERE tenant_id = {t}"))?;
        let missing = companies.saturating_sub(have as u64);
        if missing > 0 {
            execute(
                conn,
                &format!(
                    "{}INSERT INTO companies (tenant_id, name, portal_overrides, created_at, updated_at) \
                     SELECT {t}, 'Bench company ' || (n + {have}), '{{}}', {now}, {now} FROM s",
                    series(missing)
                ),
            )?;
        }
        let first: i64 = count(conn, &format!("SELECT MIN(id) AS n FROM companies WHERE tenant_id = {t}"))?;
        let total: i64 = count(conn, &format!("SELECT COUNT(*) AS n FROM companies WHERE tenant_id = {t}"))?;
        let start: i64 = count(conn, &format!("SELECT COALESCE(MAX(number), 0) AS n FROM tickets WHERE tenant_id = {t}"))?;
        let created = if postgres {
            "TIMESTAMP '2026-01-01 00:00:00' + n * INTERVAL '7 seconds'".to_owned()
        } else {
            "datetime('2026-01-01 00:00:00', '+' || (n * 7) || ' seconds')".to_owned()
        };
        // Company ids of the tenant are contiguous in a fresh benchmark database.
        execute(
            conn,
            &format!(
                "{series}INSERT INTO tickets (tenant_id, company_id, number, title, description, status, priority, \
                 requester_id, custom_values, created_at, updated_at) \
                 SELECT {t}, {first} + (n % {total}), {start} + n, \
                 {thing} || ' ' || {trouble} || ' ' || n, \
                 'Reported by the ' || {team} || ' team: the ' || {thing} || ' on host' || (n % 997) || ' ' || {trouble} || '.', \
                 {status}, 1 + n % 4, {requester}, '{{}}', {created}, {created} FROM s",
                series = series(tickets),
                // By `n / total`, the ticket's place within its company: every company gets every
                // kind of ticket and every status (by `n` alone, a company would only ever get the
                // statuses and things that its remainder picks).
                thing = pick(&format!("n / {total}"), THINGS),
                trouble = pick("n / 10", TROUBLES),
                team = pick("n / 7", TEAMS),
                status = pick(&format!("n / {total}"), &["new", "open", "in_progress", "waiting_customer", "resolved", "closed"]),
                requester = requester.id.0,
            ),
        )?;
        let last = start + tickets as i64;
        execute(conn, &format!("DELETE FROM ticket_counters WHERE tenant_id = {t}"))?;
        execute(conn, &format!("INSERT INTO ticket_counters (tenant_id, next_number) VALUES ({t}, {})", last + 1))?;
        count(conn, &format!("SELECT COUNT(*) AS n FROM tickets WHERE tenant_id = {t}"))
    })
    .and_then(|n| {
        // What a production database has after its routine maintenance: fresh statistics and, on
        // PostgreSQL, the new rows vacuumed and written out. Otherwise autovacuum's first pass
        // over a million new rows ran in the middle of a measurement (a search's p99 292 ms
        // against a p50 of 5 ms), and so did the checkpoint of what the load and VACUUM wrote.
        if postgres {
            execute(&mut conn, "VACUUM (ANALYZE)")?;
            execute(&mut conn, "CHECKPOINT")?;
        } else {
            execute(&mut conn, "ANALYZE")?;
        }
        Ok(n)
    })
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut DbConnection, sql: &str) -> anyhow::Result<i64> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// Adds `tickets` tickets to pat.plus's first company, opened evenly over the 30 days from
/// `month_start` (`YYYY-MM-01`), each with the history an SLA report reads: taken in progress,
/// answered publicly by staff, resolved, at delays that vary so that some targets are missed.
/// Returns the company's id.
pub fn sla_history(db: &Db, tickets: u64, month_start: &str) -> anyhow::Result<i64> {
    let mut conn = db.conn()?;
    let postgres = matches!(&*conn, DbConnection::Pg(_));
    let tenant = tenants::find_by_slug(&mut conn, DEMO_TENANT).context("load the demo tenant first")?;
    let requester = users::find_by_email(&mut conn, tenant.id, "pat.plus@demo.example")?;
    let staff = users::find_by_email(&mut conn, tenant.id, "admin@demo.example")?;
    let company = users::memberships_of(&mut conn, requester.id)?
        .first()
        .map(|m| m.company_id)
        .context("pat.plus has no company")?;
    let (t, who, tech) = (tenant.id.0, requester.id.0, staff.id.0);
    let spacing = (30 * 24 * 3600 / tickets.max(1)).max(1);
    let at = |base: &str, seconds: &str| {
        if postgres {
            format!("({base} + ({seconds}) * INTERVAL '1 second')")
        } else {
            format!("datetime({base}, '+' || ({seconds}) || ' seconds')")
        }
    };
    let start_at =
        if postgres { format!("TIMESTAMP '{month_start} 00:00:00'") } else { format!("'{month_start} 00:00:00'") };
    let base = chrono::NaiveDate::parse_from_str(month_start, "%Y-%m-%d")?
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .timestamp_micros();
    write_tx(&mut conn, |conn| -> anyhow::Result<()> {
        let first: i64 =
            count(conn, &format!("SELECT COALESCE(MAX(number), 0) AS n FROM tickets WHERE tenant_id = {t}"))?;
        let created = at(&start_at, &format!("(n - 1) * {spacing}"));
        // The trail the history lines below leave (see `sla_trail`), written with the ticket.
        let micros = |minutes: &str| {
            format!("({base} + CAST(n - 1 AS BIGINT) * {spacing} * 1000000 + CAST({minutes} AS BIGINT) * 60000000)")
        };
        let trail = format!(
            "{} || ':s:new:in_progress;' || {} || ':n::;' || {} || ':s:in_progress:resolved;'",
            micros(&format!("5 + ({first} + n) % 60")),
            micros(&format!("10 + ({first} + n) % 240")),
            micros(&format!("60 + ({first} + n) % 3000")),
        );
        execute(
            conn,
            &format!(
                "{series}INSERT INTO tickets (tenant_id, company_id, number, title, description, status, priority, \
                 requester_id, custom_values, created_at, updated_at, sla_trail) \
                 SELECT {t}, {company}, {first} + n, 'SLA ticket ' || n, 'Opened for the SLA report benchmark.', \
                 'resolved', 1 + n % 4, {who}, '{{}}', {created}, {created}, {trail} FROM s",
                series = series(tickets),
                company = company.0,
            ),
        )?;
        // Each ticket's lines, minutes after it opened: in progress after 5-64, a public staff
        // answer after 10-249, resolved after 60-3,059.
        let events = [
            ("updated", "'status'", "'new'", "'in_progress'", "5 + number % 60"),
            ("note", "NULL", "NULL", "'0'", "10 + number % 240"),
            ("updated", "'status'", "'in_progress'", "'resolved'", "60 + number % 3000"),
        ];
        for (kind, field, old, new, minutes) in events {
            execute(
                conn,
                &format!(
                    "INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, field, old_value, new_value, \
                     internal, created_at) \
                     SELECT {t}, id, {tech}, '{kind}', {field}, {old}, {new}, {no}, {when} FROM tickets \
                     WHERE tenant_id = {t} AND number > {first}",
                    no = if postgres { "FALSE" } else { "0" },
                    when = at("created_at", &format!("60 * ({minutes})")),
                ),
            )?;
        }
        let last = first + tickets as i64;
        execute(conn, &format!("DELETE FROM ticket_counters WHERE tenant_id = {t}"))?;
        execute(conn, &format!("INSERT INTO ticket_counters (tenant_id, next_number) VALUES ({t}, {})", last + 1))?;
        Ok(())
    })?;
    execute(&mut conn, if postgres { "VACUUM (ANALYZE)" } else { "ANALYZE" })?;
    Ok(company.0)
}
