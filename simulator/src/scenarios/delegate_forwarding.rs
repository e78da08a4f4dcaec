//! `delegate_forwarding`: an executive's mail is forwarded to their assistant.
//!
//! The seeds' false positive for the forwarding-parameter match: an executive creates a
//! `ForwardTo` rule copying their mail to their assistant, and an administrator sets
//! mailbox forwarding (`Set-Mailbox -ForwardingSmtpAddress`, keeping a copy) to the same
//! assistant. Both destinations are inside the tenant (`tenant_domains`), and nothing is
//! deleted or hidden, so `inbox_rule_exfiltration` must stay silent; were the tenant's
//! domain not known as its own, both would be forwarding out.

use super::{Played, ScenarioSpec, local_hours, user_entity};
use crate::scene::Scene;
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use crate::ual::{Context, spell_ip};
use chrono::Duration;
use rand::RngExt;

/// The scenario id.
pub const ID: &str = "delegate_forwarding";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// Plays the delegation being set up.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let executive = scene.claim_user(|u| u.role == Role::Executive);
    let assistant = scene.claim_user(|u| u.role == Role::Staff && u.home == executive.home);
    let admin = scene.claim_user(|u| u.role == Role::ItAdmin);
    let rng = &mut scene.rng;
    let local = executive.upn.split('@').next().unwrap_or_default();
    let first_name = assistant.name.split(' ').next().unwrap_or("assistant");
    let name = format!("Copy to {first_name}");
    let time = local_hours(rng, scene.day, &executive.home, 9, 16);
    let ip = spell_ip(rng, executive.office_ip);
    let rule = [
        ("AlwaysDeleteOutlookRulesBlob", "False".to_owned()),
        ("Force", "False".to_owned()),
        ("Name", name.clone()),
        ("SentTo", executive.upn.clone()),
        ("ForwardTo", assistant.upn.clone()),
        ("StopProcessingRules", "False".to_owned()),
    ];
    let object = format!("{}\\{local}\\{name}", tenant.onmicrosoft());
    context.cmdlet(
        rng,
        scene.out,
        time,
        "New-InboxRule",
        &executive,
        &ip,
        &object,
        &rule,
    );
    // The helpdesk sets mailbox forwarding for the out-of-office weeks.
    let later = time + Duration::seconds(rng.random_range(600..7200));
    let admin_ip = spell_ip(rng, admin.office_ip);
    let forwarding = [
        ("Identity", executive.upn.clone()),
        ("ForwardingSmtpAddress", format!("smtp:{}", assistant.upn)),
        ("DeliverToMailboxAndForward", "True".to_owned()),
    ];
    context.cmdlet(
        rng,
        scene.out,
        later,
        "Set-Mailbox",
        &admin,
        &admin_ip,
        local,
        &forwarding,
    );
    Played {
        description: format!(
            "{} forwards mail to assistant {}, by rule and by mailbox forwarding set by {}",
            executive.upn, assistant.upn, admin.upn
        ),
        entities: vec![
            user_entity(&executive.upn),
            user_entity(&assistant.upn),
            user_entity(&admin.upn),
        ],
        must_fire: Vec::new(),
        must_not_fire: vec!["inbox_rule_exfiltration"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::harness::{assert_silent, play_alone, rescan, validate_alone};

    #[test]
    fn both_forwardings_name_the_assistant_inside_the_tenant() {
        for seed in 1..=10 {
            let alone = play_alone(&SPEC, seed, 50);
            let assistant = &alone.played.entities[1].value;
            assert!(assistant.ends_with(&format!("@{}", alone.tenant.domain)));
            let audits = alone.audits();
            let operations: Vec<&str> = audits
                .iter()
                .filter_map(|a| a["Operation"].as_str())
                .collect();
            assert_eq!(operations, vec!["New-InboxRule", "Set-Mailbox"]);
            for audit in audits {
                let text = audit["Parameters"].to_string();
                assert!(text.contains(assistant.as_str()), "seed {seed}: {text}");
                assert!(!text.contains("DeleteMessage") && !text.contains("MarkAsRead"));
            }
        }
    }

    #[test]
    fn inbox_rule_exfiltration_stays_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn if_the_tenant_domain_were_foreign_both_would_forward_out() {
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut facts = validation.simulation.truth.facts.clone();
            facts.tenant_domains = vec!["partner.example".into()];
            let fired = rescan(&validation, ID, facts.engine_config());
            let rules = fired
                .iter()
                .filter(|f| f.detection == "inbox_rule_exfiltration")
                .count();
            assert_eq!(rules, 2, "seed {seed}: {fired:#?}");
        }
    }
}
