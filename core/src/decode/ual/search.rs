//! `Search-UnifiedAuditLog` results as JSON (`ConvertTo-Json`), and CSV exports converted to
//! JSON: one object per record with the record's JSON as a *string* in `AuditData`.
//!
//! The properties are those of the CSV forms (`RecordType`, `CreationDate`, `UserIds`,
//! `Operations`, `AuditData`, `ResultIndex`, `ResultCount`, `Identity`, ...; or Purview's
//! `RecordId`, `Operation`, `UserId`). Windows PowerShell writes `CreationDate` as
//! `"\/Date(1741079702000)\/"`, PowerShell 7 as ISO text; either is read, and `AuditData`'s
//! `CreationTime` wins. A re-serialised export may hold `AuditData` as an object; that is read
//! too.

use super::envelope::{Envelope, export_time};
use super::mapping::to_outcome;
use super::record::{AuditRecord, parse_record};
use super::values::{Text, embedded_record_text};
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The properties of a search result row.
#[derive(Deserialize)]
struct SearchRow<'a> {
    #[serde(rename = "AuditData", borrow)]
    audit_data: Option<&'a RawValue>,
    #[serde(rename = "CreationDate", borrow)]
    creation_date: Option<LenientText<'a>>,
    #[serde(rename = "Identity", borrow)]
    identity: Option<LenientText<'a>>,
    #[serde(rename = "RecordId", borrow)]
    record_id: Option<LenientText<'a>>,
    #[serde(rename = "Operations", borrow)]
    operations: Option<Text<'a>>,
    #[serde(rename = "Operation", borrow)]
    operation: Option<Text<'a>>,
    #[serde(rename = "UserIds", borrow)]
    user_ids: Option<Text<'a>>,
    #[serde(rename = "UserId", borrow)]
    user_id: Option<Text<'a>>,
}

fn text_of<'r>(value: &'r Option<LenientText<'_>>) -> Option<&'r str> {
    value.as_ref().map(|value| value.0.as_ref())
}

/// Decodes one search result row; `None` when the object is not one (neither `AuditData` nor
/// `CreationDate` with `Operations`).
pub fn decode_search_record(bytes: &[u8]) -> Option<Outcome> {
    let row: SearchRow<'_> = match serde_json::from_slice(bytes) {
        Ok(row) => row,
        Err(error) => {
            return Some(Outcome::Rejected(format!(
                "invalid search result row: {error}"
            )));
        }
    };
    let is_row =
        row.audit_data.is_some() || (row.creation_date.is_some() && row.operations.is_some());
    if !is_row {
        return None;
    }
    let text = match row
        .audit_data
        .map(|raw| embedded_record_text(raw, "AuditData"))
    {
        Some(Ok(text)) => text,
        Some(Err(reason)) => return Some(Outcome::Rejected(reason)),
        None => None,
    };
    let record = match text.as_deref().map(parse_record) {
        Some(Ok(record)) => record,
        Some(Err(reason)) => {
            return Some(Outcome::Rejected(format!("field `AuditData`: {reason}")));
        }
        None => AuditRecord::default(),
    };
    let envelope = Envelope {
        id: text_of(&row.record_id).or(text_of(&row.identity)),
        time: text_of(&row.creation_date).map(|text| export_time("CreationDate", text)),
        operation: row.operation.as_deref().or(row.operations.as_deref()),
        user: row.user_id.as_deref().or(row.user_ids.as_deref()),
        ..Envelope::default()
    };
    Some(to_outcome(&record, &envelope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use crate::time::Timestamp;

    fn decode(json: &str) -> Outcome {
        decode_search_record(json.as_bytes()).expect("a search row")
    }

    #[test]
    fn convert_to_json_row() {
        let outcome = decode(
            r#"{"RunspaceId":"f4c1","RecordType":"ExchangeItemAggregated","CreationDate":"\/Date(1741080034000)\/",
                "UserIds":"jdoe@contoso.com","Operations":"MailItemsAccessed",
                "AuditData":"{\"CreationTime\":\"2025-03-04T09:20:34\",\"Id\":\"9cef02e9\",\"Operation\":\"MailItemsAccessed\",\"OperationCount\":12,\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"},{\"Name\":\"IsThrottled\",\"Value\":\"True\"}],\"UserId\":\"jdoe@contoso.com\"}",
                "ResultIndex":1,"ResultCount":3,"Identity":"9cef02e9","IsValid":true,"ObjectState":"Unchanged"}"#,
        );
        let Outcome::Event(event) = outcome else {
            panic!("an event: {outcome:?}");
        };
        assert_eq!(&*event.record_id, "9cef02e9");
        assert_eq!(event.time, Timestamp(1_741_080_034_000));
        let EventKind::MailAccess(access) = event.kind else {
            panic!("an access");
        };
        assert!(access.throttled);
        assert_eq!(access.count, 12);
    }

    #[test]
    fn the_row_fills_gaps_and_dotnet_dates_are_read() {
        let outcome = decode(
            r#"{"CreationDate":"/Date(1741079702000)/","UserIds":"JDoe@contoso.com","Operations":"HardDelete","Identity":"r9","AuditData":""}"#,
        );
        let Outcome::Event(event) = outcome else {
            panic!("an event: {outcome:?}");
        };
        assert_eq!(
            (&*event.record_id, event.time, event.user.as_deref()),
            ("r9", Timestamp(1_741_079_702_000), Some("jdoe@contoso.com"))
        );
    }

    #[test]
    fn audit_data_as_an_object_and_other_shapes() {
        let outcome = decode(
            r#"{"RecordId":"r1","CreationDate":"2025-03-04T09:15:02Z","Operation":"FileAccessed","AuditData":{"Id":"r1"}}"#,
        );
        assert_eq!(outcome, Outcome::ignored("FileAccessed", Some("r1".into())));
        assert!(matches!(
            decode(r#"{"AuditData":"{\"Id\":"}"#),
            Outcome::Rejected(reason) if reason.starts_with("field `AuditData`: invalid audit record")
        ));
        assert!(matches!(
            decode(r#"{"AuditData":[1]}"#),
            Outcome::Rejected(reason) if reason.starts_with("field `AuditData`: expected")
        ));
        assert_eq!(decode_search_record(br#"{"CreationTime":"x"}"#), None);
    }
}
