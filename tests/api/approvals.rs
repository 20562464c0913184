//! Validations and change requests: who is asked, who may decide and who may not, one decision
//! counting also under a race, deadlines, cancelling, the e-mailed single-use decision links and
//! the e-mails written to the outbox.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::tickets::{companies, company_settings, create, history, my_id, ok, status, user_id};

/// Every message in the outbox as (recipient, subject, body), oldest first, as it is delivered: a
/// sealed body opened (as the worker does), one wiped after delivery shown redacted.
pub async fn mails(app: &TestApp) -> Vec<(String, String, String)> {
    let sealer = app.state.sealer.clone();
    stored(app)
        .await
        .into_iter()
        .map(|(to, subject, body, redacted)| {
            let body = match redacted {
                Some(redacted) if body == clientdesk_persistence::outbox::SEALED_BODY_REMOVED => redacted,
                _ => sealer.open(&body).expect("sealed under this server's key"),
            };
            (to, subject, body)
        })
        .collect()
}

/// Every message in the outbox as stored: (recipient, subject, body, redacted body), oldest first.
pub async fn stored(app: &TestApp) -> Vec<(String, String, String, Option<String>)> {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::outbox;
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        outbox::table
            .order(outbox::id)
            .select((outbox::recipient, outbox::subject, outbox::body, outbox::redacted_body))
            .load(&mut *conn)
            .unwrap()
    })
    .await
    .unwrap()
}

/// A server whose outbox keeps its messages undelivered, so sealed secrets can still be read.
pub(crate) async fn undelivered(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |config| config.outbox_worker = false).await
}

fn mails_to<'a>(all: &'a [(String, String, String)], to: &str) -> Vec<&'a (String, String, String)> {
    all.iter().filter(|(r, ..)| r == to).collect()
}

/// The decision-link tokens (accept, reject) of the last validation e-mail to `to`.
fn link_tokens(all: &[(String, String, String)], to: &str) -> (String, String) {
    let (_, _, body) = mails_to(all, to).into_iter().rev().find(|(_, s, _)| s.contains("approval")).expect("a mail");
    let tokens: Vec<String> =
        body.split_whitespace().filter_map(|w| w.split("/api/v1/decision-links/").nth(1)).map(str::to_owned).collect();
    assert_eq!(tokens.len(), 2, "{body}");
    (tokens[0].clone(), tokens[1].clone())
}

struct Setup {
    staff: String,
    contoso: i64,
    /// A Contoso ticket opened by pat.user.
    ticket: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(app, &staff).await;
    let pat = app.token("pat.user@demo.example").await;
    let ticket = create(
        app,
        &pat,
        contoso,
        json!({"title": "File server slow", "description": "Opening files takes a minute."}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Setup { staff, contoso, ticket }
}

pub(crate) async fn ask(app: &TestApp, staff: &str, ticket: i64, body: Value) -> Value {
    status(app.post(&format!("/api/v1/tickets/{ticket}/validations"), Some(staff), body).await, 201).await
}

fn decision(id: i64) -> String {
    format!("/api/v1/validations/{id}/decision")
}

on_both!(approvers_are_asked_and_one_decides, |app: TestApp| async move {
    let s = setup(&app).await;
    let tech = my_id(&app, &app.token("tech@demo.example").await).await;
    ok(crate::tickets::patch(&app, &s.staff, s.ticket, json!({"assignee_id": tech})).await).await;
    let v = ask(&app, &s.staff, s.ticket, json!({"question": "May we restart the file server tonight?"})).await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(v["status"], "pending");
    assert_eq!(v["rule"], "any");
    assert_eq!(v["may_decide"], false, "staff do not decide");

    // The company's approvers (customer_approver and change_manager) are asked; nobody else.
    let all = mails(&app).await;
    let asked: Vec<&str> = all.iter().filter(|(_, s, _)| s.contains("approval")).map(|(r, ..)| r.as_str()).collect();
    assert_eq!(asked, ["ann.approver@demo.example", "max.changes@demo.example"]);
    let (_, subject, body) = mails_to(&all, "ann.approver@demo.example")[0];
    assert!(subject.contains("File server slow"), "{subject}");
    assert!(body.contains("May we restart the file server tonight?") && body.contains("Ann Approver"), "{body}");

    // Everyone who reads the ticket sees it awaits validation; only approvers may decide.
    let pat = app.token("pat.user@demo.example").await;
    let seen = ok(app.get(&format!("/api/v1/tickets/{}/validations", s.ticket), &pat).await).await;
    assert_eq!(seen["items"][0]["status"], "pending");
    assert_eq!(seen["items"][0]["may_decide"], false);
    let accept = json!({"decision": "accept"});
    for who in ["pat.user@demo.example", "pat.plus@demo.example", "chris.controller@demo.example"] {
        let token = if who == "pat.user@demo.example" { pat.clone() } else { app.token(who).await };
        problem(app.post(&decision(id), Some(&token), accept.clone()).await, 403).await;
    }
    problem(app.post(&decision(id), Some(&s.staff), accept.clone()).await, 403).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    problem(app.get(&format!("/api/v1/validations/{id}"), &fred).await, 404).await;
    problem(app.post(&decision(id), Some(&fred), accept.clone()).await, 404).await;

    let ann = app.token("ann.approver@demo.example").await;
    let mine = ok(app.get(&format!("/api/v1/validations/{id}"), &ann).await).await;
    assert_eq!(mine["may_decide"], true);
    let body = problem(app.post(&decision(id), Some(&ann), json!({"decision": "reject"})).await, 422).await;
    assert!(crate::harness::fault(&body, "comment").is_some(), "a rejection needs a reason: {body}");
    problem(app.post(&decision(id), Some(&ann), json!({"decision": "maybe"})).await, 422).await;
    let done = ok(app.post(&decision(id), Some(&ann), json!({"decision": "accept", "comment": "Fine"})).await).await;
    assert_eq!(done["status"], "accepted");
    assert_eq!(done["decisions"][0]["by"]["name"], "Ann Approver");
    assert_eq!(done["decisions"][0]["comment"], "Fine");

    let max = app.token("max.changes@demo.example").await;
    problem(app.post(&decision(id), Some(&max), json!({"decision": "reject", "comment": "No"})).await, 409).await;

    // The decision is in the ticket's history (for the customer too) and reaches the assignee.
    let lines = history(&app, &pat, s.ticket).await;
    let values: Vec<&str> =
        lines.iter().filter(|l| l["kind"] == "validation").map(|l| l["new_value"].as_str().unwrap()).collect();
    assert_eq!(values, ["requested", "accept", "accepted"]);
    // (The assignee's mails about the ticket may be folded into one: the outcome is one part.)
    let all = mails(&app).await;
    let to_tech: Vec<_> =
        mails_to(&all, "tech@demo.example").into_iter().filter(|m| m.2.contains("Ann Approver")).collect();
    assert_eq!(to_tech.len(), 1, "{all:?}");
    assert!(to_tech[0].2.contains("was accepted by Ann Approver"), "{:?}", to_tech[0]);

    // Listed by status, for the company.
    let company = format!("/api/v1/companies/{}/validations", s.contoso);
    let accepted = ok(app.get(&format!("{company}?status=accepted"), &ann).await).await;
    assert_eq!(accepted["items"].as_array().unwrap().len(), 1);
    let pending = ok(app.get(&format!("{company}?status=pending"), &ann).await).await;
    assert!(pending["items"].as_array().unwrap().is_empty());
    problem(app.get(&format!("{company}?status=bogus"), &ann).await, 422).await;
    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/validations/{id}"), &other).await, 404).await;
});

on_both!(two_approvers_deciding_at_once_give_one_200_and_one_409, |app: TestApp| async move {
    let s = setup(&app).await;
    let ann = app.token("ann.approver@demo.example").await;
    let max = app.token("max.changes@demo.example").await;
    for round in 0..5 {
        let v = ask(&app, &s.staff, s.ticket, json!({"question": format!("Round {round}?")})).await;
        let path = decision(v["id"].as_i64().unwrap());
        let (a, b) = tokio::join!(
            app.post(&path, Some(&ann), json!({"decision": "accept"})),
            app.post(&path, Some(&max), json!({"decision": "reject", "comment": "No"}))
        );
        let mut codes = [a.status().as_u16(), b.status().as_u16()];
        codes.sort();
        assert_eq!(codes, [200, 409], "round {round}");
        let v = ok(app.get(&format!("/api/v1/validations/{}", v["id"]), &ann).await).await;
        assert_eq!(v["decisions"].as_array().unwrap().len(), 1, "exactly one decision counts");
    }
});

on_both!(all_rule_needs_every_approver_and_one_rejection_rejects, |app: TestApp| async move {
    let s = setup(&app).await;
    let ann = app.token("ann.approver@demo.example").await;
    let max = app.token("max.changes@demo.example").await;
    let v = ask(&app, &s.staff, s.ticket, json!({"question": "New licences, 120 EUR?", "rule": "all"})).await;
    let path = decision(v["id"].as_i64().unwrap());
    let first = ok(app.post(&path, Some(&ann), json!({"decision": "accept"})).await).await;
    assert_eq!(first["status"], "pending", "one of two approvers accepted");
    assert_eq!(first["may_decide"], false, "ann decided already");
    problem(app.post(&path, Some(&ann), json!({"decision": "accept"})).await, 409).await;
    let last = ok(app.post(&path, Some(&max), json!({"decision": "accept"})).await).await;
    assert_eq!(last["status"], "accepted");

    let v = ask(&app, &s.staff, s.ticket, json!({"question": "And a second screen?", "rule": "all"})).await;
    let path = decision(v["id"].as_i64().unwrap());
    ok(app.post(&path, Some(&ann), json!({"decision": "accept"})).await).await;
    let rejected = ok(app.post(&path, Some(&max), json!({"decision": "reject", "comment": "Budget"})).await).await;
    assert_eq!(rejected["status"], "rejected");
});

on_both!(deadlines_expire_and_staff_cancel, |app: TestApp| async move {
    let s = setup(&app).await;
    let ann = app.token("ann.approver@demo.example").await;
    let ask_path = format!("/api/v1/tickets/{}/validations", s.ticket);
    problem(app.post(&ask_path, Some(&s.staff), json!({"question": " "})).await, 422).await;
    let past = json!({"question": "Too late?", "deadline": "2020-01-01T00:00:00Z"});
    problem(app.post(&ask_path, Some(&s.staff), past).await, 422).await;

    let deadline = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let v = ask(&app, &s.staff, s.ticket, json!({"question": "Quick?", "deadline": deadline})).await;
    let id = v["id"].as_i64().unwrap();
    problem(app.post(&ask_path, Some(&s.staff), json!({"question": "Again?"})).await, 409).await;
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    let company = format!("/api/v1/companies/{}/validations", s.contoso);
    let expired = ok(app.get(&format!("{company}?status=expired"), &ann).await).await;
    assert_eq!(expired["items"][0]["id"], id);
    assert!(ok(app.get(&format!("{company}?status=pending"), &ann).await).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    problem(app.post(&decision(id), Some(&ann), json!({"decision": "accept"})).await, 409).await;
    assert_eq!(ok(app.get(&format!("/api/v1/validations/{id}"), &ann).await).await["status"], "expired");

    // The expired one no longer blocks a new question; staff cancel that one.
    let v = ask(&app, &s.staff, s.ticket, json!({"question": "Next week then?"})).await;
    let cancel = format!("/api/v1/validations/{}/cancel", v["id"]);
    problem(app.post(&cancel, Some(&ann), json!({})).await, 403).await;
    assert_eq!(ok(app.post(&cancel, Some(&s.staff), json!({})).await).await["status"], "cancelled");
    problem(app.post(&cancel, Some(&s.staff), json!({})).await, 409).await;
    problem(app.post(&decision(v["id"].as_i64().unwrap()), Some(&ann), json!({"decision": "accept"})).await, 409).await;
});

on_both!(the_requester_never_approves_its_own_ticket, |app: TestApp| async move {
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &staff).await;
    let ann = app.token("ann.approver@demo.example").await;
    let ticket = create(&app, &ann, contoso, json!({"title": "New monitor", "description": "Mine flickers."})).await;
    let v = ask(&app, &staff, ticket["id"].as_i64().unwrap(), json!({"question": "A 27-inch one, 300 EUR?"})).await;
    assert_eq!(v["may_decide"], false);
    let all = mails(&app).await;
    let to_ann = mails_to(&all, "ann.approver@demo.example");
    assert!(to_ann.iter().all(|m| !m.1.contains("approval")), "the requester is not asked: {to_ann:?}");
    assert_eq!(mails_to(&all, "max.changes@demo.example").len(), 1);
    let res = app.post(&decision(v["id"].as_i64().unwrap()), Some(&ann), json!({"decision": "accept"})).await;
    problem(res, 403).await;
});

on_both!(decision_links_preview_then_decide_once_for_their_approver, backend => |backend| async move {
    let app = undelivered(backend).await;
    let s = setup(&app).await;
    let v = ask(&app, &s.staff, s.ticket, json!({"question": "Replace the UPS battery, 90 EUR?"})).await;
    let all = mails(&app).await;
    let (accept, reject) = link_tokens(&all, "ann.approver@demo.example");
    let (max_accept, _) = link_tokens(&all, "max.changes@demo.example");
    let link = |t: &str| format!("/api/v1/decision-links/{t}");

    // Opening a link decides nothing, however often.
    for _ in 0..2 {
        let preview = app.client.get(app.url(&link(&accept))).send().await.unwrap();
        assert_eq!(preview.headers()["cache-control"], "no-store");
        let preview: Value = preview.json().await.unwrap();
        assert_eq!(preview["decision"], "accept");
        assert_eq!(preview["approver"], "Ann Approver");
        assert_eq!(preview["question"], "Replace the UPS battery, 90 EUR?");
    }
    let ann = app.token("ann.approver@demo.example").await;
    assert_eq!(ok(app.get(&format!("/api/v1/validations/{}", v["id"]), &ann).await).await["status"], "pending");
    let preview: Value = app.client.get(app.url(&link(&reject))).send().await.unwrap().json().await.unwrap();
    assert_eq!(preview["comment_required"], true);
    problem(app.post(&link(&reject), None, json!({})).await, 422).await;
    problem(app.post(&link(&reject), None, json!({"comment": "x".repeat(70 * 1024)})).await, 413).await;
    problem(app.client.get(app.url(&link("not-a-token"))).send().await.unwrap(), 404).await;

    let done = ok(app.post(&link(&accept), None, json!({"comment": "Go ahead"})).await).await;
    assert_eq!(done["status"], "accepted");
    problem(app.post(&link(&accept), None, json!({})).await, 409).await;
    problem(app.post(&link(&max_accept), None, json!({})).await, 409).await;
    let v = ok(app.get(&format!("/api/v1/validations/{}", v["id"]), &ann).await).await;
    assert_eq!(v["decisions"][0]["by"]["name"], "Ann Approver");
    assert_eq!(v["decisions"][0]["comment"], "Go ahead");

    // A link stops working when its approver loses the role.
    ask(&app, &s.staff, s.ticket, json!({"question": "And the second UPS?"})).await;
    let (accept, _) = link_tokens(&mails(&app).await, "ann.approver@demo.example");
    let ann_id = user_id(&app, &s.staff, "ann.approver@demo.example").await;
    let roles = json!({"roles": ["portal_user"]});
    let path = format!("/api/v1/users/{ann_id}/memberships/{}", s.contoso);
    ok(app.send(Method::PUT, &path, &s.staff, roles).await).await;
    problem(app.client.get(app.url(&link(&accept))).send().await.unwrap(), 403).await;
    problem(app.post(&link(&accept), None, json!({})).await, 403).await;
});

on_both!(notifications_follow_language_and_company_setting, |app: TestApp| async move {
    let s = setup(&app).await;
    let max = app.token("max.changes@demo.example").await;
    ok(app.send(Method::PATCH, "/api/v1/me", &max, json!({"language": "fr"})).await).await;
    let change = json!({"title": "Remplacer le pare-feu", "description": "FG-60E vers FG-70F",
        "reason": "Fin du support", "risk": "high", "estimated_cost_cents": 125050, "currency": "EUR"});
    let path = format!("/api/v1/companies/{}/change-requests", s.contoso);
    status(app.post(&path, Some(&s.staff), change.clone()).await, 201).await;
    let all = mails(&app).await;
    let to_max = mails_to(&all, "max.changes@demo.example");
    assert_eq!(to_max.len(), 1, "only change managers are asked: {all:?}");
    assert!(to_max[0].1.starts_with("Demande de changement"), "{}", to_max[0].1);
    assert!(to_max[0].2.contains("Risque : élevé") && to_max[0].2.contains("1250.50 EUR"), "{}", to_max[0].2);

    // A public note by staff reaches the requester; an internal note or the requester's own does not.
    let notes = format!("/api/v1/tickets/{}/notes", s.ticket);
    status(app.post(&notes, Some(&s.staff), json!({"body": "We are on it."})).await, 201).await;
    status(app.post(&notes, Some(&s.staff), json!({"body": "Check the RAID", "internal": true})).await, 201).await;
    let pat = app.token("pat.user@demo.example").await;
    status(app.post(&notes, Some(&pat), json!({"body": "Thanks!"})).await, 201).await;
    let all = mails(&app).await;
    let to_pat = mails_to(&all, "pat.user@demo.example");
    assert_eq!(to_pat.iter().filter(|m| m.2.contains("We are on it.")).count(), 1, "{all:?}");
    assert!(to_pat.iter().all(|m| !m.2.contains("RAID") && !m.2.contains("Thanks!")), "{all:?}");

    // With notifications off for the company, customers get no mail.
    company_settings(&app, &s.staff, s.contoso, json!({"notifications_enabled": false})).await;
    let before = mails(&app).await.len();
    status(app.post(&path, Some(&s.staff), change).await, 201).await;
    status(app.post(&notes, Some(&s.staff), json!({"body": "Done."})).await, 201).await;
    ask(&app, &s.staff, s.ticket, json!({"question": "Close it?"})).await;
    assert_eq!(mails(&app).await.len(), before);
});

on_both!(change_managers_decide_changes_others_read_or_never_see_them, |app: TestApp| async move {
    let s = setup(&app).await;
    let path = format!("/api/v1/companies/{}/change-requests", s.contoso);
    let body = json!({"title": "Replace the firewall", "description": "Swap the FG-60E.", "reason": "End of support",
        "risk": "medium", "planned_start": "2030-12-05T20:00:00Z", "planned_end": "2030-12-05T23:00:00Z"});
    for bad in [
        json!({"title": "x", "description": "", "reason": "y", "risk": "extreme"}),
        json!({"title": "", "description": "", "reason": "y", "risk": "low"}),
        json!({"title": "x", "description": "", "reason": "y", "risk": "low",
            "planned_start": "2030-12-05T23:00:00Z", "planned_end": "2030-12-05T20:00:00Z"}),
        json!({"title": "x", "description": "", "reason": "y", "risk": "low", "estimated_cost_cents": 5, "currency": "eur"}),
        json!({"title": "x", "description": "", "reason": "y", "risk": "low", "surprise": true}),
    ] {
        problem(app.post(&path, Some(&s.staff), bad).await, 422).await;
    }
    let pat_plus = app.token("pat.plus@demo.example").await;
    problem(app.post(&path, Some(&pat_plus), body.clone()).await, 403).await;
    let change = status(app.post(&path, Some(&s.staff), body).await, 201).await;
    let id = change["id"].as_i64().unwrap();
    assert_eq!(change["status"], "pending");
    let one = format!("/api/v1/change-requests/{id}");
    let decide = format!("{one}/decision");

    // Without `changes_read` (a customer approver too, by the portal's roles) nothing is seen.
    for who in ["pat.user@demo.example", "pat.plus@demo.example", "ann.approver@demo.example"] {
        let token = if who == "pat.plus@demo.example" { pat_plus.clone() } else { app.token(who).await };
        let me = ok(app.get("/api/v1/me", &token).await).await;
        assert!(!me["companies"][0]["sections"].as_array().unwrap().contains(&json!("changes")), "{who}");
        problem(app.get(&path, &token).await, 404).await;
        problem(app.get(&one, &token).await, 404).await;
        problem(app.post(&decide, Some(&token), json!({"decision": "approve"})).await, 404).await;
    }
    // The controller reads them (its tile shows) and never decides.
    let controller = app.token("chris.controller@demo.example").await;
    let me = ok(app.get("/api/v1/me", &controller).await).await;
    assert!(me["companies"][0]["sections"].as_array().unwrap().contains(&json!("changes")));
    let list = ok(app.get(&path, &controller).await).await;
    assert_eq!(list["items"][0]["id"], id, "the controller reads change requests");
    assert_eq!(list["items"][0]["may_decide"], false);
    assert_eq!(ok(app.get(&one, &controller).await).await["may_decide"], false);
    problem(app.post(&decide, Some(&controller), json!({"decision": "approve"})).await, 403).await;
    assert_eq!(ok(app.get(&one, &controller).await).await["status"], "pending", "nothing decided");
    let other = app.other_tenant_admin().await;
    problem(app.get(&one, &other).await, 404).await;

    let max = app.token("max.changes@demo.example").await;
    assert_eq!(ok(app.get(&one, &max).await).await["may_decide"], true);
    problem(app.post(&decide, Some(&max), json!({"decision": "reject"})).await, 422).await;
    let (a, b) = tokio::join!(
        app.post(&decide, Some(&max), json!({"decision": "approve", "comment": "Go"})),
        app.post(&decide, Some(&max), json!({"decision": "reject", "comment": "Wait"}))
    );
    let mut codes = [a.status().as_u16(), b.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 409]);
    let decided = ok(app.get(&one, &max).await).await;
    assert!(decided["status"] == "approved" || decided["status"] == "rejected");
    assert_eq!(decided["decided_by"]["name"], "Max Changes");
    problem(app.post(&format!("{one}/cancel"), Some(&s.staff), json!({})).await, 409).await;

    let second = status(
        app.post(
            &path,
            Some(&s.staff),
            json!({"title": "Patch night", "description": "",
        "reason": "Monthly patches", "risk": "low"}),
        )
        .await,
        201,
    )
    .await;
    let cancel = format!("/api/v1/change-requests/{}/cancel", second["id"]);
    problem(app.post(&cancel, Some(&max), json!({})).await, 403).await;
    assert_eq!(ok(app.post(&cancel, Some(&s.staff), json!({})).await).await["status"], "cancelled");
    let pending = ok(app.get(&format!("{path}?status=pending"), &max).await).await;
    assert!(pending["items"].as_array().unwrap().is_empty());
    problem(app.get(&format!("{path}?status=maybe"), &max).await, 422).await;
});

on_both!(decision_links_work_from_a_browser, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &staff).await;
    let pat = app.token("pat.user@demo.example").await;
    let title = "Printer <script>alert(1)</script>";
    let ticket = create(&app, &pat, contoso, json!({"title": title, "description": "x"})).await;
    ask(&app, &staff, ticket["id"].as_i64().unwrap(), json!({"question": "Buy toner & drum?"})).await;
    let (_, reject) = link_tokens(&mails(&app).await, "max.changes@demo.example");
    let url = app.url(&format!("/api/v1/decision-links/{reject}"));
    let browser = |req: reqwest::RequestBuilder| req.header("accept", "text/html,application/xhtml+xml");

    let page = browser(app.client.get(&url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\">") && html.contains("required"), "{html}");
    assert!(html.contains("Buy toner &amp; drum?") && html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("<script>"), "user text is escaped");

    // The form without a comment is refused with a page; with one, the rejection is recorded.
    let form = |comment: &str| browser(app.client.post(&url)).form(&[("comment", comment)]);
    let refused = form("").send().await.unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Nothing was decided"));
    let done = form("Toner only, please").send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("It is now <strong>rejected</strong>"));
    let again = form("again").send().await.unwrap();
    assert_eq!(again.status(), 409);

    let other = app.client.post(&url).header("content-type", "text/plain").body("hi").send().await.unwrap();
    problem(other, 415).await;
    let ann = app.token("ann.approver@demo.example").await;
    let v = ok(app.get(&format!("/api/v1/tickets/{}/validations", ticket["id"]), &ann).await).await;
    assert_eq!(v["items"][0]["status"], "rejected");
    assert_eq!(v["items"][0]["decisions"][0]["comment"], "Toner only, please");
});

on_both!(approvers_receive_the_request_by_smtp_in_their_language_and_decide_from_it, backend => |backend| async move {
    use crate::outbox::{eventually, with_sink};
    let (app, sink) = with_sink(backend, |_| {}).await;
    let s = setup(&app).await;
    let ann = app.token("ann.approver@demo.example").await;
    ok(app.send(Method::PATCH, "/api/v1/me", &ann, json!({"language": "de"})).await).await;
    let tech = my_id(&app, &app.token("tech@demo.example").await).await;
    ok(crate::tickets::patch(&app, &s.staff, s.ticket, json!({"assignee_id": tech})).await).await;
    ask(&app, &s.staff, s.ticket, json!({"question": "Dürfen wir den Server heute um 22 Uhr neu starten?"})).await;

    let parse = |data: &[u8]| {
        let mail = mail_parser::MessageParser::default().parse(data).expect("a parsable message");
        (mail.subject().unwrap_or_default().to_owned(), mail.body_text(0).unwrap_or_default().into_owned())
    };
    let to_ann = eventually("the request to reach ann", || async {
        sink.received().into_iter().find(|m| m.to == ["ann.approver@demo.example"])
    })
    .await;
    let (subject, body) = parse(&to_ann.data);
    assert!(subject.starts_with("[#"), "{subject}");
    assert!(subject.contains("Ihre Freigabe wird benötigt: File server slow"), "{subject}");
    assert!(body.starts_with("Hallo Ann Approver,") && body.contains("Dürfen wir den Server"), "{body}");
    let accept = body
        .split_whitespace()
        .find_map(|w| w.split("/api/v1/decision-links/").nth(1))
        .expect("an accept link")
        .to_owned();
    let done = ok(app.post(&format!("/api/v1/decision-links/{accept}"), None, json!({})).await).await;
    assert_eq!(done["status"], "accepted");

    // The assignee also hears of the portal ticket; the outcome may come folded with it.
    let to_tech = eventually("the outcome to reach the assignee", || async {
        sink.received().into_iter().find(|m| m.to == ["tech@demo.example"] && parse(&m.data).1.contains("Ann Approver"))
    })
    .await;
    let (_, body) = parse(&to_tech.data);
    assert!(body.contains("\"File server slow\" was accepted by Ann Approver"), "{body}");
});
