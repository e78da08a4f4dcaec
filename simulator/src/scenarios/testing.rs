//! Test support: plays one scenario on a fresh tenant and returns what it wrote.

use super::{Played, ScenarioSpec};
use crate::record::SimRecord;
use crate::scene::{Cast, Emitter, Scene, scenario_rng};
use crate::tenant::Tenant;
use crate::truth::TenantFacts;
use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Plays `spec` alone for `seed` on a 50-user tenant, on 2025-03-04; returns what it said
/// about itself and its records in the order it wrote them.
pub fn play_alone(spec: &ScenarioSpec, seed: u64) -> (Played, Vec<SimRecord>) {
    play_in(spec, seed, 50)
}

/// Plays `spec` alone for `seed` on a tenant of `users` users.
pub fn play_in(spec: &ScenarioSpec, seed: u64, users: usize) -> (Played, Vec<SimRecord>) {
    let tenant = Tenant::generate(&mut StdRng::seed_from_u64(seed), users);
    let day = DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    let mut out = Emitter::default();
    let mut cast = Cast::default();
    let mut facts = TenantFacts::default();
    let played = {
        let mut scene = Scene {
            rng: scenario_rng(seed, spec.id),
            tenant: &tenant,
            day,
            out: &mut out,
            cast: &mut cast,
            facts: &mut facts,
        };
        (spec.play)(&mut scene)
    };
    (played, out.records)
}
