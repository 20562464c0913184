//! Delivery of integrators' webhooks, run by the outbox worker beside its messages: due
//! deliveries are claimed (only the oldest pending one of each ticket per subscription, see
//! `persistence::webhooks::claim`), signed as Standard Webhooks asks at each attempt under the
//! subscription's secrets as of now, sent concurrently, and each attempt recorded with what it
//! settles (`clientdesk_app::webhooks::record`).

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use clientdesk_app::crypto::secrets::webhook_signature;
use clientdesk_app::webhooks::{self as use_case, DeliveryPolicy, Outcome};
use clientdesk_domain::webhooks::signing_secrets;
use clientdesk_persistence::webhooks::{self as store, AttemptRecord, Claimed};
use clientdesk_persistence::{write_tx, Db};
use tokio::task::JoinSet;

use crate::mail::SendError;
use crate::webhook::{StandardHeaders, Webhooks};

/// What a delivery needs from its subscription: where, whether the tenant allows its own
/// network, and the signatures of this attempt.
struct Target {
    url: String,
    allow_private: bool,
    signatures: String,
    timestamp: i64,
}

/// Claims one batch of due deliveries, sends it and records the outcomes; returns how many were
/// attempted.
pub async fn run_once<T: AsRef<Webhooks> + Send + Sync + 'static>(
    db: &Db,
    transports: &Arc<T>,
    policy: DeliveryPolicy,
    lease: chrono::Duration,
    batch: i64,
) -> anyhow::Result<usize> {
    let pool = db.clone();
    let claimed = tokio::task::spawn_blocking(move || store::claim(&mut pool.conn()?, Utc::now(), lease, batch))
        .await
        .context("the webhook claim task")?
        .context("claiming webhook deliveries")?;
    let attempted = claimed.len();
    let mut sending = JoinSet::new();
    for delivery in claimed {
        let (db, transports) = (db.clone(), transports.clone());
        sending.spawn(async move {
            let outcome = attempt(&db, (*transports).as_ref(), &delivery).await;
            (delivery, outcome)
        });
    }
    let mut outcomes = Vec::with_capacity(attempted);
    while let Some(done) = sending.join_next().await {
        // A panicked attempt leaves its delivery claimed: it comes due again after the lease.
        match done {
            Ok(outcome) => outcomes.push(outcome),
            Err(err) => tracing::error!(error = %err, "webhooks: a delivery panicked"),
        }
    }
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn()?;
        write_tx(&mut conn, |conn| {
            let now = Utc::now();
            for (delivery, outcome) in &outcomes {
                if use_case::record(conn, delivery, outcome, &policy, now)? {
                    tracing::warn!(
                        subscription = delivery.subscription_id,
                        "webhooks: endpoint disabled after a day of failures"
                    );
                }
            }
            Ok::<_, clientdesk_app::Error>(())
        })
    })
    .await
    .context("the webhook record task")?
    .map_err(|e| anyhow::anyhow!("recording webhook attempts: {e:?}"))?;
    Ok(attempted)
}

/// Loads the subscription's target and secrets and signs this attempt.
fn target(db: &Db, delivery: &Claimed) -> Result<Target, SendError> {
    let mut conn = db.conn().map_err(|e| SendError::transient(format!("the database: {e}")))?;
    let unloaded = |e: &dyn std::fmt::Debug| SendError::transient(format!("loading the subscription: {e:?}"));
    let secrets = store::secrets(&mut conn, delivery.subscription_id).map_err(|e| unloaded(&e))?;
    let url = store::get(&mut conn, secrets.tenant, delivery.subscription_id).map_err(|e| unloaded(&e))?.url;
    let allow_private = use_case::allows_private_targets(&mut conn, secrets.tenant).map_err(|e| unloaded(&e))?;
    let now = Utc::now();
    let timestamp = now.timestamp();
    let signatures = signing_secrets(&secrets.current, secrets.previous.as_deref(), secrets.previous_until, now)
        .into_iter()
        .map(|key| webhook_signature(key, &delivery.event_id, timestamp, &delivery.body))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| SendError::permanent("the subscription's secret is not a whsec_ secret"))?
        .join(" ");
    Ok(Target { url, allow_private, signatures, timestamp })
}

/// One attempt: signed at its own time, so a retry is never refused as stale and a rotation
/// counts at once.
async fn attempt(db: &Db, webhooks: &Webhooks, delivery: &Claimed) -> Outcome {
    let started = Instant::now();
    let at = Utc::now();
    let (db, claimed) = (db.clone(), delivery.clone());
    let target = match tokio::task::spawn_blocking(move || target(&db, &claimed)).await {
        Ok(target) => target,
        Err(e) => Err(SendError::transient(format!("the signing task: {e}"))),
    };
    let (status, result) = match target {
        Ok(t) => {
            let headers = StandardHeaders { id: &delivery.event_id, timestamp: t.timestamp, signatures: &t.signatures };
            webhooks.send_standard(&t.url, &headers, &delivery.body, t.allow_private).await
        }
        Err(refused) => (None, Err(refused)),
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (delivered, permanent, error) = match result {
        Ok(()) => (true, false, None),
        Err(e) => (false, e.permanent, Some(e.message)),
    };
    Outcome {
        record: AttemptRecord { at, response_status: status.map(i32::from), duration_ms, error },
        delivered,
        permanent,
    }
}
