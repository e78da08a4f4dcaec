//! Microsoft Graph `auditLogs/signIns` responses: `{"@odata.context":..., "value":[...]}`.

use super::{FormatWriter, Separated, signin_json};
use crate::record::{Body, SignIn, SimRecord};
use std::io::{self, Write};

const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns";

/// Writes sign-ins as one Graph response page.
#[derive(Debug, Default)]
pub struct GraphSignins {
    separated: Separated,
    buffer: Vec<u8>,
}

impl GraphSignins {
    /// Writes `record`'s sign-in, each in one piece; returns it.
    fn put<'a>(&mut self, record: &'a SimRecord, out: &mut dyn Write) -> io::Result<&'a SignIn> {
        let Body::SignIn(sign_in) = &record.body else {
            return Err(io::Error::other("not a sign-in"));
        };
        self.separated.next(out, b",\n")?;
        self.buffer.clear();
        signin_json::write(&mut self.buffer, sign_in);
        out.write_all(&self.buffer)?;
        Ok(sign_in)
    }
}

impl FormatWriter for GraphSignins {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{{\"@odata.context\":\"{CONTEXT}\",\"value\":[")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        self.put(record, out).map(|sign_in| sign_in.id.clone())
    }

    fn write_uncited(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<()> {
        self.put(record, out).map(drop)
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\n]}\n")
    }
}
