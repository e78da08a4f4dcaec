//! Event-time ordering: a bounded reorder buffer in front of the detectors.
//!
//! Exports are not in time order: Management Activity API blobs arrive unordered, Purview
//! exports list the newest first, several files overlap. Detectors reason in event time, so
//! events wait here and leave in time order once no earlier event can still arrive: when they
//! are older than the newest event seen minus the allowed lateness, or when the buffer is full
//! (then the oldest leaves first). An event older than one already released is *late*: the
//! windows it belongs to may have closed, so only detectors that need no window see it.
//!
//! A batch scan sets no lateness: everything is buffered up to the bound and sorted, so a
//! whole export of up to `max_buffered_events` records is processed in exact time order
//! whatever its layout; a streaming deployment sets a lateness that matches its source.

use crate::event::Event;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// An event waiting in the buffer, ordered by time then arrival. The event is boxed so that
/// the heap's sifting moves a pointer, not the whole event.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Waiting {
    time: Timestamp,
    arrival: u64,
    event: Box<Event>,
}

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.arrival) == (other.time, other.arrival)
    }
}

impl Eq for Waiting {}

impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Waiting {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.arrival).cmp(&(other.time, other.arrival))
    }
}

/// Where a released event goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// In time order: every detector.
    InOrder,
    /// Older than an event already released: only detectors without windows.
    Late,
}

/// The reorder buffer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReorderBuffer {
    lateness_ms: Option<i64>,
    max_events: usize,
    heap: BinaryHeap<Reverse<Waiting>>,
    arrivals: u64,
    newest: Option<Timestamp>,
    released_up_to: Option<Timestamp>,
    late: u64,
}

impl ReorderBuffer {
    /// A buffer holding at most `max_events`, releasing events older than the newest seen
    /// minus `lateness_ms` (never, when `None`, until full or flushed).
    pub fn new(lateness_ms: Option<i64>, max_events: usize) -> Self {
        Self {
            lateness_ms,
            max_events: max_events.max(1),
            heap: BinaryHeap::new(),
            arrivals: 0,
            newest: None,
            released_up_to: None,
            late: 0,
        }
    }

    /// Late events so far.
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The time up to which events have been released in order (the watermark).
    pub fn watermark(&self) -> Option<Timestamp> {
        self.released_up_to
    }

    /// Takes an event; calls `release` for every event that can leave now.
    pub fn push(&mut self, event: Event, release: &mut dyn FnMut(Event, Release)) {
        if self
            .released_up_to
            .is_some_and(|released| event.time < released)
        {
            self.late += 1;
            release(event, Release::Late);
            return;
        }
        self.newest = Some(
            self.newest
                .map_or(event.time, |newest| newest.max(event.time)),
        );
        self.arrivals += 1;
        self.heap.push(Reverse(Waiting {
            time: event.time,
            arrival: self.arrivals,
            event: Box::new(event),
        }));
        let due = match (self.lateness_ms, self.newest) {
            (Some(lateness), Some(newest)) => Some(Timestamp(newest.0 - lateness)),
            _ => None,
        };
        while let Some(Reverse(oldest)) = self.heap.peek() {
            let overfull = self.heap.len() > self.max_events;
            let old_enough = due.is_some_and(|due| oldest.time <= due);
            if !(overfull || old_enough) {
                break;
            }
            self.release_oldest(release);
        }
    }

    /// Releases everything, in time order (end of the scan).
    pub fn flush(&mut self, release: &mut dyn FnMut(Event, Release)) {
        while !self.heap.is_empty() {
            self.release_oldest(release);
        }
    }

    fn release_oldest(&mut self, release: &mut dyn FnMut(Event, Release)) {
        if let Some(Reverse(oldest)) = self.heap.pop() {
            self.released_up_to = Some(oldest.time);
            release(*oldest.event, Release::InOrder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, LogSource, MailAccess};

    fn event(id: &str, seconds: i64) -> Event {
        Event {
            record_id: id.into(),
            time: Timestamp(seconds * 1000),
            user: None,
            ip: None,
            source: LogSource::UnifiedAuditLog,
            kind: EventKind::MailAccess(MailAccess::default()),
        }
    }

    fn run(buffer: &mut ReorderBuffer, times: &[(&str, i64)]) -> Vec<(String, Release)> {
        let mut out = Vec::new();
        let mut release = |event: Event, how| out.push((event.record_id, how));
        for (id, seconds) in times {
            buffer.push(event(id, *seconds), &mut release);
        }
        buffer.flush(&mut release);
        out
    }

    fn ids(out: &[(String, Release)]) -> Vec<&str> {
        out.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn without_lateness_everything_is_sorted_at_the_end() {
        let mut buffer = ReorderBuffer::new(None, 100);
        let out = run(&mut buffer, &[("c", 30), ("a", 10), ("b", 20), ("a2", 10)]);
        assert_eq!(ids(&out), vec!["a", "a2", "b", "c"]);
        assert!(out.iter().all(|(_, how)| *how == Release::InOrder));
    }

    #[test]
    fn events_within_the_lateness_are_reordered_and_older_ones_are_late() {
        let mut buffer = ReorderBuffer::new(Some(60_000), 100);
        let out = run(
            &mut buffer,
            &[
                ("t100", 100),
                ("t50", 50),
                ("t200", 200),
                ("t120", 120),
                ("t30", 30),
            ],
        );
        assert_eq!(ids(&out), vec!["t50", "t100", "t120", "t30", "t200"]);
        assert_eq!(
            out[3].1,
            Release::Late,
            "30 s arrived after 120 s was released"
        );
        assert_eq!(buffer.late(), 1);
    }

    #[test]
    fn a_full_buffer_releases_its_oldest() {
        let mut buffer = ReorderBuffer::new(None, 2);
        let mut out = Vec::new();
        let mut release = |event: Event, _| out.push(event.record_id);
        for (id, seconds) in [("c", 3), ("a", 1), ("b", 2)] {
            buffer.push(event(id, seconds), &mut release);
        }
        assert_eq!(out, vec!["a"]);
        assert_eq!(buffer.len(), 2);
    }
}
