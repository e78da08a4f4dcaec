//! The Purview portal's audit search export (the newer header): a UTF-8 BOM, CRLF lines,
//! `RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,
//! AssociatedAdminUnitsNames`, a US-locale 12-hour `CreationDate`, the numeric `RecordType`
//! and the Management Activity record, CSV-quoted, in `AuditData`.

use super::csv_field::{field, line};
use super::{FormatWriter, audit, audit_type, text};
use crate::record::SimRecord;
use std::borrow::Cow;
use std::io::{self, Write};

const HEADER: &str = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames";

/// Writes audit records as a Purview audit search CSV.
#[derive(Debug, Default)]
pub struct PurviewCsv;

impl FormatWriter for PurviewCsv {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "\u{feff}{HEADER}\r\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        let id = text(audit, "Id");
        let json = serde_json::to_string(audit)?;
        let row = line(
            [
                field(id),
                Cow::Owned(record.time.format("%-m/%-d/%Y %-I:%M:%S %p").to_string()),
                Cow::Owned(audit_type::of(audit).to_string()),
                field(text(audit, "Operation")),
                field(text(audit, "UserId")),
                field(&json),
                Cow::Borrowed(""),
                Cow::Borrowed(""),
            ],
            "\r\n",
        );
        out.write_all(row.as_bytes())?;
        Ok(id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, written};
    use super::*;

    #[test]
    fn a_row_as_purview_writes_it() {
        let (text, ids) = written(&mut PurviewCsv, &[audit_record()]);
        assert_eq!(ids, ["6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"]);
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next(), Some(format!("\u{feff}{HEADER}").as_str()));
        let row = lines.next().expect("a row");
        assert!(
            row.starts_with("6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10,3/4/2025 1:15:02 PM,1,New-InboxRule,jdoe@contoso.com,\"{\"\""),
            "{row}"
        );
        assert!(row.ends_with("}\",,"), "{row}");
    }
}
