//! `shared_nat_egress`: an office's staff sign in through its one NAT address on the morning
//! after a password rotation, a good number mistyping their new password first.
//!
//! The seeds' false positive for enumeration and spraying: many accounts behind one shared
//! egress within an hour, some failing. Each failure is one or two wrong passwords (50126)
//! followed minutes later by the same person's success, and the rest of the office signs in
//! from the same address throughout; some get an MFA prompt. No allow-list entry is
//! recorded: the detections' default logic must tell an egress from a sprayer by itself
//! (successes dominate, every failed account gets in), as `credential_spray` and
//! `email_enumeration` document.

use super::{Played, ScenarioSpec, ip_entity, local_hours, user_entity};
use crate::geo::OFFICES;
use crate::scene::Scene;
use crate::signin::{self, OUTLOOK_DESKTOP};
use crate::tenant::User;
use crate::truth::ScenarioKind;
use chrono::Duration;
use rand::RngExt;
use rand::seq::{IndexedRandom, SliceRandom};

/// The scenario id.
pub const ID: &str = "shared_nat_egress";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// Plays the morning rush.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let office = *OFFICES.choose(&mut scene.rng).unwrap_or(&OFFICES[0]);
    let rush = local_hours(&mut scene.rng, scene.day, &office, 8, 9);
    let until = rush + Duration::hours(1);
    let mut staff: Vec<&User> = tenant
        .users
        .iter()
        .filter(|u| u.home == office && !scene.cast.away_during(&u.upn, rush, until))
        .collect();
    let rng = &mut scene.rng;
    staff.shuffle(rng);
    staff.truncate(30);
    let nat = staff
        .first()
        .map_or(tenant.users[0].office_ip, |u| u.office_ip);
    let ip = nat.to_string();
    let mut typos = 0;
    for (index, user) in staff.iter().enumerate() {
        let mut at = rush + Duration::seconds(rng.random_range(0..45 * 60));
        // At least a handful mistype; about a third overall.
        if index < 3 || rng.random_bool(0.3) {
            for _ in 0..rng.random_range(1..=2) {
                let mut typo = signin::sign_in(rng, user, at, &ip, &office);
                signin::by_app(&mut typo, &OUTLOOK_DESKTOP);
                signin::fail(&mut typo, 50126);
                signin::emit(scene.out, at, typo);
                at += Duration::seconds(rng.random_range(20..150));
                typos += 1;
            }
        }
        let mfa = rng.random_bool(0.15);
        if mfa {
            let mut prompt = signin::sign_in(rng, user, at, &ip, &office);
            signin::fail(&mut prompt, 50074);
            signin::require_mfa(&mut prompt);
            signin::emit(scene.out, at, prompt);
            at += Duration::seconds(rng.random_range(15..90));
        }
        let mut success = signin::sign_in(rng, user, at, &ip, &office);
        if mfa {
            signin::require_mfa(&mut success);
        }
        signin::emit(scene.out, at, success);
    }
    let mut entities = vec![ip_entity(nat)];
    entities.extend(staff.iter().map(|u| user_entity(&u.upn)));
    Played {
        description: format!(
            "{} people at the {} office sign in through its NAT {nat} after a password rotation, {typos} mistyped passwords among them",
            staff.len(),
            office.city
        ),
        entities,
        must_fire: Vec::new(),
        must_not_fire: vec!["credential_spray", "email_enumeration"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::harness::{assert_silent, play_alone};
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn many_accounts_one_address_within_an_hour_and_every_failure_gets_in() {
        for seed in 1..=20 {
            let alone = play_alone(&SPEC, seed, 50);
            assert!(
                alone.facts.trusted_ranges.is_empty(),
                "nothing allow-listed"
            );
            let sign_ins = alone.sign_ins();
            let addresses: BTreeSet<&str> = sign_ins
                .iter()
                .map(|(_, s)| s.ip_address.as_str())
                .collect();
            assert_eq!(addresses.len(), 1, "seed {seed}");
            let first = sign_ins.iter().map(|(t, _)| *t).min().expect("sign-ins");
            let last = sign_ins.iter().map(|(t, _)| *t).max().expect("sign-ins");
            assert!(last - first < Duration::hours(1), "seed {seed}");
            let mut outcome: BTreeMap<&str, (usize, bool)> = BTreeMap::new();
            for (_, s) in &sign_ins {
                let entry = outcome.entry(s.user_principal_name.as_str()).or_default();
                if s.status.error_code == 0 {
                    entry.1 = true;
                } else if s.status.error_code == 50126 {
                    entry.0 += 1;
                }
            }
            assert!(
                outcome.len() >= 10,
                "seed {seed}: {} accounts",
                outcome.len()
            );
            let failed = outcome.values().filter(|(typos, _)| *typos > 0).count();
            assert!(failed >= 3, "seed {seed}");
            assert!(outcome.values().all(|(typos, ok)| *ok && *typos <= 2));
        }
    }

    #[test]
    fn spray_and_enumeration_stay_silent() {
        assert_silent(ID, 1..=5);
    }
}
