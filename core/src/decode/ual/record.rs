//! The audit record as the mapping reads it: a borrowed, lenient view shared by every export
//! form.
//!
//! Most records in an export are operations no detection reads (SharePoint file access, Teams,
//! directory changes), so the view is built for the record that ends up ignored. The scalars
//! needed to decide (`Id`, `CreationTime`, `Operation`) are read as the record is scanned. The
//! ones events carry (user, addresses, client, session, ...) are kept as borrowed raw JSON and
//! read (and type-checked) only when the mapping asks for them; so are the members only some
//! operations read (`Parameters`, `OperationProperties`, `Item`, `AffectedItems`, ...), which
//! [`super::members`] and [`super::name_values`] parse. The record is read by one scan over its
//! members ([`super::scan`]) that skips everything else unparsed, so an ignored record costs
//! about what skipping its bytes costs. `Item` and the `OperationProperties` and
//! `ExtendedProperties` lists are the exception: the operations that read them are most of
//! an export, so they are read during that scan, in place, rather than skipped and read
//! again (a list costs one allocation).
//!
//! The view is lenient where exports disagree (`Id` or `ErrorNumber` written as a number or as
//! text) and strict where a wrong type means a broken record: an `Operation` that is an array,
//! or an `Item` that is a string when a send is decoded, is a rejection with the field named.

use super::members::{MailItem, mail_item, mail_item_in_place};
use super::name_values::NameValues;
use super::scan::{Kind, Members, RawJson};
use super::values::{Text, lenient, text};
use crate::decode::lenient::LenientText;
use std::borrow::Cow;

/// The fields of an audit record that the mapping reads, named as the Management Activity API
/// names them. Every export keeps these names inside its `AuditData` / `auditData` /
/// `o365.audit` member.
///
/// `RecordType` is deliberately not read: the operation name decides everything, and the
/// exports disagree on its type (`1` from the API, `"1"` from Elastic, `"ExchangeAdmin"` from
/// Search-UnifiedAuditLog), so any spelling passes.
#[derive(Debug, Default)]
pub struct AuditRecord<'a> {
    /// `Id`: the record's GUID.
    pub id: Option<LenientText<'a>>,
    /// `CreationTime`: UTC, normally without zone designator.
    pub creation_time: Option<Text<'a>>,
    /// `Operation`: the cmdlet or mailbox operation.
    pub operation: Option<Text<'a>>,
    user_id: Option<RawJson<'a>>,
    mailbox_owner_upn: Option<RawJson<'a>>,
    client_ip: Option<RawJson<'a>>,
    client_ip_address: Option<RawJson<'a>>,
    actor_ip_address: Option<RawJson<'a>>,
    client_info_string: Option<RawJson<'a>>,
    session_id: Option<RawJson<'a>>,
    object_id: Option<RawJson<'a>>,
    send_as_user_smtp: Option<RawJson<'a>>,
    send_on_behalf_of_user_smtp: Option<RawJson<'a>>,
    application_id: Option<RawJson<'a>>,
    logon_error: Option<RawJson<'a>>,
    error_number: Option<RawJson<'a>>,
    error_code: Option<RawJson<'a>>,
    operation_count: Option<RawJson<'a>>,
    recipient_count: Option<RawJson<'a>>,
    /// `Parameters`: cmdlet parameters ([`super::name_values::NameValues`]).
    pub parameters: Option<RawJson<'a>>,
    /// `OperationProperties`: mailbox-operation properties ([`super::name_values::NameValues`]).
    pub operation_properties: Option<RawJson<'a>>,
    /// `OperationProperties` as read in place while the record was scanned, when it could be;
    /// read it through [`AuditRecord::operation_property_list`].
    operation_properties_read: Option<NameValues<'a>>,
    /// `ExtendedProperties` (STS logons; [`super::name_values::NameValues`]).
    pub extended_properties: Option<RawJson<'a>>,
    /// `ExtendedProperties` as read in place; read it through
    /// [`AuditRecord::extended_property_list`].
    extended_properties_read: Option<NameValues<'a>>,
    /// `DeviceProperties` (STS logons; [`super::name_values::NameValues`]).
    pub device_properties: Option<RawJson<'a>>,
    /// `AppAccessContext` ([`super::members::aad_session_id`]).
    pub app_access_context: Option<RawJson<'a>>,
    /// `Item`: the item of a single-item mailbox record ([`super::members::MailItem`]).
    pub item: Option<RawJson<'a>>,
    /// `Item` as read in place while the record was scanned, when it could be
    /// ([`super::members::mail_item_in_place`]); read it through [`AuditRecord::mail_item`].
    item_read: Option<MailItem<'a>>,
    /// `Folder` of a group mailbox record ([`super::members::folder_path`]).
    pub folder: Option<RawJson<'a>>,
    /// `ParentFolder`, when a record carries it at the top ([`super::members::folder_path`]).
    pub parent_folder: Option<RawJson<'a>>,
    /// `AffectedItems` of a group mailbox record (array of [`super::members::MailItem`]).
    pub affected_items: Option<RawJson<'a>>,
    /// `recipientList` of newer send records ([`super::members::recipient_addresses`]).
    pub recipient_list: Option<RawJson<'a>>,
    /// `AuditData`: present only on an export row that wraps a record, which is then not a
    /// record itself.
    pub wrapped_audit_data: Option<RawJson<'a>>,
}

impl<'a> AuditRecord<'a> {
    /// `OperationProperties`, read ([`NameValues::read`]); empty when absent or null.
    pub fn operation_property_list(&self) -> Result<Cow<'_, NameValues<'a>>, String> {
        list(
            &self.operation_properties_read,
            self.operation_properties,
            "OperationProperties",
        )
    }

    /// `ExtendedProperties`, read ([`NameValues::read`]); empty when absent or null.
    pub fn extended_property_list(&self) -> Result<Cow<'_, NameValues<'a>>, String> {
        list(
            &self.extended_properties_read,
            self.extended_properties,
            "ExtendedProperties",
        )
    }

    /// `Item`, read ([`super::members::mail_item`]); `None` when absent or null.
    pub fn mail_item(&self) -> Result<Option<MailItem<'a>>, String> {
        match &self.item_read {
            Some(item) => Ok(Some(item.clone())),
            None => mail_item(self.item, "Item"),
        }
    }

    /// `UserId`: the actor's UPN (or a service account).
    pub fn user_id(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.user_id, "UserId")
    }

    /// `MailboxOwnerUPN`: the mailbox of a mailbox-audit record.
    pub fn mailbox_owner_upn(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.mailbox_owner_upn, "MailboxOwnerUPN")
    }

    /// `ClientIP`.
    pub fn client_ip(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.client_ip, "ClientIP")
    }

    /// `ClientIPAddress` (mailbox-audit records).
    pub fn client_ip_address(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.client_ip_address, "ClientIPAddress")
    }

    /// `ActorIpAddress` (Entra-derived records).
    pub fn actor_ip_address(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.actor_ip_address, "ActorIpAddress")
    }

    /// `ClientInfoString`: the mail client (`Client=OWA;Action=ViaProxy`).
    pub fn client_info_string(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.client_info_string, "ClientInfoString")
    }

    /// `SessionId`.
    pub fn session_id(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.session_id, "SessionId")
    }

    /// `ObjectId`: for rule cmdlets, ends with the rule name.
    pub fn object_id(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.object_id, "ObjectId")
    }

    /// `SendAsUserSmtp`.
    pub fn send_as_user_smtp(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.send_as_user_smtp, "SendAsUserSmtp")
    }

    /// `SendOnBehalfOfUserSmtp`.
    pub fn send_on_behalf_of_user_smtp(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.send_on_behalf_of_user_smtp, "SendOnBehalfOfUserSmtp")
    }

    /// `ApplicationId` (STS logons).
    pub fn application_id(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.application_id, "ApplicationId")
    }

    /// `LogonError` (STS logons): the failure's name, e.g. `InvalidUserNameOrPassword`.
    pub fn logon_error(&self) -> Result<Option<Text<'a>>, String> {
        read_text(self.logon_error, "LogonError")
    }

    /// `ErrorNumber`: the AADSTS code real STS logon records carry (text or number).
    pub fn error_number(&self) -> Result<Option<LenientText<'a>>, String> {
        read_lenient(self.error_number, "ErrorNumber")
    }

    /// `ErrorCode`: the documented name of the same code.
    pub fn error_code(&self) -> Result<Option<LenientText<'a>>, String> {
        read_lenient(self.error_code, "ErrorCode")
    }

    /// `OperationCount` (aggregated records).
    pub fn operation_count(&self) -> Result<Option<LenientText<'a>>, String> {
        read_lenient(self.operation_count, "OperationCount")
    }

    /// `recipientCount` (newer send records).
    pub fn recipient_count(&self) -> Result<Option<LenientText<'a>>, String> {
        read_lenient(self.recipient_count, "recipientCount")
    }
}

/// Reads an audit record from JSON text.
pub fn parse_record(text: &str) -> Result<AuditRecord<'_>, String> {
    let mut record = AuditRecord::default();
    read_members(text, &mut record).map_err(|reason| format!("invalid audit record: {reason}"))?;
    Ok(record)
}

/// Reads an audit record from JSON bytes: one scan over the object's members, keeping the
/// fields above and skipping every other member unparsed ([`super::scan`]).
pub fn parse_record_bytes(bytes: &[u8]) -> Result<AuditRecord<'_>, String> {
    let mut record = AuditRecord::default();
    read_record_into(bytes, &mut record)?;
    Ok(record)
}

/// Like [`parse_record_bytes`], into a record the caller owns (which must be empty): the
/// record is large, and filling it in place spares copying it on the way out.
///
/// The whole record is checked to be UTF-8 first, in one pass: cheaper than checking each
/// string read, and JSON text is UTF-8 by definition.
pub fn read_record_into<'a>(bytes: &'a [u8], record: &mut AuditRecord<'a>) -> Result<(), String> {
    let text = crate::decode::utf8::text(bytes)
        .map_err(|at| format!("invalid audit record: not UTF-8 at byte {at}"))?;
    read_members(text, record).map_err(|reason| format!("invalid audit record: {reason}"))
}

fn read_members<'a>(json: &'a str, record: &mut AuditRecord<'a>) -> Result<(), String> {
    let mut members = Members::new(json).map_err(|error| error.to_string())?;
    while let Some(key) = members.next_key().map_err(|error| error.to_string())? {
        let name = key.name();
        let r = &mut *record;
        // `Item` and the name/value lists are read in place when they can be, so that they
        // are scanned once; one that cannot be read that way is kept raw, and reading it later
        // reports why.
        if name == "Item"
            && r.item.is_none()
            && let Some((raw, item)) = members.read_object_in_place(mail_item_in_place)
        {
            r.item = Some(raw);
            r.item_read = Some(item);
            continue;
        }
        let list_slots = match name.as_ref() {
            "OperationProperties" => Some((
                &mut r.operation_properties,
                &mut r.operation_properties_read,
            )),
            "ExtendedProperties" => {
                Some((&mut r.extended_properties, &mut r.extended_properties_read))
            }
            _ => None,
        };
        if let Some((raw_slot, read_slot)) = list_slots
            && raw_slot.is_none()
            && let Some((raw, list)) =
                members.read_array_in_place(|array| NameValues::read_in_place(array, &name).ok())
        {
            *raw_slot = Some(raw);
            *read_slot = Some(list);
            continue;
        }
        let value = members.next_value().map_err(|error| error.to_string())?;
        match name.as_ref() {
            "Id" => set(&mut r.id, lenient(value, "Id")?, "Id")?,
            "CreationTime" => set(
                &mut r.creation_time,
                text(value, "CreationTime")?,
                "CreationTime",
            )?,
            "Operation" => set(&mut r.operation, text(value, "Operation")?, "Operation")?,
            "UserId" => set(&mut r.user_id, scalar(value), "UserId")?,
            "MailboxOwnerUPN" => set(&mut r.mailbox_owner_upn, scalar(value), "MailboxOwnerUPN")?,
            "ClientIP" => set(&mut r.client_ip, scalar(value), "ClientIP")?,
            "ClientIPAddress" => set(&mut r.client_ip_address, scalar(value), "ClientIPAddress")?,
            "ActorIpAddress" => set(&mut r.actor_ip_address, scalar(value), "ActorIpAddress")?,
            "ClientInfoString" => {
                set(&mut r.client_info_string, scalar(value), "ClientInfoString")?
            }
            "SessionId" => set(&mut r.session_id, scalar(value), "SessionId")?,
            "ObjectId" => set(&mut r.object_id, scalar(value), "ObjectId")?,
            "SendAsUserSmtp" => set(&mut r.send_as_user_smtp, scalar(value), "SendAsUserSmtp")?,
            "SendOnBehalfOfUserSmtp" => set(
                &mut r.send_on_behalf_of_user_smtp,
                scalar(value),
                "SendOnBehalfOfUserSmtp",
            )?,
            "ApplicationId" => set(&mut r.application_id, scalar(value), "ApplicationId")?,
            "LogonError" => set(&mut r.logon_error, scalar(value), "LogonError")?,
            "ErrorNumber" => set(&mut r.error_number, scalar(value), "ErrorNumber")?,
            "ErrorCode" => set(&mut r.error_code, scalar(value), "ErrorCode")?,
            "OperationCount" => set(&mut r.operation_count, scalar(value), "OperationCount")?,
            "recipientCount" | "RecipientCount" => {
                set(&mut r.recipient_count, scalar(value), "recipientCount")?
            }
            "Parameters" => set(&mut r.parameters, scalar(value), "Parameters")?,
            "OperationProperties" => set(
                &mut r.operation_properties,
                scalar(value),
                "OperationProperties",
            )?,
            "ExtendedProperties" => set(
                &mut r.extended_properties,
                scalar(value),
                "ExtendedProperties",
            )?,
            "DeviceProperties" => set(&mut r.device_properties, scalar(value), "DeviceProperties")?,
            "AppAccessContext" => {
                set(&mut r.app_access_context, scalar(value), "AppAccessContext")?
            }
            "Item" => set(&mut r.item, scalar(value), "Item")?,
            "Folder" => set(&mut r.folder, scalar(value), "Folder")?,
            "ParentFolder" => set(&mut r.parent_folder, scalar(value), "ParentFolder")?,
            "AffectedItems" => set(&mut r.affected_items, scalar(value), "AffectedItems")?,
            "recipientList" | "RecipientList" => {
                set(&mut r.recipient_list, scalar(value), "recipientList")?
            }
            "AuditData" => set(&mut r.wrapped_audit_data, scalar(value), "AuditData")?,
            _ => {}
        }
    }
    Ok(())
}

/// A list read in place, or else read from its raw JSON.
fn list<'r, 'a>(
    read: &'r Option<NameValues<'a>>,
    raw: Option<RawJson<'a>>,
    name: &str,
) -> Result<Cow<'r, NameValues<'a>>, String> {
    match read {
        Some(list) => Ok(Cow::Borrowed(list)),
        None => NameValues::read(raw, name).map(Cow::Owned),
    }
}

/// Stores a field's value; a field given twice is an error (as serde's typed reading has it).
/// In line, so that the value goes straight into its slot instead of through a copy.
#[inline(always)]
fn set<T>(slot: &mut Option<T>, value: Option<T>, name: &str) -> Result<(), String> {
    if value.is_some() {
        if slot.is_some() {
            return Err(duplicate(name));
        }
        *slot = value;
    }
    Ok(())
}

#[cold]
fn duplicate(name: &str) -> String {
    format!("duplicate field `{name}`")
}

/// A scalar or member kept raw, read (and type-checked) only if the mapping asks for it;
/// `null` is absent.
fn scalar(value: RawJson<'_>) -> Option<RawJson<'_>> {
    Some(value).filter(|value| value.kind != Kind::Null)
}

fn read_text<'a>(raw: Option<RawJson<'a>>, name: &str) -> Result<Option<Text<'a>>, String> {
    Ok(match raw {
        Some(raw) => text(raw, name)?,
        None => None,
    })
}

fn read_lenient<'a>(
    raw: Option<RawJson<'a>>,
    name: &str,
) -> Result<Option<LenientText<'a>>, String> {
    Ok(match raw {
        Some(raw) => lenient(raw, name)?,
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn the_item_read_in_place_is_the_item_read_later() {
        for json in [
            r#"{"Item":{"Subject":"RE: invoice","InternetMessageId":"<a@b>","ParentFolder":{"Path":"\\Sent Items"}},"Operation":"Send"}"#,
            r#"{"Item":{"Subject":null,"Subject":"second","Size":[1,{"x":"}"}]},"Id":"a"}"#,
            r#"{"Item":null,"Item":{"Subject":"after null"}}"#,
            r#"{"Item":{"ParentFolder":{"Id":"f","Path":null,"Path":"\\Inbox"},"ParentFolder":{"Path":"\\Other"}}}"#,
            r#"{"Item":{"ParentFolder":{},"ParentFolder":{"Path":"\\Drafts","X":[{}]}}}"#,
            r#"{"Item":{"ParentFolder":null,"Subject":"s"}}"#,
        ] {
            let record = parse_record(json).expect("valid");
            assert!(record.item_read.is_some(), "{json}");
            assert_eq!(record.mail_item(), mail_item(record.item, "Item"), "{json}");
        }
        // An item that cannot be read is kept raw, and reading it later gives the reason.
        let record =
            parse_record(r#"{"Item":{"Subject":["x"]},"Operation":"Send"}"#).expect("valid");
        assert!(record.item_read.is_none());
        assert_eq!(
            record.item.map(|item| item.text),
            Some(r#"{"Subject":["x"]}"#)
        );
        let error = record.mail_item().expect_err("wrong type");
        assert!(error.contains("Item.Subject"), "{error}");
        for json in [
            r#"{"Item":{"ParentFolder":"\\Sent Items"}}"#,
            r#"{"Item":{"ParentFolder":{"Path":7}}}"#,
        ] {
            let record = parse_record(json).expect("valid");
            assert!(record.item_read.is_none(), "{json}");
            let error = record.mail_item().expect_err("wrong type");
            assert!(error.contains("Item.ParentFolder"), "{error}");
        }
        // A repeated item is still an error.
        let error = parse_record(r#"{"Item":{},"Item":{}}"#).expect_err("repeated");
        assert!(error.contains("duplicate field `Item`"), "{error}");
    }

    #[test]
    fn operation_properties_read_in_place_are_the_list_read_later() {
        for json in [
            r#"{"OperationProperties":[{"Name":"MailAccessType","Value":"Bind"},{"Name":"IsThrottled","Value":"False"}],"Operation":"MailItemsAccessed"}"#,
            r#"{"OperationProperties":[{"Value":"x","Name":"N","Other":[1,{"y":"]"}]},{"Name":"N","Value":"second"},{"Name":"Empty"}]}"#,
            r#"{"OperationProperties":[ ] ,"Id":"a"}"#,
            r#"{"OperationProperties":null,"OperationProperties":[{"Name":"after null","Value":"\u0041"}]}"#,
        ] {
            let record = parse_record(json).expect("valid");
            assert!(record.operation_properties_read.is_some(), "{json}");
            assert_eq!(
                record.operation_property_list().map(Cow::into_owned),
                NameValues::read(record.operation_properties, "OperationProperties"),
                "{json}"
            );
        }
        // The object form, and a list that cannot be read, are kept raw; reading the latter
        // later gives the reason.
        let record =
            parse_record(r#"{"OperationProperties":{"MailAccessType":"Sync"}}"#).expect("valid");
        assert!(record.operation_properties_read.is_none());
        assert_eq!(
            record
                .operation_property_list()
                .expect("object form")
                .get("mailaccesstype"),
            Some("Sync")
        );
        let record = parse_record(r#"{"OperationProperties":[{"Value":"x"}],"Operation":"Send"}"#)
            .expect("valid");
        assert!(record.operation_properties_read.is_none());
        assert_eq!(
            record.operation_properties.map(|list| list.text),
            Some(r#"[{"Value":"x"}]"#)
        );
        assert_eq!(
            record.operation_property_list().expect_err("no name"),
            "field `OperationProperties`: a pair without `Name`"
        );
        // A repeated list is still an error.
        let error = parse_record(r#"{"OperationProperties":[],"OperationProperties":[]}"#)
            .expect_err("repeated");
        assert!(
            error.contains("duplicate field `OperationProperties`"),
            "{error}"
        );
    }

    #[test]
    fn extended_properties_are_read_in_place_too() {
        let json = r#"{"ExtendedProperties":[{"Name":"UserAgent","Value":"curl/8.5.0"},{"Name":"RequestType","Value":"OAuth2:Token"}],"OperationProperties":[{"Name":"A","Value":"1"}]}"#;
        let record = parse_record(json).expect("valid");
        assert!(record.extended_properties_read.is_some());
        assert_eq!(
            record.extended_property_list().map(Cow::into_owned),
            NameValues::read(record.extended_properties, "ExtendedProperties")
        );
        assert_eq!(
            record
                .extended_property_list()
                .expect("read")
                .get("useragent"),
            Some("curl/8.5.0")
        );
        assert_eq!(
            record.operation_property_list().expect("read").get("A"),
            Some("1")
        );
        let error = parse_record(r#"{"ExtendedProperties":[],"ExtendedProperties":[]}"#)
            .expect_err("repeated");
        assert!(
            error.contains("duplicate field `ExtendedProperties`"),
            "{error}"
        );
    }

    #[test]
    fn scalars_are_borrowed_and_members_kept_raw() {
        let record = parse_record(
            r#"{"Id":7,"CreationTime":"2025-03-04T09:15:02","Operation":"Send","ErrorNumber":true,
                "Item":{"Subject":"Hi"},"Unknown":{"deep":[1,2]},"Parameters":null}"#,
        )
        .expect("valid");
        assert_eq!(record.id.as_ref().map(|id| id.0.as_ref()), Some("7"));
        assert!(matches!(
            record.operation,
            Some(Text(Cow::Borrowed("Send")))
        ));
        assert_eq!(
            record
                .error_number()
                .expect("lenient")
                .map(|e| e.0.into_owned())
                .as_deref(),
            Some("True")
        );
        assert_eq!(
            record.item.map(|item| item.text),
            Some(r#"{"Subject":"Hi"}"#)
        );
        assert!(record.parameters.is_none());
    }

    #[test]
    fn wrong_types_name_the_field() {
        for (json, reason) in [
            (
                r#"{"Operation":["Send"]}"#,
                "invalid audit record: field `Operation`: invalid type: an array, expected a string",
            ),
            (
                r#"{"Id":{}}"#,
                "invalid audit record: field `Id`: invalid type: an object, expected a string, number or boolean",
            ),
            (
                r#"{"UserId":"a","UserId":"b"}"#,
                "invalid audit record: duplicate field `UserId`",
            ),
            (
                r#"{"CreationTime":20250304}"#,
                "invalid audit record: field `CreationTime`: invalid type: a number, expected a string",
            ),
            (
                r#"{"Id":"a","Id":"b"}"#,
                "invalid audit record: duplicate field `Id`",
            ),
            (
                r#"{"Id":"a",}"#,
                "invalid audit record: expected a key at byte 10",
            ),
            (
                r#"["Id"]"#,
                "invalid audit record: expected a JSON object at byte 0",
            ),
        ] {
            assert_eq!(
                parse_record(json).map(|_| ()),
                Err(reason.to_owned()),
                "{json}"
            );
        }
    }

    #[test]
    fn unread_scalars_are_checked_when_read() {
        let record = parse_record(r#"{"UserId":5,"ErrorNumber":[1]}"#).expect("not read yet");
        assert_eq!(
            record.user_id().map(|_| ()),
            Err("field `UserId`: invalid type: a number, expected a string".into())
        );
        assert_eq!(
            record.error_number().map(|_| ()),
            Err(
                "field `ErrorNumber`: invalid type: an array, expected a string, number or boolean"
                    .into()
            )
        );
    }

    #[test]
    fn escaped_keys_and_values_are_read() {
        let record =
            parse_record(r#"{"Oper\u0061tion":"Se\u006ed","UserId":"a\\b"}"#).expect("valid");
        assert_eq!(record.operation.as_deref(), Some("Send"));
        assert_eq!(record.user_id().expect("text").as_deref(), Some("a\\b"));
    }
}
