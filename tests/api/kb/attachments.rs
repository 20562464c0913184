//! Files attached to articles: staff upload, list, download and delete them; customers list and
//! download those of the articles they may read, and nothing else (404); the tickets' type checks
//! and limits apply.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use super::{article, companies};
use crate::harness::{problem, TestApp};
use crate::on_both;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-not-a-real-image-but-the-signature-is-right";

fn png(name: &str) -> Form {
    Form::new().part("file", Part::bytes(PNG.to_vec()).file_name(name.to_owned()).mime_str("image/png").unwrap())
}

async fn upload(app: &TestApp, token: &str, article: i64, form: Form) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/kb/articles/{article}/attachments"), Some(token))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

on_both!(staff_attach_files_and_customers_read_only_what_they_may_see, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, sub, _) = companies(&app, &tech).await;
    let for_contoso = article(
        &app,
        &tech,
        "VPN settings",
        "See the picture.",
        json!({"kind": "companies", "company_ids": [contoso]}),
        true,
    )
    .await;
    let draft = article(&app, &tech, "Draft with a file", "Text.", json!({"kind": "all_companies"}), false).await;
    let internal = article(&app, &tech, "Internal with a file", "Text.", json!({"kind": "internal"}), true).await;

    let res = upload(&app, &tech, for_contoso, png("vpn.png")).await;
    assert_eq!(res.status(), 201);
    let saved: Value = res.json().await.unwrap();
    let file = saved[0]["id"].as_i64().unwrap();
    assert_eq!(saved[0]["file_name"], "vpn.png");
    assert_eq!(saved[0]["content_type"], "image/png");
    assert_eq!(saved[0]["size_bytes"], PNG.len());
    let draft_file: Value = upload(&app, &tech, draft, png("d.png")).await.json().await.unwrap();
    let draft_file = draft_file[0]["id"].as_i64().unwrap();
    let internal_file: Value = upload(&app, &tech, internal, png("i.png")).await.json().await.unwrap();
    let internal_file = internal_file[0]["id"].as_i64().unwrap();

    // Staff list and download.
    let list: Value =
        app.get(&format!("/api/v1/kb/articles/{for_contoso}/attachments"), &tech).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let res = app.get(&format!("/api/v1/kb/articles/{for_contoso}/attachments/{file}"), &tech).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);

    // A customer of Contoso reads the file of the article meant for Contoso.
    let pat = app.token("pat.user@demo.example").await;
    let base = format!("/api/v1/companies/{contoso}/kb/articles");
    let list: Value = app.get(&format!("{base}/{for_contoso}/attachments"), &pat).await.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], file);
    let res = app.get(&format!("{base}/{for_contoso}/attachments/{file}"), &pat).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    // Not a draft's, not an internal article's, not another article's by a wrong path: 404.
    for path in [
        format!("{base}/{draft}/attachments"),
        format!("{base}/{draft}/attachments/{draft_file}"),
        format!("{base}/{internal}/attachments"),
        format!("{base}/{internal}/attachments/{internal_file}"),
        format!("{base}/{for_contoso}/attachments/{draft_file}"),
    ] {
        problem(app.get(&path, &pat).await, 404).await;
    }
    // Another company's user: the article is not for the subsidiary.
    let sam = app.token("sam.sub@demo.example").await;
    let sub_base = format!("/api/v1/companies/{sub}/kb/articles");
    problem(app.get(&format!("{sub_base}/{for_contoso}/attachments"), &sam).await, 404).await;
    problem(app.get(&format!("{sub_base}/{for_contoso}/attachments/{file}"), &sam).await, 404).await;
    // Nor through a company that is not theirs.
    problem(app.get(&format!("{base}/{for_contoso}/attachments/{file}"), &sam).await, 404).await;
    // Customers do not write, nor use the staff routes.
    problem(upload(&app, &pat, for_contoso, png("x.png")).await, 403).await;
    problem(app.get(&format!("/api/v1/kb/articles/{for_contoso}/attachments"), &pat).await, 403).await;
    problem(
        app.send(Method::DELETE, &format!("/api/v1/kb/articles/{for_contoso}/attachments/{file}"), &pat, json!(null))
            .await,
        403,
    )
    .await;
    // Another tenant's staff see nothing.
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/kb/articles/{for_contoso}/attachments/{file}"), &other).await, 404).await;
    problem(upload(&app, &other, for_contoso, png("x.png")).await, 404).await;

    // The tickets' type checks: an executable, or contents not matching the type, is refused.
    let exe = Form::new().part(
        "file",
        Part::bytes(b"MZ\x90\x00 an executable".to_vec()).file_name("fake.png").mime_str("image/png").unwrap(),
    );
    problem(upload(&app, &tech, for_contoso, exe).await, 422).await;
    problem(upload(&app, &tech, for_contoso, Form::new().text("note_id", "1")).await, 422).await;

    // Delete: gone for everyone; deleting again is 404.
    let path = format!("/api/v1/kb/articles/{for_contoso}/attachments/{file}");
    assert_eq!(app.send(Method::DELETE, &path, &tech, json!(null)).await.status(), 204);
    problem(app.get(&path, &tech).await, 404).await;
    problem(app.get(&format!("{base}/{for_contoso}/attachments/{file}"), &pat).await, 404).await;
    problem(app.send(Method::DELETE, &path, &tech, json!(null)).await, 404).await;
    // An article with files can still be deleted.
    let res = app.send(Method::DELETE, &format!("/api/v1/kb/articles/{draft}"), &tech, json!(null)).await;
    assert_eq!(res.status(), 204);
});
