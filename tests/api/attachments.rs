//! Ticket attachments: upload, list and download authorised like the ticket, type and size
//! checks, limits, and the attachments of internal notes kept from customers.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::company_id;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-not-a-real-image-but-the-signature-is-right";

fn part(name: &str, mime: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_owned()).mime_str(mime).unwrap()
}

async fn upload(app: &TestApp, token: &str, ticket: i64, form: Form) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/tickets/{ticket}/attachments"), Some(token))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A new ticket of pat.user at Contoso.
async fn new_ticket(app: &TestApp, token: &str) -> i64 {
    let contoso = company_id(app, token, "Contoso Ltd").await;
    let res = app
        .post(&format!("/api/v1/companies/{contoso}/tickets"), Some(token), json!({"title": "Screen artefacts"}))
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn listed(app: &TestApp, token: &str, ticket: i64) -> Vec<String> {
    let res = app.get(&format!("/api/v1/tickets/{ticket}/attachments"), token).await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    list["items"].as_array().unwrap().iter().map(|a| a["file_name"].as_str().unwrap().to_owned()).collect()
}

on_both!(upload_and_download_follow_ticket_access, |app: TestApp| async move {
    let pat = app.token("pat.user@demo.example").await;
    let ticket = new_ticket(&app, &pat).await;
    let form = Form::new()
        .part("file", part("C:\\shots\\screen.png", "image/png", PNG))
        .part("file", part("log.txt", "text/plain; charset=utf-8", b"line 1\nline 2\n"));
    let res = upload(&app, &pat, ticket, form).await;
    assert_eq!(res.status(), 201);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved[0]["file_name"], "screen.png", "the client's path is dropped");
    assert_eq!(saved[0]["size_bytes"], PNG.len());
    let id = saved[0]["id"].as_i64().unwrap();

    // The same company's portal_user_plus reads every ticket, so also this file.
    let plus = app.token("pat.plus@demo.example").await;
    let res = app.get(&format!("/api/v1/attachments/{id}"), &plus).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(listed(&app, &plus, ticket).await, ["screen.png", "log.txt"]);

    // Another company's user, and a portal_user of the subsidiary who did not open it: 404.
    for email in ["fred.fabrikam@demo.example", "sam.sub@demo.example"] {
        let other = app.token(email).await;
        problem(app.get(&format!("/api/v1/attachments/{id}"), &other).await, 404).await;
        problem(app.get(&format!("/api/v1/tickets/{ticket}/attachments"), &other).await, 404).await;
        let form = Form::new().part("file", part("x.txt", "text/plain", b"x"));
        problem(upload(&app, &other, ticket, form).await, 404).await;
    }
    // The controller reads and adds to every ticket of its company; a read-only token of it
    // adds nothing.
    let controller = app.token("chris.controller@demo.example").await;
    assert_eq!(app.get(&format!("/api/v1/attachments/{id}"), &controller).await.status(), 200);
    let form = Form::new().part("file", part("notes.txt", "text/plain", b"checked"));
    assert_eq!(upload(&app, &controller, ticket, form).await.status(), 201);
    let res = app
        .post("/api/v1/me/api-tokens", Some(&controller), json!({"name": "r", "read_only": true, "expires_in_days": 1}))
        .await;
    let read_only = res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let form = Form::new().part("file", part("x.txt", "text/plain", b"x"));
    problem(upload(&app, &read_only, ticket, form).await, 403).await;

    // The history records the upload.
    let history: Value = app.get(&format!("/api/v1/tickets/{ticket}/history"), &pat).await.json().await.unwrap();
    assert!(history["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "attachment" && e["new_value"] == "screen.png"));
    assert_eq!(listed(&app, &plus, ticket).await, ["screen.png", "log.txt", "notes.txt"]);
});

on_both!(types_sizes_and_limits_are_checked, |app: TestApp| async move {
    let pat = app.token("pat.user@demo.example").await;
    let ticket = new_ticket(&app, &pat).await;
    let bad = [
        part("setup.exe", "application/x-msdownload", b"MZ\x90\x00"),
        part("fake.png", "image/png", b"MZ\x90\x00 an executable"),
        part("notes.txt", "text/plain", b"binary\x00data"),
        part("empty.txt", "text/plain", b""),
    ];
    for p in bad {
        let body = problem(upload(&app, &pat, ticket, Form::new().part("file", p)).await, 422).await;
        assert!(crate::harness::fault(&body, "file").is_some(), "{body}");
    }
    problem(upload(&app, &pat, ticket, Form::new().text("comment", "no file")).await, 422).await;
    let res = app
        .request(Method::POST, &format!("/api/v1/tickets/{ticket}/attachments"), Some(&pat))
        .json(&json!({"file": "nope"}))
        .send()
        .await
        .unwrap();
    problem(res, 415).await;
    assert!(listed(&app, &pat, ticket).await.is_empty(), "nothing was stored");

    // The test server allows 256 KiB per file and 1 MiB per ticket.
    let big = vec![b'a'; 256 * 1024 + 1];
    problem(upload(&app, &pat, ticket, Form::new().part("file", part("big.txt", "text/plain", &big))).await, 413).await;
    let quarter = vec![b'a'; 256 * 1024];
    for i in 0..4 {
        let form = Form::new().part("file", part(&format!("part{i}.txt"), "text/plain", &quarter));
        assert_eq!(upload(&app, &pat, ticket, form).await.status(), 201);
    }
    let form = Form::new().part("file", part("one-more.txt", "text/plain", b"x"));
    problem(upload(&app, &pat, ticket, form).await, 413).await;
    assert_eq!(listed(&app, &pat, ticket).await.len(), 4);
    problem(upload(&app, &pat, 999_999, Form::new().part("file", part("x.txt", "text/plain", b"x"))).await, 404).await;
});

on_both!(internal_note_files_stay_with_staff_and_billed_tickets_are_closed, |app: TestApp| async move {
    let pat = app.token("pat.user@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let ticket = new_ticket(&app, &pat).await;
    let res = app
        .post(&format!("/api/v1/tickets/{ticket}/notes"), Some(&tech), json!({"body": "Driver log", "internal": true}))
        .await;
    assert_eq!(res.status(), 201);
    let note = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let form = Form::new().text("note_id", note.to_string()).part("file", part("driver.txt", "text/plain", b"dump"));
    let res = upload(&app, &tech, ticket, form).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()[0]["id"].as_i64().unwrap();
    assert_eq!(listed(&app, &tech, ticket).await, ["driver.txt"]);
    assert!(listed(&app, &pat, ticket).await.is_empty());
    problem(app.get(&format!("/api/v1/attachments/{id}"), &pat).await, 404).await;
    let history: Value = app.get(&format!("/api/v1/tickets/{ticket}/history"), &pat).await.json().await.unwrap();
    assert!(!history["items"].as_array().unwrap().iter().any(|e| e["kind"] == "attachment" || e["kind"] == "note"));
    // A customer cannot attach to the internal note either.
    let form = Form::new().text("note_id", note.to_string()).part("file", part("x.txt", "text/plain", b"x"));
    problem(upload(&app, &pat, ticket, form).await, 422).await;

    let res = app.send(Method::PATCH, &format!("/api/v1/tickets/{ticket}"), &tech, json!({"billed": true})).await;
    assert_eq!(res.status(), 200);
    let form = Form::new().part("file", part("late.txt", "text/plain", b"x"));
    problem(upload(&app, &pat, ticket, form).await, 409).await;
});
