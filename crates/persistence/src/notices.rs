//! Who may receive a ticket's messages: the provider's staff, and the kinds each user switched
//! off for itself.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::ticket_notices::NoticeKind;
use clientdesk_domain::user::Language;
use diesel::prelude::*;

use crate::approvals::Member;
use crate::schema::{notice_opt_outs, users};
use crate::{DbConnection, Result};

/// The enabled staff of the tenant (technicians and administrators), by id.
pub fn active_staff(conn: &mut DbConnection, tenant: TenantId) -> Result<Vec<Member>> {
    let rows: Vec<(i64, String, String, String)> = users::table
        .filter(users::tenant_id.eq(tenant.0))
        .filter(users::staff_role.is_not_null())
        .filter(users::disabled.eq(false))
        .select((users::id, users::email, users::name, users::language))
        .order(users::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, name, language)| Member {
            id: UserId(id),
            email,
            name,
            language: Language::parse(&language).unwrap_or_default(),
        })
        .collect())
}

/// Which of `users` switched `kind` off.
pub fn opted_out(conn: &mut DbConnection, users: &[UserId], kind: NoticeKind) -> Result<HashSet<UserId>> {
    let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    let rows: Vec<i64> = notice_opt_outs::table
        .filter(notice_opt_outs::user_id.eq_any(ids))
        .filter(notice_opt_outs::kind.eq(kind.as_str()))
        .select(notice_opt_outs::user_id)
        .load(conn)?;
    Ok(rows.into_iter().map(UserId).collect())
}

/// The kinds `user` switched off.
pub fn opt_outs_of(conn: &mut DbConnection, user: UserId) -> Result<HashSet<NoticeKind>> {
    let rows: Vec<String> =
        notice_opt_outs::table.filter(notice_opt_outs::user_id.eq(user.0)).select(notice_opt_outs::kind).load(conn)?;
    Ok(rows.iter().filter_map(|k| NoticeKind::parse(k)).collect())
}

/// Switches each kind of `choices` on (`true`) or off for `user`; kinds not named stay as they
/// are. Call inside a write transaction.
pub fn set_opt_outs(
    conn: &mut DbConnection,
    tenant: TenantId,
    user: UserId,
    choices: &[(NoticeKind, bool)],
    now: DateTime<Utc>,
) -> Result<()> {
    let current = opt_outs_of(conn, user)?;
    for &(kind, on) in choices {
        let mine = notice_opt_outs::table
            .filter(notice_opt_outs::user_id.eq(user.0))
            .filter(notice_opt_outs::kind.eq(kind.as_str()));
        match (on, current.contains(&kind)) {
            (true, true) => {
                diesel::delete(mine).execute(conn)?;
            }
            (false, false) => {
                diesel::insert_into(notice_opt_outs::table)
                    .values((
                        notice_opt_outs::user_id.eq(user.0),
                        notice_opt_outs::kind.eq(kind.as_str()),
                        notice_opt_outs::tenant_id.eq(tenant.0),
                        notice_opt_outs::created_at.eq(now.naive_utc()),
                    ))
                    .execute(conn)?;
            }
            _ => {}
        }
    }
    Ok(())
}
