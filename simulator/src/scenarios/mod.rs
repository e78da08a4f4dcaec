//! What the simulator plays: ordinary activity, benign look-alikes and attacks.
//!
//! Each attack and look-alike has a stable id and a [`ScenarioSpec`] in [`SCENARIOS`]. It
//! plays on its [`Scene`], writing records of any source, and says what it is about and
//! which detections must (not) fire; the driver derives its time span, record ids and
//! sources from what the writers actually wrote.

pub mod aadinternals_enumeration;
pub mod adfs_proxy_relay;
pub mod autodiscover_probe;
pub mod background;
pub mod benign_rules;
pub mod bulk_mailbox_migration;
pub mod bulk_send;
pub mod credential_spray;
pub mod delegate_forwarding;
pub mod getcredentialtype_enumeration;
#[cfg(test)]
mod harness;
pub mod impossible_travel_geo_shift;
pub mod inbox_rule_creation;
pub mod jump_server_admin;
pub mod layover_traveller;
pub mod legal_hold_redirect;
pub mod provisioning_checks;
pub mod risky_signin_then_inbox_rule;
pub mod shared_nat_egress;
pub mod signin_nonexistent_accounts;
pub mod targets;
pub mod theharvester_osint;
pub mod thread_hijack;
pub mod web_background;

use crate::geo::Place;
use crate::record::{Detail, Source};
use crate::scene::Scene;
use crate::truth::{ScenarioKind, TruthEntity};
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;

/// A registered scenario.
pub struct ScenarioSpec {
    /// Stable id.
    pub id: &'static str,
    /// Attack or look-alike.
    pub kind: ScenarioKind,
    /// ATT&CK technique of an attack.
    pub technique: Option<&'static str>,
    /// Plays it.
    pub play: fn(&mut Scene<'_>) -> Played,
}

/// Every attack and look-alike, in the order they play and appear in the truth.
pub const SCENARIOS: &[ScenarioSpec] = &[
    benign_rules::SPEC,
    layover_traveller::SPEC,
    jump_server_admin::SPEC,
    legal_hold_redirect::SPEC,
    delegate_forwarding::SPEC,
    bulk_mailbox_migration::SPEC,
    shared_nat_egress::SPEC,
    adfs_proxy_relay::SPEC,
    provisioning_checks::SPEC,
    inbox_rule_creation::SPEC,
    credential_spray::SPEC,
    bulk_send::SPEC,
    impossible_travel_geo_shift::SPEC,
    risky_signin_then_inbox_rule::SPEC,
    thread_hijack::SPEC,
    getcredentialtype_enumeration::SPEC,
    aadinternals_enumeration::SPEC,
    signin_nonexistent_accounts::SPEC,
    theharvester_osint::SPEC,
    autodiscover_probe::SPEC,
];

/// The T1586.002 compromise attacks besides `inbox_rule_creation`.
pub const COMPROMISE: &[&str] = &[
    credential_spray::ID,
    bulk_send::ID,
    impossible_travel_geo_shift::ID,
    risky_signin_then_inbox_rule::ID,
    thread_hijack::ID,
];

/// The T1589.002 enumeration attacks.
pub const ENUMERATION: &[&str] = &[
    getcredentialtype_enumeration::ID,
    aadinternals_enumeration::ID,
    signin_nonexistent_accounts::ID,
    theharvester_osint::ID,
    autodiscover_probe::ID,
];

/// The scenario with `id`.
pub fn find(id: &str) -> Option<&'static ScenarioSpec> {
    SCENARIOS.iter().find(|spec| spec.id == id)
}

/// A detection that must fire, and the sources its traces are in (all needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// Detection id.
    pub detection: &'static str,
    /// Sources that must all be written for it to fire.
    pub sources: &'static [Source],
    /// Details it relies on: each needed source must be written in at least one format
    /// that carries all of them.
    pub details: &'static [Detail],
}

impl Need {
    /// A detection needing `sources`, whatever their format.
    pub const fn on(detection: &'static str, sources: &'static [Source]) -> Self {
        Self {
            detection,
            sources,
            details: &[],
        }
    }
}

/// What a scenario says about itself after playing.
#[derive(Debug, Clone, Default)]
pub struct Played {
    /// One sentence on what was played.
    pub description: String,
    /// Who or what it involves.
    pub entities: Vec<TruthEntity>,
    /// Detections that must fire, with the sources they need.
    pub must_fire: Vec<Need>,
    /// Detections that must stay silent on its records.
    pub must_not_fire: Vec<&'static str>,
}

/// A user entity.
pub fn user_entity(upn: &str) -> TruthEntity {
    TruthEntity {
        kind: "user".into(),
        value: upn.into(),
    }
}

/// A machine entity (FQDN).
pub fn host_entity(computer: &str) -> TruthEntity {
    TruthEntity {
        kind: "host".into(),
        value: computer.into(),
    }
}

/// An address entity.
pub fn ip_entity(ip: impl ToString) -> TruthEntity {
    TruthEntity {
        kind: "ip".into(),
        value: ip.to_string(),
    }
}

/// `count` scaled by a scenario's intensity (1.0 plays it as drawn), at least one.
pub fn scaled(count: usize, intensity: f64) -> usize {
    ((count as f64) * intensity).round().max(1.0) as usize
}

/// A random instant within working hours (08:00 to 18:00) of the day starting at `day`.
pub fn working_hours(rng: &mut impl RngExt, day: DateTime<Utc>) -> DateTime<Utc> {
    day + Duration::seconds(rng.random_range(8 * 3600..18 * 3600))
}

/// A random instant between local hours `from` and `until` (e.g. 8 and 18) at `place`, on the
/// UTC day starting at `day` shifted by the place's offset.
pub fn local_hours(
    rng: &mut impl RngExt,
    day: DateTime<Utc>,
    place: &Place,
    from: i64,
    until: i64,
) -> DateTime<Utc> {
    let seconds = rng.random_range(from * 3600..until * 3600);
    day + Duration::seconds(seconds - i64::from(place.utc_offset) * 3600)
}

/// Adds `value` to a list of tenant facts unless it is there already.
pub fn note(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|known| known == value) {
        list.push(value.to_owned());
    }
}

/// RFC 3339 with seconds, as the truth writes times.
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Plays one scenario on a small tenant, as the driver does, for its unit tests.

    use super::Played;
    use crate::record::SimRecord;
    use crate::scene::{Cast, Emitter, Scene, scenario_rng};
    use crate::tenant::Tenant;
    use crate::truth::TenantFacts;
    use chrono::{DateTime, Utc};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// What `play` says and writes for `seed` on a 30-user tenant.
    pub fn played(seed: u64, play: fn(&mut Scene<'_>) -> Played) -> (Played, Vec<SimRecord>) {
        let tenant = Tenant::generate(&mut StdRng::seed_from_u64(seed), 30);
        let mut out = Emitter::default();
        let mut cast = Cast::default();
        let mut facts = TenantFacts::default();
        let day: DateTime<Utc> = DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
            .map(|time| time.to_utc())
            .unwrap_or_default();
        let played = {
            let mut scene = Scene {
                rng: scenario_rng(seed, "test"),
                tenant: &tenant,
                day,
                out: &mut out,
                cast: &mut cast,
                facts: &mut facts,
                intensity: 1.0,
            };
            play(&mut scene)
        };
        (played, out.records)
    }

    /// What `spec` says and writes when it plays alone for `seed` on a 50-user tenant, with
    /// its own generator as the driver seeds it.
    pub fn play_alone(spec: &super::ScenarioSpec, seed: u64) -> (Played, Vec<SimRecord>) {
        play_in(spec, seed, 50)
    }

    /// The home office of the user `upn` of the tenant [`play_alone`] plays on.
    pub fn home_of(seed: u64, upn: &str) -> crate::geo::Place {
        let tenant = Tenant::generate(&mut StdRng::seed_from_u64(seed), 50);
        tenant
            .users
            .iter()
            .find(|user| user.upn == upn)
            .map(|user| user.home)
            .expect("a user of the tenant")
    }

    /// As [`play_alone`], on a tenant of `users` users.
    pub fn play_in(
        spec: &super::ScenarioSpec,
        seed: u64,
        users: usize,
    ) -> (Played, Vec<SimRecord>) {
        let tenant = Tenant::generate(&mut StdRng::seed_from_u64(seed), users);
        let mut out = Emitter::default();
        let mut cast = Cast::default();
        let mut facts = TenantFacts::default();
        let day: DateTime<Utc> = DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
            .map(|time| time.to_utc())
            .unwrap_or_default();
        let played = {
            let mut scene = Scene {
                rng: scenario_rng(seed, spec.id),
                tenant: &tenant,
                day,
                out: &mut out,
                cast: &mut cast,
                facts: &mut facts,
                intensity: 1.0,
            };
            (spec.play)(&mut scene)
        };
        (played, out.records)
    }
}
