//! Sign-in attempts, from Entra ID sign-in logs or the audit log's STS logon records.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Entra ID risk level (`riskLevelDuringSignIn`, `riskLevelAggregated`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// No value in the record.
    #[default]
    Unknown,
    /// `none`.
    None,
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
    /// `hidden`: the tenant lacks the licence to see it. Not the same as safe.
    Hidden,
}

impl RiskLevel {
    /// Reads the value as exports write it, in any case; anything else is `Unknown`.
    pub fn parse(text: &str) -> Self {
        named(
            text,
            [
                ("none", Self::None),
                ("low", Self::Low),
                ("medium", Self::Medium),
                ("high", Self::High),
                ("hidden", Self::Hidden),
            ],
        )
        .unwrap_or(Self::Unknown)
    }
}

/// Entra ID risk state (`riskState`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskState {
    /// No value in the record.
    #[default]
    Unknown,
    /// `none`.
    None,
    /// `confirmedSafe`.
    ConfirmedSafe,
    /// `remediated`.
    Remediated,
    /// `dismissed`.
    Dismissed,
    /// `atRisk`.
    AtRisk,
    /// `confirmedCompromised`.
    ConfirmedCompromised,
}

impl RiskState {
    /// Reads the value as exports write it, in any case.
    pub fn parse(text: &str) -> Self {
        named(
            text,
            [
                ("none", Self::None),
                ("confirmedSafe", Self::ConfirmedSafe),
                ("remediated", Self::Remediated),
                ("dismissed", Self::Dismissed),
                ("atRisk", Self::AtRisk),
                ("confirmedCompromised", Self::ConfirmedCompromised),
            ],
        )
        .unwrap_or(Self::Unknown)
    }
}

/// The value named `text` (surrounding spaces ignored, any case), without a lower-case copy.
fn named<T: Copy, const N: usize>(text: &str, names: [(&str, T); N]) -> Option<T> {
    let text = text.trim();
    names
        .into_iter()
        .find_map(|(name, value)| text.eq_ignore_ascii_case(name).then_some(value))
}

/// Which sign-in log a record belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInLog {
    /// Not stated.
    #[default]
    Unknown,
    /// Interactive user sign-ins (`SignInLogs`).
    Interactive,
    /// Non-interactive user sign-ins (`NonInteractiveUserSignInLogs`).
    NonInteractive,
    /// Service-principal or managed-identity sign-ins.
    ServicePrincipal,
    /// The audit log's STS logon records (`UserLoggedIn`, `UserLoginFailed`).
    AuditLog,
}

/// One sign-in attempt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignIn {
    /// AADSTS error code; `0` is success. Read from `status.errorCode`, `ResultType`,
    /// `ErrorNumber`, whether written as number or text.
    pub error_code: u32,
    /// Failure reason text, when given.
    pub failure_reason: Option<Arc<str>>,
    /// Application signed in to (`appDisplayName`).
    pub app: Option<Arc<str>>,
    /// Application id (`appId`).
    pub app_id: Option<Arc<str>>,
    /// Resource (`resourceDisplayName`).
    pub resource: Option<Arc<str>>,
    /// Client application (`clientAppUsed`: `Browser`, `IMAP4`, `Exchange ActiveSync`, ...).
    pub client_app: Option<Arc<str>>,
    /// Authentication protocol (`authenticationProtocol`: `ropc`, `deviceCode`, ...).
    pub protocol: Option<Arc<str>>,
    /// The client is a legacy-authentication one (Basic auth protocols).
    pub legacy_auth: bool,
    /// User agent.
    pub user_agent: Option<Arc<str>>,
    /// ISO 3166-1 alpha-2 country, upper case.
    pub country: Option<Arc<str>>,
    /// City.
    pub city: Option<Arc<str>>,
    /// Latitude and longitude, when the record has them.
    pub coordinates: Option<(f64, f64)>,
    /// Risk level during the sign-in.
    pub risk_during: RiskLevel,
    /// Aggregated risk level.
    pub risk_aggregated: RiskLevel,
    /// Risk state.
    pub risk_state: RiskState,
    /// `isRisky` (Sentinel's `IsRisky`), when the export carries it.
    #[serde(default)]
    pub is_risky: Option<bool>,
    /// Interactive or not, when stated.
    pub interactive: Option<bool>,
    /// Which log the record came from.
    pub log: SignInLog,
    /// Correlation id.
    pub correlation_id: Option<String>,
    /// Session id, when recorded.
    pub session_id: Option<String>,
}

impl SignIn {
    /// True for a successful sign-in.
    pub fn succeeded(&self) -> bool {
        self.error_code == 0
    }
}

/// Client applications that use legacy (Basic) authentication, as `clientAppUsed` names them.
pub const LEGACY_CLIENT_APPS: &[&str] = &[
    "Exchange ActiveSync",
    "IMAP4",
    "IMAP",
    "POP3",
    "POP",
    "SMTP",
    "Authenticated SMTP",
    "Exchange Web Services",
    "Exchange Online PowerShell",
    "AutoDiscover",
    "MAPI Over HTTP",
    "Offline Address Book",
    "Outlook Anywhere (RPC over HTTP)",
    "Other clients",
    "Reporting Web Services",
    "Universal Outlook",
];

/// True when `client_app` is a legacy-authentication client.
pub fn is_legacy_client_app(client_app: &str) -> bool {
    let client_app = client_app.trim();
    LEGACY_CLIENT_APPS
        .iter()
        .any(|legacy| client_app.eq_ignore_ascii_case(legacy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_values_in_any_case() {
        assert_eq!(RiskLevel::parse("High"), RiskLevel::High);
        assert_eq!(RiskLevel::parse("hidden"), RiskLevel::Hidden);
        assert_eq!(RiskLevel::parse("unknownFutureValue"), RiskLevel::Unknown);
        assert_eq!(RiskState::parse("atRisk"), RiskState::AtRisk);
        assert_eq!(RiskState::parse("REMEDIATED"), RiskState::Remediated);
    }

    #[test]
    fn legacy_clients() {
        assert!(is_legacy_client_app("IMAP4"));
        assert!(is_legacy_client_app("exchange activesync"));
        assert!(!is_legacy_client_app("Browser"));
        assert!(!is_legacy_client_app("Mobile Apps and Desktop clients"));
    }
}
