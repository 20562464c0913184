//! The HTTP contract: problems for bad requests, health, metrics, the OpenAPI document.

use reqwest::Method;
use serde_json::Value;

use crate::harness::{problem, Backend, TestApp};
use crate::on_both;

on_both!(bad_requests_get_problems, |app: TestApp| async move {
    problem(app.request(Method::GET, "/api/v1/nothing-here", None).send().await.unwrap(), 404).await;
    let res = app.request(Method::DELETE, "/api/v1/companies/7", None).send().await.unwrap();
    assert_eq!(res.headers()["allow"], "GET, PATCH");
    problem(res, 405).await;
    problem(app.request(Method::PUT, "/api/v1/auth/login", None).send().await.unwrap(), 405).await;
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    problem(res, 415).await;
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    problem(res, 400).await;
    let big = format!("{{\"tenant\":\"demo\",\"email\":\"a@b.c\",\"password\":\"{}\"}}", "x".repeat(70 * 1024));
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    problem(res, 413).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({"tenant": "demo", "email": "a@b.c", "password": "x", "extra": 1}),
        )
        .await;
    problem(res, 422).await;
    let res = app.request(Method::GET, "/health/live", None).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
});

on_both!(health_and_metrics, backend => |backend: Backend| async move {
    let app = TestApp::spawn_with(backend, |c| c.http.metrics_token = Some("metrics-token".into())).await;
    assert_eq!(app.request(Method::GET, "/health/live", None).send().await.unwrap().status(), 200);
    assert_eq!(app.request(Method::GET, "/health/ready", None).send().await.unwrap().status(), 200);
    let _ = app.password_step("pat.user@demo.example", "wrong password").await;
    let text = app.get("/metrics", "metrics-token").await.text().await.unwrap();
    assert!(text.contains("clientdesk_signins_total{outcome=\"failed\"} 1"), "{text}");
    assert!(text.contains("clientdesk_http_responses_total{class=\"4xx\"}"));
    assert_eq!(app.request(Method::GET, "/docs/", None).send().await.unwrap().status(), 200);
    let unfollowed = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = unfollowed.get(format!("{}/docs", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], "/docs/");
});

on_both!(served_contract_matches_the_committed_file, |app: TestApp| async move {
    let served: Value = app.request(Method::GET, "/openapi.json", None).send().await.unwrap().json().await.unwrap();
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap(),
    )
    .unwrap();
    assert!(served == committed, "openapi/openapi.json is stale: run `make openapi` and commit it");
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["operationId"].is_string(), "{method} {path} has an operation id");
            let responses = op["responses"].as_object().unwrap();
            if path.starts_with("/api/v1/") && path != "/api/v1/auth/logout" {
                assert!(responses.keys().any(|s| s.starts_with('4')), "{method} {path} documents its errors");
            }
        }
    }
});

// A request that no route takes falls to `not_found`, which answers 405 for any path of the
// document (and no handler answers 405): an operation answered otherwise is served.
on_both!(every_documented_operation_is_served, |app: TestApp| async move {
    let served: Value = app.request(Method::GET, "/openapi.json", None).send().await.unwrap().json().await.unwrap();
    // Redirects (the agent link's, to the front end) are answers too: not followed.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut operations = 0;
    for (path, item) in served["paths"].as_object().unwrap() {
        let concrete: Vec<String> = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "1".to_owned() } else { segment.to_owned() })
            .collect();
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let status = client.request(method.clone(), app.url(&concrete.join("/"))).send().await.unwrap().status();
            assert_ne!(status, 405, "{method} {path} is documented but no route serves it");
            operations += 1;
        }
    }
    assert!(operations > 0, "the document lists operations");
});
