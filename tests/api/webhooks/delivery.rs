//! Events delivered to a local receiver: signed, with the right body, internal notes to internal
//! subscriptions only, retried after a 500, in order per ticket, redelivered on request, the
//! endpoint disabled after a day of failures, both secrets signing after a rotation, and the events
//! of logins (activated by a first password or from their computer) and self-service actions.

use reqwest::Method;
use serde_json::{json, Value};

use super::{allow_own_network, assert_signed, deliveries_until, events_at, subscribe, valid_signatures};
use crate::dispatch::Receiver;
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;
use crate::outbox::eventually;
use crate::tickets::{company_id, create, my_id, ok, patch, status};

const TICKET_EVENTS: [&str; 4] = ["ticket.created", "ticket.updated", "ticket.status_changed", "ticket.note_added"];

/// Pat opens a ticket in Contoso; returns its id.
async fn open_ticket(app: &TestApp, title: &str) -> i64 {
    let pat = app.token("pat.user@demo.example").await;
    let company = company_id(app, &pat, "Contoso Ltd").await;
    create(app, &pat, company, json!({"title": title, "description": "It jams."})).await["id"].as_i64().unwrap()
}

async fn note(app: &TestApp, token: &str, ticket: i64, body: &str, internal: bool) {
    let path = format!("/api/v1/tickets/{ticket}/notes");
    status(app.post(&path, Some(token), json!({"body": body, "internal": internal})).await, 201).await;
}

on_both!(events_reach_subscribers_signed_and_internal_notes_only_internal_ones, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = subscribe(&app, &admin, &receiver.url("/psa"), &TICKET_EVENTS, false).await;
    let (_, internal_secret) = subscribe(&app, &admin, &receiver.url("/own"), &["ticket.note_added"], true).await;

    let ticket = open_ticket(&app, "Printer on floor 3 jams").await;
    let tech = app.token("tech@demo.example").await;
    note(&app, &tech, ticket, "Secret remote-access plan", true).await;
    note(&app, &tech, ticket, "The fuser is replaced.", false).await;
    ok(patch(&app, &tech, ticket, json!({"status": "in_progress", "priority": "high"})).await).await;
    receiver.until(6).await;

    let psa = events_at(&receiver, "/psa");
    let types: Vec<&str> = psa.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["ticket.created", "ticket.note_added", "ticket.updated", "ticket.status_changed"], "in order");
    let created = &psa[0].1;
    assert!(created["timestamp"].is_string(), "{created}");
    assert_eq!(created["data"]["ticket_id"], ticket);
    assert_eq!(created["data"]["title"], "Printer on floor 3 jams");
    assert_eq!(created["data"]["status"], "new");
    assert_eq!(psa[1].1["data"]["body"], "The fuser is replaced.");
    assert_eq!(psa[1].1["data"]["internal"], false);
    let changed = &psa[2].1["data"]["changed"];
    assert_eq!(changed["status"], json!({"from": "new", "to": "in_progress"}), "{changed}");
    assert_eq!(changed["priority"], json!({"from": "normal", "to": "high"}), "{changed}");
    assert_eq!(
        psa[3].1["data"],
        json!({"ticket_id": ticket, "company_id": created["data"]["company_id"], "from": "new", "to": "in_progress"})
    );

    let own = events_at(&receiver, "/own");
    let bodies: Vec<(&Value, &Value)> = own.iter().map(|(_, b)| (&b["data"]["body"], &b["data"]["internal"])).collect();
    assert_eq!(
        bodies,
        [(&json!("Secret remote-access plan"), &json!(true)), (&json!("The fuser is replaced."), &json!(false))]
    );

    for hook in receiver.received() {
        let text = hook.body.clone();
        assert!(!text.contains("whsec_"), "no secret in a body: {text}");
        let key = if hook.path == "/psa" { &secret } else { &internal_secret };
        assert_signed(&hook, key);
        if hook.path == "/psa" {
            assert!(!text.contains("remote-access"), "an internal note reached a customer-facing subscription: {text}");
        }
    }
    // One event, one id: the same note to two subscriptions shares it.
    let note_ids: Vec<String> = receiver
        .received()
        .iter()
        .filter(|h| h.json()["data"]["body"] == "The fuser is replaced.")
        .map(|h| h.headers["webhook-id"].clone())
        .collect();
    assert_eq!(note_ids.len(), 2);
    assert_eq!(note_ids[0], note_ids[1]);
});

on_both!(a_500_is_retried_and_later_events_of_the_ticket_wait_for_it, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[500]).await;
    let (id, secret) = subscribe(&app, &admin, &receiver.url("/psa"), &TICKET_EVENTS, false).await;

    let ticket = open_ticket(&app, "Scanner offline").await;
    // The first attempt of the creation fails; the change is made while it waits for its retry.
    receiver.until(1).await;
    let tech = app.token("tech@demo.example").await;
    ok(patch(&app, &tech, ticket, json!({"priority": "high"})).await).await;
    let hooks = receiver.until(3).await;
    let order: Vec<String> = hooks.iter().map(|h| h.json()["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(order, ["ticket.created", "ticket.created", "ticket.updated"], "the update waited for the creation");
    assert_eq!(hooks[0].headers["webhook-id"], hooks[1].headers["webhook-id"], "a retry keeps the message id");
    assert_eq!(hooks[0].body, hooks[1].body);
    for hook in &hooks {
        assert_signed(hook, &secret);
    }

    let deliveries = deliveries_until(&app, &admin, id, |items| {
        items.len() == 2 && items.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    let created = &deliveries[1];
    assert_eq!(created["event_type"], "ticket.created");
    let attempts = created["attempts"].as_array().unwrap();
    let statuses: Vec<&Value> = attempts.iter().map(|a| &a["response_status"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(200)], "{created}");
    assert!(attempts[0]["error"].as_str().unwrap().contains("500"), "{created}");
    assert!(attempts.iter().all(|a| a["duration_ms"].is_i64() && a["attempted_at"].is_string()), "{created}");
    assert_eq!(created["body"]["data"]["ticket_id"], ticket);

    // Redelivery: the same message again, its earlier attempts kept.
    let delivery = created["id"].as_i64().unwrap();
    let again = format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver");
    let queued = status(app.post(&again, Some(&admin), json!({})).await, 202).await;
    assert_eq!(queued["status"], "pending");
    let hooks = receiver.until(4).await;
    assert_eq!(hooks[3].headers["webhook-id"], hooks[0].headers["webhook-id"]);
    assert_signed(&hooks[3], &secret);
    let deliveries = deliveries_until(&app, &admin, id, |items| {
        items[1]["status"] == "delivered" && items[1]["attempts"].as_array().unwrap().len() == 3
    })
    .await;
    assert!(deliveries[1]["delivered_at"].is_string());
    let other = app.other_tenant_admin().await;
    problem(app.post(&again, Some(&other), json!({})).await, 404).await;
    let tech = app.token("tech@demo.example").await;
    problem(app.post(&again, Some(&tech), json!({})).await, 403).await;
});

on_both!(an_endpoint_failing_for_a_day_is_disabled_and_its_owner_told, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[503; 200]).await;
    let (id, _) = subscribe(&app, &admin, &receiver.url("/down"), &["ticket.created"], false).await;
    open_ticket(&app, "Monitor flickers").await;
    receiver.until(1).await;
    let one = format!("/api/v1/webhooks/{id}");
    let failing = eventually("the endpoint to be failing", || async {
        let view = ok(app.get(&one, &admin).await).await;
        view["failing_since"].is_string().then_some(view)
    })
    .await;
    assert_eq!(failing["enabled"], true, "a few failures do not disable it");

    // As if every attempt had failed for 25 hours.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::webhook_subscriptions as s;
        use diesel::prelude::*;
        let since = (chrono::Utc::now() - chrono::Duration::hours(25)).naive_utc();
        diesel::update(s::table.find(id))
            .set(s::failing_since.eq(Some(since)))
            .execute(&mut *db.conn().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
    let disabled = eventually("the endpoint to be disabled", || async {
        let view = ok(app.get(&one, &admin).await).await;
        (view["enabled"] == false).then_some(view)
    })
    .await;
    assert!(disabled["disabled_reason"].as_str().unwrap().contains("failed"), "{disabled}");
    let mails = ok(app.get("/api/v1/outbox?channel=email", &admin).await).await;
    let told = mails["items"].as_array().unwrap().iter().find(|m| m["subject"] == "A webhook was disabled");
    let told = told.unwrap_or_else(|| panic!("no mail to the owner: {mails}"));
    assert_eq!(told["recipient"], "admin@demo.example");
    assert!(told["body"].as_str().unwrap().contains(&receiver.url("/down")), "{told}");

    // Disabled: nothing more is sent until it is switched on again, then the delivery resumes.
    let sent = receiver.received().len();
    open_ticket(&app, "Keyboard missing keys").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), sent, "nothing sent while disabled");
    let on = ok(app.send(Method::PATCH, &one, &admin, json!({"enabled": true})).await).await;
    assert_eq!((on["enabled"].clone(), on["failing_since"].clone()), (json!(true), Value::Null));
    receiver.until(sent + 1).await;
});

on_both!(after_a_rotation_both_secrets_sign_each_delivery, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let (id, old) = subscribe(&app, &admin, &receiver.url("/psa"), &["ticket.created"], false).await;
    let rotated = ok(app.post(&format!("/api/v1/webhooks/{id}/rotate-secret"), Some(&admin), json!({})).await).await;
    let new = rotated["secret"].as_str().unwrap().to_owned();

    open_ticket(&app, "Headset crackles").await;
    let hook = receiver.until(1).await.remove(0);
    let signatures: Vec<&str> = hook.headers["webhook-signature"].split(' ').collect();
    assert_eq!(signatures.len(), 2, "{signatures:?}");
    assert!(signatures.iter().all(|s| s.starts_with("v1,")));
    assert_eq!(valid_signatures(&hook, &new), 1, "the new secret signs");
    assert_eq!(valid_signatures(&hook, &old), 1, "the previous secret still signs");
    assert_eq!(valid_signatures(&hook, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), 0, "a stranger's does not");
});

on_both!(validations_and_logins_are_told_to_their_subscribers_only, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let types = ["validation.requested", "validation.decided", "user.invited", "user.disabled"];
    subscribe(&app, &admin, &receiver.url("/psa"), &types, false).await;

    let ticket = open_ticket(&app, "Server reboot tonight").await;
    let ask = format!("/api/v1/tickets/{ticket}/validations");
    let asked = status(app.post(&ask, Some(&admin), json!({"question": "May we?"})).await, 201).await;
    let validation = asked["id"].as_i64().unwrap();
    let ann = app.token("ann.approver@demo.example").await;
    let decide = format!("/api/v1/validations/{validation}/decision");
    ok(app.post(&decide, Some(&ann), json!({"decision": "accept"})).await).await;
    let pat = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &pat, "Contoso Ltd").await;
    let rows = json!({"invitations": [{"email": "new.hire@contoso.example", "name": "New Hire", "memberships": [{"company_id": contoso}]}]});
    let invited = ok(app.post("/api/v1/users/invitations", Some(&admin), rows).await).await;
    let user = invited["results"][0]["user_id"].as_i64().unwrap_or_else(|| panic!("{invited}"));
    ok(app.post(&format!("/api/v1/users/{user}/disable"), Some(&admin), json!({})).await).await;

    receiver.until(4).await;
    let events = events_at(&receiver, "/psa");
    // Only the events of one ticket are ordered: a validation's among themselves.
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).filter(|t| t.starts_with("validation.")).collect();
    assert_eq!(types, ["validation.requested", "validation.decided"]);
    let data = |kind: &str| {
        events.iter().find(|(t, _)| t == kind).unwrap_or_else(|| panic!("{kind}: {events:?}")).1["data"].clone()
    };
    let requested =
        json!({"validation_id": validation, "ticket_id": ticket, "company_id": contoso, "status": "pending"});
    assert_eq!(data("validation.requested"), requested);
    assert_eq!(data("validation.decided")["status"], "accepted");
    assert_eq!(data("user.invited"), json!({"user_id": user, "company_id": contoso}));
    assert_eq!(data("user.disabled"), json!({"user_id": user, "company_id": null}));
    // The ticket's own events were not subscribed to.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4);
});

on_both!(attachments_and_change_decisions_are_told_to_their_subscribers, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) =
        subscribe(&app, &admin, &receiver.url("/psa"), &["ticket.attachment_added", "change_request.decided"], false)
            .await;

    let ticket = open_ticket(&app, "Scanner driver").await;
    let pat = app.token("pat.user@demo.example").await;
    let file =
        reqwest::multipart::Part::bytes(b"driver log".to_vec()).file_name("scan.log").mime_str("text/plain").unwrap();
    let upload = app
        .request(Method::POST, &format!("/api/v1/tickets/{ticket}/attachments"), Some(&pat))
        .multipart(reqwest::multipart::Form::new().part("file", file))
        .send()
        .await
        .unwrap();
    let attachment = status(upload, 201).await[0]["id"].as_i64().unwrap();

    let contoso = company_id(&app, &pat, "Contoso Ltd").await;
    let change =
        json!({"title": "Replace the firewall", "description": "FG-60E", "reason": "End of support", "risk": "low"});
    let path = format!("/api/v1/companies/{contoso}/change-requests");
    let id = status(app.post(&path, Some(&admin), change).await, 201).await["id"].as_i64().unwrap();
    let max = app.token("max.changes@demo.example").await;
    let decide = format!("/api/v1/change-requests/{id}/decision");
    ok(app.post(&decide, Some(&max), json!({"decision": "approve"})).await).await;

    receiver.until(2).await;
    let events = events_at(&receiver, "/psa");
    let data = |kind: &str| {
        events.iter().find(|(t, _)| t == kind).unwrap_or_else(|| panic!("{kind}: {events:?}")).1["data"].clone()
    };
    let added = data("ticket.attachment_added");
    assert_eq!((added["ticket_id"].as_i64(), added["attachment_id"].as_i64()), (Some(ticket), Some(attachment)));
    assert_eq!((added["file_name"].as_str(), added["internal"].as_bool()), (Some("scan.log"), Some(false)));
    assert_eq!(
        data("change_request.decided"),
        json!({"change_request_id": id, "company_id": contoso, "status": "approved"})
    );
    for hook in receiver.received() {
        assert_signed(&hook, &secret);
    }
});

/// The `data` of the one event of `kind` the receiver got at `/psa`.
fn data_of(events: &[(String, Value)], kind: &str) -> Value {
    events.iter().find(|(t, _)| t == kind).unwrap_or_else(|| panic!("{kind}: {events:?}")).1["data"].clone()
}

on_both!(a_cancelled_validation_and_a_suspended_contact_are_told, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    subscribe(&app, &admin, &receiver.url("/psa"), &["validation.decided", "user.disabled"], false).await;

    let ticket = open_ticket(&app, "Disk swap on the file server").await;
    let ask = format!("/api/v1/tickets/{ticket}/validations");
    let asked = status(app.post(&ask, Some(&admin), json!({"question": "May we?"})).await, 201).await;
    let validation = asked["id"].as_i64().unwrap();
    ok(app.post(&format!("/api/v1/validations/{validation}/cancel"), Some(&admin), json!({})).await).await;
    // Contoso's portal admin suspends Pat's access to Contoso.
    let pat = app.token("pat.user@demo.example").await;
    let (contoso, pat_id) = (company_id(&app, &pat, "Contoso Ltd").await, my_id(&app, &pat).await);
    let paula = app.token("paula.admin@demo.example").await;
    let suspend = format!("/api/v1/companies/{contoso}/contacts/{pat_id}/suspend");
    ok(app.post(&suspend, Some(&paula), json!({})).await).await;

    receiver.until(2).await;
    let events = events_at(&receiver, "/psa");
    let cancelled =
        json!({"validation_id": validation, "ticket_id": ticket, "company_id": contoso, "status": "cancelled"});
    assert_eq!(data_of(&events, "validation.decided"), cancelled);
    assert_eq!(data_of(&events, "user.disabled"), json!({"user_id": pat_id, "company_id": contoso}));
    // Suspending again changes nothing and tells nothing.
    ok(app.post(&suspend, Some(&paula), json!({})).await).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 2);
});

on_both!(a_login_is_told_activated_once_by_its_first_password, backend => |backend: Backend| async move {
    let (app, sink) = crate::accounts::with_mailbox(backend).await;
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = subscribe(&app, &admin, &receiver.url("/psa"), &["user.activated"], false).await;

    let pat = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &pat, "Contoso Ltd").await;
    let rows = json!({"invitations": [{"email": "new.hire@contoso.example", "name": "New Hire", "memberships": [{"company_id": contoso}]}]});
    let invited = ok(app.post("/api/v1/users/invitations", Some(&admin), rows).await).await;
    let user = invited["results"][0]["user_id"].as_i64().unwrap_or_else(|| panic!("{invited}"));
    let token = crate::accounts::link_token(&sink, "new.hire@contoso.example", "set-password", 0).await;
    let set = |token: String| app.post("/api/v1/auth/password", None, json!({"token": token, "password": "a long passphrase"}));
    assert_eq!(set(token).await.status(), 204);
    // A reset of an active login activates nothing.
    let reset = json!({"tenant": "demo", "email": "new.hire@contoso.example"});
    assert_eq!(app.post("/api/v1/auth/password-reset", None, reset).await.status(), 202);
    let token = crate::accounts::link_token(&sink, "new.hire@contoso.example", "reset-password", 0).await;
    assert_eq!(set(token).await.status(), 204);

    receiver.until(1).await;
    let events = events_at(&receiver, "/psa");
    assert_eq!(data_of(&events, "user.activated"), json!({"user_id": user, "company_id": null}));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "one activation, one event");
    assert_signed(&receiver.received()[0], &secret);
});

on_both!(a_contact_confirmed_from_its_computer_is_told_activated_once, backend => |backend: Backend| async move {
    use crate::rmm::{device, nonce, now, open, signed, sync};
    let (app, sink) = crate::accounts::with_mailbox(backend).await;
    let rmm = crate::rmm::setup(&app).await;
    // The receiver listens on 127.0.0.1; the integration stays on for the agent links.
    let own_network = json!({"enabled": true, "allow_private_targets": true});
    ok(app.send(Method::PUT, "/api/v1/rmm/integration", &rmm.staff, own_network).await).await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = subscribe(&app, &rmm.staff, &receiver.url("/psa"), &["user.activated"], false).await;

    // A contact of Contoso without a password, invited but never active.
    let contact = json!({"email": "carla@contoso.example", "name": "Carla Contact",
        "memberships": [{"company_id": rmm.contoso, "roles": ["portal_user"]}]});
    let carla = status(app.post("/api/v1/users", Some(&rmm.staff), contact).await, 201).await;
    assert_eq!(carla["state"], "invited");
    let carla = carla["id"].as_i64().unwrap();
    // She registers from a computer of hers, and confirms with the code e-mailed to her.
    let register = |guid: &'static str, nth: usize| {
        let (app, rmm, sink) = (&app, &rmm, &sink);
        async move {
            ok(sync(app, &rmm.sync, json!([device(guid, rmm.contoso, "windows", None)])).await).await;
            let link = ok(open(app, &signed(&rmm.secret, guid, now(), &nonce())).await).await;
            let reg = link["registration_token"].as_str().unwrap_or_else(|| panic!("{link}")).to_owned();
            let claim = json!({"registration_token": reg, "name": "Carla", "email": "carla@contoso.example"});
            status(app.post("/api/v1/rmm/registrations", None, claim).await, 202).await;
            let code = eventually("the activation code", || {
                let mails = crate::accounts::inbox(sink, "carla@contoso.example");
                let code = mails.into_iter().filter(|(subject, _)| subject.contains("activation code")).nth(nth);
                let code = code.and_then(|(_, body)| {
                    body.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).map(str::to_owned)
                });
                async move { code }
            })
            .await;
            let confirm = json!({"registration_token": reg, "code": code});
            let done = ok(app.post("/api/v1/rmm/registrations/confirm", None, confirm).await).await;
            assert_eq!(done["status"], "agent_session");
        }
    };
    register("b1f0c4d2-0000-4000-8000-00000000c003", 0).await;
    let user = ok(app.get(&format!("/api/v1/users/{carla}"), &rmm.staff).await).await;
    assert_eq!(user["state"], "active", "{user}");
    receiver.until(1).await;
    let events = events_at(&receiver, "/psa");
    assert_eq!(data_of(&events, "user.activated"), json!({"user_id": carla, "company_id": rmm.contoso}));
    assert_signed(&receiver.received()[0], &secret);

    // Confirmed again from a second computer: active already, nothing more to tell.
    register("b1f0c4d2-0000-4000-8000-00000000c004", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "one activation, one event");
});

on_both!(a_finished_self_service_action_is_told, |app: TestApp| async move {
    // The RMM's own webhook and the subscription share one local receiver, at two paths.
    let receiver = Receiver::start(&[]).await;
    let rmm = crate::dispatch::connected(&app, &receiver).await;
    let admin = app.token("admin@demo.example").await;
    let (_, secret) = subscribe(&app, &admin, &receiver.url("/psa"), &["action.completed"], false).await;
    let (_, id) = crate::dispatch::restart_pats_mac(&app, &rmm).await;

    let result = json!({"action_id": id, "status": "succeeded", "message": "Restarted"});
    ok(crate::dispatch::report(&app, &app.url("/api/v1/rmm/action-results"), &rmm.secret, result).await).await;
    let events = eventually("the action.completed event", || async {
        let events = events_at(&receiver, "/psa");
        (!events.is_empty()).then_some(events)
    })
    .await;
    let device = rmm.device(crate::rmm::PAT_PC).0;
    let completed = json!({"action_id": id, "device_id": device, "kind": "restart", "status": "succeeded"});
    assert_eq!(data_of(&events, "action.completed"), completed);
    let hook = receiver.received().into_iter().find(|r| r.path == "/psa").unwrap();
    assert_signed(&hook, &secret);
});

on_both!(the_sweep_prunes_settled_deliveries_past_their_retention, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    allow_own_network(&app, &admin).await;
    let (receiver, down) = (Receiver::start(&[]).await, Receiver::start(&[503; 50]).await);
    let (id, _) = subscribe(&app, &admin, &receiver.url("/psa"), &["ticket.created"], false).await;
    let (failing, _) = subscribe(&app, &admin, &down.url("/down"), &["ticket.created"], false).await;
    open_ticket(&app, "Old news").await;
    open_ticket(&app, "Recent news").await;
    let settled = |d: &[Value]| d.len() == 2 && d.iter().all(|d| d["status"] == "delivered");
    let delivered = deliveries_until(&app, &admin, id, settled).await;
    let (recent, old) = (delivered[0]["id"].as_i64().unwrap(), delivered[1]["id"].as_i64().unwrap());
    // The failing endpoint's deliveries stay pending, to be retried.
    let pending = deliveries_until(&app, &admin, failing, |d| d.len() == 2).await;
    assert!(pending.iter().all(|d| d["status"] == "pending"), "{pending:?}");
    let waiting = pending[1]["id"].as_i64().unwrap();

    // The old delivery and the waiting one were created 31 days ago, the recent one 29 days ago.
    let db = app.state.db.clone();
    let (swept, left, attempts_of_old) = tokio::task::spawn_blocking(move || {
        use clientdesk_persistence::schema::{webhook_attempts as a, webhook_deliveries as d};
        use diesel::prelude::*;
        let mut conn = db.conn().unwrap();
        let now = chrono::Utc::now();
        for (delivery, days) in [(old, 31), (waiting, 31), (recent, 29)] {
            let at = (now - chrono::Duration::days(days)).naive_utc();
            diesel::update(d::table.find(delivery)).set(d::created_at.eq(at)).execute(&mut *conn).unwrap();
        }
        let swept = clientdesk_persistence::sweep::expired(&mut conn, now).unwrap();
        let left: Vec<i64> =
            d::table.filter(d::id.eq_any([old, recent, waiting])).select(d::id).order(d::id).load(&mut *conn).unwrap();
        let attempts: i64 = a::table.filter(a::delivery_id.eq(old)).count().get_result(&mut *conn).unwrap();
        (swept, left, attempts)
    })
    .await
    .unwrap();
    assert_eq!(swept.webhook_deliveries, 1, "{swept:?}");
    let mut kept = vec![recent, waiting];
    kept.sort();
    assert_eq!(left, kept, "the recent delivery and the pending one stay");
    assert_eq!(attempts_of_old, 0, "its attempts went with it");
    assert_eq!(clientdesk_domain::webhooks::DELIVERY_RETENTION_DAYS, 30);
});
