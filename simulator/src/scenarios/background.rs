//! Ordinary activity: every user signs in, reads and sends mail during the day.

use super::working_hours;
use crate::scene::Emitter;
use crate::signin;
use crate::tenant::Tenant;
use crate::ual::{Context, spell_ip};
use chrono::{DateTime, Duration, Utc};
use fake::Fake;
use fake::faker::lorem::en::Words;
use rand::RngExt;

const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

/// Plays one working day for every user.
pub fn play(rng: &mut impl RngExt, tenant: &Tenant, day: DateTime<Utc>, out: &mut Emitter) {
    let context = Context { tenant };
    for user in &tenant.users {
        let morning = day + Duration::seconds(rng.random_range(7 * 3600..9 * 3600));
        let ip = spell_ip(rng, user.office_ip);
        context.user_logged_in(rng, out, morning, user, &ip, BROWSER);
        let sign_in = signin::sign_in(rng, user, morning, &user.office_ip.to_string(), &user.home);
        signin::emit(out, morning, sign_in);
        for _ in 0..rng.random_range(3..10) {
            let time = working_hours(rng, day);
            let ip = spell_ip(rng, user.office_ip);
            context.mail_items_accessed(rng, out, time, user, &ip);
        }
        for _ in 0..rng.random_range(2..12) {
            let time = working_hours(rng, day);
            let ip = spell_ip(rng, user.office_ip);
            let words: Vec<String> = Words(2..5).fake_with_rng(rng);
            let prefix = if rng.random_bool(0.4) { "RE: " } else { "" };
            context.send(
                rng,
                out,
                time,
                user,
                &ip,
                &format!("{prefix}{}", words.join(" ")),
            );
        }
    }
}
