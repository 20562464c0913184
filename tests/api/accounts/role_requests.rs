//! Role-change requests: a member asks, the company's customer approvers and portal admins are
//! mailed, one decides (the first decision counts), the requester is mailed; who may not decide,
//! see or withdraw, each refused with nothing changed.

use serde_json::{json, Value};

use super::portal_admin::{contact, customers_grant_portal_admin, roles_of};
use super::{inbox, with_mailbox};
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::outbox::eventually;
use crate::tickets::companies;

async fn ask(app: &TestApp, token: &str, company: i64, roles: &[&str], reason: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/companies/{company}/role-requests"),
        Some(token),
        json!({"roles": roles, "reason": reason}),
    )
    .await
}

async fn decide(app: &TestApp, token: &str, id: i64, grant: bool, comment: Option<&str>) -> reqwest::Response {
    app.post(&format!("/api/v1/role-requests/{id}/decision"), Some(token), json!({"grant": grant, "comment": comment}))
        .await
}

async fn status_of(app: &TestApp, staff: &str, id: i64) -> String {
    let res = app.get(&format!("/api/v1/role-requests/{id}"), staff).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["status"].as_str().unwrap().to_owned()
}

async fn listed(app: &TestApp, token: &str, company: i64, query: &str) -> Vec<i64> {
    let res = app.get(&format!("/api/v1/companies/{company}/role-requests?{query}"), token).await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

/// Waits for a mail to `to` whose subject contains `subject`; returns its body.
async fn mail(sink: &clientdesk_devtools::smtp_sink::SmtpSink, to: &str, subject: &str) -> String {
    eventually(&format!("a mail to {to} about {subject}"), || {
        let found = inbox(sink, to).into_iter().find(|(s, _)| s.contains(subject)).map(|(_, body)| body);
        async move { found }
    })
    .await
}

on_both!(a_request_is_mailed_decided_once_and_mailed_back, backend => |backend: Backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let pat = app.token("pat.user@demo.example").await;
    let ann = app.token("ann.approver@demo.example").await;
    let paula = app.token("paula.admin@demo.example").await;
    let chris = app.token("chris.controller@demo.example").await;

    // Asking for the roles held already, for no role, or without a reason is refused.
    problem(ask(&app, &pat, contoso, &["portal_user"], "same").await, 422).await;
    problem(ask(&app, &pat, contoso, &[], "none").await, 422).await;
    problem(ask(&app, &pat, contoso, &["portal_user_plus"], "  ").await, 422).await;
    problem(ask(&app, &pat, fabrikam, &["portal_user_plus"], "not mine").await, 404).await;
    problem(ask(&app, &admin, contoso, &["portal_user_plus"], "staff").await, 403).await;

    let res = ask(&app, &pat, contoso, &["portal_user_plus"], "I stand in for Ann in January").await;
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.unwrap();
    let id = request["id"].as_i64().unwrap();
    assert_eq!((request["status"].as_str(), request["user_name"].as_str()), (Some("pending"), Some("Pat User")));
    // One pending request at a time.
    problem(ask(&app, &pat, contoso, &["controller"], "another").await, 409).await;

    // The company's approver and portal admin are mailed, with the reason and the link.
    for decider in ["ann.approver@demo.example", "paula.admin@demo.example"] {
        let body = mail(&sink, decider, "Role request awaiting your decision: Pat User").await;
        assert!(body.contains("I stand in for Ann in January") && body.contains("portal_user_plus"), "{body}");
        assert!(body.contains("/role-requests"), "{body}");
    }

    // Who sees it: deciders and staff; the requester its own; a controller nothing.
    assert_eq!(listed(&app, &ann, contoso, "").await, [id]);
    assert_eq!(listed(&app, &admin, contoso, "status=pending").await, [id]);
    assert_eq!(listed(&app, &pat, contoso, "").await, [id]);
    assert!(listed(&app, &chris, contoso, "").await.is_empty());
    assert!(listed(&app, &ann, contoso, "status=granted").await.is_empty());
    problem(app.get(&format!("/api/v1/companies/{contoso}/role-requests?status=maybe"), &ann).await, 422).await;
    problem(app.get(&format!("/api/v1/companies/{fabrikam}/role-requests"), &ann).await, 404).await;
    problem(app.get(&format!("/api/v1/role-requests/{id}"), &chris).await, 404).await;
    let sam = app.token("sam.sub@demo.example").await;
    problem(app.get(&format!("/api/v1/role-requests/{id}"), &sam).await, 404).await;
    assert_eq!(app.get(&format!("/api/v1/role-requests/{id}"), &pat).await.status(), 200);

    // Who may not decide: a controller (it does not even see it), the requester, staff.
    problem(decide(&app, &chris, id, true, None).await, 404).await;
    problem(decide(&app, &pat, id, true, None).await, 403).await;
    problem(decide(&app, &admin, id, true, None).await, 403).await;
    assert_eq!(status_of(&app, &admin, id).await, "pending");
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "pat.user@demo.example").await), ["portal_user"]);

    // Ann grants: the roles change and Pat is told; Paula's later decision is too late.
    let res = decide(&app, &ann, id, true, Some("Until 4 January")).await;
    assert_eq!(res.status(), 200);
    let decided: Value = res.json().await.unwrap();
    assert_eq!((decided["status"].as_str(), decided["comment"].as_str()), (Some("granted"), Some("Until 4 January")));
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "pat.user@demo.example").await), ["portal_user_plus"]);
    let body = mail(&sink, "pat.user@demo.example", "was granted").await;
    assert!(body.contains("Ann Approver") && body.contains("Until 4 January"), "{body}");
    problem(decide(&app, &paula, id, false, None).await, 409).await;
    assert_eq!(status_of(&app, &admin, id).await, "granted");
    assert!(inbox(&sink, "pat.user@demo.example").iter().all(|(s, _)| !s.contains("refused")));

    // A decider's own request goes to another decider, who refuses it.
    let res = ask(&app, &ann, contoso, &["customer_approver", "controller"], "Invoices too").await;
    let own = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    mail(&sink, "paula.admin@demo.example", "Role request awaiting your decision: Ann Approver").await;
    problem(decide(&app, &ann, own, true, None).await, 403).await;
    assert_eq!(status_of(&app, &admin, own).await, "pending");
    let res = decide(&app, &paula, own, false, Some("Ask your manager")).await;
    assert_eq!(res.status(), 200);
    mail(&sink, "ann.approver@demo.example", "was refused").await;
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "ann.approver@demo.example").await), ["customer_approver"]);

    // The requester is never mailed its own request.
    assert!(inbox(&sink, "ann.approver@demo.example").iter().all(|(s, _)| !s.contains("Ann Approver")));

    // Audited.
    let audit: Value = app.get("/api/v1/audit-events?limit=200", &admin).await.json().await.unwrap();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["role_change_requested", "role_change_granted", "role_change_refused"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
});

on_both!(withdrawing_and_what_only_admins_grant, backend => |backend: Backend| async move {
    let (app, sink) = with_mailbox(backend).await;
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &admin).await;
    let plus = app.token("pat.plus@demo.example").await;
    let ann = app.token("ann.approver@demo.example").await;
    let paula = app.token("paula.admin@demo.example").await;
    let chris = app.token("chris.controller@demo.example").await;

    // Withdrawing: the requester only, while pending.
    let res = ask(&app, &plus, contoso, &["customer_approver"], "Approvals while Ann is away").await;
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    problem(app.post(&format!("/api/v1/role-requests/{id}/withdraw"), Some(&ann), json!({})).await, 403).await;
    let res = app.post(&format!("/api/v1/role-requests/{id}/withdraw"), Some(&plus), json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "withdrawn");
    problem(app.post(&format!("/api/v1/role-requests/{id}/withdraw"), Some(&plus), json!({})).await, 409).await;
    problem(decide(&app, &ann, id, true, None).await, 409).await;
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "pat.plus@demo.example").await), ["portal_user_plus"]);
    // Withdrawn, it no longer blocks a new request.
    let res = ask(&app, &plus, contoso, &["portal_user_plus", "controller"], "Invoices").await;
    assert_eq!(res.status(), 201);

    // portal_admin: never from an approver; from a portal admin only where the tenant allows.
    let res = ask(&app, &chris, contoso, &["portal_admin"], "Let me manage logins").await;
    let wants_admin = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    problem(decide(&app, &ann, wants_admin, true, None).await, 422).await;
    problem(decide(&app, &paula, wants_admin, true, None).await, 422).await;
    assert_eq!(status_of(&app, &admin, wants_admin).await, "pending");
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "chris.controller@demo.example").await), ["controller"]);
    customers_grant_portal_admin(&app, true).await;
    problem(decide(&app, &ann, wants_admin, true, None).await, 422).await;
    let res = decide(&app, &paula, wants_admin, true, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "chris.controller@demo.example").await), ["portal_admin"]);
    mail(&sink, "chris.controller@demo.example", "was granted").await;

    // Any decider may refuse a request for portal_admin.
    customers_grant_portal_admin(&app, false).await;
    let max = app.token("max.changes@demo.example").await;
    let res = ask(&app, &max, contoso, &["portal_admin"], "Me too").await;
    let max_admin = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(decide(&app, &ann, max_admin, false, None).await.status(), 200);
    assert_eq!(status_of(&app, &admin, max_admin).await, "refused");

    // A grant never takes the company's last portal admin away: Chris (the new admin) gives
    // up the role, Paula is suspended, and Ann's grant would leave nobody.
    let chris = app.token("chris.controller@demo.example").await;
    let res = ask(&app, &chris, contoso, &["controller"], "Back to invoices").await;
    let drop_admin = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let paula_id = contact(&app, &admin, contoso, "paula.admin@demo.example").await["id"].as_i64().unwrap();
    let res = app.post(&format!("/api/v1/companies/{contoso}/contacts/{paula_id}/suspend"), Some(&admin), json!({})).await;
    assert_eq!(res.status(), 200);
    problem(decide(&app, &ann, drop_admin, true, None).await, 409).await;
    assert_eq!(status_of(&app, &admin, drop_admin).await, "pending");
    assert_eq!(roles_of(&contact(&app, &admin, contoso, "chris.controller@demo.example").await), ["portal_admin"]);
});
