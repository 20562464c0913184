//! The company directory: e-mail domains (and agent registration joining by them), primary and
//! billing contacts, the sign-in log and its pruning, the staff directory and the tenant's
//! account policy; who may and who may not.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, totp_code, TestApp, PASSWORD};
use crate::on_both;
use crate::rmm::{nonce, now, open, setup, signed, KIOSK};
use crate::tickets::{companies, ok, status};

/// The id of the portal user with this address.
async fn user_id(app: &TestApp, staff: &str, email: &str) -> i64 {
    let page = ok(app.get("/api/v1/users?limit=200", staff).await).await;
    page["items"].as_array().unwrap().iter().find(|u| u["email"] == email).expect(email)["id"].as_i64().unwrap()
}

async fn domains(app: &TestApp, staff: &str, company: i64) -> Vec<String> {
    let list = ok(app.get(&format!("/api/v1/companies/{company}/email-domains"), staff).await).await;
    list["items"].as_array().unwrap().iter().map(|d| d["domain"].as_str().unwrap().to_owned()).collect()
}

async fn add_domain(app: &TestApp, token: &str, company: i64, domain: &str) -> reqwest::Response {
    app.post(&format!("/api/v1/companies/{company}/email-domains"), Some(token), json!({"domain": domain})).await
}

/// How many audit events of `action` the tenant has.
async fn audited(app: &TestApp, admin: &str, action: &str) -> usize {
    let page = ok(app.get(&format!("/api/v1/audit-events?limit=200&action={action}"), admin).await).await;
    page["items"].as_array().unwrap().len()
}

async fn delete(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.request(Method::DELETE, path, Some(token)).send().await.unwrap()
}

on_both!(email_domains_belong_to_one_company_and_only_admins_change_them, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let paula = app.token("paula.admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;

    let added = status(add_domain(&app, &admin, contoso, "@Contoso.Example").await, 201).await;
    assert_eq!(added["domain"], "contoso.example");
    assert!(added["id"].is_i64() && added["created_at"].is_string());
    status(add_domain(&app, &admin, contoso, "contoso-mail.example").await, 201).await;
    assert_eq!(domains(&app, &tech, contoso).await, ["contoso-mail.example", "contoso.example"]);

    // One company per domain in the tenant; staff are told which.
    let taken = problem(add_domain(&app, &admin, fabrikam, "contoso.example").await, 409).await;
    assert!(taken["detail"].as_str().unwrap().contains("Contoso Ltd"), "{taken}");
    problem(add_domain(&app, &admin, contoso, "CONTOSO.example").await, 409).await;
    problem(add_domain(&app, &admin, fabrikam, "not a domain").await, 422).await;
    problem(add_domain(&app, &admin, 999_999, "nowhere.example").await, 404).await;
    assert!(domains(&app, &admin, fabrikam).await.is_empty());

    // A technician reads, never writes; customers neither.
    problem(add_domain(&app, &tech, fabrikam, "fabrikam.example").await, 403).await;
    problem(add_domain(&app, &paula, contoso, "paula.example").await, 403).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/email-domains"), &paula).await, 403).await;
    problem(app.get("/api/v1/companies/999999/email-domains", &admin).await, 404).await;
    let path = format!("/api/v1/companies/{contoso}/email-domains/{}", added["id"]);
    problem(delete(&app, &tech, &path).await, 403).await;
    problem(delete(&app, &paula, &path).await, 403).await;
    // Another company's id in the path does not reach the domain.
    problem(delete(&app, &admin, &format!("/api/v1/companies/{fabrikam}/email-domains/{}", added["id"])).await, 404)
        .await;
    assert_eq!(domains(&app, &admin, contoso).await, ["contoso-mail.example", "contoso.example"]);

    status(delete(&app, &admin, &path).await, 204).await;
    assert_eq!(domains(&app, &admin, contoso).await, ["contoso-mail.example"]);
    problem(delete(&app, &admin, &path).await, 404).await;
    // Once removed, another company may register it.
    status(add_domain(&app, &admin, fabrikam, "contoso.example").await, 201).await;

    assert_eq!(audited(&app, &admin, "company_domain_added").await, 3);
    assert_eq!(audited(&app, &admin, "company_domain_removed").await, 1);
});

on_both!(agent_registration_joins_by_the_company_domain, |app: TestApp| async move {
    let rmm = setup(&app).await;
    status(add_domain(&app, &rmm.staff, rmm.contoso, "contoso.example").await, 201).await;
    status(add_domain(&app, &rmm.staff, rmm.fabrikam, "fabrikam.example").await, 201).await;
    let kiosk = ok(open(&app, &signed(&rmm.secret, KIOSK, now(), &nonce())).await).await;
    let reg = kiosk["registration_token"].as_str().unwrap().to_owned();
    let register = |email: &str| {
        app.post(
            "/api/v1/rmm/registrations",
            None,
            json!({"registration_token": reg, "name": "Kim Kiosk", "email": email}),
        )
    };

    // The kiosk is Contoso's: another company's domain, or one Contoso did not register, is refused.
    let other = problem(register("kim@fabrikam.example").await, 422).await;
    assert!(crate::harness::fault(&other, "email").is_some(), "{other}");
    problem(register("kim@mail.example").await, 422).await;
    let users = ok(app.get("/api/v1/users?limit=200", &rmm.staff).await).await;
    assert!(!users["items"].as_array().unwrap().iter().any(|u| u["name"] == "Kim Kiosk"), "nobody was created");

    let done = status(register("kim@contoso.example").await, 201).await;
    let me = ok(app.get("/api/v1/me", done["access_token"].as_str().unwrap()).await).await;
    assert_eq!(me["email"], "kim@contoso.example");
    let kim = user_id(&app, &rmm.staff, "kim@contoso.example").await;
    let user = ok(app.get(&format!("/api/v1/users/{kim}"), &rmm.staff).await).await;
    assert_eq!(user["memberships"], json!([{"company_id": rmm.contoso, "roles": ["portal_user"]}]));
    // The agent session it opened is in the company's sign-in log.
    assert_eq!(entries_of(&app, &rmm.staff, rmm.contoso, kim).await, [("agent".to_owned(), true)]);
});

on_both!(a_company_marks_its_primary_and_billing_contacts, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let paula = user_id(&app, &admin, "paula.admin@demo.example").await;
    let ann = user_id(&app, &admin, "ann.approver@demo.example").await;
    let fred = user_id(&app, &admin, "fred.fabrikam@demo.example").await;
    let path = format!("/api/v1/companies/{contoso}");

    let before = ok(app.get(&path, &admin).await).await;
    assert_eq!(
        (before["primary_contact_id"].clone(), before["billing_contact_id"].clone()),
        (json!(null), json!(null))
    );
    let marked = ok(app
        .send(Method::PATCH, &path, &admin, json!({"primary_contact_id": paula, "billing_contact_id": ann}))
        .await)
    .await;
    assert_eq!(
        (marked["primary_contact_id"].as_i64(), marked["billing_contact_id"].as_i64()),
        (Some(paula), Some(ann))
    );
    let read = ok(app.get(&path, &tech).await).await;
    assert_eq!(read["primary_contact_id"], paula);
    let list = ok(app.get("/api/v1/companies", &tech).await).await;
    let listed = list["items"].as_array().unwrap().iter().find(|c| c["id"] == contoso).unwrap().clone();
    assert_eq!(listed["billing_contact_id"], ann);

    // Only members of the company; only provider admins.
    let refused = problem(app.send(Method::PATCH, &path, &admin, json!({"billing_contact_id": fred})).await, 422).await;
    assert!(crate::harness::fault(&refused, "billing_contact_id").is_some(), "{refused}");
    problem(app.send(Method::PATCH, &path, &admin, json!({"primary_contact_id": 999_999})).await, 422).await;
    problem(app.send(Method::PATCH, &path, &tech, json!({"primary_contact_id": ann})).await, 403).await;
    let unchanged = ok(app.get(&path, &admin).await).await;
    assert_eq!(
        (unchanged["primary_contact_id"].as_i64(), unchanged["billing_contact_id"].as_i64()),
        (Some(paula), Some(ann))
    );

    // Other fields leave the contacts alone; null clears one.
    ok(app.send(Method::PATCH, &path, &admin, json!({"territory": "DACH"})).await).await;
    let cleared = ok(app.send(Method::PATCH, &path, &admin, json!({"billing_contact_id": null})).await).await;
    assert_eq!(
        (cleared["primary_contact_id"].as_i64(), cleared["billing_contact_id"].clone()),
        (Some(paula), json!(null))
    );
    assert_eq!(audited(&app, &admin, "company_contacts_changed").await, 2);
});

/// The sign-in log entries of one user, newest first, as (method, succeeded).
async fn entries_of(app: &TestApp, token: &str, company: i64, user: i64) -> Vec<(String, bool)> {
    let log = ok(app.get(&format!("/api/v1/companies/{company}/signin-log?limit=200"), token).await).await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["user_id"] == user)
        .map(|e| (e["method"].as_str().unwrap().to_owned(), e["succeeded"].as_bool().unwrap()))
        .collect()
}

on_both!(the_signin_log_records_every_step_and_failure, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let email = "max.changes@demo.example";
    let max = user_id(&app, &admin, email).await;

    // Password and code.
    let session = app.token(email).await;
    // A wrong password; an unknown address records nothing (there is nobody to record).
    problem(app.password_step(email, "not the password").await, 401).await;
    problem(app.password_step("nobody@demo.example", PASSWORD).await, 401).await;
    // A right password, then a wrong code.
    let step: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    // A code valid at no step of the window.
    let step_now = chrono::Utc::now().timestamp() as u64 / 30;
    let valid: Vec<String> = (step_now - 2..=step_now + 2).map(|s| totp_code(&app.secret(email), s)).collect();
    let wrong = ["000000", "111111", "222222", "333333", "444444", "555555"]
        .into_iter()
        .find(|c| !valid.iter().any(|v| v == c))
        .unwrap();
    let res = app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": step["mfa_token"], "code": wrong})).await;
    problem(res, 401).await;
    // A recovery code.
    let code = "abcd-efgh-ijkl";
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let hash = clientdesk_app::crypto::secrets::recovery_fingerprint(max, code);
        clientdesk_persistence::users::replace_recovery_codes(
            &mut db.conn().unwrap(),
            clientdesk_domain::ids::UserId(max),
            &[hash],
        )
        .unwrap();
    })
    .await
    .unwrap();
    let step: Value = app.password_step(email, PASSWORD).await.json().await.unwrap();
    let res =
        app.post("/api/v1/auth/mfa/verify", None, json!({"mfa_token": step["mfa_token"], "recovery_code": code})).await;
    assert_eq!(res.status(), 200);
    // An API token, used twice: logged once.
    let created = status(
        app.post(
            "/api/v1/me/api-tokens",
            Some(&session),
            json!({"name": "export", "read_only": true, "expires_in_days": 1}),
        )
        .await,
        201,
    )
    .await;
    let secret = created["token"].as_str().unwrap();
    ok(app.get("/api/v1/me", secret).await).await;
    ok(app.get("/api/v1/me", secret).await).await;

    let expected: Vec<(String, bool)> = [
        ("api_token", true),
        ("recovery", true),
        ("pwd", true),
        ("otp", false),
        ("pwd", true),
        ("pwd", false),
        ("otp", true),
        ("pwd", true),
    ]
    .into_iter()
    .map(|(m, s)| (m.to_owned(), s))
    .collect();
    assert_eq!(entries_of(&app, &admin, contoso, max).await, expected);

    let log = ok(app.get(&format!("/api/v1/companies/{contoso}/signin-log?limit=200"), &admin).await).await;
    let first = log["items"].as_array().unwrap().iter().find(|e| e["user_id"] == max).unwrap().clone();
    assert_eq!(first["user_name"], "Max Changes");
    assert_eq!(first["user_email"], email);
    assert!(first["ip"].is_string() && first["at"].is_string() && first["id"].is_i64(), "{first}");
    // Newest first, paged.
    let page = ok(app.get(&format!("/api/v1/companies/{contoso}/signin-log?limit=2"), &admin).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["items"][0]["id"].as_i64() > page["items"][1]["id"].as_i64());
    let cursor = page["next_cursor"].as_str().unwrap();
    let next =
        ok(app.get(&format!("/api/v1/companies/{contoso}/signin-log?limit=2&cursor={cursor}"), &admin).await).await;
    assert!(next["items"][0]["id"].as_i64() < page["items"][1]["id"].as_i64());
});

on_both!(the_signin_log_is_for_staff_and_the_company_portal_admins, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let fred = user_id(&app, &admin, "fred.fabrikam@demo.example").await;
    let path = format!("/api/v1/users/{fred}/memberships/{fabrikam}");
    ok(app.send(Method::PUT, &path, &admin, json!({"roles": ["portal_admin"]})).await).await;
    let body: Value = app.password_step("fred.fabrikam@demo.example", PASSWORD).await.json().await.unwrap();
    let fred_token = body["access_token"].as_str().unwrap().to_owned();
    let paula = app.token("paula.admin@demo.example").await;
    let pat = app.token("pat.user@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let log = |company: i64| format!("/api/v1/companies/{company}/signin-log");

    let seen = ok(app.get(&log(contoso), &paula).await).await;
    assert!(seen["items"].as_array().unwrap().iter().any(|e| e["user_email"] == "pat.user@demo.example"));
    // Fred's entries are Fabrikam's, not Contoso's.
    assert!(!seen["items"].as_array().unwrap().iter().any(|e| e["user_id"] == fred));
    ok(app.get(&log(contoso), &tech).await).await;
    ok(app.get(&log(fabrikam), &fred_token).await).await;
    problem(app.get(&log(contoso), &pat).await, 403).await;
    problem(app.get(&log(contoso), &fred_token).await, 404).await;
    problem(app.get(&log(fabrikam), &paula).await, 404).await;
    problem(app.get(&log(999_999), &admin).await, 404).await;
    problem(app.get(&format!("{}?limit=0", log(contoso)), &admin).await, 422).await;
});

on_both!(the_sweep_prunes_signins_older_than_thirty_days, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let pat = user_id(&app, &admin, "pat.user@demo.example").await;
    let db = app.state.db.clone();
    let count = move |db: &clientdesk_persistence::Db| {
        use clientdesk_persistence::schema::signin_events;
        use diesel::prelude::*;
        signin_events::table
            .filter(signin_events::user_id.eq(pat))
            .count()
            .get_result::<i64>(&mut *db.conn().unwrap())
            .unwrap()
    };
    let (swept, before, after) = tokio::task::spawn_blocking(move || {
        let now = chrono::Utc::now();
        let mut conn = db.conn().unwrap();
        let tenant = clientdesk_persistence::tenants::find_by_slug(&mut conn, "demo").unwrap().id;
        let user = clientdesk_domain::ids::UserId(pat);
        let method = clientdesk_domain::principal::AuthMethod::Pwd;
        for days in [31, 40, 29] {
            let at = now - chrono::Duration::days(days);
            clientdesk_persistence::accounts::record_signin(&mut conn, tenant, user, method, true, None, None, at)
                .unwrap();
        }
        drop(conn);
        let before = count(&db);
        let swept = clientdesk_persistence::sweep::expired(&mut db.conn().unwrap(), now).unwrap();
        (swept, before, count(&db))
    })
    .await
    .unwrap();
    assert_eq!(before, 3);
    assert_eq!(swept.signins, 2);
    assert_eq!(after, 1, "the 29-day-old entry stays");
    // The log shows the entry still within its 30 days.
    assert_eq!(entries_of(&app, &admin, contoso, pat).await, [("pwd".to_owned(), true)]);
});

on_both!(the_staff_directory_follows_the_account_policy, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let paula = app.token("paula.admin@demo.example").await;

    let staff = ok(app.get("/api/v1/staff", &tech).await).await;
    let tom = staff["items"].as_array().unwrap().iter().find(|s| s["name"] == "Tom Tech").unwrap().clone();
    assert_eq!(tom["email"], "tech@demo.example");
    assert_eq!(tom["role"], "technician");
    assert_eq!(tom["active"], true);
    assert!(staff["items"].as_array().unwrap().iter().any(|s| s["role"] == "provider_admin"));
    assert!(!staff["items"].as_array().unwrap().iter().any(|s| s["email"] == "paula.admin@demo.example"), "staff only");

    // Customers: refused while the policy is off, names only once it is on.
    problem(app.get("/api/v1/staff", &paula).await, 403).await;
    let on = json!({"customers_grant_portal_admin": false, "staff_names_for_customers": true});
    ok(app.send(Method::PUT, "/api/v1/tenant/account-policy", &admin, on).await).await;
    let names = ok(app.get("/api/v1/staff", &paula).await).await;
    let tom = names["items"].as_array().unwrap().iter().find(|s| s["name"] == "Tom Tech").unwrap().clone();
    let mut keys: Vec<&String> = tom.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "name"]);
    assert_eq!(
        names["items"].as_array().unwrap().len(),
        staff["items"].as_array().unwrap().len(),
        "every demo staff member is active"
    );
});

on_both!(the_account_policy_is_read_by_staff_and_set_by_provider_admins, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let paula = app.token("paula.admin@demo.example").await;
    let path = "/api/v1/tenant/account-policy";
    let closed = json!({"customers_grant_portal_admin": false, "staff_names_for_customers": false});
    assert_eq!(ok(app.get(path, &tech).await).await, closed);

    let open = json!({"customers_grant_portal_admin": true, "staff_names_for_customers": false});
    problem(app.send(Method::PUT, path, &tech, open.clone()).await, 403).await;
    problem(app.send(Method::PUT, path, &paula, open.clone()).await, 403).await;
    problem(app.get(path, &paula).await, 403).await;
    problem(app.send(Method::PUT, path, &admin, json!({"customers_grant_portal_admin": true})).await, 422).await;
    let bad = json!({"customers_grant_portal_admin": "yes", "staff_names_for_customers": false});
    problem(app.send(Method::PUT, path, &admin, bad).await, 422).await;
    let extra = json!({"customers_grant_portal_admin": true, "staff_names_for_customers": false, "more": 1});
    problem(app.send(Method::PUT, path, &admin, extra).await, 422).await;
    assert_eq!(ok(app.get(path, &admin).await).await, closed, "nothing changed");

    assert_eq!(ok(app.send(Method::PUT, path, &admin, open.clone()).await).await, open);
    assert_eq!(ok(app.get(path, &tech).await).await, open);
    assert_eq!(audited(&app, &admin, "account_policy_changed").await, 1);
});

on_both!(every_section_of_me_is_served_to_whom_it_shows_and_refused_to_others, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let members = [
        "pat.user@demo.example",
        "pat.plus@demo.example",
        "ann.approver@demo.example",
        "max.changes@demo.example",
        "chris.controller@demo.example",
        "paula.admin@demo.example",
    ];
    for email in members {
        let token = app.token(email).await;
        let me = ok(app.get("/api/v1/me", &token).await).await;
        let company = me["companies"].as_array().unwrap().iter().find(|c| c["id"] == contoso).unwrap().clone();
        let sections: Vec<&str> = company["sections"].as_array().unwrap().iter().filter_map(|s| s.as_str()).collect();
        assert!(!sections.contains(&"system_info"), "{email}: system_info has no endpoint yet");
        let shown = |s: &str| sections.contains(&s);
        let code = |path: String| {
            let token = token.clone();
            let app = &app;
            async move { app.get(&path, &token).await.status().as_u16() }
        };
        let invoices = code(format!("/api/v1/companies/{contoso}/invoices")).await;
        assert_eq!(invoices, if shown("invoices") { 200 } else { 403 }, "{email}: invoices");
        let changes = code(format!("/api/v1/companies/{contoso}/change-requests")).await;
        assert_eq!(changes, if shown("changes") { 200 } else { 404 }, "{email}: changes");
        let sla = code(format!("/api/v1/companies/{contoso}/sla-report?month=2026-10")).await;
        assert_eq!(sla, if shown("sla") { 200 } else { 403 }, "{email}: sla");
        let log = code(format!("/api/v1/companies/{contoso}/signin-log")).await;
        assert_eq!(log, if shown("portal_admin") { 200 } else { 403 }, "{email}: portal_admin");
        let tickets = code(format!("/api/v1/companies/{contoso}/tickets")).await;
        assert_eq!(tickets == 200, shown("tickets"), "{email}: tickets");
        let kb = code(format!("/api/v1/companies/{contoso}/kb/articles")).await;
        assert_eq!(kb == 200, shown("knowledge_base"), "{email}: knowledge_base");
    }
});
