//! Sign-ins as Azure Monitor diagnostic settings export them (to a storage account or an
//! event hub): `{"records":[...]}`, each record an envelope (`time` when the log received
//! it, `category` `SignInLogs` or `NonInteractiveUserSignInLogs`, `resultType` the error code
//! as text, `callerIpAddress`, `location` the country code) around the Graph sign-in in
//! `properties`, whose `createdDateTime` carries a `+00:00` offset.

use super::signin_fields::{category, created, graph_object, logged, offset_time, seven_digits};
use super::{FormatWriter, Separated, WriterContext, sign_in};
use crate::record::SimRecord;
use serde_json::{Value, json};
use std::io::{self, Write};

/// Writes sign-ins as Azure Monitor diagnostic records.
#[derive(Debug)]
pub struct AzureMonitor {
    tenant_id: String,
    separated: Separated,
}

impl AzureMonitor {
    /// A writer for the tenant of `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            tenant_id: context.tenant_id.clone(),
            separated: Separated::default(),
        }
    }
}

impl FormatWriter for AzureMonitor {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\"records\":[\n")
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let sign_in = sign_in(record)?;
        let mut properties = graph_object(sign_in);
        properties.insert(
            "createdDateTime".into(),
            json!(offset_time(created(sign_in))),
        );
        properties.insert("originalRequestId".into(), json!(sign_in.id));
        properties.insert("userType".into(), json!("Member"));
        properties.insert("tokenIssuerType".into(), json!("AzureAD"));
        properties.insert("authenticationProtocol".into(), json!("none"));
        let code = sign_in.status.error_code;
        let mut envelope = json!({
            "time": format!("{}Z", seven_digits(logged(sign_in))),
            "resourceId": format!("/tenants/{}/providers/Microsoft.aadiam", self.tenant_id),
            "operationName": "Sign-in activity",
            "operationVersion": "1.0",
            "category": category(sign_in),
            "tenantId": self.tenant_id,
            "resultType": code.to_string(),
            "resultSignature": "None",
            "durationMs": 0,
            "callerIpAddress": sign_in.ip_address,
            "correlationId": sign_in.correlation_id,
            "identity": sign_in.user_display_name,
            "Level": 4,
            "location": sign_in.location.country_or_region,
            "properties": Value::Object(properties),
        });
        if code != 0 {
            envelope["resultDescription"] = json!(sign_in.status.failure_reason);
        }
        self.separated.next(out, b",\n")?;
        serde_json::to_writer(&mut *out, &envelope)?;
        Ok(sign_in.id.clone())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\n]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::super::tests::{context, written};
    use super::*;

    #[test]
    fn records_with_their_envelope() {
        let mut writer = AzureMonitor::new(&context("signins.azure-monitor.json"));
        let (text, ids) = written(&mut writer, &[sign_in_record(true), sign_in_record(false)]);
        assert_eq!(ids.len(), 2);
        let page: Value = serde_json::from_str(&text).expect("valid JSON");
        let first = &page["records"][0];
        assert_eq!(first["category"], "SignInLogs");
        assert_eq!(first["resultType"], "50126");
        assert_eq!(first["callerIpAddress"], "203.0.113.77");
        assert_eq!(first["location"], "NL");
        assert_eq!(
            first["properties"]["createdDateTime"],
            "2025-03-04T08:58:07.9490387+00:00"
        );
        assert_eq!(
            first["properties"]["id"],
            "7f3c2a10-5b6d-4e8f-9a01-23456789ab00"
        );
        assert!(
            first["time"]
                .as_str()
                .is_some_and(|t| t.as_bytes()[..16] == *b"2025-03-04T08:58")
        );
        assert_eq!(
            page["records"][1]["category"],
            "NonInteractiveUserSignInLogs"
        );
    }
}
