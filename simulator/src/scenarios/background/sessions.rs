//! A user's sign-ins over a working day, as Entra ID records them.
//!
//! The day opens with an interactive sign-in (Outlook on the web or the desktop client).
//! Now and then the password is mistyped first (50126, then a success a few minutes later),
//! or Conditional Access asks for a second factor (a 50074 / 50076 interrupt, then a success
//! that required multi-factor authentication). Through the day the desktop and mobile
//! clients refresh their tokens silently: the non-interactive log's records, roughly hourly,
//! from the same egress. Everything is at the user's office city, whether through the
//! office's NAT or the office's VPN concentrator.

use super::Kind;
use crate::geo::Place;
use crate::signin::{ClientApp, OUTLOOK_DESKTOP, OUTLOOK_MOBILE, TEAMS_DESKTOP};
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;

/// Chance that the day's first sign-in starts with a mistyped password.
pub const TYPO_RATE: f64 = 0.06;
/// Chance that the day's first sign-in is interrupted by an MFA prompt.
pub const MFA_RATE: f64 = 0.15;

/// Where a user works from today.
pub struct Egress<'a> {
    /// The address as sign-ins write it.
    pub ip: &'a str,
    /// Where it geolocates.
    pub place: &'a Place,
}

/// Plans the day's first interactive sign-in at `time`, preceded by a typo or an MFA prompt
/// now and then, handing each to `act` (time, kind, whether from Outlook for Windows);
/// returns when the user got in.
pub fn morning<R: RngExt>(
    rng: &mut R,
    time: DateTime<Utc>,
    mut act: impl FnMut(&mut R, DateTime<Utc>, Kind, bool),
) -> DateTime<Utc> {
    let desktop = rng.random_bool(0.5);
    let mut at = time;
    let roll: f64 = rng.random();
    let mfa = (TYPO_RATE..TYPO_RATE + MFA_RATE).contains(&roll);
    if roll < TYPO_RATE {
        act(rng, at, Kind::Typo, desktop);
        at += Duration::seconds(rng.random_range(40..300));
    } else if mfa {
        let code = if rng.random_bool(0.7) { 50074 } else { 50076 };
        act(rng, at, Kind::Prompt(code), desktop);
        at += Duration::seconds(rng.random_range(15..120));
    }
    act(rng, at, Kind::SignedIn { mfa }, desktop);
    at
}

/// The apps that refresh tokens through the day, the phone less often.
pub const REFRESHING: &[&ClientApp] = &[&OUTLOOK_DESKTOP, &TEAMS_DESKTOP, &OUTLOOK_MOBILE];

/// Plans silent token refreshes of the morning's session from `from` to `until`, each app
/// about hourly, handing each to `act` (time, index in [`REFRESHING`]); `keep` decides
/// whether a refresh at a given time is written (the user may be away).
pub fn refreshes<R: RngExt>(
    rng: &mut R,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    keep: impl Fn(DateTime<Utc>) -> bool,
    mut act: impl FnMut(&mut R, DateTime<Utc>, u8),
) {
    for index in 0..REFRESHING.len() {
        if index == 2 && rng.random_bool(0.4) {
            continue; // not everyone reads mail on the phone
        }
        let mut at = from + Duration::seconds(rng.random_range(60..1800));
        while at < until {
            if keep(at) {
                act(rng, at, index as u8);
            }
            at += Duration::seconds(rng.random_range(45 * 60..80 * 60));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn nine() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-04T09:00:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn every_failure_is_followed_by_a_success_soon_after() {
        let mut rng = StdRng::seed_from_u64(5);
        let (mut typos, mut prompts) = (0, 0);
        for _ in 0..400 {
            let mut acts = Vec::new();
            let got_in = morning(&mut rng, nine(), |_, time, kind, desktop| {
                acts.push((time, kind, desktop))
            });
            let (last_time, last, _) = *acts.last().expect("a sign-in");
            assert!(matches!(last, Kind::SignedIn { .. }));
            assert_eq!(last_time, got_in);
            assert!(acts.iter().all(|(_, _, desktop)| *desktop == acts[0].2));
            if let [(t0, first, _), (t1, _, _)] = acts.as_slice() {
                assert!(*t1 - *t0 <= Duration::minutes(5));
                match first {
                    Kind::Typo => {
                        typos += 1;
                        assert_eq!(last, Kind::SignedIn { mfa: false });
                    }
                    Kind::Prompt(50074 | 50076) => {
                        prompts += 1;
                        assert_eq!(last, Kind::SignedIn { mfa: true });
                    }
                    other => panic!("unexpected {other:?}"),
                }
            } else {
                assert_eq!(acts.len(), 1);
                assert_eq!(last, Kind::SignedIn { mfa: false });
            }
        }
        assert!((8..50).contains(&typos), "{typos}");
        assert!((30..100).contains(&prompts), "{prompts}");
    }

    #[test]
    fn refreshes_are_about_hourly_per_app() {
        let mut rng = StdRng::seed_from_u64(6);
        let until = nine() + Duration::hours(9);
        let mut acts = Vec::new();
        refreshes(
            &mut rng,
            nine(),
            until,
            |_| true,
            |_, time, app| acts.push((time, app)),
        );
        assert!((14..=36).contains(&acts.len()), "{}", acts.len());
        assert!(
            acts.iter()
                .all(|(t, app)| *t >= nine() && *t < until && *app < 3)
        );
        let mut none = 0;
        refreshes(&mut rng, nine(), until, |_| false, |_, _, _| none += 1);
        assert_eq!(none, 0);
    }
}
