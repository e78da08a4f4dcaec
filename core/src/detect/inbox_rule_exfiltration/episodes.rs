//! The state between rule changes: identical changes collapsing into one, and the bulk
//! windows of actors who change many mailboxes.
//!
//! Outlook re-syncs its rules, scripts run twice, an attacker retries: identical changes of
//! one rule by one actor within `collapse_minutes` of each other are one [`Change`] with all
//! their record ids. Mailbox forwarding set by one actor on other people's mailboxes waits in
//! the actor's [`BulkWindow`] until it closes, because only then is it known whether the
//! actor was a migration script touching dozens of mailboxes (one informational finding) or
//! someone changing one (a finding per change).

use crate::event::{Event, MailboxRule, RuleOperation};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;

/// One rule change, or several identical ones collapsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Who made it, when known.
    pub actor: Option<String>,
    /// The content hash that decides what is identical.
    pub fingerprint: u64,
    /// The earliest change.
    pub first: Timestamp,
    /// The latest change.
    pub last: Timestamp,
    /// The record id of the earliest change (the finding's id derives from it).
    pub first_record: String,
    /// Record ids, up to the evidence bound.
    pub evidence: Vec<String>,
    /// How many changes were collapsed.
    pub changes: usize,
    /// The client address of the earliest change.
    pub ip: Option<IpAddr>,
    /// The rule as the earliest change wrote it.
    pub rule: MailboxRule,
}

impl Change {
    /// The change `event` made to `rule`.
    pub fn new(event: &Event, rule: &MailboxRule) -> Self {
        Self {
            actor: event.user.clone(),
            fingerprint: fingerprint(rule),
            first: event.time,
            last: event.time,
            first_record: event.record_id.to_string(),
            evidence: vec![event.record_id.to_string()],
            changes: 1,
            ip: event.ip,
            rule: rule.clone(),
        }
    }

    /// True when `other` repeats this change within `window_ms` of it.
    pub fn repeats(&self, other: &Change, window_ms: i64) -> bool {
        self.fingerprint == other.fingerprint
            && self.actor == other.actor
            && other.first.millis() >= self.first.millis() - window_ms
            && other.first.millis() <= self.last.millis() + window_ms
    }

    /// Takes in a repeat of this change.
    pub fn absorb(&mut self, other: Change, max_evidence: usize) {
        self.changes += other.changes;
        for record in other.evidence {
            if self.evidence.len() < max_evidence.max(1) && !self.evidence.contains(&record) {
                self.evidence.push(record);
            }
        }
        if (other.first, &other.first_record) < (self.first, &self.first_record) {
            self.first = other.first;
            self.first_record = other.first_record;
            self.ip = other.ip;
            self.rule = other.rule;
        }
        self.last = self.last.max(other.last);
    }
}

/// What an actor did with `Set-Mailbox` within the bulk window, and the forwarding changes
/// held until the window closes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkWindow {
    /// `Set-Mailbox` changes in the sliding window: time and mailbox.
    recent: VecDeque<(Timestamp, String)>,
    /// Changes per mailbox in the sliding window.
    counts: BTreeMap<String, usize>,
    /// The most distinct mailboxes seen in one window.
    pub peak: usize,
    /// All `Set-Mailbox` changes in the episode.
    pub total: usize,
    /// Forwarding changes held until the window closes.
    pub held: Vec<Change>,
    /// Forwarding changes beyond the hold bound (counted, not kept).
    pub overflow: usize,
}

/// Held forwarding changes per actor at most; more are counted.
const MAX_HELD: usize = 1000;
/// `Set-Mailbox` changes remembered per window at most.
const MAX_RECENT: usize = 10_000;

impl BulkWindow {
    /// Counts a `Set-Mailbox` change of `mailbox` at `time`.
    pub fn record(&mut self, time: Timestamp, mailbox: &str, window_ms: i64) {
        while let Some((oldest, _)) = self.recent.front() {
            let stale = oldest.millis() <= time.millis() - window_ms;
            if !stale && self.recent.len() < MAX_RECENT {
                break;
            }
            if let Some((_, gone)) = self.recent.pop_front() {
                if let Some(count) = self.counts.get_mut(&gone) {
                    *count -= 1;
                    if *count == 0 {
                        self.counts.remove(&gone);
                    }
                }
            }
        }
        self.recent.push_back((time, mailbox.to_owned()));
        *self.counts.entry(mailbox.to_owned()).or_insert(0) += 1;
        self.peak = self.peak.max(self.counts.len());
        self.total += 1;
    }

    /// Holds a forwarding change, collapsing it into an identical one already held.
    pub fn hold(&mut self, change: Change, collapse_ms: i64, max_evidence: usize) {
        if let Some(held) = self
            .held
            .iter_mut()
            .find(|held| held.repeats(&change, collapse_ms))
        {
            held.absorb(change, max_evidence);
        } else if self.held.len() < MAX_HELD {
            self.held.push(change);
        } else {
            self.overflow += 1;
        }
    }
}

/// A stable 64-bit hash (FNV-1a) of what a change does, so that identical changes collapse.
/// The operation's family counts (an inbox rule is not mailbox forwarding), not whether the
/// rule was created or modified: Outlook re-sends a new rule as a modification.
pub fn fingerprint(rule: &MailboxRule) -> u64 {
    let family = match rule.operation {
        Some(RuleOperation::SetMailbox) => "mailbox",
        Some(RuleOperation::SetMailboxAutoReplyConfiguration) => "auto-reply",
        _ => "rule",
    };
    let flags = [
        rule.delete_message,
        rule.permanent_delete,
        rule.mark_as_read,
        rule.stop_processing_rules,
        rule.deliver_and_forward == Some(false),
    ];
    let mut hash = Fnv::default();
    hash.text(family);
    hash.text(rule.mailbox.as_deref().unwrap_or(""));
    hash.text(&rule.name.as_deref().unwrap_or("").to_lowercase());
    for list in [
        &rule.forward_to,
        &rule.forward_as_attachment_to,
        &rule.redirect_to,
    ] {
        for address in list {
            hash.text(&address.to_lowercase());
        }
        hash.text("|");
    }
    hash.text(rule.move_to_folder.as_deref().unwrap_or(""));
    for (name, value) in &rule.conditions {
        hash.text(name);
        hash.text(value);
    }
    for flag in flags {
        hash.text(if flag { "1" } else { "0" });
    }
    hash.0
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn text(&mut self, text: &str) {
        for byte in text.bytes().chain(std::iter::once(0xff)) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
