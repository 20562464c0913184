//! Defences against abuse: throttles, second factors, secrets that never come back, and inputs
//! that must change nothing. Each test is named after the rule it checks.
mod bodies;
mod hardening;
mod outbox_and_links;
mod sign_in;
mod step_up;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clientdesk_domain::throttle::ThrottlePolicy;
use reqwest::RequestBuilder;

/// The answers of a burst by status, and how long it took.
pub struct Burst {
    pub counts: BTreeMap<u16, i32>,
    pub took: Duration,
}

/// Sends `n` requests at once.
pub async fn burst(n: usize, make: impl Fn() -> RequestBuilder) -> Burst {
    let started = Instant::now();
    let answers = futures_util::future::join_all((0..n).map(|_| make().send())).await;
    let took = started.elapsed();
    let mut counts = BTreeMap::new();
    for answer in answers {
        *counts.entry(answer.unwrap().status().as_u16()).or_insert(0) += 1;
    }
    Burst { counts, took }
}

/// Asserts that of a burst of wrong attempts no more were checked (answering `checked`) than the
/// limit allows, and every other one was refused with 429. The limit: the free failures, the one
/// that sets the first block (2 s), and one more each time a block ends while the burst still
/// runs (after 2 s, then 4 s more, ...).
pub fn assert_throttled(policy: ThrottlePolicy, burst: &Burst, checked: u16, total: i32) {
    let (mut ended, mut block) = (0, policy.base_delay.num_milliseconds() as u128);
    let mut at = block;
    while at <= burst.took.as_millis() {
        ended += 1;
        block *= 2;
        at += block;
    }
    let limit = policy.free_failures + 1 + ended;
    let counts = &burst.counts;
    let tries = counts.get(&checked).copied().unwrap_or(0);
    let refused = counts.get(&429).copied().unwrap_or(0);
    assert!(
        tries >= 1 && tries <= limit,
        "{tries} attempts checked, at most {limit} allowed: {counts:?} in {:?}",
        burst.took
    );
    assert_eq!(tries + refused, total, "only {checked} and 429 answers: {counts:?}");
}
