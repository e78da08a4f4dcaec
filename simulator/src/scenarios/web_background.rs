//! Ordinary days on the probe sources: what the proxy, the Exchange server and the
//! workstations' Sysmon see when nobody is enumerating anything.
//!
//! Every user's workstation starts a browser and Outlook in the morning. The browser signs in
//! to Microsoft 365 through the proxy (the portal, the authorize page, **one
//! GetCredentialType** for the typed address, the password post, Outlook on the web) and
//! browses other sites during the day; Outlook asks the hybrid Exchange server for its
//! Autodiscover settings (sometimes a 401 challenge first, then 200 with the user) and talks
//! EWS. The Exchange server's managed-availability probe checks its health every hour.
//!
//! None of it may fire a detection: one GetCredentialType per workstation, Autodiscover 401s
//! only from Outlook's user agent, no scripts, no tool user agents. The background draws from
//! its own generator (seed and day), so it changes neither the other sources' background nor
//! any scenario.

use super::working_hours;
use crate::endpoint::{self, EXPLORER, Machine};
use crate::record::Body;
use crate::scene::{Emitter, scenario_rng};
use crate::tenant::Tenant;
use crate::web::{self, CHROME_UA, EDGE_UA, LOGIN_HOST, OUTLOOK_UA};
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;

const EDGE: &str = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
const CHROME: &str = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe";
const OUTLOOK: &str = "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE";
const TEAMS: &str =
    "C:\\Program Files\\WindowsApps\\MSTeams_24102.2223.2870.9480_x64__8wekyb3d8bbwe\\ms-teams.exe";
const EXCEL: &str = "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE";
const PORTAL_CLIENT: &str = "4765445b-32c6-49b0-83e6-1d93765276ca";

/// Pages people visit during the day: host, path, query.
const PAGES: &[(&str, &str, &str)] = &[
    ("outlook.office.com", "/mail/", ""),
    (
        "outlook.office.com",
        "/owa/service.svc",
        "action=GetItem&app=Mail&n=42",
    ),
    ("outlook.office.com", "/calendar/view/week", ""),
    ("teams.microsoft.com", "/v2/", ""),
    ("www.office.com", "/launch/excel", "auth=2"),
    (
        "www.bing.com",
        "/search",
        "q=quarterly+report+template&form=QBLH",
    ),
    ("www.google.com", "/search", "q=vat+rates+2025"),
    ("en.wikipedia.org", "/wiki/Double-entry_bookkeeping", ""),
    ("stackoverflow.com", "/questions/tagged/excel-formula", ""),
    ("www.bbc.co.uk", "/news", ""),
    ("www.reuters.com", "/business/", ""),
    ("www.weather.com", "/weather/today/l/Amsterdam", ""),
    ("www.linkedin.com", "/feed/", ""),
];

/// The per-day generator of the background.
fn day_rng(seed: u64, day: u64) -> rand::rngs::StdRng {
    scenario_rng(
        seed ^ day.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        "web_background",
    )
}

/// Plays day `day` (0-based, starting at `midnight`) for every user.
pub fn play(seed: u64, tenant: &Tenant, midnight: DateTime<Utc>, day: u64, out: &mut Emitter) {
    let mut rng = day_rng(seed, day);
    let rng = &mut rng;
    for index in 0..tenant.users.len() {
        let mut machine = endpoint::workstation(tenant, index, day);
        let morning = midnight + Duration::seconds(rng.random_range(7 * 3600..9 * 3600));
        let chrome = rng.random_bool(0.3);
        browser_day(rng, tenant, index, &mut machine, morning, chrome, out);
        outlook_day(rng, tenant, index, &mut machine, morning, out);
        if rng.random_bool(0.4) {
            let time = working_hours(rng, midnight);
            let (image, line) = if rng.random_bool(0.5) {
                (TEAMS, format!("\"{TEAMS}\" --system-initiated"))
            } else {
                (
                    EXCEL,
                    format!(
                        "\"{EXCEL}\" \"C:\\Users\\{}\\Documents\\Budget.xlsx\"",
                        endpoint::local_part(&tenant.users[index])
                    ),
                )
            };
            machine.start(
                out,
                time,
                image,
                &line,
                (EXPLORER, "C:\\Windows\\Explorer.EXE"),
            );
        }
    }
    for hour in 0..24 {
        let time = midnight + Duration::seconds(hour * 3600 + rng.random_range(0..60));
        let mut probe = web::exchange(
            rng,
            "127.0.0.1",
            "GET",
            "/ecp/HealthCheck.htm",
            200,
            "AMProbe/Local/ClientAccess",
        );
        probe.query.clear();
        probe.elapsed_ms = rng.random_range(1..5);
        out.push(time, Body::Web(Box::new(probe)));
    }
}

/// The browser: started, signed in to Microsoft 365 once, then used through the day.
fn browser_day(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    index: usize,
    machine: &mut Machine,
    morning: DateTime<Utc>,
    chrome: bool,
    out: &mut Emitter,
) {
    let user = &tenant.users[index];
    let (image, agent) = if chrome {
        (CHROME, CHROME_UA)
    } else {
        (EDGE, EDGE_UA)
    };
    let pid = machine.start(
        out,
        morning,
        image,
        &format!("\"{image}\" --profile-directory=Default"),
        (EXPLORER, "C:\\Windows\\Explorer.EXE"),
    );
    let client = machine.ip.to_string();
    let mut time = morning + Duration::milliseconds(rng.random_range(800..3000));
    for host in [LOGIN_HOST, "outlook.office.com"] {
        let ip = web::server_ip(host);
        machine.connect(rng, out, time, pid, image, host, ip, 443);
    }
    let state = crate::ids::guid(rng);
    let sign_in: [(&str, &str, &str, String, u16); 5] = [
        ("GET", "www.office.com", "/", String::new(), 200),
        (
            "GET",
            LOGIN_HOST,
            "/common/oauth2/v2.0/authorize",
            format!(
                "client_id={PORTAL_CLIENT}&response_type=code%20id_token&scope=openid%20profile&response_mode=form_post&state={state}"
            ),
            200,
        ),
        (
            "POST",
            LOGIN_HOST,
            "/common/GetCredentialType",
            "mkt=en-US".into(),
            200,
        ),
        ("POST", LOGIN_HOST, "/common/login", String::new(), 302),
        ("GET", "outlook.office.com", "/mail/", String::new(), 200),
    ];
    for (method, host, path, query, status) in sign_in {
        time += Duration::milliseconds(rng.random_range(300..6000));
        let mut hit = web::proxy(rng, &client, method, host, path, &query, status, agent);
        hit.username = format!(
            "{}\\{}",
            endpoint::netbios(tenant),
            endpoint::local_part(user)
        );
        out.push(time, Body::Web(Box::new(hit)));
    }
    for _ in 0..rng.random_range(6..20) {
        let time = time + Duration::seconds(rng.random_range(60..9 * 3600));
        let (host, path, query) = *PAGES.choose(rng).unwrap_or(&PAGES[0]);
        let mut hit = web::proxy(rng, &client, "GET", host, path, query, 200, agent);
        hit.username = format!(
            "{}\\{}",
            endpoint::netbios(tenant),
            endpoint::local_part(user)
        );
        out.push(time, Body::Web(Box::new(hit)));
    }
}

/// Outlook: started, Autodiscover (a 401 challenge now and then, then 200) and EWS.
fn outlook_day(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    index: usize,
    machine: &mut Machine,
    morning: DateTime<Utc>,
    out: &mut Emitter,
) {
    let user = &tenant.users[index];
    let start = morning + Duration::seconds(rng.random_range(20..600));
    let pid = machine.start(
        out,
        start,
        OUTLOOK,
        &format!("\"{OUTLOOK}\" "),
        (EXPLORER, "C:\\Windows\\Explorer.EXE"),
    );
    let host = "outlook.office365.com";
    machine.connect(
        rng,
        out,
        start + Duration::seconds(2),
        pid,
        OUTLOOK,
        host,
        web::server_ip(host),
        443,
    );
    let client = machine.ip.to_string();
    let mut time = start + Duration::seconds(1);
    let refreshes = rng.random_range(1..4);
    for round in 0..refreshes {
        if rng.random_bool(0.25) {
            let challenge = web::exchange(
                rng,
                &client,
                "POST",
                "/Autodiscover/Autodiscover.xml",
                401,
                OUTLOOK_UA,
            );
            out.push(time, Body::Web(Box::new(challenge)));
            time += Duration::milliseconds(rng.random_range(20..200));
        }
        let mut answer = web::exchange(
            rng,
            &client,
            "POST",
            "/Autodiscover/Autodiscover.xml",
            200,
            OUTLOOK_UA,
        );
        answer.username = user.upn.clone();
        out.push(time, Body::Web(Box::new(answer)));
        let mut ews = web::exchange(rng, &client, "POST", "/EWS/Exchange.asmx", 200, OUTLOOK_UA);
        ews.username = format!(
            "{}\\{}",
            endpoint::netbios(tenant),
            endpoint::local_part(user)
        );
        out.push(
            time + Duration::seconds(rng.random_range(1..30)),
            Body::Web(Box::new(ews)),
        );
        if round + 1 < refreshes {
            time += Duration::seconds(rng.random_range(2 * 3600..4 * 3600));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{EndpointKind, SimRecord, Source};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn day(seed: u64) -> (Tenant, Vec<SimRecord>) {
        let tenant = Tenant::generate(&mut StdRng::seed_from_u64(seed), 20);
        let mut out = Emitter::default();
        let midnight = DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
            .expect("valid in tests")
            .to_utc();
        play(seed, &tenant, midnight, 0, &mut out);
        (tenant, out.records)
    }

    #[test]
    fn every_user_signs_in_once_through_the_proxy_and_uses_outlook() {
        let (tenant, records) = day(5);
        let mut credential_checks = std::collections::BTreeMap::new();
        for record in &records {
            if let Body::Web(hit) = &record.body {
                if !hit.server_side && hit.path.ends_with("GetCredentialType") {
                    *credential_checks.entry(hit.client_ip.clone()).or_insert(0) += 1;
                    assert_eq!(hit.method, "POST");
                    assert!(hit.user_agent.starts_with("Mozilla/5.0"));
                }
                if hit.server_side && hit.status == 401 {
                    assert_eq!(hit.user_agent, OUTLOOK_UA);
                }
            }
        }
        assert_eq!(credential_checks.len(), tenant.users.len());
        assert!(credential_checks.values().all(|count| *count == 1));
        let sources: std::collections::BTreeSet<Source> =
            records.iter().map(SimRecord::source).collect();
        assert_eq!(
            sources.into_iter().collect::<Vec<_>>(),
            [Source::Proxy, Source::Iis, Source::Endpoint]
        );
    }

    #[test]
    fn workstations_run_no_scripts() {
        let (_, records) = day(6);
        for record in &records {
            if let Body::Endpoint(event) = &record.body {
                if let EndpointKind::ProcessCreate {
                    image,
                    command_line,
                    ..
                } = &event.kind
                {
                    let lower = format!("{image} {command_line}").to_lowercase();
                    assert!(
                        !lower.contains("powershell")
                            && !lower.contains("python")
                            && !lower.contains("curl")
                    );
                }
            }
        }
    }

    #[test]
    fn the_same_seed_and_day_give_the_same_records() {
        assert_eq!(day(9).1, day(9).1);
        assert_ne!(day(9).1, day(10).1);
    }
}
