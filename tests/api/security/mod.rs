//! Defences against abuse: throttles, second factors, secrets that never come back, and inputs
//! that must change nothing. Each test is named after the rule it checks.
mod bodies;
mod hardening;
mod outbox_and_links;
mod sign_in;
mod step_up;
