//! Recognising repeated records by their id, in bounded memory.
//!
//! Real exports repeat records (overlapping date ranges, paging retries, the same blob fetched
//! twice). A record whose id was seen before is counted as a duplicate, not processed again.
//! The set keeps 64-bit hashes of the most recent ids, up to a configured bound; when full it
//! forgets the oldest, and every forgotten id is counted, so a duplicate that arrives after its
//! twin was forgotten is the only kind missed, and the stats say how many could be.
//!
//! Every record passes through here, so the hashing is chosen for speed: ids are hashed once
//! with foldhash's quality hasher under a fixed seed (the same on every platform and run, since
//! the hashes are saved in snapshots), and the set of hashes is keyed by the hash itself rather
//! than hashing it again.

use foldhash::quality::FixedState;
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// The seed of the id hash. Changing it changes every saved hash (a new snapshot version).
const ID_SEED: u64 = 0x6d61_696c_686f_756e;

/// The 64-bit hash of a record id.
fn id_hash(id: &str) -> u64 {
    let mut hasher = FixedState::with_seed(ID_SEED).build_hasher();
    hasher.write(id.as_bytes());
    hasher.finish()
}

/// A hasher for keys that are already well-mixed 64-bit hashes: passes them through.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are expected; anything else is folded in byte by byte.
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Recently seen record ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeenIds {
    capacity: usize,
    set: HashSet<u64, BuildHasherDefault<PassThrough>>,
    order: VecDeque<u64>,
    evicted: u64,
}

impl SeenIds {
    /// A set remembering at most `capacity` ids (0 turns duplicate detection off).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            set: HashSet::default(),
            order: VecDeque::new(),
            evicted: 0,
        }
    }

    /// Records `id`; true when it was already there.
    pub fn seen_before(&mut self, id: &str) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let hash = id_hash(id);
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
    fn the_id_hash_is_fixed() {
        // Saved in snapshots: must not change between runs, builds or platforms.
        assert_eq!(id_hash("a"), id_hash("a"));
        assert_ne!(id_hash("a"), id_hash("b"));
        assert_eq!(id_hash(""), FIXED_EMPTY_HASH);
    }

    /// `id_hash("")` as this build computes it.
    const FIXED_EMPTY_HASH: u64 = 10_444_658_898_525_288_869;

    #[test]
    fn capacity_zero_turns_it_off() {
        let mut seen = SeenIds::new(0);
        assert!(!seen.seen_before("a"));
        assert!(!seen.seen_before("a"));
    }
}
