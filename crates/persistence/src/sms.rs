//! What limits a tenant's SMS: the counters of messages sent per window, and the calling codes
//! the tenant allows.

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::sms::SmsWindow;
use diesel::prelude::*;

use crate::schema::{sms_counters, sms_policies};
use crate::{DbConnection, Result};

/// Counts one SMS in each of `windows` and returns the end of the first window it goes over, if
/// any. Call inside the write transaction that queues the message, before queueing it: each
/// counter is raised by one upsert that returns the new count, so parallel requests cannot both
/// take the last unit. When a window is over, the caller refuses and the transaction (and so the
/// count) is rolled back.
pub fn take(conn: &mut DbConnection, windows: &[SmsWindow], now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    // Counters of past windows are of no use: keep the table to the live ones.
    diesel::delete(sms_counters::table.filter(sms_counters::expires_at.le(now.naive_utc()))).execute(conn)?;
    let mut over = None;
    for window in windows {
        macro_rules! upsert {
            ($c:expr) => {
                diesel::insert_into(sms_counters::table)
                    .values((
                        sms_counters::counter_key.eq(&window.key),
                        sms_counters::sent.eq(1),
                        sms_counters::expires_at.eq(window.ends_at.naive_utc()),
                    ))
                    .on_conflict(sms_counters::counter_key)
                    .do_update()
                    .set(sms_counters::sent.eq(sms_counters::sent + 1))
                    .returning(sms_counters::sent)
                    .get_result::<i32>($c)
            };
        }
        let sent = match conn {
            DbConnection::Pg(pg) => upsert!(pg)?,
            DbConnection::Sqlite(sqlite) => upsert!(sqlite)?,
        };
        if sent > window.limit && over.is_none_or(|o: DateTime<Utc>| window.ends_at > o) {
            over = Some(window.ends_at);
        }
    }
    Ok(over)
}

/// The calling-code prefixes the tenant's SMS may go to; `None`: anywhere.
pub fn allowed_prefixes(conn: &mut DbConnection, tenant: TenantId) -> Result<Option<Vec<String>>> {
    let stored: Option<String> =
        sms_policies::table.find(tenant.0).select(sms_policies::allowed_prefixes).first(conn).optional()?;
    Ok(stored.map(|s| s.split(',').filter(|p| !p.is_empty()).map(str::to_owned).collect()))
}

/// Sets (or, with `None`, lifts) the tenant's list of allowed prefixes.
pub fn set_allowed_prefixes(
    conn: &mut DbConnection,
    tenant: TenantId,
    prefixes: Option<&[String]>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::delete(sms_policies::table.find(tenant.0)).execute(conn)?;
    if let Some(prefixes) = prefixes {
        diesel::insert_into(sms_policies::table)
            .values((
                sms_policies::tenant_id.eq(tenant.0),
                sms_policies::allowed_prefixes.eq(prefixes.join(",")),
                sms_policies::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
