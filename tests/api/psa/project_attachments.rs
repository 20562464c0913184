//! Files attached to projects: whoever reads the project (staff, managers of its company, basic
//! users on its team) uploads, lists and downloads them; staff remove them; anyone else gets 404.
//! The tickets' type checks and limits apply, and a refused upload stores nothing. The PSA finds
//! each file in its changes cursor, between the notes, and downloads it with its credential.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use super::{setup, Psa};
use crate::harness::{problem, TestApp};
use crate::on_both;
use crate::tickets::{ok, status};

const PDF: &[u8] = b"%PDF-1.7\n% a floor plan, as far as the signature goes\n";

fn part(name: &str, mime: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_owned()).mime_str(mime).unwrap()
}

fn pdf(name: &str) -> Form {
    Form::new().part("file", part(name, "application/pdf", PDF))
}

async fn upload(app: &TestApp, token: &str, project: i64, form: Form) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/projects/{project}/attachments"), Some(token))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn listed(app: &TestApp, token: &str, project: i64) -> Vec<String> {
    let list = ok(app.get(&format!("/api/v1/projects/{project}/attachments"), token).await).await;
    list["items"].as_array().unwrap().iter().map(|a| a["file_name"].as_str().unwrap().to_owned()).collect()
}

/// The files in the attachment storage.
fn stored_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map_or(0, |entries| entries.flatten().map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum())
    }
    count(app.attachments_dir())
}

/// Syncs Contoso's project with Pat (a basic user) on its team, Contoso's project without, and
/// Fabrikam's; returns their ids.
async fn projects(app: &TestApp, psa: &Psa) -> (i64, i64, i64) {
    let project = |psa_id: &str, company: i64, team: Value| {
        json!({"psa_id": psa_id, "company_id": company, "name": format!("Project {psa_id}"), "status": "in_progress",
            "team": team})
    };
    let team = json!([{"name": "Tom Tech", "email": "tech@demo.example", "technician": true},
        {"name": "Pat User", "email": "pat.user@demo.example"}]);
    let body = json!({"upsert": [project("F-PAT", psa.contoso, team), project("F-OTHER", psa.contoso, json!([])),
        project("F-FAB", psa.fabrikam, json!([]))]});
    let res = app.request(Method::PUT, "/api/v1/psa/projects", Some(&psa.sync)).json(&body).send().await.unwrap();
    let synced = ok(res).await;
    let id = |k: usize| synced["upserted"][k]["id"].as_i64().unwrap();
    (id(0), id(1), id(2))
}

async fn changes(app: &TestApp, psa: &Psa, cursor: i64) -> Value {
    ok(app.request(Method::GET, &format!("/api/v1/psa/changes?cursor={cursor}"), Some(&psa.sync)).send().await.unwrap())
        .await
}

on_both!(project_readers_attach_and_download_files_and_no_one_else, |app: TestApp| async move {
    let psa = setup(&app).await;
    let (on_team, other, fabrikam) = projects(&app, &psa).await;
    let pat = app.token("pat.user@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;

    // A basic user on the team, staff and a manager of the company upload.
    let saved = status(upload(&app, &pat, on_team, pdf("plan.pdf")).await, 201).await;
    assert_eq!(
        (saved[0]["file_name"].as_str(), saved[0]["content_type"].as_str(), saved[0]["size_bytes"].as_u64()),
        (Some("plan.pdf"), Some("application/pdf"), Some(PDF.len() as u64))
    );
    assert_eq!(saved[0]["project_id"], on_team);
    let file = saved[0]["id"].as_i64().unwrap();
    status(upload(&app, &tech, on_team, pdf("tech.pdf")).await, 201).await;
    status(upload(&app, &plus, other, pdf("manager.pdf")).await, 201).await;
    assert_eq!(listed(&app, &pat, on_team).await, ["plan.pdf", "tech.pdf"]);
    assert_eq!(listed(&app, &plus, on_team).await, ["plan.pdf", "tech.pdf"]);

    // Who reads the project downloads the file, as tickets' files are sent.
    let path = format!("/api/v1/projects/{on_team}/attachments/{file}");
    for token in [&pat, &plus, &tech] {
        let res = app.get(&path, token).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(res.headers()["content-disposition"].to_str().unwrap().contains("plan.pdf"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    }

    // A basic user not on the team, another company's user, another tenant: 404, as the project.
    let morgan = app.token("morgan.multi@demo.example").await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    let stranger = app.other_tenant_admin().await;
    for token in [&morgan, &fred, &stranger] {
        problem(app.get(&format!("/api/v1/projects/{on_team}/attachments"), token).await, 404).await;
        problem(app.get(&path, token).await, 404).await;
        problem(upload(&app, token, on_team, pdf("x.pdf")).await, 404).await;
    }
    // Pat reads no file of a project Pat does not see, nor one through a project it is not of.
    problem(upload(&app, &pat, other, pdf("x.pdf")).await, 404).await;
    problem(app.get(&format!("/api/v1/projects/{other}/attachments"), &pat).await, 404).await;
    problem(app.get(&format!("/api/v1/projects/{fabrikam}/attachments/{file}"), &tech).await, 404).await;
    problem(app.get(&format!("/api/v1/projects/{on_team}/attachments/999999"), &tech).await, 404).await;

    // On the team but without a role that reads projects (a vault role only): 404 as well.
    let pat_id = crate::tickets::user_id(&app, &psa.staff, "pat.user@demo.example").await;
    let paula = app.token("paula.admin@demo.example").await;
    let roles = format!("/api/v1/companies/{}/contacts/{pat_id}/roles", psa.contoso);
    ok(app.send(Method::PUT, &roles, &paula, json!({"roles": ["vault_reader"]})).await).await;
    let vault_only = app.token("pat.user@demo.example").await;
    problem(app.get(&path, &vault_only).await, 404).await;
    problem(upload(&app, &vault_only, on_team, pdf("x.pdf")).await, 404).await;
    ok(app.send(Method::PUT, &roles, &paula, json!({"roles": ["portal_user"]})).await).await;
    let pat = app.token("pat.user@demo.example").await;

    // Only staff remove a file; customers who read it get 403, others 404.
    problem(app.send(Method::DELETE, &path, &pat, json!(null)).await, 403).await;
    problem(app.send(Method::DELETE, &path, &plus, json!(null)).await, 403).await;
    problem(app.send(Method::DELETE, &path, &fred, json!(null)).await, 404).await;
    problem(app.send(Method::DELETE, &path, &stranger, json!(null)).await, 404).await;
    assert_eq!(listed(&app, &tech, on_team).await, ["plan.pdf", "tech.pdf"]);
    let before = stored_files(&app);
    assert_eq!(app.send(Method::DELETE, &path, &tech, json!(null)).await.status(), 204);
    assert_eq!(stored_files(&app), before - 1, "the contents are removed with the record");
    problem(app.get(&path, &pat).await, 404).await;
    problem(app.send(Method::DELETE, &path, &tech, json!(null)).await, 404).await;
    assert_eq!(listed(&app, &pat, on_team).await, ["tech.pdf"]);

    // Removing the project removes its files, in the database and in storage.
    let before = stored_files(&app);
    assert_eq!(
        app.send(Method::DELETE, &format!("/api/v1/projects/{on_team}"), &tech, json!(null)).await.status(),
        204
    );
    assert_eq!(stored_files(&app), before - 1);
});

on_both!(refused_project_uploads_change_nothing, |app: TestApp| async move {
    let psa = setup(&app).await;
    let (project, _, _) = projects(&app, &psa).await;
    let pat = app.token("pat.user@demo.example").await;
    let bad = [
        part("setup.exe", "application/x-msdownload", b"MZ\x90\x00"),
        part("fake.pdf", "application/pdf", b"MZ\x90\x00 an executable"),
        part("notes.txt", "text/plain", b"binary\x00data"),
        part("empty.txt", "text/plain", b""),
    ];
    for p in bad {
        let body = problem(upload(&app, &pat, project, Form::new().part("file", p)).await, 422).await;
        assert!(crate::harness::fault(&body, "file").is_some(), "{body}");
    }
    problem(upload(&app, &pat, project, Form::new().text("comment", "no file")).await, 422).await;
    // A project's files belong to no note.
    problem(upload(&app, &pat, project, pdf("a.pdf").text("note_id", "1")).await, 422).await;
    let res = app
        .request(Method::POST, &format!("/api/v1/projects/{project}/attachments"), Some(&pat))
        .json(&json!({"file": "nope"}))
        .send()
        .await
        .unwrap();
    problem(res, 415).await;

    // The test server allows 256 KiB per file and 1 MiB in all.
    let big = vec![b'a'; 256 * 1024 + 1];
    problem(upload(&app, &pat, project, Form::new().part("file", part("big.txt", "text/plain", &big))).await, 413)
        .await;
    assert!(listed(&app, &pat, project).await.is_empty(), "nothing was recorded");
    assert_eq!(stored_files(&app), 0, "nothing was stored");
    let quarter = vec![b'a'; 256 * 1024];
    for i in 0..4 {
        let form = Form::new().part("file", part(&format!("part{i}.txt"), "text/plain", &quarter));
        status(upload(&app, &pat, project, form).await, 201).await;
    }
    let form = Form::new().part("file", part("one-more.txt", "text/plain", b"x"));
    problem(upload(&app, &pat, project, form).await, 413).await;
    assert_eq!(listed(&app, &pat, project).await.len(), 4);
    assert_eq!(stored_files(&app), 4);
    assert!(changes(&app, &psa, 0).await["items"].as_array().unwrap().len() == 4, "refusals reach no cursor");
});

on_both!(the_psa_reads_project_files_through_its_cursor_and_downloads_them, |app: TestApp| async move {
    let psa = setup(&app).await;
    let (project, other, _) = projects(&app, &psa).await;
    let pat = app.token("pat.user@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    status(
        app.post(&format!("/api/v1/projects/{project}/notes"), Some(&pat), json!({"body": "Plan attached."})).await,
        201,
    )
    .await;
    let file = status(upload(&app, &pat, project, pdf("plan.pdf")).await, 201).await[0]["id"].as_i64().unwrap();
    status(
        app.post(&format!("/api/v1/projects/{project}/notes"), Some(&pat), json!({"body": "See above."})).await,
        201,
    )
    .await;

    let page = changes(&app, &psa, 0).await;
    let items = page["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["project_note", "project_attachment", "project_note"], "{page}");
    let listed = &items[1];
    assert_eq!(listed["attachment_id"], file);
    assert_eq!(listed["project_psa_id"], "F-PAT");
    assert_eq!(
        (listed["file_name"].as_str(), listed["size_bytes"].as_u64()),
        (Some("plan.pdf"), Some(PDF.len() as u64))
    );
    assert_eq!(
        (listed["author_name"].as_str(), listed["author_email"].as_str()),
        (Some("Pat User"), Some("pat.user@demo.example"))
    );
    assert!(listed.get("body").is_none() && items[0].get("attachment_id").is_none());
    assert_eq!(page["cursor"], items[2]["change_id"]);

    // The PSA downloads it with its credential, at the path the cursor gave.
    let download = listed["download_path"].as_str().unwrap().to_owned();
    let res = app.request(Method::GET, &download, Some(&psa.sync)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    // Not without it, not with a user's token, not another tenant's file.
    problem(app.request(Method::GET, &download, None).send().await.unwrap(), 401).await;
    problem(app.request(Method::GET, &download, Some(&tech)).send().await.unwrap(), 401).await;
    let other_tenant = app.other_tenant_admin().await;
    let other_sync = ok(app.post("/api/v1/psa/integration/sync-token", Some(&other_tenant), json!({})).await).await
        ["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    problem(app.request(Method::GET, &download, Some(&other_sync)).send().await.unwrap(), 404).await;
    let theirs = ok(app.request(Method::GET, "/api/v1/psa/changes", Some(&other_sync)).send().await.unwrap()).await;
    assert!(theirs["items"].as_array().unwrap().is_empty(), "{theirs}");

    // After the cursor: only what came later, a staff upload included.
    let cursor = page["cursor"].as_i64().unwrap();
    assert!(changes(&app, &psa, cursor).await["items"].as_array().unwrap().is_empty());
    let later = status(upload(&app, &tech, other, pdf("later.pdf")).await, 201).await[0]["id"].as_i64().unwrap();
    let next = changes(&app, &psa, cursor).await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1, "{next}");
    assert_eq!(
        (next["items"][0]["attachment_id"].as_i64(), next["items"][0]["author_name"].as_str()),
        (Some(later), Some("Tom Tech"))
    );
    // A file removed before the PSA read it is not listed, and its download is gone.
    let path = format!("/api/v1/projects/{other}/attachments/{later}");
    assert_eq!(app.send(Method::DELETE, &path, &tech, json!(null)).await.status(), 204);
    assert!(changes(&app, &psa, cursor).await["items"].as_array().unwrap().is_empty());
    let gone = format!("/api/v1/psa/project-attachments/{later}");
    problem(app.request(Method::GET, &gone, Some(&psa.sync)).send().await.unwrap(), 404).await;
});
