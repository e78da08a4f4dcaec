//! `bulk_mailbox_migration`: a migration script changes dozens of mailboxes in minutes.
//!
//! The seeds' false positive for `Set-Mailbox` in bulk: during a tenant consolidation the
//! migration service account runs `Set-Mailbox` over dozens of mailboxes: retention, quotas,
//! litigation hold and auditing, and for the mailboxes being consolidated, forwarding (with
//! a copy kept) to their address in the tenant's mail routing domain
//! (`<tenant>.mail.onmicrosoft.com`). A deployment lists the tenant's accepted domains
//! (`tenant_domains`, routing domain included) and the migration account
//! (`service_accounts`); without them the run is a bulk forwarding change out of the tenant,
//! which `inbox_rule_exfiltration` reports.

use super::{Played, ScenarioSpec, local_hours, note, user_entity};
use crate::scene::Scene;
use crate::truth::ScenarioKind;
use crate::ual::{Context, spell_ip};
use chrono::Duration;
use rand::RngExt;
use rand::seq::{IndexedRandom, SliceRandom};

/// The scenario id.
pub const ID: &str = "bulk_mailbox_migration";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Lookalike,
    technique: None,
    play,
};

/// The service account's local part.
pub const SERVICE_ACCOUNT: &str = "migration-svc";

/// Settings the script applies, one or two per mailbox besides forwarding.
const SETTINGS: &[(&str, &str)] = &[
    ("RetentionPolicy", "Default MRM Policy"),
    ("LitigationHoldEnabled", "True"),
    ("IssueWarningQuota", "98 GB (105,226,698,752 bytes)"),
    ("ProhibitSendQuota", "99 GB (106,300,440,576 bytes)"),
    ("AuditEnabled", "True"),
    ("SingleItemRecoveryEnabled", "True"),
];

/// The tenant's mail routing domain for `onmicrosoft` (`x.onmicrosoft.com`).
pub fn routing_domain(onmicrosoft: &str) -> String {
    onmicrosoft.replacen(".onmicrosoft.com", ".mail.onmicrosoft.com", 1)
}

/// Plays the script's run.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let service = tenant.service_account(&mut scene.rng, SERVICE_ACCOUNT, "Migration Service");
    let onmicrosoft = tenant.onmicrosoft();
    let routing = routing_domain(&onmicrosoft);
    note(&mut scene.facts.tenant_domains, &onmicrosoft);
    note(&mut scene.facts.tenant_domains, &routing);
    note(&mut scene.facts.service_accounts, &service.upn);
    let rng = &mut scene.rng;
    let mut mailboxes: Vec<&crate::tenant::User> = tenant.users.iter().collect();
    mailboxes.shuffle(rng);
    mailboxes.truncate(rng.random_range(25..=45));
    let mut time = local_hours(rng, scene.day, &service.home, 18, 20);
    let mut forwarded = 0;
    for mailbox in &mailboxes {
        let local = mailbox.upn.split('@').next().unwrap_or_default();
        let mut parameters = vec![("Identity", mailbox.upn.clone())];
        for _ in 0..rng.random_range(1..=2) {
            let (name, value) = *SETTINGS.choose(rng).unwrap_or(&SETTINGS[0]);
            if !parameters.iter().any(|(known, _)| *known == name) {
                parameters.push((name, value.to_owned()));
            }
        }
        if rng.random_bool(0.4) {
            parameters.push(("ForwardingSmtpAddress", format!("smtp:{local}@{routing}")));
            parameters.push(("DeliverToMailboxAndForward", "True".to_owned()));
            forwarded += 1;
        }
        let ip = spell_ip(rng, service.office_ip);
        context.cmdlet(
            rng,
            scene.out,
            time,
            "Set-Mailbox",
            &service,
            &ip,
            local,
            &parameters,
        );
        time += Duration::seconds(rng.random_range(4..30));
    }
    Played {
        description: format!(
            "{} runs Set-Mailbox over {} mailboxes, {forwarded} forwarding to {routing}",
            service.upn,
            mailboxes.len()
        ),
        entities: vec![user_entity(&service.upn)],
        must_fire: Vec::new(),
        must_not_fire: vec!["inbox_rule_exfiltration"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::harness::{assert_silent, play_alone, rescan, validate_alone};

    #[test]
    fn dozens_of_mailboxes_change_within_minutes() {
        for seed in 1..=10 {
            let alone = play_alone(&SPEC, seed, 60);
            let routing = routing_domain(&alone.tenant.onmicrosoft());
            assert!(alone.facts.tenant_domains.contains(&routing));
            let times: Vec<_> = alone.records.iter().map(|r| r.time).collect();
            assert!((25..=45).contains(&times.len()));
            let span = *times.last().expect("records") - times[0];
            assert!(span <= Duration::minutes(25), "seed {seed}: {span}");
            let mut forwarding = 0;
            for audit in alone.audits() {
                assert_eq!(audit["Operation"], "Set-Mailbox");
                let text = audit["Parameters"].to_string();
                if text.contains("ForwardingSmtpAddress") {
                    assert!(text.contains(&routing));
                    forwarding += 1;
                }
            }
            assert!(forwarding >= 3, "seed {seed}: {forwarding}");
        }
    }

    #[test]
    fn inbox_rule_exfiltration_stays_silent() {
        assert_silent(ID, 1..=5);
    }

    #[test]
    fn without_the_accepted_domains_and_the_account_it_is_a_bulk_forwarding_run() {
        for seed in 1..=5 {
            let validation = validate_alone(ID, seed);
            let mut facts = validation.simulation.truth.facts.clone();
            facts.service_accounts.clear();
            facts.tenant_domains.truncate(1);
            let fired = rescan(&validation, ID, facts.engine_config());
            assert!(
                fired
                    .iter()
                    .any(|f| f.detection == "inbox_rule_exfiltration"),
                "seed {seed}: {fired:#?}"
            );
        }
    }
}
