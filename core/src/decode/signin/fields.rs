//! The one mapping from a sign-in's fields to a normalised [`Event`], shared by every export.
//!
//! Each export form only finds its values ([`Fields`], borrowed from the record, with the
//! field names a rejection should cite); everything else happens here, once: which value wins
//! when several are given, how times, codes, addresses, users, risks and countries are read,
//! what makes a record malformed and what makes it one to ignore. So the same sign-in exported
//! as Graph JSON, an Azure Monitor record, a Sentinel row, an Elastic document or a CSV row
//! becomes the same [`SignIn`].
//!
//! Choices, for every form alike:
//! - **Result**: the AADSTS code decides (`0` is success); `failureReason` text never does
//!   (successes can carry `"Other."`), and a success keeps no failure reason. A record with
//!   only a status word (the portal's `Success` / `Failure` / `Interrupted`) gets `0` or
//!   [`UNKNOWN_FAILURE_CODE`].
//! - **Legacy authentication** comes from the client application alone
//!   ([`is_legacy_client_app`]): `authenticationProtocol` values such as `ropc` are modern
//!   OAuth flows without MFA, not Basic authentication, and are kept in `protocol` for
//!   detections to weigh.
//! - **Risk**: a missing value is `Unknown`; `hidden` (no P2 licence) stays `Hidden`.
//! - **Attribution**: a sign-in with neither a user nor a real client address (service
//!   principals and managed identities, recorded with no address or `0.0.0.0`) is ignored; one
//!   with an address but no user (a service principal from the internet) stays an event with
//!   no user.
//! - **Location**: Entra's own (`countryOrRegion`, `geoCoordinates`), never an enrichment's
//!   (Elastic's GeoIP `source.geo`), so that every form gives the same answer; coordinates
//!   `0,0` are a placeholder (service principals carry them) and dropped.

use super::country;
use super::log::{self, Category};
use crate::decode::ual::text::trimmed;
use crate::decode::{Ignore, Outcome};
use crate::event::signin::is_legacy_client_app;
use crate::event::{Event, EventKind, LogSource, RiskLevel, RiskState, SignIn, SignInLog};
use crate::net::{is_service_placeholder, parse_client_ip};
use crate::shared_text::shared;
use crate::time::Timestamp;

/// Error code given to a failed sign-in whose export names no code (the portal's `Failure` or
/// `Interrupted` without a `Sign-in error code`): it is not a success, and no AADSTS code is
/// this large.
pub const UNKNOWN_FAILURE_CODE: u32 = u32::MAX;

/// How a form names the fields that a rejection cites.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    /// The record id (`id`, `Id`, `Request ID`).
    pub id: &'static str,
    /// The time.
    pub time: &'static str,
    /// The result (error code or status).
    pub result: &'static str,
}

/// A value and the field it came from, for a precise rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named<'r> {
    /// The field, as the export spells it.
    pub field: &'static str,
    /// Its value, trimmed and not empty.
    pub value: &'r str,
}

/// The sign-in fields of one record, as its export form wrote them.
#[derive(Debug, Clone, Default)]
pub struct Fields<'r> {
    /// Record id.
    pub id: Option<&'r str>,
    /// Time of the sign-in.
    pub time: Option<Named<'r>>,
    /// User principal name.
    pub user: Option<&'r str>,
    /// What the user typed (`signInIdentifier`), used when there is no UPN.
    pub sign_in_identifier: Option<&'r str>,
    /// Client address.
    pub ip: Option<Named<'r>>,
    /// AADSTS error code, as text.
    pub error_code: Option<Named<'r>>,
    /// A status word (`Success`, `Failure`, `Interrupted`), used when there is no code.
    pub status: Option<Named<'r>>,
    /// Failure reason.
    pub failure_reason: Option<&'r str>,
    /// Application name.
    pub app: Option<&'r str>,
    /// Application id.
    pub app_id: Option<&'r str>,
    /// Resource name.
    pub resource: Option<&'r str>,
    /// Client application (`clientAppUsed`).
    pub client_app: Option<&'r str>,
    /// Authentication protocol.
    pub protocol: Option<&'r str>,
    /// User agent.
    pub user_agent: Option<&'r str>,
    /// Risk level during the sign-in.
    pub risk_during: Option<&'r str>,
    /// Aggregated risk level.
    pub risk_aggregated: Option<&'r str>,
    /// Risk state.
    pub risk_state: Option<&'r str>,
    /// `isRisky`, when the export carries it.
    pub is_risky: Option<bool>,
    /// `isInteractive`.
    pub interactive: Option<bool>,
    /// The log, when the record names it ([`log`]).
    pub log: Option<SignInLog>,
    /// Country candidates, best first: codes, names, in any case.
    pub countries: [Option<&'r str>; 2],
    /// City.
    pub city: Option<&'r str>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Correlation id.
    pub correlation_id: Option<&'r str>,
    /// Session id.
    pub session_id: Option<&'r str>,
}

/// The first value that is not blank, trimmed.
pub fn first<'r>(values: impl IntoIterator<Item = Option<&'r str>>) -> Option<&'r str> {
    values
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|value| !value.is_empty())
}

/// The first value that is not blank, with the name of its field.
pub fn first_named<'r>(
    values: impl IntoIterator<Item = (&'static str, Option<&'r str>)>,
) -> Option<Named<'r>> {
    values
        .into_iter()
        .find_map(|(field, value)| first([value]).map(|value| Named { field, value }))
}

/// The log named by the first non-blank category or table name; `Err` with what to ignore
/// when it names a log that is not a sign-in log.
pub fn log_of<'r>(
    names: impl IntoIterator<Item = Option<&'r str>>,
    id: Option<&str>,
) -> Result<Option<SignInLog>, Ignore> {
    let Some(name) = first(names) else {
        return Ok(None);
    };
    match log::category(name) {
        Some(Category::SignIn(log)) => Ok(Some(log)),
        Some(Category::Other) => Err(Ignore {
            reason: format!("`{name}` record"),
            record_id: first([id]).map(str::to_owned),
        }),
        None => Ok(None),
    }
}

/// Reads a time as exports write it: ISO 8601 with or without zone and with any fraction, the
/// US locale of Log Analytics CSV, or epoch milliseconds.
pub fn parse_time(text: &str) -> Option<Timestamp> {
    let text = trimmed(text);
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().map(Timestamp);
    }
    Timestamp::parse(text).or_else(|| Timestamp::parse_us_locale(text))
}

/// Reads an AADSTS code written as a number, as text, or as text with the `AADSTS` prefix
/// that error pages and some tools put before it.
fn parse_code(text: &str) -> Option<u32> {
    let text = trimmed(text);
    let text = match text.get(..6) {
        Some(prefix) if prefix.eq_ignore_ascii_case("AADSTS") => &text[6..],
        _ => text,
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The code a status word stands for.
fn status_code(status: &str) -> Option<u32> {
    let status = trimmed(status);
    let is = |word: &str| status.eq_ignore_ascii_case(word);
    if is("success") || is("succeeded") {
        Some(0)
    } else if is("failure") || is("failed") || is("interrupted") {
        Some(UNKNOWN_FAILURE_CODE)
    } else {
        None
    }
}

/// Turns a record's sign-in fields into an event, an ignore or a rejection.
pub fn to_outcome(fields: &Fields<'_>, names: Names) -> Outcome {
    let Some(id) = first([fields.id]) else {
        return Outcome::Rejected(format!("sign-in without a record id ({})", names.id));
    };
    let Some(time) = fields.time else {
        return Outcome::Rejected(format!("sign-in without a time ({})", names.time));
    };
    let Some(instant) = parse_time(time.value) else {
        return Outcome::Rejected(format!(
            "field `{}`: invalid time `{}`",
            time.field, time.value
        ));
    };
    let error_code = match (fields.error_code, fields.status) {
        (Some(code), _) => match parse_code(code.value) {
            Some(error_code) => error_code,
            None => {
                return Outcome::Rejected(format!(
                    "field `{}`: `{}` is not an error code",
                    code.field, code.value
                ));
            }
        },
        (None, Some(status)) => match status_code(status.value) {
            Some(error_code) => error_code,
            None => {
                return Outcome::Rejected(format!(
                    "field `{}`: unknown status `{}`",
                    status.field, status.value
                ));
            }
        },
        (None, None) => {
            return Outcome::Rejected(format!("sign-in without a result ({})", names.result));
        }
    };
    let ip = match fields.ip {
        Some(Named { value: "-", .. }) | None => None,
        Some(named) => match parse_client_ip(named.value) {
            Some(ip) => Some(ip),
            None => {
                return Outcome::Rejected(format!(
                    "field `{}`: `{}` is not an IP address",
                    named.field, named.value
                ));
            }
        },
    };
    let coordinates = match (fields.latitude, fields.longitude) {
        (Some(latitude), Some(longitude)) if latitude == 0.0 && longitude == 0.0 => None,
        (Some(latitude), Some(longitude))
            if (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude) =>
        {
            Some((latitude, longitude))
        }
        (Some(latitude), Some(longitude)) => {
            return Outcome::Rejected(format!(
                "coordinates out of range: latitude {latitude}, longitude {longitude}"
            ));
        }
        _ => None,
    };
    let user = first([fields.user, fields.sign_in_identifier]).map(str::to_lowercase);
    let interactive = fields.interactive;
    let log = fields
        .log
        .unwrap_or_else(|| log::from_interactive(interactive));
    if user.is_none() && ip.is_none_or(|ip| is_service_placeholder(&ip)) {
        let reason = if log == SignInLog::ServicePrincipal {
            "service principal sign-in without a client address"
        } else {
            "sign-in without a user or client address"
        };
        return Outcome::ignored(reason, Some(id.to_owned()));
    }
    let owned = |value: Option<&str>| first([value]).map(str::to_owned);
    let share = |value: Option<&str>| first([value]).map(shared);
    let client_app = share(fields.client_app);
    let sign_in = SignIn {
        error_code,
        failure_reason: if error_code == 0 {
            None
        } else {
            share(fields.failure_reason)
        },
        app: share(fields.app),
        app_id: share(fields.app_id),
        resource: share(fields.resource),
        legacy_auth: client_app.as_deref().is_some_and(is_legacy_client_app),
        client_app,
        protocol: share(fields.protocol),
        user_agent: share(fields.user_agent),
        country: fields
            .countries
            .iter()
            .flatten()
            .find_map(|c| country::alpha2(c))
            .map(shared),
        city: share(fields.city),
        coordinates,
        risk_during: fields
            .risk_during
            .map_or(RiskLevel::Unknown, RiskLevel::parse),
        risk_aggregated: fields
            .risk_aggregated
            .map_or(RiskLevel::Unknown, RiskLevel::parse),
        risk_state: fields
            .risk_state
            .map_or(RiskState::Unknown, RiskState::parse),
        is_risky: fields.is_risky,
        interactive,
        log,
        correlation_id: owned(fields.correlation_id),
        session_id: owned(fields.session_id),
    };
    Outcome::Event(Event {
        record_id: id.into(),
        time: instant,
        user,
        ip,
        source: LogSource::EntraSignIn,
        kind: EventKind::SignIn(sign_in),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: Names = Names {
        id: "`id`",
        time: "`createdDateTime`",
        result: "`status.errorCode`",
    };

    fn named(field: &'static str, value: &'static str) -> Option<Named<'static>> {
        Some(Named { field, value })
    }

    fn base() -> Fields<'static> {
        Fields {
            id: Some("r1"),
            time: named("createdDateTime", "2025-03-04T08:58:07Z"),
            user: Some("JDoe@Contoso.com"),
            ip: named("ipAddress", "[2001:db8::7]:443"),
            error_code: named("status.errorCode", "50126"),
            failure_reason: Some("Invalid username or password."),
            client_app: Some("IMAP4"),
            protocol: Some("ropc"),
            risk_during: Some("hidden"),
            risk_state: Some("remediated"),
            countries: [Some("ZZ"), Some("Germany")],
            latitude: Some(52.52),
            longitude: Some(13.405),
            ..Fields::default()
        }
    }

    fn event(fields: &Fields<'_>) -> (Event, SignIn) {
        match to_outcome(fields, NAMES) {
            Outcome::Event(event) => match event.kind.clone() {
                EventKind::SignIn(sign_in) => (event, sign_in),
                other => panic!("{other:?}"),
            },
            other => panic!("expected an event, got {other:?}"),
        }
    }

    fn rejection(fields: &Fields<'_>) -> String {
        match to_outcome(fields, NAMES) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn every_field_is_normalised() {
        let (event, sign_in) = event(&base());
        assert_eq!(&*event.record_id, "r1");
        assert_eq!(event.time, Timestamp(1_741_078_687_000));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("2001:db8::7")
        );
        assert_eq!(event.source, LogSource::EntraSignIn);
        assert_eq!(sign_in.error_code, 50126);
        assert_eq!(
            sign_in.failure_reason.as_deref(),
            Some("Invalid username or password.")
        );
        assert!(sign_in.legacy_auth);
        assert_eq!(sign_in.protocol.as_deref(), Some("ropc"));
        assert_eq!(sign_in.risk_during, RiskLevel::Hidden);
        assert_eq!(sign_in.risk_aggregated, RiskLevel::Unknown);
        assert_eq!(sign_in.risk_state, RiskState::Remediated);
        assert_eq!(sign_in.country.as_deref(), Some("DE"));
        assert_eq!(sign_in.coordinates, Some((52.52, 13.405)));
        assert_eq!(sign_in.log, SignInLog::Unknown);
    }

    #[test]
    fn success_is_the_code_never_the_text() {
        let fields = Fields {
            error_code: named("status.errorCode", "0"),
            failure_reason: Some("Other."),
            ..base()
        };
        let (_, sign_in) = event(&fields);
        assert!(sign_in.succeeded());
        assert_eq!(sign_in.failure_reason, None);
    }

    #[test]
    fn codes_with_the_aadsts_prefix() {
        let fields = Fields {
            error_code: named("status.errorCode", "AADSTS50053"),
            ..base()
        };
        assert_eq!(event(&fields).1.error_code, 50053);
    }

    #[test]
    fn status_words_stand_in_for_a_missing_code() {
        let with_status = |status: &'static str| Fields {
            error_code: None,
            status: named("Status", status),
            ..base()
        };
        assert_eq!(event(&with_status("Success")).1.error_code, 0);
        assert_eq!(
            event(&with_status("Failure")).1.error_code,
            UNKNOWN_FAILURE_CODE
        );
        assert_eq!(
            event(&with_status("Interrupted")).1.error_code,
            UNKNOWN_FAILURE_CODE
        );
        assert!(rejection(&with_status("Maybe")).contains("unknown status `Maybe`"));
        // A code, when given, wins over the status word.
        let both = Fields {
            status: named("Status", "Interrupted"),
            error_code: named("Sign-in error code", "50140"),
            ..base()
        };
        assert_eq!(event(&both).1.error_code, 50140);
    }

    #[test]
    fn the_sign_in_identifier_stands_in_for_a_missing_upn() {
        let fields = Fields {
            user: Some(" "),
            sign_in_identifier: Some("Probe@Contoso.com"),
            ..base()
        };
        assert_eq!(event(&fields).0.user.as_deref(), Some("probe@contoso.com"));
    }

    #[test]
    fn unattributable_sign_ins_are_ignored() {
        for ip in [None, named("ipAddress", "0.0.0.0")] {
            let fields = Fields {
                user: None,
                ip,
                log: Some(SignInLog::ServicePrincipal),
                ..base()
            };
            assert_eq!(
                to_outcome(&fields, NAMES),
                Outcome::ignored(
                    "service principal sign-in without a client address",
                    Some("r1".into())
                )
            );
        }
        let from_internet = Fields {
            user: None,
            log: Some(SignInLog::ServicePrincipal),
            ..base()
        };
        let (event, sign_in) = event(&from_internet);
        assert_eq!(event.user, None);
        assert_eq!(sign_in.log, SignInLog::ServicePrincipal);
    }

    #[test]
    fn malformed_values_are_rejected_with_the_field() {
        assert!(rejection(&Fields { id: None, ..base() }).contains("record id (`id`)"));
        assert!(
            rejection(&Fields {
                time: None,
                ..base()
            })
            .contains("`createdDateTime`")
        );
        assert!(
            rejection(&Fields {
                time: named("createdDateTime", "yesterday"),
                ..base()
            })
            .contains("invalid time `yesterday`")
        );
        assert!(
            rejection(&Fields {
                error_code: named("ResultType", "fifty"),
                ..base()
            })
            .contains("field `ResultType`: `fifty` is not an error code")
        );
        assert!(
            rejection(&Fields {
                error_code: None,
                ..base()
            })
            .contains("without a result")
        );
        assert!(
            rejection(&Fields {
                error_code: named("status.errorCode", "-1"),
                ..base()
            })
            .contains("`-1` is not an error code")
        );
        assert!(
            rejection(&Fields {
                ip: named("IPAddress", "10.0.0.300"),
                ..base()
            })
            .contains("field `IPAddress`: `10.0.0.300` is not an IP address")
        );
        assert!(
            rejection(&Fields {
                latitude: Some(91.0),
                ..base()
            })
            .contains("out of range")
        );
    }

    #[test]
    fn times_in_every_spelling() {
        let millis = |text: &str| parse_time(text).map(Timestamp::millis);
        let expected = Some(1_741_078_689_444);
        assert_eq!(millis("2025-03-04T08:58:09.4449614Z"), expected);
        assert_eq!(millis("2025-03-04T08:58:09.4449614+00:00"), expected);
        assert_eq!(millis("2025-03-04T08:58:09.444"), expected);
        assert_eq!(millis("3/4/2025, 8:58:09.444 AM"), expected);
        assert_eq!(millis("1741078689444"), expected);
        assert_eq!(millis("4/3/2025 8:58"), Some(1_743_670_680_000));
        assert_eq!(millis("99999999999999999999999"), None);
    }

    #[test]
    fn null_island_is_no_place() {
        let fields = Fields {
            latitude: Some(0.0),
            longitude: Some(0.0),
            ..base()
        };
        assert_eq!(event(&fields).1.coordinates, None);
    }
}
