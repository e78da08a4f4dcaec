//! Client IP normalisation.
//!
//! Audit records write the same address many ways: `203.0.113.45`, `203.0.113.45:52816`,
//! `[2001:db8::1]:443`, `::ffff:203.0.113.45`. Detections key state by address, so every
//! spelling must collapse to one `IpAddr` (IPv4-mapped IPv6 becomes IPv4).
//!
//! [`IpRanges`] is the configuration form of an address allow-list (`trusted_sources`):
//! CIDR blocks or single addresses, as text.

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
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

/// A list of address ranges, written in configuration as text: CIDR blocks (`10.0.0.0/8`,
/// `2001:db8::/32`) or single addresses (`203.0.113.7`). An entry that is neither is an error
/// that quotes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpRanges(Vec<IpNet>);

impl IpRanges {
    /// Parses entries as configuration writes them.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        entries
            .into_iter()
            .map(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{entry}` is neither an address nor a CIDR block"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// True when `ip` (IPv4-mapped IPv6 read as IPv4) is in one of the ranges.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = unmap(*ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for IpRanges {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ToString::to_string))
    }
}

impl<'de> Deserialize<'de> for IpRanges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = Vec::<String>::deserialize(deserializer)?;
        Self::parse(entries.iter().map(String::as_str)).map_err(serde::de::Error::custom)
    }
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

    #[test]
    fn ranges_hold_blocks_and_single_addresses() {
        let ranges = IpRanges::parse([
            "10.0.0.0/8",
            "203.0.113.7",
            "2001:db8::/32",
            "192.168.1.9/24",
        ])
        .expect("valid");
        let contains = |text: &str| ranges.contains(&text.parse().expect("valid"));
        assert!(contains("10.200.3.4"));
        assert!(contains("203.0.113.7"));
        assert!(!contains("203.0.113.8"));
        assert!(contains("2001:db8::5"));
        assert!(contains("::ffff:10.1.1.1"));
        assert!(contains("192.168.1.200"), "host bits are dropped");
        let error = IpRanges::parse(["10.0.0.0/8", "vpn.example"]).expect_err("invalid");
        assert!(error.contains("vpn.example"), "{error}");
    }

    #[test]
    fn ranges_read_and_write_as_text() {
        let ranges: IpRanges =
            serde_json::from_str(r#"["10.0.0.0/8","198.51.100.4"]"#).expect("valid");
        assert_eq!(
            serde_json::to_string(&ranges).expect("serialises"),
            r#"["10.0.0.0/8","198.51.100.4/32"]"#
        );
        assert!(serde_json::from_str::<IpRanges>(r#"["10.0.0.0/33"]"#).is_err());
    }
}
