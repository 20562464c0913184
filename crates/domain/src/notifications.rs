//! The e-mails clientdesk sends, in the recipient's language (en, fr, de, es, it).
//!
//! The texts are messages of the catalogue (`crate::i18n`, `locales/{lang}/notifications.ftl`);
//! a variant picks its messages and passes its values as arguments, which are never expanded again
//! (a title that contains `{ $question }` is sent as written).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::approvals::Risk;
use crate::i18n::{self, Arg};
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
    /// To each approver of the company: a warranty or licence ends within 30 days (sent once).
    EntitlementExpiring {
        recipient: &'a str,
        company: &'a str,
        licence: bool,
        product: &'a str,
        /// The device it covers, if any.
        asset: Option<&'a str>,
        expires_on: chrono::NaiveDate,
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
        let text = |id: &str, args: &[(&str, Arg<'_>)]| i18n::text(lang, id, args);
        // Mails end with a line break; SMS do not.
        let mail = |subject: &str, body: &str, args: &[(&str, Arg<'_>)]| Rendered {
            subject: text(subject, args),
            body: format!("{}\n", text(body, args)),
        };
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
                let deadline_line = deadline
                    .map(|d| format!("{}\n\n", text("validation-requested-deadline", &[("deadline", when(d).into())])))
                    .unwrap_or_default();
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("question", (*question).into()),
                    ("deadline_line", deadline_line.into()),
                    ("accept_url", (*accept_url).into()),
                    ("reject_url", (*reject_url).into()),
                    ("link_expiry", when(*links_expire).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("validation-requested-subject", "validation-requested-body", &args)
            }
            Self::ValidationDecided { number, title, question, accepted, decider, comment, ticket_url } => {
                let outcome = text(if *accepted { "validation-accepted" } else { "validation-rejected" }, &[]);
                let args = [
                    ("number", Arg::from(number.to_string())),
                    ("title", (*title).into()),
                    ("question", (*question).into()),
                    ("outcome", outcome.into()),
                    ("decider", (*decider).into()),
                    ("comment", comment.unwrap_or("—").into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("validation-decided-subject", "validation-decided-body", &args)
            }
            Self::NoteAdded { recipient, number, title, author, note, ticket_url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("author", (*author).into()),
                    ("note", (*note).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("note-added-subject", "note-added-body", &args)
            }
            Self::ActivationCode { recipient, code, minutes } => {
                let args = [("name", Arg::from(*recipient)), ("code", (*code).into()), ("minutes", (*minutes).into())];
                mail("activation-code-subject", "activation-code-body", &args)
            }
            Self::SmsCode { code, minutes, step_up } => {
                let args = [("code", Arg::from(*code)), ("minutes", (*minutes).into())];
                let id = if *step_up { "sms-step-up-code" } else { "sms-phone-code" };
                Rendered { subject: String::new(), body: text(id, &args) }
            }
            Self::TemporaryPassword { hostname, password } => {
                let args = [("hostname", Arg::from(*hostname)), ("password", (*password).into())];
                Rendered { subject: String::new(), body: text("sms-temporary-password", &args) }
            }
            Self::PhoneChanged { recipient, phone, at } => {
                let args = [("name", Arg::from(*recipient)), ("at", when(*at).into())];
                match phone {
                    Some(phone) => {
                        let args = [args[0].clone(), args[1].clone(), ("phone", masked_phone(phone).into())];
                        mail("phone-changed-subject", "phone-changed-body", &args)
                    }
                    None => mail("phone-changed-subject", "phone-removed-body", &args),
                }
            }
            Self::ChangeRequested { recipient, company, title, description, reason, risk, window, cost, url } => {
                let window =
                    window.map_or_else(|| "—".to_owned(), |(from, to)| format!("{} – {}", when(from), when(to)));
                let cost = cost.map_or_else(|| "—".to_owned(), |(cents, currency)| money(cents, currency));
                let risk = match risk {
                    Risk::Low => "change-risk-low",
                    Risk::Medium => "change-risk-medium",
                    Risk::High => "change-risk-high",
                };
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("company", (*company).into()),
                    ("title", (*title).into()),
                    ("description", (*description).into()),
                    ("reason", (*reason).into()),
                    ("risk", text(risk, &[]).into()),
                    ("window", window.into()),
                    ("cost", cost.into()),
                    ("url", (*url).into()),
                ];
                mail("change-requested-subject", "change-requested-body", &args)
            }
            Self::Invitation { recipient, company, inviter, url, expires } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("company", (*company).into()),
                    ("inviter", (*inviter).into()),
                    ("url", (*url).into()),
                    ("expires", when(*expires).into()),
                ];
                mail("invitation-subject", "invitation-body", &args)
            }
            Self::PasswordReset { recipient, url, minutes } => {
                let args = [("name", Arg::from(*recipient)), ("url", (*url).into()), ("minutes", (*minutes).into())];
                mail("password-reset-subject", "password-reset-body", &args)
            }
            Self::EmailConfirmation { recipient, url, hours } => {
                let args = [("name", Arg::from(*recipient)), ("url", (*url).into()), ("hours", (*hours).into())];
                mail("email-confirmation-subject", "email-confirmation-body", &args)
            }
            Self::AccountChanged { recipient, change, at } => {
                let (subject, body, new_email) = match change {
                    AccountChange::PasswordChanged => {
                        ("account-password-changed-subject", "account-password-changed-body", "")
                    }
                    AccountChange::TwoFactorReset => {
                        ("account-two-factor-reset-subject", "account-two-factor-reset-body", "")
                    }
                    AccountChange::Disabled => ("account-disabled-subject", "account-disabled-body", ""),
                    AccountChange::Enabled => ("account-enabled-subject", "account-enabled-body", ""),
                    AccountChange::EmailChanged { new_email } => {
                        ("account-email-changed-subject", "account-email-changed-body", *new_email)
                    }
                };
                let args = [("name", Arg::from(*recipient)), ("at", when(*at).into()), ("new_email", new_email.into())];
                mail(subject, body, &args)
            }
            Self::RoleChangeRequested { recipient, requester, company, roles, reason, url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("requester", (*requester).into()),
                    ("company", (*company).into()),
                    ("roles", (*roles).into()),
                    ("reason", (*reason).into()),
                    ("url", (*url).into()),
                ];
                mail("role-change-requested-subject", "role-change-requested-body", &args)
            }
            Self::RoleChangeDecided { recipient, company, roles, granted, decider, comment } => {
                let outcome = text(if *granted { "role-change-granted" } else { "role-change-refused" }, &[]);
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("company", (*company).into()),
                    ("roles", (*roles).into()),
                    ("outcome", outcome.into()),
                    ("decider", (*decider).into()),
                    ("comment", comment.unwrap_or("—").into()),
                ];
                mail("role-change-decided-subject", "role-change-decided-body", &args)
            }
            Self::PortalTicketOpened { recipient, number, title, company, requester, description, ticket_url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("company", (*company).into()),
                    ("requester", (*requester).into()),
                    ("description", (*description).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("portal-ticket-subject", "portal-ticket-body", &args)
            }
            Self::CustomerNoteAdded { recipient, number, title, author, note, ticket_url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("author", (*author).into()),
                    ("note", (*note).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("customer-note-subject", "customer-note-body", &args)
            }
            Self::CustomerAttachmentAdded { recipient, number, title, author, file_name, ticket_url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("author", (*author).into()),
                    ("file_name", (*file_name).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("customer-attachment-subject", "customer-attachment-body", &args)
            }
            Self::TicketReopened { recipient, number, title, by, ticket_url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("by", (*by).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("ticket-reopened-subject", "ticket-reopened-body", &args)
            }
            Self::ChangeDecided { recipient, company, title, approved, decider, comment, url } => {
                let outcome = text(if *approved { "change-decided-approved" } else { "change-decided-rejected" }, &[]);
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("company", (*company).into()),
                    ("title", (*title).into()),
                    ("outcome", outcome.into()),
                    ("decider", (*decider).into()),
                    ("comment", comment.unwrap_or("—").into()),
                    ("url", (*url).into()),
                ];
                mail("change-decided-subject", "change-decided-body", &args)
            }
            Self::TicketConfirmed { recipient, number, title, ticket_url } => {
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("ticket-confirmed-subject", "ticket-confirmed-body", &args)
            }
            Self::TicketResolved { recipient, number, title, closed, due, ticket_url } => {
                let outcome = text(if *closed { "ticket-resolved-closed" } else { "ticket-resolved-resolved" }, &[]);
                // The catalogue trims a message's trailing blank line: the paragraph break is added here.
                let due_line = due
                    .map(|d| format!("{}\n\n", text("ticket-resolved-due-line", &[("due", when(d).into())])))
                    .unwrap_or_default();
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("number", number.to_string().into()),
                    ("title", (*title).into()),
                    ("outcome", outcome.into()),
                    ("due_line", due_line.into()),
                    ("ticket_url", (*ticket_url).into()),
                ];
                mail("ticket-resolved-subject", "ticket-resolved-body", &args)
            }
            Self::TicketUpdates { number, title, parts } => {
                if let [only] = parts {
                    return only.clone();
                }
                let args = [
                    ("number", Arg::from(number.to_string())),
                    ("title", (*title).into()),
                    ("count", parts.len().to_string().into()),
                ];
                let bodies: Vec<&str> = parts.iter().map(|p| p.body.trim_end()).collect();
                let body =
                    format!("{}\n\n{}\n", text("ticket-updates-intro", &args), bodies.join("\n\n----------\n\n"));
                Rendered { subject: text("ticket-updates-subject", &args), body }
            }
            Self::EntitlementExpiring { recipient, company, licence, product, asset, expires_on } => {
                let kind = text(if *licence { "entitlement-licence" } else { "entitlement-warranty" }, &[]);
                let args = [
                    ("name", Arg::from(*recipient)),
                    ("company", (*company).into()),
                    ("kind", kind.into()),
                    ("product", (*product).into()),
                    ("asset", asset.unwrap_or("—").into()),
                    ("expires_on", expires_on.format("%Y-%m-%d").to_string().into()),
                ];
                mail("entitlement-expiring-subject", "entitlement-expiring-body", &args)
            }
            Self::WebhookDisabled { url, description, since, last_error } => {
                let args = [
                    ("url", Arg::from(*url)),
                    ("description", (if description.is_empty() { "—" } else { description }).into()),
                    ("since", when(*since).into()),
                    ("error", (*last_error).into()),
                ];
                mail("webhook-disabled-subject", "webhook-disabled-body", &args)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_not_expanded_again() {
        let note = Notice::NoteAdded {
            recipient: "Pat",
            number: 7,
            title: "{ $note } and {note}",
            author: "{ $name }",
            note: "x",
            ticket_url: "https://t",
        };
        let r = note.render(Language::En);
        assert_eq!(r.subject, "[#7] New reply on your ticket: { $note } and {note}");
        assert!(r.body.contains("{ $name } wrote on your ticket #7 \"{ $note } and {note}\""), "{}", r.body);
        assert!(!r.body.contains('\u{2068}'), "no bidi isolation marks in plain text");
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
            (
                "entitlement_expiring",
                Notice::EntitlementExpiring {
                    recipient: "Ann Approver",
                    company: "Contoso Ltd",
                    licence: true,
                    product: "ESET Protect",
                    asset: Some("pc-pat.contoso.local"),
                    expires_on: chrono::NaiveDate::from_ymd_opt(2027, 1, 6).unwrap(),
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
