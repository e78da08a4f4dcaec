//! Windows events as Winlogbeat (and Elastic Agent) ship them: `winlog.*` plus ECS fields.
//!
//! The envelope is `winlog.channel`, `winlog.provider_name`, `winlog.computer_name`,
//! `winlog.record_id` and `winlog.event_id` (a number before Winlogbeat 8, a string since;
//! `event.code` holds it too), the time is `@timestamp`, and the data is
//! `winlog.event_data.*`. Real documents differ from that tidy picture: the Sysmon and
//! Security modules *move* fields out of `event_data` into ECS (`Image` becomes
//! `process.executable`, `User` becomes `user.domain` and `user.name`, `Initiated` becomes
//! `network.direction`, `UtcTime` becomes `@timestamp`), and an `event_data` left empty is
//! removed. So the ECS fields are read as well and fill whatever `event_data` lacks.

use super::super::loose::TextOr;
use super::super::shape;
use super::map;
use super::record::{EventData, WinEvent};
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use crate::input::format::TopKey;
use serde::Deserialize;
use std::borrow::Cow;

type Text<'a> = Option<LenientText<'a>>;

#[derive(Debug, Deserialize)]
struct Document<'a> {
    #[serde(rename = "@timestamp", borrow)]
    timestamp: Text<'a>,
    #[serde(borrow)]
    winlog: Option<Winlog<'a>>,
    #[serde(borrow)]
    event: Option<Ecs<'a>>,
    #[serde(borrow)]
    host: Option<TextOr<'a, Ecs<'a>>>,
    #[serde(borrow)]
    process: Option<Process<'a>>,
    #[serde(borrow)]
    user: Option<Ecs<'a>>,
    #[serde(borrow)]
    source: Option<Ecs<'a>>,
    #[serde(borrow)]
    destination: Option<Ecs<'a>>,
    #[serde(borrow)]
    network: Option<Ecs<'a>>,
}

#[derive(Debug, Deserialize)]
struct Winlog<'a> {
    #[serde(borrow)]
    channel: Text<'a>,
    #[serde(borrow)]
    computer_name: Text<'a>,
    #[serde(borrow)]
    event_id: Text<'a>,
    #[serde(borrow)]
    provider_name: Text<'a>,
    #[serde(borrow)]
    record_id: Text<'a>,
    #[serde(borrow, default)]
    event_data: EventData<'a>,
}

/// The scalar ECS fields read from `event`, `host`, `user`, `source`, `destination` and
/// `network` (each object uses the few that apply to it).
#[derive(Debug, Default, Deserialize)]
struct Ecs<'a> {
    #[serde(borrow)]
    code: Text<'a>,
    #[serde(borrow)]
    provider: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    domain: Text<'a>,
    #[serde(borrow)]
    ip: Text<'a>,
    #[serde(borrow)]
    port: Text<'a>,
    #[serde(borrow)]
    transport: Text<'a>,
    #[serde(borrow)]
    direction: Text<'a>,
}

#[derive(Debug, Deserialize)]
struct Process<'a> {
    #[serde(borrow)]
    executable: Text<'a>,
    #[serde(borrow)]
    command_line: Text<'a>,
    #[serde(borrow)]
    pid: Text<'a>,
    #[serde(borrow)]
    parent: Option<ParentProcess<'a>>,
}

#[derive(Debug, Deserialize)]
struct ParentProcess<'a> {
    #[serde(borrow)]
    executable: Text<'a>,
}

fn text(value: Text<'_>) -> Option<Cow<'_, str>> {
    value.map(|text| text.0)
}

/// Decodes a Winlogbeat document; `None` when it has no `winlog` (it is another shape).
pub fn decode(bytes: &[u8]) -> Option<Outcome> {
    let document: Document<'_> = match serde_json::from_slice(bytes) {
        Ok(document) => document,
        Err(error) => {
            return shape::failed(bytes, &[TopKey::Winlog], "Winlogbeat document", &error);
        }
    };
    let winlog = document.winlog?;
    let event = document.event.unwrap_or_default();
    let host = match document.host {
        Some(TextOr::Object(host)) => text(host.name),
        Some(TextOr::Text(name)) => Some(name),
        None => None,
    };
    let mut record = WinEvent {
        event_id: text(winlog.event_id).or(text(event.code)),
        channel: text(winlog.channel),
        provider: text(winlog.provider_name).or(text(event.provider)),
        computer: text(winlog.computer_name).or(host),
        record_id: text(winlog.record_id),
        logged_at: text(document.timestamp),
        logged_at_field: "@timestamp",
        data: winlog.event_data,
    };
    fill_from_ecs(
        &mut record,
        document.process,
        document.user,
        document.source,
        document.destination,
        document.network,
    );
    Some(map::outcome(&record))
}

/// Puts back the `event_data` fields the Winlogbeat modules moved into ECS.
fn fill_from_ecs<'a>(
    record: &mut WinEvent<'a>,
    process: Option<Process<'a>>,
    user: Option<Ecs<'a>>,
    source: Option<Ecs<'a>>,
    destination: Option<Ecs<'a>>,
    network: Option<Ecs<'a>>,
) {
    let data = &mut record.data;
    if let Some(process) = process {
        let executable = text(process.executable);
        let parent = process.parent.and_then(|parent| text(parent.executable));
        let command_line = text(process.command_line);
        let pid = text(process.pid);
        data.fill("Image", executable.clone());
        data.fill("NewProcessName", executable);
        data.fill("ParentImage", parent.clone());
        data.fill("ParentProcessName", parent);
        data.fill("CommandLine", command_line);
        data.fill("ProcessId", pid);
    }
    if let Some(user) = user {
        let account = match (text(user.domain), text(user.name)) {
            (Some(domain), Some(name)) => Some(Cow::Owned(format!("{domain}\\{name}"))),
            (None, name) => name,
            (Some(_), None) => None,
        };
        data.fill("User", account);
    }
    if let Some(source) = source {
        let ip = text(source.ip);
        data.fill("SourceIp", ip.clone());
        data.fill("IpAddress", ip);
    }
    if let Some(destination) = destination {
        data.fill("DestinationIp", text(destination.ip));
        data.fill("DestinationHostname", text(destination.domain));
        data.fill("DestinationPort", text(destination.port));
    }
    if let Some(network) = network {
        data.fill("Protocol", text(network.transport));
        let initiated = text(network.direction).and_then(|direction| {
            match direction.to_ascii_lowercase().as_str() {
                "egress" | "outbound" => Some(Cow::Borrowed("true")),
                "ingress" | "inbound" => Some(Cow::Borrowed("false")),
                _ => None,
            }
        });
        data.fill("Initiated", initiated);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::probe::testing::{
        connection, event_at, fixture, lines_by_outcome, logon_failure, process, rejected_at,
    };
    use crate::event::{LogSource, NetworkConnection};
    use crate::time::Timestamp;

    const POWERSHELL: &str = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

    #[test]
    fn the_winlogbeat_fixture_field_by_field() {
        let outcomes = fixture("winlogbeat.ndjson");
        let (events, ignored, rejected) = lines_by_outcome(&outcomes);
        assert_eq!(events, [1, 2, 3, 4, 5]);
        assert_eq!(ignored, [6]);
        assert_eq!(rejected, [7, 8, 9]);
        assert_eq!(
            rejected_at(&outcomes, 7),
            "Windows event without `EventRecordID`"
        );
        assert!(
            rejected_at(&outcomes, 8).starts_with("invalid Winlogbeat document: invalid type: map")
        );
        assert_eq!(
            rejected_at(&outcomes, 9),
            "Windows event without a time (`@timestamp`)"
        );

        // Winlogbeat 7, no module: everything is in event_data; Sysmon's UtcTime is the time.
        let raw = event_at(&outcomes, 1);
        assert_eq!(
            &*raw.record_id,
            "WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67583"
        );
        assert_eq!(
            raw.time,
            Timestamp::parse("2025-03-04T08:40:58.632Z").expect("time")
        );
        assert_eq!(raw.source, LogSource::Sysmon);
        let started = process(raw);
        assert_eq!(started.image.as_deref(), Some(POWERSHELL));
        assert!(
            started
                .command_line
                .as_deref()
                .is_some_and(|line| line.contains("Invoke-AADIntUserEnumerationAsOutsider"))
        );
        assert_eq!(started.account.as_deref(), Some("WS-0142\\attacker"));
        assert_eq!(started.process_id, Some(3412));

        // Winlogbeat 8 with the Sysmon module: the fields were moved to ECS.
        let moved = event_at(&outcomes, 2);
        assert_eq!(
            &*moved.record_id,
            "WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/156837"
        );
        assert_eq!(
            moved.time,
            Timestamp::parse("2025-03-04T08:40:59.679Z").expect("time")
        );
        assert_eq!(moved.ip, "10.0.5.42".parse().ok());
        assert_eq!(
            connection(moved),
            &NetworkConnection {
                host: Some("WS-0142.corp.contoso.com".into()),
                image: Some(POWERSHELL.into()),
                account: Some("WS-0142\\attacker".into()),
                protocol: Some("tcp".into()),
                destination_ip: Some("20.190.160.1".into()),
                destination_host: Some("login.microsoftonline.com".into()),
                destination_port: Some(443),
                initiated: Some(true),
            }
        );
        let ecs_process = process(event_at(&outcomes, 3));
        assert!(ecs_process.command_line.as_deref().is_some_and(|line| line.contains(r#"-Body '{\"username\":\"jdoe@contoso.com\"}'"#)));
        assert_eq!(
            (ecs_process.process_id, ecs_process.parent_image.as_deref()),
            (Some(5120), Some(POWERSHELL))
        );
        assert_eq!(ecs_process.account.as_deref(), Some("WS-0142\\attacker"));

        let failure = event_at(&outcomes, 4);
        assert_eq!(
            &*failure.record_id,
            "EXCH01.corp.contoso.com/Security/2291834"
        );
        assert_eq!(failure.source, LogSource::WindowsSecurity);
        assert_eq!(failure.user.as_deref(), Some("no.such.user@contoso.com"));
        assert_eq!(failure.ip, "203.0.113.77".parse().ok());
        let logon = logon_failure(failure);
        assert_eq!(
            (logon.logon_type, logon.sub_status.as_deref()),
            (Some(8), Some("0xc0000064"))
        );
        assert_eq!(logon.target_domain, None);
        // Only event.code names the id; the address is only in source.ip.
        let coded = event_at(&outcomes, 5);
        assert_eq!(
            &*coded.record_id,
            "EXCH01.corp.contoso.com/Security/2291840"
        );
        assert_eq!(coded.ip, "2001:db8:4c7::91".parse().ok());
        assert_eq!(
            logon_failure(coded).sub_status.as_deref(),
            Some("0xc000006a")
        );
        assert_eq!(logon_failure(coded).process, None);
    }

    #[test]
    fn records_of_other_shapes_are_left_to_their_decoders() {
        assert_eq!(decode(br#"{"Event":{"System":{}}}"#), None);
        // A proxy record's `process` may be text; a Winlogbeat document's is an object.
        assert_eq!(decode(br#"{"url":"https://x/","process":"squid"}"#), None);
    }
}
