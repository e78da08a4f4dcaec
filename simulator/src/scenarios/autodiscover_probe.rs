//! `autodiscover_probe`: the seeds' Atomic test 5 for T1589.002.
//!
//! From one address on the internet, a curl loop posts an Autodiscover request to the
//! hybrid Exchange server for each address of a list (`curl -X POST
//! https://autodiscover.<domain>/autodiscover/autodiscover.xml -u "<address>:..." -d
//! @request.xml`). IIS logs each POST answered 401 with the address in `cs-username` and
//! curl's user agent; the answer takes longer for accounts that exist, which is what the
//! attacker measures.
//!
//! **Parameters**: the intensity, 12 to 60 addresses (2 to 6 of them real); the pace,
//! 300 ms to 4 s between requests; the credential, an empty password (`401 1 2148074254`,
//! no credentials) or a throw-away one sent over Basic (`401 1 2148074252`, logon denied,
//! and the server's Security log records a 4625 for each: sub-status `0xc0000064` for no
//! such user, `0xc000006a` for a wrong password); curl's version; the attacker's address in
//! 203.0.113.0/24 or 192.0.2.0/24.
//!
//! **Expected.** `enumeration_tooling` must fire on the IIS log (at least ten 401s to one
//! client that is not Outlook). The 4625s only support the finding.

use super::targets::address_list;
use super::{Need, Played, ScenarioSpec, ip_entity, scaled, working_hours};
use crate::endpoint::{Machine, dns_suffix};
use crate::ids;
use crate::record::{Body, Source};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::web::{self, EXCHANGE_IP};
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "autodiscover_probe";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1589.002"),
    play,
};

const CURL_VERSIONS: &[&str] = &["7.81.0", "8.4.0", "8.5.0", "8.7.1"];
const PATHS: &[&str] = &[
    "/autodiscover/autodiscover.xml",
    "/Autodiscover/Autodiscover.xml",
];

/// Plays the probe.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let count = scaled(rng.random_range(12..=60usize), intensity);
    let real = rng.random_range(2..=6usize);
    let existing: Vec<_> = (0..real)
        .filter_map(|_| tenant.users.choose(rng).cloned())
        .collect();
    let targets = address_list(rng, tenant, count, &existing);
    let network = *[[203, 0, 113], [192, 0, 2]]
        .choose(rng)
        .unwrap_or(&[192, 0, 2]);
    let attacker = ids::ip_in(rng, network).to_string();
    let agent = format!("curl/{}", CURL_VERSIONS.choose(rng).unwrap_or(&"8.5.0"));
    let path = *PATHS.choose(rng).unwrap_or(&PATHS[0]);
    let basic = rng.random_bool(0.5);
    let mut server = Machine {
        computer: format!("EXCH01.{}", dns_suffix(tenant)),
        ip: EXCHANGE_IP
            .parse()
            .unwrap_or(std::net::Ipv4Addr::new(10, 0, 0, 25)),
        account: String::new(),
        next_record: rng.random_range(1_000_000..3_000_000),
        next_pid: 0,
    };
    let mut time = working_hours(rng, scene.day);
    for target in &targets {
        let exists = target.user.is_some();
        let mut hit = web::exchange(rng, &attacker, "POST", path, 401, &agent);
        hit.username = target.address.clone();
        if basic {
            hit.win32_status = 2_148_074_252;
        }
        hit.elapsed_ms = if exists {
            rng.random_range(120..450)
        } else {
            rng.random_range(8..30)
        };
        scene.out.push(time, Body::Web(Box::new(hit)));
        if basic {
            let logged = time + Duration::milliseconds(rng.random_range(3..40));
            server.logon_failure(scene.out, logged, &target.address, exists, &attacker);
        }
        time += Duration::milliseconds(rng.random_range(300..4_000));
    }
    Played {
        description: format!(
            "{attacker} probes Autodiscover for {count} addresses with {agent}{}",
            if basic {
                " over Basic authentication"
            } else {
                ""
            }
        ),
        entities: vec![ip_entity(&attacker)],
        must_fire: vec![Need::on("enumeration_tooling", &[Source::Iis])],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::EndpointKind;
    use crate::scenarios::testing::played;

    #[test]
    fn one_client_gets_401s_for_many_names_with_or_without_basic() {
        let mut basic_runs = 0;
        for seed in 0..12 {
            let (_, records) = played(seed, play);
            let probes: Vec<_> = records
                .iter()
                .filter_map(|record| match &record.body {
                    Body::Web(hit) => Some(hit),
                    _ => None,
                })
                .collect();
            assert!((12..=60).contains(&probes.len()));
            assert!(
                probes
                    .iter()
                    .all(|hit| hit.server_side && hit.status == 401 && hit.method == "POST")
            );
            assert!(probes.iter().all(|hit| hit.user_agent.starts_with("curl/")));
            assert!(
                probes
                    .iter()
                    .all(|hit| hit.client_ip == probes[0].client_ip)
            );
            let failures = records
                .iter()
                .filter(|record| matches!(&record.body, Body::Endpoint(event) if matches!(event.kind, EndpointKind::LogonFailure { .. })))
                .count();
            if failures > 0 {
                basic_runs += 1;
                assert_eq!(failures, probes.len());
            }
        }
        assert!(basic_runs > 0 && basic_runs < 12);
    }
}
