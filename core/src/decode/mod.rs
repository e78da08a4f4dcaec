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
        Some(b'[') => Outcome::Rejected("record is not a JSON object (found an array)".into()),
        Some(b'"') => Outcome::Rejected("record is not a JSON object (found a string)".into()),
        Some(b't' | b'f') => {
            Outcome::Rejected("record is not a JSON object (found a boolean)".into())
        }
        Some(b'n') => Outcome::Rejected("record is not a JSON object (found null)".into()),
        Some(b'-' | b'0'..=b'9') => {
            Outcome::Rejected("record is not a JSON object (found a number)".into())
        }
        _ => Outcome::Rejected("record is not JSON".into()),
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
        ] {
            match decode_record(bytes) {
                Outcome::Rejected(reason) => assert!(reason.contains(kind), "{reason}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
