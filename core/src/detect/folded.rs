//! Case-insensitive substring search for the markers detections look for in free text (user
//! agents, command lines, rule names).
//!
//! Every user agent and command line is searched, so candidates are found with `memchr` by one
//! byte of the needle, in either case, and only those are compared. The byte is the needle's
//! least common in such text (`d` of `aadinternals`, not the `a` that every `Mozilla` and
//! `Safari` holds), so that few places are compared.

/// True when `haystack` contains `needle`, ignoring ASCII case.
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return true;
    }
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    let anchor = rarest(needle);
    let byte = needle[anchor];
    // A match starting at `start` has the anchor byte at `start + anchor`.
    memchr::memchr2_iter(
        byte.to_ascii_lowercase(),
        byte.to_ascii_uppercase(),
        &haystack[anchor..=last_start + anchor],
    )
    .any(|start| haystack[start..start + needle.len()].eq_ignore_ascii_case(needle))
}

/// The position of the needle's least common byte (the first of equals).
fn rarest(needle: &[u8]) -> usize {
    (0..needle.len())
        .min_by_key(|&at| commonness(needle[at]))
        .unwrap_or(0)
}

/// How common a byte is in user agents, command lines and names, roughly: 3 for the most
/// common letters, digits and separators, 2 for the middling, 1 for the rest.
fn commonness(byte: u8) -> u8 {
    match byte.to_ascii_lowercase() {
        b'e' | b't' | b'a' | b'o' | b'i' | b'n' | b's' | b'r' | b' ' | b'/' | b'.' => 3,
        b'0'..=b'9' => 3,
        b'h' | b'l' | b'd' | b'c' | b'u' | b'm' | b'w' | b'f' | b'p' | b'g' | b'y' | b'b' => 2,
        b';' | b'(' | b')' | b',' | b'-' | b'_' => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_search_finds_the_needle_in_any_case_and_position() {
        assert!(contains_ignore_ascii_case(
            "AADInternals/0.9",
            "aadinternals"
        ));
        assert!(contains_ignore_ascii_case("x aadINTERNALS", "aadinternals"));
        assert!(contains_ignore_ascii_case(
            "aa aadinternals",
            "aadinternals"
        ));
        assert!(!contains_ignore_ascii_case("aadinternal", "aadinternals"));
        assert!(!contains_ignore_ascii_case("", "aadinternals"));
        assert!(contains_ignore_ascii_case(
            "Python-requests/2.31",
            "python-requests"
        ));
        assert!(!contains_ignore_ascii_case("a a a a", "aa"));
        assert!(contains_ignore_ascii_case("xk", "K"));
        assert!(contains_ignore_ascii_case("abc", ""));
        assert!(contains_ignore_ascii_case(
            "Ünïcode AADinternals",
            "aadinternals"
        ));
    }

    #[test]
    fn folded_search_agrees_with_a_plain_search_of_lowered_text() {
        let haystacks = [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Safari/537.36",
            "AADInternals",
            "python-requests/2.31.0",
            "xx-AADINT x",
            "k",
            "",
            "aadinternal",
            "Invoke-AADIntUserEnumerationAsOutsider -UserName a@b.c",
            "théHarvester",
        ];
        let needles = [
            "aadinternals",
            "-aadint",
            "theharvester",
            "k",
            "x",
            "37",
            "userenumerationasoutsider",
            "é",
            "harvester",
            "safari/537.36",
            "mozilla/5.0 (windows",
        ];
        for haystack in haystacks {
            for needle in needles {
                let plain = haystack
                    .to_ascii_lowercase()
                    .contains(&needle.to_ascii_lowercase());
                assert_eq!(
                    contains_ignore_ascii_case(haystack, needle),
                    plain,
                    "{haystack:?} {needle:?}"
                );
            }
        }
    }

    #[test]
    fn the_anchor_is_the_least_common_byte() {
        assert_eq!(rarest(b"aadinternals"), 2);
        assert_eq!(rarest(b"theharvester"), 6);
        assert_eq!(rarest(b"a"), 0);
    }
}
