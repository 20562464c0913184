//! Secrets at rest: sealed under the tenant's data key with the entry as associated data (a
//! ciphertext moved to another row does not open), master-key and data-key rotations that keep
//! every entry readable, and a server without a configured master key that refuses the vault
//! and serves the rest.

use clientdesk_domain::ids::TenantId;
use clientdesk_persistence::schema::{tenants, vault_entries};
use diesel::prelude::*;
use serde_json::json;

use super::*;
use crate::harness::{problem, Backend, TestApp};
use crate::on_both;

/// The stored (sealed) secret and key version of every entry, by id.
async fn stored(app: &TestApp) -> Vec<(i64, Option<String>, Option<String>, i32)> {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        vault_entries::table
            .order(vault_entries::id)
            .select((vault_entries::id, vault_entries::secret, vault_entries::totp_seed, vault_entries::key_version))
            .load(&mut *db.conn().unwrap())
            .unwrap()
    })
    .await
    .unwrap()
}

async fn demo_tenant(app: &TestApp) -> TenantId {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        TenantId(
            tenants::table
                .filter(tenants::slug.eq("demo"))
                .select(tenants::id)
                .first(&mut *db.conn().unwrap())
                .unwrap(),
        )
    })
    .await
    .unwrap()
}

on_both!(a_ciphertext_moved_to_another_row_does_not_open, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let first = create(&app, &v.staff, v.contoso, "First", "first-secret-value").await;
    let second = create(&app, &v.staff, v.contoso, "Second", "second-secret-value").await;
    let rows = stored(&app).await;
    for (_, secret, _, _) in &rows {
        let secret = secret.as_deref().unwrap();
        assert!(secret.starts_with("vault:v2:1:") && !secret.contains("secret-value"), "sealed: {secret}");
    }
    step_up(&app, &v.staff, STAFF).await;
    assert_eq!(ok(reveal(&app, &v.staff, second).await).await["secret"], "second-secret-value");
    // The first entry's sealed secret, copied into the second's row, does not open there.
    let moved = rows[0].1.clone();
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        diesel::update(vault_entries::table.find(second))
            .set(vault_entries::secret.eq(moved))
            .execute(&mut *db.conn().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
    let refused = problem(reveal(&app, &v.staff, second).await, 500).await;
    assert!(!refused.to_string().contains("secret-value"));
    assert_eq!(ok(reveal(&app, &v.staff, first).await).await["secret"], "first-secret-value");
});

on_both!(key_rotations_keep_every_entry_readable, |app: TestApp| async move {
    let v = Vault::new(&app).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let body = json!({"title": format!("Entry {n}"), "secret": format!("secret number {n}"), "totp_seed": "JBSWY3DPEHPK3PXP"});
        ids.push(status(app.post(&entries(v.contoso), Some(&v.staff), body).await, 201).await["id"].as_i64().unwrap());
    }
    ids.push(create(&app, &v.staff, v.fabrikam, "Fabrikam", "secret number 5").await);
    let tenant = demo_tenant(&app).await;
    let before = stored(&app).await;

    // Data key: a new version, every entry re-encrypted under it two at a time, the old dropped.
    let db = app.state.db.clone();
    let rotation = tokio::task::spawn_blocking(move || clientdesk_app::vault_entries::rotate_data_key(&db, tenant, 2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rotation.version, rotation.reencrypted, rotation.dropped_keys), (2, 6, 1));
    let after = stored(&app).await;
    for ((_, old, _, _), (_, new, _, version)) in before.iter().zip(&after) {
        assert_eq!(*version, 2);
        assert_ne!(old, new, "sealed again");
    }
    step_up(&app, &v.staff, STAFF).await;
    for (n, id) in ids.iter().enumerate() {
        let revealed = ok(reveal(&app, &v.staff, *id).await).await;
        assert_eq!(revealed["secret"], format!("secret number {n}"));
    }
    // New entries are sealed under the new version.
    let newer = create(&app, &v.staff, v.contoso, "Newer", "newer secret").await;
    assert!(stored(&app)
        .await
        .iter()
        .any(|(id, s, _, k)| *id == newer && *k == 2 && s.as_deref().unwrap().starts_with("vault:v2:2:")));

    // Master key: every data key rewrapped, no entry touched. Under the new key the process's
    // (old) one no longer opens them; rotating back makes everything readable again.
    let old = app.config().master_key;
    let new = [42u8; 32];
    let sealed = stored(&app).await;
    let db = app.state.db.clone();
    let rewrapped =
        tokio::task::spawn_blocking(move || clientdesk_app::vault_entries::rotate_master_key(&db, old, new))
            .await
            .unwrap()
            .unwrap();
    assert!(rewrapped.data_keys >= 2, "{rewrapped:?}");
    assert!(rewrapped.carried_keys >= 1, "the demo users' TOTP secrets: {rewrapped:?}");
    assert_eq!(stored(&app).await, sealed, "entries untouched");
    problem(reveal(&app, &v.staff, ids[0]).await, 500).await;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || clientdesk_app::vault_entries::rotate_master_key(&db, new, old))
        .await
        .unwrap()
        .unwrap();
    // A wrong old key changes nothing.
    let db = app.state.db.clone();
    let wrong =
        tokio::task::spawn_blocking(move || clientdesk_app::vault_entries::rotate_master_key(&db, [1; 32], new))
            .await
            .unwrap();
    assert!(wrong.is_err());
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(ok(reveal(&app, &v.staff, *id).await).await["secret"], format!("secret number {n}"));
    }
    // TOTP secrets (sealed with the key they carry) still open: a new sign-in works.
    app.token(PAULA).await;
});

on_both!(a_server_without_a_master_key_refuses_the_vault_only, backend => |backend: Backend| async move {
    let app = TestApp::spawn_with(backend, |config| config.http.vault_enabled = false).await;
    let staff = app.token(STAFF).await;
    let (contoso, _, _) = crate::tickets::companies(&app, &staff).await;
    for res in [
        app.get(&entries(contoso), &staff).await,
        app.post(&entries(contoso), Some(&staff), json!({"title": "t", "secret": "s"})).await,
        app.get(&entry(1), &staff).await,
        reveal(&app, &staff, 1).await,
        app.get(&format!("/api/v1/companies/{contoso}/vault/reveals"), &staff).await,
    ] {
        let answer = problem(res, 503).await;
        assert!(answer["detail"].as_str().unwrap().contains("CLIENTDESK_MASTER_KEY"), "{answer}");
        assert_eq!(answer["type"], "https://clientdesk.dev/problems/vault-unavailable");
    }
    ok(app.get("/api/v1/me", &staff).await).await;
    ok(app.get(&crate::tickets::company_tickets(contoso), &staff).await).await;
    ok(app.get("/api/v1/companies", &staff).await).await;
});
