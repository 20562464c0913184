//! Invitations and the credential life cycle: the welcome with its set-password link, links that
//! are used, expire or are replaced, bulk invitations, forgotten passwords, the staff reset of a
//! second factor, address changes confirmed by e-mail, and who may not do any of it.

use std::time::{Duration, Instant};

use clientdesk_devtools::smtp_sink::SmtpSink;
use reqwest::{Method, Response};
use serde_json::{json, Value};

use super::{inbox, link_token, with_mailbox};
use crate::harness::{problem, TestApp, PASSWORD};
use crate::on_both;
use crate::outbox::eventually;
use crate::tickets::{ok, user_id};

const ADMIN: &str = "admin@demo.example";

async fn contoso(app: &TestApp, staff: &str) -> i64 {
    let page = ok(app.get("/api/v1/companies?limit=100", staff).await).await;
    page["items"].as_array().unwrap().iter().find(|c| c["name"] == "Contoso Ltd").unwrap()["id"].as_i64().unwrap()
}

async fn login(app: &TestApp, email: &str, password: &str) -> Response {
    app.password_step(email, password).await
}

async fn audit(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let page = ok(app.get(&format!("/api/v1/audit-events?action={action}&limit=100"), admin).await).await;
    page["items"].as_array().unwrap().clone()
}

fn subjects(sink: &SmtpSink, to: &str) -> Vec<String> {
    inbox(sink, to).into_iter().map(|(subject, _)| subject).collect()
}

/// Waits until a mail to `to` has a subject containing `part`.
async fn mail_about(sink: &SmtpSink, to: &str, part: &str) {
    eventually(&format!("a mail to {to} about {part:?}"), || {
        let found = subjects(sink, to).iter().any(|s| s.contains(part)).then_some(());
        async move { found }
    })
    .await
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> Response {
    app.post("/api/v1/auth/password", None, json!({"token": token, "password": password})).await
}

/// Moves every set-password link of `email` one day into the past.
async fn expire_links(app: &TestApp, email: &'static str) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::password_tokens;
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        let user = clientdesk_persistence::users::find_by_email(&mut conn, clientdesk_domain::ids::TenantId(1), email)
            .unwrap();
        let past = (chrono::Utc::now() - chrono::Duration::days(1)).naive_utc();
        diesel::update(password_tokens::table.filter(password_tokens::user_id.eq(user.id.0)))
            .set(password_tokens::expires_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
}

async fn company_contacts(app: &TestApp, company: i64) -> (Option<i64>, Option<i64>) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let c = clientdesk_persistence::companies::get(
            &mut conn,
            clientdesk_domain::ids::TenantId(1),
            clientdesk_domain::ids::CompanyId(company),
        )
        .unwrap();
        (c.primary_contact_id.map(|u| u.0), c.billing_contact_id.map(|u| u.0))
    })
    .await
    .unwrap()
}

async fn emails_of_users(app: &TestApp, admin: &str) -> Vec<String> {
    let page = ok(app.get("/api/v1/users?limit=200", admin).await).await;
    page["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_owned()).collect()
}

on_both!(an_invitation_leads_to_a_password_and_into_enrolment, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let contoso = contoso(&app, &admin).await;
    let invite = json!({"email": "Nina@Contoso.example", "name": "Nina Neu", "language": "de",
        "memberships": [{"company_id": contoso}]});
    let res = app.post("/api/v1/users", Some(&admin), invite.clone()).await;
    assert_eq!(res.status(), 201);
    let nina: Value = res.json().await.unwrap();
    assert_eq!((nina["email"].as_str(), nina["state"].as_str()), (Some("nina@contoso.example"), Some("invited")));
    assert_eq!(nina["memberships"][0]["roles"], json!(["portal_user"]), "the basic role by default");
    assert!(nina.get("set_password_token").is_none() && nina.get("token").is_none(), "{nina}");
    let id = nina["id"].as_i64().unwrap();
    problem(app.post("/api/v1/users", Some(&admin), invite).await, 409).await;

    let invited = ok(app.get("/api/v1/users?state=invited&limit=100", &admin).await).await;
    assert!(invited["items"].as_array().unwrap().iter().all(|u| u["state"] == "invited"));
    assert!(invited["items"].as_array().unwrap().iter().any(|u| u["id"] == id));
    let active = ok(app.get("/api/v1/users?state=active&limit=100", &admin).await).await;
    assert!(!active["items"].as_array().unwrap().iter().any(|u| u["id"] == id));
    problem(app.get("/api/v1/users?state=sleeping", &admin).await, 422).await;

    // The welcome comes in the user's language with a link to the first password.
    let token = link_token(&sink, "nina@contoso.example", "set-password", 0).await;
    let welcome = &inbox(&sink, "nina@contoso.example")[0];
    assert!(welcome.0.contains("eingeladen") && welcome.0.contains("Contoso Ltd"), "{}", welcome.0);
    assert!(welcome.1.contains("Ada Admin"), "the inviter is named: {}", welcome.1);
    assert_eq!(set_password(&app, &token, "nina's own passphrase").await.status(), 204);
    problem(set_password(&app, &token, "another passphrase!").await, 401).await;
    let nina = ok(app.get(&format!("/api/v1/users/{id}"), &admin).await).await;
    assert_eq!(nina["state"], "active");
    let body: Value = login(&app, "nina@contoso.example", "nina's own passphrase").await.json().await.unwrap();
    assert_eq!(body["status"], "enrollment_required", "Contoso requires a second factor: {body}");
    assert_eq!(audit(&app, &admin, "user_invited").await.len(), 1);

    // A billing contact gets the manager-level role and is marked on the company; the primary
    // contact mark stays.
    let primary = user_id(&app, &admin, "pat.plus@demo.example").await;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        clientdesk_persistence::accounts::set_company_contacts(
            &mut conn,
            clientdesk_domain::ids::CompanyId(contoso),
            Some(clientdesk_domain::ids::UserId(primary)),
            None,
            chrono::Utc::now(),
        )
        .unwrap();
    })
    .await
    .unwrap();
    let carl = ok(app
        .post("/api/v1/users", Some(&admin), json!({"email": "carl@contoso.example", "name": "Carl Cash",
            "memberships": [{"company_id": contoso, "contact": "billing"}]}))
        .await)
    .await;
    assert_eq!(carl["memberships"][0]["roles"], json!(["portal_user_plus"]));
    assert_eq!(company_contacts(&app, contoso).await, (Some(primary), carl["id"].as_i64()));
    // With no company named, the address must be in a company's registered e-mail domain.
    let body = problem(app.post("/api/v1/users", Some(&admin), json!({"email": "x@nowhere.example", "name": "X"})).await, 422)
        .await;
    assert!(crate::harness::fault(&body, "memberships").is_some(), "{body}");
    assert!(!emails_of_users(&app, &admin).await.contains(&"x@nowhere.example".to_owned()));
});

on_both!(links_expire_are_single_use_and_replaced_when_sent_again, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let contoso = contoso(&app, &admin).await;
    let created = ok(app
        .post("/api/v1/users", Some(&admin), json!({"email": "olga@contoso.example", "name": "Olga",
            "memberships": [{"company_id": contoso, "roles": ["customer_approver"]}]}))
        .await)
    .await;
    let id = created["id"].as_i64().unwrap();
    let first = link_token(&sink, "olga@contoso.example", "set-password", 0).await;
    expire_links(&app, "olga@contoso.example").await;
    problem(set_password(&app, &first, "olga's passphrase 1").await, 401).await;

    let resend = format!("/api/v1/users/{id}/password-link");
    assert_eq!(app.post(&resend, Some(&admin), json!({})).await.status(), 202);
    let second = link_token(&sink, "olga@contoso.example", "set-password", 1).await;
    assert_eq!(app.post(&resend, Some(&admin), json!({})).await.status(), 202);
    let third = link_token(&sink, "olga@contoso.example", "set-password", 2).await;
    let replaced = problem(set_password(&app, &second, "olga's passphrase 1").await, 401).await;
    let expired = problem(set_password(&app, &first, "olga's passphrase 1").await, 401).await;
    assert_eq!(replaced["detail"], expired["detail"], "the same answer for every dead link");
    assert_eq!(set_password(&app, &third, "olga's passphrase 1").await.status(), 204);
    problem(set_password(&app, &third, "olga's passphrase 2").await, 401).await;

    // An active user gets a reset link; a disabled one none.
    assert_eq!(app.post(&resend, Some(&admin), json!({})).await.status(), 202);
    let reset = link_token(&sink, "olga@contoso.example", "reset-password", 0).await;
    assert_eq!(set_password(&app, &reset, "olga's passphrase 3").await.status(), 204);
    ok(app.post(&format!("/api/v1/users/{id}/disable"), Some(&admin), json!({})).await).await;
    problem(app.post(&resend, Some(&admin), json!({})).await, 409).await;
    assert_eq!(audit(&app, &admin, "password_link_sent").await.len(), 3);
});

on_both!(a_bulk_invitation_keeps_the_good_rows_and_stores_nothing_of_the_bad, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let contoso = contoso(&app, &admin).await;
    let rows = json!({"invitations": [
        {"email": "bulk.one@contoso.example", "name": "Bulk One", "memberships": [{"company_id": contoso}]},
        {"email": "pat.user@demo.example", "name": "Pat Again", "memberships": [{"company_id": contoso}]},
        {"email": "not an address", "name": "Nobody", "memberships": [{"company_id": contoso}]},
        {"email": "bulk.lost@contoso.example", "name": "Lost", "memberships": [{"company_id": 999999}]},
        {"email": "bulk.role@contoso.example", "name": "Role", "memberships": [{"company_id": contoso, "roles": ["root"]}]},
        {"email": "bulk.odd@contoso.example", "name": "Odd", "colour": "red"},
        {"email": "bulk.two@contoso.example", "name": "Bulk Two", "language": "fr",
            "memberships": [{"company_id": contoso, "contact": "primary"}]}
    ]});
    let answer = ok(app.post("/api/v1/users/invitations", Some(&admin), rows).await).await;
    let results = answer["results"].as_array().unwrap();
    let outcomes: Vec<&str> = results.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(
        outcomes,
        ["created", "already_exists", "invalid", "invalid", "invalid", "invalid", "created"],
        "{answer}"
    );
    for (n, r) in results.iter().enumerate() {
        assert_eq!(r["index"], n);
    }
    assert_eq!(results[1]["user_id"], user_id(&app, &admin, "pat.user@demo.example").await);
    assert_eq!(results[2]["errors"][0]["pointer"], "/email", "{answer}");
    assert_eq!(results[3]["errors"][0]["pointer"], "/memberships", "{answer}");
    assert_eq!(results[4]["errors"][0]["pointer"], "/roles", "{answer}");
    assert!(results[5]["user_id"].is_null() && results[5]["errors"].is_array());
    let emails = emails_of_users(&app, &admin).await;
    for created in ["bulk.one@contoso.example", "bulk.two@contoso.example"] {
        assert!(emails.contains(&created.to_owned()), "{created}");
    }
    for refused in ["bulk.lost@contoso.example", "bulk.role@contoso.example", "bulk.odd@contoso.example"] {
        assert!(!emails.contains(&refused.to_owned()), "nothing stored for {refused}");
    }
    let pat = ok(app.get(&format!("/api/v1/users/{}", results[1]["user_id"]), &admin).await).await;
    assert_eq!(pat["name"], "Pat User", "an existing user is left alone");
    assert_eq!(company_contacts(&app, contoso).await.0, results[6]["user_id"].as_i64());
    link_token(&sink, "bulk.one@contoso.example", "set-password", 0).await;
    link_token(&sink, "bulk.two@contoso.example", "set-password", 0).await;
    assert!(subjects(&sink, "bulk.two@contoso.example")[0].contains("vous invite"));
    assert!(inbox(&sink, "bulk.lost@contoso.example").is_empty());
    let batch = audit(&app, &admin, "users_invited").await;
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0]["detail"], "created 2, already existing 1, invalid 4");
    assert_eq!(audit(&app, &admin, "user_invited").await.len(), 2);

    let too_many: Vec<Value> =
        (0..501).map(|n| json!({"email": format!("many{n}@contoso.example"), "name": "Many"})).collect();
    let body = problem(app.post("/api/v1/users/invitations", Some(&admin), json!({"invitations": too_many})).await, 422)
        .await;
    assert!(crate::harness::fault(&body, "invitations").is_some(), "{body}");
    problem(app.post("/api/v1/users/invitations", Some(&admin), json!({"invitations": []})).await, 422).await;
    assert!(!emails_of_users(&app, &admin).await.contains(&"many0@contoso.example".to_owned()));
});

on_both!(a_forgotten_password_answers_alike_and_keeps_the_second_factor, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let pat = app.sign_in("pat.user@demo.example").await;
    let ask = |email: &str| {
        app.post("/api/v1/auth/password-reset", None, json!({"tenant": "demo", "email": email}))
    };
    let started = Instant::now();
    let unknown = ask("nobody@demo.example").await;
    let unknown_took = started.elapsed();
    let started = Instant::now();
    let known = ask("pat.user@demo.example").await;
    let known_took = started.elapsed();
    assert_eq!((unknown.status().as_u16(), known.status().as_u16()), (202, 202));
    let (unknown, known) = (unknown.text().await.unwrap(), known.text().await.unwrap());
    assert_eq!(unknown, known, "the same body for a known and an unknown address");
    assert!(unknown_took < Duration::from_secs(2) && known_took < Duration::from_secs(2), "{unknown_took:?} {known_took:?}");
    let token = link_token(&sink, "pat.user@demo.example", "reset-password", 0).await;
    // A disabled account gets the same answer and no mail.
    let fred = user_id(&app, &admin, "fred.fabrikam@demo.example").await;
    ok(app.post(&format!("/api/v1/users/{fred}/disable"), Some(&admin), json!({})).await).await;
    let disabled = ask("fred.fabrikam@demo.example").await;
    assert_eq!(disabled.status(), 202);
    assert_eq!(disabled.text().await.unwrap(), known);
    problem(ask("not an address").await, 422).await;

    assert_eq!(set_password(&app, &token, "pat's brand new passphrase").await.status(), 204);
    problem(set_password(&app, &token, "pat's other passphrase").await, 401).await;
    mail_about(&sink, "pat.user@demo.example", "password was changed").await;
    // Every session ended; the old password no longer works; the second factor is still asked.
    problem(app.post("/api/v1/auth/refresh", None, json!({"refresh_token": pat["refresh_token"]})).await, 401).await;
    problem(app.get("/api/v1/me", pat["access_token"].as_str().unwrap()).await, 401).await;
    problem(login(&app, "pat.user@demo.example", PASSWORD).await, 401).await;
    let body: Value = login(&app, "pat.user@demo.example", "pat's brand new passphrase").await.json().await.unwrap();
    assert_eq!(body["status"], "mfa_required", "a reset does not bypass the second factor: {body}");
    assert!(body.get("access_token").is_none());
    assert!(inbox(&sink, "nobody@demo.example").is_empty());
    assert!(!subjects(&sink, "fred.fabrikam@demo.example").iter().any(|s| s.contains("Reset")));
    assert_eq!(audit(&app, &admin, "password_reset_requested").await.len(), 1);
});

on_both!(an_address_gets_at_most_three_reset_mails_an_hour, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    for _ in 0..5 {
        let res = app
            .post("/api/v1/auth/password-reset", None, json!({"tenant": "demo", "email": "ann.approver@demo.example"}))
            .await;
        assert_eq!(res.status(), 202, "over the limit still answers alike");
    }
    eventually("two requests past the limit", || {
        let (app, admin) = (&app, &admin);
        async move { (audit(app, admin, "password_reset_throttled").await.len() == 2).then_some(()) }
    })
    .await;
    link_token(&sink, "ann.approver@demo.example", "reset-password", 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(inbox(&sink, "ann.approver@demo.example").len(), 3);
});

on_both!(staff_reset_a_second_factor_and_the_user_enrols_again, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let pat = app.sign_in("pat.user@demo.example").await;
    let id = user_id(&app, &admin, "pat.user@demo.example").await;
    let res = app.request(Method::DELETE, &format!("/api/v1/users/{id}/2fa"), Some(&admin)).send().await.unwrap();
    let user = ok(res).await;
    assert_eq!(user["two_factor_enabled"], false);
    problem(app.get("/api/v1/me", pat["access_token"].as_str().unwrap()).await, 401).await;
    problem(app.post("/api/v1/auth/refresh", None, json!({"refresh_token": pat["refresh_token"]})).await, 401).await;
    mail_about(&sink, "pat.user@demo.example", "second factor").await;
    let body: Value = login(&app, "pat.user@demo.example", PASSWORD).await.json().await.unwrap();
    assert_eq!(body["status"], "enrollment_required", "{body}");
    assert_eq!(audit(&app, &admin, "mfa_reset").await.len(), 1);
});

on_both!(a_new_address_applies_once_confirmed_from_it, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let pat = app.token("pat.user@demo.example").await;
    let id = user_id(&app, &admin, "pat.user@demo.example").await;
    let path = format!("/api/v1/users/{id}");
    problem(app.send(Method::PATCH, &path, &admin, json!({"email": "ann.approver@demo.example"})).await, 409).await;
    problem(app.send(Method::PATCH, &path, &admin, json!({"language": "xx"})).await, 422).await;
    let changed = ok(app
        .send(Method::PATCH, &path, &admin, json!({"name": "Pat Renamed", "language": "fr",
            "email": "Pat.New@Contoso.example"}))
        .await)
    .await;
    assert_eq!(changed["name"], "Pat Renamed");
    assert_eq!(changed["language"], "fr");
    assert_eq!(changed["email"], "pat.user@demo.example", "not before it is confirmed");
    assert_eq!(changed["pending_email"], "pat.new@contoso.example");
    assert_eq!(ok(app.get("/api/v1/me", &pat).await).await["email"], "pat.user@demo.example");
    let token = link_token(&sink, "pat.new@contoso.example", "confirm-email", 0).await;
    let confirm = |token: &str| app.post("/api/v1/auth/email-confirmation", None, json!({"token": token}));
    let bogus = problem(confirm("not-a-token").await, 401).await;
    assert_eq!(confirm(&token).await.status(), 204);
    let used = problem(confirm(&token).await, 401).await;
    assert_eq!(bogus["detail"], used["detail"]);
    mail_about(&sink, "pat.user@demo.example", "").await;
    let told = inbox(&sink, "pat.user@demo.example");
    assert!(told.iter().any(|(_, body)| body.contains("pat.new@contoso.example")), "the old address is told: {told:?}");
    problem(app.get("/api/v1/me", &pat).await, 401).await;
    problem(login(&app, "pat.user@demo.example", PASSWORD).await, 401).await;
    let body: Value = login(&app, "pat.new@contoso.example", PASSWORD).await.json().await.unwrap();
    assert_eq!(body["status"], "mfa_required", "{body}");
    let user = ok(app.get(&path, &admin).await).await;
    assert_eq!((user["email"].as_str(), user["pending_email"].as_str()), (Some("pat.new@contoso.example"), None));
    assert_eq!(audit(&app, &admin, "email_changed").await.len(), 1);
    assert_eq!(audit(&app, &admin, "user_updated").await[0]["detail"], "name language");
});

on_both!(disabling_and_enabling_tell_the_user, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let id = user_id(&app, &admin, "pat.plus@demo.example").await;
    let user = ok(app.post(&format!("/api/v1/users/{id}/disable"), Some(&admin), json!({})).await).await;
    assert_eq!(user["state"], "disabled");
    mail_about(&sink, "pat.plus@demo.example", "was disabled").await;
    let user = ok(app.post(&format!("/api/v1/users/{id}/enable"), Some(&admin), json!({})).await).await;
    assert_eq!(user["state"], "active");
    mail_about(&sink, "pat.plus@demo.example", "enabled again").await;
});

on_both!(only_the_provider_admin_of_the_tenant_manages_credentials, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let contoso = contoso(&app, &admin).await;
    let id = user_id(&app, &admin, "pat.user@demo.example").await;
    let invite = json!({"email": "sneaky@contoso.example", "name": "Sneaky", "memberships": [{"company_id": contoso}]});
    let attempts = |token: String| {
        let app = &app;
        let invite = invite.clone();
        async move {
            vec![
                app.post("/api/v1/users", Some(&token), invite.clone()).await,
                app.post("/api/v1/users/invitations", Some(&token), json!({"invitations": [invite]})).await,
                app.post(&format!("/api/v1/users/{id}/password-link"), Some(&token), json!({})).await,
                app.request(Method::DELETE, &format!("/api/v1/users/{id}/2fa"), Some(&token)).send().await.unwrap(),
                app.send(Method::PATCH, &format!("/api/v1/users/{id}"), &token, json!({"name": "Hijacked",
                    "email": "sneaky@contoso.example"})).await,
            ]
        }
    };
    for who in ["tech@demo.example", "paula.admin@demo.example", "pat.plus@demo.example"] {
        for res in attempts(app.token(who).await).await {
            problem(res, 403).await;
        }
    }
    let other = app.other_tenant_admin().await;
    let mut answers = attempts(other.clone()).await.into_iter();
    problem(answers.next().unwrap(), 422).await; // no company of its tenant
    let bulk = ok(answers.next().unwrap()).await;
    assert_eq!(bulk["results"][0]["outcome"], "invalid");
    for res in answers {
        problem(res, 404).await;
    }
    // Nothing changed.
    let pat = ok(app.get(&format!("/api/v1/users/{id}"), &admin).await).await;
    assert_eq!((pat["name"].as_str(), pat["two_factor_enabled"].as_bool()), (Some("Pat User"), Some(true)));
    assert!(pat["pending_email"].is_null());
    assert!(!emails_of_users(&app, &admin).await.contains(&"sneaky@contoso.example".to_owned()));
    for action in ["user_invited", "password_link_sent", "mfa_reset", "user_updated", "email_change_started"] {
        assert!(audit(&app, &admin, action).await.is_empty(), "{action}");
    }
    // A technician still reads users.
    ok(app.get("/api/v1/users", &app.token("tech@demo.example").await).await).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(inbox(&sink, "sneaky@contoso.example").is_empty() && inbox(&sink, "pat.user@demo.example").is_empty());
});

on_both!(a_contact_without_a_password_gets_a_reset_link_too, backend => |backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token(ADMIN).await;
    let fabrikam = ok(app.get("/api/v1/companies?limit=100", &admin).await).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Fabrikam Inc")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // As the RMM agent registers a contact: active, with no password.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::users;
        let mut conn = db.conn().unwrap();
        let now = chrono::Utc::now();
        let tenant = clientdesk_domain::ids::TenantId(1);
        let new = users::NewUser {
            tenant_id: tenant,
            email: "kim@fabrikam.example",
            name: "Kim Agent",
            phone: None,
            language: clientdesk_domain::user::Language::En,
            staff_role: None,
            password_hash: None,
            activated: true,
        };
        let user = users::create(&mut conn, &new, now).unwrap();
        let roles = clientdesk_domain::roles::RoleSet::parse_all(&["portal_user"]).unwrap();
        users::upsert_membership(&mut conn, tenant, user.id, clientdesk_domain::ids::CompanyId(fabrikam), &roles, now)
            .unwrap();
    })
    .await
    .unwrap();
    let res = app.post("/api/v1/auth/password-reset", None, json!({"tenant": "demo", "email": "kim@fabrikam.example"})).await;
    assert_eq!(res.status(), 202);
    let token = link_token(&sink, "kim@fabrikam.example", "reset-password", 0).await;
    assert_eq!(set_password(&app, &token, "kim's first passphrase").await.status(), 204);
    let body: Value = login(&app, "kim@fabrikam.example", "kim's first passphrase").await.json().await.unwrap();
    assert_eq!(body["status"], "authenticated", "Fabrikam leaves the second factor optional: {body}");
});
