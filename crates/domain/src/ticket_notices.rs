//! Who hears of what happens on a ticket, and how a burst of events on one ticket folds into one
//! message per recipient.
//!
//! Staff hear of what customers do in the portal; the requester hears of what others do on its
//! ticket. A recipient may switch off each kind of message for itself (`NoticeKind`), and a
//! company's portal settings switch kinds off for all of its people.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::UserId;
use crate::notifications::Rendered;
use crate::settings::PortalSettings;
use crate::tickets::Status;

/// A kind of message about a ticket, as its recipient can switch it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// To staff: a customer opened a ticket in the portal.
    PortalTicket,
    /// To staff: a customer added a note.
    CustomerNote,
    /// To staff: a customer added an attachment.
    CustomerAttachment,
    /// To staff: a customer reopened a closed ticket.
    CustomerReopen,
    /// To staff: a validation or a change request was decided.
    Decision,
    /// To the requester: the confirmation of a ticket it opened.
    TicketConfirmation,
    /// To the requester: someone else added a public note.
    PublicNote,
    /// To the requester: its ticket was resolved or closed.
    TicketResolved,
}

/// Who a kind of message is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Staff,
    Customer,
}

impl NoticeKind {
    pub const ALL: [Self; 8] = [
        Self::PortalTicket,
        Self::CustomerNote,
        Self::CustomerAttachment,
        Self::CustomerReopen,
        Self::Decision,
        Self::TicketConfirmation,
        Self::PublicNote,
        Self::TicketResolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PortalTicket => "portal_ticket",
            Self::CustomerNote => "customer_note",
            Self::CustomerAttachment => "customer_attachment",
            Self::CustomerReopen => "customer_reopen",
            Self::Decision => "decision",
            Self::TicketConfirmation => "ticket_confirmation",
            Self::PublicNote => "public_note",
            Self::TicketResolved => "ticket_resolved",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == input)
    }

    pub fn audience(self) -> Audience {
        match self {
            Self::PortalTicket
            | Self::CustomerNote
            | Self::CustomerAttachment
            | Self::CustomerReopen
            | Self::Decision => Audience::Staff,
            Self::TicketConfirmation | Self::PublicNote | Self::TicketResolved => Audience::Customer,
        }
    }

    /// The kinds a user of `audience` may switch off for itself.
    pub fn of(audience: Audience) -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(move |k| k.audience() == audience)
    }

    /// Whether the company's portal settings let this kind through. Customers hear nothing where
    /// the company's notifications are off; staff hear of portal notes and attachments only where
    /// the company lets technicians be notified of them.
    pub fn allowed_by(self, settings: &PortalSettings) -> bool {
        match self {
            Self::CustomerNote | Self::CustomerAttachment => settings.notify_technicians_of_portal_notes,
            Self::PortalTicket | Self::CustomerReopen | Self::Decision => true,
            Self::TicketConfirmation => settings.notifications_enabled && settings.notify_requesters_of_new_tickets,
            Self::PublicNote => settings.notifications_enabled && settings.notify_requesters_of_public_notes,
            Self::TicketResolved => settings.notifications_enabled && settings.notify_requesters_of_resolution,
        }
    }
}

/// What happened on a ticket, as far as messages go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketEvent {
    Opened,
    Note { internal: bool },
    Attachment,
    StatusChanged { from: Status, to: Status },
}

/// Who did it: staff, or a customer who is (or is not) the ticket's requester.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff,
    Customer { requester: bool },
}

/// The kinds of message an event causes. An internal note causes none (customers never learn
/// of it, and staff wrote it); the requester never hears of what it did itself.
pub fn kinds(event: TicketEvent, actor: Actor) -> Vec<NoticeKind> {
    let by_requester = matches!(actor, Actor::Customer { requester: true });
    let by_customer = matches!(actor, Actor::Customer { .. });
    let mut kinds = Vec::new();
    match event {
        TicketEvent::Opened if by_customer => {
            kinds.push(NoticeKind::PortalTicket);
            if by_requester {
                kinds.push(NoticeKind::TicketConfirmation);
            }
        }
        TicketEvent::Opened => {}
        TicketEvent::Note { internal: true } => {}
        TicketEvent::Note { internal: false } => {
            if by_customer {
                kinds.push(NoticeKind::CustomerNote);
            }
            if !by_requester {
                kinds.push(NoticeKind::PublicNote);
            }
        }
        TicketEvent::Attachment if by_customer => kinds.push(NoticeKind::CustomerAttachment),
        TicketEvent::Attachment => {}
        TicketEvent::StatusChanged { from, to } => {
            if to.is_closed() && !from.is_closed() && !by_requester {
                kinds.push(NoticeKind::TicketResolved);
            }
            if from.is_closed() && !to.is_closed() && by_customer {
                kinds.push(NoticeKind::CustomerReopen);
            }
        }
    }
    kinds
}

/// A person who might receive a message, with what decides whether it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: UserId,
    pub disabled: bool,
    /// Switched this kind of message off for itself.
    pub opted_out: bool,
}

impl Candidate {
    fn reachable(&self, actor: UserId) -> bool {
        !self.disabled && !self.opted_out && self.id != actor
    }
}

/// The staff to tell: the ticket's assignee when it has an active one (and no one else, even
/// when it switched the kind off), otherwise every active member of the provider's staff, since
/// queues have no members and every staff member acts on every company. Never the actor.
pub fn staff_recipients(assignee: Option<&Candidate>, staff: &[Candidate], actor: UserId) -> Vec<UserId> {
    match assignee {
        Some(a) if !a.disabled => a.reachable(actor).then_some(a.id).into_iter().collect(),
        _ => staff.iter().filter(|s| s.reachable(actor)).map(|s| s.id).collect(),
    }
}

/// Whether the requester receives a message of `kind`: the company lets it through, and the
/// requester is active, did not switch it off and did not cause it (but for the confirmation of
/// the ticket it opened, which is the one message about its own doing).
pub fn requester_receives(kind: NoticeKind, requester: &Candidate, actor: UserId, settings: &PortalSettings) -> bool {
    let causer = if kind == NoticeKind::TicketConfirmation { None } else { Some(actor) };
    kind.audience() == Audience::Customer
        && kind.allowed_by(settings)
        && !requester.disabled
        && !requester.opted_out
        && causer != Some(requester.id)
}

/// How long a ticket's message waits for more events before it is sent (the default; a
/// deployment may choose another).
pub const FOLD_WINDOW_SECONDS: i64 = 60;

/// At most this many events are folded into one message; the next one starts a new message.
pub const MAX_FOLDED: usize = 20;

/// The identity of the message that folds a ticket's events for one recipient.
pub fn fold_key(ticket_id: i64, recipient: &str) -> String {
    format!("ticket:{ticket_id}:{}", recipient.to_lowercase())
}

/// The events one queued message tells, each as written alone, with the ticket they are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub number: i64,
    pub title: String,
    pub parts: Vec<Rendered>,
}

/// A message of the same fold key still waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    /// Attempts started: a message a worker has taken is no longer joined.
    pub attempts: i32,
    pub bundle: Bundle,
}

/// What to do with a new event's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folding {
    /// Queue a new message, not sent before `not_before`, so that events following within the
    /// window join it.
    Queue { not_before: DateTime<Utc>, bundle: Bundle },
    /// Add the event to the waiting message `id`, which keeps its time.
    Join { id: i64, bundle: Bundle },
}

/// Folds the message of a new event (`next`, about ticket `number` titled `title`) into the one
/// still waiting for the same recipient and ticket, if any was not yet taken for delivery and has
/// room; otherwise queues it `window` ahead of `now`.
pub fn fold(
    waiting: Option<Waiting>,
    number: i64,
    title: &str,
    next: Rendered,
    now: DateTime<Utc>,
    window: Duration,
) -> Folding {
    match waiting {
        Some(Waiting { id, attempts: 0, mut bundle }) if bundle.parts.len() < MAX_FOLDED => {
            title.clone_into(&mut bundle.title);
            bundle.parts.push(next);
            Folding::Join { id, bundle }
        }
        _ => Folding::Queue {
            not_before: now + window,
            bundle: Bundle { number, title: title.to_owned(), parts: vec![next] },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64) -> Candidate {
        Candidate { id: UserId(id), disabled: false, opted_out: false }
    }

    #[test]
    fn events_cause_kinds_by_who_acted() {
        use NoticeKind::*;
        let customer = Actor::Customer { requester: false };
        let requester = Actor::Customer { requester: true };
        let table: [(TicketEvent, Actor, &[NoticeKind]); 16] = [
            (TicketEvent::Opened, requester, &[PortalTicket, TicketConfirmation]),
            (TicketEvent::Opened, customer, &[PortalTicket]),
            (TicketEvent::Opened, Actor::Staff, &[]),
            (TicketEvent::Note { internal: true }, Actor::Staff, &[]),
            (TicketEvent::Note { internal: true }, customer, &[]),
            (TicketEvent::Note { internal: false }, Actor::Staff, &[PublicNote]),
            (TicketEvent::Note { internal: false }, requester, &[CustomerNote]),
            (TicketEvent::Note { internal: false }, customer, &[CustomerNote, PublicNote]),
            (TicketEvent::Attachment, requester, &[CustomerAttachment]),
            (TicketEvent::Attachment, Actor::Staff, &[]),
            (TicketEvent::StatusChanged { from: Status::Open, to: Status::Resolved }, Actor::Staff, &[TicketResolved]),
            (TicketEvent::StatusChanged { from: Status::Resolved, to: Status::Closed }, Actor::Staff, &[]),
            (TicketEvent::StatusChanged { from: Status::Open, to: Status::Closed }, requester, &[]),
            (TicketEvent::StatusChanged { from: Status::Closed, to: Status::Open }, requester, &[CustomerReopen]),
            (TicketEvent::StatusChanged { from: Status::Closed, to: Status::Open }, Actor::Staff, &[]),
            (TicketEvent::StatusChanged { from: Status::New, to: Status::InProgress }, Actor::Staff, &[]),
        ];
        for (event, actor, expected) in table {
            assert_eq!(kinds(event, actor), expected, "{event:?} by {actor:?}");
        }
    }

    #[test]
    fn the_assignee_alone_is_told_else_the_staff() {
        let (tech, other, admin) = (person(1), person(2), person(3));
        let staff = [tech, other, admin];
        assert_eq!(staff_recipients(Some(&tech), &staff, UserId(9)), [UserId(1)]);
        assert_eq!(staff_recipients(None, &staff, UserId(9)), [UserId(1), UserId(2), UserId(3)]);
        assert_eq!(staff_recipients(None, &staff, UserId(2)), [UserId(1), UserId(3)], "never the actor");
        let opted_out = Candidate { opted_out: true, ..tech };
        assert!(staff_recipients(Some(&opted_out), &staff, UserId(9)).is_empty(), "no fallback for an opt-out");
        let gone = Candidate { disabled: true, ..tech };
        let rest = [gone, other, admin];
        assert_eq!(staff_recipients(Some(&gone), &rest, UserId(9)), [UserId(2), UserId(3)]);
        assert!(staff_recipients(Some(&tech), &staff, UserId(1)).is_empty(), "the assignee acted itself");
    }

    #[test]
    fn the_requester_is_told_as_its_company_and_itself_allow() {
        let pat = person(5);
        let on = PortalSettings::default();
        for kind in NoticeKind::of(Audience::Customer) {
            assert!(requester_receives(kind, &pat, UserId(1), &on), "{kind:?}");
            let own = kind == NoticeKind::TicketConfirmation;
            assert_eq!(requester_receives(kind, &pat, UserId(5), &on), own, "its own doing: {kind:?}");
            let out = Candidate { opted_out: true, ..pat };
            assert!(!requester_receives(kind, &out, UserId(1), &on), "opted out: {kind:?}");
            let disabled = Candidate { disabled: true, ..pat };
            assert!(!requester_receives(kind, &disabled, UserId(1), &on));
            let silent = PortalSettings { notifications_enabled: false, ..on.clone() };
            assert!(!requester_receives(kind, &pat, UserId(1), &silent), "company notifications off: {kind:?}");
        }
        let no_notes = PortalSettings { notify_requesters_of_public_notes: false, ..on.clone() };
        assert!(!requester_receives(NoticeKind::PublicNote, &pat, UserId(1), &no_notes));
        assert!(requester_receives(NoticeKind::TicketResolved, &pat, UserId(1), &no_notes));
        let no_confirmation = PortalSettings { notify_requesters_of_new_tickets: false, ..on.clone() };
        assert!(!requester_receives(NoticeKind::TicketConfirmation, &pat, UserId(1), &no_confirmation));
        let no_resolution = PortalSettings { notify_requesters_of_resolution: false, ..on.clone() };
        assert!(!requester_receives(NoticeKind::TicketResolved, &pat, UserId(1), &no_resolution));
        assert!(!requester_receives(NoticeKind::CustomerNote, &pat, UserId(1), &on), "a staff kind");
    }

    #[test]
    fn the_company_switch_silences_portal_notes_to_staff_only() {
        let off = PortalSettings { notify_technicians_of_portal_notes: false, ..PortalSettings::default() };
        assert!(!NoticeKind::CustomerNote.allowed_by(&off));
        assert!(!NoticeKind::CustomerAttachment.allowed_by(&off));
        assert!(NoticeKind::PortalTicket.allowed_by(&off));
        assert!(NoticeKind::CustomerReopen.allowed_by(&off));
        let silent = PortalSettings { notifications_enabled: false, ..PortalSettings::default() };
        assert!(NoticeKind::CustomerNote.allowed_by(&silent), "customer notifications do not silence staff");
    }

    #[test]
    fn kinds_round_trip_and_split_by_audience() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NoticeKind::of(Audience::Staff).count() + NoticeKind::of(Audience::Customer).count(), 8);
        assert_eq!(NoticeKind::parse("fax"), None);
    }

    fn part(text: &str) -> Rendered {
        Rendered { subject: format!("s {text}"), body: format!("b {text}") }
    }

    #[test]
    fn a_burst_folds_into_the_waiting_message() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let window = Duration::seconds(FOLD_WINDOW_SECONDS);
        let first = fold(None, 7, "Printer", part("1"), now, window);
        let Folding::Queue { not_before, bundle } = first else { panic!("the first event queues") };
        assert_eq!(not_before, now + Duration::seconds(60));
        assert_eq!(bundle.parts, [part("1")]);

        let waiting = Waiting { id: 3, attempts: 0, bundle };
        let second = fold(Some(waiting), 7, "Printer jams", part("2"), now + Duration::seconds(20), window);
        let Folding::Join { id, bundle } = second else { panic!("a later event joins") };
        assert_eq!(id, 3);
        assert_eq!(bundle.parts, [part("1"), part("2")]);
        assert_eq!(bundle.title, "Printer jams", "the ticket's latest title");

        let taken = Waiting { id: 3, attempts: 1, bundle: bundle.clone() };
        assert!(matches!(fold(Some(taken), 7, "P", part("3"), now, window), Folding::Queue { .. }), "taken");
        let full = Bundle { parts: vec![part("x"); MAX_FOLDED], ..bundle };
        let full = Waiting { id: 3, attempts: 0, bundle: full };
        assert!(matches!(fold(Some(full), 7, "P", part("3"), now, window), Folding::Queue { .. }), "full");
    }

    #[test]
    fn the_fold_key_names_ticket_and_recipient() {
        assert_eq!(fold_key(12, "Tech@Demo.example"), "ticket:12:tech@demo.example");
        assert_ne!(fold_key(12, "a@x"), fold_key(13, "a@x"));
    }
}
