//! `bulk_send`: the seeds' Atomic test 3 for T1586.002, a phishing blast from a compromised
//! mailbox.
//!
//! The attacker signs in to the victim's mailbox (`UserLoggedIn` from their own address)
//! and, in one session, sends far more messages in an hour than people do: a lure per
//! recipient or per small batch, to the owner's colleagues and outside contacts (internal
//! spearphishing, T1534). On some runs part of the blast goes out as a shared mailbox the
//! victim holds Send As rights on (`SendAs`), or on behalf of an executive whose delegate the
//! victim is (`SendOnBehalf`). Subjects are fresh lures, never replies or forwards.
//!
//! **Parameters** (from the scene's generator):
//! - volume: 60 to 180 messages, over 20 to 55 minutes (always more than 50 in an hour);
//! - start: any time of the working day;
//! - kinds: only `Send` on half the runs, otherwise up to a third as `SendAs` or
//!   `SendOnBehalf`;
//! - client: Outlook on the web (`Client=OWA`) or a script over Exchange Web Services;
//! - recipients: 1 to 5 per message, inside and outside the tenant.
//!
//! Must fire `bulk_send` (audit log).

use super::{Need, Played, ScenarioSpec, ip_entity, local_hours, scaled, user_entity};
use crate::ids;
use crate::mailbox::{Mail, SendKind};
use crate::record::Source;
use crate::scene::Scene;
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use crate::ual::Context;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "bulk_send";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1586.002"),
    play,
};

const LURES: &[&str] = &[
    "Document shared with you",
    "Action required: review the attached invoice",
    "Updated payroll information",
    "You have a new voice message",
    "Shared file: Q{n} budget review.pdf",
    "Payment confirmation #{n}",
    "Please sign: contract amendment {n}",
];
const OUTSIDE_DOMAINS: &[&str] = &[
    "fabrikam.example",
    "contoso-partners.example",
    "litware.example",
    "adventure-works.example",
];
const SHARED_MAILBOXES: &[&str] = &["billing", "accounts", "hr-notifications", "payments"];
const CLIENTS: &[(&str, &str)] = &[
    (
        "Client=OWA;Action=ViaProxy",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    ),
    (
        "Client=WebServices;ExchangeWebServices",
        "python-requests/2.31.0",
    ),
];

/// Plays the blast from one compromised mailbox.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let victim = scene.claim_user(|user| matches!(user.role, Role::Executive | Role::Finance));
    let intensity = scene.intensity;
    let rng = &mut scene.rng;
    let attacker = ids::ip_in(rng, [203, 0, 113]);
    let ip = attacker.to_string();
    let (client_info, user_agent) = *CLIENTS.choose(rng).unwrap_or(&CLIENTS[0]);
    let session = ids::guid(rng);
    let count = scaled(rng.random_range(60..=180usize), intensity);
    let span = rng.random_range(20 * 60..55 * 60i64);
    let start = local_hours(rng, scene.day, &victim.home, 8, 18);
    let delegated_share = if rng.random_bool(0.5) {
        0.0
    } else {
        rng.random_range(0.1..0.33)
    };
    let shared = format!(
        "{}@{}",
        SHARED_MAILBOXES.choose(rng).unwrap_or(&"billing"),
        tenant.domain
    );
    let executive = tenant
        .users
        .iter()
        .find(|u| u.role == Role::Executive && u.upn != victim.upn)
        .map(|u| u.upn.clone())
        .unwrap_or_else(|| shared.clone());
    context.user_logged_in(rng, scene.out, start, &victim, &ip, user_agent);
    let mut kinds = [0usize; 3];
    let first_send = start + Duration::seconds(rng.random_range(30..300));
    for index in 0..count {
        let offset = span * index as i64 / count as i64 + rng.random_range(0..5);
        let time = first_send + Duration::seconds(offset);
        let kind = if rng.random_bool(delegated_share) {
            if rng.random_bool(0.5) {
                SendKind::SendAs
            } else {
                SendKind::SendOnBehalf
            }
        } else {
            SendKind::Send
        };
        let as_mailbox = match kind {
            SendKind::SendAs => Some(shared.as_str()),
            SendKind::SendOnBehalf => Some(executive.as_str()),
            SendKind::Send => None,
        };
        kinds[kind as usize] += 1;
        let recipients: Vec<String> = (0..rng.random_range(1..=5))
            .map(|_| recipient(rng, tenant))
            .collect();
        let lure = LURES
            .choose(rng)
            .unwrap_or(&LURES[0])
            .replace("{n}", &rng.random_range(1000..9999).to_string());
        context.send_mail(
            rng,
            scene.out,
            time,
            &victim,
            &ip,
            &Mail {
                kind,
                as_mailbox,
                subject: &lure,
                recipients: &recipients,
                client_info,
                session: &session,
            },
        );
    }
    Played {
        description: format!(
            "attacker at {attacker} sends {count} lures from {}'s mailbox within {} minutes ({} Send, {} SendAs, {} SendOnBehalf)",
            victim.upn,
            span / 60 + 1,
            kinds[0],
            kinds[1],
            kinds[2]
        ),
        entities: vec![user_entity(&victim.upn), ip_entity(attacker)],
        must_fire: vec![Need::on("bulk_send", &[Source::Ual])],
        must_not_fire: Vec::new(),
    }
}

/// A recipient: a colleague, or someone at a partner.
fn recipient(rng: &mut impl RngExt, tenant: &crate::tenant::Tenant) -> String {
    if rng.random_bool(0.5) {
        if let Some(user) = tenant.users.choose(rng) {
            return user.upn.clone();
        }
    }
    format!(
        "contact{}@{}",
        rng.random_range(1..500),
        OUTSIDE_DOMAINS.choose(rng).unwrap_or(&OUTSIDE_DOMAINS[0])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use crate::scenarios::testing::play_alone;
    use std::collections::BTreeSet;

    #[test]
    fn more_than_fifty_sends_within_an_hour_from_one_address() {
        let mut kinds_seen = BTreeSet::new();
        for seed in 1..=10 {
            let (played, records) = play_alone(&SPEC, seed);
            let sends: Vec<_> = records
                .iter()
                .filter_map(|r| match &r.body {
                    Body::Audit(a) if a["RecordType"] == 2 => Some((r.time, a)),
                    _ => None,
                })
                .collect();
            assert!(sends.len() > 50, "seed {seed}: {}", sends.len());
            let first = sends.first().map(|s| s.0).expect("test data");
            let last = sends.last().map(|s| s.0).expect("test data");
            assert!(last - first < Duration::minutes(60));
            let ips: BTreeSet<String> = sends.iter().map(|s| s.1["ClientIP"].to_string()).collect();
            assert_eq!(ips.len(), 1);
            for (_, send) in &sends {
                let subject = send["Item"]["Subject"].as_str().expect("test data");
                assert!(!subject.starts_with("RE:") && !subject.starts_with("FW:"));
                kinds_seen.insert(send["Operation"].as_str().expect("test data").to_owned());
                if send["Operation"] == "SendAs" {
                    assert!(send["SendAsUserSmtp"].is_string());
                }
            }
            assert_eq!(played.must_fire[0].detection, "bulk_send");
        }
        assert!(kinds_seen.contains("SendAs") && kinds_seen.contains("SendOnBehalf"));
    }

    #[test]
    fn the_same_seed_plays_the_same_blast() {
        assert_eq!(play_alone(&SPEC, 9).1, play_alone(&SPEC, 9).1);
    }
}
