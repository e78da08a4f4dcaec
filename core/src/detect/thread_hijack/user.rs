//! What `thread_hijack` remembers about one user: the addresses and sessions they used, their
//! recent sends, and the compromise signals raised about them.
//!
//! Every memory here is bounded twice: by time (history for `history_days`, sends for
//! `delete_within_minutes`, replies from addresses that could still turn out new for
//! `lookback_hours`, signals while their window is open) and by count per user, the least
//! recently used going first. Replies from the user's usual addresses are never kept for
//! late signals: nothing can make those addresses new.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;

/// When an address or session was first and last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// First sighting still remembered.
    pub first: Timestamp,
    /// Latest sighting.
    pub last: Timestamp,
}

/// One sent message, as remembered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// When.
    pub time: Timestamp,
    /// The record id.
    pub record: Arc<str>,
    /// The client address.
    pub ip: Option<IpAddr>,
    /// The logon session.
    pub session: Option<String>,
    /// The subject.
    pub subject: Option<String>,
    /// `InternetMessageId`, lower case.
    pub message_id: Option<String>,
    /// A reply or forward (`RE:`, `FW:`, ...).
    pub reply: bool,
    /// When the address was first seen, as of the send.
    pub ip_first: Option<Timestamp>,
    /// When the session was first seen, as of the send.
    pub session_first: Option<Timestamp>,
    /// The user's earliest remembered activity, as of the send.
    pub known_since: Option<Timestamp>,
    /// Already reported as a hijacking send.
    pub hijack: bool,
    /// Already matched to a deletion.
    pub deleted: bool,
}

impl Sent {
    /// True when the send came from an address (or, without one, a session) first seen at or
    /// after `start`, and the user was active before `start`, so that "new" means something.
    pub fn is_new_since(&self, start: Timestamp) -> bool {
        let baseline = self.known_since.is_some_and(|since| since < start);
        let first = if self.ip.is_some() {
            self.ip_first
        } else {
            self.session_first
        };
        baseline && first.is_some_and(|first| first >= start)
    }
}

/// A compromise signal about the user: another detection's finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// The finding's id.
    pub id: String,
    /// The detection that made it.
    pub detection: String,
    /// Its first record.
    pub first: Timestamp,
    /// Its last record.
    pub last: Timestamp,
    /// The addresses it names.
    pub ips: Vec<IpAddr>,
}

/// Signals remembered per user.
const MAX_SIGNALS: usize = 16;

/// The per-user memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserState {
    ips: BTreeMap<IpAddr, Seen>,
    sessions: BTreeMap<String, Seen>,
    known_since: Option<Timestamp>,
    /// When history was last swept for entries past `history_days`.
    swept: Option<Timestamp>,
    /// Every send of the last `delete_within_minutes`, for matching deletions; oldest first.
    pub sends: VecDeque<Sent>,
    /// Replies and forwards from addresses that could still turn out new, kept for
    /// `lookback_hours` to be judged when a signal arrives; oldest first.
    pub replies: VecDeque<Sent>,
    /// Open signals, oldest first.
    pub signals: Vec<Signal>,
}

impl UserState {
    /// Notes activity from `ip` at `time`, or from `session` when there is no address (a
    /// session stands in for an address only then: sessions change with every client
    /// restart, addresses do not); returns when each was first seen.
    pub fn see(
        &mut self,
        time: Timestamp,
        ip: Option<IpAddr>,
        session: Option<&str>,
        max_entries: usize,
    ) -> (Option<Timestamp>, Option<Timestamp>) {
        let ip_first = ip.map(|ip| remember(&mut self.ips, &ip, time, max_entries));
        let session_first = session
            .filter(|_| ip.is_none())
            .map(|session| remember(&mut self.sessions, session, time, max_entries));
        if ip.is_some() || session.is_some() {
            self.known_since = Some(self.known_since.map_or(time, |since| since.min(time)));
        }
        (ip_first, session_first)
    }

    /// The user's earliest remembered activity.
    pub fn known_since(&self) -> Option<Timestamp> {
        self.known_since
    }

    /// Forgets history last seen before `cutoff` (`now` minus `history_days`); sweeps at most
    /// once an hour of event time.
    pub fn forget_before(&mut self, cutoff: Timestamp, now: Timestamp) {
        if self
            .swept
            .is_some_and(|swept| now.millis() - swept.millis() < 3_600_000)
        {
            return;
        }
        self.swept = Some(now);
        let before = self.ips.len() + self.sessions.len();
        self.ips.retain(|_, seen| seen.last >= cutoff);
        self.sessions.retain(|_, seen| seen.last >= cutoff);
        if self.ips.len() + self.sessions.len() != before
            || self.known_since.is_some_and(|since| since < cutoff)
        {
            self.known_since = self
                .ips
                .values()
                .chain(self.sessions.values())
                .map(|seen| seen.first)
                .min();
        }
    }

    /// Remembers a send for matching deletions, forgetting sends older than `keep_from` and
    /// the oldest beyond `max`.
    pub fn remember_send(&mut self, sent: Sent, keep_from: Timestamp, max: usize) {
        insert(&mut self.sends, sent, keep_from, max);
    }

    /// Remembers a reply to judge when a signal arrives, forgetting replies older than
    /// `keep_from` and the oldest beyond `max`.
    pub fn remember_reply(&mut self, sent: Sent, keep_from: Timestamp, max: usize) {
        insert(&mut self.replies, sent, keep_from, max);
    }

    /// Adds a signal (once per finding id), forgetting those whose window closed before
    /// `closed_before`.
    pub fn add_signal(&mut self, signal: Signal, closed_before: Timestamp, after_ms: i64) {
        self.signals
            .retain(|open| open.last.millis() + after_ms >= closed_before.millis());
        if self.signals.iter().any(|open| open.id == signal.id) {
            return;
        }
        self.signals.push(signal);
        self.signals
            .sort_by(|a, b| (a.first, &a.id).cmp(&(b.first, &b.id)));
        if self.signals.len() > MAX_SIGNALS {
            self.signals.remove(0);
        }
    }
}

/// Inserts `sent` in time order, then drops what is older than `keep_from` or beyond `max`.
fn insert(list: &mut VecDeque<Sent>, sent: Sent, keep_from: Timestamp, max: usize) {
    let at = list
        .iter()
        .rposition(|other| other.time <= sent.time)
        .map_or(0, |index| index + 1);
    list.insert(at, sent);
    while list.front().is_some_and(|sent| sent.time < keep_from) {
        list.pop_front();
    }
    while list.len() > max.max(1) {
        list.pop_front();
    }
}

/// Notes a sighting of `key`; returns its first sighting. When full, the entry seen least
/// recently goes.
fn remember<K: Ord + Borrow<Q>, Q: Ord + ToOwned<Owned = K> + ?Sized>(
    map: &mut BTreeMap<K, Seen>,
    key: &Q,
    time: Timestamp,
    max_entries: usize,
) -> Timestamp {
    if let Some(seen) = map.get_mut(key) {
        seen.first = seen.first.min(time);
        seen.last = seen.last.max(time);
        return seen.first;
    }
    if map.len() >= max_entries.max(1) {
        let stalest = map
            .iter()
            .min_by_key(|(_, seen)| seen.last)
            .map(|(key, _)| key.borrow().to_owned());
        if let Some(stalest) = stalest {
            map.remove(stalest.borrow());
        }
    }
    map.insert(
        key.to_owned(),
        Seen {
            first: time,
            last: time,
        },
    );
    time
}
