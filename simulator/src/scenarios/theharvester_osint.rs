//! `theharvester_osint`: the seeds' Atomic test 4 for T1589.002.
//!
//! On a machine of the corporate network, theHarvester 5 collects the tenant's addresses
//! from public sources: `python3.exe theHarvester.py -d <domain> -b <sources>`. Provider and
//! API requests (crt.sh, DuckDuckGo, Hunter, and the takeover check of the hosts it found)
//! carry its fixed identity user agent, `theHarvester/5.0.0
//! (+https://github.com/laramies/theHarvester)`; browser-oriented sources (Bing) get its one
//! Chrome string. Sysmon logs the Python process and its connections. It never touches the
//! tenant's Microsoft 365, so no sign-in or audit record exists.
//!
//! **Parameters**: the intensity, 5 to 30 result pages fetched per search source; the
//! sources (`-b`), two to four of crtsh, duckduckgo, bing and hunter; whether the takeover
//! check (`-t`) fetches the tenant's own sites; the pace, 1 to 8 seconds between requests;
//! the machine, `LAPTOP-XXXXXXX` in `10.66.0.0/16`.
//!
//! **Expected.** `enumeration_tooling` must fire on the proxy log's identity user agent
//! (always sent: crt.sh is always queried), which needs a proxy format carrying user
//! agents. The command line names theHarvester too, so Sysmon alone also fires.

use super::{Need, Played, ScenarioSpec, host_entity, ip_entity, scaled, working_hours};
use crate::endpoint;
use crate::record::{Body, Detail, Source};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::web;
use chrono::Duration;
use rand::RngExt;
use rand::seq::SliceRandom;

/// The scenario id.
pub const ID: &str = "theharvester_osint";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1589.002"),
    play,
};

/// theHarvester 5's identity user agent.
pub const HARVESTER_UA: &str = "theHarvester/5.0.0 (+https://github.com/laramies/theHarvester)";
/// theHarvester 5's browser user agent for browser-oriented sources.
const HARVESTER_BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/151.0.0.0 Safari/537.36";
const PYTHON: &str = "C:\\Users\\analyst\\AppData\\Local\\Programs\\Python\\Python312\\python3.exe";
const CMD: &str = "C:\\Windows\\System32\\cmd.exe";

/// One request: host, path, query, user agent.
type Request = (String, String, String, &'static str);

/// The requests of source `name` for `domain`, `pages` result pages.
fn requests(name: &str, domain: &str, pages: usize) -> Vec<Request> {
    match name {
        "crtsh" => vec![(
            "crt.sh".into(),
            "/".into(),
            format!("q=%25.{domain}&output=json"),
            HARVESTER_UA,
        )],
        "duckduckgo" => (0..pages)
            .map(|page| {
                (
                    "duckduckgo.com".into(),
                    "/html/".into(),
                    format!("q=%22%40{domain}%22&s={}", page * 30),
                    HARVESTER_UA,
                )
            })
            .collect(),
        "bing" => (0..pages)
            .map(|page| {
                (
                    "www.bing.com".into(),
                    "/search".into(),
                    format!("q=%22%40{domain}%22&count=50&first={}", page * 50 + 1),
                    HARVESTER_BROWSER_UA,
                )
            })
            .collect(),
        _ => (0..pages.div_ceil(10))
            .map(|page| {
                (
                    "api.hunter.io".into(),
                    "/v2/domain-search".into(),
                    format!("domain={domain}&limit=100&offset={}", page * 100),
                    HARVESTER_UA,
                )
            })
            .collect(),
    }
}

/// Plays the harvest.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let pages = scaled(rng.random_range(5..=30usize), intensity);
    let mut optional = ["duckduckgo", "bing", "hunter"];
    optional.shuffle(rng);
    let mut sources = vec!["crtsh"];
    sources.extend(optional.iter().take(rng.random_range(1..=3)));
    let takeover = rng.random_bool(0.5);
    let mut machine = endpoint::other_machine(rng, tenant, "LAPTOP", "analyst");
    let domain = &tenant.domain;
    let mut command = format!(
        "python3.exe theHarvester.py -d {domain} -b {} -l {}",
        sources.join(","),
        pages * 50
    );
    if takeover {
        command.push_str(" -t");
    }
    let start = working_hours(rng, scene.day);
    let pid = machine.start(
        scene.out,
        start,
        PYTHON,
        &command,
        (CMD, "\"C:\\Windows\\system32\\cmd.exe\""),
    );
    let mut plan: Vec<Request> = sources
        .iter()
        .flat_map(|name| requests(name, domain, pages))
        .collect();
    if takeover {
        for host in [format!("www.{domain}"), format!("autodiscover.{domain}")] {
            plan.push((host, "/".into(), String::new(), HARVESTER_UA));
        }
    }
    let client = machine.ip.to_string();
    let mut time = start + Duration::milliseconds(rng.random_range(800..3_000));
    let mut connected = std::collections::BTreeSet::new();
    for (host, path, query, agent) in plan {
        if connected.insert(host.clone()) {
            let ip = web::server_ip(&host);
            machine.connect(
                rng,
                scene.out,
                time - Duration::milliseconds(40),
                pid,
                PYTHON,
                &host,
                ip,
                443,
            );
        }
        let mut hit = web::proxy(rng, &client, "GET", &host, &path, &query, 200, agent);
        if host == "crt.sh" || host == "api.hunter.io" {
            hit.content_type = "application/json".into();
        }
        scene.out.push(time, Body::Web(Box::new(hit)));
        time += Duration::milliseconds(rng.random_range(1_000..8_000));
    }
    Played {
        description: format!(
            "theHarvester on {} at {client} harvests addresses of {domain} from {}",
            machine.computer,
            sources.join(", ")
        ),
        entities: vec![ip_entity(&client), host_entity(&machine.computer)],
        must_fire: vec![Need {
            detection: "enumeration_tooling",
            sources: &[Source::Proxy],
            details: &[Detail::UserAgent],
        }],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::EndpointKind;
    use crate::scenarios::testing::played;

    #[test]
    fn the_harvest_carries_the_identity_user_agent_and_the_command_line() {
        for seed in 0..8 {
            let (played, records) = played(seed, play);
            let identity = records
                .iter()
                .filter(|record| matches!(&record.body, Body::Web(hit) if hit.user_agent == HARVESTER_UA))
                .count();
            assert!(identity >= 1);
            assert!(
                records
                    .iter()
                    .any(|record| matches!(&record.body, Body::Web(hit) if hit.host == "crt.sh"))
            );
            let line = records.iter().find_map(|record| match &record.body {
                Body::Endpoint(event) => match &event.kind {
                    EndpointKind::ProcessCreate { command_line, .. } => Some(command_line.clone()),
                    _ => None,
                },
                _ => None,
            });
            assert!(
                line.expect("a process start")
                    .starts_with("python3.exe theHarvester.py -d ")
            );
            assert_eq!(played.must_fire[0].details, &[Detail::UserAgent]);
        }
    }
}
