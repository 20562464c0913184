//! Writes the e-mails a change causes into the outbox, inside the change's transaction: each
//! recipient gets the message in its own language, and customers only where their company has
//! notifications on. The worker delivers them.

use chrono::{DateTime, Utc};
use clientdesk_domain::accounts::LinkPurpose;
use clientdesk_domain::approvals::{ChangeRequest, Decision, Validation};
use clientdesk_domain::entities::{Company, Tenant};
use clientdesk_domain::ids::TenantId;
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::outbox::{redact, Channel};
use clientdesk_domain::tickets::Ticket;
use clientdesk_domain::user::Language;
use clientdesk_persistence::approvals::{self, Member};
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::{companies, users, DbConnection, Result};

use crate::crypto::seal::Sealer;
use crate::crypto::secrets::{fingerprint, random_token};

/// The addresses e-mails link to: the front end for tickets and change requests (templates with
/// `{ticket_id}` / `{change_request_id}`), this API for the decision links of validations.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    /// This API as mail readers reach it, e.g. `https://portal-api.example.com`.
    pub public_api_url: String,
    pub ticket_url: String,
    pub change_request_url: String,
    /// How long a mailed decision link works (at most until the validation's deadline).
    pub decision_link_ttl: chrono::Duration,
    /// The front end's page that a browser opening an agent link is sent to, with a one-time
    /// code in the fragment (`#code=...`) to exchange for the sign-in answer.
    pub agent_login_url: String,
    /// The front end's account pages: `{account_url}/set-password#token=...` and so on. The
    /// token travels in the fragment, which browsers never send to a server or a referrer.
    pub account_url: String,
    /// How long a message about a ticket waits for more events to fold in (see
    /// `crate::ticket_notices`).
    pub fold_window: chrono::Duration,
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            public_api_url: "http://127.0.0.1:8080".into(),
            ticket_url: "http://localhost:3000/tickets/{ticket_id}".into(),
            change_request_url: "http://localhost:3000/change-requests/{change_request_id}".into(),
            decision_link_ttl: chrono::Duration::days(7),
            agent_login_url: "http://localhost:3000/agent-login".into(),
            account_url: "http://localhost:3000/account".into(),
            fold_window: chrono::Duration::seconds(clientdesk_domain::ticket_notices::FOLD_WINDOW_SECONDS),
        }
    }
}

impl LinkSettings {
    pub fn ticket(&self, id: i64) -> String {
        self.ticket_url.replace("{ticket_id}", &id.to_string())
    }

    pub fn change_request(&self, id: i64) -> String {
        self.change_request_url.replace("{change_request_id}", &id.to_string())
    }

    /// The page that sets a password with a mailed token (an invitation or a reset).
    pub fn password(&self, purpose: LinkPurpose, token: &str) -> String {
        let page = match purpose {
            LinkPurpose::Invitation => "set-password",
            LinkPurpose::Reset => "reset-password",
        };
        format!("{}/{page}#token={token}", self.account_url.trim_end_matches('/'))
    }

    pub fn confirm_email(&self, token: &str) -> String {
        format!("{}/confirm-email#token={token}", self.account_url.trim_end_matches('/'))
    }

    pub fn role_requests(&self) -> String {
        format!("{}/role-requests", self.account_url.trim_end_matches('/'))
    }

    pub fn decision(&self, token: &str) -> String {
        format!("{}/api/v1/decision-links/{token}", self.public_api_url.trim_end_matches('/'))
    }
}

/// Queues an e-mail with `notice` written in `language`.
pub fn email(
    conn: &mut DbConnection,
    tenant: TenantId,
    to: &str,
    language: Language,
    notice: &Notice<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let rendered = notice.render(language);
    enqueue(conn, tenant, Channel::Email, to, rendered.subject, rendered.body, language, now)
}

/// Queues an SMS; `text` may be sealed (see `crate::crypto::seal`).
pub fn sms(
    conn: &mut DbConnection,
    tenant: TenantId,
    to: &str,
    text: String,
    language: Language,
    now: DateTime<Utc>,
) -> Result<()> {
    enqueue(conn, tenant, Channel::Sms, to, String::new(), text, language, now)
}

/// Queues an e-mail whose text carries `secrets` (a link token, a code): the body waits sealed
/// and is wiped once delivered; staff see it with the secrets replaced.
#[allow(clippy::too_many_arguments)]
pub fn sealed_email(
    conn: &mut DbConnection,
    sealer: &Sealer,
    tenant: TenantId,
    to: &str,
    language: Language,
    notice: &Notice<'_>,
    secrets: &[&str],
    now: DateTime<Utc>,
) -> Result<()> {
    let rendered = notice.render(language);
    let shown = redact(&rendered.body, secrets);
    let message = new_message(
        tenant,
        Channel::Email,
        to,
        redact(&rendered.subject, secrets),
        sealer.seal(&rendered.body),
        language,
    );
    outbox::enqueue_sealed(conn, &message, &shown, now)?;
    Ok(())
}

/// Queues an SMS whose `text` carries `secrets`, sealed as `sealed_email` does.
#[allow(clippy::too_many_arguments)]
pub fn sealed_sms(
    conn: &mut DbConnection,
    sealer: &Sealer,
    tenant: TenantId,
    to: &str,
    text: &str,
    secrets: &[&str],
    language: Language,
    now: DateTime<Utc>,
) -> Result<()> {
    let message = new_message(tenant, Channel::Sms, to, String::new(), sealer.seal(text), language);
    outbox::enqueue_sealed(conn, &message, &redact(text, secrets), now)?;
    Ok(())
}

fn new_message(
    tenant: TenantId,
    channel: Channel,
    to: &str,
    subject: String,
    body: String,
    language: Language,
) -> NewMessage {
    NewMessage {
        tenant_id: tenant,
        channel,
        recipient: to.to_owned(),
        subject,
        body,
        language: Some(language.as_str().to_owned()),
    }
}

#[allow(clippy::too_many_arguments)]
fn enqueue(
    conn: &mut DbConnection,
    tenant: TenantId,
    channel: Channel,
    to: &str,
    subject: String,
    body: String,
    language: Language,
    now: DateTime<Utc>,
) -> Result<()> {
    outbox::enqueue(conn, &new_message(tenant, channel, to, subject, body, language), now)?;
    Ok(())
}

fn notifications_on(tenant: &Tenant, company: &Company) -> bool {
    company.settings_in_force(tenant).notifications_enabled
}

/// Asks each approver to decide, with a pair of single-use accept / reject links made for that
/// approver alone. The links act for the approver, so the e-mail waits sealed (see `sealed_email`).
#[allow(clippy::too_many_arguments)]
pub fn validation_requested(
    conn: &mut DbConnection,
    sealer: &Sealer,
    tenant: &Tenant,
    links: &LinkSettings,
    ticket: &Ticket,
    validation: &Validation,
    approvers: &[Member],
    now: DateTime<Utc>,
) -> Result<()> {
    let company = companies::get(conn, tenant.id, ticket.company_id)?;
    if !notifications_on(tenant, &company) {
        return Ok(());
    }
    let expires = validation.deadline.map_or(now + links.decision_link_ttl, |d| d.min(now + links.decision_link_ttl));
    let ticket_url = links.ticket(ticket.id);
    for approver in approvers {
        let mut url = |decision: Decision| -> Result<(String, String)> {
            // 256 random bits; only the fingerprint is stored.
            let token = random_token(32);
            approvals::create_link(
                conn,
                tenant.id,
                &fingerprint(&token),
                validation.id,
                approver.id,
                decision,
                expires,
            )?;
            Ok((links.decision(&token), token))
        };
        let ((accept_url, accept), (reject_url, reject)) = (url(Decision::Accept)?, url(Decision::Reject)?);
        let notice = Notice::ValidationRequested {
            recipient: &approver.name,
            number: ticket.number,
            title: &ticket.title,
            question: &validation.question,
            deadline: validation.deadline,
            accept_url: &accept_url,
            reject_url: &reject_url,
            links_expire: expires,
            ticket_url: &ticket_url,
        };
        let secrets = [accept.as_str(), reject.as_str()];
        sealed_email(conn, sealer, tenant.id, &approver.email, approver.language, &notice, &secrets, now)?;
    }
    Ok(())
}

/// Asks the company's change managers to decide on a change request.
pub fn change_requested(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    company: &Company,
    change: &ChangeRequest,
    managers: &[Member],
    now: DateTime<Utc>,
) -> Result<()> {
    if !notifications_on(tenant, company) {
        return Ok(());
    }
    let url = links.change_request(change.id);
    for manager in managers {
        let notice = Notice::ChangeRequested {
            recipient: &manager.name,
            company: &company.name,
            title: &change.title,
            description: &change.description,
            reason: &change.reason,
            risk: change.risk,
            window: change.planned_start.zip(change.planned_end),
            cost: change.estimated_cost_cents.zip(change.currency.as_deref()),
            url: &url,
        };
        email(conn, tenant.id, &manager.email, manager.language, &notice, now)?;
    }
    Ok(())
}

/// Tells the staff member who asked for a change request how it was decided, unless it
/// switched decisions off or is disabled.
#[allow(clippy::too_many_arguments)]
pub fn change_decided(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    company: &Company,
    change: &ChangeRequest,
    approved: bool,
    decider: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let asker = users::get(conn, tenant.id, change.requested_by)?;
    let kind = clientdesk_domain::ticket_notices::NoticeKind::Decision;
    if asker.disabled || clientdesk_persistence::notices::opted_out(conn, &[asker.id], kind)?.contains(&asker.id) {
        return Ok(());
    }
    let url = links.change_request(change.id);
    let notice = Notice::ChangeDecided {
        recipient: &asker.name,
        company: &company.name,
        title: &change.title,
        approved,
        decider,
        comment: change.decision_comment.as_deref(),
        url: &url,
    };
    email(conn, tenant.id, &asker.email, asker.language, &notice, now)
}
