//! `clientdesk-dev bench-agent-setup`: what `bench/agent.sh` needs to sign agent links. Enables the
//! demo tenant's RMM integration with a fresh secret and adds a Windows device used by Fred
//! Fabrikam, who has no second factor, so that a signed link opens an agent session. Not for
//! production use.

use anyhow::Context;
use chrono::Utc;
use clientdesk_app::crypto::secrets::{fingerprint, random_token};

use clientdesk_domain::rmm::{AgentIds, Integration, Platform};
use clientdesk_persistence::rmm::{self, DeviceFields};
use clientdesk_persistence::{session, tenants, users, write_tx, Db};
use clientdesk_server::seed::DEMO_TENANT;

const USER: &str = "fred.fabrikam@demo.example";
const COMPANY: &str = "Fabrikam Inc";

/// What a link signer needs: the tenant's slug, the secret and the device's ids.
pub struct AgentBench {
    pub client: String,
    pub secret: String,
    pub ids: AgentIds,
}

pub fn setup(db: &Db) -> anyhow::Result<AgentBench> {
    let mut conn = db.conn()?;
    let tenant = tenants::find_by_slug(&mut conn, DEMO_TENANT).context("load the demo tenant first")?;
    let user = users::find_by_email(&mut conn, tenant.id, USER).context("the demo user Fred Fabrikam")?;
    let company = session::load(&mut conn, user.id)?
        .memberships
        .into_iter()
        .map(|(company, _)| company)
        .find(|c| c.name == COMPANY)
        .context("Fred Fabrikam's company")?;
    let ids = AgentIds {
        agent_guid: "b1f0c4d2-0000-4000-8000-0000000be4c1".into(),
        machine_id: "M-BENCH".into(),
        group_id: "root.bench".into(),
    };
    let now = Utc::now();
    let secret = random_token(32);
    write_tx(&mut conn, |conn| -> anyhow::Result<()> {
        let integration = rmm::integration_of(conn, tenant.id)?.unwrap_or(Integration {
            tenant_id: tenant.id,
            enabled: true,
            secret: String::new(),
            previous_secret: None,
            webhook_url: None,
            allow_unsigned_links: false,
            sync_token_hash: None,
            updated_at: now,
            allow_private_targets: false,
        });
        rmm::save_integration(
            conn,
            &Integration { enabled: true, secret: secret.clone(), updated_at: now, ..integration },
        )?;
        if rmm::device_by_guid(conn, tenant.id, &ids.agent_guid)?.is_none() {
            let fields = DeviceFields {
                company_id: company.id,
                user_id: Some(user.id),
                hostname: "bench-pc.fabrikam.local".into(),
                platform: Platform::Windows,
                ids: ids.clone(),
                contact_name: None,
                contact_email: None,
                contact_phone: None,
                last_seen_at: None,
            };
            rmm::insert_device(conn, tenant.id, &fields, &fingerprint(&random_token(32)), now)?;
        }
        Ok(())
    })?;
    Ok(AgentBench { client: tenant.slug, secret, ids })
}
