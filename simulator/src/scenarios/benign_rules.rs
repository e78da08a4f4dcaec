//! `benign_inbox_rules`: users file newsletters and receipts into folders.
//!
//! These rules move mail and stop processing, as ordinary users' rules do; they neither
//! forward, redirect, delete nor mark as read, so `inbox_rule_exfiltration` must stay silent.

use super::{rfc3339, working_hours};
use crate::UAL_FILE;
use crate::tenant::Tenant;
use crate::truth::{Expectation, ScenarioKind, ScenarioTruth, TruthEntity};
use crate::ual::{AuditLog, Context, spell_ip};
use chrono::{DateTime, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "benign_inbox_rules";

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
pub fn play(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    day: DateTime<Utc>,
    log: &mut AuditLog,
) -> ScenarioTruth {
    let context = Context { tenant };
    let count = rng.random_range(2..=3).min(tenant.users.len());
    let users: Vec<_> = tenant.users.sample(rng, count).cloned().collect();
    let mut records = Vec::new();
    let mut times = Vec::new();
    for user in &users {
        let (name, condition, value) = *RULES.choose(rng).unwrap_or(&RULES[0]);
        let time = working_hours(rng, day);
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
        records.push(context.cmdlet(
            rng,
            log,
            time,
            "New-InboxRule",
            user,
            &ip,
            &object,
            &parameters,
        ));
        times.push(time);
    }
    times.sort();
    ScenarioTruth {
        id: ID.into(),
        kind: ScenarioKind::Lookalike,
        technique: None,
        description: "users create inbox rules that file newsletters and receipts into folders"
            .into(),
        entities: users
            .iter()
            .map(|u| TruthEntity {
                kind: "user".into(),
                value: u.upn.clone(),
            })
            .collect(),
        first_seen: times.first().map(|t| rfc3339(*t)).unwrap_or_default(),
        last_seen: times.last().map(|t| rfc3339(*t)).unwrap_or_default(),
        sources: vec![UAL_FILE.into()],
        records,
        expect: Expectation {
            must_fire: Vec::new(),
            must_not_fire: vec!["inbox_rule_exfiltration".into()],
        },
    }
}
