//! The `clientdesk` server: configuration, start-up and the demo data, as a library so the
//! black-box tests start the real server in-process on a random port.

pub mod bench_agent;
pub mod bench_data;
pub mod bench_outbox;
pub mod config;
pub mod kbgen;
pub mod mail;
pub mod outbox;
pub mod seed;
pub mod sms;
pub mod smtp_sink;
pub mod startup;
pub mod webhook;
