//! Audit-log CSV exports (`CsvKind::UalCsv`): one row per record, the record's JSON in the
//! `AuditData` column.
//!
//! Three headers exist and all are read by column name, in any order:
//! - Purview's new audit search: `RecordId,CreationDate,RecordType,Operation,UserId,AuditData,
//!   AssociatedAdminUnits,AssociatedAdminUnitsNames`;
//! - the classic compliance-portal export: `CreationDate,UserIds,Operations,AuditData`;
//! - `Search-UnifiedAuditLog | Export-Csv`: `RunspaceId,RecordType,CreationDate,UserIds,
//!   Operations,AuditData,ResultIndex,ResultCount,Identity,IsValid,ObjectState` (its `#TYPE`
//!   line is skipped by the framer).
//!
//! `AuditData` is decoded with the shared mapping; the columns fill in what it lacks
//! (`RecordId`/`Identity` the id, `CreationDate` the time, `Operation(s)` the operation,
//! `UserId(s)` the user). `CreationDate` is ISO or US-locale text (`3/4/2025 9:15:02 AM`, or
//! 24-hour), depending on the exporting machine's locale; `AuditData`'s `CreationTime` wins
//! because it is always ISO and UTC. `RecordType` (a number or a name) is not needed.

use super::envelope::{Envelope, export_time};
use super::mapping::to_outcome;
use super::record::{AuditRecord, parse_record};
use crate::decode::Outcome;
use crate::input::csv::CsvRow;

/// Decodes one row of an audit-log CSV export.
pub fn decode_csv_row(row: &CsvRow<'_>) -> Outcome {
    let audit_data = match utf8_column(row, "auditdata") {
        Ok(audit_data) => audit_data,
        Err(reason) => return Outcome::Rejected(reason),
    };
    let record = match audit_data {
        Some(text) => match parse_record(text) {
            Ok(record) => record,
            Err(reason) => return Outcome::Rejected(format!("column `AuditData`: {reason}")),
        },
        None => AuditRecord::default(),
    };
    let envelope = Envelope {
        id: row.get("recordid").or_else(|| row.get("identity")),
        time: row
            .get("creationdate")
            .map(|text| export_time("CreationDate", text)),
        operation: row.get("operation").or_else(|| row.get("operations")),
        user: row.get("userid").or_else(|| row.get("userids")),
        ..Envelope::default()
    };
    to_outcome(&record, &envelope)
}

/// A column's text; `Ok(None)` when the column is missing or blank, an error when the bytes
/// are not UTF-8 (the record would otherwise silently lose its content).
fn utf8_column<'a>(row: &CsvRow<'a>, name: &str) -> Result<Option<&'a str>, String> {
    let Some(position) = row.header.position(name) else {
        return Ok(None);
    };
    match row.field(position) {
        None => Ok(None),
        Some(Ok(text)) => Ok(Some(text.trim()).filter(|text| !text.is_empty())),
        Some(Err(error)) => Err(format!("column `AuditData` is not UTF-8: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, RuleOperation};
    use crate::input::csv::{CsvFrame, CsvFramer};
    use crate::time::Timestamp;

    /// Frames `text` and decodes every row.
    fn decode_all(text: &[u8]) -> Vec<Outcome> {
        let mut framer = CsvFramer::new(1 << 20);
        let mut outcomes = Vec::new();
        let mut sink = |frame: CsvFrame<'_>| {
            if let CsvFrame::Row { row, .. } = frame {
                outcomes.push(decode_csv_row(&row));
            }
        };
        framer.push(text, &mut sink);
        framer.finish(&mut sink);
        outcomes
    }

    fn event(outcome: &Outcome) -> &crate::event::Event {
        match outcome {
            Outcome::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    const PURVIEW: &str = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n\
5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10,3/4/2025 9:15:02 AM,1,New-InboxRule,jdoe@contoso.com,\"{\"\"CreationTime\"\":\"\"2025-03-04T09:15:02\"\",\"\"Id\"\":\"\"5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10\"\",\"\"Operation\"\":\"\"New-InboxRule\"\",\"\"RecordType\"\":1,\"\"ResultStatus\"\":\"\"True\"\",\"\"UserId\"\":\"\"jdoe@contoso.com\"\",\"\"Workload\"\":\"\"Exchange\"\",\"\"Parameters\"\":[{\"\"Name\"\":\"\"Name\"\",\"\"Value\"\":\"\".\"\"},{\"\"Name\"\":\"\"MoveToFolder\"\",\"\"Value\"\":\"\"RSS Feeds\"\"}]}\",,\r\n";

    #[test]
    fn purview_row_as_documented() {
        let outcomes = decode_all(PURVIEW.as_bytes());
        let event = event(&outcomes[0]);
        assert_eq!(&*event.record_id, "5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10");
        assert_eq!(event.time, Timestamp(1_741_079_702_000));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        let EventKind::MailboxRule(rule) = &event.kind else {
            panic!("a rule");
        };
        assert_eq!(rule.operation, Some(RuleOperation::NewInboxRule));
        assert_eq!(rule.name.as_deref(), Some("."));
        assert_eq!(rule.move_to_folder.as_deref(), Some("RSS Feeds"));
    }

    #[test]
    fn columns_fill_what_audit_data_lacks() {
        let text = "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.UnifiedAuditLogResult\n\
\"RunspaceId\",\"RecordType\",\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\",\"ResultIndex\",\"ResultCount\",\"Identity\",\"IsValid\",\"ObjectState\"\n\
\"f4c1\",\"ExchangeItem\",\"3/4/2025 09:31:44\",\"JDoe@contoso.com\",\"SendAs\",\"{\"\"SendAsUserSmtp\"\":\"\"cfo@contoso.com\"\"}\",\"1\",\"2\",\"0b2d4c8e\",\"True\",\"Unchanged\"\n\
\"f4c1\",\"ExchangeItem\",\"3/4/2025 9:31:44 AM\",\"jdoe@contoso.com\",\"FileAccessed\",\"\",\"2\",\"2\",\"0b2d4c8f\",\"True\",\"Unchanged\"\n";
        let outcomes = decode_all(text.as_bytes());
        let send = event(&outcomes[0]);
        assert_eq!(&*send.record_id, "0b2d4c8e");
        assert_eq!(send.time, Timestamp(1_741_080_704_000));
        assert_eq!(send.user.as_deref(), Some("jdoe@contoso.com"));
        let EventKind::MailSend(mail) = &send.kind else {
            panic!("a send");
        };
        assert_eq!(mail.on_behalf_of.as_deref(), Some("cfo@contoso.com"));
        assert_eq!(
            outcomes[1],
            Outcome::ignored("FileAccessed", Some("0b2d4c8f".into()))
        );
    }

    #[test]
    fn classic_header_and_bad_rows() {
        let text = "CreationDate,UserIds,Operations,AuditData\n\
2025-03-04T09:15:02,a@b.com,Send,\"{\"\"Id\"\":\"\"x1\"\"}\"\n\
4/1/2026 [REDACTED_IP] AM,a@b.com,Send,\"{\"\"Id\"\":\"\"x2\"\",\"\"CreationTime\"\":\"\"2026-04-01T08:00:00\"\"}\"\n\
4/1/2026 [REDACTED_IP] AM,a@b.com,Send,\"{\"\"Id\"\":\"\"x3\"\"}\"\n\
2025-03-04T09:15:02,a@b.com,Send,\"{not json\"\n";
        let outcomes = decode_all(text.as_bytes());
        assert_eq!(&*event(&outcomes[0]).record_id, "x1");
        assert_eq!(
            event(&outcomes[1]).time,
            Timestamp::parse("2026-04-01T08:00:00").expect("valid"),
            "a broken CreationDate does not matter when AuditData has the time"
        );
        assert_eq!(
            outcomes[2],
            Outcome::Rejected(
                "field `CreationDate`: invalid time `4/1/2026 [REDACTED_IP] AM`".into()
            )
        );
        assert!(
            matches!(&outcomes[3], Outcome::Rejected(reason) if reason.starts_with("column `AuditData`: invalid audit record")),
            "{:?}",
            outcomes[3]
        );
    }

    #[test]
    fn audit_data_that_is_not_utf8_is_a_rejection() {
        let text = b"CreationDate,UserIds,Operations,AuditData\n2025-03-04T09:15:02,a@b.com,Send,\"{\xff}\"\n";
        let outcomes = decode_all(text);
        assert!(
            matches!(&outcomes[0], Outcome::Rejected(reason) if reason.contains("not UTF-8")),
            "{:?}",
            outcomes[0]
        );
    }
}
