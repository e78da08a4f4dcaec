//! The organisation's web proxy as Elastic Common Schema documents, one per line: what the
//! Squid integration of Elastic Agent (or any proxy shipped through Filebeat) indexes, and
//! what `GET proxy-*/_search` exports.
//!
//! Each request becomes `@timestamp`, `event.*` (with the proxy's own id in `event.id`, which
//! the engine cites), `source.ip/port`, `destination.ip/port/domain`, `url.*` (the proxy
//! inspects TLS, so the full URL is known), `http.request.method`,
//! `http.response.status_code/bytes/mime_type`, `user_agent.original`, `user.name` when the
//! proxy authenticated the user, and `observer.*`.

use super::digest::ephemeral_port;
use super::{FormatWriter, WriterContext};
use crate::record::{Body, SimRecord};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Writes proxy requests as ECS NDJSON.
#[derive(Debug)]
pub struct ProxyEcs {
    prefix: String,
    count: u64,
}

impl ProxyEcs {
    /// A writer whose `event.id`s are unique within `context`'s file.
    pub fn new(context: &WriterContext) -> Self {
        let label = context.domain.split('.').next().unwrap_or("proxy");
        Self {
            prefix: format!("{label}-pxy"),
            count: 0,
        }
    }
}

/// The URL as the client asked for it.
fn full_url(scheme: &str, host: &str, port: u16, path: &str, query: &str) -> String {
    let default = matches!((scheme, port), ("https", 443) | ("http", 80));
    let mut url = format!("{scheme}://{host}");
    if !default {
        url.push_str(&format!(":{port}"));
    }
    url.push_str(path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

impl FormatWriter for ProxyEcs {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let Body::Web(hit) = &record.body else {
            return Err(io::Error::other("not a web request"));
        };
        self.count += 1;
        let id = format!("{}-{:08}", self.prefix, self.count);
        let stamp = record
            .time
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let port = ephemeral_port(&[hit.client_ip.as_bytes(), id.as_bytes()]);
        let mut url = Map::new();
        url.insert(
            "original".into(),
            full_url(&hit.scheme, &hit.host, hit.port, &hit.path, &hit.query).into(),
        );
        url.insert("scheme".into(), hit.scheme.clone().into());
        url.insert("domain".into(), hit.host.clone().into());
        url.insert("port".into(), hit.port.into());
        url.insert("path".into(), hit.path.clone().into());
        if !hit.query.is_empty() {
            url.insert("query".into(), hit.query.clone().into());
        }
        let mut response = Map::new();
        response.insert("status_code".into(), hit.status.into());
        response.insert("bytes".into(), hit.bytes.into());
        if !hit.content_type.is_empty() {
            response.insert("mime_type".into(), hit.content_type.clone().into());
        }
        let mut document = Map::new();
        document.insert("@timestamp".into(), stamp.into());
        document.insert(
            "event".into(),
            json!({
                "id": id,
                "kind": "event",
                "category": ["network", "web"],
                "type": ["access"],
                "outcome": if hit.status < 400 { "success" } else { "failure" },
                "duration": hit.elapsed_ms * 1_000_000,
                "dataset": "squid.access",
            }),
        );
        document.insert("source".into(), json!({"ip": hit.client_ip, "port": port}));
        document.insert(
            "destination".into(),
            json!({"ip": hit.server_ip, "port": hit.port, "domain": hit.host}),
        );
        document.insert("url".into(), Value::Object(url));
        document.insert(
            "http".into(),
            json!({"request": {"method": hit.method}, "response": response}),
        );
        if !hit.user_agent.is_empty() {
            document.insert("user_agent".into(), json!({"original": hit.user_agent}));
        }
        if !hit.username.is_empty() {
            document.insert("user".into(), json!({"name": hit.username}));
        }
        document.insert(
            "observer".into(),
            json!({"vendor": "Squid", "product": "Squid", "type": "proxy"}),
        );
        super::write_json(out, &document)?;
        out.write_all(b"\n")?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::decoded;
    use crate::record::WebHit;
    use chrono::{TimeZone, Utc};
    use mailhound_core::EventKind;

    fn hit(path: &str, query: &str, agent: &str) -> WebHit {
        WebHit {
            client_ip: "10.11.0.21".into(),
            server_ip: "20.190.151.68".into(),
            method: "POST".into(),
            scheme: "https".into(),
            host: "login.microsoftonline.com".into(),
            port: 443,
            path: path.into(),
            query: query.into(),
            status: 200,
            bytes: 1532,
            elapsed_ms: 84,
            user_agent: agent.into(),
            content_type: "application/json".into(),
            ..WebHit::default()
        }
    }

    fn write(hits: &[WebHit]) -> (String, Vec<String>) {
        let context = WriterContext {
            file: "proxy.ecs.ndjson".into(),
            tenant_id: String::new(),
            domain: "northwind-traders.com".into(),
        };
        let mut writer = ProxyEcs::new(&context);
        let mut out = Vec::new();
        let time = Utc.with_ymd_and_hms(2025, 3, 4, 8, 41, 17).unwrap();
        let ids = hits
            .iter()
            .map(|hit| {
                let record = SimRecord {
                    time,
                    scenario: None,
                    body: Body::Web(Box::new(hit.clone())),
                };
                writer.write(&record, &mut out).expect("valid in tests")
            })
            .collect();
        (String::from_utf8(out).expect("valid in tests"), ids)
    }

    #[test]
    fn the_decoder_reads_back_what_was_written() {
        let mut with_user = hit(
            "/common/oauth2/v2.0/authorize",
            "client_id=4765445b",
            "AADInternals",
        );
        with_user.method = "GET".into();
        with_user.username = "CORP\\amy.lee".into();
        let (text, ids) = write(&[
            hit("/common/GetCredentialType", "", "python-requests/2.31.0"),
            with_user,
        ]);
        let events = decoded::events("proxy.ecs.ndjson", &text);
        assert_eq!(events.len(), 2);
        assert_eq!(
            ids,
            [
                "northwind-traders-pxy-00000001",
                "northwind-traders-pxy-00000002"
            ]
        );
        for (event, id) in events.iter().zip(&ids) {
            assert_eq!(&event.record_id, id);
            assert_eq!(
                event.ip,
                Some("10.11.0.21".parse().expect("valid in tests"))
            );
            assert_eq!(event.time.millis(), 1_741_077_677_000);
        }
        let EventKind::WebRequest(first) = &events[0].kind else {
            panic!("not a web request: {:?}", events[0].kind);
        };
        assert_eq!(first.method.as_deref(), Some("POST"));
        assert_eq!(first.host.as_deref(), Some("login.microsoftonline.com"));
        assert_eq!(first.path.as_deref(), Some("/common/GetCredentialType"));
        assert_eq!(first.query, None);
        assert_eq!(first.status, Some(200));
        assert_eq!(first.bytes, Some(1532));
        assert_eq!(first.user_agent.as_deref(), Some("python-requests/2.31.0"));
        assert_eq!(first.server_ip.as_deref(), Some("20.190.151.68"));
        let EventKind::WebRequest(second) = &events[1].kind else {
            panic!("not a web request");
        };
        assert_eq!(second.method.as_deref(), Some("GET"));
        assert_eq!(second.query.as_deref(), Some("client_id=4765445b"));
        assert_eq!(second.username.as_deref(), Some("corp\\amy.lee"));
    }

    #[test]
    fn urls_name_a_port_only_when_it_is_not_the_scheme_default() {
        assert_eq!(
            full_url("https", "a.example", 443, "/x", ""),
            "https://a.example/x"
        );
        assert_eq!(
            full_url("http", "a.example", 8080, "/x", "q=1"),
            "http://a.example:8080/x?q=1"
        );
    }
}
