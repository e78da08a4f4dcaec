//! Decoders: from one framed record to an event, an ignore or a rejection.
//!
//! The framer ([`crate::framing`]) cuts records out of the byte stream; a decoder turns each
//! record into a normalised [`Event`] or says why it cannot. One decoder per source shape
//! lives in its own module.

pub mod lenient;
pub mod ual;

use crate::event::Event;

/// What became of one record.
#[allow(
    clippy::large_enum_variant,
    reason = "events are the common case; boxing them would add an allocation per record"
)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The record is relevant and became an event.
    Event(Event),
    /// The record is valid but no detection reads it; the reason names what it is.
    Ignored(String),
    /// The record is malformed; the reason says how.
    Rejected(String),
}

/// Decodes one framed record.
pub fn decode_record(bytes: &[u8]) -> Outcome {
    match bytes.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{') => ual::decode(bytes),
        _ => Outcome::Rejected(not_an_object(bytes)),
    }
}

/// Says what a record that is not a JSON object is instead.
fn not_an_object(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => {
            let kind = match value {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Null => "null",
                serde_json::Value::Number(_) => "a number",
                serde_json::Value::Object(_) => "an object",
            };
            format!("record is not a JSON object (found {kind})")
        }
        Err(error) => format!("record is not JSON: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_objects_are_rejected_by_kind() {
        for (bytes, kind) in [
            (&b"[1]"[..], "array"),
            (b"\"x\"", "string"),
            (b"true", "boolean"),
            (b"null", "null"),
            (b"-4", "number"),
            (b"@", "not JSON"),
            (b"not json", "not JSON: expected ident"),
        ] {
            match decode_record(bytes) {
                Outcome::Rejected(reason) => assert!(reason.contains(kind), "{reason}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
