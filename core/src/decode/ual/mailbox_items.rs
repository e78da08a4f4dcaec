//! Mailbox-audit operations on messages (RecordType 2, 3 and 50): sends, deletions and
//! `MailItemsAccessed`.
//!
//! - `Send`, `SendAs`, `SendOnBehalf` are single-item records: the message is in `Item`
//!   (`Subject`, `InternetMessageId`, `ParentFolder.Path`), the impersonated mailbox in
//!   `SendAsUserSmtp` / `SendOnBehalfOfUserSmtp`, and newer records list recipients in
//!   `recipientList` / `recipientCount`.
//! - `SoftDelete`, `HardDelete`, `MoveToDeletedItems` are group records: the messages are in
//!   `AffectedItems[]`, the folder in `Folder.Path`, or only in each item's
//!   `ParentFolder.Path`.
//! - `MailItemsAccessed` is aggregated: `OperationProperties` says `MailAccessType` (`Bind`
//!   for individual items, `Sync` for a folder) and `IsThrottled` (the log stopped listing
//!   items), `OperationCount` how many accesses the record stands for. The per-item
//!   `Folders[].FolderItems[]` are not read.

use super::members::{folder_path, mail_items, recipient_addresses};
use super::record::AuditRecord;
use super::text::{case_folded, non_blank, owned, owned_text};
use crate::decode::lenient::{LenientText, is_truthy};
use crate::event::mail::DeletedItem;
use crate::event::{DeleteKind, MailAccess, MailDelete, MailSend, SendKind};

/// `Send`, `SendAs`, `SendOnBehalf`.
pub fn send(kind: SendKind, record: &AuditRecord<'_>) -> Result<MailSend, String> {
    let item = record.mail_item()?.unwrap_or_default();
    let recipients = recipient_addresses(record.recipient_list, "recipientList")?;
    Ok(MailSend {
        kind: Some(kind),
        subject: owned_text(item.subject),
        message_id: owned_text(item.internet_message_id),
        folder: owned_text(item.folder_path),
        session_id: owned(record.session_id()?.as_deref()),
        client: owned(record.client_info_string()?.as_deref()),
        on_behalf_of: match case_folded(record.send_as_user_smtp()?.as_deref()) {
            Some(send_as) => Some(send_as),
            None => case_folded(record.send_on_behalf_of_user_smtp()?.as_deref()),
        },
        recipients: recipients
            .iter()
            .filter_map(|address| owned(Some(address)))
            .collect(),
        recipient_count: count(record.recipient_count()?.as_ref(), "recipientCount")?,
    })
}

/// `SoftDelete`, `HardDelete`, `MoveToDeletedItems`.
pub fn delete(kind: DeleteKind, record: &AuditRecord<'_>) -> Result<MailDelete, String> {
    let mut items = mail_items(record.affected_items, "AffectedItems")?;
    if items.is_empty() {
        items.extend(record.mail_item()?);
    }
    let folder = folder_path(record.folder, "Folder")?;
    let parent = folder_path(record.parent_folder, "ParentFolder")?;
    let folder = [folder.as_deref(), parent.as_deref()]
        .into_iter()
        .chain(items.iter().map(|item| item.folder_path.as_deref()))
        .find_map(owned);
    Ok(MailDelete {
        kind: Some(kind),
        folder,
        items: items
            .iter()
            .map(|item| DeletedItem {
                subject: owned(item.subject.as_deref()),
                message_id: owned(item.internet_message_id.as_deref()),
            })
            .collect(),
        session_id: owned(record.session_id()?.as_deref()),
        client: owned(record.client_info_string()?.as_deref()),
    })
}

/// `MailItemsAccessed`. A record without `OperationCount` stands for one access.
pub fn access(record: &AuditRecord<'_>) -> Result<MailAccess, String> {
    let properties = record.operation_property_list()?;
    Ok(MailAccess {
        access: owned(properties.get("MailAccessType")),
        count: count(record.operation_count()?.as_ref(), "OperationCount")?.unwrap_or(1),
        throttled: properties.get("IsThrottled").is_some_and(is_truthy),
        session_id: owned(record.session_id()?.as_deref()),
        client: owned(record.client_info_string()?.as_deref()),
    })
}

/// A count written as a number or as text; `None` when absent or blank.
fn count(value: Option<&LenientText<'_>>, name: &str) -> Result<Option<u64>, String> {
    let Some(text) = value.and_then(|value| non_blank(&value.0)) else {
        return Ok(None);
    };
    text.parse()
        .map(Some)
        .map_err(|_| format!("field `{name}`: not a count `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::record::parse_record;

    #[test]
    fn send_as_field_by_field() {
        let record = parse_record(
            r#"{"ClientInfoString":"Client=OWA;Action=ViaProxy","SessionId":"s1",
                "Item":{"Id":"RgAAAA","InternetMessageId":"<A1@PH0PR14MB4341.namprd14.prod.outlook.com>",
                        "ParentFolder":{"Id":"LgAAAA","Path":"\\Sent Items"},"SizeInBytes":48213,
                        "Subject":"RE: Updated bank details"},
                "SendAsUserSmtp":"CFO@Contoso.com","SendAsUserMailboxGuid":"g",
                "recipientCount":"2","recipientList":[{"Address":"ap@fabrikam.example","Name":"AP"},{"Address":"x@y.example"}]}"#,
        )
        .expect("valid");
        assert_eq!(
            send(SendKind::SendAs, &record).expect("decodes"),
            MailSend {
                kind: Some(SendKind::SendAs),
                subject: Some("RE: Updated bank details".into()),
                message_id: Some("<A1@PH0PR14MB4341.namprd14.prod.outlook.com>".into()),
                folder: Some("\\Sent Items".into()),
                session_id: Some("s1".into()),
                client: Some("Client=OWA;Action=ViaProxy".into()),
                on_behalf_of: Some("cfo@contoso.com".into()),
                recipients: vec!["ap@fabrikam.example".into(), "x@y.example".into()],
                recipient_count: Some(2),
            }
        );
    }

    #[test]
    fn a_send_without_item_is_still_a_send() {
        let record = parse_record("{}").expect("valid");
        assert_eq!(
            send(SendKind::Send, &record).expect("decodes"),
            MailSend {
                kind: Some(SendKind::Send),
                ..MailSend::default()
            }
        );
        let bad = parse_record(r#"{"recipientCount":"many"}"#).expect("valid");
        assert_eq!(
            send(SendKind::Send, &bad),
            Err("field `recipientCount`: not a count `many`".into())
        );
    }

    #[test]
    fn hard_delete_from_sent_items() {
        let record = parse_record(
            r#"{"SessionId":"s1","ClientInfoString":"Client=REST;",
                "AffectedItems":[{"Id":"a","InternetMessageId":"<m1@x>","Subject":"RE: invoice",
                                  "ParentFolder":{"Id":"f","Path":"\\Sent Items"}},
                                 {"Id":"b","Subject":"FW: wire"}]}"#,
        )
        .expect("valid");
        let delete = delete(DeleteKind::HardDelete, &record).expect("decodes");
        assert_eq!(
            delete,
            MailDelete {
                kind: Some(DeleteKind::HardDelete),
                folder: Some("\\Sent Items".into()),
                items: vec![
                    DeletedItem {
                        subject: Some("RE: invoice".into()),
                        message_id: Some("<m1@x>".into()),
                    },
                    DeletedItem {
                        subject: Some("FW: wire".into()),
                        message_id: None,
                    },
                ],
                session_id: Some("s1".into()),
                client: Some("Client=REST;".into()),
            }
        );
        assert!(delete.from_sent_items());
    }

    #[test]
    fn the_group_folder_wins() {
        let record = parse_record(
            r#"{"Folder":{"Path":"\\Inbox"},"AffectedItems":[{"ParentFolder":{"Path":"\\Sent Items"}}]}"#,
        )
        .expect("valid");
        let delete = delete(DeleteKind::MoveToDeletedItems, &record).expect("decodes");
        assert_eq!(delete.folder.as_deref(), Some("\\Inbox"));
        assert_eq!(delete.items.len(), 1);
    }

    #[test]
    fn throttled_mail_items_accessed() {
        let record = parse_record(
            r#"{"OperationCount":1000,"SessionId":"s1","ClientInfoString":"Client=WebServices;",
                "OperationProperties":[{"Name":"MailAccessType","Value":"Bind"},{"Name":"IsThrottled","Value":"True"}],
                "Folders":[{"Path":"\\Inbox","FolderItems":[{"InternetMessageId":"<m@x>"}]}]}"#,
        )
        .expect("valid");
        assert_eq!(
            access(&record).expect("decodes"),
            MailAccess {
                access: Some("Bind".into()),
                count: 1000,
                throttled: true,
                session_id: Some("s1".into()),
                client: Some("Client=WebServices;".into()),
            }
        );
        let bare =
            parse_record(r#"{"OperationProperties":[{"Name":"MailAccessType","Value":"Sync"}]}"#)
                .expect("valid");
        let bare = access(&bare).expect("decodes");
        assert_eq!((bare.count, bare.throttled), (1, false));
    }
}
