//! Elasticsearch search hits (`{"_index": ..., "_id": ..., "_source": {...}}`), as
//! `elasticdump` and scrolled `_search` exports write them, one per line.
//!
//! The document in `_source` may be of any shape (an `o365.audit` document, a sign-in
//! document, a bare audit record), so it is recognised from its own keys and decoded by that
//! shape's decoder, borrowed in place: the hit is never re-serialised. A hit inside a hit's
//! `_source` is refused rather than unwrapped again.

use crate::decode::json::{decode_as, probe_keys};
use crate::decode::{DecodeContext, Outcome};
use crate::input::format::JsonShape;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The part of a hit the decoder reads.
#[derive(Deserialize)]
struct Hit<'a> {
    #[serde(rename = "_source", borrow)]
    source: Option<&'a RawValue>,
}

/// Decodes the document of one Elasticsearch hit; `None` when the object has no `_source`.
pub fn decode_es_hit(bytes: &[u8], context: &mut DecodeContext) -> Option<Outcome> {
    let hit: Hit<'_> = match serde_json::from_slice(bytes) {
        Ok(hit) => hit,
        Err(error) => {
            return Some(Outcome::Rejected(format!(
                "invalid Elasticsearch hit: {error}"
            )));
        }
    };
    let source = hit.source?.get().as_bytes();
    if source.first() != Some(&b'{') {
        return Some(Outcome::Rejected(
            "Elasticsearch hit whose `_source` is not an object".into(),
        ));
    }
    let shape = match probe_keys(source).map(|keys| JsonShape::classify(&keys)) {
        Ok(Some(JsonShape::EsHit)) => {
            return Some(Outcome::Rejected(
                "Elasticsearch hit whose `_source` is another hit".into(),
            ));
        }
        Ok(Some(shape)) => shape,
        Ok(None) => {
            return Some(Outcome::Rejected(
                "Elasticsearch hit whose `_source` matches none of the known record shapes".into(),
            ));
        }
        Err(error) => return Some(Outcome::Rejected(format!("invalid `_source`: {error}"))),
    };
    Some(decode_as(shape, source, context).unwrap_or_else(|| {
        Outcome::Rejected(format!(
            "Elasticsearch hit whose `_source` looks like `{}` but is not one",
            shape.name()
        ))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Outcome {
        decode_es_hit(json.as_bytes(), &mut DecodeContext::default()).expect("a hit")
    }

    #[test]
    fn the_source_is_decoded_as_its_own_shape() {
        let ecs = decode(
            r#"{"_index":".ds-logs-o365.audit-default-2025.03.04-000001","_id":"x1","_score":null,
                "_source":{"@timestamp":"2025-03-04T09:15:02.000Z","event":{"action":"Send","id":"r1"},
                           "o365":{"audit":{"UserId":"jdoe@contoso.com"}}}}"#,
        );
        assert!(
            matches!(&ecs, Outcome::Event(event) if &*event.record_id == "r1"),
            "{ecs:?}"
        );
        let bare = decode(
            r#"{"_id":"x2","_source":{"Id":"r2","CreationTime":"2025-03-04T09:15:02","Operation":"FileAccessed"}}"#,
        );
        assert_eq!(bare, Outcome::ignored("FileAccessed", Some("r2".into())));
    }

    #[test]
    fn what_a_hit_cannot_hold() {
        for (json, reason) in [
            (r#"{"_source":[1]}"#, "not an object"),
            (r#"{"_source":{"_source":{}}}"#, "another hit"),
            (r#"{"_source":{"colour":"blue"}}"#, "none of the known"),
            (r#"{"_source":{"o365":{}}}"#, "looks like `ecs-o365`"),
        ] {
            match decode(json) {
                Outcome::Rejected(why) => assert!(why.contains(reason), "{json}: {why}"),
                other => panic!("{json}: {other:?}"),
            }
        }
        assert_eq!(
            decode_es_hit(br#"{"_index":"x"}"#, &mut DecodeContext::default()),
            None
        );
    }
}
