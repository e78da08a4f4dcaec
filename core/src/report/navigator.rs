//! An ATT&CK Navigator layer (format 4.5) of the techniques the findings touched.
//!
//! Each technique a finding names (primary or related) is scored by the most severe finding
//! that names it (1 informational … 5 critical) and annotated with how many findings and which
//! detections; techniques mailhound covers but that did not fire can be shown too, unscored.

use super::attack::{TECHNIQUES, related_techniques, technique};
use crate::finding::{Finding, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What fired, per technique.
#[derive(Default)]
struct Touched {
    severity: Option<Severity>,
    findings: usize,
    detections: Vec<String>,
}

/// A layer named `name` of the techniques `findings` touched; with `show_covered`, every
/// technique mailhound knows appears, the ones that did not fire without a score.
pub fn layer(name: &str, findings: &[Finding], show_covered: bool) -> Value {
    let mut touched: BTreeMap<&str, Touched> = BTreeMap::new();
    for finding in findings {
        let ids =
            std::iter::once(finding.technique.as_str()).chain(related_techniques(&finding.details));
        for id in ids {
            let entry = touched.entry(id).or_default();
            entry.severity = entry.severity.max(Some(finding.severity));
            entry.findings += 1;
            if !entry.detections.contains(&finding.detection) {
                entry.detections.push(finding.detection.clone());
            }
        }
    }
    let mut techniques: Vec<Value> = touched
        .iter()
        .filter_map(|(id, what)| {
            let technique = technique(id)?;
            let score = what.severity.map_or(0, |severity| severity as u8 + 1);
            Some(json!({
                "techniqueID": technique.id,
                "tactic": technique.tactic_shortname,
                "score": score,
                "comment": format!("{} finding(s): {}", what.findings, what.detections.join(", ")),
                "enabled": true,
                "showSubtechniques": true,
            }))
        })
        .collect();
    if show_covered {
        for technique in TECHNIQUES.iter().filter(|t| !touched.contains_key(t.id)) {
            techniques.push(json!({
                "techniqueID": technique.id,
                "tactic": technique.tactic_shortname,
                "comment": "covered by mailhound; did not fire",
                "enabled": true,
            }));
        }
    }
    json!({
        "name": name,
        "versions": {"attack": "16", "navigator": "5.1.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": "Techniques touched by mailhound findings, scored by the most severe finding (1 informational to 5 critical).",
        "filters": {"platforms": ["Azure AD", "Office 365", "SaaS", "Windows"]},
        "sorting": 3,
        "layout": {"layout": "side", "showID": true, "showName": true},
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {"colors": ["#ffe766", "#ff6666"], "minValue": 1, "maxValue": 5},
        "legendItems": [
            {"label": "fired (score = worst severity)", "color": "#ff6666"},
            {"label": "covered, did not fire", "color": "#ffffff"}
        ],
        "metadata": [{"name": "generated_by", "value": "mailhound"}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ocsf::tests::sample;

    #[test]
    fn fired_techniques_are_scored_by_severity() {
        let layer = layer("scan", &[sample()], false);
        assert_eq!(layer["versions"]["layer"], "4.5");
        assert_eq!(layer["domain"], "enterprise-attack");
        let techniques = layer["techniques"].as_array().expect("techniques");
        let ids: Vec<&str> = techniques
            .iter()
            .filter_map(|t| t["techniqueID"].as_str())
            .collect();
        assert_eq!(ids, vec!["T1114.003", "T1564.008", "T1586.002"]);
        assert!(techniques.iter().all(|t| t["score"] == 4));
        assert_eq!(techniques[2]["tactic"], "resource-development");
        assert!(
            techniques[2]["comment"]
                .as_str()
                .unwrap_or_default()
                .contains("inbox_rule_exfiltration")
        );
    }

    #[test]
    fn covered_techniques_can_be_shown_unscored() {
        let layer = layer("coverage", &[], true);
        let techniques = layer["techniques"].as_array().expect("techniques");
        assert_eq!(techniques.len(), TECHNIQUES.len());
        assert!(techniques.iter().all(|t| t.get("score").is_none()));
    }
}
