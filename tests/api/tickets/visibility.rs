//! Who reads which ticket: own and contact tickets for `portal_user`, all of the company from
//! `portal_user_plus` up, subsidiaries by each company's own setting, 404 across companies and
//! tenants, ticketing switched off, statuses hidden from customers.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::harness::{problem, TestApp};
use crate::on_both;

/// Every way of reaching a ticket answers 404.
async fn unreachable(app: &TestApp, token: &str, id: i64) {
    problem(app.get(&ticket(id), token).await, 404).await;
    problem(app.get(&format!("/api/v1/tickets/{id}/notes"), token).await, 404).await;
    problem(app.get(&format!("/api/v1/tickets/{id}/history"), token).await, 404).await;
    problem(patch(app, token, id, json!({"title": "Mine now"})).await, 404).await;
    problem(app.post(&format!("/api/v1/tickets/{id}/close"), Some(token), json!({})).await, 404).await;
    problem(app.post(&format!("/api/v1/tickets/{id}/reopen"), Some(token), json!({})).await, 404).await;
    problem(app.post(&format!("/api/v1/tickets/{id}/notes"), Some(token), json!({"body": "hello"})).await, 404).await;
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

on_both!(portal_user_reads_own_and_contact_tickets_only, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let (vpn, printer, drucker) = (
        ticket_id(&app, &admin, VPN).await,
        ticket_id(&app, &admin, PRINTER).await,
        ticket_id(&app, &admin, DRUCKER).await,
    );

    let own = sorted(titles(app.get(&company_tickets(contoso), &user).await).await);
    assert_eq!(own, [LAPTOP, PRINTER]);
    unreachable(&app, &user, vpn).await;
    unreachable(&app, &user, drucker).await;
    let plus_id = my_id(&app, &plus).await;
    let theirs = titles(app.get(&format!("{}?requester_id={plus_id}", company_tickets(contoso)), &user).await).await;
    assert!(theirs.is_empty(), "a filter does not widen what one sees: {theirs:?}");
    let found = titles(app.get(&format!("{}?q=VPN", company_tickets(contoso)), &user).await).await;
    assert!(found.is_empty(), "nor does a search: {found:?}");

    // The contact of a ticket reads and changes it too.
    let user_id = my_id(&app, &user).await;
    let shared = create(&app, &plus, contoso, json!({"title": "Badge reader broken", "contact_id": user_id})).await;
    let shared_id = shared["id"].as_i64().unwrap();
    assert_eq!(shared["contact"]["id"], user_id);
    let own = titles(app.get(&company_tickets(contoso), &user).await).await;
    assert_eq!(own.len(), 3, "{own:?}");
    let read = ok(app.get(&ticket(shared_id), &user).await).await;
    assert!(!read["editable_fields"].as_array().unwrap().is_empty());
    ok(patch(&app, &user, shared_id, json!({"description": "Entrance B"})).await).await;

    // portal_user_plus reads and changes every ticket of the company.
    for id in [vpn, printer, drucker, shared_id] {
        ok(app.get(&ticket(id), &plus).await).await;
    }
    let changed = ok(patch(&app, &plus, printer, json!({"priority": "high"})).await).await;
    assert_eq!(changed["priority"], "high");
});

on_both!(roles_above_plus_read_all_and_the_controller_changes_every_ticket, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    for email in ["ann.approver@demo.example", "max.changes@demo.example", "paula.admin@demo.example"] {
        let token = app.token(email).await;
        let all = titles(app.get(&company_tickets(contoso), &token).await).await;
        assert_eq!(all.len(), 4, "{email}: {all:?}");
        ok(patch(&app, &token, printer, json!({"description": format!("seen by {email}")})).await).await;
    }
    // The controller reads, opens and changes every ticket of its company, someone else's too.
    let controller = app.token("chris.controller@demo.example").await;
    let all = titles(app.get(&company_tickets(contoso), &controller).await).await;
    assert_eq!(all.len(), 4, "{all:?}");
    let read = ok(app.get(&ticket(printer), &controller).await).await;
    assert_ne!(read["editable_fields"], json!([]));
    let changed = ok(patch(&app, &controller, printer, json!({"priority": "low"})).await).await;
    assert_eq!(changed["priority"], "low");
    ok(app.post(&format!("/api/v1/tickets/{printer}/notes"), Some(&controller), json!({"body": "Checked"})).await)
        .await;
    let opened =
        status(app.post(&company_tickets(contoso), Some(&controller), json!({"title": "Controller's"})).await, 201)
            .await;
    assert_eq!(opened["title"], "Controller's");

    // A read-only token of the controller still changes nothing.
    let created = status(
        app.post(
            "/api/v1/me/api-tokens",
            Some(&controller),
            json!({"name": "report", "read_only": true, "expires_in_days": 1}),
        )
        .await,
        201,
    )
    .await;
    let read_only = created["token"].as_str().unwrap();
    let before = ok(app.get(&ticket(printer), read_only).await).await["version"].clone();
    problem(patch(&app, read_only, printer, json!({"priority": "high"})).await, 403).await;
    problem(app.post(&format!("/api/v1/tickets/{printer}/close"), Some(read_only), json!({})).await, 403).await;
    problem(app.post(&format!("/api/v1/tickets/{printer}/notes"), Some(read_only), json!({"body": "x"})).await, 403)
        .await;
    problem(app.post(&company_tickets(contoso), Some(read_only), json!({"title": "Token's"})).await, 403).await;
    let after = ok(app.get(&ticket(printer), &controller).await).await;
    assert_eq!(after["version"], before, "nothing changed");
    assert_eq!(after["priority"], "low");
});

on_both!(subsidiary_tickets_follow_each_companys_own_setting, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, sub, fabrikam) = companies(&app, &admin).await;
    let (printer, drucker, mailbox) = (
        ticket_id(&app, &admin, PRINTER).await,
        ticket_id(&app, &admin, DRUCKER).await,
        ticket_id(&app, &admin, MAILBOX).await,
    );

    // Contoso shows its subsidiary's tickets to its members.
    let all = titles(app.get(&company_tickets(contoso), &plus).await).await;
    assert!(all.contains(&DRUCKER.to_owned()), "{all:?}");
    ok(app.get(&ticket(drucker), &plus).await).await;
    problem(app.get(&company_tickets(sub), &plus).await, 404).await;

    // The subsidiary's own setting (off) decides what its members see of the parent: even a
    // portal_user_plus there sees only the subsidiary's tickets.
    let sam = user_id(&app, &admin, "sam.sub@demo.example").await;
    ok(app
        .send(
            Method::PUT,
            &format!("/api/v1/users/{sam}/memberships/{sub}"),
            &admin,
            json!({"roles": ["portal_user_plus"]}),
        )
        .await)
    .await;
    let sam_token = app.token("sam.sub@demo.example").await;
    assert_eq!(titles(app.get(&company_tickets(sub), &sam_token).await).await, [DRUCKER]);
    problem(app.get(&ticket(printer), &sam_token).await, 404).await;

    // Switched on at the subsidiary: its members see the parent's tickets, never another family's.
    company_settings(&app, &admin, sub, json!({"subsidiary_tickets_visible": true})).await;
    let seen = titles(app.get(&company_tickets(sub), &sam_token).await).await;
    assert_eq!(sorted(seen), sorted(vec![PRINTER.into(), LAPTOP.into(), VPN.into(), DRUCKER.into()]));
    ok(app.get(&ticket(printer), &sam_token).await).await;
    problem(app.get(&ticket(mailbox), &sam_token).await, 404).await;
    problem(app.get(&company_tickets(fabrikam), &sam_token).await, 404).await;

    // Switched off at the parent: Contoso's members lose the subsidiary's tickets; the
    // subsidiary's members keep the parent's, which their own company's setting grants.
    let effective = company_settings(&app, &admin, contoso, json!({"subsidiary_tickets_visible": false})).await;
    assert_eq!(effective["time_zone"], "Europe/Zurich", "other overrides kept");
    let all = titles(app.get(&company_tickets(contoso), &plus).await).await;
    assert_eq!(all.len(), 3, "{all:?}");
    problem(app.get(&ticket(drucker), &plus).await, 404).await;
    ok(app.get(&ticket(printer), &sam_token).await).await;
});

on_both!(a_user_of_one_company_never_reaches_another_companys_ticket, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let multi = app.token("morgan.multi@demo.example").await;
    let (contoso, sub, fabrikam) = companies(&app, &admin).await;
    let (printer, drucker, mailbox) = (
        ticket_id(&app, &admin, PRINTER).await,
        ticket_id(&app, &admin, DRUCKER).await,
        ticket_id(&app, &admin, MAILBOX).await,
    );

    unreachable(&app, &fred, printer).await;
    problem(app.get(&company_tickets(contoso), &fred).await, 404).await;
    problem(app.post(&company_tickets(contoso), Some(&fred), json!({"title": "Sneaky"})).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &fred).await, 404).await;
    unreachable(&app, &user, mailbox).await;
    problem(app.get(&company_tickets(fabrikam), &user).await, 404).await;
    problem(app.get(&company_tickets(sub), &user).await, 404).await;

    // One login, two companies, two roles: approver at Fabrikam, portal_user at Contoso.
    assert_eq!(titles(app.get(&company_tickets(fabrikam), &multi).await).await, [MAILBOX]);
    ok(app.get(&ticket(mailbox), &multi).await).await;
    assert!(titles(app.get(&company_tickets(contoso), &multi).await).await.is_empty());
    unreachable(&app, &multi, printer).await;
    unreachable(&app, &multi, drucker).await;
    assert_eq!(titles(app.get(&company_tickets(fabrikam), &fred).await).await, [MAILBOX]);
});

on_both!(ticketing_switched_off_refuses_customers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let sam = app.token("sam.sub@demo.example").await;
    let (contoso, sub, _) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let before = items(&app, &admin, "/api/v1/tickets").await.len();

    company_settings(&app, &admin, contoso, json!({"ticketing_enabled": false})).await;
    problem(app.get(&company_tickets(contoso), &user).await, 403).await;
    problem(app.post(&company_tickets(contoso), Some(&user), json!({"title": "Still there?"})).await, 403).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await, 403).await;
    // Its tickets are out of reach too (the company's ticketing is off: nothing to show).
    unreachable(&app, &user, printer).await;
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), before, "nothing created");
    // The subsidiary keeps its own setting; staff keep working.
    assert_eq!(titles(app.get(&company_tickets(sub), &sam).await).await, [DRUCKER]);
    assert_eq!(items(&app, &admin, &company_tickets(contoso)).await.len(), 3);

    company_settings(&app, &admin, contoso, json!({"ticketing_enabled": true})).await;
    assert_eq!(titles(app.get(&company_tickets(contoso), &user).await).await.len(), 2);
    ok(app.get(&ticket(printer), &user).await).await;
});

on_both!(statuses_hidden_from_customers_are_not_listed_and_answer_404, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    ok(patch(&app, &admin, printer, json!({"status": "waiting_third_party"})).await).await;
    ticket_settings(&app, &admin, json!({"hidden_statuses": ["waiting_third_party"]})).await;

    assert_eq!(titles(app.get(&company_tickets(contoso), &user).await).await, [LAPTOP]);
    assert_eq!(titles(app.get(&company_tickets(contoso), &plus).await).await.len(), 3);
    let filtered =
        titles(app.get(&format!("{}?status=waiting_third_party", company_tickets(contoso)), &plus).await).await;
    assert!(filtered.is_empty(), "{filtered:?}");
    unreachable(&app, &user, printer).await;
    unreachable(&app, &plus, printer).await;
    let form = ok(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &user).await).await;
    assert!(!form["statuses"].as_array().unwrap().contains(&json!("waiting_third_party")), "{form}");

    // Staff still see and work it.
    let read = ok(app.get(&ticket(printer), &admin).await).await;
    assert_eq!(read["status"], "waiting_third_party");
    let listed = items(&app, &admin, &format!("{}?status=waiting_third_party", company_tickets(contoso))).await;
    assert_eq!(listed.len(), 1);
    ok(app.get(&format!("/api/v1/tickets/{printer}/history"), &admin).await).await;

    ok(patch(&app, &admin, printer, json!({"status": "open"})).await).await;
    assert_eq!(titles(app.get(&company_tickets(contoso), &user).await).await.len(), 2);
    ok(app.get(&ticket(printer), &user).await).await;
    // Its history does not name the hidden status either; staff see every step.
    let lines = history(&app, &user, printer).await;
    assert!(!lines.iter().any(|l| l.to_string().contains("waiting_third_party")), "{lines:?}");
    let staff_lines = history(&app, &admin, printer).await;
    assert_eq!(staff_lines.iter().filter(|l| l["field"] == "status").count(), 2);
});

on_both!(another_tenants_staff_get_404, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let boss = app.other_tenant_admin().await;

    unreachable(&app, &boss, printer).await;
    problem(app.get(&company_tickets(contoso), &boss).await, 404).await;
    problem(app.post(&company_tickets(contoso), Some(&boss), json!({"title": "x", "requester_id": 1})).await, 404)
        .await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/ticket-form"), &boss).await, 404).await;
    assert!(items(&app, &boss, "/api/v1/tickets").await.is_empty());
    assert!(items(&app, &boss, &format!("/api/v1/tickets?company_id={contoso}")).await.is_empty());
    assert!(items(&app, &boss, "/api/v1/tickets?q=printer").await.is_empty());

    // Its own first ticket is number 1: numbers are per tenant.
    let company = ok(app.post("/api/v1/companies", Some(&boss), json!({"name": "Initech"})).await).await;
    let company = company["id"].as_i64().unwrap();
    let member = ok(app
        .post(
            "/api/v1/users",
            Some(&boss),
            json!({"email": "peter@initech.example", "name": "Peter",
                "memberships": [{"company_id": company, "roles": ["portal_user"]}]}),
        )
        .await)
    .await;
    // A member of the demo tenant is not a requester here.
    let pat = user_id(&app, &admin, "pat.user@demo.example").await;
    problem(app.post(&company_tickets(company), Some(&boss), json!({"title": "TPS", "requester_id": pat})).await, 422)
        .await;
    let own = create(&app, &boss, company, json!({"title": "TPS reports", "requester_id": member["id"]})).await;
    assert_eq!(own["number"], 1);
    problem(app.get(&ticket(own["id"].as_i64().unwrap()), &admin).await, 404).await;
    assert!(!items(&app, &admin, "/api/v1/tickets").await.iter().any(|t| t["title"] == "TPS reports"));
});
