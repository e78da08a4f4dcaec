//! Simulator bytes through the decoders and the engine, judged against the simulator's truth:
//! for every seed, every injected attack is detected by each detection it must fire, citing
//! its own records; every benign look-alike stays silent; and nothing else fires.
//!
//! Written over the truth rather than over named scenarios, so it covers every scenario the
//! registry plays.

use mailhound_e2e::scan_chunked;
use mailhound_simulator::truth::ScenarioKind;
use mailhound_simulator::{SimOptions, simulate, simulate_and_validate};

const START: &str = "2025-03-04T00:00:00Z";

fn options(seed: u64) -> SimOptions {
    SimOptions::new(seed, START).expect("valid start")
}

#[test]
fn every_attack_is_detected_and_nothing_benign_fires_for_twenty_seeds() {
    for seed in 1..=20 {
        let validation = simulate_and_validate(&options(seed));
        let truth = &validation.simulation.truth;
        let report = &validation.report;
        assert!(
            truth
                .scenarios
                .iter()
                .any(|s| s.kind == ScenarioKind::Attack),
            "seed {seed}: no attack played"
        );
        assert_eq!(report.scenarios.len(), truth.scenarios.len());
        for (scenario, outcome) in truth.scenarios.iter().zip(&report.scenarios) {
            assert_eq!(scenario.id, outcome.id);
            assert!(
                !scenario.records.is_empty(),
                "seed {seed}: {} wrote nothing",
                scenario.id
            );
            match scenario.kind {
                ScenarioKind::Attack => {
                    assert!(
                        !scenario.expect.must_fire.is_empty(),
                        "seed {seed}: {} expects no detection with every source written",
                        scenario.id
                    );
                    assert_eq!(
                        outcome.outcome, "detected",
                        "seed {seed}: {} missed {:?}; findings: {:#?}",
                        scenario.id, outcome.missing, validation.scan.findings
                    );
                    for detection in &scenario.expect.must_fire {
                        assert!(outcome.fired.contains(detection), "seed {seed}");
                    }
                    // Each finding credited to the attack cites one of its own records.
                    for id in &outcome.findings {
                        let finding = validation
                            .scan
                            .findings
                            .iter()
                            .find(|f| &f.id == id)
                            .expect("credited finding exists");
                        assert!(
                            finding
                                .evidence
                                .iter()
                                .any(|e| scenario.records.contains(e)),
                            "seed {seed}: {id}"
                        );
                    }
                    let ttd = outcome.time_to_detect_seconds.expect("detected in time");
                    assert!(
                        ttd >= 0,
                        "seed {seed}: {} detected before it began",
                        scenario.id
                    );
                }
                ScenarioKind::Lookalike => {
                    assert!(
                        !scenario.expect.must_not_fire.is_empty(),
                        "seed {seed}: look-alike {} names no detection it resembles",
                        scenario.id
                    );
                    assert_eq!(
                        outcome.outcome, "silent",
                        "seed {seed}: look-alike {} fired {:?}",
                        scenario.id, outcome.fired
                    );
                }
            }
        }
        assert!(
            report.false_positives.is_empty(),
            "seed {seed}: {:#?}",
            report.false_positives
        );
        assert!(report.passed, "seed {seed}: {report:#?}");
        let stats = &validation.scan.stats;
        assert!(stats.balanced(), "seed {seed}");
        assert_eq!(
            stats.rejected, 0,
            "seed {seed}: {:?}",
            validation.scan.rejections
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
                .all(|s| s.kind == ScenarioKind::Lookalike && s.expect.must_fire.is_empty())
        );
        let benign_rules = output
            .truth
            .scenarios
            .iter()
            .find(|s| s.id == "benign_inbox_rules")
            .expect("benign rules played");
        assert!(!benign_rules.records.is_empty());
        let inputs: Vec<(&str, &[u8])> = output
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.text.as_bytes()))
            .collect();
        let scanned = scan_chunked(&inputs, 4096, output.truth.facts.engine_config());
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
