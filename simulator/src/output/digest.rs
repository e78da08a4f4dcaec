//! Stable values derived from what a record already says, for the fields a format carries
//! that the record does not (an ephemeral port, a process GUID). Writers have no random
//! stream of their own: hashing keeps every format a pure function of its records.

/// FNV-1a of `parts`, each followed by a separator, finished with a 64-bit mixer.
pub fn digest(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^ (hash >> 33)
}

/// An ephemeral client port (49152..=65535) for `parts`.
pub fn ephemeral_port(parts: &[&[u8]]) -> u16 {
    49152 + (digest(parts) % 16384) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_stable_and_separate_their_parts() {
        assert_eq!(digest(&[b"ab", b"c"]), digest(&[b"ab", b"c"]));
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        let port = ephemeral_port(&[b"10.0.0.1", b"7"]);
        assert!(port >= 49152);
    }
}
