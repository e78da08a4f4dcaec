//! IIS W3C extended logs (Exchange front ends): where Autodiscover probing shows.
//!
//! A W3C file describes itself: the `#Fields:` directive names the columns of the lines that
//! follow, and a new `#Fields:` (IIS restarts a log with a new header block, or the field set
//! was changed) applies from there on. The directive is kept in the decode context; data lines
//! are split on whitespace without allocating and read by column name. Values are written with
//! `-` for empty and `+` for spaces, and `date` / `time` are UTC whatever the server's zone.
//! Lines carry no id, so the record id is the position (`file:line`).
//!
//! A data line before any `#Fields:`, or with a different number of fields than the directive
//! names, cannot be read reliably (every column would shift) and is rejected with the counts.

use super::fields::{Account, normalised_ip, number, present};
use super::stamp;
use super::url::{folded_host, host_of};
use crate::decode::{DecodeContext, Outcome};
use crate::event::{Event, EventKind, LogSource, WebLogKind, WebRequest};
use crate::input::json::Position;
use crate::net::parse_client_ip;

/// Decodes one line of a W3C log. Directive lines (`#...`) update the context and are not
/// records (`None`).
pub fn decode_line(text: &str, at: Position, context: &mut DecodeContext) -> Option<Outcome> {
    if let Some(directive) = text.trim_start().strip_prefix('#') {
        read_directive(directive, context);
        return None;
    }
    Some(decode_entry(text, at, context))
}

/// Keeps the column names of a `#Fields:` directive (case-folded); other directives
/// (`#Software`, `#Version`, `#Date`, `#Remark`) say nothing the decoder needs.
fn read_directive(directive: &str, context: &mut DecodeContext) {
    let Some(list) = directive
        .get(..7)
        .filter(|name| name.eq_ignore_ascii_case("Fields:"))
        .map(|_| &directive[7..])
    else {
        return;
    };
    context.w3c_fields.clear();
    context.w3c_fields.extend(
        list.split_ascii_whitespace()
            .map(|name| name.to_ascii_lowercase()),
    );
}

/// The columns of one line that the event reads, borrowed from the line.
#[derive(Debug, Default)]
struct Row<'a> {
    date: Option<&'a str>,
    time: Option<&'a str>,
    client_ip: Option<&'a str>,
    method: Option<&'a str>,
    stem: Option<&'a str>,
    query: Option<&'a str>,
    status: Option<&'a str>,
    sub_status: Option<&'a str>,
    win32_status: Option<&'a str>,
    user_agent: Option<&'a str>,
    username: Option<&'a str>,
    server_ip: Option<&'a str>,
    bytes: Option<&'a str>,
    host: Option<&'a str>,
}

impl<'a> Row<'a> {
    /// Reads the known columns of `text` by the names of `fields`.
    fn read(fields: &[String], text: &'a str) -> Self {
        let mut row = Self::default();
        for (name, value) in fields.iter().zip(text.split_ascii_whitespace()) {
            let slot = match name.as_str() {
                "date" => &mut row.date,
                "time" => &mut row.time,
                "c-ip" => &mut row.client_ip,
                "cs-method" => &mut row.method,
                "cs-uri-stem" => &mut row.stem,
                "cs-uri-query" => &mut row.query,
                "sc-status" => &mut row.status,
                "sc-substatus" => &mut row.sub_status,
                "sc-win32-status" => &mut row.win32_status,
                "cs(user-agent)" => &mut row.user_agent,
                "cs-username" => &mut row.username,
                "s-ip" => &mut row.server_ip,
                "sc-bytes" => &mut row.bytes,
                "cs-host" => &mut row.host,
                _ => continue,
            };
            *slot = Some(value);
        }
        row
    }
}

/// Decodes a data line with the current `#Fields:`.
fn decode_entry(text: &str, at: Position, context: &DecodeContext) -> Outcome {
    let fields = &context.w3c_fields;
    if fields.is_empty() {
        return Outcome::Rejected(
            "W3C data line before any `#Fields:` directive: its columns are unknown".into(),
        );
    }
    let count = text.split_ascii_whitespace().count();
    if count != fields.len() {
        return Outcome::Rejected(format!(
            "W3C line has {count} fields but the `#Fields:` directive names {}",
            fields.len()
        ));
    }
    match event(&Row::read(fields, text), at, context) {
        Ok(event) => Outcome::Event(event),
        Err(reason) => Outcome::Rejected(reason),
    }
}

/// Builds the event of a line, or says which column is wrong.
fn event(row: &Row<'_>, at: Position, context: &DecodeContext) -> Result<Event, String> {
    let (Some(date), Some(time)) = (row.date, row.time) else {
        return Err("the `#Fields:` directive names no `date` and `time` columns".into());
    };
    let Some(when) = stamp::w3c(date, time) else {
        return Err(format!("invalid date and time `{date} {time}`"));
    };
    let ip = match row.client_ip.and_then(present) {
        Some(text) => Some(
            parse_client_ip(text)
                .ok_or_else(|| format!("field `c-ip`: invalid address `{text}`"))?,
        ),
        None => None,
    };
    let account = Account::from_logged(row.username.unwrap_or_default());
    let request = WebRequest {
        log: WebLogKind::IisW3c,
        method: row.method.and_then(present).map(str::to_ascii_uppercase),
        host: folded_host(row.host.and_then(present).and_then(host_of)),
        path: row.stem.and_then(present).map(str::to_owned),
        query: row.query.and_then(present).map(str::to_owned),
        status: number("sc-status", row.status.unwrap_or_default())?,
        sub_status: number("sc-substatus", row.sub_status.unwrap_or_default())?,
        win32_status: number("sc-win32-status", row.win32_status.unwrap_or_default())?,
        user_agent: row
            .user_agent
            .and_then(present)
            .map(|agent| agent.replace('+', " ")),
        username: account.username,
        server_ip: row.server_ip.and_then(present).map(normalised_ip),
        bytes: number("sc-bytes", row.bytes.unwrap_or_default())?,
    };
    Ok(Event {
        record_id: context.positional_id(at).into(),
        time: when,
        user: account.user,
        ip,
        source: LogSource::IisW3c,
        kind: EventKind::WebRequest(request),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    const FIELDS: &str = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

    fn context() -> DecodeContext {
        let mut context = DecodeContext::new("ex250304.log", None);
        let at = Position::default();
        assert_eq!(decode_line(FIELDS, at, &mut context), None);
        context
    }

    fn line(text: &str, line: u64, context: &mut DecodeContext) -> Outcome {
        let at = Position {
            record: line,
            line,
            offset: 0,
        };
        decode_line(text, at, context).expect("a data line")
    }

    fn request(event: &Event) -> &WebRequest {
        match &event.kind {
            EventKind::WebRequest(request) => request,
            other => panic!("expected a web request, got {other:?}"),
        }
    }

    #[test]
    fn an_autodiscover_probe_is_read_field_by_field() {
        let mut context = context();
        let outcome = line(
            "2025-03-04 08:41:17 10.0.0.25 POST /Autodiscover/Autodiscover.xml &CorrelationID=<empty>;&cafeReqId=3f0c2a61-8d2e-4f7a-9b6e-1c2d3e4f5a6b; 443 JDoe@Contoso.com 203.0.113.77 python-requests/2.31.0 - 401 1 2148074254 15",
            5,
            &mut context,
        );
        let Outcome::Event(event) = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(&*event.record_id, "ex250304.log:5");
        assert_eq!(
            event.time,
            Timestamp::parse("2025-03-04T08:41:17Z").expect("time")
        );
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(event.ip, "203.0.113.77".parse().ok());
        assert_eq!(event.source, LogSource::IisW3c);
        assert_eq!(
            request(&event),
            &WebRequest {
                log: WebLogKind::IisW3c,
                method: Some("POST".into()),
                host: None,
                path: Some("/Autodiscover/Autodiscover.xml".into()),
                query: Some(
                    "&CorrelationID=<empty>;&cafeReqId=3f0c2a61-8d2e-4f7a-9b6e-1c2d3e4f5a6b;"
                        .into()
                ),
                status: Some(401),
                sub_status: Some(1),
                win32_status: Some(2_148_074_254),
                user_agent: Some("python-requests/2.31.0".into()),
                username: Some("jdoe@contoso.com".into()),
                server_ip: Some("10.0.0.25".into()),
                bytes: None,
            }
        );
    }

    #[test]
    fn domain_accounts_are_kept_but_are_not_cloud_users() {
        let mut context = context();
        let Outcome::Event(event) = line(
            "2025-03-04 08:41:17 10.0.0.25 POST /Autodiscover/Autodiscover.xml - 443 CONTOSO\\jdoe 2001:db8:77::12 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 401 1 2148074252 187",
            6,
            &mut context,
        ) else {
            panic!("not an event");
        };
        assert_eq!(event.user, None);
        assert_eq!(event.ip, "2001:db8:77::12".parse().ok());
        let request = request(&event);
        assert_eq!(request.username.as_deref(), Some("contoso\\jdoe"));
        assert_eq!(request.query, None);
        assert_eq!(
            request.user_agent.as_deref(),
            Some("Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
        );
    }

    #[test]
    fn a_new_fields_directive_applies_to_the_lines_after_it() {
        let mut context = context();
        let _ = decode_line(
            "#Fields: date time cs-host c-ip cs-method cs-uri-stem sc-status sc-bytes",
            Position::default(),
            &mut context,
        );
        let Outcome::Event(event) = line(
            "2025-03-04 09:00:00 MAIL.contoso.com:443 198.51.100.4 get /owa/ 302 512",
            9,
            &mut context,
        ) else {
            panic!("not an event");
        };
        let request = request(&event);
        assert_eq!(request.host.as_deref(), Some("mail.contoso.com"));
        assert_eq!(request.method.as_deref(), Some("GET"));
        assert_eq!(request.bytes, Some(512));
        assert_eq!(request.win32_status, None);
    }

    #[test]
    fn unreadable_lines_are_rejected_with_a_reason() {
        let reason = |text: &str, context: &mut DecodeContext| match line(text, 1, context) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        let mut empty = DecodeContext::new("x.log", None);
        assert!(reason("2025-03-04 08:41:17 a", &mut empty).contains("before any `#Fields:`"));
        let mut context = context();
        assert_eq!(
            reason("2025-03-04 08:41:17 10.0.0.25 POST", &mut context),
            "W3C line has 4 fields but the `#Fields:` directive names 15"
        );
        let valid = "10.0.0.25 POST /Autodiscover/Autodiscover.xml - 443 - 203.0.113.77 curl/8.5.0 - 401 1 2148074254 15";
        assert_eq!(
            reason(&format!("2025-13-04 08:41:17 {valid}"), &mut context),
            "invalid date and time `2025-13-04 08:41:17`"
        );
        assert_eq!(
            reason(
                "2025-03-04 08:41:17 10.0.0.25 POST /a - 443 - not-an-ip curl/8.5.0 - 401 1 0 15",
                &mut context
            ),
            "field `c-ip`: invalid address `not-an-ip`"
        );
        assert_eq!(
            reason(
                "2025-03-04 08:41:17 10.0.0.25 POST /a - 443 - 203.0.113.77 curl/8.5.0 - OK 1 0 15",
                &mut context
            ),
            "field `sc-status`: `OK` is not a number"
        );
        let _ = decode_line("#Fields: c-ip cs-method", Position::default(), &mut context);
        assert!(reason("203.0.113.77 GET", &mut context).contains("no `date` and `time`"));
    }

    #[test]
    fn the_autodiscover_fixture_field_by_field() {
        use crate::decode::probe::testing::{
            event_at, fixture, lines_by_outcome, rejected_at, web,
        };
        let outcomes = fixture("autodiscover-iis.log");
        let (events, ignored, rejected) = lines_by_outcome(&outcomes);
        assert_eq!(
            events,
            [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17, 22, 23, 24, 25]
        );
        assert!(ignored.is_empty());
        assert_eq!(rejected, [15, 16, 26]);
        assert_eq!(
            rejected_at(&outcomes, 15),
            "invalid date and time `2025-03-32 08:41:25`"
        );
        assert_eq!(
            rejected_at(&outcomes, 16),
            "W3C line has 5 fields but the `#Fields:` directive names 15"
        );
        assert_eq!(
            rejected_at(&outcomes, 26),
            "W3C line has 18 fields but the `#Fields:` directive names 17"
        );

        let outlook = event_at(&outcomes, 5);
        assert_eq!(outlook.user.as_deref(), Some("amy.lee@contoso.com"));
        assert_eq!(
            web(outlook).user_agent.as_deref(),
            Some("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)")
        );
        assert_eq!(
            (web(outlook).status, web(outlook).win32_status),
            (Some(200), Some(0))
        );

        let anonymous = event_at(&outcomes, 7);
        assert_eq!(&*anonymous.record_id, "autodiscover-iis.log:7");
        assert_eq!(
            (
                anonymous.user.as_deref(),
                web(anonymous).username.as_deref()
            ),
            (None, None)
        );
        let probe = event_at(&outcomes, 8);
        assert_eq!(
            probe.time,
            Timestamp::parse("2025-03-04T08:41:18Z").expect("time")
        );
        assert_eq!(probe.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(probe.ip, "203.0.113.77".parse().ok());
        assert_eq!(
            web(probe),
            &WebRequest {
                log: WebLogKind::IisW3c,
                method: Some("POST".into()),
                host: None,
                path: Some("/Autodiscover/Autodiscover.xml".into()),
                query: Some(
                    "&CorrelationID=<empty>;&cafeReqId=0c9e5f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6;"
                        .into()
                ),
                status: Some(401),
                sub_status: Some(1),
                win32_status: Some(2_148_074_254),
                user_agent: Some("curl/8.5.0".into()),
                username: Some("jdoe@contoso.com".into()),
                server_ip: Some("10.0.0.25".into()),
                bytes: None,
            }
        );
        let denied = event_at(&outcomes, 14);
        assert_eq!(denied.user, None);
        assert_eq!(web(denied).username.as_deref(), Some("contoso\\jdoe"));
        assert_eq!(web(denied).win32_status, Some(2_148_074_252));
        assert_eq!(event_at(&outcomes, 17).ip, "2001:db8:4c7::91".parse().ok());

        // After the second header block, the columns include cs-host and sc-bytes.
        let health = event_at(&outcomes, 22);
        assert_eq!(web(health).host, None);
        assert_eq!(health.ip, "127.0.0.1".parse().ok());
        let after_restart = event_at(&outcomes, 23);
        assert_eq!(after_restart.user.as_deref(), Some("hr@contoso.com"));
        assert_eq!(
            web(after_restart).host.as_deref(),
            Some("autodiscover.contoso.com")
        );
        assert_eq!(web(after_restart).bytes, Some(7385));
        assert_eq!(web(after_restart).status, Some(401));
        let json = event_at(&outcomes, 24);
        assert_eq!(
            web(json).query.as_deref(),
            Some("Email=payroll%40contoso.com&Protocol=ActiveSync&RedirectCount=1")
        );
        let active_sync = event_at(&outcomes, 25);
        assert_eq!(web(active_sync).host.as_deref(), Some("mail.contoso.com"));
        assert_eq!(web(active_sync).bytes, Some(283));
    }

    #[test]
    fn a_data_line_before_the_fields_directive_is_rejected() {
        use crate::decode::probe::testing::{
            event_at, fixture, lines_by_outcome, rejected_at, web,
        };
        let outcomes = fixture("iis-fields-late.log");
        assert_eq!(lines_by_outcome(&outcomes), (vec![5], vec![], vec![3]));
        assert!(rejected_at(&outcomes, 3).contains("before any `#Fields:`"));
        assert_eq!(web(event_at(&outcomes, 5)).status, Some(401));
    }

    #[test]
    fn other_directives_change_nothing() {
        let mut context = context();
        for directive in [
            "#Software: Microsoft Internet Information Services 10.0",
            "#Date: 2025-03-04 08:00:00",
            "#Version: 1.0",
        ] {
            assert_eq!(
                decode_line(directive, Position::default(), &mut context),
                None
            );
        }
        assert_eq!(context.w3c_fields.len(), 15);
        assert_eq!(context.w3c_fields[9], "cs(user-agent)");
    }
}
