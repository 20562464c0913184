//! The e-mails clientdesk sends, in the recipient's language (en, fr, de, es, it).
//!
//! Templates hold `{name}` placeholders filled in one pass, so text written by users (a title
//! that contains `{question}`, say) is never expanded again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::approvals::Risk;
use crate::user::Language;

/// A message about to be written for one recipient.
#[derive(Debug, Clone)]
pub enum Notice<'a> {
    /// To the provider admin who created a webhook subscription: it was disabled after a day of
    /// failed deliveries.
    WebhookDisabled { url: &'a str, description: &'a str, since: DateTime<Utc>, last_error: &'a str },
    /// To each approver of the company: decide on a ticket's validation.
    ValidationRequested {
        recipient: &'a str,
        number: i64,
        title: &'a str,
        question: &'a str,
        deadline: Option<DateTime<Utc>>,
        accept_url: &'a str,
        reject_url: &'a str,
        links_expire: DateTime<Utc>,
        ticket_url: &'a str,
    },
    /// To the ticket's assignee: how the validation was settled.
    ValidationDecided {
        number: i64,
        title: &'a str,
        question: &'a str,
        accepted: bool,
        decider: &'a str,
        comment: Option<&'a str>,
        ticket_url: &'a str,
    },
    /// To the ticket's requester: someone else added a public note.
    NoteAdded { recipient: &'a str, number: i64, title: &'a str, author: &'a str, note: &'a str, ticket_url: &'a str },
    /// To an existing contact registering from its computer: the code that proves the address.
    ActivationCode { recipient: &'a str, code: &'a str, minutes: i64 },
    /// By SMS: the code that verifies a phone number, or proves a second factor before an action.
    SmsCode { code: &'a str, minutes: i64, step_up: bool },
    /// By SMS to the verified phone: the temporary password of a computer's local account.
    TemporaryPassword { hostname: &'a str, password: &'a str },
    /// To the account's address: its verified phone changed (`phone` is the new one, masked),
    /// or was removed (`None`).
    PhoneChanged { recipient: &'a str, phone: Option<&'a str>, at: DateTime<Utc> },
    /// To each change manager of the company: decide on a change request.
    ChangeRequested {
        recipient: &'a str,
        company: &'a str,
        title: &'a str,
        description: &'a str,
        reason: &'a str,
        risk: Risk,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
        cost: Option<(i64, &'a str)>,
        url: &'a str,
    },
    /// To a contact who was invited: welcome, and the single-use link that sets a first password.
    Invitation { recipient: &'a str, company: &'a str, inviter: &'a str, url: &'a str, expires: DateTime<Utc> },
    /// To a user who asked to reset a forgotten password: the single-use link (valid `minutes`).
    /// Says that the second factor is still asked at the next sign-in, and to ignore the mail if it was not them.
    PasswordReset { recipient: &'a str, url: &'a str, minutes: i64 },
    /// To the address of a new e-mail: the link that confirms it (valid `hours`).
    EmailConfirmation { recipient: &'a str, url: &'a str, hours: i64 },
    /// To the user: something about its credentials or account changed (by itself or by staff).
    AccountChanged { recipient: &'a str, change: AccountChange<'a>, at: DateTime<Utc> },
    /// To each customer approver / portal admin of the company: a user asks for other roles.
    RoleChangeRequested {
        recipient: &'a str,
        requester: &'a str,
        company: &'a str,
        roles: &'a str,
        reason: &'a str,
        url: &'a str,
    },
    /// To the requester: its role-change request was granted or refused.
    RoleChangeDecided {
        recipient: &'a str,
        company: &'a str,
        roles: &'a str,
        granted: bool,
        decider: &'a str,
        comment: Option<&'a str>,
    },
    /// To staff: a customer opened a ticket in the portal.
    PortalTicketOpened {
        recipient: &'a str,
        number: i64,
        title: &'a str,
        company: &'a str,
        requester: &'a str,
        description: &'a str,
        ticket_url: &'a str,
    },
    /// To staff: a customer added a note to a ticket.
    CustomerNoteAdded {
        recipient: &'a str,
        number: i64,
        title: &'a str,
        author: &'a str,
        note: &'a str,
        ticket_url: &'a str,
    },
    /// To staff: a customer added an attachment to a ticket.
    CustomerAttachmentAdded {
        recipient: &'a str,
        number: i64,
        title: &'a str,
        author: &'a str,
        file_name: &'a str,
        ticket_url: &'a str,
    },
    /// To staff: a customer reopened a closed ticket.
    TicketReopened { recipient: &'a str, number: i64, title: &'a str, by: &'a str, ticket_url: &'a str },
    /// To the staff member who asked: a change manager decided the change request.
    ChangeDecided {
        recipient: &'a str,
        company: &'a str,
        title: &'a str,
        approved: bool,
        decider: &'a str,
        comment: Option<&'a str>,
        url: &'a str,
    },
    /// To the requester: its new ticket was received.
    TicketConfirmed { recipient: &'a str, number: i64, title: &'a str, ticket_url: &'a str },
    /// To the requester: its ticket was resolved (or closed), with the due date where the
    /// company shows due dates.
    TicketResolved {
        recipient: &'a str,
        number: i64,
        title: &'a str,
        closed: bool,
        due: Option<DateTime<Utc>>,
        ticket_url: &'a str,
    },
    /// Several messages about one ticket to one recipient, folded into one (each part as it
    /// would have been sent alone).
    TicketUpdates { number: i64, title: &'a str, parts: &'a [Rendered] },
}

/// What changed about an account, for `Notice::AccountChanged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange<'a> {
    /// A new password was set (through a reset link or by the user).
    PasswordChanged,
    /// Staff reset the second factor: the user enrols again at the next sign-in.
    TwoFactorReset,
    /// The account was disabled / enabled again.
    Disabled,
    Enabled,
    /// The sign-in address changed to `new_email` (this mail goes to the old address).
    EmailChanged {
        new_email: &'a str,
    },
}

/// A written message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// A phone number shown in an e-mail: its last two digits only.
fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("••• {tail}")
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An amount in cents with its currency, e.g. `1250.00 EUR`.
fn money(cents: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", cents / 100, (cents % 100).abs())
}

impl Notice<'_> {
    pub fn render(&self, lang: Language) -> Rendered {
        let t = texts(lang);
        match self {
            Self::ValidationRequested {
                recipient,
                number,
                title,
                question,
                deadline,
                accept_url,
                reject_url,
                links_expire,
                ticket_url,
            } => {
                let number = number.to_string();
                let deadline_line =
                    deadline.map(|d| fill(t.deadline_line, &[("deadline", &when(d))])).unwrap_or_default();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("question", question),
                    ("deadline_line", &deadline_line),
                    ("accept_url", accept_url),
                    ("reject_url", reject_url),
                    ("link_expiry", &when(*links_expire)),
                    ("ticket_url", ticket_url),
                ];
                Rendered { subject: fill(t.validation_subject, &vars), body: fill(t.validation_body, &vars) }
            }
            Self::ValidationDecided { number, title, question, accepted, decider, comment, ticket_url } => {
                let number = number.to_string();
                let outcome = if *accepted { t.accepted } else { t.rejected };
                let vars = [
                    ("number", number.as_str()),
                    ("title", title),
                    ("question", question),
                    ("outcome", outcome),
                    ("decider", decider),
                    ("comment", comment.unwrap_or("—")),
                    ("ticket_url", ticket_url),
                ];
                Rendered { subject: fill(t.decided_subject, &vars), body: fill(t.decided_body, &vars) }
            }
            Self::NoteAdded { recipient, number, title, author, note, ticket_url } => {
                let number = number.to_string();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("author", author),
                    ("note", note),
                    ("ticket_url", ticket_url),
                ];
                Rendered { subject: fill(t.note_subject, &vars), body: fill(t.note_body, &vars) }
            }
            Self::ActivationCode { recipient, code, minutes } => {
                let minutes = minutes.to_string();
                let vars = [("name", *recipient), ("code", code), ("minutes", &minutes)];
                Rendered { subject: fill(t.activation_subject, &vars), body: fill(t.activation_body, &vars) }
            }
            Self::SmsCode { code, minutes, step_up } => {
                let minutes = minutes.to_string();
                let vars = [("code", *code), ("minutes", minutes.as_str())];
                let template = if *step_up { t.step_up_sms } else { t.phone_sms };
                Rendered { subject: String::new(), body: fill(template, &vars) }
            }
            Self::TemporaryPassword { hostname, password } => {
                let vars = [("hostname", *hostname), ("password", *password)];
                Rendered { subject: String::new(), body: fill(t.password_sms, &vars) }
            }
            Self::PhoneChanged { recipient, phone, at } => {
                let masked = phone.map(masked_phone);
                let template = if masked.is_some() { t.phone_changed_body } else { t.phone_removed_body };
                let vars = [("name", *recipient), ("phone", masked.as_deref().unwrap_or("")), ("at", &when(*at))];
                Rendered { subject: t.phone_changed_subject.to_owned(), body: fill(template, &vars) }
            }
            Self::ChangeRequested { recipient, company, title, description, reason, risk, window, cost, url } => {
                let window =
                    window.map_or_else(|| "—".to_owned(), |(from, to)| format!("{} – {}", when(from), when(to)));
                let cost = cost.map_or_else(|| "—".to_owned(), |(cents, currency)| money(cents, currency));
                let risk = match risk {
                    Risk::Low => t.risks[0],
                    Risk::Medium => t.risks[1],
                    Risk::High => t.risks[2],
                };
                let vars = [
                    ("name", *recipient),
                    ("company", company),
                    ("title", title),
                    ("description", description),
                    ("reason", reason),
                    ("risk", risk),
                    ("window", &window),
                    ("cost", &cost),
                    ("url", url),
                ];
                Rendered { subject: fill(t.change_subject, &vars), body: fill(t.change_body, &vars) }
            }
            Self::Invitation { recipient, company, inviter, url, expires } => {
                let vars = [
                    ("name", *recipient),
                    ("company", company),
                    ("inviter", inviter),
                    ("url", url),
                    ("expires", &when(*expires)),
                ];
                Rendered { subject: fill(t.invitation_subject, &vars), body: fill(t.invitation_body, &vars) }
            }
            Self::PasswordReset { recipient, url, minutes } => {
                let minutes = minutes.to_string();
                let vars = [("name", *recipient), ("url", url), ("minutes", &minutes)];
                Rendered { subject: fill(t.reset_subject, &vars), body: fill(t.reset_body, &vars) }
            }
            Self::EmailConfirmation { recipient, url, hours } => {
                let hours = hours.to_string();
                let vars = [("name", *recipient), ("url", url), ("hours", &hours)];
                Rendered {
                    subject: fill(t.email_confirmation_subject, &vars),
                    body: fill(t.email_confirmation_body, &vars),
                }
            }
            Self::AccountChanged { recipient, change, at } => {
                let (subject, body, new_email) = match change {
                    AccountChange::PasswordChanged => (t.password_changed_subject, t.password_changed_body, ""),
                    AccountChange::TwoFactorReset => (t.two_factor_reset_subject, t.two_factor_reset_body, ""),
                    AccountChange::Disabled => (t.disabled_subject, t.disabled_body, ""),
                    AccountChange::Enabled => (t.enabled_subject, t.enabled_body, ""),
                    AccountChange::EmailChanged { new_email } => {
                        (t.email_changed_subject, t.email_changed_body, *new_email)
                    }
                };
                let vars = [("name", *recipient), ("at", &when(*at)), ("new_email", new_email)];
                Rendered { subject: fill(subject, &vars), body: fill(body, &vars) }
            }
            Self::RoleChangeRequested { recipient, requester, company, roles, reason, url } => {
                let vars = [
                    ("name", *recipient),
                    ("requester", requester),
                    ("company", company),
                    ("roles", roles),
                    ("reason", reason),
                    ("url", url),
                ];
                Rendered { subject: fill(t.role_request_subject, &vars), body: fill(t.role_request_body, &vars) }
            }
            Self::RoleChangeDecided { recipient, company, roles, granted, decider, comment } => {
                let outcome = if *granted { t.role_granted } else { t.role_refused };
                let vars = [
                    ("name", *recipient),
                    ("company", company),
                    ("roles", roles),
                    ("outcome", outcome),
                    ("decider", decider),
                    ("comment", comment.unwrap_or("—")),
                ];
                Rendered { subject: fill(t.role_decided_subject, &vars), body: fill(t.role_decided_body, &vars) }
            }
            Self::PortalTicketOpened { recipient, number, title, company, requester, description, ticket_url } => {
                let number = number.to_string();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("company", company),
                    ("requester", requester),
                    ("description", description),
                    ("ticket_url", ticket_url),
                ];
                let (subject, body) = portal_ticket_texts(lang);
                Rendered { subject: fill(subject, &vars), body: fill(body, &vars) }
            }
            Self::CustomerNoteAdded { recipient, number, title, author, note, ticket_url } => {
                let number = number.to_string();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("author", author),
                    ("note", note),
                    ("ticket_url", ticket_url),
                ];
                let (subject, body) = customer_note_texts(lang);
                Rendered { subject: fill(subject, &vars), body: fill(body, &vars) }
            }
            Self::CustomerAttachmentAdded { recipient, number, title, author, file_name, ticket_url } => {
                let number = number.to_string();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("author", author),
                    ("file_name", file_name),
                    ("ticket_url", ticket_url),
                ];
                let (subject, body) = customer_attachment_texts(lang);
                Rendered { subject: fill(subject, &vars), body: fill(body, &vars) }
            }
            Self::TicketReopened { recipient, number, title, by, ticket_url } => {
                let number = number.to_string();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("by", by),
                    ("ticket_url", ticket_url),
                ];
                let (subject, body) = reopened_texts(lang);
                Rendered { subject: fill(subject, &vars), body: fill(body, &vars) }
            }
            Self::ChangeDecided { recipient, company, title, approved, decider, comment, url } => {
                let t = change_decided_texts(lang);
                let vars = [
                    ("name", *recipient),
                    ("company", company),
                    ("title", title),
                    ("outcome", if *approved { t.approved } else { t.rejected }),
                    ("decider", decider),
                    ("comment", comment.unwrap_or("—")),
                    ("url", url),
                ];
                Rendered { subject: fill(t.subject, &vars), body: fill(t.body, &vars) }
            }
            Self::TicketConfirmed { recipient, number, title, ticket_url } => {
                let number = number.to_string();
                let vars = [("name", *recipient), ("number", &number), ("title", title), ("ticket_url", ticket_url)];
                let (subject, body) = confirmed_texts(lang);
                Rendered { subject: fill(subject, &vars), body: fill(body, &vars) }
            }
            Self::TicketResolved { recipient, number, title, closed, due, ticket_url } => {
                let t = resolved_texts(lang);
                let number = number.to_string();
                let due_line = due.map(|d| fill(t.due_line, &[("due", &when(d))])).unwrap_or_default();
                let vars = [
                    ("name", *recipient),
                    ("number", &number),
                    ("title", title),
                    ("outcome", if *closed { t.closed } else { t.resolved }),
                    ("due_line", &due_line),
                    ("ticket_url", ticket_url),
                ];
                Rendered { subject: fill(t.subject, &vars), body: fill(t.body, &vars) }
            }
            Self::TicketUpdates { number, title, parts } => {
                if let [only] = parts {
                    return only.clone();
                }
                let (subject, intro) = updates_texts(lang);
                let (number, count) = (number.to_string(), parts.len().to_string());
                let vars = [("number", number.as_str()), ("title", title), ("count", &count)];
                let bodies: Vec<&str> = parts.iter().map(|p| p.body.trim_end()).collect();
                let body = format!("{}{}\n", fill(intro, &vars), bodies.join("\n\n----------\n\n"));
                Rendered { subject: fill(subject, &vars), body }
            }
            Self::WebhookDisabled { url, description, since, last_error } => {
                let description = if description.is_empty() { "—" } else { description };
                let vars =
                    [("url", *url), ("description", description), ("since", &when(*since)), ("error", last_error)];
                Rendered {
                    subject: fill(t.webhook_disabled_subject, &vars),
                    body: fill(t.webhook_disabled_body, &vars),
                }
            }
        }
    }
}

/// Replaces each `{key}` of `template` by its value, in one pass; unknown keys stay as written.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((key, close)) if vars.iter().any(|(k, _)| *k == key) => {
                out.push_str(vars.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).unwrap_or_default());
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

struct Texts {
    validation_subject: &'static str,
    validation_body: &'static str,
    deadline_line: &'static str,
    decided_subject: &'static str,
    decided_body: &'static str,
    accepted: &'static str,
    rejected: &'static str,
    note_subject: &'static str,
    note_body: &'static str,
    change_subject: &'static str,
    change_body: &'static str,
    risks: [&'static str; 3],
    /// Never the code: a subject is shown where a body is not (lock screens, the outbox).
    activation_subject: &'static str,
    activation_body: &'static str,
    phone_sms: &'static str,
    step_up_sms: &'static str,
    password_sms: &'static str,
    phone_changed_subject: &'static str,
    phone_changed_body: &'static str,
    phone_removed_body: &'static str,
    /// Subjects of mails that carry a link never hold it: a subject is shown where a body is not.
    invitation_subject: &'static str,
    invitation_body: &'static str,
    reset_subject: &'static str,
    reset_body: &'static str,
    email_confirmation_subject: &'static str,
    email_confirmation_body: &'static str,
    /// Each `AccountChange` ends with what to do if the recipient did not do it or did not expect it.
    password_changed_subject: &'static str,
    password_changed_body: &'static str,
    two_factor_reset_subject: &'static str,
    two_factor_reset_body: &'static str,
    disabled_subject: &'static str,
    disabled_body: &'static str,
    enabled_subject: &'static str,
    enabled_body: &'static str,
    email_changed_subject: &'static str,
    email_changed_body: &'static str,
    role_request_subject: &'static str,
    role_request_body: &'static str,
    role_decided_subject: &'static str,
    role_decided_body: &'static str,
    role_granted: &'static str,
    role_refused: &'static str,
    webhook_disabled_subject: &'static str,
    webhook_disabled_body: &'static str,
}

fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::De => &DE,
        Language::Es => &ES,
        Language::It => &IT,
    }
}

const EN: Texts = Texts {
    validation_subject: "[#{number}] Your approval is requested: {title}",
    validation_body: "Hello {name},\n\nYour service provider asks for a decision on ticket #{number} \"{title}\":\n\n\
        {question}\n\n{deadline_line}To accept: {accept_url}\nTo reject: {reject_url}\n\n\
        Each link first shows what will be decided and asks you to confirm. The links work only for you, \
        only once, and until {link_expiry}.\n\nThe ticket: {ticket_url}\n",
    deadline_line: "Please decide before {deadline}.\n\n",
    decided_subject: "[#{number}] Validation {outcome}: {title}",
    decided_body: "The validation of ticket #{number} \"{title}\" was {outcome} by {decider}.\n\n\
        Question: {question}\nComment: {comment}\n\nThe ticket: {ticket_url}\n",
    accepted: "accepted",
    rejected: "rejected",
    note_subject: "[#{number}] New reply on your ticket: {title}",
    note_body:
        "Hello {name},\n\n{author} wrote on your ticket #{number} \"{title}\":\n\n{note}\n\nThe ticket: {ticket_url}\n",
    change_subject: "Change request awaiting your decision: {title}",
    change_body: "Hello {name},\n\nYour service provider asks you to approve or reject a change for {company}:\n\n\
        {title}\n\n{description}\n\nReason: {reason}\nRisk: {risk}\nPlanned window: {window}\n\
        Estimated cost: {cost}\n\nDecide here: {url}\n",
    risks: ["low", "medium", "high"],
    activation_subject: "Your portal activation code",
    activation_body: "Hello {name},\n\nSomeone, probably you, asked to activate portal access for this address from a \
        computer's agent menu. Enter this code to confirm: {code}\n\nIt is valid for {minutes} minutes. If it was \
        not you, ignore this message: nothing changes without the code.\n",
    phone_sms: "Your clientdesk code to verify this phone: {code} (valid {minutes} min).",
    step_up_sms:
        "Your clientdesk code to confirm an action on your computer: {code} (valid {minutes} min). Never share it.",
    password_sms: "Temporary password for {hostname}: {password} - sign in with it and choose a new password.",
    phone_changed_subject: "Your phone number for the portal changed",
    phone_changed_body: "Hello {name},\n\nThe phone number that confirms your self-service actions was changed on {at} to {phone}. For the next 24 hours, codes by SMS do not count as a second factor.\n\nIf you did not do this, sign in, change your password and tell your IT provider at once.",
    phone_removed_body: "Hello {name},\n\nThe phone number that confirms your self-service actions was removed on {at}.\n\nIf you did not do this, sign in, change your password and tell your IT provider at once.",
    invitation_subject: "{inviter} invited you to the portal for {company}",
    invitation_body: "Hello {name},\n\n{inviter} invited you to the support portal for {company}.\n\n\
        Choose your password here to activate your access: {url}\n\nThe link works only once and until {expires}. \
        If it has expired, ask {inviter} to invite you again. If you did not expect this invitation, ignore this \
        message.\n",
    reset_subject: "Reset your portal password",
    reset_body: "Hello {name},\n\nSomeone, probably you, asked to reset the password of your portal account. Choose a \
        new password here: {url}\n\nThe link works only once and for {minutes} minutes. At your next sign-in, you \
        will still be asked for your second factor.\n\nIf it was not you, ignore this message: your password stays \
        as it is.\n",
    email_confirmation_subject: "Confirm your new e-mail address",
    email_confirmation_body: "Hello {name},\n\nPlease confirm this address for your portal account by opening this \
        link: {url}\n\nThe link works only once and for {hours} hours. If you did not ask for this, ignore this \
        message: nothing changes without confirmation.\n",
    password_changed_subject: "Your portal password was changed",
    password_changed_body: "Hello {name},\n\nThe password of your portal account was changed on {at}.\n\n\
        If you did not do this, tell your IT provider at once: someone else may have access to your account.\n",
    two_factor_reset_subject: "The second factor of your portal account was reset",
    two_factor_reset_body: "Hello {name},\n\nThe second factor of your portal account was reset on {at}. At your \
        next sign-in, you will be asked to set it up again.\n\nIf you did not expect this, tell your IT provider at \
        once.\n",
    disabled_subject: "Your portal account was disabled",
    disabled_body: "Hello {name},\n\nYour portal account was disabled on {at}: you can no longer sign in.\n\n\
        If you did not expect this, contact your IT provider.\n",
    enabled_subject: "Your portal account was enabled again",
    enabled_body: "Hello {name},\n\nYour portal account was enabled again on {at}: you can sign in again.\n\n\
        If you did not expect this, tell your IT provider at once.\n",
    email_changed_subject: "The sign-in address of your portal account changed",
    email_changed_body: "Hello {name},\n\nThe address you use to sign in to the portal was changed on {at} to \
        {new_email}.\n\nIf you did not do this, tell your IT provider at once: someone else may have access to \
        your account.\n",
    role_request_subject: "Role request awaiting your decision: {requester}",
    role_request_body: "Hello {name},\n\n{requester} asks for other roles on the portal for {company}.\n\n\
        Requested roles: {roles}\nReason: {reason}\n\nDecide here: {url}\n",
    role_decided_subject: "Your role request for {company} was {outcome}",
    role_decided_body: "Hello {name},\n\nYour role request for {company} was {outcome} by {decider}.\n\n\
        Requested roles: {roles}\nComment: {comment}\n",
    role_granted: "granted",
    role_refused: "refused",
    webhook_disabled_subject: "A webhook was disabled",
    webhook_disabled_body: "Hello,\n\nThe webhook to {url} ({description}) was disabled: every delivery since {since} failed. \
        The last error: {error}\n\nNo event is sent while it is off; deliveries already waiting resume when you switch it on again.\n",
};

const FR: Texts = Texts {
    validation_subject: "[#{number}] Votre validation est demandée : {title}",
    validation_body:
        "Bonjour {name},\n\nVotre prestataire vous demande une décision sur le ticket n° {number} « {title} » :\n\n\
        {question}\n\n{deadline_line}Pour accepter : {accept_url}\nPour refuser : {reject_url}\n\n\
        Chaque lien affiche d'abord ce qui sera décidé et vous demande de confirmer. Les liens ne fonctionnent \
        que pour vous, une seule fois, et jusqu'au {link_expiry}.\n\nLe ticket : {ticket_url}\n",
    deadline_line: "Merci de décider avant le {deadline}.\n\n",
    decided_subject: "[#{number}] Validation {outcome} : {title}",
    decided_body: "La validation du ticket n° {number} « {title} » a été {outcome} par {decider}.\n\n\
        Question : {question}\nCommentaire : {comment}\n\nLe ticket : {ticket_url}\n",
    accepted: "acceptée",
    rejected: "refusée",
    note_subject: "[#{number}] Nouvelle réponse à votre ticket : {title}",
    note_body: "Bonjour {name},\n\n{author} a écrit sur votre ticket n° {number} « {title} » :\n\n{note}\n\n\
        Le ticket : {ticket_url}\n",
    change_subject: "Demande de changement en attente de votre décision : {title}",
    change_body: "Bonjour {name},\n\nVotre prestataire vous demande d'approuver ou de refuser un changement pour \
        {company} :\n\n{title}\n\n{description}\n\nMotif : {reason}\nRisque : {risk}\nFenêtre prévue : {window}\n\
        Coût estimé : {cost}\n\nDécider ici : {url}\n",
    risks: ["faible", "moyen", "élevé"],
    activation_subject: "Votre code d'activation du portail",
    activation_body: "Bonjour {name},\n\nQuelqu'un, sans doute vous, a demandé l'accès au portail pour cette adresse depuis le \
        menu de l'agent d'un ordinateur. Saisissez ce code pour confirmer : {code}\n\nIl est valable {minutes} minutes. \
        Si ce n'était pas vous, ignorez ce message : rien ne change sans le code.\n",
    phone_sms: "Votre code clientdesk pour vérifier ce téléphone : {code} (valable {minutes} min).",
    step_up_sms: "Votre code clientdesk pour confirmer une action sur votre ordinateur : {code} (valable {minutes} min). Ne le partagez jamais.",
    password_sms: "Mot de passe temporaire pour {hostname} : {password} - connectez-vous avec et choisissez un nouveau mot de passe.",
    phone_changed_subject: "Votre numéro de téléphone pour le portail a changé",
    phone_changed_body: "Bonjour {name},\n\nLe numéro de téléphone qui confirme vos actions en libre-service a été remplacé le {at} par {phone}. Pendant les 24 prochaines heures, les codes par SMS ne comptent pas comme second facteur.\n\nSi ce n'est pas vous, connectez-vous, changez votre mot de passe et prévenez tout de suite votre prestataire informatique.",
    phone_removed_body: "Bonjour {name},\n\nLe numéro de téléphone qui confirme vos actions en libre-service a été supprimé le {at}.\n\nSi ce n'est pas vous, connectez-vous, changez votre mot de passe et prévenez tout de suite votre prestataire informatique.",
    invitation_subject: "{inviter} vous invite à rejoindre le portail pour {company}",
    invitation_body: "Bonjour {name},\n\n{inviter} vous invite à rejoindre le portail d'assistance pour \
        {company}.\n\nChoisissez votre mot de passe ici pour activer votre accès : {url}\n\nLe lien ne fonctionne \
        qu'une seule fois, et jusqu'au {expires}. S'il a expiré, demandez à {inviter} de vous inviter à nouveau. \
        Si vous n'attendiez pas cette invitation, ignorez ce message.\n",
    reset_subject: "Réinitialisation de votre mot de passe du portail",
    reset_body: "Bonjour {name},\n\nQuelqu'un, sans doute vous, a demandé à réinitialiser le mot de passe de votre \
        compte du portail. Choisissez un nouveau mot de passe ici : {url}\n\nLe lien ne fonctionne qu'une seule \
        fois, pendant {minutes} minutes. Votre second facteur vous sera toujours demandé à la prochaine \
        connexion.\n\nSi ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.\n",
    email_confirmation_subject: "Confirmez votre nouvelle adresse e-mail",
    email_confirmation_body: "Bonjour {name},\n\nMerci de confirmer cette adresse pour votre compte du portail en \
        ouvrant ce lien : {url}\n\nLe lien ne fonctionne qu'une seule fois, pendant {hours} heures. Si vous n'avez \
        rien demandé, ignorez ce message : rien ne change sans confirmation.\n",
    password_changed_subject: "Votre mot de passe du portail a été changé",
    password_changed_body: "Bonjour {name},\n\nLe mot de passe de votre compte du portail a été changé le {at}.\n\n\
        Si ce n'est pas vous, prévenez tout de suite votre prestataire informatique : quelqu'un d'autre a peut-être \
        accès à votre compte.\n",
    two_factor_reset_subject: "Le second facteur de votre compte du portail a été réinitialisé",
    two_factor_reset_body: "Bonjour {name},\n\nLe second facteur de votre compte du portail a été réinitialisé le \
        {at}. À votre prochaine connexion, il vous sera demandé de le configurer à nouveau.\n\nSi vous ne vous y \
        attendiez pas, prévenez tout de suite votre prestataire informatique.\n",
    disabled_subject: "Votre compte du portail a été désactivé",
    disabled_body: "Bonjour {name},\n\nVotre compte du portail a été désactivé le {at} : vous ne pouvez plus vous \
        connecter.\n\nSi vous ne vous y attendiez pas, contactez votre prestataire informatique.\n",
    enabled_subject: "Votre compte du portail a été réactivé",
    enabled_body: "Bonjour {name},\n\nVotre compte du portail a été réactivé le {at} : vous pouvez de nouveau vous \
        connecter.\n\nSi vous ne vous y attendiez pas, prévenez tout de suite votre prestataire informatique.\n",
    email_changed_subject: "L'adresse de connexion de votre compte du portail a changé",
    email_changed_body: "Bonjour {name},\n\nL'adresse avec laquelle vous vous connectez au portail a été remplacée le \
        {at} par {new_email}.\n\nSi ce n'est pas vous, prévenez tout de suite votre prestataire informatique : \
        quelqu'un d'autre a peut-être accès à votre compte.\n",
    role_request_subject: "Demande de rôles en attente de votre décision : {requester}",
    role_request_body: "Bonjour {name},\n\n{requester} demande d'autres rôles sur le portail pour {company}.\n\n\
        Rôles demandés : {roles}\nMotif : {reason}\n\nDécider ici : {url}\n",
    role_decided_subject: "Votre demande de rôles pour {company} a été {outcome}",
    role_decided_body: "Bonjour {name},\n\nVotre demande de rôles pour {company} a été {outcome} par {decider}.\n\n\
        Rôles demandés : {roles}\nCommentaire : {comment}\n",
    role_granted: "accordée",
    role_refused: "refusée",
    webhook_disabled_subject: "Un webhook a été désactivé",
    webhook_disabled_body: "Bonjour,\n\nLe webhook vers {url} ({description}) a été désactivé : toutes les livraisons ont échoué \
        depuis le {since}. Dernière erreur : {error}\n\nAucun événement n'est envoyé tant qu'il est désactivé ; les \
        livraisons en attente reprennent quand vous le réactivez.\n",
};

const DE: Texts = Texts {
    validation_subject: "[#{number}] Ihre Freigabe wird benötigt: {title}",
    validation_body:
        "Hallo {name},\n\nIhr Dienstleister bittet um eine Entscheidung zum Ticket #{number} „{title}“:\n\n\
        {question}\n\n{deadline_line}Annehmen: {accept_url}\nAblehnen: {reject_url}\n\n\
        Jeder Link zeigt zuerst, was entschieden wird, und bittet um Bestätigung. Die Links gelten nur für Sie, \
        nur einmal und bis {link_expiry}.\n\nZum Ticket: {ticket_url}\n",
    deadline_line: "Bitte entscheiden Sie bis {deadline}.\n\n",
    decided_subject: "[#{number}] Freigabe {outcome}: {title}",
    decided_body: "Die Freigabe zum Ticket #{number} „{title}“ wurde von {decider} {outcome}.\n\n\
        Frage: {question}\nKommentar: {comment}\n\nZum Ticket: {ticket_url}\n",
    accepted: "angenommen",
    rejected: "abgelehnt",
    note_subject: "[#{number}] Neue Antwort zu Ihrem Ticket: {title}",
    note_body: "Hallo {name},\n\n{author} hat zu Ihrem Ticket #{number} „{title}“ geschrieben:\n\n{note}\n\n\
        Zum Ticket: {ticket_url}\n",
    change_subject: "Änderungsantrag wartet auf Ihre Entscheidung: {title}",
    change_body: "Hallo {name},\n\nIhr Dienstleister bittet Sie, eine Änderung für {company} zu genehmigen oder \
        abzulehnen:\n\n{title}\n\n{description}\n\nBegründung: {reason}\nRisiko: {risk}\n\
        Geplantes Zeitfenster: {window}\nGeschätzte Kosten: {cost}\n\nHier entscheiden: {url}\n",
    risks: ["niedrig", "mittel", "hoch"],
    activation_subject: "Ihr Aktivierungscode für das Portal",
    activation_body:
        "Hallo {name},\n\njemand, vermutlich Sie, hat über das Agent-Menü eines Computers den Portalzugang für \
        diese Adresse angefordert. Geben Sie zur Bestätigung diesen Code ein: {code}\n\nEr gilt {minutes} Minuten. \
        Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ohne den Code ändert sich nichts.\n",
    phone_sms: "Ihr clientdesk-Code zur Bestätigung dieses Telefons: {code} (gültig {minutes} Min.).",
    step_up_sms: "Ihr clientdesk-Code zur Bestätigung einer Aktion auf Ihrem Computer: {code} (gültig {minutes} Min.). Geben Sie ihn nie weiter.",
    password_sms: "Temporäres Passwort für {hostname}: {password} - melden Sie sich damit an und wählen Sie ein neues Passwort.",
    phone_changed_subject: "Ihre Telefonnummer für das Portal wurde geändert",
    phone_changed_body: "Guten Tag {name},\n\nDie Telefonnummer, die Ihre Self-Service-Aktionen bestätigt, wurde am {at} auf {phone} geändert. In den nächsten 24 Stunden gelten Codes per SMS nicht als zweiter Faktor.\n\nWenn Sie das nicht waren, melden Sie sich an, ändern Sie Ihr Passwort und informieren Sie sofort Ihren IT-Dienstleister.",
    phone_removed_body: "Guten Tag {name},\n\nDie Telefonnummer, die Ihre Self-Service-Aktionen bestätigt, wurde am {at} entfernt.\n\nWenn Sie das nicht waren, melden Sie sich an, ändern Sie Ihr Passwort und informieren Sie sofort Ihren IT-Dienstleister.",
    invitation_subject: "{inviter} hat Sie zum Portal für {company} eingeladen",
    invitation_body: "Hallo {name},\n\n{inviter} hat Sie zum Support-Portal für {company} eingeladen.\n\n\
        Wählen Sie hier Ihr Passwort, um Ihren Zugang zu aktivieren: {url}\n\nDer Link funktioniert nur einmal und \
        bis {expires}. Ist er abgelaufen, bitten Sie {inviter}, Sie erneut einzuladen. Falls Sie diese Einladung \
        nicht erwartet haben, ignorieren Sie diese Nachricht.\n",
    reset_subject: "Zurücksetzen Ihres Portal-Passworts",
    reset_body: "Hallo {name},\n\njemand, vermutlich Sie, hat angefordert, das Passwort Ihres Portalkontos \
        zurückzusetzen. Wählen Sie hier ein neues Passwort: {url}\n\nDer Link funktioniert nur einmal und \
        {minutes} Minuten lang. Bei der nächsten Anmeldung wird weiterhin Ihr zweiter Faktor abgefragt.\n\n\
        Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.\n",
    email_confirmation_subject: "Bestätigen Sie Ihre neue E-Mail-Adresse",
    email_confirmation_body: "Hallo {name},\n\nbitte bestätigen Sie diese Adresse für Ihr Portalkonto, indem Sie \
        diesen Link öffnen: {url}\n\nDer Link funktioniert nur einmal und {hours} Stunden lang. Falls Sie das nicht \
        angefordert haben, ignorieren Sie diese Nachricht: Ohne Bestätigung ändert sich nichts.\n",
    password_changed_subject: "Ihr Portal-Passwort wurde geändert",
    password_changed_body: "Hallo {name},\n\ndas Passwort Ihres Portalkontos wurde am {at} geändert.\n\n\
        Wenn Sie das nicht waren, informieren Sie sofort Ihren IT-Dienstleister: Möglicherweise hat jemand anderes \
        Zugriff auf Ihr Konto.\n",
    two_factor_reset_subject: "Der zweite Faktor Ihres Portalkontos wurde zurückgesetzt",
    two_factor_reset_body: "Hallo {name},\n\nder zweite Faktor Ihres Portalkontos wurde am {at} zurückgesetzt. Bei der \
        nächsten Anmeldung werden Sie gebeten, ihn neu einzurichten.\n\nWenn Sie das nicht erwartet haben, \
        informieren Sie sofort Ihren IT-Dienstleister.\n",
    disabled_subject: "Ihr Portalkonto wurde deaktiviert",
    disabled_body: "Hallo {name},\n\nIhr Portalkonto wurde am {at} deaktiviert: Sie können sich nicht mehr \
        anmelden.\n\nWenn Sie das nicht erwartet haben, wenden Sie sich an Ihren IT-Dienstleister.\n",
    enabled_subject: "Ihr Portalkonto wurde wieder aktiviert",
    enabled_body: "Hallo {name},\n\nIhr Portalkonto wurde am {at} wieder aktiviert: Sie können sich wieder \
        anmelden.\n\nWenn Sie das nicht erwartet haben, informieren Sie sofort Ihren IT-Dienstleister.\n",
    email_changed_subject: "Die Anmeldeadresse Ihres Portalkontos wurde geändert",
    email_changed_body: "Hallo {name},\n\ndie Adresse, mit der Sie sich am Portal anmelden, wurde am {at} auf \
        {new_email} geändert.\n\nWenn Sie das nicht waren, informieren Sie sofort Ihren IT-Dienstleister: \
        Möglicherweise hat jemand anderes Zugriff auf Ihr Konto.\n",
    role_request_subject: "Rollenantrag wartet auf Ihre Entscheidung: {requester}",
    role_request_body: "Hallo {name},\n\n{requester} beantragt andere Rollen im Portal für {company}.\n\n\
        Beantragte Rollen: {roles}\nBegründung: {reason}\n\nHier entscheiden: {url}\n",
    role_decided_subject: "Ihr Rollenantrag für {company} wurde {outcome}",
    role_decided_body: "Hallo {name},\n\nIhr Rollenantrag für {company} wurde von {decider} {outcome}.\n\n\
        Beantragte Rollen: {roles}\nKommentar: {comment}\n",
    role_granted: "genehmigt",
    role_refused: "abgelehnt",
    webhook_disabled_subject: "Ein Webhook wurde deaktiviert",
    webhook_disabled_body: "Hallo,\n\nDer Webhook an {url} ({description}) wurde deaktiviert: Jede Zustellung seit {since} ist \
        fehlgeschlagen. Letzter Fehler: {error}\n\nSolange er deaktiviert ist, wird kein Ereignis gesendet; \
        wartende Zustellungen werden fortgesetzt, sobald Sie ihn wieder einschalten.\n",
};

const ES: Texts = Texts {
    validation_subject: "[#{number}] Se solicita su aprobación: {title}",
    validation_body: "Hola {name}:\n\nSu proveedor de servicios solicita una decisión sobre el ticket n.º {number} \
        «{title}»:\n\n{question}\n\n{deadline_line}Para aceptar: {accept_url}\nPara rechazar: {reject_url}\n\n\
        Cada enlace muestra primero lo que se decidirá y le pide confirmación. Los enlaces solo funcionan para \
        usted, una sola vez y hasta el {link_expiry}.\n\nEl ticket: {ticket_url}\n",
    deadline_line: "Decida antes del {deadline}.\n\n",
    decided_subject: "[#{number}] Validación {outcome}: {title}",
    decided_body: "La validación del ticket n.º {number} «{title}» fue {outcome} por {decider}.\n\n\
        Pregunta: {question}\nComentario: {comment}\n\nEl ticket: {ticket_url}\n",
    accepted: "aceptada",
    rejected: "rechazada",
    note_subject: "[#{number}] Nueva respuesta a su ticket: {title}",
    note_body: "Hola {name}:\n\n{author} escribió en su ticket n.º {number} «{title}»:\n\n{note}\n\n\
        El ticket: {ticket_url}\n",
    change_subject: "Solicitud de cambio pendiente de su decisión: {title}",
    change_body: "Hola {name}:\n\nSu proveedor de servicios le pide aprobar o rechazar un cambio para {company}:\n\n\
        {title}\n\n{description}\n\nMotivo: {reason}\nRiesgo: {risk}\nVentana prevista: {window}\n\
        Coste estimado: {cost}\n\nDecida aquí: {url}\n",
    risks: ["bajo", "medio", "alto"],
    activation_subject: "Su código de activación del portal",
    activation_body: "Hola {name}:\n\nAlguien, probablemente usted, ha solicitado el acceso al portal para esta dirección desde \
        el menú del agente de un equipo. Introduzca este código para confirmarlo: {code}\n\nEs válido durante {minutes} \
        minutos. Si no ha sido usted, ignore este mensaje: sin el código no cambia nada.\n",
    phone_sms: "Su código de clientdesk para verificar este teléfono: {code} (válido {minutes} min).",
    step_up_sms: "Su código de clientdesk para confirmar una acción en su equipo: {code} (válido {minutes} min). No lo comparta nunca.",
    password_sms: "Contraseña temporal para {hostname}: {password} - inicie sesión con ella y elija una contraseña nueva.",
    phone_changed_subject: "Su número de teléfono para el portal ha cambiado",
    phone_changed_body: "Hola {name}:\n\nEl número de teléfono que confirma sus acciones de autoservicio se cambió el {at} por {phone}. Durante las próximas 24 horas, los códigos por SMS no cuentan como segundo factor.\n\nSi no ha sido usted, inicie sesión, cambie su contraseña y avise enseguida a su proveedor de TI.",
    phone_removed_body: "Hola {name}:\n\nEl número de teléfono que confirma sus acciones de autoservicio se eliminó el {at}.\n\nSi no ha sido usted, inicie sesión, cambie su contraseña y avise enseguida a su proveedor de TI.",
    invitation_subject: "{inviter} le ha invitado al portal de {company}",
    invitation_body: "Hola {name}:\n\n{inviter} le ha invitado al portal de soporte de {company}.\n\n\
        Elija aquí su contraseña para activar su acceso: {url}\n\nEl enlace solo funciona una vez y hasta el \
        {expires}. Si ha caducado, pida a {inviter} que le invite de nuevo. Si no esperaba esta invitación, ignore \
        este mensaje.\n",
    reset_subject: "Restablecimiento de su contraseña del portal",
    reset_body: "Hola {name}:\n\nAlguien, probablemente usted, ha solicitado restablecer la contraseña de su cuenta \
        del portal. Elija aquí una contraseña nueva: {url}\n\nEl enlace solo funciona una vez y durante {minutes} \
        minutos. En su próximo inicio de sesión se le seguirá pidiendo el segundo factor.\n\nSi no ha sido usted, \
        ignore este mensaje: su contraseña no cambia.\n",
    email_confirmation_subject: "Confirme su nueva dirección de correo electrónico",
    email_confirmation_body: "Hola {name}:\n\nConfirme esta dirección para su cuenta del portal abriendo este \
        enlace: {url}\n\nEl enlace solo funciona una vez y durante {hours} horas. Si no lo ha solicitado, ignore \
        este mensaje: sin la confirmación no cambia nada.\n",
    password_changed_subject: "Se ha cambiado su contraseña del portal",
    password_changed_body: "Hola {name}:\n\nLa contraseña de su cuenta del portal se cambió el {at}.\n\n\
        Si no ha sido usted, avise enseguida a su proveedor de TI: puede que otra persona tenga acceso a su \
        cuenta.\n",
    two_factor_reset_subject: "Se ha restablecido el segundo factor de su cuenta del portal",
    two_factor_reset_body: "Hola {name}:\n\nEl segundo factor de su cuenta del portal se restableció el {at}. En su \
        próximo inicio de sesión deberá configurarlo de nuevo.\n\nSi no lo esperaba, avise enseguida a su proveedor \
        de TI.\n",
    disabled_subject: "Se ha desactivado su cuenta del portal",
    disabled_body: "Hola {name}:\n\nSu cuenta del portal se desactivó el {at}: ya no puede iniciar sesión.\n\n\
        Si no lo esperaba, póngase en contacto con su proveedor de TI.\n",
    enabled_subject: "Se ha reactivado su cuenta del portal",
    enabled_body: "Hola {name}:\n\nSu cuenta del portal se reactivó el {at}: puede volver a iniciar sesión.\n\n\
        Si no lo esperaba, avise enseguida a su proveedor de TI.\n",
    email_changed_subject: "Ha cambiado la dirección de inicio de sesión de su cuenta del portal",
    email_changed_body: "Hola {name}:\n\nLa dirección con la que inicia sesión en el portal se cambió el {at} por \
        {new_email}.\n\nSi no ha sido usted, avise enseguida a su proveedor de TI: puede que otra persona tenga \
        acceso a su cuenta.\n",
    role_request_subject: "Solicitud de roles pendiente de su decisión: {requester}",
    role_request_body: "Hola {name}:\n\n{requester} solicita otros roles en el portal de {company}.\n\n\
        Roles solicitados: {roles}\nMotivo: {reason}\n\nDecida aquí: {url}\n",
    role_decided_subject: "Su solicitud de roles en {company} ha sido {outcome}",
    role_decided_body: "Hola {name}:\n\nSu solicitud de roles en {company} ha sido {outcome} por {decider}.\n\n\
        Roles solicitados: {roles}\nComentario: {comment}\n",
    role_granted: "concedida",
    role_refused: "rechazada",
    webhook_disabled_subject: "Se ha desactivado un webhook",
    webhook_disabled_body: "Hola:\n\nEl webhook a {url} ({description}) se ha desactivado: todas las entregas desde el {since} \
        fallaron. Último error: {error}\n\nNo se envía ningún evento mientras esté desactivado; las \
        entregas pendientes se reanudan al volver a activarlo.\n",
};

const IT: Texts = Texts {
    validation_subject: "[#{number}] È richiesta la sua approvazione: {title}",
    validation_body: "Buongiorno {name},\n\nIl suo fornitore di servizi chiede una decisione sul ticket n. {number} \
        «{title}»:\n\n{question}\n\n{deadline_line}Per accettare: {accept_url}\nPer rifiutare: {reject_url}\n\n\
        Ogni link mostra prima ciò che verrà deciso e chiede conferma. I link funzionano solo per lei, una sola \
        volta e fino al {link_expiry}.\n\nIl ticket: {ticket_url}\n",
    deadline_line: "Decida entro il {deadline}.\n\n",
    decided_subject: "[#{number}] Validazione {outcome}: {title}",
    decided_body: "La validazione del ticket n. {number} «{title}» è stata {outcome} da {decider}.\n\n\
        Domanda: {question}\nCommento: {comment}\n\nIl ticket: {ticket_url}\n",
    accepted: "accettata",
    rejected: "rifiutata",
    note_subject: "[#{number}] Nuova risposta al suo ticket: {title}",
    note_body: "Buongiorno {name},\n\n{author} ha scritto sul suo ticket n. {number} «{title}»:\n\n{note}\n\n\
        Il ticket: {ticket_url}\n",
    change_subject: "Richiesta di modifica in attesa della sua decisione: {title}",
    change_body: "Buongiorno {name},\n\nIl suo fornitore di servizi le chiede di approvare o rifiutare una modifica \
        per {company}:\n\n{title}\n\n{description}\n\nMotivo: {reason}\nRischio: {risk}\n\
        Finestra prevista: {window}\nCosto stimato: {cost}\n\nDecida qui: {url}\n",
    risks: ["basso", "medio", "alto"],
    activation_subject: "Il suo codice di attivazione del portale",
    activation_body:
        "Buongiorno {name},\n\nqualcuno, probabilmente lei, ha chiesto l'accesso al portale per questo indirizzo dal \
        menu dell'agente di un computer. Inserisca questo codice per confermare: {code}\n\nÈ valido per {minutes} \
        minuti. Se non è stato lei, ignori questo messaggio: senza il codice non cambia nulla.\n",
    phone_sms: "Il suo codice clientdesk per verificare questo telefono: {code} (valido {minutes} min).",
    step_up_sms: "Il suo codice clientdesk per confermare un'azione sul suo computer: {code} (valido {minutes} min). Non lo condivida mai.",
    password_sms: "Password temporanea per {hostname}: {password} - acceda con questa e scelga una nuova password.",
    phone_changed_subject: "Il suo numero di telefono per il portale è cambiato",
    phone_changed_body: "Buongiorno {name},\n\nIl numero di telefono che conferma le sue azioni self-service è stato cambiato il {at} in {phone}. Per le prossime 24 ore i codici via SMS non valgono come secondo fattore.\n\nSe non è stato lei, acceda, cambi la password e avvisi subito il suo fornitore IT.",
    phone_removed_body: "Buongiorno {name},\n\nIl numero di telefono che conferma le sue azioni self-service è stato rimosso il {at}.\n\nSe non è stato lei, acceda, cambi la password e avvisi subito il suo fornitore IT.",
    invitation_subject: "{inviter} la invita al portale di {company}",
    invitation_body: "Buongiorno {name},\n\n{inviter} la invita al portale di assistenza di {company}.\n\n\
        Scelga qui la sua password per attivare l'accesso: {url}\n\nIl link funziona una sola volta e fino al \
        {expires}. Se è scaduto, chieda a {inviter} di invitarla di nuovo. Se non si aspettava questo invito, \
        ignori questo messaggio.\n",
    reset_subject: "Reimpostazione della password del portale",
    reset_body: "Buongiorno {name},\n\nQualcuno, probabilmente lei, ha chiesto di reimpostare la password del suo \
        account del portale. Scelga qui una nuova password: {url}\n\nIl link funziona una sola volta e per \
        {minutes} minuti. Al prossimo accesso le verrà comunque chiesto il secondo fattore.\n\nSe non è stato lei, \
        ignori questo messaggio: la sua password resta invariata.\n",
    email_confirmation_subject: "Confermi il suo nuovo indirizzo e-mail",
    email_confirmation_body: "Buongiorno {name},\n\nConfermi questo indirizzo per il suo account del portale aprendo \
        questo link: {url}\n\nIl link funziona una sola volta e per {hours} ore. Se non l'ha richiesto lei, ignori \
        questo messaggio: senza conferma non cambia nulla.\n",
    password_changed_subject: "La password del suo account del portale è stata cambiata",
    password_changed_body: "Buongiorno {name},\n\nLa password del suo account del portale è stata cambiata il \
        {at}.\n\nSe non è stato lei, avvisi subito il suo fornitore IT: qualcun altro potrebbe avere accesso al suo \
        account.\n",
    two_factor_reset_subject: "Il secondo fattore del suo account del portale è stato reimpostato",
    two_factor_reset_body: "Buongiorno {name},\n\nIl secondo fattore del suo account del portale è stato reimpostato \
        il {at}. Al prossimo accesso dovrà configurarlo di nuovo.\n\nSe non se lo aspettava, avvisi subito il suo \
        fornitore IT.\n",
    disabled_subject: "Il suo account del portale è stato disattivato",
    disabled_body: "Buongiorno {name},\n\nIl suo account del portale è stato disattivato il {at}: non può più \
        accedere.\n\nSe non se lo aspettava, contatti il suo fornitore IT.\n",
    enabled_subject: "Il suo account del portale è stato riattivato",
    enabled_body: "Buongiorno {name},\n\nIl suo account del portale è stato riattivato il {at}: può di nuovo \
        accedere.\n\nSe non se lo aspettava, avvisi subito il suo fornitore IT.\n",
    email_changed_subject: "L'indirizzo di accesso del suo account del portale è cambiato",
    email_changed_body: "Buongiorno {name},\n\nL'indirizzo con cui accede al portale è stato cambiato il {at} in \
        {new_email}.\n\nSe non è stato lei, avvisi subito il suo fornitore IT: qualcun altro potrebbe avere accesso \
        al suo account.\n",
    role_request_subject: "Richiesta di ruoli in attesa della sua decisione: {requester}",
    role_request_body: "Buongiorno {name},\n\n{requester} chiede altri ruoli nel portale per {company}.\n\n\
        Ruoli richiesti: {roles}\nMotivo: {reason}\n\nDecida qui: {url}\n",
    role_decided_subject: "La sua richiesta di ruoli per {company} è stata {outcome}",
    role_decided_body: "Buongiorno {name},\n\nLa sua richiesta di ruoli per {company} è stata {outcome} da \
        {decider}.\n\nRuoli richiesti: {roles}\nCommento: {comment}\n",
    role_granted: "accolta",
    role_refused: "respinta",
    webhook_disabled_subject: "Un webhook è stato disattivato",
    webhook_disabled_body: "Buongiorno,\n\nIl webhook verso {url} ({description}) è stato disattivato: ogni consegna dal {since} \
        è fallita. Ultimo errore: {error}\n\nNessun evento viene inviato finché è disattivato; le consegne \
        in attesa riprendono quando lo riattiva.\n",
};

// The texts of the ticket notices below are kept one function per message, its five languages
// together, so that each moves as one block (to a message catalogue, say).

/// `PortalTicketOpened`: (subject, body).
fn portal_ticket_texts(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => (
            "[#{number}] New ticket from {company}: {title}",
            "Hello {name},\n\n{requester} of {company} opened ticket #{number} \"{title}\" in the portal:\n\n\
            {description}\n\nThe ticket: {ticket_url}\n",
        ),
        Language::Fr => (
            "[#{number}] Nouveau ticket de {company} : {title}",
            "Bonjour {name},\n\n{requester} ({company}) a ouvert le ticket n° {number} « {title} » dans le portail :\n\n\
            {description}\n\nLe ticket : {ticket_url}\n",
        ),
        Language::De => (
            "[#{number}] Neues Ticket von {company}: {title}",
            "Hallo {name},\n\n{requester} ({company}) hat im Portal das Ticket #{number} „{title}“ eröffnet:\n\n\
            {description}\n\nZum Ticket: {ticket_url}\n",
        ),
        Language::Es => (
            "[#{number}] Nuevo ticket de {company}: {title}",
            "Hola {name}:\n\n{requester} ({company}) abrió el ticket n.º {number} «{title}» en el portal:\n\n\
            {description}\n\nEl ticket: {ticket_url}\n",
        ),
        Language::It => (
            "[#{number}] Nuovo ticket da {company}: {title}",
            "Buongiorno {name},\n\n{requester} ({company}) ha aperto il ticket n. {number} «{title}» nel portale:\n\n\
            {description}\n\nIl ticket: {ticket_url}\n",
        ),
    }
}

/// `CustomerNoteAdded`: (subject, body).
fn customer_note_texts(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => (
            "[#{number}] Customer reply: {title}",
            "Hello {name},\n\n{author} wrote on ticket #{number} \"{title}\":\n\n{note}\n\nThe ticket: {ticket_url}\n",
        ),
        Language::Fr => (
            "[#{number}] Réponse du client : {title}",
            "Bonjour {name},\n\n{author} a écrit sur le ticket n° {number} « {title} » :\n\n{note}\n\n\
            Le ticket : {ticket_url}\n",
        ),
        Language::De => (
            "[#{number}] Antwort des Kunden: {title}",
            "Hallo {name},\n\n{author} hat zum Ticket #{number} „{title}“ geschrieben:\n\n{note}\n\n\
            Zum Ticket: {ticket_url}\n",
        ),
        Language::Es => (
            "[#{number}] Respuesta del cliente: {title}",
            "Hola {name}:\n\n{author} escribió en el ticket n.º {number} «{title}»:\n\n{note}\n\n\
            El ticket: {ticket_url}\n",
        ),
        Language::It => (
            "[#{number}] Risposta del cliente: {title}",
            "Buongiorno {name},\n\n{author} ha scritto sul ticket n. {number} «{title}»:\n\n{note}\n\n\
            Il ticket: {ticket_url}\n",
        ),
    }
}

/// `CustomerAttachmentAdded`: (subject, body).
fn customer_attachment_texts(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => (
            "[#{number}] New attachment from the customer: {title}",
            "Hello {name},\n\n{author} attached \"{file_name}\" to ticket #{number} \"{title}\".\n\n\
            The ticket: {ticket_url}\n",
        ),
        Language::Fr => (
            "[#{number}] Nouvelle pièce jointe du client : {title}",
            "Bonjour {name},\n\n{author} a joint « {file_name} » au ticket n° {number} « {title} ».\n\n\
            Le ticket : {ticket_url}\n",
        ),
        Language::De => (
            "[#{number}] Neuer Anhang des Kunden: {title}",
            "Hallo {name},\n\n{author} hat „{file_name}“ an das Ticket #{number} „{title}“ angehängt.\n\n\
            Zum Ticket: {ticket_url}\n",
        ),
        Language::Es => (
            "[#{number}] Nuevo adjunto del cliente: {title}",
            "Hola {name}:\n\n{author} adjuntó «{file_name}» al ticket n.º {number} «{title}».\n\n\
            El ticket: {ticket_url}\n",
        ),
        Language::It => (
            "[#{number}] Nuovo allegato del cliente: {title}",
            "Buongiorno {name},\n\n{author} ha allegato «{file_name}» al ticket n. {number} «{title}».\n\n\
            Il ticket: {ticket_url}\n",
        ),
    }
}

/// `TicketReopened`: (subject, body).
fn reopened_texts(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => (
            "[#{number}] Reopened by the customer: {title}",
            "Hello {name},\n\n{by} reopened ticket #{number} \"{title}\".\n\nThe ticket: {ticket_url}\n",
        ),
        Language::Fr => (
            "[#{number}] Rouvert par le client : {title}",
            "Bonjour {name},\n\n{by} a rouvert le ticket n° {number} « {title} ».\n\nLe ticket : {ticket_url}\n",
        ),
        Language::De => (
            "[#{number}] Vom Kunden wiedereröffnet: {title}",
            "Hallo {name},\n\n{by} hat das Ticket #{number} „{title}“ wiedereröffnet.\n\nZum Ticket: {ticket_url}\n",
        ),
        Language::Es => (
            "[#{number}] Reabierto por el cliente: {title}",
            "Hola {name}:\n\n{by} reabrió el ticket n.º {number} «{title}».\n\nEl ticket: {ticket_url}\n",
        ),
        Language::It => (
            "[#{number}] Riaperto dal cliente: {title}",
            "Buongiorno {name},\n\n{by} ha riaperto il ticket n. {number} «{title}».\n\nIl ticket: {ticket_url}\n",
        ),
    }
}

/// The texts of `ChangeDecided`.
struct ChangeDecidedTexts {
    subject: &'static str,
    body: &'static str,
    approved: &'static str,
    rejected: &'static str,
}

fn change_decided_texts(lang: Language) -> ChangeDecidedTexts {
    match lang {
        Language::En => ChangeDecidedTexts {
            subject: "Change request {outcome}: {title}",
            body: "Hello {name},\n\nThe change request \"{title}\" for {company} was {outcome} by {decider}.\n\n\
                Comment: {comment}\n\nThe change request: {url}\n",
            approved: "approved",
            rejected: "rejected",
        },
        Language::Fr => ChangeDecidedTexts {
            subject: "Demande de changement {outcome} : {title}",
            body: "Bonjour {name},\n\nLa demande de changement « {title} » pour {company} a été {outcome} par \
                {decider}.\n\nCommentaire : {comment}\n\nLa demande : {url}\n",
            approved: "approuvée",
            rejected: "refusée",
        },
        Language::De => ChangeDecidedTexts {
            subject: "Änderungsantrag {outcome}: {title}",
            body: "Hallo {name},\n\nDer Änderungsantrag „{title}“ für {company} wurde von {decider} {outcome}.\n\n\
                Kommentar: {comment}\n\nZum Antrag: {url}\n",
            approved: "genehmigt",
            rejected: "abgelehnt",
        },
        Language::Es => ChangeDecidedTexts {
            subject: "Solicitud de cambio {outcome}: {title}",
            body: "Hola {name}:\n\nLa solicitud de cambio «{title}» para {company} fue {outcome} por {decider}.\n\n\
                Comentario: {comment}\n\nLa solicitud: {url}\n",
            approved: "aprobada",
            rejected: "rechazada",
        },
        Language::It => ChangeDecidedTexts {
            subject: "Richiesta di modifica {outcome}: {title}",
            body: "Buongiorno {name},\n\nLa richiesta di modifica «{title}» per {company} è stata {outcome} da \
                {decider}.\n\nCommento: {comment}\n\nLa richiesta: {url}\n",
            approved: "approvata",
            rejected: "respinta",
        },
    }
}

/// `TicketConfirmed`: (subject, body).
fn confirmed_texts(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => (
            "[#{number}] We received your ticket: {title}",
            "Hello {name},\n\nThank you: we received your ticket #{number} \"{title}\" and will take care of it. \
            Reply in the portal to add anything.\n\nThe ticket: {ticket_url}\n",
        ),
        Language::Fr => (
            "[#{number}] Nous avons reçu votre ticket : {title}",
            "Bonjour {name},\n\nMerci : nous avons reçu votre ticket n° {number} « {title} » et allons nous en \
            occuper. Répondez dans le portail pour le compléter.\n\nLe ticket : {ticket_url}\n",
        ),
        Language::De => (
            "[#{number}] Wir haben Ihr Ticket erhalten: {title}",
            "Hallo {name},\n\nvielen Dank: Wir haben Ihr Ticket #{number} „{title}“ erhalten und kümmern uns darum. \
            Ergänzungen schreiben Sie bitte im Portal.\n\nZum Ticket: {ticket_url}\n",
        ),
        Language::Es => (
            "[#{number}] Hemos recibido su ticket: {title}",
            "Hola {name}:\n\nGracias: hemos recibido su ticket n.º {number} «{title}» y nos ocuparemos de él. \
            Responda en el portal para añadir algo.\n\nEl ticket: {ticket_url}\n",
        ),
        Language::It => (
            "[#{number}] Abbiamo ricevuto il suo ticket: {title}",
            "Buongiorno {name},\n\ngrazie: abbiamo ricevuto il suo ticket n. {number} «{title}» e ce ne occuperemo. \
            Risponda nel portale per aggiungere qualcosa.\n\nIl ticket: {ticket_url}\n",
        ),
    }
}

/// The texts of `TicketResolved`.
struct ResolvedTexts {
    subject: &'static str,
    body: &'static str,
    resolved: &'static str,
    closed: &'static str,
    due_line: &'static str,
}

fn resolved_texts(lang: Language) -> ResolvedTexts {
    match lang {
        Language::En => ResolvedTexts {
            subject: "[#{number}] Your ticket was {outcome}: {title}",
            body: "Hello {name},\n\nYour ticket #{number} \"{title}\" was {outcome}.\n\n{due_line}\
                If something is still wrong, reply in the portal.\n\nThe ticket: {ticket_url}\n",
            resolved: "resolved",
            closed: "closed",
            due_line: "Due date: {due}\n\n",
        },
        Language::Fr => ResolvedTexts {
            subject: "[#{number}] Votre ticket a été {outcome} : {title}",
            body: "Bonjour {name},\n\nVotre ticket n° {number} « {title} » a été {outcome}.\n\n{due_line}\
                Si quelque chose ne va toujours pas, répondez dans le portail.\n\nLe ticket : {ticket_url}\n",
            resolved: "résolu",
            closed: "fermé",
            due_line: "Échéance : {due}\n\n",
        },
        Language::De => ResolvedTexts {
            subject: "[#{number}] Ihr Ticket wurde {outcome}: {title}",
            body: "Hallo {name},\n\nIhr Ticket #{number} „{title}“ wurde {outcome}.\n\n{due_line}\
                Falls noch etwas nicht stimmt, antworten Sie bitte im Portal.\n\nZum Ticket: {ticket_url}\n",
            resolved: "gelöst",
            closed: "geschlossen",
            due_line: "Fälligkeit: {due}\n\n",
        },
        Language::Es => ResolvedTexts {
            subject: "[#{number}] Su ticket ha sido {outcome}: {title}",
            body: "Hola {name}:\n\nSu ticket n.º {number} «{title}» ha sido {outcome}.\n\n{due_line}\
                Si algo sigue sin funcionar, responda en el portal.\n\nEl ticket: {ticket_url}\n",
            resolved: "resuelto",
            closed: "cerrado",
            due_line: "Fecha de vencimiento: {due}\n\n",
        },
        Language::It => ResolvedTexts {
            subject: "[#{number}] Il suo ticket è stato {outcome}: {title}",
            body: "Buongiorno {name},\n\nil suo ticket n. {number} «{title}» è stato {outcome}.\n\n{due_line}\
                Se qualcosa non va ancora, risponda nel portale.\n\nIl ticket: {ticket_url}\n",
            resolved: "risolto",
            closed: "chiuso",
            due_line: "Scadenza: {due}\n\n",
        },
    }
}

/// `TicketUpdates`: (subject, the line before the folded messages).
fn updates_texts(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => {
            ("[#{number}] {count} updates: {title}", "{count} updates on ticket #{number} \"{title}\":\n\n")
        }
        Language::Fr => (
            "[#{number}] {count} mises à jour : {title}",
            "{count} mises à jour du ticket n° {number} « {title} » :\n\n",
        ),
        Language::De => {
            ("[#{number}] {count} Neuigkeiten: {title}", "{count} Neuigkeiten zum Ticket #{number} „{title}“:\n\n")
        }
        Language::Es => {
            ("[#{number}] {count} novedades: {title}", "{count} novedades del ticket n.º {number} «{title}»:\n\n")
        }
        Language::It => (
            "[#{number}] {count} aggiornamenti: {title}",
            "{count} aggiornamenti sul ticket n. {number} «{title}»:\n\n",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_not_expanded_again() {
        assert_eq!(fill("{a} and {b}", &[("a", "{b}"), ("b", "x")]), "{b} and x");
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
    }

    /// One of each ticket notice, every optional part present.
    fn ticket_notices(now: DateTime<Utc>, parts: &[Rendered]) -> Vec<Notice<'_>> {
        vec![
            Notice::PortalTicketOpened {
                recipient: "Tom",
                number: 42,
                title: "Printer",
                company: "Contoso",
                requester: "Pat",
                description: "It jams.",
                ticket_url: "https://t",
            },
            Notice::CustomerNoteAdded {
                recipient: "Tom",
                number: 42,
                title: "Printer",
                author: "Pat",
                note: "Again.",
                ticket_url: "https://t",
            },
            Notice::CustomerAttachmentAdded {
                recipient: "Tom",
                number: 42,
                title: "Printer",
                author: "Pat",
                file_name: "jam.jpg",
                ticket_url: "https://t",
            },
            Notice::TicketReopened {
                recipient: "Tom",
                number: 42,
                title: "Printer",
                by: "Pat",
                ticket_url: "https://t",
            },
            Notice::ChangeDecided {
                recipient: "Tom",
                company: "Contoso",
                title: "Firewall",
                approved: true,
                decider: "Max",
                comment: Some("Go"),
                url: "https://c",
            },
            Notice::TicketConfirmed { recipient: "Pat", number: 42, title: "Printer", ticket_url: "https://t" },
            Notice::TicketResolved {
                recipient: "Pat",
                number: 42,
                title: "Printer",
                closed: false,
                due: Some(now),
                ticket_url: "https://t",
            },
            Notice::TicketUpdates { number: 42, title: "Printer", parts },
        ]
    }

    #[test]
    fn ticket_notices_carry_their_link_and_fold_their_parts() {
        let now = Utc::now();
        let parts = [
            Rendered { subject: "one".into(), body: "first https://t/1\n".into() },
            Rendered { subject: "two".into(), body: "second https://t/1\n".into() },
        ];
        for lang in Language::ALL {
            for notice in ticket_notices(now, &parts) {
                let r = notice.render(lang);
                assert!(r.body.contains("https://"), "{lang:?}: {}", r.body);
            }
            let folded = Notice::TicketUpdates { number: 42, title: "Printer", parts: &parts }.render(lang);
            assert!(folded.subject.contains('2') && folded.subject.contains("Printer"), "{}", folded.subject);
            assert!(folded.body.find("first") < folded.body.find("second"), "{}", folded.body);
            let single = Notice::TicketUpdates { number: 42, title: "Printer", parts: &parts[..1] }.render(lang);
            assert_eq!(single, parts[0], "one part is sent as written");
            let no_due = Notice::TicketResolved {
                recipient: "Pat",
                number: 42,
                title: "Printer",
                closed: true,
                due: None,
                ticket_url: "https://t",
            };
            assert!(!no_due.render(lang).body.contains("UTC"), "no due date line without a due date");
        }
    }

    #[test]
    fn every_language_fills_every_placeholder() {
        let now = Utc::now();
        let notices = [
            Notice::ValidationRequested {
                recipient: "Ann",
                number: 42,
                title: "Server reboot",
                question: "May we reboot tonight?",
                deadline: Some(now),
                accept_url: "https://a",
                reject_url: "https://r",
                links_expire: now,
                ticket_url: "https://t",
            },
            Notice::ValidationDecided {
                number: 42,
                title: "Server reboot",
                question: "May we reboot tonight?",
                accepted: false,
                decider: "Ann",
                comment: Some("Not tonight"),
                ticket_url: "https://t",
            },
            Notice::NoteAdded {
                recipient: "Pat",
                number: 42,
                title: "Printer",
                author: "Tom",
                note: "Fixed.",
                ticket_url: "https://t",
            },
            Notice::ActivationCode { recipient: "Sam", code: "123456", minutes: 15 },
            Notice::SmsCode { code: "123456", minutes: 10, step_up: false },
            Notice::SmsCode { code: "123456", minutes: 5, step_up: true },
            Notice::TemporaryPassword { hostname: "pc-42", password: "Tmp-42-xyz" },
            Notice::PhoneChanged { recipient: "Fred", phone: Some("+41 79 555 12 42"), at: now },
            Notice::PhoneChanged { recipient: "Fred", phone: None, at: now },
            Notice::ChangeRequested {
                recipient: "Max",
                company: "Contoso",
                title: "Firewall",
                description: "Replace it",
                reason: "End of life",
                risk: Risk::High,
                window: Some((now, now)),
                cost: Some((125_050, "EUR")),
                url: "https://c",
            },
            Notice::Invitation {
                recipient: "Fred",
                company: "Contoso",
                inviter: "Ann",
                url: "https://i/TOKEN",
                expires: now,
            },
            Notice::PasswordReset { recipient: "Fred", url: "https://p/TOKEN", minutes: 30 },
            Notice::EmailConfirmation { recipient: "Fred", url: "https://e/TOKEN", hours: 24 },
            Notice::AccountChanged { recipient: "Fred", change: AccountChange::PasswordChanged, at: now },
            Notice::AccountChanged { recipient: "Fred", change: AccountChange::TwoFactorReset, at: now },
            Notice::AccountChanged { recipient: "Fred", change: AccountChange::Disabled, at: now },
            Notice::AccountChanged { recipient: "Fred", change: AccountChange::Enabled, at: now },
            Notice::AccountChanged {
                recipient: "Fred",
                change: AccountChange::EmailChanged { new_email: "fred@new.example" },
                at: now,
            },
            Notice::RoleChangeRequested {
                recipient: "Fred",
                requester: "Pat",
                company: "Contoso",
                roles: "Approver",
                reason: "Stand-in",
                url: "https://r/5",
            },
            Notice::RoleChangeDecided {
                recipient: "Fred",
                company: "Contoso",
                roles: "Approver",
                granted: true,
                decider: "Ann",
                comment: Some("Fine"),
            },
            Notice::RoleChangeDecided {
                recipient: "Fred",
                company: "Contoso",
                roles: "Approver",
                granted: false,
                decider: "Ann",
                comment: None,
            },
        ];
        let parts = [
            Rendered { subject: "one".into(), body: "first".into() },
            Rendered { subject: "two".into(), body: "second".into() },
        ];
        let notices: Vec<Notice<'_>> = notices.into_iter().chain(ticket_notices(now, &parts)).collect();
        for lang in Language::ALL {
            for notice in &notices {
                let r = notice.render(lang);
                for text in [&r.subject, &r.body] {
                    assert!(!text.contains('{'), "{lang:?}: unfilled placeholder in {text}");
                }
                assert!(
                    r.subject.contains("42")
                        || r.subject.contains("Firewall")
                        || r.subject.contains("123456")
                        || r.body.contains("123456")
                        || r.body.contains("Tmp-42-xyz")
                        || r.body.contains("Fred")
                );
                assert!(!r.body.contains("555"), "a phone number is masked");
                assert!(!r.subject.contains("https://") && !r.subject.contains("TOKEN"), "{lang:?}: {}", r.subject);
            }
        }
        for lang in Language::ALL {
            for (index, url) in [(10, "https://i/TOKEN"), (11, "https://p/TOKEN"), (12, "https://e/TOKEN")] {
                let r = notices[index].render(lang);
                assert!(r.body.contains(url), "{lang:?}: {}", r.body);
            }
            assert!(notices[17].render(lang).body.contains("fred@new.example"));
            assert!(notices[18].render(lang).body.contains("https://r/5"));
            assert_ne!(notices[19].render(lang).subject, notices[20].render(lang).subject);
        }
        let fr = notices[9].render(Language::Fr);
        assert!(fr.body.contains("1250.50 EUR") && fr.body.contains("élevé"), "{}", fr.body);
    }
}

/// Every template written out for one fixed input in every language, so a change of wording or
/// layout shows in review as a diff of `src/snapshots/`.
#[cfg(test)]
mod template_snapshots {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 14, hour, 30, 0).single().expect("a valid fixed time")
    }

    fn templates() -> Vec<(&'static str, Notice<'static>)> {
        vec![
            (
                "validation_requested",
                Notice::ValidationRequested {
                    recipient: "Ann Approver",
                    number: 42,
                    title: "Server reboot",
                    question: "May we reboot the file server tonight?",
                    deadline: Some(at(18)),
                    accept_url: "https://portal.example/api/v1/decision-links/ACCEPT-TOKEN",
                    reject_url: "https://portal.example/api/v1/decision-links/REJECT-TOKEN",
                    links_expire: at(20),
                    ticket_url: "https://portal.example/tickets/42",
                },
            ),
            (
                "validation_decided",
                Notice::ValidationDecided {
                    number: 42,
                    title: "Server reboot",
                    question: "May we reboot the file server tonight?",
                    accepted: false,
                    decider: "Ann Approver",
                    comment: Some("Not tonight, the month-end run is on."),
                    ticket_url: "https://portal.example/tickets/42",
                },
            ),
            (
                "note_added",
                Notice::NoteAdded {
                    recipient: "Pat User",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    author: "Tom Tech",
                    note: "The fuser is replaced; please try again.",
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            ("activation_code", Notice::ActivationCode { recipient: "Sam Subsidiary", code: "123456", minutes: 15 }),
            ("sms_phone_code", Notice::SmsCode { code: "654321", minutes: 10, step_up: false }),
            ("sms_step_up_code", Notice::SmsCode { code: "654321", minutes: 5, step_up: true }),
            ("sms_temporary_password", Notice::TemporaryPassword { hostname: "pc-042", password: "Tmp-42-xyz" }),
            (
                "phone_changed",
                Notice::PhoneChanged { recipient: "Fred Fabrikam", phone: Some("+41 79 555 12 42"), at: at(9) },
            ),
            ("phone_removed", Notice::PhoneChanged { recipient: "Fred Fabrikam", phone: None, at: at(9) }),
            (
                "change_requested",
                Notice::ChangeRequested {
                    recipient: "Max Changes",
                    company: "Contoso Ltd",
                    title: "Replace the firewall",
                    description: "The old appliance is swapped for a new one.",
                    reason: "The old one reaches its end of life.",
                    risk: Risk::Medium,
                    window: Some((at(20), at(22))),
                    cost: Some((125_050, "EUR")),
                    url: "https://portal.example/change-requests/3",
                },
            ),
            (
                "invitation",
                Notice::Invitation {
                    recipient: "Ina Invitee",
                    company: "Contoso Ltd",
                    inviter: "Ann Approver",
                    url: "https://portal.example/invitations/INVITE-TOKEN",
                    expires: at(20),
                },
            ),
            (
                "password_reset",
                Notice::PasswordReset {
                    recipient: "Pat User",
                    url: "https://portal.example/password-reset/RESET-TOKEN",
                    minutes: 30,
                },
            ),
            (
                "email_confirmation",
                Notice::EmailConfirmation {
                    recipient: "Pat User",
                    url: "https://portal.example/email-confirmations/CONFIRM-TOKEN",
                    hours: 24,
                },
            ),
            (
                "account_password_changed",
                Notice::AccountChanged { recipient: "Pat User", change: AccountChange::PasswordChanged, at: at(9) },
            ),
            (
                "account_two_factor_reset",
                Notice::AccountChanged { recipient: "Pat User", change: AccountChange::TwoFactorReset, at: at(9) },
            ),
            (
                "account_disabled",
                Notice::AccountChanged { recipient: "Pat User", change: AccountChange::Disabled, at: at(9) },
            ),
            (
                "account_enabled",
                Notice::AccountChanged { recipient: "Pat User", change: AccountChange::Enabled, at: at(9) },
            ),
            (
                "account_email_changed",
                Notice::AccountChanged {
                    recipient: "Pat User",
                    change: AccountChange::EmailChanged { new_email: "pat.user@contoso.example" },
                    at: at(9),
                },
            ),
            (
                "role_change_requested",
                Notice::RoleChangeRequested {
                    recipient: "Ann Approver",
                    requester: "Pat User",
                    company: "Contoso Ltd",
                    roles: "Approver, Change manager",
                    reason: "I stand in for Ann during her leave.",
                    url: "https://portal.example/role-requests/5",
                },
            ),
            (
                "role_change_granted",
                Notice::RoleChangeDecided {
                    recipient: "Pat User",
                    company: "Contoso Ltd",
                    roles: "Approver, Change manager",
                    granted: true,
                    decider: "Ann Approver",
                    comment: Some("Until the end of April."),
                },
            ),
            (
                "role_change_refused",
                Notice::RoleChangeDecided {
                    recipient: "Pat User",
                    company: "Contoso Ltd",
                    roles: "Approver, Change manager",
                    granted: false,
                    decider: "Ann Approver",
                    comment: None,
                },
            ),
            (
                "portal_ticket_opened",
                Notice::PortalTicketOpened {
                    recipient: "Tom Tech",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    company: "Contoso Ltd",
                    requester: "Pat User",
                    description: "It jams on every second page.",
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            (
                "customer_note_added",
                Notice::CustomerNoteAdded {
                    recipient: "Tom Tech",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    author: "Pat User",
                    note: "It jammed again at 10:15.",
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            (
                "customer_attachment_added",
                Notice::CustomerAttachmentAdded {
                    recipient: "Tom Tech",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    author: "Pat User",
                    file_name: "jam.jpg",
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            (
                "ticket_reopened",
                Notice::TicketReopened {
                    recipient: "Tom Tech",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    by: "Pat User",
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            (
                "change_decided",
                Notice::ChangeDecided {
                    recipient: "Tom Tech",
                    company: "Contoso Ltd",
                    title: "Replace the firewall",
                    approved: false,
                    decider: "Max Changes",
                    comment: Some("Not before the audit."),
                    url: "https://portal.example/change-requests/3",
                },
            ),
            (
                "ticket_confirmed",
                Notice::TicketConfirmed {
                    recipient: "Pat User",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            (
                "ticket_resolved",
                Notice::TicketResolved {
                    recipient: "Pat User",
                    number: 7,
                    title: "Printer on floor 2 jams",
                    closed: false,
                    due: Some(at(17)),
                    ticket_url: "https://portal.example/tickets/7",
                },
            ),
            (
                "webhook_disabled",
                Notice::WebhookDisabled {
                    url: "https://psa.example/hooks/clientdesk",
                    description: "PSA ticket sync",
                    since: at(9),
                    last_error: "the webhook answered 503 Service Unavailable",
                },
            ),
        ]
    }

    #[test]
    fn every_template_in_every_language() {
        for lang in Language::ALL {
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_suffix(lang.as_str());
            settings.bind(|| {
                for (name, notice) in templates() {
                    let Rendered { subject, body } = notice.render(lang);
                    // SMS have no subject; text is the only body clientdesk writes (no HTML part).
                    let subject = if subject.is_empty() { "(none: SMS)".to_owned() } else { subject };
                    insta::assert_snapshot!(name, format!("Subject: {subject}\n--- text/plain ---\n{body}"));
                }
            });
        }
    }
}
