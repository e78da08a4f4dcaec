//! Event time: a UTC instant in milliseconds, parsed from the many ways exports write it.
//!
//! The core never reads a clock; every instant comes from a record. Exports disagree on how
//! they write time: the Management Activity API omits the zone designator and the fraction
//! (`2020-02-07T20:49:49`), Graph writes `Z`, Azure Monitor writes seven fractional digits and
//! `+00:00`, Sysmon writes a space instead of `T`, Log Analytics CSV exports write the US
//! locale (`3/4/2025, 8:58:09.444 AM`, [`Timestamp::parse_us_locale`]). Zone-less times are
//! UTC. Milliseconds are the resolution that every output format (RFC 3339, OCSF epoch
//! milliseconds) can carry.

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

    /// Parses a US-locale date and time, as Log Analytics CSV exports, the older Entra portal
    /// download and some Azure Monitor pipelines write it: `M/D/YYYY, h:mm:ss.fff AM`.
    ///
    /// The comma after the date, the seconds and their fraction are optional; the hour is 12-hour
    /// with `AM`/`PM` (any case) or 24-hour without; a trailing `Z`, `UTC` or `±hh:mm` offset is
    /// applied, and without one the time is UTC. Fractions beyond milliseconds are truncated, as
    /// [`Timestamp::parse`] does. Day-first dates (`13/3/2025`) are refused, never guessed.
    pub fn parse_us_locale(text: &str) -> Option<Self> {
        us_locale::parse(text).map(Self)
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
    let days = days_since_epoch(
        digits(&text[0..4])?,
        digits(&text[5..7])?,
        digits(&text[8..10])?,
    )?;
    let (hour, minute, second) = (
        digits(&text[11..13])?,
        digits(&text[14..16])?,
        digits(&text[17..19])?,
    );
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
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
    let seconds =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
            - offset_seconds;
    Some(Timestamp(seconds * 1000 + i64::from(millis)))
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date of years 0 to 9999 (chrono's
/// calendar), or `None` for an invalid date. Plain arithmetic (the days-from-civil method of
/// H. Hinnant's date algorithms): chrono's checked constructors cost more than the rest of
/// reading a time.
fn days_since_epoch(year: u32, month: u32, day: u32) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year > 9999 || day == 0 || day > month_days {
        return None;
    }
    // Years start in March, so that the leap day ends a year.
    let (year, month, day) = (i64::from(year), i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// The US-locale parser, self-contained: `M/D/YYYY[,] h:mm[:ss[.f]] [AM|PM] [zone]`.
mod us_locale {
    use chrono::{NaiveDate, NaiveTime};

    /// Milliseconds since the epoch, or `None` when `text` is not such a time.
    pub(super) fn parse(text: &str) -> Option<i64> {
        // Newer .NET versions put a narrow no-break space before AM/PM.
        let text = text.trim().replace(['\u{202f}', '\u{a0}'], " ");
        let (date, rest) = text.split_once(|c: char| c == ',' || c.is_ascii_whitespace())?;
        let mut parts = date.split('/');
        let month = number(parts.next()?, 1, 2)?;
        let day = number(parts.next()?, 1, 2)?;
        let year = number(parts.next()?, 4, 4)?;
        if parts.next().is_some() {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let mut words = rest.trim_start_matches(',').split_ascii_whitespace();
        let clock = words.next()?;
        let mut meridiem = None;
        let mut offset_minutes = 0_i64;
        for word in words {
            if meridiem.is_none() && offset_minutes == 0 && is_meridiem(word) {
                meridiem = Some(word.eq_ignore_ascii_case("PM"));
            } else {
                offset_minutes = zone(word)?;
            }
        }
        let time = clock_time(clock, meridiem)?;
        let millis = date.and_time(time).and_utc().timestamp_millis();
        Some(millis - offset_minutes * 60_000)
    }

    fn is_meridiem(word: &str) -> bool {
        word.eq_ignore_ascii_case("AM") || word.eq_ignore_ascii_case("PM")
    }

    /// `h:mm[:ss[.fff]]`, 12-hour when `pm` says AM or PM.
    fn clock_time(clock: &str, pm: Option<bool>) -> Option<NaiveTime> {
        let (clock, fraction) = match clock.split_once('.') {
            Some((clock, fraction)) => (clock, Some(fraction)),
            None => (clock, None),
        };
        let mut parts = clock.split(':');
        let hour = number(parts.next()?, 1, 2)?;
        let minute = number(parts.next()?, 2, 2)?;
        let second = match parts.next() {
            Some(second) => number(second, 2, 2)?,
            None if fraction.is_none() => 0,
            None => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        let milli = match fraction {
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits
                    .bytes()
                    .chain(std::iter::repeat(b'0'))
                    .take(3)
                    .fold(0, |milli, digit| milli * 10 + u32::from(digit - b'0'))
            }
            Some(_) => return None,
            None => 0,
        };
        let hour = match pm {
            None => hour,
            Some(_) if !(1..=12).contains(&hour) => return None,
            Some(false) => hour % 12,
            Some(true) => hour % 12 + 12,
        };
        NaiveTime::from_hms_milli_opt(hour, minute, second, milli)
    }

    /// `Z`, `UTC`, `GMT` or `±hh:mm` / `±hhmm`, as minutes east of UTC.
    fn zone(word: &str) -> Option<i64> {
        if ["Z", "UTC", "GMT"]
            .iter()
            .any(|z| word.eq_ignore_ascii_case(z))
        {
            return Some(0);
        }
        let sign = match word.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let digits = word[1..].replace(':', "");
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hours = i64::from(number(&digits[..2], 2, 2)?);
        let minutes = i64::from(number(&digits[2..], 2, 2)?);
        (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
    }

    /// A decimal number of `min..=max` ASCII digits.
    fn number(text: &str, min: usize, max: usize) -> Option<u32> {
        if !(min..=max).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
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
    fn us_locale_times() {
        let us = Timestamp::parse_us_locale;
        // Log Analytics CSV: comma after the date, milliseconds, 12-hour clock.
        assert_eq!(us("3/4/2025, 9:15:02.444 AM"), Some(Timestamp(BASE + 444)));
        assert_eq!(
            us("3/4/2025, 9:15:02.4449614 AM"),
            Some(Timestamp(BASE + 444))
        );
        assert_eq!(us("03/04/2025 09:15:02"), Some(Timestamp(BASE)));
        assert_eq!(us("3/4/2025 9:15:02 am"), Some(Timestamp(BASE)));
        assert_eq!(
            us("3/4/2025 9:15:02 PM"),
            Some(Timestamp(BASE + 12 * 3_600_000))
        );
        assert_eq!(
            us("3/4/2025 21:15:02"),
            Some(Timestamp(BASE + 12 * 3_600_000))
        );
        assert_eq!(us("3/4/2025 9:15 AM"), Some(Timestamp(BASE - 2_000)));
        assert_eq!(us("3/4/2025 10:15:02 AM +01:00"), Some(Timestamp(BASE)));
        assert_eq!(us("3/4/2025 9:15:02 AM Z"), Some(Timestamp(BASE)));
        // Midnight and noon on the 12-hour clock.
        let midnight = us("3/4/2025 12:00:00 AM").expect("midnight");
        assert_eq!(us("3/4/2025 00:00:00"), Some(midnight));
        assert_eq!(
            us("3/4/2025 12:00:00 PM"),
            Some(Timestamp(midnight.0 + 12 * 3_600_000))
        );
    }

    #[test]
    fn invalid_us_locale_times_are_refused() {
        for text in [
            "",
            "3/4/2025",
            "13/4/2025 9:15:02",
            "3/32/2025 9:15:02",
            "3/4/25 9:15:02",
            "3/4/2025 13:15:02 PM",
            "3/4/2025 0:15:02 AM",
            "3/4/2025 9:15:60",
            "3/4/2025 9:5:02",
            "3/4/2025 9:15:02.x",
            "3/4/2025 9:15:02 XM",
            "3/4/2025 9:15:02 +1é2",
            "3/4/2025 9:15:02 +15:00",
            "3/４/2025 9:15:02",
            "2025-03-04T09:15:02Z",
        ] {
            assert_eq!(Timestamp::parse_us_locale(text), None, "{text}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn us_locale_parsing_never_panics(text in "\\PC{0,40}") {
            let _ = Timestamp::parse_us_locale(&text);
        }

        /// Reading the common form (by the fast path, or by chrono where the fast path declines,
        /// as for a leap second) agrees with chrono's reading on every date and time, valid or
        /// not, and with every zone form.
        #[test]
        fn the_fast_iso_reading_agrees_with_chrono(
            year in 0u32..=9999, month in 0u32..=13, day in 0u32..=32,
            hour in 0u32..=25, minute in 0u32..=61, second in 0u32..=61,
            fraction in proptest::option::of("[0-9]{1,9}"),
            zone in proptest::sample::select(vec!["", "Z", "+00:00", "+05:30", "-08:00", "+14:00"]),
        ) {
            let fraction = fraction.map(|digits| format!(".{digits}")).unwrap_or_default();
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}");
            let chrono = if zone.is_empty() {
                NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()
                    .map(|naive| naive.and_utc().timestamp_millis())
            } else {
                DateTime::parse_from_rfc3339(&text).ok().map(|zoned| zoned.timestamp_millis())
            };
            proptest::prop_assert_eq!(Timestamp::parse(&text).map(|t| t.0), chrono, "{}", text);
        }

        #[test]
        fn us_locale_round_trips(
            month in 1u32..=12, day in 1u32..=28, year in 1970i32..=2100,
            hour in 0u32..24, minute in 0u32..60, second in 0u32..60, milli in 0u32..1000,
        ) {
            let (twelve, meridiem) = match hour {
                0 => (12, "AM"),
                1..=11 => (hour, "AM"),
                12 => (12, "PM"),
                _ => (hour - 12, "PM"),
            };
            let text = format!("{month}/{day}/{year}, {twelve}:{minute:02}:{second:02}.{milli:03} {meridiem}");
            let iso = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z");
            proptest::prop_assert_eq!(Timestamp::parse_us_locale(&text), Timestamp::parse(&iso));
        }
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
