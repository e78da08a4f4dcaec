//! Web-proxy records as JSON: Elastic ECS documents and the flat form proxies and SIEM
//! exports write.
//!
//! ECS: `@timestamp`, `source.ip` (or `client.ip`), `url.original` / `url.full` with
//! `url.domain`, `url.path`, `url.query`, `http.request.method`,
//! `http.response.status_code`, `http.response.bytes`, `user_agent.original`, `user.name`,
//! `destination.ip`, `event.id`. Flat: `timestamp` or `time` (ISO 8601 or Unix seconds),
//! `client_ip` or `src_ip`, `method`, `url`, `status`, `bytes`, `user_agent`, `user` or
//! `username`, `id`. The same key is a string in one and an object in the other (`url`,
//! `user_agent`, `user`), so those are read as either. A record without an id of its own gets
//! its position in the input (`input#record`: JSON records can share a line). The explicit
//! ECS URL parts win over what splitting `url.original` gives.

use super::fields::{Account, normalised_ip, number, present};
use super::loose::TextOr;
use super::url::{Target, folded_host};
use super::{shape, stamp};
use crate::decode::lenient::LenientText;
use crate::decode::{DecodeContext, Outcome};
use crate::event::{Event, EventKind, LogSource, WebLogKind, WebRequest};
use crate::input::format::TopKey;
use crate::net::parse_client_ip;
use serde::Deserialize;
use std::borrow::Cow;

type Text<'a> = Option<LenientText<'a>>;

#[derive(Debug, Deserialize)]
struct Record<'a> {
    #[serde(rename = "@timestamp", borrow)]
    at_timestamp: Text<'a>,
    #[serde(borrow)]
    timestamp: Text<'a>,
    #[serde(borrow)]
    time: Text<'a>,
    #[serde(borrow)]
    source: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    client: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    client_ip: Text<'a>,
    #[serde(borrow)]
    src_ip: Text<'a>,
    #[serde(borrow)]
    url: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    http: Option<TextOr<'a, Http<'a>>>,
    #[serde(borrow)]
    method: Text<'a>,
    #[serde(borrow)]
    status: Text<'a>,
    #[serde(borrow)]
    bytes: Text<'a>,
    #[serde(borrow)]
    user_agent: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    user: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    username: Text<'a>,
    #[serde(borrow)]
    destination: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    event: Option<TextOr<'a, Fields<'a>>>,
    #[serde(borrow)]
    id: Text<'a>,
}

/// The scalar fields read from the ECS objects (`url`, `source`, `client`, `destination`,
/// `user`, `user_agent`, `event`); each uses the few that apply to it.
#[derive(Debug, Default, Deserialize)]
struct Fields<'a> {
    #[serde(borrow)]
    original: Text<'a>,
    #[serde(borrow)]
    full: Text<'a>,
    #[serde(borrow)]
    domain: Text<'a>,
    #[serde(borrow)]
    path: Text<'a>,
    #[serde(borrow)]
    query: Text<'a>,
    #[serde(borrow)]
    ip: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    id: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
struct Http<'a> {
    #[serde(borrow)]
    request: Option<HttpPart<'a>>,
    #[serde(borrow)]
    response: Option<HttpPart<'a>>,
}

#[derive(Debug, Default, Deserialize)]
struct HttpPart<'a> {
    #[serde(borrow)]
    method: Text<'a>,
    #[serde(borrow)]
    status_code: Text<'a>,
    #[serde(borrow)]
    bytes: Text<'a>,
}

/// The object of an ECS field, or nothing when it was written as text.
fn object<'a>(value: Option<TextOr<'a, Fields<'a>>>) -> Fields<'a> {
    match value {
        Some(TextOr::Object(fields)) => fields,
        _ => Fields::default(),
    }
}

/// The text of a field written as text, or `pick` of its object.
fn text_or<'a>(
    value: Option<TextOr<'a, Fields<'a>>>,
    pick: impl FnOnce(Fields<'a>) -> Text<'a>,
) -> Option<Cow<'a, str>> {
    match value? {
        TextOr::Text(text) => Some(text),
        TextOr::Object(fields) => pick(fields).map(|text| text.0),
    }
}

fn text(value: Text<'_>) -> Option<Cow<'_, str>> {
    value.map(|text| text.0)
}

/// Decodes a proxy record; `None` when it has neither `url` nor `http` (another shape).
pub fn decode(bytes: &[u8], context: &DecodeContext) -> Option<Outcome> {
    let record: Record<'_> = match serde_json::from_slice(bytes) {
        Ok(record) => record,
        Err(error) => {
            return shape::failed(bytes, &[TopKey::Url, TopKey::Http], "proxy record", &error);
        }
    };
    if record.url.is_none() && record.http.is_none() {
        return None;
    }
    Some(match event(record, context) {
        Ok(event) => Outcome::Event(event),
        Err(reason) => Outcome::Rejected(reason),
    })
}

fn event(record: Record<'_>, context: &DecodeContext) -> Result<Event, String> {
    let (field, when) = [
        ("@timestamp", record.at_timestamp),
        ("timestamp", record.timestamp),
        ("time", record.time),
    ]
    .into_iter()
    .find_map(|(field, value)| value.map(|value| (field, value.0)))
    .ok_or("proxy record without a time (`@timestamp`, `timestamp` or `time`)")?;
    let when =
        stamp::any(&when).ok_or_else(|| format!("field `{field}`: invalid time `{when}`"))?;
    let http = match record.http {
        Some(TextOr::Object(http)) => http,
        _ => Http::default(),
    };
    let request = http.request.unwrap_or_default();
    let response = http.response.unwrap_or_default();
    let destination = object(record.destination);
    let (url, parts) = match record.url {
        Some(TextOr::Text(url)) => (Some(url), Fields::default()),
        Some(TextOr::Object(parts)) => (None, parts),
        None => (None, Fields::default()),
    };
    let whole = url
        .or_else(|| text(parts.original))
        .or_else(|| text(parts.full));
    let target = whole.as_deref().map(Target::parse).unwrap_or_default();
    let domain = text(parts.domain).or_else(|| text(destination.domain));
    let host = domain.as_deref().and_then(present).or(target.host);
    let path = text(parts.path);
    let path = path.as_deref().and_then(present).or(target.path);
    let query = text(parts.query);
    let query = query.as_deref().and_then(present).or(target.query);
    if host.is_none() && path.is_none() {
        return Err(
            "proxy record without a URL (`url`, `url.original`, `url.full` or `url.domain`)".into(),
        );
    }
    let method = text(request.method).or_else(|| text(record.method));
    let status = text(response.status_code).or_else(|| text(record.status));
    let bytes = text(response.bytes).or_else(|| text(record.bytes));
    let user_agent = text_or(record.user_agent, |agent| agent.original);
    let user = text_or(record.user, |user| user.name).or_else(|| text(record.username));
    let account = Account::from_proxy(user.as_deref().unwrap_or_default());
    let client = text_or(record.source, |source| source.ip)
        .or_else(|| text_or(record.client, |client| client.ip))
        .or_else(|| text(record.client_ip))
        .or_else(|| text(record.src_ip));
    let id = text_or(record.event, |event| event.id)
        .or_else(|| text(record.id))
        .filter(|id| !id.trim().is_empty())
        .map_or_else(
            || format!("{}#{}", context.input, context.at.record),
            |id| id.trim().to_owned(),
        );
    let request = WebRequest {
        log: WebLogKind::ProxyJson,
        method: method
            .as_deref()
            .and_then(present)
            .map(str::to_ascii_uppercase),
        host: folded_host(host),
        path: path.map(str::to_owned),
        query: query.map(str::to_owned),
        status: number::<u16>("status", status.as_deref().unwrap_or_default())?
            .filter(|status| *status != 0),
        sub_status: None,
        win32_status: None,
        user_agent: user_agent.as_deref().and_then(present).map(str::to_owned),
        username: account.username,
        server_ip: text(destination.ip)
            .as_deref()
            .and_then(present)
            .map(normalised_ip),
        bytes: number("bytes", bytes.as_deref().unwrap_or_default())?,
    };
    Ok(Event {
        record_id: id.into(),
        time: when,
        user: account.user,
        ip: client.as_deref().and_then(parse_client_ip),
        source: LogSource::WebProxy,
        kind: EventKind::WebRequest(request),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::probe::testing::{event_at, fixture, lines_by_outcome, rejected_at, web};
    use crate::time::Timestamp;

    #[test]
    fn the_proxy_fixture_field_by_field() {
        let outcomes = fixture("proxy-ecs.ndjson");
        let (events, ignored, rejected) = lines_by_outcome(&outcomes);
        assert_eq!(events, [1, 2, 3, 4, 5, 10]);
        assert!(ignored.is_empty());
        assert_eq!(rejected, [6, 7, 8, 9, 11]);
        assert!(
            rejected_at(&outcomes, 6).starts_with("invalid proxy record: invalid type: map"),
            "{}",
            rejected_at(&outcomes, 6)
        );
        assert_eq!(
            rejected_at(&outcomes, 7),
            "proxy record without a time (`@timestamp`, `timestamp` or `time`)"
        );
        assert_eq!(
            rejected_at(&outcomes, 8),
            "field `@timestamp`: invalid time `2025-03-04T25:00:00Z`"
        );
        assert!(rejected_at(&outcomes, 9).starts_with("unterminated string"));
        assert!(rejected_at(&outcomes, 11).starts_with("proxy record without a URL"));

        let aad = event_at(&outcomes, 1);
        assert_eq!(&*aad.record_id, "pxy-0001");
        assert_eq!(
            aad.time,
            Timestamp::parse("2025-03-04T08:41:17.123Z").expect("time")
        );
        assert_eq!(aad.ip, "10.0.5.42".parse().ok());
        assert_eq!(aad.user, None);
        assert_eq!(aad.source, LogSource::WebProxy);
        assert_eq!(
            web(aad),
            &WebRequest {
                log: WebLogKind::ProxyJson,
                method: Some("POST".into()),
                host: Some("login.microsoftonline.com".into()),
                path: Some("/common/GetCredentialType".into()),
                query: None,
                status: Some(200),
                sub_status: None,
                win32_status: None,
                user_agent: Some("AADInternals".into()),
                username: None,
                server_ip: Some("20.190.160.1".into()),
                bytes: Some(1532),
            }
        );
        let powershell = event_at(&outcomes, 2);
        let request = web(powershell);
        assert_eq!(request.host.as_deref(), Some("login.microsoftonline.com"));
        assert_eq!(request.query.as_deref(), Some("mkt=en-US"));
        assert_eq!(request.status, Some(200));
        assert_eq!(request.username.as_deref(), Some("contoso\\svc-scan"));
        assert_eq!(powershell.user, None);
        assert!(
            request
                .user_agent
                .as_deref()
                .is_some_and(|ua| ua.ends_with("PowerShell/7.4.6"))
        );
        let tunnel = web(event_at(&outcomes, 3));
        assert_eq!(
            (tunnel.method.as_deref(), tunnel.path.as_deref()),
            (Some("CONNECT"), None)
        );

        let harvester = event_at(&outcomes, 4);
        assert_eq!(&*harvester.record_id, "proxy-ecs.ndjson#4");
        assert_eq!(harvester.ip, "10.0.5.51".parse().ok());
        assert_eq!(
            web(harvester).user_agent.as_deref(),
            Some("theHarvester/5.0.0 (+https://github.com/laramies/theHarvester)")
        );
        assert_eq!(web(harvester).bytes, Some(48213));
        let flat = event_at(&outcomes, 5);
        assert_eq!(&*flat.record_id, "f-00017");
        assert_eq!(flat.time, Timestamp(1_741_079_112_311));
        assert_eq!(flat.ip, "10.0.8.31".parse().ok());
        assert_eq!(flat.user.as_deref(), Some("amy.lee@contoso.com"));
        assert_eq!(web(flat).method.as_deref(), Some("GET"));
        assert_eq!(web(flat).status, Some(200));
        assert_eq!(event_at(&outcomes, 10).ip, "2001:db8:5::42".parse().ok());
    }

    #[test]
    fn records_of_other_shapes_are_left_to_their_decoders() {
        let context = DecodeContext::new("x", None);
        assert_eq!(
            decode(
                br#"{"Id":"1","CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#,
                &context
            ),
            None
        );
        // A Graph sign-in's `status` is an object: not a bad proxy record, another shape.
        assert_eq!(
            decode(br#"{"id":"s1","createdDateTime":"2025-03-04T09:15:02Z","status":{"errorCode":50126}}"#, &context),
            None
        );
        assert!(matches!(
            decode(br#"{"url":"https://x/","status":{"code":200}}"#, &context),
            Some(Outcome::Rejected(reason)) if reason.starts_with("invalid proxy record: invalid type: map")
        ));
    }
}
