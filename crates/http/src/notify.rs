//! Writes the e-mails a change causes into the outbox, inside the change's transaction: each
//! recipient gets the message in its own language, and customers only where their company has
//! notifications on. The worker delivers them.

use chrono::{DateTime, Utc};
use clientdesk_domain::approvals::{ChangeRequest, Decision, Validation};
use clientdesk_domain::entities::{Company, Tenant};
use clientdesk_domain::ids::{TenantId, UserId};
use clientdesk_domain::notifications::Notice;
use clientdesk_domain::outbox::{redact, Channel};
use clientdesk_domain::settings;
use clientdesk_domain::tickets::Ticket;
use clientdesk_domain::user::Language;
use clientdesk_persistence::approvals::{self, Member};
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::{companies, users, DbConnection};

use crate::auth::seal::Sealer;
use crate::auth::secrets::{fingerprint, random_token};
use crate::errors::ApiResult;
use crate::state::LinkSettings;

/// Queues an e-mail with `notice` written in `language`.
pub(crate) fn email(
    conn: &mut DbConnection,
    tenant: TenantId,
    to: &str,
    language: Language,
    notice: &Notice<'_>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let rendered = notice.render(language);
    enqueue(conn, tenant, Channel::Email, to, rendered.subject, rendered.body, language, now)
}

/// Queues an e-mail whose text carries `secrets` (a link token, a code): the body waits sealed
/// and is wiped once delivered; staff see it with the secrets replaced.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sealed_email(
    conn: &mut DbConnection,
    sealer: &Sealer,
    tenant: TenantId,
    to: &str,
    language: Language,
    notice: &Notice<'_>,
    secrets: &[&str],
    now: DateTime<Utc>,
) -> ApiResult<()> {
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
pub(crate) fn sealed_sms(
    conn: &mut DbConnection,
    sealer: &Sealer,
    tenant: TenantId,
    to: &str,
    text: &str,
    secrets: &[&str],
    language: Language,
    now: DateTime<Utc>,
) -> ApiResult<()> {
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
) -> ApiResult<()> {
    outbox::enqueue(conn, &new_message(tenant, channel, to, subject, body, language), now)?;
    Ok(())
}

fn notifications_on(tenant: &Tenant, company: &Company) -> bool {
    settings::for_company(tenant, company).notifications_enabled
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
) -> ApiResult<()> {
    let company = companies::get(conn, tenant.id, ticket.company_id)?;
    if !notifications_on(tenant, &company) {
        return Ok(());
    }
    let expires = validation.deadline.map_or(now + links.decision_link_ttl, |d| d.min(now + links.decision_link_ttl));
    let ticket_url = links.ticket(ticket.id);
    for approver in approvers {
        let mut url = |decision: Decision| -> ApiResult<(String, String)> {
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

/// Tells the ticket's assignee how its validation was settled.
#[allow(clippy::too_many_arguments)]
pub fn validation_settled(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    ticket: &Ticket,
    validation: &Validation,
    accepted: bool,
    decider: &str,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(assignee) = ticket.assignee_id else { return Ok(()) };
    let assignee = users::get(conn, tenant.id, assignee)?;
    if assignee.disabled {
        return Ok(());
    }
    let ticket_url = links.ticket(ticket.id);
    let notice = Notice::ValidationDecided {
        number: ticket.number,
        title: &ticket.title,
        question: &validation.question,
        accepted,
        decider,
        comment,
        ticket_url: &ticket_url,
    };
    email(conn, tenant.id, &assignee.email, assignee.language, &notice, now)
}

/// Tells the requester of a ticket that someone else added a public note.
pub fn note_added(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    ticket: &Ticket,
    author: UserId,
    note: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if ticket.requester_id == author {
        return Ok(());
    }
    let company = companies::get(conn, tenant.id, ticket.company_id)?;
    let requester = users::get(conn, tenant.id, ticket.requester_id)?;
    if requester.disabled || !notifications_on(tenant, &company) {
        return Ok(());
    }
    let author = users::get(conn, tenant.id, author)?;
    // Customers see technicians as the company's settings say; the e-mail follows the same rule.
    let shown = settings::for_company(tenant, &company);
    let author_name = if author.staff_role.is_some() && !shown.technician_names_shown {
        crate::routes::tickets::view::NEUTRAL_STAFF_NAME.to_owned()
    } else {
        author.name
    };
    let ticket_url = links.ticket(ticket.id);
    let notice = Notice::NoteAdded {
        recipient: &requester.name,
        number: ticket.number,
        title: &ticket.title,
        author: &author_name,
        note,
        ticket_url: &ticket_url,
    };
    email(conn, tenant.id, &requester.email, requester.language, &notice, now)
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
) -> ApiResult<()> {
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
