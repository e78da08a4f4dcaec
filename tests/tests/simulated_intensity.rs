//! The attacks' intensity: it scales what an attack does, and validation shows where a
//! low-and-slow attack falls under a detection's threshold.

use mailhound_simulator::{SimOptions, simulate, simulate_and_validate};

const START: &str = "2025-03-04T00:00:00Z";

fn only(seed: u64, scenario: &str, intensity: f64) -> SimOptions {
    let mut options = SimOptions::new(seed, START).expect("valid start");
    options.scenarios = Some(vec![scenario.into()]);
    options.intensity = intensity;
    options
}

/// How many records of the scenario the file `prefix` carries.
fn records_of(options: &SimOptions, prefix: &str) -> usize {
    let output = simulate(options);
    let scenario = &output.truth.scenarios[0];
    let file = output
        .files
        .iter()
        .find(|file| file.name.starts_with(prefix))
        .expect("the file");
    scenario
        .records
        .iter()
        .filter(|id| id.starts_with(prefix) || file.text.contains(id.as_str()))
        .count()
}

#[test]
fn intensity_scales_the_attack() {
    for seed in 1..=5 {
        let single = records_of(&only(seed, "bulk_send", 1.0), "ual");
        let double = records_of(&only(seed, "bulk_send", 2.0), "ual");
        // The blast's sends double; its sign-in and session records do not.
        assert!(
            double > single * 3 / 2,
            "seed {seed}: {single} then {double}"
        );
        // One IIS line per probed address.
        let probes = records_of(&only(seed, "autodiscover_probe", 1.0), "exchange-iis");
        let fewer = records_of(&only(seed, "autodiscover_probe", 0.5), "exchange-iis");
        assert!(fewer < probes, "seed {seed}: {probes} then {fewer}");
    }
}

#[test]
fn the_truth_records_the_intensity_and_default_runs_are_unchanged() {
    let default = simulate(&SimOptions::new(3, START).expect("valid start"));
    assert_eq!(default.truth.intensity, 1.0);
    let mut options = SimOptions::new(3, START).expect("valid start");
    options.intensity = 1.0;
    assert_eq!(simulate(&options), default);
    options.intensity = 2.5;
    assert_eq!(simulate(&options).truth.intensity, 2.5);
}

#[test]
fn a_blast_under_the_threshold_is_missed_and_validation_says_so() {
    for seed in 1..=5 {
        // At a fifth, the blast sends at most 36 messages: under the 50 per hour of the default.
        let validation = simulate_and_validate(&only(seed, "bulk_send", 0.2));
        let outcome = &validation.report.scenarios[0];
        assert_eq!(outcome.outcome, "missed", "seed {seed}");
        assert_eq!(outcome.missing, vec!["bulk_send"]);
        assert!(!validation.report.passed);
        // At twice the intensity it is found.
        let validation = simulate_and_validate(&only(seed, "bulk_send", 2.0));
        assert!(
            validation.report.passed,
            "seed {seed}: {:?}",
            validation.report
        );
    }
}
