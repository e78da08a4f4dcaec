//! Squid's native access log: where an attacker's egress proxy shows GetCredentialType calls.
//!
//! The native format is ten whitespace-separated fields,
//! `time.millis elapsed client code/status bytes method URL user hierarchy/peer type`
//! (`1741077677.123    187 10.0.5.42 TCP_MISS/200 1532 POST https://login.microsoftonline.com/common/GetCredentialType - HIER_DIRECT/20.190.160.1 application/json`).
//! It has **no user agent**: a tool's user agent is only visible in the combined format or a
//! custom `logformat`, so requests from this format carry none. A `CONNECT` the proxy did not
//! decrypt logs only `host:port`; a decrypted (ssl-bump) request logs the full URL. Fields
//! after the tenth (custom formats append some) are not read. Squid writes `000` when no reply
//! was sent, read here as no status, and `error:...` URLs for requests it could not parse,
//! which are ignored as they name no target. The record id is the position (`file:line`).

use super::fields::{Account, normalised_ip, number, present};
use super::stamp;
use super::url::{Target, folded_host};
use crate::decode::{DecodeContext, Outcome};
use crate::event::{Event, EventKind, LogSource, WebLogKind, WebRequest};
use crate::input::json::Position;
use crate::net::parse_client_ip;

/// Number of fields of the native format.
const FIELDS: usize = 10;

/// The ignore reason of a line whose URL is one of Squid's `error:...` placeholders.
pub const ERROR_ENTRY: &str = "Squid error entry (no request target)";

/// Decodes one line of a Squid native access log.
pub fn decode_line(text: &str, at: Position, context: &DecodeContext) -> Outcome {
    let mut fields = [""; FIELDS];
    let mut count = 0;
    for field in text.split_ascii_whitespace() {
        if let Some(slot) = fields.get_mut(count) {
            *slot = field;
        }
        count += 1;
    }
    if count < FIELDS {
        return Outcome::Rejected(format!(
            "Squid line has {count} fields; the native format has {FIELDS}"
        ));
    }
    let [
        time,
        _elapsed,
        client,
        code,
        bytes,
        method,
        url,
        user,
        peer,
        _type,
    ] = fields;
    let Some(when) = stamp::epoch(time) else {
        return Outcome::Rejected(format!(
            "field 1 (time): `{time}` is not Unix seconds with milliseconds"
        ));
    };
    let Some((_, status)) = code.split_once('/') else {
        return Outcome::Rejected(format!(
            "field 4 (code/status): expected `CODE/status` like `TCP_MISS/200`, found `{code}`"
        ));
    };
    let id = context.positional_id(at);
    if url.starts_with("error:") {
        return Outcome::ignored(ERROR_ENTRY, Some(id));
    }
    let status = match number::<u16>("status", status) {
        Ok(status) => status.filter(|status| *status != 0),
        Err(reason) => return Outcome::Rejected(reason),
    };
    let bytes = match number::<u64>("bytes", bytes) {
        Ok(bytes) => bytes,
        Err(reason) => return Outcome::Rejected(reason),
    };
    let target = Target::parse(url);
    let account = Account::from_proxy(user);
    let server_ip = peer
        .split_once('/')
        .and_then(|(_, peer)| present(peer))
        .filter(|peer| parse_client_ip(peer).is_some())
        .map(normalised_ip);
    let request = WebRequest {
        log: WebLogKind::SquidNative,
        method: present(method).map(str::to_ascii_uppercase),
        host: folded_host(target.host),
        path: target.path.map(str::to_owned),
        query: target.query.map(str::to_owned),
        status,
        sub_status: None,
        win32_status: None,
        user_agent: None,
        username: account.username,
        server_ip,
        bytes,
    };
    Outcome::Event(Event {
        record_id: id.into(),
        time: when,
        user: account.user,
        ip: parse_client_ip(client),
        source: LogSource::WebProxy,
        kind: EventKind::WebRequest(request),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn decode(text: &str) -> Outcome {
        let context = DecodeContext::new("access.log", None);
        let at = Position {
            record: 3,
            line: 3,
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
    fn a_decrypted_get_credential_type_call_field_by_field() {
        let event = event(
            "1741077677.123    187 10.0.5.42 TCP_MISS/200 1532 POST https://login.microsoftonline.com/common/GetCredentialType JDoe%40Contoso.com HIER_DIRECT/20.190.160.1 application/json",
        );
        assert_eq!(&*event.record_id, "access.log:3");
        assert_eq!(event.time, Timestamp(1_741_077_677_123));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(event.ip, "10.0.5.42".parse().ok());
        assert_eq!(event.source, LogSource::WebProxy);
        assert_eq!(
            request(&event),
            &WebRequest {
                log: WebLogKind::SquidNative,
                method: Some("POST".into()),
                host: Some("login.microsoftonline.com".into()),
                path: Some("/common/GetCredentialType".into()),
                query: None,
                status: Some(200),
                sub_status: None,
                win32_status: None,
                user_agent: None,
                username: Some("jdoe@contoso.com".into()),
                server_ip: Some("20.190.160.1".into()),
                bytes: Some(1532),
            }
        );
    }

    #[test]
    fn a_tunnel_names_only_its_host() {
        let event = event(
            "1741077677.500  60012 2001:db8:5::42 TCP_TUNNEL/200 48211 CONNECT login.microsoftonline.com:443 - HIER_DIRECT/login.microsoftonline.com -",
        );
        let request = request(&event);
        assert_eq!(request.method.as_deref(), Some("CONNECT"));
        assert_eq!(request.host.as_deref(), Some("login.microsoftonline.com"));
        assert_eq!(request.path, None);
        assert_eq!(request.server_ip, None);
        assert_eq!(request.username, None);
        assert_eq!(event.ip, "2001:db8:5::42".parse().ok());
    }

    #[test]
    fn no_reply_is_no_status_and_error_entries_are_ignored() {
        let event = event(
            "1741077677.500      0 10.0.5.42 TCP_DENIED/000 0 GET http://crt.sh/ - HIER_NONE/- -",
        );
        assert_eq!(request(&event).status, None);
        assert_eq!(
            decode(
                "1741077677.500 0 10.0.5.42 NONE_NONE/400 3850 NONE error:invalid-request - HIER_NONE/- text/html"
            ),
            Outcome::ignored(ERROR_ENTRY, Some("access.log:3".into()))
        );
    }

    #[test]
    fn the_proxy_fixture_field_by_field() {
        use crate::decode::probe::testing::{
            event_at, fixture, lines_by_outcome, rejected_at, web,
        };
        let outcomes = fixture("proxy-squid.log");
        let (events, ignored, rejected) = lines_by_outcome(&outcomes);
        assert_eq!(events, [1, 2, 3, 4, 5, 6, 7, 8, 10, 13]);
        assert_eq!(ignored, [9]);
        assert_eq!(rejected, [11, 12]);
        assert_eq!(
            rejected_at(&outcomes, 11),
            "Squid line has 4 fields; the native format has 10"
        );
        assert!(rejected_at(&outcomes, 12).starts_with("field 1 (time): `04/Mar/2025:09:06:03`"));

        let tunnel = event_at(&outcomes, 1);
        assert_eq!(&*tunnel.record_id, "proxy-squid.log:1");
        assert_eq!(
            tunnel.time,
            Timestamp::parse("2025-03-04T08:40:59.482Z").expect("time")
        );
        assert_eq!(web(tunnel).method.as_deref(), Some("CONNECT"));
        assert_eq!(
            web(tunnel).host.as_deref(),
            Some("login.microsoftonline.com")
        );
        let probe = event_at(&outcomes, 5);
        assert_eq!(
            probe.time,
            Timestamp::parse("2025-03-04T08:41:17.123Z").expect("time")
        );
        assert_eq!(probe.ip, "10.0.5.42".parse().ok());
        assert_eq!(probe.user, None);
        assert_eq!(
            web(probe),
            &WebRequest {
                log: WebLogKind::SquidNative,
                method: Some("POST".into()),
                host: Some("login.microsoftonline.com".into()),
                path: Some("/common/GetCredentialType".into()),
                query: None,
                status: Some(200),
                sub_status: None,
                win32_status: None,
                user_agent: None,
                username: None,
                server_ip: Some("20.190.160.1".into()),
                bytes: Some(1533),
            }
        );
        let crt = web(event_at(&outcomes, 6));
        assert_eq!(crt.host.as_deref(), Some("crt.sh"));
        assert_eq!(crt.query.as_deref(), Some("q=%25.contoso.com&output=json"));
        assert_eq!(
            event_at(&outcomes, 7).user.as_deref(),
            Some("amy.lee@contoso.com")
        );
        assert_eq!(web(event_at(&outcomes, 8)).status, Some(407));
        assert_eq!(event_at(&outcomes, 10).ip, "2001:db8:5::42".parse().ok());
        let unreachable = web(event_at(&outcomes, 13));
        assert_eq!(
            (
                unreachable.status,
                unreachable.bytes,
                unreachable.server_ip.as_deref()
            ),
            (Some(503), Some(0), None)
        );
    }

    #[test]
    fn malformed_lines_are_rejected_with_a_reason() {
        let reason = |text: &str| match decode(text) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert_eq!(
            reason("1741077677.123 187 10.0.5.42 TCP_MISS/200"),
            "Squid line has 4 fields; the native format has 10"
        );
        assert!(
            reason("04/Mar/2025 187 10.0.5.42 TCP_MISS/200 1 GET http://x/ - HIER_NONE/- -")
                .contains("field 1 (time)")
        );
        assert!(
            reason("1741077677.123 187 10.0.5.42 TCP_MISS 1 GET http://x/ - HIER_NONE/- -")
                .contains("found `TCP_MISS`")
        );
        assert_eq!(
            reason("1741077677.123 187 10.0.5.42 TCP_MISS/2x0 1 GET http://x/ - HIER_NONE/- -"),
            "field `status`: `2x0` is not a number"
        );
        assert!(
            reason("1741077677.123 187 10.0.5.42 TCP_MISS/200 big GET http://x/ - HIER_NONE/- -")
                .contains("`big` is not a number")
        );
    }
}
