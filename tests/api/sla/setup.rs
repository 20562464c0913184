//! Calendars, plans and company plans: staff manage them, customers may not, bad input is a 422.

use reqwest::Method;
use serde_json::json;

use super::always_open;
use crate::harness::{fault, problem, TestApp};
use crate::on_both;
use crate::tickets::{companies, ok, status};

on_both!(calendars_and_plans_round_trip, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let calendar = status(
        app.post(
            "/api/v1/sla/calendars",
            Some(&tech),
            json!({"name": "Zurich office", "time_zone": "Europe/Zurich",
                "hours": {"monday": [{"start": "13:00", "end": "17:00"}, {"start": "08:00", "end": "12:00"}]},
                "holidays": ["2026-12-25"]}),
        )
        .await,
        201,
    )
    .await;
    let id = calendar["id"].as_i64().unwrap();
    // Intervals come back sorted; days left out are closed.
    assert_eq!(calendar["hours"]["monday"][0], json!({"start": "08:00", "end": "12:00"}));
    assert_eq!(calendar["hours"]["tuesday"], json!([]));
    assert_eq!(calendar["holidays"], json!(["2026-12-25"]));

    let path = format!("/api/v1/sla/calendars/{id}");
    let changed = ok(app.send(Method::PATCH, &path, &tech, json!({"holidays": ["2027-01-01"]})).await).await;
    assert_eq!(
        (changed["holidays"].clone(), changed["time_zone"].clone()),
        (json!(["2027-01-01"]), json!("Europe/Zurich"))
    );
    assert_eq!(changed["hours"], calendar["hours"]);

    let plan = status(
        app.post(
            "/api/v1/sla/plans",
            Some(&tech),
            json!({"name": "Gold", "calendar_id": id, "default": true,
                "targets": {"urgent": {"first_response_minutes": 15, "resolution_minutes": 120}},
                "pause_statuses": ["waiting_third_party", "waiting_customer"]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(plan["pause_statuses"], json!(["waiting_customer", "waiting_third_party"]));
    assert_eq!(plan["targets"], json!({"urgent": {"first_response_minutes": 15, "resolution_minutes": 120}}));
    let plan_id = plan["id"].as_i64().unwrap();

    // A second default takes over from the first.
    let silver = json!({"name": "Silver", "calendar_id": id, "default": true, "targets": {}});
    let silver = status(app.post("/api/v1/sla/plans", Some(&tech), silver).await, 201).await;
    let plans = ok(app.get("/api/v1/sla/plans", &tech).await).await;
    let defaults: Vec<_> = plans["items"].as_array().unwrap().iter().filter(|p| p["default"] == true).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["id"], silver["id"]);

    // A company follows the default until given a plan of its own.
    let (contoso, ..) = companies(&app, &tech).await;
    let company_plan = format!("/api/v1/companies/{contoso}/sla-plan");
    let before = ok(app.get(&company_plan, &tech).await).await;
    assert_eq!((before["plan_id"].clone(), before["effective_plan_id"].clone()), (json!(null), silver["id"].clone()));
    let given = ok(app.send(Method::PUT, &company_plan, &tech, json!({"plan_id": plan_id})).await).await;
    assert_eq!(given["effective_plan_id"], plan_id);

    // What is in use cannot go.
    problem(app.send(Method::DELETE, &path, &tech, json!(null)).await, 409).await;
    let plan_path = format!("/api/v1/sla/plans/{plan_id}");
    problem(app.send(Method::DELETE, &plan_path, &tech, json!(null)).await, 409).await;
    ok(app.send(Method::PUT, &company_plan, &tech, json!({"plan_id": null})).await).await;
    status(app.send(Method::DELETE, &plan_path, &tech, json!(null)).await, 204).await;
    status(app.get(&plan_path, &tech).await, 404).await;
    assert_eq!(ok(app.get(&company_plan, &tech).await).await["effective_plan_id"], silver["id"]);
});

on_both!(bad_calendars_and_plans_are_refused_and_change_nothing, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let post = |body: serde_json::Value| app.post("/api/v1/sla/calendars", Some(&admin), body);
    let mut bad_zone = always_open();
    bad_zone["time_zone"] = json!("Mars/Olympus");
    assert!(fault(&problem(post(bad_zone).await, 422).await, "/time_zone").is_some());
    let overlap = json!({"name": "x", "time_zone": "UTC",
        "hours": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "14:00"}]}});
    assert!(fault(&problem(post(overlap).await, 422).await, "/hours").is_some());
    let bad_time = json!({"name": "x", "time_zone": "UTC", "hours": {"friday": [{"start": "9am", "end": "12:00"}]}});
    assert!(fault(&problem(post(bad_time).await, 422).await, "/hours/friday/0/start").is_some());
    let closed = json!({"name": "x", "time_zone": "UTC", "hours": {}});
    assert!(fault(&problem(post(closed).await, 422).await, "/hours").is_some());
    let mut bad_day = always_open();
    bad_day["holidays"] = json!(["2026-02-30"]);
    assert!(fault(&problem(post(bad_day).await, 422).await, "/holidays/0").is_some());
    assert_eq!(ok(app.get("/api/v1/sla/calendars", &admin).await).await["items"], json!([]));

    let calendar = status(post(always_open()).await, 201).await;
    let plan = |body: serde_json::Value| app.post("/api/v1/sla/plans", Some(&admin), body);
    let with = |targets: serde_json::Value, pauses: serde_json::Value| json!({"name": "P", "calendar_id": calendar["id"], "targets": targets, "pause_statuses": pauses});
    let fine = json!({"normal": {"first_response_minutes": 60}});
    assert!(
        fault(&problem(plan(with(fine.clone(), json!(["sleeping"]))).await, 422).await, "/pause_statuses/0").is_some()
    );
    assert!(fault(&problem(plan(with(fine.clone(), json!(["closed"]))).await, 422).await, "/pause_statuses").is_some());
    let zero = json!({"normal": {"resolution_minutes": 0}});
    assert!(fault(&problem(plan(with(zero, json!([]))).await, 422).await, "/targets").is_some());
    // A count no duration holds is refused like any other out-of-range target.
    let huge = json!({"urgent": {"first_response_minutes": 60, "resolution_minutes": i64::MAX - 1}});
    assert!(fault(&problem(plan(with(huge, json!([]))).await, 422).await, "/targets").is_some());
    let mut unknown = with(fine.clone(), json!([]));
    unknown["calendar_id"] = json!(999_999);
    assert!(fault(&problem(plan(unknown).await, 422).await, "/calendar_id").is_some());
    problem(plan(with(json!({"critical": {"first_response_minutes": 5}}), json!([]))).await, 422).await;
    assert_eq!(ok(app.get("/api/v1/sla/plans", &admin).await).await["items"], json!([]));

    // Another tenant's staff find nothing of this one.
    let other = app.other_tenant_admin().await;
    let path = format!("/api/v1/sla/calendars/{}", calendar["id"]);
    status(app.get(&path, &other).await, 404).await;
    status(app.send(Method::PATCH, &path, &other, json!({"name": "Mine"})).await, 404).await;
});

on_both!(customers_may_not_manage_or_read_the_setup, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plan = crate::sla::default_plan(&app, &admin).await;
    let (contoso, ..) = companies(&app, &admin).await;
    for email in ["paula.admin@demo.example", "ann.approver@demo.example"] {
        let token = app.token(email).await;
        status(app.get("/api/v1/sla/plans", &token).await, 403).await;
        status(app.get("/api/v1/sla/calendars", &token).await, 403).await;
        status(app.post("/api/v1/sla/calendars", Some(&token), always_open()).await, 403).await;
        let path = format!("/api/v1/sla/plans/{}", plan["id"]);
        status(app.send(Method::PATCH, &path, &token, json!({"name": "Mine"})).await, 403).await;
        let company_plan = format!("/api/v1/companies/{contoso}/sla-plan");
        status(app.send(Method::PUT, &company_plan, &token, json!({"plan_id": null})).await, 403).await;
    }
    assert_eq!(ok(app.get(&format!("/api/v1/sla/plans/{}", plan["id"]), &admin).await).await["name"], "Standard");
});
