//! The RMM integration: devices' platforms, the self-service actions their users may run on
//! them, and the signed agent links.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::TenantId;

/// How far a signed agent link's `ts` may be from now, either way, in seconds.
pub const LINK_MAX_SKEW_SECONDS: i64 = 300;

/// A tenant's RMM integration.
#[derive(Debug, Clone)]
pub struct Integration {
    pub tenant_id: TenantId,
    pub enabled: bool,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub webhook_url: Option<String>,
    pub allow_unsigned_links: bool,
    pub sync_token_hash: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Webhooks may go to private, loopback and link-local addresses (a RMM on the provider's
    /// own network); off by default.
    pub allow_private_targets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Windows,
    Mac,
    Linux,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Windows => "windows",
            Self::Mac => "mac",
            Self::Linux => "linux",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Windows, Self::Mac, Self::Linux].into_iter().find(|p| p.as_str() == input)
    }
}

/// What a user may ask the RMM to do on its own computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Restart,
    Lock,
    Shutdown,
    ResetPassword,
    LogOut,
    InstallSoftware,
}

impl ActionKind {
    pub const ALL: [Self; 6] =
        [Self::Restart, Self::Lock, Self::Shutdown, Self::ResetPassword, Self::LogOut, Self::InstallSoftware];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restart => "restart",
            Self::Lock => "lock",
            Self::Shutdown => "shutdown",
            Self::ResetPassword => "reset_password",
            Self::LogOut => "log_out",
            Self::InstallSoftware => "install_software",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == input)
    }

    /// Software is installed through Chocolatey on Windows and Homebrew on macOS; Linux has no
    /// approved installer, so no installs there.
    pub fn allowed_on(self, platform: Platform) -> bool {
        !(self == Self::InstallSoftware && platform == Platform::Linux)
    }

    pub fn allowed(platform: Platform) -> Vec<Self> {
        Self::ALL.into_iter().filter(|k| k.allowed_on(platform)).collect()
    }
}

/// queued -> dispatched -> succeeded / failed, or expired when the RMM never answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Queued,
    Dispatched,
    Succeeded,
    Failed,
    Expired,
}

impl ActionStatus {
    pub const ALL: [Self; 5] = [Self::Queued, Self::Dispatched, Self::Succeeded, Self::Failed, Self::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Dispatched => "dispatched",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Dispatched)
    }
}

/// The ids an agent link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentIds {
    pub agent_guid: String,
    pub machine_id: String,
    pub group_id: String,
}

/// The string a signed agent link's `sig` is the HMAC-SHA256 of: the six signed parameters in
/// alphabetical order, form-encoded (`application/x-www-form-urlencoded`, a space as `+`), e.g.
/// `agentguid=...&client=acme+corp&groupid=...&machineid=...&nonce=...&ts=1795430400`. Every
/// language's standard URL library builds it the same way.
pub fn canonical_link(client: &str, ids: &AgentIds, ts: i64, nonce: &str) -> String {
    let ts = ts.to_string();
    let pairs = [
        ("agentguid", ids.agent_guid.as_str()),
        ("client", client),
        ("groupid", ids.group_id.as_str()),
        ("machineid", ids.machine_id.as_str()),
        ("nonce", nonce),
        ("ts", ts.as_str()),
    ];
    pairs.iter().map(|(k, v)| format!("{k}={}", form_encode(v))).collect::<Vec<_>>().join("&")
}

/// `application/x-www-form-urlencoded` encoding of one value (WHATWG URL standard).
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(byte as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_never_installs_software() {
        assert!(!ActionKind::InstallSoftware.allowed_on(Platform::Linux));
        assert!(ActionKind::InstallSoftware.allowed_on(Platform::Mac));
        assert_eq!(ActionKind::allowed(Platform::Linux).len(), 5);
        assert_eq!(ActionKind::allowed(Platform::Windows).len(), 6);
    }

    #[test]
    fn the_canonical_link_is_sorted_and_form_encoded() {
        let ids = AgentIds { agent_guid: "A1/2".into(), machine_id: "pc 7".into(), group_id: "root.kiosk".into() };
        assert_eq!(
            canonical_link("hammoud comp", &ids, 1_795_430_400, "n~1"),
            "agentguid=A1%2F2&client=hammoud+comp&groupid=root.kiosk&machineid=pc+7&nonce=n%7E1&ts=1795430400"
        );
    }
}
