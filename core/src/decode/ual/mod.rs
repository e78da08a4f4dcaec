//! Office 365 Unified Audit Log records, as the Management Activity API returns them.
//!
//! The record is deserialised into a borrowed, lenient view ([`RawAuditRecord`]) holding only
//! the fields a detection reads; unknown fields are skipped without allocation. Then the
//! operation decides: an inbox-rule cmdlet becomes a [`MailboxRule`] event; any other
//! operation is ignored with its name as the reason. A record without `Id`, `CreationTime` or
//! `Operation`, or with a field of the wrong type, is rejected.

use super::Outcome;
use super::lenient::{LenientText, is_truthy};
use crate::event::{Event, EventKind, LogSource, MailboxRule, RuleOperation};
use crate::net::parse_client_ip;
use crate::time::Timestamp;
use serde::Deserialize;
use std::borrow::Cow;

/// The fields of an audit record that detections read. Names as the API spells them.
#[derive(Debug, Deserialize)]
struct RawAuditRecord<'a> {
    #[serde(rename = "Id", borrow)]
    id: Option<LenientText<'a>>,
    #[serde(rename = "CreationTime", borrow)]
    creation_time: Option<Cow<'a, str>>,
    #[serde(rename = "Operation", borrow)]
    operation: Option<Cow<'a, str>>,
    #[serde(rename = "UserId", borrow)]
    user_id: Option<Cow<'a, str>>,
    #[serde(rename = "ClientIP", borrow)]
    client_ip: Option<Cow<'a, str>>,
    #[serde(rename = "ClientIPAddress", borrow)]
    client_ip_address: Option<Cow<'a, str>>,
    #[serde(rename = "ObjectId", borrow)]
    object_id: Option<Cow<'a, str>>,
    #[serde(rename = "Parameters", borrow)]
    parameters: Option<Vec<NameValue<'a>>>,
}

/// One `{"Name": ..., "Value": ...}` pair of `Parameters` or `OperationProperties`.
#[derive(Debug, Deserialize)]
struct NameValue<'a> {
    #[serde(rename = "Name", borrow)]
    name: Cow<'a, str>,
    #[serde(rename = "Value", borrow, default)]
    value: LenientText<'a>,
}

/// Rule parameters that are conditions (what the rule matches), kept for the analyst.
const CONDITION_PARAMETERS: &[&str] = &[
    "From",
    "FromAddressContainsWords",
    "SubjectContainsWords",
    "SubjectOrBodyContainsWords",
    "BodyContainsWords",
    "HeaderContainsWords",
    "RecipientAddressContainsWords",
    "SentTo",
    "HasAttachment",
    "MyNameInToOrCcBox",
    "WithImportance",
    "WithinSizeRangeMinimum",
    "WithinSizeRangeMaximum",
];

/// Decodes one Management Activity API audit record; `None` when the object has neither
/// `Operation` nor `CreationTime` (it is not an audit record).
pub fn decode_api_record(bytes: &[u8]) -> Option<Outcome> {
    let raw: RawAuditRecord<'_> = match serde_json::from_slice(bytes) {
        Ok(raw) => raw,
        Err(error) => return Some(Outcome::Rejected(format!("invalid audit record: {error}"))),
    };
    if raw.operation.is_none() && raw.creation_time.is_none() {
        return None;
    }
    Some(decode_audit(&raw))
}

/// Turns an audit record's fields into an outcome.
fn decode_audit(raw: &RawAuditRecord<'_>) -> Outcome {
    let Some(operation) = raw.operation.as_deref() else {
        return Outcome::Rejected("not an audit record: missing field `Operation`".into());
    };
    let Some(id) = raw.id.as_ref().filter(|id| !id.0.trim().is_empty()) else {
        return Outcome::Rejected("audit record without `Id`".into());
    };
    let Some(creation_time) = raw.creation_time.as_deref() else {
        return Outcome::Rejected("audit record without `CreationTime`".into());
    };
    let Some(time) = Timestamp::parse(creation_time) else {
        return Outcome::Rejected(format!(
            "field `CreationTime`: invalid time `{creation_time}`"
        ));
    };
    let Some(rule_operation) = RuleOperation::from_operation(operation) else {
        return Outcome::ignored(operation, Some(id.0.trim().to_owned()));
    };
    let rule = mailbox_rule(rule_operation, raw);
    let ip = raw
        .client_ip
        .as_deref()
        .and_then(parse_client_ip)
        .or_else(|| raw.client_ip_address.as_deref().and_then(parse_client_ip));
    Outcome::Event(Event {
        record_id: id.0.trim().to_owned(),
        time,
        user: raw
            .user_id
            .as_deref()
            .map(|user| user.trim().to_lowercase())
            .filter(|user| !user.is_empty()),
        ip,
        source: LogSource::UnifiedAuditLog,
        kind: EventKind::MailboxRule(rule),
    })
}

/// Reads an inbox rule from cmdlet parameters; names match exactly, in any case.
fn mailbox_rule(operation: RuleOperation, raw: &RawAuditRecord<'_>) -> MailboxRule {
    let mut rule = MailboxRule {
        operation: Some(operation),
        ..MailboxRule::default()
    };
    let mut identity = None;
    for parameter in raw.parameters.iter().flatten() {
        let name = parameter.name.trim();
        let value = parameter.value.0.as_ref();
        let is = |expected: &str| name.eq_ignore_ascii_case(expected);
        rule.parameter_names.push(name.to_owned());
        if is("Name") {
            rule.name = Some(value.to_owned());
        } else if is("Identity") {
            identity = Some(value.to_owned());
        } else if is("ForwardTo") {
            rule.forward_to = recipients(value);
        } else if is("ForwardAsAttachmentTo") {
            rule.forward_as_attachment_to = recipients(value);
        } else if is("RedirectTo") {
            rule.redirect_to = recipients(value);
        } else if is("DeleteMessage") {
            rule.delete_message = is_truthy(value);
        } else if is("MarkAsRead") {
            rule.mark_as_read = is_truthy(value);
        } else if is("StopProcessingRules") {
            rule.stop_processing_rules = is_truthy(value);
        } else if is("MoveToFolder") {
            rule.move_to_folder = Some(value.to_owned()).filter(|folder| !folder.is_empty());
        } else if CONDITION_PARAMETERS.iter().any(|c| is(c))
            || name
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("ExceptIf"))
        {
            rule.conditions.push((name.to_owned(), value.to_owned()));
        }
    }
    if rule.name.is_none() {
        // Set-InboxRule addresses the rule by identity; the object id ends with the rule name.
        rule.name = identity.or_else(|| {
            raw.object_id
                .as_deref()
                .and_then(|object| object.rsplit('\\').next())
                .map(str::to_owned)
        });
    }
    rule
}

/// Splits a recipient list (`a@x.com;b@y.com`), dropping `smtp:` prefixes and blanks.
fn recipients(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .map(|address| {
            address
                .get(..5)
                .filter(|prefix| prefix.eq_ignore_ascii_case("smtp:"))
                .map_or(address, |_| &address[5..])
        })
        .filter(|address| !address.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Outcome {
        decode_api_record(bytes).expect("an audit record")
    }

    fn event(json: &str) -> Event {
        match decode(json.as_bytes()) {
            Outcome::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    fn rule(event: &Event) -> &MailboxRule {
        match &event.kind {
            EventKind::MailboxRule(rule) => rule,
            other => panic!("expected a mailbox rule, got {other:?}"),
        }
    }

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
    fn new_inbox_rule_is_read_field_by_field() {
        let event = event(NEW_INBOX_RULE);
        assert_eq!(event.record_id, "5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10");
        assert_eq!(
            event.time,
            Timestamp::parse("2025-03-04T09:15:02Z").expect("time")
        );
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("198.51.100.23")
        );
        let rule = rule(&event);
        assert_eq!(rule.operation, Some(RuleOperation::NewInboxRule));
        assert_eq!(rule.name.as_deref(), Some("."));
        assert_eq!(
            rule.forward_to,
            vec!["drop.box@outlook-mail.example", "jdoe2@contoso.com"]
        );
        assert!(rule.mark_as_read && rule.stop_processing_rules && !rule.delete_message);
        assert_eq!(rule.move_to_folder.as_deref(), Some("RSS Feeds"));
        assert_eq!(rule.parameter_names.len(), 8);
        assert_eq!(rule.parameter_names[6], "forwardto");
        assert_eq!(
            rule.conditions,
            vec![(
                "SubjectOrBodyContainsWords".to_owned(),
                "invoice;payment;wire".to_owned()
            )]
        );
    }

    #[test]
    fn set_inbox_rule_takes_its_name_from_identity() {
        let event = event(
            r#"{"Id":"a","CreationTime":"2025-03-04T09:15:02","Operation":"set-inboxrule","UserId":"x@y.com",
                "ClientIP":"::ffff:203.0.113.9","Parameters":[{"Name":"Identity","Value":"Payroll"},{"Name":"DeleteMessage","Value":true}]}"#,
        );
        let rule = rule(&event);
        assert_eq!(rule.operation, Some(RuleOperation::SetInboxRule));
        assert_eq!(rule.name.as_deref(), Some("Payroll"));
        assert!(rule.delete_message);
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("203.0.113.9")
        );
    }

    #[test]
    fn other_operations_are_ignored_by_name() {
        let outcome = decode(
            br#"{"Id":"b","CreationTime":"2025-03-04T09:15:02","Operation":"MailItemsAccessed"}"#,
        );
        assert_eq!(
            outcome,
            Outcome::ignored("MailItemsAccessed", Some("b".into()))
        );
    }

    #[test]
    fn malformed_records_are_rejected_with_a_reason() {
        let reason = |json: &str| match decode(json.as_bytes()) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert!(
            reason(r#"{"Id":"c","CreationTime":"2025-03-04T09:15:02","Operation":5}"#)
                .contains("invalid type")
        );
        assert!(reason(r#"{"Id":"c","Operation":"New-InboxRule"}"#).contains("CreationTime"));
        assert!(
            reason(r#"{"Id":"c","CreationTime":"2025-03-04T17:08:65","Operation":"Send"}"#)
                .contains("17:08:65")
        );
        assert!(
            reason(r#"{"CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#).contains("Id")
        );
        assert!(reason(r#"{"Id":"c","CreationTime":"2025-03-04T09:15:02"}"#).contains("Operation"));
        assert!(reason(r#"{"Id":"c","CreationTime":"2025-03-04T09:15:02","Operation":"New-InboxRule","Parameters":{"Name":"x"}}"#).contains("invalid type"));
    }
}
