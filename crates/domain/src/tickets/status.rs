//! Status changes: closing and reopening through the endpoints, and what they are allowed to do.

use chrono::{DateTime, Utc};

use super::settings::TicketSettings;
use super::{Status, Ticket};
use crate::principal::Denied;
use crate::ticket_access::Viewer;

impl Ticket {
    /// Sets the status and keeps `closed_at` in step (`now` as stored); the status it had.
    pub fn set_status(&mut self, status: Status, now: DateTime<Utc>) -> Status {
        if status.is_closed() && !self.status.is_closed() {
            self.closed_at = Some(now);
        } else if !status.is_closed() {
            self.closed_at = None;
        }
        std::mem::replace(&mut self.status, status)
    }
}

/// What a caller asks of a ticket's status through the close and reopen endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRequest {
    Close,
    Reopen,
}

/// Why a ticket cannot be closed or reopened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionRefused {
    /// Only a closed ticket is reopened (409).
    NotClosed,
    /// The tenant does not let customers reopen tickets (403).
    Denied(Denied),
}

/// Whether a caller may reopen closed tickets: staff always, customers where the tenant allows.
pub fn reopen_allowed(staff: bool, settings: &TicketSettings) -> bool {
    staff || settings.reopen_allowed
}

/// The status a ticket in `current` moves to when `viewer` asks to close or reopen it; `None`
/// when closing a ticket closed already, which changes nothing. Reopening has no time limit.
pub fn transition(
    viewer: &Viewer,
    settings: &TicketSettings,
    current: Status,
    request: StatusRequest,
) -> Result<Option<Status>, TransitionRefused> {
    match request {
        StatusRequest::Close if current.is_closed() => Ok(None),
        StatusRequest::Close => Ok(Some(Status::Closed)),
        StatusRequest::Reopen if !current.is_closed() => Err(TransitionRefused::NotClosed),
        StatusRequest::Reopen if !reopen_allowed(viewer.is_staff(), settings) => {
            Err(TransitionRefused::Denied(Denied::new("denied-reopen")))
        }
        StatusRequest::Reopen => Ok(Some(Status::Open)),
    }
}
