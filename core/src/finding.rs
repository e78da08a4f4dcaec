//! The finding: one detected episode, with the evidence that earned it.
//!
//! Field names are a stable interface (JSON output, the web page, the validation run):
//! `id`, `detection`, `technique`, `tactic`, `severity`, `confidence`, `entity`,
//! `first_seen`, `last_seen`, `summary`, `evidence`, `details`.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad it is if the finding is true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing, not worth waking anyone.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Act now.
    Critical,
}

impl Severity {
    /// Lower-case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Informational => "informational",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the detection is that the finding is malicious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// What kind of thing a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// An account (UPN).
    User,
    /// A source address.
    Ip,
    /// A machine known by name only (endpoint telemetry without its address).
    Host,
}

/// The account or address a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entity {
    /// User or IP.
    pub kind: EntityKind,
    /// The UPN, the address or the machine name.
    pub value: String,
}

/// One detected episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: the same records always give the same id.
    pub id: String,
    /// The detection's stable id, e.g. `inbox_rule_exfiltration`.
    pub detection: String,
    /// ATT&CK technique, e.g. `T1586.002`.
    pub technique: String,
    /// ATT&CK tactic name, e.g. `Resource Development`.
    pub tactic: String,
    /// Severity.
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Who or what it is about.
    pub entity: Entity,
    /// Time of the first record of the episode.
    #[serde(with = "rfc3339")]
    pub first_seen: Timestamp,
    /// Time of the last record of the episode.
    #[serde(with = "rfc3339")]
    pub last_seen: Timestamp,
    /// One sentence for a human.
    pub summary: String,
    /// Ids of the records that made the finding.
    pub evidence: Vec<String>,
    /// The numbers and values behind the verdict; shape depends on the detection.
    pub details: serde_json::Value,
}

/// Serialises timestamps in findings as RFC 3339 UTC text.
mod rfc3339 {
    use crate::time::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&time.to_rfc3339())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).ok_or_else(|| D::Error::custom(format!("invalid time `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_the_stable_field_names() {
        let finding = Finding {
            id: "inbox_rule_exfiltration/jdoe@contoso.com/1".into(),
            detection: "inbox_rule_exfiltration".into(),
            technique: "T1586.002".into(),
            tactic: "Resource Development".into(),
            severity: Severity::High,
            confidence: Confidence::Medium,
            entity: Entity {
                kind: EntityKind::User,
                value: "jdoe@contoso.com".into(),
            },
            first_seen: Timestamp(1_741_079_702_000),
            last_seen: Timestamp(1_741_079_702_000),
            summary: "s".into(),
            evidence: vec!["5e7c1a0e".into()],
            details: serde_json::json!({"k": 1}),
        };
        let json = serde_json::to_value(&finding).expect("serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "id",
            "detection",
            "technique",
            "tactic",
            "severity",
            "confidence",
            "entity",
            "first_seen",
            "last_seen",
            "summary",
            "evidence",
            "details",
        ] {
            assert!(keys.contains(&key), "missing {key}");
        }
        assert_eq!(json["severity"], "high");
        assert_eq!(json["entity"]["kind"], "user");
        assert_eq!(json["first_seen"], "2025-03-04T09:15:02.000Z");
        let back: Finding = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, finding);
    }
}
