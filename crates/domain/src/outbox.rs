//! Messages waiting in the outbox: how they travel and where their delivery stands.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Email, Self::Sms, Self::Webhook].into_iter().find(|c| c.as_str() == input)
    }
}

/// Where a message's delivery stands: `pending` until delivered (`sent`) or given up after the
/// last attempt (`dead`, until staff retry it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Pending,
    Sent,
    Dead,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Pending, Self::Sent, Self::Dead].into_iter().find(|d| d.as_str() == input)
    }
}
