//! A `thread_hijack` episode: the hijacking sends and cover-up deletions of one user close
//! together in time, and the finding they make.

use super::ID;
use super::user::{Sent, Signal};
use crate::config::Mode;
use crate::detect::{RESOURCE_DEVELOPMENT, T1586_002};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;

/// The signal that explains an episode's sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalRef {
    /// The finding id.
    pub id: String,
    /// Its detection.
    pub detection: String,
    /// Its first record.
    pub first: Timestamp,
}

/// One episode in progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    /// Replies and forwards from new addresses after a signal.
    hijacks: usize,
    /// Sends deleted soon after being sent.
    deleted_after_send: usize,
    /// Deletion records that erased them.
    deletions: BTreeSet<String>,
    /// Any of the deleted sends was a reply or forward.
    deleted_replies: bool,
    /// The earliest signal that explains a send, and every signal id (capped).
    signal: Option<SignalRef>,
    signals: BTreeSet<String>,
    signal_detections: BTreeSet<String>,
    /// Minutes from the signal's first record to the first hijacking send.
    minutes_from_signal: Option<i64>,
    /// A hijacking send came from an address the signal names.
    from_signal_ip: bool,
    new_ips: BTreeSet<String>,
    new_sessions: BTreeSet<String>,
    subjects: BTreeSet<String>,
    evidence: Vec<String>,
}

/// Distinct values listed per detail at most.
const MAX_LISTED: usize = 20;

impl Episode {
    fn span(&mut self, time: Timestamp) {
        self.first = Some(self.first.map_or(time, |first| first.min(time)));
        self.last = Some(self.last.map_or(time, |last| last.max(time)));
    }

    fn cite(&mut self, record: &str, max_evidence: usize) {
        if self.evidence.len() < max_evidence.max(1) && !self.evidence.iter().any(|r| r == record) {
            self.evidence.push(record.to_owned());
        }
    }

    fn subject(&mut self, sent: &Sent, max_subjects: usize) {
        if let Some(subject) = &sent.subject {
            if self.subjects.len() < max_subjects {
                self.subjects.insert(subject.clone());
            }
        }
    }

    /// Adds a reply or forward from a new address that `signal` explains.
    pub fn add_hijack(&mut self, sent: &Sent, signal: &Signal, limits: Limits) {
        self.hijacks += 1;
        self.span(sent.time);
        self.cite(&sent.record, limits.max_evidence);
        self.subject(sent, limits.max_subjects);
        let minutes = (sent.time.millis() - signal.first.millis()).div_euclid(60_000);
        let earlier = self
            .signal
            .as_ref()
            .is_none_or(|current| (signal.first, &signal.id) < (current.first, &current.id));
        if earlier {
            self.signal = Some(SignalRef {
                id: signal.id.clone(),
                detection: signal.detection.clone(),
                first: signal.first,
            });
        }
        self.minutes_from_signal = Some(
            self.minutes_from_signal
                .map_or(minutes, |known| known.min(minutes)),
        );
        if self.signals.len() < MAX_LISTED {
            self.signals.insert(signal.id.clone());
        }
        self.signal_detections.insert(signal.detection.clone());
        match &sent.ip {
            Some(ip) => {
                if signal.ips.contains(ip) {
                    self.from_signal_ip = true;
                }
                if self.new_ips.len() < MAX_LISTED {
                    self.new_ips.insert(ip.to_string());
                }
            }
            None => {
                if let Some(session) = &sent.session {
                    if self.new_sessions.len() < MAX_LISTED {
                        self.new_sessions.insert(session.clone());
                    }
                }
            }
        }
    }

    /// Adds a send erased by deletion record `deletion` at `time`.
    pub fn add_cover_up(&mut self, sent: &Sent, deletion: &str, time: Timestamp, limits: Limits) {
        self.deleted_after_send += 1;
        self.deleted_replies |= sent.reply;
        self.span(sent.time);
        self.span(time);
        self.cite(&sent.record, limits.max_evidence);
        self.cite(deletion, limits.max_evidence);
        self.subject(sent, limits.max_subjects);
        if self.deletions.len() < MAX_LISTED {
            self.deletions.insert(deletion.to_owned());
        }
    }

    /// The finding: high for hijacking sends, critical when they were also erased or came
    /// from the signal's own address; a cover-up alone is medium, high for replies and
    /// forwards.
    pub fn finding(self, user: &str, settings: &FindingSettings) -> Option<Finding> {
        let (first, last) = (self.first?, self.last?);
        let hijack = self.hijacks > 0;
        let covered = self.deleted_after_send > 0;
        let (severity, confidence) = match (hijack, covered) {
            (true, true) => (Severity::Critical, Confidence::High),
            (true, false) if self.from_signal_ip => (Severity::Critical, Confidence::High),
            (true, false) => (Severity::High, Confidence::Medium),
            (false, true) if self.deleted_replies => (Severity::High, Confidence::Medium),
            (false, true) => (Severity::Medium, Confidence::Medium),
            (false, false) => return None,
        };
        let mut related = Vec::new();
        if hijack {
            related.push("T1534");
        }
        if covered {
            related.push("T1070.008");
        }
        Some(Finding {
            id: format!("{ID}/{user}/{}", first.millis()),
            detection: ID.into(),
            technique: T1586_002.into(),
            tactic: RESOURCE_DEVELOPMENT.into(),
            severity,
            confidence,
            entity: Entity {
                kind: EntityKind::User,
                value: user.to_owned(),
            },
            first_seen: first,
            last_seen: last,
            summary: self.summary(user),
            details: json!({
                "replies_or_forwards_from_new_addresses": self.hijacks,
                "new_ips": self.new_ips,
                "new_sessions": self.new_sessions,
                "signal_finding": self.signal.as_ref().map(|signal| &signal.id),
                "signal_detection": self.signal.as_ref().map(|signal| &signal.detection),
                "signal_findings": self.signals,
                "signal_detections": self.signal_detections,
                "minutes_from_signal": self.minutes_from_signal,
                "sent_from_signal_ip": self.from_signal_ip,
                "deleted_after_send": self.deleted_after_send,
                "deletion_records": self.deletions,
                "subjects": self.subjects,
                "after_signal_hours": settings.after_signal_hours,
                "delete_within_minutes": settings.delete_within_minutes,
                "mode": settings.mode,
                "related_techniques": related,
            }),
            evidence: self.evidence,
        })
    }

    fn summary(&self, user: &str) -> String {
        let mut parts = Vec::new();
        if self.hijacks > 0 {
            let from: Vec<&str> = self
                .new_ips
                .iter()
                .chain(&self.new_sessions)
                .map(String::as_str)
                .collect();
            let after = match (&self.signal, self.minutes_from_signal) {
                (Some(signal), Some(minutes)) if minutes >= 0 => {
                    format!(
                        "{minutes} minutes after {} finding {}",
                        signal.detection, signal.id
                    )
                }
                (Some(signal), Some(minutes)) => format!(
                    "{} minutes before {} finding {}",
                    -minutes, signal.detection, signal.id
                ),
                _ => "after a compromise signal".to_owned(),
            };
            parts.push(format!(
                "sent {} replies or forwards from new {} {} {after}",
                self.hijacks,
                if self.new_ips.is_empty() {
                    "session"
                } else {
                    "address"
                },
                from.join(", ")
            ));
        }
        if self.deleted_after_send > 0 {
            parts.push(format!(
                "deleted {} sent messages from Sent Items soon after sending them",
                self.deleted_after_send
            ));
        }
        format!("{user} {}", parts.join(", and "))
    }
}

/// Evidence bounds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Record ids per finding.
    pub max_evidence: usize,
    /// Subjects per finding.
    pub max_subjects: usize,
}

/// The settings a finding reports.
#[derive(Debug, Clone, Copy)]
pub struct FindingSettings {
    /// `after_signal_hours`.
    pub after_signal_hours: u32,
    /// `delete_within_minutes`.
    pub delete_within_minutes: u32,
    /// The mode.
    pub mode: Mode,
}
