//! Identifiers drawn from the seeded generator: GUIDs, PUIDs, addresses.

use rand::RngExt;
use std::net::Ipv4Addr;

/// A version-4-shaped GUID, lower-case, as the audit log writes record ids. Written digit by
/// digit: every simulated record carries several, so this stays off the formatter.
pub fn guid(rng: &mut impl RngExt) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits: u128 = rng.random();
    let bits = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    let mut id = String::with_capacity(36);
    for digit in 0..32 {
        if matches!(digit, 8 | 12 | 16 | 20) {
            id.push('-');
        }
        let nibble = (bits >> (124 - 4 * digit)) & 0xF;
        id.push(char::from(HEX[nibble as usize]));
    }
    id
}

/// A 16-hex-digit PUID, the audit log's `UserKey` for members.
pub fn puid(rng: &mut impl RngExt) -> String {
    format!(
        "{:016X}",
        rng.random::<u64>() & 0x000F_FFFF_FFFF_FFFF | 0x1003_0000_0000_0000
    )
}

/// An address in a documentation range (`a.b.c.0/24`), host part 1..=254.
pub fn ip_in(rng: &mut impl RngExt, network: [u8; 3]) -> Ipv4Addr {
    Ipv4Addr::new(
        network[0],
        network[1],
        network[2],
        rng.random_range(1..=254),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn guids_have_the_canonical_shape() {
        let mut rng = StdRng::seed_from_u64(7);
        let id = guid(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn guids_spell_the_same_bits_as_the_formatter_would() {
        let mut rng = StdRng::seed_from_u64(11);
        let mut again = StdRng::seed_from_u64(11);
        for _ in 0..100 {
            let id = guid(&mut rng);
            let bits: u128 = again.random();
            let bits = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
            let hex = format!("{bits:032x}");
            let expected = format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            );
            assert_eq!(id, expected);
        }
    }
}
