//! Webhooks to the RMM: the message's JSON body POSTed to the integration's URL and signed like
//! the RMM's own callbacks: `X-Clientdesk-Timestamp` and `X-Clientdesk-Signature: sha256=<hex
//! HMAC-SHA256 of "<timestamp>.<body>">` under the tenant's current secret. Both are made at each
//! attempt, so a retry is not refused as stale and a rotated secret counts at once.
//!
//! Also the HTTP client and the classification of answers that the SMS gateway shares.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use clientdesk_http::auth::secrets::hmac_hex;
use clientdesk_http::routes::selfservice::{signed_payload, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;

use crate::mail::SendError;

/// A whole request, connection and answer included: well within the outbox lease, so a message
/// is never sent twice because its first delivery was slow.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of a refusal's body is kept in the message's `last_error`.
const ANSWER_EXCERPT_CHARS: usize = 200;

/// The client of the webhook and SMS-gateway transports. It follows no redirect: reqwest would
/// replay a POST as a GET, and a signed request belongs at the configured address only.
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("clientdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("building the HTTP client")
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
    let answer: String = response.text().await.unwrap_or_default().chars().take(ANSWER_EXCERPT_CHARS).collect();
    let message = match answer.trim() {
        "" => format!("{what} answered {status}"),
        answer => format!("{what} answered {status}: {answer}"),
    };
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
    client: reqwest::Client,
}

impl Webhooks {
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// POSTs `body` (JSON) to `url`, signed under `secret`.
    pub async fn send(&self, url: &str, secret: &str, body: &str) -> Result<(), SendError> {
        let url = parse_url("the webhook URL", url)?;
        let timestamp = Utc::now().timestamp();
        let signature = hmac_hex(secret.as_bytes(), &signed_payload(timestamp, body.as_bytes()));
        let sent = self
            .client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, format!("sha256={signature}"))
            .body(body.to_owned())
            .send()
            .await;
        outcome("the webhook", sent).await
    }
}
