//! Event time: a UTC instant in milliseconds, parsed from the many ways exports write it.
//!
//! The core never reads a clock; every instant comes from a record. Exports disagree on how
//! they write time: the Management Activity API omits the zone designator and the fraction
//! (`2020-02-07T20:49:49`), Graph writes `Z`, Azure Monitor writes seven fractional digits and
//! `+00:00`, Sysmon writes a space instead of `T`, the Purview portal's CSV writes US-locale text
//! (`3/4/2025 9:15:02 AM`) and Windows PowerShell's `ConvertTo-Json` writes `/Date(ms)/`.
//! Zone-less times are UTC. Milliseconds are the resolution that every output format (RFC 3339,
//! OCSF epoch milliseconds) can carry.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A UTC instant, milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// Formats accepted for times without a zone designator, which are read as UTC.
const NAIVE_FORMATS: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];

/// US-locale formats (month first), 12-hour with AM/PM or 24-hour, seconds optional.
const US_LOCALE_FORMATS: &[&str] = &[
    "%m/%d/%Y %I:%M:%S%.f %p",
    "%m/%d/%Y %H:%M:%S%.f",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
];

impl Timestamp {
    /// Parses an ISO 8601 / RFC 3339 time, with or without zone designator and fraction.
    ///
    /// Returns `None` when the text is not a valid time (for example `17:08:65`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some(millis) = parse_api_form(text) {
            return Some(Self(millis));
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

    /// Parses a US-locale time as PowerShell and the Purview portal write it in CSV exports:
    /// `3/4/2025 9:15:02 AM`, `3/4/2025 09:15:02` (24-hour), `3/4/2025, 8:58:09.444 AM` (Log
    /// Analytics). The text carries no zone and is read as UTC. Newer .NET versions put a
    /// narrow no-break space before `AM`/`PM`; it counts as a space.
    ///
    /// Month-first is assumed: `3/4/2025` is the 4th of March. Returns `None` for anything
    /// else, including a day-first date that cannot be month-first (`25/3/2025`).
    pub fn parse_us_locale(text: &str) -> Option<Self> {
        let text = text.trim().replace(['\u{202f}', '\u{a0}'], " ");
        // Log Analytics separates date and time with ", ".
        let text = match text.split_once(", ") {
            Some((date, time)) if date.contains('/') => format!("{date} {time}"),
            _ => text,
        };
        US_LOCALE_FORMATS.iter().find_map(|format| {
            NaiveDateTime::parse_from_str(&text, format)
                .ok()
                .map(|naive| Self(naive.and_utc().timestamp_millis()))
        })
    }

    /// Parses the .NET JSON date `/Date(1741079702000)/` that Windows PowerShell's
    /// `ConvertTo-Json` writes for `DateTime` values (milliseconds since the epoch, UTC; a
    /// trailing `+0100` offset only says which zone the value was displayed in and is ignored).
    pub fn parse_dotnet_json_date(text: &str) -> Option<Self> {
        // `\/` is how the JSON text spells `/`; accept it when the caller kept the escapes.
        let text = text.trim().replace("\\/", "/");
        let inner = text.strip_prefix("/Date(")?.strip_suffix(")/")?;
        let (millis, offset) = match inner.get(1..).and_then(|rest| rest.find(['+', '-'])) {
            Some(at) => inner.split_at(at + 1),
            None => (inner, ""),
        };
        let offset_is_valid = offset.is_empty()
            || (offset.len() == 5 && offset[1..].bytes().all(|b| b.is_ascii_digit()));
        if !offset_is_valid {
            return None;
        }
        millis.parse().ok().map(Self)
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

/// The Management Activity API's `YYYY-MM-DDTHH:MM:SS` (UTC, no zone, no fraction), read
/// without chrono's format interpreter: nearly every audit record carries a time in exactly
/// this form, and reading it is on the path of every record, relevant or not. `None` for
/// anything else, including impossible dates, so the general parser decides.
fn parse_api_form(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 19
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b'T'
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let number = |from: usize, to: usize| {
        bytes[from..to].iter().try_fold(0u32, |value, &digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds = days_from_civil(i64::from(year), i64::from(month), i64::from(day)) * 86_400
        + i64::from(hour * 3600 + minute * 60 + second);
    Some(seconds * 1000)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
    fn the_api_form_reads_as_the_general_parser_does() {
        let mut texts: Vec<String> = [
            "2025-03-04T09:15:02",
            "2024-02-29T23:59:59",
            "2000-02-29T12:00:00",
            "1970-01-01T00:00:00",
            "1969-12-31T23:59:59",
            "0000-03-01T00:00:00",
            "0999-12-31T00:00:00",
            "9999-12-31T23:59:59",
        ]
        .map(str::to_owned)
        .to_vec();
        // The last day of every month of a leap century, a common leap year and a plain year.
        for year in [1900, 2000, 2024, 2025] {
            for month in 1..=12 {
                let last = (28..=31)
                    .rev()
                    .find(|day| chrono::NaiveDate::from_ymd_opt(year, month, *day).is_some())
                    .expect("a last day");
                texts.push(format!("{year:04}-{month:02}-{last:02}T23:59:59"));
            }
        }
        for text in &texts {
            let text = text.as_str();
            let general = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                .map(|naive| naive.and_utc().timestamp_millis())
                .ok();
            assert_eq!(parse_api_form(text), general, "{text}");
            assert!(general.is_some(), "{text}");
        }
        for text in [
            "2025-02-29T09:15:02",
            "1900-02-29T09:15:02",
            "2025-04-31T09:15:02",
            "2025-03-00T09:15:02",
            "2025-13-04T09:15:02",
            "2025-03-04T24:00:00",
            "2025-03-04T09:60:02",
            "2025-03-04T17:08:65",
            "2025-03-04 09:15:02",
            "2025-03-04T09:15:0x",
            "+025-03-04T09:15:02",
        ] {
            assert_eq!(parse_api_form(text), None, "{text}");
        }
    }

    #[test]
    fn invalid_times_are_refused() {
        assert_eq!(Timestamp::parse("2025-03-04T17:08:65"), None);
        assert_eq!(Timestamp::parse(""), None);
        assert_eq!(Timestamp::parse("yesterday"), None);
    }

    #[test]
    fn us_locale_times_in_12_and_24_hour_form() {
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025 9:15:02 AM"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse_us_locale("03/04/2025 09:15:02"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025 9:15:02 PM"),
            Some(Timestamp(BASE + 12 * 3_600_000))
        );
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025 12:15:02 AM"),
            Some(Timestamp(BASE - 9 * 3_600_000))
        );
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025 21:15:02"),
            Some(Timestamp(BASE + 12 * 3_600_000))
        );
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025, 9:15:02.444 AM"),
            Some(Timestamp(BASE + 444))
        );
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025 9:15:02\u{202f}am"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse_us_locale("3/4/2025 9:15 AM"),
            Some(Timestamp(BASE - 2_000))
        );
    }

    #[test]
    fn us_locale_refuses_what_it_cannot_read() {
        for text in [
            "",
            "25/3/2025 9:15:02",
            "3/4/2025 13:15:02 PM",
            "4/1/2026 [REDACTED_IP] AM",
            "2025-03-04T09:15:02",
            "3/4/2025",
        ] {
            assert_eq!(Timestamp::parse_us_locale(text), None, "{text}");
        }
    }

    #[test]
    fn dotnet_json_dates() {
        assert_eq!(
            Timestamp::parse_dotnet_json_date("/Date(1741079702000)/"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse_dotnet_json_date("\\/Date(1741079702000)\\/"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse_dotnet_json_date("/Date(1741079702000+0100)/"),
            Some(Timestamp(BASE))
        );
        assert_eq!(
            Timestamp::parse_dotnet_json_date("/Date(-1000)/"),
            Some(Timestamp(-1000))
        );
        for text in [
            "",
            "/Date()/",
            "/Date(12a)/",
            "/Date(1+01)/",
            "1741079702000",
        ] {
            assert_eq!(Timestamp::parse_dotnet_json_date(text), None, "{text}");
        }
    }

    #[test]
    fn formats_as_utc_rfc3339_millis() {
        assert_eq!(Timestamp(BASE).to_rfc3339(), "2025-03-04T09:15:02.000Z");
    }
}
