//! The classic compliance-portal audit export: `CreationDate,UserIds,Operations,AuditData`,
//! ISO 8601 dates with seven fractional digits, the record CSV-quoted in `AuditData`.

use super::csv_field::{field, line};
use super::{FormatWriter, audit, text};
use crate::record::SimRecord;
use std::borrow::Cow;
use std::io::{self, Write};

const HEADER: &str = "CreationDate,UserIds,Operations,AuditData";

/// Writes audit records as the classic audit log search CSV.
#[derive(Debug, Default)]
pub struct ClassicCsv;

impl FormatWriter for ClassicCsv {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{HEADER}")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        let json = serde_json::to_string(audit)?;
        let row = line(
            [
                Cow::Owned(record.time.format("%Y-%m-%dT%H:%M:%S.0000000Z").to_string()),
                field(text(audit, "UserId")),
                field(text(audit, "Operation")),
                field(&json),
            ],
            "\n",
        );
        out.write_all(row.as_bytes())?;
        Ok(text(audit, "Id").to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, written};
    use super::*;

    #[test]
    fn a_row_as_the_classic_export_writes_it() {
        let (text, ids) = written(&mut ClassicCsv, &[audit_record()]);
        assert_eq!(ids, ["6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"]);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER));
        let row = lines.next().expect("a row");
        assert!(
            row.starts_with("2025-03-04T13:15:02.0000000Z,jdoe@contoso.com,New-InboxRule,\"{"),
            "{row}"
        );
        assert!(row.contains("\"\"Id\"\":\"\"6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10\"\""));
    }
}
