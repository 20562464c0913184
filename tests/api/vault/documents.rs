//! The vault's documents: staff write them for any of the knowledge base's audiences; a company's
//! vault readers read the published ones meant for the company, its vault editors also write the
//! company's own and see their drafts, never widening the audience; a member without a vault role
//! is 403, another company's 404; revisions, attachments, audit events, and bad input that is a
//! 422 changing nothing.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::harness::{fault, problem, TestApp};
use crate::on_both;

const DOCUMENTS: &str = "/api/v1/vault/documents";
/// Contoso's portal_user: a member without any vault role.
const PAT_USER: &str = "pat.user@demo.example";
/// Fabrikam's member.
const FRED: &str = "fred.fabrikam@demo.example";

fn document(id: i64) -> String {
    format!("{DOCUMENTS}/{id}")
}

fn company_documents(company: i64) -> String {
    format!("/api/v1/companies/{company}/vault/documents")
}

fn ids(page: &Value) -> Vec<i64> {
    items(page).iter().map(|d| d["id"].as_i64().unwrap()).collect()
}

/// Creates a document for `audience` (published or not); returns its id.
async fn write(app: &TestApp, token: &str, title: &str, audience: Value, publish: bool) -> i64 {
    let body = json!({"title": title, "body": "## Notes\n\n* line one\n* line `two`", "audience": audience});
    let id = status(app.post(DOCUMENTS, Some(token), body).await, 201).await["id"].as_i64().unwrap();
    if publish {
        ok(app.post(&format!("{}/publish", document(id)), Some(token), json!({})).await).await;
    }
    id
}

fn only(company: i64) -> Value {
    json!({"kind": "companies", "company_ids": [company]})
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-not-a-real-image-but-the-signature-is-right";

fn file(name: &str, bytes: &[u8], mime: &str) -> Form {
    Form::new().part("file", Part::bytes(bytes.to_vec()).file_name(name.to_owned()).mime_str(mime).unwrap())
}

async fn upload(app: &TestApp, token: &str, id: i64, form: Form) -> reqwest::Response {
    app.request(Method::POST, &format!("{}/attachments", document(id)), Some(token))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn audited(app: &TestApp, admin: &str, action: &str) -> usize {
    items(&ok(app.get(&format!("/api/v1/audit-events?action={action}"), admin).await).await).len()
}

on_both!(documents_reach_their_audience_and_the_vault_roles_decide, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let (contoso, fabrikam) = (v.contoso, v.fabrikam);
    // Contoso is in the EMEA territory and the managed classification.
    let mut made = Vec::new();
    for (title, audience, publish) in [
        ("All companies", json!({"kind": "all_companies"}), true),
        ("Contoso network", only(contoso), true),
        ("Fabrikam network", only(fabrikam), true),
        ("EMEA runbook", json!({"kind": "territory", "territory": "emea"}), true),
        ("DACH runbook", json!({"kind": "territory", "territory": "DACH"}), true),
        ("Managed services", json!({"kind": "classification", "classification": "MANAGED"}), true),
        ("Premium services", json!({"kind": "classification", "classification": "premium"}), true),
        ("Provider only", json!({"kind": "internal"}), true),
        ("All companies draft", json!({"kind": "all_companies"}), false),
        ("Contoso draft", only(contoso), false),
    ] {
        made.push(write(&app, &v.staff, title, audience, publish).await);
    }
    let expect = |indexes: &[usize]| indexes.iter().map(|i| made[*i]).collect::<Vec<i64>>();

    // Staff list every document of the tenant.
    let all = ok(app.get(DOCUMENTS, &v.staff).await).await;
    assert_eq!(ids(&all), made);

    // A member without a vault role: 403 in its company, 404 in another.
    let plain = app.token(PAT_USER).await;
    problem(app.get(&company_documents(contoso), &plain).await, 403).await;
    problem(app.get(&format!("{}/{}", company_documents(contoso), made[1]), &plain).await, 403).await;
    problem(app.get(&company_documents(fabrikam), &plain).await, 404).await;
    // Customers use the company routes, not the staff ones.
    problem(app.get(DOCUMENTS, &plain).await, 403).await;
    problem(app.get(&document(made[1]), &plain).await, 403).await;

    // A vault reader reads the published documents meant for Contoso, and nothing else.
    v.grant(&app, PAT_PLUS, &["portal_user_plus", "vault_reader"]).await;
    let reader = app.token(PAT_PLUS).await;
    let seen = ok(app.get(&company_documents(contoso), &reader).await).await;
    assert_eq!(ids(&seen), expect(&[0, 1, 3, 5]), "all, Contoso, EMEA, managed; no draft");
    for (i, id) in made.iter().enumerate() {
        let res = app.get(&format!("{}/{id}", company_documents(contoso)), &reader).await;
        if [0, 1, 3, 5].contains(&i) {
            let read = ok(res).await;
            assert_eq!(read["status"], "published");
            assert_eq!(read["body"], "## Notes\n\n* line one\n* line `two`", "Markdown as written");
        } else {
            problem(res, 404).await;
        }
    }
    // Never through another company, and the search finds by title within what it may read.
    problem(app.get(&company_documents(fabrikam), &reader).await, 404).await;
    problem(app.get(&format!("{}/{}", company_documents(fabrikam), made[2]), &reader).await, 404).await;
    let found = ok(app.get(&format!("{}?q=NETWORK", company_documents(contoso)), &reader).await).await;
    assert_eq!(ids(&found), expect(&[1]), "Fabrikam's network document is not found");
    // A reader writes nothing.
    problem(
        app.post(DOCUMENTS, Some(&reader), json!({"title": "x", "body": "y", "audience": only(contoso)})).await,
        403,
    )
    .await;
    problem(app.send(Method::PATCH, &document(made[1]), &reader, json!({"title": "Renamed"})).await, 403).await;
    problem(app.send(Method::PATCH, &document(made[9]), &reader, json!({"title": "Renamed"})).await, 404).await;
    problem(app.get(&format!("{}/revisions", document(made[1])), &reader).await, 403).await;

    // Another company's member: 404 for Contoso's vault.
    let fred = app.token(FRED).await;
    problem(app.get(&company_documents(contoso), &fred).await, 404).await;
    problem(app.get(&format!("{}/{}", company_documents(contoso), made[0]), &fred).await, 404).await;
    problem(app.send(Method::PATCH, &document(made[1]), &fred, json!({"title": "Mine"})).await, 404).await;

    // A vault editor sees Contoso's drafts too, and writes Contoso's own documents only.
    v.grant(&app, ANN, &["customer_approver", "vault_editor"]).await;
    let editor = app.token(ANN).await;
    let seen = ok(app.get(&company_documents(contoso), &editor).await).await;
    assert_eq!(ids(&seen), expect(&[0, 1, 3, 5, 9]), "Contoso's own draft, not the others'");
    ok(app.get(&format!("{}/{}", company_documents(contoso), made[9]), &editor).await).await;
    problem(app.get(&format!("{}/{}", company_documents(contoso), made[8]), &editor).await, 404).await;
    let mine = write(&app, &editor, "Printers", only(contoso), false).await;
    let changed =
        ok(app.send(Method::PATCH, &document(mine), &editor, json!({"body": "Second floor: *HP 4250*"})).await).await;
    assert_eq!((changed["revision"].as_i64(), changed["company_id"].as_i64()), (Some(2), Some(contoso)));
    ok(app.post(&format!("{}/publish", document(mine)), Some(&editor), json!({})).await).await;
    let read = ok(app.get(&format!("{}/{mine}", company_documents(contoso)), &reader).await).await;
    assert_eq!(read["body"], "Second floor: *HP 4250*");
    // The provider's documents are read, never changed by an editor; another company's are 404.
    problem(app.send(Method::PATCH, &document(made[0]), &editor, json!({"title": "Mine now"})).await, 403).await;
    problem(app.post(&format!("{}/unpublish", document(made[3])), Some(&editor), json!({})).await, 403).await;
    problem(app.send(Method::DELETE, &document(made[5]), &editor, Value::Null).await, 403).await;
    problem(app.send(Method::PATCH, &document(made[2]), &editor, json!({"title": "Mine now"})).await, 404).await;
    problem(app.send(Method::PATCH, &document(made[8]), &editor, json!({"title": "Mine now"})).await, 404).await;
    problem(
        app.post(DOCUMENTS, Some(&editor), json!({"title": "x", "body": "y", "audience": only(fabrikam)})).await,
        404,
    )
    .await;
    problem(app.get(&document(mine), &editor).await, 403).await;

    // Staff change any document; an editor's delete of its own removes it for everyone.
    ok(app.send(Method::PATCH, &document(made[0]), &v.staff, json!({"title": "For everyone"})).await).await;
    assert_eq!(app.send(Method::DELETE, &document(mine), &editor, Value::Null).await.status(), 204);
    problem(app.get(&format!("{}/{mine}", company_documents(contoso)), &reader).await, 404).await;
    problem(app.get(&document(mine), &v.staff).await, 404).await;

    // Another tenant's staff see nothing.
    let other = app.other_tenant_admin().await;
    problem(app.get(&document(made[0]), &other).await, 404).await;
    problem(app.send(Method::PATCH, &document(made[0]), &other, json!({"title": "x"})).await, 404).await;

    // Every change is audited; reads are not.
    assert_eq!(audited(&app, &v.admin, "vault_document_created").await, 11);
    assert_eq!(audited(&app, &v.admin, "vault_document_published").await, 9);
    assert_eq!(audited(&app, &v.admin, "vault_document_updated").await, 2);
    assert_eq!(audited(&app, &v.admin, "vault_document_deleted").await, 1);
});

on_both!(editors_never_widen_the_audience_and_revisions_keep_every_version, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let contoso = v.contoso;
    v.grant(&app, ANN, &["customer_approver", "vault_editor"]).await;
    let editor = app.token(ANN).await;
    for audience in [
        json!({"kind": "all_companies"}),
        json!({"kind": "territory", "territory": "EMEA"}),
        json!({"kind": "classification", "classification": "managed"}),
        json!({"kind": "companies", "company_ids": [contoso, v.fabrikam]}),
        json!({"kind": "internal"}),
    ] {
        let body = json!({"title": "Wide", "body": "Text", "audience": audience});
        problem(app.post(DOCUMENTS, Some(&editor), body).await, 403).await;
        let id = write(&app, &editor, "Own", only(contoso), false).await;
        let res = app.send(Method::PATCH, &document(id), &editor, json!({"audience": audience})).await;
        problem(res, 403).await;
        let kept = ok(app.get(&format!("{}/{id}", company_documents(contoso)), &editor).await).await;
        assert_eq!((kept["audience"].clone(), kept["revision"].as_i64()), (only(contoso), Some(1)), "{audience}");
        assert_eq!(app.send(Method::DELETE, &document(id), &editor, Value::Null).await.status(), 204);
    }
    let listed = ok(app.get(DOCUMENTS, &v.staff).await).await;
    assert!(items(&listed).is_empty(), "no wider document was created");

    // Revisions: creation, edit, publication, withdrawal; newest first, each whole, paged.
    let id = write(&app, &editor, "Backups", only(contoso), false).await;
    ok(app.send(Method::PATCH, &document(id), &editor, json!({"title": "Backups (NAS)", "body": "Nightly."})).await)
        .await;
    ok(app.post(&format!("{}/publish", document(id)), Some(&editor), json!({})).await).await;
    ok(app.post(&format!("{}/unpublish", document(id)), Some(&v.staff), json!({})).await).await;
    let revisions = format!("{}/revisions", document(id));
    let page = ok(app.get(&revisions, &editor).await).await;
    let shown: Vec<(i64, String, String)> = items(&page)
        .iter()
        .map(|r| {
            let (n, title, status) = (r["revision"].as_i64().unwrap(), &r["title"], &r["status"]);
            (n, title.as_str().unwrap().to_owned(), status.as_str().unwrap().to_owned())
        })
        .collect();
    let expected: Vec<(i64, String, String)> = [
        (4, "Backups (NAS)", "draft"),
        (3, "Backups (NAS)", "published"),
        (2, "Backups (NAS)", "draft"),
        (1, "Backups", "draft"),
    ]
    .iter()
    .map(|(n, title, status)| (*n, title.to_string(), status.to_string()))
    .collect();
    assert_eq!(shown, expected);
    assert_eq!(items(&page)[3]["body"], "## Notes\n\n* line one\n* line `two`");
    assert_eq!(items(&page)[3]["audience"], only(contoso));
    let first = ok(app.get(&format!("{revisions}?limit=2"), &v.staff).await).await;
    assert_eq!(items(&first).len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let rest = ok(app.get(&format!("{revisions}?limit=2&cursor={cursor}"), &v.staff).await).await;
    assert_eq!(items(&rest).iter().map(|r| r["revision"].as_i64().unwrap()).collect::<Vec<_>>(), [2, 1]);
    assert!(rest["next_cursor"].is_null());
    // Withdrawing a draft changes nothing; If-Match refuses a stale change and takes the current one.
    let same = ok(app.post(&format!("{}/unpublish", document(id)), Some(&editor), json!({})).await).await;
    assert_eq!(same["revision"], 4);
    let stale = app.request(Method::PATCH, &document(id), Some(&editor)).header("If-Match", "\"1\"");
    problem(stale.json(&json!({"title": "Stale"})).send().await.unwrap(), 412).await;
    let current = app.request(Method::PATCH, &document(id), Some(&editor)).header("If-Match", "\"4\"");
    let res = current.json(&json!({"title": "Backups (cloud)"})).send().await.unwrap();
    assert_eq!(res.headers()["etag"], "\"5\"");
    let plain = app.token(PAT_USER).await;
    problem(app.get(&revisions, &plain).await, 403).await;
    let fred = app.token(FRED).await;
    problem(app.get(&revisions, &fred).await, 404).await;
});

on_both!(document_attachments_follow_the_document, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let contoso = v.contoso;
    let shared = write(&app, &v.staff, "Shared", json!({"kind": "all_companies"}), true).await;
    let draft = write(&app, &v.staff, "Contoso draft", only(contoso), false).await;
    let fabrikam = write(&app, &v.staff, "Fabrikam only", only(v.fabrikam), true).await;

    let saved = status(upload(&app, &v.staff, shared, file("rack.png", PNG, "image/png")).await, 201).await;
    let png = saved[0]["id"].as_i64().unwrap();
    assert_eq!((saved[0]["file_name"].as_str(), saved[0]["document_id"].as_i64()), (Some("rack.png"), Some(shared)));
    let csv = file("ports.csv", b"port,vlan\n1,10\n", "text/csv");
    let draft_file = status(upload(&app, &v.staff, draft, csv).await, 201).await[0]["id"].as_i64().unwrap();
    let fabrikam_file = status(upload(&app, &v.staff, fabrikam, file("f.png", PNG, "image/png")).await, 201).await[0]
        ["id"]
        .as_i64()
        .unwrap();

    // Refused types, and contents that are not what they claim: 422, nothing stored.
    for form in [
        file("tool.exe", b"MZ\x90\x00 an executable", "application/x-msdownload"),
        file("fake.png", b"MZ\x90\x00 an executable", "image/png"),
        file("empty.txt", b"", "text/plain"),
        Form::new().text("note_id", "1"),
    ] {
        let body = problem(upload(&app, &v.staff, shared, form).await, 422).await;
        assert!(fault(&body, "file").is_some() || fault(&body, "note_id").is_some(), "{body}");
    }
    let read = ok(app.get(&document(shared), &v.staff).await).await;
    assert_eq!(read["attachments"].as_array().unwrap().len(), 1, "only the accepted file");

    // Readers download the files of what they read, and nothing else.
    v.grant(&app, PAT_PLUS, &["portal_user_plus", "vault_reader"]).await;
    let reader = app.token(PAT_PLUS).await;
    let base = company_documents(contoso);
    let res = app.get(&format!("{base}/{shared}/attachments/{png}"), &reader).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    for path in [
        format!("{base}/{draft}/attachments/{draft_file}"),
        format!("{base}/{fabrikam}/attachments/{fabrikam_file}"),
        format!("{base}/{shared}/attachments/{draft_file}"),
    ] {
        problem(app.get(&path, &reader).await, 404).await;
    }
    problem(upload(&app, &reader, shared, file("x.png", PNG, "image/png")).await, 403).await;
    problem(app.get(&format!("{}/attachments/{png}", document(shared)), &reader).await, 403).await;
    let plain = app.token(PAT_USER).await;
    problem(app.get(&format!("{base}/{shared}/attachments/{png}"), &plain).await, 403).await;

    // An editor attaches to and removes from Contoso's own documents, and sees its draft's files.
    v.grant(&app, ANN, &["customer_approver", "vault_editor"]).await;
    let editor = app.token(ANN).await;
    let res = app.get(&format!("{base}/{draft}/attachments/{draft_file}"), &editor).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"port,vlan\n1,10\n");
    let added = status(upload(&app, &editor, draft, file("more.png", PNG, "image/png")).await, 201).await;
    let added = added[0]["id"].as_i64().unwrap();
    problem(upload(&app, &editor, shared, file("x.png", PNG, "image/png")).await, 403).await;
    problem(upload(&app, &editor, fabrikam, file("x.png", PNG, "image/png")).await, 404).await;
    let remove = format!("{}/attachments/{added}", document(draft));
    assert_eq!(app.send(Method::DELETE, &remove, &editor, Value::Null).await.status(), 204);
    problem(app.send(Method::DELETE, &remove, &editor, Value::Null).await, 404).await;
    let path = format!("{}/attachments/{png}", document(shared));
    problem(app.send(Method::DELETE, &path, &editor, Value::Null).await, 403).await;

    // Staff download and delete; a document with files is deleted with them.
    let res = app.get(&path, &v.staff).await;
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(app.send(Method::DELETE, &document(shared), &v.staff, Value::Null).await.status(), 204);
    problem(app.get(&path, &v.staff).await, 404).await;
    assert_eq!(audited(&app, &v.admin, "vault_document_attachment_added").await, 4);
    assert_eq!(audited(&app, &v.admin, "vault_document_attachment_removed").await, 1);
});

on_both!(bad_document_input_is_a_422_that_changes_nothing, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let good = json!({"title": "T", "body": "B", "audience": {"kind": "all_companies"}});
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    for (bad, field) in [
        (with("colour", json!("red")), "colour"),
        (with("title", json!("x".repeat(201))), "title"),
        (with("title", json!("   ")), "title"),
        (with("body", json!("")), "body"),
        (with("body", json!("x".repeat(50_001))), "body"),
        (with("body", json!("bell \u{7}")), "body"),
        (with("audience", json!({"kind": "everyone"})), "audience"),
        (with("audience", json!({"kind": "companies", "company_ids": []})), "/audience/company_ids"),
        (with("audience", json!({"kind": "companies", "company_ids": [999999]})), "/audience/company_ids"),
        (with("audience", json!({"kind": "territory", "territory": " "})), "/audience/territory"),
    ] {
        let body = problem(app.post(DOCUMENTS, Some(&v.staff), bad.clone()).await, 422).await;
        assert!(fault(&body, field).is_some(), "{bad}: {body}");
    }
    assert!(items(&ok(app.get(DOCUMENTS, &v.staff).await).await).is_empty(), "nothing was created");

    let id = write(&app, &v.staff, "Firewall rules", only(v.contoso), false).await;
    for (bad, field) in [
        (json!({"title": ""}), "title"),
        (json!({"title": null}), "title"),
        (json!({"body": "x", "author": 1}), "author"),
        (json!({"audience": {"kind": "companies", "company_ids": [999999]}}), "/audience/company_ids"),
    ] {
        let body = problem(app.send(Method::PATCH, &document(id), &v.staff, bad.clone()).await, 422).await;
        assert!(fault(&body, field).is_some(), "{bad}: {body}");
    }
    let current = ok(app.get(&document(id), &v.staff).await).await;
    assert_eq!((current["title"].as_str(), current["revision"].as_i64()), (Some("Firewall rules"), Some(1)));
    let long = format!("q={}", "x".repeat(201));
    for query in ["status=gone", "limit=0", "cursor=nope", long.as_str()] {
        problem(app.get(&format!("{DOCUMENTS}?{query}"), &v.staff).await, 422).await;
    }
    v.grant(&app, PAT_PLUS, &["portal_user_plus", "vault_reader"]).await;
    let reader = app.token(PAT_PLUS).await;
    problem(app.get(&format!("{}?limit=201", company_documents(v.contoso)), &reader).await, 422).await;
    // updated_from narrows a list to what changed since.
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let page = ok(app.get(&format!("{DOCUMENTS}?updated_from={later}"), &v.staff).await).await;
    assert!(items(&page).is_empty());
    let page = ok(app.get(&format!("{DOCUMENTS}?updated_from=2020-01-01T00:00:00Z"), &v.staff).await).await;
    assert_eq!(ids(&page), [id]);
});
