//! Web requests as the proxy and the Exchange server see them, and the hosts they go to.
//!
//! [`proxy`] and [`exchange`] build a [`WebHit`] with the values every request has (a server
//! address, a size, a duration); scenarios and the background change what differs. The user
//! agents are the real strings of the clients they name.

use crate::record::WebHit;
use rand::RngExt;

/// Microsoft Edge on Windows.
pub const EDGE_UA: &str = crate::signin::BROWSER_UA;
/// Google Chrome on Windows.
pub const CHROME_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
/// Outlook for Windows (Microsoft 365 Apps), as it sends Autodiscover and EWS requests.
pub const OUTLOOK_UA: &str =
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)";
/// Windows PowerShell 5.1's `Invoke-RestMethod` / `Invoke-WebRequest`.
pub const POWERSHELL_UA: &str =
    "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4894";
/// Python's requests library.
pub const PYTHON_REQUESTS_UA: &str = "python-requests/2.31.0";
/// AADInternals' default (`config.json`).
pub const AADINTERNALS_UA: &str = "AADInternals";

/// The Microsoft login host that answers GetCredentialType.
pub const LOGIN_HOST: &str = "login.microsoftonline.com";
/// The Exchange server's internal address, as IIS logs `s-ip`.
pub const EXCHANGE_IP: &str = "10.0.0.25";

/// Hosts the simulated requests go to, with an address each resolves to.
const HOSTS: &[(&str, &str)] = &[
    ("login.microsoftonline.com", "20.190.151.68"),
    ("aadcdn.msftauth.net", "152.199.4.33"),
    ("www.office.com", "13.107.6.156"),
    ("outlook.office.com", "52.96.165.18"),
    ("outlook.office365.com", "52.97.133.162"),
    ("teams.microsoft.com", "52.113.194.132"),
    ("graph.microsoft.com", "20.190.152.21"),
    ("www.bing.com", "13.107.21.200"),
    ("www.google.com", "142.250.179.196"),
    ("duckduckgo.com", "52.142.124.215"),
    ("crt.sh", "91.199.212.73"),
    ("www.linkedin.com", "13.107.42.14"),
    ("api.hunter.io", "104.18.30.117"),
    ("github.com", "140.82.121.4"),
    ("www.bbc.co.uk", "151.101.0.81"),
    ("www.reuters.com", "23.48.203.94"),
    ("en.wikipedia.org", "185.15.59.224"),
    ("stackoverflow.com", "104.18.32.7"),
    ("www.weather.com", "23.216.157.79"),
];

/// The address `host` resolves to; the tenant's own sites and unknown hosts get one of the
/// content-delivery network's addresses.
pub fn server_ip(host: &str) -> &'static str {
    HOSTS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(host))
        .map_or("151.101.65.195", |(_, ip)| ip)
}

/// A request from `client` through the proxy: `https` on 443, answered `status`.
#[allow(clippy::too_many_arguments)]
pub fn proxy(
    rng: &mut impl RngExt,
    client: &str,
    method: &str,
    host: &str,
    path: &str,
    query: &str,
    status: u16,
    agent: &str,
) -> WebHit {
    let json = path.to_ascii_lowercase().contains("getcredentialtype");
    WebHit {
        server_side: false,
        client_ip: client.into(),
        server_ip: server_ip(host).into(),
        method: method.into(),
        scheme: "https".into(),
        host: host.into(),
        port: 443,
        path: path.into(),
        query: query.into(),
        status,
        bytes: if json {
            rng.random_range(1_400..1_700)
        } else {
            rng.random_range(600..90_000)
        },
        elapsed_ms: rng.random_range(20..400),
        user_agent: agent.into(),
        content_type: if json {
            "application/json; charset=utf-8"
        } else {
            "text/html; charset=utf-8"
        }
        .into(),
        ..WebHit::default()
    }
}

/// Exchange front ends' suffix of `cs-uri-query`: `&CorrelationID=<empty>;&cafeReqId=<guid>;`.
pub fn cafe_query(rng: &mut impl RngExt) -> String {
    format!(
        "&CorrelationID=<empty>;&cafeReqId={};",
        crate::ids::guid(rng)
    )
}

/// A request to the Exchange server from `client`, logged by IIS.
pub fn exchange(
    rng: &mut impl RngExt,
    client: &str,
    method: &str,
    path: &str,
    status: u16,
    agent: &str,
) -> WebHit {
    let (sub_status, win32_status) = if status == 401 {
        (1, 2_148_074_254)
    } else {
        (0, 0)
    };
    WebHit {
        server_side: true,
        client_ip: client.into(),
        server_ip: EXCHANGE_IP.into(),
        method: method.into(),
        scheme: "https".into(),
        host: String::new(),
        port: 443,
        path: path.into(),
        query: cafe_query(rng),
        status,
        sub_status,
        win32_status,
        bytes: 0,
        elapsed_ms: if status == 401 {
            rng.random_range(5..25)
        } else {
            rng.random_range(40..400)
        },
        user_agent: agent.into(),
        ..WebHit::default()
    }
}
