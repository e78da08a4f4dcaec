//! `inbox_rule_creation`: the seeds' Atomic test 1 for T1586.002.
//!
//! An attacker signs in to a user's mailbox from outside infrastructure and creates an inbox
//! rule forwarding mail to an outside address (`New-InboxRule -ForwardTo`), often with a
//! degenerate name, keyword conditions and mark-as-read to hide the traffic. The audit log
//! records `New-InboxRule` with `ForwardTo` in `Parameters` and the attacker's `ClientIP`.

use super::{Need, Played, ScenarioSpec, ip_entity, local_hours, user_entity};
use crate::ids;
use crate::record::Source;
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::ual::Context;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "inbox_rule_creation";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1586.002"),
    play,
};

const RULE_NAMES: &[&str] = &[".", "..", ",", "Sync", "RSS"];
const DROP_DOMAINS: &[&str] = &[
    "proton-mail.example",
    "outlook-mail.example",
    "gmx-box.example",
];
const PYTHON_UA: &str = "python-requests/2.31.0";

/// Plays the attack against one user.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let victim = scene.claim_user(|_| true);
    let rng = &mut scene.rng;
    let attacker_ip = ids::ip_in(rng, [203, 0, 113]);
    let sign_in = local_hours(rng, scene.day, &victim.home, 8, 18);
    let rule_time = sign_in + Duration::seconds(rng.random_range(60..1800));
    let local = victim.upn.split('@').next().unwrap_or_default();
    let name = *RULE_NAMES.choose(rng).unwrap_or(&".");
    let drop = format!(
        "{}.{}@{}",
        local.replace('.', ""),
        rng.random_range(10..99),
        DROP_DOMAINS.choose(rng).unwrap_or(&DROP_DOMAINS[0])
    );
    let mut parameters = vec![
        ("AlwaysDeleteOutlookRulesBlob", "False".to_owned()),
        ("Force", "False".to_owned()),
        ("Name", name.to_owned()),
        ("ForwardTo", drop.clone()),
    ];
    if rng.random_bool(0.5) {
        parameters.push((
            "SubjectOrBodyContainsWords",
            "invoice;payment;wire".to_owned(),
        ));
    }
    if rng.random_bool(0.5) {
        parameters.push(("MarkAsRead", "True".to_owned()));
    }
    parameters.push(("StopProcessingRules", "True".to_owned()));
    let client_ip = format!("{attacker_ip}:{}", rng.random_range(49152..65535));
    context.user_logged_in(
        rng,
        scene.out,
        sign_in,
        &victim,
        &attacker_ip.to_string(),
        PYTHON_UA,
    );
    let object = format!("{}\\{local}\\{name}", tenant.onmicrosoft());
    context.cmdlet(
        rng,
        scene.out,
        rule_time,
        "New-InboxRule",
        &victim,
        &client_ip,
        &object,
        &parameters,
    );
    Played {
        description: format!(
            "attacker at {attacker_ip} creates inbox rule \"{name}\" in {}'s mailbox forwarding to {drop}",
            victim.upn
        ),
        entities: vec![user_entity(&victim.upn), ip_entity(attacker_ip)],
        must_fire: vec![Need::on("inbox_rule_exfiltration", &[Source::Ual])],
        must_not_fire: Vec::new(),
    }
}
