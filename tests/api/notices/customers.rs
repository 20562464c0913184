//! What reaches the requester: the confirmation of its ticket, staff's public notes (never an
//! internal one), resolution and closing with the due date where its company shows due dates;
//! technicians named only where the company shows their names; in the requester's language.

use serde_json::json;

use super::{language, note, pats_ticket, to, told, undelivered, ADMIN, PAT, TECH};
use crate::on_both;
use crate::tickets::{company_settings, ok, patch};

on_both!(the_requester_hears_of_its_ticket_in_its_language_but_never_of_internal_notes, backend => |backend| async move {
    let app = undelivered(backend).await;
    let pat = app.token(PAT).await;
    language(&app, &pat, "de").await;
    let (ticket, _) = pats_ticket(&app, "Drucker").await;
    let mails = to(&app, PAT).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].0.contains("Wir haben Ihr Ticket erhalten: Drucker"), "{:?}", mails[0]);
    assert!(mails[0].1.starts_with("Hallo Pat User,") && mails[0].1.contains(&format!("/tickets/{ticket}")));

    let tech = app.token(TECH).await;
    note(&app, &tech, ticket, json!({"body": "Secret: the RAID is degraded", "internal": true})).await;
    assert!(!told(&app, PAT, "RAID").await, "an internal note never reaches a customer");
    note(&app, &tech, ticket, json!({"body": "Toner replaced."})).await;
    assert!(told(&app, PAT, "Toner replaced.").await);
    assert!(told(&app, PAT, "Tom Tech hat zu Ihrem Ticket").await, "{:?}", to(&app, PAT).await);
    assert!(!told(&app, PAT, "RAID").await);

    // The requester's own note tells the requester nothing.
    let before = to(&app, PAT).await;
    note(&app, &pat, ticket, json!({"body": "Danke!"})).await;
    assert_eq!(to(&app, PAT).await, before);
});

on_both!(hidden_technician_names_and_due_dates_stay_hidden_in_mails, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(ADMIN).await;
    let (ticket, contoso) = pats_ticket(&app, "Laptop battery").await;
    company_settings(&app, &staff, contoso, json!({"technician_names_shown": false, "due_dates_shown": false})).await;
    let tech = app.token(TECH).await;
    ok(patch(&app, &tech, ticket, json!({"due_at": "2026-12-24T16:00:00Z"})).await).await;
    note(&app, &tech, ticket, json!({"body": "A new battery is on its way."})).await;
    ok(patch(&app, &tech, ticket, json!({"status": "resolved"})).await).await;
    let all: String = to(&app, PAT).await.into_iter().map(|(s, b)| format!("{s}\n{b}")).collect();
    assert!(all.contains("A new battery is on its way.") && all.contains("Support team wrote"), "{all}");
    assert!(all.contains("was resolved"), "{all}");
    assert!(!all.contains("Tom Tech") && !all.contains("2026-12-24"), "{all}");
});

on_both!(resolution_shows_the_due_date_where_the_company_shows_due_dates, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(ADMIN).await;
    let (ticket, contoso) = pats_ticket(&app, "Backup failed").await;
    company_settings(&app, &staff, contoso, json!({"due_dates_shown": true})).await;
    ok(patch(&app, &staff, ticket, json!({"due_at": "2026-12-24T16:00:00Z"})).await).await;
    ok(app.post(&format!("/api/v1/tickets/{ticket}/close"), Some(&staff), json!({})).await).await;
    let all: String = to(&app, PAT).await.into_iter().map(|(s, b)| format!("{s}\n{b}")).collect();
    assert!(all.contains("Your ticket #") && all.contains("\"Backup failed\" was closed."), "{all}");
    assert!(all.contains("Due date: 2026-12-24 16:00 UTC"), "{all}");
    // Closing a resolved ticket again tells nothing new; nor does the requester's own closing.
    let pat = app.token(PAT).await;
    ok(app.post(&format!("/api/v1/tickets/{ticket}/reopen"), Some(&staff), json!({})).await).await;
    let before = to(&app, PAT).await;
    ok(app.post(&format!("/api/v1/tickets/{ticket}/close"), Some(&pat), json!({})).await).await;
    assert_eq!(to(&app, PAT).await, before);
});

on_both!(company_switches_silence_each_kind_for_customers, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token(ADMIN).await;
    let (first, contoso) = pats_ticket(&app, "Before").await;
    company_settings(
        &app,
        &staff,
        contoso,
        json!({"notify_requesters_of_new_tickets": false, "notify_requesters_of_public_notes": false,
            "notify_requesters_of_resolution": false}),
    )
    .await;
    let before = to(&app, PAT).await;
    assert_eq!(before.len(), 1, "the first ticket's confirmation");
    let (second, _) = pats_ticket(&app, "After").await;
    for ticket in [first, second] {
        note(&app, &staff, ticket, json!({"body": "Public words."})).await;
        ok(patch(&app, &staff, ticket, json!({"status": "resolved"})).await).await;
    }
    assert_eq!(to(&app, PAT).await, before, "nothing more reaches the requester");
    assert!(told(&app, TECH, "New ticket from Contoso Ltd: After").await, "staff still hear of portal tickets");

    // Notifications off altogether: nothing, whatever the other switches say.
    company_settings(
        &app,
        &staff,
        contoso,
        json!({"notifications_enabled": false, "notify_requesters_of_public_notes": true}),
    )
    .await;
    note(&app, &staff, second, json!({"body": "More public words."})).await;
    assert_eq!(to(&app, PAT).await, before);
});
