//! Event time: a UTC instant in milliseconds, parsed from the many ways exports write it.
//!
//! The core never reads a clock; every instant comes from a record. Exports disagree on how
//! they write time: the Management Activity API omits the zone designator and the fraction
//! (`2020-02-07T20:49:49`), Graph writes `Z`, Azure Monitor writes seven fractional digits and
//! `+00:00`, Sysmon writes a space instead of `T`. Zone-less times are UTC. Milliseconds are the
//! resolution that every output format (RFC 3339, OCSF epoch milliseconds) can carry.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A UTC instant, milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// Formats accepted for times without a zone designator, which are read as UTC.
const NAIVE_FORMATS: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];

impl Timestamp {
    /// Parses an ISO 8601 / RFC 3339 time, with or without zone designator and fraction.
    ///
    /// Returns `None` when the text is not a valid time (for example `17:08:65`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some(parsed) = parse_iso_fast(text.as_bytes()) {
            return Some(parsed);
        }
        if let Ok(zoned) = DateTime::parse_from_rfc3339(text) {
            return Some(Self(zoned.timestamp_millis()));
        }
        // RFC 3339 with a space separator and a zone, as some converters write it.
        if let Ok(zoned) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
            return Some(Self(zoned.timestamp_millis()));
        }
        NAIVE_FORMATS.iter().find_map(|format| {
            NaiveDateTime::parse_from_str(text, format)
                .ok()
                .map(|naive| Self(naive.and_utc().timestamp_millis()))
        })
    }

    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// The instant as RFC 3339 in UTC with millisecond precision, e.g. `2025-03-04T09:15:02.000Z`.
    pub fn to_rfc3339(self) -> String {
        match DateTime::<Utc>::from_timestamp_millis(self.0) {
            Some(instant) => instant.to_rfc3339_opts(SecondsFormat::Millis, true),
            None => format!("@{}ms", self.0),
        }
    }
}

/// The common ISO 8601 forms, read without chrono's format machinery (it dominates the
/// decoding cost of small records): `YYYY-MM-DD[T ]HH:MM:SS[.f…][Z|±HH:MM]`. Anything else
/// (or anything invalid) returns `None` and takes the general path.
fn parse_iso_fast(text: &[u8]) -> Option<Timestamp> {
    fn digits(bytes: &[u8]) -> Option<u32> {
        bytes.iter().try_fold(0u32, |value, byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    }
    if text.len() < 19
        || text[4] != b'-'
        || text[7] != b'-'
        || !matches!(text[10], b'T' | b't' | b' ')
        || text[13] != b':'
        || text[16] != b':'
    {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(digits(&text[0..4])?).ok()?,
        digits(&text[5..7])?,
        digits(&text[8..10])?,
    )?;
    let (hour, minute, second) = (
        digits(&text[11..13])?,
        digits(&text[14..16])?,
        digits(&text[17..19])?,
    );
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let length = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if length == 0 {
            return None;
        }
        let mut scaled = digits(&fraction[..length.min(3)])?;
        for _ in length..3 {
            scaled *= 10;
        }
        millis = scaled;
        rest = &fraction[length..];
    }
    let offset_seconds: i64 = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = i64::from(digits(&[*h1, *h2])?);
            let minutes = i64::from(digits(&[*m1, *m2])?);
            let magnitude = hours * 3600 + minutes * 60;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_milli_opt(hour, minute, second, millis)?;
    let utc = date.and_time(time).and_utc().timestamp_millis() - offset_seconds * 1000;
    Some(Timestamp(utc))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: i64 = 1_741_079_702_000; // 2025-03-04T09:15:02Z

    #[test]
    fn zone_less_management_api_time_is_utc() {
        assert_eq!(
            Timestamp::parse("2025-03-04T09:15:02"),
            Some(Timestamp(BASE))
        );
    }

    #[test]
    fn zoned_and_fractional_times() {
        assert_eq!(
            Timestamp::parse("2025-03-04T09:15:02Z"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse("2025-03-04T09:15:02.4449614Z"),
            Some(Timestamp(BASE + 444))
        );
        assert_eq!(
            Timestamp::parse("2025-03-04T10:15:02.250+01:00"),
            Some(Timestamp(BASE + 250))
        );
        assert_eq!(
            Timestamp::parse("2025-03-04 09:15:02.632"),
            Some(Timestamp(BASE + 632))
        );
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for text in [
            "2025-03-04T09:15:02",
            "2025-03-04T09:15:02Z",
            "2025-03-04 09:15:02.632",
            "2025-03-04T09:15:02.4449614Z",
            "2025-03-04T09:15:02.9490387+00:00",
            "2025-03-04T10:45:02.5+01:30",
            "2025-03-04T01:15:02-08:00",
            "2024-02-29T23:59:59.999Z",
        ] {
            let fast = parse_iso_fast(text.as_bytes()).expect(text);
            let general = DateTime::parse_from_rfc3339(text)
                .map(|t| t.timestamp_millis())
                .or_else(|_| {
                    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                        .map(|t| t.and_utc().timestamp_millis())
                })
                .expect(text);
            assert_eq!(fast.0, general, "{text}");
        }
        for text in [
            "2025-02-30T00:00:00",
            "2025-03-04T24:00:00",
            "2025-03-04T09:15:02.",
            "2025-03-04T09:15:02+0100",
            "2025-03-04x09:15:02",
        ] {
            assert_eq!(parse_iso_fast(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn invalid_times_are_refused() {
        assert_eq!(Timestamp::parse("2025-03-04T17:08:65"), None);
        assert_eq!(Timestamp::parse(""), None);
        assert_eq!(Timestamp::parse("yesterday"), None);
    }

    #[test]
    fn formats_as_utc_rfc3339_millis() {
        assert_eq!(Timestamp(BASE).to_rfc3339(), "2025-03-04T09:15:02.000Z");
    }
}
