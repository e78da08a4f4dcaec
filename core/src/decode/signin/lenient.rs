//! Field types for the ways sign-in exports disagree on JSON types.
//!
//! The same column is an object in one export and serialised JSON text in another: Sentinel's
//! `AADNonInteractiveUserSignInLogs` table writes `Status`, `LocationDetails`, `DeviceDetail`
//! as strings where `SigninLogs` writes objects, and Log Analytics CSV exports write every
//! nested column as JSON text. Booleans arrive as `true` or `"TRUE"`, coordinates as numbers or
//! numeric strings. These types accept each spelling that means the same thing and refuse the
//! rest, so a wrong type is still a rejection.

use crate::decode::ual::text::trimmed;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A nested object written either as an object or as JSON text; `null` and `""` are absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded<T>(pub Option<T>);

impl<T> Default for Embedded<T> {
    fn default() -> Self {
        Self(None)
    }
}

/// A nested object that can be read from JSON text, owning what it keeps (the text is a
/// temporary: a JSON string holding JSON always has escapes, so nothing can be borrowed).
pub trait FromJsonText: Sized {
    /// Parses the object from its JSON text.
    fn from_json_text(text: &str) -> Result<Self, serde_json::Error>;
}

impl<'de, T> Deserialize<'de> for Embedded<T>
where
    T: Deserialize<'de> + FromJsonText,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(EmbeddedVisitor(PhantomData))
            .map(Embedded)
    }
}

struct EmbeddedVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for EmbeddedVisitor<T>
where
    T: Deserialize<'de> + FromJsonText,
{
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or JSON text holding one")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        embedded_text(text).map_err(E::custom)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Reads a nested object from JSON text, as CSV columns and string-typed columns hold it.
pub fn embedded_text<T: FromJsonText>(text: &str) -> Result<Option<T>, String> {
    let text = text.trim();
    if text.is_empty() || text == "null" {
        return Ok(None);
    }
    T::from_json_text(text)
        .map(Some)
        .map_err(|error| format!("invalid embedded JSON: {error}"))
}

/// A boolean written as `true`, `"True"`, `"TRUE"`, `1`; `null` and `""` are absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FlagVisitor).map(Flag)
    }
}

/// Reads a boolean from text; `Err` for text that is not one.
pub fn flag_text(text: &str) -> Result<Option<bool>, String> {
    let text = trimmed(text);
    if text.is_empty() {
        Ok(None)
    } else if text.eq_ignore_ascii_case("true") || text == "1" {
        Ok(Some(true))
    } else if text.eq_ignore_ascii_case("false") || text == "0" {
        Ok(Some(false))
    } else {
        Err(format!("`{text}` is not a boolean"))
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::custom(format_args!("`{v}` is not a boolean"))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        flag_text(v).map_err(E::custom)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A number written as a number or as numeric text; `null` and `""` are absent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Number(pub Option<f64>);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor).map(Number)
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "coordinates are small; an integer one is exact"
    )]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "coordinates are small; an integer one is exact"
    )]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| E::custom(format_args!("`{v}` is not a number")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        a: u32,
    }

    impl FromJsonText for Inner {
        fn from_json_text(text: &str) -> Result<Self, serde_json::Error> {
            serde_json::from_str(text)
        }
    }

    fn embedded(json: &str) -> Result<Option<Inner>, serde_json::Error> {
        serde_json::from_str::<Embedded<Inner>>(json).map(|e| e.0)
    }

    #[test]
    fn an_object_or_its_json_text() {
        assert_eq!(
            embedded(r#"{"a":1}"#).expect("object"),
            Some(Inner { a: 1 })
        );
        assert_eq!(
            embedded(r#""{\"a\":2}""#).expect("text"),
            Some(Inner { a: 2 })
        );
        assert_eq!(embedded("null").expect("null"), None);
        assert_eq!(embedded(r#""""#).expect("empty"), None);
        assert!(embedded(r#""{\"a\":""#).is_err());
        assert!(embedded("[1]").is_err());
        assert!(embedded("7").is_err());
    }

    #[test]
    fn flags_and_numbers() {
        let flag = |json: &str| serde_json::from_str::<Flag>(json).map(|f| f.0);
        assert_eq!(flag("true").expect("bool"), Some(true));
        assert_eq!(flag(r#""TRUE""#).expect("text"), Some(true));
        assert_eq!(flag(r#""False""#).expect("text"), Some(false));
        assert_eq!(flag("null").expect("null"), None);
        assert!(flag(r#""maybe""#).is_err());
        assert!(flag("{}").is_err());
        let number = |json: &str| serde_json::from_str::<Number>(json).map(|n| n.0);
        assert_eq!(number("51.9225").expect("float"), Some(51.9225));
        assert_eq!(number("-4").expect("int"), Some(-4.0));
        assert_eq!(number(r#""4.4792""#).expect("text"), Some(4.4792));
        assert_eq!(number(r#""""#).expect("empty"), None);
        assert!(number(r#""north""#).is_err());
        assert!(number(r#""NaN""#).is_err());
    }
}
