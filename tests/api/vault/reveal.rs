//! Revealing a secret: a request of its own, with a second factor proven by the session within
//! 5 minutes, limited per user, recorded with who, which entry, when and from where, readable by
//! the company's portal admin and listed on the entry.

use serde_json::json;

use super::*;
use crate::harness::{problem, totp_code, TestApp};
use crate::on_both;

const SECRET: &str = "correct horse battery staple";
const SEED: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

on_both!(a_reveal_needs_a_fresh_step_up_and_is_audited, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let body = json!({"title": "Firewall admin", "username": "admin", "secret": SECRET, "totp_seed": SEED});
    let id = status(app.post(&entries(v.contoso), Some(&v.staff), body).await, 201).await["id"].as_i64().unwrap();
    v.grant(&app, PAT_PLUS, &["portal_user_plus", "vault_reader"]).await;
    let reader = app.token(PAT_PLUS).await;

    // Without a step-up, then with one.
    let refused = problem(reveal(&app, &reader, id).await, 403).await;
    assert!(refused["detail"].as_str().unwrap().contains("step-up"), "{refused}");
    step_up(&app, &reader, PAT_PLUS).await;
    let res = reveal(&app, &reader, id).await;
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
    let revealed = ok(res).await;
    assert_eq!(revealed["secret"], SECRET);
    assert!(revealed.get("totp_seed").is_none() && !revealed.to_string().contains(SEED), "never the seed");
    let now = chrono::Utc::now().timestamp() as u64 / 30;
    let code = revealed["totp_code"].as_str().unwrap();
    assert!([now - 1, now, now + 1].iter().any(|step| totp_code(SEED, *step) == code), "the current code");

    // A step-up older than 5 minutes no longer counts.
    age_step_ups(&app, PAT_PLUS, 6).await;
    problem(reveal(&app, &reader, id).await, 403).await;
    step_up(&app, &reader, PAT_PLUS).await;
    ok(reveal(&app, &reader, id).await).await;

    // A read-only API token never reveals, even with the user's fresh step-up.
    let token = status(
        app.post(
            "/api/v1/me/api-tokens",
            Some(&reader),
            json!({"name": "script", "read_only": true, "expires_in_days": 1}),
        )
        .await,
        201,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(app.get(&entries(v.contoso), &token).await).await;
    problem(reveal(&app, &token, id).await, 403).await;

    // Staff reveal with their own step-up, audited the same way.
    problem(reveal(&app, &v.staff, id).await, 403).await;
    step_up(&app, &v.staff, STAFF).await;
    ok(reveal(&app, &v.staff, id).await).await;

    // Each reveal: on the entry, for the portal admin, in the audit log; never the secret.
    let reader_id = user_id(&app, &v.admin, PAT_PLUS).await;
    let staff_id = crate::tickets::my_id(&app, &v.staff).await;
    let detail = ok(app.get(&entry(id), &reader).await).await;
    let last: Vec<i64> =
        detail["last_reveals"].as_array().unwrap().iter().map(|r| r["user_id"].as_i64().unwrap()).collect();
    assert_eq!(last, [staff_id, reader_id, reader_id], "newest first");
    let reveals = ok(app.get(&format!("/api/v1/companies/{}/vault/reveals", v.contoso), &v.paula).await).await;
    let listed = items(&reveals);
    assert_eq!(listed.len(), 3);
    for r in &listed {
        assert_eq!(r["entry_id"], id);
        assert_eq!(r["entry_title"], "Firewall admin");
        assert_eq!(r["ip"], "127.0.0.1");
        assert!(r["revealed_at"].is_string());
    }
    assert_eq!(listed[2]["user_name"], "Pat Plus");
    problem(app.get(&format!("/api/v1/companies/{}/vault/reveals", v.fabrikam), &v.paula).await, 404).await;
    let audit = ok(app.get("/api/v1/audit-events?action=vault_secret_revealed", &v.admin).await).await;
    let events = items(&audit);
    assert_eq!(events.len(), 3);
    for e in &events {
        assert_eq!(e["target"], format!("vault_entry:{id}"));
        assert_eq!(e["ip"], "127.0.0.1");
    }
    assert!(!audit.to_string().contains(SECRET) && !reveals.to_string().contains(SECRET));
});

on_both!(reveals_are_limited_per_user, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let id = create(&app, &v.staff, v.contoso, "Switch", "switch-password").await;
    v.grant(&app, PAT_PLUS, &["portal_user_plus", "vault_reader"]).await;
    let reader = app.token(PAT_PLUS).await;
    step_up(&app, &reader, PAT_PLUS).await;
    // 30 free reveals an hour, and the one past them, which blocks the next.
    let free = clientdesk_domain::throttle::ThrottlePolicy::VAULT_REVEALS.free_failures;
    for _ in 0..=free {
        ok(reveal(&app, &reader, id).await).await;
    }
    let res = reveal(&app, &reader, id).await;
    assert!(res.headers().get("retry-after").is_some());
    problem(res, 429).await;
    // Counted per user: staff still reveal.
    step_up(&app, &v.staff, STAFF).await;
    ok(reveal(&app, &v.staff, id).await).await;
    let reveals =
        ok(app.get(&format!("/api/v1/companies/{}/vault/reveals?limit=200", v.contoso), &v.paula).await).await;
    assert_eq!(items(&reveals).len() as i32, free + 2, "a refused reveal is not recorded");
});
