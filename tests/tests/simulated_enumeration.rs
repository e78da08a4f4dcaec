//! The T1589.002 enumeration scenarios end to end: simulated proxy, IIS, Sysmon and sign-in
//! files through the decoders and the engine, validated against the truth.

use mailhound_simulator::output;
use mailhound_simulator::record::Source;
use mailhound_simulator::scenarios::ENUMERATION;
use mailhound_simulator::{SimOptions, simulate_and_validate};

const START: &str = "2025-03-04T00:00:00Z";

fn options(seed: u64) -> SimOptions {
    let mut options = SimOptions::new(seed, START).expect("valid start");
    options.scenarios = Some(ENUMERATION.iter().map(|id| (*id).to_owned()).collect());
    options
}

#[test]
fn every_enumeration_scenario_is_detected_without_false_positives() {
    for seed in 1..=20 {
        let validation = simulate_and_validate(&options(seed));
        let report = &validation.report;
        assert!(
            report.false_positives.is_empty(),
            "seed {seed}: {:#?}",
            report.false_positives
        );
        assert_eq!(report.scenarios.len(), ENUMERATION.len(), "seed {seed}");
        for scenario in &report.scenarios {
            assert_eq!(scenario.outcome, "detected", "seed {seed}: {scenario:#?}");
        }
        assert!(report.passed, "seed {seed}");
        assert_eq!(
            validation.scan.stats.rejected, 0,
            "seed {seed}: {:?}",
            validation.scan.rejections
        );
        let truth = &validation.simulation.truth;
        let spray = truth
            .scenarios
            .iter()
            .find(|s| s.id == "signin_nonexistent_accounts")
            .expect("played");
        assert_eq!(
            spray.expect.must_fire,
            ["email_enumeration", "credential_spray"],
            "seed {seed}"
        );
        for scenario in &truth.scenarios {
            assert!(!scenario.records.is_empty(), "seed {seed}: {}", scenario.id);
            assert!(
                scenario.unobservable.is_empty(),
                "seed {seed}: {}",
                scenario.id
            );
        }
    }
}

#[test]
fn without_the_proxy_log_its_detections_are_unobservable_and_not_expected() {
    let proxy_only = [
        "getcredentialtype_enumeration",
        "aadinternals_enumeration",
        "theharvester_osint",
    ];
    for seed in 1..=5 {
        let mut options = options(seed);
        options.formats = Source::ALL
            .iter()
            .filter(|source| **source != Source::Proxy)
            .filter_map(|source| output::default_of(*source))
            .collect();
        let validation = simulate_and_validate(&options);
        let truth = &validation.simulation.truth;
        assert!(
            validation
                .simulation
                .files
                .iter()
                .all(|file| !file.name.starts_with("proxy")),
            "seed {seed}"
        );
        for scenario in &truth.scenarios {
            let proxy_needed = proxy_only.contains(&scenario.id.as_str());
            if proxy_needed {
                assert!(
                    scenario.expect.must_fire.is_empty(),
                    "seed {seed}: {scenario:#?}"
                );
                assert_eq!(scenario.unobservable.len(), 1, "seed {seed}");
                assert_eq!(scenario.unobservable[0].detection, "enumeration_tooling");
                assert_eq!(scenario.unobservable[0].needs, ["proxy"]);
            } else {
                assert!(
                    scenario.unobservable.is_empty(),
                    "seed {seed}: {}",
                    scenario.id
                );
                assert!(!scenario.expect.must_fire.is_empty());
            }
        }
        let report = &validation.report;
        assert!(
            report.false_positives.is_empty(),
            "seed {seed}: {:#?}",
            report.false_positives
        );
        for scenario in &report.scenarios {
            assert_eq!(scenario.outcome, "detected", "seed {seed}: {scenario:#?}");
            assert!(scenario.missing.is_empty());
        }
    }
}

#[test]
fn ordinary_proxy_iis_and_sysmon_days_are_silent() {
    for seed in 1..=4 {
        let mut options = SimOptions::new(seed, START).expect("valid start");
        options.attacks = false;
        options.lookalikes = false;
        options.days = 3;
        options.users = 80;
        let validation = simulate_and_validate(&options);
        let names: Vec<&str> = validation
            .simulation
            .files
            .iter()
            .map(|file| file.name.as_str())
            .collect();
        for probe_file in [
            "proxy.ecs.ndjson",
            "exchange-iis.log",
            "endpoint.evtx.ndjson",
        ] {
            let file = validation
                .simulation
                .files
                .iter()
                .find(|file| file.name == probe_file)
                .unwrap_or_else(|| panic!("seed {seed}: no {probe_file} in {names:?}"));
            assert!(
                file.text.lines().count() > 80 * 3,
                "seed {seed}: {probe_file}"
            );
        }
        assert!(
            validation.scan.findings.is_empty(),
            "seed {seed}: {:#?}",
            validation.scan.findings
        );
        assert_eq!(validation.scan.stats.rejected, 0, "seed {seed}");
        assert_eq!(validation.scan.stats.ignored, 0, "seed {seed}");
    }
}
