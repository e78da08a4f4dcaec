//! The validation as an ATT&CK Navigator layer (format 4.5): each technique a scenario
//! exercised, coloured by how the detections did on it.
//!
//! Green: every attack on the technique was detected in every seed. Red: an attack was
//! missed in some seed. Orange: no attack was missed but a benign look-alike made a
//! detection of this technique fire. The comment names the scenarios and their rates. The
//! layer's frame (versions, domain, filters, layout) is the core's, so both layers open the
//! same way.

use super::RunReport;
use crate::truth::ScenarioKind;
use mailhound_core::report::attack::technique;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Colour of a technique whose attacks were all detected.
pub const DETECTED: &str = "#66bb6a";
/// Colour of a technique with a missed attack.
pub const MISSED: &str = "#ef5350";
/// Colour of a technique a look-alike made fire.
pub const LOOKALIKE_FIRED: &str = "#ffa726";

/// What happened on one technique.
#[derive(Default)]
struct Outcome {
    missed: bool,
    lookalike_fired: bool,
    notes: Vec<String>,
    /// Detected runs and runs of the attacks on it.
    detected: (usize, usize),
}

/// The layer of `report`, named `name`.
pub fn layer(name: &str, report: &RunReport) -> Value {
    let mut by_technique: BTreeMap<String, Outcome> = BTreeMap::new();
    for scenario in &report.summary.scenarios {
        match scenario.kind {
            ScenarioKind::Attack => {
                let Some(id) = &scenario.technique else {
                    continue;
                };
                let entry = by_technique.entry(id.clone()).or_default();
                entry.missed |= scenario.passes < scenario.runs;
                entry.detected.0 += scenario.passes;
                entry.detected.1 += scenario.runs;
                entry.notes.push(format!(
                    "{}: detected {}/{}",
                    scenario.id, scenario.passes, scenario.runs
                ));
            }
            ScenarioKind::Lookalike => {
                for id in lookalike_techniques(report, &scenario.id) {
                    let entry = by_technique.entry(id).or_default();
                    entry.lookalike_fired = true;
                    entry.notes.push(format!(
                        "look-alike {} fired in {}/{} seed(s)",
                        scenario.id,
                        scenario.runs - scenario.passes,
                        scenario.runs
                    ));
                }
            }
        }
    }
    let techniques: Vec<Value> = by_technique
        .iter()
        .filter_map(|(id, outcome)| {
            let technique = technique(id)?;
            let color = if outcome.missed {
                MISSED
            } else if outcome.lookalike_fired {
                LOOKALIKE_FIRED
            } else {
                DETECTED
            };
            let (detected, runs) = outcome.detected;
            let score = (detected * 100).checked_div(runs).unwrap_or(0);
            Some(json!({
                "techniqueID": technique.id,
                "tactic": technique.tactic_shortname,
                "score": score,
                "color": color,
                "comment": outcome.notes.join("; "),
                "enabled": true,
                "showSubtechniques": true,
            }))
        })
        .collect();
    let mut layer = mailhound_core::report::navigator::layer(name, &[], false);
    layer["description"] = json!(format!(
        "mailhound validation over {} seed(s): techniques coloured by outcome; score = detection rate (%).",
        report.summary.seeds.len()
    ));
    layer["techniques"] = json!(techniques);
    layer["gradient"] = json!({"colors": [MISSED, DETECTED], "minValue": 0, "maxValue": 100});
    layer["legendItems"] = json!([
        {"label": "every attack detected", "color": DETECTED},
        {"label": "an attack missed", "color": MISSED},
        {"label": "a benign look-alike fired", "color": LOOKALIKE_FIRED},
    ]);
    layer
}

/// The techniques of the findings that fired on look-alike `id`, over every seed.
fn lookalike_techniques(report: &RunReport, id: &str) -> Vec<String> {
    let mut techniques: Vec<String> = Vec::new();
    for run in &report.runs {
        let fired = run
            .report
            .scenarios
            .iter()
            .filter(|s| s.id == id && s.outcome == "fired");
        for outcome in fired {
            for finding in run
                .findings
                .iter()
                .filter(|f| outcome.findings.contains(&f.id))
            {
                if !techniques.contains(&finding.technique) {
                    techniques.push(finding.technique.clone());
                }
            }
        }
    }
    techniques.sort();
    techniques
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::run;
    use mailhound_core::{Confidence, Entity, EntityKind, Finding, Severity, Timestamp};

    fn colour_of(layer: &Value, id: &str) -> String {
        layer["techniques"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["techniqueID"] == id))
            .and_then(|t| t["color"].as_str())
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn a_detected_technique_is_green_and_a_missed_one_red() {
        let green = RunReport::new(vec![run(1, "detected", Some(3), "silent")]);
        let layer = layer("validation", &green);
        assert_eq!(layer["versions"]["layer"], "4.5");
        assert_eq!(colour_of(&layer, "T1586.002"), DETECTED);
        assert_eq!(layer["techniques"][0]["score"], 100);
        assert_eq!(layer["techniques"][0]["tactic"], "resource-development");
        assert!(
            layer["techniques"][0]["comment"]
                .as_str()
                .unwrap_or_default()
                .contains("attack: detected 1/1")
        );
        let red = RunReport::new(vec![
            run(1, "detected", Some(3), "silent"),
            run(2, "missed", None, "silent"),
        ]);
        let layer = super::layer("validation", &red);
        assert_eq!(colour_of(&layer, "T1586.002"), MISSED);
        assert_eq!(layer["techniques"][0]["score"], 50);
    }

    #[test]
    fn a_lookalike_that_fired_colours_its_findings_technique_orange() {
        let mut fired = run(1, "detected", Some(3), "fired");
        fired.report.scenarios[1].findings = vec!["f1".into()];
        fired.findings.push(Finding {
            id: "f1".into(),
            detection: "inbox_rule_exfiltration".into(),
            technique: "T1114.003".into(),
            tactic: "Collection".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            entity: Entity {
                kind: EntityKind::User,
                value: "amy@contoso.com".into(),
            },
            first_seen: Timestamp(0),
            last_seen: Timestamp(0),
            summary: String::new(),
            evidence: vec![],
            details: Value::Null,
        });
        let layer = layer("validation", &RunReport::new(vec![fired]));
        assert_eq!(colour_of(&layer, "T1114.003"), LOOKALIKE_FIRED);
        assert_eq!(colour_of(&layer, "T1586.002"), DETECTED);
        let comment = layer["techniques"][0]["comment"]
            .as_str()
            .unwrap_or_default();
        assert!(
            comment.contains("look-alike benign fired in 1/1"),
            "{comment}"
        );
    }
}
