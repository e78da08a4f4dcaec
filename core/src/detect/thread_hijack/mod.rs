//! `thread_hijack`: a compromised mailbox replying in its owner's conversations, and erasing
//! what it sent.
//!
//! **What.** Two patterns, one finding per user and episode.
//! 1. *Hijacking*: replies and forwards (`RE:`, `FW:`, `AW:`, ... subjects) sent from an
//!    address (or, without one, a session) new for the user, from `signal_lead_minutes`
//!    before to `after_signal_hours` after another detection's compromise finding about the
//!    user (`inbox_rule_exfiltration`, `impossible_travel`, `risky_signin_then_inbox_rule`,
//!    `credential_spray`; `signal_detections`).
//! 2. *Cover-up*: sent messages hard- or soft-deleted within `delete_within_minutes` of being
//!    sent, matched by `InternetMessageId` (from any folder, e.g. after a soft delete
//!    `\Recoverable Items\Deletions`) or by subject (from Sent Items only).
//!
//! **Why.** Thread hijacking is why attackers want a trusted mailbox (T1586.002): a reply in
//! a real conversation with a partner, asking to pay a new account, is believed. The
//! attacker answers from their own infrastructure, and deletes the sent copy so the owner
//! does not notice (T1070.008). Public rules see the deletion (send then hard delete within
//! an hour) but none ties replies from a new address to a compromise signal.
//!
//! **Fields.** `MailSend`: subject, `InternetMessageId`, session; `MailDelete`: kind, folder,
//! the deleted items' subjects and ids; successful `SignIn`s (address history; sessions only
//! for records without an address, since sessions change with every client restart);
//! other detections' findings: entity, `details` user and address fields, first and last
//! record.
//!
//! **Defaults.** Signals from the four detections above at low severity or more; window from
//! 60 minutes before to 24 hours after the signal; 14 days of history per user; replies kept
//! 24 hours for signals that arrive late; deletion within 60 minutes; episodes end after 60
//! minutes without evidence. See [`ThreadHijackConfig`].
//!
//! **Episodes.** A user's hijacking sends and cover-up deletions join one episode while each
//! comes within `episode_gap_minutes` of the last; then it closes with one finding citing the
//! sends and deletions, the signal finding, the new addresses, the subjects and the minutes
//! from the signal. "New" means first seen (by send or successful sign-in) at or after the
//! window's start, by a user whose history starts before it: without earlier activity
//! nothing is new. A signal often closes after the sends it explains (episodes end late), so
//! recent replies are kept and judged again when a signal arrives. There is no seed query for
//! this detection: `seed-compatible` mode changes nothing here.
//!
//! **Severity.** High for hijacking sends; critical when they were also deleted or came from
//! an address the signal names. A cover-up alone is medium, high when the erased messages
//! were replies or forwards.
//!
//! **Known false positives.** A user replying from a new network (hotel, phone hotspot, new
//! home address) on the day another detection fired for them; users who tidy Sent Items
//! right after sending. An export that starts on the day of the compromise gives the user
//! no history, so nothing is new for them.
//!
//! **Tuning.** `signal_detections` and `min_signal_severity` choose what counts as a signal;
//! `after_signal_hours` and `signal_lead_minutes` its window; `allow_users` for shared and
//! service mailboxes.

mod episode;
mod events;
pub mod settings;
mod signal;
mod user;

pub use settings::ThreadHijackConfig;

use super::{Detector, StateSize};
use crate::config::{EngineConfig, Mode};
use crate::event::{Event, EventKind};
use crate::finding::Finding;
use crate::net::is_service_placeholder;
use crate::state::KeyedState;
use crate::time::Timestamp;
use episode::{Episode, FindingSettings, Limits};
use serde::{Deserialize, Serialize};
use user::{Sent, Signal, UserState};

/// The stable id.
pub const ID: &str = "thread_hijack";

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// The detector.
#[derive(Debug, Clone)]
pub struct ThreadHijack {
    config: ThreadHijackConfig,
    mode: Mode,
    state: State,
}

/// What carries over between events (and into engine snapshots).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    /// The latest event time seen in order.
    watermark: Option<Timestamp>,
    /// History, sends and signals by user.
    users: KeyedState<String, UserState>,
    /// Open episodes by user.
    episodes: KeyedState<String, Episode>,
}

impl ThreadHijack {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.thread_hijack.clone();
        Self {
            state: State {
                watermark: None,
                users: KeyedState::new(settings.max_keys),
                episodes: KeyedState::new(settings.max_keys),
            },
            mode: config.mode,
            config: settings,
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            max_evidence: self.config.max_evidence,
            max_subjects: self.config.max_subjects,
        }
    }

    fn lead_ms(&self) -> i64 {
        i64::from(self.config.signal_lead_minutes) * MINUTE
    }

    fn after_ms(&self) -> i64 {
        i64::from(self.config.after_signal_hours) * HOUR
    }

    fn within_ms(&self) -> i64 {
        i64::from(self.config.delete_within_minutes) * MINUTE
    }

    fn lookback_ms(&self) -> i64 {
        i64::from(self.config.lookback_hours) * HOUR
    }

    fn allowed(&self, user: &str) -> bool {
        self.config
            .allow_users
            .iter()
            .any(|allowed| allowed.trim().eq_ignore_ascii_case(user))
    }

    /// True when `sent` is a reply from a new address within `signal`'s window.
    fn explains(&self, signal: &Signal, sent: &Sent) -> bool {
        let start = Timestamp(signal.first.millis() - self.lead_ms());
        let end = signal.last.millis() + self.after_ms();
        sent.reply
            && !sent.hijack
            && sent.time >= start
            && sent.time.millis() <= end
            && sent.is_new_since(start)
    }

    /// Closes the episodes that event time `now` has left `episode_gap_minutes` behind, and
    /// forgets users silent for `history_days`.
    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let gap = i64::from(self.config.episode_gap_minutes) * MINUTE;
        let mut closed = Vec::new();
        self.state
            .episodes
            .expire_before(Timestamp(now.millis() - gap), &mut |user, episode| {
                closed.push((user, episode));
            });
        for (user, episode) in closed {
            findings.extend(episode.finding(&user, &self.finding_settings()));
        }
        let history = i64::from(self.config.history_days.max(1)) * 24 * HOUR;
        self.state
            .users
            .expire_before(Timestamp(now.millis() - history), &mut |_, _| {});
    }

    fn finding_settings(&self) -> FindingSettings {
        FindingSettings {
            after_signal_hours: self.config.after_signal_hours,
            delete_within_minutes: self.config.delete_within_minutes,
            mode: self.mode,
        }
    }

    fn handle(&mut self, event: &Event, now: Timestamp) {
        let Some(user) = event.user.as_deref() else {
            return;
        };
        if self.allowed(user) {
            return;
        }
        let ip = || event.ip.filter(|ip| !is_service_placeholder(ip));
        match &event.kind {
            EventKind::SignIn(sign_in) if sign_in.succeeded() => {
                let ip = ip();
                let history = self.config.max_history_per_user;
                let cutoff = self.history_cutoff(now);
                let state = self
                    .state
                    .users
                    .touch_by(user, event.time, UserState::default);
                state.forget_before(cutoff, now);
                state.see(event.time, ip, sign_in.session_id.as_deref(), history);
            }
            EventKind::MailSend(send) => {
                let ip = ip();
                self.sent(event, user, ip, send, now);
            }
            EventKind::MailDelete(delete) => self.deleted(event, user, delete),
            _ => {}
        }
    }

    fn history_cutoff(&self, now: Timestamp) -> Timestamp {
        Timestamp(now.millis() - i64::from(self.config.history_days.max(1)) * 24 * HOUR)
    }

    /// Another detection's finding: if it is a signal, remember it for the users it names and
    /// judge their recent replies again.
    fn signal(&mut self, finding: &Finding) {
        let Some((users, signal)) = signal::read(finding, &self.config) else {
            return;
        };
        let now = self.state.watermark.unwrap_or(finding.last_seen);
        let horizon = Timestamp(now.millis() - self.lookback_ms());
        let after = self.after_ms();
        for user in users {
            if self.allowed(&user) {
                continue;
            }
            self.state
                .users
                .touch(&user, now, UserState::default)
                .add_signal(signal.clone(), horizon, after);
            self.judge(&user, now);
        }
    }

    fn close_all(&mut self, findings: &mut Vec<Finding>) {
        let mut closed = Vec::new();
        self.state
            .episodes
            .drain(&mut |user, episode| closed.push((user, episode)));
        for (user, episode) in closed {
            findings.extend(episode.finding(&user, &self.finding_settings()));
        }
    }
}

impl Detector for ThreadHijack {
    fn id(&self) -> &'static str {
        ID
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.advance(event.time, findings);
        let now = self.state.watermark.unwrap_or(event.time);
        self.handle(event, now);
    }

    fn reads(&self, event: &Event) -> bool {
        matches!(
            event.kind,
            EventKind::SignIn(_) | EventKind::MailSend(_) | EventKind::MailDelete(_)
        )
    }

    fn advance(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let now = self.state.watermark.map_or(now, |mark| mark.max(now));
        self.state.watermark = Some(now);
        self.expire(now, findings);
    }

    fn observe_late(&mut self, event: &Event, _findings: &mut Vec<Finding>) {
        let now = self.state.watermark.unwrap_or(event.time);
        self.handle(event, now);
    }

    fn observe_finding(&mut self, finding: &Finding, _findings: &mut Vec<Finding>) {
        self.signal(finding);
    }

    /// Closes every open episode. History, sends and signals stay, so that a signal another
    /// detection reports while finishing can still open (and a second call close) an episode.
    fn finish(&mut self, findings: &mut Vec<Finding>) {
        self.close_all(findings);
    }

    fn state_size(&self) -> StateSize {
        StateSize {
            keys: self.state.users.len() + self.state.episodes.len(),
            capacity: self.state.users.capacity() + self.state.episodes.capacity(),
            evicted: self.state.users.evicted() + self.state.episodes.evicted(),
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
