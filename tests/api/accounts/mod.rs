//! Accounts: invitations and the credential life cycle, each customer administering its own
//! logins, and the company directory (domains, contacts, sign-in log, staff). The mails are
//! read from a local SMTP server, as a user's mailbox would receive them.

mod directory;
mod lifecycle;
mod portal_admin;
mod role_requests;

use clientdesk_devtools::smtp_sink::SmtpSink;

use crate::harness::{Backend, TestApp};
use crate::outbox::{eventually, with_sink};

/// A server delivering its mail to a local SMTP sink.
pub async fn with_mailbox(backend: Backend) -> (TestApp, SmtpSink) {
    with_sink(backend, |_| {}).await
}

/// The (subject, text body) of every mail delivered to `to`, oldest first.
pub fn inbox(sink: &SmtpSink, to: &str) -> Vec<(String, String)> {
    sink.received()
        .into_iter()
        .filter(|m| m.to.iter().any(|r| r == to))
        .map(|m| {
            let mail = mail_parser::MessageParser::default().parse(&m.data).expect("a parsable message");
            let subject = mail.subject().unwrap_or_default().to_owned();
            let body = mail.body_text(0).map(|b| b.replace("\r\n", "\n")).unwrap_or_default();
            (subject, body)
        })
        .collect()
}

/// Waits for the `nth` (0-based) mail to `to` whose body links to the account page `page`
/// (`set-password`, `reset-password`, `confirm-email`) and returns the link's token.
pub async fn link_token(sink: &SmtpSink, to: &str, page: &str, nth: usize) -> String {
    let marker = format!("/{page}#token=");
    eventually(&format!("mail {nth} to {to} linking to {page}"), || {
        let found = inbox(sink, to)
            .into_iter()
            .filter_map(|(_, body)| {
                let at = body.find(&marker)?;
                let token = &body[at + marker.len()..];
                Some(token.split(|c: char| c.is_whitespace()).next().unwrap_or_default().to_owned())
            })
            .nth(nth);
        async move { found }
    })
    .await
}
