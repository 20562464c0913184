//! Webhooks for integrators: subscriptions managed by provider admins, events delivered to a
//! local receiver (see `dispatch::Receiver`) as the Standard Webhooks specification says, checked
//! here with a verifier written from the specification, not with the server's signing code.

mod delivery;
mod manage;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::dispatch::{Received, Receiver};
use crate::harness::TestApp;
use crate::outbox::eventually;
use crate::tickets::ok;

/// The tenant allows its own network: the receiver listens on 127.0.0.1.
pub async fn allow_own_network(app: &TestApp, admin: &str) {
    let consent = json!({"enabled": false, "allow_private_targets": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", admin, consent).await).await;
}

/// Subscribes `url` to `types`; returns the subscription's id and its secret.
pub async fn subscribe(app: &TestApp, admin: &str, url: &str, types: &[&str], internal: bool) -> (i64, String) {
    let body = json!({"url": url, "event_types": types, "internal": internal, "description": "test receiver"});
    let created = crate::tickets::status(app.post("/api/v1/webhooks", Some(admin), body).await, 201).await;
    (created["webhook"]["id"].as_i64().unwrap(), created["secret"].as_str().unwrap().to_owned())
}

/// The signatures of `hook` that are valid under `secret`, checked as the Standard Webhooks
/// specification describes: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed by the
/// base64-decoded part of the secret after `whsec_`; several signatures are space-separated.
pub fn valid_signatures(hook: &Received, secret: &str) -> usize {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("a whsec_ secret")).expect("base64");
    let (id, timestamp) = (&hook.headers["webhook-id"], &hook.headers["webhook-timestamp"]);
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{}", hook.body).as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    hook.headers["webhook-signature"].split(' ').filter(|s| s.strip_prefix("v1,") == Some(expected.as_str())).count()
}

/// Asserts `hook` is a signed Standard Webhooks POST under `secret`, timestamped now.
pub fn assert_signed(hook: &Received, secret: &str) {
    assert_eq!(hook.method, "POST");
    assert_eq!(hook.headers["content-type"], "application/json");
    assert!(hook.headers["webhook-id"].starts_with("msg_"), "{:?}", hook.headers);
    let ts: i64 = hook.headers["webhook-timestamp"].parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - ts).abs() <= 60, "timestamp {ts}");
    assert_eq!(valid_signatures(hook, secret), 1, "signed under the secret: {:?}", hook.headers);
}

/// The requests the receiver got at `path`, as (type, body).
pub fn events_at(receiver: &Receiver, path: &str) -> Vec<(String, Value)> {
    receiver
        .received()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| {
            let body = r.json();
            (body["type"].as_str().unwrap().to_owned(), body)
        })
        .collect()
}

/// Waits until the subscription's deliveries satisfy `done`; returns them, newest first.
pub async fn deliveries_until(app: &TestApp, admin: &str, id: i64, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    eventually(&format!("the deliveries of webhook {id}"), || async {
        let page = ok(app.get(&format!("/api/v1/webhooks/{id}/deliveries"), admin).await).await;
        let items = page["items"].as_array().unwrap().clone();
        done(&items).then_some(items)
    })
    .await
}
