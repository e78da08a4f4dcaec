//! Management Activity API audit records: a JSON array (what `Get-Content` of a saved
//! `/content` response gives) or one record per line (what most collectors write).
//!
//! Each record is written in one piece: its separator and JSON are appended to a reused
//! buffer first, the background's routine records spelled directly.

use super::{FormatWriter, routine_json, text};
use crate::record::{Body, SimRecord};
use std::io::{self, Write};

/// Writes audit records as the Management Activity API returns them.
#[derive(Debug)]
pub struct ManagementJson {
    array: bool,
    started: bool,
    buffer: Vec<u8>,
}

impl ManagementJson {
    /// One JSON array, one record per line.
    pub fn array() -> Self {
        Self {
            array: true,
            started: false,
            buffer: Vec::new(),
        }
    }

    /// Newline-delimited JSON.
    pub fn ndjson() -> Self {
        Self {
            array: false,
            started: false,
            buffer: Vec::new(),
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
        match &record.body {
            Body::Audit(audit) => Ok(text(audit, "Id").to_owned()),
            Body::Routine(routine) => Ok(routine.id.clone()),
            _ => Err(io::Error::other("not an audit record")),
        }
    }

    fn write_uncited(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<()> {
        self.buffer.clear();
        if self.array && self.started {
            self.buffer.extend_from_slice(b",\n");
        }
        match &record.body {
            Body::Audit(audit) => serde_json::to_writer(&mut self.buffer, audit)?,
            Body::Routine(routine) => routine_json::write(&mut self.buffer, routine),
            _ => return Err(io::Error::other("not an audit record")),
        }
        if !self.array {
            self.buffer.push(b'\n');
        }
        self.started = true;
        out.write_all(&self.buffer)
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.array {
            out.write_all(b"\n]\n")?;
        }
        Ok(())
    }
}
