//! Case-insensitive substring search for the markers detections look for in free text (user
//! agents, command lines, rule names).
//!
//! Every user agent and command line is searched, so candidates are found by the needle's first
//! byte, in either case, with `memchr`, and only those are compared.

/// True when `haystack` contains `needle`, ignoring ASCII case.
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        &haystack[..=last_start],
    )
    .any(|at| haystack[at..at + needle.len()].eq_ignore_ascii_case(needle))
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
    }
}
