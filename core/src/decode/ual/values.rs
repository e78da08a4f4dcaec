//! Reading single JSON values into the types the mapping uses, with errors that name the
//! field: borrowed strings ([`Text`]), scalars read as text ([`lenient`]), nested field names
//! ([`Path`]), and the audit record some exports embed as a JSON string.
//!
//! Every reader takes the field's name only to say which field is wrong, and formats it only
//! then: nothing here allocates for a well-formed value.

use super::scan::{Kind, RawJson};
use crate::decode::lenient::LenientText;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// A JSON string, borrowed from the input unless it contains escapes; any other JSON type is
/// an error. (serde copies a `Cow<str>` that sits inside an `Option`; this type does not.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringVisitor;

        impl<'de> Visitor<'de> for StringVisitor {
            type Value = Cow<'de, str>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
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
        }

        deserializer.deserialize_str(StringVisitor).map(Text)
    }
}

/// A nested field's name, as errors give it (`Item.Subject`), formatted only when an error
/// needs it.
#[derive(Debug, Clone, Copy)]
pub struct Path<N>(pub N, pub &'static str);

impl<N: fmt::Display> fmt::Display for Path<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// A string value; `null` is absent, any other type an error naming the field.
///
/// The common case, a string without escapes, is borrowed in line: returned through a call,
/// the general result costs more than reading the string did.
#[inline(always)]
pub fn text<'a>(value: RawJson<'a>, name: impl fmt::Display) -> Result<Option<Text<'a>>, String> {
    match value.plain_str() {
        Some(content) => Ok(Some(Text(Cow::Borrowed(content)))),
        None => any_text(value, name),
    }
}

/// [`text`] for every other value.
#[inline(never)]
fn any_text<'a>(value: RawJson<'a>, name: impl fmt::Display) -> Result<Option<Text<'a>>, String> {
    match value.string() {
        Some(Ok(text)) => Ok(Some(Text(text))),
        Some(Err(reason)) => Err(format!("field `{name}`: {reason}")),
        None if value.kind == Kind::Null => Ok(None),
        None => Err(invalid_type(value, name, "a string")),
    }
}

/// A scalar field read as text (`5` and `"5"` alike); `null` is absent, objects and arrays are
/// errors.
#[inline]
pub fn lenient<'a>(
    value: RawJson<'a>,
    name: impl fmt::Display + Copy,
) -> Result<Option<LenientText<'a>>, String> {
    let text = match value.kind {
        Kind::String { .. } => return text(value, name).map(|text| text.map(|t| LenientText(t.0))),
        Kind::Number => Cow::Borrowed(value.text),
        Kind::Bool(true) => Cow::Borrowed("True"),
        Kind::Bool(false) => Cow::Borrowed("False"),
        Kind::Null => return Ok(None),
        Kind::Object | Kind::Array => {
            return Err(invalid_type(value, name, "a string, number or boolean"));
        }
    };
    Ok(Some(LenientText(text)))
}

/// The error for a value of the wrong type.
pub fn invalid_type(value: RawJson<'_>, name: impl fmt::Display, expected: &str) -> String {
    invalid_kind(value.kind, name, expected)
}

/// The error for a value of the wrong kind.
#[cold]
pub fn invalid_kind(kind: Kind, name: impl fmt::Display, expected: &str) -> String {
    format!(
        "field `{name}`: invalid type: {}, expected {expected}",
        kind.name()
    )
}

/// The JSON text of a record embedded in an export row: the member itself when it is an
/// object (Graph, re-serialised exports), its unescaped content when it is a JSON string (as
/// `ConvertTo-Json` writes `AuditData`). `Ok(None)` when it is null or blank.
pub fn embedded_record_text<'a>(
    raw: &'a RawValue,
    name: &str,
) -> Result<Option<Cow<'a, str>>, String> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => Ok(Some(Cow::Borrowed(text))),
        Some(b'"') => {
            let inner: String = serde_json::from_str(text)
                .map_err(|error| format!("field `{name}`: {}", without_position(&error)))?;
            Ok(Some(Cow::<str>::Owned(inner)).filter(|inner| !inner.trim().is_empty()))
        }
        Some(b'n') => Ok(None),
        _ => Err(format!(
            "field `{name}`: expected the audit record as an object or a JSON string"
        )),
    }
}

/// The error's message without serde_json's trailing ` at line L column C`.
pub fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) if error.line() > 0 => message[..at].to_owned(),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_records_as_object_or_string() {
        let object = serde_json::from_str::<&RawValue>(r#"{"Id":"a"}"#).expect("valid");
        assert_eq!(
            embedded_record_text(object, "auditData")
                .expect("object")
                .as_deref(),
            Some(r#"{"Id":"a"}"#)
        );
        let string = serde_json::from_str::<&RawValue>(r#""{\"Id\":\"a\"}""#).expect("valid");
        assert_eq!(
            embedded_record_text(string, "AuditData")
                .expect("string")
                .as_deref(),
            Some(r#"{"Id":"a"}"#)
        );
        let blank = serde_json::from_str::<&RawValue>(r#""  ""#).expect("valid");
        assert_eq!(
            embedded_record_text(blank, "AuditData").expect("blank"),
            None
        );
        let number = serde_json::from_str::<&RawValue>("5").expect("valid");
        assert!(embedded_record_text(number, "AuditData").is_err());
    }
}
