//! Client IP normalisation.
//!
//! Audit records write the same address many ways: `203.0.113.45`, `203.0.113.45:52816`,
//! `[2001:db8::1]:443`, `::ffff:203.0.113.45`. Detections key state by address, so every
//! spelling must collapse to one `IpAddr` (IPv4-mapped IPv6 becomes IPv4).

use std::net::{IpAddr, Ipv6Addr};

/// Parses a client address as exports write it; `None` for empty or unparseable text.
pub fn parse_client_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if text.is_empty() || text == "-" {
        return None;
    }
    let address = if let Some(rest) = text.strip_prefix('[') {
        // `[v6]` or `[v6]:port`
        rest.split_once(']')?.0
    } else if text.matches(':').count() == 1 {
        // `v4:port`
        text.split(':').next()?
    } else {
        text
    };
    let ip: IpAddr = address.parse().ok()?;
    Some(unmap(ip))
}

/// Turns an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) into the IPv4 address it carries.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// True for loopback and unspecified addresses, which service-generated records carry.
pub fn is_service_placeholder(ip: &IpAddr) -> bool {
    ip.is_loopback() || ip.is_unspecified() || *ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<String> {
        parse_client_ip(text).map(|ip| ip.to_string())
    }

    #[test]
    fn every_spelling_collapses_to_one_address() {
        assert_eq!(ip("203.0.113.45").as_deref(), Some("203.0.113.45"));
        assert_eq!(ip("203.0.113.45:52816").as_deref(), Some("203.0.113.45"));
        assert_eq!(ip("::ffff:203.0.113.45").as_deref(), Some("203.0.113.45"));
        assert_eq!(ip("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        assert_eq!(ip("[2001:db8::1]").as_deref(), Some("2001:db8::1"));
        assert_eq!(ip("2001:db8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(ip(" 198.51.100.7 ").as_deref(), Some("198.51.100.7"));
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(ip(""), None);
        assert_eq!(ip("-"), None);
        assert_eq!(ip("not-an-ip"), None);
        assert_eq!(ip("[2001:db8::1"), None);
        assert_eq!(ip("300.1.1.1"), None);
    }

    #[test]
    fn service_placeholders() {
        assert!(is_service_placeholder(&"::1".parse().expect("valid")));
        assert!(is_service_placeholder(&"0.0.0.0".parse().expect("valid")));
        assert!(!is_service_placeholder(
            &"203.0.113.1".parse().expect("valid")
        ));
    }
}
