//! `impossible_travel_geo_shift`: the seeds' Atomic test 4 for T1586.002, a session that
//! jumps countries through a VPN.
//!
//! The user signs in successfully from home (a broadband address in their office's city),
//! then, within the hour, the same account signs in successfully from a VPN exit or stolen-
//! session replay in a far country (a city of [`geo::ATTACKER`], with its coordinates, as
//! Entra ID locates the address). On about half the runs the user signs in from home again
//! shortly after (A→B→A: the VPN switched on and off, or the attacker using the session in
//! between). Both logs of the sign-in log carry it: the `location` of each sign-in differs
//! by thousands of kilometres within minutes.
//!
//! **Parameters** (from the scene's generator):
//! - the first sign-in: any time of the working day, from a home broadband address;
//! - the shift: 5 to 40 minutes later, from an attacker city and a VPN-range address, the
//!   same browser (the seeds' test shifts the tester's own session) or a scripted client;
//! - the return (A→B→A, half the runs): 5 to 40 minutes after the shift, from home again.
//!
//! Must fire `impossible_travel` (sign-in log).

use super::{Need, Played, ScenarioSpec, ip_entity, user_entity, working_hours};
use crate::geo::{self, ATTACKER};
use crate::ids;
use crate::record::Source;
use crate::scene::Scene;
use crate::signin;
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "impossible_travel_geo_shift";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1586.002"),
    play,
};

const SCRIPTED_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";

/// Plays the shift for one user.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let victim = scene.claim_user(|user| matches!(user.role, Role::Staff | Role::Executive));
    let rng = &mut scene.rng;
    let home_ip = ids::ip_in(rng, [192, 0, 2]).to_string();
    let vpn = ids::ip_in(rng, [203, 0, 113]);
    let far = *ATTACKER.choose(rng).unwrap_or(&ATTACKER[0]);
    let first = working_hours(rng, scene.day);
    let shifted = first + Duration::seconds(rng.random_range(5 * 60..40 * 60));
    let round_trip = rng.random_bool(0.5);

    let home = signin::sign_in(rng, &victim, first, &home_ip, &victim.home);
    signin::emit(scene.out, first, home);
    let mut abroad = signin::sign_in(rng, &victim, shifted, &vpn.to_string(), &far);
    if rng.random_bool(0.4) {
        abroad.user_agent = SCRIPTED_UA.into();
        abroad.device_detail.browser = "Chrome 119.0.0".into();
    }
    signin::emit(scene.out, shifted, abroad);
    if round_trip {
        let back = shifted + Duration::seconds(rng.random_range(5 * 60..40 * 60));
        let again = signin::sign_in(rng, &victim, back, &home_ip, &victim.home);
        signin::emit(scene.out, back, again);
    }
    let distance = geo::distance_km(&victim.home, &far).round();
    Played {
        description: format!(
            "{} signs in from {} then {} minutes later from {} ({distance} km away){}",
            victim.upn,
            victim.home.city,
            (shifted - first).num_minutes(),
            far.city,
            if round_trip {
                ", then from home again"
            } else {
                ""
            }
        ),
        entities: vec![user_entity(&victim.upn), ip_entity(vpn)],
        must_fire: vec![Need::on("impossible_travel", &[Source::Signin])],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Body, SignIn};
    use crate::scenarios::testing::play_alone;

    #[test]
    fn two_countries_within_the_hour_and_sometimes_back() {
        let mut round_trips = 0;
        for seed in 1..=12 {
            let (played, records) = play_alone(&SPEC, seed);
            let sign_ins: Vec<(chrono::DateTime<chrono::Utc>, &SignIn)> = records
                .iter()
                .filter_map(|r| match &r.body {
                    Body::SignIn(s) => Some((r.time, s.as_ref())),
                    _ => None,
                })
                .collect();
            assert!(matches!(sign_ins.len(), 2 | 3), "seed {seed}");
            round_trips += usize::from(sign_ins.len() == 3);
            let (t0, home) = sign_ins[0];
            let (t1, abroad) = sign_ins[1];
            assert!(sign_ins.iter().all(|(_, s)| s.status.error_code == 0));
            assert_ne!(
                home.location.country_or_region,
                abroad.location.country_or_region
            );
            assert!(t1 - t0 <= Duration::minutes(60));
            assert!(abroad.location.geo_coordinates.latitude != 0.0);
            if let Some((_, back)) = sign_ins.get(2) {
                assert_eq!(back.ip_address, home.ip_address);
            }
            assert_eq!(played.must_fire[0].detection, "impossible_travel");
        }
        assert!(round_trips > 0 && round_trips < 12);
    }

    #[test]
    fn the_same_seed_plays_the_same_shift() {
        assert_eq!(play_alone(&SPEC, 4).1, play_alone(&SPEC, 4).1);
    }
}
