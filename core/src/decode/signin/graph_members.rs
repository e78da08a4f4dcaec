//! Reads a Graph `signIn` object with the member scanner of the audit-log decoder
//! ([`crate::decode::ual::scan`]) instead of serde's typed map visit.
//!
//! Why: a Graph sign-in is mostly members no detection reads (`deviceDetail`,
//! `appliedConditionalAccessPolicies`, `authenticationDetails`, ...). Through serde, each key
//! and each kept string is parsed and UTF-8-checked on its own and every other member goes
//! through `IgnoredAny`, which put the decoder at under a fifth of the speed of merely skipping
//! the bytes. Here the record is checked to be UTF-8 once, keys are compared as found, kept
//! strings are borrowed, and skipped members are passed over by the scanner. `status` and
//! `location` are read by the scanner too, in place, so that they are scanned once
//! ([`super::nested_members`]); anything unusual in them (and their JSON-text form) is left to
//! serde. The other small nested members
//! (`signInEventTypes`, the flags) are read by their serde types, from their own text, so that
//! both readings of a member agree.
//!
//! The view is [`RawSignIn`], which serde can also fill; a member given twice is an error, as
//! it is for serde. Azure Monitor records ([`super::azure_monitor`]) read their `properties`
//! with it too.

use super::graph::RawSignIn;
use super::lenient::{Embedded, Flag, FromJsonText};
use super::nested_members;
use crate::decode::ual::scan::{Kind, Members, RawJson};
use crate::decode::ual::values::lenient;
use serde::Deserialize;

/// Reads a Graph sign-in from JSON bytes.
pub fn read(bytes: &[u8]) -> Result<RawSignIn<'_>, String> {
    let text = crate::decode::utf8::text(bytes).map_err(|at| format!("not UTF-8 at byte {at}"))?;
    read_text(text)
}

/// Reads a Graph sign-in from JSON text (an Azure Monitor record's `properties`).
pub fn read_text(text: &str) -> Result<RawSignIn<'_>, String> {
    let mut raw = RawSignIn::default();
    let mut members = Members::new(text).map_err(|error| error.to_string())?;
    while let Some(key) = members.next_key().map_err(|error| error.to_string())? {
        let name = key.name();
        let r = &mut raw;
        match name.as_ref() {
            "status" => {
                let status = nested(&mut members, nested_members::status, &name)?;
                set(&mut r.status.0, status, &name)?;
                continue;
            }
            "location" => {
                let location = nested(&mut members, nested_members::location, &name)?;
                set(&mut r.location.0, location, &name)?;
                continue;
            }
            _ => {}
        }
        let value = members.next_value().map_err(|error| error.to_string())?;
        let text_slot = match name.as_ref() {
            "id" => &mut r.id,
            "createdDateTime" => &mut r.created_date_time,
            "userPrincipalName" => &mut r.user_principal_name,
            "signInIdentifier" => &mut r.sign_in_identifier,
            "ipAddress" => &mut r.ip_address,
            "appDisplayName" => &mut r.app_display_name,
            "appId" => &mut r.app_id,
            "resourceDisplayName" => &mut r.resource_display_name,
            "clientAppUsed" => &mut r.client_app_used,
            "authenticationProtocol" => &mut r.authentication_protocol,
            "userAgent" => &mut r.user_agent,
            "riskLevelDuringSignIn" => &mut r.risk_level_during_sign_in,
            "riskLevelAggregated" => &mut r.risk_level_aggregated,
            "riskState" => &mut r.risk_state,
            "correlationId" => &mut r.correlation_id,
            "sessionId" => &mut r.session_id,
            "isInteractive" => {
                set(&mut r.is_interactive.0, flag(value, &name)?, &name)?;
                continue;
            }
            "isRisky" => {
                set(&mut r.is_risky.0, flag(value, &name)?, &name)?;
                continue;
            }
            "signInEventTypes" => {
                set(&mut r.sign_in_event_types, typed(value, &name)?, &name)?;
                continue;
            }
            _ => continue,
        };
        set(text_slot, lenient(value, &*name)?, &name)?;
    }
    Ok(raw)
}

/// Stores a member's value; a member given twice is an error. In line, so that the value goes
/// straight into its slot instead of through a copy.
#[inline(always)]
fn set<T>(slot: &mut Option<T>, value: Option<T>, name: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(duplicate(name));
    }
    *slot = value;
    Ok(())
}

#[cold]
fn duplicate(name: &str) -> String {
    format!("duplicate field `{name}`")
}

/// `status` or `location`, at the cursor: read in place when it is an object the scanner reads
/// as serde does ([`nested_members`]), so that it is scanned once; otherwise (Sentinel's JSON
/// text, null, anything unusual) by its serde type, which also words any error.
fn nested<'a, T: Deserialize<'a> + FromJsonText>(
    members: &mut Members<'a>,
    read: fn(&mut Members<'a>) -> Option<T>,
    name: &str,
) -> Result<Option<T>, String> {
    if let Some((_, found)) = members.read_object_in_place(read) {
        return Ok(Some(found));
    }
    let value = members.next_value().map_err(|error| error.to_string())?;
    Ok(typed::<Embedded<T>>(value, name)?.0)
}

/// A flag: a JSON boolean as it is, anything else (`"True"`, `1`, null, a wrong type) as its
/// serde type reads it.
fn flag(value: RawJson<'_>, name: &str) -> Result<Option<bool>, String> {
    match value.kind {
        Kind::Bool(flag) => Ok(Some(flag)),
        _ => Ok(typed::<Flag>(value, name)?.0),
    }
}

/// A nested member read by its serde type from its own text (`null` as serde reads it).
fn typed<'a, T: Deserialize<'a>>(value: RawJson<'a>, name: &str) -> Result<T, String> {
    let text = if value.kind == Kind::Null {
        "null"
    } else {
        value.text
    };
    serde_json::from_str(text).map_err(|error| format!("field `{name}`: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member the view keeps, in the messy spellings exports use.
    const MESSY: &str = r#"{"id":"66ea54eb-6301-4ee5-be62-ff5a759b0100","createdDateTime":"2025-03-04T08:58:07Z",
        "userPrincipalName":"JDoe@Contoso.com","signInIdentifier":"jdoe","ipAddress":"[2001:db8::1]:443",
        "appDisplayName":"Office 365 Exchange Online","appId":"00000002-0000-0ff1-ce00-000000000000",
        "resourceDisplayName":"Office 365 Exchange Online","clientAppUsed":"IMAP4","authenticationProtocol":"none",
        "userAgent":"Mozilla\/5.0","riskLevelDuringSignIn":"high","riskLevelAggregated":"medium",
        "riskState":"atRisk","isInteractive":"True","isRisky":1,
        "status":"{\"errorCode\":50126,\"failureReason\":\"Invalid username or password.\"}",
        "location":{"city":"Lagos","countryOrRegion":"NG","geoCoordinates":{"latitude":6.45,"longitude":3.39}},
        "correlationId":7,"sessionId":null,"signInEventTypes":["interactiveUser"],
        "deviceDetail":{"browser":"Chrome 120","nested":[{"a":"]}"}]},"appliedConditionalAccessPolicies":[]}"#;

    #[test]
    fn agrees_with_the_serde_reading() {
        let scanned = read(MESSY.as_bytes()).expect("valid");
        let typed: RawSignIn<'_> = serde_json::from_str(MESSY).expect("valid");
        assert_eq!(
            format!("{:?}", scanned.fields()),
            format!("{:?}", typed.fields())
        );
        assert_eq!(
            scanned
                .user_agent
                .map(|text| text.0.into_owned())
                .as_deref(),
            Some("Mozilla/5.0")
        );
    }

    #[test]
    fn wrong_and_repeated_members_are_errors() {
        for (json, reason) in [
            (r#"{"id":"a","id":"b"}"#, "duplicate field `id`"),
            (
                r#"{"ipAddress":{}}"#,
                "field `ipAddress`: invalid type: an object, expected a string, number or boolean",
            ),
            (r#"{"status":[1]}"#, "field `status`: "),
            (
                r#"{"location":{"city":"a","city":"b"},"id":"x"}"#,
                "field `location`: duplicate field `city`",
            ),
            (r#"{"status":{"errorCode":0,}}"#, "field `status`: "),
            (r#"{"location":{"city":"a"}"#, "expected `,` or `}` at byte"),
            (r#"{"id":"a",}"#, "expected a key at byte 10"),
            (r#"{"id":"a"} x"#, "trailing characters at byte 11"),
        ] {
            let error = read(json.as_bytes()).map(|_| ()).expect_err(json);
            assert!(error.starts_with(reason), "{json}: {error}");
        }
        assert!(read(b"{\"id\":\"\xff\"}").is_err());
    }
}
