//! Black-box tests of the clientdesk API: each starts the real server on a random port against a
//! fresh database (see harness.rs) and runs on SQLite and on PostgreSQL.
mod accounts;
mod approvals;
mod attachments;
mod auth;
mod dispatch;
mod faults;
mod harness;
mod http;
mod kb;
mod languages;
mod layout;
mod migrations;
mod outbox;
mod pg;
mod processes;
mod provider;
mod psa;
mod rmm;
mod scale;
mod security;
mod selfservice;
mod snapshots;
mod tickets;
mod vault;
