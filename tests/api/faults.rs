//! Faults of the environment and of hostile or broken clients: the database stopping and
//! restarting, slow and oversized requests, too many connections, a stop under load. Each test is
//! bounded (under 30 s) and talks to 127.0.0.1 only. Tests that stop PostgreSQL do it on a cluster
//! of their own, never on the one the other tests share.

use std::time::{Duration, Instant};

use crate::harness::{problem, Backend, TestApp};
use crate::pg::Cluster;

const STAFF: &str = "tech@demo.example";

/// A cluster of the test's own and an app on it.
async fn own_cluster() -> (Cluster, TestApp) {
    let cluster =
        tokio::task::spawn_blocking(|| Cluster::create().expect("a PostgreSQL cluster of its own")).await.unwrap();
    let app = TestApp::spawn_on(&cluster.url, |config| config.pool_size = 4).await;
    (cluster, app)
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
    let cluster = std::sync::Arc::new(cluster);

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
    let cluster = std::sync::Arc::new(cluster);
    let restarting = cluster.clone();
    blocking(move || {
        restarting.stop()?;
        restarting.start()
    })
    .await;
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

/// A restart while the pool is idle leaves every pooled connection dead: the first request to
/// find one is answered 503 (never 500), and the pool tests and replaces the others before any
/// other request uses them; no request waits for a connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_while_idle_costs_at_most_one_request() {
    let (cluster, app) = own_cluster().await;
    let token = app.token(STAFF).await;
    // Every pooled connection opened and used.
    let warm: Vec<_> = (0..8).map(|_| timed_get(&app, "/api/v1/companies", Some(&token))).collect();
    for (status, _, _) in futures_util::future::join_all(warm).await {
        assert_eq!(status, 200);
    }
    let cluster = std::sync::Arc::new(cluster);
    let restarting = cluster.clone();
    blocking(move || {
        restarting.stop()?;
        restarting.start()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let (status, took, _) = timed_get(&app, "/api/v1/companies", Some(&token)).await;
        assert!(took < Duration::from_secs(1), "a request after the restart took {took:?}");
        statuses.push(status);
    }
    let failed = statuses.iter().filter(|&&s| s != 200).count();
    assert!(statuses.iter().all(|s| [200, 503].contains(s)), "{statuses:?}");
    assert!(failed <= 1, "{failed} requests failed after the restart: {statuses:?}");
}
