//! SMS: through an HTTP gateway (`POST {"to": ..., "text": ...}` as JSON, with an optional bearer
//! token), or written as one `.txt` file per message (the default when no gateway is
//! configured, so a laptop reads its SMS in `./data/sms`).

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;

use crate::mail::SendError;
use crate::webhook::{outcome, parse_url};

#[derive(Clone)]
pub struct SmsGateway {
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

#[derive(Clone)]
pub enum SmsTransport {
    Gateway(SmsGateway),
    /// One `.txt` file per message in this directory.
    Files(PathBuf),
}

enum Transport {
    Gateway { client: reqwest::Client, url: reqwest::Url, token: Option<String> },
    Files(PathBuf),
}

pub struct SmsSender {
    transport: Transport,
}

impl SmsSender {
    pub fn new(transport: &SmsTransport, client: reqwest::Client) -> anyhow::Result<Self> {
        let transport = match transport {
            SmsTransport::Gateway(gateway) => Transport::Gateway {
                client,
                url: parse_url("the SMS gateway URL", &gateway.url).map_err(|e| anyhow::anyhow!(e.message))?,
                token: gateway.token.clone(),
            },
            SmsTransport::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the SMS directory {}", dir.display()))?;
                Transport::Files(dir.clone())
            }
        };
        Ok(Self { transport })
    }

    pub async fn send(&self, to: &str, text: &str) -> Result<(), SendError> {
        match &self.transport {
            Transport::Gateway { client, url, token } => {
                let mut request = client.post(url.clone()).json(&serde_json::json!({ "to": to, "text": text }));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                outcome("the SMS gateway", request.send().await).await
            }
            Transport::Files(dir) => {
                let name = format!("{}-{}", Utc::now().format("%Y%m%dT%H%M%S%.3fZ"), uuid::Uuid::new_v4());
                let (partial, done) = (dir.join(format!("{name}.tmp")), dir.join(format!("{name}.txt")));
                let content = format!("To: {to}\n\n{text}\n");
                // Written aside, then renamed: a reader of the directory never sees half a message.
                let written = tokio::task::spawn_blocking(move || {
                    std::fs::write(&partial, content)?;
                    std::fs::rename(&partial, &done)
                })
                .await;
                match written {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(SendError::transient(format!("SMS file in {}: {e}", dir.display()))),
                    Err(e) => Err(SendError::transient(format!("SMS file task: {e}"))),
                }
            }
        }
    }
}
