//! The clientdesk use cases, between the HTTP layer and storage: each loads what a domain rule
//! needs, applies the rule, stores the result and enqueues what must be sent, in one transaction.
//! Also the infrastructure the server, the worker and the HTTP layer share without depending on
//! one another.

pub mod accounts;
pub mod cache;
pub mod crypto;
pub mod error;
pub mod events;
pub mod notify;
pub mod origin;
pub mod selfservice;
pub mod sla;
pub mod storage;
pub mod system_info;
pub mod ticket_notices;
pub mod tickets;
pub mod vault_entries;
pub mod webhook_target;
pub mod webhooks;

pub use error::{Error, Result};
