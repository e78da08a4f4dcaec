//! When people work: a daily activity curve in the user's own time zone.
//!
//! Mail is read and sent in working hours with a morning peak, a lunch dip and an afternoon
//! peak, and a little in the evening; nothing at night. Times are drawn in local time
//! (`Place::utc_offset`) and returned in UTC, only when they fall on the simulated UTC day, so
//! that each day's records stay in that day's batch.

use chrono::{DateTime, Duration, Utc};
use rand::RngExt;

/// Relative activity per local hour, 00:00 to 23:00.
const HOURLY: [u32; 24] = [
    0, 0, 0, 0, 0, 0, 0, 2, 6, 10, 10, 8, 4, 7, 9, 9, 7, 4, 2, 1, 1, 1, 0, 0,
];

/// Sum of [`HOURLY`].
const TOTAL: u32 = {
    let mut sum = 0;
    let mut hour = 0;
    while hour < 24 {
        sum += HOURLY[hour];
        hour += 1;
    }
    sum
};

/// The UTC instant of `seconds` past local midnight, for a user `utc_offset` hours ahead
/// of UTC, on the UTC day starting at `day`; `None` when it falls on another UTC day.
pub fn local(day: DateTime<Utc>, utc_offset: i32, seconds: i64) -> Option<DateTime<Utc>> {
    let time = day + Duration::seconds(seconds - i64::from(utc_offset) * 3600);
    (time >= day && time < day + Duration::days(1)).then_some(time)
}

/// A moment of activity on the curve, as seconds past local midnight.
pub fn busy_second(rng: &mut impl RngExt) -> i64 {
    let mut pick = rng.random_range(0..TOTAL);
    let mut hour = 0;
    while pick >= HOURLY[hour] {
        pick -= HOURLY[hour];
        hour += 1;
    }
    hour as i64 * 3600 + rng.random_range(0..3600)
}

/// How much more active the busiest local hour is than an average working hour: bounds the
/// peak hourly send rate.
#[cfg(test)]
pub fn peak_share() -> f64 {
    f64::from(HOURLY.iter().copied().max().unwrap_or(0)) / f64::from(TOTAL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn midnight() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn activity_stays_in_waking_hours() {
        let mut rng = StdRng::seed_from_u64(9);
        let mut per_hour = [0u32; 24];
        for _ in 0..20_000 {
            let second = busy_second(&mut rng);
            assert!((7 * 3600..22 * 3600).contains(&second), "{second}");
            per_hour[(second / 3600) as usize] += 1;
        }
        // Morning peak above the lunch dip, the dip above the evening.
        assert!(per_hour[10] > per_hour[12] && per_hour[12] > per_hour[20]);
        assert!(peak_share() < 0.15);
    }

    #[test]
    fn local_time_shifts_by_the_offset_and_stays_on_the_day() {
        let day = midnight();
        let nine = 9 * 3600;
        assert_eq!(local(day, 0, nine), Some(day + Duration::hours(9)));
        assert_eq!(local(day, 1, nine), Some(day + Duration::hours(8)));
        assert_eq!(local(day, -6, nine), Some(day + Duration::hours(15)));
        // 20:00 in Chicago is 02:00 UTC the next day: not this day's.
        assert_eq!(local(day, -6, 20 * 3600), None);
        assert_eq!(local(day, 8, 3600), None);
    }
}
