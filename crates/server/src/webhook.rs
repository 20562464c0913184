//! Webhooks to the RMM: the message's JSON body POSTed to the integration's URL and signed like
//! the RMM's own callbacks: `X-Clientdesk-Timestamp` and `X-Clientdesk-Signature: sha256=<hex
//! HMAC-SHA256 of "<timestamp>.<body>">` under the tenant's current secret. Both are made at each
//! attempt, so a retry is not refused as stale and a rotated secret counts at once.
//!
//! The target is checked at each delivery as when it was configured (`clientdesk_app::webhook_target`):
//! unless the tenant allows its own network, an address literal must be public and a host name
//! is resolved by a resolver that drops non-public addresses, so a name that turns private later
//! (DNS rebinding) reaches nothing.
//!
//! Also the HTTP client and the classification of answers that the SMS gateway shares. A refusal
//! keeps only the answer's status: its body is the receiver's, and may echo what it was sent.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use clientdesk_app::crypto::secrets::hmac_hex;
use clientdesk_app::webhook_target;
use clientdesk_http::routes::selfservice::{signed_payload, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;

use crate::mail::SendError;

/// A whole request, connection and answer included: well within the outbox lease, so a message
/// is never sent twice because its first delivery was slow.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The client of the webhook and SMS-gateway transports. It follows no redirect: reqwest would
/// replay a POST as a GET, and a signed request belongs at the configured address only.
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    builder().build().context("building the HTTP client")
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("clientdesk/", env!("CARGO_PKG_VERSION")))
}

/// Resolves host names to their public addresses only; a name with none fails to connect.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| clientdesk_domain::targets::is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{} resolves to no public address", name.as_str()).into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// An `http` or `https` URL, or a permanent failure: a bad address does not heal by waiting.
pub(crate) fn parse_url(what: &str, url: &str) -> Result<reqwest::Url, SendError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(parsed),
        Ok(_) => Err(SendError::permanent(format!("{what} {url:?} is not an http(s) URL"))),
        Err(e) => Err(SendError::permanent(format!("{what} {url:?} is not a URL: {e}"))),
    }
}

/// How an HTTP delivery ended: a 2xx answer delivered it; 429, 5xx, timeouts and connection
/// failures may pass on a later attempt; any other answer (a 4xx, a redirect) will not.
pub(crate) async fn outcome(what: &str, sent: Result<reqwest::Response, reqwest::Error>) -> Result<(), SendError> {
    let response = match sent {
        Ok(response) => response,
        // The URL is left out: a gateway's may carry a key in its query.
        Err(e) => return Err(SendError::transient(format!("{what}: {}", chain(&e.without_url())))),
    };
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let message = format!("{what} answered {status}");
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        Err(SendError::transient(message))
    } else {
        Err(SendError::permanent(message))
    }
}

/// An error with its causes ("error sending request: ... : Connection refused").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

pub struct Webhooks {
    /// For tenants that allow their own network.
    client: reqwest::Client,
    /// For every other tenant: reaches public addresses only.
    public: reqwest::Client,
}

impl Webhooks {
    /// `client` serves tenants that allow private targets; a client that reaches public
    /// addresses only is built beside it for the others.
    pub fn new(client: reqwest::Client) -> anyhow::Result<Self> {
        let public = builder().dns_resolver(Arc::new(PublicOnly)).build().context("building the webhook client")?;
        Ok(Self { client, public })
    }

    /// The URL parsed and the client that may reach it: a private address only when
    /// `allow_private`.
    fn target(&self, url: &str, allow_private: bool) -> Result<(&reqwest::Client, reqwest::Url), SendError> {
        let url = webhook_target::parse(url).map_err(|why| SendError::permanent(format!("the webhook URL {why}")))?;
        if allow_private {
            return Ok((&self.client, url));
        }
        // A literal address is not resolved, so the resolver cannot drop it: judge it here.
        let addresses: Vec<_> = webhook_target::literal_ip(&url).into_iter().collect();
        if let Err(why) = webhook_target::judge(&url, &addresses, false) {
            return Err(SendError::permanent(format!("not sent: the webhook URL {why}")));
        }
        Ok((&self.public, url))
    }

    /// POSTs `body` (JSON) to `url`, signed under `secret`; to a private address only when
    /// `allow_private`.
    pub async fn send(&self, url: &str, secret: &str, body: &str, allow_private: bool) -> Result<(), SendError> {
        let (client, url) = self.target(url, allow_private)?;
        let timestamp = Utc::now().timestamp();
        let signature = hmac_hex(secret.as_bytes(), &signed_payload(timestamp, body.as_bytes()));
        let sent = client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, format!("sha256={signature}"))
            .body(body.to_owned())
            .send()
            .await;
        outcome("the webhook", sent).await
    }

    /// POSTs a Standard Webhooks message to `url`: `body` with the `webhook-id`,
    /// `webhook-timestamp` and `webhook-signature` headers (`signatures`: one or more `v1,<...>`,
    /// space-separated). Returns the answer's status, when one came, with the outcome.
    pub async fn send_standard(
        &self,
        url: &str,
        headers: &StandardHeaders<'_>,
        body: &str,
        allow_private: bool,
    ) -> (Option<u16>, Result<(), SendError>) {
        let (client, url) = match self.target(url, allow_private) {
            Ok(target) => target,
            Err(refused) => return (None, Err(refused)),
        };
        let sent = client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", headers.id)
            .header("webhook-timestamp", headers.timestamp.to_string())
            .header("webhook-signature", headers.signatures)
            .body(body.to_owned())
            .send()
            .await;
        let status = sent.as_ref().ok().map(|r| r.status().as_u16());
        (status, outcome("the webhook", sent).await)
    }
}

/// The headers of a Standard Webhooks message.
pub struct StandardHeaders<'a> {
    pub id: &'a str,
    pub timestamp: i64,
    pub signatures: &'a str,
}
