//! The T1586.002 attack scenarios end to end: for twenty seeds, each is simulated in the
//! default formats beside a tenant's ordinary day, scanned by the engine, and must be
//! detected by every detection it lists, citing its own records, with no false positive.

use mailhound_simulator::{ScenarioKind, SimOptions, simulate_and_validate};
use std::collections::BTreeSet;

const START: &str = "2025-03-04T00:00:00Z";

/// The scenarios under test and the detections each must fire in the default formats.
const EXPECTED: &[(&str, &[&str])] = &[
    ("credential_spray", &["credential_spray"]),
    ("bulk_send", &["bulk_send"]),
    ("impossible_travel_geo_shift", &["impossible_travel"]),
    (
        "risky_signin_then_inbox_rule",
        &["risky_signin_then_inbox_rule", "inbox_rule_exfiltration"],
    ),
    (
        "thread_hijack",
        &["thread_hijack", "inbox_rule_exfiltration"],
    ),
];

fn options(seed: u64) -> SimOptions {
    let mut options = SimOptions::new(seed, START).expect("valid start");
    options.scenarios = Some(EXPECTED.iter().map(|(id, _)| (*id).to_owned()).collect());
    options
}

#[test]
fn the_registry_lists_these_compromises() {
    let ids: Vec<&str> = EXPECTED.iter().map(|(id, _)| *id).collect();
    assert_eq!(mailhound_simulator::scenarios::COMPROMISE, ids.as_slice());
}

#[test]
fn every_compromise_is_detected_for_twenty_seeds() {
    for seed in 1..=20 {
        let validation = simulate_and_validate(&options(seed));
        let report = &validation.report;
        assert!(
            report.false_positives.is_empty(),
            "seed {seed}: {:#?}",
            report.false_positives
        );
        assert_eq!(report.scenarios.len(), EXPECTED.len(), "seed {seed}");
        for (id, detections) in EXPECTED {
            let truth = validation
                .simulation
                .truth
                .scenarios
                .iter()
                .find(|s| s.id == *id)
                .unwrap_or_else(|| panic!("seed {seed}: {id} played"));
            assert_eq!(truth.kind, ScenarioKind::Attack);
            assert_eq!(truth.technique.as_deref(), Some("T1586.002"));
            let expected: BTreeSet<&str> = detections.iter().copied().collect();
            let listed: BTreeSet<&str> =
                truth.expect.must_fire.iter().map(String::as_str).collect();
            assert_eq!(listed, expected, "seed {seed}: {id} lists its detections");
            assert!(truth.unobservable.is_empty(), "seed {seed}: {id}");
            let outcome = report
                .scenarios
                .iter()
                .find(|s| s.id == *id)
                .unwrap_or_else(|| panic!("seed {seed}: {id} validated"));
            assert_eq!(
                outcome.outcome, "detected",
                "seed {seed}: {id}: {outcome:#?}"
            );
            let fired: BTreeSet<&str> = outcome.fired.iter().map(String::as_str).collect();
            assert_eq!(
                fired, expected,
                "seed {seed}: {id} fires exactly what it lists"
            );
        }
        assert!(report.passed, "seed {seed}: {report:#?}");
        assert!(validation.scan.stats.balanced());
        assert_eq!(
            validation.scan.stats.rejected, 0,
            "seed {seed}: {:?}",
            validation.scan.rejections
        );
    }
}

#[test]
fn the_spray_is_critical_and_names_the_account_it_took() {
    for seed in 1..=20 {
        let validation = simulate_and_validate(&options(seed));
        let truth = validation
            .simulation
            .truth
            .scenarios
            .iter()
            .find(|s| s.id == "credential_spray")
            .expect("spray played");
        let source = &truth.entities[0].value;
        let account = &truth.entities[1].value;
        let finding = validation
            .scan
            .findings
            .iter()
            .find(|f| f.detection == "credential_spray")
            .expect("spray found");
        assert_eq!(&finding.entity.value, source, "seed {seed}");
        assert_eq!(
            finding.severity,
            mailhound_core::Severity::Critical,
            "seed {seed}"
        );
        assert_eq!(
            finding.details["compromised_accounts"],
            serde_json::json!([account]),
            "seed {seed}"
        );
    }
}

#[test]
fn the_hijacked_threads_are_tied_to_the_rule_and_the_cover_up() {
    for seed in 1..=20 {
        let validation = simulate_and_validate(&options(seed));
        let truth = validation
            .simulation
            .truth
            .scenarios
            .iter()
            .find(|s| s.id == "thread_hijack")
            .expect("hijack played");
        let finding = validation
            .scan
            .findings
            .iter()
            .find(|f| f.detection == "thread_hijack")
            .expect("hijack found");
        assert_eq!(finding.entity.value, truth.entities[0].value, "seed {seed}");
        assert!(
            finding.evidence.iter().all(|id| truth.records.contains(id)),
            "seed {seed}: evidence is the hijack's own records"
        );
        assert_eq!(
            finding.severity,
            mailhound_core::Severity::Critical,
            "seed {seed}: replies from a new address, then deleted"
        );
    }
}

#[test]
fn the_geo_shift_is_impossible_and_a_round_trip_is_named_a_b_a() {
    let mut patterns = BTreeSet::new();
    for seed in 1..=20 {
        let validation = simulate_and_validate(&options(seed));
        let truth = validation
            .simulation
            .truth
            .scenarios
            .iter()
            .find(|s| s.id == "impossible_travel_geo_shift")
            .expect("shift played");
        let finding = validation
            .scan
            .findings
            .iter()
            .find(|f| f.detection == "impossible_travel")
            .expect("shift found");
        assert_eq!(finding.entity.value, truth.entities[0].value, "seed {seed}");
        let pattern = finding.details["pattern"].as_str().unwrap_or_default();
        let round_trip = truth.description.ends_with("from home again");
        let expected = if round_trip { "a_b_a" } else { "geo_velocity" };
        assert_eq!(pattern, expected, "seed {seed}: {}", truth.description);
        patterns.insert(pattern.to_owned());
    }
    assert_eq!(patterns.len(), 2, "both shapes over the seeds");
}
