//! Elasticsearch search hits of `o365.audit` documents, one per line, as `_search` (or an
//! export of its `hits.hits`) returns them: `_index` the day's data-stream backing index,
//! a generated `_id`, `_score` and the ECS document in `_source`.

use super::ecs_audit::ecs_document;
use super::{FormatWriter, audit, derived, text};
use crate::record::SimRecord;
use serde_json::json;
use std::io::{self, Write};

/// Writes audit records as Elasticsearch hits.
#[derive(Debug, Default)]
pub struct EsHits;

impl FormatWriter for EsHits {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        let id = text(audit, "Id");
        let hit = json!({
            "_index": format!(".ds-logs-o365.audit-default-{}-000001", record.time.format("%Y.%m.%d")),
            "_id": derived::es_id(&[id]),
            "_score": 1.0,
            "_source": ecs_document(record, audit),
        });
        serde_json::to_writer(&mut *out, &hit)?;
        out.write_all(b"\n")?;
        Ok(id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, written};
    use super::*;

    #[test]
    fn a_hit_wraps_the_document() {
        let (text, ids) = written(&mut EsHits, &[audit_record()]);
        assert_eq!(ids, ["6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"]);
        let hit: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            hit["_index"],
            ".ds-logs-o365.audit-default-2025.03.04-000001"
        );
        assert_eq!(hit["_id"].as_str().map(str::len), Some(20));
        assert_eq!(
            hit["_source"]["event"]["id"],
            "6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"
        );
    }
}
