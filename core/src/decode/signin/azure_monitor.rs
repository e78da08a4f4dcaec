//! Azure Monitor diagnostic-settings records of the Entra sign-in logs (`SignInLogs`,
//! `NonInteractiveUserSignInLogs`, `ServicePrincipalSignInLogs`, `ManagedIdentitySignInLogs`),
//! from Event Hub (`{"records":[...]}`, unwrapped by the framer) or storage (`PT1H.json`).
//!
//! The envelope repeats a few sign-in values in its own spelling (`time`, `resultType` as
//! text, `callerIpAddress`, `correlationId`, a 2-letter `location`); the sign-in itself is
//! `properties`, a Graph `signIn`. The `properties` values win, the envelope fills gaps.
//! `identity` is the user's display name, never the account, and is not read. Real pipelines
//! also write `time` in the US locale (`11/14/2025 1:48:53 AM`, seen in Elastic's test data),
//! which the shared time parser reads.
//!
//! The same diagnostic settings export `AuditLogs`, `RiskyUsers` and other categories with a
//! `properties` of their own: those records are ignored by category, even when their
//! `properties` do not fit the sign-in view.

use super::fields::{Names, first_named, log_of, to_outcome};
use super::graph::RawSignIn;
use super::graph_members;
use super::nested::text;
use super::rejection;
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use crate::decode::ual::scan::{Kind, Members};
use crate::decode::ual::values::lenient;
use crate::input::format::JsonShape;
use serde::Deserialize;

/// The envelope fields the mapping reads.
#[derive(Debug, Default)]
struct RawRecord<'a> {
    time: Option<LenientText<'a>>,
    category: Option<LenientText<'a>>,
    /// `operationName` is present (its value is not read).
    operation_name: bool,
    result_type: Option<LenientText<'a>>,
    result_description: Option<LenientText<'a>>,
    caller_ip_address: Option<LenientText<'a>>,
    correlation_id: Option<LenientText<'a>>,
    location: Option<LenientText<'a>>,
    properties: Option<RawSignIn<'a>>,
}

impl<'a> RawRecord<'a> {
    /// Reads the envelope with the member scanner, and `properties` as a Graph sign-in
    /// ([`super::graph_members`]); every other member is skipped unread.
    fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let text =
            crate::decode::utf8::text(bytes).map_err(|at| format!("not UTF-8 at byte {at}"))?;
        let mut raw = RawRecord::default();
        let mut members = Members::new(text).map_err(|error| error.to_string())?;
        while let Some((key, value)) = members.next().map_err(|error| error.to_string())? {
            let name = key.name();
            let slot = match name.as_ref() {
                "time" => &mut raw.time,
                "category" => &mut raw.category,
                "resultType" => &mut raw.result_type,
                "resultDescription" => &mut raw.result_description,
                "callerIpAddress" => &mut raw.caller_ip_address,
                "correlationId" => &mut raw.correlation_id,
                "location" => &mut raw.location,
                "operationName" => {
                    raw.operation_name |= value.kind != Kind::Null;
                    continue;
                }
                "properties" => {
                    if raw.properties.is_some() {
                        return Err("duplicate field `properties`".into());
                    }
                    if value.kind != Kind::Null {
                        raw.properties = Some(
                            graph_members::read_text(value.text)
                                .map_err(|reason| format!("field `properties`: {reason}"))?,
                        );
                    }
                    continue;
                }
                _ => continue,
            };
            if slot.is_some() {
                return Err(format!("duplicate field `{name}`"));
            }
            *slot = lenient(value, &name)?;
        }
        Ok(raw)
    }
}

/// Only the category, to tell a record of another log apart when its `properties` do not fit.
#[derive(Debug, Deserialize)]
struct CategoryOnly<'a> {
    #[serde(borrow)]
    category: Option<LenientText<'a>>,
}

/// Field names a rejection of an Azure Monitor sign-in cites.
const NAMES: Names = Names {
    id: "`properties.id`",
    time: "`properties.createdDateTime` or `time`",
    result: "`properties.status.errorCode` or `resultType`",
};

/// Decodes one Azure Monitor record; `None` when it has no `properties` or none of
/// `operationName`, `category`, `resultType` (it is not one) and the shape was not forced.
pub fn decode_azure_monitor(bytes: &[u8], forced: bool) -> Option<Outcome> {
    let raw = match RawRecord::read(bytes) {
        Ok(raw) => raw,
        Err(error) => {
            return rejection(bytes, JsonShape::AzureMonitorSignin, forced, error)
                .map(|reason| other_log(bytes).unwrap_or(Outcome::Rejected(reason)));
        }
    };
    let envelope = raw.operation_name || raw.category.is_some() || raw.result_type.is_some();
    if !forced && (raw.properties.is_none() || !envelope) {
        return None;
    }
    let properties = raw.properties.unwrap_or_default();
    let mut fields = properties.fields();
    match log_of([text(&raw.category)], fields.id) {
        Ok(log) => fields.log = log.or(fields.log),
        Err(ignore) => return Some(Outcome::Ignored(ignore)),
    }
    fields.time = first_named([
        ("properties.createdDateTime", fields.time.map(|t| t.value)),
        ("time", text(&raw.time)),
    ]);
    fields.ip = first_named([
        ("properties.ipAddress", fields.ip.map(|ip| ip.value)),
        ("callerIpAddress", text(&raw.caller_ip_address)),
    ]);
    fields.error_code = first_named([
        (
            "properties.status.errorCode",
            fields.error_code.map(|c| c.value),
        ),
        ("resultType", text(&raw.result_type)),
    ]);
    fields.failure_reason = fields.failure_reason.or(text(&raw.result_description));
    fields.correlation_id = fields.correlation_id.or(text(&raw.correlation_id));
    fields.countries[1] = text(&raw.location);
    Some(to_outcome(&fields, NAMES))
}

/// The ignore outcome for a record of a log other than a sign-in log, read from its category
/// alone.
fn other_log(bytes: &[u8]) -> Option<Outcome> {
    let raw: CategoryOnly<'_> = serde_json::from_slice(bytes).ok()?;
    log_of([text(&raw.category)], None)
        .err()
        .map(Outcome::Ignored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, EventKind, RiskLevel, RiskState, SignIn, SignInLog};
    use crate::time::Timestamp;

    fn decode(json: &str) -> Outcome {
        decode_azure_monitor(json.as_bytes(), false).expect("an Azure Monitor record")
    }

    fn event(json: &str) -> (Event, SignIn) {
        match decode(json) {
            Outcome::Event(event) => match event.kind.clone() {
                EventKind::SignIn(sign_in) => (event, sign_in),
                other => panic!("{other:?}"),
            },
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// The reference record (telemetry schemas §3.2), abridged.
    const REFERENCE: &str = r#"{"time":"2025-03-04T08:58:09.4449614Z","resourceId":"/tenants/0e8108b1-18e9-41a4-961b-dfcddf92ef08/providers/Microsoft.aadiam",
 "operationName":"Sign-in activity","operationVersion":"1.0","category":"SignInLogs","tenantId":"0e8108b1-18e9-41a4-961b-dfcddf92ef08",
 "resultType":"50076","resultSignature":"None","resultDescription":"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
 "durationMs":0,"callerIpAddress":"203.0.113.77","correlationId":"1f577997-0710-4bd4-848e-5854f748f7dc","identity":"Jane Doe","Level":4,"location":"NL",
 "properties":{"id":"22608a25-1d9b-44b5-b0f2-cb94f06b2d00","createdDateTime":"2025-03-04T08:58:07.9490387+00:00",
  "userDisplayName":"Jane Doe","userPrincipalName":"jdoe@contoso.com","appId":"1b730954-1685-4b74-9bfd-dac224a7b894",
  "appDisplayName":"Azure Active Directory PowerShell","ipAddress":"203.0.113.77",
  "status":{"errorCode":50076,"failureReason":"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.","additionalDetails":"MFA required in Azure AD"},
  "clientAppUsed":"Mobile Apps and Desktop clients","userAgent":"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2428",
  "location":{"city":"Rotterdam","state":"Zuid-Holland","countryOrRegion":"NL","geoCoordinates":{"latitude":51.9225,"longitude":4.4792}},
  "correlationId":"1f577997-0710-4bd4-848e-5854f748f7dc","isInteractive":true,"riskLevelAggregated":"none","riskLevelDuringSignIn":"none","riskState":"none",
  "resourceDisplayName":"Windows Azure Active Directory","authenticationProtocol":"ropc","signInIdentifier":"jdoe@contoso.com","userType":"Member","autonomousSystemNumber":64500}}"#;

    #[test]
    fn the_reference_record_field_by_field() {
        let (event, sign_in) = event(REFERENCE);
        assert_eq!(&*event.record_id, "22608a25-1d9b-44b5-b0f2-cb94f06b2d00");
        // The sign-in's own time, not the envelope's (written 1.5 s later).
        assert_eq!(event.time, Timestamp(1_741_078_687_949));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(sign_in.error_code, 50076);
        assert!(
            sign_in
                .failure_reason
                .as_deref()
                .is_some_and(|reason| reason.starts_with("Due to a configuration change"))
        );
        assert_eq!(
            sign_in.app.as_deref(),
            Some("Azure Active Directory PowerShell")
        );
        assert_eq!(sign_in.protocol.as_deref(), Some("ropc"));
        // ROPC alone is not legacy authentication.
        assert!(!sign_in.legacy_auth);
        assert_eq!(
            sign_in.user_agent.as_deref(),
            Some(
                "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2428"
            )
        );
        assert_eq!(sign_in.country.as_deref(), Some("NL"));
        assert_eq!(sign_in.city.as_deref(), Some("Rotterdam"));
        assert_eq!(sign_in.coordinates, Some((51.9225, 4.4792)));
        assert_eq!(
            (
                sign_in.risk_during,
                sign_in.risk_aggregated,
                sign_in.risk_state
            ),
            (RiskLevel::None, RiskLevel::None, RiskState::None)
        );
        assert_eq!(sign_in.log, SignInLog::Interactive);
        assert_eq!(sign_in.interactive, Some(true));
        assert_eq!(
            sign_in.correlation_id.as_deref(),
            Some("1f577997-0710-4bd4-848e-5854f748f7dc")
        );
    }

    #[test]
    fn the_envelope_fills_gaps() {
        let (event, sign_in) = event(
            r#"{"time":"11/14/2025 1:48:53 AM","category":"NonInteractiveUserSignInLogs","resultType":"50053",
                "resultDescription":"Account is locked","callerIpAddress":"[2001:db8::9]:51234",
                "correlationId":"c","location":"de","identity":"Jane Doe",
                "properties":{"id":"p","userPrincipalName":"jdoe@contoso.com","isInteractive":true}}"#,
        );
        assert_eq!(event.time, Timestamp(1_763_084_933_000));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("2001:db8::9")
        );
        assert_eq!(sign_in.error_code, 50053);
        assert_eq!(sign_in.failure_reason.as_deref(), Some("Account is locked"));
        assert_eq!(sign_in.country.as_deref(), Some("DE"));
        assert_eq!(sign_in.correlation_id.as_deref(), Some("c"));
        // The category names the log, whatever `isInteractive` says.
        assert_eq!(sign_in.log, SignInLog::NonInteractive);
        assert_eq!(sign_in.interactive, Some(true));
    }

    #[test]
    fn other_logs_are_ignored_even_when_their_properties_do_not_fit() {
        assert_eq!(
            decode(
                r#"{"time":"2025-03-04T08:58:09Z","category":"AuditLogs","operationName":"Add member to role","properties":{"id":"x","activityDateTime":"2025-03-04T08:58:09Z"}}"#
            ),
            Outcome::ignored("`AuditLogs` record", Some("x".into()))
        );
        assert_eq!(
            decode(
                r#"{"time":"2025-03-04T08:58:09Z","category":"RiskyUsers","operationName":"x","properties":{"status":[1]}}"#
            ),
            Outcome::ignored("`RiskyUsers` record", None)
        );
    }

    #[test]
    fn service_principal_sign_ins_without_an_address_are_ignored() {
        let outcome = decode(
            r#"{"time":"11/14/2025 1:48:53 AM","category":"ServicePrincipalSignInLogs","resultType":"0","callerIpAddress":"0.0.0.0",
                "properties":{"id":"66666666-6666-6666-6666-666666666666","createdDateTime":"2025-11-14T01:46:16.4282975+00:00",
                "ipAddress":"0.0.0.0","userPrincipalName":"","servicePrincipalId":"99999999-9999-9999-9999-999999999999",
                "status":{"errorCode":0},"location":{"city":"Placeholder City","countryOrRegion":"ZZ","geoCoordinates":{"latitude":-0.000000,"longitude":0.000000}}}}"#,
        );
        assert_eq!(
            outcome,
            Outcome::ignored(
                "service principal sign-in without a client address",
                Some("66666666-6666-6666-6666-666666666666".into())
            )
        );
    }

    #[test]
    fn malformed_records_are_rejected_with_a_reason() {
        let reason = |json: &str| match decode(json) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert!(
            reason(r#"{"category":"SignInLogs","properties":{"id":"a","createdDateTime":"2025-03-04T08:58:07Z","userPrincipalName":"a@b.c"}}"#)
                .contains("`properties.status.errorCode` or `resultType`")
        );
        assert!(
            reason(r#"{"category":"SignInLogs","resultType":"0","properties":{"id":"a","userPrincipalName":"a@b.c"}}"#)
                .contains("`properties.createdDateTime` or `time`")
        );
        assert!(
            reason(r#"{"category":"SignInLogs","resultType":"0","time":"2025-03-04T08:58:07Z","callerIpAddress":"nowhere","properties":{"id":"a"}}"#)
                .contains("field `callerIpAddress`: `nowhere` is not an IP address")
        );
        assert!(
            reason(
                r#"{"category":"SignInLogs","properties":{"id":"a","status":"{\"errorCode\":"}}"#
            )
            .contains("invalid embedded JSON")
        );
        assert_eq!(
            decode_azure_monitor(br#"{"properties":{"id":"a"}}"#, false),
            None
        );
    }
}
