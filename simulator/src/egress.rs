//! The tenant's own infrastructure addresses: VPN concentrators, the admins' jump servers,
//! the federation proxy, the provisioning host, and the Wi-Fi of airports and hotels.
//!
//! They are fixed slices of `198.18.0.0/15` (reserved, never routed on the internet) so that
//! they never collide with the offices' egress (`198.51.100.0/24`) or attacker
//! infrastructure (`203.0.113.0/24`, `192.0.2.0/24`), and so that a look-alike can record
//! exactly the range an administrator would allow-list without sanctioning an attacker.

use crate::geo::{OFFICES, Place};
use rand::RngExt;
use std::net::Ipv4Addr;

/// The admins' management jump servers, as an allow-list entry.
pub const JUMP_SERVERS: &str = "198.18.1.64/29";
/// The federation (ADFS / Web Application Proxy) farm's egress, as an allow-list entry.
pub const FEDERATION_PROXY: &str = "198.18.1.80/29";
/// The identity-provisioning host, as an allow-list entry.
pub const PROVISIONING: &str = "198.18.1.96/29";

/// The corporate VPN concentrator of the office at `home`; it is in the office's city, so
/// it geolocates where the user is. Offices not in [`OFFICES`] share the first one's.
pub fn vpn_of(home: &Place) -> Ipv4Addr {
    let index = OFFICES
        .iter()
        .position(|office| office.city == home.city)
        .unwrap_or(0);
    Ipv4Addr::new(198, 18, 0, 10 + index as u8)
}

/// A host of the `/29` allow-list entry `range` (one of the constants above), never its
/// network or broadcast address.
pub fn host_in(rng: &mut impl RngExt, range: &str) -> Ipv4Addr {
    let base: Ipv4Addr = range
        .split('/')
        .next()
        .and_then(|ip| ip.parse().ok())
        .unwrap_or(Ipv4Addr::new(198, 18, 1, 64));
    let [a, b, c, d] = base.octets();
    Ipv4Addr::new(a, b, c, d + rng.random_range(1..=6))
}

/// An airport lounge's or hotel's Wi-Fi egress.
pub fn public_wifi(rng: &mut impl RngExt) -> Ipv4Addr {
    Ipv4Addr::new(198, 18, 2, rng.random_range(1..=254))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn within(ip: Ipv4Addr, range: &str) -> bool {
        let ranges = mailhound_core::net::IpRanges::parse(&[range]).expect("valid range");
        ranges.contains(&std::net::IpAddr::V4(ip))
    }

    #[test]
    fn hosts_fall_inside_their_allow_list_entry_and_nowhere_else() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..200 {
            let jump = host_in(&mut rng, JUMP_SERVERS);
            assert!(within(jump, JUMP_SERVERS), "{jump}");
            assert!(!within(jump, FEDERATION_PROXY) && !within(jump, PROVISIONING));
            let wifi = public_wifi(&mut rng);
            for range in [JUMP_SERVERS, FEDERATION_PROXY, PROVISIONING] {
                assert!(!within(wifi, range), "{wifi} in {range}");
            }
        }
        for office in OFFICES {
            let vpn = vpn_of(office);
            for range in [JUMP_SERVERS, FEDERATION_PROXY, PROVISIONING] {
                assert!(!within(vpn, range));
            }
        }
        assert_ne!(vpn_of(&OFFICES[0]), vpn_of(&OFFICES[1]));
        // Attackers live in 203.0.113.0/24 and 192.0.2.0/24: nothing of ours is in there.
        for range in [JUMP_SERVERS, FEDERATION_PROXY, PROVISIONING] {
            for attacker in ["203.0.113.0/24", "192.0.2.0/24", "198.51.100.0/24"] {
                let base: Ipv4Addr = range.split('/').next().expect("base").parse().expect("ip");
                assert!(!within(base, attacker), "{range} in {attacker}");
            }
        }
    }
}
