//! The outbox: messages queued in the database are delivered by the worker that runs beside the
//! server (here to an in-process SMTP sink), retried with backoff, given up on after the last
//! attempt, and listed and retried by staff over HTTP.

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use chrono::Utc;
use clientdesk_devtools::smtp_sink::SmtpSink;
use clientdesk_domain::outbox::Channel;
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::{tenants, write_tx, Db};
use clientdesk_server::mail::{MailConfig, MailTransport, Mailer};
use clientdesk_server::outbox::{Transports, Worker, WorkerSettings};
use clientdesk_server::sms::{SmsGateway, SmsSender, SmsTransport};
use clientdesk_server::webhook::{self, Webhooks};
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, Backend, TestApp};
use crate::on_both;

const STAFF: &str = "admin@demo.example";

/// Polls `check` until it gives a value; fails after a generous deadline.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn message(tenant: clientdesk_domain::ids::TenantId, channel: Channel, n: usize) -> NewMessage {
    NewMessage {
        tenant_id: tenant,
        channel,
        recipient: format!("contact{n}@contoso.example"),
        subject: format!("Validation demandée n° {n} : redémarrage du serveur"),
        body: format!("Bonjour Anaïs,\n\nUne validation vous attend (n° {n}).\nÀ bientôt — l'équipe\n"),
        language: Some("fr".into()),
    }
}

/// Queues `count` messages of the demo tenant in one transaction, as the code that causes them
/// does; returns their ids.
pub async fn enqueue(db: &Db, channel: Channel, count: usize) -> Vec<i64> {
    enqueue_with(db, count, move |tenant, n| message(tenant, channel, n)).await
}

async fn enqueue_with(
    db: &Db,
    count: usize,
    make: impl Fn(clientdesk_domain::ids::TenantId, usize) -> NewMessage + Send + 'static,
) -> Vec<i64> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let tenant = tenants::find_by_slug(&mut conn, "demo").unwrap().id;
        write_tx(&mut conn, |conn| (0..count).map(|n| outbox::enqueue(conn, &make(tenant, n), Utc::now())).collect())
            .unwrap()
    })
    .await
    .unwrap()
}

/// The message as staff see it in `GET /api/v1/outbox`.
pub async fn listed(app: &TestApp, token: &str, id: i64) -> Value {
    let res = app.get("/api/v1/outbox?limit=200", token).await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().iter().find(|m| m["id"] == id).cloned().expect("the message is listed")
}

/// Waits until the message's status is `status`; returns it as listed.
pub async fn until_status(app: &TestApp, token: &str, id: i64, status: &str) -> Value {
    eventually(&format!("message {id} to be {status}"), || async {
        let m = listed(app, token, id).await;
        (m["status"] == status).then_some(m)
    })
    .await
}

pub async fn with_sink(
    backend: Backend,
    configure: impl FnOnce(&mut clientdesk_server::config::Config),
) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await.unwrap();
    let port = sink.port();
    let app = TestApp::spawn_with(backend, |config| {
        config.mail = MailConfig::plain_smtp("127.0.0.1", port);
        configure(config);
    })
    .await;
    (app, sink)
}

on_both!(delivers_utf8_mail_over_smtp, backend => |backend| async move {
    let (app, sink) = with_sink(backend, |_| {}).await;
    let token = app.token(STAFF).await;
    let id = enqueue(&app.state.db, Channel::Email, 1).await[0];

    let sent = until_status(&app, &token, id, "sent").await;
    assert_eq!(sent["attempts"], 1);
    assert!(sent["sent_at"].is_string() && sent["next_attempt_at"].is_null(), "{sent}");
    assert_eq!(sent["language"], "fr");
    assert_eq!(sent["channel"], "email");

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["contact0@contoso.example"]);
    assert_eq!(received[0].from, "clientdesk@localhost");
    let mail = mail_parser::MessageParser::default().parse(&received[0].data).expect("a parsable message");
    assert_eq!(mail.subject(), Some("Validation demandée n° 0 : redémarrage du serveur"));
    assert_eq!(mail.to().and_then(|a| a.first()).and_then(|a| a.address()), Some("contact0@contoso.example"));
    assert_eq!(mail.header_raw("Content-Language").map(str::trim), Some("fr"));
    let body = mail.body_text(0).expect("a text body");
    // lettre ends the DATA with an empty line of its own after the body's last line break.
    assert_eq!(
        body.replace("\r\n", "\n").trim_end(),
        "Bonjour Anaïs,\n\nUne validation vous attend (n° 0).\nÀ bientôt — l'équipe"
    );
    let content_type = mail.header_raw("Content-Type").unwrap_or_default().to_ascii_lowercase();
    assert!(content_type.contains("text/plain") && content_type.contains("utf-8"), "{content_type}");
});

on_both!(writes_eml_files_without_smtp, backend => |backend| async move {
    let dir = std::env::temp_dir().join(format!("clientdesk-mail-test-{}", unique_suffix()));
    let app = TestApp::spawn_with(backend, |config| config.mail.transport = MailTransport::Files(dir.clone())).await;
    let token = app.token(STAFF).await;
    let id = enqueue(&app.state.db, Channel::Email, 1).await[0];
    until_status(&app, &token, id, "sent").await;
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let mail = std::fs::read(&files[0]).unwrap();
    let mail = mail_parser::MessageParser::default().parse(&mail).unwrap();
    assert_eq!(mail.subject(), Some("Validation demandée n° 0 : redémarrage du serveur"));
});

fn unique_suffix() -> String {
    format!("{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or_default())
}

on_both!(transient_refusals_are_retried_until_delivered, backend => |backend| async move {
    let (app, sink) = with_sink(backend, |_| {}).await;
    sink.refuse_next(2);
    let token = app.token(STAFF).await;
    let id = enqueue(&app.state.db, Channel::Email, 1).await[0];

    let sent = until_status(&app, &token, id, "sent").await;
    assert_eq!(sent["attempts"], 3, "{sent}");
    assert!(sent["last_error"].as_str().unwrap().contains("451"), "{sent}");
    assert_eq!(sink.count(), 1);
});

on_both!(dead_after_max_attempts_then_staff_retry_delivers, backend => |backend| async move {
    let (app, sink) = with_sink(backend, |config| config.outbox.retry.max_attempts = 3).await;
    sink.refuse_next(usize::MAX);
    let token = app.token(STAFF).await;
    let id = enqueue(&app.state.db, Channel::Email, 1).await[0];

    let dead = until_status(&app, &token, id, "dead").await;
    assert_eq!(dead["attempts"], 3, "{dead}");
    assert!(dead["last_error"].as_str().unwrap().contains("451"), "{dead}");
    assert!(dead["next_attempt_at"].is_null() && dead["sent_at"].is_null(), "{dead}");
    let res = app.get("/api/v1/outbox?status=dead", &token).await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().iter().map(|m| m["id"].clone()).collect::<Vec<_>>(), [json!(id)]);
    let res = app.get("/api/v1/outbox?status=pending", &token).await;
    assert_eq!(res.json::<Value>().await.unwrap()["items"], json!([]));
    assert_eq!(sink.count(), 0);

    // Nobody outside the tenant's staff may revive it.
    let portal = app.token("pat.plus@demo.example").await;
    let retry = format!("/api/v1/outbox/{id}/retry");
    problem(app.post(&retry, Some(&portal), json!({})).await, 403).await;
    let other = app.other_tenant_admin().await;
    problem(app.post(&retry, Some(&other), json!({})).await, 404).await;
    assert_eq!(listed(&app, &token, id).await["status"], "dead");

    sink.refuse_next(0);
    let res = app.post(&retry, Some(&token), json!({})).await;
    assert_eq!(res.status(), 200);
    let revived: Value = res.json().await.unwrap();
    assert_eq!(revived["id"], id);
    assert_eq!(revived["status"], "pending");
    assert_eq!(revived["attempts"], 0);

    let sent = until_status(&app, &token, id, "sent").await;
    assert_eq!(sent["attempts"], 1, "{sent}");
    assert_eq!(sink.count(), 1);
    problem(app.post(&retry, Some(&token), json!({})).await, 409).await;
});

on_both!(unsignable_webhooks_and_unopenable_seals_are_dead_at_once, |app: TestApp| async move {
    let token = app.token(STAFF).await;
    // The demo tenant has no RMM integration: nothing to sign a webhook with.
    let webhook = enqueue_with(&app.state.db, 1, |tenant, n| NewMessage {
        recipient: "http://127.0.0.1:9/hook".into(),
        body: "{}".into(),
        ..message(tenant, Channel::Webhook, n)
    })
    .await[0];
    // Sealed under another server's key: no attempt will open it.
    let sealed = clientdesk_app::crypto::seal::Sealer::from_secret(&[7; 32]).seal("Your code is 123456");
    let sms = enqueue_with(&app.state.db, 1, move |tenant, n| NewMessage {
        recipient: "+41795551234".into(),
        body: sealed.clone(),
        ..message(tenant, Channel::Sms, n)
    })
    .await[0];
    let dead = until_status(&app, &token, webhook, "dead").await;
    assert_eq!(dead["attempts"], 1, "{dead}");
    assert_eq!(dead["last_error"], "the tenant has no RMM integration to sign the webhook with");
    let dead = until_status(&app, &token, sms, "dead").await;
    assert_eq!(dead["attempts"], 1, "{dead}");
    assert_eq!(dead["last_error"], "sealed with another key");
    assert_eq!(dead["body"], outbox::SEALED_BODY_REMOVED, "a dead sealed body is removed too");
    // Its secret is gone: a retry would send the placeholder, so it is refused and changes nothing.
    let res = app.post(&format!("/api/v1/outbox/{sms}/retry"), Some(&token), json!({})).await;
    let body = problem(res, 409).await;
    assert!(body["detail"].as_str().unwrap().contains("wiped"), "{body}");
    assert_eq!(listed(&app, &token, sms).await["status"], "dead");
    let res = app.get("/api/v1/outbox?channel=sms", &token).await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().iter().map(|m| m["id"].clone()).collect::<Vec<_>>(), [json!(sms)]);
});

on_both!(an_invalid_address_is_dead_at_once, |app: TestApp| async move {
    let token = app.token(STAFF).await;
    let id = enqueue_with(&app.state.db, 1, |tenant, n| NewMessage {
        recipient: "not an address".into(),
        ..message(tenant, Channel::Email, n)
    })
    .await[0];
    let dead = until_status(&app, &token, id, "dead").await;
    assert_eq!(dead["attempts"], 1, "a permanent failure is not retried: {dead}");
    assert!(dead["last_error"].as_str().unwrap().contains("is not an address"), "{dead}");
});

on_both!(outbox_is_for_staff_and_checks_its_input, backend => |backend| async move {
    // Without a worker, a queued message stays pending.
    let app = TestApp::spawn_with(backend, |config| config.outbox_worker = false).await;
    let token = app.token(STAFF).await;
    let pending = enqueue(&app.state.db, Channel::Sms, 1).await[0];
    let portal = app.token("pat.plus@demo.example").await;
    problem(app.get("/api/v1/outbox", &portal).await, 403).await;
    problem(app.post(&format!("/api/v1/outbox/{pending}/retry"), Some(&portal), json!({})).await, 403).await;
    let res = app.request(Method::GET, "/api/v1/outbox", None).send().await.unwrap();
    problem(res, 401).await;

    for (query, field) in [
        ("status=bogus", "status"),
        ("channel=fax", "channel"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=nonsense", "cursor"),
    ] {
        let body = problem(app.get(&format!("/api/v1/outbox?{query}"), &token).await, 422).await;
        assert!(crate::harness::fault(&body, field).is_some(), "{query}: {body}");
    }
    problem(app.post(&format!("/api/v1/outbox/{pending}/retry"), Some(&token), json!({})).await, 409).await;
    problem(app.post("/api/v1/outbox/999999/retry", Some(&token), json!({})).await, 404).await;
    problem(app.post("/api/v1/outbox/abc/retry", Some(&token), json!({})).await, 404).await;
    assert_eq!(listed(&app, &token, pending).await["status"], "pending");
});

on_both!(lists_newest_first_in_pages, |app: TestApp| async move {
    let token = app.token(STAFF).await;
    let ids = enqueue(&app.state.db, Channel::Email, 5).await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/outbox?channel=email&limit=2".to_owned();
    loop {
        let res = app.get(&path, &token).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|m| m["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/outbox?channel=email&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    assert_eq!(seen, newest_first);
    // Another tenant's staff see none of them.
    let other = app.other_tenant_admin().await;
    let res = app.get("/api/v1/outbox", &other).await;
    assert_eq!(res.json::<Value>().await.unwrap()["items"], json!([]));
});

/// Two workers with pools of their own (as two processes would have) drain one PostgreSQL
/// outbox concurrently: `FOR UPDATE SKIP LOCKED` must give each message to exactly one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgres_deliver_each_message_exactly_once() {
    const MESSAGES: usize = 1000;
    let mut url = String::new();
    let app = TestApp::spawn_with(Backend::Postgres, |config| {
        config.outbox_worker = false;
        url = config.database_url.clone();
    })
    .await;
    enqueue(&app.state.db, Channel::Email, MESSAGES).await;
    let sink = SmtpSink::start().await.unwrap();
    let client = webhook::http_client().unwrap();
    let transports = std::sync::Arc::new(Transports {
        mailer: Mailer::new(&MailConfig::plain_smtp("127.0.0.1", sink.port())).unwrap(),
        sms: SmsSender::new(
            &SmsTransport::Gateway(SmsGateway { url: "http://127.0.0.1:9/".into(), token: None }),
            client.clone(),
        )
        .unwrap(),
        webhooks: Webhooks::new(client).unwrap(),
        sealer: app.state.sealer.clone(),
    });
    let settings = WorkerSettings { poll: Duration::from_millis(20), batch: 8, ..WorkerSettings::default() };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let db = Db::connect(&url, 2).unwrap();
            tokio::spawn(Worker::new(db, transports.clone(), settings.clone()).run(stopped.clone()))
        })
        .collect();

    let db = app.state.db.clone();
    eventually("every message to be sent", || {
        let db = db.clone();
        async move {
            let sent = tokio::task::spawn_blocking(move || {
                let mut conn = db.conn().unwrap();
                let tenant = tenants::find_by_slug(&mut conn, "demo").unwrap().id;
                outbox::count(&mut conn, tenant, clientdesk_domain::outbox::Delivery::Sent).unwrap()
            })
            .await
            .unwrap();
            (sent == MESSAGES as i64).then_some(())
        }
    })
    .await;
    stop.send_replace(true);
    for worker in workers {
        worker.await.unwrap();
    }

    let received = sink.received();
    let recipients: HashSet<&str> = received.iter().map(|m| m.to[0].as_str()).collect();
    assert_eq!(recipients.len(), MESSAGES, "every message arrived");
    assert_eq!(received.len(), MESSAGES, "and none twice");
    let token = app.token(STAFF).await;
    let res = app.get("/api/v1/outbox?status=pending", &token).await;
    assert_eq!(res.json::<Value>().await.unwrap()["items"], json!([]));
    let res = app.get("/api/v1/outbox?status=dead", &token).await;
    assert_eq!(res.json::<Value>().await.unwrap()["items"], json!([]));
    // A message claimed by both workers would show two attempts even if sent once.
    let mut path = "/api/v1/outbox?status=sent&limit=200".to_owned();
    let mut sent = 0;
    loop {
        let page: Value = app.get(&path, &token).await.json().await.unwrap();
        for m in page["items"].as_array().unwrap() {
            assert_eq!(m["attempts"], 1, "{m}");
            sent += 1;
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/outbox?status=sent&limit=200&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(sent, MESSAGES);
}

/// The deterministic half of the test above: while one worker's claim is still uncommitted, a
/// second worker's claim on PostgreSQL skips the rows it holds, at once, instead of waiting for
/// them (and then taking them again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_on_postgres_skips_messages_another_claim_holds() {
    use diesel::connection::SimpleConnection;

    let app = TestApp::spawn_with(Backend::Postgres, |config| config.outbox_worker = false).await;
    let ids = enqueue(&app.state.db, Channel::Email, 20).await;
    let held: Vec<i64> = ids[..10].to_vec();
    let db = app.state.db.clone();
    let list = held.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut first = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        conn.batch_execute(&format!("BEGIN; UPDATE outbox SET attempts = attempts + 1 WHERE id IN ({list})")).unwrap();
        conn
    })
    .await
    .unwrap();

    let db = app.state.db.clone();
    let second = tokio::task::spawn_blocking(move || {
        outbox::claim(&mut db.conn().unwrap(), Utc::now(), chrono::Duration::minutes(5), 100).unwrap()
    });
    let claimed = tokio::time::timeout(Duration::from_secs(10), second)
        .await
        .expect("the second claim does not wait for the rows the first one holds")
        .unwrap();
    tokio::task::spawn_blocking(move || first.batch_execute("ROLLBACK").unwrap()).await.unwrap();

    let claimed: Vec<i64> = claimed.iter().map(|m| m.id).collect();
    assert_eq!(claimed, ids[10..], "only the messages nobody holds");
    assert!(claimed.iter().all(|id| !held.contains(id)));
}
