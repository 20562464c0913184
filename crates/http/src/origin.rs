//! The request's [`Origin`], as the request shows it.

use std::net::IpAddr;

use actix_web::{web, HttpRequest};
use clientdesk_app::origin::Origin;
use ipnet::IpNet;

use crate::state::AppState;

/// The client as this request shows it: the TCP peer, or, when the peer is one of the configured
/// trusted proxies (`CLIENTDESK_TRUSTED_PROXIES`), the address it forwarded; and its user agent.
pub fn of(req: &HttpRequest) -> Origin {
    let trusted = req.app_data::<web::Data<AppState>>().map_or(&[][..], |s| &s.settings.trusted_proxies[..]);
    let forwarded: Vec<&str> = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
    let ip = client_address(req.peer_addr().map(|a| a.ip()), &forwarded, trusted);
    Origin {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// The client's address: the TCP peer unless it is a trusted proxy; then the right-most address
/// of `X-Forwarded-For` that is not itself a trusted proxy (the left part is the client's own
/// word, which anyone can write). Where the chain holds something else than an address, the
/// last trusted hop is the client as far as can be known.
pub fn client_address(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer?;
    if !is_trusted(&client) {
        return Some(client);
    }
    for hop in forwarded.iter().flat_map(|h| h.split(',')).rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_right_most_address_no_trusted_proxy_wrote() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "192.0.2.7/32".parse().unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let peer = Some(ip("10.0.0.1"));
        // An untrusted peer is the client, whatever it writes.
        assert_eq!(client_address(Some(ip("203.0.113.1")), &["198.51.100.1"], &trusted), Some(ip("203.0.113.1")));
        // Behind trusted proxies: the first address from the right that no trusted proxy has.
        assert_eq!(client_address(peer, &["198.51.100.1, 203.0.113.5, 192.0.2.7"], &trusted), Some(ip("203.0.113.5")));
        assert_eq!(client_address(peer, &["198.51.100.1", "203.0.113.5"], &trusted), Some(ip("203.0.113.5")));
        // Garbage in the chain: the last trusted hop is as far as the client is known.
        assert_eq!(client_address(peer, &["203.0.113.5, unknown, 10.2.3.4"], &trusted), Some(ip("10.2.3.4")));
        // No header: the proxy itself.
        assert_eq!(client_address(peer, &[], &trusted), peer);
        assert_eq!(client_address(None, &["203.0.113.5"], &trusted), None);
    }
}
