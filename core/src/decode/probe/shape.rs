//! Telling "a record of this shape with a bad field" from "a record of another shape".
//!
//! The JSON dispatcher tries the previous record's shape first and expects a decoder to answer
//! `None` for a record of another shape. Deserialising a record of another shape can fail on a
//! field whose name means something else there (a Graph sign-in's `status` is an object, a
//! proxy record's a number); that failure must not become a rejection. So when deserialising
//! fails, the record's top-level keys are read (only then, so the common path pays nothing):
//! without the keys that make the shape, the record is someone else's.

use crate::decode::Outcome;
use crate::decode::json::probe_keys;
use crate::input::format::TopKey;

/// The outcome of a record that did not deserialise as `what`: a rejection with `error` when
/// it has one of `keys` (or is not valid JSON at all), `None` when it is another shape.
pub fn failed(
    bytes: &[u8],
    keys: &[TopKey],
    what: &str,
    error: &serde_json::Error,
) -> Option<Outcome> {
    match probe_keys(bytes) {
        Ok(found) if !keys.iter().any(|key| found.contains(*key)) => None,
        _ => Some(Outcome::Rejected(format!("invalid {what}: {error}"))),
    }
}
