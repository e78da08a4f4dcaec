//! The Entra portal's older CSV download of sign-ins: fifteen quoted columns
//! (`"CreatedDateTime","UserPrincipalName",...,"ConditionalAccessStatus"`), a US-locale
//! 12-hour time, the country by its English name, and `Status` `Success` or `Failure` with
//! no error code, no record id (the engine cites `file:line`) and no user agent.

use super::csv_field::quoted;
use super::signin_fields::{country_name, created};
use super::{FormatWriter, WriterContext, sign_in};
use crate::record::SimRecord;
use std::io::{self, Write};

const HEADER: &str = "\"CreatedDateTime\",\"UserPrincipalName\",\"UserDisplayName\",\"AppDisplayName\",\"IPAddress\",\"City\",\"Country\",\"Device\",\"Browser\",\"OS\",\"Status\",\"RiskState\",\"RiskLevelDuringSignIn\",\"RiskLevelAggregated\",\"ConditionalAccessStatus\"";

/// Writes sign-ins as the older portal CSV download.
#[derive(Debug)]
pub struct OlderPortalCsv {
    file: String,
    line: u64,
}

impl OlderPortalCsv {
    /// A writer of the file named in `context` (its rows are cited by position).
    pub fn new(context: &WriterContext) -> Self {
        Self {
            file: context.file.clone(),
            line: 1,
        }
    }
}

impl FormatWriter for OlderPortalCsv {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{HEADER}\r\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let sign_in = sign_in(record)?;
        let device = &sign_in.device_detail;
        let status = if sign_in.status.error_code == 0 {
            "Success"
        } else {
            "Failure"
        };
        let fields = [
            created(sign_in)
                .format("%-m/%-d/%Y %-I:%M:%S %p")
                .to_string(),
            sign_in.user_principal_name.clone(),
            sign_in.user_display_name.clone(),
            sign_in.app_display_name.clone(),
            sign_in.ip_address.clone(),
            sign_in.location.city.clone(),
            country_name(&sign_in.location.country_or_region).to_owned(),
            device.display_name.clone(),
            device.browser.clone(),
            device.operating_system.clone(),
            status.to_owned(),
            sign_in.risk_state.clone(),
            sign_in.risk_level_during_sign_in.clone(),
            sign_in.risk_level_aggregated.clone(),
            sign_in.conditional_access_status.clone(),
        ];
        let row: Vec<_> = fields.iter().map(|f| quoted(f)).collect();
        write!(out, "{}\r\n", row.join(","))?;
        self.line += 1;
        Ok(format!("{}:{}", self.file, self.line))
    }
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::super::tests::{context, written};
    use super::*;

    #[test]
    fn rows_cited_by_position() {
        let mut writer = OlderPortalCsv::new(&context("SignInLogs.older.csv"));
        let (text, ids) = written(&mut writer, &[sign_in_record(true), sign_in_record(true)]);
        assert_eq!(ids, ["SignInLogs.older.csv:2", "SignInLogs.older.csv:3"]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "\"3/4/2025 8:58:07 AM\",\"JDoe@Contoso.com\",\"Jane Doe\",\"Office 365 Exchange Online\",\"203.0.113.77\",\"Amsterdam\",\"Netherlands\",\"\",\"Edge 124.0.2478\",\"Windows10\",\"Failure\",\"none\",\"hidden\",\"none\",\"notApplied\""
        );
    }
}
