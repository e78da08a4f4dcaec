//! How a proxy logs a request's target: `host:port` for a `CONNECT` tunnel, the absolute URL
//! (default port left out) for anything else.

use crate::record::WebHit;

/// The request target a forward proxy logs for `hit`.
pub fn proxy_target(hit: &WebHit) -> String {
    if hit.method.eq_ignore_ascii_case("CONNECT") {
        return format!("{}:{}", hit.host, hit.port);
    }
    let default_port = matches!(
        (hit.scheme.as_str(), hit.port),
        ("https", 443) | ("http", 80) | (_, 0)
    );
    let port = if default_port {
        String::new()
    } else {
        format!(":{}", hit.port)
    };
    let query = if hit.query.is_empty() {
        String::new()
    } else {
        format!("?{}", hit.query)
    };
    format!("{}://{}{port}{}{query}", hit.scheme, hit.host, hit.path)
}

/// Squid's result code for `hit` (`TCP_TUNNEL` for a tunnel, `TCP_DENIED` for a 403 the
/// proxy gave, `TCP_MISS` otherwise).
pub fn squid_code(hit: &WebHit) -> &'static str {
    if hit.method.eq_ignore_ascii_case("CONNECT") {
        "TCP_TUNNEL"
    } else if hit.status == 407 {
        "TCP_DENIED"
    } else {
        "TCP_MISS"
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::record::{Body, SimRecord};
    use chrono::{TimeZone, Utc};

    /// A proxied `POST` to `GetCredentialType` at 2025-03-04 08:41:00.118 UTC.
    pub fn web_record(method: &str) -> SimRecord {
        let hit = WebHit {
            server_side: false,
            client_ip: "10.0.5.42".into(),
            server_ip: "20.190.160.1".into(),
            method: method.into(),
            scheme: "https".into(),
            host: "login.microsoftonline.com".into(),
            port: 443,
            path: "/common/GetCredentialType".into(),
            query: "mkt=en-US".into(),
            status: 200,
            bytes: 1532,
            elapsed_ms: 187,
            user_agent: "AADInternals".into(),
            content_type: "application/json".into(),
            ..WebHit::default()
        };
        SimRecord {
            time: Utc
                .timestamp_millis_opt(1_741_077_660_118)
                .single()
                .expect("valid"),
            scenario: None,
            body: Body::Web(Box::new(hit)),
        }
    }

    #[test]
    fn targets() {
        let Body::Web(hit) = web_record("POST").body else {
            unreachable!("a web hit")
        };
        assert_eq!(
            proxy_target(&hit),
            "https://login.microsoftonline.com/common/GetCredentialType?mkt=en-US"
        );
        assert_eq!(squid_code(&hit), "TCP_MISS");
        let mut tunnel = (*hit).clone();
        tunnel.method = "CONNECT".into();
        assert_eq!(proxy_target(&tunnel), "login.microsoftonline.com:443");
        assert_eq!(squid_code(&tunnel), "TCP_TUNNEL");
        let mut odd = (*hit).clone();
        odd.port = 8443;
        odd.query.clear();
        assert_eq!(
            proxy_target(&odd),
            "https://login.microsoftonline.com:8443/common/GetCredentialType"
        );
    }
}
