//! Secrets in flight: the outbox never shows a usable secret, decision links and agent codes are
//! throttled and kept out of logs, and webhooks reach only the targets a tenant allows.
