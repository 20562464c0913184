//! The outbox worker: takes due messages in batches, delivers each batch concurrently, and
//! records the outcomes, with exponential backoff and a dead state after the last attempt.
//!
//! Any number of workers, in any number of processes, may share one database: a claim moves its
//! messages out of the others' reach for a lease (see `persistence::outbox::claim`), and a worker
//! that dies mid-batch only delays its messages until the lease ends.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use clientdesk_domain::outbox::{Channel, RetryPolicy};
use clientdesk_persistence::outbox::{self, Claimed};
use clientdesk_persistence::{write_tx, Db};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::mail::{Email, Mailer, SendError};

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub retry: RetryPolicy,
    /// How long to wait before looking again when nothing was due.
    pub poll: Duration,
    /// Messages taken, and sent concurrently, at a time.
    pub batch: i64,
    /// How long claimed messages stay out of other workers' reach; it must outlast a delivery.
    pub lease: chrono::Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            poll: Duration::from_secs(1),
            batch: 32,
            lease: chrono::Duration::minutes(5),
        }
    }
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub sent: usize,
    pub failed: usize,
}

pub struct Worker {
    db: Db,
    mailer: Arc<Mailer>,
    settings: WorkerSettings,
}

impl Worker {
    pub fn new(db: Db, mailer: Arc<Mailer>, settings: WorkerSettings) -> Self {
        Self { db, mailer, settings }
    }

    /// Delivers until `stop` turns true (or its sender is dropped); the batch under way is
    /// finished and recorded first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(
            batch = self.settings.batch,
            poll_ms = self.settings.poll.as_millis() as u64,
            "outbox worker started"
        );
        while !*stop.borrow() {
            let busy = match self.run_once().await {
                Ok(report) => report.sent + report.failed > 0,
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "outbox worker: a batch failed");
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
        let mut deliveries = JoinSet::new();
        for message in claimed {
            let mailer = self.mailer.clone();
            deliveries.spawn(async move {
                let outcome = deliver(&mailer, &message).await;
                (message, outcome)
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
        self.record(outcomes).await
    }

    /// Stores every outcome of a batch in one transaction.
    async fn record(&self, outcomes: Vec<(Claimed, Result<(), SendError>)>) -> anyhow::Result<BatchReport> {
        let (db, retry) = (self.db.clone(), self.settings.retry);
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            let now = Utc::now();
            write_tx(&mut conn, |conn| {
                let mut report = BatchReport::default();
                for (message, outcome) in &outcomes {
                    let (id, channel, attempt) = (message.id, message.channel.as_str(), message.attempts);
                    match outcome {
                        Ok(()) => {
                            outbox::mark_sent(conn, id, now)?;
                            report.sent += 1;
                            tracing::debug!(id, channel, attempt, "outbox: delivered");
                        }
                        Err(err) => {
                            let retry_at = if err.permanent { None } else { retry.retry_at(attempt, now) };
                            outbox::mark_failed(conn, id, &err.message, retry_at)?;
                            report.failed += 1;
                            match retry_at {
                                Some(at) => {
                                    tracing::warn!(id, channel, attempt, error = %err.message, retry_at = %at, "outbox: delivery failed")
                                }
                                None => {
                                    tracing::error!(id, channel, attempt, error = %err.message, "outbox: delivery failed for good; message is dead")
                                }
                            }
                        }
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

/// Sends one message by its channel.
async fn deliver(mailer: &Mailer, message: &Claimed) -> Result<(), SendError> {
    match message.channel {
        Channel::Email => {
            let email = Email {
                to: &message.recipient,
                subject: &message.subject,
                body: &message.body,
                language: message.language.as_deref(),
            };
            mailer.send(email).await
        }
        // Issue 6 brings their transports; until then they wait and retry like any failure, so
        // nothing queued is lost.
        Channel::Sms | Channel::Webhook => {
            Err(SendError::transient(format!("no {} transport is configured yet", message.channel.as_str())))
        }
    }
}
