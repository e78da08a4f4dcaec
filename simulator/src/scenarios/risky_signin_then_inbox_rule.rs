//! `risky_signin_then_inbox_rule`: the canonical takeover of the seeds' EQL sequence, a risky
//! sign-in to mail followed within hours by an inbox rule that forwards or hides mail.
//!
//! Credentials phished through an adversary-in-the-middle kit are replayed from a local exit:
//! Entra ID Identity Protection rates the successful sign-in to Exchange Online risky
//! (`riskLevelDuringSignIn` medium or high, `riskState` `atRisk`, with the risk events that
//! raised it), and the audit log records the logon. Later the same account creates a rule
//! (`New-InboxRule`) or rewrites an existing one (`Set-InboxRule`) that forwards mail to an
//! outside drop box, or files and marks as read mail about payments or about the compromise
//! itself, or deletes security notices.
//!
//! **Parameters** (from the scene's generator):
//! - the sign-in: working hours, from a residential proxy near the victim's office (so it is
//!   not impossible travel), risk medium or high with one or two risk event types;
//! - the delay to the rule: 3 minutes to 3 h 50 min (always within the four hours);
//! - the rule's address: the sign-in's on most runs, another proxy address on the others;
//! - the cmdlet: `New-InboxRule` or `Set-InboxRule -Identity`;
//! - the rule: forward (`ForwardTo`, `ForwardAsAttachmentTo`, `RedirectTo`) outside, hide
//!   (`MoveToFolder` RSS Feeds / Conversation History with `MarkAsRead`, on payment
//!   keywords), or delete (`DeleteMessage` on security keywords).
//!
//! Must fire `risky_signin_then_inbox_rule` (sign-in log and audit log) and
//! `inbox_rule_exfiltration` (audit log), which judges every such rule on its own.

use super::{Need, Played, ScenarioSpec, ip_entity, user_entity, working_hours};
use crate::geo;
use crate::ids;
use crate::record::{Detail, Source};
use crate::scene::Scene;
use crate::signin;
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use crate::ual::Context;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "risky_signin_then_inbox_rule";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1586.002"),
    play,
};

const RISK_EVENTS: &[&str] = &[
    "unfamiliarFeatures",
    "anonymizedIPAddress",
    "maliciousIPAddress",
    "suspiciousBrowser",
];
const DROP_DOMAINS: &[&str] = &[
    "proton-mail.example",
    "gmx-box.example",
    "mail-drop.example",
];
const RULE_NAMES: &[&str] = &[".", "..", "a", "RSS", "Junk filter", "Sync"];
const BROWSER_UA: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36";

/// What the attacker's rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Forward,
    Hide,
    Delete,
}

/// Plays the sign-in and the rule.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let victim = scene.claim_user(|user| matches!(user.role, Role::Finance | Role::Executive));
    let rng = &mut scene.rng;
    let proxy = ids::ip_in(rng, [203, 0, 113]);
    let place = *geo::near(&victim.home).choose(rng).unwrap_or(&victim.home);
    let sign_in_time = working_hours(rng, scene.day);
    let delay = Duration::seconds(rng.random_range(3 * 60..230 * 60));
    let rule_time = sign_in_time + delay;

    let mut sign_in = signin::sign_in(rng, &victim, sign_in_time, &proxy.to_string(), &place);
    let level = if rng.random_bool(0.5) {
        "high"
    } else {
        "medium"
    };
    sign_in.risk_level_during_sign_in = level.into();
    sign_in.risk_level_aggregated = level.into();
    sign_in.risk_state = "atRisk".into();
    sign_in.user_agent = BROWSER_UA.into();
    sign_in.device_detail.operating_system = "MacOs".into();
    sign_in.device_detail.browser = "Chrome 123.0.0".into();
    let first_event = *RISK_EVENTS.choose(rng).unwrap_or(&RISK_EVENTS[0]);
    sign_in.risk_event_types_v2 = vec![first_event.into()];
    if rng.random_bool(0.4) {
        let second = *RISK_EVENTS.choose(rng).unwrap_or(&RISK_EVENTS[0]);
        if second != first_event {
            sign_in.risk_event_types_v2.push(second.into());
        }
    }
    signin::emit(scene.out, sign_in_time, sign_in);
    context.user_logged_in(
        rng,
        scene.out,
        sign_in_time,
        &victim,
        &proxy.to_string(),
        BROWSER_UA,
    );

    let rule_ip = if rng.random_bool(0.75) {
        proxy
    } else {
        ids::ip_in(rng, [203, 0, 113])
    };
    let action = *[Action::Forward, Action::Hide, Action::Delete]
        .choose(rng)
        .unwrap_or(&Action::Forward);
    let name = *RULE_NAMES.choose(rng).unwrap_or(&".");
    let local = victim.upn.split('@').next().unwrap_or_default();
    let set = rng.random_bool(0.35);
    let mut parameters = Vec::new();
    if set {
        parameters.push(("Identity", format!("{}\\{name}", victim.upn)));
    } else {
        parameters.push(("AlwaysDeleteOutlookRulesBlob", "False".to_owned()));
        parameters.push(("Force", "False".to_owned()));
        parameters.push(("Name", name.to_owned()));
    }
    match action {
        Action::Forward => {
            let drop = format!(
                "{}{}@{}",
                local.replace('.', ""),
                rng.random_range(1..99),
                DROP_DOMAINS.choose(rng).unwrap_or(&DROP_DOMAINS[0])
            );
            let how = *["ForwardTo", "ForwardAsAttachmentTo", "RedirectTo"]
                .choose(rng)
                .unwrap_or(&"ForwardTo");
            parameters.push((how, drop));
        }
        Action::Hide => {
            parameters.push((
                "SubjectOrBodyContainsWords",
                "invoice;payment;wire;bank details".to_owned(),
            ));
            let folder = *["RSS Feeds", "Conversation History"]
                .choose(rng)
                .unwrap_or(&"RSS Feeds");
            parameters.push(("MoveToFolder", folder.to_owned()));
            parameters.push(("MarkAsRead", "True".to_owned()));
        }
        Action::Delete => {
            parameters.push((
                "SubjectContainsWords",
                "suspicious;phishing;hacked;compromised;unusual sign-in".to_owned(),
            ));
            parameters.push(("DeleteMessage", "True".to_owned()));
        }
    }
    parameters.push(("StopProcessingRules", "True".to_owned()));
    let cmdlet = if set {
        "Set-InboxRule"
    } else {
        "New-InboxRule"
    };
    let object = format!("{}\\{local}\\{name}", tenant.onmicrosoft());
    let client_ip = format!("{rule_ip}:{}", rng.random_range(49152..65535));
    context.cmdlet(
        rng,
        scene.out,
        rule_time,
        cmdlet,
        &victim,
        &client_ip,
        &object,
        &parameters,
    );
    Played {
        description: format!(
            "{level}-risk sign-in of {} from {proxy} ({}), then {cmdlet} \"{name}\" ({action:?}) {} minutes later from {rule_ip}",
            victim.upn,
            place.city,
            delay.num_minutes()
        ),
        entities: vec![user_entity(&victim.upn), ip_entity(proxy)],
        must_fire: vec![
            // Only a sign-in export that carries the risk shows what made it risky.
            Need {
                detection: "risky_signin_then_inbox_rule",
                sources: &[Source::Signin, Source::Ual],
                details: &[Detail::Risk],
            },
            Need::on("inbox_rule_exfiltration", &[Source::Ual]),
        ],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use crate::scenarios::testing::play_alone;
    use std::collections::BTreeSet;

    #[test]
    fn a_risky_sign_in_then_a_rule_within_four_hours() {
        let mut cmdlets = BTreeSet::new();
        for seed in 1..=15 {
            let (played, records) = play_alone(&SPEC, seed);
            let sign_in = records
                .iter()
                .find_map(|r| match &r.body {
                    Body::SignIn(s) => Some((r.time, s)),
                    _ => None,
                })
                .expect("test data");
            assert_eq!(sign_in.1.status.error_code, 0);
            assert_eq!(sign_in.1.risk_state, "atRisk");
            assert!(["medium", "high"].contains(&sign_in.1.risk_level_during_sign_in.as_str()));
            assert!(!sign_in.1.risk_event_types_v2.is_empty());
            let rule = records
                .iter()
                .find_map(|r| match &r.body {
                    Body::Audit(a) if a["RecordType"] == 1 => Some((r.time, a)),
                    _ => None,
                })
                .expect("test data");
            assert!(rule.0 > sign_in.0 && rule.0 - sign_in.0 < Duration::hours(4));
            let names: Vec<&str> = rule.1["Parameters"]
                .as_array()
                .expect("test data")
                .iter()
                .map(|p| p["Name"].as_str().expect("test data"))
                .collect();
            assert!(
                names.iter().any(|n| [
                    "ForwardTo",
                    "ForwardAsAttachmentTo",
                    "RedirectTo",
                    "MarkAsRead",
                    "DeleteMessage"
                ]
                .contains(n)),
                "{names:?}"
            );
            cmdlets.insert(rule.1["Operation"].as_str().expect("test data").to_owned());
            assert_eq!(played.must_fire.len(), 2);
        }
        assert_eq!(cmdlets.len(), 2, "both cmdlets over the seeds");
    }

    #[test]
    fn the_same_seed_plays_the_same_takeover() {
        assert_eq!(play_alone(&SPEC, 2).1, play_alone(&SPEC, 2).1);
    }
}
