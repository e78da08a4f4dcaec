//! Windows events converted from EVTX to JSON: `{"Event": {"System": {...}, "EventData": {...}}}`.
//!
//! This is the layout of `evtx_dump` and of the Sigma regression data. Converters differ in
//! how they write XML: `System` elements may be plain values (`"EventID": 1`) or objects with
//! attributes (`"TimeCreated": {"#attributes": {"SystemTime": ...}}`, `"EventID": {"#text":
//! "4625", ...}`, xmltodict's `@Name`), and `EventData` may be an object of named values or a
//! `Data` list; [`Node`] and [`super::record::EventData`] read all of them. Only the
//! elements the mapping needs are read; the rest of the record is skipped.

use super::super::loose::Node;
use super::super::shape;
use super::map;
use super::record::{EventData, WinEvent};
use crate::decode::Outcome;
use crate::input::format::TopKey;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Record<'a> {
    #[serde(rename = "Event", borrow)]
    event: Option<Envelope<'a>>,
}

#[derive(Debug, Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "System", borrow)]
    system: Option<System<'a>>,
    #[serde(rename = "EventData", borrow, default)]
    event_data: EventData<'a>,
}

#[derive(Debug, Deserialize)]
struct System<'a> {
    #[serde(rename = "Provider", borrow)]
    provider: Option<Node<'a>>,
    #[serde(rename = "EventID", borrow)]
    event_id: Option<Node<'a>>,
    #[serde(rename = "TimeCreated", borrow)]
    time_created: Option<Node<'a>>,
    #[serde(rename = "EventRecordID", borrow)]
    event_record_id: Option<Node<'a>>,
    #[serde(rename = "Channel", borrow)]
    channel: Option<Node<'a>>,
    #[serde(rename = "Computer", borrow)]
    computer: Option<Node<'a>>,
}

/// Decodes an EVTX→JSON record; `None` when it has no `Event` (it is another shape).
pub fn decode(bytes: &[u8]) -> Option<Outcome> {
    let record: Record<'_> = match serde_json::from_slice(bytes) {
        Ok(record) => record,
        Err(error) => {
            return shape::failed(bytes, &[TopKey::Event], "EVTX JSON record", &error);
        }
    };
    let envelope = record.event?;
    let Some(system) = envelope.system else {
        return Some(Outcome::Rejected(
            "EVTX JSON record without `Event.System`".into(),
        ));
    };
    let event = WinEvent {
        event_id: system.event_id.and_then(|node| node.text),
        channel: system.channel.and_then(|node| node.text),
        provider: system.provider.and_then(Node::text_or_name),
        computer: system.computer.and_then(|node| node.text),
        record_id: system.event_record_id.and_then(|node| node.text),
        logged_at: system
            .time_created
            .and_then(|node| node.system_time.or(node.text)),
        logged_at_field: "TimeCreated.SystemTime",
        data: envelope.event_data,
    };
    Some(map::outcome(&event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::probe::testing::{
        connection, event_at, fixture, lines_by_outcome, logon_failure, process, rejected_at,
    };
    use crate::event::{LogSource, LogonFailure, NetworkConnection, ProcessStart};
    use crate::time::Timestamp;

    const POWERSHELL: &str = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

    #[test]
    fn the_sysmon_and_security_fixture_field_by_field() {
        let outcomes = fixture("sysmon-evtx.ndjson");
        let (events, ignored, rejected) = lines_by_outcome(&outcomes);
        assert_eq!(events, [1, 2, 3, 4, 5, 6, 8, 9, 10]);
        assert_eq!(ignored, [7, 11, 12]);
        assert_eq!(rejected, [13, 14, 15, 16]);
        let reasons: Vec<_> = outcomes
            .iter()
            .filter_map(|(_, outcome)| match outcome {
                Outcome::Ignored(ignore) => {
                    Some((ignore.reason.as_str(), ignore.record_id.as_deref()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "Sysmon event 5",
                    Some("WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67745")
                ),
                (
                    "Security event 4624",
                    Some("EXCH01.corp.contoso.com/Security/2291850")
                ),
                (
                    "Windows event 7036 (System)",
                    Some("WS-0142.corp.contoso.com/System/88121")
                ),
            ]
        );
        assert_eq!(
            rejected_at(&outcomes, 13),
            "`EventID` `one` is not a number"
        );
        assert_eq!(
            rejected_at(&outcomes, 14),
            "Windows event without `EventRecordID`"
        );
        assert_eq!(
            rejected_at(&outcomes, 15),
            "EVTX JSON record without `Event.System`"
        );
        assert_eq!(
            rejected_at(&outcomes, 16),
            "field `UtcTime`: invalid time `2025-02-30 08:54:00.000`"
        );

        let aad = event_at(&outcomes, 1);
        assert_eq!(
            &*aad.record_id,
            "WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67583"
        );
        assert_eq!(
            aad.time,
            Timestamp::parse("2025-03-04T08:40:58.632Z").expect("time")
        );
        assert_eq!((aad.user.as_deref(), aad.ip), (None, None));
        assert_eq!(aad.source, LogSource::Sysmon);
        assert_eq!(
            process(aad),
            &ProcessStart {
                host: Some("WS-0142.corp.contoso.com".into()),
                image: Some(POWERSHELL.into()),
                command_line: Some(
                    "powershell.exe -nop -c \"Import-Module AADInternals; Get-Content .\\users.txt | Invoke-AADIntUserEnumerationAsOutsider -Method Normal\"".into()
                ),
                parent_image: Some("C:\\Windows\\explorer.exe".into()),
                account: Some("WS-0142\\attacker".into()),
                process_id: Some(3412),
            }
        );
        let by_hand = process(event_at(&outcomes, 2));
        assert!(
            by_hand
                .command_line
                .as_deref()
                .is_some_and(|line| line.contains("/common/GetCredentialType"))
        );
        assert_eq!(
            (by_hand.process_id, by_hand.parent_image.as_deref()),
            (Some(5120), Some(POWERSHELL))
        );

        let login = event_at(&outcomes, 3);
        assert_eq!(
            &*login.record_id,
            "WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/156837"
        );
        assert_eq!(
            login.time,
            Timestamp::parse("2025-03-04T08:40:59.679Z").expect("time")
        );
        assert_eq!(login.ip, "10.0.5.42".parse().ok());
        assert_eq!(
            connection(login),
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
        let curl = process(event_at(&outcomes, 4));
        assert_eq!(
            curl.image.as_deref(),
            Some("C:\\Windows\\System32\\curl.exe")
        );
        assert!(
            curl.command_line
                .as_deref()
                .is_some_and(|line| line.contains("autodiscover.xml"))
        );
        let autodiscover = connection(event_at(&outcomes, 5));
        assert_eq!(
            autodiscover.destination_host.as_deref(),
            Some("autodiscover.contoso.com")
        );
        assert_eq!(
            (autodiscover.destination_port, autodiscover.initiated),
            (Some(443), Some(true))
        );
        let python = event_at(&outcomes, 6);
        assert_eq!(
            process(python).host.as_deref(),
            Some("WS-0150.corp.contoso.com")
        );
        assert!(
            process(python)
                .command_line
                .as_deref()
                .is_some_and(|line| line.contains("theHarvester/5.0.0"))
        );

        let no_such_user = event_at(&outcomes, 8);
        assert_eq!(
            &*no_such_user.record_id,
            "EXCH01.corp.contoso.com/Security/2291834"
        );
        assert_eq!(no_such_user.source, LogSource::WindowsSecurity);
        assert_eq!(
            no_such_user.time,
            Timestamp::parse("2025-03-04T08:41:18.204Z").expect("time")
        );
        assert_eq!(
            no_such_user.user.as_deref(),
            Some("no.such.user@contoso.com")
        );
        assert_eq!(no_such_user.ip, "203.0.113.77".parse().ok());
        assert_eq!(
            logon_failure(no_such_user),
            &LogonFailure {
                host: Some("EXCH01.corp.contoso.com".into()),
                target_user: Some("No.Such.User@contoso.com".into()),
                target_domain: None,
                logon_type: Some(8),
                status: Some("0xc000006d".into()),
                sub_status: Some("0xc0000064".into()),
                process: Some("C:\\Windows\\System32\\inetsrv\\w3wp.exe".into()),
                authentication_package: Some("Negotiate".into()),
                workstation: Some("EXCH01".into()),
            }
        );
        let bad_password = event_at(&outcomes, 9);
        assert_eq!(bad_password.user, None);
        assert_eq!(bad_password.ip, "203.0.113.77".parse().ok());
        let failure = logon_failure(bad_password);
        assert_eq!(
            (
                failure.target_user.as_deref(),
                failure.target_domain.as_deref()
            ),
            (Some("jdoe"), Some("CONTOSO"))
        );
        assert_eq!(
            (failure.status.as_deref(), failure.sub_status.as_deref()),
            (Some("0xc000006d"), Some("0xc000006a"))
        );
        assert_eq!(
            (failure.logon_type, failure.process.as_deref()),
            (Some(3), None)
        );
        assert_eq!(failure.authentication_package.as_deref(), Some("NTLM"));

        let created = event_at(&outcomes, 10);
        assert_eq!(created.source, LogSource::WindowsSecurity);
        assert_eq!(
            created.time,
            Timestamp::parse("2025-03-04T08:40:58.640Z").expect("time")
        );
        assert_eq!(
            process(created),
            &ProcessStart {
                host: Some("WS-0142.corp.contoso.com".into()),
                image: Some(POWERSHELL.into()),
                command_line: process(aad).command_line.clone(),
                parent_image: Some("C:\\Windows\\explorer.exe".into()),
                account: Some("WS-0142\\attacker".into()),
                process_id: Some(0xd54),
            }
        );
    }

    #[test]
    fn records_of_other_shapes_are_left_to_their_decoders() {
        assert_eq!(decode(br#"{"winlog":{"event_id":1}}"#), None);
        assert!(matches!(
            decode(br#"{"Event":{"System":{"EventID":[1]}}}"#),
            Some(Outcome::Rejected(reason)) if reason == "Windows event without `EventID`"
        ));
        assert!(matches!(
            decode(br#"{"Event":"text"}"#),
            Some(Outcome::Rejected(reason)) if reason.starts_with("invalid EVTX JSON record")
        ));
    }
}
