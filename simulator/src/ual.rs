//! Audit-log records in the Management Activity API's shape.
//!
//! Field names, value types and quirks follow real records: `CreationTime` without zone
//! designator, `RecordType` as an integer, `ResultStatus` `"True"` for admin cmdlets and
//! `"Succeeded"` for mailbox items, `ClientIP` sometimes with a port or a `::ffff:` prefix,
//! parameter values always strings.

use crate::ids;
use crate::record::Body;
use crate::routine::RoutineAudit;
use crate::scene::Emitter;
use crate::tenant::{Tenant, User};
use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::{Value, json};

/// What every record of one simulated tenant shares.
pub struct Context<'a> {
    /// The tenant.
    pub tenant: &'a Tenant,
}

impl Context<'_> {
    fn common(
        &self,
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        operation: &str,
        record_type: u32,
        user: &User,
        workload: &str,
    ) -> (String, serde_json::Map<String, Value>) {
        self.common_for(
            rng,
            time,
            operation,
            record_type,
            (&user.upn, &user.puid),
            workload,
        )
    }

    /// The fields every record carries, for an actor named by UPN and `UserKey` (which need
    /// not be a user of the tenant: a sign-in to a name that does not exist has one too).
    pub(crate) fn common_for(
        &self,
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        operation: &str,
        record_type: u32,
        (upn, user_key): (&str, &str),
        workload: &str,
    ) -> (String, serde_json::Map<String, Value>) {
        let id = ids::guid(rng);
        let mut record = serde_json::Map::new();
        record.insert("CreationTime".into(), json!(crate::stamp::seconds(time)));
        record.insert("Id".into(), json!(id));
        record.insert("Operation".into(), json!(operation));
        record.insert("OrganizationId".into(), json!(self.tenant.organization_id));
        record.insert("RecordType".into(), json!(record_type));
        record.insert("UserKey".into(), json!(user_key));
        record.insert("UserType".into(), json!(0));
        record.insert("Version".into(), json!(1));
        record.insert("Workload".into(), json!(workload));
        record.insert("UserId".into(), json!(upn));
        (id, record)
    }

    /// The fields every Exchange mailbox record (RecordType 2 and 50) carries on top of the
    /// common ones: the client, the logon and the mailbox owner.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn mailbox_record(
        &self,
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        operation: &str,
        record_type: u32,
        user: &User,
        client_ip: &str,
        client_info: &str,
    ) -> (String, serde_json::Map<String, Value>) {
        let (id, mut record) = self.common(rng, time, operation, record_type, user, "Exchange");
        record.insert("ClientIPAddress".into(), json!(client_ip));
        record.insert("ClientInfoString".into(), json!(client_info));
        record.insert("ExternalAccess".into(), json!(false));
        record.insert("LogonType".into(), json!(0));
        record.insert("MailboxOwnerUPN".into(), json!(user.upn));
        record.insert("ResultStatus".into(), json!("Succeeded"));
        (id, record)
    }

    /// An Exchange admin cmdlet record (RecordType 1), e.g. `New-InboxRule`.
    #[allow(clippy::too_many_arguments)]
    pub fn cmdlet(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        operation: &str,
        user: &User,
        client_ip: &str,
        object_id: &str,
        parameters: &[(&str, String)],
    ) -> String {
        let (id, mut record) = self.common(rng, time, operation, 1, user, "Exchange");
        record.insert("AppId".into(), json!(""));
        record.insert("ClientAppId".into(), json!(""));
        record.insert("ClientIP".into(), json!(client_ip));
        record.insert("ExternalAccess".into(), json!(false));
        record.insert("ObjectId".into(), json!(object_id));
        record.insert("OrganizationName".into(), json!(self.tenant.onmicrosoft()));
        record.insert(
            "OriginatingServer".into(),
            json!(format!(
                "PH0PR14MB{:04} (15.20.{}.025)\r\n",
                rng.random_range(1000..9999),
                rng.random_range(3000..8000)
            )),
        );
        let parameters: Vec<Value> = parameters
            .iter()
            .map(|(name, value)| json!({"Name": name, "Value": value}))
            .collect();
        record.insert("Parameters".into(), Value::Array(parameters));
        record.insert("ResultStatus".into(), json!("True"));
        record.insert("SessionId".into(), json!(ids::guid(rng)));
        out.push(time, Body::Audit(record));
        id
    }

    /// A `Send` mailbox record (RecordType 2).
    pub fn send(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        user: &User,
        client_ip: &str,
        subject: &str,
    ) -> String {
        let org = &self.tenant.organization_id;
        let subject = subject.to_owned().into();
        self.emit(
            out,
            RoutineAudit::send(rng, time, org, user, client_ip, subject),
        )
    }

    /// A `MailItemsAccessed` aggregated record (RecordType 50), sync or bind.
    pub fn mail_items_accessed(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        user: &User,
        client_ip: &str,
    ) -> String {
        let org = &self.tenant.organization_id;
        self.emit(out, RoutineAudit::read(rng, time, org, user, client_ip))
    }

    /// A `UserLoggedIn` Entra STS record (RecordType 15).
    pub fn user_logged_in(
        &self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        user: &User,
        client_ip: &str,
        user_agent: &str,
    ) -> String {
        let org = &self.tenant.organization_id;
        let agent = user_agent.to_owned().into();
        self.emit(
            out,
            RoutineAudit::logged_in(rng, time, org, user, client_ip, agent),
        )
    }

    /// Emits `record` as a Management Activity API object; returns its id.
    fn emit(&self, out: &mut Emitter, record: RoutineAudit) -> String {
        out.push(record.time, Body::Audit(record.to_map()));
        record.id
    }
}

/// Writes an address the way audit records do: plain, with a port, or IPv4-mapped.
pub fn spell_ip(rng: &mut impl RngExt, ip: std::net::Ipv4Addr) -> String {
    match rng.random_range(0..4) {
        0 => format!("{ip}:{}", rng.random_range(49152..65535)),
        1 => format!("::ffff:{ip}"),
        _ => ip.to_string(),
    }
}
