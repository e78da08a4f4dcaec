//! Countries as ISO 3166-1 alpha-2 codes, upper case, from whatever the export wrote.
//!
//! Entra writes `location.countryOrRegion` and the top-level `location` / `Location` as
//! 2-letter codes; the portal CSV's `Location` column ends with the code (`City, State, CC`);
//! test tooling and some write-ups use country names (`United States`, `Germany`). Detections
//! compare countries, so every spelling must become the same code. Names and common aliases
//! come from the `celes` tables (ISO names, `the`-less forms, `Holland`, `Russia`, ...) with
//! a few spellings it lacks; codes that name no country (`ZZ`, `XX`) are no country at all.

use crate::decode::ual::text::trimmed;
use celes::Country;
use std::sync::OnceLock;

/// Spellings `celes` does not know, normalised as [`squeeze`] leaves them.
const EXTRA_ALIASES: &[(&str, &str)] = &[
    ("uk", "GB"),
    ("britain", "GB"),
    ("us", "US"),
    ("usa", "US"),
    ("unitedstatesamerica", "US"),
    ("korea", "KR"),
    ("vietnam", "VN"),
    ("hongkongsar", "HK"),
    ("macaosar", "MO"),
    ("czechia", "CZ"),
];

/// The alpha-2 code for a code (alpha-2 or alpha-3), a country name or an alias.
pub fn alpha2(text: &str) -> Option<&'static str> {
    let text = trimmed(text);
    if text.is_empty() {
        return None;
    }
    if let Some(code) = letters_index(text).and_then(|index| by_letters()[index]) {
        return Some(code);
    }
    let country = match text.len() {
        2 => Country::from_alpha2(text).ok(),
        3 => Country::from_alpha3(text).ok(),
        _ => None,
    };
    if let Some(country) = country {
        return Some(country.alpha2);
    }
    let squeezed = squeeze(text);
    if let Some((_, code)) = EXTRA_ALIASES.iter().find(|(alias, _)| *alias == squeezed) {
        return Some(code);
    }
    Country::from_name(&squeezed)
        .or_else(|_| Country::from_alias(&squeezed))
        .or_else(|_| Country::from_name(format!("the{squeezed}")))
        .ok()
        .map(|country| country.alpha2)
}

/// Every alpha-2 code, at the index of its two letters ([`letters_index`]). Nearly every
/// sign-in names its country by code, and this reads it with one index where `celes` hashes
/// the code and copies the country's whole record.
fn by_letters() -> &'static [Option<&'static str>; 676] {
    static CODES: OnceLock<[Option<&'static str>; 676]> = OnceLock::new();
    CODES.get_or_init(|| {
        let mut codes = [None; 676];
        for country in Country::get_countries() {
            if let Some(index) = letters_index(country.alpha2) {
                codes[index] = Some(country.alpha2);
            }
        }
        codes
    })
}

/// The place of two ASCII letters, in any case, among the 676 pairs (`AA` 0, `AB` 1, ...).
fn letters_index(text: &str) -> Option<usize> {
    match text.as_bytes() {
        [first, second] if first.is_ascii_alphabetic() && second.is_ascii_alphabetic() => {
            let place = |letter: &u8| usize::from(letter.to_ascii_uppercase() - b'A');
            Some(place(first) * 26 + place(second))
        }
        _ => None,
    }
}

/// Lower case, Latin accents dropped, everything but letters and digits removed, as the
/// `celes` keys are (`United States` → `unitedstates`, `Côte d'Ivoire` → `cotedivoire`).
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(unaccent)
        .collect()
}

/// The unaccented letter for the accented Latin letters country names use.
fn unaccent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Splits the portal's combined location `City, State, CC` into city and country; a single
/// part is the country.
pub fn split_portal_location(text: &str) -> (Option<&str>, Option<&str>) {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    match parts.as_slice() {
        [] => (None, None),
        [country] => (None, Some(country)),
        [city, .., country] => (Some(city), Some(country)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_aliases() {
        let code = |text: &str| alpha2(text);
        assert_eq!(code("NL"), Some("NL"));
        assert_eq!(code(" nl "), Some("NL"));
        assert_eq!(code("DEU"), Some("DE"));
        assert_eq!(code("United States"), Some("US"));
        assert_eq!(code("United States of America"), Some("US"));
        assert_eq!(code("Germany"), Some("DE"));
        assert_eq!(code("germany"), Some("DE"));
        assert_eq!(code("Netherlands"), Some("NL"));
        assert_eq!(code("The Netherlands"), Some("NL"));
        assert_eq!(code("United Kingdom"), Some("GB"));
        assert_eq!(code("UK"), Some("GB"));
        assert_eq!(code("Russia"), Some("RU"));
        assert_eq!(code("South Korea"), Some("KR"));
        assert_eq!(code("Viet Nam"), Some("VN"));
        assert_eq!(code("Türkiye"), Some("TR"));
        assert_eq!(code("Turkey"), Some("TR"));
        assert_eq!(code("Czech Republic"), Some("CZ"));
        assert_eq!(code("Hong Kong"), Some("HK"));
        assert_eq!(code("Côte d'Ivoire"), Some("CI"));
        assert_eq!(code("Curaçao"), Some("CW"));
    }

    #[test]
    fn the_code_table_reads_every_pair_as_celes_does() {
        for first in (b'A'..=b'Z').chain(b'a'..=b'z') {
            for second in (b'A'..=b'Z').chain(b'a'..=b'z') {
                let text = String::from_utf8(vec![first, second]).expect("ASCII");
                let expected = Country::from_alpha2(&text)
                    .ok()
                    .map(|country| country.alpha2);
                let index = letters_index(&text).expect("two letters");
                assert_eq!(by_letters()[index], expected, "{text}");
            }
        }
        assert!(by_letters().iter().flatten().count() >= 240);
        assert_eq!(letters_index("N1"), None);
        assert_eq!(letters_index("NLD"), None);
    }

    #[test]
    fn placeholders_and_garbage_are_no_country() {
        for text in ["", "ZZ", "XX", "--", "Unknown", "Atlantis", "Zuid-Holland"] {
            assert_eq!(alpha2(text), None, "{text}");
        }
    }

    #[test]
    fn portal_locations() {
        assert_eq!(
            split_portal_location("Rotterdam, Zuid-Holland, NL"),
            (Some("Rotterdam"), Some("NL"))
        );
        assert_eq!(
            split_portal_location("Berlin, DE"),
            (Some("Berlin"), Some("DE"))
        );
        assert_eq!(split_portal_location("US"), (None, Some("US")));
        assert_eq!(split_portal_location(" , "), (None, None));
    }
}
