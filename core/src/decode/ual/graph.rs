//! Microsoft Graph audit log query records (`/security/auditLog/queries/{id}/records`):
//! camelCase properties around the classic record, which is an *object* in `auditData`.
//!
//! The outer `id`, `createdDateTime`, `operation`, `userPrincipalName` (or `userId`) and
//! `clientIp` fill in what `auditData` lacks; `auditLogRecordType` (a name such as
//! `exchangeAdmin`) is not needed. The `{"value": [...]}` page wrapper is unwrapped by the
//! framer.

use super::envelope::{Envelope, export_time};
use super::mapping::to_outcome;
use super::record::{AuditRecord, parse_record};
use super::values::{Text, embedded_record_text};
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The properties of a Graph audit log record.
#[derive(Deserialize)]
struct GraphRecord<'a> {
    #[serde(rename = "auditData", borrow)]
    audit_data: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<LenientText<'a>>,
    #[serde(rename = "createdDateTime", borrow)]
    created_date_time: Option<Text<'a>>,
    #[serde(borrow)]
    operation: Option<Text<'a>>,
    #[serde(rename = "userPrincipalName", borrow)]
    user_principal_name: Option<Text<'a>>,
    #[serde(rename = "userId", borrow)]
    user_id: Option<Text<'a>>,
    #[serde(rename = "clientIp", borrow)]
    client_ip: Option<Text<'a>>,
}

/// Decodes one Graph audit log record; `None` when the object has no `auditData`.
pub fn decode_graph_record(bytes: &[u8]) -> Option<Outcome> {
    let graph: GraphRecord<'_> = match serde_json::from_slice(bytes) {
        Ok(graph) => graph,
        Err(error) => {
            return Some(Outcome::Rejected(format!(
                "invalid Graph audit log record: {error}"
            )));
        }
    };
    let raw = graph.audit_data?;
    let text = match embedded_record_text(raw, "auditData") {
        Ok(text) => text,
        Err(reason) => return Some(Outcome::Rejected(reason)),
    };
    let record = match text.as_deref().map(parse_record) {
        Some(Ok(record)) => record,
        Some(Err(reason)) => {
            return Some(Outcome::Rejected(format!("field `auditData`: {reason}")));
        }
        None => AuditRecord::default(),
    };
    let envelope = Envelope {
        id: graph.id.as_ref().map(|id| id.0.as_ref()),
        time: graph
            .created_date_time
            .as_deref()
            .map(|text| export_time("createdDateTime", text)),
        operation: graph.operation.as_deref(),
        user: graph
            .user_principal_name
            .as_deref()
            .or(graph.user_id.as_deref()),
        ips: [graph.client_ip.as_deref(), None],
        ..Envelope::default()
    };
    Some(to_outcome(&record, &envelope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use crate::time::Timestamp;

    #[test]
    fn graph_record_with_the_classic_record_inside() {
        let outcome = decode_graph_record(
            br##"{"id":"4593aac8","createdDateTime":"2025-03-04T08:58:07Z","auditLogRecordType":"azureActiveDirectoryStsLogon",
                "operation":"UserLoginFailed","organizationId":"0e8108b1","userType":"regular","userId":"jdoe@contoso.com",
                "service":"AzureActiveDirectory","objectId":"Unknown","userPrincipalName":"JDoe@contoso.com","clientIp":"203.0.113.77",
                "administrativeUnits":[],
                "auditData":{"@odata.type":"#microsoft.graph.security.azureActiveDirectoryStsLogonAuditRecord",
                  "CreationTime":"2025-03-04T08:58:07","Id":"4593aac8","Operation":"UserLoginFailed","ErrorNumber":"50126",
                  "LogonError":"InvalidUserNameOrPassword","UserId":"jdoe@contoso.com"}}"##,
        )
        .expect("a Graph record");
        let Outcome::Event(event) = outcome else {
            panic!("an event: {outcome:?}");
        };
        assert_eq!(&*event.record_id, "4593aac8");
        assert_eq!(
            event.time,
            Timestamp::parse("2025-03-04T08:58:07Z").expect("valid")
        );
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(event.ip, "203.0.113.77".parse().ok(), "from `clientIp`");
        let EventKind::SignIn(sign_in) = event.kind else {
            panic!("a sign-in");
        };
        assert_eq!(sign_in.error_code, 50126);
    }

    #[test]
    fn not_a_graph_record() {
        assert_eq!(
            decode_graph_record(br#"{"id":"x","createdDateTime":"y"}"#),
            None
        );
        assert!(matches!(
            decode_graph_record(br#"{"id":"x","auditData":{"Id":5,"Operation":[]}}"#),
            Some(Outcome::Rejected(reason)) if reason.starts_with("field `auditData`: invalid audit record")
        ));
    }
}
