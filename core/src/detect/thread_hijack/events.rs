//! What `thread_hijack` does with each mailbox event: sends are remembered (and replies
//! judged), deletions matched to the sends they erase.

use super::episode::Episode;
use super::user::{Sent, UserState};
use super::{State, ThreadHijack};
use crate::event::{DeleteKind, Event, MailDelete, MailSend};
use crate::time::Timestamp;
use std::net::IpAddr;

impl ThreadHijack {
    /// A message was sent: remember where from and what, for deletions that may follow; a
    /// reply is judged now against the open signals, and kept for signals still to come when
    /// its address could turn out new.
    pub(super) fn sent(
        &mut self,
        event: &Event,
        user: &str,
        ip: Option<IpAddr>,
        send: &MailSend,
        now: Timestamp,
    ) {
        let history = self.config.max_history_per_user;
        let cutoff = self.history_cutoff(now);
        let max_sends = self.config.max_sends_per_user;
        let recent_from = Timestamp(now.millis() - self.within_ms());
        let replies_from = Timestamp(now.millis() - self.lookback_ms());
        // The earliest window start a signal still to come could give this send.
        let horizon = event.time.millis() - self.lookback_ms() - self.after_ms() - self.lead_ms();
        let session = send.session_id.as_deref().filter(|s| !s.trim().is_empty());
        let reply = send.is_reply_or_forward();
        let state = self
            .state
            .users
            .touch_by(user, event.time, UserState::default);
        state.forget_before(cutoff, now);
        let (ip_first, session_first) = state.see(event.time, ip, session, history);
        let known_since = state.known_since();
        // Sends kept for deletions need neither address nor session; only a reply kept for
        // signals still to come copies them.
        let sent = Sent {
            time: event.time,
            record: event.record_id.clone(),
            ip: None,
            session: None,
            subject: send.subject.clone(),
            message_id: send.message_id.as_deref().map(str::to_lowercase),
            reply,
            ip_first,
            session_first,
            known_since,
            hijack: false,
            deleted: false,
        };
        let first = if ip.is_some() {
            ip_first
        } else {
            session_first
        };
        let could_be_new = reply
            && first.is_some_and(|first| {
                known_since.is_some_and(|since| first > since) && first.millis() >= horizon
            });
        if could_be_new {
            let kept = Sent {
                ip,
                session: session.map(str::to_owned),
                ..sent.clone()
            };
            state.remember_reply(kept, replies_from, max_sends);
        }
        state.remember_send(sent, recent_from, max_sends);
        if could_be_new && !state.signals.is_empty() {
            self.judge(user, now);
        }
    }

    /// Judges the user's unreported replies against their open signals.
    pub(super) fn judge(&mut self, user: &str, now: Timestamp) {
        let key = user.to_owned();
        let Some(state) = self.state.users.get(&key) else {
            return;
        };
        let mut hits = Vec::new();
        for (index, sent) in state.replies.iter().enumerate() {
            if let Some(signal) = state.signals.iter().find(|s| self.explains(s, sent)) {
                hits.push((index, signal.clone()));
            }
        }
        if hits.is_empty() {
            return;
        }
        let limits = self.limits();
        let State {
            users, episodes, ..
        } = &mut self.state;
        let state = users.touch(&key, now, UserState::default);
        for (index, signal) in hits {
            if let Some(sent) = state.replies.get_mut(index) {
                sent.hijack = true;
                episodes
                    .touch(&key, sent.time, Episode::default)
                    .add_hijack(sent, &signal, limits);
            }
        }
    }

    /// Messages were deleted: hard or soft deletions of recent sends are a cover-up.
    pub(super) fn deleted(&mut self, event: &Event, user: &str, delete: &MailDelete) {
        if !matches!(
            delete.kind,
            Some(DeleteKind::HardDelete | DeleteKind::SoftDelete)
        ) {
            return;
        }
        let from_sent = delete.from_sent_items();
        let within = self.within_ms();
        let limits = self.limits();
        let key = user.to_owned();
        let sent_recently = self
            .state
            .users
            .get(&key)
            .is_some_and(|state| !state.sends.is_empty());
        if !sent_recently {
            return;
        }
        let State {
            users, episodes, ..
        } = &mut self.state;
        let state = users.touch(&key, event.time, UserState::default);
        for item in &delete.items {
            let id = item.message_id.as_deref().map(str::to_lowercase);
            let subject = item.subject.as_deref().map(normalise);
            let found = state.sends.iter_mut().rev().find(|sent| {
                let recent =
                    sent.time <= event.time && sent.time.millis() >= event.time.millis() - within;
                let same_id = id.is_some() && sent.message_id == id;
                let same_subject = from_sent
                    && subject.is_some()
                    && sent.subject.as_deref().map(normalise) == subject;
                recent && !sent.deleted && (same_id || same_subject)
            });
            if let Some(sent) = found {
                sent.deleted = true;
                episodes
                    .touch(&key, event.time, Episode::default)
                    .add_cover_up(sent, &event.record_id, event.time, limits);
            }
        }
    }
}

/// A subject as compared: trimmed, lower case.
fn normalise(subject: &str) -> String {
    subject.trim().to_lowercase()
}
