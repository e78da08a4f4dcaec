//! Squid's native `access.log`: Unix seconds with milliseconds, the elapsed time padded to six
//! columns, client, `CODE/status`, bytes, method, URL (`host:port` for tunnels), user (`-`),
//! `HIER_DIRECT/server`, content type (`-`), as `logformat squid` spells them. It carries no
//! user agent; the engine cites its lines by position. Requests inside TLS tunnels appear
//! with their full URL, as an SSL-bumping proxy logs them; the tunnel itself is a `CONNECT`
//! to `host:port`.

use super::web_url::{proxy_target, squid_code};
use super::{FormatWriter, WriterContext, web_hit};
use crate::record::SimRecord;
use std::io::{self, Write};

/// Writes proxy requests as Squid's native log.
#[derive(Debug)]
pub struct SquidNative {
    file: String,
    line: u64,
}

impl SquidNative {
    /// A writer of the file named in `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            file: context.file.clone(),
            line: 0,
        }
    }
}

/// `-` for an empty field.
fn dash(text: &str) -> &str {
    if text.is_empty() { "-" } else { text }
}

impl FormatWriter for SquidNative {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let hit = web_hit(record)?;
        let millis = record.time.timestamp_millis();
        let server = if hit.server_ip.is_empty() {
            "HIER_NONE/-".to_owned()
        } else {
            format!("HIER_DIRECT/{}", hit.server_ip)
        };
        writeln!(
            out,
            "{}.{:03} {:>6} {} {}/{:03} {} {} {} {} {} {}",
            millis.div_euclid(1000),
            millis.rem_euclid(1000),
            hit.elapsed_ms,
            hit.client_ip,
            squid_code(hit),
            hit.status,
            hit.bytes,
            hit.method,
            proxy_target(hit),
            dash(&hit.username),
            server,
            dash(&hit.content_type),
        )?;
        self.line += 1;
        Ok(format!("{}:{}", self.file, self.line))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{context, written};
    use super::super::web_url::tests::web_record;
    use super::*;

    #[test]
    fn lines_as_squid_writes_them() {
        let mut writer = SquidNative::new(&context("proxy.squid.log"));
        let (text, ids) = written(&mut writer, &[web_record("CONNECT"), web_record("POST")]);
        assert_eq!(ids, ["proxy.squid.log:1", "proxy.squid.log:2"]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "1741077660.118    187 10.0.5.42 TCP_TUNNEL/200 1532 CONNECT login.microsoftonline.com:443 - HIER_DIRECT/20.190.160.1 application/json"
        );
        assert_eq!(
            lines[1],
            "1741077660.118    187 10.0.5.42 TCP_MISS/200 1532 POST https://login.microsoftonline.com/common/GetCredentialType?mkt=en-US - HIER_DIRECT/20.190.160.1 application/json"
        );
    }
}
