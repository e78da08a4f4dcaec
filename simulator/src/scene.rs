//! Where a scenario plays: its own random stream, the tenant, its day, and the record buffer.
//!
//! Each scenario draws from a generator seeded by the run's seed and the scenario's id, so
//! choosing a subset of scenarios (or changing the background's volume) does not change what
//! the others write. Victims are claimed so that no two scenarios play on the same user
//! unless they ask to, and a scenario that sends a user travelling records the absence so
//! that the background does not also put them at their desk.

use crate::record::{Body, ScenarioTag, SimRecord};
use crate::tenant::{Tenant, User};
use crate::truth::TenantFacts;
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeSet;

/// Records collected for one stretch of the simulation.
#[derive(Debug, Default)]
pub struct Emitter {
    /// The records, in the order they were made.
    pub records: Vec<SimRecord>,
    /// The scenario the next records belong to.
    pub tag: Option<ScenarioTag>,
}

impl Emitter {
    /// Adds a record at `time`, tagged with the current scenario.
    pub fn push(&mut self, time: DateTime<Utc>, body: Body) {
        self.records.push(SimRecord {
            time,
            scenario: self.tag,
            body,
        });
    }
}

/// A generator for `id` in the run seeded by `seed`: FNV-1a of the id, mixed with the seed.
pub fn scenario_rng(seed: u64, id: &str) -> StdRng {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    StdRng::seed_from_u64(seed ^ hash.rotate_left(17))
}

/// The users scenarios have taken as victims or actors, and those they sent away.
#[derive(Debug, Default)]
pub struct Cast {
    taken: BTreeSet<usize>,
    away: Vec<(String, DateTime<Utc>, DateTime<Utc>)>,
}

impl Cast {
    /// Records that `upn` is away (travelling) from `from` until `until`: the ordinary
    /// background then writes nothing for them in between, since they are not at their desk.
    pub fn send_away(&mut self, upn: &str, from: DateTime<Utc>, until: DateTime<Utc>) {
        self.away.push((upn.to_owned(), from, until));
    }

    /// Whether `upn` is away at `time`.
    pub fn is_away(&self, upn: &str, time: DateTime<Utc>) -> bool {
        self.away
            .iter()
            .any(|(who, from, until)| who == upn && *from <= time && time < *until)
    }

    /// Whether `upn` is away at some time in `[from, until)`.
    pub fn away_during(&self, upn: &str, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        self.away
            .iter()
            .any(|(who, start, end)| who == upn && *start < until && from < *end)
    }
}

/// Everything a scenario needs to play.
pub struct Scene<'a> {
    /// The scenario's own generator.
    pub rng: StdRng,
    /// The tenant.
    pub tenant: &'a Tenant,
    /// Midnight (UTC) of the day the scenario plays on.
    pub day: DateTime<Utc>,
    /// Where its records go.
    pub out: &'a mut Emitter,
    /// Users already taken by other scenarios.
    pub cast: &'a mut Cast,
    /// What the tenant's administrators know (egress ranges, service accounts).
    pub facts: &'a mut TenantFacts,
    /// How hard attacks hit: probes, sprayed accounts and sent messages are scaled by it
    /// (1.0 as drawn; below 1, low-and-slow runs that may stay under thresholds).
    pub intensity: f64,
}

impl Scene<'_> {
    /// A user no other scenario has taken, preferring those `wanted` accepts; falls back to
    /// any free user, then to any user at all when the tenant is too small.
    pub fn claim_user(&mut self, wanted: impl Fn(&User) -> bool) -> User {
        let users = &self.tenant.users;
        let free: Vec<usize> = (0..users.len())
            .filter(|i| !self.cast.taken.contains(i))
            .collect();
        let preferred: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&i| wanted(&users[i]))
            .collect();
        let pool = if !preferred.is_empty() {
            preferred
        } else if !free.is_empty() {
            free
        } else {
            (0..users.len()).collect()
        };
        let index = pool[self.rng.random_range(0..pool.len())];
        self.cast.taken.insert(index);
        users[index].clone()
    }

    /// `count` distinct users claimed as by [`Scene::claim_user`].
    pub fn claim_users(&mut self, count: usize, wanted: impl Fn(&User) -> bool) -> Vec<User> {
        (0..count).map(|_| self.claim_user(&wanted)).collect()
    }
}
