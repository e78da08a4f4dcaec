//! `provisioning_checks`: the identity-provisioning system checks the next weeks' new hires.
//!
//! The seeds' second false positive for enumeration: an identity-lifecycle platform verifies,
//! from its dedicated service address, whether the accounts of upcoming hires exist yet.
//! Those not yet created answer 50034 (no such account), those created ahead of the start
//! date but still disabled answer 50057; the platform's own service account signs in
//! successfully. The administrators allow-list the provisioning host (`trusted_ranges`) and
//! the checks come from it; without it the host is indistinguishable from an outsider
//! validating a list of names, and `email_enumeration` fires.

use super::{Played, ScenarioSpec, ip_entity, local_hours, note, user_entity};
use crate::egress::{self, PROVISIONING};
use crate::ids;
use crate::scene::Scene;
use crate::signin::{self, ClientApp, GRAPH_APP_ID};
use crate::tenant::User;
use crate::truth::ScenarioKind;
use chrono::Duration;
use fake::Fake;
use fake::faker::name::en::{FirstName, LastName};
use rand::RngExt;

/// The scenario id.
pub const ID: &str = "provisioning_checks";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// The service account's local part.
pub const SERVICE_ACCOUNT: &str = "idm-provisioning";

/// The provisioning connector, authenticating with the resource-owner password grant.
const CONNECTOR: ClientApp = ClientApp {
    app_id: "3c8a1f52-7d1e-4b0e-9a55-2f6d4e8b9c17",
    app_name: "Identity Lifecycle Connector",
    resource_id: GRAPH_APP_ID,
    resource_name: "Microsoft Graph",
    client_app_used: "Mobile Apps and Desktop clients",
    user_agent: "IdentityLifecycle-Connector/8.4 (+provisioning)",
    browser: "",
};

/// An upcoming hire's account: a name the directory may not know yet.
fn new_hire(rng: &mut impl RngExt, domain: &str, exists: bool) -> User {
    let first: String = FirstName().fake_with_rng(rng);
    let last: String = LastName().fake_with_rng(rng);
    let local: String = format!("{first}.{last}")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    User {
        name: if exists {
            format!("{first} {last}")
        } else {
            String::new()
        },
        upn: format!("{local}@{domain}"),
        puid: ids::puid(rng),
        object_id: if exists {
            ids::guid(rng)
        } else {
            "00000000-0000-0000-0000-000000000000".into()
        },
        office_ip: std::net::Ipv4Addr::UNSPECIFIED,
        home: crate::geo::OFFICES[0],
        role: crate::tenant::Role::Staff,
    }
}

/// Plays the nightly check.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    note(&mut scene.facts.trusted_ranges, PROVISIONING);
    let service = tenant.service_account(&mut scene.rng, SERVICE_ACCOUNT, "Identity Provisioning");
    let rng = &mut scene.rng;
    let host = egress::host_in(rng, PROVISIONING);
    let ip = host.to_string();
    let place = service.home;
    let mut at = local_hours(rng, scene.day, &place, 6, 7);
    let mut own = signin::sign_in(rng, &service, at, &ip, &place);
    signin::by_app(&mut own, &CONNECTOR);
    signin::emit(scene.out, at, own);
    let missing = rng.random_range(10..=18);
    let disabled = rng.random_range(3..=8);
    let mut names = std::collections::BTreeSet::new();
    for index in 0..missing + disabled {
        let exists = index >= missing;
        let hire = new_hire(rng, &tenant.domain, exists);
        if tenant.users.iter().any(|u| u.upn == hire.upn) || !names.insert(hire.upn.clone()) {
            continue;
        }
        at += Duration::seconds(rng.random_range(2..40));
        let mut check = signin::sign_in(rng, &hire, at, &ip, &place);
        signin::by_app(&mut check, &CONNECTOR);
        signin::fail(&mut check, if exists { 50057 } else { 50034 });
        signin::emit(scene.out, at, check);
    }
    Played {
        description: format!(
            "the provisioning host {host} checks {} upcoming hires' accounts ({missing} not created yet)",
            names.len()
        ),
        entities: vec![ip_entity(host), user_entity(&service.upn)],
        must_fire: Vec::new(),
        must_not_fire: vec!["email_enumeration", "credential_spray"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::harness::{assert_silent, play_alone, rescan, validate_alone};

    #[test]
    fn the_checks_come_from_the_allow_listed_host_and_name_unknown_accounts() {
        let ranges = mailhound_core::net::IpRanges::parse(&[PROVISIONING]).expect("valid");
        for seed in 1..=20 {
            let alone = play_alone(&SPEC, seed, 50);
            assert_eq!(alone.facts.trusted_ranges, vec![PROVISIONING.to_owned()]);
            let sign_ins = alone.sign_ins();
            let unknown = sign_ins
                .iter()
                .filter(|(_, s)| s.status.error_code == 50034)
                .count();
            assert!(unknown >= 9, "seed {seed}: {unknown}");
            assert_eq!(
                sign_ins
                    .iter()
                    .filter(|(_, s)| s.status.error_code == 0)
                    .count(),
                1
            );
            for (_, s) in &sign_ins {
                assert!(ranges.contains(&s.ip_address.parse().expect("address")));
                assert!(
                    !alone
                        .tenant
                        .users
                        .iter()
                        .any(|u| u.upn == s.user_principal_name)
                );
            }
        }
    }

    #[test]
    fn enumeration_and_spray_stay_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn without_the_allow_listed_host_the_checks_look_like_enumeration() {
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut facts = validation.simulation.truth.facts.clone();
            facts.trusted_ranges.clear();
            let fired = rescan(&validation, ID, facts.engine_config());
            assert!(
                fired.iter().any(|f| f.detection == "email_enumeration"),
                "seed {seed}: {fired:#?}"
            );
        }
    }
}
