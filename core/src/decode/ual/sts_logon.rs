//! Entra sign-ins recorded in the audit log (RecordType 15, `AzureActiveDirectoryStsLogon`):
//! `UserLoggedIn` and `UserLoginFailed`.
//!
//! The schema documents `ErrorCode`; real records carry `ErrorNumber` (as text: `"50126"`).
//! Either is read, as number or text. The operation is authoritative about the outcome: a
//! `UserLoggedIn` without a code is a success (0), and a `UserLoginFailed` never counts as one:
//! without a usable code, its `LogonError` name gives the code when it is one of the AADSTS
//! errors named below, else [`UNKNOWN_FAILURE`]. The user agent is the `UserAgent` extended
//! property (Elastic moves it to `user_agent.original`), the session the `SessionId` device
//! property or `AppAccessContext.AADSessionId`.

use super::envelope::Envelope;
use super::members::aad_session_id;
use super::name_values::NameValues;
use super::record::AuditRecord;
use super::text::{non_blank, owned, shared_copy};
use crate::decode::lenient::LenientText;
use crate::event::{SignIn, SignInLog};

/// The error code of a failed sign-in whose record names no known error.
pub const UNKNOWN_FAILURE: u32 = u32::MAX;

/// AADSTS codes by the `LogonError` name the audit log writes for them.
const CODES_BY_LOGON_ERROR: &[(&str, u32)] = &[
    ("UserAccountNotFound", 50034),
    ("IdsLocked", 50053),
    ("InvalidPasswordExpiredPassword", 50055),
    ("UserDisabled", 50057),
    ("UserStrongAuthClientAuthNRequiredInterrupt", 50074),
    ("UserStrongAuthClientAuthNRequired", 50076),
    ("InvalidUserNameOrPassword", 50126),
    ("KmsiInterrupt", 50140),
    ("BlockedByConditionalAccess", 53003),
];

/// `UserLoggedIn` (`failed` false) or `UserLoginFailed` (`failed` true).
pub fn sign_in(
    failed: bool,
    record: &AuditRecord<'_>,
    envelope: &Envelope<'_>,
) -> Result<SignIn, String> {
    let extended = record.extended_property_list()?;
    let user_agent = extended.get("UserAgent");
    let [device_session] =
        NameValues::pick(record.device_properties, "DeviceProperties", ["SessionId"])?;
    let aad_session = aad_session_id(record.app_access_context, "AppAccessContext")?;
    let failure_reason = shared_copy(record.logon_error()?.as_deref());
    let code = match code(record.error_number()?.as_ref(), "ErrorNumber")? {
        Some(code) => Some(code),
        None => code(record.error_code()?.as_ref(), "ErrorCode")?,
    };
    let error_code = match (failed, code) {
        (false, code) => code.unwrap_or(0),
        (true, Some(code)) if code != 0 => code,
        (true, _) => failure_reason
            .as_deref()
            .and_then(code_for_logon_error)
            .unwrap_or(UNKNOWN_FAILURE),
    };
    Ok(SignIn {
        error_code,
        failure_reason,
        app_id: shared_copy(record.application_id()?.as_deref()),
        user_agent: shared_copy(user_agent).or_else(|| shared_copy(envelope.user_agent)),
        log: SignInLog::AuditLog,
        session_id: owned(record.session_id()?.as_deref())
            .or_else(|| owned(device_session.as_deref()))
            .or_else(|| owned(aad_session.as_deref())),
        ..SignIn::default()
    })
}

/// An AADSTS code written as a number or as text; `None` when absent or blank.
fn code(value: Option<&LenientText<'_>>, name: &str) -> Result<Option<u32>, String> {
    let Some(text) = value.and_then(|value| non_blank(&value.0)) else {
        return Ok(None);
    };
    text.parse()
        .map(Some)
        .map_err(|_| format!("field `{name}`: not an error code `{text}`"))
}

fn code_for_logon_error(name: &str) -> Option<u32> {
    CODES_BY_LOGON_ERROR
        .iter()
        .find(|(known, _)| name.trim().eq_ignore_ascii_case(known))
        .map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::record::parse_record;

    fn sign_in_of(failed: bool, json: &str) -> Result<SignIn, String> {
        sign_in(
            failed,
            &parse_record(json).expect("valid"),
            &Envelope::default(),
        )
    }

    #[test]
    fn failed_logon_with_a_text_error_number() {
        let sign_in = sign_in_of(
            true,
            r#"{"ApplicationId":"9ba1a5c7-f17a-4de9-a1f1-6178c8d51223","ErrorNumber":"50126",
                "LogonError":"InvalidUserNameOrPassword",
                "ExtendedProperties":[{"Name":"ResultStatusDetail","Value":"UserError"},
                  {"Name":"UserAgent","Value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},
                  {"Name":"RequestType","Value":"OAuth2:Token"}],
                "DeviceProperties":[{"Name":"OS","Value":"Windows10"},{"Name":"SessionId","Value":"d-s1"}]}"#,
        )
        .expect("decodes");
        assert_eq!(
            sign_in,
            SignIn {
                error_code: 50126,
                failure_reason: Some("InvalidUserNameOrPassword".into()),
                app_id: Some("9ba1a5c7-f17a-4de9-a1f1-6178c8d51223".into()),
                user_agent: Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64)".into()),
                log: SignInLog::AuditLog,
                session_id: Some("d-s1".into()),
                ..SignIn::default()
            }
        );
        assert!(!sign_in.succeeded());
    }

    #[test]
    fn codes_as_numbers_and_by_name() {
        let code = |failed, json| sign_in_of(failed, json).map(|s| s.error_code);
        assert_eq!(code(false, "{}"), Ok(0));
        assert_eq!(code(false, r#"{"ErrorNumber":"0"}"#), Ok(0));
        assert_eq!(code(true, r#"{"ErrorCode":50053}"#), Ok(50053));
        assert_eq!(
            code(true, r#"{"ErrorNumber":" ","LogonError":"IdsLocked"}"#),
            Ok(50053)
        );
        assert_eq!(
            code(
                true,
                r#"{"ErrorNumber":"0","LogonError":"UserAccountNotFound"}"#
            ),
            Ok(50034)
        );
        assert_eq!(
            code(true, r#"{"LogonError":"SomethingNew"}"#),
            Ok(UNKNOWN_FAILURE)
        );
        assert_eq!(
            code(true, r#"{"ErrorNumber":"AADSTS50126"}"#),
            Err("field `ErrorNumber`: not an error code `AADSTS50126`".into())
        );
    }

    #[test]
    fn user_agent_and_session_from_elsewhere() {
        let envelope = Envelope {
            user_agent: Some("curl/8.5.0"),
            ..Envelope::default()
        };
        let record = parse_record(
            r#"{"ExtendedProperties":{"RequestType":"OAuth2:Token"},"AppAccessContext":{"AADSessionId":"aad-1"}}"#,
        )
        .expect("valid");
        let sign_in = sign_in(false, &record, &envelope).expect("decodes");
        assert_eq!(sign_in.user_agent.as_deref(), Some("curl/8.5.0"));
        assert_eq!(sign_in.session_id.as_deref(), Some("aad-1"));
    }
}
