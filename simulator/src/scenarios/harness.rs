//! Test helpers for scenarios: play one alone, or simulate it and scan the result with a
//! changed configuration (the negative controls).

use super::{Played, ScenarioSpec};
use crate::record::{Body, SignIn, SimRecord};
use crate::scene::{Cast, Emitter, Scene, scenario_rng};
use crate::tenant::Tenant;
use crate::truth::TenantFacts;
use crate::{SimOptions, Validation, simulate_and_validate};
use chrono::{DateTime, Utc};
use mailhound_core::{EngineConfig, Finding};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// What one scenario played on a fresh tenant wrote and said.
pub struct Alone {
    pub tenant: Tenant,
    pub records: Vec<SimRecord>,
    pub played: Played,
    pub facts: TenantFacts,
    pub cast: Cast,
}

impl Alone {
    /// The sign-ins it wrote, with their times.
    pub fn sign_ins(&self) -> Vec<(DateTime<Utc>, &SignIn)> {
        self.records
            .iter()
            .filter_map(|r| match &r.body {
                Body::SignIn(s) => Some((r.time, s.as_ref())),
                _ => None,
            })
            .collect()
    }

    /// The audit records it wrote.
    pub fn audits(&self) -> Vec<&serde_json::Map<String, serde_json::Value>> {
        self.records
            .iter()
            .filter_map(|r| match &r.body {
                Body::Audit(a) => Some(a),
                _ => None,
            })
            .collect()
    }
}

/// The start every test run uses.
pub fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
        .expect("valid")
        .with_timezone(&Utc)
}

/// Plays `spec` alone on a tenant of `users` users.
pub fn play_alone(spec: &ScenarioSpec, seed: u64, users: usize) -> Alone {
    let mut rng = StdRng::seed_from_u64(seed);
    let tenant = Tenant::generate(&mut rng, users);
    let mut out = Emitter::default();
    let mut cast = Cast::default();
    let mut facts = TenantFacts {
        tenant_domains: vec![tenant.domain.clone()],
        ..TenantFacts::default()
    };
    let played = {
        let mut scene = Scene {
            rng: scenario_rng(seed, spec.id),
            tenant: &tenant,
            day: start(),
            out: &mut out,
            cast: &mut cast,
            facts: &mut facts,
            intensity: 1.0,
        };
        (spec.play)(&mut scene)
    };
    Alone {
        records: out.records,
        tenant,
        played,
        facts,
        cast,
    }
}

/// Simulates only scenario `id` (with the background) and validates it.
pub fn validate_alone(id: &str, seed: u64) -> Validation {
    let mut options = SimOptions::new(seed, "2025-03-04T00:00:00Z").expect("valid start");
    options.scenarios = Some(vec![id.to_owned()]);
    simulate_and_validate(&options)
}

/// Scans what `validation` simulated again with `config`; returns the findings citing the
/// records of scenario `id`.
pub fn rescan(validation: &Validation, id: &str, config: EngineConfig) -> Vec<Finding> {
    let mut engine = mailhound_core::Engine::new(config);
    let mut findings = Vec::new();
    for file in &validation.simulation.files {
        findings.extend(engine.begin_input(&file.name).unwrap_or_default());
        findings.extend(engine.push(file.text.as_bytes()).unwrap_or_default());
    }
    findings.extend(engine.finish().unwrap_or_default());
    let scenario = validation
        .simulation
        .truth
        .scenarios
        .iter()
        .find(|s| s.id == id)
        .expect("the scenario played");
    findings
        .into_iter()
        .filter(|f| f.evidence.iter().any(|e| scenario.records.contains(e)))
        .collect()
}

/// Asserts that `id` played alone is silent and raises no finding at all over `seeds`.
pub fn assert_silent(id: &str, seeds: std::ops::RangeInclusive<u64>) {
    for seed in seeds {
        let validation = validate_alone(id, seed);
        let report = &validation.report;
        assert_eq!(report.scenarios.len(), 1, "seed {seed}");
        assert_eq!(
            report.scenarios[0].outcome, "silent",
            "seed {seed}: {report:#?}"
        );
        assert!(
            validation.scan.findings.is_empty(),
            "seed {seed}: {:#?}",
            validation.scan.findings
        );
        assert!(!validation.simulation.truth.scenarios[0].records.is_empty());
    }
}
