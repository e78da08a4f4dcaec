//! Management Activity API audit records: a JSON array (what `Get-Content` of a saved
//! `/content` response gives) or one record per line (what most collectors write).

use super::{FormatWriter, Separated, text};
use crate::record::{Body, SimRecord};
use std::io::{self, Write};

/// Writes audit records as the Management Activity API returns them.
#[derive(Debug)]
pub struct ManagementJson {
    array: bool,
    separated: Separated,
}

impl ManagementJson {
    /// One JSON array, one record per line.
    pub fn array() -> Self {
        Self {
            array: true,
            separated: Separated::default(),
        }
    }

    /// Newline-delimited JSON.
    pub fn ndjson() -> Self {
        Self {
            array: false,
            separated: Separated::default(),
        }
    }
}

impl FormatWriter for ManagementJson {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.array {
            out.write_all(b"[\n")?;
        }
        Ok(())
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        self.write_uncited(record, out)?;
        let Body::Audit(audit) = &record.body else {
            return Err(io::Error::other("not an audit record"));
        };
        Ok(text(audit, "Id").to_owned())
    }

    fn write_uncited(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<()> {
        let Body::Audit(audit) = &record.body else {
            return Err(io::Error::other("not an audit record"));
        };
        if self.array {
            self.separated.next(out, b",\n")?;
        }
        super::write_json(out, audit)?;
        if !self.array {
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.array {
            out.write_all(b"\n]\n")?;
        }
        Ok(())
    }
}
