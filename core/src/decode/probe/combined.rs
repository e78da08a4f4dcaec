//! The combined log format (Squid `logformat combined`, Apache, nginx): proxy lines with the
//! user agent, which is what names enumeration tools (`AADInternals`, PowerShell, theHarvester).
//!
//! `client ident user [04/Mar/2025:08:41:17 +0000] "METHOD URL HTTP/1.1" status bytes "referer" "user agent"`,
//! and Squid appends its codes (`TCP_MISS:HIER_DIRECT`), which are not read. The time is local
//! with its offset and is converted to UTC. A proxy logs absolute URLs (or `host:port` for
//! `CONNECT`), a web server logs the path only. Quoted fields may escape quotes as `\"`. The
//! common log format (no referer and user agent) is read too. A line whose request is `-` or
//! not `METHOD URL ...` (a client that sent garbage) is valid but names no request, so it is
//! ignored, as are Squid's `error:invalid-request` placeholders. The record id is the position
//! (`file:line`).

use super::fields::{Account, number, present};
use super::url::{Target, folded_host};
use super::{squid, stamp};
use crate::decode::{DecodeContext, Outcome};
use crate::event::{Event, EventKind, LogSource, WebLogKind, WebRequest};
use crate::input::json::Position;
use crate::net::parse_client_ip;
use std::borrow::Cow;

/// Why a request line could not be read, as the ignore reason.
const NO_REQUEST: &str = "web request without a readable request line";

/// Decodes one line of a combined-format log.
pub fn decode_line(text: &str, at: Position, context: &DecodeContext) -> Outcome {
    match read(text) {
        Ok(line) => outcome(&line, at, context),
        Err(reason) => Outcome::Rejected(reason),
    }
}

/// The fields of a combined line, borrowed from it where no unescaping was needed.
#[derive(Debug)]
struct Line<'a> {
    client: &'a str,
    user: &'a str,
    time: &'a str,
    request: Cow<'a, str>,
    status: &'a str,
    bytes: &'a str,
    user_agent: Option<Cow<'a, str>>,
}

/// Splits a line into its fields, or says which one is missing.
fn read(text: &str) -> Result<Line<'_>, String> {
    let mut cursor = Cursor(text);
    let missing = |what: &str| format!("combined line without {what}");
    let client = cursor.token().ok_or_else(|| missing("a client"))?;
    let _ident = cursor.token().ok_or_else(|| missing("an ident field"))?;
    let user = cursor.token().ok_or_else(|| missing("a user field"))?;
    let time = cursor.bracketed()?.ok_or_else(|| missing("a `[time]`"))?;
    let request = cursor
        .quoted()?
        .ok_or_else(|| missing("a quoted request"))?;
    let status = cursor.token().ok_or_else(|| missing("a status"))?;
    let bytes = cursor.token().ok_or_else(|| missing("a byte count"))?;
    let _referer = cursor.quoted()?;
    let user_agent = cursor.quoted()?;
    Ok(Line {
        client,
        user,
        time,
        request,
        status,
        bytes,
        user_agent,
    })
}

/// Turns the fields into an event, an ignore or a rejection.
fn outcome(line: &Line<'_>, at: Position, context: &DecodeContext) -> Outcome {
    let Some(when) = stamp::clf(line.time) else {
        return Outcome::Rejected(format!(
            "invalid time `[{}]`: expected `[04/Mar/2025:08:41:17 +0000]`",
            line.time
        ));
    };
    let status = match number::<u16>("status", line.status) {
        Ok(status) => status.filter(|status| *status != 0),
        Err(reason) => return Outcome::Rejected(reason),
    };
    let bytes = match number::<u64>("bytes", line.bytes) {
        Ok(bytes) => bytes,
        Err(reason) => return Outcome::Rejected(reason),
    };
    let id = context.positional_id(at);
    let Some((method, url)) = request_line(&line.request) else {
        return Outcome::ignored(NO_REQUEST, Some(id));
    };
    if url.starts_with("error:") {
        return Outcome::ignored(squid::ERROR_ENTRY, Some(id));
    }
    let target = Target::parse(url);
    let account = Account::from_proxy(line.user);
    let request = WebRequest {
        log: WebLogKind::Combined,
        method: Some(method.to_ascii_uppercase()),
        host: folded_host(target.host),
        path: target.path.map(str::to_owned),
        query: target.query.map(str::to_owned),
        status,
        sub_status: None,
        win32_status: None,
        user_agent: line
            .user_agent
            .as_deref()
            .and_then(present)
            .map(str::to_owned),
        username: account.username,
        server_ip: None,
        bytes,
    };
    Outcome::Event(Event {
        record_id: id.into(),
        time: when,
        user: account.user,
        ip: parse_client_ip(line.client),
        source: LogSource::WebProxy,
        kind: EventKind::WebRequest(request),
    })
}

/// `METHOD URL [PROTOCOL]`, when the request reads as one.
fn request_line(request: &str) -> Option<(&str, &str)> {
    let mut parts = request.split_ascii_whitespace();
    let method = parts.next()?;
    let url = parts.next()?;
    let is_method = method
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
    is_method.then_some((method, url))
}

/// Reads the fields of a line left to right.
struct Cursor<'a>(&'a str);

impl<'a> Cursor<'a> {
    fn skip_spaces(&mut self) {
        self.0 = self.0.trim_start_matches([' ', '\t']);
    }

    /// The next space-delimited token.
    fn token(&mut self) -> Option<&'a str> {
        self.skip_spaces();
        let end = self.0.find([' ', '\t']).unwrap_or(self.0.len());
        let (token, rest) = self.0.split_at(end);
        self.0 = rest;
        Some(token).filter(|token| !token.is_empty())
    }

    /// The next `[...]` field, `None` when the next field is not bracketed.
    fn bracketed(&mut self) -> Result<Option<&'a str>, String> {
        self.skip_spaces();
        let Some(rest) = self.0.strip_prefix('[') else {
            return Ok(None);
        };
        let (inside, rest) = rest
            .split_once(']')
            .ok_or_else(|| "combined line: `[` of the time is never closed".to_owned())?;
        self.0 = rest;
        Ok(Some(inside))
    }

    /// The next `"..."` field (with `\"` and `\\` unescaped), `None` when the next field is
    /// not quoted.
    fn quoted(&mut self) -> Result<Option<Cow<'a, str>>, String> {
        self.skip_spaces();
        let Some(rest) = self.0.strip_prefix('"') else {
            return Ok(None);
        };
        let bytes = rest.as_bytes();
        let mut i = 0;
        let mut escaped = false;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                b'"' => {
                    let inside = &rest[..i];
                    self.0 = &rest[i + 1..];
                    return Ok(Some(if escaped {
                        Cow::Owned(unescape(inside))
                    } else {
                        Cow::Borrowed(inside)
                    }));
                }
                _ => i += 1,
            }
        }
        Err("combined line: a quoted field is never closed".into())
    }
}

/// `\"` and `\\` unescaped; other escapes (`\x16`) kept as written.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('"' | '\\')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn decode(text: &str) -> Outcome {
        let context = DecodeContext::new("combined.log", None);
        let at = Position {
            record: 7,
            line: 7,
            offset: 0,
        };
        decode_line(text, at, &context)
    }

    fn event(text: &str) -> Event {
        match decode(text) {
            Outcome::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    fn request(event: &Event) -> &WebRequest {
        match &event.kind {
            EventKind::WebRequest(request) => request,
            other => panic!("expected a web request, got {other:?}"),
        }
    }

    #[test]
    fn a_squid_combined_line_field_by_field() {
        let event = event(
            r#"10.0.5.42 - amy.lee%40contoso.com [04/Mar/2025:09:41:17 +0100] "POST https://login.microsoftonline.com/common/GetCredentialType HTTP/1.1" 200 1532 "-" "AADInternals" TCP_MISS:HIER_DIRECT"#,
        );
        assert_eq!(&*event.record_id, "combined.log:7");
        assert_eq!(event.time, Timestamp(1_741_077_677_000));
        assert_eq!(event.user.as_deref(), Some("amy.lee@contoso.com"));
        assert_eq!(event.ip, "10.0.5.42".parse().ok());
        assert_eq!(event.source, LogSource::WebProxy);
        assert_eq!(
            request(&event),
            &WebRequest {
                log: WebLogKind::Combined,
                method: Some("POST".into()),
                host: Some("login.microsoftonline.com".into()),
                path: Some("/common/GetCredentialType".into()),
                query: None,
                status: Some(200),
                sub_status: None,
                win32_status: None,
                user_agent: Some("AADInternals".into()),
                username: Some("amy.lee@contoso.com".into()),
                server_ip: None,
                bytes: Some(1532),
            }
        );
    }

    #[test]
    fn web_server_lines_escapes_and_the_common_format() {
        let event = event(
            r#"2001:db8::7 - - [04/Mar/2025:08:41:17 +0000] "GET /autodiscover/autodiscover.json?Email=a%40contoso.com HTTP/1.1" 401 - "-" "Mozilla/5.0 \"quoted\" \\ \x16""#,
        );
        assert_eq!(event.ip, "2001:db8::7".parse().ok());
        let request = request(&event);
        assert_eq!(request.host, None);
        assert_eq!(
            request.path.as_deref(),
            Some("/autodiscover/autodiscover.json")
        );
        assert_eq!(request.query.as_deref(), Some("Email=a%40contoso.com"));
        assert_eq!(request.bytes, None);
        assert_eq!(
            request.user_agent.as_deref(),
            Some(r#"Mozilla/5.0 "quoted" \ \x16"#)
        );
        let common =
            decode(r#"198.51.100.9 - - [04/Mar/2025:08:41:17 +0000] "GET / HTTP/1.0" 200 12"#);
        let Outcome::Event(Event {
            kind: EventKind::WebRequest(common),
            ..
        }) = common
        else {
            panic!("{common:?}");
        };
        assert_eq!(common.user_agent, None);
        assert_eq!(common.status, Some(200));
    }

    #[test]
    fn requests_that_are_not_requests_are_ignored() {
        assert_eq!(
            decode(
                r#"203.0.113.9 - - [04/Mar/2025:09:06:30 +0000] "NONE error:invalid-request HTTP/0.0" 400 3850 "-" "-" NONE_NONE:HIER_NONE"#
            ),
            Outcome::ignored(squid::ERROR_ENTRY, Some("combined.log:7".into()))
        );
        for garbage in [r#""-""#, r#""\x16\x03\x01\x02\x00""#] {
            let line =
                format!(r#"203.0.113.9 - - [04/Mar/2025:08:41:17 +0000] {garbage} 400 0 "-" "-""#);
            assert_eq!(
                decode(&line),
                Outcome::ignored(NO_REQUEST, Some("combined.log:7".into())),
                "{line}"
            );
        }
    }

    #[test]
    fn the_proxy_fixture_field_by_field() {
        use crate::decode::probe::testing::{
            event_at, fixture, lines_by_outcome, rejected_at, web,
        };
        let outcomes = fixture("proxy-combined.log");
        let (events, ignored, rejected) = lines_by_outcome(&outcomes);
        assert_eq!(events, [1, 2, 3, 4, 5, 6, 7, 8, 9, 14]);
        assert_eq!(ignored, [12, 13]);
        assert_eq!(rejected, [10, 11]);
        assert!(
            rejected_at(&outcomes, 10).starts_with("invalid time `[04/Mar/2025:25:61:00 +0000]`")
        );
        assert_eq!(
            rejected_at(&outcomes, 11),
            "combined line: a quoted field is never closed"
        );

        let powershell =
            "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.26100.2161";
        let first = event_at(&outcomes, 2);
        assert_eq!(&*first.record_id, "proxy-combined.log:2");
        assert_eq!(
            first.time,
            Timestamp::parse("2025-03-04T08:41:00Z").expect("time")
        );
        assert_eq!(first.ip, "10.0.5.42".parse().ok());
        assert_eq!(
            web(first),
            &WebRequest {
                log: WebLogKind::Combined,
                method: Some("POST".into()),
                host: Some("login.microsoftonline.com".into()),
                path: Some("/common/GetCredentialType".into()),
                query: None,
                status: Some(200),
                sub_status: None,
                win32_status: None,
                user_agent: Some(powershell.into()),
                username: None,
                server_ip: None,
                bytes: Some(1532),
            }
        );
        // Logged at +0100: the same instant as 08:41:01 UTC.
        assert_eq!(
            event_at(&outcomes, 3).time,
            Timestamp::parse("2025-03-04T08:41:01Z").expect("time")
        );
        assert_eq!(
            web(event_at(&outcomes, 4)).user_agent.as_deref(),
            Some("AADInternals")
        );
        assert_eq!(
            web(event_at(&outcomes, 5)).path.as_deref(),
            Some("/common/oauth2/token")
        );
        assert_eq!(web(event_at(&outcomes, 5)).status, Some(400));
        let harvester = web(event_at(&outcomes, 6));
        assert_eq!(
            harvester.user_agent.as_deref(),
            Some("theHarvester/5.0.0 (+https://github.com/laramies/theHarvester)")
        );
        assert_eq!(harvester.host.as_deref(), Some("crt.sh"));
        let browser = event_at(&outcomes, 8);
        assert_eq!(browser.user.as_deref(), Some("amy.lee@contoso.com"));
        assert_eq!(event_at(&outcomes, 9).ip, "2001:db8:5::42".parse().ok());
        let crypto = event_at(&outcomes, 14);
        assert_eq!(crypto.user, None);
        assert_eq!(web(crypto).username.as_deref(), Some("contoso\\bob.ray"));
        assert_eq!((web(crypto).status, web(crypto).bytes), (Some(304), None));
    }

    #[test]
    fn malformed_lines_are_rejected_with_a_reason() {
        let reason = |text: &str| match decode(text) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert_eq!(
            reason(r#"10.0.5.42 - - [04/Mar/2025:08:41:17 +0000] "GET /"#),
            "combined line: a quoted field is never closed"
        );
        assert_eq!(
            reason(r#"10.0.5.42 - - [04/Mar/2025:08:41:17 +0000] "GET / HTTP/1.1""#),
            "combined line without a status"
        );
        assert_eq!(reason("10.0.5.42 - -"), "combined line without a `[time]`");
        assert_eq!(
            reason(r#"10.0.5.42 - - [2025-03-04 08:41:17] "GET / HTTP/1.1" 200 1"#),
            "invalid time `[2025-03-04 08:41:17]`: expected `[04/Mar/2025:08:41:17 +0000]`"
        );
        assert_eq!(
            reason(r#"10.0.5.42 - - [04/Mar/2025:08:41:17 +0000] "GET / HTTP/1.1" OK 1"#),
            "field `status`: `OK` is not a number"
        );
        assert_eq!(
            reason("10.0.5.42 - - [04/Mar/2025:08:41:17 +0000"),
            "combined line: `[` of the time is never closed"
        );
    }
}
