//! Who manages webhook subscriptions, the secret shown once, and the address rules.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde_json::json;

use super::{allow_own_network, subscribe};
use crate::dispatch::Receiver;
use crate::harness::{fault, problem, TestApp};
use crate::on_both;
use crate::tickets::{ok, status};

const TYPES: [&str; 2] = ["ticket.created", "ticket.note_added"];

on_both!(only_provider_admins_manage_webhooks, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let (id, _) = subscribe(&app, &admin, &receiver.url("/hook"), &TYPES, false).await;
    let body = json!({"url": receiver.url("/other"), "event_types": TYPES});
    let one = format!("/api/v1/webhooks/{id}");
    for who in ["tech@demo.example", "pat.user@demo.example", "paula.admin@demo.example"] {
        let token = app.token(who).await;
        problem(app.post("/api/v1/webhooks", Some(&token), body.clone()).await, 403).await;
        problem(app.get("/api/v1/webhooks", &token).await, 403).await;
        problem(app.get(&one, &token).await, 403).await;
        problem(app.send(Method::PATCH, &one, &token, json!({"enabled": false})).await, 403).await;
        problem(app.post(&format!("{one}/rotate-secret"), Some(&token), json!({})).await, 403).await;
        problem(app.get(&format!("{one}/deliveries"), &token).await, 403).await;
        problem(app.send(Method::DELETE, &one, &token, json!({})).await, 403).await;
    }
    // Another tenant's admin does not see this tenant's subscription at all.
    let stranger = app.other_tenant_admin().await;
    problem(app.get(&one, &stranger).await, 404).await;
    problem(app.send(Method::PATCH, &one, &stranger, json!({"enabled": false})).await, 404).await;
    problem(app.post(&format!("{one}/rotate-secret"), Some(&stranger), json!({})).await, 404).await;
    problem(app.send(Method::DELETE, &one, &stranger, json!({})).await, 404).await;
    assert_eq!(ok(app.get("/api/v1/webhooks", &stranger).await).await["items"], json!([]));
    // Nothing changed.
    let still = ok(app.get(&one, &admin).await).await;
    assert_eq!((still["enabled"].as_bool(), still["url"].as_str()), (Some(true), Some(receiver.url("/hook").as_str())));
});

on_both!(the_secret_is_shown_once_and_never_read_back, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let (id, secret) = subscribe(&app, &admin, &receiver.url("/hook"), &TYPES, false).await;
    let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("whsec_ prefix")).unwrap();
    assert!(key.len() >= 24, "{} random bytes", key.len());

    let one = format!("/api/v1/webhooks/{id}");
    for path in [one.clone(), "/api/v1/webhooks".into(), format!("{one}/deliveries"), "/api/v1/audit-events".into()] {
        let text = app.get(&path, &admin).await.text().await.unwrap();
        assert!(!text.contains(&secret) && !text.contains(&secret[6..]), "{path} shows the secret: {text}");
    }
    let view = ok(app.get(&one, &admin).await).await;
    assert_eq!(view["event_types"], json!(TYPES));
    assert!(view.get("secret").is_none(), "{view}");

    let rotated = ok(app.post(&format!("{one}/rotate-secret"), Some(&admin), json!({})).await).await;
    let fresh = rotated["secret"].as_str().unwrap();
    assert!(fresh.starts_with("whsec_") && fresh != secret);
    assert!(rotated["webhook"]["previous_secret_expires_at"].is_string(), "{rotated}");
    let text = app.get(&one, &admin).await.text().await.unwrap();
    assert!(!text.contains(fresh) && !text.contains(&secret));

    let changed = json!({"event_types": ["user.invited"], "description": "Directory sync", "internal": true});
    let patched = ok(app.send(Method::PATCH, &one, &admin, changed).await).await;
    assert_eq!((patched["event_types"].clone(), patched["internal"].clone()), (json!(["user.invited"]), json!(true)));
    assert_eq!(patched["description"], "Directory sync");
    problem(app.send(Method::PATCH, &one, &admin, json!({"enabled": null})).await, 422).await;

    status(app.send(Method::DELETE, &one, &admin, json!({})).await, 204).await;
    problem(app.get(&one, &admin).await, 404).await;
});

on_both!(bad_input_and_private_targets_are_refused, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let receiver = Receiver::start(&[]).await;
    // The tenant has not allowed its own network: loopback, private and link-local are refused.
    for url in [
        receiver.url("/hook"),
        "https://127.0.0.1/hook".into(),
        "https://10.0.0.5/hook".into(),
        "https://169.254.169.254/latest".into(),
        "https://[::1]/hook".into(),
    ] {
        let body = json!({"url": url, "event_types": ["ticket.created"]});
        let refused = problem(app.post("/api/v1/webhooks", Some(&admin), body).await, 422).await;
        assert!(fault(&refused, "/url").is_some(), "{url}: {refused}");
    }
    for (body, pointer) in [
        (json!({"url": "ftp://psa.example/", "event_types": ["ticket.created"]}), "/url"),
        (json!({"url": "https://user:pw@psa.example/", "event_types": ["ticket.created"]}), "/url"),
        (json!({"url": "https://psa.example/", "event_types": []}), "/event_types"),
        (
            json!({"url": "https://psa.example/", "event_types": ["ticket.created"], "description": "x".repeat(501)}),
            "/description",
        ),
    ] {
        let refused = problem(app.post("/api/v1/webhooks", Some(&admin), body.clone()).await, 422).await;
        assert!(fault(&refused, pointer).is_some(), "{body}: {refused}");
    }
    let unknown = json!({"url": "https://psa.example/", "event_types": ["ticket.deleted"]});
    problem(app.post("/api/v1/webhooks", Some(&admin), unknown).await, 422).await;
    assert_eq!(ok(app.get("/api/v1/webhooks", &admin).await).await["items"], json!([]), "nothing was created");

    allow_own_network(&app, &admin).await;
    let (id, _) = subscribe(&app, &admin, &receiver.url("/hook"), &["ticket.created"], false).await;
    // A change of address is checked as a creation is.
    let one = format!("/api/v1/webhooks/{id}");
    let moved = ok(app.send(Method::PATCH, &one, &admin, json!({"url": receiver.url("/moved")})).await).await;
    assert_eq!(moved["url"], receiver.url("/moved"));
    let consent = json!({"enabled": false, "allow_private_targets": false});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &admin, consent).await).await;
    let refused = problem(app.send(Method::PATCH, &one, &admin, json!({"url": receiver.url("/x")})).await, 422).await;
    assert!(fault(&refused, "/url").is_some(), "{refused}");
});
