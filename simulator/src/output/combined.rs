//! The combined log format as Squid writes it (`logformat combined`): client, ident `-`,
//! user, `[04/Mar/2025:08:41:00 +0000]`, the quoted request line with the absolute URL,
//! status, bytes, referrer, user agent, and Squid's `CODE:HIERARCHY`. The engine cites its
//! lines by position.

use super::web_url::{proxy_target, squid_code};
use super::{FormatWriter, WriterContext, web_hit};
use crate::record::SimRecord;
use std::io::{self, Write};

/// Writes proxy requests in the combined log format.
#[derive(Debug)]
pub struct Combined {
    file: String,
    line: u64,
}

impl Combined {
    /// A writer of the file named in `context`.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            file: context.file.clone(),
            line: 0,
        }
    }
}

/// A quoted field's content: `-` when empty, quotes and backslashes escaped.
fn quoted(text: &str) -> String {
    if text.is_empty() {
        "-".into()
    } else {
        text.replace('\\', "\\\\").replace('"', "\\\"")
    }
}

impl FormatWriter for Combined {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let hit = web_hit(record)?;
        let user = if hit.username.is_empty() {
            "-"
        } else {
            &hit.username
        };
        let hierarchy = if hit.server_ip.is_empty() {
            "HIER_NONE"
        } else {
            "HIER_DIRECT"
        };
        writeln!(
            out,
            "{} - {} [{}] \"{} {} HTTP/1.1\" {} {} \"-\" \"{}\" {}:{}",
            hit.client_ip,
            user,
            record.time.format("%d/%b/%Y:%H:%M:%S +0000"),
            hit.method,
            proxy_target(hit),
            hit.status,
            hit.bytes,
            quoted(&hit.user_agent),
            squid_code(hit),
            hierarchy,
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
    fn lines_in_the_combined_format() {
        let mut writer = Combined::new(&context("proxy.combined.log"));
        let mut quoted_agent = web_record("POST");
        if let crate::record::Body::Web(hit) = &mut quoted_agent.body {
            hit.user_agent = "say \"hi\"".into();
            hit.username = "jdoe".into();
        }
        let (text, ids) = written(&mut writer, &[web_record("CONNECT"), quoted_agent]);
        assert_eq!(ids, ["proxy.combined.log:1", "proxy.combined.log:2"]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "10.0.5.42 - - [04/Mar/2025:08:41:00 +0000] \"CONNECT login.microsoftonline.com:443 HTTP/1.1\" 200 1532 \"-\" \"AADInternals\" TCP_TUNNEL:HIER_DIRECT"
        );
        assert!(lines[1].starts_with("10.0.5.42 - jdoe ["), "{}", lines[1]);
        assert!(
            lines[1].contains("\"say \\\"hi\\\"\" TCP_MISS"),
            "{}",
            lines[1]
        );
    }
}
