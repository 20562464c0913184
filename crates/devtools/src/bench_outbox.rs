//! `clientdesk-dev bench-outbox`: how many e-mails a second the outbox delivers. Queues messages in
//! the demo tenant, starts the SMTP sink in-process and workers pointed at it, and reports the
//! rate until every message is sent. Not for production use.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use clientdesk_domain::outbox::{Channel, Delivery};
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::{tenants, write_tx, Db};
use tokio::sync::watch;

use clientdesk_server::config::Config;
use clientdesk_server::mail::MailConfig;
use clientdesk_server::outbox::{Worker, WorkerSettings};
use clientdesk_server::{seed, startup};

use crate::smtp_sink::SmtpSink;

/// Messages inserted per transaction while queueing.
const QUEUE_CHUNK: usize = 1000;

pub async fn run(config: &Config, messages: usize, workers: usize) -> anyhow::Result<()> {
    let state = startup::state(config)?;
    let (db, hasher) = (state.db.clone(), state.hasher.clone());
    let tenant = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        seed::demo(&db, &hasher)?;
        let mut conn = db.conn()?;
        let tenant = tenants::find_by_slug(&mut conn, seed::DEMO_TENANT).context("the demo tenant")?;
        let started = Instant::now();
        for chunk in (0..messages).collect::<Vec<_>>().chunks(QUEUE_CHUNK) {
            write_tx(&mut conn, |conn| {
                chunk.iter().try_for_each(|n| {
                    let message = NewMessage {
                        tenant_id: tenant.id,
                        channel: Channel::Email,
                        recipient: format!("contact{n}@bench.example"),
                        subject: format!("Ticket #{n} was updated"),
                        body: format!("Bonjour,\n\nLe ticket #{n} a été mis à jour.\n\n— Le service desk\n"),
                        language: Some("fr".into()),
                    };
                    outbox::enqueue(conn, &message, Utc::now()).map(drop)
                })
            })?;
        }
        eprintln!("queued {messages} messages in {:.1} s", started.elapsed().as_secs_f64());
        Ok(tenant.id)
    })
    .await??;

    let sink = SmtpSink::start().await.context("starting the SMTP sink")?;
    let config = Config { mail: MailConfig::plain_smtp("127.0.0.1", sink.port()), ..config.clone() };
    let transports = Arc::new(startup::transports(&config)?);
    let settings = WorkerSettings { poll: Duration::from_millis(10), ..config.outbox.clone() };
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let mut running = Vec::new();
    for _ in 0..workers {
        // Each worker has its own pool, as a separate process would.
        let db = Db::connect(&config.database_url, 2)?;
        running.push(tokio::spawn(Worker::new(db, transports.clone(), settings.clone()).run(stopped.clone())));
    }
    let db = state.db.clone();
    let mut reported = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let db = db.clone();
        let pending =
            tokio::task::spawn_blocking(move || outbox::count(&mut *db.conn()?, tenant, Delivery::Pending)).await??;
        if pending == 0 {
            break;
        }
        if reported.elapsed() >= Duration::from_secs(1) {
            reported = Instant::now();
            let (received, elapsed) = (sink.count(), started.elapsed().as_secs_f64());
            eprintln!("{received} received, {pending} pending: {:.0} messages/s", received as f64 / elapsed);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    stop.send_replace(true);
    for worker in running {
        worker.await?;
    }
    println!(
        "bench-outbox: {} messages delivered by {workers} worker(s) in {elapsed:.2} s: {:.0} messages/s",
        sink.count(),
        sink.count() as f64 / elapsed
    );
    Ok(())
}
