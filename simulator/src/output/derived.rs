//! Identifiers an export adds that the record does not carry (a search's runspace, an
//! Elasticsearch document `_id`), derived from what the writer knows so that the output stays
//! a pure function of the simulation: no clock, no OS randomness.

/// FNV-1a over `parts`, 64 bits.
pub fn hash(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// A version-4-shaped GUID derived from `parts`.
pub fn guid(parts: &[&str]) -> String {
    let high = hash(parts);
    let low = hash(&[&high.to_string()]);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        0x8000 | (low >> 48) & 0x3fff,
        low & 0xffff_ffff_ffff
    )
}

/// A 20-character URL-safe Base64 id, the shape of Elasticsearch's generated `_id`s.
pub fn es_id(parts: &[&str]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = [hash(parts), hash(&[&hash(parts).to_string(), "es"])];
    (0..20)
        .map(|i| {
            let word = &mut bits[i / 10];
            let c = ALPHABET[(*word & 63) as usize] as char;
            *word >>= 6;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        assert_eq!(guid(&["a"]), guid(&["a"]));
        assert_ne!(guid(&["a"]), guid(&["b"]));
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        let id = guid(&["tenant"]);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        let es = es_id(&["x"]);
        assert_eq!(es.len(), 20);
        assert!(
            es.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(es_id(&["x"]), es_id(&["y"]));
    }
}
