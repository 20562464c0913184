//! The rules for a webhook's address, checked when staff configure it and again at each delivery:
//! an absolute `https` URL without credentials whose host resolves to public addresses only;
//! `http` and private, loopback or link-local addresses only where the tenant allows its own
//! network. URLs are parsed with the `url` crate, as the HTTP client parses them, so a URL such as
//! `http://localhost:1@other-host/` is judged by the host it really names.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clientdesk_domain::i18n::Message;
use clientdesk_domain::targets::is_public;
use url::{Host, Url};

/// The longest webhook URL accepted.
pub const MAX_URL_CHARS: usize = 2000;
/// How long a configuration-time lookup may take.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Parses a webhook URL: http(s), a host, no user name or password, at most `MAX_URL_CHARS`.
/// Whether `http` and the host's addresses are allowed is `check`'s to say. A refusal is a message
/// of the catalogue (`rule-url-*`): it is shown to the staff who configure the URL, and logged in
/// English when a delivery is refused.
pub fn parse(url: &str) -> Result<Url, Message> {
    let url = url.trim();
    if url.len() > MAX_URL_CHARS {
        return Err(Message::new("rule-max-chars").arg("max", MAX_URL_CHARS));
    }
    let parsed = Url::parse(url).map_err(|e| Message::new("rule-url-unparsable").arg("reason", e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Message::new("rule-url-https"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Message::new("rule-url-credentials"));
    }
    if parsed.host().is_none() {
        return Err(Message::new("rule-url-host"));
    }
    Ok(parsed)
}

/// The IP address a URL names literally, if it does.
pub fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

/// Refuses a target the tenant may not reach, from its addresses: any non-public one (unless
/// `allow_private`), and plain `http` to a public one.
pub fn judge(url: &Url, addresses: &[IpAddr], allow_private: bool) -> Result<(), Message> {
    let private = addresses.iter().any(|ip| !is_public(*ip));
    if private && !allow_private {
        return Err(Message::new("rule-url-private"));
    }
    if url.scheme() == "http" && !(private && addresses.iter().all(|ip| !is_public(*ip))) {
        return Err(Message::new("rule-url-https-or-private"));
    }
    Ok(())
}

/// Parses `url`, resolves its host and judges the addresses: the whole check made when the URL is
/// configured. Returns the URL as it will be stored.
pub async fn check(url: &str, allow_private: bool) -> Result<String, Message> {
    let parsed = parse(url)?;
    let addresses = match literal_ip(&parsed) {
        Some(ip) => vec![ip],
        None => resolve(&parsed).await?,
    };
    judge(&parsed, &addresses, allow_private)?;
    Ok(parsed.to_string())
}

async fn resolve(url: &Url) -> Result<Vec<IpAddr>, Message> {
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::net::lookup_host((host.as_str(), port));
    let unresolved = || Message::new("rule-url-unresolved").arg("host", host.clone());
    let found: Vec<SocketAddr> = match tokio::time::timeout(LOOKUP_TIMEOUT, lookup).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(_)) | Err(_) => return Err(unresolved()),
    };
    if found.is_empty() {
        return Err(unresolved());
    }
    Ok(found.into_iter().map(|a| a.ip()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(url: &str, ips: &[&str], allow: bool) -> Result<(), Message> {
        let ips: Vec<IpAddr> = ips.iter().map(|s| s.parse().unwrap()).collect();
        judge(&parse(url)?, &ips, allow)
    }

    #[test]
    fn urls_name_one_host_without_credentials() {
        assert!(parse("http://localhost:1@other-host/").unwrap_err().to_string().contains("user name"));
        assert!(parse("https://user@rmm.example.com/").is_err());
        assert!(parse("ftp://rmm.example.com/").is_err());
        assert!(parse("rmm.example.com/hook").is_err());
        assert!(parse(&format!("https://rmm.example.com/{}", "a".repeat(MAX_URL_CHARS))).is_err());
        assert_eq!(literal_ip(&parse("https://[::1]:8443/x").unwrap()), Some("::1".parse().unwrap()));
        assert_eq!(literal_ip(&parse("https://rmm.example.com/x").unwrap()), None);
    }

    #[test]
    fn private_targets_and_plain_http_need_the_tenants_consent() {
        assert!(judged("https://rmm.example.com/h", &["93.184.216.34"], false).is_ok());
        assert!(judged("http://rmm.example.com/h", &["93.184.216.34"], true).is_err());
        assert!(judged("https://intranet/h", &["10.0.0.5"], false).is_err());
        assert!(judged("https://mixed.example/h", &["93.184.216.34", "127.0.0.1"], false).is_err());
        assert!(judged("https://intranet/h", &["10.0.0.5"], true).is_ok());
        assert!(judged("http://127.0.0.1:9/h", &["127.0.0.1"], false).is_err());
        assert!(judged("http://127.0.0.1:9/h", &["127.0.0.1"], true).is_ok());
        assert!(judged("https://metadata/h", &["169.254.169.254"], false).is_err());
    }
}
