//! The Entra admin center's CSV download of sign-ins (the current header, with its trailing
//! spaces, double space and repeated `Incoming token type`): one row per sign-in, times to
//! the second, `Location` as `City, State, CC`, `Status` `Success` / `Failure` /
//! `Interrupted` beside the error code, flags as `Yes` / `No`.
//!
//! The portal has no risk columns and tells the interactive and non-interactive logs apart
//! only by the file it writes each to (`InteractiveSignIns_...`, `NonInteractiveSignIns_...`);
//! this writer puts every sign-in in one file of neutral name, so its rows state neither.

use super::csv_field::{field, line};
use super::signin_fields::{created, portal_status, yes_no};
use super::{FormatWriter, WriterContext, sign_in};
use crate::record::{SignIn, SimRecord};
use std::borrow::Cow;
use std::io::{self, Write};

const HEADER: &str = "Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,User type,Cross tenant access type,Incoming token type,Authentication Protocol,Unique token identifier,Original transfer method,Client credential type,Token Protection - Sign In Session,Token Protection - Sign In Session StatusCode,Application,Application ID ,App owner tenant ID,Resource,Resource ID ,Resource tenant ID,Resource owner tenant ID,Home tenant ID,Home tenant name,IP address,Location,Status,Sign-in error code,Failure reason,Client app,Device ID,Browser,Operating System,Compliant,Managed,Join Type,Multifactor authentication result,Multifactor authentication auth method,Multifactor authentication auth detail,Authentication requirement,Sign-in identifier,Session ID,IP address (seen by resource),Through Global Secure Access,Global Secure Access IP address,Autonomous system  number,Flagged for review,Token issuer type,Incoming token type,Token issuer name,Latency,Conditional Access,Managed Identity type,Associated Resource Id,Federated Token Id,Federated Token Issuer";

/// Writes sign-ins as the portal's CSV download.
#[derive(Debug)]
pub struct PortalCsv {
    tenant_id: String,
}

impl PortalCsv {
    /// A writer for the tenant of `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            tenant_id: context.tenant_id.clone(),
        }
    }
}

/// The value of `column` (trimmed header name) for `sign_in`.
fn value(column: &str, sign_in: &SignIn, tenant_id: &str) -> String {
    let code = sign_in.status.error_code;
    let device = &sign_in.device_detail;
    let location = &sign_in.location;
    match column {
        "Date (UTC)" => created(sign_in).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "Request ID" => sign_in.id.clone(),
        "User agent" => sign_in.user_agent.clone(),
        "Correlation ID" => sign_in.correlation_id.clone(),
        "User ID" => sign_in.user_id.clone(),
        "User" => sign_in.user_display_name.clone(),
        "Username" => sign_in.user_principal_name.clone(),
        "User type" => "Member".into(),
        "Cross tenant access type"
        | "Incoming token type"
        | "Authentication Protocol"
        | "Original transfer method"
        | "Client credential type"
        | "Managed Identity type" => "none".into(),
        "Application" => sign_in.app_display_name.clone(),
        "Application ID" => sign_in.app_id.clone(),
        "Resource" => sign_in.resource_display_name.clone(),
        "Resource ID" => sign_in.resource_id.clone(),
        "Resource tenant ID" | "Home tenant ID" => tenant_id.to_owned(),
        "IP address" => sign_in.ip_address.clone(),
        "Location" => format!(
            "{}, {}, {}",
            location.city, location.state, location.country_or_region
        ),
        "Status" => portal_status(code).into(),
        "Sign-in error code" => code.to_string(),
        "Failure reason" if code != 0 => sign_in.status.failure_reason.clone(),
        "Client app" => sign_in.client_app_used.clone(),
        "Device ID" => device.device_id.clone(),
        "Browser" => device.browser.clone(),
        "Operating System" => device.operating_system.clone(),
        "Compliant" => yes_no(device.is_compliant).into(),
        "Managed" => yes_no(device.is_managed).into(),
        "Join Type" => device.trust_type.clone(),
        "Authentication requirement" => match sign_in.authentication_requirement.as_str() {
            "multiFactorAuthentication" => "Multifactor authentication".into(),
            _ => "Single-factor authentication".into(),
        },
        "Sign-in identifier" => sign_in.user_principal_name.to_lowercase(),
        "Session ID" => sign_in.session_id.clone(),
        "Through Global Secure Access" | "Flagged for review" => "No".into(),
        "Token issuer type" => "AzureAD".into(),
        "Conditional Access" => match sign_in.conditional_access_status.as_str() {
            "success" => "Success".into(),
            "failure" => "Failure".into(),
            _ => "Not Applied".into(),
        },
        _ => String::new(),
    }
}

impl FormatWriter for PortalCsv {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{HEADER}\r\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let sign_in = sign_in(record)?;
        let values: Vec<String> = HEADER
            .split(',')
            .map(|column| value(column.trim(), sign_in, &self.tenant_id))
            .collect();
        let text = line(
            values.iter().map(|v| Cow::Owned(field(v).into_owned())),
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
    fn rows_under_the_current_header() {
        let mut writer = PortalCsv::new(&context("signins.portal.csv"));
        let (text, ids) = written(&mut writer, &[sign_in_record(true)]);
        assert_eq!(ids, ["7f3c2a10-5b6d-4e8f-9a01-23456789ab00"]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], HEADER);
        assert!(
            lines[1].starts_with("2025-03-04T08:58:07Z,7f3c2a10-5b6d-4e8f-9a01-23456789ab00,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].contains(",203.0.113.77,\"Amsterdam, Noord-Holland, NL\",Failure,50126,Error validating credentials"),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[1].matches(',').count() - 3,
            HEADER.matches(',').count(),
            "commas inside the quoted location and user agent"
        );
    }
}
