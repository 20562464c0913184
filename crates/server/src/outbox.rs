//! The outbox worker: takes due messages in batches, delivers each batch concurrently, and
//! records the outcomes, with exponential backoff and a dead state after the last attempt.
//!
//! Sealed bodies (a temporary password) are opened just before they are sent and removed once
//! their message is sent or dead. A `device_action` webhook moves its action: dispatched when
//! the RMM took it, failed when it could not be delivered; and each loop stores `expired` on
//! actions whose time ran out. Every `sweep_every` it also removes rows that can no longer be
//! used (expired codes, decision links and nonces, idle throttle counters).
//!
//! Any number of workers, in any number of processes, may share one database: a claim moves its
//! messages out of the others' reach for a lease (see `persistence::outbox::claim`), renewed every
//! third of the lease while the worker delivers them, so a slow delivery keeps its messages and a
//! worker that dies mid-batch only delays its messages until the short lease ends (30 s).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use clientdesk_app::crypto::seal::Sealer;
use clientdesk_app::webhooks::DeliveryPolicy;
use clientdesk_domain::outbox::{Channel, RetryPolicy};
use clientdesk_domain::rmm::ActionStatus;
use clientdesk_persistence::outbox::{self, Claimed};
use clientdesk_persistence::sweep::{self, Swept};
use clientdesk_persistence::{actions, rmm, write_tx, Db};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::mail::{Email, Mailer, SendError};
use crate::sms::SmsSender;
use crate::webhook::Webhooks;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub retry: RetryPolicy,
    /// How long to wait before looking again when nothing was due.
    pub poll: Duration,
    /// Messages taken, and sent concurrently, at a time.
    pub batch: i64,
    /// How long claimed messages stay out of other workers' reach unless renewed: the delay
    /// before another worker retries the batch of a worker that died. Renewed every third of it
    /// while the batch is delivered.
    pub lease: chrono::Duration,
    /// How often expired rows are swept (see `persistence::sweep`).
    pub sweep_every: Duration,
    /// How integrators' webhooks are retried and when a failing endpoint is disabled.
    pub webhooks: DeliveryPolicy,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            poll: Duration::from_secs(1),
            batch: 32,
            lease: chrono::Duration::seconds(30),
            sweep_every: Duration::from_secs(600),
            webhooks: DeliveryPolicy::default(),
        }
    }
}

/// Renews the lease of a batch's messages every third of the lease until `delivered`.
async fn keep_leased(
    db: Db,
    ids: Vec<i64>,
    lease: chrono::Duration,
    mut delivered: tokio::sync::oneshot::Receiver<()>,
) {
    let every = (lease / 3).to_std().unwrap_or(Duration::from_secs(1)).max(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = &mut delivered => return,
            _ = tokio::time::sleep(every) => {}
        }
        let (db, ids) = (db.clone(), ids.clone());
        let renewed = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            write_tx(&mut conn, |conn| outbox::renew(conn, &ids, Utc::now() + lease))
        })
        .await;
        match renewed {
            Ok(Ok(_)) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "outbox worker: renewing a batch's lease failed"),
            Err(err) => tracing::warn!(error = %err, "outbox worker: the lease renewal task failed"),
        }
    }
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub sent: usize,
    pub failed: usize,
}

/// How messages travel, by channel.
pub struct Transports {
    pub mailer: Mailer,
    pub sms: SmsSender,
    pub webhooks: Webhooks,
    /// Opens sealed bodies just before they are sent.
    pub sealer: Sealer,
}

impl AsRef<Webhooks> for Transports {
    fn as_ref(&self) -> &Webhooks {
        &self.webhooks
    }
}

pub struct Worker {
    db: Db,
    transports: Arc<Transports>,
    settings: WorkerSettings,
}

/// One delivery attempt, as the outcome transaction needs it.
struct Attempt {
    message: Claimed,
    result: Result<(), SendError>,
    /// The self-service action a `device_action` webhook carries.
    action: Option<i64>,
}

/// An action's result is shown to its user; the callback keeps as many characters.
const MAX_RESULT_CHARS: usize = 1000;

impl Worker {
    pub fn new(db: Db, transports: Arc<Transports>, settings: WorkerSettings) -> Self {
        Self { db, transports, settings }
    }

    /// Delivers until `stop` turns true (or its sender is dropped); the batch under way is
    /// finished and recorded first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(
            batch = self.settings.batch,
            poll_ms = self.settings.poll.as_millis() as u64,
            "outbox worker started"
        );
        let mut last_sweep: Option<std::time::Instant> = None;
        while !*stop.borrow() {
            if last_sweep.is_none_or(|at| at.elapsed() >= self.settings.sweep_every) {
                last_sweep = Some(std::time::Instant::now());
                if let Err(err) = self.sweep().await {
                    tracing::error!(error = format!("{err:#}"), "outbox worker: sweeping expired rows failed");
                }
                if let Err(err) = self.announce_expiries().await {
                    tracing::error!(error = format!("{err:#}"), "outbox worker: announcing expiries failed");
                }
            }
            if let Err(err) = self.expire_actions().await {
                tracing::error!(error = format!("{err:#}"), "outbox worker: expiring actions failed");
            }
            let busy = match self.run_once().await {
                Ok(report) => report.sent + report.failed > 0,
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "outbox worker: a batch failed");
                    false
                }
            };
            let busy = busy
                || match self.deliver_webhooks().await {
                    Ok(attempted) => attempted > 0,
                    Err(err) => {
                        tracing::error!(error = format!("{err:#}"), "outbox worker: a webhook batch failed");
                        false
                    }
                };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.poll) => {}
                    changed = stop.changed() => if changed.is_err() { break },
                }
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// Removes expired codes, decision links and nonces, idle throttle counters and sign-in log
    /// entries past its 30 days.
    pub async fn sweep(&self) -> anyhow::Result<Swept> {
        let db = self.db.clone();
        let swept = tokio::task::spawn_blocking(move || sweep::expired(&mut db.conn()?, Utc::now()))
            .await
            .context("the sweep task")?
            .context("sweeping expired rows")?;
        if swept.total() > 0 {
            tracing::info!(?swept, "expired rows swept");
        }
        Ok(swept)
    }

    /// Tells companies' approvers of warranties and licences about to end (once each).
    pub async fn announce_expiries(&self) -> anyhow::Result<usize> {
        let db = self.db.clone();
        let announced = tokio::task::spawn_blocking(move || {
            let now = Utc::now();
            clientdesk_app::system_info::announce_expiries(&mut db.conn()?, now.date_naive(), now)
                .map_err(|e| anyhow::anyhow!("{e:?}"))
        })
        .await
        .context("the expiry announcement task")??;
        if announced > 0 {
            tracing::info!(announced, "warranty and licence expiries announced");
        }
        Ok(announced)
    }

    /// Stores `expired` on self-service actions whose time ran out; returns how many.
    pub async fn expire_actions(&self) -> anyhow::Result<usize> {
        let db = self.db.clone();
        let expired = tokio::task::spawn_blocking(move || actions::expire_due(&mut db.conn()?, Utc::now()))
            .await
            .context("the expiry task")?
            .context("expiring actions")?;
        if expired > 0 {
            tracing::info!(expired, "self-service actions expired without a result");
        }
        Ok(expired)
    }

    /// Claims one batch of due webhook deliveries to integrators, sends it and records each
    /// attempt (see `crate::deliveries`); returns how many were attempted.
    pub async fn deliver_webhooks(&self) -> anyhow::Result<usize> {
        let s = &self.settings;
        crate::deliveries::run_once(&self.db, &self.transports, s.webhooks, s.lease, s.batch).await
    }

    /// Claims one batch of due messages, delivers it and records the outcomes.
    pub async fn run_once(&self) -> anyhow::Result<BatchReport> {
        let (db, lease, batch) = (self.db.clone(), self.settings.lease, self.settings.batch);
        let claimed = tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            outbox::claim(&mut conn, Utc::now(), lease, batch)
        })
        .await
        .context("the claim task")?
        .context("claiming outbox messages")?;
        if claimed.is_empty() {
            return Ok(BatchReport::default());
        }
        let (delivered, renewing) = tokio::sync::oneshot::channel();
        let ids = claimed.iter().map(|m| m.id).collect();
        let renewal = tokio::spawn(keep_leased(self.db.clone(), ids, lease, renewing));
        let mut deliveries = JoinSet::new();
        for message in claimed {
            let (transports, db) = (self.transports.clone(), self.db.clone());
            deliveries.spawn(async move {
                let (result, action) = deliver(&transports, &db, &message).await;
                Attempt { message, result, action }
            });
        }
        let mut outcomes = Vec::with_capacity(deliveries.len());
        while let Some(done) = deliveries.join_next().await {
            // A panicked delivery leaves its message claimed: it comes due again after the lease.
            match done {
                Ok(outcome) => outcomes.push(outcome),
                Err(err) => tracing::error!(error = %err, "outbox worker: a delivery panicked"),
            }
        }
        // No renewal may land after the outcomes (a retry's time) are recorded.
        let _ = delivered.send(());
        let _ = renewal.await;
        self.record(outcomes).await
    }

    /// Stores every outcome of a batch in one transaction, with what each one settles: the
    /// action a webhook carried, and the removal of a sealed body sent or given up.
    async fn record(&self, outcomes: Vec<Attempt>) -> anyhow::Result<BatchReport> {
        let (db, retry) = (self.db.clone(), self.settings.retry);
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            let now = Utc::now();
            write_tx(&mut conn, |conn| {
                let mut report = BatchReport::default();
                for Attempt { message, result, action } in &outcomes {
                    let (id, channel, attempt) = (message.id, message.channel.as_str(), message.attempts);
                    let settled = match result {
                        Ok(()) => {
                            outbox::mark_sent(conn, id, now)?;
                            if let Some(action) = *action {
                                actions::mark_dispatched(conn, action, now)?;
                            }
                            report.sent += 1;
                            tracing::debug!(id, channel, attempt, "outbox: delivered");
                            true
                        }
                        Err(err) => {
                            let retry_at = if err.permanent { None } else { retry.retry_at(attempt, now) };
                            outbox::mark_failed(conn, id, &err.message, retry_at)?;
                            if let (Some(action), None) = (*action, retry_at) {
                                let why: String = format!("The RMM could not be reached: {}", err.message)
                                    .chars()
                                    .take(MAX_RESULT_CHARS)
                                    .collect();
                                actions::finish_action(conn, action, ActionStatus::Failed, Some(&why), now)?;
                            }
                            report.failed += 1;
                            match retry_at {
                                Some(at) => {
                                    tracing::warn!(id, channel, attempt, error = %err.message, retry_at = %at, "outbox: delivery failed")
                                }
                                None => {
                                    tracing::error!(id, channel, attempt, error = %err.message, "outbox: delivery failed for good; message is dead")
                                }
                            }
                            retry_at.is_none()
                        }
                    };
                    if settled && Sealer::is_sealed(&message.body) {
                        outbox::remove_body(conn, id)?;
                    }
                }
                Ok::<_, clientdesk_persistence::Error>(report)
            })
        })
        .await
        .context("the record task")?
        .context("recording outbox outcomes")
    }
}

/// Sends one message by its channel; also returns the action a `device_action` webhook carries.
async fn deliver(transports: &Transports, db: &Db, message: &Claimed) -> (Result<(), SendError>, Option<i64>) {
    if message.body == outbox::SEALED_BODY_REMOVED {
        let removed = "its sealed content was removed after an earlier delivery: it cannot be sent again";
        return (Err(SendError::permanent(removed)), None);
    }
    let Some(body) = transports.sealer.open(&message.body) else {
        // The server's signing key changed since it was queued: no attempt will open it.
        return (Err(SendError::permanent("sealed with another key")), None);
    };
    match message.channel {
        Channel::Email => {
            let email = Email {
                to: &message.recipient,
                subject: &message.subject,
                body: &body,
                language: message.language.as_deref(),
            };
            (transports.mailer.send(email).await, None)
        }
        Channel::Sms => (transports.sms.send(&message.recipient, &body).await, None),
        Channel::Webhook => {
            let action = device_action(&body);
            (send_webhook(transports, db, message, &body, action).await, action)
        }
    }
}

/// The id of the action a `device_action` webhook carries.
fn device_action(body: &str) -> Option<i64> {
    let payload: serde_json::Value = serde_json::from_str(body).ok()?;
    if payload["event"] != "device_action" {
        return None;
    }
    payload["action"]["id"].as_i64()
}

/// Signs under the tenant's secret as of now: a rotation since the message was queued counts. The
/// action it carries must still be open: an RMM that was down for a while must not restart a
/// computer long after its user gave up waiting (and could not report the result anyway).
async fn send_webhook(
    transports: &Transports,
    db: &Db,
    message: &Claimed,
    body: &str,
    action: Option<i64>,
) -> Result<(), SendError> {
    let (db, tenant) = (db.clone(), message.tenant_id);
    let loaded = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn()?;
        let integration = rmm::integration_of(&mut conn, tenant)?;
        let action = action.map(|id| actions::action_anywhere(&mut conn, id)).transpose()?;
        Ok::<_, clientdesk_persistence::Error>((integration, action))
    })
    .await;
    let (integration, action) = match loaded {
        Ok(Ok(loaded)) => loaded,
        Ok(Err(e)) => return Err(SendError::transient(format!("loading the RMM integration: {e}"))),
        Err(e) => return Err(SendError::transient(format!("the RMM integration task: {e}"))),
    };
    if let Some(action) = action.filter(|a| !a.status(Utc::now()).is_open()) {
        let status = action.status(Utc::now()).as_str();
        return Err(SendError::permanent(format!("not sent: the action is {status} already")));
    }
    let allow_private = integration.as_ref().is_some_and(|i| i.allow_private_targets);
    let secret = match integration {
        None => return Err(SendError::permanent("the tenant has no RMM integration to sign the webhook with")),
        Some(i) if !i.enabled => return Err(SendError::permanent("the tenant's RMM integration is switched off")),
        Some(i) if i.secret.is_empty() => {
            return Err(SendError::permanent("the tenant's RMM integration has no secret to sign the webhook with"))
        }
        Some(i) => i.secret,
    };
    transports.webhooks.send(&message.recipient, &secret, body, allow_private).await
}
