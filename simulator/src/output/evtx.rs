//! Workstation and server events as EVTX converted to JSON (`evtx_dump -o jsonl`, the layout
//! of the Sigma regression data): `{"Event":{"System":{...},"EventData":{...}}}`, one per
//! line.
//!
//! Sysmon 1 (process create) and 3 (network connect) go to
//! `Microsoft-Windows-Sysmon/Operational`, Security 4625 (logon failure) to `Security`.
//! `System` elements with attributes are written as `evtx_dump` writes them
//! (`{"#attributes":{...}}`). The values Sysmon adds that the record does not carry (process
//! GUIDs, hashes, file metadata, logon ids) are derived from the record, so the output stays
//! a function of the records. The engine cites `computer/channel/EventRecordID`.

use super::FormatWriter;
use super::digest::digest;
use crate::record::{Body, EndpointEvent, EndpointKind, SimRecord};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::io::{self, Write};

const SYSMON_CHANNEL: &str = "Microsoft-Windows-Sysmon/Operational";
const SYSMON_GUID: &str = "5770385F-C22A-43E0-BF4C-06F5698FFBD9";
const SECURITY_GUID: &str = "54849625-5478-4994-A5BA-3E3B0328C30D";

/// Writes endpoint events as EVTX→JSON lines.
#[derive(Debug, Default)]
pub struct EvtxJson;

/// What Sysmon reads from an image's version resource: file version, description, product,
/// company, original file name.
fn file_info(image: &str) -> [&'static str; 5] {
    let name = image
        .rsplit('\\')
        .next()
        .unwrap_or(image)
        .to_ascii_lowercase();
    match name.as_str() {
        "powershell.exe" => [
            "10.0.19041.3996 (WinBuild.160101.0800)",
            "Windows PowerShell",
            "Microsoft\u{ae} Windows\u{ae} Operating System",
            "Microsoft Corporation",
            "PowerShell.EXE",
        ],
        "curl.exe" => [
            "8.4.0",
            "The curl executable",
            "The curl executable",
            "curl, https://curl.se/",
            "curl.exe",
        ],
        "chrome.exe" => [
            "124.0.6367.92",
            "Google Chrome",
            "Google Chrome",
            "Google LLC",
            "chrome.exe",
        ],
        "msedge.exe" => [
            "124.0.2478.80",
            "Microsoft Edge",
            "Microsoft Edge",
            "Microsoft Corporation",
            "msedge.exe",
        ],
        "outlook.exe" => [
            "16.0.17928.20114",
            "Microsoft Outlook",
            "Microsoft Outlook",
            "Microsoft Corporation",
            "Outlook.exe",
        ],
        "ms-teams.exe" => [
            "24102.2223.2870.9480",
            "Microsoft Teams",
            "Microsoft Teams",
            "Microsoft Corporation",
            "ms-teams.exe",
        ],
        "excel.exe" | "winword.exe" => [
            "16.0.17928.20114",
            "Microsoft Office",
            "Microsoft Office",
            "Microsoft Corporation",
            "-",
        ],
        name if name.starts_with("python") => [
            "3.12.3",
            "Python",
            "Python",
            "Python Software Foundation",
            "python.exe",
        ],
        _ => ["-", "-", "-", "-", "-"],
    }
}

/// A Sysmon-style GUID (braced, upper case) for `parts`.
fn guid(parts: &[&[u8]]) -> String {
    let high = digest(parts);
    let low = digest(&[&high.to_le_bytes(), b"low"]);
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:04X}-{:012X}}}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

/// The image's hashes as Sysmon lists them.
fn hashes(image: &str) -> String {
    let seed = digest(&[image.to_ascii_lowercase().as_bytes()]);
    let hex = |salt: &[u8], words: usize| {
        (0..words)
            .map(|i| format!("{:016X}", digest(&[&seed.to_le_bytes(), salt, &[i as u8]])))
            .collect::<String>()
    };
    format!(
        "MD5={},SHA256={},IMPHASH={}",
        hex(b"md5", 2),
        hex(b"sha256", 4),
        hex(b"imphash", 2)
    )
}

/// An element's children in document order (`serde_json`'s maps would sort them).
type Fields = Vec<(&'static str, Value)>;

/// Writes `fields` as a JSON object, in their order.
fn write_object(out: &mut Vec<u8>, fields: &[(&'static str, Value)]) -> io::Result<()> {
    out.push(b'{');
    for (index, (name, value)) in fields.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, name)?;
        out.push(b':');
        serde_json::to_writer(&mut *out, value)?;
    }
    out.push(b'}');
    Ok(())
}

/// The NetBIOS domain of a machine (`CORP` parts skipped): `NORTHWIND` for
/// `EXCH01.corp.northwind-traders.com`.
fn machine_domain(computer: &str) -> String {
    let mut labels = computer.split('.').skip(1);
    let label = labels
        .find(|label| !label.eq_ignore_ascii_case("corp"))
        .unwrap_or("WORKGROUP");
    let name: String = label
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .take(15)
        .collect();
    name.to_ascii_uppercase()
}

/// The `System` block.
fn system(event: &EndpointEvent, id: u32, logged: DateTime<Utc>, security: bool) -> Fields {
    let (provider, guid, channel, task, keywords) = if security {
        (
            "Microsoft-Windows-Security-Auditing",
            SECURITY_GUID,
            "Security",
            12544,
            "0x8010000000000000",
        )
    } else {
        (
            "Microsoft-Windows-Sysmon",
            SYSMON_GUID,
            SYSMON_CHANNEL,
            id,
            "0x8000000000000000",
        )
    };
    let (process, thread) = if security { (780, 5120) } else { (3904, 4272) };
    let security_element = if security {
        Value::Null
    } else {
        json!({"#attributes": {"UserID": "S-1-5-18"}})
    };
    vec![
        (
            "Provider",
            json!({"#attributes": {"Name": provider, "Guid": guid}}),
        ),
        ("EventID", json!(id)),
        ("Version", json!(if security { 0 } else { 5 })),
        ("Level", json!(if security { 0 } else { 4 })),
        ("Task", json!(task)),
        ("Opcode", json!(0)),
        ("Keywords", json!(keywords)),
        (
            "TimeCreated",
            json!({"#attributes": {"SystemTime": logged.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()}}),
        ),
        ("EventRecordID", json!(event.record_number)),
        ("Correlation", json!(null)),
        (
            "Execution",
            json!({"#attributes": {"ProcessID": process, "ThreadID": thread}}),
        ),
        ("Channel", json!(channel)),
        ("Computer", json!(event.computer)),
        ("Security", security_element),
    ]
}

/// `DOMAIN\user` split; the machine name stands in when there is no domain.
fn logon_id(computer: &str, user: &str) -> String {
    format!(
        "0x{:x}",
        0x10000 + digest(&[computer.as_bytes(), user.as_bytes()]) % 0xFFFFF
    )
}

/// The record as `(channel, System, EventData)`.
fn event(event: &EndpointEvent, time: DateTime<Utc>) -> (Fields, Fields) {
    let computer = event.computer.as_str();
    let delay = Duration::microseconds(
        (digest(&[computer.as_bytes(), &event.record_number.to_le_bytes()]) % 20_000) as i64 + 150,
    );
    let utc = time.format("%Y-%m-%d %H:%M:%S%.3f").to_string();
    match &event.kind {
        EndpointKind::ProcessCreate {
            user,
            process_id,
            image,
            command_line,
            parent_image,
            parent_command_line,
        } => {
            let [version, description, product, company, original] = file_info(image);
            let pid = process_id.to_le_bytes();
            // Windows process ids are multiples of four.
            let parent_pid = (600
                + (digest(&[
                    computer.as_bytes(),
                    parent_image.as_bytes(),
                    user.as_bytes(),
                ]) % 9000) as u32)
                & !3;
            let home = user.rsplit('\\').next().unwrap_or(user);
            let data = vec![
                ("RuleName", json!("-")),
                ("UtcTime", json!(utc)),
                (
                    "ProcessGuid",
                    json!(guid(&[computer.as_bytes(), &pid, utc.as_bytes()])),
                ),
                ("ProcessId", json!(process_id)),
                ("Image", json!(image)),
                ("FileVersion", json!(version)),
                ("Description", json!(description)),
                ("Product", json!(product)),
                ("Company", json!(company)),
                ("OriginalFileName", json!(original)),
                ("CommandLine", json!(command_line)),
                ("CurrentDirectory", json!(format!("C:\\Users\\{home}\\"))),
                ("User", json!(user)),
                (
                    "LogonGuid",
                    json!(guid(&[computer.as_bytes(), user.as_bytes(), b"logon"])),
                ),
                ("LogonId", json!(logon_id(computer, user))),
                ("TerminalSessionId", json!(1)),
                ("IntegrityLevel", json!("Medium")),
                ("Hashes", json!(hashes(image))),
                (
                    "ParentProcessGuid",
                    json!(guid(&[
                        computer.as_bytes(),
                        parent_image.as_bytes(),
                        user.as_bytes()
                    ])),
                ),
                ("ParentProcessId", json!(parent_pid)),
                ("ParentImage", json!(parent_image)),
                ("ParentCommandLine", json!(parent_command_line)),
                ("ParentUser", json!(user)),
            ];
            (system(event, 1, time + delay, false), data)
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
            let data = vec![
                ("RuleName", json!("-")),
                ("UtcTime", json!(utc)),
                (
                    "ProcessGuid",
                    json!(guid(&[
                        computer.as_bytes(),
                        &process_id.to_le_bytes(),
                        image.as_bytes()
                    ])),
                ),
                ("ProcessId", json!(process_id)),
                ("Image", json!(image)),
                ("User", json!(user)),
                ("Protocol", json!("tcp")),
                ("Initiated", json!(true)),
                ("SourceIsIpv6", json!(false)),
                ("SourceIp", json!(source_ip)),
                ("SourceHostname", json!(computer)),
                ("SourcePort", json!(source_port)),
                ("SourcePortName", json!("-")),
                ("DestinationIsIpv6", json!(false)),
                ("DestinationIp", json!(destination_ip)),
                (
                    "DestinationHostname",
                    json!(if destination_hostname.is_empty() {
                        "-"
                    } else {
                        destination_hostname.as_str()
                    }),
                ),
                ("DestinationPort", json!(destination_port)),
                (
                    "DestinationPortName",
                    json!(match destination_port {
                        443 => "https",
                        80 => "http",
                        _ => "-",
                    }),
                ),
            ];
            (system(event, 3, time + delay, false), data)
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
            let server = computer.split('.').next().unwrap_or(computer);
            let port = 49152 + digest(&[ip.as_bytes(), &event.record_number.to_le_bytes()]) % 16384;
            let data = vec![
                ("SubjectUserSid", json!("S-1-5-18")),
                ("SubjectUserName", json!(format!("{server}$"))),
                ("SubjectDomainName", json!(machine_domain(computer))),
                ("SubjectLogonId", json!("0x3e7")),
                ("TargetUserSid", json!("S-1-0-0")),
                ("TargetUserName", json!(target_user)),
                ("TargetDomainName", json!(target_domain)),
                ("Status", json!(status)),
                ("FailureReason", json!("%%2313")),
                ("SubStatus", json!(sub_status)),
                ("LogonType", json!(logon_type)),
                ("LogonProcessName", json!("Advapi  ")),
                ("AuthenticationPackageName", json!("Negotiate")),
                (
                    "WorkstationName",
                    json!(if workstation.is_empty() {
                        "-"
                    } else {
                        workstation.as_str()
                    }),
                ),
                ("TransmittedServices", json!("-")),
                ("LmPackageName", json!("-")),
                ("KeyLength", json!(0)),
                ("ProcessId", json!("0x1d3c")),
                (
                    "ProcessName",
                    json!("C:\\Windows\\System32\\inetsrv\\w3wp.exe"),
                ),
                ("IpAddress", json!(ip)),
                ("IpPort", json!(port.to_string())),
            ];
            (system(event, 4625, time, true), data)
        }
    }
}

/// The id the engine cites for `event`.
pub fn record_id(event: &EndpointEvent) -> String {
    let channel = match event.kind {
        EndpointKind::LogonFailure { .. } => "Security",
        _ => SYSMON_CHANNEL,
    };
    format!("{}/{channel}/{}", event.computer, event.record_number)
}

impl FormatWriter for EvtxJson {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        self.write_uncited(record, out)?;
        match &record.body {
            Body::Endpoint(endpoint) => Ok(record_id(endpoint)),
            _ => Err(io::Error::other("not an endpoint event")),
        }
    }

    fn write_uncited(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<()> {
        let Body::Endpoint(endpoint) = &record.body else {
            return Err(io::Error::other("not an endpoint event"));
        };
        let (system, data) = event(endpoint, record.time);
        // One write per event: the pieces are appended to a buffer first.
        let mut line = Vec::with_capacity(1024);
        line.extend_from_slice(b"{\"Event\":{\"System\":");
        write_object(&mut line, &system)?;
        line.extend_from_slice(b",\"EventData\":");
        write_object(&mut line, &data)?;
        line.extend_from_slice(b"}}\n");
        out.write_all(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::decoded;
    use chrono::TimeZone;
    use mailhound_core::EventKind;

    fn write(events: Vec<EndpointEvent>) -> (String, Vec<String>) {
        let time = Utc.with_ymd_and_hms(2025, 3, 4, 8, 40, 58).unwrap();
        let mut out = Vec::new();
        let ids = events
            .into_iter()
            .map(|event| {
                let record = SimRecord {
                    time,
                    scenario: None,
                    body: Body::Endpoint(Box::new(event)),
                };
                EvtxJson.write(&record, &mut out).expect("valid in tests")
            })
            .collect();
        (String::from_utf8(out).expect("valid in tests"), ids)
    }

    #[test]
    fn the_decoder_reads_back_sysmon_and_security_events() {
        let ws = "DESKTOP-7QK2M1X.corp.northwind-traders.com";
        let powershell = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
        let (text, ids) = write(vec![
            EndpointEvent {
                computer: ws.into(),
                record_number: 67583,
                kind: EndpointKind::ProcessCreate {
                    user: "CORP\\j.smith".into(),
                    process_id: 3412,
                    image: powershell.into(),
                    command_line: "powershell.exe -nop -c \"Import-Module AADInternals\"".into(),
                    parent_image: "C:\\Windows\\explorer.exe".into(),
                    parent_command_line: "C:\\Windows\\Explorer.EXE".into(),
                },
            },
            EndpointEvent {
                computer: ws.into(),
                record_number: 67584,
                kind: EndpointKind::NetworkConnect {
                    user: "CORP\\j.smith".into(),
                    process_id: 3412,
                    image: powershell.into(),
                    source_ip: "10.66.4.17".into(),
                    source_port: 61722,
                    destination_ip: "20.190.160.1".into(),
                    destination_hostname: "login.microsoftonline.com".into(),
                    destination_port: 443,
                },
            },
            EndpointEvent {
                computer: "EXCH01.corp.northwind-traders.com".into(),
                record_number: 2_291_834,
                kind: EndpointKind::LogonFailure {
                    target_user: "no.such.user@northwind-traders.com".into(),
                    target_domain: String::new(),
                    status: "0xc000006d".into(),
                    sub_status: "0xc0000064".into(),
                    logon_type: 8,
                    ip: "203.0.113.77".into(),
                    workstation: "EXCH01".into(),
                },
            },
        ]);
        assert_eq!(
            ids,
            [
                format!("{ws}/Microsoft-Windows-Sysmon/Operational/67583"),
                format!("{ws}/Microsoft-Windows-Sysmon/Operational/67584"),
                "EXCH01.corp.northwind-traders.com/Security/2291834".to_owned(),
            ]
        );
        for line in text.lines() {
            assert!(
                line.starts_with("{\"Event\":{\"System\":{\"Provider\":"),
                "{line}"
            );
            assert!(line.contains("\"EventData\":{"), "{line}");
        }
        assert!(text.contains("\"SubjectDomainName\":\"NORTHWIND\""));
        let events = decoded::events("endpoint.evtx.ndjson", &text);
        assert_eq!(events.len(), 3);
        for (event, id) in events.iter().zip(&ids) {
            assert_eq!(&*event.record_id, id.as_str());
        }
        assert_eq!(events[0].time.millis(), 1_741_077_658_000);
        let EventKind::ProcessStart(process) = &events[0].kind else {
            panic!("not a process start: {:?}", events[0].kind);
        };
        assert_eq!(process.host.as_deref(), Some(ws));
        assert_eq!(process.image.as_deref(), Some(powershell));
        assert_eq!(
            process.command_line.as_deref(),
            Some("powershell.exe -nop -c \"Import-Module AADInternals\"")
        );
        assert_eq!(
            process.parent_image.as_deref(),
            Some("C:\\Windows\\explorer.exe")
        );
        assert_eq!(process.account.as_deref(), Some("CORP\\j.smith"));
        assert_eq!(process.process_id, Some(3412));
        let EventKind::NetworkConnection(connection) = &events[1].kind else {
            panic!("not a connection");
        };
        assert_eq!(
            events[1].ip,
            Some("10.66.4.17".parse().expect("valid in tests"))
        );
        assert_eq!(
            connection.destination_host.as_deref(),
            Some("login.microsoftonline.com")
        );
        assert_eq!(connection.destination_ip.as_deref(), Some("20.190.160.1"));
        assert_eq!(connection.destination_port, Some(443));
        assert_eq!(connection.initiated, Some(true));
        let EventKind::LogonFailure(failure) = &events[2].kind else {
            panic!("not a logon failure");
        };
        assert_eq!(
            events[2].ip,
            Some("203.0.113.77".parse().expect("valid in tests"))
        );
        assert_eq!(
            events[2].user.as_deref(),
            Some("no.such.user@northwind-traders.com")
        );
        assert_eq!(failure.sub_status.as_deref(), Some("0xc0000064"));
        assert_eq!(failure.logon_type, Some(8));
    }

    #[test]
    fn servers_log_their_own_domain() {
        assert_eq!(
            machine_domain("EXCH01.corp.northwind-traders.com"),
            "NORTHWIND"
        );
        assert_eq!(machine_domain("EXCH01"), "WORKGROUP");
    }

    #[test]
    fn guids_are_braced_and_stable() {
        let one = guid(&[b"a"]);
        assert_eq!(one, guid(&[b"a"]));
        assert_eq!(one.len(), 38);
        assert!(one.starts_with('{') && one.ends_with('}'));
    }
}
