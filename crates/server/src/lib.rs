//! The `clientdesk` server: configuration, start-up and the demo data, as a library so the
//! black-box tests start the real server in-process on a random port.

pub mod config;
pub mod deliveries;
pub mod mail;
pub mod outbox;
pub mod seed;
pub mod sms;
pub mod startup;
pub mod webhook;
