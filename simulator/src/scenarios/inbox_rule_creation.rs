//! `inbox_rule_creation`: the seeds' Atomic test 1 for T1586.002.
//!
//! An attacker signs in to a user's mailbox from outside infrastructure and creates an inbox
//! rule forwarding mail to an outside address (`New-InboxRule -ForwardTo`), often with a
//! degenerate name, keyword conditions and mark-as-read to hide the traffic. The audit log
//! records `New-InboxRule` with `ForwardTo` in `Parameters` and the attacker's `ClientIP`.

use super::{rfc3339, working_hours};
use crate::UAL_FILE;
use crate::ids;
use crate::tenant::Tenant;
use crate::truth::{Expectation, ScenarioKind, ScenarioTruth, TruthEntity};
use crate::ual::{AuditLog, Context};
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "inbox_rule_creation";

const RULE_NAMES: &[&str] = &[".", "..", ",", "Sync", "RSS"];
const DROP_DOMAINS: &[&str] = &[
    "proton-mail.example",
    "outlook-mail.example",
    "gmx-box.example",
];
const PYTHON_UA: &str = "python-requests/2.31.0";

/// Plays the attack against one user.
pub fn play(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    day: DateTime<Utc>,
    log: &mut AuditLog,
) -> ScenarioTruth {
    let context = Context { tenant };
    let victim = tenant.users.choose(rng).unwrap_or(&tenant.users[0]).clone();
    let attacker_ip = ids::ip_in(rng, [203, 0, 113]);
    let sign_in = working_hours(rng, day);
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
    let login = context.user_logged_in(
        rng,
        log,
        sign_in,
        &victim,
        &attacker_ip.to_string(),
        PYTHON_UA,
    );
    let object = format!("{}\\{local}\\{name}", tenant.onmicrosoft());
    let rule = context.cmdlet(
        rng,
        log,
        rule_time,
        "New-InboxRule",
        &victim,
        &client_ip,
        &object,
        &parameters,
    );
    ScenarioTruth {
        id: ID.into(),
        kind: ScenarioKind::Attack,
        technique: Some("T1586.002".into()),
        description: format!(
            "attacker at {attacker_ip} creates inbox rule \"{name}\" in {}'s mailbox forwarding to {drop}",
            victim.upn
        ),
        entities: vec![
            TruthEntity {
                kind: "user".into(),
                value: victim.upn.clone(),
            },
            TruthEntity {
                kind: "ip".into(),
                value: attacker_ip.to_string(),
            },
        ],
        first_seen: rfc3339(sign_in),
        last_seen: rfc3339(rule_time),
        sources: vec![UAL_FILE.into()],
        records: vec![login, rule],
        expect: Expectation {
            must_fire: vec!["inbox_rule_exfiltration".into()],
            must_not_fire: Vec::new(),
        },
    }
}
