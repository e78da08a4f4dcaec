//! The ground truth of a simulation: what was injected and what must (not) be detected.

use serde::{Deserialize, Serialize};

/// Everything the simulator injected, written as `truth.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// The seed of the run.
    pub seed: u64,
    /// Start of the simulated period (RFC 3339).
    pub start: String,
    /// The tenant's primary domain.
    pub domain: String,
    /// Number of users in the tenant.
    pub users: usize,
    /// The attacks' intensity (1.0 as drawn).
    #[serde(default = "unit_intensity")]
    pub intensity: f64,
    /// Every injected attack and benign look-alike.
    pub scenarios: Vec<ScenarioTruth>,
    /// What the tenant's administrators know and would configure.
    pub facts: TenantFacts,
}

fn unit_intensity() -> f64 {
    1.0
}

/// Facts about the tenant a deployment configures: its domains, its known egress ranges and
/// its service accounts. The validation run scans with them, as a real deployment would.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantFacts {
    /// The tenant's mail domains.
    pub tenant_domains: Vec<String>,
    /// Egress ranges (CIDR) that are not locations or attackers: VPN concentrators, jump
    /// servers, corporate NAT, identity proxies, provisioning systems.
    pub trusted_ranges: Vec<String>,
    /// Service accounts whose mailbox-rule and mail-flow changes are sanctioned (eDiscovery,
    /// legal hold, migration).
    pub service_accounts: Vec<String>,
    /// Destinations sanctioned for forwarding and redirection (a legal-hold vault).
    pub allowed_destinations: Vec<String>,
}

impl TenantFacts {
    /// The engine configuration a deployment with these facts uses: defaults plus the facts.
    pub fn engine_config(&self) -> mailhound_core::EngineConfig {
        let mut config = mailhound_core::EngineConfig {
            tenant_domains: self.tenant_domains.clone(),
            ..mailhound_core::EngineConfig::default()
        };
        let trusted = mailhound_core::net::IpRanges::parse(&self.trusted_ranges)
            .unwrap_or_else(|error| unreachable!("the simulator writes valid ranges: {error:?}"));
        let detections = &mut config.detections;
        detections.impossible_travel.trusted_ranges = trusted.clone();
        detections.credential_spray.trusted_sources = trusted.clone();
        detections.email_enumeration.trusted_sources = trusted.clone();
        detections.enumeration_tooling.trusted_sources = trusted;
        detections.inbox_rule_exfiltration.allow_actors = self.service_accounts.clone();
        detections.inbox_rule_exfiltration.allow_destinations = self.allowed_destinations.clone();
        detections.bulk_send.allow_users = self.service_accounts.clone();
        config
    }
}

/// Whether a scenario is an attack or a harmless activity that resembles one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioKind {
    /// An attack: its detections must fire.
    Attack,
    /// A benign look-alike: the named detections must stay silent.
    Lookalike,
}

/// An entity a scenario is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthEntity {
    /// `user` or `ip`.
    pub kind: String,
    /// The UPN or address.
    pub value: String,
}

/// One injected scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioTruth {
    /// Stable scenario id, e.g. `inbox_rule_creation`.
    pub id: String,
    /// Attack or look-alike.
    pub kind: ScenarioKind,
    /// ATT&CK technique of an attack.
    pub technique: Option<String>,
    /// One sentence on what was played.
    pub description: String,
    /// Who or what it involves.
    pub entities: Vec<TruthEntity>,
    /// Time of its first record (RFC 3339).
    pub first_seen: String,
    /// Time of its last record (RFC 3339).
    pub last_seen: String,
    /// The log sources that carry its traces (file names).
    pub sources: Vec<String>,
    /// Ids of the records it wrote.
    pub records: Vec<String>,
    /// What the engine must do about it.
    pub expect: Expectation,
    /// Detections that would fire on this scenario with other sources, and why they are not
    /// expected in this run (the sources carrying their traces were not written).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unobservable: Vec<Unobservable>,
}

/// A detection not expected because its traces are in sources this run did not write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unobservable {
    /// The detection id.
    pub detection: String,
    /// The sources it needs (all of them).
    pub needs: Vec<String>,
}

/// Which detections must fire, and which must not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expectation {
    /// Detection ids that must produce a finding citing this scenario's records.
    pub must_fire: Vec<String>,
    /// Detection ids that must not produce a finding citing this scenario's records.
    pub must_not_fire: Vec<String>,
}
