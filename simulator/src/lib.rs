//! mailhound-simulator: a seeded adversary simulator for Microsoft 365 telemetry.
//!
//! It plays a small tenant's ordinary day (mailbox reads, sends, sign-ins, harmless inbox
//! rules) and injects attack scenarios into it, writing everything in the real export formats
//! (the Management Activity API's audit-record JSON), never in the engine's own types, so that
//! a validation run also exercises the decoders. Next to the telemetry it writes the ground
//! truth: which scenario was injected, when, for whom, and which detection must fire.
//!
//! Everything is a pure function of the seed and the start time: the same options give the
//! same bytes on every platform, and the simulator never reads a clock or asks the OS for
//! randomness.

mod ids;
pub mod scenarios;
mod tenant;
pub mod truth;
mod ual;
pub mod validation;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;
use std::fmt;

pub use tenant::{Tenant, User};
pub use truth::{Expectation, ScenarioKind, ScenarioTruth, Truth};
pub use validation::{ValidationReport, validate};

/// The name of the audit-log file the simulator writes.
pub const UAL_FILE: &str = "ual.json";

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOptions {
    /// Seeds every random choice.
    pub seed: u64,
    /// Start of the simulated period (the day's activity follows it).
    pub start: DateTime<Utc>,
    /// Number of ordinary users in the tenant.
    pub users: usize,
    /// Inject the attack scenarios; without them the run is benign activity only.
    pub attacks: bool,
}

/// A start time that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidStart(pub String);

impl fmt::Display for InvalidStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid start time `{}`: expected RFC 3339, e.g. 2025-03-04T00:00:00Z",
            self.0
        )
    }
}

impl std::error::Error for InvalidStart {}

impl SimOptions {
    /// Default size of the simulated tenant.
    pub const DEFAULT_USERS: usize = 25;

    /// Options for `seed`, starting at `start` (RFC 3339), with the default tenant size.
    pub fn new(seed: u64, start: &str) -> Result<Self, InvalidStart> {
        let start = DateTime::parse_from_rfc3339(start)
            .map_err(|_| InvalidStart(start.to_owned()))?
            .with_timezone(&Utc);
        Ok(Self {
            seed,
            start,
            users: Self::DEFAULT_USERS,
            attacks: true,
        })
    }
}

/// One file of simulated telemetry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimFile {
    /// File name, e.g. `ual.json`.
    pub name: String,
    /// Its content.
    pub text: String,
}

/// Everything a simulation produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimOutput {
    /// The telemetry files.
    pub files: Vec<SimFile>,
    /// What was injected, and what must (not) be detected.
    pub truth: Truth,
}

/// Runs the simulation.
pub fn simulate(options: &SimOptions) -> SimOutput {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let tenant = Tenant::generate(&mut rng, options.users);
    let mut log = ual::AuditLog::default();
    let mut scenarios = Vec::new();
    scenarios::background::play(&mut rng, &tenant, options.start, &mut log);
    scenarios.push(scenarios::benign_rules::play(
        &mut rng,
        &tenant,
        options.start,
        &mut log,
    ));
    if options.attacks {
        scenarios.push(scenarios::inbox_rule_creation::play(
            &mut rng,
            &tenant,
            options.start,
            &mut log,
        ));
    }
    let truth = Truth {
        seed: options.seed,
        start: options
            .start
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        domain: tenant.domain.clone(),
        users: tenant.users.len(),
        scenarios,
    };
    SimOutput {
        files: vec![SimFile {
            name: UAL_FILE.into(),
            text: log.into_json_array(),
        }],
        truth,
    }
}

/// A simulation, the engine's scan of it, and the validation of the findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// What the simulator wrote.
    pub simulation: SimOutput,
    /// What the engine found in it.
    pub scan: mailhound_core::ScanOutput,
    /// How the findings compare with the truth.
    pub report: ValidationReport,
}

/// Simulates, scans every file with the engine (default configuration plus the tenant's
/// domain), and validates the findings against the truth.
pub fn simulate_and_validate(options: &SimOptions) -> Validation {
    let simulation = simulate(options);
    let config = mailhound_core::EngineConfig {
        tenant_domains: vec![simulation.truth.domain.clone()],
        ..mailhound_core::EngineConfig::default()
    };
    let mut engine = mailhound_core::Engine::new(config);
    let mut findings = Vec::new();
    for file in &simulation.files {
        // A fresh engine cannot be finished, so these calls cannot fail.
        findings.extend(engine.begin_input(&file.name).unwrap_or_default());
        findings.extend(engine.push(file.text.as_bytes()).unwrap_or_default());
    }
    findings.extend(engine.finish().unwrap_or_default());
    let report = validate(&simulation.truth, &findings);
    let scan = mailhound_core::ScanOutput {
        findings,
        stats: engine.stats().clone(),
        rejections: engine.rejections().to_vec(),
    };
    Validation {
        simulation,
        scan,
        report,
    }
}
