//! How much mail each role reads and sends in a day.
//!
//! Executives and finance staff send the most, but even their busiest hour stays far below
//! the 50 messages an hour that marks a relay (`bulk_send`): people write mail one at a time.

use crate::tenant::Role;
use rand::RngExt;
use std::ops::Range;

/// Messages sent per day by `role`.
pub fn sends(role: Role) -> Range<u32> {
    match role {
        Role::Executive => 20..46,
        Role::Finance => 12..36,
        Role::Traveller => 6..21,
        Role::ItAdmin => 3..13,
        Role::Staff => 3..16,
    }
}

/// Mailbox reads (aggregated `MailItemsAccessed` records) per day by `role`.
pub fn reads(role: Role) -> Range<u32> {
    match role {
        Role::Executive | Role::Finance => 10..25,
        Role::Traveller | Role::ItAdmin | Role::Staff => 5..16,
    }
}

/// A draw from `range`.
pub fn draw(rng: &mut impl RngExt, range: Range<u32>) -> u32 {
    rng.random_range(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::background::curve::peak_share;

    #[test]
    fn the_busiest_hour_of_the_busiest_role_stays_far_below_a_relay() {
        for role in [
            Role::Executive,
            Role::Finance,
            Role::Traveller,
            Role::ItAdmin,
            Role::Staff,
        ] {
            let most = f64::from(sends(role).end - 1);
            // Expected sends in the peak hour, with generous room for chance.
            assert!(most * peak_share() * 3.0 < 50.0, "{role:?}");
        }
        assert!(sends(Role::Executive).start > sends(Role::Staff).start);
        assert!(sends(Role::Finance).end > sends(Role::Staff).end);
    }
}
