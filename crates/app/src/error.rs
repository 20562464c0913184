//! Why a use case refused, or failed: one error for every use case, which the HTTP layer maps to
//! a status once (`clientdesk_http::errors`).

use clientdesk_domain::i18n::Message;
use clientdesk_domain::principal::Denied;
use clientdesk_domain::throttle::ThrottlePolicy;
use clientdesk_domain::DomainError;

#[derive(Debug)]
pub enum Error {
    /// Not there, or not visible to the caller (404).
    NotFound,
    /// Visible, but the caller may not do this (403).
    Denied(Denied),
    /// Invalid input, or an input the caller may not set (422).
    Invalid(DomainError),
    /// The state of things does not allow it, or something it needs is missing (409); why, as a
    /// message of the catalogue (`conflict-*`).
    Conflict(Message),
    /// What the caller read has changed since (412).
    PreconditionFailed,
    /// Past a limit (429).
    TooMany {
        retry_after_secs: i64,
        policy: ThrottlePolicy,
    },
    Store(clientdesk_persistence::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A conflict with the state of things, said by the catalogue message `id`.
    pub const fn conflict(id: &'static str) -> Self {
        Self::Conflict(Message::new(id))
    }
}

impl From<Denied> for Error {
    fn from(denied: Denied) -> Self {
        Self::Denied(denied)
    }
}

impl From<DomainError> for Error {
    fn from(err: DomainError) -> Self {
        Self::Invalid(err)
    }
}

impl From<clientdesk_persistence::Error> for Error {
    fn from(err: clientdesk_persistence::Error) -> Self {
        Self::Store(err)
    }
}
