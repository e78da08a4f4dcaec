//! Times as web logs write them, beyond the ISO 8601 forms [`Timestamp::parse`] reads.
//!
//! Squid writes Unix seconds with milliseconds (`1741078877.123`); the combined log format
//! writes local time with its offset (`04/Mar/2025:09:41:17 +0100`), converted here to UTC;
//! W3C writes the date and the time (UTC) as two fields. Each reader refuses what is not a
//! real instant (month 13, second 61), so a bad time is a rejection, never a guess.

use crate::time::Timestamp;
use chrono::{DateTime, NaiveDate, NaiveTime};

/// Unix time in seconds with an optional fraction (`1741078877.123`), as Squid writes it.
/// Whole numbers above 10^11 are read as milliseconds, as JSON exporters write them.
pub fn epoch(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    if fraction.is_empty() && whole > 100_000_000_000 {
        return Some(Timestamp(whole));
    }
    let millis = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0_i64, |acc, digit| acc * 10 + i64::from(digit - b'0'));
    whole
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(millis))
        .map(Timestamp)
}

/// The combined log format's time (`04/Mar/2025:08:41:17 +0000`, without the brackets),
/// converted from its offset to UTC.
pub fn clf(text: &str) -> Option<Timestamp> {
    DateTime::parse_from_str(text.trim(), "%d/%b/%Y:%H:%M:%S %z")
        .ok()
        .map(|instant| Timestamp(instant.timestamp_millis()))
}

/// A W3C `date` (`2025-03-04`) and `time` (`08:41:17`, optionally with a fraction), which
/// are UTC.
pub fn w3c(date: &str, time: &str) -> Option<Timestamp> {
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f").ok()?;
    Some(Timestamp(date.and_time(time).and_utc().timestamp_millis()))
}

/// A JSON time: ISO 8601 text, or Unix seconds / milliseconds.
pub fn any(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text).or_else(|| epoch(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-03-04T08:41:17Z
    const AT: i64 = 1_741_077_677_000;

    #[test]
    fn squid_epoch_seconds() {
        assert_eq!(epoch("1741077677.123"), Some(Timestamp(AT + 123)));
        assert_eq!(epoch("1741077677.5"), Some(Timestamp(AT + 500)));
        assert_eq!(epoch("1741077677"), Some(Timestamp(AT)));
        assert_eq!(epoch("1741077677123"), Some(Timestamp(AT + 123)));
        for bad in ["", "x", "-1", "1741077677.x", "17410.776.77", ".5"] {
            assert_eq!(epoch(bad), None, "{bad}");
        }
    }

    #[test]
    fn combined_times_are_converted_to_utc() {
        assert_eq!(clf("04/Mar/2025:08:41:17 +0000"), Some(Timestamp(AT)));
        assert_eq!(clf("04/Mar/2025:09:41:17 +0100"), Some(Timestamp(AT)));
        assert_eq!(clf("04/Mar/2025:03:11:17 -0530"), Some(Timestamp(AT)));
        assert_eq!(clf("31/Feb/2025:08:41:17 +0000"), None);
        assert_eq!(clf("04/Mar/2025:08:41:17"), None);
    }

    #[test]
    fn w3c_date_and_time() {
        assert_eq!(w3c("2025-03-04", "08:41:17"), Some(Timestamp(AT)));
        assert_eq!(w3c("2025-03-04", "08:41:17.250"), Some(Timestamp(AT + 250)));
        assert_eq!(w3c("2025-13-04", "08:41:17"), None);
        assert_eq!(w3c("2025-03-04", "08:41:61"), None);
    }

    #[test]
    fn json_times() {
        assert_eq!(any("2025-03-04T08:41:17Z"), Some(Timestamp(AT)));
        assert_eq!(any("1741077677.0"), Some(Timestamp(AT)));
        assert_eq!(any("soon"), None);
    }
}
