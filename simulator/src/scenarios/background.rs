//! Ordinary activity: every user's working day, as the sign-in and audit logs record it.
//!
//! Per user and day: where they work from (the office's NAT, or, for those who work from
//! home, the office's VPN concentrator, both in the office's city), the morning's interactive sign-in
//! (sometimes after a mistyped password or an MFA prompt, see [`sessions`]), the clients'
//! silent token refreshes through the day, mailbox reads, and sends whose number depends on
//! the role ([`volume`]) and whose times follow a daily curve in the user's own time zone
//! ([`curve`]). Users a scenario sent away (travelling) write nothing while away.
//!
//! None of it may look like an attack: every failure is followed by a success from the same
//! address, nobody moves, nobody sends in bursts, nobody changes rules. The driver writes it
//! for every day of large runs, so it avoids allocating where a static string does.

mod curve;
mod sessions;
mod volume;

use crate::egress;
use crate::scene::{Cast, Emitter};
use crate::tenant::{Tenant, User};
use crate::ual::{Context, spell_ip};
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;
use sessions::Egress;

/// The browser the audit log's sign-in records name.
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

/// Whether `user` works from home through the VPN: a habit, the same every day, so that
/// nobody shows up from an address new to them (which `thread_hijack` reads as a stranger
/// replying in the user's name after a compromise). About a quarter of the staff.
fn works_remotely(user: &User) -> bool {
    user.puid
        .bytes()
        .fold(0u32, |sum, byte| sum + u32::from(byte))
        % 4
        == 0
}

/// Subjects of new messages.
const SUBJECTS: &[&str] = &[
    "Weekly status update",
    "Agenda for Thursday",
    "Q3 forecast draft",
    "Lunch on Friday?",
    "Updated slides",
    "Contract review comments",
    "Travel booking confirmation",
    "Customer call notes",
    "Team offsite planning",
    "Expense report March",
    "Onboarding checklist",
    "Budget approval needed",
    "Minutes from today's meeting",
    "Vendor quote comparison",
    "Holiday schedule",
];

/// Subjects of replies and forwards.
const REPLIES: &[&str] = &[
    "RE: Weekly status update",
    "RE: Agenda for Thursday",
    "RE: Q3 forecast draft",
    "RE: Contract review comments",
    "RE: Customer call notes",
    "RE: Budget approval needed",
    "FW: Vendor quote comparison",
    "FW: Updated slides",
    "RE: Team offsite planning",
    "RE: Expense report March",
];

/// Plays one day for every user.
pub fn play(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    day: DateTime<Utc>,
    cast: &Cast,
    out: &mut Emitter,
) {
    let context = Context { tenant };
    let end_of_day = day + Duration::days(1);
    for user in &tenant.users {
        let away = cast.away_during(&user.upn, day, end_of_day);
        play_user(rng, &context, user, day, out, |time| {
            !away || !cast.is_away(&user.upn, time)
        });
    }
}

/// One user's day; `keep` says whether a record at a given time may be written.
fn play_user(
    rng: &mut impl RngExt,
    context: &Context<'_>,
    user: &User,
    day: DateTime<Utc>,
    out: &mut Emitter,
    keep: impl Fn(DateTime<Utc>) -> bool,
) {
    let offset = user.home.utc_offset;
    let arrive = curve::local(
        day,
        offset,
        rng.random_range(7 * 3600 + 1800..9 * 3600 + 1800),
    );
    let leave = curve::local(day, offset, rng.random_range(17 * 3600..19 * 3600))
        .unwrap_or(day + Duration::days(1) - Duration::seconds(1));
    let Some(arrive) = arrive.filter(|time| keep(*time)) else {
        return;
    };
    let address = if works_remotely(user) {
        egress::vpn_of(&user.home)
    } else {
        user.office_ip
    };
    let ip = address.to_string();
    let egress = Egress {
        ip: &ip,
        place: &user.home,
    };
    let (signed_in, session) = sessions::morning(rng, out, user, arrive, &egress);
    let audit_ip = spell_ip(rng, address);
    context.user_logged_in(rng, out, signed_in, user, &audit_ip, BROWSER);
    sessions::refreshes(rng, out, user, &session, signed_in, leave, &egress, &keep);

    // Reads and sends on the day's curve, never before the user signed in.
    let after_sign_in = |rng: &mut dyn rand::Rng, second: i64| {
        curve::local(day, offset, second)
            .map(|time| time.max(signed_in + Duration::seconds(rng.random_range(30..900))))
    };
    for _ in 0..volume::draw(rng, volume::reads(user.role)) {
        let second = curve::busy_second(rng);
        if let Some(time) = after_sign_in(rng, second).filter(|t| keep(*t)) {
            let client_ip = spell_ip(rng, address);
            context.mail_items_accessed(rng, out, time, user, &client_ip);
        }
    }
    for _ in 0..volume::draw(rng, volume::sends(user.role)) {
        let second = curve::busy_second(rng);
        if let Some(time) = after_sign_in(rng, second).filter(|t| keep(*t)) {
            let list = if rng.random_bool(0.4) {
                REPLIES
            } else {
                SUBJECTS
            };
            let subject = list.choose(rng).copied().unwrap_or(SUBJECTS[0]);
            let client_ip = spell_ip(rng, address);
            context.send(rng, out, time, user, &client_ip, subject);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::BTreeMap;

    fn midnight() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-04T00:00:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    fn day_of(tenant: &Tenant, cast: &Cast, seed: u64) -> Emitter {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut out = Emitter::default();
        play(&mut rng, tenant, midnight(), cast, &mut out);
        out
    }

    #[test]
    fn a_day_stays_on_its_day_and_in_the_users_office_city() {
        let mut rng = StdRng::seed_from_u64(1);
        let tenant = Tenant::generate(&mut rng, 60);
        let out = day_of(&tenant, &Cast::default(), 2);
        let (mut interactive, mut silent) = (0, 0);
        for record in &out.records {
            assert!(record.time >= midnight() && record.time < midnight() + Duration::days(1));
            assert!(record.scenario.is_none());
            if let Body::SignIn(sign_in) = &record.body {
                let user = tenant
                    .users
                    .iter()
                    .find(|u| u.upn == sign_in.user_principal_name)
                    .expect("a tenant user");
                assert_eq!(sign_in.location.city, user.home.city);
                let vpn = egress::vpn_of(&user.home).to_string();
                assert!(
                    sign_in.ip_address == user.office_ip.to_string() || sign_in.ip_address == vpn
                );
                assert_eq!(sign_in.risk_level_during_sign_in, "none");
                if sign_in.is_interactive {
                    interactive += 1;
                } else {
                    silent += 1;
                }
            }
        }
        assert!(interactive >= 60, "{interactive}");
        assert!(silent > 5 * 60, "{silent}");
    }

    #[test]
    fn sends_follow_the_role_and_never_burst() {
        let mut rng = StdRng::seed_from_u64(4);
        let tenant = Tenant::generate(&mut rng, 100);
        let out = day_of(&tenant, &Cast::default(), 5);
        let mut per_user: BTreeMap<&str, Vec<DateTime<Utc>>> = BTreeMap::new();
        for record in &out.records {
            if let Body::Audit(audit) = &record.body {
                if audit["Operation"] == "Send" {
                    let user = audit["UserId"].as_str().expect("user");
                    per_user.entry(user).or_default().push(record.time);
                }
            }
        }
        let mean = |role: crate::tenant::Role| {
            let users: Vec<&User> = tenant.users.iter().filter(|u| u.role == role).collect();
            let sent: usize = users
                .iter()
                .map(|u| per_user.get(u.upn.as_str()).map_or(0, Vec::len))
                .sum();
            sent as f64 / users.len() as f64
        };
        assert!(mean(crate::tenant::Role::Executive) > 2.0 * mean(crate::tenant::Role::Staff));
        for times in per_user.values() {
            for time in times {
                let hour = times
                    .iter()
                    .filter(|t| **t >= *time && **t < *time + Duration::hours(1))
                    .count();
                assert!(hour < 25, "{hour} sends in an hour");
            }
        }
    }

    #[test]
    fn users_away_write_nothing_while_away() {
        let mut rng = StdRng::seed_from_u64(7);
        let tenant = Tenant::generate(&mut rng, 10);
        let traveller = &tenant.users[4].upn;
        let mut cast = Cast::default();
        let leaves = midnight() + Duration::hours(11);
        cast.send_away(traveller, leaves, midnight() + Duration::days(3));
        let out = day_of(&tenant, &cast, 8);
        let mine: Vec<DateTime<Utc>> = out
            .records
            .iter()
            .filter(|r| match &r.body {
                Body::SignIn(s) => &s.user_principal_name == traveller,
                Body::Audit(a) => a["UserId"] == traveller.as_str(),
                _ => false,
            })
            .map(|r| r.time)
            .collect();
        assert!(mine.iter().all(|t| *t < leaves));
        let others = out.records.iter().filter(|r| r.time >= leaves).count();
        assert!(others > 100);
    }

    #[test]
    fn a_quarter_work_remotely_and_keep_to_it() {
        let mut rng = StdRng::seed_from_u64(2);
        let tenant = Tenant::generate(&mut rng, 400);
        let remote = tenant.users.iter().filter(|u| works_remotely(u)).count();
        assert!((60..140).contains(&remote), "{remote}");
        let user = tenant
            .users
            .iter()
            .find(|u| works_remotely(u))
            .expect("one");
        let vpn = egress::vpn_of(&user.home).to_string();
        for seed in 0..3 {
            let out = day_of(&tenant, &Cast::default(), seed);
            let addresses: std::collections::BTreeSet<&str> = out
                .records
                .iter()
                .filter_map(|r| match &r.body {
                    Body::SignIn(s) if s.user_principal_name == user.upn => {
                        Some(s.ip_address.as_str())
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(
                addresses.into_iter().collect::<Vec<_>>(),
                vec![vpn.as_str()]
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_day() {
        let mut rng = StdRng::seed_from_u64(1);
        let tenant = Tenant::generate(&mut rng, 20);
        let a = day_of(&tenant, &Cast::default(), 3);
        let b = day_of(&tenant, &Cast::default(), 3);
        assert_eq!(a.records, b.records);
    }
}
