//! `benign_inbox_rules`: users file newsletters and receipts into folders.
//!
//! These rules move mail and stop processing, as ordinary users' rules do; they neither
//! forward, redirect, delete nor mark as read, so `inbox_rule_exfiltration` must stay silent.

use super::{Played, ScenarioSpec, user_entity, working_hours};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::ual::{Context, spell_ip};
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "benign_inbox_rules";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

const RULES: &[(&str, &str, &str)] = &[
    ("Newsletters", "From", "newsletter@industry-weekly.example"),
    (
        "Receipts",
        "SubjectContainsWords",
        "receipt;order confirmation",
    ),
    ("Project updates", "FromAddressContainsWords", "jira@"),
    (
        "Conference",
        "SubjectOrBodyContainsWords",
        "webinar;conference",
    ),
];

/// Plays a few users creating harmless filing rules.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let count = scene.rng.random_range(2..=3usize);
    let users = scene.claim_users(count, |_| true);
    let rng = &mut scene.rng;
    for user in &users {
        let (name, condition, value) = *RULES.choose(rng).unwrap_or(&RULES[0]);
        let time = working_hours(rng, scene.day);
        let local = user.upn.split('@').next().unwrap_or_default();
        let ip = spell_ip(rng, user.office_ip);
        let parameters = [
            ("AlwaysDeleteOutlookRulesBlob", "False".to_owned()),
            ("Force", "False".to_owned()),
            ("Name", name.to_owned()),
            (condition, value.to_owned()),
            ("MoveToFolder", name.to_owned()),
            ("StopProcessingRules", "True".to_owned()),
        ];
        let object = format!("{}\\{local}\\{name}", tenant.onmicrosoft());
        context.cmdlet(
            rng,
            scene.out,
            time,
            "New-InboxRule",
            user,
            &ip,
            &object,
            &parameters,
        );
    }
    Played {
        description: "users create inbox rules that file newsletters and receipts into folders"
            .into(),
        entities: users.iter().map(|u| user_entity(&u.upn)).collect(),
        must_fire: Vec::new(),
        must_not_fire: vec!["inbox_rule_exfiltration"],
    }
}
