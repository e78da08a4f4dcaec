//! `adfs_proxy_relay`: the federation proxy relays many users' legacy sign-ins from one
//! address, most failing on stale saved passwords.
//!
//! The seeds' first false positive for enumeration: in a federated tenant the ADFS / Web
//! Application Proxy farm authenticates the active (WS-Trust) clients, ActiveSync phones and
//! desktop Office, on the users' behalf, so Entra ID sees one egress for all of them. The
//! morning after a password change, phones with the old saved password fail and retry
//! (50126, a lockout or two, 50053) while the rest sign in. The farm's range is allow-listed
//! by the administrators (`trusted_ranges`) and the relayed sign-ins really come from it;
//! without it the address looks like a sprayer: more accounts only failing than succeeding.

use super::{Played, ScenarioSpec, ip_entity, local_hours, note};
use crate::egress::{self, FEDERATION_PROXY};
use crate::geo::OFFICES;
use crate::scene::Scene;
use crate::signin::{self, ClientApp, EXCHANGE_APP_ID, OUTLOOK_DESKTOP};
use crate::tenant::User;
use crate::truth::ScenarioKind;
use chrono::Duration;
use rand::RngExt;
use rand::seq::SliceRandom;

/// The scenario id.
pub const ID: &str = "adfs_proxy_relay";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// The native mail app of a phone over Exchange ActiveSync.
const ACTIVESYNC: ClientApp = ClientApp {
    app_id: EXCHANGE_APP_ID,
    app_name: "Office 365 Exchange Online",
    resource_id: EXCHANGE_APP_ID,
    resource_name: "Office 365 Exchange Online",
    client_app_used: "Exchange ActiveSync",
    user_agent: "Apple-iPhone15C2/2104.1",
    browser: "",
};

/// Plays an hour of relayed sign-ins.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    note(&mut scene.facts.trusted_ranges, FEDERATION_PROXY);
    let farm = OFFICES[0];
    let start = local_hours(&mut scene.rng, scene.day, &farm, 7, 9);
    let until = start + Duration::hours(1);
    let mut users: Vec<&User> = tenant
        .users
        .iter()
        .filter(|u| !scene.cast.away_during(&u.upn, start, until))
        .collect();
    let rng = &mut scene.rng;
    let proxy = egress::host_in(rng, FEDERATION_PROXY);
    let ip = proxy.to_string();
    users.shuffle(rng);
    let stale = rng.random_range(12..=18usize).min(users.len());
    let fresh = rng.random_range(6..=10usize).min(users.len() - stale);
    let (mut failures, mut lockouts) = (0, 0);
    for user in &users[..stale] {
        let tries = rng.random_range(1..=3);
        let mut at = start + Duration::seconds(rng.random_range(0..30 * 60));
        for attempt in 0..tries {
            let mut relayed = signin::sign_in(rng, user, at, &ip, &farm);
            signin::by_app(&mut relayed, &ACTIVESYNC);
            relayed.device_detail.operating_system = "Ios".into();
            let locked = attempt == 2 && rng.random_bool(0.3);
            signin::fail(&mut relayed, if locked { 50053 } else { 50126 });
            signin::emit(scene.out, at, relayed);
            failures += 1;
            lockouts += usize::from(locked);
            at += Duration::seconds(rng.random_range(5 * 60..12 * 60));
        }
    }
    for user in &users[stale..stale + fresh] {
        let at = start + Duration::seconds(rng.random_range(0..55 * 60));
        let mut relayed = signin::sign_in(rng, user, at, &ip, &farm);
        let app = if rng.random_bool(0.5) {
            &ACTIVESYNC
        } else {
            &OUTLOOK_DESKTOP
        };
        signin::by_app(&mut relayed, app);
        signin::emit(scene.out, at, relayed);
    }
    Played {
        description: format!(
            "the federation proxy {proxy} relays {} users' sign-ins: {fresh} succeed, {stale} phones with stale passwords fail {failures} times ({lockouts} lockouts)",
            stale + fresh
        ),
        entities: vec![ip_entity(proxy)],
        must_fire: Vec::new(),
        must_not_fire: vec!["credential_spray", "email_enumeration"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::harness::{assert_silent, play_alone, rescan, validate_alone};
    use std::collections::BTreeSet;

    #[test]
    fn one_allow_listed_address_many_accounts_mostly_failing() {
        let ranges = mailhound_core::net::IpRanges::parse(&[FEDERATION_PROXY]).expect("valid");
        for seed in 1..=20 {
            let alone = play_alone(&SPEC, seed, 50);
            assert_eq!(
                alone.facts.trusted_ranges,
                vec![FEDERATION_PROXY.to_owned()]
            );
            let sign_ins = alone.sign_ins();
            let addresses: BTreeSet<&str> = sign_ins
                .iter()
                .map(|(_, s)| s.ip_address.as_str())
                .collect();
            assert_eq!(addresses.len(), 1);
            let ip = addresses
                .iter()
                .next()
                .expect("one")
                .parse()
                .expect("address");
            assert!(ranges.contains(&ip));
            let failed: BTreeSet<&str> = sign_ins
                .iter()
                .filter(|(_, s)| s.status.error_code != 0)
                .map(|(_, s)| s.user_principal_name.as_str())
                .collect();
            let succeeded: BTreeSet<&str> = sign_ins
                .iter()
                .filter(|(_, s)| s.status.error_code == 0)
                .map(|(_, s)| s.user_principal_name.as_str())
                .collect();
            assert!(
                failed.len() >= 12 && failed.len() > succeeded.len(),
                "seed {seed}"
            );
            assert!(failed.is_disjoint(&succeeded));
        }
    }

    #[test]
    fn spray_and_enumeration_stay_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn without_the_allow_listed_farm_the_relay_looks_like_a_spray() {
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut facts = validation.simulation.truth.facts.clone();
            facts.trusted_ranges.clear();
            let fired = rescan(&validation, ID, facts.engine_config());
            assert!(
                fired.iter().any(|f| f.detection == "credential_spray"),
                "seed {seed}: {fired:#?}"
            );
        }
    }
}
