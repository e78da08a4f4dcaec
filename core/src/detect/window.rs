//! Sliding windows of timed items and clock-hour buckets, shared by the windowed detections.
//!
//! A [`TimeWindow`] keeps the items of one key (a source address) whose time lies within the
//! window, in time order, with a hard cap: a source that sends more than `cap` items in one
//! window keeps only the newest `cap` (the dropped ones are counted), so state never grows
//! with an attacker's volume. Each removal is handed to the caller, which keeps its own
//! running counts (distinct users, attempts per user) in step. [`Tally`] is such a count.

use crate::time::Timestamp;
use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::Hash;

/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 3_600_000;

/// The clock hour (hours since the epoch) of `time`, as the seed queries bucket.
pub fn clock_hour(time: Timestamp) -> i64 {
    time.millis().div_euclid(HOUR_MS)
}

/// Adds `value` to `set` unless it holds `cap` values already (for the capped lists of
/// findings: user agents, accounts, machines).
pub fn insert_capped(set: &mut BTreeSet<String>, value: &str, cap: usize) {
    if set.len() < cap && !set.contains(value) {
        set.insert(value.to_owned());
    }
}

/// An item with a time.
pub trait Timed {
    /// When it happened.
    fn time(&self) -> Timestamp;
}

/// Items in time order within a window, at most a fixed number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct TimeWindow<T> {
    items: VecDeque<T>,
    dropped: u64,
}

impl<T> Default for TimeWindow<T> {
    fn default() -> Self {
        Self {
            items: VecDeque::new(),
            dropped: 0,
        }
    }
}

impl<T: Timed> TimeWindow<T> {
    /// Adds `item` (not older than the newest held); beyond `cap` items the oldest go,
    /// each handed to `removed`.
    pub fn push(&mut self, item: T, cap: usize, removed: &mut dyn FnMut(&T)) {
        self.items.push_back(item);
        while self.items.len() > cap.max(1) {
            if let Some(oldest) = self.items.pop_front() {
                self.dropped += 1;
                removed(&oldest);
            }
        }
    }

    /// Removes the items at or before `cutoff`, handing each to `removed`.
    pub fn expire(&mut self, cutoff: Timestamp, removed: &mut dyn FnMut(&T)) {
        while self.items.front().is_some_and(|item| item.time() <= cutoff) {
            if let Some(oldest) = self.items.pop_front() {
                removed(&oldest);
            }
        }
    }

    /// Removes every item.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The item at `index`, oldest first.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index)
    }

    /// The newest item.
    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }

    /// The items, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// The items, oldest first, to change in place (their times must stay as they are).
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> {
        self.items.iter_mut()
    }

    /// Items held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no item is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Items dropped to stay within the cap.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

/// Counts per key; a key whose count falls to zero is removed, so `distinct` is the number of
/// keys with a positive count.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "K: Serialize + Eq + Hash",
    deserialize = "K: Deserialize<'de> + Eq + Hash"
))]
pub struct Tally<K> {
    counts: HashMap<K, u32, RandomState>,
}

impl<K> Default for Tally<K> {
    fn default() -> Self {
        Self {
            counts: HashMap::default(),
        }
    }
}

impl<K: Eq + Hash + Clone> Tally<K> {
    /// Counts one more of `key`; returns the new count.
    pub fn add(&mut self, key: &K) -> u32 {
        if let Some(count) = self.counts.get_mut(key) {
            *count += 1;
            return *count;
        }
        self.counts.insert(key.clone(), 1);
        1
    }

    /// Counts one less of `key`; returns the new count.
    pub fn remove(&mut self, key: &K) -> u32 {
        match self.counts.get_mut(key) {
            Some(count) if *count > 1 => {
                *count -= 1;
                *count
            }
            Some(_) => {
                self.counts.remove(key);
                0
            }
            None => 0,
        }
    }

    /// The count of `key`.
    pub fn get(&self, key: &K) -> u32 {
        self.counts.get(key).copied().unwrap_or(0)
    }

    /// Keys with a positive count.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// Removes every count.
    pub fn clear(&mut self) {
        self.counts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Item(i64, &'static str);

    impl Timed for Item {
        fn time(&self) -> Timestamp {
            Timestamp(self.0)
        }
    }

    #[test]
    fn expiry_and_the_cap_hand_back_what_leaves() {
        let mut window = TimeWindow::default();
        let mut tally = Tally::default();
        let mut gone = Vec::new();
        for (time, key) in [(1, "a"), (2, "b"), (3, "a"), (4, "c")] {
            tally.add(&key);
            window.push(Item(time, key), 3, &mut |item: &Item| {
                gone.push(item.1);
                tally.remove(&item.1);
            });
        }
        assert_eq!(gone, vec!["a"], "the cap drops the oldest");
        assert_eq!(window.dropped(), 1);
        assert_eq!((tally.get(&"a"), tally.distinct()), (1, 3));
        window.expire(Timestamp(3), &mut |item: &Item| {
            tally.remove(&item.1);
        });
        assert_eq!(window.len(), 1);
        assert_eq!((tally.get(&"a"), tally.distinct()), (0, 1));
    }

    #[test]
    fn clock_hours_start_on_the_hour() {
        assert_eq!(clock_hour(Timestamp(HOUR_MS - 1)), 0);
        assert_eq!(clock_hour(Timestamp(HOUR_MS)), 1);
        assert_eq!(clock_hour(Timestamp(-1)), -1);
    }
}
