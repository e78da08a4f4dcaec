//! The background's routine audit records ([`RoutineAudit`]) as Management Activity API JSON,
//! written directly.
//!
//! The bytes are those `serde_json` writes for [`RoutineAudit::to_map`]: members in byte
//! order of their names (`serde_json`'s maps sort them), nested objects likewise, arrays in
//! order. Spelling the three fixed shapes here skips building and freeing a map per record,
//! which on large runs cost more than everything else the audit log needs; the tests compare
//! the two spellings.

use super::json::{boolean, key, string, string_member, unsigned};
use crate::routine::{EXCHANGE_APP, Operation, READ_CLIENT, RoutineAudit, SEND_CLIENT};

/// Appends `record` as one JSON object.
pub fn write(out: &mut Vec<u8>, record: &RoutineAudit) {
    let time = crate::stamp::seconds(record.time);
    out.push(b'{');
    match &record.operation {
        Operation::Read { sync, count } => {
            mailbox_head(out, record, READ_CLIENT, &time);
            mailbox_tail(out, record);
            string_member(out, "Operation", "MailItemsAccessed");
            out.extend_from_slice(b",\"OperationCount\":");
            signed(out, *count);
            out.extend_from_slice(
                b",\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":",
            );
            string(out, if *sync { "Sync" } else { "Bind" });
            out.extend_from_slice(b"},{\"Name\":\"IsThrottled\",\"Value\":\"False\"}]");
            tail(out, record, 50, "Succeeded", "Exchange");
        }
        Operation::Send {
            item_id,
            message_id,
            size,
            subject,
            session_id,
        } => {
            key(out, "AppId");
            string(out, EXCHANGE_APP);
            string_member(out, "ClientIP", &record.client_ip);
            out.push(b',');
            mailbox_head(out, record, SEND_CLIENT, &time);
            // `Id` is written by the head; `InternalLogonType` and `Item` sort right after it.
            out.extend_from_slice(b",\"InternalLogonType\":0,\"Item\":{\"Id\":");
            string(out, item_id);
            string_member(out, "InternetMessageId", message_id);
            out.extend_from_slice(
                b",\"ParentFolder\":{\"Path\":\"\\\\Sent Items\"},\"SizeInBytes\":",
            );
            signed(out, *size);
            string_member(out, "Subject", subject);
            out.push(b'}');
            mailbox_tail(out, record);
            string_member(out, "Operation", "Send");
            string_member(out, "OrganizationId", &record.organization_id);
            out.extend_from_slice(b",\"RecordType\":2");
            string_member(out, "ResultStatus", "Succeeded");
            string_member(out, "SessionId", session_id);
            user_members(out, record, "Exchange");
        }
        Operation::LoggedIn { user_agent } => {
            key(out, "ActorIpAddress");
            string(out, &record.client_ip);
            out.extend_from_slice(b",\"AzureActiveDirectoryEventType\":1");
            string_member(out, "ClientIP", &record.client_ip);
            string_member(out, "CreationTime", &time);
            string_member(out, "ErrorNumber", "0");
            out.extend_from_slice(
                b",\"ExtendedProperties\":[{\"Name\":\"ResultStatusDetail\",\"Value\":\"Success\"},{\"Name\":\"UserAgent\",\"Value\":",
            );
            string(out, user_agent);
            out.extend_from_slice(b"},{\"Name\":\"RequestType\",\"Value\":\"OAuth2:Authorize\"}]");
            string_member(out, "Id", &record.id);
            string_member(out, "ObjectId", EXCHANGE_APP);
            string_member(out, "Operation", "UserLoggedIn");
            tail(out, record, 15, "Success", "AzureActiveDirectory");
        }
    }
    out.push(b'}');
}

/// A mailbox record's members from `ClientIPAddress` to `Id`.
fn mailbox_head(out: &mut Vec<u8>, record: &RoutineAudit, client_info: &str, time: &str) {
    key(out, "ClientIPAddress");
    string(out, &record.client_ip);
    string_member(out, "ClientInfoString", client_info);
    string_member(out, "CreationTime", time);
    out.extend_from_slice(b",\"ExternalAccess\":");
    boolean(out, false);
    string_member(out, "Id", &record.id);
}

/// A mailbox record's `LogonType` and `MailboxOwnerUPN`.
fn mailbox_tail(out: &mut Vec<u8>, record: &RoutineAudit) {
    out.extend_from_slice(b",\"LogonType\":0");
    string_member(out, "MailboxOwnerUPN", &record.upn);
}

/// From `OrganizationId` to the end, for reads and sign-ins (a send has a `SessionId` among
/// them).
fn tail(out: &mut Vec<u8>, record: &RoutineAudit, record_type: u64, result: &str, workload: &str) {
    string_member(out, "OrganizationId", &record.organization_id);
    out.extend_from_slice(b",\"RecordType\":");
    unsigned(out, record_type);
    string_member(out, "ResultStatus", result);
    user_members(out, record, workload);
}

/// `UserId` to `Workload`.
fn user_members(out: &mut Vec<u8>, record: &RoutineAudit, workload: &str) {
    string_member(out, "UserId", &record.upn);
    string_member(out, "UserKey", &record.user_key);
    out.extend_from_slice(b",\"UserType\":0,\"Version\":1");
    string_member(out, "Workload", workload);
}

/// Appends a signed integer.
fn signed(out: &mut Vec<u8>, value: i32) {
    if value < 0 {
        out.push(b'-');
    }
    unsigned(out, u64::from(value.unsigned_abs()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::Tenant;
    use chrono::{Duration, TimeZone, Utc};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn direct(record: &RoutineAudit) -> String {
        let mut out = Vec::new();
        write(&mut out, record);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn spells_each_operation_as_serde_json_spells_its_map() {
        let mut rng = StdRng::seed_from_u64(8);
        let tenant = Tenant::generate(&mut rng, 6);
        let org = &tenant.organization_id;
        let mut time = Utc
            .with_ymd_and_hms(2025, 3, 4, 9, 5, 7)
            .single()
            .expect("valid");
        for (index, user) in tenant.users.iter().enumerate() {
            time += Duration::seconds(3_607 * index as i64);
            let ip = ["198.51.100.7", "198.51.100.7:50123", "::ffff:198.51.100.7"][index % 3];
            let subject = if index == 2 {
                "RE: \"Q3\" \\ plan \u{1} Zoë".to_owned().into()
            } else {
                "Weekly status update".into()
            };
            let agent = if index == 3 {
                "tab\there"
            } else {
                "Mozilla/5.0"
            };
            for record in [
                RoutineAudit::read(&mut rng, time, org, user, ip),
                RoutineAudit::send(&mut rng, time, org, user, ip, subject),
                RoutineAudit::logged_in(&mut rng, time, org, user, ip, agent.into()),
            ] {
                let expected = serde_json::to_string(&record.to_map()).expect("serialises");
                assert_eq!(direct(&record), expected);
            }
        }
    }
}
