//! Event time: a UTC instant in milliseconds, parsed from the many ways exports write it.
//!
//! The core never reads a clock; every instant comes from a record. Exports disagree on how
//! they write time: the Management Activity API omits the zone designator and the fraction
//! (`2020-02-07T20:49:49`), Graph writes `Z`, Azure Monitor writes seven fractional digits and
//! `+00:00`, Sysmon writes a space instead of `T`. Zone-less times are UTC. Milliseconds are the
//! resolution that every output format (RFC 3339, OCSF epoch milliseconds) can carry.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
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
