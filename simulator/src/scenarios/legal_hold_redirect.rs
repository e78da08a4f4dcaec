//! `legal_hold_redirect`: the eDiscovery service account redirects custodians' mail to the
//! legal-hold vault.
//!
//! The seeds' third false positive for inbox-rule manipulation: a compliance workflow
//! creates `RedirectTo` rules (`New-InboxRule -Mailbox custodian -RedirectTo vault`) on the
//! mailboxes of a litigation's custodians, within minutes, sending copies to the outside
//! e-discovery vendor's vault. The compliance team registers its service account
//! (`service_accounts`, the detection's `allow_actors`) and the vault's domain
//! (`allowed_destinations`); without them these are redirections out of the tenant, and
//! `inbox_rule_exfiltration` fires on each.

use super::{Played, ScenarioSpec, local_hours, note, user_entity};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::ual::{Context, spell_ip};
use chrono::Duration;
use rand::RngExt;

/// The scenario id.
pub const ID: &str = "legal_hold_redirect";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// The e-discovery vendor's vault domain.
pub const VAULT_DOMAIN: &str = "vault.lexarchive.example";
/// The service account's local part.
pub const SERVICE_ACCOUNT: &str = "ediscovery-svc";

/// Plays the hold being placed.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let count = scene.rng.random_range(3..=6usize);
    let custodians = scene.claim_users(count, |_| true);
    let service = tenant.service_account(&mut scene.rng, SERVICE_ACCOUNT, "eDiscovery Service");
    note(&mut scene.facts.service_accounts, &service.upn);
    note(&mut scene.facts.allowed_destinations, VAULT_DOMAIN);
    let rng = &mut scene.rng;
    let matter = format!("Matter {}-{:04}", 2025, rng.random_range(100..9999));
    let vault = format!("hold-intake@{VAULT_DOMAIN}");
    let mut time = local_hours(rng, scene.day, &service.home, 10, 16);
    for custodian in &custodians {
        let local = custodian.upn.split('@').next().unwrap_or_default();
        let name = format!("Legal hold - {matter}");
        let parameters = [
            ("AlwaysDeleteOutlookRulesBlob", "False".to_owned()),
            ("Force", "True".to_owned()),
            ("Mailbox", custodian.upn.clone()),
            ("Name", name.clone()),
            ("RedirectTo", vault.clone()),
            ("StopProcessingRules", "False".to_owned()),
        ];
        let ip = spell_ip(rng, service.office_ip);
        let object = format!("{}\\{local}\\{name}", tenant.onmicrosoft());
        context.cmdlet(
            rng,
            scene.out,
            time,
            "New-InboxRule",
            &service,
            &ip,
            &object,
            &parameters,
        );
        time += Duration::seconds(rng.random_range(20..180));
    }
    let mut entities = vec![user_entity(&service.upn)];
    entities.extend(custodians.iter().map(|c| user_entity(&c.upn)));
    Played {
        description: format!(
            "{} redirects {} custodians' mail to the legal-hold vault {vault} ({matter})",
            service.upn,
            custodians.len()
        ),
        entities,
        must_fire: Vec::new(),
        must_not_fire: vec!["inbox_rule_exfiltration"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::harness::{assert_silent, play_alone, rescan, validate_alone};

    #[test]
    fn the_service_account_redirects_each_custodian_to_the_vault() {
        for seed in 1..=10 {
            let alone = play_alone(&SPEC, seed, 50);
            let service = format!("{SERVICE_ACCOUNT}@{}", alone.tenant.domain);
            assert_eq!(alone.facts.service_accounts, vec![service.clone()]);
            assert_eq!(
                alone.facts.allowed_destinations,
                vec![VAULT_DOMAIN.to_owned()]
            );
            let audits = alone.audits();
            assert!((3..=6).contains(&audits.len()));
            let mut mailboxes = std::collections::BTreeSet::new();
            for audit in audits {
                assert_eq!(audit["Operation"], "New-InboxRule");
                assert_eq!(audit["UserId"], service.as_str());
                let parameters = audit["Parameters"].as_array().expect("parameters");
                let value = |name: &str| {
                    parameters
                        .iter()
                        .find(|p| p["Name"] == name)
                        .and_then(|p| p["Value"].as_str())
                        .map(str::to_owned)
                };
                assert!(
                    value("RedirectTo")
                        .expect("redirect")
                        .ends_with(VAULT_DOMAIN)
                );
                mailboxes.insert(value("Mailbox").expect("a custodian"));
            }
            assert_eq!(mailboxes.len(), alone.played.entities.len() - 1);
        }
    }

    #[test]
    fn inbox_rule_exfiltration_stays_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn without_the_sanctioned_account_and_vault_every_redirect_fires() {
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut facts = validation.simulation.truth.facts.clone();
            facts.service_accounts.clear();
            facts.allowed_destinations.clear();
            let fired = rescan(&validation, ID, facts.engine_config());
            let custodians = validation.simulation.truth.scenarios[0].entities.len() - 1;
            let rules = fired
                .iter()
                .filter(|f| f.detection == "inbox_rule_exfiltration")
                .count();
            assert_eq!(rules, custodians, "seed {seed}: {fired:#?}");
        }
    }
}
