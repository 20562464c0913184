//! Faults of a whole server process: SIGTERM and kill -9 delivered to a real process under load.
//! The process is this test binary run again with only `child_server`, which serves the parent's
//! database with the parent's signing key and stops on the signals `clientdesk serve` stops on.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use clientdesk_server::config::Config;
use clientdesk_server::startup::{self, Application};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::harness::TestApp;
use crate::on_both;

const DATABASE: &str = "CLIENTDESK_TEST_CHILD_DATABASE_URL";
const KEY: &str = "CLIENTDESK_TEST_CHILD_SIGNING_KEY";
const PORT_FILE: &str = "CLIENTDESK_TEST_CHILD_PORT_FILE";
/// How long a claimed Idempotency-Key waits for a holder that has stopped renewing it.
const LEASE_SECONDS: i64 = 2;

/// Not a test of its own: the server process the tests below start. Without their environment
/// it returns at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the server process that the process tests start"]
async fn child_server() {
    let Ok(url) = std::env::var(DATABASE) else { return };
    let mut config = Config::for_tests(&url);
    let key = base64::engine::general_purpose::STANDARD.decode(std::env::var(KEY).unwrap()).unwrap();
    config.signing_keys[0].secret = key;
    config.http.idempotency_lease = chrono::Duration::seconds(LEASE_SECONDS);
    let app = Application::build(&config).expect("the child server starts");
    let stopper = app.stopper();
    tokio::spawn(async move {
        startup::shutdown_signal().await.expect("stop signals");
        stopper.stop();
    });
    let port_file = PathBuf::from(std::env::var(PORT_FILE).unwrap());
    std::fs::write(port_file.with_extension("tmp"), app.port().to_string()).unwrap();
    std::fs::rename(port_file.with_extension("tmp"), &port_file).unwrap();
    app.run_until_stopped().await.expect("the child server runs");
}

/// A server process on the parent's database; killed when dropped.
struct ChildServer {
    child: Child,
    address: String,
}

impl ChildServer {
    async fn start(parent: &TestApp) -> Self {
        let port_file = std::env::temp_dir().join(format!(
            "clientdesk-child-{}-{}.port",
            std::process::id(),
            CHILDREN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let key = base64::engine::general_purpose::STANDARD.encode(&parent.config().signing_keys[0].secret);
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["processes::child_server", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(DATABASE, &parent.config().database_url)
            .env(KEY, key)
            .env(PORT_FILE, &port_file)
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the test binary runs again");
        let started = Instant::now();
        let port = loop {
            if let Ok(port) = std::fs::read_to_string(&port_file) {
                break port;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the child server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let _ = std::fs::remove_file(&port_file);
        Self { child, address: format!("127.0.0.1:{port}") }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Waits until the process has exited; its exit status.
    async fn exited(&mut self, within: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(within, self.child.wait()).await.expect("the process exits in time").unwrap()
    }
}

/// Names the port files of the child servers of this test process apart.
static CHILDREN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A ticket creation for `key`, as its client would send it.
fn creation(key: &str) -> Value {
    json!({"title": format!("Process fault {key}"), "description": "Sent while the server process stopped."})
}

/// Sends one raw HTTP/1.1 request on a kept-alive connection and reads one answer: its status, or
/// `None` when the connection ended without one.
async fn exchange(stream: &mut TcpStream, request: &str) -> Option<u16> {
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let length: usize = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                return head.split(' ').nth(1)?.parse().ok();
            }
        }
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => received.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    }
}

fn raw_post(path: &str, token: &str, key: &str, body: &Value) -> String {
    let body = body.to_string();
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

// SIGTERM to a server process with requests arriving on its kept-alive connections: every request
// that reached the process is answered, the creations among them are stored, and the process exits
// cleanly well within its grace period.
on_both!(sigterm_to_a_process_answers_every_request_that_reached_it, |app: TestApp| async move {
    let pat = app.token("pat.user@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let path = crate::tickets::company_tickets(contoso);
    let mut server = ChildServer::start(&app).await;

    let mut streams = Vec::new();
    for _ in 0..16 {
        let mut stream = TcpStream::connect(&server.address).await.unwrap();
        let status = exchange(&mut stream, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
        assert_eq!(status, Some(200));
        streams.push(stream);
    }
    server.signal("-TERM");
    // Each connection sends its next request as the signal lands: creations on half of them.
    let exchanges = streams.into_iter().enumerate().map(|(n, mut stream)| {
        let request = if n % 2 == 0 {
            raw_post(&path, &pat, &format!("term-{n}"), &creation(&format!("term-{n}")))
        } else {
            "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_owned()
        };
        tokio::spawn(async move { (n, exchange(&mut stream, &request).await) })
    });
    for exchange in futures_util::future::join_all(exchanges).await {
        let (n, status) = exchange.unwrap();
        let expected = if n % 2 == 0 { 201 } else { 200 };
        assert_eq!(status, Some(expected), "request {n}");
    }
    let status = server.exited(Duration::from_secs(10)).await;
    assert!(status.success(), "the process ended with {status}");

    let titles = crate::tickets::titles(app.get(&format!("{path}?limit=200"), &pat).await).await;
    for n in (0..16).step_by(2) {
        let title = format!("Process fault term-{n}");
        assert_eq!(titles.iter().filter(|t| **t == title).count(), 1, "{title}");
    }
});

// kill -9 to a server process under creation load with Idempotency-Keys: every acknowledged
// ticket is stored, and replaying every key sent (acknowledged or not) on another process gives
// exactly one ticket per key, with the acknowledged ticket's id where there was one.
on_both!(kill_9_under_creation_load_loses_no_acknowledged_ticket, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| {
        config.http.idempotency_lease = chrono::Duration::seconds(LEASE_SECONDS)
    })
    .await;
    let pat = app.token("pat.user@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let path = crate::tickets::company_tickets(contoso);
    let mut server = ChildServer::start(&app).await;

    // Sixteen clients create tickets, one key a request, until the process dies under them.
    let client = reqwest::Client::new();
    let sent = Arc::new(std::sync::Mutex::new(HashMap::<String, Option<i64>>::new()));
    let load = (0..16).map(|worker| {
        let (client, url, pat, sent) = (client.clone(), server.url(&path), pat.clone(), sent.clone());
        tokio::spawn(async move {
            for n in 0.. {
                let key = format!("kill-{worker}-{n}");
                sent.lock().unwrap().insert(key.clone(), None);
                let answer =
                    client.post(&url).bearer_auth(&pat).header("Idempotency-Key", &key).json(&creation(&key)).send().await;
                match answer {
                    Ok(res) if res.status() == 201 => {
                        let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
                        sent.lock().unwrap().insert(key, Some(id));
                    }
                    Ok(res) => panic!("{key}: {}", res.status()),
                    Err(_) => return,
                }
            }
        })
    });
    let load: Vec<_> = load.collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.signal("-KILL");
    for worker in load {
        tokio::time::timeout(Duration::from_secs(10), worker).await.expect("the clients see the kill").unwrap();
    }
    assert!(!server.exited(Duration::from_secs(5)).await.success());

    let sent = sent.lock().unwrap().clone();
    let acknowledged = sent.values().filter(|id| id.is_some()).count();
    assert!(acknowledged >= 16, "only {acknowledged} tickets acknowledged before the kill");
    for (key, id) in &sent {
        if let Some(id) = id {
            let res = app.get(&crate::tickets::ticket(*id), &pat).await;
            assert_eq!(res.status(), 200, "acknowledged ticket {id} ({key})");
        }
        // The client retries every key on the surviving process: claims the dead process held
        // answer 409 until their lease runs out.
        let started = Instant::now();
        let replayed = loop {
            let res = app
                .request(reqwest::Method::POST, &path, Some(&pat))
                .header("Idempotency-Key", key)
                .json(&creation(key))
                .send()
                .await
                .unwrap();
            if res.status() != 409 {
                break res;
            }
            assert!(started.elapsed() < Duration::from_secs(LEASE_SECONDS as u64 + 5), "{key} still 409");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(replayed.status(), 201, "{key}");
        let replayed_id = replayed.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        if let Some(id) = id {
            assert_eq!(replayed_id, *id, "{key} replayed another ticket");
        }
    }
    let titles = every_title(&app, &pat, &path).await;
    for key in sent.keys() {
        let title = format!("Process fault {key}");
        assert_eq!(titles.iter().filter(|t| **t == title).count(), 1, "{title}");
    }
});

/// Every ticket title of a company's list, through all its pages.
async fn every_title(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_path = match &cursor {
            Some(cursor) => format!("{path}?limit=200&cursor={cursor}"),
            None => format!("{path}?limit=200"),
        };
        let page: Value = app.get(&page_path, token).await.json().await.unwrap();
        titles.extend(page["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return titles,
        }
    }
}
