//! Mailbox-audit records of messages sent and deleted, as Exchange Online writes them.
//!
//! Sends (`Send`, `SendAs`, `SendOnBehalf`, RecordType 2) are single-item records: the
//! message in `Item` (`Subject`, `InternetMessageId`, `ParentFolder.Path` `\Sent Items`), the
//! mailbox sent as in `SendAsUserSmtp` / `SendOnBehalfOfUserSmtp`, and the recipients in
//! `recipientList` / `recipientCount`. Deletions (`SoftDelete`, `HardDelete`,
//! `MoveToDeletedItems`, RecordType 3) are group records listing the messages in
//! `AffectedItems` with the folder they were deleted from. Scenarios that erase what they
//! sent need each message's `InternetMessageId`, so a send returns it with the record id.

use crate::ids;
use crate::record::Body;
use crate::scene::Emitter;
use crate::tenant::User;
use crate::ual::Context;
use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::{Value, json};

/// How a message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendKind {
    /// From the user's own mailbox.
    Send,
    /// As another mailbox the user holds Send As rights on.
    SendAs,
    /// On behalf of another mailbox (a delegate).
    SendOnBehalf,
}

impl SendKind {
    /// The audit operation.
    pub fn operation(self) -> &'static str {
        match self {
            Self::Send => "Send",
            Self::SendAs => "SendAs",
            Self::SendOnBehalf => "SendOnBehalf",
        }
    }
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Mail<'a> {
    /// The kind of send.
    pub kind: SendKind,
    /// The mailbox sent as or on behalf of (ignored for [`SendKind::Send`]).
    pub as_mailbox: Option<&'a str>,
    /// Subject.
    pub subject: &'a str,
    /// Recipient addresses.
    pub recipients: &'a [String],
    /// `ClientInfoString`, e.g. `Client=OWA;Action=ViaProxy`.
    pub client_info: &'a str,
    /// The session (`SessionId`) the client works in.
    pub session: &'a str,
}

/// What a send wrote: the record id and the message's `InternetMessageId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// Audit record id.
    pub record: String,
    /// `InternetMessageId`, with its angle brackets.
    pub message_id: String,
    /// The item id of the copy in Sent Items.
    pub item_id: String,
    /// Subject.
    pub subject: String,
}

/// An Exchange Online store item id (`RgAAAA...`), as mailbox records write them.
fn item_id(rng: &mut impl RngExt) -> String {
    format!("RgAAAAC{}", ids::guid(rng).replace('-', "").to_uppercase())
}

/// A folder id (`LgAAAA...`).
fn folder_id(rng: &mut impl RngExt) -> String {
    format!("LgAAAAC{}", ids::guid(rng).replace('-', "").to_uppercase())
}

impl Context<'_> {
    /// A send of any kind by `user` from `client_ip`.
    pub fn send_mail(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        user: &User,
        client_ip: &str,
        mail: &Mail<'_>,
    ) -> SentMail {
        let operation = mail.kind.operation();
        let (record_id, mut record) =
            self.mailbox_record(rng, time, operation, 2, user, client_ip, mail.client_info);
        let item = item_id(rng);
        let message_id = format!(
            "<{}@{}.prod.outlook.com>",
            ids::guid(rng).replace('-', "").to_uppercase(),
            "PH0PR14MB4341.namprd14"
        );
        record.insert(
            "AppId".into(),
            json!("00000002-0000-0ff1-ce00-000000000000"),
        );
        record.insert("ClientAppId".into(), json!(""));
        record.insert("ClientIP".into(), json!(client_ip));
        record.insert("InternalLogonType".into(), json!(0));
        record.insert("OrganizationName".into(), json!(self.tenant.onmicrosoft()));
        record.insert("SessionId".into(), json!(mail.session));
        record.insert(
            "Item".into(),
            json!({
                "Id": item,
                "InternetMessageId": message_id,
                "ParentFolder": {"Path": "\\Sent Items"},
                "SizeInBytes": rng.random_range(4_000..120_000),
                "Subject": mail.subject,
            }),
        );
        match (mail.kind, mail.as_mailbox) {
            (SendKind::SendAs, Some(mailbox)) => {
                record.insert("SendAsUserSmtp".into(), json!(mailbox));
                record.insert("SendAsUserMailboxGuid".into(), json!(ids::guid(rng)));
            }
            (SendKind::SendOnBehalf, Some(mailbox)) => {
                record.insert("SendOnBehalfOfUserSmtp".into(), json!(mailbox));
                record.insert(
                    "SendOnBehalfOfUserMailboxGuid".into(),
                    json!(ids::guid(rng)),
                );
            }
            _ => {}
        }
        let recipients: Vec<Value> = mail
            .recipients
            .iter()
            .map(|address| json!({"Address": address}))
            .collect();
        record.insert("recipientCount".into(), json!(recipients.len()));
        record.insert("recipientList".into(), Value::Array(recipients));
        out.push(time, Body::Audit(record));
        SentMail {
            record: record_id,
            message_id,
            item_id: item,
            subject: mail.subject.to_owned(),
        }
    }

    /// A deletion (`SoftDelete`, `HardDelete` or `MoveToDeletedItems`) of `items` from
    /// `folder` (e.g. `\Sent Items`) by `user`; returns the record id.
    #[allow(clippy::too_many_arguments)]
    pub fn delete_items(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        operation: &str,
        user: &User,
        client_ip: &str,
        (client_info, session): (&str, &str),
        folder: &str,
        items: &[&SentMail],
    ) -> String {
        let (record_id, mut record) =
            self.mailbox_record(rng, time, operation, 3, user, client_ip, client_info);
        let folder_id = folder_id(rng);
        record.insert(
            "AppId".into(),
            json!("00000002-0000-0ff1-ce00-000000000000"),
        );
        record.insert("ClientAppId".into(), json!(""));
        record.insert("ClientIP".into(), json!(client_ip));
        record.insert("CrossMailboxOperation".into(), json!(false));
        record.insert("InternalLogonType".into(), json!(0));
        record.insert("OrganizationName".into(), json!(self.tenant.onmicrosoft()));
        record.insert("SessionId".into(), json!(session));
        record.insert("Folder".into(), json!({"Id": folder_id, "Path": folder}));
        let affected: Vec<Value> = items
            .iter()
            .map(|item| {
                json!({
                    "Id": item.item_id,
                    "InternetMessageId": item.message_id,
                    "ParentFolder": {"Id": folder_id, "Path": folder},
                    "Subject": item.subject,
                })
            })
            .collect();
        record.insert("AffectedItems".into(), Value::Array(affected));
        out.push(time, Body::Audit(record));
        record_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::Tenant;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn sends_as_and_deletions_carry_what_the_decoder_reads() {
        let mut rng = StdRng::seed_from_u64(3);
        let tenant = Tenant::generate(&mut rng, 4);
        let user = &tenant.users[0];
        let context = Context { tenant: &tenant };
        let mut out = Emitter::default();
        let recipients = vec!["ap@fabrikam.example".to_owned()];
        let time = DateTime::parse_from_rfc3339("2025-03-04T10:00:00Z")
            .expect("test data")
            .with_timezone(&Utc);
        let sent = context.send_mail(
            &mut rng,
            &mut out,
            time,
            user,
            "203.0.113.9",
            &Mail {
                kind: SendKind::SendAs,
                as_mailbox: Some("billing@example.com"),
                subject: "RE: remittance",
                recipients: &recipients,
                client_info: "Client=OWA;Action=ViaProxy",
                session: "s1",
            },
        );
        context.delete_items(
            &mut rng,
            &mut out,
            time,
            "HardDelete",
            user,
            "203.0.113.9",
            ("Client=OWA;Action=ViaProxy", "s1"),
            "\\Sent Items",
            &[&sent],
        );
        let Body::Audit(send) = &out.records[0].body else {
            panic!("not an audit record");
        };
        assert_eq!(send["Operation"], "SendAs");
        assert_eq!(send["SendAsUserSmtp"], "billing@example.com");
        assert_eq!(send["Item"]["InternetMessageId"], sent.message_id.as_str());
        assert_eq!(send["recipientCount"], 1);
        let Body::Audit(delete) = &out.records[1].body else {
            panic!("not an audit record");
        };
        assert_eq!(delete["RecordType"], 3);
        assert_eq!(delete["Folder"]["Path"], "\\Sent Items");
        assert_eq!(
            delete["AffectedItems"][0]["InternetMessageId"],
            sent.message_id.as_str()
        );
    }
}
