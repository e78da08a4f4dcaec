//! The audit record as the mapping reads it: a borrowed, lenient view shared by every export
//! form.
//!
//! Most records in an export are operations no detection reads (SharePoint file access, Teams,
//! directory changes), so the view is built for the record that ends up ignored. The scalars
//! needed to decide (`Id`, `CreationTime`, `Operation`) and the few every event carries (user,
//! addresses, client, session) are borrowed straight from the input. Members only some
//! operations read (`Parameters`, `OperationProperties`, `Item`, `AffectedItems`, ...) are kept
//! as raw JSON slices ([`RawValue`]) and parsed by [`member`] only when the operation needs
//! them. An ignored record costs one pass over its bytes and no allocation beyond the few
//! strings that contain escapes.
//!
//! The view is lenient where exports disagree (`Id` or `ErrorNumber` written as a number or as
//! text) and strict where a wrong type means a broken record: an `Operation` that is an array,
//! or an `Item` that is a string when a send is decoded, is a rejection with the field named.

use crate::decode::lenient::LenientText;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// A JSON string, borrowed from the input unless it contains escapes; any other JSON type is
/// an error. (serde copies a `Cow<str>` that sits inside an `Option`; this type does not.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringVisitor;

        impl<'de> Visitor<'de> for StringVisitor {
            type Value = Cow<'de, str>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }

        deserializer.deserialize_str(StringVisitor).map(Text)
    }
}

/// The fields of an audit record that the mapping reads, named as the Management Activity API
/// names them. Every export keeps these names inside its `AuditData` / `auditData` /
/// `o365.audit` member.
///
/// `RecordType` is deliberately not read: the operation name decides everything, and the
/// exports disagree on its type (`1` from the API, `"1"` from Elastic, `"ExchangeAdmin"` from
/// Search-UnifiedAuditLog), so any spelling passes.
#[derive(Debug, Default, Deserialize)]
pub struct AuditRecord<'a> {
    /// `Id`: the record's GUID.
    #[serde(rename = "Id", borrow)]
    pub id: Option<LenientText<'a>>,
    /// `CreationTime`: UTC, normally without zone designator.
    #[serde(rename = "CreationTime", borrow)]
    pub creation_time: Option<Text<'a>>,
    /// `Operation`: the cmdlet or mailbox operation.
    #[serde(rename = "Operation", borrow)]
    pub operation: Option<Text<'a>>,
    /// `UserId`: the actor's UPN (or a service account).
    #[serde(rename = "UserId", borrow)]
    pub user_id: Option<Text<'a>>,
    /// `MailboxOwnerUPN`: the mailbox of a mailbox-audit record.
    #[serde(rename = "MailboxOwnerUPN", borrow)]
    pub mailbox_owner_upn: Option<Text<'a>>,
    /// `ClientIP`.
    #[serde(rename = "ClientIP", borrow)]
    pub client_ip: Option<Text<'a>>,
    /// `ClientIPAddress` (mailbox-audit records).
    #[serde(rename = "ClientIPAddress", borrow)]
    pub client_ip_address: Option<Text<'a>>,
    /// `ActorIpAddress` (Entra-derived records).
    #[serde(rename = "ActorIpAddress", borrow)]
    pub actor_ip_address: Option<Text<'a>>,
    /// `ClientInfoString`: the mail client (`Client=OWA;Action=ViaProxy`).
    #[serde(rename = "ClientInfoString", borrow)]
    pub client_info_string: Option<Text<'a>>,
    /// `SessionId`.
    #[serde(rename = "SessionId", borrow)]
    pub session_id: Option<Text<'a>>,
    /// `ObjectId`: for rule cmdlets, ends with the rule name.
    #[serde(rename = "ObjectId", borrow)]
    pub object_id: Option<Text<'a>>,
    /// `SendAsUserSmtp`.
    #[serde(rename = "SendAsUserSmtp", borrow)]
    pub send_as_user_smtp: Option<Text<'a>>,
    /// `SendOnBehalfOfUserSmtp`.
    #[serde(rename = "SendOnBehalfOfUserSmtp", borrow)]
    pub send_on_behalf_of_user_smtp: Option<Text<'a>>,
    /// `ApplicationId` (STS logons).
    #[serde(rename = "ApplicationId", borrow)]
    pub application_id: Option<Text<'a>>,
    /// `LogonError` (STS logons): the failure's name, e.g. `InvalidUserNameOrPassword`.
    #[serde(rename = "LogonError", borrow)]
    pub logon_error: Option<Text<'a>>,
    /// `ErrorNumber`: the AADSTS code real STS logon records carry (text or number).
    #[serde(rename = "ErrorNumber", borrow)]
    pub error_number: Option<LenientText<'a>>,
    /// `ErrorCode`: the documented name of the same code.
    #[serde(rename = "ErrorCode", borrow)]
    pub error_code: Option<LenientText<'a>>,
    /// `OperationCount` (aggregated records).
    #[serde(rename = "OperationCount", borrow)]
    pub operation_count: Option<LenientText<'a>>,
    /// `recipientCount` (newer send records).
    #[serde(rename = "recipientCount", alias = "RecipientCount", borrow)]
    pub recipient_count: Option<LenientText<'a>>,
    /// `Parameters`: cmdlet parameters ([`super::name_values::NameValues`]).
    #[serde(rename = "Parameters", borrow)]
    pub parameters: Option<&'a RawValue>,
    /// `OperationProperties`: mailbox-operation properties ([`super::name_values::NameValues`]).
    #[serde(rename = "OperationProperties", borrow)]
    pub operation_properties: Option<&'a RawValue>,
    /// `ExtendedProperties` (STS logons; [`super::name_values::NameValues`]).
    #[serde(rename = "ExtendedProperties", borrow)]
    pub extended_properties: Option<&'a RawValue>,
    /// `DeviceProperties` (STS logons; [`super::name_values::NameValues`]).
    #[serde(rename = "DeviceProperties", borrow)]
    pub device_properties: Option<&'a RawValue>,
    /// `AppAccessContext` ([`AppAccessContext`]).
    #[serde(rename = "AppAccessContext", borrow)]
    pub app_access_context: Option<&'a RawValue>,
    /// `Item`: the item of a single-item mailbox record ([`MailItem`]).
    #[serde(rename = "Item", borrow)]
    pub item: Option<&'a RawValue>,
    /// `Folder` of a group mailbox record ([`Folder`]).
    #[serde(rename = "Folder", borrow)]
    pub folder: Option<&'a RawValue>,
    /// `ParentFolder`, when a record carries it at the top ([`Folder`]).
    #[serde(rename = "ParentFolder", borrow)]
    pub parent_folder: Option<&'a RawValue>,
    /// `AffectedItems` of a group mailbox record (array of [`MailItem`]).
    #[serde(rename = "AffectedItems", borrow)]
    pub affected_items: Option<&'a RawValue>,
    /// `recipientList` of newer send records (array of [`Recipient`]).
    #[serde(rename = "recipientList", alias = "RecipientList", borrow)]
    pub recipient_list: Option<&'a RawValue>,
    /// `AuditData`: present only on an export row that wraps a record, which is then not a
    /// record itself.
    #[serde(rename = "AuditData", borrow)]
    pub wrapped_audit_data: Option<&'a RawValue>,
}

/// A mail item (`Item`, an element of `AffectedItems`).
#[derive(Debug, Default, Deserialize)]
pub struct MailItem<'a> {
    /// `Subject`.
    #[serde(rename = "Subject", borrow)]
    pub subject: Option<Text<'a>>,
    /// `InternetMessageId`, angle brackets included.
    #[serde(rename = "InternetMessageId", borrow)]
    pub internet_message_id: Option<Text<'a>>,
    /// `ParentFolder`.
    #[serde(rename = "ParentFolder", borrow)]
    pub parent_folder: Option<Folder<'a>>,
}

/// A folder (`Folder`, `ParentFolder`).
#[derive(Debug, Default, Deserialize)]
pub struct Folder<'a> {
    /// `Path`, e.g. `\Sent Items`.
    #[serde(rename = "Path", borrow)]
    pub path: Option<Text<'a>>,
}

/// An element of `recipientList`.
#[derive(Debug, Default, Deserialize)]
pub struct Recipient<'a> {
    /// `Address`.
    #[serde(rename = "Address", alias = "address", borrow)]
    pub address: Option<Text<'a>>,
}

/// `AppAccessContext`, for the Entra session id.
#[derive(Debug, Default, Deserialize)]
pub struct AppAccessContext<'a> {
    /// `AADSessionId`.
    #[serde(rename = "AADSessionId", borrow)]
    pub aad_session_id: Option<Text<'a>>,
}

/// Reads an audit record from JSON text.
pub fn parse_record(text: &str) -> Result<AuditRecord<'_>, String> {
    serde_json::from_str(text).map_err(|error| format!("invalid audit record: {error}"))
}

/// Reads an audit record from JSON bytes.
pub fn parse_record_bytes(bytes: &[u8]) -> Result<AuditRecord<'_>, String> {
    serde_json::from_slice(bytes).map_err(|error| format!("invalid audit record: {error}"))
}

/// Parses a member kept as raw JSON; `Ok(None)` when the record does not have it. The error
/// names the member (its position inside the member would mislead, so it is left out).
pub fn member<'a, T: Deserialize<'a>>(
    raw: Option<&'a RawValue>,
    name: &str,
) -> Result<Option<T>, String> {
    raw.map(|raw| {
        serde_json::from_str(raw.get())
            .map_err(|error| format!("field `{name}`: {}", without_position(&error)))
    })
    .transpose()
}

/// The JSON text of a record embedded in an export row: the member itself when it is an
/// object (Graph, re-serialised exports), its unescaped content when it is a JSON string (as
/// `ConvertTo-Json` writes `AuditData`). `Ok(None)` when it is null or blank.
pub fn embedded_record_text<'a>(
    raw: &'a RawValue,
    name: &str,
) -> Result<Option<Cow<'a, str>>, String> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => Ok(Some(Cow::Borrowed(text))),
        Some(b'"') => {
            let inner: String = serde_json::from_str(text)
                .map_err(|error| format!("field `{name}`: {}", without_position(&error)))?;
            Ok(Some(Cow::<str>::Owned(inner)).filter(|inner| !inner.trim().is_empty()))
        }
        Some(b'n') => Ok(None),
        _ => Err(format!(
            "field `{name}`: expected the audit record as an object or a JSON string"
        )),
    }
}

/// The error's message without serde_json's trailing ` at line L column C`.
pub fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) if error.line() > 0 => message[..at].to_owned(),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_borrowed_and_members_kept_raw() {
        let record = parse_record(
            r#"{"Id":7,"CreationTime":"2025-03-04T09:15:02","Operation":"Send",
                "Item":{"Subject":"Hi"},"Unknown":{"deep":[1,2]}}"#,
        )
        .expect("valid");
        assert_eq!(record.id.map(|id| id.0.into_owned()).as_deref(), Some("7"));
        assert!(matches!(
            record.operation,
            Some(Text(Cow::Borrowed("Send")))
        ));
        let item: MailItem<'_> = member(record.item, "Item")
            .expect("valid")
            .expect("present");
        assert_eq!(item.subject.as_deref(), Some("Hi"));
        assert!(record.parameters.is_none());
    }

    #[test]
    fn wrong_types_name_the_field() {
        let record = parse_record(r#"{"Item":"text"}"#).expect("valid");
        let error = member::<MailItem<'_>>(record.item, "Item").expect_err("a string");
        assert!(error.starts_with("field `Item`: invalid type"), "{error}");
        assert!(!error.contains("line"), "{error}");
        let error = parse_record(r#"{"Operation":["Send"]}"#).expect_err("an array");
        assert!(error.contains("invalid type"), "{error}");
    }

    #[test]
    fn embedded_records_as_object_or_string() {
        let object = serde_json::from_str::<&RawValue>(r#"{"Id":"a"}"#).expect("valid");
        assert_eq!(
            embedded_record_text(object, "auditData")
                .expect("object")
                .as_deref(),
            Some(r#"{"Id":"a"}"#)
        );
        let string = serde_json::from_str::<&RawValue>(r#""{\"Id\":\"a\"}""#).expect("valid");
        assert_eq!(
            embedded_record_text(string, "AuditData")
                .expect("string")
                .as_deref(),
            Some(r#"{"Id":"a"}"#)
        );
        let blank = serde_json::from_str::<&RawValue>(r#""  ""#).expect("valid");
        assert_eq!(
            embedded_record_text(blank, "AuditData").expect("blank"),
            None
        );
        let number = serde_json::from_str::<&RawValue>("5").expect("valid");
        assert!(embedded_record_text(number, "AuditData").is_err());
    }
}
