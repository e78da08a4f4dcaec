//! `Search-UnifiedAuditLog ... | Export-Csv` output from Windows PowerShell: the `#TYPE` line,
//! every field quoted, `RecordType` as its enumeration name, a 24-hour US-locale
//! `CreationDate`, the record in `AuditData`, its `Id` again in `Identity`.
//!
//! A search session returns results with a running `ResultIndex` and the session's
//! `ResultCount`; the writer streams, so it cannot know the total and writes the running
//! count, which no reader of the export relies on.

use super::csv_field::quoted;
use super::{FormatWriter, WriterContext, audit, audit_type, derived, text};
use crate::record::SimRecord;
use std::io::{self, Write};

const TYPE_LINE: &str = "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.UnifiedAuditLogResult";
const HEADER: &str = "\"RunspaceId\",\"RecordType\",\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\",\"ResultIndex\",\"ResultCount\",\"Identity\",\"IsValid\",\"ObjectState\"";

/// Writes audit records as `Export-Csv` of `Search-UnifiedAuditLog` results.
#[derive(Debug)]
pub struct SearchCsv {
    runspace: String,
    index: u64,
}

impl SearchCsv {
    /// A writer for the run described by `context` (the runspace id derives from it).
    pub fn new(context: &WriterContext) -> Self {
        Self {
            runspace: derived::guid(&[&context.tenant_id, "runspace"]),
            index: 0,
        }
    }
}

impl FormatWriter for SearchCsv {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{TYPE_LINE}\r\n{HEADER}\r\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        let id = text(audit, "Id");
        self.index += 1;
        let index = self.index.to_string();
        let json = serde_json::to_string(audit)?;
        let fields = [
            self.runspace.as_str(),
            &audit_type::pascal(audit_type::of(audit)),
            &record.time.format("%-m/%-d/%Y %H:%M:%S").to_string(),
            text(audit, "UserId"),
            text(audit, "Operation"),
            &json,
            &index,
            &index,
            id,
            "True",
            "Unchanged",
        ];
        let row: Vec<_> = fields.iter().map(|f| quoted(f)).collect();
        write!(out, "{}\r\n", row.join(","))?;
        Ok(id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, context, written};
    use super::*;

    #[test]
    fn rows_as_export_csv_writes_them() {
        let mut writer = SearchCsv::new(&context("ual.search.csv"));
        let (text, ids) = written(&mut writer, &[audit_record(), audit_record()]);
        assert_eq!(ids.len(), 2);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], TYPE_LINE);
        assert_eq!(lines[1], HEADER);
        assert!(
            lines[2].contains(
                "\"ExchangeAdmin\",\"3/4/2025 13:15:02\",\"jdoe@contoso.com\",\"New-InboxRule\",\"{"
            ),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].ends_with(
                "\"2\",\"2\",\"6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10\",\"True\",\"Unchanged\""
            ),
            "{}",
            lines[3]
        );
    }
}
