//! Client IP normalisation.
//!
//! Audit records write the same address many ways: `203.0.113.45`, `203.0.113.45:52816`,
//! `[2001:db8::1]:443`, `::ffff:203.0.113.45`. Detections key state by address, so every
//! spelling must collapse to one `IpAddr` (IPv4-mapped IPv6 becomes IPv4).
//!
//! [`IpRanges`] is a configured list of CIDR ranges (trusted egress: VPN concentrators, jump
//! servers, corporate NAT), read from text and refused by value when malformed.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Parses a client address as exports write it; `None` for empty or unparseable text.
pub fn parse_client_ip(text: &str) -> Option<IpAddr> {
    // Most addresses are IPv4, bare, with a port or IPv4-mapped: read those in one pass.
    if let Some(v4) = common_ipv4(text.as_bytes()) {
        return Some(IpAddr::V4(v4));
    }
    parse_any_spelling(text)
}

/// Every spelling [`parse_client_ip`] accepts, by the general route.
fn parse_any_spelling(text: &str) -> Option<IpAddr> {
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

/// The three common IPv4 spellings (`a.b.c.d`, `a.b.c.d:port`, `::ffff:a.b.c.d`), read
/// without the general route's searches; `None` for anything else, which then takes the
/// general route. Accepts exactly what that route accepts for these shapes.
fn common_ipv4(bytes: &[u8]) -> Option<Ipv4Addr> {
    const MAPPED: &[u8] = b"::ffff:";
    let mapped = bytes.len() > MAPPED.len() && bytes[..MAPPED.len()].eq_ignore_ascii_case(MAPPED);
    let rest = if mapped {
        &bytes[MAPPED.len()..]
    } else {
        bytes
    };
    let (address, after) = dotted_quad(rest)?;
    match after {
        [] => Some(address),
        // `v4:port`: the general route splits at the only colon and ignores the port.
        [b':', port @ ..] if !mapped && !port.contains(&b':') => Some(address),
        _ => None,
    }
}

/// A dotted-quad IPv4 address at the start of `bytes`, as `Ipv4Addr`'s parser reads it (one
/// to three digits per octet, no leading zeros, at most 255), and the bytes after it.
fn dotted_quad(bytes: &[u8]) -> Option<(Ipv4Addr, &[u8])> {
    let mut octets = [0u8; 4];
    let mut at = 0;
    for (index, octet) in octets.iter_mut().enumerate() {
        if index > 0 {
            if bytes.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let digits = bytes[at.min(bytes.len())..]
            .iter()
            .take(4)
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if digits == 0 || digits > 3 || (digits > 1 && bytes[at] == b'0') {
            return None;
        }
        let value = bytes[at..at + digits]
            .iter()
            .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'));
        *octet = u8::try_from(value).ok()?;
        at += digits;
    }
    Some((Ipv4Addr::from(octets), &bytes[at..]))
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

/// A list of CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`; a bare address is a range of one),
/// as configuration writes it. It serialises back to the same text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct IpRanges(Vec<IpNet>);

/// A range that could not be read, with the text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRange(pub String);

impl fmt::Display for InvalidRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a CIDR range or an IP address (e.g. `203.0.113.0/24`)",
            self.0
        )
    }
}

impl IpRanges {
    /// Reads every range; the first malformed one is the error.
    pub fn parse<S: AsRef<str>>(ranges: &[S]) -> Result<Self, InvalidRange> {
        ranges
            .iter()
            .map(|text| {
                let text = text.as_ref().trim();
                text.parse::<IpNet>()
                    .or_else(|_| text.parse::<IpAddr>().map(|ip| IpNet::from(unmap(ip))))
                    .map(|net| net.trunc())
                    .map_err(|_| InvalidRange(text.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// True when `ip` (IPv4-mapped IPv6 read as IPv4) is inside one of the ranges.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = unmap(*ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// True when no range is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Vec<String>> for IpRanges {
    type Error = InvalidRange;

    fn try_from(ranges: Vec<String>) -> Result<Self, Self::Error> {
        Self::parse(&ranges)
    }
}

impl From<IpRanges> for Vec<String> {
    fn from(ranges: IpRanges) -> Self {
        ranges.0.iter().map(ToString::to_string).collect()
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
    fn the_common_spellings_read_as_the_general_route_reads_them() {
        for text in [
            "203.0.113.45",
            "203.0.113.45:52816",
            "203.0.113.45:",
            "203.0.113.45:1:2",
            "::ffff:203.0.113.45",
            "::FFFF:203.0.113.45",
            "::ffff:203.0.113.45:80",
            "::ffff:",
            "01.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4 ",
            "1..2.3",
            "1.2.3.0004",
            "1.2.3.4x",
        ] {
            assert_eq!(parse_client_ip(text), parse_any_spelling(text), "{text:?}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_fast_route_agrees_with_the_general_route(text in "(::[fF]{4}:)?[0-9.:]{0,20}") {
            proptest::prop_assert_eq!(parse_client_ip(&text), parse_any_spelling(&text));
        }
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
    fn ranges_hold_their_addresses_and_refuse_garbage_by_value() {
        let ranges = IpRanges::parse(&["203.0.113.0/24", " 2001:db8::/32", "198.51.100.7"])
            .expect("valid ranges");
        let ip = |text: &str| text.parse::<IpAddr>().expect("valid");
        assert!(ranges.contains(&ip("203.0.113.200")));
        assert!(ranges.contains(&ip("::ffff:203.0.113.9")));
        assert!(ranges.contains(&ip("2001:db8:1::5")));
        assert!(ranges.contains(&ip("198.51.100.7")));
        assert!(!ranges.contains(&ip("198.51.100.8")));
        assert!(!ranges.contains(&ip("203.0.114.1")));
        let error = IpRanges::parse(&["10.0.0.0/8", "10.0.0.0/33"]).expect_err("bad prefix");
        assert!(error.to_string().contains("10.0.0.0/33"), "{error}");
        // Host bits are dropped, and the text round-trips through serde.
        let json = serde_json::to_string(&IpRanges::parse(&["10.1.2.3/8"]).expect("valid"))
            .expect("serialises");
        assert_eq!(json, r#"["10.0.0.0/8"]"#);
        let back: IpRanges = serde_json::from_str(&json).expect("parses");
        assert!(back.contains(&ip("10.200.0.1")));
        assert!(serde_json::from_str::<IpRanges>(r#"["vpn"]"#).is_err());
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
