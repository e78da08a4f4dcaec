//! A user's sign-ins over a working day, as Entra ID records them.
//!
//! The day opens with an interactive sign-in (Outlook on the web or the desktop client).
//! Now and then the password is mistyped first (50126, then a success a few minutes later),
//! or Conditional Access asks for a second factor (a 50074 / 50076 interrupt, then a success
//! that required multi-factor authentication). Through the day the desktop and mobile
//! clients refresh their tokens silently: the non-interactive log's records, roughly hourly,
//! from the same egress. Everything is at the user's office city, whether through the
//! office's NAT or the office's VPN concentrator.

use crate::geo::Place;
use crate::scene::Emitter;
use crate::signin::{self, ClientApp, OUTLOOK_DESKTOP, OUTLOOK_MOBILE, TEAMS_DESKTOP};
use crate::tenant::User;
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

/// Writes the day's first interactive sign-in at `time`, preceded by a typo or an MFA
/// prompt now and then; returns when the user got in and the session it opened.
pub fn morning(
    rng: &mut impl RngExt,
    out: &mut Emitter,
    user: &User,
    time: DateTime<Utc>,
    egress: &Egress<'_>,
) -> (DateTime<Utc>, String) {
    let desktop = rng.random_bool(0.5);
    let dress = |sign_in: &mut crate::record::SignIn| {
        if desktop {
            signin::by_app(sign_in, &OUTLOOK_DESKTOP);
        }
    };
    let mut at = time;
    let roll: f64 = rng.random();
    let mfa = (TYPO_RATE..TYPO_RATE + MFA_RATE).contains(&roll);
    if roll < TYPO_RATE {
        let mut typo = signin::sign_in(rng, user, at, egress.ip, egress.place);
        dress(&mut typo);
        signin::fail(&mut typo, 50126);
        signin::emit(out, at, typo);
        at += Duration::seconds(rng.random_range(40..300));
    } else if mfa {
        let code = if rng.random_bool(0.7) { 50074 } else { 50076 };
        let mut prompt = signin::sign_in(rng, user, at, egress.ip, egress.place);
        dress(&mut prompt);
        signin::fail(&mut prompt, code);
        signin::require_mfa(&mut prompt);
        signin::emit(out, at, prompt);
        at += Duration::seconds(rng.random_range(15..120));
    }
    let mut success = signin::sign_in(rng, user, at, egress.ip, egress.place);
    dress(&mut success);
    if mfa {
        signin::require_mfa(&mut success);
    }
    let session = success.session_id.clone();
    signin::emit(out, at, success);
    (at, session)
}

/// The apps that refresh tokens through the day, the phone less often.
const REFRESHING: &[&ClientApp] = &[&OUTLOOK_DESKTOP, &TEAMS_DESKTOP, &OUTLOOK_MOBILE];

/// Writes silent token refreshes of the session `session` from `from` to `until`, each app
/// about hourly; `keep` decides whether a refresh at a given time is written (the user may
/// be away).
#[allow(clippy::too_many_arguments)]
pub fn refreshes(
    rng: &mut impl RngExt,
    out: &mut Emitter,
    user: &User,
    session: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    egress: &Egress<'_>,
    keep: impl Fn(DateTime<Utc>) -> bool,
) {
    for (index, app) in REFRESHING.iter().enumerate() {
        if index == 2 && rng.random_bool(0.4) {
            continue; // not everyone reads mail on the phone
        }
        let mut at = from + Duration::seconds(rng.random_range(60..1800));
        while at < until {
            if keep(at) {
                let mut refresh =
                    signin::token_refresh(rng, user, at, egress.ip, egress.place, app);
                refresh.session_id.clear();
                refresh.session_id.push_str(session);
                signin::emit(out, at, refresh);
            }
            at += Duration::seconds(rng.random_range(45 * 60..80 * 60));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use crate::tenant::Tenant;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn nine() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-04T09:00:00Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn every_failure_is_followed_by_a_success_from_the_same_address() {
        let mut rng = StdRng::seed_from_u64(5);
        let tenant = Tenant::generate(&mut rng, 2);
        let user = &tenant.users[0];
        let ip = user.office_ip.to_string();
        let egress = Egress {
            ip: &ip,
            place: &user.home,
        };
        let (mut typos, mut prompts) = (0, 0);
        for _ in 0..400 {
            let mut out = Emitter::default();
            let (got_in, session) = morning(&mut rng, &mut out, user, nine(), &egress);
            let sign_ins: Vec<_> = out
                .records
                .iter()
                .map(|r| match &r.body {
                    Body::SignIn(s) => (r.time, s.clone()),
                    other => panic!("unexpected {other:?}"),
                })
                .collect();
            let (last_time, last) = sign_ins.last().expect("a sign-in");
            assert_eq!(last.status.error_code, 0);
            assert_eq!(*last_time, got_in);
            assert_eq!(last.session_id, session);
            assert!(
                sign_ins
                    .iter()
                    .all(|(_, s)| s.ip_address == ip && s.is_interactive)
            );
            if let [(t0, first), (t1, _)] = sign_ins.as_slice() {
                assert!(*t1 - *t0 <= Duration::minutes(5));
                match first.status.error_code {
                    50126 => typos += 1,
                    50074 | 50076 => {
                        prompts += 1;
                        assert_eq!(
                            first.authentication_requirement,
                            "multiFactorAuthentication"
                        );
                        assert_eq!(last.authentication_requirement, "multiFactorAuthentication");
                    }
                    other => panic!("unexpected code {other}"),
                }
            } else {
                assert_eq!(sign_ins.len(), 1);
            }
        }
        assert!((8..50).contains(&typos), "{typos}");
        assert!((30..100).contains(&prompts), "{prompts}");
    }

    #[test]
    fn refreshes_are_non_interactive_client_sign_ins_about_hourly() {
        let mut rng = StdRng::seed_from_u64(6);
        let tenant = Tenant::generate(&mut rng, 2);
        let user = &tenant.users[1];
        let ip = user.office_ip.to_string();
        let egress = Egress {
            ip: &ip,
            place: &user.home,
        };
        let mut out = Emitter::default();
        let until = nine() + Duration::hours(9);
        refreshes(
            &mut rng,
            &mut out,
            user,
            "s-1",
            nine(),
            until,
            &egress,
            |_| true,
        );
        assert!(
            (14..=36).contains(&out.records.len()),
            "{}",
            out.records.len()
        );
        for record in &out.records {
            assert!(record.time >= nine() && record.time < until);
            let Body::SignIn(s) = &record.body else {
                panic!("sign-ins only")
            };
            assert!(!s.is_interactive);
            assert_eq!(s.client_app_used, "Mobile Apps and Desktop clients");
            assert_eq!(s.status.error_code, 0);
            assert_eq!(
                s.session_id, "s-1",
                "refreshes belong to the morning's session"
            );
        }
        let mut none = Emitter::default();
        refreshes(
            &mut rng,
            &mut none,
            user,
            "s-1",
            nine(),
            until,
            &egress,
            |_| false,
        );
        assert!(none.records.is_empty());
    }
}
