//! A per-process request rate per client address, in front of the unauthenticated sign-in
//! endpoints. It is kept in memory on purpose: it turns a flood away before any database work,
//! so counting it in the database would make the flood a flood of writes. Each process has its
//! own quota, so N processes allow N times the rate: still a bound. The failure throttles, which
//! guard passwords and codes, are in the database and shared (see
//! `docs/decisions/0001-sign-in-throttling.md`).

use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use clientdesk_domain::throttle::{RateLimit, RateWindow};
use lru::LruCache;
use tokio::sync::Semaphore;

use crate::errors::ApiError;

/// Addresses remembered at once; the least recently seen are forgotten first.
const ADDRESSES: usize = 100_000;

pub struct AddressLimiter {
    limit: RateLimit,
    windows: Mutex<LruCache<IpAddr, RateWindow>>,
    share: Semaphore,
}

impl AddressLimiter {
    /// `share`: how many database connections the unauthenticated endpoints may hold at once.
    pub fn new(limit: RateLimit, share: usize) -> Self {
        let size = NonZeroUsize::new(ADDRESSES).expect("ADDRESSES is not zero");
        Self { limit, windows: Mutex::new(LruCache::new(size)), share: Semaphore::new(share.max(1)) }
    }

    /// The permits the unauthenticated endpoints take before they take their turn for a
    /// connection. Turns are taken in order (`AppState::run`): without a share, a flood from many
    /// addresses filled the queue ahead of every signed-in request (PostgreSQL, 400 connections
    /// of `POST /auth/password`: `GET /me` p99 267 ms).
    pub fn share(&self) -> &Semaphore {
        &self.share
    }

    /// Counts a request from `ip` (an IPv6 address by its /64, which one host usually holds
    /// whole); 429 once the address is over its rate, otherwise what is left of it. A request
    /// without an address is let by.
    pub fn check(&self, ip: Option<&str>, now: DateTime<Utc>) -> Result<Option<Quota>, ApiError> {
        let Some(ip) = ip.and_then(|ip| ip.parse::<IpAddr>().ok()) else { return Ok(None) };
        let key = match ip {
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
            IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().expect("checked above")),
            v4 => v4,
        };
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let (window, wait) = self.limit.admit(windows.get(&key).copied(), now);
        windows.put(key, window);
        drop(windows);
        match wait {
            Some(until) => Err(ApiError::TooManyRequests {
                retry_after_secs: (until - now).num_seconds().max(1),
                policy: self.limit.as_policy(),
            }),
            None => Ok(Some(Quota {
                name: self.limit.name,
                limit: self.limit.requests,
                window_secs: self.limit.window.num_seconds(),
                remaining: self.limit.requests - window.requests,
                reset_secs: (window.started + self.limit.window - now).num_seconds().max(0),
            })),
        }
    }
}

/// What is left of a client's request rate after an admitted request: sent as the `RateLimit`
/// headers on the answer (IETF draft-ietf-httpapi-ratelimit-headers), so a client sees how many
/// requests remain before a 429 does.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    name: &'static str,
    limit: i32,
    window_secs: i64,
    remaining: i32,
    reset_secs: i64,
}

impl Quota {
    /// `RateLimit-Policy` and `RateLimit`, as on a 429 of the same policy.
    pub fn headers(&self) -> [(&'static str, String); 2] {
        let Self { name, limit, window_secs, remaining, reset_secs } = *self;
        [
            ("ratelimit-policy", format!("\"{name}\";q={limit};w={window_secs}")),
            ("ratelimit", format!("\"{name}\";r={remaining};t={reset_secs}")),
        ]
    }
}
