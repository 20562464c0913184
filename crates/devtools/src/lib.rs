//! Development tools kept out of the `clientdesk` binary: the benchmark loaders, an SMTP sink for
//! the tests and the outbox benchmark, and access tokens for scripts (`clientdesk-dev`).

pub mod bench_agent;
pub mod bench_data;
pub mod bench_outbox;
pub mod kbgen;
pub mod smtp_sink;
