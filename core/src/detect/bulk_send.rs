//! `bulk_send`: one account sends far more mail than people do, as a spam or phishing relay.
//!
//! **What.** More than `threshold` (default 50) `Send`, `SendAs` and `SendOnBehalf` events by
//! one user within any sliding window of `window_minutes` (default 60).
//!
//! **Why.** A compromised mailbox is a trusted sender: attackers use it to phish the owner's
//! contacts and colleagues (internal spearphishing, T1534) in bursts no person produces. The
//! seeds' test 3 sends more than 50 messages in an hour.
//!
//! **Fields.** `MailSend` events: user, time, kind, subject, client IP, session.
//!
//! **Episodes.** An episode starts when the sliding count first exceeds the threshold and ends
//! when the user has sent nothing for a whole window; it yields one finding with the peak
//! hourly count, the total, the kinds, the distinct subjects and client IPs, and the record
//! ids (the first `max_evidence`). In `seed-compatible` mode windows are clock-hour buckets,
//! as the seed query groups them, and each bucket over the threshold is its own finding.
//!
//! **Severity.** Medium; high when the peak is at least three times the threshold or the
//! sends go out as other mailboxes (SendAs / SendOnBehalf).
//!
//! **Known false positives.** Shared mailboxes and service accounts that send notifications,
//! newsletters sent from a person's mailbox, mail-merge add-ins. Allow-list them by account
//! (`allow_users`) or raise the threshold.

use super::{Detector, RESOURCE_DEVELOPMENT, StateSize, T1586_002};
use crate::config::{EngineConfig, Mode};
use crate::event::{Event, EventKind, SendKind};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::state::KeyedState;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

/// The stable id.
pub const ID: &str = "bulk_send";

/// Settings of `bulk_send`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BulkSendConfig {
    /// Sends in one window that are still normal; one more fires. Default 50 (the seed's).
    pub threshold: usize,
    /// The sliding window, in minutes. Default 60.
    pub window_minutes: u32,
    /// Accounts that send in bulk legitimately (case-insensitive).
    pub allow_users: Vec<String>,
    /// Record ids kept as evidence per episode. Default 200.
    pub max_evidence: usize,
    /// Users tracked at once. Default 100,000.
    pub max_keys: usize,
}

impl Default for BulkSendConfig {
    fn default() -> Self {
        Self {
            threshold: 50,
            window_minutes: 60,
            allow_users: Vec::new(),
            max_evidence: 200,
            max_keys: 100_000,
        }
    }
}

/// One send, as remembered in the window.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Sent {
    time: Timestamp,
    record: Arc<str>,
    kind: u8,
}

/// The per-user state: the sends in the current window, and the open episode if any.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct UserSends {
    window: VecDeque<Sent>,
    episode: Option<Episode>,
    bucket: Option<i64>,
}

/// An episode in progress.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Episode {
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    total: usize,
    peak: usize,
    evidence: Vec<String>,
    kinds: [usize; 3],
    subjects: BTreeSet<String>,
    ips: BTreeSet<String>,
}

/// The detector.
#[derive(Debug, Clone)]
pub struct BulkSend {
    config: BulkSendConfig,
    mode: Mode,
    users: KeyedState<String, UserSends>,
}

impl BulkSend {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.bulk_send.clone();
        Self {
            users: KeyedState::new(settings.max_keys),
            mode: config.mode,
            config: settings,
        }
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.config.window_minutes.max(1)) * 60_000
    }

    fn finding(&self, user: &str, episode: Episode) -> Option<Finding> {
        let (first, last) = (episode.first?, episode.last?);
        let on_behalf = episode.kinds[1] + episode.kinds[2];
        let severity = if episode.peak >= self.config.threshold * 3 || on_behalf > 0 {
            Severity::High
        } else {
            Severity::Medium
        };
        let window = if self.mode == Mode::SeedCompatible {
            "in one clock hour".to_owned()
        } else {
            format!("within {} minutes", self.config.window_minutes)
        };
        Some(Finding {
            id: format!("{ID}/{user}/{}", first.millis()),
            detection: ID.into(),
            technique: T1586_002.into(),
            tactic: RESOURCE_DEVELOPMENT.into(),
            severity,
            confidence: Confidence::Medium,
            entity: Entity {
                kind: EntityKind::User,
                value: user.to_owned(),
            },
            first_seen: first,
            last_seen: last,
            summary: format!(
                "{user} sent {} messages {window} (threshold {}), {} in all",
                episode.peak, self.config.threshold, episode.total
            ),
            evidence: episode.evidence,
            details: json!({
                "peak_in_window": episode.peak,
                "total_sends": episode.total,
                "threshold": self.config.threshold,
                "window_minutes": self.config.window_minutes,
                "mode": self.mode,
                "sends": episode.kinds[0],
                "send_as": episode.kinds[1],
                "send_on_behalf": episode.kinds[2],
                "distinct_subjects_since_threshold": episode.subjects.len(),
                "client_ips": episode.ips,
                "related_techniques": ["T1534"],
            }),
        })
    }

    /// Closes the episodes of users whose last send is a whole window old.
    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let cutoff = Timestamp(now.millis() - self.window_ms());
        let mut closed = Vec::new();
        self.users
            .expire_before(cutoff, &mut |user, state| closed.push((user, state)));
        for (user, state) in closed {
            if let Some(finding) = state.episode.and_then(|e| self.finding(&user, e)) {
                findings.push(finding);
            }
        }
    }
}

impl Detector for BulkSend {
    fn id(&self) -> &'static str {
        ID
    }

    fn reads(&self, event: &Event) -> bool {
        matches!(event.kind, EventKind::MailSend(_))
    }

    fn advance(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        self.expire(now, findings);
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.expire(event.time, findings);
        let EventKind::MailSend(send) = &event.kind else {
            return;
        };
        let Some(user) = event.user.as_deref() else {
            return;
        };
        if self
            .config
            .allow_users
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(user))
        {
            return;
        }
        let window = self.window_ms();
        let threshold = self.config.threshold;
        let max_evidence = self.config.max_evidence;
        let seed_compatible = self.mode == Mode::SeedCompatible;
        let state = self.users.touch_by(user, event.time, UserSends::default);
        let mut closed = None;
        if seed_compatible {
            let bucket = event.time.millis().div_euclid(3_600_000);
            if state.bucket != Some(bucket) {
                state.window.clear();
                closed = state.episode.take();
                state.bucket = Some(bucket);
            }
        } else {
            while state
                .window
                .front()
                .is_some_and(|sent| sent.time.millis() <= event.time.millis() - window)
            {
                state.window.pop_front();
            }
        }
        let kind = match send.kind {
            Some(SendKind::SendAs) => 1,
            Some(SendKind::SendOnBehalf) => 2,
            _ => 0,
        };
        state.window.push_back(Sent {
            time: event.time,
            record: event.record_id.clone(),
            kind,
        });
        let count = state.window.len();
        if count > threshold && state.episode.is_none() {
            // The episode starts with the sends already in the window, this one included.
            let mut episode = Episode {
                first: state.window.front().map(|sent| sent.time),
                total: count,
                ..Episode::default()
            };
            for sent in &state.window {
                episode.kinds[usize::from(sent.kind)] += 1;
                if episode.evidence.len() < max_evidence {
                    episode.evidence.push(sent.record.to_string());
                }
            }
            state.episode = Some(episode);
        } else if let Some(episode) = &mut state.episode {
            episode.total += 1;
            episode.kinds[usize::from(kind)] += 1;
            if episode.evidence.len() < max_evidence {
                episode.evidence.push(event.record_id.to_string());
            }
        }
        if let Some(episode) = &mut state.episode {
            episode.peak = episode.peak.max(count);
            episode.last = Some(event.time);
            if let Some(subject) = &send.subject {
                if episode.subjects.len() < 1000 {
                    episode.subjects.insert(subject.clone());
                }
            }
            if let Some(ip) = event.ip {
                if episode.ips.len() < 100 {
                    episode.ips.insert(ip.to_string());
                }
            }
        }
        if let Some(episode) = closed {
            if let Some(finding) = self.finding(user, episode) {
                findings.push(finding);
            }
        }
    }

    fn finish(&mut self, findings: &mut Vec<Finding>) {
        let mut closed = Vec::new();
        self.users
            .drain(&mut |user, state| closed.push((user, state)));
        for (user, state) in closed {
            if let Some(finding) = state.episode.and_then(|e| self.finding(&user, e)) {
                findings.push(finding);
            }
        }
    }

    fn state_size(&self) -> StateSize {
        StateSize {
            keys: self.users.len(),
            capacity: self.users.capacity(),
            evicted: self.users.evicted(),
        }
    }

    fn save(&self) -> serde_json::Value {
        serde_json::to_value(&self.users).unwrap_or(serde_json::Value::Null)
    }

    fn load(&mut self, state: serde_json::Value) -> Result<(), String> {
        self.users = serde_json::from_value(state).map_err(|error| error.to_string())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogSource, MailSend};

    const HOUR: i64 = 3_600_000;
    const START: i64 = 1_741_046_400_000; // 2025-03-04T00:00:00Z

    fn send(user: &str, at: i64, id: usize, kind: SendKind) -> Event {
        Event {
            record_id: format!("s{id}").into(),
            time: Timestamp(START + at),
            user: Some(user.into()),
            ip: "203.0.113.9".parse().ok(),
            source: LogSource::UnifiedAuditLog,
            kind: EventKind::MailSend(MailSend {
                kind: Some(kind),
                subject: Some(format!("Invoice {}", id % 3)),
                ..MailSend::default()
            }),
        }
    }

    fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
        let mut detector = BulkSend::new(config);
        let mut findings = Vec::new();
        for event in events {
            detector.observe(event, &mut findings);
        }
        detector.finish(&mut findings);
        findings
    }

    fn burst(user: &str, count: usize, spacing_ms: i64, offset: i64) -> Vec<Event> {
        (0..count)
            .map(|i| send(user, offset + i as i64 * spacing_ms, i, SendKind::Send))
            .collect()
    }

    #[test]
    fn fifty_one_sends_in_an_hour_fire_once() {
        let findings = run(&EngineConfig::default(), &burst("a@x.com", 51, 60_000, 0));
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.entity.value, "a@x.com");
        assert_eq!(finding.details["peak_in_window"], 51);
        assert_eq!(finding.details["total_sends"], 51);
        assert_eq!(finding.evidence.len(), 51);
        assert_eq!(finding.severity, Severity::Medium);
        assert_eq!(finding.first_seen, Timestamp(START));
    }

    #[test]
    fn fifty_sends_or_a_slow_trickle_do_not() {
        assert!(run(&EngineConfig::default(), &burst("a@x.com", 50, 60_000, 0)).is_empty());
        // 120 sends, one every 75 seconds: 48 in any hour.
        assert!(run(&EngineConfig::default(), &burst("a@x.com", 120, 75_000, 0)).is_empty());
    }

    #[test]
    fn a_burst_across_a_clock_hour_is_caught_by_the_sliding_window_only() {
        // 60 sends between 00:40 and 01:10: 30 per clock hour, 60 in one sliding hour.
        let events = burst("a@x.com", 60, 30_000, 40 * 60_000);
        assert_eq!(run(&EngineConfig::default(), &events).len(), 1);
        let seed = EngineConfig {
            mode: Mode::SeedCompatible,
            ..EngineConfig::default()
        };
        assert!(
            run(&seed, &events).is_empty(),
            "the seed's clock-hour buckets miss it"
        );
    }

    #[test]
    fn seed_compatible_mode_gives_one_finding_per_bucket() {
        let seed = EngineConfig {
            mode: Mode::SeedCompatible,
            ..EngineConfig::default()
        };
        let mut events = burst("a@x.com", 55, 60_000, 0);
        events.extend(burst("a@x.com", 55, 60_000, HOUR));
        let findings = run(&seed, &events);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|f| f.details["peak_in_window"] == 55));
    }

    #[test]
    fn allow_listed_senders_and_send_as_severity() {
        let mut config = EngineConfig::default();
        config.detections.bulk_send.allow_users = vec!["Notify@x.com".into()];
        assert!(run(&config, &burst("notify@x.com", 200, 1_000, 0)).is_empty());
        let events: Vec<Event> = (0..60)
            .map(|i| send("b@x.com", i * 1_000, i as usize, SendKind::SendAs))
            .collect();
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings[0].severity, Severity::High);
        assert_eq!(findings[0].details["send_as"], 60);
    }

    #[test]
    fn two_bursts_a_day_apart_are_two_episodes() {
        let mut events = burst("a@x.com", 60, 10_000, 0);
        events.extend(burst("a@x.com", 60, 10_000, 24 * HOUR));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 2);
        assert_ne!(findings[0].id, findings[1].id);
    }
}
