//! What reaches the provider's staff: a portal ticket, a customer's note, attachment or reopen;
//! the assignee alone once there is one, everyone on staff before; never what staff did.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::json;

use super::{language, note, pats_ticket, to, told, undelivered, ADMIN, PAT, TECH};
use crate::on_both;
use crate::tickets::{companies, company_settings, create, my_id, ok, patch};

on_both!(a_portal_ticket_reaches_all_staff_until_assigned_then_the_assignee_alone, backend => |backend| async move {
    let app = undelivered(backend).await;
    let tech = app.token(TECH).await;
    language(&app, &tech, "fr").await;
    let (ticket, _) = pats_ticket(&app, "Printer jams").await;

    // Nobody is assigned: every member of the staff hears of the new ticket, each in its language.
    let to_admin = to(&app, ADMIN).await;
    assert_eq!(to_admin.len(), 1, "{to_admin:?}");
    assert!(to_admin[0].0.contains("New ticket from Contoso Ltd: Printer jams"), "{:?}", to_admin[0]);
    assert!(to_admin[0].1.contains("Pat User") && to_admin[0].1.contains("Details follow."), "{}", to_admin[0].1);
    assert!(to_admin[0].1.contains(&format!("/tickets/{ticket}")), "a link to the ticket's page: {}", to_admin[0].1);
    let to_tech = to(&app, TECH).await;
    assert_eq!(to_tech.len(), 1);
    assert!(to_tech[0].0.contains("Nouveau ticket de Contoso Ltd"), "{:?}", to_tech[0]);

    // Assigned to tech: a customer's note reaches tech alone.
    let staff = app.token(ADMIN).await;
    let tech_id = my_id(&app, &tech).await;
    ok(patch(&app, &staff, ticket, json!({"assignee_id": tech_id})).await).await;
    let pat = app.token(PAT).await;
    note(&app, &pat, ticket, json!({"body": "It jams on page two."})).await;
    assert!(told(&app, TECH, "It jams on page two.").await);
    assert!(told(&app, TECH, "Pat User a écrit sur le ticket").await, "in tech's language: {:?}", to(&app, TECH).await);
    assert!(!told(&app, ADMIN, "It jams on page two.").await, "only the assignee");

    // A customer's attachment, too.
    let form = Form::new().part("file", Part::bytes(b"jam log".to_vec()).file_name("jam.txt").mime_str("text/plain").unwrap());
    let res = app
        .request(Method::POST, &format!("/api/v1/tickets/{ticket}/attachments"), Some(&pat))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    assert!(told(&app, TECH, "« jam.txt »").await, "{:?}", to(&app, TECH).await);

    // What staff do themselves reaches no member of the staff.
    let before = (to(&app, ADMIN).await, to(&app, TECH).await);
    note(&app, &staff, ticket, json!({"body": "Ordering a fuser.", "internal": true})).await;
    note(&app, &tech, ticket, json!({"body": "Fuser ordered."})).await;
    assert_eq!((to(&app, ADMIN).await, to(&app, TECH).await), before);
});

on_both!(a_reopen_by_the_customer_reaches_the_assignee, backend => |backend| async move {
    let app = undelivered(backend).await;
    let (ticket, _) = pats_ticket(&app, "VPN drops").await;
    let (staff, tech, pat) = (app.token(ADMIN).await, app.token(TECH).await, app.token(PAT).await);
    let tech_id = my_id(&app, &tech).await;
    ok(patch(&app, &staff, ticket, json!({"assignee_id": tech_id})).await).await;
    ok(app.post(&format!("/api/v1/tickets/{ticket}/close"), Some(&tech), json!({})).await).await;
    assert!(!told(&app, TECH, "Reopened").await);
    ok(app.post(&format!("/api/v1/tickets/{ticket}/reopen"), Some(&pat), json!({})).await).await;
    assert!(told(&app, TECH, "Pat User reopened ticket").await, "{:?}", to(&app, TECH).await);
    assert!(!told(&app, ADMIN, "Reopened").await, "the assignee alone");

    // Staff reopening is staff's own doing.
    ok(app.post(&format!("/api/v1/tickets/{ticket}/close"), Some(&tech), json!({})).await).await;
    let before = to(&app, TECH).await;
    ok(app.post(&format!("/api/v1/tickets/{ticket}/reopen"), Some(&staff), json!({})).await).await;
    assert_eq!(to(&app, TECH).await, before);
});

on_both!(staff_open_no_portal_ticket_mail_and_the_company_switch_silences_portal_notes, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(ADMIN).await;
    let (contoso, _, _) = companies(&app, &staff).await;
    let pat_id = crate::tickets::user_id(&app, &staff, PAT).await;
    let tech = app.token(TECH).await;
    let opened = create(&app, &tech, contoso, json!({"title": "Opened by staff", "requester_id": pat_id})).await;
    assert!(to(&app, ADMIN).await.is_empty(), "a ticket staff open is no portal ticket");
    assert!(to(&app, PAT).await.is_empty(), "the requester did not open it: no confirmation");
    let ticket = opened["id"].as_i64().unwrap();

    company_settings(&app, &staff, contoso, json!({"notify_technicians_of_portal_notes": false})).await;
    let pat = app.token(PAT).await;
    note(&app, &pat, ticket, json!({"body": "Any news?"})).await;
    assert!(!told(&app, ADMIN, "Any news?").await && !told(&app, TECH, "Any news?").await);

    company_settings(&app, &staff, contoso, json!({"notify_technicians_of_portal_notes": true})).await;
    note(&app, &pat, ticket, json!({"body": "Hello?"})).await;
    assert!(told(&app, ADMIN, "Hello?").await && told(&app, TECH, "Hello?").await, "unassigned: all staff");
});
