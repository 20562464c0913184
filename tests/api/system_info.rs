//! System info: assets with the RMM's inventory, warranties and licences (synced and written by
//! staff), who reads them (the system-info permission, per company) and expiry windows.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{fault, problem, row_fault, TestApp};
use crate::on_both;
use crate::rmm::{self, Rmm, KIOSK, PAT_PC};
use crate::tickets::ok;

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).format("%Y-%m-%d").to_string()
}

/// Pat's Mac with an inventory and two synced entries: a warranty expiring in 10 days and a
/// licence expiring in a year.
fn pat_pc(rmm: &Rmm) -> Value {
    let mut d = rmm::device(PAT_PC, rmm.contoso, "mac", Some("pat.user@demo.example"));
    d["inventory"] = json!({"kind": "laptop", "manufacturer": "Apple", "model": "MacBook Pro 14",
        "serial_number": "C02XK1ABMD6T", "os_name": "macOS", "os_version": "15.1",
        "ip_addresses": ["10.0.4.17", "fe80::1"],
        "disks": [{"name": "Macintosh HD", "size_bytes": 994_662_584_320_i64, "free_bytes": 401_000_000_000_i64}],
        "software_count": 87});
    d["entitlements"] = json!([
        {"kind": "warranty", "product": "AppleCare+", "vendor": "Apple", "starts_on": day(-700), "expires_on": day(10)},
        {"kind": "licence", "product": "Microsoft 365", "vendor": "Microsoft", "seats": 1, "expires_on": day(365)}
    ]);
    d
}

fn kiosk(rmm: &Rmm) -> Value {
    let mut d = rmm::device(KIOSK, rmm.contoso, "windows", None);
    d["inventory"] = json!({"kind": "workstation", "serial_number": "KIOSK-0042", "os_name": "Windows 11 IoT"});
    d
}

async fn synced(app: &TestApp) -> Rmm {
    let rmm = rmm::setup(app).await;
    ok(rmm::sync(app, &rmm.sync, json!([pat_pc(&rmm), kiosk(&rmm)])).await).await;
    rmm
}

fn names(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect()
}

on_both!(members_with_system_info_read_their_company_assets_only, |app: TestApp| async move {
    let rmm = synced(&app).await;
    let (pat_pc, _) = rmm.device(PAT_PC);
    let assets = format!("/api/v1/companies/{}/assets", rmm.contoso);

    // A customer approver reads Contoso's assets with their inventory.
    let ann = app.token("ann.approver@demo.example").await;
    let page = ok(app.get(&assets, &ann).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let mac = page["items"].as_array().unwrap().iter().find(|a| a["id"] == pat_pc).unwrap();
    assert_eq!(mac["inventory"]["serial_number"], "C02XK1ABMD6T");
    assert_eq!(mac["inventory"]["disks"][0]["free_bytes"], 401_000_000_000_i64);
    assert_eq!(mac["inventory"]["ip_addresses"], json!(["10.0.4.17", "fe80::1"]));
    assert!(mac.get("entitlements").is_none(), "lists leave out warranties and licences");
    assert!(mac.get("agent_guid").is_none() && mac.get("has_link_token").is_none());

    // Filters: by kind, by name, by serial number (any case).
    assert_eq!(
        names(&ok(app.get(&format!("{assets}?type=laptop"), &ann).await).await),
        vec![mac["name"].as_str().unwrap()]
    );
    assert_eq!(ok(app.get(&format!("{assets}?type=server"), &ann).await).await["items"], json!([]));
    let by_serial = ok(app.get(&format!("{assets}?q=kiosk-00"), &ann).await).await;
    assert_eq!(by_serial["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_serial["items"][0]["inventory"]["kind"], "workstation");
    let by_name = ok(app.get(&format!("{assets}?q=M-C001"), &ann).await).await;
    assert_eq!(by_name["items"][0]["id"], pat_pc);
    assert_eq!(ok(app.get(&format!("{assets}?q=100%25"), &ann).await).await["items"], json!([]), "% is literal");

    // One asset with its warranties and licences; a controller reads it too.
    let chris = app.token("chris.controller@demo.example").await;
    let one = ok(app.get(&format!("/api/v1/assets/{pat_pc}"), &chris).await).await;
    let covered = one["entitlements"].as_array().unwrap();
    assert_eq!(covered.len(), 2);
    let warranty = covered.iter().find(|e| e["kind"] == "warranty").unwrap();
    assert_eq!((warranty["state"].as_str(), warranty["source"].as_str()), (Some("expiring"), Some("rmm")));
    assert_eq!(warranty["device_id"], pat_pc);

    // A portal user's roles do not include system info: 403; another company's member: 404.
    let pat = app.token("pat.user@demo.example").await;
    problem(app.get(&assets, &pat).await, 403).await;
    problem(app.get(&format!("/api/v1/assets/{pat_pc}"), &pat).await, 403).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    problem(app.get(&assets, &fred).await, 404).await;
    problem(app.get(&format!("/api/v1/assets/{pat_pc}"), &fred).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{}/entitlements", rmm.contoso), &fred).await, 404).await;
    // Morgan approves for Fabrikam, not for Contoso (a plain user there).
    let morgan = app.token("morgan.multi@demo.example").await;
    problem(app.get(&assets, &morgan).await, 403).await;
    assert_eq!(
        ok(app.get(&format!("/api/v1/companies/{}/assets", rmm.fabrikam), &morgan).await).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Bad filters are 422 naming the parameter.
    let bad = problem(app.get(&format!("{assets}?type=toaster"), &ann).await, 422).await;
    assert!(fault(&bad, "type").is_some(), "{bad}");
    problem(app.get("/api/v1/companies/999999/assets", &rmm.staff).await, 404).await;
});

on_both!(warranties_and_licences_expire_in_a_window_and_only_staff_write_them, |app: TestApp| async move {
    let rmm = synced(&app).await;
    let (pat_pc, _) = rmm.device(PAT_PC);
    let (kiosk, _) = rmm.device(KIOSK);
    let entitlements = format!("/api/v1/companies/{}/entitlements", rmm.contoso);

    // Staff record a company-wide licence expiring in 20 days and a warranty for the kiosk.
    let licence = json!({"company_id": rmm.contoso, "kind": "licence", "product": "ESET Protect", "vendor": "ESET",
        "seats": 25, "starts_on": day(-345), "expires_on": day(20), "notes": "Renewal quote requested"});
    let created = ok(app.post("/api/v1/entitlements", Some(&rmm.staff), licence.clone()).await).await;
    assert_eq!((created["state"].as_str(), created["source"].as_str()), (Some("expiring"), Some("staff")));
    let licence_id = created["id"].as_i64().unwrap();
    let warranty = json!({"company_id": rmm.contoso, "kind": "warranty", "device_id": kiosk, "product": "Dell ProSupport",
        "expires_on": day(400)});
    ok(app.post("/api/v1/entitlements", Some(&rmm.staff), warranty.clone()).await).await;

    // What expires within 30 days: the synced warranty (10 days) and the licence (20 days).
    let ann = app.token("ann.approver@demo.example").await;
    let soon = ok(app.get(&format!("{entitlements}?expiring_within_days=30"), &ann).await).await;
    let mut products: Vec<&str> =
        soon["items"].as_array().unwrap().iter().map(|e| e["product"].as_str().unwrap()).collect();
    products.sort_unstable();
    assert_eq!(products, vec!["AppleCare+", "ESET Protect"]);
    let within_15 = ok(app.get(&format!("{entitlements}?expiring_within_days=15&kind=warranty"), &ann).await).await;
    assert_eq!(within_15["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        ok(app.get(&format!("{entitlements}?device_id={kiosk}"), &ann).await).await["items"][0]["product"],
        "Dell ProSupport"
    );
    assert_eq!(ok(app.get(&entitlements, &ann).await).await["items"].as_array().unwrap().len(), 4);
    let bad = problem(app.get(&format!("{entitlements}?expiring_within_days=-1"), &ann).await, 422).await;
    assert!(fault(&bad, "expiring_within_days").is_some(), "{bad}");

    // Customers never write them, whatever their roles.
    for who in ["ann.approver@demo.example", "paula.admin@demo.example"] {
        let token = app.token(who).await;
        problem(app.post("/api/v1/entitlements", Some(&token), licence.clone()).await, 403).await;
        problem(app.send(Method::DELETE, &format!("/api/v1/entitlements/{licence_id}"), &token, json!({})).await, 403)
            .await;
    }
    // Invalid entries change nothing: a warranty without a device, a device of another company.
    let (fred_pc, _) = rmm.device(rmm::FRED_PC);
    let orphan = json!({"company_id": rmm.contoso, "kind": "warranty", "product": "Care"});
    assert!(fault(&problem(app.post("/api/v1/entitlements", Some(&rmm.staff), orphan).await, 422).await, "device_id")
        .is_some());
    let foreign = json!({"company_id": rmm.contoso, "kind": "warranty", "device_id": fred_pc, "product": "Care"});
    assert!(fault(&problem(app.post("/api/v1/entitlements", Some(&rmm.staff), foreign).await, 422).await, "device_id")
        .is_some());
    let backwards = json!({"company_id": rmm.contoso, "kind": "licence", "product": "X", "starts_on": day(5), "expires_on": day(1)});
    assert!(fault(
        &problem(app.post("/api/v1/entitlements", Some(&rmm.staff), backwards).await, 422).await,
        "expires_on"
    )
    .is_some());
    assert_eq!(ok(app.get(&entitlements, &ann).await).await["items"].as_array().unwrap().len(), 4);

    // Staff change their own entries; a synced one is changed in the RMM (409).
    let renewed = json!({"company_id": rmm.contoso, "kind": "licence", "product": "ESET Protect", "seats": 30,
        "expires_on": day(385)});
    let updated =
        ok(app.send(Method::PUT, &format!("/api/v1/entitlements/{licence_id}"), &rmm.staff, renewed).await).await;
    assert_eq!((updated["seats"].as_i64(), updated["state"].as_str()), (Some(30), Some("active")));
    let synced_id = ok(app.get(&format!("{entitlements}?device_id={pat_pc}&kind=warranty"), &ann).await).await["items"]
        [0]["id"]
        .as_i64()
        .unwrap();
    problem(app.send(Method::PUT, &format!("/api/v1/entitlements/{synced_id}"), &rmm.staff, warranty).await, 409).await;
    problem(app.send(Method::DELETE, &format!("/api/v1/entitlements/{synced_id}"), &rmm.staff, json!({})).await, 409)
        .await;
    let gone = app.send(Method::DELETE, &format!("/api/v1/entitlements/{licence_id}"), &rmm.staff, json!({})).await;
    assert_eq!(gone.status(), 204);
    problem(app.get(&format!("/api/v1/entitlements/{licence_id}"), &ann).await, 404).await;
});

on_both!(a_resync_replaces_the_synced_entries_and_names_a_refused_device, |app: TestApp| async move {
    let rmm = synced(&app).await;
    let (pat_pc, _) = rmm.device(PAT_PC);
    // The warranty is renewed, the licence dropped, a new one added; staff-written entries stay.
    ok(app
        .post(
            "/api/v1/entitlements",
            Some(&rmm.staff),
            json!({"company_id": rmm.contoso, "kind": "licence", "device_id": pat_pc, "product": "Adobe Acrobat"}),
        )
        .await)
    .await;
    let mut again = pat_pc_with(
        &rmm,
        json!([
            {"kind": "warranty", "product": "AppleCare+", "vendor": "Apple", "expires_on": day(375)},
            {"kind": "licence", "product": "1Password Business", "seats": 1}
        ]),
    );
    ok(rmm::sync(&app, &rmm.sync, json!([again.clone()])).await).await;
    let one = ok(app.get(&format!("/api/v1/assets/{pat_pc}"), &rmm.staff).await).await;
    let mut products: Vec<(&str, &str)> = one["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["product"].as_str().unwrap(), e["source"].as_str().unwrap()))
        .collect();
    products.sort_unstable();
    assert_eq!(products, vec![("1Password Business", "rmm"), ("Adobe Acrobat", "staff"), ("AppleCare+", "rmm")]);
    assert_eq!(
        one["entitlements"].as_array().unwrap().iter().find(|e| e["product"] == "AppleCare+").unwrap()["state"],
        "active"
    );

    // An invalid inventory or entry refuses the whole batch, naming the device by its GUID.
    again["inventory"]["disks"] = json!([{"name": "C:", "size_bytes": 10, "free_bytes": 11}]);
    let refused = problem(rmm::sync(&app, &rmm.sync, json!([kiosk(&rmm), again.clone()])).await, 422).await;
    assert!(row_fault(&refused, "/devices/1/inventory/disks", PAT_PC), "{refused}");
    again["inventory"]["disks"] = json!([]);
    again["entitlements"] = json!([{"kind": "licence", "product": "X", "company_id": rmm.contoso}]);
    let refused = problem(rmm::sync(&app, &rmm.sync, json!([again])).await, 422).await;
    assert!(row_fault(&refused, "/devices/0/entitlements/0/company_id", PAT_PC), "{refused}");
    assert_eq!(
        ok(app.get(&format!("/api/v1/assets/{pat_pc}"), &rmm.staff).await).await["entitlements"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Deleting the device removes its inventory, warranties and licences.
    let gone = app.send(Method::DELETE, &format!("/api/v1/devices/{pat_pc}"), &rmm.staff, json!({})).await;
    assert_eq!(gone.status(), 204);
    let left = ok(app.get(&format!("/api/v1/companies/{}/entitlements", rmm.contoso), &rmm.staff).await).await;
    assert_eq!(left["items"], json!([]));
});

fn pat_pc_with(rmm: &Rmm, entitlements: Value) -> Value {
    let mut d = pat_pc(rmm);
    d["entitlements"] = entitlements;
    d
}

/// Runs the worker's expiry announcement once, as of now.
async fn announce(app: &TestApp) -> usize {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let now = Utc::now();
        clientdesk_app::system_info::announce_expiries(&mut db.conn().unwrap(), now.date_naive(), now).unwrap()
    })
    .await
    .unwrap()
}

on_both!(approvers_are_told_once_of_what_ends_within_thirty_days, |app: TestApp| async move {
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, _) = crate::tickets::companies(&app, &staff).await;
    for (product, expires) in [("ESET Protect", 10), ("Veeam Backup", 40), ("Old Office", -1)] {
        let licence = json!({"company_id": contoso, "kind": "licence", "product": product, "expires_on": day(expires)});
        ok(app.post("/api/v1/entitlements", Some(&staff), licence).await).await;
    }
    assert_eq!(announce(&app).await, 1, "only the licence ending within 30 days");
    let told: Vec<(String, String, String)> =
        crate::approvals::mails(&app).await.into_iter().filter(|(_, subject, _)| subject.contains("ESET")).collect();
    let recipients: Vec<&str> = told.iter().map(|(to, ..)| to.as_str()).collect();
    assert!(recipients.contains(&"ann.approver@demo.example"), "{recipients:?}");
    assert!(!recipients.contains(&"pat.user@demo.example"), "a portal user approves nothing: {recipients:?}");
    assert!(!recipients.iter().any(|to| to.contains("fabrikam")), "{recipients:?}");
    let (_, subject, body) = told.iter().find(|(to, ..)| to == "ann.approver@demo.example").unwrap();
    assert!(subject.contains(&day(10)) && body.contains("ESET Protect"), "{subject}\n{body}");
    // Once only.
    assert_eq!(announce(&app).await, 0);
    let again = crate::approvals::mails(&app).await.into_iter().filter(|(_, s, _)| s.contains("ESET")).count();
    assert_eq!(again, told.len());
});
