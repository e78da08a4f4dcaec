//! Winlogbeat 8 documents, one per line, for Sysmon events 1 and 3 and Security event 4625:
//! `winlog.*` as Winlogbeat reads the event (channel, computer, `record_id`, `event_data`)
//! plus the ECS fields its Sysmon and Security modules add (`process`, `user`, `source`,
//! `destination`, `network`). The engine cites an event as `computer/channel/record_id`.

use super::{FormatWriter, derived};
use crate::record::{Body, EndpointEvent, EndpointKind, SimRecord};
use serde_json::{Value, json};
use std::io::{self, Write};

const SYSMON_CHANNEL: &str = "Microsoft-Windows-Sysmon/Operational";
const SYSMON_PROVIDER: &str = "Microsoft-Windows-Sysmon";
const SYSMON_GUID: &str = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}";
const SECURITY_PROVIDER: &str = "Microsoft-Windows-Security-Auditing";

/// Writes workstation events as Winlogbeat NDJSON.
#[derive(Debug, Default)]
pub struct Winlogbeat;

/// The channel an event is logged to.
fn channel(kind: &EndpointKind) -> &'static str {
    match kind {
        EndpointKind::ProcessCreate { .. } | EndpointKind::NetworkConnect { .. } => SYSMON_CHANNEL,
        EndpointKind::LogonFailure { .. } => "Security",
    }
}

/// `DOMAIN\user` split in two.
fn account(user: &str) -> (&str, &str) {
    user.split_once('\\').unwrap_or(("", user))
}

/// The executable's file name.
fn file_name(image: &str) -> &str {
    image.rsplit('\\').next().unwrap_or(image)
}

/// A Sysmon process GUID, derived from the computer and the process.
fn process_guid(computer: &str, process_id: u32) -> String {
    derived::guid(&[computer, &process_id.to_string()]).to_uppercase()
}

/// The document of one event.
fn document(record: &SimRecord, event: &EndpointEvent) -> Value {
    let computer = event.computer.as_str();
    let host = computer.split('.').next().unwrap_or(computer);
    let utc = record.time.format("%Y-%m-%d %H:%M:%S%.3f").to_string();
    let mut document = json!({
        "@timestamp": record.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "agent": {"type": "winlogbeat", "version": "8.17.2", "name": host, "id": derived::guid(&[computer, "agent"])},
        "ecs": {"version": "8.0.0"},
        "host": {"name": computer.to_lowercase(), "hostname": host.to_lowercase(), "os": {"family": "windows"}},
    });
    let (event_fields, winlog) = match &event.kind {
        EndpointKind::ProcessCreate {
            user,
            process_id,
            image,
            command_line,
            parent_image,
            parent_command_line,
        } => {
            let (domain, name) = account(user);
            let parent_id = derived::hash(&[computer, parent_image]) % 9000 + 500;
            document["process"] = json!({
                "entity_id": process_guid(computer, *process_id),
                "pid": process_id,
                "executable": image,
                "name": file_name(image),
                "command_line": command_line,
                "parent": {"pid": parent_id, "executable": parent_image, "name": file_name(parent_image), "command_line": parent_command_line},
            });
            document["user"] = json!({"domain": domain, "name": name});
            (
                json!({"code": "1", "kind": "event", "module": "sysmon", "provider": SYSMON_PROVIDER,
                       "category": ["process"], "type": ["start"], "action": "Process Create (rule: ProcessCreate)"}),
                json!({
                    "event_id": "1",
                    "task": "Process Create (rule: ProcessCreate)",
                    "user": {"identifier": "S-1-5-18", "domain": "NT AUTHORITY", "name": "SYSTEM", "type": "Well Known Group"},
                    "event_data": {
                        "RuleName": "-",
                        "UtcTime": utc,
                        "ProcessGuid": process_guid(computer, *process_id),
                        "ProcessId": process_id.to_string(),
                        "Image": image,
                        "CommandLine": command_line,
                        "CurrentDirectory": "C:\\Windows\\system32\\",
                        "User": user,
                        "IntegrityLevel": "Medium",
                        "ParentProcessGuid": process_guid(computer, parent_id as u32),
                        "ParentProcessId": parent_id.to_string(),
                        "ParentImage": parent_image,
                        "ParentCommandLine": parent_command_line,
                    },
                }),
            )
        }
        EndpointKind::NetworkConnect {
            user,
            process_id,
            image,
            source_ip,
            source_port,
            destination_ip,
            destination_hostname,
            destination_port,
        } => {
            let (domain, name) = account(user);
            document["process"] = json!({
                "entity_id": process_guid(computer, *process_id),
                "pid": process_id,
                "executable": image,
                "name": file_name(image),
            });
            document["user"] = json!({"domain": domain, "name": name});
            document["source"] = json!({"ip": source_ip, "domain": computer, "port": source_port});
            let mut destination = json!({"ip": destination_ip, "port": destination_port});
            if !destination_hostname.is_empty() {
                destination["domain"] = json!(destination_hostname);
            }
            document["destination"] = destination;
            document["network"] =
                json!({"transport": "tcp", "direction": "egress", "type": "ipv4"});
            (
                json!({"code": "3", "kind": "event", "module": "sysmon", "provider": SYSMON_PROVIDER,
                       "category": ["network"], "type": ["connection", "start", "protocol"],
                       "action": "Network connection detected (rule: NetworkConnect)"}),
                json!({
                    "event_id": "3",
                    "task": "Network connection detected (rule: NetworkConnect)",
                    "user": {"identifier": "S-1-5-18", "domain": "NT AUTHORITY", "name": "SYSTEM", "type": "Well Known Group"},
                    "event_data": {
                        "RuleName": "-",
                        "UtcTime": utc,
                        "ProcessGuid": process_guid(computer, *process_id),
                        "ProcessId": process_id.to_string(),
                        "Image": image,
                        "User": user,
                        "Protocol": "tcp",
                        "Initiated": "true",
                        "SourceIsIpv6": "false",
                        "SourceIp": source_ip,
                        "SourceHostname": computer,
                        "SourcePort": source_port.to_string(),
                        "SourcePortName": "-",
                        "DestinationIsIpv6": "false",
                        "DestinationIp": destination_ip,
                        "DestinationHostname": destination_hostname,
                        "DestinationPort": destination_port.to_string(),
                        "DestinationPortName": if *destination_port == 443 { "https" } else { "-" },
                    },
                }),
            )
        }
        EndpointKind::LogonFailure {
            target_user,
            target_domain,
            status,
            sub_status,
            logon_type,
            ip,
            workstation,
        } => {
            let port =
                derived::hash(&[computer, &event.record_number.to_string()]) % 16_000 + 49_152;
            document["source"] = json!({"ip": ip, "port": port, "domain": workstation});
            document["user"] = json!({"name": target_user, "domain": target_domain});
            (
                json!({"code": "4625", "kind": "event", "module": "security", "provider": SECURITY_PROVIDER,
                       "action": "logon-failed", "outcome": "failure", "category": ["authentication"], "type": ["start"]}),
                json!({
                    "event_id": "4625",
                    "keywords": ["Audit Failure"],
                    "event_data": {
                        "SubjectUserSid": "S-1-0-0",
                        "SubjectUserName": "-",
                        "SubjectDomainName": "-",
                        "SubjectLogonId": "0x0",
                        "TargetUserSid": "S-1-0-0",
                        "TargetUserName": target_user,
                        "TargetDomainName": target_domain,
                        "Status": status,
                        "FailureReason": "%%2313",
                        "SubStatus": sub_status,
                        "LogonType": logon_type.to_string(),
                        "LogonProcessName": "NtLmSsp ",
                        "AuthenticationPackageName": "NTLM",
                        "WorkstationName": workstation,
                        "ProcessId": "0x0",
                        "ProcessName": "-",
                        "IpAddress": ip,
                        "IpPort": port.to_string(),
                    },
                }),
            )
        }
    };
    let provider = match event.kind {
        EndpointKind::LogonFailure { .. } => SECURITY_PROVIDER,
        _ => SYSMON_PROVIDER,
    };
    let mut winlog = winlog;
    winlog["api"] = json!("wineventlog");
    winlog["channel"] = json!(channel(&event.kind));
    winlog["computer_name"] = json!(computer);
    winlog["provider_name"] = json!(provider);
    if provider == SYSMON_PROVIDER {
        winlog["provider_guid"] = json!(SYSMON_GUID);
    }
    winlog["record_id"] = json!(event.record_number.to_string());
    winlog["opcode"] = json!("Info");
    document["event"] = event_fields;
    document["winlog"] = winlog;
    document
}

impl FormatWriter for Winlogbeat {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let Body::Endpoint(event) = &record.body else {
            return Err(io::Error::other("not an endpoint event"));
        };
        serde_json::to_writer(&mut *out, &document(record, event))?;
        out.write_all(b"\n")?;
        Ok(format!(
            "{}/{}/{}",
            event.computer,
            channel(&event.kind),
            event.record_number
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::tests::written;
    use super::*;
    use chrono::{TimeZone, Utc};

    /// One event of each kind on `WS-0142.corp.contoso.com`.
    pub fn endpoint_records() -> Vec<SimRecord> {
        let at = |ms: i64| {
            Utc.timestamp_millis_opt(1_741_077_658_632 + ms)
                .single()
                .expect("valid")
        };
        let computer = "WS-0142.corp.contoso.com".to_owned();
        let kinds = [
            EndpointKind::ProcessCreate {
                user: "CONTOSO\\jdoe".into(),
                process_id: 3412,
                image: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe".into(),
                command_line: "powershell.exe -nop -c \"Invoke-AADIntUserEnumerationAsOutsider\""
                    .into(),
                parent_image: "C:\\Windows\\explorer.exe".into(),
                parent_command_line: "C:\\Windows\\Explorer.EXE".into(),
            },
            EndpointKind::NetworkConnect {
                user: "CONTOSO\\jdoe".into(),
                process_id: 3412,
                image: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe".into(),
                source_ip: "10.0.5.42".into(),
                source_port: 61722,
                destination_ip: "20.190.160.1".into(),
                destination_hostname: "login.microsoftonline.com".into(),
                destination_port: 443,
            },
            EndpointKind::LogonFailure {
                target_user: "no.such.user@contoso.com".into(),
                target_domain: String::new(),
                status: "0xc000006d".into(),
                sub_status: "0xc0000064".into(),
                logon_type: 3,
                ip: "203.0.113.77".into(),
                workstation: "KALI".into(),
            },
        ];
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| SimRecord {
                time: at(i as i64 * 1000),
                scenario: None,
                body: Body::Endpoint(Box::new(EndpointEvent {
                    computer: computer.clone(),
                    record_number: 67_583 + i as u64,
                    kind,
                })),
            })
            .collect()
    }

    #[test]
    fn documents_of_each_kind() {
        let (text, ids) = written(&mut Winlogbeat, &endpoint_records());
        assert_eq!(
            ids,
            [
                "WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67583",
                "WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67584",
                "WS-0142.corp.contoso.com/Security/67585",
            ]
        );
        let documents: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).expect("valid JSON"))
            .collect();
        assert_eq!(
            documents[0]["winlog"]["event_data"]["UtcTime"],
            "2025-03-04 08:40:58.632"
        );
        assert_eq!(
            documents[0]["winlog"]["event_data"]["User"],
            "CONTOSO\\jdoe"
        );
        assert_eq!(documents[0]["process"]["name"], "powershell.exe");
        assert_eq!(
            documents[1]["destination"]["domain"],
            "login.microsoftonline.com"
        );
        assert_eq!(
            documents[1]["winlog"]["event_data"]["DestinationPort"],
            "443"
        );
        assert_eq!(documents[2]["winlog"]["channel"], "Security");
        assert_eq!(
            documents[2]["winlog"]["event_data"]["SubStatus"],
            "0xc0000064"
        );
        assert_eq!(documents[2]["event"]["code"], "4625");
    }
}
