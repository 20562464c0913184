//! The tenant's ticket settings: statuses hidden from customers, reopening, field visibility.

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::tickets::TicketSettings;
use diesel::prelude::*;

use crate::schema::ticket_settings;
use crate::{DbConnection, Error, Result};

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
