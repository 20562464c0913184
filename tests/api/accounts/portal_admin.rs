//! Each customer administering its own company's logins: who sees which contacts, a portal admin
//! inviting, changing roles, suspending and resuming, and every way a customer might try to
//! reach beyond its company or its roles, each refused with nothing changed.

use reqwest::Method;
use serde_json::{json, Value};

use super::{inbox, link_token, with_mailbox};
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::outbox::eventually;
use crate::tickets::companies;

/// The password and TOTP secret of the users the tests make.
pub const MEMBER_PASSWORD: &str = "our own test passphrase 2026";
const MEMBER_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A portal user made through the staff API with `memberships` (company id, roles), then given
/// a password and an authenticator the way the demo users have them; returns its id.
pub async fn member(app: &TestApp, admin: &str, email: &str, memberships: &[(i64, &[&str])]) -> i64 {
    let memberships: Vec<Value> =
        memberships.iter().map(|(company, roles)| json!({"company_id": company, "roles": roles})).collect();
    let name = email.split('@').next().unwrap().replace('.', " ");
    let res =
        app.post("/api/v1/users", Some(admin), json!({"email": email, "name": name, "memberships": memberships})).await;
    assert_eq!(res.status(), 201, "creating {email}");
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (db, hasher) = (app.state.db.clone(), app.state.hasher.clone());
    tokio::task::spawn_blocking(move || {
        use clientdesk_domain::ids::UserId;
        use clientdesk_persistence::users;
        let now = chrono::Utc::now();
        let hash = hasher.hash(MEMBER_PASSWORD).unwrap();
        let mut conn = db.conn().unwrap();
        users::set_password_hash(&mut conn, UserId(id), &hash, false, now).unwrap();
        users::activate(&mut conn, UserId(id), now).unwrap();
        users::set_totp(&mut conn, UserId(id), Some(MEMBER_SECRET), None, now).unwrap();
    })
    .await
    .unwrap();
    id
}

/// Signs in a user made by [`member`]; returns its access token.
pub async fn login(app: &TestApp, email: &str) -> String {
    let res = app.password_step(email, MEMBER_PASSWORD).await;
    assert_eq!(res.status(), 200, "password step of {email}");
    let body: Value = res.json().await.unwrap();
    if body["status"] == "authenticated" {
        return body["access_token"].as_str().unwrap().to_owned();
    }
    let verify =
        |code: String| app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": body["mfa_token"], "code": code}));
    let mut res = verify(app.code_for(email, MEMBER_SECRET)).await;
    if res.status() == 401 {
        res = verify(app.code_for(email, MEMBER_SECRET)).await;
    }
    assert_eq!(res.status(), 200, "code step of {email}");
    res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
}

/// Sets the tenant's account policy (what staff choose elsewhere).
pub async fn customers_grant_portal_admin(app: &TestApp, allowed: bool) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_domain::accounts::AccountPolicy;
        let mut conn = db.conn().unwrap();
        let tenant = clientdesk_persistence::tenants::find_by_slug(&mut conn, "demo").unwrap().id;
        let policy = AccountPolicy { customers_grant_portal_admin: allowed, ..Default::default() };
        clientdesk_persistence::accounts::put_policy(&mut conn, tenant, policy, chrono::Utc::now()).unwrap();
    })
    .await
    .unwrap();
}

/// Every contact of the company as the caller sees them (one page of up to 200).
pub async fn contacts(app: &TestApp, token: &str, company: i64) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/companies/{company}/contacts?limit=200"), token).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["items"].as_array().unwrap().clone()
}

/// The contact with this address as `token` sees it.
pub async fn contact(app: &TestApp, token: &str, company: i64, email: &str) -> Value {
    contacts(app, token, company).await.into_iter().find(|c| c["email"] == email).expect(email)
}

pub fn emails(list: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = list.iter().map(|c| c["email"].as_str().unwrap().to_owned()).collect();
    out.sort();
    out
}

pub fn roles_of(contact: &Value) -> Vec<String> {
    contact["roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect()
}

const CONTOSO_MEMBERS: [&str; 7] = [
    "ann.approver@demo.example",
    "chris.controller@demo.example",
    "max.changes@demo.example",
    "morgan.multi@demo.example",
    "pat.plus@demo.example",
    "pat.user@demo.example",
    "paula.admin@demo.example",
];

on_both!(contacts_are_seen_as_the_roles_allow, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, sub, fabrikam) = companies(&app, &admin).await;

    // Staff and every role from portal_user_plus up see all of the company's members, no staff.
    let tech = app.token("tech@demo.example").await;
    assert_eq!(emails(&contacts(&app, &tech, contoso).await), CONTOSO_MEMBERS);
    for email in ["pat.plus@demo.example", "ann.approver@demo.example", "chris.controller@demo.example"] {
        let token = app.token(email).await;
        assert_eq!(emails(&contacts(&app, &token, contoso).await), CONTOSO_MEMBERS, "{email}");
        problem(app.get(&format!("/api/v1/companies/{fabrikam}/contacts"), &token).await, 404).await;
        problem(app.get(&format!("/api/v1/companies/{sub}/contacts"), &token).await, 404).await;
    }
    // A portal_user sees its own entry only.
    let pat = app.token("pat.user@demo.example").await;
    let own = contacts(&app, &pat, contoso).await;
    assert_eq!(emails(&own), ["pat.user@demo.example"]);
    problem(app.get(&format!("/api/v1/companies/{fabrikam}/contacts"), &pat).await, 404).await;
    problem(app.get("/api/v1/companies/999999/contacts", &admin).await, 404).await;

    // Morgan is portal_user at Contoso and customer_approver at Fabrikam: each company sees its
    // own membership only, and nothing about credentials.
    let paula = app.token("paula.admin@demo.example").await;
    let morgan = contact(&app, &paula, contoso, "morgan.multi@demo.example").await;
    assert_eq!(roles_of(&morgan), ["portal_user"]);
    let mut keys: Vec<&String> = morgan.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["billing_contact", "email", "id", "name", "phone", "primary_contact", "roles", "state", "suspended"],
        "{morgan}"
    );
    assert_eq!((morgan["state"].as_str(), morgan["suspended"].as_bool()), (Some("active"), Some(false)));
    let morgan_token = app.token("morgan.multi@demo.example").await;
    let at_fabrikam = contacts(&app, &morgan_token, fabrikam).await;
    assert_eq!(emails(&at_fabrikam), ["fred.fabrikam@demo.example", "morgan.multi@demo.example"]);
    let entry = at_fabrikam.iter().find(|c| c["email"] == "morgan.multi@demo.example").unwrap();
    assert_eq!(roles_of(entry), ["customer_approver"]);
    // As portal_user at Contoso, Morgan sees only itself there.
    assert_eq!(emails(&contacts(&app, &morgan_token, contoso).await), ["morgan.multi@demo.example"]);

    // The company's primary and billing contacts are marked.
    let paula_id = contact(&app, &paula, contoso, "paula.admin@demo.example").await["id"].as_i64().unwrap();
    let ann_id = contact(&app, &paula, contoso, "ann.approver@demo.example").await["id"].as_i64().unwrap();
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_domain::ids::{CompanyId, UserId};
        let mut conn = db.conn().unwrap();
        clientdesk_persistence::accounts::set_company_contacts(
            &mut conn,
            CompanyId(contoso),
            Some(UserId(paula_id)),
            Some(UserId(ann_id)),
            chrono::Utc::now(),
        )
        .unwrap();
    })
    .await
    .unwrap();
    let entry = contact(&app, &paula, contoso, "paula.admin@demo.example").await;
    assert_eq!((entry["primary_contact"].as_bool(), entry["billing_contact"].as_bool()), (Some(true), Some(false)));
    let entry = contact(&app, &paula, contoso, "ann.approver@demo.example").await;
    assert_eq!((entry["primary_contact"].as_bool(), entry["billing_contact"].as_bool()), (Some(false), Some(true)));

    // Filters, search and paging.
    let list = |query: &'static str| {
        let (app, paula) = (&app, &paula);
        async move {
            let res = app.get(&format!("/api/v1/companies/{contoso}/contacts?{query}"), paula).await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(list("state=active").await["items"].as_array().unwrap().len(), 7);
    assert_eq!(list("state=invited").await["items"].as_array().unwrap().len(), 0);
    assert_eq!(emails(list("q=ANN").await["items"].as_array().unwrap()), ["ann.approver@demo.example"]);
    assert_eq!(emails(list("q=morgan.multi%40").await["items"].as_array().unwrap()), ["morgan.multi@demo.example"]);
    assert_eq!(list("q=%25").await["items"].as_array().unwrap().len(), 0, "% is a character, not a wildcard");
    let first = list("limit=4").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let res = app.get(&format!("/api/v1/companies/{contoso}/contacts?limit=4&cursor={cursor}"), &paula).await;
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 3);
    assert!(second["next_cursor"].is_null());
    problem(app.get(&format!("/api/v1/companies/{contoso}/contacts?state=gone"), &paula).await, 422).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/contacts?limit=0"), &paula).await, 422).await;
});

on_both!(a_portal_admin_invites_changes_suspends_and_resumes, backend => |backend: Backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let paula = app.token("paula.admin@demo.example").await;
    let invitations = format!("/api/v1/companies/{contoso}/invitations");

    // Inviting: the contact is there, invited, and the welcome with its link arrives.
    let res = app.post(&invitations, Some(&paula), json!({"email": "Bob@Newcomer.example", "name": "Bob Builder"})).await;
    assert_eq!(res.status(), 201);
    let bob: Value = res.json().await.unwrap();
    assert_eq!((bob["email"].as_str(), bob["state"].as_str()), (Some("bob@newcomer.example"), Some("invited")));
    assert_eq!(roles_of(&bob), ["portal_user"]);
    let token = link_token(&sink, "bob@newcomer.example", "set-password", 0).await;
    assert!(token.len() >= 20);
    let (subject, _) = inbox(&sink, "bob@newcomer.example").remove(0);
    assert!(subject.contains("Paula Admin") && subject.contains("Contoso Ltd"), "{subject}");
    let listed = contact(&app, &paula, contoso, "bob@newcomer.example").await;
    assert_eq!(listed["state"], "invited");
    // An address that exists, in this company or any other, is a conflict that names no company.
    for email in ["bob@newcomer.example", "fred.fabrikam@demo.example"] {
        let body = problem(app.post(&invitations, Some(&paula), json!({"email": email, "name": "Again"})).await, 409).await;
        assert!(!body["detail"].as_str().unwrap().contains("Fabrikam"), "{body}");
    }
    // An address of another company's registered domain is refused to a customer.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_domain::ids::{CompanyId, TenantId};
        let mut conn = db.conn().unwrap();
        let tenant: TenantId = clientdesk_persistence::tenants::find_by_slug(&mut conn, "demo").unwrap().id;
        clientdesk_persistence::accounts::add_domain(&mut conn, tenant, CompanyId(fabrikam), "fabrikam.example", chrono::Utc::now())
            .unwrap();
    })
    .await
    .unwrap();
    let res = app.post(&invitations, Some(&paula), json!({"email": "eve@fabrikam.example", "name": "Eve"})).await;
    problem(res, 422).await;
    problem(app.post(&invitations, Some(&paula), json!({"email": "not an address", "name": "X"})).await, 422).await;
    problem(app.post(&invitations, Some(&paula), json!({"email": "x@y.example", "name": "X", "roles": ["root"]})).await, 422)
        .await;
    // The provider admin invites into any company; a technician does not.
    let res = app
        .post(
            &format!("/api/v1/companies/{fabrikam}/invitations"),
            Some(&admin),
            json!({"email": "gina@fabrikam.example", "name": "Gina", "roles": ["portal_admin"], "language": "de"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    link_token(&sink, "gina@fabrikam.example", "set-password", 0).await;
    let tech = app.token("tech@demo.example").await;
    let res = app.post(&invitations, Some(&tech), json!({"email": "tina@newcomer.example", "name": "Tina"})).await;
    problem(res, 403).await;
    assert!(contacts(&app, &paula, contoso).await.iter().all(|c| c["email"] != "tina@newcomer.example"));

    // Changing roles.
    let bob_id = bob["id"].as_i64().unwrap();
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{contoso}/contacts/{bob_id}/roles"),
            &paula,
            json!({"roles": ["portal_user_plus", "customer_approver"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let listed = contact(&app, &paula, contoso, "bob@newcomer.example").await;
    assert_eq!(roles_of(&listed), ["portal_user_plus", "customer_approver"]);
    let res = app
        .send(Method::PUT, &format!("/api/v1/companies/{contoso}/contacts/{bob_id}/roles"), &paula, json!({"roles": []}))
        .await;
    problem(res, 422).await;

    // Suspending Morgan at Contoso: Fabrikam keeps working for Morgan, Contoso is gone.
    let morgan_before = app.token("morgan.multi@demo.example").await;
    let morgan_id = contact(&app, &paula, contoso, "morgan.multi@demo.example").await["id"].as_i64().unwrap();
    let res = app.post(&format!("/api/v1/companies/{contoso}/contacts/{morgan_id}/suspend"), Some(&paula), json!({})).await;
    assert_eq!(res.status(), 200);
    let entry: Value = res.json().await.unwrap();
    assert_eq!((entry["state"].as_str(), entry["suspended"].as_bool()), (Some("disabled"), Some(true)));
    let disabled = app.get(&format!("/api/v1/companies/{contoso}/contacts?state=disabled"), &paula).await;
    assert_eq!(emails(disabled.json::<Value>().await.unwrap()["items"].as_array().unwrap()), ["morgan.multi@demo.example"]);
    // The token issued before is refused; a new sign-in reaches Fabrikam only.
    problem(app.get(&format!("/api/v1/companies/{fabrikam}/contacts"), &morgan_before).await, 401).await;
    let morgan = app.token("morgan.multi@demo.example").await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/contacts"), &morgan).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/tickets"), &morgan).await, 404).await;
    assert_eq!(app.get(&format!("/api/v1/companies/{fabrikam}/contacts"), &morgan).await.status(), 200);
    assert_eq!(app.get(&format!("/api/v1/companies/{fabrikam}/tickets"), &morgan).await.status(), 200);
    let me: Value = app.get("/api/v1/me", &morgan).await.json().await.unwrap();
    let names: Vec<&str> = me["companies"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Fabrikam Inc"]);
    // Fabrikam's side sees Morgan as before.
    let at_fabrikam = contact(&app, &admin, fabrikam, "morgan.multi@demo.example").await;
    assert_eq!((at_fabrikam["state"].as_str(), at_fabrikam["suspended"].as_bool()), (Some("active"), Some(false)));
    // Suspending twice changes nothing; resuming gives Contoso back.
    let res = app.post(&format!("/api/v1/companies/{contoso}/contacts/{morgan_id}/suspend"), Some(&paula), json!({})).await;
    assert_eq!(res.status(), 200);
    let res = app.post(&format!("/api/v1/companies/{contoso}/contacts/{morgan_id}/resume"), Some(&paula), json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["state"], "active");
    let morgan = app.token("morgan.multi@demo.example").await;
    assert_eq!(app.get(&format!("/api/v1/companies/{contoso}/contacts"), &morgan).await.status(), 200);

    // No e-mail tells Morgan of the suspension (it is about one company, not the account).
    let all = eventually("bob's and gina's mails", || {
        let all = sink.received();
        async move { (all.len() >= 2).then_some(all) }
    })
    .await;
    assert!(all.iter().all(|m| m.to.iter().all(|to| to != "morgan.multi@demo.example")));

    // Everything was audited.
    let audit: Value = app.get("/api/v1/audit-events?limit=200", &admin).await.json().await.unwrap();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["contact_invited", "contact_roles_changed", "contact_suspended", "contact_resumed"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
});

/// The customer roles and the demo user holding each at Contoso.
const ROLE_HOLDERS: [(&str, &str); 6] = [
    ("portal_user", "pat.user@demo.example"),
    ("portal_user_plus", "pat.plus@demo.example"),
    ("customer_approver", "ann.approver@demo.example"),
    ("change_manager", "max.changes@demo.example"),
    ("controller", "chris.controller@demo.example"),
    ("portal_admin", "paula.admin@demo.example"),
];

on_both!(no_customer_role_escalates, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let target_id = member(&app, &admin, "terry.target@contoso.example", &[(contoso, &["portal_user"])]).await;
    let tech_id = {
        let me: Value = app.get("/api/v1/me", &app.token("tech@demo.example").await).await.json().await.unwrap();
        me["id"].as_i64().unwrap()
    };
    let paula_id = contact(&app, &admin, contoso, "paula.admin@demo.example").await["id"].as_i64().unwrap();
    let snapshot = |company: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            let mut all = contacts(app, admin, company).await;
            all.sort_by_key(|c| c["id"].as_i64());
            all
        }
    };
    let (contoso_before, fabrikam_before) = (snapshot(contoso).await, snapshot(fabrikam).await);

    for allowed in [false, true] {
        customers_grant_portal_admin(&app, allowed).await;
        for (role, email) in ROLE_HOLDERS {
            let is_admin = role == "portal_admin";
            let token = app.token(email).await;
            let own_id = contact(&app, &admin, contoso, email).await["id"].as_i64().unwrap();
            let roles_url = |company: i64, user: i64| format!("/api/v1/companies/{company}/contacts/{user}/roles");

            // Invite into another company.
            let res = app
                .post(
                    &format!("/api/v1/companies/{fabrikam}/invitations"),
                    Some(&token),
                    json!({"email": format!("{role}@elsewhere.example"), "name": "Sneaky"}),
                )
                .await;
            problem(res, 404).await;
            // Read another company's contacts.
            problem(app.get(&format!("/api/v1/companies/{fabrikam}/contacts"), &token).await, 404).await;
            // Grant itself more roles (a portal admin may not change its own either).
            let res = app
                .send(
                    Method::PUT,
                    &roles_url(contoso, own_id),
                    &token,
                    json!({"roles": [role, "portal_admin", "change_manager"]}),
                )
                .await;
            problem(res, 403).await;
            // Give someone portal_admin: only a portal admin, and only where the tenant allows.
            let res =
                app.send(Method::PUT, &roles_url(contoso, target_id), &token, json!({"roles": ["portal_admin"]})).await;
            match (is_admin, allowed) {
                (false, _) => {
                    problem(res, 403).await;
                }
                (true, false) => {
                    problem(res, 422).await;
                }
                (true, true) => {
                    assert_eq!(res.status(), 200);
                    let res = app
                        .send(Method::PUT, &roles_url(contoso, target_id), &token, json!({"roles": ["portal_user"]}))
                        .await;
                    assert_eq!(res.status(), 200, "taking it back");
                }
            }
            // Invite a portal admin.
            let res = app
                .post(
                    &format!("/api/v1/companies/{contoso}/invitations"),
                    Some(&token),
                    json!({"email": format!("{role}-{allowed}@newadmin.example"), "name": "New Admin", "roles": ["portal_admin"]}),
                )
                .await;
            match (is_admin, allowed) {
                (false, _) => {
                    problem(res, 403).await;
                }
                (true, false) => {
                    problem(res, 422).await;
                }
                (true, true) => assert_eq!(res.status(), 201),
            }
            // Suspend or change a staff user: no contact of the company.
            let status = if is_admin { 404 } else { 403 };
            let res = app
                .post(&format!("/api/v1/companies/{contoso}/contacts/{tech_id}/suspend"), Some(&token), json!({}))
                .await;
            problem(res, status).await;
            let res =
                app.send(Method::PUT, &roles_url(contoso, tech_id), &token, json!({"roles": ["portal_user"]})).await;
            problem(res, status).await;
            // Remove the last portal admin (Paula; for Paula, herself).
            let res =
                app.send(Method::PUT, &roles_url(contoso, paula_id), &token, json!({"roles": ["portal_user"]})).await;
            problem(res, 403).await;
            let res = app
                .post(&format!("/api/v1/companies/{contoso}/contacts/{paula_id}/suspend"), Some(&token), json!({}))
                .await;
            problem(res, 403).await;
            // Suspend someone else: a portal admin's job only.
            if !is_admin {
                let res = app
                    .post(&format!("/api/v1/companies/{contoso}/contacts/{target_id}/suspend"), Some(&token), json!({}))
                    .await;
                problem(res, 403).await;
            }
        }
    }

    // Nothing changed at Fabrikam, nor for anybody at Contoso (the invited admins aside).
    assert_eq!(snapshot(fabrikam).await, fabrikam_before);
    let contoso_after: Vec<Value> = snapshot(contoso)
        .await
        .into_iter()
        .filter(|c| !c["email"].as_str().unwrap().ends_with("@newadmin.example"))
        .collect();
    assert_eq!(contoso_after, contoso_before);
    // The staff user still works.
    let tech = app.token("tech@demo.example").await;
    assert_eq!(app.get(&format!("/api/v1/companies/{contoso}/contacts"), &tech).await.status(), 200);
    // The provider admin may take the last portal admin away (and gives it back).
    customers_grant_portal_admin(&app, false).await;
    let url = format!("/api/v1/companies/{fabrikam}/contacts");
    assert_eq!(app.get(&url, &admin).await.status(), 200);
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{contoso}/contacts/{paula_id}/roles"),
            &admin,
            json!({"roles": ["portal_user"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{contoso}/contacts/{paula_id}/roles"),
            &admin,
            json!({"roles": ["portal_admin", "portal_user_plus"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
});

on_both!(a_second_portal_admin_and_the_last_one, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let second = member(&app, &admin, "second.admin@contoso.example", &[(contoso, &["portal_admin"])]).await;
    let paula_id = contact(&app, &admin, contoso, "paula.admin@demo.example").await["id"].as_i64().unwrap();
    let token = login(&app, "second.admin@contoso.example").await;
    let paula = app.token("paula.admin@demo.example").await;
    // With two admins one may suspend the other: Paula's token stops working at once.
    let res =
        app.post(&format!("/api/v1/companies/{contoso}/contacts/{paula_id}/suspend"), Some(&token), json!({})).await;
    assert_eq!(res.status(), 200);
    problem(app.get(&format!("/api/v1/companies/{contoso}/contacts"), &paula).await, 401).await;
    // Paula suspended no longer counts: the second admin is the last, and may not demote itself.
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{contoso}/contacts/{second}/roles"),
            &token,
            json!({"roles": ["portal_user"]}),
        )
        .await;
    problem(res, 403).await;
    let res =
        app.post(&format!("/api/v1/companies/{contoso}/contacts/{paula_id}/resume"), Some(&token), json!({})).await;
    assert_eq!(res.status(), 200);
    let paula = app.token("paula.admin@demo.example").await;
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{contoso}/contacts/{second}/roles"),
            &paula,
            json!({"roles": ["portal_user"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "second.admin@contoso.example").await), ["portal_user"]);
});
