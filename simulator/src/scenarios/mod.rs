//! What the simulator plays: ordinary activity, benign look-alikes and attacks.
//!
//! Each scenario has a stable id, writes its records into the audit log and returns its
//! ground truth.

pub mod background;
pub mod benign_rules;
pub mod inbox_rule_creation;

use chrono::{DateTime, Duration, Utc};
use rand::RngExt;

/// A random instant within working hours (08:00 to 18:00) of the day starting at `day`.
pub fn working_hours(rng: &mut impl RngExt, day: DateTime<Utc>) -> DateTime<Utc> {
    day + Duration::seconds(rng.random_range(8 * 3600..18 * 3600))
}

/// RFC 3339 with seconds, as the truth writes times.
pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
