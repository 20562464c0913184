//! Writes the messages an event on a ticket causes into the outbox, inside the event's
//! transaction: whom to tell follows `clientdesk_domain::ticket_notices`, each recipient gets its
//! own language, and a recipient's messages about one ticket within the fold window become one.

use chrono::{DateTime, Utc};
use clientdesk_domain::entities::{Company, Tenant, User};
use clientdesk_domain::ids::UserId;
use clientdesk_domain::notifications::{Notice, Rendered};
use clientdesk_domain::settings::{PortalSettings, NEUTRAL_STAFF_NAME};
use clientdesk_domain::ticket_notices::{
    self as rules, Actor, Audience, Bundle, Candidate, Folding, NoticeKind, TicketEvent, Waiting,
};
use clientdesk_domain::tickets::{Status, Ticket};
use clientdesk_domain::user::Language;
use clientdesk_persistence::approvals::Member;
use clientdesk_persistence::outbox::{self, NewMessage};
use clientdesk_persistence::{companies, notices, users, DbConnection, Error as StoreError};

use crate::notify::LinkSettings;
use crate::Result;

/// What happened, with what its messages tell.
#[derive(Debug, Clone, Copy)]
pub enum Happened<'a> {
    Opened,
    Note { text: &'a str, internal: bool },
    Attachment { file_name: &'a str },
    StatusChanged { from: Status },
}

/// Queues the messages `happened` on `ticket` (as it is now) causes; `actor` did it.
pub fn ticket_event(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    ticket: &Ticket,
    actor: &User,
    happened: Happened<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let event = match happened {
        Happened::Opened => TicketEvent::Opened,
        Happened::Note { internal, .. } => TicketEvent::Note { internal },
        Happened::Attachment { .. } => TicketEvent::Attachment,
        Happened::StatusChanged { from } => TicketEvent::StatusChanged { from, to: ticket.status },
    };
    let who = match actor.staff_role {
        Some(_) => Actor::Staff,
        None => Actor::Customer { requester: actor.id == ticket.requester_id },
    };
    let kinds = rules::kinds(event, who);
    if kinds.is_empty() {
        return Ok(());
    }
    let company = companies::get(conn, tenant.id, ticket.company_id)?;
    let settings = company.settings_in_force(tenant);
    let out = Outgoing::new(tenant, links, ticket, &company, &settings, now);
    for kind in kinds {
        match kind.audience() {
            Audience::Staff => {
                for member in staff_to_tell(conn, tenant, ticket, kind, &settings, actor.id)? {
                    let notice = out.staff_notice(kind, &member, actor, happened);
                    out.queue(conn, &member.email, member.language, &notice)?;
                }
            }
            Audience::Customer => {
                let requester = users::get(conn, tenant.id, ticket.requester_id)?;
                let opted = notices::opted_out(conn, &[requester.id], kind)?.contains(&requester.id);
                let candidate = Candidate { id: requester.id, disabled: requester.disabled, opted_out: opted };
                if rules::requester_receives(kind, &candidate, actor.id, &settings) {
                    let author = shown_name(&settings, actor);
                    let notice = out.customer_notice(kind, &requester, &author, happened);
                    if let Some(notice) = notice {
                        out.queue(conn, &requester.email, requester.language, &notice)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Tells the staff a validation of `ticket` was settled (see `ticket_event` for whom).
#[allow(clippy::too_many_arguments)]
pub fn validation_settled(
    conn: &mut DbConnection,
    tenant: &Tenant,
    links: &LinkSettings,
    ticket: &Ticket,
    question: &str,
    accepted: bool,
    decider: (UserId, &str),
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let company = companies::get(conn, tenant.id, ticket.company_id)?;
    let settings = company.settings_in_force(tenant);
    let out = Outgoing::new(tenant, links, ticket, &company, &settings, now);
    for member in staff_to_tell(conn, tenant, ticket, NoticeKind::Decision, &settings, decider.0)? {
        let notice = Notice::ValidationDecided {
            number: ticket.number,
            title: &ticket.title,
            question,
            accepted,
            decider: decider.1,
            comment,
            ticket_url: &out.ticket_url,
        };
        out.queue(conn, &member.email, member.language, &notice)?;
    }
    Ok(())
}

/// The staff to tell of `kind` on `ticket`: its assignee, or the provider's staff when it has none.
fn staff_to_tell(
    conn: &mut DbConnection,
    tenant: &Tenant,
    ticket: &Ticket,
    kind: NoticeKind,
    settings: &PortalSettings,
    actor: UserId,
) -> Result<Vec<Member>> {
    if !kind.allowed_by(settings) {
        return Ok(Vec::new());
    }
    let assignee = match ticket.assignee_id {
        Some(id) => Some(users::get(conn, tenant.id, id)?),
        None => None,
    };
    let staff = match &assignee {
        Some(a) if !a.disabled => Vec::new(),
        _ => notices::active_staff(conn, tenant.id)?,
    };
    let ids: Vec<UserId> = staff.iter().map(|m| m.id).chain(assignee.as_ref().map(|a| a.id)).collect();
    let opted = notices::opted_out(conn, &ids, kind)?;
    let candidate = |id: UserId, disabled: bool| Candidate { id, disabled, opted_out: opted.contains(&id) };
    let assigned = assignee.as_ref().map(|a| candidate(a.id, a.disabled));
    let everyone: Vec<Candidate> = staff.iter().map(|m| candidate(m.id, false)).collect();
    let chosen = rules::staff_recipients(assigned.as_ref(), &everyone, actor);
    let mut members: Vec<Member> = staff.into_iter().filter(|m| chosen.contains(&m.id)).collect();
    if let Some(a) = assignee.filter(|a| chosen.contains(&a.id)) {
        members = vec![Member { id: a.id, email: a.email, name: a.name, language: a.language }];
    }
    Ok(members)
}

/// The name customers see of `user`: a technician's as the company's settings say.
fn shown_name(settings: &PortalSettings, user: &User) -> String {
    if settings.shows_name_of(user.staff_role.is_some()) {
        user.name.clone()
    } else {
        NEUTRAL_STAFF_NAME.to_owned()
    }
}

/// What every message about one event shares.
struct Outgoing<'a> {
    tenant: &'a Tenant,
    links: &'a LinkSettings,
    ticket: &'a Ticket,
    company: &'a Company,
    settings: &'a PortalSettings,
    ticket_url: String,
    now: DateTime<Utc>,
}

impl<'a> Outgoing<'a> {
    fn new(
        tenant: &'a Tenant,
        links: &'a LinkSettings,
        ticket: &'a Ticket,
        company: &'a Company,
        settings: &'a PortalSettings,
        now: DateTime<Utc>,
    ) -> Self {
        Self { tenant, links, ticket, company, settings, ticket_url: links.ticket(ticket.id), now }
    }

    fn staff_notice<'n>(
        &'n self,
        kind: NoticeKind,
        to: &'n Member,
        actor: &'n User,
        happened: Happened<'n>,
    ) -> Notice<'n> {
        let t = self.ticket;
        let (recipient, number, title, ticket_url) = (to.name.as_str(), t.number, t.title.as_str(), &*self.ticket_url);
        let author = actor.name.as_str();
        match (kind, happened) {
            (NoticeKind::CustomerNote, Happened::Note { text, .. }) => {
                Notice::CustomerNoteAdded { recipient, number, title, author, note: text, ticket_url }
            }
            (NoticeKind::CustomerAttachment, Happened::Attachment { file_name }) => {
                Notice::CustomerAttachmentAdded { recipient, number, title, author, file_name, ticket_url }
            }
            (NoticeKind::CustomerReopen, _) => {
                Notice::TicketReopened { recipient, number, title, by: author, ticket_url }
            }
            _ => Notice::PortalTicketOpened {
                recipient,
                number,
                title,
                company: &self.company.name,
                requester: author,
                description: &t.description,
                ticket_url,
            },
        }
    }

    fn customer_notice<'n>(
        &'n self,
        kind: NoticeKind,
        to: &'n User,
        author: &'n str,
        happened: Happened<'n>,
    ) -> Option<Notice<'n>> {
        let t = self.ticket;
        let (recipient, number, title, ticket_url) = (to.name.as_str(), t.number, t.title.as_str(), &*self.ticket_url);
        match (kind, happened) {
            (NoticeKind::TicketConfirmation, _) => {
                Some(Notice::TicketConfirmed { recipient, number, title, ticket_url })
            }
            (NoticeKind::PublicNote, Happened::Note { text, internal: false }) => {
                Some(Notice::NoteAdded { recipient, number, title, author, note: text, ticket_url })
            }
            (NoticeKind::TicketResolved, _) => Some(Notice::TicketResolved {
                recipient,
                number,
                title,
                closed: t.status == Status::Closed,
                due: t.due_at.filter(|_| self.settings.due_dates_shown),
                ticket_url,
            }),
            // Nothing else reaches a customer: an internal note has no customer message.
            _ => None,
        }
    }

    /// Queues `notice` for `to`, folded with what waits for `to` about the same ticket.
    fn queue(&self, conn: &mut DbConnection, to: &str, language: Language, notice: &Notice<'_>) -> Result<()> {
        self.queue_rendered(conn, to, language, notice.render(language))
    }

    fn queue_rendered(&self, conn: &mut DbConnection, to: &str, language: Language, next: Rendered) -> Result<()> {
        let key = rules::fold_key(self.ticket.id, to);
        let waiting = match outbox::fold_waiting(conn, self.tenant.id, &key)? {
            Some(w) => serde_json::from_str::<Bundle>(&w.state).ok().map(|bundle| Waiting {
                id: w.id,
                attempts: w.attempts,
                bundle,
            }),
            None => None,
        };
        let (number, title) = (self.ticket.number, self.ticket.title.as_str());
        match rules::fold(waiting, number, title, next.clone(), self.now, self.links.fold_window) {
            Folding::Join { id, bundle } => {
                let folded = render_bundle(&bundle, language);
                if outbox::join_folded(conn, id, &folded.subject, &folded.body, &state(&bundle)?)? {
                    return Ok(());
                }
                // Taken for delivery meanwhile: this event starts a message of its own.
                self.enqueue(
                    conn,
                    &key,
                    to,
                    language,
                    rules::fold(None, number, title, next, self.now, self.links.fold_window),
                )
            }
            queued => self.enqueue(conn, &key, to, language, queued),
        }
    }

    fn enqueue(&self, conn: &mut DbConnection, key: &str, to: &str, language: Language, queued: Folding) -> Result<()> {
        let Folding::Queue { not_before, bundle } = queued else { return Ok(()) };
        let folded = render_bundle(&bundle, language);
        let message = NewMessage {
            tenant_id: self.tenant.id,
            channel: clientdesk_domain::outbox::Channel::Email,
            recipient: to.to_owned(),
            subject: folded.subject,
            body: folded.body,
            language: Some(language.as_str().to_owned()),
        };
        outbox::enqueue_folded(conn, &message, key, &state(&bundle)?, not_before, self.now)?;
        Ok(())
    }
}

fn render_bundle(bundle: &Bundle, language: Language) -> Rendered {
    Notice::TicketUpdates { number: bundle.number, title: &bundle.title, parts: &bundle.parts }.render(language)
}

fn state(bundle: &Bundle) -> Result<String> {
    serde_json::to_string(bundle).map_err(|e| StoreError::Other(format!("outbox fold state: {e}")).into())
}
