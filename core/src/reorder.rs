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
use std::collections::{BinaryHeap, VecDeque};

/// An event waiting in the buffer, ordered by time then arrival.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Waiting<E> {
    time: Timestamp,
    arrival: u64,
    event: E,
}

impl<E> Waiting<E> {
    fn key(&self) -> (Timestamp, u64) {
        (self.time, self.arrival)
    }
}

impl<E> PartialEq for Waiting<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Waiting<E> {}

impl<E> PartialOrd for Waiting<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Waiting<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// What waits in the buffer: an event, or only the time of an event that no detector reads
/// (`MailItemsAccessed`, for instance), which still moves the detectors' clocks when it
/// leaves but costs no copy of the event while it waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Held {
    /// An event some detector reads.
    Event(Box<Event>),
    /// The time of an event no detector reads.
    Time(Timestamp),
}

impl Held {
    /// When the event happened.
    pub fn time(&self) -> Timestamp {
        match self {
            Held::Event(event) => event.time,
            Held::Time(time) => *time,
        }
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
///
/// Exports are mostly in time order (or in reverse), so the waiting events are kept in two
/// parts: a run already in order, which an event joins at either end when it is not older
/// than the newest there (or older than the oldest), and a heap for the rest. Events are
/// boxed, so that the deque and the heap move pointers, not whole events, and a released
/// event is handed over in its box, never moved again. The oldest waiting event is the older
/// of the run's front and the heap's top: the release order is exactly that of one priority
/// queue, at the cost of a deque operation instead of a heap's sifting for events that arrive
/// in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReorderBuffer {
    lateness_ms: Option<i64>,
    max_events: usize,
    run: VecDeque<Waiting<Held>>,
    heap: BinaryHeap<Reverse<Waiting<Held>>>,
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
            run: VecDeque::new(),
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
        self.run.len() + self.heap.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.run.is_empty() && self.heap.is_empty()
    }

    /// The time up to which events have been released in order (the watermark).
    pub fn watermark(&self) -> Option<Timestamp> {
        self.released_up_to
    }

    /// Takes an event; calls `release` for every event that can leave now.
    pub fn push(&mut self, held: Held, release: &mut dyn FnMut(&Held, Release)) {
        let time = held.time();
        if self.released_up_to.is_some_and(|released| time < released) {
            self.late += 1;
            release(&held, Release::Late);
            return;
        }
        self.newest = Some(self.newest.map_or(time, |newest| newest.max(time)));
        self.arrivals += 1;
        let waiting = Waiting {
            time,
            arrival: self.arrivals,
            event: held,
        };
        // The newest arrival sorts after every waiting event of the same time, so it joins
        // the back of the run when not older than it, the front when strictly older.
        match (self.run.front(), self.run.back()) {
            (_, Some(back)) if back.time <= waiting.time => self.run.push_back(waiting),
            (Some(front), _) if waiting.time < front.time => self.run.push_front(waiting),
            (None, None) => self.run.push_back(waiting),
            _ => self.heap.push(Reverse(waiting)),
        }
        let due = match (self.lateness_ms, self.newest) {
            (Some(lateness), Some(newest)) => Some(Timestamp(newest.0 - lateness)),
            _ => None,
        };
        while let Some(oldest) = self.oldest() {
            let overfull = self.len() > self.max_events;
            let old_enough = due.is_some_and(|due| oldest <= due);
            if !(overfull || old_enough) {
                break;
            }
            self.release_oldest(release);
        }
    }

    /// Releases everything, in time order (end of the scan).
    pub fn flush(&mut self, release: &mut dyn FnMut(&Held, Release)) {
        while !self.is_empty() {
            self.release_oldest(release);
        }
    }

    /// The time of the oldest waiting event.
    fn oldest(&self) -> Option<Timestamp> {
        match (self.run.front(), self.heap.peek()) {
            (Some(front), Some(Reverse(top))) => Some(front.time.min(top.time)),
            (Some(front), None) => Some(front.time),
            (None, Some(Reverse(top))) => Some(top.time),
            (None, None) => None,
        }
    }

    fn release_oldest(&mut self, release: &mut dyn FnMut(&Held, Release)) {
        let from_run = match (self.run.front(), self.heap.peek()) {
            (Some(front), Some(Reverse(top))) => front.key() < top.key(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        let oldest = if from_run {
            self.run.pop_front()
        } else {
            self.heap.pop().map(|Reverse(waiting)| waiting)
        };
        if let Some(oldest) = oldest {
            self.released_up_to = Some(oldest.time);
            release(&oldest.event, Release::InOrder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, LogSource, MailAccess};

    fn event(id: &str, seconds: i64) -> Held {
        Held::Event(Box::new(Event {
            record_id: id.into(),
            time: Timestamp(seconds * 1000),
            user: None,
            ip: None,
            source: LogSource::UnifiedAuditLog,
            kind: EventKind::MailAccess(MailAccess::default()),
        }))
    }

    /// The record id of a held event (`time N` for a held time).
    fn id(held: &Held) -> String {
        match held {
            Held::Event(event) => event.record_id.to_string(),
            Held::Time(time) => format!("time {}", time.millis()),
        }
    }

    fn run(buffer: &mut ReorderBuffer, times: &[(&str, i64)]) -> Vec<(String, Release)> {
        let mut out = Vec::new();
        let mut release = |held: &Held, how| out.push((id(held), how));
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
    fn the_release_order_is_that_of_a_priority_queue() {
        // Runs forwards, backwards and shuffled, with ties, through a small buffer: the order
        // must be exactly that of a single priority queue on (time, arrival).
        let times: Vec<i64> = (0..400)
            .map(|i: i64| match i % 4 {
                0 => i,
                1 => 400 - i,
                2 => (i * 7919) % 97,
                _ => i / 3,
            })
            .collect();
        for max in [1, 2, 5, 50, 1000] {
            for lateness in [None, Some(0), Some(30_000)] {
                let mut buffer = ReorderBuffer::new(lateness, max);
                let mut out = Vec::new();
                let mut release = |held: &Held, how| out.push((id(held), how));
                for (i, t) in times.iter().enumerate() {
                    buffer.push(event(&i.to_string(), *t), &mut release);
                }
                buffer.flush(&mut release);
                let expected = reference(&times, lateness, max);
                assert_eq!(out, expected, "max {max}, lateness {lateness:?}");
            }
        }
    }

    /// The same policy with a plain binary heap.
    fn reference(times: &[i64], lateness: Option<i64>, max: usize) -> Vec<(String, Release)> {
        let mut heap = BinaryHeap::new();
        let mut out = Vec::new();
        let (mut newest, mut released): (Option<i64>, Option<i64>) = (None, None);
        for (i, t) in times.iter().enumerate() {
            let millis = t * 1000;
            if released.is_some_and(|r| millis < r) {
                out.push((i.to_string(), Release::Late));
                continue;
            }
            newest = Some(newest.map_or(millis, |n| n.max(millis)));
            heap.push(Reverse((millis, i)));
            let due = lateness.zip(newest).map(|(l, n)| n - l);
            while let Some(Reverse((oldest, _))) = heap.peek() {
                if !(heap.len() > max || due.is_some_and(|d| *oldest <= d)) {
                    break;
                }
                if let Some(Reverse((time, index))) = heap.pop() {
                    released = Some(time);
                    out.push((index.to_string(), Release::InOrder));
                }
            }
        }
        while let Some(Reverse((_, index))) = heap.pop() {
            out.push((index.to_string(), Release::InOrder));
        }
        out
    }

    #[test]
    fn held_times_take_their_place_among_the_events() {
        let mut buffer = ReorderBuffer::new(None, 100);
        let mut out = Vec::new();
        let mut release = |held: &Held, _| out.push(id(held));
        buffer.push(event("a", 30), &mut release);
        buffer.push(Held::Time(Timestamp(10_000)), &mut release);
        buffer.push(event("b", 20), &mut release);
        buffer.flush(&mut release);
        assert_eq!(out, vec!["time 10000", "b", "a"]);
    }

    #[test]
    fn a_full_buffer_releases_its_oldest() {
        let mut buffer = ReorderBuffer::new(None, 2);
        let mut out = Vec::new();
        let mut release = |held: &Held, _| out.push(id(held));
        for (id, seconds) in [("c", 3), ("a", 1), ("b", 2)] {
            buffer.push(event(id, seconds), &mut release);
        }
        assert_eq!(out, vec!["a"]);
        assert_eq!(buffer.len(), 2);
    }
}
