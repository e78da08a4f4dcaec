//! `credential_spray`: the seeds' Atomic test 2 for T1586.002, a password spray that finds a
//! password.
//!
//! One source tries one or two common passwords against many of the tenant's accounts (and
//! a few harvested names that do not exist), pacing itself under Smart Lockout, then signs in
//! with the password it found. Entra ID logs every attempt in the sign-in log (50126 wrong
//! password; a few 50053 lockouts on accounts already hammered, 50055 expired and 50056 no
//! cloud password; 50034 for the names that do not exist) and mirrors it in the audit log as
//! `UserLoginFailed`; the final success is logged by both too.
//!
//! **Parameters** (from the scene's generator):
//! - targets: 12 to 30 existing accounts, plus 0 to 3 names that do not exist (a tenant
//!   too small for twelve is padded with up to nine harvested names that do not exist);
//! - rounds: 1 or 2 passwords, each tried once per account, 20 to 30 minutes apart;
//! - pace: 4 to 40 seconds between attempts; the run starts at any hour of the day;
//! - client: legacy Basic authentication (`IMAP4`, `Authenticated SMTP`, `Exchange Web
//!   Services`, with the `BAV2ROPC` user agent of the password grant behind them) on about
//!   half the runs, the password grant from a script (`Mobile Apps and Desktop clients`) on
//!   the others;
//! - outcome codes: up to two lockouts (50053, second round only), at most one 50055 and one
//!   50056 (none of them on a padded list), so that the names answered with an enumeration
//!   code stay below `email_enumeration`'s threshold;
//! - the source: a residential proxy address located near the office of the account whose
//!   password is found, within a few hundred kilometres: sprayers rent local exits to pass
//!   location-based Conditional Access, and a local exit is also why the found account's
//!   success does not count as impossible travel (this scenario lists no such expectation).
//!
//! Must fire `credential_spray` (sign-in log): the spray tier, critical because the found
//! account then signs in from the source. The audit log's `UserLoginFailed` mirror alone
//! fires it too (the engine pairs the two records of an attempt when both are scanned); the
//! expectation names the sign-in log, where the seeds' test says the traces are.

use super::{Need, Played, ScenarioSpec, ip_entity, scaled, user_entity};
use crate::geo::{self, Place};
use crate::ids;
use crate::record::{SignIn, Source};
use crate::scene::Scene;
use crate::signin;
use crate::sts::{Attempted, Client};
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use crate::ual::Context;
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use rand::seq::{IndexedRandom, SliceRandom};

/// The scenario id.
pub const ID: &str = "credential_spray";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1586.002"),
    play,
};

/// How a spray tool talks to Entra ID.
#[derive(Debug, Clone, Copy)]
struct Tool {
    client_app: &'static str,
    app_id: &'static str,
    app_name: &'static str,
    user_agent: &'static str,
    request_type: &'static str,
}

/// Microsoft Office's public client id, which password-grant spray tools borrow.
const OFFICE_CLIENT_ID: &str = "d3590ed6-52b3-4102-aeff-aad2292ab01c";

const TOOLS: &[Tool] = &[
    Tool {
        client_app: "IMAP4",
        app_id: signin::EXCHANGE_APP_ID,
        app_name: "Office 365 Exchange Online",
        user_agent: "BAV2ROPC",
        request_type: "OAuth2:Token",
    },
    Tool {
        client_app: "Authenticated SMTP",
        app_id: signin::EXCHANGE_APP_ID,
        app_name: "Office 365 Exchange Online",
        user_agent: "BAV2ROPC",
        request_type: "OAuth2:Token",
    },
    Tool {
        client_app: "Exchange Web Services",
        app_id: signin::EXCHANGE_APP_ID,
        app_name: "Office 365 Exchange Online",
        user_agent: "BAV2ROPC",
        request_type: "OAuth2:Token",
    },
    Tool {
        client_app: "Mobile Apps and Desktop clients",
        app_id: OFFICE_CLIENT_ID,
        app_name: "Microsoft Office",
        user_agent: "python-requests/2.31.0",
        request_type: "OAuth2:Token",
    },
    Tool {
        client_app: "Mobile Apps and Desktop clients",
        app_id: OFFICE_CLIENT_ID,
        app_name: "Microsoft Office",
        user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        request_type: "OAuth2:Token",
    },
];

/// Names harvested from the web that are not accounts of the tenant.
const GHOSTS: &[&str] = &[
    "admin",
    "info",
    "sales",
    "hr",
    "support",
    "jobs",
    "office",
    "it",
    "reception",
    "contact",
    "marketing",
    "helpdesk",
];

/// Names a spray list holds at least: a small tenant's list is padded with harvested names.
const MIN_NAMES: usize = 12;
/// Names answered with an enumeration code (50034, 50053, 50055, 50056) at most, below
/// `email_enumeration`'s threshold of ten: this scenario is a spray, not an enumeration.
const MAX_ENUMERATION_NAMES: usize = 9;

/// One attempt of the spray.
#[derive(Debug, Clone)]
struct Attempt {
    time: DateTime<Utc>,
    upn: String,
    /// Index into the tenant's users; `None` for a name that does not exist.
    user: Option<usize>,
    code: u32,
}

/// Plays the spray and the sign-in with the found password.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let found = scene.claim_user(|user| user.role != Role::Traveller);
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let tool = *TOOLS.choose(rng).unwrap_or(&TOOLS[0]);
    let source = ids::ip_in(rng, [203, 0, 113]);
    let place: Place = *geo::near(&found.home).choose(rng).unwrap_or(&found.home);
    let ip = source.to_string();

    // The target list: the found account, some colleagues, and a few names that do not exist.
    let mut others: Vec<usize> = (0..tenant.users.len())
        .filter(|&i| tenant.users[i].upn != found.upn)
        .collect();
    others.shuffle(rng);
    let count = scaled(rng.random_range(12..=30usize), intensity).min(others.len() + 1);
    let found_index = tenant
        .users
        .iter()
        .position(|u| u.upn == found.upn)
        .unwrap_or(0);
    let mut targets: Vec<Option<usize>> = others[..count - 1].iter().map(|&i| Some(i)).collect();
    targets.push(Some(found_index));
    let ghosts = rng
        .random_range(0..=3usize)
        .max(MIN_NAMES.saturating_sub(targets.len()))
        .min(MAX_ENUMERATION_NAMES);
    // Lockouts and password states only where the ghosts leave room under the threshold.
    let padded = ghosts > 3;
    let mut ghost_names: Vec<&str> = GHOSTS.to_vec();
    ghost_names.shuffle(rng);
    targets.extend((0..ghosts).map(|_| None));
    targets.shuffle(rng);

    let rounds = rng.random_range(1..=2u32);
    let expired = (!padded && rng.random_bool(0.3)).then(|| pick(rng, &targets, found_index));
    let no_password = (!padded && rng.random_bool(0.3)).then(|| pick(rng, &targets, found_index));
    let lockouts = if padded {
        0
    } else {
        rng.random_range(0..=2usize)
    };
    let locked: Vec<usize> = (0..lockouts)
        .map(|_| pick(rng, &targets, found_index))
        .collect();
    let start = scene.day + Duration::seconds(rng.random_range(0..20 * 3600));
    let mut time = start;
    let mut attempts = Vec::new();
    for round in 0..rounds {
        if round > 0 {
            time += Duration::seconds(rng.random_range(20 * 60..30 * 60));
        }
        let mut ghost = ghost_names.iter();
        for target in &targets {
            time += Duration::seconds(rng.random_range(4..40));
            let (upn, code) = match target {
                None => {
                    let name = ghost.next().copied().unwrap_or("admin");
                    (format!("{name}@{}", tenant.domain), 50034)
                }
                Some(i) => {
                    let code = if round > 0 && locked.contains(i) {
                        50053
                    } else if expired == Some(*i) {
                        50055
                    } else if no_password == Some(*i) {
                        50056
                    } else {
                        50126
                    };
                    (tenant.users[*i].upn.clone(), code)
                }
            };
            attempts.push(Attempt {
                time,
                upn,
                user: *target,
                code,
            });
        }
    }
    let client = Client {
        user_agent: tool.user_agent,
        app_id: tool.app_id,
        request_type: tool.request_type,
    };
    for attempt in &attempts {
        let user = attempt.user.map(|i| &tenant.users[i]);
        let mut sign_in = base_sign_in(rng, attempt, user, &ip, &place, tool);
        signin::fail(&mut sign_in, attempt.code);
        // A failed sign-in starts no session.
        sign_in.session_id = String::new();
        signin::emit(scene.out, attempt.time, sign_in);
        context.user_login_failed(
            rng,
            scene.out,
            attempt.time,
            Attempted {
                upn: &attempt.upn,
                object_id: user.map(|u| u.object_id.as_str()),
            },
            &ip,
            client,
            attempt.code,
        );
    }
    // The password found: the tool signs in with it once more, minutes later.
    let success_time = time + Duration::seconds(rng.random_range(60..25 * 60));
    let winner = Attempt {
        time: success_time,
        upn: found.upn.clone(),
        user: Some(found_index),
        code: 0,
    };
    let sign_in = base_sign_in(rng, &winner, Some(&found), &ip, &place, tool);
    signin::emit(scene.out, success_time, sign_in);
    context.user_logged_in(rng, scene.out, success_time, &found, &ip, tool.user_agent);
    let legacy = if tool.user_agent == "BAV2ROPC" {
        format!("legacy {} (BAV2ROPC)", tool.client_app)
    } else {
        "the password grant".to_owned()
    };
    Played {
        description: format!(
            "{source} sprays {} names ({} attempts over {rounds} round(s), {legacy}) and signs in as {}",
            targets.len(),
            attempts.len(),
            found.upn
        ),
        entities: vec![ip_entity(source), user_entity(&found.upn)],
        must_fire: vec![Need::on("credential_spray", &[Source::Signin])],
        must_not_fire: Vec::new(),
    }
}

/// An existing target other than the found account (whose failures stay wrong passwords).
fn pick(rng: &mut impl RngExt, targets: &[Option<usize>], found: usize) -> usize {
    let existing: Vec<usize> = targets
        .iter()
        .flatten()
        .copied()
        .filter(|&i| i != found)
        .collect();
    *existing.choose(rng).unwrap_or(&found)
}

/// The sign-in-log record of one attempt (a success until failed).
fn base_sign_in(
    rng: &mut impl RngExt,
    attempt: &Attempt,
    user: Option<&crate::tenant::User>,
    ip: &str,
    place: &Place,
    tool: Tool,
) -> SignIn {
    let mut sign_in = match user {
        Some(user) => signin::sign_in(rng, user, attempt.time, ip, place),
        None => {
            let mut sign_in = signin::sign_in(
                rng,
                &crate::tenant::User {
                    name: String::new(),
                    upn: attempt.upn.clone(),
                    puid: String::new(),
                    object_id: "00000000-0000-0000-0000-000000000000".into(),
                    office_ip: std::net::Ipv4Addr::UNSPECIFIED,
                    home: *place,
                    role: Role::Staff,
                },
                attempt.time,
                ip,
                place,
            );
            sign_in.user_display_name = String::new();
            sign_in.user_id = String::new();
            sign_in
        }
    };
    sign_in.app_id = tool.app_id.into();
    sign_in.app_display_name = tool.app_name.into();
    sign_in.client_app_used = tool.client_app.into();
    sign_in.user_agent = tool.user_agent.into();
    sign_in.device_detail.browser = String::new();
    sign_in.device_detail.operating_system = String::new();
    sign_in
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use crate::scenarios::testing::play_alone;
    use std::collections::BTreeSet;

    #[test]
    fn many_accounts_few_tries_each_then_one_success_from_the_source() {
        for seed in 1..=10 {
            let (played, records) = play_alone(&SPEC, seed);
            let sign_ins: Vec<&SignIn> = records
                .iter()
                .filter_map(|r| match &r.body {
                    Body::SignIn(s) => Some(s.as_ref()),
                    _ => None,
                })
                .collect();
            let failures: Vec<&&SignIn> = sign_ins
                .iter()
                .filter(|s| s.status.error_code != 0)
                .collect();
            let successes: Vec<&&SignIn> = sign_ins
                .iter()
                .filter(|s| s.status.error_code == 0)
                .collect();
            assert_eq!(successes.len(), 1, "seed {seed}");
            let ips: BTreeSet<&str> = sign_ins.iter().map(|s| s.ip_address.as_str()).collect();
            assert_eq!(ips.len(), 1, "one source");
            let accounts: BTreeSet<&str> = failures
                .iter()
                .map(|s| s.user_principal_name.as_str())
                .collect();
            assert!(accounts.len() >= 12, "seed {seed}: {}", accounts.len());
            for account in &accounts {
                let tries = failures
                    .iter()
                    .filter(|s| s.user_principal_name == *account)
                    .count();
                assert!(tries <= 2, "{account} tried {tries} times");
            }
            assert!(accounts.contains(successes[0].user_principal_name.as_str()));
            let codes: BTreeSet<u32> = failures.iter().map(|s| s.status.error_code).collect();
            assert!(codes.contains(&50126));
            let enumeration = failures
                .iter()
                .filter(|s| [50034, 50053, 50055, 50056].contains(&s.status.error_code))
                .map(|s| s.user_principal_name.as_str())
                .collect::<BTreeSet<_>>();
            assert!(enumeration.len() < 10);
            let first = records.first().map(|r| r.time).expect("test data");
            let last = records.last().map(|r| r.time).expect("test data");
            assert!(last - first < Duration::minutes(90));
            let audit = records
                .iter()
                .filter(|r| matches!(r.body, Body::Audit(_)))
                .count();
            assert_eq!(
                audit,
                sign_ins.len(),
                "every attempt mirrored in the audit log"
            );
            assert_eq!(played.must_fire[0].detection, "credential_spray");
        }
    }

    #[test]
    fn some_runs_spray_over_legacy_authentication_and_some_do_not() {
        let mut legacy = BTreeSet::new();
        for seed in 1..=12 {
            let (_, records) = play_alone(&SPEC, seed);
            let client = records.iter().find_map(|r| match &r.body {
                Body::SignIn(s) => Some(s.client_app_used.clone()),
                _ => None,
            });
            legacy.insert(client.is_some_and(|c| c != "Mobile Apps and Desktop clients"));
        }
        assert_eq!(legacy.len(), 2, "both kinds of client over the seeds");
    }

    #[test]
    fn a_small_tenant_is_sprayed_with_harvested_names_but_not_enumerated() {
        for users in [2, 5, 8, 11] {
            for seed in 1..=5 {
                let (_, records) = crate::scenarios::testing::play_in(&SPEC, seed, users);
                let failures: Vec<&SignIn> = records
                    .iter()
                    .filter_map(|r| match &r.body {
                        Body::SignIn(s) if s.status.error_code != 0 => Some(s.as_ref()),
                        _ => None,
                    })
                    .collect();
                let names: BTreeSet<&str> = failures
                    .iter()
                    .map(|s| s.user_principal_name.as_str())
                    .collect();
                assert!(names.len() >= 11, "{users} users: {}", names.len());
                let enumeration: BTreeSet<&str> = failures
                    .iter()
                    .filter(|s| [50034, 50053, 50055, 50056].contains(&s.status.error_code))
                    .map(|s| s.user_principal_name.as_str())
                    .collect();
                assert!(enumeration.len() < 10, "{users} users");
            }
        }
    }

    #[test]
    fn the_same_seed_plays_the_same_spray() {
        let (a, first) = play_alone(&SPEC, 42);
        let (b, second) = play_alone(&SPEC, 42);
        assert_eq!(a.description, b.description);
        assert_eq!(first, second);
    }
}
