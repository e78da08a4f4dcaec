//! Findings as CSV: one row per finding, the evidence joined with `;`, the details as JSON.

use crate::finding::Finding;

/// The header row.
pub const COLUMNS: [&str; 13] = [
    "id",
    "detection",
    "technique",
    "tactic",
    "severity",
    "confidence",
    "entity_kind",
    "entity",
    "first_seen",
    "last_seen",
    "summary",
    "evidence",
    "details",
];

/// Writes `findings` as CSV (RFC 4180 quoting), header first.
pub fn to_csv(findings: &[Finding]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for finding in findings {
        let entity_kind = match finding.entity.kind {
            crate::finding::EntityKind::User => "user",
            crate::finding::EntityKind::Ip => "ip",
            crate::finding::EntityKind::Host => "host",
        };
        let confidence = match finding.confidence {
            crate::finding::Confidence::Low => "low",
            crate::finding::Confidence::Medium => "medium",
            crate::finding::Confidence::High => "high",
        };
        writer.write_record([
            finding.id.as_str(),
            &finding.detection,
            &finding.technique,
            &finding.tactic,
            finding.severity.as_str(),
            confidence,
            entity_kind,
            &finding.entity.value,
            &finding.first_seen.to_rfc3339(),
            &finding.last_seen.to_rfc3339(),
            &finding.summary,
            &finding.evidence.join(";"),
            &finding.details.to_string(),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ocsf::tests::sample;

    #[test]
    fn quotes_and_commas_survive_a_round_trip() {
        let bytes = to_csv(&[sample()]).expect("writes");
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, COLUMNS);
        let row = reader.records().next().expect("one row").expect("valid");
        assert_eq!(&row[1], "inbox_rule_exfiltration");
        assert_eq!(
            &row[10],
            "jdoe@contoso.com created inbox rule \".\", forwarding out"
        );
        assert_eq!(&row[11], "r1;r2");
        let details: serde_json::Value = serde_json::from_str(&row[12]).expect("JSON details");
        assert_eq!(details["rule_name"], ".");
    }
}
