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
use super::json::{string, string_member, unsigned};
use super::{FormatWriter, WriterContext};
use crate::record::{Body, SimRecord, WebHit};
use std::io::{self, Write};

/// Writes proxy requests as ECS NDJSON.
#[derive(Debug)]
pub struct ProxyEcs {
    prefix: String,
    count: u64,
    buffer: Vec<u8>,
}

impl ProxyEcs {
    /// A writer whose `event.id`s are unique within `context`'s file.
    pub fn new(context: &WriterContext) -> Self {
        let label = context.domain.split('.').next().unwrap_or("proxy");
        Self {
            prefix: format!("{label}-pxy"),
            count: 0,
            buffer: Vec::new(),
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

/// `Some(text)` unless it is empty: ECS leaves absent fields out.
fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// Appends the ECS document of `hit` (stamped `stamp`, with proxy id `id`, client port
/// `port` and full URL `original`): members in byte order of their names, the order a JSON
/// object of ECS fields is written in (`serde_json`'s maps sort their keys), each line one
/// pass of plain appends. The tests check it against `serde_json`'s spelling of the same
/// document.
fn write_document(
    out: &mut Vec<u8>,
    hit: &WebHit,
    stamp: &str,
    id: &str,
    port: u16,
    original: &str,
) {
    out.extend_from_slice(b"{\"@timestamp\":");
    string(out, stamp);
    out.extend_from_slice(b",\"destination\":{\"domain\":");
    string(out, &hit.host);
    string_member(out, "ip", &hit.server_ip);
    out.extend_from_slice(b",\"port\":");
    unsigned(out, u64::from(hit.port));
    out.extend_from_slice(
        b"},\"event\":{\"category\":[\"network\",\"web\"],\"dataset\":\"squid.access\",\"duration\":",
    );
    unsigned(out, hit.elapsed_ms * 1_000_000);
    string_member(out, "id", id);
    out.extend_from_slice(b",\"kind\":\"event\",\"outcome\":");
    out.extend_from_slice(if hit.status < 400 {
        b"\"success\""
    } else {
        b"\"failure\""
    });
    out.extend_from_slice(b",\"type\":[\"access\"]},\"http\":{\"request\":{\"method\":");
    string(out, &hit.method);
    out.extend_from_slice(b"},\"response\":{\"bytes\":");
    unsigned(out, hit.bytes);
    if let Some(mime_type) = non_empty(&hit.content_type) {
        string_member(out, "mime_type", mime_type);
    }
    out.extend_from_slice(b",\"status_code\":");
    unsigned(out, u64::from(hit.status));
    out.extend_from_slice(
        b"}},\"observer\":{\"product\":\"Squid\",\"type\":\"proxy\",\"vendor\":\"Squid\"},\"source\":{\"ip\":",
    );
    string(out, &hit.client_ip);
    out.extend_from_slice(b",\"port\":");
    unsigned(out, u64::from(port));
    out.extend_from_slice(b"},\"url\":{\"domain\":");
    string(out, &hit.host);
    string_member(out, "original", original);
    string_member(out, "path", &hit.path);
    out.extend_from_slice(b",\"port\":");
    unsigned(out, u64::from(hit.port));
    if let Some(query) = non_empty(&hit.query) {
        string_member(out, "query", query);
    }
    string_member(out, "scheme", &hit.scheme);
    out.push(b'}');
    if let Some(name) = non_empty(&hit.username) {
        out.extend_from_slice(b",\"user\":{\"name\":");
        string(out, name);
        out.push(b'}');
    }
    if let Some(agent) = non_empty(&hit.user_agent) {
        out.extend_from_slice(b",\"user_agent\":{\"original\":");
        string(out, agent);
        out.push(b'}');
    }
    out.extend_from_slice(b"}\n");
}

impl FormatWriter for ProxyEcs {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let Body::Web(hit) = &record.body else {
            return Err(io::Error::other("not a web request"));
        };
        self.count += 1;
        let id = format!("{}-{:08}", self.prefix, self.count);
        let stamp = crate::stamp::millis(record.time);
        let port = ephemeral_port(&[hit.client_ip.as_bytes(), id.as_bytes()]);
        let original = full_url(&hit.scheme, &hit.host, hit.port, &hit.path, &hit.query);
        self.buffer.clear();
        write_document(&mut self.buffer, hit, &stamp, &id, port, &original);
        out.write_all(&self.buffer)?;
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
    use serde::Serialize;

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
            assert_eq!(&*event.record_id, id.as_str());
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

    // The document as serde structs (fields in byte order of their names), the reference
    // the direct spelling is checked against.
    #[derive(Serialize)]
    struct Document<'a> {
        #[serde(rename = "@timestamp")]
        timestamp: &'a str,
        destination: Destination<'a>,
        event: Event<'a>,
        http: Http<'a>,
        observer: Observer,
        source: Endpoint<'a>,
        url: Url<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        user: Option<Name<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        user_agent: Option<Original<'a>>,
    }

    #[derive(Serialize)]
    struct Destination<'a> {
        domain: &'a str,
        ip: &'a str,
        port: u16,
    }

    #[derive(Serialize)]
    struct Event<'a> {
        category: [&'static str; 2],
        dataset: &'static str,
        duration: u64,
        id: &'a str,
        kind: &'static str,
        outcome: &'static str,
        r#type: [&'static str; 1],
    }

    #[derive(Serialize)]
    struct Http<'a> {
        request: Request<'a>,
        response: Response<'a>,
    }

    #[derive(Serialize)]
    struct Request<'a> {
        method: &'a str,
    }

    #[derive(Serialize)]
    struct Response<'a> {
        bytes: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        mime_type: Option<&'a str>,
        status_code: u16,
    }

    #[derive(Serialize)]
    struct Observer {
        product: &'static str,
        r#type: &'static str,
        vendor: &'static str,
    }

    #[derive(Serialize)]
    struct Endpoint<'a> {
        ip: &'a str,
        port: u16,
    }

    #[derive(Serialize)]
    struct Url<'a> {
        domain: &'a str,
        original: &'a str,
        path: &'a str,
        port: u16,
        #[serde(skip_serializing_if = "Option::is_none")]
        query: Option<&'a str>,
        scheme: &'a str,
    }

    #[derive(Serialize)]
    struct Name<'a> {
        name: &'a str,
    }

    #[derive(Serialize)]
    struct Original<'a> {
        original: &'a str,
    }

    #[test]
    fn documents_are_spelled_as_serde_json_spells_them() {
        let mut plain = hit("/common/GetCredentialType", "", "python-requests/2.31.0");
        plain.status = 404;
        let mut full = hit("/owa/", "a=\"1\"&b=\\", "Mozilla/5.0 (X) \"q\"");
        full.username = "CORP\\amy.lee".into();
        full.content_type = String::new();
        full.port = 8443;
        for hit in [plain, full, WebHit::default()] {
            let original = full_url(&hit.scheme, &hit.host, hit.port, &hit.path, &hit.query);
            let document = Document {
                timestamp: "2025-03-04T08:41:17.000Z",
                destination: Destination {
                    domain: &hit.host,
                    ip: &hit.server_ip,
                    port: hit.port,
                },
                event: Event {
                    category: ["network", "web"],
                    dataset: "squid.access",
                    duration: hit.elapsed_ms * 1_000_000,
                    id: "x-pxy-00000001",
                    kind: "event",
                    outcome: if hit.status < 400 {
                        "success"
                    } else {
                        "failure"
                    },
                    r#type: ["access"],
                },
                http: Http {
                    request: Request {
                        method: &hit.method,
                    },
                    response: Response {
                        bytes: hit.bytes,
                        mime_type: non_empty(&hit.content_type),
                        status_code: hit.status,
                    },
                },
                observer: Observer {
                    product: "Squid",
                    r#type: "proxy",
                    vendor: "Squid",
                },
                source: Endpoint {
                    ip: &hit.client_ip,
                    port: 50123,
                },
                url: Url {
                    domain: &hit.host,
                    original: &original,
                    path: &hit.path,
                    port: hit.port,
                    query: non_empty(&hit.query),
                    scheme: &hit.scheme,
                },
                user: non_empty(&hit.username).map(|name| Name { name }),
                user_agent: non_empty(&hit.user_agent).map(|original| Original { original }),
            };
            let mut expected = serde_json::to_string(&document).expect("serialises");
            expected.push('\n');
            let mut direct = Vec::new();
            write_document(
                &mut direct,
                &hit,
                "2025-03-04T08:41:17.000Z",
                "x-pxy-00000001",
                50123,
                &original,
            );
            assert_eq!(String::from_utf8(direct).expect("UTF-8"), expected);
        }
    }
}
