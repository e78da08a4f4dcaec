//! The Entra portal's JSON download of sign-ins: a plain JSON array of Graph `signIn`
//! objects, without the `@odata.context` envelope of an API response.

use super::signin_fields::graph_object;
use super::{FormatWriter, Separated, sign_in};
use crate::record::SimRecord;
use std::io::{self, Write};

/// Writes sign-ins as a plain JSON array.
#[derive(Debug, Default)]
pub struct PortalJson {
    separated: Separated,
}

impl FormatWriter for PortalJson {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let sign_in = sign_in(record)?;
        self.separated.next(out, b",\n")?;
        serde_json::to_writer(&mut *out, &graph_object(sign_in))?;
        Ok(sign_in.id.clone())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\n]\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::super::tests::written;
    use super::*;

    #[test]
    fn a_plain_array() {
        let (text, ids) = written(
            &mut PortalJson::default(),
            &[sign_in_record(true), sign_in_record(false)],
        );
        assert_eq!(ids, ["7f3c2a10-5b6d-4e8f-9a01-23456789ab00"; 2]);
        let rows: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(rows[0]["status"]["errorCode"], 50126);
        assert_eq!(rows[1]["isInteractive"], false);
        assert!(rows.get("value").is_none());
    }
}
