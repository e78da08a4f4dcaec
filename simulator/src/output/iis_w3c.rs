//! IIS W3C extended logs of the hybrid Exchange server (`W3SVC1\u_ex*.log`), where
//! Autodiscover probing shows.
//!
//! IIS opens a log with a `#Software` / `#Version` / `#Date` / `#Fields` block and, as the
//! daily rollover does, a new block at the first request of every UTC day. Lines use the
//! default field set (`date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username
//! c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken`), `-`
//! for empty values and `+` for spaces. Lines carry no id: the engine cites `file:line`, so
//! the writer counts every line it writes, directives included.

use super::{FormatWriter, WriterContext, json};
use crate::record::{Body, SimRecord};
use chrono::NaiveDate;
use std::io::{self, Write};

/// The default W3C field set of IIS 10.
pub const FIELDS: &str = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

/// Writes Exchange IIS requests as a W3C extended log.
#[derive(Debug)]
pub struct IisW3c {
    file: String,
    line: u64,
    day: Option<NaiveDate>,
    buffer: Vec<u8>,
}

impl IisW3c {
    /// A writer of `context`'s file.
    pub fn new(context: &WriterContext) -> Self {
        Self {
            file: context.file.clone(),
            line: 0,
            day: None,
            buffer: Vec::new(),
        }
    }

    fn line(&mut self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        self.line += 1;
        writeln!(out, "{text}")
    }
}

/// Appends a value as W3C writes it: `-` when empty, `+` for spaces.
fn push_value(out: &mut Vec<u8>, text: &str) {
    if text.is_empty() {
        out.push(b'-');
    } else {
        out.extend(text.bytes().map(|b| if b == b' ' { b'+' } else { b }));
    }
}

impl FormatWriter for IisW3c {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        self.write_uncited(record, out)?;
        Ok(format!("{}:{}", self.file, self.line))
    }

    fn write_uncited(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<()> {
        let Body::Web(hit) = &record.body else {
            return Err(io::Error::other("not a web request"));
        };
        let day = record.time.date_naive();
        if self.day != Some(day) {
            self.day = Some(day);
            let opened = record.time.format("%Y-%m-%d %H:%M:%S");
            self.line(
                out,
                "#Software: Microsoft Internet Information Services 10.0",
            )?;
            self.line(out, "#Version: 1.0")?;
            self.line(out, &format!("#Date: {opened}"))?;
            self.line(out, &format!("#Fields: {FIELDS}"))?;
        }
        let line = &mut self.buffer;
        line.clear();
        // `2025-03-04T09:05:07` with a space for the `T`: IIS's `date time`.
        let mut stamp = crate::stamp::seconds(record.time);
        if let Some(at) = stamp.find('T') {
            stamp.replace_range(at..=at, " ");
        }
        line.extend_from_slice(stamp.as_bytes());
        for text in [&hit.server_ip, &hit.method, &hit.path, &hit.query] {
            line.push(b' ');
            push_value(line, text);
        }
        line.push(b' ');
        json::unsigned(line, u64::from(hit.port));
        for text in [&hit.username, &hit.client_ip, &hit.user_agent] {
            line.push(b' ');
            push_value(line, text);
        }
        line.extend_from_slice(b" - ");
        json::unsigned(line, u64::from(hit.status));
        for number in [u64::from(hit.sub_status), hit.win32_status, hit.elapsed_ms] {
            line.push(b' ');
            json::unsigned(line, number);
        }
        line.push(b'\n');
        self.line += 1;
        out.write_all(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::decoded;
    use crate::output::tests::context;
    use crate::record::WebHit;
    use chrono::{Duration, TimeZone, Utc};
    use mailhound_core::EventKind;

    fn probe(username: &str) -> WebHit {
        WebHit {
            server_side: true,
            client_ip: "203.0.113.77".into(),
            server_ip: "10.0.0.25".into(),
            method: "POST".into(),
            scheme: "https".into(),
            host: "autodiscover.northwind-traders.com".into(),
            port: 443,
            path: "/autodiscover/autodiscover.xml".into(),
            query: "&CorrelationID=<empty>;&cafeReqId=3f0c2a61-8d2e-4f7a-9b6e-1c2d3e4f5a6b;".into(),
            status: 401,
            sub_status: 1,
            win32_status: 2_148_074_254,
            elapsed_ms: 15,
            user_agent:
                "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)".into(),
            username: username.into(),
            ..WebHit::default()
        }
    }

    #[test]
    fn a_line_has_dashes_for_empty_values_and_pluses_for_spaces() {
        let mut writer = IisW3c::new(&context("exchange-iis.log"));
        let mut out = Vec::new();
        let record = SimRecord {
            time: Utc.with_ymd_and_hms(2025, 3, 4, 8, 1, 7).unwrap(),
            scenario: None,
            body: Body::Web(Box::new(probe(""))),
        };
        writer.write_uncited(&record, &mut out).expect("in memory");
        let text = String::from_utf8(out).expect("UTF-8");
        let last = text.lines().last().expect("a line");
        assert_eq!(
            last,
            "2025-03-04 08:01:07 10.0.0.25 POST /autodiscover/autodiscover.xml \
             &CorrelationID=<empty>;&cafeReqId=3f0c2a61-8d2e-4f7a-9b6e-1c2d3e4f5a6b; 443 - \
             203.0.113.77 Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17928;+Pro) \
             - 401 1 2148074254 15"
        );
        assert_eq!(writer.line, 5, "four directives and the request");
    }

    #[test]
    fn the_decoder_reads_back_what_was_written_with_a_header_per_day() {
        let mut writer = IisW3c::new(&context("exchange-iis.log"));
        let mut out = Vec::new();
        let first = Utc.with_ymd_and_hms(2025, 3, 4, 8, 41, 17).unwrap();
        let times = [
            first,
            first + Duration::seconds(1),
            first + Duration::days(1),
        ];
        let users = ["", "amy.lee@northwind-traders.com", "CORP\\bob.ray"];
        let ids: Vec<String> = times
            .iter()
            .zip(users)
            .map(|(time, user)| {
                let record = SimRecord {
                    time: *time,
                    scenario: None,
                    body: Body::Web(Box::new(probe(user))),
                };
                writer.write(&record, &mut out).expect("valid in tests")
            })
            .collect();
        let text = String::from_utf8(out).expect("valid in tests");
        assert!(text.starts_with("#Software: Microsoft Internet Information Services 10.0\n"));
        assert_eq!(text.matches("#Fields: ").count(), 2);
        assert_eq!(
            ids,
            [
                "exchange-iis.log:5",
                "exchange-iis.log:6",
                "exchange-iis.log:11"
            ]
        );
        let events = decoded::events("exchange-iis.log", &text);
        assert_eq!(events.len(), 3);
        for ((event, id), time) in events.iter().zip(&ids).zip(times) {
            assert_eq!(&*event.record_id, id.as_str());
            assert_eq!(event.time.millis(), time.timestamp_millis());
            assert_eq!(
                event.ip,
                Some("203.0.113.77".parse().expect("valid in tests"))
            );
            let EventKind::WebRequest(request) = &event.kind else {
                panic!("not a web request");
            };
            assert_eq!(request.method.as_deref(), Some("POST"));
            assert_eq!(
                request.path.as_deref(),
                Some("/autodiscover/autodiscover.xml")
            );
            assert_eq!(request.status, Some(401));
            assert_eq!(request.sub_status, Some(1));
            assert_eq!(request.win32_status, Some(2_148_074_254));
            assert_eq!(request.server_ip.as_deref(), Some("10.0.0.25"));
            assert_eq!(
                request.user_agent.as_deref(),
                Some("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)")
            );
        }
        let EventKind::WebRequest(anonymous) = &events[0].kind else {
            panic!()
        };
        assert_eq!(anonymous.username, None);
        assert_eq!(
            events[1].user.as_deref(),
            Some("amy.lee@northwind-traders.com")
        );
    }
}
