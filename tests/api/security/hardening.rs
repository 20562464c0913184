//! Hardening across the API: bodies must be JSON objects, lists and filters respect what
//! customers may see, uploads are bounded, secrets are encrypted at rest, answers are not sniffed.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, Backend, TestApp, PASSWORD};
use crate::on_both;
use crate::rmm;
use crate::tickets::{ok, status};

/// Every stored TOTP secret (current and pending) and RMM key, straight from the database.
async fn stored_secrets(app: &TestApp) -> (Vec<(i64, Option<String>, Option<String>)>, Vec<(String, Option<String>)>) {
    use clientdesk_persistence::schema::{rmm_integrations, users};
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let users = users::table
            .select((users::id, users::totp_secret, users::totp_pending_secret))
            .load::<(i64, Option<String>, Option<String>)>(&mut *conn)
            .unwrap();
        let rmm = rmm_integrations::table
            .select((rmm_integrations::secret, rmm_integrations::previous_secret))
            .load::<(String, Option<String>)>(&mut *conn)
            .unwrap();
        (users, rmm)
    })
    .await
    .unwrap()
}

fn sealed(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.starts_with("vault:v1:"))
}

/// Password, then a code of `secret`: the access token.
async fn sign_in_with(app: &TestApp, email: &str, secret: &str) -> String {
    let first: Value = ok(app.password_step(email, PASSWORD).await).await;
    assert_eq!(first["status"], "mfa_required", "{first}");
    let code = app.code_for(email, secret);
    let done =
        ok(app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": first["mfa_token"], "code": code})).await)
            .await;
    done["access_token"].as_str().unwrap().to_owned()
}

on_both!(totp_secrets_are_stored_sealed_and_still_sign_in, |app: TestApp| async move {
    let email = "fred.fabrikam@demo.example";
    let fred = app.token(email).await;
    let start = ok(app.post("/api/v1/me/2fa/enrollment", Some(&fred), json!({})).await).await;
    let secret = start["secret"].as_str().unwrap().to_owned();
    let (users, _) = stored_secrets(&app).await;
    assert!(users.iter().all(|(_, s, p)| sealed(s) && sealed(p)), "{users:?}");
    assert!(!format!("{users:?}").contains(&secret), "the pending secret is stored in clear");

    let code = app.code_for(email, &secret);
    ok(app.post("/api/v1/me/2fa/enrollment/confirm", Some(&fred), json!({"code": code})).await).await;
    let (users, _) = stored_secrets(&app).await;
    assert!(users.iter().all(|(_, s, p)| sealed(s) && sealed(p)), "{users:?}");
    let text = format!("{users:?}");
    assert!(!text.contains(&secret), "the enrolled secret is stored in clear");
    for user in &app.users {
        if let Some(demo) = &user.totp_secret {
            assert!(!text.contains(demo.as_str()), "{} has its secret in clear", user.email);
        }
    }
    // Both the enrolled and a seeded secret still sign in; a wrong code still does not.
    let token = sign_in_with(&app, email, &secret).await;
    ok(app.get("/api/v1/me", &token).await).await;
    app.token("pat.user@demo.example").await;
    let first: Value = ok(app.password_step(email, PASSWORD).await).await;
    let wrong = app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": first["mfa_token"], "code": "000000"}));
    problem(wrong.await, 401).await;
});

on_both!(rmm_keys_are_stored_sealed_and_still_check_signed_links, |app: TestApp| async move {
    let setup = rmm::setup(&app).await;
    let (_, integrations) = stored_secrets(&app).await;
    assert_eq!(integrations.len(), 1);
    assert!(integrations.iter().all(|(s, p)| sealed(&Some(s.clone())) && sealed(p)), "{integrations:?}");
    assert!(!format!("{integrations:?}").contains(&setup.secret));
    let link = rmm::signed(&setup.secret, rmm::FRED_PC, rmm::now(), &rmm::nonce());
    let answer = ok(rmm::open(&app, &link).await).await;
    assert_eq!(answer["status"], "agent_session", "{answer}");
    // A link signed with anything else, such as the stored value, is refused.
    let stored = integrations[0].0.clone();
    let forged = rmm::signed(&stored, rmm::FRED_PC, rmm::now(), &rmm::nonce());
    problem(rmm::open(&app, &forged).await, 401).await;
});

on_both!(secrets_stored_in_clear_are_sealed_at_start_and_keep_working, |app: TestApp| async move {
    // A secret written in clear, as before encryption at rest.
    use clientdesk_persistence::schema::users;
    let email = "pat.user@demo.example";
    let plain = app.secret(email);
    let db = app.state.db.clone();
    let plain_in = plain.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::totp_secret.eq(plain_in))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
    // Read in clear while it is, then sealed by the next server to start.
    app.token(email).await;
    let _second = app.second_server();
    let (users, _) = stored_secrets(&app).await;
    assert!(users.iter().all(|(_, s, p)| sealed(s) && sealed(p)), "{users:?}");
    assert!(!format!("{users:?}").contains(&plain));
    sign_in_with(&app, email, &plain).await;
});

on_both!(every_answer_forbids_content_sniffing, |app: TestApp| async move {
    let staff = app.token("tech@demo.example").await;
    let answers = [
        app.get("/api/v1/me", &staff).await,
        app.request(Method::GET, "/api/v1/me", None).send().await.unwrap(),
        app.request(Method::GET, "/health/live", None).send().await.unwrap(),
        app.request(Method::GET, "/api/v1/no-such-thing", None).send().await.unwrap(),
        app.post("/api/v1/auth/login", None, json!({"tenant": "demo"})).await,
    ];
    for res in answers {
        assert_eq!(
            res.headers().get("x-content-type-options").map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{} {}",
            res.url(),
            res.status()
        );
    }
});

on_both!(metrics_are_not_served_publicly_without_a_token, backend => |backend: Backend| async move {
    // By default: not on the API's address at all.
    let app = TestApp::spawn(backend).await;
    problem(app.request(Method::GET, "/metrics", None).send().await.unwrap(), 404).await;
    let staff = app.token("admin@demo.example").await;
    problem(app.get("/metrics", &staff).await, 404).await;
    drop(app);

    // With a token: only with that token.
    let app = TestApp::spawn_with(backend, |c| c.http.metrics_token = Some("metrics-secret-1".into())).await;
    problem(app.request(Method::GET, "/metrics", None).send().await.unwrap(), 401).await;
    let staff = app.token("admin@demo.example").await;
    problem(app.get("/metrics", &staff).await, 401).await;
    let res = app.get("/metrics", "metrics-secret-1").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("clientdesk_http_responses_total"));
});

on_both!(metrics_on_their_own_address_are_not_on_the_api_address, backend => |backend: Backend| async move {
    let app = TestApp::spawn_with(backend, |c| c.metrics_listen = Some("127.0.0.1:0".into())).await;
    problem(app.request(Method::GET, "/metrics", None).send().await.unwrap(), 404).await;
    let port = app.metrics_port.expect("the metrics address is bound");
    let res = app.client.get(format!("http://127.0.0.1:{port}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("clientdesk_signins_total"));
    let other = app.client.get(format!("http://127.0.0.1:{port}/api/v1/me")).send().await.unwrap();
    assert_eq!(other.status(), 404);
});

/// Runs `f` on a connection of the app's database.
async fn with_db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut clientdesk_persistence::DbConnection) -> T + Send + 'static,
) -> T {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || f(&mut db.conn().unwrap())).await.unwrap()
}

on_both!(ticket_history_comes_in_pages_of_at_most_200, |app: TestApp| async move {
    use clientdesk_persistence::schema::ticket_events;
    let staff = app.token("tech@demo.example").await;
    let (contoso, ..) = crate::tickets::companies(&app, &staff).await;
    let pat = app.token("pat.user@demo.example").await;
    let ticket = crate::tickets::create(&app, &pat, contoso, json!({"title": "Noisy", "description": "x"})).await;
    let id = ticket["id"].as_i64().unwrap();
    with_db(&app, move |conn| {
        let tenant: i64 = clientdesk_persistence::schema::tickets::table
            .find(id)
            .select(clientdesk_persistence::schema::tickets::tenant_id)
            .first(conn)
            .unwrap();
        let now = chrono::Utc::now().naive_utc();
        for n in 0..250 {
            diesel::insert_into(ticket_events::table)
                .values((
                    ticket_events::tenant_id.eq(tenant),
                    ticket_events::ticket_id.eq(id),
                    ticket_events::kind.eq("updated"),
                    ticket_events::field.eq("title"),
                    ticket_events::new_value.eq(format!("Noisy {n}")),
                    ticket_events::internal.eq(false),
                    ticket_events::created_at.eq(now),
                ))
                .execute(conn)
                .unwrap();
        }
    })
    .await;
    let path = format!("/api/v1/tickets/{id}/history");
    let page = ok(app.get(&path, &staff).await).await;
    let first: Vec<Value> = page["items"].as_array().unwrap().clone();
    assert_eq!(first.len(), 200);
    let next = page["next_cursor"].as_str().expect("a next page");
    let page = ok(app.get(&format!("{path}?cursor={next}"), &staff).await).await;
    assert!(page["next_cursor"].is_null(), "{page}");
    let second: Vec<Value> = page["items"].as_array().unwrap().clone();
    assert_eq!(first.len() + second.len(), 251, "every event once, the creation included");
    assert!(first.last().unwrap()["id"].as_i64() < second[0]["id"].as_i64());
    let small = ok(app.get(&format!("{path}?limit=10"), &staff).await).await;
    assert_eq!(small["items"].as_array().unwrap().len(), 10);
    problem(app.get(&format!("{path}?limit=201"), &staff).await, 422).await;
    problem(app.get(&format!("{path}?cursor=nonsense"), &staff).await, 422).await;
});

on_both!(api_tokens_are_capped_in_number_and_in_the_list, |app: TestApp| async move {
    let email = "pat.user@demo.example";
    let token = app.token(email).await;
    let me = ok(app.get("/api/v1/me", &token).await).await;
    let user = clientdesk_domain::ids::UserId(me["id"].as_i64().unwrap());
    let create = json!({"name": "script", "read_only": true, "expires_in_days": 30});
    ok(app.post("/api/v1/me/api-tokens", Some(&token), create.clone()).await).await;
    // 49 more live tokens and 100 revoked ones, straight into the database.
    with_db(&app, move |conn| {
        use clientdesk_persistence::tokens;
        let tenant = clientdesk_persistence::tenants::find_by_slug(conn, "demo").unwrap().id;
        let now = chrono::Utc::now();
        for n in 0..149 {
            let t = tokens::insert_api_token(
                conn,
                tenant,
                user,
                "bulk",
                &format!("hash-{n}"),
                true,
                now,
                now + chrono::Duration::days(1),
            )
            .unwrap();
            if n >= 49 {
                tokens::revoke_api_token(conn, user, t.id, now).unwrap();
            }
        }
    })
    .await;
    let list = ok(app.get("/api/v1/me/api-tokens", &token).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 100, "the list is capped");
    problem(app.post("/api/v1/me/api-tokens", Some(&token), create.clone()).await, 409).await;
    // Revoking one makes room for one.
    let live_id = with_db(&app, move |conn| {
        use clientdesk_persistence::schema::api_tokens;
        api_tokens::table
            .filter(api_tokens::user_id.eq(user.0))
            .filter(api_tokens::revoked_at.is_null())
            .select(api_tokens::id)
            .order(api_tokens::id)
            .first::<i64>(conn)
            .unwrap()
    })
    .await;
    status(app.send(Method::DELETE, &format!("/api/v1/me/api-tokens/{live_id}"), &token, json!({})).await, 204).await;
    ok(app.post("/api/v1/me/api-tokens", Some(&token), create).await).await;
});

/// A new ticket of pat.user at Contoso; returns its id.
async fn pat_ticket(app: &TestApp, pat: &str) -> i64 {
    let contoso = crate::tickets::company_id(app, pat, "Contoso Ltd").await;
    let ticket = crate::tickets::create(app, pat, contoso, json!({"title": "Printer jams"})).await;
    ticket["id"].as_i64().unwrap()
}

/// Starts an upload over a raw connection: the headers, declaring `length` bytes of body, and
/// the first `sent` bytes of a form with one text file; the rest is never sent.
async fn start_upload(app: &TestApp, token: &str, ticket: i64, length: usize, sent: usize) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let host = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let boundary = "XyZbOuNdArY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.resize(sent.max(body.len()), b'a');
    let head = format!(
        "POST /api/v1/tickets/{ticket}/attachments HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// Starts a chunked upload (no declared length) over a raw connection: text files of the given
/// sizes, the last one left unfinished, and the body never ended.
async fn start_chunked(app: &TestApp, token: &str, ticket: i64, files: &[usize]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let host = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let boundary = "XyZbOuNdArY";
    let mut body = Vec::new();
    for (n, size) in files.iter().enumerate() {
        if n > 0 {
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f{n}.txt\"\r\n\
                 Content-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.resize(body.len() + size, b'a');
    }
    let head = format!(
        "POST /api/v1/tickets/{ticket}/attachments HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(format!("{:x}\r\n", body.len()).as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    stream.write_all(b"\r\n").await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// The status line of the answer on a raw connection, within a few seconds.
async fn answer_status(stream: &mut tokio::net::TcpStream) -> Option<u16> {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf)).await.ok()?.ok()?;
    let text = String::from_utf8_lossy(&buf[..read]).to_string();
    text.split_whitespace().nth(1)?.parse().ok()
}

fn text_file(bytes: usize) -> reqwest::multipart::Form {
    let part =
        reqwest::multipart::Part::bytes(vec![b'x'; bytes]).file_name("notes.txt").mime_str("text/plain").unwrap();
    reqwest::multipart::Form::new().part("file", part)
}

async fn upload(app: &TestApp, token: &str, ticket: i64, form: reqwest::multipart::Form) -> reqwest::Response {
    app.request(Method::POST, &format!("/api/v1/tickets/{ticket}/attachments"), Some(token))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Every file under the attachment directory.
fn stored_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|e| if e.path().is_dir() { stored_files(&e.path()) } else { 1 }).sum()
}

on_both!(an_upload_declaring_more_than_the_ticket_has_room_for_is_refused_before_it_is_read, backend => |backend: Backend| async move {
    let app = TestApp::spawn(backend).await;
    let dir = app.attachments_dir().to_owned();
    let pat = app.token("pat.user@demo.example").await;
    let ticket = pat_ticket(&app, &pat).await;
    // Test limits: 256 KiB a file, 1 MiB a ticket. Fill 750 KiB of it.
    for _ in 0..3 {
        status(upload(&app, &pat, ticket, text_file(250 * 1024)).await, 201).await;
    }
    assert_eq!(stored_files(&dir), 3);
    // 300 KiB declared, a few bytes sent: refused at once, without waiting for the body.
    let mut stream = start_upload(&app, &pat, ticket, 300 * 1024, 200).await;
    assert_eq!(answer_status(&mut stream).await, Some(413), "refused before the body is read");
    assert_eq!(stored_files(&dir), 3, "nothing stored");
    // What still fits is accepted.
    status(upload(&app, &pat, ticket, text_file(200 * 1024)).await, 201).await;
});

on_both!(an_upload_past_the_ticket_total_stops_as_its_bytes_arrive, backend => |backend: Backend| async move {
    let app = TestApp::spawn(backend).await;
    let dir = app.attachments_dir().to_owned();
    let pat = app.token("pat.user@demo.example").await;
    let ticket = pat_ticket(&app, &pat).await;
    for _ in 0..3 {
        status(upload(&app, &pat, ticket, text_file(250 * 1024)).await, 201).await;
    }
    // No declared length (chunked): a first file of 200 KiB, then a second past the 274 KiB left,
    // never finished. Refused as the bytes past the room arrive, and the first file removed.
    let mut stream = start_chunked(&app, &pat, ticket, &[200 * 1024, 100 * 1024]).await;
    assert_eq!(answer_status(&mut stream).await, Some(413), "refused before the body ends");
    assert_eq!(stored_files(&dir), 3, "nothing of it stays stored");
    let listed = ok(app.get(&format!("/api/v1/tickets/{ticket}/attachments"), &pat).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
});

on_both!(uploads_past_the_concurrency_limit_wait_with_503_and_retry_after, backend => |backend: Backend| async move {
    let app = TestApp::spawn_with(backend, |c| c.http.upload_concurrency = 1).await;
    let pat = app.token("pat.user@demo.example").await;
    let ticket = pat_ticket(&app, &pat).await;
    // One upload holds the only slot, its body half sent.
    let held = start_upload(&app, &pat, ticket, 100 * 1024, 1024).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let res = upload(&app, &pat, ticket, text_file(1024)).await;
    assert_eq!(res.status(), 503);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    problem(res, 503).await;
    // Once it is gone, the slot is free again.
    drop(held);
    let mut done = None;
    for _ in 0..50 {
        let res = upload(&app, &pat, ticket, text_file(1024)).await;
        if res.status() == 201 {
            done = Some(());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(done.is_some(), "the slot is released when the held upload ends");
});

on_both!(validations_of_tickets_in_hidden_statuses_are_not_listed_for_customers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let pat = app.token("pat.user@demo.example").await;
    let ann = app.token("ann.approver@demo.example").await;
    let ticket = pat_ticket(&app, &pat).await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let asked = format!("/api/v1/tickets/{ticket}/validations");
    status(app.post(&asked, Some(&admin), json!({"question": "May we replace the printer?"})).await, 201).await;
    let company = format!("/api/v1/companies/{contoso}/validations");
    let count = |page: Value| page["items"].as_array().unwrap().len();
    assert_eq!(count(ok(app.get(&company, &ann).await).await), 1);
    assert_eq!(count(ok(app.get(&company, &pat).await).await), 1);

    ok(crate::tickets::patch(&app, &admin, ticket, json!({"status": "waiting_third_party"})).await).await;
    crate::tickets::ticket_settings(&app, &admin, json!({"hidden_statuses": ["waiting_third_party"]})).await;
    assert_eq!(count(ok(app.get(&company, &ann).await).await), 0, "the approver sees no hidden ticket");
    assert_eq!(count(ok(app.get(&company, &pat).await).await), 0, "nor its requester");
    assert_eq!(count(ok(app.get(&format!("{company}?status=pending"), &ann).await).await), 0);
    problem(app.get(&asked, &ann).await, 404).await;
    // Staff still see it.
    assert_eq!(count(ok(app.get(&company, &admin).await).await), 1);
});

on_both!(customers_cannot_filter_or_sort_tickets_by_fields_hidden_from_them, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &plus, "Contoso Ltd").await;
    let list = format!("/api/v1/companies/{contoso}/tickets");
    let asks = [
        ("priority", "?priority=high", "priority"),
        ("priority", "?sort=-priority", "sort"),
        ("request_type_id", "?request_type_id=1", "request_type_id"),
        ("description", "?q=printer", "q"),
        ("status", "?status=open", "status"),
    ];
    for (_, query, _) in asks {
        ok(app.get(&format!("{list}{query}"), &plus).await).await;
    }
    for (field, query, parameter) in asks {
        crate::tickets::ticket_settings(&app, &admin, json!({"field_visibility": {field: "hidden"}})).await;
        let refused = problem(app.get(&format!("{list}{query}"), &plus).await, 422).await;
        assert!(crate::harness::fault(&refused, parameter).is_some(), "{field}: {refused}");
        // What is not hidden still filters, and staff filter by everything.
        ok(app.get(&format!("{list}?sort=-created"), &plus).await).await;
        ok(app.get(&format!("{list}{query}"), &admin).await).await;
    }
});

on_both!(kb_suggestions_weigh_words_only_over_articles_the_caller_may_read, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let boss = app.other_tenant_admin().await;
    let pat = app.token("pat.user@demo.example").await;
    let contoso = crate::tickets::company_id(&app, &pat, "Contoso Ltd").await;
    let article = |token: String, title: &'static str, body: &'static str, audience: &'static str, publish: bool| {
        let app = &app;
        async move {
            let made = app
                .post(
                    "/api/v1/kb/articles",
                    Some(&token),
                    json!({"title": title, "body": body, "audience": {"kind": audience}}),
                )
                .await;
            let id = status(made, 201).await["id"].as_i64().unwrap();
            if publish {
                ok(app.post(&format!("/api/v1/kb/articles/{id}/publish"), Some(&token), json!({})).await).await;
            }
            id
        }
    };
    let readable = article(tech.clone(), "Printer jams", "The wombatron printer jams.", "all_companies", true).await;
    // Rare words that only articles pat may not read hold: drafts, an internal article, and
    // another tenant's article.
    article(tech.clone(), "Draft one", "zorblax", "all_companies", false).await;
    article(tech.clone(), "Draft two", "quimzel", "all_companies", false).await;
    article(tech.clone(), "Draft three", "fribbet", "all_companies", false).await;
    article(tech.clone(), "Internal", "glarbin", "internal", true).await;
    article(boss.clone(), "Elsewhere", "vextrop", "all_companies", true).await;

    let asked = json!({"title": "zorblax quimzel fribbet glarbin vextrop", "description": "wombatron", "limit": 10});
    let path = format!("/api/v1/companies/{contoso}/kb/suggestions");
    let found = ok(app.post(&path, Some(&pat), asked).await).await;
    let ids: Vec<i64> = found["items"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [readable], "words only unreadable articles hold do not crowd out readable ones: {found}");
});
