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
//! the hashes are saved in snapshots), and the set of hashes is a table keyed by the hash
//! itself ([`SeenIds`]).

use foldhash::quality::FixedState;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};

/// The seed of the id hash. Changing it changes every saved hash (a new snapshot version).
const ID_SEED: u64 = 0x6d61_696c_686f_756e;

/// The 64-bit hash of a record id.
fn id_hash(id: &str) -> u64 {
    let mut hasher = FixedState::with_seed(ID_SEED).build_hasher();
    hasher.write(id.as_bytes());
    hasher.finish()
}

/// Recently seen record ids.
///
/// The hashes live twice: in arrival order (`order`, to forget the oldest) and in an
/// open-addressing table (`table`, linear probing, `0` for an empty slot) kept at most half
/// full. A record costs one look into the table to insert its hash and, once the set is full,
/// one more to remove the oldest: each a single cache line in nearly every case, where a
/// general-purpose set touches a control byte and a bucket in separate places for both. The
/// table is rebuilt from `order` when a snapshot is restored, so only `order` is saved.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "SavedIds", into = "SavedIds")]
pub struct SeenIds {
    capacity: usize,
    table: Vec<u64>,
    order: VecDeque<u64>,
    evicted: u64,
}

/// What a snapshot keeps of [`SeenIds`].
#[derive(Serialize, Deserialize)]
struct SavedIds {
    capacity: usize,
    order: VecDeque<u64>,
    evicted: u64,
}

impl From<SeenIds> for SavedIds {
    fn from(seen: SeenIds) -> Self {
        Self {
            capacity: seen.capacity,
            order: seen.order,
            evicted: seen.evicted,
        }
    }
}

impl From<SavedIds> for SeenIds {
    fn from(saved: SavedIds) -> Self {
        let mut seen = Self::new(saved.capacity);
        seen.evicted = saved.evicted;
        for &hash in &saved.order {
            if seen.insert(hash) {
                seen.order.push_back(hash);
            }
        }
        seen
    }
}

/// The table's smallest size (slots).
const MIN_SLOTS: usize = 1024;

/// Hashes are stored with `0` meaning "empty": a hash of 0 is stored as 1.
fn stored(hash: u64) -> u64 {
    hash.max(1)
}

impl SeenIds {
    /// A set remembering at most `capacity` ids (0 turns duplicate detection off).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            table: Vec::new(),
            order: VecDeque::new(),
            evicted: 0,
        }
    }

    /// Records `id`; true when it was already there.
    pub fn seen_before(&mut self, id: &str) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let hash = stored(id_hash(id));
        if !self.insert(hash) {
            return true;
        }
        self.order.push_back(hash);
        if self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.remove(oldest);
                self.evicted += 1;
            }
        }
        false
    }

    /// The slot a hash starts probing at: its top bits, as many as the table's size (a power
    /// of two) needs.
    fn home(&self, hash: u64) -> usize {
        (hash >> (64 - self.table.len().trailing_zeros())) as usize
    }

    /// Inserts a stored hash; false when it was there already.
    fn insert(&mut self, hash: u64) -> bool {
        if (self.order.len() + 1) * 2 > self.table.len() {
            self.grow();
        }
        self.place(hash)
    }

    /// Puts a stored hash in the first free slot from its home, unless it is there already
    /// (false); the table must have a free slot.
    fn place(&mut self, hash: u64) -> bool {
        let mask = self.table.len() - 1;
        let mut slot = self.home(hash);
        loop {
            match self.table[slot] {
                0 => {
                    self.table[slot] = hash;
                    return true;
                }
                present if present == hash => return false,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Removes a stored hash that is in the table, shifting back the entries after it that
    /// would otherwise no longer be found.
    fn remove(&mut self, hash: u64) {
        let mask = self.table.len() - 1;
        let mut hole = self.home(hash);
        while self.table[hole] != hash {
            if self.table[hole] == 0 {
                return;
            }
            hole = (hole + 1) & mask;
        }
        let mut next = hole;
        loop {
            next = (next + 1) & mask;
            let candidate = self.table[next];
            if candidate == 0 {
                break;
            }
            // The candidate may fill the hole when its home is not in (hole, next].
            let home = self.home(candidate);
            let stays = if hole <= next {
                hole < home && home <= next
            } else {
                hole < home || home <= next
            };
            if !stays {
                self.table[hole] = candidate;
                hole = next;
            }
        }
        self.table[hole] = 0;
    }

    /// Doubles the table (or makes the first one) and puts every hash back.
    fn grow(&mut self) {
        let slots = (self.table.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.table, vec![0; slots]);
        for hash in old.into_iter().filter(|&hash| hash != 0) {
            self.place(hash);
        }
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

    #[test]
    fn removal_keeps_every_other_hash_findable_across_the_wrap() {
        let mut seen = SeenIds::new(100);
        let last_home = 1023u64 << 54;
        let hashes: Vec<u64> = (1..=5).map(|k| last_home | k).chain([7, 8]).collect();
        for &hash in &hashes {
            assert!(seen.insert(hash));
            seen.order.push_back(hash);
        }
        for (index, &gone) in hashes.iter().enumerate() {
            seen.remove(gone);
            for &kept in &hashes[index + 1..] {
                assert!(!seen.insert(kept), "{kept:x} lost after removing {gone:x}");
            }
            assert!(seen.insert(gone), "{gone:x} removed");
            seen.remove(gone);
        }
        assert!(seen.table.iter().all(|&slot| slot == 0));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_table_agrees_with_a_plain_set(
            ids in proptest::collection::vec(0u16..400, 0..3000),
            capacity in 1usize..300,
        ) {
            let mut seen = SeenIds::new(capacity);
            let mut model: VecDeque<String> = VecDeque::new();
            for id in ids {
                let id = format!("id-{id}");
                let expected = model.contains(&id);
                proptest::prop_assert_eq!(seen.seen_before(&id), expected, "{}", id);
                if !expected {
                    model.push_back(id);
                    if model.len() > capacity {
                        model.pop_front();
                    }
                }
                proptest::prop_assert_eq!(seen.len(), model.len());
            }
            let restored: SeenIds =
                serde_json::from_str(&serde_json::to_string(&seen).expect("saves")).expect("restores");
            for id in &model {
                proptest::prop_assert!(restored.clone().seen_before(id));
            }
            proptest::prop_assert_eq!(restored.evicted(), seen.evicted());
        }
    }
}
