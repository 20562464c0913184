//! The company's display settings: technician names or a neutral label, worked hours (none,
//! billed, all), due dates shown or not, and times in the company's time zone.

use chrono::DateTime;
use serde_json::{json, Value};

use super::*;
use crate::harness::TestApp;
use crate::on_both;

on_both!(technician_names_hidden_become_the_support_team, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let tech = app.token("tech@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let (tech_id, pat) = (my_id(&app, &tech).await, my_id(&app, &user).await);
    ok(patch(&app, &tech, printer, json!({"assignee_id": tech_id, "status": "in_progress"})).await).await;
    ok(app.post(&format!("/api/v1/tickets/{printer}/notes"), Some(&tech), json!({"body": "On my way"})).await).await;
    ok(app.post(&format!("/api/v1/tickets/{printer}/notes"), Some(&user), json!({"body": "Thanks"})).await).await;

    let tom = json!({"id": tech_id, "name": "Tom Tech"});
    assert_eq!(ok(app.get(&ticket(printer), &user).await).await["assignee"], tom);

    company_settings(&app, &admin, contoso, json!({"technician_names_shown": false})).await;
    let neutral = json!({"name": "Support team"});
    let read = ok(app.get(&ticket(printer), &user).await).await;
    assert_eq!(read["assignee"], neutral);
    assert_eq!(read["requester"], json!({"id": pat, "name": "Pat User"}), "customers keep their names");
    let listed = items(&app, &user, &company_tickets(contoso)).await;
    assert_eq!(listed.iter().find(|t| t["id"] == printer).unwrap()["assignee"], neutral);
    let lines = history(&app, &user, printer).await;
    let assignee = lines.iter().find(|l| l["field"] == "assignee").unwrap();
    assert_eq!(assignee["actor"], neutral);
    assert_eq!(assignee["new_value"], "Support team");
    assert!(assignee.get("old_value").is_none());
    assert!(!lines.iter().any(|l| l.to_string().contains("Tom")), "{lines:?}");
    assert!(!lines.iter().any(|l| l["actor"]["id"] == tech_id), "no technician id either");
    let notes = ok(app.get(&format!("/api/v1/tickets/{printer}/notes"), &user).await).await;
    let authors: Vec<Value> = notes["items"].as_array().unwrap().iter().map(|n| n["author"].clone()).collect();
    assert_eq!(authors, [neutral.clone(), json!({"id": pat, "name": "Pat User"})]);

    // Staff always see who it is.
    assert_eq!(ok(app.get(&ticket(printer), &admin).await).await["assignee"], tom);
    let staff_lines = history(&app, &admin, printer).await;
    assert_eq!(staff_lines.iter().find(|l| l["field"] == "assignee").unwrap()["new_value"], "Tom Tech");
});

on_both!(worked_hours_show_as_none_billed_or_all, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    ok(patch(&app, &admin, printer, json!({"worked_minutes": 90, "billed_minutes": 60})).await).await;
    let seen = || async {
        let t = ok(app.get(&ticket(printer), &user).await).await;
        let listed = items(&app, &user, &company_tickets(contoso)).await;
        let item = listed.into_iter().find(|i| i["id"] == printer).unwrap();
        assert_eq!(
            (item.get("worked_minutes"), item.get("billed_minutes")),
            (t.get("worked_minutes"), t.get("billed_minutes"))
        );
        let lines = history_fields(&history(&app, &user, printer).await);
        (
            t.get("worked_minutes").cloned(),
            t.get("billed_minutes").cloned(),
            lines.contains(&"worked_minutes".to_owned()),
            lines.contains(&"billed_minutes".to_owned()),
        )
    };
    assert_eq!(seen().await, (None, None, false, false), "the default is none");
    company_settings(&app, &admin, contoso, json!({"worked_hours": "billed"})).await;
    assert_eq!(seen().await, (None, Some(json!(60)), false, true));
    company_settings(&app, &admin, contoso, json!({"worked_hours": "all"})).await;
    assert_eq!(seen().await, (Some(json!(90)), Some(json!(60)), true, true));
    // The tenant hiding the field wins over the company's display.
    ticket_settings(&app, &admin, json!({"field_visibility": {"worked_minutes": "hidden"}})).await;
    assert_eq!(seen().await, (None, None, false, false));
    let staff = ok(app.get(&ticket(printer), &admin).await).await;
    assert_eq!((staff["worked_minutes"].as_i64(), staff["billed_minutes"].as_i64()), (Some(90), Some(60)));
});

on_both!(due_dates_and_local_times_follow_the_company, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let (printer, mailbox) = (ticket_id(&app, &admin, PRINTER).await, ticket_id(&app, &admin, MAILBOX).await);
    for id in [printer, mailbox] {
        ok(patch(&app, &admin, id, json!({"due_at": "2026-11-23T08:00:00Z"})).await).await;
    }

    let read = ok(app.get(&ticket(printer), &user).await).await;
    assert!(read.get("due_at").is_none() && read["local_times"].get("due_at").is_none(), "hidden by default: {read}");
    assert!(!history_fields(&history(&app, &user, printer).await).contains(&"due_at".to_owned()));

    company_settings(&app, &admin, contoso, json!({"due_dates_shown": true})).await;
    let read = ok(app.get(&ticket(printer), &user).await).await;
    assert_eq!(read["due_at"], "2026-11-23T08:00:00Z");
    let local = &read["local_times"];
    assert_eq!(local["time_zone"], "Europe/Zurich");
    assert_eq!(local["due_at"], "2026-11-23T09:00:00+01:00", "{read}");
    for field in ["created_at", "updated_at"] {
        let at = DateTime::parse_from_rfc3339(local[field].as_str().unwrap()).unwrap();
        let utc = DateTime::parse_from_rfc3339(read[field].as_str().unwrap()).unwrap();
        assert_eq!(at, utc, "{field}: the same instant");
        assert!([3600, 7200].contains(&at.offset().local_minus_utc()), "Zurich is UTC+1 or +2: {at}");
    }
    let lines = history(&app, &user, printer).await;
    let due = lines.iter().find(|l| l["field"] == "due_at").expect("due date line shown");
    assert!(due["new_value"].as_str().unwrap().starts_with("2026-11-23T08:00:00"), "{due}");
    let listed = items(&app, &user, &company_tickets(contoso)).await;
    assert_eq!(
        listed.iter().find(|t| t["id"] == printer).unwrap()["local_times"]["due_at"],
        "2026-11-23T09:00:00+01:00"
    );

    company_settings(&app, &admin, fabrikam, json!({"due_dates_shown": true})).await;
    let read = ok(app.get(&ticket(mailbox), &fred).await).await;
    assert_eq!(read["local_times"]["due_at"], "2026-11-23T03:00:00-05:00");
    assert_eq!(read["local_times"]["time_zone"], "America/New_York");

    company_settings(&app, &admin, contoso, json!({"time_zone": "Asia/Tokyo"})).await;
    let read = ok(app.get(&ticket(printer), &user).await).await;
    assert_eq!(read["local_times"]["due_at"], "2026-11-23T17:00:00+09:00");
    // Staff get UTC only.
    assert!(ok(app.get(&ticket(printer), &admin).await).await.get("local_times").is_none());
});
