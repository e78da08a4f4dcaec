//! Lenient field types for source records.
//!
//! Real exports disagree on types: `RecordType` is `1` from the API and `"1"` from some
//! pipelines, parameter values are strings except when a converter wrote `true`. These
//! deserialisers accept the scalar spellings that mean the same thing and refuse the rest
//! (objects and arrays where text is expected), so a wrong type is still a rejection.

use crate::decode::ual::text::trimmed;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Text from a JSON string, number, boolean or null (null becomes empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LenientText<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for LenientText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor).map(LenientText)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(if v { "True" } else { "False" }))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(""))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(""))
    }
}

/// True for the ways exports write a true boolean: `True`, `true`, `$true`, `1`, `yes`.
pub fn is_truthy(text: &str) -> bool {
    let text = trimmed(text);
    ["true", "$true", "1", "yes"]
        .iter()
        .any(|t| text.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_become_text_and_containers_are_refused() {
        let text =
            |json: &str| serde_json::from_str::<LenientText<'_>>(json).map(|t| t.0.into_owned());
        assert_eq!(text(r#""a\"b""#).expect("string"), "a\"b");
        assert_eq!(text("12").expect("number"), "12");
        assert_eq!(text("true").expect("bool"), "True");
        assert_eq!(text("null").expect("null"), "");
        assert!(text("[1]").is_err());
        assert!(text("{}").is_err());
    }

    #[test]
    fn truthy_spellings() {
        for yes in ["True", "true", "$true", "1", " yes "] {
            assert!(is_truthy(yes), "{yes}");
        }
        for no in ["False", "$false", "0", "", "maybe"] {
            assert!(!is_truthy(no), "{no}");
        }
    }
}
