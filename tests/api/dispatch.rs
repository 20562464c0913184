//! Delivery of webhooks and SMS, and the life of a self-service action: a local HTTP server
//! stands in for the RMM and for the SMS gateway, checks what clientdesk sends (signature,
//! bearer token, sealed secrets opened) and answers with scripted statuses; the action moves
//! queued -> dispatched -> succeeded, or to failed or expired.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use clientdesk_app::crypto::secrets::hmac_hex;
use clientdesk_persistence::outbox::SEALED_BODY_REMOVED;
use clientdesk_server::mail::{MailConfig, Mailer};
use clientdesk_server::outbox::{Transports, Worker, WorkerSettings};
use clientdesk_server::sms::{SmsGateway, SmsSender, SmsTransport};
use clientdesk_server::webhook::{self, Webhooks};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::outbox::{eventually, until_status};
use crate::rmm::{self, Rmm, FRED_PC, PAT_PC};
use crate::tickets::{ok, status};

/// One request as the receiver got it; header names in lower case.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: String,
}

impl Received {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// The statuses of the next answers; 200 once it runs out.
    script: Mutex<VecDeque<u16>>,
}

/// A minimal HTTP/1.1 server: one request per connection, recorded before it is answered.
pub(crate) struct Receiver {
    port: u16,
    shared: Arc<Shared>,
}

impl Receiver {
    pub(crate) async fn start(script: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared { script: Mutex::new(script.iter().copied().collect()), ..Shared::default() });
        let state = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &state).await;
                });
            }
        });
        Self { port, shared }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` requests came; returns them all.
    pub(crate) async fn until(&self, count: usize) -> Vec<Received> {
        eventually(&format!("{count} request(s) at the receiver"), || async {
            let all = self.received();
            (all.len() >= count).then_some(all)
        })
        .await
    }
}

async fn serve(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let (method, path) = (request_line.next().unwrap_or_default(), request_line.next().unwrap_or_default());
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let answer = shared.script.lock().unwrap().pop_front().unwrap_or(200);
    shared.received.lock().unwrap().push(Received {
        method: method.to_owned(),
        path: path.to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let reply = format!("HTTP/1.1 {answer} Scripted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    stream.write_all(reply.as_bytes()).await?;
    stream.shutdown().await
}

/// Checks a webhook as the RMM would: JSON, signed under `secret` over "<timestamp>.<body>",
/// with a timestamp of now.
fn assert_signed(hook: &Received, secret: &str) {
    assert_eq!(hook.method, "POST");
    assert_eq!(hook.path, "/rmm-hook");
    assert_eq!(hook.headers["content-type"], "application/json");
    let ts: i64 = hook.headers["x-clientdesk-timestamp"].parse().unwrap();
    assert!((Utc::now().timestamp() - ts).abs() <= 60, "timestamp {ts}");
    let expected = hmac_hex(secret.as_bytes(), format!("{ts}.{}", hook.body).as_bytes());
    assert_eq!(hook.headers["x-clientdesk-signature"], format!("sha256={expected}"));
}

/// The demo RMM set-up, its webhook pointed at `receiver`.
pub(crate) async fn connected(app: &TestApp, receiver: &Receiver) -> Rmm {
    let rmm = rmm::setup(app).await;
    // The receiver listens on 127.0.0.1: a private target, which the tenant must allow.
    let hook = json!({"enabled": true, "webhook_url": receiver.url("/rmm-hook"), "allow_private_targets": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, hook).await).await;
    rmm
}

/// Pat proves a second factor and asks to restart their Mac; returns Pat's token and the action.
pub(crate) async fn restart_pats_mac(app: &TestApp, rmm: &Rmm) -> (String, i64) {
    let pat = app.token("pat.user@demo.example").await;
    let code = app.code("pat.user@demo.example");
    ok(app.post("/api/v1/me/step-up", Some(&pat), json!({"code": code})).await).await;
    let path = format!("/api/v1/devices/{}/actions", rmm.device(PAT_PC).0);
    let action = status(app.post(&path, Some(&pat), json!({"kind": "restart"})).await, 202).await;
    assert_eq!(action["status"], "queued");
    (pat, action["id"].as_i64().unwrap())
}

/// Waits until the action shows `expected`; returns it.
async fn action_until(app: &TestApp, token: &str, id: i64, expected: &str) -> Value {
    eventually(&format!("action {id} to be {expected}"), || async {
        let action = ok(app.get(&format!("/api/v1/actions/{id}"), token).await).await;
        (action["status"] == expected).then_some(action)
    })
    .await
}

/// The one webhook message in the outbox.
async fn webhook_message(app: &TestApp, staff: &str) -> i64 {
    let page = ok(app.get("/api/v1/outbox?channel=webhook", staff).await).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    items[0]["id"].as_i64().unwrap()
}

/// A result posted to `url` as the RMM would, signed under `secret`.
pub(crate) async fn report(app: &TestApp, url: &str, secret: &str, result: Value) -> reqwest::Response {
    let body = result.to_string();
    let ts = Utc::now().timestamp();
    let signature = hmac_hex(secret.as_bytes(), format!("{ts}.{body}").as_bytes());
    app.client
        .post(url)
        .header("content-type", "application/json")
        .header("x-clientdesk-timestamp", ts.to_string())
        .header("x-clientdesk-signature", format!("sha256={signature}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

on_both!(an_action_is_signed_to_the_rmm_dispatched_and_settled_by_its_callback, |app: TestApp| async move {
    let receiver = Receiver::start(&[]).await;
    let rmm = connected(&app, &receiver).await;
    let (pat, id) = restart_pats_mac(&app, &rmm).await;

    let hook = receiver.until(1).await.remove(0);
    assert_signed(&hook, &rmm.secret);
    let payload = hook.json();
    assert_eq!(payload["event"], "device_action");
    assert_eq!(payload["action"]["id"], id);
    assert_eq!(payload["action"]["kind"], "restart");
    assert_eq!(payload["device"]["agent_guid"], PAT_PC);
    assert_eq!(payload["device"]["id"], rmm.device(PAT_PC).0);
    let callback = payload["callback_url"].as_str().unwrap();
    assert_eq!(callback, app.url("/api/v1/rmm/action-results"), "the callback reaches this server");

    let dispatched = action_until(&app, &pat, id, "dispatched").await;
    assert!(dispatched["dispatched_at"].is_string(), "{dispatched}");
    let sent = until_status(&app, &rmm.staff, webhook_message(&app, &rmm.staff).await, "sent").await;
    assert_eq!(sent["attempts"], 1, "{sent}");

    let done =
        report(&app, callback, &rmm.secret, json!({"action_id": id, "status": "succeeded", "message": "Restarted"}));
    assert_eq!(ok(done.await).await["status"], "succeeded");
    let seen = ok(app.get(&format!("/api/v1/actions/{id}"), &pat).await).await;
    assert_eq!((seen["status"].as_str(), seen["result"].as_str()), (Some("succeeded"), Some("Restarted")));
    assert_eq!(receiver.received().len(), 1, "delivered once");
});

on_both!(a_webhook_refused_with_500_is_delivered_on_the_next_attempt, |app: TestApp| async move {
    let receiver = Receiver::start(&[500]).await;
    let rmm = connected(&app, &receiver).await;
    let (pat, id) = restart_pats_mac(&app, &rmm).await;

    action_until(&app, &pat, id, "dispatched").await;
    let sent = until_status(&app, &rmm.staff, webhook_message(&app, &rmm.staff).await, "sent").await;
    assert_eq!(sent["attempts"], 2, "{sent}");
    assert!(sent["last_error"].as_str().unwrap().contains("500"), "{sent}");
    let hooks = receiver.received();
    assert_eq!(hooks.len(), 2);
    for hook in &hooks {
        assert_signed(hook, &rmm.secret);
        assert_eq!(hook.body, hooks[0].body, "the same body, signed afresh");
    }
});

on_both!(a_webhook_refused_with_400_fails_the_action_at_once, |app: TestApp| async move {
    let receiver = Receiver::start(&[400]).await;
    let rmm = connected(&app, &receiver).await;
    let (pat, id) = restart_pats_mac(&app, &rmm).await;

    let failed = action_until(&app, &pat, id, "failed").await;
    let result = failed["result"].as_str().unwrap();
    assert!(result.starts_with("The RMM could not be reached: ") && result.contains("400"), "{failed}");
    assert!(failed["finished_at"].is_string(), "{failed}");
    let dead = until_status(&app, &rmm.staff, webhook_message(&app, &rmm.staff).await, "dead").await;
    assert_eq!(dead["attempts"], 1, "a 4xx is not retried: {dead}");
    assert_eq!(receiver.received().len(), 1);
});

on_both!(an_action_without_a_result_in_time_expires_and_stays_expired, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.http.action_ttl = chrono::Duration::seconds(1)).await;
    let receiver = Receiver::start(&[]).await;
    let rmm = connected(&app, &receiver).await;
    let (pat, id) = restart_pats_mac(&app, &rmm).await;
    let hook = receiver.until(1).await.remove(0);

    // The worker stores the expiry; reading the action alone would show it from the deadline on.
    let db = app.state.db.clone();
    eventually("the worker to store the expiry", || {
        let db = db.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = db.conn().unwrap();
                let tenant = clientdesk_persistence::tenants::find_by_slug(&mut conn, "demo").unwrap().id;
                let action = clientdesk_persistence::actions::get_action(&mut conn, tenant, id).unwrap();
                (action.stored_status == clientdesk_domain::rmm::ActionStatus::Expired).then_some(())
            })
            .await
            .unwrap()
        }
    })
    .await;
    let expired = action_until(&app, &pat, id, "expired").await;
    assert!(expired["finished_at"].is_string(), "{expired}");

    let late = json!({"action_id": id, "status": "succeeded"});
    let callback = hook.json()["callback_url"].as_str().unwrap().to_owned();
    problem(report(&app, &callback, &rmm.secret, late).await, 409).await;
    assert_eq!(ok(app.get(&format!("/api/v1/actions/{id}"), &pat).await).await["status"], "expired");
});

on_both!(a_webhook_still_failing_when_its_action_expires_is_given_up, backend => |backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.http.action_ttl = chrono::Duration::seconds(1)).await;
    // Down for longer than the action waits: 0.1 + 0.2 + 0.4 + 0.8 s of backoff pass the second
    // before the fifth attempt, far before the eighth and last.
    let receiver = Receiver::start(&[503; 8]).await;
    let rmm = connected(&app, &receiver).await;
    let (pat, id) = restart_pats_mac(&app, &rmm).await;

    let dead = until_status(&app, &rmm.staff, webhook_message(&app, &rmm.staff).await, "dead").await;
    assert_eq!(dead["last_error"], "not sent: the action is expired already", "{dead}");
    let attempts = dead["attempts"].as_i64().unwrap();
    assert!(attempts < 8, "{dead}");
    assert_eq!(receiver.received().len() as i64, attempts - 1, "the last attempt sent nothing");
    assert_eq!(ok(app.get(&format!("/api/v1/actions/{id}"), &pat).await).await["status"], "expired");
});

on_both!(a_webhook_is_signed_under_the_secret_current_when_it_is_sent, backend => |backend| async move {
    // No worker beside the server: this test runs one itself, once the secret has changed.
    let app = TestApp::spawn_with(backend, |config| config.outbox_worker = false).await;
    let receiver = Receiver::start(&[]).await;
    let rmm = connected(&app, &receiver).await;
    let (pat, id) = restart_pats_mac(&app, &rmm).await;
    let rotated = ok(app.post("/api/v1/rmm/integration/secret", Some(&rmm.staff), json!({})).await).await;
    let rotated = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(rotated, rmm.secret);

    let client = webhook::http_client().unwrap();
    let nowhere = SmsTransport::Gateway(SmsGateway { url: "http://127.0.0.1:9/".into(), token: None });
    let transports = Transports {
        mailer: Mailer::new(&MailConfig::plain_smtp("127.0.0.1", 9)).unwrap(),
        sms: SmsSender::new(&nowhere, client.clone()).unwrap(),
        webhooks: Webhooks::new(client).unwrap(),
        sealer: app.state.sealer.clone(),
    };
    let worker = Worker::new(app.state.db.clone(), Arc::new(transports), WorkerSettings::default());
    assert_eq!(worker.run_once().await.unwrap().sent, 1);
    assert_signed(&receiver.received()[0], &rotated);
    assert_eq!(ok(app.get(&format!("/api/v1/actions/{id}"), &pat).await).await["status"], "dispatched");
});

/// The first run of six digits in a text.
fn code_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(6)
        .find(|w| w.iter().all(char::is_ascii_digit))
        .map(|w| w.iter().collect())
        .unwrap_or_else(|| panic!("no code in {text}"))
}

const GATEWAY_TOKEN: &str = "gateway-token-123";

async fn with_gateway(backend: Backend, script: &[u16]) -> (TestApp, Receiver) {
    let gateway = Receiver::start(script).await;
    let url = gateway.url("/sms");
    let app = TestApp::spawn_with(backend, |config| {
        config.sms = SmsTransport::Gateway(SmsGateway { url, token: Some(GATEWAY_TOKEN.into()) });
    })
    .await;
    (app, gateway)
}

/// The SMS the gateway got, in order, as (to, text); checks each request.
fn texts(gateway: &Receiver) -> Vec<(String, String)> {
    gateway
        .received()
        .iter()
        .map(|sms| {
            assert_eq!((sms.method.as_str(), sms.path.as_str()), ("POST", "/sms"));
            assert_eq!(sms.headers["authorization"], format!("Bearer {GATEWAY_TOKEN}"));
            assert_eq!(sms.headers["content-type"], "application/json");
            let body = sms.json();
            (body["to"].as_str().unwrap().to_owned(), body["text"].as_str().unwrap().to_owned())
        })
        .collect()
}

on_both!(phone_codes_go_through_the_sms_gateway_with_its_token, backend => |backend| async move {
    // The gateway is down at first: the code arrives on the next attempt.
    let (app, gateway) = with_gateway(backend, &[503]).await;
    let staff = app.token("admin@demo.example").await;
    let pat = app.token("pat.plus@demo.example").await;
    // A user with an authenticator proves its code before changing the phone.
    let code = app.code("pat.plus@demo.example");
    ok(app.post("/api/v1/me/step-up", Some(&pat), json!({"code": code})).await).await;
    let phone = ok(app.send(Method::PUT, "/api/v1/me/phone", &pat, json!({"phone": "+41 79 555 12 34"})).await).await;
    let phone = phone["phone"].as_str().unwrap().to_owned();

    gateway.until(2).await;
    let sms = texts(&gateway);
    assert_eq!(sms.len(), 2, "{sms:?}");
    assert_eq!(sms[0], sms[1], "the same SMS again after the 503");
    assert_eq!(sms[1].0, phone);
    let page = ok(app.get("/api/v1/outbox?channel=sms", &staff).await).await;
    let sent = until_status(&app, &staff, page["items"][0]["id"].as_i64().unwrap(), "sent").await;
    assert_eq!(sent["attempts"], 2, "{sent}");
    assert!(sent["last_error"].as_str().unwrap().contains("503"), "{sent}");

    let confirmed = ok(app.post("/api/v1/me/phone/confirm", Some(&pat), json!({"code": code_in(&sms[1].1)})).await);
    assert_eq!(confirmed.await["verified"], true);
});

on_both!(a_password_reset_reaches_the_rmm_and_the_phone_then_leaves_no_trace, backend => |backend| async move {
    let (app, gateway) = with_gateway(backend, &[]).await;
    let receiver = Receiver::start(&[]).await;
    let rmm = connected(&app, &receiver).await;
    // Fred has no authenticator: a verified phone, and a step-up by SMS code.
    let fred = app.token("fred.fabrikam@demo.example").await;
    let phone = ok(app.send(Method::PUT, "/api/v1/me/phone", &fred, json!({"phone": "+41 79 555 77 88"})).await).await;
    let phone = phone["phone"].as_str().unwrap().to_owned();
    gateway.until(1).await;
    let code = code_in(&texts(&gateway)[0].1);
    ok(app.post("/api/v1/me/phone/confirm", Some(&fred), json!({"code": code})).await).await;
    // SMS codes count from a day after a phone change.
    app.phone_changed_hours_ago("fred.fabrikam@demo.example", 25).await;
    status(app.post("/api/v1/me/step-up/sms", Some(&fred), json!({})).await, 202).await;
    gateway.until(2).await;
    let code = code_in(&texts(&gateway)[1].1);
    ok(app.post("/api/v1/me/step-up", Some(&fred), json!({"sms_code": code})).await).await;

    let path = format!("/api/v1/devices/{}/actions", rmm.device(FRED_PC).0);
    let action = status(app.post(&path, Some(&fred), json!({"kind": "reset_password"})).await, 202).await;
    let hook = receiver.until(1).await.remove(0);
    assert_signed(&hook, &rmm.secret);
    let payload = hook.json();
    assert_eq!(payload["action"]["id"], action["id"]);
    let password = payload["temporary_password"].as_str().unwrap().to_owned();
    assert!(password.len() >= 16, "{password}");
    gateway.until(3).await;
    let (to, text) = texts(&gateway).remove(2);
    assert_eq!(to, phone);
    assert!(text.contains(&password), "the SMS carries the webhook's password: {text}");

    // Once sent, neither message keeps the password, sealed or not.
    // The newest webhook and SMS (newest first in the list) carried it.
    let page = ok(app.get("/api/v1/outbox?limit=200", &rmm.staff).await).await;
    let newest = |channel: &str| {
        let items = page["items"].as_array().unwrap();
        items.iter().find(|m| m["channel"] == channel).unwrap()["id"].as_i64().unwrap()
    };
    let carried = [newest("webhook"), newest("sms")];
    for id in carried {
        let sent = until_status(&app, &rmm.staff, id, "sent").await;
        assert_eq!(sent["body"], SEALED_BODY_REMOVED, "{sent}");
    }
    let listed = app.get("/api/v1/outbox?limit=200", &rmm.staff).await.text().await.unwrap();
    assert!(!listed.contains(&password), "the staff list never shows the password");
    action_until(&app, &fred, action["id"].as_i64().unwrap(), "dispatched").await;
});

on_both!(without_a_gateway_sms_are_written_to_files, backend => |backend| async move {
    let dir = std::env::temp_dir().join(format!("clientdesk-sms-test-{}", uuid_like()));
    let app = TestApp::spawn_with(backend, |config| config.sms = SmsTransport::Files(dir.clone())).await;
    let pat = app.token("pat.plus@demo.example").await;
    // A user with an authenticator proves its code before changing the phone.
    let code = app.code("pat.plus@demo.example");
    ok(app.post("/api/v1/me/step-up", Some(&pat), json!({"code": code})).await).await;
    let phone = ok(app.send(Method::PUT, "/api/v1/me/phone", &pat, json!({"phone": "+41 79 555 12 34"})).await).await;
    let phone = phone["phone"].as_str().unwrap().to_owned();

    let files = eventually("an SMS file", || async {
        let files: Vec<_> = std::fs::read_dir(&dir)
            .ok()?
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        (!files.is_empty()).then_some(files)
    })
    .await;
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.starts_with(&format!("To: {phone}\n\n")), "{text}");
    let confirmed = ok(app.post("/api/v1/me/phone/confirm", Some(&pat), json!({"code": code_in(&text)})).await);
    assert_eq!(confirmed.await["verified"], true);
});

fn uuid_like() -> String {
    format!("{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or_default())
}
