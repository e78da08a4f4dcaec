//! Real-shaped audit and sign-in records for the detection tests: Management Activity API
//! records (one JSON object per line, as NDJSON exports write them) and Graph `signIn`
//! objects, with the fields and quirks of the real exports (zone-less `CreationTime`, client
//! addresses with ports, `Parameters` as name/value pairs whose values are all text).

#![allow(dead_code, reason = "each test file uses a different part")]

use mailhound_core::{EngineConfig, Timestamp};
use mailhound_e2e::{Scanned, scan_chunked};
use serde_json::{Value, json};

/// 2025-03-04T09:00:00Z: minute 0 of every test.
const BASE: i64 = 1_741_078_800_000;

/// Minutes in a day, for offsets of days.
pub const DAY: i64 = 24 * 60;

/// The tenant's onmicrosoft name.
const ORGANIZATION: &str = "contoso.onmicrosoft.com";

/// `minute` minutes past 2025-03-04T09:00:00, zone-less as the audit log writes it.
pub fn audit_time(minute: i64) -> String {
    let text = Timestamp(BASE + minute * 60_000).to_rfc3339();
    text.get(..19).unwrap_or(&text).to_owned()
}

fn common(id: &str, minute: i64, operation: &str, record_type: u32, user: &str) -> Value {
    json!({
        "CreationTime": audit_time(minute),
        "Id": id,
        "Operation": operation,
        "OrganizationId": "0e8108b1-18e9-41a4-961b-dfcddf92ef08",
        "RecordType": record_type,
        "UserKey": "10032001020A3408",
        "UserType": 0,
        "Version": 1,
        "Workload": "Exchange",
        "UserId": user,
        "ExternalAccess": false,
        "OrganizationName": ORGANIZATION,
        "OriginatingServer": "PH0PR14MB4341 (15.20.3654.025)\r\n",
    })
}

fn merge(mut record: Value, extra: Value) -> Value {
    if let (Some(record), Value::Object(extra)) = (record.as_object_mut(), extra) {
        record.extend(extra);
    }
    record
}

/// An Exchange admin cmdlet record (RecordType 1): `New-InboxRule`, `Set-InboxRule`,
/// `Set-Mailbox`, ... with its parameters in order.
pub fn cmdlet(
    id: &str,
    minute: i64,
    operation: &str,
    user: &str,
    client_ip: &str,
    parameters: &[(&str, &str)],
) -> String {
    let local = user.split('@').next().unwrap_or(user);
    let name = parameters
        .iter()
        .find(|(name, _)| *name == "Name" || *name == "Identity")
        .map_or(local, |(_, value)| value);
    merge(
        common(id, minute, operation, 1, user),
        json!({
            "AppId": "",
            "ClientAppId": "",
            "ClientIP": client_ip,
            "ObjectId": format!("{ORGANIZATION}\\{local}\\{name}"),
            "Parameters": parameters
                .iter()
                .map(|(name, value)| json!({"Name": name, "Value": value}))
                .collect::<Vec<_>>(),
            "ResultStatus": "True",
            "SessionId": format!("{id}-session"),
        }),
    )
    .to_string()
}

fn mailbox(id: &str, minute: i64, operation: &str, record_type: u32, user: &str) -> Value {
    let record = common(id, minute, operation, record_type, user);
    merge(
        record,
        json!({
            "AppId": "00000002-0000-0ff1-ce00-000000000000",
            "ClientAppId": "",
            "InternalLogonType": 0,
            "LogonType": 0,
            "LogonUserSid": "S-1-5-21-3422892061-1135328251-2670905592-26680073",
            "MailboxGuid": "26286ffa-073d-45ff-9fe9-539891984d69",
            "MailboxOwnerSid": "S-1-5-21-3422892061-1135328251-2670905592-26680073",
            "MailboxOwnerUPN": user,
            "ResultStatus": "Succeeded",
        }),
    )
}

/// An `UpdateInboxRules` mailbox record (RecordType 2) with its `OperationProperties`.
pub fn update_inbox_rules(
    id: &str,
    minute: i64,
    user: &str,
    client_ip: &str,
    client: &str,
    properties: &[(&str, &str)],
) -> String {
    merge(
        mailbox(id, minute, "UpdateInboxRules", 2, user),
        json!({
            "ClientIP": client_ip,
            "ClientIPAddress": client_ip,
            "ClientInfoString": client,
            "SessionId": format!("{id}-session"),
            "Item": {"Id": "LgAAAAB", "ParentFolder": {"Id": "LgAAAAB", "Name": "Inbox", "Path": "\\Inbox"}},
            "OperationProperties": properties
                .iter()
                .map(|(name, value)| json!({"Name": name, "Value": value}))
                .collect::<Vec<_>>(),
        }),
    )
    .to_string()
}

/// A `Send` mailbox record (RecordType 2) of message `<message@...>`.
pub fn send(
    id: &str,
    minute: i64,
    user: &str,
    client_ip: &str,
    subject: &str,
    message: &str,
) -> String {
    merge(
        mailbox(id, minute, "Send", 2, user),
        json!({
            "ClientIP": client_ip,
            "ClientIPAddress": client_ip,
            "ClientInfoString": "Client=OWA;Action=ViaProxy",
            "SessionId": format!("{id}-session"),
            "Item": {
                "Id": format!("RgAAAAC{id}"),
                "InternetMessageId": format!("<{message}@PH0PR14MB4341.namprd14.prod.outlook.com>"),
                "ParentFolder": {"Id": "LgAAAACklF6s", "Path": "\\Sent Items"},
                "SizeInBytes": 48213,
                "Subject": subject,
            },
        }),
    )
    .to_string()
}

/// A `HardDelete` / `SoftDelete` / `MoveToDeletedItems` group record (RecordType 3) of the
/// messages (`message`, `subject`) from `folder`.
pub fn delete(
    id: &str,
    minute: i64,
    operation: &str,
    user: &str,
    client_ip: &str,
    folder: &str,
    items: &[(&str, &str)],
) -> String {
    merge(
        mailbox(id, minute, operation, 3, user),
        json!({
            "ClientIP": client_ip,
            "ClientIPAddress": client_ip,
            "ClientInfoString": "Client=OWA;Action=ViaProxy",
            "SessionId": format!("{id}-session"),
            "Folder": {"Id": "LgAAAACklF6s", "Path": folder},
            "AffectedItems": items
                .iter()
                .map(|(message, subject)| json!({
                    "Id": format!("RgAAAAC{message}"),
                    "InternetMessageId": format!("<{message}@PH0PR14MB4341.namprd14.prod.outlook.com>"),
                    "ParentFolder": {"Id": "LgAAAACklF6s", "Path": folder},
                    "Subject": subject,
                }))
                .collect::<Vec<_>>(),
        }),
    )
    .to_string()
}

/// A successful Graph `signIn` to Exchange Online (a sign-in export, not the audit log).
pub fn graph_sign_in(id: &str, minute: i64, user: &str, ip: &str, country: &str) -> String {
    json!({
        "id": id,
        "createdDateTime": format!("{}Z", audit_time(minute)),
        "userDisplayName": "Jane Doe",
        "userPrincipalName": user,
        "appId": "00000002-0000-0ff1-ce00-000000000000",
        "appDisplayName": "Office 365 Exchange Online",
        "ipAddress": ip,
        "clientAppUsed": "Browser",
        "correlationId": format!("{id}-correlation"),
        "sessionId": format!("{id}-session"),
        "isInteractive": true,
        "riskLevelAggregated": "none",
        "riskLevelDuringSignIn": "none",
        "riskState": "none",
        "resourceDisplayName": "Office 365 Exchange Online",
        "status": {"errorCode": 0, "failureReason": "Other.", "additionalDetails": null},
        "location": {"city": "", "state": "", "countryOrRegion": country},
    })
    .to_string()
}

/// Audit records as NDJSON.
pub fn ndjson(records: &[String]) -> String {
    records.join("\n")
}

/// Graph sign-ins as a `{"value": [...]}` page.
pub fn graph_page(sign_ins: &[String]) -> String {
    format!(
        "{{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns\",\"value\":[{}]}}",
        sign_ins.join(",\n")
    )
}

/// Scans the audit records (and sign-ins, when any) in small chunks, checking that every
/// record was accounted for and none was rejected.
pub fn scan(records: &[String], sign_ins: &[String], config: EngineConfig) -> Scanned {
    let audit = ndjson(records);
    let page = graph_page(sign_ins);
    let mut inputs: Vec<(&str, &[u8])> = vec![("audit.ndjson", audit.as_bytes())];
    if !sign_ins.is_empty() {
        inputs.push(("signins.json", page.as_bytes()));
    }
    let scanned = scan_chunked(&inputs, 333, config);
    assert!(scanned.stats.balanced());
    assert_eq!(scanned.stats.rejected, 0, "{:#?}", scanned.rejections);
    scanned
}

/// The findings of one detection.
pub fn of<'a>(scanned: &'a Scanned, detection: &str) -> Vec<&'a mailhound_core::Finding> {
    scanned
        .findings
        .iter()
        .filter(|finding| finding.detection == detection)
        .collect()
}

/// The seed-compatible configuration.
pub fn seed() -> EngineConfig {
    EngineConfig {
        mode: mailhound_core::Mode::SeedCompatible,
        ..EngineConfig::default()
    }
}

/// The default configuration with the tenant's domains.
pub fn tenant() -> EngineConfig {
    EngineConfig {
        tenant_domains: vec!["contoso.com".into(), ORGANIZATION.into()],
        ..EngineConfig::default()
    }
}
