//! Reads a Graph sign-in's `status` and `location` objects with the member scanner, the way
//! serde reads them into [`Status`] and [`Location`].
//!
//! Why: these two small objects are in every sign-in, and reading them through serde (a
//! parser set up per member, every key and string visited, the coordinates parsed as numbers
//! whether or not they are kept) took about a third of the time of decoding a Graph sign-in.
//! The scanner has already found each object's extent; here its members are read in place.
//!
//! The reading is serde's, not a second opinion: whenever the object holds anything the fast
//! reading is not certain to read exactly as serde does (a repeated member, a value of an
//! unexpected type, a number not written in its plain form, a broken object), it answers
//! `None` and the caller reads the member with serde, which also words any error. A property
//! test holds the two readings equal on generated objects.

use super::lenient::Number;
use super::nested::{Coordinates, Location, Status};
use crate::decode::lenient::LenientText;
use crate::decode::ual::scan::{Kind, Members, RawJson};
use crate::decode::ual::values::lenient;

/// `status{errorCode, failureReason}`, read by a scanner of the object's members (in place in
/// the record) to its closing brace; `None` when serde must read it.
pub fn status<'a>(members: &mut Members<'a>) -> Option<Status<'a>> {
    let mut status = Status::default();
    let (mut code_seen, mut reason_seen) = (false, false);
    while let Some((key, value)) = members.next().ok()? {
        match key.name().as_ref() {
            "errorCode" => status.error_code = text_once(&mut code_seen, value)?,
            "failureReason" => status.failure_reason = text_once(&mut reason_seen, value)?,
            _ => {}
        }
    }
    Some(status)
}

/// `location{city, countryOrRegion, geoCoordinates}`, read by a scanner of the object's
/// members (in place in the record) to its closing brace; `None` when serde must read it.
pub fn location<'a>(members: &mut Members<'a>) -> Option<Location<'a>> {
    let mut location = Location::default();
    let (mut city_seen, mut country_seen, mut coordinates_seen) = (false, false, false);
    while let Some((key, value)) = members.next().ok()? {
        match key.name().as_ref() {
            "city" => location.city = text_once(&mut city_seen, value)?,
            "countryOrRegion" => {
                location.country_or_region = text_once(&mut country_seen, value)?;
            }
            "geoCoordinates" => {
                first_time(&mut coordinates_seen)?;
                location.geo_coordinates = match value.kind {
                    Kind::Null => None,
                    Kind::Object => Some(coordinates(value.text)?),
                    _ => return None,
                };
            }
            _ => {}
        }
    }
    Some(location)
}

/// `geoCoordinates{latitude, longitude}`; `None` when serde must read it.
fn coordinates(object: &str) -> Option<Coordinates> {
    let mut coordinates = Coordinates::default();
    let (mut latitude_seen, mut longitude_seen) = (false, false);
    let mut members = Members::new(object).ok()?;
    while let Some((key, value)) = members.next().ok()? {
        match key.name().as_ref() {
            "latitude" => coordinates.latitude = number_once(&mut latitude_seen, value)?,
            "longitude" => coordinates.longitude = number_once(&mut longitude_seen, value)?,
            _ => {}
        }
    }
    Some(coordinates)
}

/// `Some(())` the first time a member is met; `None` (serde reports the repeat) after.
fn first_time(seen: &mut bool) -> Option<()> {
    (!std::mem::replace(seen, true)).then_some(())
}

/// A lenient text member met for the first time: a string (borrowed unless escaped), a plain
/// non-negative integer (as serde writes it back, the same digits), a boolean, or null.
fn text_once<'a>(seen: &mut bool, value: RawJson<'a>) -> Option<Option<LenientText<'a>>> {
    first_time(seen)?;
    if value.kind == Kind::Number && !is_plain_integer(value.text) {
        return None;
    }
    lenient(value, "").ok()
}

/// A coordinate met for the first time, parsed by serde from its own text (a number or
/// numeric text), so that it is the same `f64` to the last bit.
fn number_once(seen: &mut bool, value: RawJson<'_>) -> Option<Number> {
    first_time(seen)?;
    if value.kind == Kind::Number
        && let Some(number) = plain_decimal(value.text)
    {
        return Some(Number(Some(number)));
    }
    serde_json::from_str(value.text).ok()
}

/// The most digits a plain decimal may have: below 2^53, so that its digits are an exact
/// double.
const PLAIN_DIGITS: usize = 15;

/// A coordinate as exports write it (`-52.3676`: JSON's plain number, no exponent, at most 15
/// digits), read without setting up a parser. Its digits and its power of ten (at most 10^15)
/// are exact doubles, so one division rounds it correctly, which is what serde computes and
/// what `str::parse` returns: the same `f64` to the last bit. Anything else is left to serde.
fn plain_decimal(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (unsigned, ""),
    };
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let plain = !whole.is_empty()
        && (whole.len() == 1 || !whole.starts_with('0'))
        && digits(whole)
        && digits(fraction)
        && whole.len() + fraction.len() <= PLAIN_DIGITS;
    plain.then(|| text.parse().ok()).flatten()
}

/// Digits as serde writes an unsigned integer back: no sign, no leading zero, no fraction or
/// exponent, within `u64`.
fn is_plain_integer(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes.len() == 1 || bytes[0] != b'0')
        && text.parse::<u64>().is_ok()
}

/// [`status`] of an object's text.
#[cfg(test)]
fn status_of(object: &str) -> Option<Status<'_>> {
    status(&mut Members::new(object).ok()?)
}

/// [`location`] of an object's text.
#[cfg(test)]
fn location_of(object: &str) -> Option<Location<'_>> {
    location(&mut Members::new(object).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::signin::nested::text;

    fn serde_status(json: &str) -> Option<String> {
        serde_json::from_str::<Status<'_>>(json)
            .ok()
            .map(|status| format!("{status:?}"))
    }

    fn serde_location(json: &str) -> Option<String> {
        serde_json::from_str::<Location<'_>>(json)
            .ok()
            .map(|location| format!("{location:?}"))
    }

    #[test]
    fn plain_decimals_are_read_and_the_rest_left_to_serde() {
        assert_eq!(plain_decimal("52.3676"), Some(52.3676));
        assert_eq!(plain_decimal("-4.9041"), Some(-4.9041));
        assert_eq!(plain_decimal("0"), Some(0.0));
        assert_eq!(
            plain_decimal("-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(plain_decimal("123456789.012345"), Some(123_456_789.012_345));
        for text in [
            "1e2",
            "1.",
            ".5",
            "01.5",
            "-",
            "",
            "+1",
            "1.2.3",
            "0x10",
            "1234567890.1234567",
            "NaN",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn reads_what_serde_reads() {
        let json = r#"{"city":"Amsterdam","state":"Noord-Holland","countryOrRegion":"NL",
            "geoCoordinates":{"altitude":null,"latitude":52.3676,"longitude":"4.9041"}}"#;
        let scanned = location_of(json).expect("plain object");
        assert_eq!(text(&scanned.city), Some("Amsterdam"));
        assert_eq!(text(&scanned.country_or_region), Some("NL"));
        assert_eq!(Some(format!("{scanned:?}")), serde_location(json));
        let json = r#"{"errorCode":50126,"failureReason":"Invalid username or password.","additionalDetails":null}"#;
        let scanned = status_of(json).expect("plain object");
        assert_eq!(text(&scanned.error_code), Some("50126"));
        assert_eq!(Some(format!("{scanned:?}")), serde_status(json));
    }

    #[test]
    fn leaves_to_serde_what_it_cannot_read_as_serde_does() {
        for json in [
            r#"{"errorCode":50126,"errorCode":0}"#,
            r#"{"errorCode":null,"errorCode":0}"#,
            r#"{"errorCode":5.0e4}"#,
            r#"{"errorCode":-1}"#,
            r#"{"errorCode":007}"#,
            r#"{"errorCode":{}}"#,
            r#"{"errorCode":1,}"#,
        ] {
            assert!(status_of(json).is_none(), "{json}");
        }
        for json in [
            r#"{"geoCoordinates":[]}"#,
            r#"{"geoCoordinates":{"latitude":"north"}}"#,
            r#"{"geoCoordinates":{"latitude":1,"latitude":2}}"#,
            r#"{"city":"A","city":"B"}"#,
        ] {
            assert!(location_of(json).is_none(), "{json}");
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A JSON value of a kind exports put in these members.
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("\"\"".to_owned()),
            Just("\"Den \\\"Haag\\\"\"".to_owned()),
            Just("\"4.9041\"".to_owned()),
            Just("\"north\"".to_owned()),
            Just("[1,{\"a\":\"]\"}]".to_owned()),
            Just("{}".to_owned()),
            Just("-0".to_owned()),
            Just("0".to_owned()),
            Just("1e2".to_owned()),
            Just("18446744073709551616".to_owned()),
            "[A-Za-z ]{0,8}".prop_map(|text| format!("\"{text}\"")),
            any::<u32>().prop_map(|number| number.to_string()),
            (-90.0f64..90.0).prop_map(|number| number.to_string()),
        ]
    }

    /// An object of members named from `names`, repeats included, with generated values or
    /// nested coordinates.
    fn object(names: &'static [&'static str]) -> impl Strategy<Value = String> {
        let coordinates = prop::collection::vec(
            (
                prop::sample::select(&["latitude", "longitude", "altitude"][..]),
                value(),
            ),
            0..4,
        )
        .prop_map(|members| render(&members));
        let member_value = prop_oneof![3 => value(), 1 => coordinates];
        prop::collection::vec((prop::sample::select(names), member_value), 0..6)
            .prop_map(|members| render(&members))
    }

    fn render(members: &[(&str, String)]) -> String {
        let members: Vec<String> = members
            .iter()
            .map(|(name, value)| format!("\"{name}\":{value}"))
            .collect();
        format!("{{{}}}", members.join(","))
    }

    /// A number as exports and generators write coordinates: signs, leading and trailing
    /// zeros, up to 17 digits, an exponent now and then.
    fn decimal() -> impl Strategy<Value = String> {
        prop_oneof![
            (any::<bool>(), 0u64..1000, "[0-9]{0,14}").prop_map(|(negative, whole, fraction)| {
                let sign = if negative { "-" } else { "" };
                if fraction.is_empty() {
                    format!("{sign}{whole}")
                } else {
                    format!("{sign}{whole}.{fraction}")
                }
            }),
            any::<f64>().prop_map(|number| number.to_string()),
            (-180.0f64..180.0).prop_map(|number| number.to_string()),
            "-?[0-9]{1,3}(\\.[0-9]{0,3})?([eE][-+]?[0-9]{1,2})?",
            "0[0-9]{1,3}\\.[0-9]{1,3}",
        ]
    }

    proptest! {
        #[test]
        fn a_plain_decimal_is_serdes_number(text in decimal()) {
            let serde = serde_json::from_str::<Number>(&text).ok().and_then(|number| number.0);
            if let Some(fast) = plain_decimal(&text) {
                prop_assert_eq!(Some(fast.to_bits()), serde.map(f64::to_bits), "{}", text);
            }
        }

        #[test]
        fn the_scanned_location_is_serdes(json in object(&["city", "countryOrRegion", "geoCoordinates", "state"])) {
            let serde = serde_json::from_str::<Location<'_>>(&json).ok().map(|l| format!("{l:?}"));
            if let Some(scanned) = location_of(&json) {
                prop_assert_eq!(Some(format!("{scanned:?}")), serde, "{}", json);
            }
        }

        #[test]
        fn the_scanned_status_is_serdes(json in object(&["errorCode", "failureReason", "additionalDetails"])) {
            let serde = serde_json::from_str::<Status<'_>>(&json).ok().map(|s| format!("{s:?}"));
            if let Some(scanned) = status_of(&json) {
                prop_assert_eq!(Some(format!("{scanned:?}")), serde, "{}", json);
            }
        }
    }
}
