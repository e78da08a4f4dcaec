//! Purple-team validation: match the engine's findings against the simulation's truth.
//!
//! An attack scenario is `detected` when every detection it must fire produced a finding
//! whose evidence cites one of the scenario's records. A finding is a false positive when it
//! cites a benign look-alike's records with a detection that look-alike must not fire, or
//! when it cites no injected attack at all.

use crate::truth::{ScenarioKind, Truth};
use mailhound_core::{Finding, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The outcome of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOutcome {
    /// Scenario id.
    pub id: String,
    /// Attack or look-alike.
    pub kind: ScenarioKind,
    /// `detected` / `missed` for attacks, `silent` / `fired` for look-alikes.
    pub outcome: String,
    /// Detection ids that fired on this scenario's records.
    pub fired: Vec<String>,
    /// Detection ids that had to fire and did not.
    pub missing: Vec<String>,
    /// Seconds from the scenario's first record to the earliest matching finding's last
    /// evidence (event time).
    pub time_to_detect_seconds: Option<i64>,
    /// Ids of the matching findings.
    pub findings: Vec<String>,
}

/// A finding that should not exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FalsePositive {
    /// The finding's id.
    pub finding: String,
    /// Its detection.
    pub detection: String,
    /// Its entity value.
    pub entity: String,
    /// Why it is false: which look-alike it fired on, or that it matches no injected attack.
    pub cause: String,
}

/// The result of validating one simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The simulation's seed.
    pub seed: u64,
    /// True when every attack was detected and no false positive occurred.
    pub passed: bool,
    /// One outcome per scenario, in truth order.
    pub scenarios: Vec<ScenarioOutcome>,
    /// Every false positive with its cause.
    pub false_positives: Vec<FalsePositive>,
}

/// Matches `findings` against `truth`.
pub fn validate(truth: &Truth, findings: &[Finding]) -> ValidationReport {
    let cites = |finding: &Finding, records: &[String]| {
        finding.evidence.iter().any(|id| records.contains(id))
    };
    let mut scenarios = Vec::new();
    let mut false_positives = Vec::new();
    let mut explained = BTreeSet::new();
    for scenario in &truth.scenarios {
        let matching: Vec<&Finding> = findings
            .iter()
            .filter(|finding| cites(finding, &scenario.records))
            .collect();
        let fired: BTreeSet<String> = matching.iter().map(|f| f.detection.clone()).collect();
        let missing: Vec<String> = scenario
            .expect
            .must_fire
            .iter()
            .filter(|id| !fired.contains(*id))
            .cloned()
            .collect();
        let start = Timestamp::parse(&scenario.first_seen);
        let time_to_detect_seconds = matching
            .iter()
            .filter(|f| scenario.expect.must_fire.contains(&f.detection))
            .map(|f| f.last_seen)
            .min()
            .zip(start)
            .map(|(seen, start)| (seen.millis() - start.millis()) / 1000);
        for finding in &matching {
            if scenario.expect.must_not_fire.contains(&finding.detection) {
                false_positives.push(FalsePositive {
                    finding: finding.id.clone(),
                    detection: finding.detection.clone(),
                    entity: finding.entity.value.clone(),
                    cause: format!("fired on benign look-alike `{}`", scenario.id),
                });
            } else if scenario.kind == ScenarioKind::Attack {
                explained.insert(finding.id.clone());
            }
        }
        let outcome = match scenario.kind {
            ScenarioKind::Attack if missing.is_empty() => "detected",
            ScenarioKind::Attack => "missed",
            ScenarioKind::Lookalike
                if fired
                    .iter()
                    .any(|d| scenario.expect.must_not_fire.contains(d)) =>
            {
                "fired"
            }
            ScenarioKind::Lookalike => "silent",
        };
        scenarios.push(ScenarioOutcome {
            id: scenario.id.clone(),
            kind: scenario.kind,
            outcome: outcome.into(),
            fired: fired.into_iter().collect(),
            missing,
            time_to_detect_seconds,
            findings: matching.iter().map(|f| f.id.clone()).collect(),
        });
    }
    for finding in findings {
        let already = false_positives.iter().any(|fp| fp.finding == finding.id);
        if !explained.contains(&finding.id) && !already {
            false_positives.push(FalsePositive {
                finding: finding.id.clone(),
                detection: finding.detection.clone(),
                entity: finding.entity.value.clone(),
                cause: "cites no injected attack".into(),
            });
        }
    }
    let passed = false_positives.is_empty()
        && scenarios
            .iter()
            .all(|s| s.outcome == "detected" || s.outcome == "silent");
    ValidationReport {
        seed: truth.seed,
        passed,
        scenarios,
        false_positives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::truth::{Expectation, ScenarioTruth};
    use mailhound_core::{Confidence, Entity, EntityKind, Severity};

    fn scenario(
        id: &str,
        kind: ScenarioKind,
        records: &[&str],
        expect: Expectation,
    ) -> ScenarioTruth {
        ScenarioTruth {
            id: id.into(),
            kind,
            technique: None,
            description: String::new(),
            entities: Vec::new(),
            first_seen: "2025-03-04T09:00:00Z".into(),
            last_seen: "2025-03-04T09:10:00Z".into(),
            sources: Vec::new(),
            records: records.iter().map(|r| r.to_string()).collect(),
            expect,
            unobservable: Vec::new(),
        }
    }

    fn finding(id: &str, evidence: &str) -> Finding {
        Finding {
            id: id.into(),
            detection: "inbox_rule_exfiltration".into(),
            technique: "T1586.002".into(),
            tactic: "Resource Development".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            entity: Entity {
                kind: EntityKind::User,
                value: "u@x.com".into(),
            },
            first_seen: Timestamp(0),
            last_seen: Timestamp::parse("2025-03-04T09:05:00Z").expect("time"),
            summary: String::new(),
            evidence: vec![evidence.into()],
            details: serde_json::Value::Null,
        }
    }

    fn truth() -> Truth {
        let fire = Expectation {
            must_fire: vec!["inbox_rule_exfiltration".into()],
            must_not_fire: vec![],
        };
        let quiet = Expectation {
            must_fire: vec![],
            must_not_fire: vec!["inbox_rule_exfiltration".into()],
        };
        Truth {
            seed: 1,
            start: "2025-03-04T00:00:00Z".into(),
            domain: "x.com".into(),
            users: 2,
            intensity: 1.0,
            scenarios: vec![
                scenario("attack", ScenarioKind::Attack, &["a1", "a2"], fire),
                scenario("benign", ScenarioKind::Lookalike, &["b1"], quiet),
            ],
            facts: crate::truth::TenantFacts::default(),
        }
    }

    #[test]
    fn detected_attack_and_silent_lookalike_pass() {
        let report = validate(&truth(), &[finding("f1", "a2")]);
        assert!(report.passed);
        assert_eq!(report.scenarios[0].outcome, "detected");
        assert_eq!(report.scenarios[0].time_to_detect_seconds, Some(300));
        assert_eq!(report.scenarios[1].outcome, "silent");
    }

    #[test]
    fn missed_attack_fails() {
        let report = validate(&truth(), &[]);
        assert!(!report.passed);
        assert_eq!(report.scenarios[0].outcome, "missed");
        assert_eq!(report.scenarios[0].missing, vec!["inbox_rule_exfiltration"]);
    }

    #[test]
    fn findings_on_lookalikes_or_on_nothing_are_false_positives() {
        let report = validate(
            &truth(),
            &[
                finding("f1", "a1"),
                finding("f2", "b1"),
                finding("f3", "zz"),
            ],
        );
        assert!(!report.passed);
        assert_eq!(report.scenarios[1].outcome, "fired");
        let causes: Vec<&str> = report
            .false_positives
            .iter()
            .map(|fp| fp.cause.as_str())
            .collect();
        assert_eq!(
            causes,
            vec![
                "fired on benign look-alike `benign`",
                "cites no injected attack"
            ]
        );
    }
}
