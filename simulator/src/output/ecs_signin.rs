//! Elastic `azure.signinlogs` documents (the Azure Logs integration), one per line: the
//! Azure Monitor record renamed to snake_case under `azure.signinlogs`, `@timestamp` the
//! record's `time`, the address in `source` / `client`, Entra's location in the top-level
//! `geo` (whose `country_name` the pipeline fills with the *state*, a quirk kept here), the
//! user agent in `user_agent.original`, the sign-in id in `event.id`.

use super::signin_fields::{category, created, logged, offset_time};
use super::{FormatWriter, WriterContext, sign_in};
use crate::record::SimRecord;
use serde_json::json;
use std::io::{self, Write};

/// Writes sign-ins as `azure.signinlogs` NDJSON.
#[derive(Debug)]
pub struct EcsSignin {
    tenant_id: String,
}

impl EcsSignin {
    /// A writer for the tenant of `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            tenant_id: context.tenant_id.clone(),
        }
    }
}

impl FormatWriter for EcsSignin {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let s = sign_in(record)?;
        let code = s.status.error_code;
        let (name, domain) = s
            .user_principal_name
            .split_once('@')
            .unwrap_or((&s.user_principal_name, ""));
        let location = &s.location;
        let device = &s.device_detail;
        let resource_id = format!("/tenants/{}/providers/Microsoft.aadiam", self.tenant_id);
        let properties = json!({
            "id": s.id,
            "created_at": offset_time(created(s)),
            "user_principal_name": s.user_principal_name,
            "user_display_name": s.user_display_name,
            "user_id": s.user_id,
            "app_id": s.app_id,
            "app_display_name": s.app_display_name,
            "resource_display_name": s.resource_display_name,
            "resource_id": s.resource_id,
            "client_app_used": s.client_app_used,
            "is_interactive": s.is_interactive,
            "status": {"error_code": code},
            "conditional_access_status": s.conditional_access_status,
            "risk_level_during_signin": s.risk_level_during_sign_in,
            "risk_level_aggregated": s.risk_level_aggregated,
            "risk_state": s.risk_state,
            "risk_detail": s.risk_detail,
            "authentication_requirement": s.authentication_requirement,
            "authentication_protocol": "none",
            "session_id": s.session_id,
            "device_detail": {
                "device_id": device.device_id,
                "operating_system": device.operating_system,
                "browser": device.browser,
            },
            "token_issuer_type": "AzureAD",
            "correlation_id": s.correlation_id,
        });
        let mut document = json!({
            "@timestamp": logged(s).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "ecs": {"version": "8.0.0"},
            "cloud": {"provider": "azure"},
            "data_stream": {"dataset": "azure.signinlogs", "namespace": "default", "type": "logs"},
            "event": {
                "action": "Sign-in activity",
                "category": ["authentication"],
                "type": ["info"],
                "kind": "event",
                "outcome": if code == 0 { "success" } else { "failure" },
                "duration": 0,
                "id": s.id,
            },
            "source": {"ip": s.ip_address, "address": s.ip_address},
            "client": {"ip": s.ip_address},
            "related": {"ip": [s.ip_address]},
            "geo": {
                "city_name": location.city,
                "country_name": location.state,
                "country_iso_code": location.country_or_region,
                "location": {
                    "lat": location.geo_coordinates.latitude,
                    "lon": location.geo_coordinates.longitude,
                },
            },
            "user": {"name": name, "domain": domain, "full_name": s.user_display_name, "id": s.user_id},
            "user_agent": {"original": s.user_agent},
            "log": {"level": "4"},
            "azure": {
                "tenant_id": self.tenant_id,
                "correlation_id": s.correlation_id,
                "resource": {"provider": "Microsoft.aadiam", "id": resource_id},
                "signinlogs": {
                    "category": category(s),
                    "operation_name": "Sign-in activity",
                    "operation_version": "1.0",
                    "result_type": code.to_string(),
                    "result_signature": "None",
                    "identity": s.user_display_name,
                    "properties": properties,
                },
            },
        });
        if code != 0 {
            document["message"] = json!(s.status.failure_reason);
            document["azure"]["signinlogs"]["result_description"] = json!(s.status.failure_reason);
        }
        serde_json::to_writer(&mut *out, &document)?;
        out.write_all(b"\n")?;
        Ok(s.id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::super::signin_fields::tests::sign_in_record;
    use super::super::tests::{context, written};
    use super::*;

    #[test]
    fn a_document_as_the_integration_writes_it() {
        let mut writer = EcsSignin::new(&context("signins.ecs.ndjson"));
        let (text, ids) = written(&mut writer, &[sign_in_record(false)]);
        assert_eq!(ids, ["7f3c2a10-5b6d-4e8f-9a01-23456789ab00"]);
        let document: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(document["event"]["outcome"], "failure");
        assert_eq!(document["geo"]["country_iso_code"], "NL");
        assert_eq!(document["geo"]["country_name"], "Noord-Holland");
        let logs = &document["azure"]["signinlogs"];
        assert_eq!(logs["category"], "NonInteractiveUserSignInLogs");
        assert_eq!(logs["result_type"], "50126");
        assert_eq!(logs["properties"]["status"]["error_code"], 50126);
        assert_eq!(logs["properties"]["risk_level_during_signin"], "hidden");
        assert_eq!(document["user"]["name"], "JDoe");
    }
}
