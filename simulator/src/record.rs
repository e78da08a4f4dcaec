//! The simulator's records, one per thing that happened, before any export format is chosen.
//!
//! A scenario says *what* happened (an audit record, a sign-in, a web request, an endpoint
//! event); the writers in [`crate::output`] say how each source's exports spell it. Keeping
//! the two apart lets one scenario appear in every format the decoders read, and lets the
//! truth name the record ids exactly as the engine will cite them.
//!
//! Audit records are kept as the Management Activity API's JSON object, which is the form
//! every other audit export (CSV, ECS, search output) is derived from; the background's
//! routine records are typed ([`RoutineAudit`]) and turned into that object on demand. Sign-ins follow the
//! Microsoft Graph `signIn` resource, field for field, so the Graph writer is plain serde.

use crate::routine::RoutineAudit;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The log sources the simulator writes, each with its own export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Office 365 Unified Audit Log.
    Ual,
    /// Entra ID sign-in logs.
    Signin,
    /// The organisation's outbound web proxy.
    Proxy,
    /// IIS logs of an internet-facing Exchange (Autodiscover) server.
    Iis,
    /// Sysmon and Windows Security events of workstations.
    Endpoint,
}

impl Source {
    /// Every source, in output order.
    pub const ALL: [Source; 5] = [
        Source::Ual,
        Source::Signin,
        Source::Proxy,
        Source::Iis,
        Source::Endpoint,
    ];

    /// The source's name on the command line and in the truth.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ual => "ual",
            Self::Signin => "signin",
            Self::Proxy => "proxy",
            Self::Iis => "iis",
            Self::Endpoint => "endpoint",
        }
    }
}

/// Details some formats of a source do not carry, so that a detection relying on them cannot
/// fire on that format (Squid's native log has no user agent, for instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// The HTTP user agent.
    UserAgent,
    /// The request's full URL (path and query), not only the host of a tunnel.
    Url,
    /// The process command line.
    CommandLine,
    /// A sign-in's risk (level during sign-in, aggregated level, state).
    Risk,
    /// A sign-in's AADSTS error code, not only whether it failed.
    ErrorCode,
    /// Whether a sign-in was interactive (which log holds it).
    Interactive,
}

/// Index of a scenario in the run's truth; records carrying one are cited by the truth.
pub type ScenarioTag = u16;

/// One simulated record.
#[derive(Debug, Clone, PartialEq)]
pub struct SimRecord {
    /// When it happened (UTC).
    pub time: DateTime<Utc>,
    /// The scenario it belongs to, if any (background records have none).
    pub scenario: Option<ScenarioTag>,
    /// What it is.
    pub body: Body,
}

impl SimRecord {
    /// The source that carries this record.
    pub fn source(&self) -> Source {
        match self.body {
            Body::Audit(_) | Body::Routine(_) => Source::Ual,
            Body::SignIn(_) => Source::Signin,
            Body::Web(ref hit) if hit.server_side => Source::Iis,
            Body::Web(_) => Source::Proxy,
            Body::Endpoint(_) => Source::Endpoint,
        }
    }
}

/// The content of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A Management Activity API audit record.
    Audit(Map<String, Value>),
    /// A routine audit record of the background (a mailbox read, a send, a sign-in), typed so
    /// that millions of them are cheap to build and write; [`Body::audit`] gives its map.
    Routine(Box<RoutineAudit>),
    /// An Entra ID sign-in.
    SignIn(Box<SignIn>),
    /// An HTTP request seen by the proxy or the Exchange server.
    Web(Box<WebHit>),
    /// A Sysmon or Windows Security event.
    Endpoint(Box<EndpointEvent>),
}

impl Body {
    /// The audit record as the Management Activity API's JSON object (borrowed when it is
    /// kept as one), or `None` for other sources.
    pub fn audit(&self) -> Option<Cow<'_, Map<String, Value>>> {
        match self {
            Body::Audit(audit) => Some(Cow::Borrowed(audit)),
            Body::Routine(routine) => Some(Cow::Owned(routine.to_map())),
            _ => None,
        }
    }
}

/// An Entra ID sign-in, shaped as Microsoft Graph's `signIn` resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    /// Sign-in id (GUID).
    pub id: String,
    /// Time, with seven fractional digits and `Z` as Graph writes it.
    pub created_date_time: String,
    /// Display name.
    pub user_display_name: String,
    /// UPN (case as the directory holds it).
    pub user_principal_name: String,
    /// Object id of the user.
    pub user_id: String,
    /// Application id.
    pub app_id: String,
    /// Application name, e.g. `Office 365 Exchange Online`.
    pub app_display_name: String,
    /// Client address (IPv4 or IPv6).
    pub ip_address: String,
    /// `Browser`, `Mobile Apps and Desktop clients`, `IMAP4`, `Authenticated SMTP`, ...
    pub client_app_used: String,
    /// User agent.
    pub user_agent: String,
    /// Correlation id.
    pub correlation_id: String,
    /// Session id.
    pub session_id: String,
    /// `success`, `failure` or `notApplied`.
    pub conditional_access_status: String,
    /// Interactive or not (the non-interactive table when false).
    pub is_interactive: bool,
    /// `singleFactorAuthentication` or `multiFactorAuthentication`.
    pub authentication_requirement: String,
    /// `none`, `adminConfirmedSigninCompromised`, `hidden`, ...
    pub risk_detail: String,
    /// `none`, `low`, `medium`, `high`, `hidden`.
    pub risk_level_aggregated: String,
    /// `none`, `low`, `medium`, `high`, `hidden`.
    pub risk_level_during_sign_in: String,
    /// `none`, `atRisk`, `confirmedCompromised`, `remediated`, `dismissed`, ...
    pub risk_state: String,
    /// Risk event types, e.g. `unfamiliarFeatures` (Graph spells it with an underscore).
    #[serde(rename = "riskEventTypes_v2")]
    pub risk_event_types_v2: Vec<String>,
    /// Resource name.
    pub resource_display_name: String,
    /// Resource id.
    pub resource_id: String,
    /// Outcome.
    pub status: SignInStatus,
    /// Device.
    pub device_detail: DeviceDetail,
    /// Where the address was located.
    pub location: Location,
}

/// Outcome of a sign-in.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInStatus {
    /// 0 on success, an AADSTS code otherwise.
    pub error_code: u32,
    /// The failure text, or `Other.` on success as Graph writes it.
    pub failure_reason: String,
    /// Extra detail (`MFA requirement satisfied by claim in the token`), if any.
    pub additional_details: Option<String>,
}

/// The device of a sign-in.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceDetail {
    /// Device id, empty when unregistered.
    pub device_id: String,
    /// Device name, empty when unregistered.
    pub display_name: String,
    /// Operating system.
    pub operating_system: String,
    /// Browser with version.
    pub browser: String,
    /// Compliant.
    pub is_compliant: bool,
    /// Managed.
    pub is_managed: bool,
    /// `Azure AD joined`, `Azure AD registered`, or empty.
    pub trust_type: String,
}

/// Where a sign-in's address was located.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// City.
    pub city: String,
    /// State or province.
    pub state: String,
    /// ISO 3166 alpha-2 code.
    pub country_or_region: String,
    /// Coordinates.
    pub geo_coordinates: GeoCoordinates,
}

/// Coordinates of a location.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoCoordinates {
    /// Always null in real exports.
    pub altitude: Option<f64>,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
}

/// One HTTP request, as a proxy (client side) or a web server (server side) logs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebHit {
    /// True for the Exchange server's IIS log, false for the outbound proxy's log.
    pub server_side: bool,
    /// Client address (a workstation for the proxy, the prober for IIS).
    pub client_ip: String,
    /// Server address.
    pub server_ip: String,
    /// Method, upper case.
    pub method: String,
    /// `https` or `http`.
    pub scheme: String,
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Path, starting with `/`.
    pub path: String,
    /// Query without `?`, empty when none.
    pub query: String,
    /// HTTP status.
    pub status: u16,
    /// IIS sub-status.
    pub sub_status: u32,
    /// IIS Win32 status.
    pub win32_status: u64,
    /// Response bytes.
    pub bytes: u64,
    /// Milliseconds taken.
    pub elapsed_ms: u64,
    /// User agent, empty when none was sent.
    pub user_agent: String,
    /// Authenticated or attempted user, empty when none.
    pub username: String,
    /// Response content type, empty when none.
    pub content_type: String,
}

/// A workstation event.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointEvent {
    /// Computer name (FQDN).
    pub computer: String,
    /// Event record number, increasing per computer.
    pub record_number: u64,
    /// What happened.
    pub kind: EndpointKind,
}

/// The kinds of workstation events the simulator writes.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointKind {
    /// Sysmon event 1.
    ProcessCreate {
        /// `DOMAIN\user`.
        user: String,
        /// Process id.
        process_id: u32,
        /// Image path.
        image: String,
        /// Command line.
        command_line: String,
        /// Parent image path.
        parent_image: String,
        /// Parent command line.
        parent_command_line: String,
    },
    /// Sysmon event 3.
    NetworkConnect {
        /// `DOMAIN\user`.
        user: String,
        /// Process id.
        process_id: u32,
        /// Image path.
        image: String,
        /// Local address.
        source_ip: String,
        /// Local port.
        source_port: u16,
        /// Remote address.
        destination_ip: String,
        /// Remote host name, when resolved.
        destination_hostname: String,
        /// Remote port.
        destination_port: u16,
    },
    /// Security event 4625.
    LogonFailure {
        /// Account that failed.
        target_user: String,
        /// Its domain.
        target_domain: String,
        /// `0xc000006d` and kin.
        status: String,
        /// `0xc0000064` (no such user), `0xc000006a` (bad password), ...
        sub_status: String,
        /// Logon type (3 network, 10 remote interactive).
        logon_type: u32,
        /// Source address.
        ip: String,
        /// Source workstation name.
        workstation: String,
    },
}
