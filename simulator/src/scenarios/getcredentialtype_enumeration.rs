//! `getcredentialtype_enumeration`: the seeds' Atomic test 1 for T1589.002.
//!
//! A machine on the corporate network (not one of the users' workstations) runs a script
//! that posts each address of a list to `https://login.microsoftonline.com/common/
//! GetCredentialType` and reads `IfExistsResult`. Microsoft logs nothing in the tenant; the
//! proxy logs a burst of POSTs from one address, and Sysmon the script's process start and
//! its connections to the login host.
//!
//! **Parameters** (drawn from the scenario's generator): the intensity, 15 to 60 probed
//! addresses; the pace, one request every 1 to 5 seconds (so the burst
//! stays within the detection's hour); the tool, a PowerShell one-liner around
//! `Invoke-RestMethod` (PowerShell's user agent, the URL on its command line, a new TCP
//! connection every few requests) or a Python script using `requests` (`python-requests`,
//! a script name on the command line, a connection per request); the attacker machine,
//! `DESKTOP-XXXXXXX` in `10.66.0.0/16`.
//!
//! **Expected.** `enumeration_tooling` must fire on the proxy's burst, which needs the
//! request URL (a tunnel-only log cannot see it). The PowerShell variant's command line also
//! names GetCredentialType, which fires on Sysmon alone; the Python one does not, so only
//! the proxy is required.

use super::{Need, Played, ScenarioSpec, host_entity, ip_entity, scaled, working_hours};
use crate::endpoint::{self, POWERSHELL};
use crate::record::{Body, Detail, Source};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::web::{self, LOGIN_HOST, POWERSHELL_UA, PYTHON_REQUESTS_UA};
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "getcredentialtype_enumeration";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1589.002"),
    play,
};

const PYTHON: &str = "C:\\Users\\Public\\Python312\\python.exe";
const CMD: &str = "C:\\Windows\\System32\\cmd.exe";
const SCRIPTS: &[&str] = &["o365creeper.py", "o365enum.py", "check_users.py"];
const ACCOUNTS: &[&str] = &["admin", "user", "pentest", "support"];

/// Plays the burst.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let count = scaled(rng.random_range(15..=60usize), intensity);
    let account = *ACCOUNTS.choose(rng).unwrap_or(&"admin");
    let mut machine = endpoint::other_machine(rng, tenant, "DESKTOP", account);
    let powershell = rng.random_bool(0.5);
    let start = working_hours(rng, scene.day);
    let (pid, image, agent, per_connection) = if powershell {
        let line = "powershell.exe -NoProfile -ExecutionPolicy Bypass -Command \"Get-Content .\\targets.txt | ForEach-Object { $body = @{username=$_; isOtherIdpSupported=$true} | ConvertTo-Json; Invoke-RestMethod -Method Post -Uri 'https://login.microsoftonline.com/common/GetCredentialType' -Body $body -ContentType 'application/json' }\"";
        let pid = machine.start(
            scene.out,
            start,
            POWERSHELL,
            line,
            (endpoint::EXPLORER, "C:\\Windows\\Explorer.EXE"),
        );
        (pid, POWERSHELL, POWERSHELL_UA, rng.random_range(4..10usize))
    } else {
        let script = *SCRIPTS.choose(rng).unwrap_or(&SCRIPTS[0]);
        let line = format!("python.exe {script} -f targets.txt -o valid.txt");
        let pid = machine.start(
            scene.out,
            start,
            PYTHON,
            &line,
            (CMD, "\"C:\\Windows\\system32\\cmd.exe\""),
        );
        (pid, PYTHON, PYTHON_REQUESTS_UA, 1)
    };
    let client = machine.ip.to_string();
    let mut time = start + Duration::milliseconds(rng.random_range(400..2500));
    for index in 0..count {
        if index % per_connection == 0 {
            let at = time - Duration::milliseconds(30);
            machine.connect(
                rng,
                scene.out,
                at,
                pid,
                image,
                LOGIN_HOST,
                web::server_ip(LOGIN_HOST),
                443,
            );
        }
        let hit = web::proxy(
            rng,
            &client,
            "POST",
            LOGIN_HOST,
            "/common/GetCredentialType",
            "",
            200,
            agent,
        );
        scene.out.push(time, Body::Web(Box::new(hit)));
        time += Duration::milliseconds(rng.random_range(1_000..5_000));
    }
    Played {
        description: format!(
            "{} at {client} posts {count} addresses to GetCredentialType with {}",
            machine.computer,
            if powershell {
                "PowerShell"
            } else {
                "a Python script"
            },
        ),
        entities: vec![ip_entity(&client), host_entity(&machine.computer)],
        must_fire: vec![Need {
            detection: "enumeration_tooling",
            sources: &[Source::Proxy],
            details: &[Detail::Url],
        }],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::testing::played;

    #[test]
    fn one_machine_posts_a_burst_to_getcredentialtype() {
        for seed in 0..8 {
            let (played, records) = played(seed, play);
            let posts: Vec<_> = records
                .iter()
                .filter_map(|record| match &record.body {
                    Body::Web(hit) if hit.path == "/common/GetCredentialType" => {
                        Some((record.time, hit))
                    }
                    _ => None,
                })
                .collect();
            assert!((15..=60).contains(&posts.len()));
            assert!(
                posts
                    .iter()
                    .all(|(_, hit)| hit.method == "POST" && !hit.server_side)
            );
            let client = &posts[0].1.client_ip;
            assert!(client.starts_with("10.66."));
            assert!(posts.iter().all(|(_, hit)| &hit.client_ip == client));
            let span = posts[posts.len() - 1].0 - posts[0].0;
            assert!(span < Duration::minutes(60));
            assert!(records.iter().any(|r| matches!(r.body, Body::Endpoint(_))));
            assert_eq!(played.must_fire[0].detection, "enumeration_tooling");
        }
    }
}
