//! Simulator bytes through the decoder and engine: the injected attack is found, benign
//! activity is not.

use mailhound_core::Severity;
use mailhound_e2e::scan_chunked;
use mailhound_simulator::{SimOptions, UAL_FILE, simulate};

const START: &str = "2025-03-04T00:00:00Z";

fn options(seed: u64) -> SimOptions {
    SimOptions::new(seed, START).expect("valid start")
}

#[test]
fn the_attackers_rule_is_found_for_every_seed() {
    for seed in 1..=20 {
        let mut options = options(seed);
        options.scenarios = Some(vec![
            "benign_inbox_rules".into(),
            "inbox_rule_creation".into(),
        ]);
        let output = simulate(&options);
        let attack = output
            .truth
            .scenarios
            .iter()
            .find(|s| s.id == "inbox_rule_creation")
            .expect("attack injected");
        let file = &output.files[0];
        assert_eq!(file.name, UAL_FILE);
        let scanned = scan_chunked(
            &[(UAL_FILE, file.text.as_bytes())],
            64 * 1024,
            // As deployed: the tenant's domains, allow-listed ranges and service accounts.
            output.truth.facts.engine_config(),
        );
        assert_eq!(
            scanned.findings.len(),
            1,
            "seed {seed}: {:#?}",
            scanned.findings
        );
        let finding = &scanned.findings[0];
        assert_eq!(finding.detection, "inbox_rule_exfiltration");
        // Forwarding out is high; marking as read or keyword conditions make it critical.
        let records: serde_json::Value = serde_json::from_str(&file.text).expect("JSON array");
        let rule = records
            .as_array()
            .and_then(|records| records.iter().find(|r| r["Id"] == finding.evidence[0]))
            .expect("the rule record");
        let names: Vec<&str> = rule["Parameters"]
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p["Name"].as_str()).collect())
            .unwrap_or_default();
        let expected =
            if names.contains(&"MarkAsRead") || names.contains(&"SubjectOrBodyContainsWords") {
                Severity::Critical
            } else {
                Severity::High
            };
        assert_eq!(finding.severity, expected, "seed {seed}");
        assert_eq!(
            finding.entity.value, attack.entities[0].value,
            "seed {seed}"
        );
        assert!(attack.records.contains(&finding.evidence[0]), "seed {seed}");
        let attacker_ip = &attack.entities[1].value;
        assert_eq!(
            finding.details["client_ip"],
            attacker_ip.as_str(),
            "seed {seed}"
        );
        assert!(scanned.stats.balanced());
        assert_eq!(
            scanned.stats.rejected, 0,
            "seed {seed}: {:?}",
            scanned.rejections
        );
    }
}

#[test]
fn a_benign_day_has_no_finding() {
    for seed in 1..=10 {
        let mut options = options(seed);
        options.attacks = false;
        let output = simulate(&options);
        assert!(
            output
                .truth
                .scenarios
                .iter()
                .all(|s| s.expect.must_fire.is_empty())
        );
        let benign_rules = output
            .truth
            .scenarios
            .iter()
            .find(|s| s.id == "benign_inbox_rules")
            .expect("benign rules played");
        assert!(!benign_rules.records.is_empty());
        let bytes = output.files[0].text.as_bytes();
        let config = output.truth.facts.engine_config();
        let scanned = scan_chunked(&[(UAL_FILE, bytes)], 4096, config);
        assert!(
            scanned.findings.is_empty(),
            "seed {seed}: {:#?}",
            scanned.findings
        );
        assert!(scanned.stats.events >= benign_rules.records.len() as u64);
        assert!(scanned.stats.balanced());
        assert_eq!(scanned.stats.rejected, 0);
    }
}

#[test]
fn validation_passes_for_twenty_seeds() {
    for seed in 1..=20 {
        let validation = mailhound_simulator::simulate_and_validate(&options(seed));
        assert!(
            validation.report.passed,
            "seed {seed}: {:#?}",
            validation.report
        );
        assert!(validation.report.false_positives.is_empty());
    }
}

#[test]
fn the_simulator_is_deterministic() {
    let a = simulate(&options(42));
    let b = simulate(&options(42));
    let c = simulate(&options(43));
    assert_eq!(a.files, b.files);
    assert_eq!(a.truth, b.truth);
    assert_ne!(a.files[0].text, c.files[0].text);
    let later = simulate(&SimOptions::new(42, "2025-03-05T00:00:00Z").expect("valid"));
    assert_ne!(a.files[0].text, later.files[0].text);
}
