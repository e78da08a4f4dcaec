//! From a Windows event to a normalised event: the Sysmon and Security event ids the
//! enumeration scenarios leave, everything else ignored by channel and id.
//!
//! | source | id | event |
//! | --- | --- | --- |
//! | Sysmon | 1 | [`ProcessStart`] (PowerShell running `Invoke-AADIntUserEnumerationAsOutsider`, curl probing Autodiscover) |
//! | Sysmon | 3 | [`NetworkConnection`] (to `login.microsoftonline.com:443`) |
//! | Security | 4625 | [`LogonFailure`] (sub-status `0xc0000064`: no such user) |
//! | Security | 4688 | [`ProcessStart`] (process creation with command-line auditing) |
//!
//! Event ids are only meaningful within their source (event 1 of the System log is not a
//! process start), so the channel or provider is checked first. The record id is the
//! computer, the channel and `EventRecordID` (`WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67583`),
//! which stays the same whichever export or converter a record went through, so the same
//! event exported twice is recognised. Sysmon's own `UtcTime` is the event time; otherwise the
//! time the event was logged. Local Windows accounts are not cloud accounts: only a 4625
//! whose target is an address (Exchange Basic authentication logs the UPN) sets the user.

use super::record::WinEvent;
use crate::decode::Outcome;
use crate::decode::probe::fields::{decimal_or_hex, is_email, normalised_ip, number, present};
use crate::event::{Event, EventKind, LogSource, LogonFailure, NetworkConnection, ProcessStart};
use crate::net::parse_client_ip;
use crate::time::Timestamp;

/// Which log an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Sysmon,
    Security,
    Other,
}

impl Family {
    fn of(event: &WinEvent<'_>) -> Self {
        let is = |value: &Option<std::borrow::Cow<'_, str>>, expected: &str| {
            value
                .as_deref()
                .is_some_and(|value| value.trim().eq_ignore_ascii_case(expected))
        };
        if is(&event.channel, "Microsoft-Windows-Sysmon/Operational")
            || is(&event.provider, "Microsoft-Windows-Sysmon")
        {
            Self::Sysmon
        } else if is(&event.channel, "Security")
            || is(&event.provider, "Microsoft-Windows-Security-Auditing")
        {
            Self::Security
        } else {
            Self::Other
        }
    }
}

/// Maps a Windows event to an outcome.
pub fn outcome(event: &WinEvent<'_>) -> Outcome {
    match mapped(event) {
        Ok(outcome) => outcome,
        Err(reason) => Outcome::Rejected(reason),
    }
}

fn mapped(event: &WinEvent<'_>) -> Result<Outcome, String> {
    let id_text = event
        .event_id
        .as_deref()
        .and_then(present)
        .ok_or("Windows event without `EventID`")?;
    let id: u32 = id_text
        .parse()
        .map_err(|_| format!("`EventID` `{id_text}` is not a number"))?;
    let record = event
        .record_id
        .as_deref()
        .and_then(present)
        .ok_or("Windows event without `EventRecordID`")?;
    let channel = event
        .channel
        .as_deref()
        .or(event.provider.as_deref())
        .and_then(present)
        .unwrap_or("-");
    let computer = event.computer.as_deref().and_then(present).unwrap_or("-");
    let record_id = format!("{computer}/{channel}/{record}");
    let family = Family::of(event);
    let (source, kind) = match (family, id) {
        (Family::Sysmon, 1) => (LogSource::Sysmon, sysmon_process(event)),
        (Family::Sysmon, 3) => (LogSource::Sysmon, sysmon_connection(event)?),
        (Family::Security, 4625) => (LogSource::WindowsSecurity, logon_failure(event)?),
        (Family::Security, 4688) => (LogSource::WindowsSecurity, security_process(event)),
        (Family::Sysmon, _) => {
            return Ok(Outcome::ignored(
                format!("Sysmon event {id}"),
                Some(record_id),
            ));
        }
        (Family::Security, _) => {
            return Ok(Outcome::ignored(
                format!("Security event {id}"),
                Some(record_id),
            ));
        }
        (Family::Other, _) => {
            return Ok(Outcome::ignored(
                format!("Windows event {id} ({channel})"),
                Some(record_id),
            ));
        }
    };
    let (user, ip) = match &kind {
        EventKind::LogonFailure(failure) => (
            failure
                .target_user
                .as_deref()
                .map(str::to_lowercase)
                .filter(|user| is_email(user)),
            event.data.get("IpAddress").and_then(parse_client_ip),
        ),
        EventKind::NetworkConnection(_) => {
            (None, event.data.get("SourceIp").and_then(parse_client_ip))
        }
        _ => (None, None),
    };
    Ok(Outcome::Event(Event {
        record_id: record_id.into(),
        time: time(event, family)?,
        user,
        ip,
        source,
        kind,
    }))
}

/// Sysmon's `UtcTime` (when it happened), else when it was logged.
fn time(event: &WinEvent<'_>, family: Family) -> Result<Timestamp, String> {
    if family == Family::Sysmon {
        if let Some(utc) = event.data.get("UtcTime") {
            return Timestamp::parse(utc)
                .ok_or_else(|| format!("field `UtcTime`: invalid time `{utc}`"));
        }
    }
    let field = event.logged_at_field;
    let logged = event
        .logged_at
        .as_deref()
        .and_then(present)
        .ok_or_else(|| format!("Windows event without a time (`{field}`)"))?;
    Timestamp::parse(logged).ok_or_else(|| format!("field `{field}`: invalid time `{logged}`"))
}

fn text(event: &WinEvent<'_>, name: &str) -> Option<String> {
    event.data.get(name).map(str::to_owned)
}

fn host(event: &WinEvent<'_>) -> Option<String> {
    event
        .computer
        .as_deref()
        .and_then(present)
        .map(str::to_owned)
}

fn sysmon_process(event: &WinEvent<'_>) -> EventKind {
    EventKind::ProcessStart(ProcessStart {
        host: host(event),
        image: text(event, "Image"),
        command_line: text(event, "CommandLine"),
        parent_image: text(event, "ParentImage"),
        account: text(event, "User"),
        process_id: event.data.get("ProcessId").and_then(decimal_or_hex),
    })
}

/// Security 4688: the new process runs as the target account when one is logged (Windows 10
/// and later), otherwise as its creator (the subject).
fn security_process(event: &WinEvent<'_>) -> EventKind {
    let account = qualified(event, "TargetDomainName", "TargetUserName")
        .or_else(|| qualified(event, "SubjectDomainName", "SubjectUserName"));
    EventKind::ProcessStart(ProcessStart {
        host: host(event),
        image: text(event, "NewProcessName"),
        command_line: text(event, "CommandLine"),
        parent_image: text(event, "ParentProcessName"),
        account,
        process_id: event.data.get("NewProcessId").and_then(decimal_or_hex),
    })
}

/// `DOMAIN\user`, or `user` without a domain.
fn qualified(event: &WinEvent<'_>, domain: &str, user: &str) -> Option<String> {
    let user = event.data.get(user)?;
    Some(match event.data.get(domain) {
        Some(domain) => format!("{domain}\\{user}"),
        None => user.to_owned(),
    })
}

fn sysmon_connection(event: &WinEvent<'_>) -> Result<EventKind, String> {
    let initiated = match event.data.get("Initiated") {
        None => None,
        Some(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Some(text) if text.eq_ignore_ascii_case("false") => Some(false),
        Some(text) => return Err(format!("field `Initiated`: `{text}` is not true or false")),
    };
    Ok(EventKind::NetworkConnection(NetworkConnection {
        host: host(event),
        image: text(event, "Image"),
        account: text(event, "User"),
        protocol: text(event, "Protocol"),
        destination_ip: event.data.get("DestinationIp").map(normalised_ip),
        destination_host: text(event, "DestinationHostname"),
        destination_port: number(
            "DestinationPort",
            event.data.get("DestinationPort").unwrap_or_default(),
        )?,
        initiated,
    }))
}

fn logon_failure(event: &WinEvent<'_>) -> Result<EventKind, String> {
    Ok(EventKind::LogonFailure(LogonFailure {
        host: host(event),
        target_user: text(event, "TargetUserName"),
        target_domain: text(event, "TargetDomainName"),
        logon_type: number("LogonType", event.data.get("LogonType").unwrap_or_default())?,
        status: event.data.get("Status").map(status_code),
        sub_status: event.data.get("SubStatus").map(status_code),
        process: text(event, "ProcessName"),
        authentication_package: text(event, "AuthenticationPackageName"),
        workstation: text(event, "WorkstationName"),
    }))
}

/// An NTSTATUS in the spelling Windows logs it (`0xc0000064`): lower-case hex, and decimal
/// (as some converters write it) turned into hex.
fn status_code(text: &str) -> String {
    if text.starts_with("0x") || text.starts_with("0X") {
        return text.to_ascii_lowercase();
    }
    match text.parse::<u32>() {
        Ok(code) => format!("0x{code:08x}"),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::EventData;
    use super::*;
    use std::borrow::Cow;

    fn sysmon<'a>(id: &'a str, data: &'a str) -> WinEvent<'a> {
        let data: EventData<'a> = serde_json::from_str(data).expect("data");
        WinEvent {
            event_id: Some(Cow::Borrowed(id)),
            channel: Some(Cow::Borrowed("Microsoft-Windows-Sysmon/Operational")),
            provider: Some(Cow::Borrowed("Microsoft-Windows-Sysmon")),
            computer: Some(Cow::Borrowed("WS-0142.corp.contoso.com")),
            record_id: Some(Cow::Borrowed("67583")),
            logged_at: Some(Cow::Borrowed("2025-03-04T08:40:58.649150Z")),
            logged_at_field: "TimeCreated.SystemTime",
            data,
        }
    }

    fn reason(event: &WinEvent<'_>) -> String {
        match outcome(event) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn ids_are_read_within_their_source() {
        let mut event = sysmon("5", "{}");
        assert_eq!(
            outcome(&event),
            Outcome::ignored(
                "Sysmon event 5",
                Some("WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/67583".into())
            )
        );
        event.event_id = Some(Cow::Borrowed("1"));
        event.channel = Some(Cow::Borrowed("System"));
        event.provider = Some(Cow::Borrowed("Service Control Manager"));
        assert_eq!(
            outcome(&event),
            Outcome::ignored(
                "Windows event 1 (System)",
                Some("WS-0142.corp.contoso.com/System/67583".into())
            )
        );
    }

    #[test]
    fn envelope_problems_are_rejections() {
        let mut event = sysmon("x1", "{}");
        assert_eq!(reason(&event), "`EventID` `x1` is not a number");
        event.event_id = None;
        assert_eq!(reason(&event), "Windows event without `EventID`");
        let mut event = sysmon("1", "{}");
        event.record_id = Some(Cow::Borrowed(" "));
        assert_eq!(reason(&event), "Windows event without `EventRecordID`");
        let event = sysmon("1", r#"{"UtcTime":"2025-03-04 25:00:00.000"}"#);
        assert_eq!(
            reason(&event),
            "field `UtcTime`: invalid time `2025-03-04 25:00:00.000`"
        );
        let mut event = sysmon("1", "{}");
        event.logged_at = None;
        assert_eq!(
            reason(&event),
            "Windows event without a time (`TimeCreated.SystemTime`)"
        );
    }

    #[test]
    fn sysmon_time_falls_back_to_the_logged_time() {
        let Outcome::Event(event) = outcome(&sysmon("1", "{}")) else {
            panic!("not an event");
        };
        assert_eq!(
            event.time,
            Timestamp::parse("2025-03-04T08:40:58.649Z").expect("time")
        );
    }

    #[test]
    fn bad_connection_values_are_rejections() {
        let event = sysmon("3", r#"{"Initiated":"maybe"}"#);
        assert_eq!(
            reason(&event),
            "field `Initiated`: `maybe` is not true or false"
        );
        let event = sysmon("3", r#"{"DestinationPort":"https"}"#);
        assert_eq!(
            reason(&event),
            "field `DestinationPort`: `https` is not a number"
        );
    }

    #[test]
    fn status_codes_are_spelt_as_windows_logs_them() {
        assert_eq!(status_code("0xC0000064"), "0xc0000064");
        assert_eq!(status_code("3221225572"), "0xc0000064");
        assert_eq!(status_code("%%2313"), "%%2313");
    }
}
