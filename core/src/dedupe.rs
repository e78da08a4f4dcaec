//! Recognising repeated records by their id, in bounded memory.
//!
//! Real exports repeat records (overlapping date ranges, paging retries, the same blob fetched
//! twice). A record whose id was seen before is counted as a duplicate, not processed again.
//! The set keeps 64-bit hashes of the most recent ids, up to a configured bound; when full it
//! forgets the oldest, and every forgotten id is counted, so a duplicate that arrives after its
//! twin was forgotten is the only kind missed, and the stats say how many could be.

use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Recently seen record ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeenIds {
    capacity: usize,
    set: HashSet<u64>,
    order: VecDeque<u64>,
    evicted: u64,
}

impl SeenIds {
    /// A set remembering at most `capacity` ids (0 turns duplicate detection off).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            set: HashSet::new(),
            order: VecDeque::new(),
            evicted: 0,
        }
    }

    /// Records `id`; true when it was already there.
    pub fn seen_before(&mut self, id: &str) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let mut hasher = DefaultHasher::new();
        id.hash(&mut hasher);
        let hash = hasher.finish();
        if !self.set.insert(hash) {
            return true;
        }
        self.order.push_back(hash);
        if self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
                self.evicted += 1;
            }
        }
        false
    }

    /// Ids forgotten to stay within the bound.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Ids currently remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_recognised() {
        let mut seen = SeenIds::new(10);
        assert!(!seen.seen_before("a"));
        assert!(!seen.seen_before("b"));
        assert!(seen.seen_before("a"));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn memory_is_bounded_and_forgetting_is_counted() {
        let mut seen = SeenIds::new(1000);
        for i in 0..1_000_000 {
            assert!(!seen.seen_before(&format!("id-{i}")));
        }
        assert_eq!(seen.len(), 1000);
        assert_eq!(seen.evicted(), 999_000);
        assert!(seen.seen_before("id-999999"));
        assert!(!seen.seen_before("id-0"));
    }

    #[test]
    fn capacity_zero_turns_it_off() {
        let mut seen = SeenIds::new(0);
        assert!(!seen.seen_before("a"));
        assert!(!seen.seen_before("a"));
    }
}
