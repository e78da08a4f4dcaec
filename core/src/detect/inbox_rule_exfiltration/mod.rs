//! `inbox_rule_exfiltration`: an inbox rule or mailbox forwarding that sends mail out of the
//! tenant or hides it from the mailbox's owner.
//!
//! **What.** Every rule or forwarding change the decoders produce as a `MailboxRule` event:
//! `New-InboxRule`, `Set-InboxRule`, `UpdateInboxRules` (Outlook desktop and EWS/OWA alike),
//! `Set-Mailbox` (`ForwardingSmtpAddress` / `ForwardingAddress`) and
//! `Set-MailboxAutoReplyConfiguration`. A change counts when it forwards or redirects mail to
//! a recipient, deletes it (soft or permanent), marks it as read, or moves it to a *hiding
//! folder* (RSS Feeds, Archive, Conversation History, Junk Email, Deleted Items, Notes and
//! their translations). Flags are read by value: `MarkAsRead: False` is not marking as read.
//!
//! **Why.** After taking over a mailbox, attackers forward mail out for persistent
//! collection (T1114.003) and hide replies and security notices from the owner (T1564.008);
//! the rule outlives a password reset. Public rules each see part of this: none reads every
//! action of `UpdateInboxRules`, grades forwarding by destination, hiding folder, keywords
//! and rule name together, or folds a migration script's bulk changes into one finding.
//!
//! **Fields.** `MailboxRule`: operation, rule name, changed mailbox, recipients, delete /
//! mark-as-read / stop-processing flags, `MoveToFolder`, conditions, `DeliverToMailboxAndForward`,
//! client, the parameter names (seed mode); the event's actor and client address.
//!
//! **Defaults.** Tenant domains from the top-level `tenant_domains` (else the actor's own
//! domain); hiding folders and keywords from [`settings`]; internal-only forwarding silent;
//! identical changes within 10 minutes collapse; 10 mailboxes changed by one actor within
//! 60 minutes are a bulk run. See [`InboxRuleConfig`].
//!
//! **Episodes.** Each rule change is an episode, but identical changes of one rule by one
//! actor within `collapse_minutes` (Outlook re-syncs) are one finding with every record as
//! evidence. Mailbox forwarding an actor sets on other people's mailboxes waits until the
//! actor's bulk window closes: a bulk run is one informational finding, anything else a
//! finding per change. Changes without content (`empty`: Outlook's `ModifyMailboxRule`
//! bursts, `Set-Mailbox` touching only quotas) never fire. In `seed-compatible` mode every
//! cmdlet record whose `Parameters` text contains `ForwardTo`, `ForwardAsAttachmentTo`,
//! `RedirectTo`, `DeleteMessage` or `MarkAsRead` is its own high-severity finding, whatever
//! the value or destination, with no suppression and no collapsing, as the seed query returns
//! rows; `UpdateInboxRules` (no `Parameters`) and `Set-Mailbox` forwarding
//! (`ForwardingSmtpAddress` is not `ForwardTo`) never match, as in the seed.
//!
//! **Severity.** Critical: forwards outside the tenant and hides mail or matches keywords.
//! High: forwards outside the tenant. Medium: hides mail (hiding folder, delete, mark as
//! read) without forwarding it out. Low: forwards inside the tenant and deletes or marks as
//! read. Keywords or a degenerate name raise medium and low one step. A bulk run is
//! informational, or high when several mailboxes forward to one outside address.
//!
//! **Known false positives.** Users filing mail into Archive or Junk Email with a rule
//! (medium); delegates who forward their manager's mail and delete it (low); legal-hold
//! redirects to an outside vendor (`allow_actors`, `allow_destinations`); tenant migrations
//! (folded into one informational finding). Forwarding inside the tenant (an assistant, a
//! delegate) is silent unless the rule also hides or deletes mail; partner domains should go
//! in `tenant_domains`. Outlook desktop rules name their target folder by id only, so a hiding
//! folder there goes unseen.
//!
//! **Tuning.** `tenant_domains` first; then `allow_actors` for compliance service accounts,
//! `allow_destinations` for vendors, the folder and keyword lists for the tenant's languages,
//! `bulk_actor_threshold` for the size of the tenant's scripted changes.

mod assess;
mod episodes;
mod report;
pub mod settings;

pub use assess::{
    Exfiltration, RuleClassifier, assess, degenerate_name, is_exfiltration_rule, seed_matches,
    seed_terms,
};
pub use report::actions;
pub use settings::InboxRuleConfig;

use super::{Detector, StateSize};
use crate::config::{EngineConfig, Mode};
use crate::event::{Event, EventKind, RuleOperation};
use crate::finding::Finding;
use crate::state::KeyedState;
use crate::time::Timestamp;
use episodes::{BulkWindow, Change};
use serde::{Deserialize, Serialize};

/// The stable id.
pub const ID: &str = "inbox_rule_exfiltration";

/// The detector.
#[derive(Debug, Clone)]
pub struct InboxRuleExfiltration {
    config: InboxRuleConfig,
    mode: Mode,
    classifier: RuleClassifier,
    state: State,
}

/// What carries over between events (and into engine snapshots).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    /// Open changes by actor and content, waiting for identical repeats.
    changes: KeyedState<String, Change>,
    /// `Set-Mailbox` activity by actor.
    bulk: KeyedState<String, BulkWindow>,
}

impl InboxRuleExfiltration {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.inbox_rule_exfiltration.clone();
        Self {
            state: State {
                changes: KeyedState::new(settings.max_keys),
                bulk: KeyedState::new(settings.max_keys),
            },
            classifier: RuleClassifier::new(config),
            mode: config.mode,
            config: settings,
        }
    }

    fn collapse_ms(&self) -> i64 {
        i64::from(self.config.collapse_minutes) * 60_000
    }

    fn bulk_ms(&self) -> i64 {
        i64::from(self.config.bulk_window_minutes.max(1)) * 60_000
    }

    /// The finding for a closed change, unless it is suppressed.
    fn close_change(&self, change: Change, findings: &mut Vec<Finding>) {
        let verdict = self
            .classifier
            .assess(&change.rule, change.actor.as_deref());
        if let Some((verdict, severity)) =
            verdict.and_then(|verdict| verdict.severity().map(|severity| (verdict, severity)))
        {
            findings.push(report::rule_finding(change.clone(), &verdict, severity));
        }
    }

    /// The findings for a closed bulk window: one for a bulk run, one per change otherwise.
    fn close_bulk(&self, actor: &str, window: BulkWindow, findings: &mut Vec<Finding>) {
        if window.held.is_empty() {
            return;
        }
        let threshold = self.config.bulk_actor_threshold.max(1);
        if window.peak >= threshold {
            let external_of = |change: &Change| -> Vec<String> {
                self.classifier
                    .assess(&change.rule, change.actor.as_deref())
                    .map(|verdict| verdict.external.iter().map(|a| (*a).to_owned()).collect())
                    .unwrap_or_default()
            };
            findings.extend(report::bulk_finding(
                actor,
                window,
                &external_of,
                threshold,
                self.config.bulk_window_minutes,
                self.config.max_evidence,
            ));
        } else {
            for change in window.held {
                self.close_change(change, findings);
            }
        }
    }

    /// Closes the changes and bulk windows that event time `now` has left behind.
    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let mut closed = Vec::new();
        let cutoff = Timestamp(now.millis() - self.collapse_ms());
        self.state
            .changes
            .expire_before(cutoff, &mut |_, change| closed.push(change));
        for change in closed {
            self.close_change(change, findings);
        }
        let mut windows = Vec::new();
        let cutoff = Timestamp(now.millis() - self.bulk_ms());
        self.state
            .bulk
            .expire_before(cutoff, &mut |actor, window| windows.push((actor, window)));
        for (actor, window) in windows {
            self.close_bulk(&actor, window, findings);
        }
    }

    fn handle(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        let EventKind::MailboxRule(rule) = &event.kind else {
            return;
        };
        if self.mode == Mode::SeedCompatible {
            if seed_matches(rule) {
                findings.push(report::seed_finding(Change::new(event, rule)));
            }
            return;
        }
        let actor = event.user.as_deref();
        if self.classifier.is_allowed_actor(actor) {
            return;
        }
        let on_other_mailbox = rule.operation == Some(RuleOperation::SetMailbox)
            && rule.mailbox.is_some()
            && actor.is_some();
        if rule.operation == Some(RuleOperation::SetMailbox) {
            if let Some(actor) = actor {
                let mailbox = rule.mailbox.as_deref().unwrap_or(actor);
                let window = self.bulk_ms();
                self.state
                    .bulk
                    .touch_by(actor, event.time, BulkWindow::default)
                    .record(event.time, mailbox, window);
            }
        }
        let reportable = self
            .classifier
            .assess(rule, actor)
            .is_some_and(|verdict| verdict.severity().is_some());
        if !reportable {
            return;
        }
        let change = Change::new(event, rule);
        let (collapse, max_evidence) = (self.collapse_ms(), self.config.max_evidence);
        if on_other_mailbox {
            if let Some(actor) = actor {
                self.state
                    .bulk
                    .touch_by(actor, event.time, BulkWindow::default)
                    .hold(change, collapse, max_evidence);
            }
            return;
        }
        let key = format!("{}\n{:016x}", actor.unwrap_or(""), change.fingerprint);
        let repeats = self
            .state
            .changes
            .get(&key)
            .map(|open| open.repeats(&change, collapse));
        match repeats {
            Some(true) => self
                .state
                .changes
                .touch(&key, event.time, || change.clone())
                .absorb(change, max_evidence),
            // A late change far from the open one with the same content stands alone.
            Some(false) => self.close_change(change, findings),
            None => {
                self.state.changes.touch(&key, event.time, || change);
            }
        }
    }
}

impl Detector for InboxRuleExfiltration {
    fn id(&self) -> &'static str {
        ID
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.expire(event.time, findings);
        self.handle(event, findings);
    }

    fn observe_late(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.handle(event, findings);
    }

    fn reads(&self, event: &Event) -> bool {
        matches!(event.kind, EventKind::MailboxRule(_))
    }

    fn advance(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        self.expire(now, findings);
    }

    fn finish(&mut self, findings: &mut Vec<Finding>) {
        let mut closed = Vec::new();
        self.state
            .changes
            .drain(&mut |_, change| closed.push(change));
        for change in closed {
            self.close_change(change, findings);
        }
        let mut windows = Vec::new();
        self.state
            .bulk
            .drain(&mut |actor, window| windows.push((actor, window)));
        for (actor, window) in windows {
            self.close_bulk(&actor, window, findings);
        }
    }

    fn state_size(&self) -> StateSize {
        StateSize {
            keys: self.state.changes.len() + self.state.bulk.len(),
            capacity: self.state.changes.capacity() + self.state.bulk.capacity(),
            evicted: self.state.changes.evicted() + self.state.bulk.evicted(),
        }
    }

    fn save(&self) -> serde_json::Value {
        serde_json::to_value(&self.state).unwrap_or(serde_json::Value::Null)
    }

    fn load(&mut self, state: serde_json::Value) -> Result<(), String> {
        self.state = serde_json::from_value(state).map_err(|error| error.to_string())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
