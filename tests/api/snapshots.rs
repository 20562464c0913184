//! The shape of a representative answer of each resource, as snapshots in `snapshots/`. After an
//! intended change, `INSTA_UPDATE=always cargo test --test api -- snapshots::` rewrites them (no
//! cargo-insta needed): review the change with `git diff`, then run once more without the variable.
//!
//! Ids, times, tokens and ETags are redacted, so one snapshot serves the SQLite and the PostgreSQL
//! run alike: a difference between the backends fails the test like a change of shape does.

use insta::internals::Content;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::harness::{Backend, TestApp};
use crate::on_both;
use crate::rmm::{self, PAT_PC};
use crate::tickets::{companies, company_id, create, ok, status, user_id};

/// Keys that hold an id (numbering differs between the backends); only numbers are redacted, as
/// ids given by an RMM (`machine_id`) or a package manager (`chocolatey_id`) are fixed here.
const IDS: &[&str] = &[
    "id",
    "action_id",
    "actor_id",
    "actor_user_id",
    "article_id",
    "assignee_id",
    "author_id",
    "category_id",
    "company_id",
    "company_ids[]",
    "contact_id",
    "created_by",
    "custom_field_id",
    "device_id",
    "note_id",
    "parent_company_id",
    "parent_id",
    "queue_id",
    "request_type_id",
    "requester_id",
    "software_id",
    "subject_id",
    "target_id",
    "ticket_id",
    "updated_by",
    "user_id",
    "validation_id",
];

/// Keys that hold a point in time.
const TIMES: &[&str] = &[
    "at",
    "closed_at",
    "created_at",
    "deadline",
    "decided_at",
    "dispatched_at",
    "due_at",
    "expires_at",
    "finished_at",
    "last_seen_at",
    "last_used_at",
    "link_expires_at",
    "next_attempt_at",
    "published_at",
    "requested_at",
    "revoked_at",
    "sent_at",
    "synced_at",
    "updated_at",
    "valid_until",
];

/// Keys that hold a secret or an opaque value made at random.
const SECRETS: &[&str] = &[
    "access_token",
    "link_token",
    "mfa_token",
    "next_cursor",
    "refresh_token",
    "registration_token",
    "secret",
    "token",
];

/// Replaces a value by `placeholder`, keeping a null a null (whether a value is there is part of
/// the shape).
fn redact(placeholder: &'static str) -> insta::internals::Redaction {
    insta::dynamic_redaction(move |value: Content, _| if value.is_nil() { value } else { Content::from(placeholder) })
}

/// Replaces a number by `[id]`.
fn redact_number() -> insta::internals::Redaction {
    insta::dynamic_redaction(|value: Content, _| if value.as_i64().is_some() { Content::from("[id]") } else { value })
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    // The same file for both backends' tests.
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for key in IDS {
        settings.add_redaction(&format!(".**.{key}"), redact_number());
    }
    for key in TIMES {
        settings.add_redaction(&format!(".**.{key}"), redact("[time]"));
    }
    for key in SECRETS {
        settings.add_redaction(&format!(".**.{key}"), redact("[secret]"));
    }
    settings.add_redaction(".etag", redact("[etag]"));
    settings
}

/// Asserts `answer` matches the snapshot `name`.
fn snapshot(name: &str, answer: &Value) {
    snapshot_with(name, answer, settings());
}

fn snapshot_with(name: &str, answer: &Value, settings: insta::Settings) {
    settings.bind(|| insta::assert_json_snapshot!(name, answer));
}

/// An answer as a client sees it: status, content type, ETag (when sent) and body.
async fn answer(res: Response) -> Value {
    let status = res.status().as_u16();
    let header = |name: &str| res.headers().get(name).map(|v| v.to_str().expect("an ASCII header").to_owned());
    let (content_type, etag) = (header("content-type"), header("etag"));
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    let mut answer = json!({"status": status, "content_type": content_type, "body": body});
    if let Some(etag) = etag {
        answer["etag"] = json!(etag);
    }
    answer
}

/// A server whose outbox keeps its messages queued, so what is listed does not move on.
async fn without_worker(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |config| config.outbox_worker = false).await
}

on_both!(people_companies_and_tickets, backend => |backend| async move {
    let app = without_worker(backend).await;
    let staff = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let pat = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &staff).await;

    snapshot("me", &answer(app.get("/api/v1/me", &pat).await).await);
    snapshot("company", &answer(app.get(&format!("/api/v1/companies/{contoso}"), &staff).await).await);
    snapshot(
        "company_settings",
        &answer(app.get(&format!("/api/v1/companies/{contoso}/settings"), &staff).await).await,
    );
    let pat_id = user_id(&app, &staff, "pat.user@demo.example").await;
    snapshot("user", &answer(app.get(&format!("/api/v1/users/{pat_id}"), &staff).await).await);

    let new = json!({"title": "Monitor flickers", "description": "Since this morning.",
        "custom_fields": {"site": "Zurich"}});
    let ticket = create(&app, &pat, contoso, new).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/tickets/{ticket}");
    ok(app.send(Method::PATCH, &path, &staff, json!({"priority": "high", "custom_fields": {"cost_center": "CC-7"}}))
        .await)
    .await;
    let note = app.post(&format!("{path}/notes"), Some(&tech), json!({"body": "A new cable is on its way."})).await;
    snapshot("ticket_note", &answer(note).await);
    snapshot("ticket_staff_view", &answer(app.get(&path, &staff).await).await);
    snapshot("ticket_portal_view", &answer(app.get(&path, &pat).await).await);
    let mut history = settings();
    // A note's line names the note by its id.
    history.add_redaction(".body.items[2].new_value", "[id]");
    snapshot_with("ticket_history", &answer(app.get(&format!("{path}/history"), &pat).await).await, history);
    snapshot(
        "ticket_page",
        &answer(app.get(&format!("/api/v1/companies/{contoso}/tickets?limit=2"), &pat).await).await,
    );
    snapshot(
        "ticket_form",
        &answer(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &pat).await).await,
    );

    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-the-signature-is-enough";
    let file = Part::bytes(png.to_vec()).file_name("screen.png").mime_str("image/png").unwrap();
    let upload = app.request(Method::POST, &format!("{path}/attachments"), Some(&pat));
    status(upload.multipart(Form::new().part("file", file)).send().await.unwrap(), 201).await;
    snapshot("attachments", &answer(app.get(&format!("{path}/attachments"), &pat).await).await);

    let catalogues = json!({
        "request_types": answer(app.get("/api/v1/request-types", &staff).await).await,
        "queues": answer(app.get("/api/v1/queues", &staff).await).await,
        "custom_fields": answer(app.get("/api/v1/custom-fields", &staff).await).await,
    });
    snapshot("catalogues", &catalogues);

    snapshot("error_404", &answer(app.get("/api/v1/tickets/987654321", &staff).await).await);
    let invalid = json!({"title": " ", "description": "No title."});
    let refused = app.post(&format!("/api/v1/companies/{contoso}/tickets"), Some(&pat), invalid).await;
    snapshot("error_422", &answer(refused).await);
});

on_both!(knowledge_base, backend => |backend: Backend| async move {
    let app = without_worker(backend).await;
    let tech = app.token("tech@demo.example").await;
    let pat = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &pat, "Contoso Ltd").await;
    let portal = format!("/api/v1/companies/{contoso}/kb");
    let list = ok(app.get(&format!("{portal}/articles?limit=50"), &pat).await).await;
    let article = list["items"].as_array().unwrap().iter().find(|a| a["title"] == "Reset your password").unwrap()
        ["id"]
        .as_i64()
        .unwrap();
    snapshot("kb_article_portal_view", &answer(app.get(&format!("{portal}/articles/{article}"), &pat).await).await);
    snapshot("kb_article_staff_view", &answer(app.get(&format!("/api/v1/kb/articles/{article}"), &tech).await).await);
    let found = answer(app.get(&format!("{portal}/search?q=password"), &pat).await).await;
    // Scores are relative within one answer (so documented), and each backend scores its own way.
    // The snippets differ too: SQLite's FTS5 cuts a longer passage and marks the cuts with `…`,
    // PostgreSQL's ts_headline does neither; they are kept per backend, so a change shows.
    let mut search = settings();
    search.add_redaction(".body.items[].score", "[score]");
    search.add_redaction(".body.items[].snippet", "[snippet]");
    snapshot_with("kb_search", &found, search);
    let snippets: Vec<&Value> = found["body"]["items"].as_array().unwrap().iter().map(|i| &i["snippet"]).collect();
    let mut per_backend = settings();
    per_backend.set_snapshot_suffix(format!("{backend:?}").to_lowercase());
    snapshot_with("kb_search_snippets", &json!(snippets), per_backend);
});

on_both!(approvals_and_outbox, backend => |backend| async move {
    let app = without_worker(backend).await;
    let staff = app.token("admin@demo.example").await;
    let pat = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &staff).await;
    let new = json!({"title": "File server slow", "description": "Opening files takes a minute."});
    let ticket = create(&app, &pat, contoso, new).await["id"].as_i64().unwrap();
    let asked = app
        .post(
            &format!("/api/v1/tickets/{ticket}/validations"),
            Some(&staff),
            json!({"question": "May we restart the file server tonight?"}),
        )
        .await;
    snapshot("validation", &answer(asked).await);
    let change = json!({"title": "Replace the firewall", "description": "Swap the FG-60E.",
        "reason": "End of support", "risk": "high", "estimated_cost_cents": 125050, "currency": "EUR"});
    let proposed = app.post(&format!("/api/v1/companies/{contoso}/change-requests"), Some(&staff), change).await;
    snapshot("change_request", &answer(proposed).await);
    // Message texts carry the server's own address (a random port), ids in links and times.
    let mut outbox = settings();
    outbox.add_filter(&app.base.replace('.', r"\."), "[server]");
    outbox.add_filter(r"/\d+\b", "/[id]");
    outbox.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "[time]");
    snapshot_with("outbox_page", &answer(app.get("/api/v1/outbox", &staff).await).await, outbox);
});

on_both!(devices_and_self_service, backend => |backend| async move {
    let app = without_worker(backend).await;
    let rmm = rmm::setup(&app).await;
    let hook = json!({"enabled": true, "webhook_url": "http://127.0.0.1:9/clientdesk-hook",
        "allow_private_targets": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, hook).await).await;
    snapshot("integration", &answer(app.get("/api/v1/rmm/integration", &rmm.staff).await).await);
    let (pat_pc, _) = rmm.device(PAT_PC);
    snapshot("device", &answer(app.get(&format!("/api/v1/devices/{pat_pc}"), &rmm.staff).await).await);

    let software = json!({"name": "Keka", "homebrew_cask": "keka"});
    snapshot("software", &answer(app.post("/api/v1/software", Some(&rmm.staff), software).await).await);

    let pat = app.token("pat.user@demo.example").await;
    let code = app.code("pat.user@demo.example");
    ok(app.post("/api/v1/me/step-up", Some(&pat), json!({"code": code})).await).await;
    let action = app.post(&format!("/api/v1/devices/{pat_pc}/actions"), Some(&pat), json!({"kind": "restart"})).await;
    snapshot("self_service_action", &answer(action).await);

    let new = json!({"name": "export", "read_only": true, "expires_in_days": 30});
    status(app.post("/api/v1/me/api-tokens", Some(&pat), new).await, 201).await;
    snapshot("api_tokens", &answer(app.get("/api/v1/me/api-tokens", &pat).await).await);

    app.password_step("pat.user@demo.example", "not the password").await;
    let events = app.get("/api/v1/audit-events?action=signin_failed&limit=1", &rmm.staff).await;
    snapshot("audit_events", &answer(events).await);
});
