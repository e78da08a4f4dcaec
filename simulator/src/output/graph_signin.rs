//! Microsoft Graph `auditLogs/signIns` responses: `{"@odata.context":..., "value":[...]}`.

use super::{FormatWriter, Separated};
use crate::record::{Body, SimRecord};
use std::io::{self, Write};

const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns";

/// Writes sign-ins as one Graph response page.
#[derive(Debug, Default)]
pub struct GraphSignins {
    separated: Separated,
}

impl FormatWriter for GraphSignins {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{{\"@odata.context\":\"{CONTEXT}\",\"value\":[")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let Body::SignIn(sign_in) = &record.body else {
            return Err(io::Error::other("not a sign-in"));
        };
        self.separated.next(out, b",\n")?;
        super::write_json(out, sign_in.as_ref())?;
        Ok(sign_in.id.clone())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\n]}\n")
    }
}
