//! Attacker-side and perimeter telemetry: web requests, process starts, network connections,
//! Windows logon failures. This is where enumeration tooling shows, since probes such as
//! GetCredentialType leave no trace in the target tenant's own logs.

use serde::{Deserialize, Serialize};

/// Which kind of web log a request came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebLogKind {
    /// Not stated.
    #[default]
    Unknown,
    /// IIS W3C extended log (a server: the client is the prober).
    IisW3c,
    /// Squid native access log (no user agent).
    SquidNative,
    /// Squid (or Apache) combined log format.
    Combined,
    /// A JSON or Elastic ECS proxy record.
    ProxyJson,
}

/// One HTTP request. The client address is the event's `ip`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebRequest {
    /// Which log.
    pub log: WebLogKind,
    /// HTTP method, upper case.
    pub method: Option<String>,
    /// Host (from the URL or the server).
    pub host: Option<String>,
    /// Path (`/autodiscover/autodiscover.xml`), as logged.
    pub path: Option<String>,
    /// Query string without `?`, as logged.
    pub query: Option<String>,
    /// HTTP status.
    pub status: Option<u16>,
    /// IIS sub-status.
    pub sub_status: Option<u32>,
    /// IIS Win32 status (`2148074254` = no credentials, `2148074252` = logon denied).
    pub win32_status: Option<u64>,
    /// User agent (`+` decoded to spaces for W3C).
    pub user_agent: Option<String>,
    /// The authenticated or attempted user name (`cs-username`), when logged.
    pub username: Option<String>,
    /// Server address (`s-ip`), when logged.
    pub server_ip: Option<String>,
    /// Response bytes, when logged.
    pub bytes: Option<u64>,
}

/// A process start (Sysmon event 1, or Security 4688).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcessStart {
    /// Computer name.
    pub host: Option<String>,
    /// Image path (`C:\...\powershell.exe`).
    pub image: Option<String>,
    /// Command line.
    pub command_line: Option<String>,
    /// Parent image path.
    pub parent_image: Option<String>,
    /// The local account (`WS-0142\attacker`).
    pub account: Option<String>,
    /// Process id.
    pub process_id: Option<u64>,
}

/// An outbound or inbound connection (Sysmon event 3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkConnection {
    /// Computer name.
    pub host: Option<String>,
    /// Image path of the connecting process.
    pub image: Option<String>,
    /// The local account.
    pub account: Option<String>,
    /// Transport (`tcp`).
    pub protocol: Option<String>,
    /// Destination address.
    pub destination_ip: Option<String>,
    /// Destination host name, when resolved.
    pub destination_host: Option<String>,
    /// Destination port.
    pub destination_port: Option<u16>,
    /// The connection was initiated by this machine.
    pub initiated: Option<bool>,
}

/// A failed Windows logon (Security event 4625). The source address is the event's `ip`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogonFailure {
    /// Computer that logged it.
    pub host: Option<String>,
    /// Account the logon was attempted for (`TargetUserName`).
    pub target_user: Option<String>,
    /// Its domain (`TargetDomainName`).
    pub target_domain: Option<String>,
    /// Logon type (3 network, 8 network clear text, 10 remote interactive, ...).
    pub logon_type: Option<u32>,
    /// `Status` (e.g. `0xc000006d`).
    pub status: Option<String>,
    /// `SubStatus` (e.g. `0xc0000064` no such user, `0xc000006a` bad password).
    pub sub_status: Option<String>,
    /// Calling process (`ProcessName`).
    pub process: Option<String>,
    /// Authentication package (`NTLM`, `Kerberos`).
    pub authentication_package: Option<String>,
    /// Workstation the attempt came from.
    pub workstation: Option<String>,
}
