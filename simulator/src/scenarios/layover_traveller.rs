//! `layover_traveller`: a traveller reads mail at home, during a layover, and on landing.
//!
//! The seeds' first false positive for impossible travel: a business traveller on a
//! multi-leg flight signs in before leaving, again from the airport Wi-Fi of the layover city
//! hours later, and from the hotel at the destination after the second leg. Each hop is far
//! (over 600 km) but takes as long as flying it does (cruise speed plus airport time), so
//! the implied speed stays well below an airliner's: geo-velocity must not fire, while a
//! per-clock-hour country count (the seed's query) would, had two legs shared an hour.
//! While travelling the user writes no office background.

use super::{Played, ScenarioSpec, local_hours, user_entity};
use crate::egress;
use crate::geo::{Place, TRAVEL};
use crate::scene::Scene;
use crate::signin::{self, OUTLOOK_MOBILE};
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "layover_traveller";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// Hops shorter than this are not worth a flight (and too short for geo-velocity to judge).
const MIN_HOP_KM: f64 = 600.0;
/// Average block speed of a flight, gate to gate.
const BLOCK_KMH: f64 = 750.0;

/// Every (layover, destination) pair reachable from `home` with two long hops.
fn routes(home: &Place) -> Vec<(Place, Place)> {
    let mut routes = Vec::new();
    for layover in TRAVEL {
        for destination in TRAVEL {
            if layover.city != destination.city
                && destination.city != home.city
                && home.distance_km(layover) > MIN_HOP_KM
                && layover.distance_km(destination) > MIN_HOP_KM
            {
                routes.push((*layover, *destination));
            }
        }
    }
    routes
}

/// When a flight of `km` leaving after `from` lets its passenger online again: the flight
/// plus getting to the gate, boarding, taxiing and leaving the airport.
fn landing(rng: &mut impl RngExt, from: DateTime<Utc>, km: f64) -> DateTime<Utc> {
    let flight = (km / BLOCK_KMH * 3600.0) as i64;
    from + Duration::seconds(flight + rng.random_range(90 * 60..180 * 60))
}

/// Plays the trip.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let traveller = scene.claim_user(|u| u.role == Role::Traveller);
    let home = traveller.home;
    let all = routes(&home);
    let rng = &mut scene.rng;
    let (layover, destination) = *all.choose(rng).unwrap_or(&(TRAVEL[1], TRAVEL[2]));
    let out = &mut *scene.out;

    // Mail at the office before leaving for the airport.
    let departure = local_hours(rng, scene.day, &home, 6, 8);
    let office = traveller.office_ip.to_string();
    let before = signin::sign_in(rng, &traveller, departure, &office, &home);
    signin::emit(out, departure, before);

    // The layover: the phone on the lounge Wi-Fi, then a browser session.
    let at_layover = landing(rng, departure, home.distance_km(&layover));
    let lounge = egress::public_wifi(rng).to_string();
    let phone = signin::token_refresh(
        rng,
        &traveller,
        at_layover,
        &lounge,
        &layover,
        &OUTLOOK_MOBILE,
    );
    signin::emit(out, at_layover, phone);
    let browse = at_layover + Duration::seconds(rng.random_range(300..2400));
    let lounge_sign_in = signin::sign_in(rng, &traveller, browse, &lounge, &layover);
    signin::emit(out, browse, lounge_sign_in);

    // The second leg after a connection of one to four hours.
    let boarding = browse + Duration::seconds(rng.random_range(3600..4 * 3600));
    let arrived = landing(rng, boarding, layover.distance_km(&destination));
    let hotel = egress::public_wifi(rng).to_string();
    let mut hotel_sign_in = signin::sign_in(rng, &traveller, arrived, &hotel, &destination);
    signin::require_mfa(&mut hotel_sign_in);
    signin::emit(out, arrived, hotel_sign_in);
    let later = arrived + Duration::seconds(rng.random_range(600..3600));
    let refresh = signin::token_refresh(
        rng,
        &traveller,
        later,
        &hotel,
        &destination,
        &OUTLOOK_MOBILE,
    );
    signin::emit(out, later, refresh);

    // Away from the desk from leaving the office until well after the trip.
    scene.cast.send_away(
        &traveller.upn,
        departure + Duration::minutes(20),
        later + Duration::days(3),
    );
    Played {
        description: format!(
            "{} flies from {} via {} to {}, reading mail at each stop",
            traveller.upn, home.city, layover.city, destination.city
        ),
        entities: vec![user_entity(&traveller.upn)],
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
    fn every_office_has_long_haul_routes() {
        for office in OFFICES {
            assert!(routes(office).len() >= 3, "{}", office.city);
        }
    }

    #[test]
    fn hops_are_long_but_slower_than_an_airliner() {
        for seed in 1..=30 {
            let alone = play_alone(&SPEC, seed, 50);
            let sign_ins = alone.sign_ins();
            assert_eq!(sign_ins.len(), 5, "seed {seed}");
            let place = |s: &crate::record::SignIn| {
                (
                    s.location.geo_coordinates.latitude,
                    s.location.geo_coordinates.longitude,
                )
            };
            let cities: std::collections::BTreeSet<&str> = sign_ins
                .iter()
                .map(|(_, s)| s.location.city.as_str())
                .collect();
            assert_eq!(cities.len(), 3, "seed {seed}");
            for pair in sign_ins.windows(2) {
                let ((t0, a), (t1, b)) = (pair[0], pair[1]);
                assert!(t1 > t0);
                if place(a) != place(b) {
                    let km = haversine(place(a), place(b));
                    let hours = (t1 - t0).num_seconds() as f64 / 3600.0;
                    assert!(km > MIN_HOP_KM, "seed {seed}: {km}");
                    assert!(km / hours < 700.0, "seed {seed}: {} km/h", km / hours);
                }
                assert_eq!(a.status.error_code, 0);
            }
            let traveller = &alone.played.entities[0].value;
            assert!(alone.cast.is_away(traveller, sign_ins[4].0));
            assert!(!alone.cast.is_away(traveller, sign_ins[0].0));
        }
    }

    fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
        let place = |(latitude, longitude)| Place {
            city: "",
            state: "",
            country: "",
            latitude,
            longitude,
            utc_offset: 0,
        };
        place(a).distance_km(&place(b))
    }

    #[test]
    fn impossible_travel_stays_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn a_slower_speed_limit_would_call_the_trip_impossible() {
        // The negative control: the hops are real moves, far enough for geo-velocity to
        // judge; only their plausible speed keeps the default silent.
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut config = validation.simulation.truth.facts.engine_config();
            config.detections.impossible_travel.max_speed_kmh = 100.0;
            let fired = rescan(&validation, ID, config);
            assert!(
                fired.iter().any(|f| f.detection == "impossible_travel"),
                "seed {seed}: {fired:#?}"
            );
        }
    }
}
