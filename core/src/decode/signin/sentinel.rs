//! Microsoft Sentinel / Log Analytics rows of `SigninLogs`, `AADNonInteractiveUserSignInLogs`,
//! `AADServicePrincipalSignInLogs` and `AADManagedIdentitySignInLogs`, as JSON (PascalCase
//! columns).
//!
//! `ResultType` is text (`"0"`, `"50126"`); `IsInteractive` a boolean or `"TRUE"`; the table
//! is `Type` (or `Category`). In `AADNonInteractiveUserSignInLogs`, `Status`,
//! `LocationDetails`, `DeviceDetail` and `ConditionalAccessPolicies` are JSON *text*, not
//! objects: both are read ([`Embedded`]). `CreatedDateTime` is the sign-in's time;
//! `TimeGenerated` (ingestion) only stands in for it. A row of another table (`AuditLogs`,
//! `OfficeActivity`) is ignored by its `Type`.

use super::fields::{Fields, Names, first, first_named, log_of, to_outcome};
use super::lenient::{Embedded, Flag};
use super::nested::{Location, Status, text};
use super::parse;
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use crate::input::format::JsonShape;
use serde::Deserialize;

/// The columns the mapping reads. Names as Log Analytics spells them.
#[derive(Debug, Deserialize)]
struct RawRow<'a> {
    #[serde(rename = "Id", borrow)]
    id: Option<LenientText<'a>>,
    #[serde(rename = "TimeGenerated", borrow)]
    time_generated: Option<LenientText<'a>>,
    #[serde(rename = "CreatedDateTime", borrow)]
    created_date_time: Option<LenientText<'a>>,
    #[serde(rename = "UserPrincipalName", borrow)]
    user_principal_name: Option<LenientText<'a>>,
    #[serde(rename = "SignInIdentifier", borrow)]
    sign_in_identifier: Option<LenientText<'a>>,
    #[serde(rename = "IPAddress", borrow)]
    ip_address: Option<LenientText<'a>>,
    #[serde(rename = "ResultType", borrow)]
    result_type: Option<LenientText<'a>>,
    #[serde(rename = "ResultDescription", borrow)]
    result_description: Option<LenientText<'a>>,
    #[serde(rename = "Status", borrow, default)]
    status: Embedded<Status<'a>>,
    #[serde(rename = "Location", borrow)]
    location: Option<LenientText<'a>>,
    #[serde(rename = "LocationDetails", borrow, default)]
    location_details: Embedded<Location<'a>>,
    #[serde(rename = "AppDisplayName", borrow)]
    app_display_name: Option<LenientText<'a>>,
    #[serde(rename = "AppId", borrow)]
    app_id: Option<LenientText<'a>>,
    #[serde(rename = "ResourceDisplayName", borrow)]
    resource_display_name: Option<LenientText<'a>>,
    #[serde(rename = "ClientAppUsed", borrow)]
    client_app_used: Option<LenientText<'a>>,
    #[serde(rename = "AuthenticationProtocol", borrow)]
    authentication_protocol: Option<LenientText<'a>>,
    #[serde(rename = "UserAgent", borrow)]
    user_agent: Option<LenientText<'a>>,
    #[serde(rename = "RiskLevelDuringSignIn", borrow)]
    risk_level_during_sign_in: Option<LenientText<'a>>,
    #[serde(rename = "RiskLevelAggregated", borrow)]
    risk_level_aggregated: Option<LenientText<'a>>,
    #[serde(rename = "RiskState", borrow)]
    risk_state: Option<LenientText<'a>>,
    #[serde(rename = "IsInteractive", default)]
    is_interactive: Flag,
    #[serde(rename = "IsRisky", default)]
    is_risky: Flag,
    #[serde(rename = "Type", borrow)]
    table: Option<LenientText<'a>>,
    #[serde(rename = "Category", borrow)]
    category: Option<LenientText<'a>>,
    #[serde(rename = "CorrelationId", borrow)]
    correlation_id: Option<LenientText<'a>>,
    #[serde(rename = "SessionId", borrow)]
    session_id: Option<LenientText<'a>>,
}

/// Only the table, to tell a row of another table apart when its columns do not fit.
#[derive(Debug, Deserialize)]
struct TableOnly<'a> {
    #[serde(rename = "Type", borrow)]
    table: Option<LenientText<'a>>,
    #[serde(rename = "Category", borrow)]
    category: Option<LenientText<'a>>,
}

/// Column names a rejection of a Sentinel row cites.
const NAMES: Names = Names {
    id: "`Id`",
    time: "`CreatedDateTime` or `TimeGenerated`",
    result: "`Status.errorCode` or `ResultType`",
};

/// Decodes one Sentinel row; `None` when it has neither `TimeGenerated` nor both
/// `ResultType` and `UserPrincipalName` (it is not one) and the shape was not forced.
pub fn decode_sentinel(bytes: &[u8], forced: bool) -> Option<Outcome> {
    let raw: RawRow<'_> = match parse(bytes, JsonShape::SentinelSignin, forced) {
        Ok(raw) => raw,
        Err(None) => return None,
        Err(Some(reason)) => return Some(other_table(bytes).unwrap_or(Outcome::Rejected(reason))),
    };
    let recognised = raw.time_generated.is_some()
        || (raw.result_type.is_some() && raw.user_principal_name.is_some());
    if !forced && !recognised {
        return None;
    }
    let mut fields = raw.fields();
    match log_of([text(&raw.table), text(&raw.category)], fields.id) {
        Ok(log) => fields.log = log,
        Err(ignore) => return Some(Outcome::Ignored(ignore)),
    }
    Some(to_outcome(&fields, NAMES))
}

impl RawRow<'_> {
    fn fields(&self) -> Fields<'_> {
        let status = self.status.0.as_ref();
        let location = self.location_details.0.as_ref();
        let coordinates = location.and_then(|l| l.geo_coordinates);
        Fields {
            id: text(&self.id),
            time: first_named([
                ("CreatedDateTime", text(&self.created_date_time)),
                ("TimeGenerated", text(&self.time_generated)),
            ]),
            user: text(&self.user_principal_name),
            sign_in_identifier: text(&self.sign_in_identifier),
            ip: first_named([("IPAddress", text(&self.ip_address))]),
            error_code: first_named([
                ("Status.errorCode", status.and_then(|s| text(&s.error_code))),
                ("ResultType", text(&self.result_type)),
            ]),
            status: None,
            failure_reason: first([
                status.and_then(|s| text(&s.failure_reason)),
                text(&self.result_description),
            ]),
            app: text(&self.app_display_name),
            app_id: text(&self.app_id),
            resource: text(&self.resource_display_name),
            client_app: text(&self.client_app_used),
            protocol: text(&self.authentication_protocol),
            user_agent: text(&self.user_agent),
            risk_during: text(&self.risk_level_during_sign_in),
            risk_aggregated: text(&self.risk_level_aggregated),
            risk_state: text(&self.risk_state),
            is_risky: self.is_risky.0,
            interactive: self.is_interactive.0,
            log: None,
            countries: [
                location.and_then(|l| text(&l.country_or_region)),
                text(&self.location),
            ],
            city: location.and_then(|l| text(&l.city)),
            latitude: coordinates.and_then(|c| c.latitude.0),
            longitude: coordinates.and_then(|c| c.longitude.0),
            correlation_id: text(&self.correlation_id),
            session_id: text(&self.session_id),
        }
    }
}

/// The ignore outcome for a row of a table that is not a sign-in log, read from `Type` alone.
fn other_table(bytes: &[u8]) -> Option<Outcome> {
    let raw: TableOnly<'_> = serde_json::from_slice(bytes).ok()?;
    log_of([text(&raw.table), text(&raw.category)], None)
        .err()
        .map(Outcome::Ignored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, EventKind, RiskLevel, RiskState, SignIn, SignInLog};
    use crate::time::Timestamp;

    fn decode(json: &str) -> Outcome {
        decode_sentinel(json.as_bytes(), false).expect("a Sentinel row")
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

    #[test]
    fn an_interactive_row_field_by_field() {
        let (event, sign_in) = event(
            r#"{"TimeGenerated":"2025-03-04T08:58:09.444Z","CreatedDateTime":"2025-03-04T08:58:07.949Z","UserPrincipalName":"JDoe@contoso.com",
 "UserDisplayName":"Jane Doe","Id":"s1","IPAddress":"203.0.113.77:52100","AppDisplayName":"Office 365 Exchange Online",
 "AppId":"00000002-0000-0ff1-ce00-000000000000","ClientAppUsed":"IMAP4","IsInteractive":true,"IsRisky":false,"ResultType":"50126",
 "ResultDescription":"Invalid username or password or Invalid on-premise username or password.","ResultSignature":"None",
 "Status":{"errorCode":50126,"failureReason":"Invalid username or password or Invalid on-premise username or password."},
 "Location":"NL","LocationDetails":{"city":"Rotterdam","state":"Zuid-Holland","countryOrRegion":"NL","geoCoordinates":{"latitude":51.9225,"longitude":4.4792}},
 "RiskLevelDuringSignIn":"hidden","RiskLevelAggregated":"medium","RiskState":"remediated","RiskDetail":"none","ConditionalAccessStatus":"notApplied",
 "AuthenticationRequirement":"singleFactorAuthentication","AuthenticationProtocol":"none","UserAgent":"curl/8.5.0",
 "AutonomousSystemNumber":"64500","Category":"SignInLogs","OperationName":"Sign-in activity","Type":"SigninLogs","SessionId":"sess-1","CorrelationId":"corr-1"}"#,
        );
        assert_eq!(&*event.record_id, "s1");
        assert_eq!(event.time, Timestamp(1_741_078_687_949));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(sign_in.error_code, 50126);
        assert!(sign_in.legacy_auth);
        assert_eq!(sign_in.client_app.as_deref(), Some("IMAP4"));
        assert_eq!(sign_in.protocol.as_deref(), Some("none"));
        assert_eq!(sign_in.risk_during, RiskLevel::Hidden);
        assert_eq!(sign_in.risk_aggregated, RiskLevel::Medium);
        assert_eq!(sign_in.risk_state, RiskState::Remediated);
        assert_eq!(sign_in.country.as_deref(), Some("NL"));
        assert_eq!(sign_in.coordinates, Some((51.9225, 4.4792)));
        assert_eq!(sign_in.log, SignInLog::Interactive);
        assert_eq!(sign_in.session_id.as_deref(), Some("sess-1"));
        assert_eq!(sign_in.correlation_id.as_deref(), Some("corr-1"));
        assert_eq!(sign_in.is_risky, Some(false));
    }

    #[test]
    fn non_interactive_rows_hold_nested_columns_as_json_text() {
        let (event, sign_in) = event(
            r#"{"TimeGenerated":"2025-03-04T09:00:00Z","CreatedDateTime":"2025-03-04T08:59:58.1234567","Id":"n1",
 "UserPrincipalName":"jdoe@contoso.com","IPAddress":"::ffff:198.51.100.4","ResultType":"0","IsInteractive":"FALSE",
 "Status":"{\"errorCode\":0,\"failureReason\":\"Other.\"}",
 "LocationDetails":"{\"city\":\"Frankfurt am Main\",\"state\":\"Hessen\",\"countryOrRegion\":\"Germany\",\"geoCoordinates\":{\"latitude\":50.1109,\"longitude\":8.6821}}",
 "DeviceDetail":"{\"deviceId\":\"\",\"operatingSystem\":\"Windows10\"}","ConditionalAccessPolicies":"[]",
 "RiskLevelDuringSignIn":"none","Type":"AADNonInteractiveUserSignInLogs"}"#,
        );
        assert_eq!(event.time, Timestamp(1_741_078_798_123));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("198.51.100.4")
        );
        assert!(sign_in.succeeded());
        assert_eq!(sign_in.failure_reason, None);
        assert_eq!(sign_in.country.as_deref(), Some("DE"));
        assert_eq!(sign_in.city.as_deref(), Some("Frankfurt am Main"));
        assert_eq!(sign_in.coordinates, Some((50.1109, 8.6821)));
        assert_eq!(sign_in.interactive, Some(false));
        assert_eq!(sign_in.log, SignInLog::NonInteractive);
        assert_eq!(sign_in.is_risky, None, "no `IsRisky` column");
        let (_, risky) = self::event(
            r#"{"CreatedDateTime":"2025-03-04T09:00:00Z","Id":"r1","UserPrincipalName":"a@b.com",
                "ResultType":"0","IsRisky":"TRUE","Type":"SigninLogs"}"#,
        );
        assert_eq!(risky.is_risky, Some(true));
    }

    #[test]
    fn the_result_type_stands_in_for_a_missing_status() {
        let (_, sign_in) = event(
            r#"{"TimeGenerated":"2025-03-04T09:00:00Z","Id":"x","UserPrincipalName":"a@b.com","ResultType":"50053",
                "ResultDescription":"Account is locked because user tried to sign in too many times with an incorrect user ID or password.","Location":"US"}"#,
        );
        assert_eq!(sign_in.error_code, 50053);
        assert!(
            sign_in
                .failure_reason
                .is_some_and(|r| r.starts_with("Account is locked"))
        );
        assert_eq!(sign_in.country.as_deref(), Some("US"));
    }

    #[test]
    fn rows_of_other_tables_are_ignored() {
        assert_eq!(
            decode(
                r#"{"TimeGenerated":"2025-03-04T09:00:00Z","Type":"OfficeActivity","Operation":"Send","Id":"o"}"#
            ),
            Outcome::ignored("`OfficeActivity` record", Some("o".into()))
        );
        assert_eq!(
            decode(r#"{"TimeGenerated":"2025-03-04T09:00:00Z","Type":"AuditLogs","Status":[1]}"#),
            Outcome::ignored("`AuditLogs` record", None)
        );
        assert_eq!(decode_sentinel(br#"{"createdDateTime":"x"}"#, false), None);
    }

    #[test]
    fn malformed_rows_are_rejected() {
        let reason = |json: &str| match decode(json) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert!(
            reason(r#"{"TimeGenerated":"2025-03-04T09:00:00Z","Id":"x","UserPrincipalName":"a@b.com","ResultType":"Success"}"#)
                .contains("field `ResultType`: `Success` is not an error code")
        );
        assert!(
            reason(r#"{"TimeGenerated":"2025-03-04T09:00:00Z","Id":"x","UserPrincipalName":"a@b.com","ResultType":"0","LocationDetails":"{\"city\":"}"#)
                .contains("invalid embedded JSON")
        );
        assert!(
            reason(r#"{"TimeGenerated":"2025-03-04T09:00:00Z","UserPrincipalName":"a@b.com","ResultType":"0"}"#)
                .contains("record id (`Id`)")
        );
    }
}
