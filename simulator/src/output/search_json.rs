//! `Search-UnifiedAuditLog ... | ConvertTo-Json` output from Windows PowerShell: an array of
//! result objects indented by four spaces, `CreationDate` as `\/Date(ms)\/`, `AuditData` the
//! record as a JSON string, `ObjectState` the enumeration's number, and `<`, `>`, `&`, `'`
//! escaped as `\u003c`... as the .NET serializer behind it does.

use super::{FormatWriter, Separated, WriterContext, audit, audit_type, derived, text};
use crate::record::SimRecord;
use std::io::{self, Write};

/// Writes audit records as `ConvertTo-Json` of `Search-UnifiedAuditLog` results.
#[derive(Debug)]
pub struct SearchJson {
    runspace: String,
    index: u64,
    separated: Separated,
}

impl SearchJson {
    /// A writer for the run described by `context` (the runspace id derives from it).
    pub fn new(context: &WriterContext) -> Self {
        Self {
            runspace: derived::guid(&[&context.tenant_id, "runspace"]),
            index: 0,
            separated: Separated::default(),
        }
    }
}

/// `text` as a JSON string the way `ConvertTo-Json` escapes it.
fn string(text: &str) -> io::Result<String> {
    Ok(serde_json::to_string(text)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\'', "\\u0027"))
}

impl FormatWriter for SearchJson {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[\r\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        let id = text(audit, "Id");
        self.index += 1;
        self.separated.next(out, b",\r\n")?;
        let members = [
            ("RunspaceId", string(&self.runspace)?),
            (
                "RecordType",
                string(&audit_type::pascal(audit_type::of(audit)))?,
            ),
            (
                "CreationDate",
                format!("\"\\/Date({})\\/\"", record.time.timestamp_millis()),
            ),
            ("UserIds", string(text(audit, "UserId"))?),
            ("Operations", string(text(audit, "Operation"))?),
            ("AuditData", string(&serde_json::to_string(audit)?)?),
            ("ResultIndex", self.index.to_string()),
            ("ResultCount", self.index.to_string()),
            ("Identity", string(id)?),
            ("IsValid", "true".into()),
            ("ObjectState", "2".into()),
        ];
        let body: Vec<String> = members
            .iter()
            .map(|(name, value)| format!("        \"{name}\": {value}"))
            .collect();
        write!(out, "    {{\r\n{}\r\n    }}", body.join(",\r\n"))?;
        Ok(id.to_owned())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\r\n]\r\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, context, written};
    use super::*;

    #[test]
    fn an_array_as_convert_to_json_writes_it() {
        let mut writer = SearchJson::new(&context("ual.search.json"));
        let mut record = audit_record();
        if let crate::record::Body::Audit(audit) = &mut record.body {
            audit.insert("Subject".into(), "<Q&A> it's".into());
        }
        let (text, ids) = written(&mut writer, &[record, audit_record()]);
        assert_eq!(ids.len(), 2);
        let rows: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let first = &rows[0];
        assert_eq!(first["CreationDate"], "/Date(1741094102000)/");
        assert!(text.contains("\"\\/Date(1741094102000)\\/\""));
        assert_eq!(first["RecordType"], "ExchangeAdmin");
        assert_eq!(first["Identity"], "6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10");
        assert_eq!(rows[1]["ResultIndex"], 2);
        let inner: serde_json::Value =
            serde_json::from_str(first["AuditData"].as_str().expect("a string")).expect("JSON");
        assert_eq!(inner["Subject"], "<Q&A> it's");
        assert!(
            text.contains("\\u003cQ\\u0026A\\u003e it\\u0027s"),
            "{text}"
        );
    }
}
