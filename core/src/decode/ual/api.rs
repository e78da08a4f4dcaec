//! Management Activity API records: the bare audit record, one per JSON object (the API's
//! content blobs are JSON arrays; saved exports are often NDJSON).
//!
//! This is the form exports are measured by, so it takes the shortest path: the bytes are
//! parsed once, straight into the borrowed [`AuditRecord`] view, and handed to the mapping.

use super::envelope::Envelope;
use super::mapping::to_outcome;
use super::record::{AuditRecord, read_record_into};
use crate::decode::Outcome;

/// Decodes one Management Activity API audit record; `None` when the object is not one
/// (it has neither `Operation` nor `CreationTime`, or it wraps a record in `AuditData`).
pub fn decode_api_record(bytes: &[u8]) -> Option<Outcome> {
    let mut record = AuditRecord::default();
    if let Err(reason) = read_record_into(bytes, &mut record) {
        return Some(Outcome::Rejected(reason));
    }
    let is_record = (record.operation.is_some() || record.creation_time.is_some())
        && record.wrapped_audit_data.is_none();
    is_record.then(|| to_outcome(&record, &Envelope::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, EventKind, MailboxRule, RuleOperation};
    use crate::time::Timestamp;

    const NEW_INBOX_RULE: &str = r#"{"AppId":"","ClientAppId":"","ClientIP":"198.51.100.23:61011","CreationTime":"2025-03-04T09:15:02",
 "ExternalAccess":false,"Id":"5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10","ObjectId":"contoso.onmicrosoft.com\\jdoe\\.",
 "Operation":"New-InboxRule","OrganizationId":"0e8108b1-18e9-41a4-961b-dfcddf92ef08",
 "OrganizationName":"contoso.onmicrosoft.com","OriginatingServer":"PH0PR14MB4341 (15.20.3654.025)\r\n",
 "Parameters":[{"Name":"AlwaysDeleteOutlookRulesBlob","Value":"False"},{"Name":"Force","Value":"False"},
               {"Name":"Name","Value":"."},{"Name":"SubjectOrBodyContainsWords","Value":"invoice;payment;wire"},
               {"Name":"MoveToFolder","Value":"RSS Feeds"},{"Name":"MarkAsRead","Value":"True"},
               {"Name":"forwardto","Value":"SMTP:drop.box@outlook-mail.example; jdoe2@contoso.com"},
               {"Name":"StopProcessingRules","Value":"True"}],
 "RecordType":1,"ResultStatus":"True","SessionId":"f1b2a3c4-0000-4000-8000-1234567890ab",
 "UserId":"JDoe@Contoso.com","UserKey":"10032001020A3408","UserType":0,"Version":1,"Workload":"Exchange"}"#;

    #[test]
    fn the_documented_new_inbox_rule_field_by_field() {
        let Some(Outcome::Event(event)) = decode_api_record(NEW_INBOX_RULE.as_bytes()) else {
            panic!("an event");
        };
        assert_eq!(
            event,
            Event {
                record_id: "5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10".into(),
                time: Timestamp::parse("2025-03-04T09:15:02Z").expect("valid"),
                user: Some("jdoe@contoso.com".into()),
                ip: "198.51.100.23".parse().ok(),
                source: crate::event::LogSource::UnifiedAuditLog,
                kind: EventKind::MailboxRule(MailboxRule {
                    parameter_names: vec![
                        "AlwaysDeleteOutlookRulesBlob".into(),
                        "Force".into(),
                        "forwardto".into(),
                        "MarkAsRead".into(),
                        "MoveToFolder".into(),
                        "Name".into(),
                        "StopProcessingRules".into(),
                        "SubjectOrBodyContainsWords".into()
                    ],
                    operation: Some(RuleOperation::NewInboxRule),
                    name: Some(".".into()),
                    forward_to: vec![
                        "drop.box@outlook-mail.example".into(),
                        "jdoe2@contoso.com".into()
                    ],
                    mark_as_read: true,
                    move_to_folder: Some("RSS Feeds".into()),
                    stop_processing_rules: true,
                    conditions: vec![(
                        "SubjectOrBodyContainsWords".into(),
                        "invoice;payment;wire".into()
                    )],
                    ..MailboxRule::default()
                }),
            }
        );
    }

    #[test]
    fn wrong_types_are_rejections() {
        for json in [
            r#"{"Id":"c","CreationTime":"2025-03-04T09:15:02","Operation":5}"#,
            r#"{"Id":"c","CreationTime":"2025-03-04T09:15:02","Operation":["New-InboxRule"]}"#,
            r#"{"Id":"c","CreationTime":20250304,"Operation":"Send"}"#,
            r#"{"Id":{},"CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#,
            r#"{"Id":"c","CreationTime":"2025-03-04T09:15:02","Operation":"Send","UserId":true}"#,
        ] {
            match decode_api_record(json.as_bytes()) {
                Some(Outcome::Rejected(reason)) => {
                    assert!(reason.contains("invalid type"), "{json}: {reason}");
                }
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn records_and_other_objects() {
        assert!(matches!(
            decode_api_record(
                br#"{"Id":"a","CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#
            ),
            Some(Outcome::Event(_))
        ));
        assert_eq!(
            decode_api_record(br#"{"id":"a","createdDateTime":"x"}"#),
            None
        );
        assert_eq!(
            decode_api_record(br#"{"Operation":"Send","AuditData":"{}"}"#),
            None,
            "an export row, not a record"
        );
        assert!(matches!(
            decode_api_record(br#"{"Operation":"Send","#),
            Some(Outcome::Rejected(reason)) if reason.starts_with("invalid audit record")
        ));
    }
}
