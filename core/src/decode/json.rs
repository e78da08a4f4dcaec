//! JSON records: recognise the export shape from the keys, then hand over to its decoder.
//!
//! Recognition reads the record's top-level keys once, skipping values
//! ([`serde::de::IgnoredAny`]). Because one input nearly always holds one shape, the shape of
//! the previous record is tried first; each shape decoder answers `None` when the record lacks
//! the keys that make it that shape, and only then are the keys read again. An input that
//! mixes shapes (a SIEM export of several tables) would pay that failed attempt on every
//! switch, so the shape is also remembered by the record's first key
//! ([`super::FirstKeyShapes`]): an exporter writes the keys of one shape in one order, so
//! the first key nearly always tells the shape, and it is tried first. Either way the record
//! is decoded by a decoder that accepts it; the hints only choose which is asked first.

use super::{DecodeContext, Outcome, probe, signin, ual};
use crate::input::format::{JsonShape, KeySet, TopKey};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Decodes one JSON record.
pub fn decode(bytes: &[u8], context: &mut DecodeContext) -> Outcome {
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Outcome::Rejected(not_an_object(bytes));
    }
    if let Some(shape) = context.forced_shape {
        return decode_as(shape, bytes, context)
            .unwrap_or_else(|| Outcome::Rejected(format!("not a `{}` record", shape.name())));
    }
    let first_key = first_key(bytes);
    let hinted = first_key.and_then(|key| context.first_keys.shape(key));
    if let Some(shape) = hinted.or(context.last_shape) {
        if let Some(outcome) = decode_as(shape, bytes, context) {
            if hinted.is_none() {
                context.first_keys.learn(first_key, shape);
            }
            context.decoded_as(shape);
            return outcome;
        }
    }
    let keys = match probe_keys(bytes) {
        Ok(keys) => keys,
        Err(error) => return Outcome::Rejected(format!("invalid JSON: {error}")),
    };
    let Some(shape) = JsonShape::classify(&keys) else {
        return Outcome::Rejected(
            "unrecognised record: its keys match none of the known export shapes".into(),
        );
    };
    match decode_as(shape, bytes, context) {
        Some(outcome) => {
            context.first_keys.learn(first_key, shape);
            context.decoded_as(shape);
            outcome
        }
        None => {
            context.last_shape = Some(shape);
            Outcome::Rejected(format!(
                "record looks like `{}` but is not one",
                shape.name()
            ))
        }
    }
}

/// The first key of the object `bytes`, as written between its quotes; `None` when it has
/// none or it is written with escapes.
fn first_key(bytes: &[u8]) -> Option<&[u8]> {
    let rest = bytes.trim_ascii_start().strip_prefix(b"{")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    (rest[end] == b'"').then(|| &rest[..end])
}

/// Decodes `bytes` as `shape`; `None` when the record is not of that shape.
pub fn decode_as(shape: JsonShape, bytes: &[u8], context: &mut DecodeContext) -> Option<Outcome> {
    let forced = context.forced_shape == Some(shape);
    match shape {
        JsonShape::Ual => ual::decode_api_record(bytes),
        JsonShape::UalSearch => ual::decode_search_record(bytes),
        JsonShape::UalGraph => ual::decode_graph_record(bytes),
        JsonShape::EcsO365 => ual::decode_ecs_document(bytes),
        JsonShape::EsHit => ual::decode_es_hit(bytes, context),
        JsonShape::GraphSignin => signin::decode_graph(bytes, forced),
        JsonShape::AzureMonitorSignin => signin::decode_azure_monitor(bytes, forced),
        JsonShape::SentinelSignin => signin::decode_sentinel(bytes, forced),
        JsonShape::EcsSignin => signin::decode_ecs(bytes, forced),
        JsonShape::EvtxJson => probe::windows::evtx::decode(bytes),
        JsonShape::Winlogbeat => probe::windows::winlogbeat::decode(bytes),
        JsonShape::ProxyJson => probe::proxy_json::decode(bytes, context),
    }
}

/// Reads which known keys a JSON object has, skipping every value.
pub fn probe_keys(bytes: &[u8]) -> Result<KeySet, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let keys = (&mut deserializer).deserialize_map(KeyProbe)?;
    deserializer.end()?;
    Ok(keys)
}

struct KeyProbe;

impl<'de> Visitor<'de> for KeyProbe {
    type Value = KeySet;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeySet, A::Error> {
        let mut keys = KeySet::default();
        while let Some(key) = map.next_key::<KeyName>()? {
            if let Some(key) = key.0 {
                keys.insert(key);
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(keys)
    }
}

/// A key, recognised as a [`TopKey`] or not, read without allocating when possible.
struct KeyName(Option<TopKey>);

impl<'de> de::Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = KeyName;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<KeyName, E> {
                Ok(KeyName(TopKey::from_name(name)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// Says what a record that is not a JSON object is instead.
pub fn not_an_object(bytes: &[u8]) -> String {
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
            match decode(bytes, &mut DecodeContext::default()) {
                Outcome::Rejected(reason) => assert!(reason.contains(kind), "{reason}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn keys_are_probed_without_reading_values() {
        let keys =
            probe_keys(br#"{"CreationTime":"x","Operation":{"deep":[1,2,{"a":"b"}]},"Other":1}"#)
                .expect("valid");
        assert!(keys.contains(TopKey::CreationTime) && keys.contains(TopKey::Operation));
        assert!(!keys.contains(TopKey::AuditDataText));
        assert!(probe_keys(br#"{"a":1} trailing"#).is_err());
    }

    #[test]
    fn unrecognised_objects_are_rejected() {
        match decode(br#"{"colour":"blue"}"#, &mut DecodeContext::default()) {
            Outcome::Rejected(reason) => assert!(reason.contains("unrecognised"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_shape_is_remembered_and_checked_again_when_it_changes() {
        let mut context = DecodeContext::default();
        let ual = br#"{"Id":"1","CreationTime":"2025-03-04T09:15:02","Operation":"FileAccessed"}"#;
        assert!(matches!(decode(ual, &mut context), Outcome::Ignored(_)));
        assert_eq!(context.last_shape, Some(JsonShape::Ual));
        let other =
            br#"{"id":"2","createdDateTime":"2025-03-04T09:15:02Z","userPrincipalName":"a@b.com"}"#;
        let _ = decode(other, &mut context);
        assert_eq!(context.last_shape, Some(JsonShape::GraphSignin));
    }

    #[test]
    fn mixed_shapes_decode_alike_whatever_was_seen_before() {
        let ual = br#"{"Id":"1","CreationTime":"2025-03-04T09:15:02","Operation":"Send","UserId":"a@b.com"}"#;
        let sign_in = br#"{"id":"2","createdDateTime":"2025-03-04T09:15:02Z","userPrincipalName":"a@b.com","status":{"errorCode":0}}"#;
        let alone = |bytes: &[u8]| decode(bytes, &mut DecodeContext::default());
        let mut context = DecodeContext::default();
        for _ in 0..3 {
            assert_eq!(decode(ual, &mut context), alone(ual));
            assert_eq!(context.last_shape, Some(JsonShape::Ual));
            assert_eq!(decode(sign_in, &mut context), alone(sign_in));
            assert_eq!(context.last_shape, Some(JsonShape::GraphSignin));
        }
        assert_eq!(context.first_keys.shape(b"Id"), Some(JsonShape::Ual));
        assert_eq!(
            context.first_keys.shape(b"id"),
            Some(JsonShape::GraphSignin)
        );
        // A record whose first key was seen in another shape is still decoded as its own.
        let odd = br#"{"id":"3","CreationTime":"2025-03-04T09:15:02","Operation":"Send","Id":"3"}"#;
        assert_eq!(decode(odd, &mut context), alone(odd));
        assert!(matches!(decode(odd, &mut context), Outcome::Event(_)));
    }

    #[test]
    fn the_first_key_is_read_as_written() {
        assert_eq!(first_key(br#" { "Id" :1}"#), Some(&b"Id"[..]));
        assert_eq!(first_key(br#"{"I\u0064":1}"#), None);
        assert_eq!(first_key(br#"{}"#), None);
        assert_eq!(first_key(br#"{"unterminated"#), None);
    }

    #[test]
    fn first_keys_are_bounded() {
        let mut shapes = crate::decode::FirstKeyShapes::default();
        for index in 0..100 {
            shapes.learn(Some(format!("k{index}").as_bytes()), JsonShape::Ual);
        }
        assert_eq!(shapes.shape(b"k0"), Some(JsonShape::Ual));
        assert_eq!(shapes.shape(b"k99"), None);
        shapes.learn(Some(b"k0"), JsonShape::GraphSignin);
        assert_eq!(shapes.shape(b"k0"), Some(JsonShape::GraphSignin));
    }
}
