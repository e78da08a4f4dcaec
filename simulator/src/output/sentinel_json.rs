//! Microsoft Sentinel / Log Analytics sign-in rows as a query's JSON export: an array of
//! `SigninLogs` and `AADNonInteractiveUserSignInLogs` rows. The interactive table holds its
//! dynamic columns as objects; the non-interactive one stores them as JSON text, and the
//! export keeps them so.

use super::sentinel_row::{Cell, NESTED, row};
use super::{FormatWriter, Separated, WriterContext, sign_in};
use crate::record::SimRecord;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Writes sign-ins as Sentinel rows in JSON.
#[derive(Debug)]
pub struct SentinelJson {
    tenant_id: String,
    separated: Separated,
}

impl SentinelJson {
    /// A writer for the tenant of `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            tenant_id: context.tenant_id.clone(),
            separated: Separated::default(),
        }
    }
}

impl FormatWriter for SentinelJson {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let sign_in = sign_in(record)?;
        let mut object = Map::new();
        for (column, cell) in row(sign_in, &self.tenant_id) {
            let value = match cell {
                Cell::Scalar(value) => value,
                Cell::Time(time) => json!(time.0.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
                Cell::Nested(value) if !sign_in.is_interactive && NESTED.contains(&column) => {
                    json!(value.to_string())
                }
                Cell::Nested(value) => value,
            };
            object.insert(column.into(), value);
        }
        self.separated.next(out, b",\n")?;
        serde_json::to_writer(&mut *out, &Value::Object(object))?;
        Ok(sign_in.id.clone())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\n]\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::super::tests::{context, written};
    use super::*;

    #[test]
    fn interactive_objects_and_non_interactive_text() {
        let mut writer = SentinelJson::new(&context("signins.sentinel.json"));
        let (text, ids) = written(&mut writer, &[sign_in_record(true), sign_in_record(false)]);
        assert_eq!(ids.len(), 2);
        let rows: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(rows[0]["Type"], "SigninLogs");
        assert_eq!(rows[0]["Status"]["errorCode"], 50126);
        assert_eq!(rows[0]["CreatedDateTime"], "2025-03-04T08:58:07.949Z");
        assert_eq!(rows[1]["Type"], "AADNonInteractiveUserSignInLogs");
        let status: Value =
            serde_json::from_str(rows[1]["Status"].as_str().expect("text")).expect("JSON text");
        assert_eq!(status["errorCode"], 50126);
        assert_eq!(rows[1]["IsInteractive"], false);
    }
}
