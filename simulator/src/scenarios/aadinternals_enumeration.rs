//! `aadinternals_enumeration`: the seeds' Atomic test 2 for T1589.002.
//!
//! On a machine of the corporate network, PowerShell imports AADInternals and pipes an
//! address list into `Invoke-AADIntUserEnumerationAsOutsider` (its default `Normal` method:
//! one GetCredentialType POST per address, with AADInternals' own user agent). Sysmon logs
//! the PowerShell process with the module on its command line and its connections to
//! `login.microsoftonline.com`; the proxy logs the POSTs with the `AADInternals` user agent.
//! Nothing reaches the tenant's sign-in log.
//!
//! **Parameters**: the intensity, 12 to 80 probed addresses; the pace, 200 ms to 2 s between
//! requests (the module does not wait); the invocation, the list piped from a file or
//! passed as `-UserName`; the attacker machine, `DESKTOP-XXXXXXX` in `10.66.0.0/16` with a
//! local account.
//!
//! **Expected.** `enumeration_tooling` must fire on the proxy log: the burst (at least 12
//! requests in minutes) needs only the URL; the user agent and the command line are further
//! triggers, so a proxy format without user agents, or Sysmon alone, still fires.

use super::targets::address_list;
use super::{Need, Played, ScenarioSpec, host_entity, ip_entity, scaled, working_hours};
use crate::endpoint::{self, EXPLORER, POWERSHELL};
use crate::record::{Body, Detail, Source};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::web::{self, AADINTERNALS_UA, LOGIN_HOST};
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "aadinternals_enumeration";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1589.002"),
    play,
};

const ACCOUNTS: &[&str] = &["admin", "user", "redteam", "test"];

/// Plays the enumeration.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let count = scaled(rng.random_range(12..=80usize), intensity);
    let real = rng.random_range(1..=6usize);
    let existing: Vec<_> = (0..real)
        .filter_map(|_| tenant.users.choose(rng).cloned())
        .collect();
    let targets = address_list(rng, tenant, count, &existing);
    let account = *ACCOUNTS.choose(rng).unwrap_or(&"admin");
    let mut machine = endpoint::other_machine(rng, tenant, "DESKTOP", account);
    let start = working_hours(rng, scene.day);
    let command = if count <= 20 && rng.random_bool(0.5) {
        let names: Vec<String> = targets
            .iter()
            .map(|t| format!("\"{}\"", t.address))
            .collect();
        format!(
            "powershell.exe -nop -c \"Import-Module AADInternals; Invoke-AADIntUserEnumerationAsOutsider -UserName {} -Method Normal\"",
            names.join(",")
        )
    } else {
        "powershell.exe -nop -c \"Import-Module AADInternals; Get-Content .\\users.txt | Invoke-AADIntUserEnumerationAsOutsider -Method Normal\"".to_owned()
    };
    let pid = machine.start(
        scene.out,
        start,
        POWERSHELL,
        &command,
        (EXPLORER, "C:\\Windows\\Explorer.EXE"),
    );
    let client = machine.ip.to_string();
    let login_ip = web::server_ip(LOGIN_HOST);
    let mut time = start + Duration::milliseconds(rng.random_range(1_500..4_000));
    for (index, _target) in targets.iter().enumerate() {
        if index % 10 == 0 {
            let at = time - Duration::milliseconds(25);
            machine.connect(
                rng, scene.out, at, pid, POWERSHELL, LOGIN_HOST, login_ip, 443,
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
            AADINTERNALS_UA,
        );
        scene.out.push(time, Body::Web(Box::new(hit)));
        time += Duration::milliseconds(rng.random_range(200..2_000));
    }
    Played {
        description: format!(
            "{} at {client} runs Invoke-AADIntUserEnumerationAsOutsider over {count} addresses",
            machine.computer
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
    use crate::record::EndpointKind;
    use crate::scenarios::testing::played;

    #[test]
    fn the_module_runs_and_posts_with_its_user_agent() {
        for seed in 0..8 {
            let (_, records) = played(seed, play);
            let posts = records
                .iter()
                .filter(|record| matches!(&record.body, Body::Web(hit) if hit.user_agent == AADINTERNALS_UA && hit.path.ends_with("GetCredentialType")))
                .count();
            assert!((12..=80).contains(&posts));
            let mut command_lines = records.iter().filter_map(|record| match &record.body {
                Body::Endpoint(event) => match &event.kind {
                    EndpointKind::ProcessCreate { command_line, .. } => Some(command_line.clone()),
                    _ => None,
                },
                _ => None,
            });
            let line = command_lines.next().expect("a process start");
            assert!(line.contains("Import-Module AADInternals"));
            assert!(line.contains("Invoke-AADIntUserEnumerationAsOutsider"));
            let connections = records
                .iter()
                .filter(|record| matches!(&record.body, Body::Endpoint(event) if matches!(&event.kind, EndpointKind::NetworkConnect { destination_hostname, .. } if destination_hostname == LOGIN_HOST)))
                .count();
            assert!(connections >= 2);
        }
    }
}
