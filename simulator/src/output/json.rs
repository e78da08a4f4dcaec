//! JSON written piece by piece into a byte buffer, spelled exactly as `serde_json` spells it.
//!
//! The default writers put millions of records through a handful of fixed shapes. Going
//! through serde for them means a virtual call per key and a byte-by-byte escape scan of
//! every string; these helpers append keys known at compile time as they are, and copy a
//! string in one piece when a branch-free pass over it finds nothing to escape (the common
//! case), deferring to `serde_json` otherwise. The bytes are the ones `serde_json` writes
//! for the same values, which the tests beside each writer check against serde.

/// Appends `text` as a JSON string, quoted and escaped as `serde_json` escapes it.
pub fn string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    // No early exit, so that the compiler can check many bytes at a time.
    let escape = bytes.iter().fold(false, |found, &b| {
        found | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if escape {
        // Writing into a vector cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    } else {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    }
}

/// Appends `"key":`, for a key written as is (no character of it needs escaping).
pub fn key(out: &mut Vec<u8>, key: &str) {
    debug_assert!(!key.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'));
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Appends `,"key":` (or `"key":` when `first`): a member's name inside an object.
pub fn member(out: &mut Vec<u8>, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    key(out, name);
}

/// Appends `"key":"value"` after a comma: the common string member.
pub fn string_member(out: &mut Vec<u8>, name: &str, value: &str) {
    member(out, false, name);
    string(out, value);
}

/// Appends an unsigned integer.
pub fn unsigned(out: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Appends `true` or `false`.
pub fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// Appends a float as `serde_json` spells it (`null` when not finite).
pub fn float(out: &mut Vec<u8>, value: f64) {
    // Writing into a vector cannot fail.
    let _ = serde_json::to_writer(&mut *out, &value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelled(write: impl Fn(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn strings_are_spelled_as_serde_json_spells_them() {
        for text in [
            "",
            "plain",
            "jdoe@contoso.com",
            "PH0PR14MB1234 (15.20.4242.025)\r\n",
            "\\Sent Items",
            "say \"hi\"",
            "tab\there",
            "\u{1}\u{1f}\u{7f}",
            "Microsoft\u{ae} Windows\u{ae}",
            "Zürich / 東京",
        ] {
            let expected = serde_json::to_string(text).expect("serialises");
            assert_eq!(spelled(|out| string(out, text)), expected, "{text:?}");
        }
    }

    #[test]
    fn numbers_are_spelled_as_serde_json_spells_them() {
        for value in [0u64, 7, 10, 99, 1_000, 4_294_967_295, u64::MAX] {
            let expected = serde_json::to_string(&value).expect("serialises");
            assert_eq!(spelled(|out| unsigned(out, value)), expected);
        }
        for value in [0.0, -0.5, 52.370216, 4.9041, -122.419_416, 1e21, f64::NAN] {
            let expected = serde_json::to_string(&value).expect("serialises");
            assert_eq!(spelled(|out| float(out, value)), expected);
        }
        assert_eq!(spelled(|out| boolean(out, true)), "true");
        assert_eq!(spelled(|out| boolean(out, false)), "false");
    }

    #[test]
    fn members_are_separated_by_commas() {
        let text = spelled(|out| {
            out.push(b'{');
            member(out, true, "a");
            unsigned(out, 1);
            string_member(out, "b", "x");
            out.push(b'}');
        });
        assert_eq!(text, r#"{"a":1,"b":"x"}"#);
    }
}
