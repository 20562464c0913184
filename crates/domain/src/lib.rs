//! The clientdesk domain: entities, value types, roles and permissions, policies.
//!
//! Pure by design: no database, no HTTP, no I/O and no clock. Time is always passed in, so every
//! rule here can be unit tested as a plain function.

pub mod accounts;
pub mod actions;
pub mod approvals;
pub mod assets;
pub mod attachments;
pub mod business_hours;
pub mod contracts;
pub mod devices;
pub mod entities;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod invoices;
pub mod kb;
pub mod notifications;
pub mod outbox;
pub mod principal;
pub mod projects;
pub mod rmm;
pub mod roles;
pub mod selfservice;
pub mod settings;
pub mod sla;
pub mod sla_trail;
pub mod sms;
pub mod step_up;
pub mod targets;
pub mod throttle;
pub mod ticket_access;
pub mod ticket_notices;
pub mod tickets;
pub mod tokens;
pub mod user;
pub mod vault_documents;
pub mod vault_entries;
pub mod verification;
pub mod webhook_payloads;
pub mod webhooks;

pub use error::DomainError;
