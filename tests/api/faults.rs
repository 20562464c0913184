//! Faults of the environment and of hostile or broken clients: the database stopping and
//! restarting, slow and oversized requests, too many connections, a stop under load. Each test is
//! bounded (under 30 s) and talks to 127.0.0.1 only. Tests that stop PostgreSQL do it on a cluster
//! of their own, never on the one the other tests share.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::pg::Cluster;

const STAFF: &str = "tech@demo.example";

/// A cluster of the test's own and an app on it.
async fn own_cluster() -> (Arc<Cluster>, TestApp) {
    let cluster =
        tokio::task::spawn_blocking(|| Cluster::create().expect("a PostgreSQL cluster of its own")).await.unwrap();
    let app = TestApp::spawn_on(&cluster.url, |config| config.pool_size = 4).await;
    (Arc::new(cluster), app)
}

/// Stops the cluster and starts it again.
async fn restart(cluster: &Arc<Cluster>) {
    let restarting = cluster.clone();
    blocking(move || {
        restarting.stop()?;
        restarting.start()
    })
    .await;
}

async fn blocking(f: impl FnOnce() -> Result<(), String> + Send + 'static) {
    tokio::task::spawn_blocking(f).await.unwrap().expect("pg_ctl");
}

/// A GET with its status and how long the answer took.
async fn timed_get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Duration, reqwest::Response) {
    let started = Instant::now();
    let res = app
        .request(reqwest::Method::GET, path, token)
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .expect("an answer");
    (res.status().as_u16(), started.elapsed(), res)
}

/// Readiness answers from a connection of its own within a second: 503 as soon as PostgreSQL is
/// down, 200 as soon as it is back; meanwhile other requests are answered 503 with
/// `Retry-After` at once instead of waiting for a connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_and_requests_answer_at_once_while_postgres_is_down() {
    let (cluster, app) = own_cluster().await;
    let token = app.token(STAFF).await;
    let (status, _, _) = timed_get(&app, "/health/ready", None).await;
    assert_eq!(status, 200);

    let stopping = cluster.clone();
    blocking(move || stopping.stop()).await;
    let (status, took, _) = timed_get(&app, "/health/ready", None).await;
    assert_eq!(status, 503, "readiness with PostgreSQL stopped");
    assert!(took < Duration::from_secs(1), "readiness took {took:?}");
    for round in 0..5 {
        let (status, took, res) = timed_get(&app, "/api/v1/companies", Some(&token)).await;
        assert!(took < Duration::from_millis(1500), "request {round} took {took:?}");
        assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned()), Some("1".into()));
        problem(res, 503).await;
        assert_eq!(status, 503);
    }

    let starting = cluster.clone();
    blocking(move || starting.start()).await;
    let (status, took, _) = timed_get(&app, "/health/ready", None).await;
    assert_eq!(status, 200, "readiness with PostgreSQL back");
    assert!(took < Duration::from_secs(1), "readiness took {took:?}");
    // Requests are served again within moments.
    let back = Instant::now();
    loop {
        let (status, _, _) = timed_get(&app, "/api/v1/companies", Some(&token)).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(back.elapsed() < Duration::from_secs(5), "still {status} 5 s after PostgreSQL came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A PostgreSQL restart under load kills every pooled connection: requests in the way are
/// answered 503 (never 500), and the pool replaces the dead connections without failing one
/// request per connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_under_load_never_answers_500() {
    let (cluster, app) = own_cluster().await;
    let token = app.token(STAFF).await;
    let writer = app.token("pat.user@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &writer, "Contoso Ltd").await;
    let app = std::sync::Arc::new(app);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Readers and writers: a write begins a transaction on its connection, a read does not.
    let load: Vec<_> = (0..4)
        .map(|worker| {
            let (app, token, writer, stop) = (app.clone(), token.clone(), writer.clone(), stop.clone());
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                // Bounded: at most a few thousand requests, until told to stop.
                for n in 0..20_000 {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let started = Instant::now();
                    let status = if worker % 2 == 0 {
                        timed_get(&app, "/api/v1/companies", Some(&token)).await.0
                    } else {
                        let body =
                            serde_json::json!({"title": format!("Printer {worker}-{n}"), "description": "Jammed."});
                        app.request(reqwest::Method::POST, &crate::tickets::company_tickets(contoso), Some(&writer))
                            .json(&body)
                            .timeout(Duration::from_secs(15))
                            .send()
                            .await
                            .expect("an answer")
                            .status()
                            .as_u16()
                    };
                    statuses.push((status, started.elapsed()));
                }
                statuses
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    restart(&cluster).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    // After the restart, the pool has recovered: the next requests succeed.
    let (status, _, _) = timed_get(&app, "/api/v1/companies", Some(&token)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut all = Vec::new();
    for task in load {
        all.extend(task.await.unwrap());
    }
    assert_eq!(status, 200, "2 s after the restart");
    let slowest = all.iter().map(|&(_, took)| took).max().unwrap_or_default();
    let all: Vec<u16> = all.into_iter().map(|(status, _)| status).collect();
    let count = |s: u16| all.iter().filter(|&&x| x == s).count();
    let others: Vec<_> = all.iter().filter(|s| ![200, 201, 503].contains(*s)).collect();
    assert!(
        others.is_empty(),
        "{} answers other than 200, 201 and 503: {:?}",
        others.len(),
        &others[..others.len().min(10)]
    );
    assert!(count(200) > 10 && count(201) > 10, "{} read, {} created", count(200), count(201));
    // The restart takes well under a second here; nothing waits for long behind it.
    assert!(slowest < Duration::from_secs(3), "the slowest request took {slowest:?}");
    eprintln!("restart under load: {} read, {} created, {} answered 503", count(200), count(201), count(503));
}

/// Readiness on SQLite answers from a connection of its own, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_on_sqlite_opens_its_own_connection() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, took, _) = timed_get(&app, "/health/ready", None).await;
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(1), "readiness took {took:?}");
}

/// A restart while the pool is idle leaves the pooled connections dead: a read or a creation that
/// finds one is answered 503 (never 500), the pool then tests and replaces the others before other
/// requests use them, and no request waits for a connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_while_idle_is_503_at_worst_and_recovers_at_once() {
    let (cluster, app) = own_cluster().await;
    let token = app.token(STAFF).await;
    let pat = app.token("pat.user@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    // Every pooled connection opened and used.
    let warm: Vec<_> = (0..8).map(|_| timed_get(&app, "/api/v1/companies", Some(&token))).collect();
    for (status, _, _) in futures_util::future::join_all(warm).await {
        assert_eq!(status, 200);
    }
    restart(&cluster).await;
    let mut statuses = Vec::new();
    for n in 0..20 {
        let started = Instant::now();
        let status = if n % 2 == 0 {
            let body = serde_json::json!({"title": format!("After the restart {n}"), "description": "x"});
            let res = app
                .request(reqwest::Method::POST, &crate::tickets::company_tickets(contoso), Some(&pat))
                .json(&body)
                .send()
                .await
                .unwrap();
            // Created counts as served.
            match res.status().as_u16() {
                201 => 200,
                other => other,
            }
        } else {
            timed_get(&app, "/api/v1/companies", Some(&token)).await.0
        };
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "a request after the restart took {took:?}");
        statuses.push(status);
    }
    let failed = statuses.iter().filter(|&&s| s != 200).count();
    assert!(statuses.iter().all(|s| [200, 503].contains(s)), "{statuses:?}");
    assert!(failed <= 2, "{failed} requests failed after the restart: {statuses:?}");
    assert!(statuses[2..].iter().all(|&s| s == 200), "{statuses:?}");
}

/// One HTTP/1.1 answer read off a raw connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// Header lines, lower-cased.
    headers: Vec<String>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}: ");
        self.headers.iter().find_map(|h| h.strip_prefix(&prefix))
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://")).await.expect("connects")
}

/// Reads one answer (head and a `Content-Length` body) within `wait`; `None` if the connection
/// closed or nothing complete came in time.
async fn read_answer(stream: &mut TcpStream, wait: Duration) -> Option<Answer> {
    let mut buffer = Vec::new();
    let read = async {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_string();
                let mut lines = head.split("\r\n");
                let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
                let headers: Vec<String> = lines.map(str::to_lowercase).collect();
                let length = headers
                    .iter()
                    .find_map(|h| h.strip_prefix("content-length: "))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap_or(0));
                if buffer.len() >= end + 4 + length {
                    let body = String::from_utf8_lossy(&buffer[end + 4..end + 4 + length]).to_string();
                    return Some(Answer { status, headers, body });
                }
            }
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(wait, read).await.ok().flatten()
}

/// Whether the server closed the connection (within `wait`).
async fn closed(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut chunk = [0u8; 1024];
    matches!(tokio::time::timeout(wait, stream.read(&mut chunk)).await, Ok(Ok(0)) | Ok(Err(_)))
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
}

// A request head past the documented limit (16 KiB) is refused with 431; one just under it is
// served.
on_both!(an_oversized_request_head_is_answered_431, |app: TestApp| async move {
    let mut stream = connect(&app).await;
    let filler = "a".repeat(64 * 1024);
    let request = format!("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: {filler}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(5)).await.expect("an answer to a 64 KiB head");
    assert_eq!(answer.status, 431, "{answer:?}");
    assert_eq!(answer.header("content-type"), Some("application/problem+json"));
    assert!(answer.body.contains("16384 bytes"), "{}", answer.body);
    assert_eq!(answer.header("connection"), Some("close"));

    let mut stream = connect(&app).await;
    let filler = "a".repeat(15 * 1024);
    let request = format!("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: {filler}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(5)).await.expect("an answer to a 15 KiB head");
    assert_eq!(answer.status, 200, "{answer:?}");
});

// A request that sends its head with a `Content-Length` and then stops is answered 408 once the
// request timeout has passed, and its connection closed.
on_both!(a_body_that_stops_half_way_is_answered_408, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.http.request_timeout = Duration::from_secs(2)).await;
    let mut stream = connect(&app).await;
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                Content-Length: 100\r\n\r\n{\"tenant\": \"demo\"";
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(8)).await.expect("an answer to a body that stopped");
    let took = started.elapsed();
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.header("content-type"), Some("application/problem+json"));
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_secs(5), "answered after {took:?}");
    assert!(closed(&mut stream, Duration::from_secs(3)).await, "the connection stays open");

    // A whole request in time is served as usual.
    let body = serde_json::json!({"tenant": "demo", "email": "nobody@demo.example", "password": "x"}).to_string();
    let res = app.client.post(app.url("/api/v1/auth/login")).header("content-type", "application/json").body(body).send().await.unwrap();
    assert_eq!(res.status(), 401);
});

// One client address may hold so many connections at once; the requests of the others are
// answered 429 and their connections closed, and a connection freed makes room again.
on_both!(connections_past_the_per_client_cap_are_refused, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.http.max_connections_per_client = 3).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = connect(&app).await;
        stream.write_all(get("/health/live").as_bytes()).await.unwrap();
        assert_eq!(read_answer(&mut stream, Duration::from_secs(5)).await.expect("served").status, 200);
        held.push(stream);
    }
    let mut extra = connect(&app).await;
    extra.write_all(get("/health/live").as_bytes()).await.unwrap();
    let answer = read_answer(&mut extra, Duration::from_secs(5)).await.expect("an answer past the cap");
    assert_eq!(answer.status, 429, "{answer:?}");
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert!(closed(&mut extra, Duration::from_secs(3)).await, "the extra connection stays open");

    drop(held.pop());
    // The server sees the close within moments.
    let mut served = false;
    for _ in 0..50 {
        let mut stream = connect(&app).await;
        stream.write_all(get("/health/live").as_bytes()).await.unwrap();
        if read_answer(&mut stream, Duration::from_secs(5)).await.expect("an answer").status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "no room after a connection closed");
});

// Told to stop, the server still answers the next request of its open keep-alive connections,
// with `Connection: close`, reports not ready meanwhile, and stops once they have closed.
on_both!(a_stop_answers_every_request_that_reached_the_server, |app: TestApp| async move {
    let mut streams = Vec::new();
    for _ in 0..16 {
        let mut stream = connect(&app).await;
        stream.write_all(get("/health/live").as_bytes()).await.unwrap();
        assert_eq!(read_answer(&mut stream, Duration::from_secs(5)).await.expect("served").status, 200);
        streams.push(stream);
    }
    // Idle keep-alive connections; each now sends its next request and the stop comes at once.
    app.stopper.stop();
    let started = Instant::now();
    // Sent once the stop has begun: the old behaviour closed idle connections here, unanswered.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for (n, stream) in streams.iter_mut().enumerate() {
        let path = if n % 2 == 0 { "/health/live" } else { "/health/ready" };
        stream.write_all(get(path).as_bytes()).await.unwrap();
    }
    for (n, stream) in streams.iter_mut().enumerate() {
        let answer =
            read_answer(stream, Duration::from_secs(5)).await.unwrap_or_else(|| panic!("request {n} got no answer"));
        // Readiness says 503 once the stop has begun, so that a load balancer looks elsewhere.
        let expected = if n % 2 == 0 { 200 } else { 503 };
        assert_eq!(answer.status, expected, "{answer:?}");
        assert_eq!(answer.header("connection"), Some("close"), "{answer:?}");
        assert!(closed(stream, Duration::from_secs(3)).await, "connection {n} stays open");
    }
    let served = app.served.lock().unwrap().take().expect("running");
    tokio::time::timeout(Duration::from_secs(5), served).await.expect("stopped once drained").unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    // Nothing is served any more.
    let after = TcpStream::connect(app.base.trim_start_matches("http://")).await;
    if let Ok(mut stream) = after {
        let _ = stream.write_all(get("/health/live").as_bytes()).await;
        assert!(read_answer(&mut stream, Duration::from_secs(1)).await.is_none());
    }
});

// A client holding a connection open past the grace period does not hold the stop: the server
// exits when the grace period ends.
on_both!(a_stop_ends_within_the_grace_period, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.shutdown_grace = Duration::from_secs(2)).await;
    let mut stream = connect(&app).await;
    // A whole request first, answered: the server holds the connection (under load, a connection
    // still in the accept queue when the stop begins is simply never served).
    stream.write_all(get("/health/live").as_bytes()).await.unwrap();
    read_answer(&mut stream, Duration::from_secs(5)).await.expect("the first request is answered");
    // Then half a head: the connection stays open until actix's head timeout (5 s).
    stream.write_all(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    app.stopper.stop();
    let served = app.served.lock().unwrap().take().expect("running");
    tokio::time::timeout(Duration::from_secs(6), served).await.expect("stopped within the grace period").unwrap().unwrap();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_secs(4), "stopped after {took:?}");
});

/// How many attempts the outbox counts for message `id`.
async fn attempts(app: &TestApp, id: i64) -> i32 {
    use clientdesk_persistence::schema::outbox;
    use diesel::prelude::*;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        outbox::table.find(id).select(outbox::attempts).first::<i32>(&mut *db.conn().unwrap()).unwrap()
    })
    .await
    .unwrap()
}

// A delivery slower than the outbox's lease keeps its message: the worker renews the lease while
// it delivers, so another worker (another process) does not take the message meanwhile.
on_both!(a_slow_delivery_keeps_its_outbox_lease, backend => |backend| async move {
    use clientdesk_persistence::outbox::{self, NewMessage};
    use clientdesk_server::outbox::{BatchReport, Worker, WorkerSettings};

    // An SMTP relay that accepts and then says nothing for 4 s before hanging up.
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = relay.local_addr().unwrap().port();
    tokio::spawn(async move {
        for _ in 0..20 {
            let Ok((stream, _)) = relay.accept().await else { return };
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(4)).await;
                drop(stream);
            });
        }
    });
    let lease = chrono::Duration::seconds(1);
    let mail = clientdesk_server::mail::MailConfig::plain_smtp("127.0.0.1", port);
    let app = TestApp::spawn_with(backend, |config| {
        config.mail = mail.clone();
        config.outbox.lease = lease;
    })
    .await;
    let db = app.state.db.clone();
    let id = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let tenant = clientdesk_persistence::tenants::find_by_slug(&mut conn, "demo").unwrap().id;
        let message = NewMessage {
            tenant_id: tenant,
            channel: clientdesk_domain::outbox::Channel::Email,
            recipient: "pat@contoso.example".into(),
            subject: "Slow relay".into(),
            body: "Hello".into(),
            language: None,
        };
        clientdesk_persistence::write_tx(&mut conn, |conn| outbox::enqueue(conn, &message, chrono::Utc::now())).unwrap()
    })
    .await
    .unwrap();
    let claimed = Instant::now();
    while attempts(&app, id).await == 0 {
        assert!(claimed.elapsed() < Duration::from_secs(5), "the worker never took the message");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let mut config = clientdesk_server::config::Config::for_tests("unused.db");
    config.mail = mail;
    let transports = std::sync::Arc::new(clientdesk_server::startup::transports(&config).unwrap());
    let other = Worker::new(app.state.db.clone(), transports, WorkerSettings { lease, ..WorkerSettings::default() });
    // Three leases long, while the first worker still waits for the relay.
    while claimed.elapsed() < Duration::from_secs(3) {
        assert_eq!(other.run_once().await.unwrap(), BatchReport::default(), "another worker took the message");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(attempts(&app, id).await, 1);
});

// A process killed while it held an Idempotency-Key leaves its claim unanswered: a retry is 409
// until the claim's lease (renewed only by a live holder) has run out, then takes it over and
// creates the ticket once; later retries replay that answer.
on_both!(an_idempotency_claim_left_by_a_dead_process_is_taken_over, backend => |backend| async move {
    use clientdesk_persistence::schema::idempotency_keys as keys;
    use diesel::prelude::*;

    let app = TestApp::spawn_with(backend, |config| config.http.idempotency_lease = chrono::Duration::seconds(2)).await;
    let pat = app.token("pat.user@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let body = serde_json::json!({"title": "Monitor flickers", "description": "Since Monday."});
    let post = |key: &'static str| {
        app.request(reqwest::Method::POST, &crate::tickets::company_tickets(contoso), Some(&pat))
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    assert_eq!(post("first").await.unwrap().status(), 201);
    // The claim a killed process leaves: the same request, taken just now, never answered.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let (user, hash): (i64, String) = keys::table
            .filter(keys::idempotency_key.eq("first"))
            .select((keys::user_id, keys::request_hash))
            .first(&mut *conn)
            .unwrap();
        diesel::insert_into(keys::table)
            .values((
                keys::user_id.eq(user),
                keys::idempotency_key.eq("killed"),
                keys::request_hash.eq(hash),
                keys::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();

    let started = Instant::now();
    assert_eq!(post("killed").await.unwrap().status(), 409, "the claim is fresh");
    let created = loop {
        let res = post("killed").await.unwrap();
        if res.status() == 201 {
            break res.json::<serde_json::Value>().await.unwrap();
        }
        assert_eq!(res.status(), 409);
        assert!(started.elapsed() < Duration::from_secs(5), "still 409 after {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(started.elapsed() >= Duration::from_millis(1500), "taken over after {:?}", started.elapsed());
    let replayed = post("killed").await.unwrap();
    assert_eq!(replayed.status(), 201);
    assert_eq!(replayed.json::<serde_json::Value>().await.unwrap()["id"], created["id"]);
    let titles = crate::tickets::titles(app.get(&crate::tickets::company_tickets(contoso), &pat).await).await;
    assert_eq!(titles.iter().filter(|t| *t == "Monitor flickers").count(), 2, "one ticket per key");
});
