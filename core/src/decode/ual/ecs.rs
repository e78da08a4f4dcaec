//! Elastic `o365.audit` documents (the Office 365 integration's `logs-o365.audit-*` data
//! stream): the original record under `o365.audit`, some of its fields moved to ECS.
//!
//! What the ingest pipeline does, as seen in its own test fixtures, and how it is undone:
//! - `Id`, `Operation` and `CreationTime` become `event.id`, `event.action` and `@timestamp`
//!   (`CreationTime` usually stays too); they are read back from there.
//! - The first address of `ClientIPAddress`, `ClientIP`, `ActorIpAddress` moves to `client.ip`
//!   / `source.ip`, port removed; both are address candidates after the record's own.
//! - `MailboxOwnerUPN` becomes `user.email`, `UserId` stays and is copied to `user.id`.
//! - The `UserAgent` extended property moves to `user_agent.original`.
//! - `Parameters` and `ExtendedProperties` are flattened into objects keyed by name;
//!   `OperationProperties` stays an array. [`super::name_values::NameValues`] reads both.
//! - Numbers become strings (`RecordType` `"1"`, `UserType` `"0"`); nothing read depends on
//!   them.
//!
//! `event.code` (the `RecordType` name) is not needed.

use super::envelope::{Envelope, export_time};
use super::mapping::to_outcome;
use super::record::parse_record;
use super::values::Text;
use crate::decode::Outcome;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The parts of an ECS document the decoder reads.
#[derive(Deserialize)]
struct EcsDocument<'a> {
    #[serde(rename = "@timestamp", borrow)]
    timestamp: Option<Text<'a>>,
    #[serde(borrow)]
    event: Option<EcsEvent<'a>>,
    #[serde(borrow)]
    user: Option<EcsUser<'a>>,
    #[serde(borrow)]
    client: Option<EcsEndpoint<'a>>,
    #[serde(borrow)]
    source: Option<EcsEndpoint<'a>>,
    #[serde(borrow)]
    user_agent: Option<EcsUserAgent<'a>>,
    #[serde(borrow)]
    o365: Option<EcsO365<'a>>,
}

#[derive(Deserialize)]
struct EcsEvent<'a> {
    #[serde(borrow)]
    id: Option<Text<'a>>,
    #[serde(borrow)]
    action: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct EcsUser<'a> {
    #[serde(borrow)]
    id: Option<Text<'a>>,
    #[serde(borrow)]
    email: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct EcsEndpoint<'a> {
    #[serde(borrow)]
    ip: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct EcsUserAgent<'a> {
    #[serde(borrow)]
    original: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct EcsO365<'a> {
    #[serde(borrow)]
    audit: Option<&'a RawValue>,
}

fn ip<'d>(endpoint: Option<&'d EcsEndpoint<'_>>) -> Option<&'d str> {
    endpoint.and_then(|endpoint| endpoint.ip.as_deref())
}

/// Decodes one `o365.audit` document; `None` when it has no `o365.audit`.
pub fn decode_ecs_document(bytes: &[u8]) -> Option<Outcome> {
    let document: EcsDocument<'_> = match serde_json::from_slice(bytes) {
        Ok(document) => document,
        Err(error) => {
            return Some(Outcome::Rejected(format!(
                "invalid o365.audit document: {error}"
            )));
        }
    };
    let audit = document.o365.as_ref()?.audit?;
    let record = match parse_record(audit.get()) {
        Ok(record) => record,
        Err(reason) => return Some(Outcome::Rejected(format!("field `o365.audit`: {reason}"))),
    };
    let event = document.event.as_ref();
    let user = document.user.as_ref();
    let envelope = Envelope {
        id: event.and_then(|event| event.id.as_deref()),
        time: document
            .timestamp
            .as_deref()
            .map(|text| export_time("@timestamp", text)),
        operation: event.and_then(|event| event.action.as_deref()),
        user: user.and_then(|user| user.id.as_deref()),
        mailbox_owner: user.and_then(|user| user.email.as_deref()),
        ips: [ip(document.client.as_ref()), ip(document.source.as_ref())],
        user_agent: document
            .user_agent
            .as_ref()
            .and_then(|agent| agent.original.as_deref()),
    };
    Some(to_outcome(&record, &envelope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, RuleOperation};
    use crate::time::Timestamp;

    fn event(json: &str) -> crate::event::Event {
        match decode_ecs_document(json.as_bytes()) {
            Some(Outcome::Event(event)) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_new_inbox_rule() {
        let event = event(
            r#"{"@timestamp":"2025-03-04T09:15:02.000Z","event":{"action":"New-InboxRule","provider":"Exchange","code":"ExchangeAdmin","outcome":"success",
 "category":["web"],"type":["info"],"kind":"event","id":"5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10"},
 "user":{"id":"jdoe@contoso.com","name":"jdoe","domain":"contoso.com","email":"jdoe@contoso.com"},
 "source":{"ip":"198.51.100.23","port":61011},"client":{"ip":"198.51.100.23"},"organization":{"id":"0e8108b1-18e9-41a4-961b-dfcddf92ef08","name":"contoso.onmicrosoft.com"},
 "o365":{"audit":{"ObjectId":"contoso.onmicrosoft.com\\jdoe\\.","RecordType":"1","UserType":"0","ResultStatus":"True","ExternalAccess":false,
  "Parameters":{"Name":".","SubjectOrBodyContainsWords":"invoice;payment;wire","MoveToFolder":"RSS Feeds","MarkAsRead":"True","StopProcessingRules":"True","AlwaysDeleteOutlookRulesBlob":"False","Force":"False"}}},
 "data_stream":{"dataset":"o365.audit"}}"#,
        );
        assert_eq!(&*event.record_id, "5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10");
        assert_eq!(event.time, Timestamp(1_741_079_702_000));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(event.ip, "198.51.100.23".parse().ok());
        let EventKind::MailboxRule(rule) = event.kind else {
            panic!("a rule");
        };
        assert_eq!(rule.operation, Some(RuleOperation::NewInboxRule));
        assert_eq!(rule.name.as_deref(), Some("."));
        assert!(rule.mark_as_read && rule.stop_processing_rules);
        assert_eq!(rule.move_to_folder.as_deref(), Some("RSS Feeds"));
    }

    #[test]
    fn moved_fields_are_read_back() {
        let event = event(
            r#"{"@timestamp":"2020-02-10T15:13:13.000Z","event":{"action":"UserLoggedIn","id":"ca0efc24"},
                "user":{"id":"asr@testsiem.onmicrosoft.com"},"client":{"ip":"83.57.233.151"},
                "user_agent":{"original":"Mozilla/5.0 Firefox/72.0"},
                "o365":{"audit":{"ActorIpAddress":"83.57.233.151","CreationTime":"2020-02-10T15:13:13","RecordType":"15",
                  "ExtendedProperties":{"KeepMeSignedIn":"False","RequestType":"OAuth2:Authorize"},"ModifiedProperties":{},
                  "UserId":"asr@testsiem.onmicrosoft.com","ApplicationId":"4345a7b9","UserType":"0"}}}"#,
        );
        assert_eq!(&*event.record_id, "ca0efc24");
        let EventKind::SignIn(sign_in) = event.kind else {
            panic!("a sign-in");
        };
        assert_eq!(
            sign_in.user_agent.as_deref(),
            Some("Mozilla/5.0 Firefox/72.0")
        );
        assert_eq!(sign_in.error_code, 0);
        let mailbox = event_of_mailbox();
        assert_eq!(
            mailbox.user.as_deref(),
            Some("siemtest@testsiem.onmicrosoft.com")
        );
        assert_eq!(mailbox.ip, "198.51.100.23".parse().ok(), "`::1` gives way");
    }

    fn event_of_mailbox() -> crate::event::Event {
        event(
            r#"{"@timestamp":"2020-02-17T17:12:03.000Z","event":{"action":"SoftDelete","id":"3be78a31"},
                "user":{"email":"SIEMTest@testsiem.onmicrosoft.com"},"client":{"ip":"198.51.100.23"},"source":{"ip":"198.51.100.23"},
                "o365":{"audit":{"ClientIP":"::1","CreationTime":"2020-02-17T17:12:03","RecordType":"3"}}}"#,
        )
    }

    #[test]
    fn other_documents() {
        assert_eq!(
            decode_ecs_document(br#"{"@timestamp":"x","azure":{}}"#),
            None
        );
        assert_eq!(decode_ecs_document(br#"{"o365":{"service":{}}}"#), None);
        assert!(matches!(
            decode_ecs_document(br#"{"o365":{"audit":{"Parameters":5}},"event":{"id":"a","action":"New-InboxRule"},"@timestamp":"2025-03-04T09:15:02Z"}"#),
            Some(Outcome::Rejected(reason)) if reason.starts_with("field `Parameters`")
        ));
    }
}
