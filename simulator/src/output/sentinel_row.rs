//! A sign-in as a Log Analytics / Microsoft Sentinel row (`SigninLogs` or
//! `AADNonInteractiveUserSignInLogs`): PascalCase columns, nested values (`Status`,
//! `LocationDetails`, `DeviceDetail`, ...) as objects, shared by the JSON and CSV exports.

use super::signin_fields::{created, is_risky, logged, table};
use crate::record::SignIn;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// A time of a row (`TimeGenerated`, `CreatedDateTime`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowTime(pub DateTime<Utc>);

/// One column's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, a number or a flag.
    Scalar(Value),
    /// A time.
    Time(RowTime),
    /// A nested value (dynamic column).
    Nested(Value),
}

/// The nested columns the non-interactive table holds as JSON text even in JSON exports.
pub const NESTED: &[&str] = &[
    "DeviceDetail",
    "LocationDetails",
    "MfaDetail",
    "Status",
    "ConditionalAccessPolicies",
    "AuthenticationDetails",
    "RiskEventTypes_V2",
];

/// The row's columns, in the table's order.
pub fn row(sign_in: &SignIn, tenant_id: &str) -> Vec<(&'static str, Cell)> {
    let scalar = |value: Value| Cell::Scalar(value);
    let failed = sign_in.status.error_code != 0;
    let device = &sign_in.device_detail;
    vec![
        ("TenantId", scalar(json!(tenant_id))),
        ("SourceSystem", scalar(json!("Azure AD"))),
        ("TimeGenerated", Cell::Time(RowTime(logged(sign_in)))),
        ("OperationName", scalar(json!("Sign-in activity"))),
        ("OperationVersion", scalar(json!("1.0"))),
        (
            "Category",
            scalar(json!(super::signin_fields::category(sign_in))),
        ),
        (
            "ResultType",
            scalar(json!(sign_in.status.error_code.to_string())),
        ),
        ("ResultSignature", scalar(json!("None"))),
        (
            "ResultDescription",
            scalar(json!(if failed {
                sign_in.status.failure_reason.as_str()
            } else {
                ""
            })),
        ),
        ("DurationMs", scalar(json!("0"))),
        ("CorrelationId", scalar(json!(sign_in.correlation_id))),
        ("Identity", scalar(json!(sign_in.user_display_name))),
        ("Level", scalar(json!("4"))),
        (
            "Location",
            scalar(json!(sign_in.location.country_or_region)),
        ),
        ("AppDisplayName", scalar(json!(sign_in.app_display_name))),
        ("AppId", scalar(json!(sign_in.app_id))),
        ("AuthenticationDetails", Cell::Nested(json!([]))),
        (
            "AuthenticationRequirement",
            scalar(json!(sign_in.authentication_requirement)),
        ),
        ("ClientAppUsed", scalar(json!(sign_in.client_app_used))),
        ("ConditionalAccessPolicies", Cell::Nested(json!([]))),
        (
            "ConditionalAccessStatus",
            scalar(json!(sign_in.conditional_access_status)),
        ),
        ("CreatedDateTime", Cell::Time(RowTime(created(sign_in)))),
        (
            "DeviceDetail",
            Cell::Nested(json!({
                "deviceId": device.device_id,
                "displayName": device.display_name,
                "operatingSystem": device.operating_system,
                "browser": device.browser,
                "isCompliant": device.is_compliant,
                "isManaged": device.is_managed,
                "trustType": device.trust_type,
            })),
        ),
        ("IsInteractive", scalar(json!(sign_in.is_interactive))),
        ("Id", scalar(json!(sign_in.id))),
        ("IPAddress", scalar(json!(sign_in.ip_address))),
        ("IsRisky", scalar(json!(is_risky(sign_in)))),
        (
            "LocationDetails",
            Cell::Nested(serde_json::to_value(&sign_in.location).unwrap_or_default()),
        ),
        ("MfaDetail", Cell::Nested(json!({}))),
        ("OriginalRequestId", scalar(json!(sign_in.id))),
        ("RiskDetail", scalar(json!(sign_in.risk_detail))),
        (
            "RiskEventTypes_V2",
            Cell::Nested(json!(sign_in.risk_event_types_v2)),
        ),
        (
            "RiskLevelAggregated",
            scalar(json!(sign_in.risk_level_aggregated)),
        ),
        (
            "RiskLevelDuringSignIn",
            scalar(json!(sign_in.risk_level_during_sign_in)),
        ),
        ("RiskState", scalar(json!(sign_in.risk_state))),
        (
            "ResourceDisplayName",
            scalar(json!(sign_in.resource_display_name)),
        ),
        ("ResourceIdentity", scalar(json!(sign_in.resource_id))),
        (
            "Status",
            Cell::Nested(json!({
                "errorCode": sign_in.status.error_code,
                "failureReason": sign_in.status.failure_reason,
            })),
        ),
        ("TokenIssuerType", scalar(json!("AzureAD"))),
        ("UserAgent", scalar(json!(sign_in.user_agent))),
        ("UserDisplayName", scalar(json!(sign_in.user_display_name))),
        ("UserId", scalar(json!(sign_in.user_id))),
        (
            "UserPrincipalName",
            scalar(json!(sign_in.user_principal_name)),
        ),
        ("AADTenantId", scalar(json!(tenant_id))),
        ("UserType", scalar(json!("Member"))),
        (
            "SignInIdentifier",
            scalar(json!(sign_in.user_principal_name.to_lowercase())),
        ),
        ("AuthenticationProtocol", scalar(json!("none"))),
        ("SessionId", scalar(json!(sign_in.session_id))),
        ("Type", scalar(json!(table(sign_in)))),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::*;
    use crate::record::Body;

    #[test]
    fn columns_of_a_row() {
        let record = sign_in_record(false);
        let Body::SignIn(sign_in) = &record.body else {
            unreachable!("a sign-in")
        };
        let columns = row(sign_in, "t");
        let get = |name: &str| {
            columns
                .iter()
                .find(|(column, _)| *column == name)
                .map(|(_, cell)| cell.clone())
        };
        assert_eq!(
            get("Type"),
            Some(Cell::Scalar(json!("AADNonInteractiveUserSignInLogs")))
        );
        assert_eq!(get("ResultType"), Some(Cell::Scalar(json!("50126"))));
        assert!(
            matches!(get("Status"), Some(Cell::Nested(status)) if status["errorCode"] == 50126)
        );
        for nested in NESTED {
            assert!(matches!(get(nested), Some(Cell::Nested(_))), "{nested}");
        }
    }
}
