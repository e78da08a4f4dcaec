//! Findings as OCSF Detection Finding events (class 2004, category 2 Findings).
//!
//! One event per finding: `finding_info` carries the id, title, analytic (the detection) and
//! the ATT&CK techniques (primary and related); `resources` names the account or address;
//! `evidences` the records; the detection's own numbers go to `unmapped`. Times are epoch
//! milliseconds, as OCSF's `timestamp_t`.

use super::attack::{related_techniques, technique};
use crate::finding::{Confidence, EntityKind, Finding, Severity};
use serde_json::{Value, json};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";

/// One finding as an OCSF Detection Finding.
pub fn detection_finding(finding: &Finding) -> Value {
    let severity_id = match finding.severity {
        Severity::Informational => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    };
    let confidence_id = match finding.confidence {
        Confidence::Low => 1,
        Confidence::Medium => 2,
        Confidence::High => 3,
    };
    let attacks: Vec<Value> = std::iter::once(finding.technique.as_str())
        .chain(related_techniques(&finding.details))
        .filter_map(technique)
        .map(|technique| {
            json!({
                "tactic": {"uid": technique.tactic_id, "name": technique.tactic},
                "technique": {"uid": technique.id, "name": technique.name},
                "version": "16",
            })
        })
        .collect();
    let resource = match finding.entity.kind {
        EntityKind::User => json!({"type": "Mailbox", "name": finding.entity.value}),
        EntityKind::Ip => json!({"type": "IP Address", "name": finding.entity.value}),
        EntityKind::Host => json!({"type": "Hostname", "name": finding.entity.value}),
    };
    json!({
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200_401,
        "time": finding.last_seen.millis(),
        "severity_id": severity_id,
        "severity": finding.severity.as_str(),
        "confidence_id": confidence_id,
        "status_id": 1,
        "is_alert": true,
        "message": finding.summary,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "mailhound", "vendor_name": "mailhound", "version": env!("CARGO_PKG_VERSION")},
        },
        "finding_info": {
            "uid": finding.id,
            "title": finding.summary,
            "analytic": {"uid": finding.detection, "name": finding.detection, "type_id": 1, "type": "Rule"},
            "attacks": attacks,
            "first_seen_time": finding.first_seen.millis(),
            "last_seen_time": finding.last_seen.millis(),
            "types": [finding.tactic],
        },
        "resources": [resource],
        "evidences": finding.evidence.iter().map(|id| json!({"data": {"record_id": id}})).collect::<Vec<_>>(),
        "unmapped": finding.details,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::finding::Entity;
    use crate::time::Timestamp;

    pub(crate) fn sample() -> Finding {
        Finding {
            id: "inbox_rule_exfiltration/jdoe@contoso.com/r1".into(),
            detection: "inbox_rule_exfiltration".into(),
            technique: "T1586.002".into(),
            tactic: "Resource Development".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            entity: Entity {
                kind: EntityKind::User,
                value: "jdoe@contoso.com".into(),
            },
            first_seen: Timestamp(1_741_079_702_000),
            last_seen: Timestamp(1_741_079_762_000),
            summary: "jdoe@contoso.com created inbox rule \".\", forwarding out".into(),
            evidence: vec!["r1".into(), "r2".into()],
            details: json!({"rule_name": ".", "related_techniques": ["T1114.003", "T1564.008"]}),
        }
    }

    #[test]
    fn the_required_attributes_are_there() {
        let event = detection_finding(&sample());
        for key in [
            "activity_id",
            "category_uid",
            "class_uid",
            "metadata",
            "severity_id",
            "time",
            "type_uid",
            "finding_info",
        ] {
            assert!(event.get(key).is_some(), "missing {key}");
        }
        assert_eq!(event["type_uid"], 200_401);
        assert_eq!(event["time"], 1_741_079_762_000_i64);
        assert_eq!(event["severity_id"], 4);
        assert_eq!(
            event["finding_info"]["uid"],
            "inbox_rule_exfiltration/jdoe@contoso.com/r1"
        );
        assert_eq!(
            event["finding_info"]["first_seen_time"],
            1_741_079_702_000_i64
        );
        let attacks = event["finding_info"]["attacks"]
            .as_array()
            .expect("attacks");
        let ids: Vec<&str> = attacks
            .iter()
            .filter_map(|a| a["technique"]["uid"].as_str())
            .collect();
        assert_eq!(ids, vec!["T1586.002", "T1114.003", "T1564.008"]);
        assert_eq!(attacks[0]["tactic"]["uid"], "TA0042");
        assert_eq!(event["resources"][0]["type"], "Mailbox");
        assert_eq!(event["evidences"][1]["data"]["record_id"], "r2");
        assert_eq!(event["metadata"]["product"]["name"], "mailhound");
    }
}
