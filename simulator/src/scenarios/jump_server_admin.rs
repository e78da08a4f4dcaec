//! `jump_server_admin`: an IT administrator works through a jump server in another country.
//!
//! The seeds' second false positive for impossible travel: the admin reads mail at the
//! office and, between those sign-ins, opens admin sessions from the management jump server
//! in a far datacentre, so the account appears in two countries minutes apart all day. The
//! administrators allow-list the jump servers' range (`trusted_ranges`), which is recorded in
//! the tenant facts; the jump-server sign-ins really come from it. Without that entry the
//! pattern is indistinguishable from a session used abroad, and `impossible_travel` fires.

use super::{Played, ScenarioSpec, ip_entity, local_hours, note, user_entity};
use crate::egress::{self, JUMP_SERVERS};
use crate::geo::{Place, TRAVEL};
use crate::scene::Scene;
use crate::signin;
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "jump_server_admin";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// Datacentres far enough from `home` that no one commutes between them.
fn datacentres(home: &Place) -> Vec<Place> {
    TRAVEL
        .iter()
        .copied()
        .filter(|place| place.country != home.country && home.distance_km(place) > 1000.0)
        .collect()
}

/// Plays an admin's working morning.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let admin = scene.claim_user(|u| u.role == Role::ItAdmin);
    note(&mut scene.facts.trusted_ranges, JUMP_SERVERS);
    let home = admin.home;
    let rng = &mut scene.rng;
    let far = datacentres(&home);
    let datacentre = *far.choose(rng).unwrap_or(&TRAVEL[2]);
    let jump = egress::host_in(rng, JUMP_SERVERS);
    let (jump_ip, office_ip) = (jump.to_string(), admin.office_ip.to_string());
    let mut time = local_hours(rng, scene.day, &home, 9, 10);
    for _ in 0..rng.random_range(3..=5) {
        // In a tenant too small for everyone to have one role, the admin may be the one
        // travelling: no desk then, only the jump server.
        if !scene.cast.is_away(&admin.upn, time) {
            let desk = signin::sign_in(rng, &admin, time, &office_ip, &home);
            signin::emit(scene.out, time, desk);
        }
        time += Duration::seconds(rng.random_range(5 * 60..30 * 60));
        let mut session = signin::sign_in(rng, &admin, time, &jump_ip, &datacentre);
        session.device_detail.operating_system = "Windows Server 2022".into();
        signin::require_mfa(&mut session);
        signin::emit(scene.out, time, session);
        time += Duration::seconds(rng.random_range(20 * 60..50 * 60));
    }
    Played {
        description: format!(
            "{} alternates between the {} office and the jump server {jump} in {}",
            admin.upn, home.city, datacentre.city
        ),
        entities: vec![user_entity(&admin.upn), ip_entity(jump)],
        must_fire: Vec::new(),
        must_not_fire: vec!["impossible_travel"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::OFFICES;
    use crate::scenarios::harness::{assert_silent, play_alone, rescan, validate_alone};

    #[test]
    fn every_office_has_a_far_datacentre() {
        for office in OFFICES {
            assert!(!datacentres(office).is_empty(), "{}", office.city);
        }
    }

    #[test]
    fn jump_sessions_come_from_the_allow_listed_range_and_interleave_with_the_office() {
        let ranges = mailhound_core::net::IpRanges::parse(&[JUMP_SERVERS]).expect("valid");
        for seed in 1..=20 {
            let alone = play_alone(&SPEC, seed, 50);
            assert_eq!(alone.facts.trusted_ranges, vec![JUMP_SERVERS.to_owned()]);
            let sign_ins = alone.sign_ins();
            assert!(sign_ins.len() >= 6);
            for (index, (_, sign_in)) in sign_ins.iter().enumerate() {
                let ip = sign_in.ip_address.parse().expect("an address");
                // Office, jump server, office, jump server, ...
                assert_eq!(ranges.contains(&ip), index % 2 == 1, "seed {seed}");
            }
            let countries: std::collections::BTreeSet<&str> = sign_ins
                .iter()
                .map(|(_, s)| s.location.country_or_region.as_str())
                .collect();
            assert_eq!(countries.len(), 2);
        }
    }

    #[test]
    fn impossible_travel_stays_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn without_the_allow_listed_range_the_jump_server_looks_like_travel() {
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut facts = validation.simulation.truth.facts.clone();
            facts.trusted_ranges.clear();
            let fired = rescan(&validation, ID, facts.engine_config());
            assert!(
                fired.iter().any(|f| f.detection == "impossible_travel"),
                "seed {seed}: {fired:#?}"
            );
        }
    }
}
