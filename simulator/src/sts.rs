//! Failed Entra ID sign-ins as the audit log records them: `UserLoginFailed` (RecordType 15,
//! `AzureActiveDirectoryStsLogon`).
//!
//! Real records carry the AADSTS code as text in `ErrorNumber` and its name in `LogonError`,
//! the user's object id in `UserKey` (`Not Available` and `ObjectId` `Unknown` when the name
//! does not exist), the client in `ClientIP` and `ActorIpAddress` without a port, and, oddly,
//! `ResultStatus` `Failed` with `ResultStatusDetail` `UserError`. The same attempt is also in
//! the sign-in log; the engine counts the pair once.

use crate::ids;
use crate::record::Body;
use crate::scene::Emitter;
use crate::ual::Context;
use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::json;

/// The `LogonError` name the audit log writes for an AADSTS code.
pub fn logon_error(code: u32) -> &'static str {
    match code {
        50034 => "UserAccountNotFound",
        50053 => "IdsLocked",
        50055 => "InvalidPasswordExpiredPassword",
        50056 => "InvalidPasswordNullPassword",
        50057 => "UserDisabled",
        50076 => "UserStrongAuthClientAuthNRequired",
        50126 => "InvalidUserNameOrPassword",
        _ => "Other",
    }
}

/// Who a failed sign-in was for: a name, and the object id when the account exists.
#[derive(Debug, Clone, Copy)]
pub struct Attempted<'a> {
    /// The name typed, as the directory holds it when it exists.
    pub upn: &'a str,
    /// The account's object id; `None` for a name that does not exist.
    pub object_id: Option<&'a str>,
}

/// How the client asked: its user agent and the application it asked for.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    /// `UserAgent` extended property.
    pub user_agent: &'a str,
    /// The application id (`ApplicationId`).
    pub app_id: &'a str,
    /// `RequestType`, e.g. `OAuth2:Token` (password grant) or `Login:login`.
    pub request_type: &'a str,
}

impl Context<'_> {
    /// A `UserLoginFailed` record of `attempted` failing with `code` from `ip`.
    #[allow(clippy::too_many_arguments)]
    pub fn user_login_failed(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        attempted: Attempted<'_>,
        ip: &str,
        client: Client<'_>,
        code: u32,
    ) -> String {
        let key = attempted.object_id.unwrap_or("Not Available");
        let (id, mut record) = self.common_for(
            rng,
            time,
            "UserLoginFailed",
            15,
            (attempted.upn, key),
            "AzureActiveDirectory",
        );
        let tenant = &self.tenant.organization_id;
        record.insert("ResultStatus".into(), json!("Failed"));
        record.insert("ClientIP".into(), json!(ip));
        record.insert("ObjectId".into(), json!("Unknown"));
        record.insert("AzureActiveDirectoryEventType".into(), json!(1));
        record.insert(
            "ExtendedProperties".into(),
            json!([
                {"Name": "ResultStatusDetail", "Value": "UserError"},
                {"Name": "UserAgent", "Value": client.user_agent},
                {"Name": "UserAuthenticationMethod", "Value": "1"},
                {"Name": "RequestType", "Value": client.request_type}
            ]),
        );
        record.insert("ModifiedProperties".into(), json!([]));
        record.insert(
            "Actor".into(),
            json!([{"ID": key, "Type": 0}, {"ID": attempted.upn, "Type": 5}]),
        );
        record.insert("ActorContextId".into(), json!(tenant));
        record.insert("ActorIpAddress".into(), json!(ip));
        record.insert("InterSystemsId".into(), json!(ids::guid(rng)));
        record.insert("IntraSystemId".into(), json!(ids::guid(rng)));
        record.insert("SupportTicketId".into(), json!(""));
        record.insert("Target".into(), json!([{"ID": "Unknown", "Type": 0}]));
        record.insert("TargetContextId".into(), json!(tenant));
        record.insert("ApplicationId".into(), json!(client.app_id));
        record.insert(
            "DeviceProperties".into(),
            json!([
                {"Name": "OS", "Value": "Linux"},
                {"Name": "BrowserType", "Value": "Other"},
                {"Name": "IsCompliantAndManaged", "Value": "False"},
                {"Name": "SessionId", "Value": ids::guid(rng)}
            ]),
        );
        record.insert("ErrorNumber".into(), json!(code.to_string()));
        record.insert("LogonError".into(), json!(logon_error(code)));
        out.push(time, Body::Audit(record));
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::Tenant;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn a_failure_for_a_missing_name_has_no_user_key() {
        let mut rng = StdRng::seed_from_u64(5);
        let tenant = Tenant::generate(&mut rng, 3);
        let context = Context { tenant: &tenant };
        let mut out = Emitter::default();
        let time = DateTime::parse_from_rfc3339("2025-03-04T02:00:00Z")
            .expect("test data")
            .with_timezone(&Utc);
        context.user_login_failed(
            &mut rng,
            &mut out,
            time,
            Attempted {
                upn: "admin@example.com",
                object_id: None,
            },
            "203.0.113.5",
            Client {
                user_agent: "BAV2ROPC",
                app_id: "00000002-0000-0ff1-ce00-000000000000",
                request_type: "OAuth2:Token",
            },
            50034,
        );
        let Body::Audit(record) = &out.records[0].body else {
            panic!("not an audit record");
        };
        assert_eq!(record["Operation"], "UserLoginFailed");
        assert_eq!(record["UserKey"], "Not Available");
        assert_eq!(record["ErrorNumber"], "50034");
        assert_eq!(record["LogonError"], "UserAccountNotFound");
        assert_eq!(record["CreationTime"], "2025-03-04T02:00:00");
    }
}
