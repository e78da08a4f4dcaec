//! Ordinary activity: every user's working day, as the sign-in and audit logs record it.
//!
//! Per user and day: where they work from (the office's NAT, or, for those who work from
//! home, the office's VPN concentrator, both in the office's city), the morning's interactive sign-in
//! (sometimes after a mistyped password or an MFA prompt, see `sessions`), the clients'
//! silent token refreshes through the day, mailbox reads, and sends whose number depends on
//! the role (`volume`) and whose times follow a daily curve in the user's own time zone
//! (`curve`). Users a scenario sent away (travelling) write nothing while away.
//!
//! None of it may look like an attack: every failure is followed by a success from the same
//! address, nobody moves, nobody sends in bursts, nobody changes rules. The driver writes it
//! for every day of large runs, so a day is first drawn as a plan of small [`Act`]s (time,
//! user, kind, a seed), sorted by time, and each record is built from its act only when the
//! driver is about to write it.

mod curve;
mod sessions;
mod volume;

use crate::egress;
use crate::record::Body;
use crate::routine::RoutineAudit;
use crate::scene::{Cast, Emitter};
use crate::signin;
use crate::tenant::{Tenant, User};
use crate::ual::spell_ip;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
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

/// Plays one day for every user: plans it, then builds every planned record, in time order.
pub fn play(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    day: DateTime<Utc>,
    cast: &Cast,
    out: &mut Emitter,
) {
    for act in plan(rng, tenant, day, cast) {
        act.build(tenant, out);
    }
}

/// Draws one day of every user as small [`Act`]s sorted by time (ties in the order drawn).
///
/// The plan holds no record: each act carries the seed its records are built from
/// ([`Act::build`]), so that a large tenant's day costs a few dozen bytes per record until
/// the driver builds and writes the records one slice at a time.
pub fn plan(rng: &mut impl RngExt, tenant: &Tenant, day: DateTime<Utc>, cast: &Cast) -> Vec<Act> {
    let end_of_day = day + Duration::days(1);
    let mut acts = Vec::with_capacity(tenant.users.len() * 64);
    for (index, user) in tenant.users.iter().enumerate() {
        let away = cast.away_during(&user.upn, day, end_of_day);
        plan_user(rng, user, index as u32, day, &mut acts, |time| {
            !away || !cast.is_away(&user.upn, time)
        });
    }
    acts.sort_by_key(|act| act.time);
    acts
}

/// What a planned act is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The morning's mistyped password (50126).
    Typo,
    /// The morning's MFA interrupt (50074 or 50076).
    Prompt(u32),
    /// The morning's successful interactive sign-in.
    SignedIn {
        /// Whether Conditional Access asked for a second factor first.
        mfa: bool,
    },
    /// The audit log's `UserLoggedIn` of the morning sign-in.
    LoggedIn,
    /// A silent token refresh by one of the `sessions::REFRESHING` apps.
    Refresh(u8),
    /// A `MailItemsAccessed` record.
    Read,
    /// A `Send` with this subject.
    Send(&'static str),
}

/// One record of a user's day, drawn but not built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Act {
    /// When it happens.
    pub time: DateTime<Utc>,
    /// The user's index in the tenant.
    user: u32,
    /// What it is.
    kind: Kind,
    /// Whether the morning sign-in came from Outlook for Windows rather than a browser.
    desktop: bool,
    /// Seed of the record's own random draws (ids, address spelling, sizes).
    seed: u64,
    /// Seed of the day's session id, shared by the morning sign-in and the refreshes.
    session: u64,
}

impl Act {
    /// Builds the act's record into `out`.
    pub fn build(&self, tenant: &Tenant, out: &mut Emitter) {
        let user = &tenant.users[self.user as usize];
        let rng = &mut StdRng::seed_from_u64(self.seed);
        let address = egress_of(user);
        let ip = address.to_string();
        let egress = Egress {
            ip: &ip,
            place: &user.home,
        };
        let session = || crate::ids::guid(&mut StdRng::seed_from_u64(self.session));
        match self.kind {
            Kind::Typo | Kind::Prompt(_) | Kind::SignedIn { .. } => {
                let mut sign_in = signin::sign_in(rng, user, self.time, egress.ip, egress.place);
                if self.desktop {
                    signin::by_app(&mut sign_in, &signin::OUTLOOK_DESKTOP);
                }
                match self.kind {
                    Kind::Typo => signin::fail(&mut sign_in, 50126),
                    Kind::Prompt(code) => {
                        signin::fail(&mut sign_in, code);
                        signin::require_mfa(&mut sign_in);
                    }
                    _ => {
                        if self.kind == (Kind::SignedIn { mfa: true }) {
                            signin::require_mfa(&mut sign_in);
                        }
                        sign_in.session_id = session();
                    }
                }
                signin::emit(out, self.time, sign_in);
            }
            Kind::Refresh(app) => {
                let app = sessions::REFRESHING[usize::from(app)];
                let mut refresh =
                    signin::token_refresh(rng, user, self.time, egress.ip, egress.place, app);
                refresh.session_id = session();
                signin::emit(out, self.time, refresh);
            }
            Kind::LoggedIn | Kind::Read | Kind::Send(_) => {
                let client_ip = spell_ip(rng, address);
                let (time, org) = (self.time, &tenant.organization_id);
                let record = match self.kind {
                    Kind::LoggedIn => {
                        RoutineAudit::logged_in(rng, time, org, user, &client_ip, BROWSER.into())
                    }
                    Kind::Send(subject) => {
                        RoutineAudit::send(rng, time, org, user, &client_ip, subject.into())
                    }
                    _ => RoutineAudit::read(rng, time, org, user, &client_ip),
                };
                out.push(time, Body::Routine(Box::new(record)));
            }
        }
    }
}

/// Where `user` works from: the office's NAT, or its VPN concentrator for remote workers.
fn egress_of(user: &User) -> std::net::Ipv4Addr {
    if works_remotely(user) {
        egress::vpn_of(&user.home)
    } else {
        user.office_ip
    }
}

/// One user's day; `keep` says whether a record at a given time may be written.
fn plan_user(
    rng: &mut impl RngExt,
    user: &User,
    index: u32,
    day: DateTime<Utc>,
    acts: &mut Vec<Act>,
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
    let session = rng.random();
    let mut act = |rng: &mut dyn rand::Rng, time, kind, desktop| {
        acts.push(Act {
            time,
            user: index,
            kind,
            desktop,
            seed: rng.random(),
            session,
        });
    };
    let signed_in = sessions::morning(rng, arrive, |rng, time, kind, desktop| {
        act(rng, time, kind, desktop)
    });
    act(rng, signed_in, Kind::LoggedIn, false);
    sessions::refreshes(rng, signed_in, leave, &keep, |rng, time, app| {
        act(rng, time, Kind::Refresh(app), false)
    });

    // Reads and sends on the day's curve, never before the user signed in.
    let after_sign_in = |rng: &mut dyn rand::Rng, second: i64| {
        curve::local(day, offset, second)
            .map(|time| time.max(signed_in + Duration::seconds(rng.random_range(30..900))))
    };
    for _ in 0..volume::draw(rng, volume::reads(user.role)) {
        let second = curve::busy_second(rng);
        if let Some(time) = after_sign_in(rng, second).filter(|t| keep(*t)) {
            act(rng, time, Kind::Read, false);
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
            act(rng, time, Kind::Send(subject), false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            if let Body::Routine(audit) = &record.body {
                if audit.operation_name() == "Send" {
                    per_user.entry(&audit.upn).or_default().push(record.time);
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
                Body::Routine(a) => &a.upn == traveller,
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
    fn failures_and_refreshes_share_the_address_and_the_session_of_the_morning() {
        let mut rng = StdRng::seed_from_u64(9);
        let tenant = Tenant::generate(&mut rng, 80);
        let out = day_of(&tenant, &Cast::default(), 10);
        let mut sessions: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
        let mut addresses: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
        let mut failures = 0;
        for record in &out.records {
            if let Body::SignIn(s) = &record.body {
                let user = s.user_principal_name.as_str();
                addresses.entry(user).or_default().insert(&s.ip_address);
                if s.status.error_code == 0 {
                    sessions.entry(user).or_default().insert(&s.session_id);
                } else {
                    failures += 1;
                    assert!(s.is_interactive);
                }
            }
        }
        assert!(failures > 0, "some mornings start with a typo or a prompt");
        assert_eq!(sessions.len(), 80);
        assert!(
            sessions.values().all(|ids| ids.len() == 1),
            "one session a day"
        );
        assert!(
            addresses.values().all(|ips| ips.len() == 1),
            "one egress a day"
        );
    }

    #[test]
    fn a_plan_is_sorted_and_builds_one_record_per_act() {
        let mut rng = StdRng::seed_from_u64(3);
        let tenant = Tenant::generate(&mut rng, 30);
        let acts = plan(&mut rng, &tenant, midnight(), &Cast::default());
        assert!(acts.windows(2).all(|pair| pair[0].time <= pair[1].time));
        let mut out = Emitter::default();
        for act in &acts {
            act.build(&tenant, &mut out);
        }
        assert_eq!(out.records.len(), acts.len());
        assert!(out.records.iter().zip(&acts).all(|(r, a)| r.time == a.time));
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
