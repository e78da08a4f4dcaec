//! Sign-ins as a Log Analytics / Sentinel query's CSV export (the portal's "Export to CSV"):
//! every column of the `SigninLogs` schema, times in the US locale with a comma
//! (`3/4/2025, 8:58:09.444 AM`) under `[UTC]` headers, flags as `TRUE` / `FALSE`, and
//! dynamic columns as JSON text, for interactive and non-interactive rows alike.

use super::csv_field::{field, line};
use super::sentinel_row::{Cell, row};
use super::{FormatWriter, WriterContext, sign_in};
use crate::record::SimRecord;
use serde_json::Value;
use std::borrow::Cow;
use std::io::{self, Write};

const HEADER: &str = "TenantId,SourceSystem,TimeGenerated [UTC],ResourceId,OperationName,OperationVersion,Category,ResultType,ResultSignature,ResultDescription,DurationMs,CorrelationId,Resource,ResourceGroup,ResourceProvider,Identity,Level,Location,AlternateSignInName,AppDisplayName,AppId,AuthenticationContextClassReferences,AuthenticationDetails,AppliedEventListeners,AuthenticationMethodsUsed,AuthenticationProcessingDetails,AuthenticationRequirement,AuthenticationRequirementPolicies,ClientAppUsed,ConditionalAccessPolicies,ConditionalAccessStatus,CreatedDateTime [UTC],DeviceDetail,IsInteractive,Id,IPAddress,IsRisky,LocationDetails,MfaDetail,NetworkLocationDetails,OriginalRequestId,ProcessingTimeInMilliseconds,RiskDetail,RiskEventTypes,RiskEventTypes_V2,RiskLevelAggregated,RiskLevelDuringSignIn,RiskState,ResourceDisplayName,ResourceIdentity,ResourceServicePrincipalId,ServicePrincipalId,ServicePrincipalName,Status,TokenIssuerName,TokenIssuerType,UserAgent,UserDisplayName,UserId,UserPrincipalName,AADTenantId,UserType,FlaggedForReview,IPAddressFromResourceProvider,SignInIdentifier,SignInIdentifierType,ResourceTenantId,HomeTenantId,UniqueTokenIdentifier,SessionLifetimePolicies,AutonomousSystemNumber,AuthenticationProtocol,CrossTenantAccessType,AppliedConditionalAccessPolicies,RiskLevel,SessionId,Type";

/// Writes sign-ins as a Log Analytics CSV export.
#[derive(Debug)]
pub struct SentinelCsv {
    tenant_id: String,
}

impl SentinelCsv {
    /// A writer for the tenant of `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            tenant_id: context.tenant_id.clone(),
        }
    }
}

/// One cell as the CSV export spells it.
fn spelled(cell: Cell) -> String {
    match cell {
        Cell::Scalar(Value::String(text)) => text,
        Cell::Scalar(Value::Bool(true)) => "TRUE".into(),
        Cell::Scalar(Value::Bool(false)) => "FALSE".into(),
        Cell::Scalar(value) | Cell::Nested(value) => value.to_string(),
        Cell::Time(time) => time.0.format("%-m/%-d/%Y, %-I:%M:%S%.3f %p").to_string(),
    }
}

impl FormatWriter for SentinelCsv {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{HEADER}\r\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let sign_in = sign_in(record)?;
        let mut cells = row(sign_in, &self.tenant_id);
        let values: Vec<String> = HEADER
            .split(',')
            .map(|column| {
                let name = column.trim_end_matches(" [UTC]");
                cells
                    .iter()
                    .position(|(known, _)| *known == name)
                    .map(|at| spelled(cells.swap_remove(at).1))
                    .unwrap_or_default()
            })
            .collect();
        let text = line(
            values
                .iter()
                .map(|value| Cow::Owned(field(value).into_owned())),
            "\r\n",
        );
        out.write_all(text.as_bytes())?;
        Ok(sign_in.id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::super::tests::{context, written};
    use super::*;

    #[test]
    fn rows_under_the_full_header() {
        let mut writer = SentinelCsv::new(&context("signins.sentinel.csv"));
        let (text, ids) = written(&mut writer, &[sign_in_record(true), sign_in_record(false)]);
        assert_eq!(ids.len(), 2);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], HEADER);
        assert!(
            lines[1].contains(",\"3/4/2025, 8:58:07.949 AM\","),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].contains(",TRUE,7f3c2a10-5b6d-4e8f-9a01-23456789ab00,203.0.113.77,FALSE,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].contains("\"{\"\"errorCode\"\":50126,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].ends_with(",AADNonInteractiveUserSignInLogs"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains(",FALSE,7f3c2a10"), "{}", lines[2]);
    }
}
