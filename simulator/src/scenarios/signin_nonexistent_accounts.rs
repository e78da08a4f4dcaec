//! `signin_nonexistent_accounts`: the seeds' Atomic test 3 for T1589.002.
//!
//! From one address on the internet, a script tries to sign in (resource-owner password
//! grant, `python-requests`) as each address of a harvested list. Entra ID logs every
//! attempt: **50034** (no such account) for the guessed addresses, and for the real ones the
//! answer that gives them away: mostly **50126** (wrong password), now and then **50053**
//! (locked), **50055** (expired password) or **50056** (no password in the directory).
//! `clientAppUsed` is `Other clients`, as the seed says.
//!
//! **Parameters**: the intensity, 15 to 60 addresses, of which 2 to 4 belong to (claimed)
//! users and at least 11 do not exist; the pace, 5 to 50 seconds between attempts, so the
//! run fits the hour; the attacker, an address in 203.0.113.0/24 or 192.0.2.0/24 located
//! in one of the attacker cities.
//!
//! **Expected.** `email_enumeration` must fire (more than ten distinct names failing with
//! 50034 from one address within the hour). Each name is tried once and the names that only
//! failed far outnumber any success, so `credential_spray`'s spray tier (ten or more
//! accounts, at most three tries each, 50034 counted) must fire too: to Entra ID the probe
//! is a one-password spray. Both read the sign-in log only.

use super::targets::address_list;
use super::{Need, Played, ScenarioSpec, ip_entity, scaled, user_entity, working_hours};
use crate::geo::ATTACKER;
use crate::ids;
use crate::record::{Detail, Source};
use crate::scene::Scene;
use crate::signin;
use crate::truth::ScenarioKind;
use crate::web::PYTHON_REQUESTS_UA;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "signin_nonexistent_accounts";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1589.002"),
    play,
};

/// Azure Active Directory PowerShell's client id, which ROPC scripts borrow.
const AAD_POWERSHELL_APP: &str = "1b730954-1685-4b74-9bfd-dac224a7b894";

/// Plays the attempts.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let real = scene.rng.random_range(2..=4usize);
    let existing = scene.claim_users(real, |_| true);
    let tenant = scene.tenant;
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let count = scaled(rng.random_range(15..=60usize), intensity).max(scaled(real + 11, intensity));
    let targets = address_list(rng, tenant, count, &existing);
    let network = *[[203, 0, 113], [192, 0, 2]]
        .choose(rng)
        .unwrap_or(&[203, 0, 113]);
    let attacker = ids::ip_in(rng, network);
    let place = *ATTACKER.choose(rng).unwrap_or(&ATTACKER[0]);
    let mut time = working_hours(rng, scene.day);
    for target in &targets {
        let user = target.user.clone().unwrap_or_else(|| crate::tenant::User {
            name: String::new(),
            upn: target.address.clone(),
            object_id: String::new(),
            ..existing[0].clone()
        });
        let mut attempt = signin::sign_in(rng, &user, time, &attacker.to_string(), &place);
        let code = match target.user {
            None => 50034,
            Some(_) => *[50126, 50126, 50126, 50053, 50055, 50056]
                .choose(rng)
                .unwrap_or(&50126),
        };
        signin::fail(&mut attempt, code);
        attempt.client_app_used = "Other clients".into();
        attempt.user_agent = PYTHON_REQUESTS_UA.into();
        attempt.app_id = AAD_POWERSHELL_APP.into();
        attempt.app_display_name = "Azure Active Directory PowerShell".into();
        attempt.resource_display_name = "Windows Azure Active Directory".into();
        attempt.resource_id = "00000002-0000-0000-c000-000000000000".into();
        attempt.device_detail.browser = "Python Requests 2.31".into();
        attempt.device_detail.operating_system = String::new();
        signin::emit(scene.out, time, attempt);
        time += Duration::seconds(rng.random_range(5..=50));
    }
    let mut entities = vec![ip_entity(attacker)];
    entities.extend(existing.iter().map(|user| user_entity(&user.upn)));
    Played {
        description: format!(
            "{attacker} tries to sign in as {count} addresses at {}, {real} of which exist; \
             one try per name, so Entra ID also sees a password spray",
            tenant.domain
        ),
        entities,
        must_fire: vec![
            // "No such user" is an error code (50034); a failure without its code says less.
            Need {
                detection: "email_enumeration",
                sources: &[Source::Signin],
                details: &[Detail::ErrorCode],
            },
            Need::on("credential_spray", &[Source::Signin]),
        ],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use crate::scenarios::testing::played;

    #[test]
    fn most_attempts_name_accounts_that_do_not_exist_and_all_come_from_one_address() {
        for seed in 0..10 {
            let (played, records) = played(seed, play);
            let sign_ins: Vec<_> = records
                .iter()
                .map(|record| match &record.body {
                    Body::SignIn(sign_in) => (record.time, sign_in),
                    other => panic!("{other:?}"),
                })
                .collect();
            let missing = sign_ins
                .iter()
                .filter(|(_, s)| s.status.error_code == 50034)
                .count();
            assert!(missing >= 11, "{missing}");
            assert!(sign_ins.len() - missing >= 2);
            assert!(sign_ins.iter().all(|(_, s)| s.status.error_code != 0));
            assert!(
                sign_ins
                    .iter()
                    .all(|(_, s)| s.ip_address == sign_ins[0].1.ip_address)
            );
            assert!(
                sign_ins
                    .iter()
                    .all(|(_, s)| s.client_app_used == "Other clients")
            );
            let span = sign_ins[sign_ins.len() - 1].0 - sign_ins[0].0;
            assert!(span < Duration::minutes(60));
            assert_eq!(played.must_fire.len(), 2);
        }
    }
}
