//! The benign look-alikes and the ordinary background through the whole engine: simulated,
//! written in the export formats, decoded, scanned with the configuration a deployment has
//! (the tenant's facts), and validated against the truth. Nothing benign may fire.

use mailhound_core::EngineConfig;
use mailhound_e2e::scan_chunked;
use mailhound_simulator::scenarios::SCENARIOS;
use mailhound_simulator::{ScenarioKind, SimOptions, simulate_and_validate};
use std::collections::BTreeSet;

const START: &str = "2025-03-04T00:00:00Z";

/// The eight look-alikes drawn from the seeds' false positives.
const LOOKALIKES: &[&str] = &[
    "layover_traveller",
    "jump_server_admin",
    "legal_hold_redirect",
    "delegate_forwarding",
    "bulk_mailbox_migration",
    "shared_nat_egress",
    "adfs_proxy_relay",
    "provisioning_checks",
];

#[test]
fn every_lookalike_is_registered_as_one_and_names_what_it_resembles() {
    for id in LOOKALIKES {
        let spec = mailhound_simulator::scenarios::find(id).expect("registered");
        assert_eq!(spec.kind, ScenarioKind::Lookalike, "{id}");
        assert!(spec.technique.is_none());
    }
    let ids: Vec<&str> = SCENARIOS.iter().map(|s| s.id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique");
}

#[test]
fn the_lookalikes_stay_silent_for_twenty_seeds() {
    for seed in 1..=20 {
        let mut options = SimOptions::new(seed, START).expect("valid start");
        options.scenarios = Some(LOOKALIKES.iter().map(|id| (*id).to_owned()).collect());
        let validation = simulate_and_validate(&options);
        let report = &validation.report;
        let played: Vec<&str> = report.scenarios.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(played, LOOKALIKES, "seed {seed}");
        for (outcome, truth) in report
            .scenarios
            .iter()
            .zip(&validation.simulation.truth.scenarios)
        {
            assert_eq!(outcome.outcome, "silent", "seed {seed}: {outcome:#?}");
            assert!(
                !truth.records.is_empty(),
                "seed {seed}: {} wrote nothing",
                truth.id
            );
            assert!(!truth.expect.must_not_fire.is_empty(), "{}", truth.id);
            assert!(truth.expect.must_fire.is_empty(), "{}", truth.id);
        }
        assert!(
            report.false_positives.is_empty(),
            "seed {seed}: {:#?}",
            report.false_positives
        );
        assert!(
            validation.scan.findings.is_empty(),
            "seed {seed}: {:#?}",
            validation.scan.findings
        );
        assert!(report.passed, "seed {seed}");
        assert_eq!(validation.scan.stats.rejected, 0, "seed {seed}");
    }
}

/// The negative control: scanned without the tenant's facts (no accepted domains, no
/// allow-listed ranges, no service accounts), the look-alikes those facts sanction fire, so
/// their silence above is the facts' doing and not an absence of evidence.
#[test]
fn without_the_tenant_facts_the_sanctioned_lookalikes_fire() {
    let sanctioned: BTreeSet<&str> = [
        "jump_server_admin",
        "legal_hold_redirect",
        "bulk_mailbox_migration",
        "adfs_proxy_relay",
        "provisioning_checks",
    ]
    .into();
    for seed in 1..=20 {
        let mut options = SimOptions::new(seed, START).expect("valid start");
        options.scenarios = Some(LOOKALIKES.iter().map(|id| (*id).to_owned()).collect());
        let validation = simulate_and_validate(&options);
        let files: Vec<(&str, &[u8])> = validation
            .simulation
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.text.as_bytes()))
            .collect();
        let scanned = scan_chunked(&files, 64 * 1024, EngineConfig::default());
        let report = mailhound_simulator::validate(&validation.simulation.truth, &scanned.findings);
        let truth = &validation.simulation.truth;
        let sanctioned_records: BTreeSet<&str> = truth
            .scenarios
            .iter()
            .filter(|s| sanctioned.contains(s.id.as_str()))
            .flat_map(|s| s.records.iter().map(String::as_str))
            .collect();
        for outcome in &report.scenarios {
            let id = outcome.id.as_str();
            if sanctioned.contains(id) {
                assert_eq!(outcome.outcome, "fired", "seed {seed}: {id}");
            } else if outcome.outcome == "fired" {
                // An unsanctioned relay also makes its users look like they travel: a
                // traveller's sign-ins pair up with the relay's. Such findings must cite
                // the relay's records too.
                for finding in scanned
                    .findings
                    .iter()
                    .filter(|f| outcome.findings.contains(&f.id))
                {
                    assert!(
                        finding
                            .evidence
                            .iter()
                            .any(|e| sanctioned_records.contains(e.as_str())),
                        "seed {seed}: {id} fired on its own: {finding:#?}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_lookalikes_run_with_the_attacks_without_false_positives() {
    for seed in 1..=10 {
        let options = SimOptions::new(seed, START).expect("valid start");
        let validation = simulate_and_validate(&options);
        assert!(
            validation.report.passed,
            "seed {seed}: {:#?}",
            validation.report
        );
    }
}

#[test]
fn an_ordinary_background_raises_no_finding() {
    for seed in 1..=20 {
        let mut options = SimOptions::new(seed, START).expect("valid start");
        options.attacks = false;
        options.lookalikes = false;
        let validation = simulate_and_validate(&options);
        assert!(validation.simulation.truth.scenarios.is_empty());
        assert!(
            validation.scan.findings.is_empty(),
            "seed {seed}: {:#?}",
            validation.scan.findings
        );
        // The background is not empty: sign-ins of both logs, reads and sends.
        assert!(validation.scan.stats.events > 40 * 40, "seed {seed}");
        assert_eq!(validation.scan.stats.rejected, 0);
    }
}

#[test]
fn a_large_tenant_over_two_days_raises_no_finding() {
    for seed in 1..=5 {
        let mut options = SimOptions::new(seed, START).expect("valid start");
        options.attacks = false;
        options.lookalikes = false;
        options.users = 300;
        options.days = 2;
        let validation = simulate_and_validate(&options);
        assert!(
            validation.scan.findings.is_empty(),
            "seed {seed}: {:#?}",
            validation.scan.findings
        );
        assert!(validation.scan.stats.events > 300 * 2 * 40, "seed {seed}");
    }
}

#[test]
fn tiny_tenants_where_one_user_plays_several_parts_stay_silent() {
    for users in 2..=5 {
        for seed in 1..=3 {
            let mut options = SimOptions::new(seed, START).expect("valid start");
            options.users = users;
            options.days = 2;
            options.scenarios = Some(LOOKALIKES.iter().map(|id| (*id).to_owned()).collect());
            let validation = simulate_and_validate(&options);
            assert!(
                validation.report.passed,
                "{users} users, seed {seed}: {:#?}",
                validation.report
            );
        }
    }
}
