//! Findings of `inbox_rule_exfiltration`: the sentence, the details and the grading.

use super::ID;
use super::assess::{Exfiltration, SEED_PARAMETERS, degenerate_name, seed_terms};
use super::episodes::{BulkWindow, Change};
use crate::config::Mode;
use crate::detect::{RESOURCE_DEVELOPMENT, T1586_002};
use crate::event::{MailboxRule, RuleOperation};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The rule's forwarding, deleting and read-marking actions by parameter name.
pub fn actions(rule: &MailboxRule) -> Vec<&'static str> {
    let mut actions = Vec::new();
    if !rule.forward_to.is_empty() {
        actions.push(if rule.operation == Some(RuleOperation::SetMailbox) {
            "ForwardingSmtpAddress"
        } else {
            "ForwardTo"
        });
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
    if rule.permanent_delete {
        actions.push("PermanentDelete");
    }
    if rule.mark_as_read {
        actions.push("MarkAsRead");
    }
    actions
}

/// What the rule does in ATT&CK terms beyond the account compromise it reveals: forwarding
/// is T1114.003 (Email Forwarding Rule), hiding or deleting is T1564.008 (Email Hiding Rules).
fn related_techniques(verdict: &Exfiltration<'_>) -> Vec<&'static str> {
    let mut techniques = Vec::new();
    if !verdict.destinations.is_empty() {
        techniques.push("T1114.003");
    }
    if verdict.hides {
        techniques.push("T1564.008");
    }
    techniques
}

fn confidence(severity: Severity) -> Confidence {
    match severity {
        Severity::Critical | Severity::High => Confidence::High,
        Severity::Medium => Confidence::Medium,
        Severity::Low | Severity::Informational => Confidence::Low,
    }
}

fn entity(actor: Option<&str>) -> Entity {
    Entity {
        kind: EntityKind::User,
        value: actor.unwrap_or("unknown user").to_owned(),
    }
}

/// The finding for one change (or several identical ones).
pub fn rule_finding(change: Change, verdict: &Exfiltration<'_>, severity: Severity) -> Finding {
    let rule = &change.rule;
    let actor = change.actor.as_deref();
    let mut actions = actions(rule);
    if verdict.hiding_folder.is_some() {
        actions.push("MoveToFolder");
    }
    if verdict.keeps_no_copy {
        actions.push("DeliverToMailboxAndForward:False");
    }
    Finding {
        id: format!(
            "{ID}/{}/{}",
            actor.unwrap_or("unknown user"),
            change.first_record
        ),
        detection: ID.into(),
        technique: T1586_002.into(),
        tactic: RESOURCE_DEVELOPMENT.into(),
        severity,
        confidence: confidence(severity),
        entity: entity(actor),
        first_seen: change.first,
        last_seen: change.last,
        summary: summary(actor, rule, verdict, change.changes),
        details: json!({
            "operation": rule.operation.map(RuleOperation::as_str),
            "rule_operation": rule.rule_operation,
            "rule_name": rule.name,
            "degenerate_name": verdict.odd_name,
            "mailbox": rule.mailbox,
            "actions": actions,
            "destinations": verdict.destinations,
            "external_destinations": verdict.external,
            "allowed_destinations": verdict.allowed,
            "hiding_folder": verdict.hiding_folder,
            "move_to_folder": rule.move_to_folder,
            "matched_keywords": verdict.keywords,
            "stop_processing_rules": rule.stop_processing_rules,
            "keeps_no_copy": verdict.keeps_no_copy,
            "conditions": conditions(rule),
            "client": rule.client,
            "client_ip": change.ip.map(|ip| ip.to_string()),
            "changes": change.changes,
            "mode": Mode::Default,
            "related_techniques": related_techniques(verdict),
        }),
        evidence: change.evidence,
    }
}

/// The finding the seed query gives for one record: every match is its own row, high
/// severity, medium confidence, whatever the values.
pub fn seed_finding(change: Change) -> Finding {
    let rule = &change.rule;
    let actor = change.actor.as_deref();
    // Sorted, since exports list parameters in different orders.
    let mut matched: Vec<&str> = rule
        .parameter_names
        .iter()
        .map(String::as_str)
        .filter(|name| {
            let name = name.to_ascii_lowercase();
            SEED_PARAMETERS.iter().any(|wanted| name.contains(wanted))
        })
        .collect();
    matched.sort_by_key(|name| name.to_ascii_lowercase());
    let terms = seed_terms(rule);
    let destinations: Vec<&str> = rule.destinations().collect();
    let operation = rule.operation.map_or("rule change", RuleOperation::as_str);
    Finding {
        id: format!(
            "{ID}/{}/{}",
            actor.unwrap_or("unknown user"),
            change.first_record
        ),
        detection: ID.into(),
        technique: T1586_002.into(),
        tactic: RESOURCE_DEVELOPMENT.into(),
        severity: Severity::High,
        confidence: Confidence::Medium,
        entity: entity(actor),
        first_seen: change.first,
        last_seen: change.last,
        summary: format!(
            "{} ran {operation} with parameters matching {}",
            actor.unwrap_or("unknown user"),
            terms.join(", ")
        ),
        details: json!({
            "operation": rule.operation.map(RuleOperation::as_str),
            "rule_name": rule.name,
            "degenerate_name": degenerate_name(rule.name.as_deref()),
            "mailbox": rule.mailbox,
            "matched_parameters": matched,
            "matched_terms": terms,
            "actions": actions(rule),
            "destinations": destinations,
            "move_to_folder": rule.move_to_folder,
            "stop_processing_rules": rule.stop_processing_rules,
            "conditions": conditions(rule),
            "client": rule.client,
            "client_ip": change.ip.map(|ip| ip.to_string()),
            "mode": Mode::SeedCompatible,
            "related_techniques": ["T1114.003", "T1564.008"],
        }),
        evidence: change.evidence,
    }
}

/// The one finding for an actor's bulk `Set-Mailbox` run: informational, unless several
/// mailboxes forward to one outside address (a drop box collecting them, not a migration).
pub fn bulk_finding(
    actor: &str,
    window: BulkWindow,
    external_of: &dyn Fn(&Change) -> Vec<String>,
    threshold: usize,
    window_minutes: u32,
    max_evidence: usize,
) -> Option<Finding> {
    let first = window.held.iter().map(|change| change.first).min()?;
    let last = window.held.iter().map(|change| change.last).max()?;
    let mut by_destination: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut destinations = BTreeSet::new();
    let mut evidence = Vec::new();
    let mut changes = window.overflow;
    for change in &window.held {
        changes += change.changes;
        let mailbox = change.rule.mailbox.clone().unwrap_or_default();
        for address in external_of(change) {
            by_destination
                .entry(address.to_lowercase())
                .or_default()
                .insert(mailbox.clone());
        }
        for address in change.rule.destinations() {
            if destinations.len() < 100 {
                destinations.insert(address.to_lowercase());
            }
        }
        for record in &change.evidence {
            if evidence.len() < max_evidence.max(1) {
                evidence.push(record.clone());
            }
        }
    }
    let shared: Vec<&String> = by_destination
        .iter()
        .filter(|(_, mailboxes)| mailboxes.len() >= 2)
        .map(|(address, _)| address)
        .collect();
    let severity = if shared.is_empty() {
        Severity::Informational
    } else {
        Severity::High
    };
    let mut summary = format!(
        "{actor} changed the settings of {} mailboxes within {window_minutes} minutes (bulk \
         threshold {threshold}), setting forwarding {changes} times",
        window.peak
    );
    if !shared.is_empty() {
        summary.push_str(&format!(
            "; several mailboxes forward to {}",
            shared
                .iter()
                .map(|address| address.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Some(Finding {
        id: format!("{ID}/{actor}/bulk/{}", first.millis()),
        detection: ID.into(),
        technique: T1586_002.into(),
        tactic: RESOURCE_DEVELOPMENT.into(),
        severity,
        confidence: if shared.is_empty() {
            Confidence::Low
        } else {
            Confidence::Medium
        },
        entity: entity(Some(actor)),
        first_seen: first,
        last_seen: last,
        summary,
        evidence,
        details: json!({
            "operation": RuleOperation::SetMailbox.as_str(),
            "bulk": true,
            "mailboxes_changed": window.peak,
            "set_mailbox_changes": window.total,
            "forwarding_changes": changes,
            "bulk_actor_threshold": threshold,
            "bulk_window_minutes": window_minutes,
            "destinations": destinations,
            "shared_external_destinations": shared,
            "mode": Mode::Default,
            "related_techniques": ["T1114.003"],
        }),
    })
}

fn conditions(rule: &MailboxRule) -> Vec<serde_json::Value> {
    rule.conditions
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect()
}

/// One sentence: who changed which rule, where it sends mail, what it hides.
fn summary(
    actor: Option<&str>,
    rule: &MailboxRule,
    verdict: &Exfiltration<'_>,
    changes: usize,
) -> String {
    let actor = actor.unwrap_or("unknown user");
    let created = matches!(rule.operation, Some(RuleOperation::NewInboxRule))
        || rule.rule_operation.as_deref().is_some_and(|operation| {
            let operation = operation.to_ascii_lowercase();
            operation.starts_with("add") || operation.starts_with("create")
        });
    let name = rule.name.as_deref().unwrap_or("(unnamed)");
    let subject = match rule.operation {
        Some(RuleOperation::SetMailbox) => match &rule.mailbox {
            Some(mailbox) => format!("set the forwarding of mailbox {mailbox}"),
            None => "set mailbox forwarding".to_owned(),
        },
        Some(RuleOperation::SetMailboxAutoReplyConfiguration) => {
            "changed the automatic reply".to_owned()
        }
        _ if created => format!("created inbox rule \"{name}\""),
        _ => format!("changed inbox rule \"{name}\""),
    };
    let mut parts = Vec::new();
    if !verdict.external.is_empty() {
        parts.push(format!(
            "forwarding mail outside the tenant to {}",
            verdict.external.join(", ")
        ));
    } else if !verdict.destinations.is_empty() {
        parts.push(format!(
            "forwarding mail inside the tenant to {}",
            verdict.destinations.join(", ")
        ));
    }
    if let Some(folder) = verdict.hiding_folder {
        parts.push(format!("moving it to \"{folder}\""));
    }
    if verdict.deletes {
        parts.push("deleting it".to_owned());
    }
    if verdict.marks_read {
        parts.push("marking it as read".to_owned());
    }
    if verdict.keeps_no_copy {
        parts.push("keeping no copy".to_owned());
    }
    let mut sentence = format!("{actor} {subject} {}", parts.join(", "));
    if !verdict.keywords.is_empty() {
        sentence.push_str(&format!(" for mail about {}", verdict.keywords.join(", ")));
    }
    if let Some(reason) = verdict.odd_name {
        sentence.push_str(&format!(" (rule name {reason})"));
    }
    if changes > 1 {
        sentence.push_str(&format!(" ({changes} identical changes)"));
    }
    sentence
}
