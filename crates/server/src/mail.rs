//! E-mail: plain-text UTF-8 messages sent over SMTP, or written as `.eml` files (the default
//! when no SMTP host is configured, so a newcomer reads the mail in `./data/mail`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same host or a test sink.
    None,
    /// Upgrade a plain connection with STARTTLS (usually port 587); refuses servers without it.
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpTls {
    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "none" => Some(Self::None),
            "starttls" => Some(Self::Starttls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::Starttls => 587,
            Self::Tls => 465,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// User name and password, when the relay asks for them.
    pub credentials: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub enum MailTransport {
    Smtp(SmtpSettings),
    /// One `.eml` file per message in this directory.
    Files(PathBuf),
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub transport: MailTransport,
    /// The `From` of every message, e.g. `Help Desk <help@msp.example>`.
    pub from: String,
}

impl MailConfig {
    /// Plain SMTP to a relay without authentication (a local relay, or the test sink).
    pub fn plain_smtp(host: &str, port: u16) -> Self {
        Self {
            transport: MailTransport::Smtp(SmtpSettings {
                host: host.to_owned(),
                port,
                tls: SmtpTls::None,
                credentials: None,
            }),
            from: DEFAULT_FROM.to_owned(),
        }
    }
}

pub const DEFAULT_FROM: &str = "clientdesk <clientdesk@localhost>";

/// One e-mail to send.
#[derive(Debug, Clone, Copy)]
pub struct Email<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// A language tag such as `fr`, sent as `Content-Language`.
    pub language: Option<&'a str>,
}

/// Why a message was not sent. Permanent failures (an invalid address, a 5xx answer) will not
/// succeed by trying again.
#[derive(Debug, Clone)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: false }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: true }
    }
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// Connections kept open to the relay: a worker sends a batch concurrently.
const SMTP_POOL_SIZE: u32 = 16;
/// Per SMTP command; well within the outbox lease, so a message is never sent twice because its
/// first delivery was slow.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Self> {
        let from: Mailbox =
            config.from.parse().with_context(|| format!("the mail sender {:?} is not an address", config.from))?;
        let transport = match &config.transport {
            MailTransport::Smtp(smtp) => {
                let builder = match smtp.tls {
                    SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
                    SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                        .with_context(|| format!("SMTP host {}", smtp.host))?,
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                        .with_context(|| format!("SMTP host {}", smtp.host))?,
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(PoolConfig::new().max_size(SMTP_POOL_SIZE));
                if let Some((user, password)) = &smtp.credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Transport::Smtp(builder.build())
            }
            MailTransport::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the mail directory {}", dir.display()))?;
                Transport::Files(AsyncFileTransport::new(dir))
            }
        };
        Ok(Self { transport, from })
    }

    pub async fn send(&self, email: Email<'_>) -> Result<(), SendError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| SendError::permanent(format!("the recipient {:?} is not an address: {e}", email.to)))?;
        let mut builder =
            Message::builder().from(self.from.clone()).to(to).subject(email.subject).header(ContentType::TEXT_PLAIN);
        if let Some(language) = email.language.and_then(ContentLanguage::tag) {
            builder = builder.header(language);
        }
        let message = builder
            .body(email.body.to_owned())
            .map_err(|e| SendError::permanent(format!("cannot build the message: {e}")))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError { message: format!("SMTP: {e}"), permanent: e.is_permanent() }),
            Transport::Files(files) => {
                files.send(message).await.map(drop).map_err(|e| SendError::transient(format!("mail file: {e}")))
            }
        }
    }
}

/// `Content-Language` (RFC 3282), which lettre does not define.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl ContentLanguage {
    /// Only well-formed tags (`fr`, `de-CH`) make it into a header.
    fn tag(language: &str) -> Option<Self> {
        let well_formed = (1..=35).contains(&language.len())
            && language
                .split('-')
                .all(|part| (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric()));
        well_formed.then(|| Self(language.to_owned()))
    }
}

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Self::tag(s.trim()).ok_or_else(|| format!("not a language tag: {s:?}").into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_language_tags_become_headers() {
        assert!(ContentLanguage::tag("fr").is_some());
        assert!(ContentLanguage::tag("de-CH").is_some());
        for bad in ["", "fr\r\nBcc: x@example.com", "fr ch", "-fr", "toolongpart"] {
            assert!(ContentLanguage::tag(bad).is_none(), "{bad:?}");
        }
    }
}
