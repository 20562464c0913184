//! System info's use case outside a request: telling a company's approvers, once, that a
//! warranty or licence ends within `assets::REMINDER_DAYS` days.

use chrono::{DateTime, NaiveDate, Utc};
use clientdesk_domain::assets::{reminder_horizon, EntitlementKind};
use clientdesk_domain::ids::CompanyId;
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::roles::Permission;
use clientdesk_persistence::{approvals, assets, companies, rmm, tenants, write_tx, Conn};

use crate::notify;
use crate::Result;

/// At most this many expiries are announced per call; the next call takes the rest.
const BATCH: i64 = 200;

/// Announces the warranties and licences ending from `today` to 30 days ahead whose expiry was not
/// announced yet, each in its own transaction (marked first, so two processes never both send).
/// Returns how many were announced.
pub fn announce_expiries(conn: &mut Conn, today: NaiveDate, now: DateTime<Utc>) -> Result<usize> {
    let due = assets::unannounced_expiries(conn, today, reminder_horizon(today), BATCH)?;
    let mut announced = 0;
    for (tenant, entitlement) in due {
        let sent = write_tx(conn, |conn| {
            if !assets::mark_announced(conn, entitlement.id, now)? {
                return Ok(false);
            }
            let tenant = tenants::get(conn, tenant)?;
            let company = companies::get(conn, tenant.id, CompanyId(entitlement.company_id))?;
            if !company.settings_in_force(&tenant).notifications_enabled {
                return Ok(true);
            }
            let f = &entitlement.fields;
            let asset = f.device_id.map(|d| rmm::get_device(conn, tenant.id, d)).transpose()?.map(|d| d.hostname);
            let Some(expires_on) = f.expires_on else { return Ok(true) };
            for approver in approvals::members_with(conn, company.id, Permission::TicketsValidate)? {
                let notice = Notice::EntitlementExpiring {
                    recipient: &approver.name,
                    company: &company.name,
                    licence: f.kind == EntitlementKind::Licence,
                    product: &f.product,
                    asset: asset.as_deref(),
                    expires_on,
                };
                notify::email(conn, tenant.id, &approver.email, approver.language, &notice, now)?;
            }
            Ok::<_, crate::Error>(true)
        })?;
        announced += usize::from(sent);
    }
    Ok(announced)
}
