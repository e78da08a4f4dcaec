//! `inbox_rule_exfiltration`: an inbox rule that forwards, redirects, deletes or hides mail.
//!
//! **What.** `New-InboxRule` or `Set-InboxRule` whose parameters include `ForwardTo`,
//! `ForwardAsAttachmentTo` or `RedirectTo` (with a recipient), or `DeleteMessage` /
//! `MarkAsRead` set to true. Parameter names match exactly, in any case; a flag written as
//! `False` does not count (the seed query's substring match would fire on it).
//!
//! **Why.** After taking over a mailbox, attackers forward mail out for persistent collection
//! (T1114.003) and hide the owner's view of replies and security notices (T1564.008). The
//! rule survives a password reset.
//!
//! **Fields.** `MailboxRule` events: operation, rule name, recipients, flags, folder,
//! conditions; the actor and client IP.
//!
//! **Severity.** High when a recipient is outside the tenant's domains
//! (`tenant_domains`, or the actor's own domain when none are configured); medium when the
//! rule only deletes or marks as read; low when it only forwards inside the tenant. Each rule
//! change is its own episode: one finding per record.
//!
//! **Known false positives.** Forwarding to a delegate inside the tenant (graded low);
//! eDiscovery / legal-hold redirects by service accounts.

use super::{Detector, RESOURCE_DEVELOPMENT, T1586_002};
use crate::config::{EngineConfig, domain_within};
use crate::event::{Event, EventKind, MailboxRule};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use serde_json::json;

/// The stable id.
pub const ID: &str = "inbox_rule_exfiltration";

/// The detector.
#[derive(Debug, Clone)]
pub struct InboxRuleExfiltration {
    config: EngineConfig,
}

impl InboxRuleExfiltration {
    /// A detector with the tenant's domains from `config`.
    pub fn new(config: &EngineConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }
}

/// What a rule change does that this detection reports: where it sends mail, which of those
/// recipients leave the tenant, and whether it hides mail. Shared with the detections that
/// need the same verdict on a rule (`risky_signin_then_inbox_rule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exfiltration<'r> {
    /// Every forwarding or redirect recipient, in parameter order.
    pub destinations: Vec<&'r str>,
    /// The recipients outside the tenant.
    pub external: Vec<&'r str>,
    /// The rule deletes mail or marks it as read.
    pub hides: bool,
}

impl Exfiltration<'_> {
    /// True when all the rule does is forward inside the tenant (graded low here).
    pub fn internal_only(&self) -> bool {
        self.external.is_empty() && !self.hides
    }
}

/// The verdict on one rule change made by `actor`: `None` when the rule neither forwards,
/// redirects, deletes nor marks as read.
pub fn assess<'r>(
    config: &EngineConfig,
    actor: Option<&str>,
    rule: &'r MailboxRule,
) -> Option<Exfiltration<'r>> {
    let destinations: Vec<&str> = rule.destinations().collect();
    let hides = rule.delete_message || rule.mark_as_read;
    if destinations.is_empty() && !hides {
        return None;
    }
    let external = destinations
        .iter()
        .copied()
        .filter(|address| is_external(config, address, actor))
        .collect();
    Some(Exfiltration {
        destinations,
        external,
        hides,
    })
}

/// True when `address` leaves the tenant (`tenant_domains`, or the actor's own domain when
/// none are configured). Recipients that are not SMTP addresses (display names, Exchange DNs)
/// resolve inside the tenant and are not external.
fn is_external(config: &EngineConfig, address: &str, actor: Option<&str>) -> bool {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    if !config.tenant_domains.is_empty() {
        return !config.is_tenant_domain(domain);
    }
    match actor.and_then(|user| user.rsplit_once('@')) {
        Some((_, own)) => !domain_within(domain, own),
        None => true,
    }
}

impl Detector for InboxRuleExfiltration {
    fn id(&self) -> &'static str {
        ID
    }

    fn observe_late(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.observe(event, findings);
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        let EventKind::MailboxRule(rule) = &event.kind else {
            return;
        };
        let user = event.user.as_deref();
        let Some(Exfiltration {
            destinations,
            external,
            hides,
        }) = assess(&self.config, user, rule)
        else {
            return;
        };
        let (severity, confidence) = if !external.is_empty() {
            (Severity::High, Confidence::High)
        } else if hides {
            (Severity::Medium, Confidence::Medium)
        } else {
            (Severity::Low, Confidence::Low)
        };
        let actor = user.unwrap_or("unknown user").to_owned();
        findings.push(Finding {
            id: format!("{ID}/{actor}/{}", event.record_id),
            detection: ID.into(),
            technique: T1586_002.into(),
            tactic: RESOURCE_DEVELOPMENT.into(),
            severity,
            confidence,
            entity: Entity {
                kind: EntityKind::User,
                value: actor.clone(),
            },
            first_seen: event.time,
            last_seen: event.time,
            summary: summary(&actor, rule, &destinations, &external),
            evidence: vec![event.record_id.clone()],
            details: json!({
                "operation": rule.operation.map(|op| op.as_str()),
                "rule_name": rule.name,
                "actions": actions(rule),
                "destinations": destinations,
                "external_destinations": external,
                "move_to_folder": rule.move_to_folder,
                "stop_processing_rules": rule.stop_processing_rules,
                "conditions": rule.conditions.iter()
                    .map(|(name, value)| json!({"name": name, "value": value}))
                    .collect::<Vec<_>>(),
                "client_ip": event.ip.map(|ip| ip.to_string()),
                "related_techniques": related_techniques(rule),
            }),
        });
    }
}

/// What the rule does in ATT&CK terms, beyond the account compromise it reveals:
/// forwarding is T1114.003 (Email Forwarding Rule), deleting or hiding is T1564.008
/// (Email Hiding Rules).
fn related_techniques(rule: &MailboxRule) -> Vec<&'static str> {
    let mut techniques = Vec::new();
    if rule.destinations().next().is_some() {
        techniques.push("T1114.003");
    }
    if rule.delete_message || rule.mark_as_read {
        techniques.push("T1564.008");
    }
    techniques
}

/// The rule's suspicious actions by parameter name.
pub fn actions(rule: &MailboxRule) -> Vec<&'static str> {
    let mut actions = Vec::new();
    if !rule.forward_to.is_empty() {
        actions.push("ForwardTo");
    }
    if !rule.forward_as_attachment_to.is_empty() {
        actions.push("ForwardAsAttachmentTo");
    }
    if !rule.redirect_to.is_empty() {
        actions.push("RedirectTo");
    }
    if rule.delete_message {
        actions.push("DeleteMessage");
    }
    if rule.mark_as_read {
        actions.push("MarkAsRead");
    }
    actions
}

fn summary(actor: &str, rule: &MailboxRule, destinations: &[&str], external: &[&str]) -> String {
    let verb = match rule.operation {
        Some(crate::event::RuleOperation::NewInboxRule) => "created",
        _ => "changed",
    };
    let name = rule.name.as_deref().unwrap_or("(unnamed)");
    let what = if !external.is_empty() {
        format!(
            "forwarding mail outside the tenant to {}",
            external.join(", ")
        )
    } else if !destinations.is_empty() {
        format!(
            "forwarding mail inside the tenant to {}",
            destinations.join(", ")
        )
    } else {
        format!("that {}", actions(rule).join(" and "))
    };
    format!("{actor} {verb} inbox rule \"{name}\" {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogSource, RuleOperation};
    use crate::time::Timestamp;

    fn rule_event(rule: MailboxRule) -> Event {
        Event {
            record_id: "r1".into(),
            time: Timestamp(1_741_079_702_000),
            user: Some("jdoe@contoso.com".into()),
            ip: "198.51.100.23".parse().ok(),
            source: LogSource::UnifiedAuditLog,
            kind: EventKind::MailboxRule(MailboxRule {
                operation: Some(RuleOperation::NewInboxRule),
                name: Some("x".into()),
                ..rule
            }),
        }
    }

    fn run(config: &EngineConfig, rule: MailboxRule) -> Vec<Finding> {
        let mut findings = Vec::new();
        InboxRuleExfiltration::new(config).observe(&rule_event(rule), &mut findings);
        findings
    }

    #[test]
    fn external_forward_is_high() {
        let findings = run(
            &EngineConfig::default(),
            MailboxRule {
                forward_to: vec!["attacker@evil.example".into()],
                ..MailboxRule::default()
            },
        );
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.entity.value, "jdoe@contoso.com");
        assert_eq!(finding.evidence, vec!["r1"]);
        assert_eq!(
            finding.details["external_destinations"][0],
            "attacker@evil.example"
        );
        assert!(
            finding.summary.contains("attacker@evil.example"),
            "{}",
            finding.summary
        );
    }

    #[test]
    fn tenant_domains_decide_what_is_external() {
        let config = EngineConfig {
            tenant_domains: vec!["contoso.com".into(), "fabrikam.com".into()],
            ..EngineConfig::default()
        };
        let findings = run(
            &config,
            MailboxRule {
                redirect_to: vec!["legal@fabrikam.com".into()],
                ..MailboxRule::default()
            },
        );
        assert_eq!(findings[0].severity, Severity::Low);
    }

    #[test]
    fn hiding_only_is_medium() {
        let findings = run(
            &EngineConfig::default(),
            MailboxRule {
                delete_message: true,
                ..MailboxRule::default()
            },
        );
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(findings[0].details["actions"][0], "DeleteMessage");
    }

    #[test]
    fn a_rule_that_only_moves_mail_is_not_a_finding() {
        let findings = run(
            &EngineConfig::default(),
            MailboxRule {
                move_to_folder: Some("Newsletters".into()),
                stop_processing_rules: true,
                ..MailboxRule::default()
            },
        );
        assert!(findings.is_empty());
    }
}
