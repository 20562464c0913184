//! Self-service actions on devices, and the software catalogue customers install from.

use chrono::{DateTime, Utc};

use crate::ids::{CompanyId, TenantId, UserId};
use crate::rmm::{ActionKind, ActionStatus};

/// An application customers may install themselves.
#[derive(Debug, Clone)]
pub struct Software {
    pub id: i64,
    pub tenant_id: TenantId,
    pub name: String,
    pub chocolatey_id: Option<String>,
    pub homebrew_formula: Option<String>,
    pub homebrew_cask: Option<String>,
    pub all_companies: bool,
    /// The chosen companies, where not offered to all.
    pub companies: Vec<CompanyId>,
    pub active: bool,
}

/// A self-service action as stored.
#[derive(Debug, Clone)]
pub struct Action {
    pub id: i64,
    pub tenant_id: TenantId,
    pub device_id: i64,
    pub requested_by: UserId,
    pub kind: ActionKind,
    pub software_id: Option<i64>,
    /// As stored: an open action past `expires_at` is still open here until swept.
    pub stored_status: ActionStatus,
    pub result: Option<String>,
    pub created_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

impl Action {
    /// The status as of `now`: an action still open past its time has expired.
    pub fn status(&self, now: DateTime<Utc>) -> ActionStatus {
        if self.stored_status.is_open() && self.expires_at <= now {
            ActionStatus::Expired
        } else {
            self.stored_status
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(status: ActionStatus, expires_at: DateTime<Utc>) -> Action {
        let at = DateTime::from_timestamp(1_800_000_000, 0).expect("a valid time");
        Action {
            id: 1,
            tenant_id: TenantId(1),
            device_id: 1,
            requested_by: UserId(1),
            kind: ActionKind::Restart,
            software_id: None,
            stored_status: status,
            result: None,
            created_at: at,
            dispatched_at: None,
            finished_at: None,
            expires_at,
        }
    }

    #[test]
    fn an_open_action_past_its_time_reads_as_expired() {
        let now = DateTime::from_timestamp(1_800_000_600, 0).expect("a valid time");
        let past = now - chrono::Duration::seconds(1);
        assert_eq!(action(ActionStatus::Queued, past).status(now), ActionStatus::Expired);
        assert_eq!(action(ActionStatus::Dispatched, now).status(now), ActionStatus::Expired);
        assert_eq!(action(ActionStatus::Queued, now + chrono::Duration::seconds(1)).status(now), ActionStatus::Queued);
        assert_eq!(action(ActionStatus::Succeeded, past).status(now), ActionStatus::Succeeded);
    }
}
