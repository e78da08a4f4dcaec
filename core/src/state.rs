//! Keyed detector state with a hard bound and window expiry.
//!
//! Detectors keep state per user or per source address. An attacker controls how many
//! distinct addresses and user names appear (a spray from a botnet, an enumeration of a
//! million names), so state must not grow with them: each map has a hard capacity, entries
//! expire when their window has passed (by event time), and when the map is full the entry
//! touched least recently is evicted. Every eviction is counted, so a reader of the stats
//! knows the bound was reached.
//!
//! Every event touches a few of these maps, so lookups hash with foldhash (randomly seeded
//! per map, so that chosen keys cannot collide on purpose) rather than SipHash.

use crate::time::Timestamp;
use foldhash::fast::RandomState;
use hashbrown::HashTable;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::{BTreeSet, VecDeque};
use std::hash::{BuildHasher, Hash};

/// A bounded map from keys to per-key state, ordered by last touch for expiry and eviction.
///
/// The touch order is kept as *marks* `(touched, sequence, hash)`: a touch adds a mark and
/// leaves the key's previous one stale (its sequence no longer matches the entry's), so a
/// touch costs one hash lookup and one append instead of moving the key inside an ordered
/// map. Touches come in event-time order, so marks are appended to a queue already in order;
/// the rare touch older than the newest mark goes to a small ordered set instead. The
/// oldest key is the older of the two fronts, stale marks skipped; stale marks are swept out
/// whenever they outnumber the keys.
#[derive(Debug, Clone)]
pub struct KeyedState<K, V> {
    capacity: usize,
    hasher: RandomState,
    entries: HashTable<Entry<K, V>>,
    in_order: VecDeque<Mark>,
    out_of_order: BTreeSet<Mark>,
    touches: u64,
    evicted: u64,
}

#[derive(Debug, Clone)]
struct Entry<K, V> {
    key: K,
    value: V,
    touched: Timestamp,
    sequence: u64,
}

/// A key's place in the touch order; stale once the key is touched again or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Mark {
    touched: Timestamp,
    sequence: u64,
    hash: u64,
}

impl<K: Eq + Hash, V> KeyedState<K, V> {
    /// A map of at most `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            hasher: RandomState::default(),
            entries: HashTable::new(),
            in_order: VecDeque::new(),
            out_of_order: BTreeSet::new(),
            touches: 0,
            evicted: 0,
        }
    }

    /// The state of `key`, created with `create` if absent, marked as touched at `now`.
    /// Making room for a new key evicts the least recently touched one.
    pub fn touch(&mut self, key: &K, now: Timestamp, create: impl FnOnce() -> V) -> &mut V
    where
        K: Clone,
    {
        self.touch_by(key, now, create)
    }

    /// Like [`KeyedState::touch`], looked up by a borrowed form of the key (`&str` for a
    /// `String` key): the key is copied only when it is new.
    pub fn touch_by<Q>(&mut self, key: &Q, now: Timestamp, create: impl FnOnce() -> V) -> &mut V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized + ToOwned<Owned = K>,
    {
        self.sweep_if_stale();
        self.touches += 1;
        let sequence = self.touches;
        let hash = self.hasher.hash_one(key);
        if self.entries.len() >= self.capacity
            && self
                .entries
                .find(hash, |entry| entry.key.borrow() == key)
                .is_none()
        {
            self.evict_oldest();
        }
        let hasher = &self.hasher;
        let entry = match self.entries.entry(
            hash,
            |entry| entry.key.borrow() == key,
            |entry| hasher.hash_one(&entry.key),
        ) {
            hashbrown::hash_table::Entry::Occupied(occupied) => {
                let entry = occupied.into_mut();
                entry.touched = entry.touched.max(now);
                entry.sequence = sequence;
                entry
            }
            hashbrown::hash_table::Entry::Vacant(vacant) => vacant
                .insert(Entry {
                    key: key.to_owned(),
                    value: create(),
                    touched: now,
                    sequence,
                })
                .into_mut(),
        };
        let mark = Mark {
            touched: entry.touched,
            sequence,
            hash,
        };
        if self.in_order.back().is_none_or(|last| *last <= mark) {
            self.in_order.push_back(mark);
        } else {
            self.out_of_order.insert(mark);
        }
        &mut entry.value
    }

    /// Like [`KeyedState::touch`], but a key touched less than `slack_ms` before `now` keeps
    /// its place in the touch order (and `key` is only copied when it must be). For keys seen
    /// in bursts this saves most of the bookkeeping, at the price of expiry and eviction
    /// reading a touch time up to `slack_ms` old: expire with a cutoff `slack_ms` earlier.
    pub fn touch_within<Q>(
        &mut self,
        key: &Q,
        now: Timestamp,
        slack_ms: i64,
        create: impl FnOnce() -> V,
    ) -> &mut V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized + ToOwned<Owned = K>,
    {
        let hash = self.hasher.hash_one(key);
        let fresh = self
            .entries
            .find(hash, |entry| entry.key.borrow() == key)
            .is_some_and(|entry| now.millis() - entry.touched.millis() < slack_ms);
        if fresh {
            return match self
                .entries
                .find_mut(hash, |entry| entry.key.borrow() == key)
            {
                Some(entry) => &mut entry.value,
                None => unreachable!("a fresh key is present"),
            };
        }
        self.touch_by(key, now, create)
    }

    /// The state of `key`, if present (not marked as touched).
    pub fn get(&self, key: &K) -> Option<&V> {
        let hash = self.hasher.hash_one(key);
        self.entries
            .find(hash, |entry| entry.key == *key)
            .map(|entry| &entry.value)
    }

    /// The state of `key` to change, if present (not marked as touched: closing an episode by
    /// the clock is not activity).
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hasher.hash_one(key);
        self.entries
            .find_mut(hash, |entry| entry.key.borrow() == key)
            .map(|entry| &mut entry.value)
    }

    /// Removes `key`, returning its state (its mark turns stale).
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let hash = self.hasher.hash_one(key);
        let (entry, _) = self
            .entries
            .find_entry(hash, |entry| entry.key == *key)
            .ok()?
            .remove();
        Some(entry.value)
    }

    /// Removes every key last touched before `cutoff`, handing each to `expired` (oldest
    /// first), so that a detector can close its episode.
    pub fn expire_before(&mut self, cutoff: Timestamp, expired: &mut dyn FnMut(K, V)) {
        // The fronts are the oldest marks, live or stale: when they are not before `cutoff`,
        // no key is, and no lookup is needed to tell.
        while self
            .oldest_mark()
            .is_some_and(|oldest| oldest.touched < cutoff)
        {
            let Some(oldest) = self.oldest() else {
                break;
            };
            if oldest.touched >= cutoff {
                break;
            }
            if let Some((key, value)) = self.take(oldest) {
                expired(key, value);
            }
        }
    }

    /// Removes and returns every key last touched before `cutoff`, oldest first.
    pub fn take_expired(&mut self, cutoff: Timestamp) -> Vec<(K, V)> {
        let mut expired = Vec::new();
        self.expire_before(cutoff, &mut |key, value| expired.push((key, value)));
        expired
    }

    /// Removes and returns every key, oldest first (end of the scan).
    pub fn take_all(&mut self) -> Vec<(K, V)> {
        let mut all = Vec::new();
        self.drain(&mut |key, value| all.push((key, value)));
        all
    }

    /// Removes every key, oldest first (end of the scan).
    pub fn drain(&mut self, expired: &mut dyn FnMut(K, V)) {
        while let Some(oldest) = self.oldest() {
            if let Some((key, value)) = self.take(oldest) {
                expired(key, value);
            }
        }
    }

    fn evict_oldest(&mut self) {
        if let Some(oldest) = self.oldest()
            && self.take(oldest).is_some()
        {
            self.evicted += 1;
        }
    }

    /// Keys evicted because the map was full.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Drops the stale marks when they outnumber the keys, so that the order takes memory in
    /// proportion to the keys, not to the touches.
    fn sweep_if_stale(&mut self) {
        if self.in_order.len() + self.out_of_order.len() <= 2 * self.entries.len() + 64 {
            return;
        }
        let entries = &self.entries;
        let live = |mark: &Mark| is_live(entries, mark);
        self.in_order.retain(live);
        self.out_of_order.retain(live);
    }

    /// The oldest mark, live or stale: the older of the two fronts.
    fn oldest_mark(&self) -> Option<Mark> {
        let first = self.out_of_order.first();
        self.in_order
            .front()
            .into_iter()
            .chain(first)
            .min()
            .copied()
    }

    /// The live mark touched least recently, stale marks at the fronts dropped on the way.
    fn oldest(&mut self) -> Option<Mark> {
        while let Some(front) = self.in_order.front() {
            if is_live(&self.entries, front) {
                break;
            }
            self.in_order.pop_front();
        }
        while let Some(first) = self.out_of_order.first() {
            if is_live(&self.entries, first) {
                break;
            }
            self.out_of_order.pop_first();
        }
        self.oldest_mark()
    }

    /// Removes the key that `mark` (live) places, with its mark.
    fn take(&mut self, mark: Mark) -> Option<(K, V)> {
        if self.in_order.front() == Some(&mark) {
            self.in_order.pop_front();
        } else {
            self.out_of_order.remove(&mark);
        }
        let (entry, _) = self
            .entries
            .find_entry(mark.hash, |entry| entry.sequence == mark.sequence)
            .ok()?
            .remove();
        Some((entry.key, entry.value))
    }

    /// The keys with their state, oldest touch first.
    fn in_touch_order(&self) -> Vec<&Entry<K, V>> {
        let mut entries: Vec<&Entry<K, V>> = self.entries.iter().collect();
        entries.sort_by_key(|entry| (entry.touched, entry.sequence));
        entries
    }
}

/// True when `mark` is its key's current place in the order (the key's entry carries the
/// mark's sequence).
fn is_live<K, V>(entries: &HashTable<Entry<K, V>>, mark: &Mark) -> bool {
    entries
        .find(mark.hash, |entry| entry.sequence == mark.sequence)
        .is_some()
}

/// A key with its state, as saved: `[key, state, touched, sequence]`.
type Saved<K, V> = (K, V, Timestamp, u64);

/// The saved form: the keys oldest touch first, so that a restored map expires and evicts
/// in the same order.
#[derive(Serialize, Deserialize)]
struct SavedState<E> {
    capacity: usize,
    entries: Vec<E>,
    touches: u64,
    evicted: u64,
}

impl<K: Eq + Hash + Serialize, V: Serialize> Serialize for KeyedState<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SavedState {
            capacity: self.capacity,
            entries: self
                .in_touch_order()
                .into_iter()
                .map(|entry| (&entry.key, &entry.value, entry.touched, entry.sequence))
                .collect(),
            touches: self.touches,
            evicted: self.evicted,
        }
        .serialize(serializer)
    }
}

impl<'de, K: Eq + Hash + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de>
    for KeyedState<K, V>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let saved = SavedState::<Saved<K, V>>::deserialize(deserializer)?;
        let mut state = Self::new(saved.capacity);
        state.touches = saved.touches;
        state.evicted = saved.evicted;
        let mut marks = Vec::with_capacity(saved.entries.len());
        for (key, value, touched, sequence) in saved.entries {
            let hash = state.hasher.hash_one(&key);
            let hasher = &state.hasher;
            match state.entries.entry(
                hash,
                |entry| entry.key == key,
                |entry| hasher.hash_one(&entry.key),
            ) {
                hashbrown::hash_table::Entry::Occupied(_) => {
                    return Err(serde::de::Error::custom("a key is saved twice"));
                }
                hashbrown::hash_table::Entry::Vacant(vacant) => {
                    vacant.insert(Entry {
                        key,
                        value,
                        touched,
                        sequence,
                    });
                }
            }
            state.touches = state.touches.max(sequence);
            marks.push(Mark {
                touched,
                sequence,
                hash,
            });
        }
        marks.sort();
        state.in_order = marks.into();
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_is_kept_per_key() {
        let mut state: KeyedState<String, u32> = KeyedState::new(10);
        *state.touch(&"a".into(), Timestamp(1), || 0) += 1;
        *state.touch(&"a".into(), Timestamp(2), || 0) += 1;
        *state.touch(&"b".into(), Timestamp(3), || 0) += 5;
        assert_eq!(state.get(&"a".into()), Some(&2));
        assert_eq!(state.get(&"b".into()), Some(&5));
    }

    #[test]
    fn expiry_hands_back_stale_keys_oldest_first() {
        let mut state: KeyedState<&str, u32> = KeyedState::new(10);
        state.touch(&"a", Timestamp(10), || 1);
        state.touch(&"b", Timestamp(20), || 2);
        state.touch(&"c", Timestamp(30), || 3);
        state.touch(&"a", Timestamp(40), || 0);
        let mut expired = Vec::new();
        state.expire_before(Timestamp(35), &mut |key, value| expired.push((key, value)));
        assert_eq!(expired, vec![("b", 2), ("c", 3)]);
        assert_eq!(state.len(), 1);
    }

    #[test]
    fn a_touch_within_the_slack_keeps_the_touch_order() {
        let mut state: KeyedState<String, u32> = KeyedState::new(10);
        *state.touch_within("a", Timestamp(0), 100, || 0) += 1;
        *state.touch_within("b", Timestamp(50), 100, || 0) += 1;
        // Within the slack: counted, but `a` still reads as touched at 0.
        *state.touch_within("a", Timestamp(90), 100, || 0) += 1;
        let mut expired = Vec::new();
        state.expire_before(Timestamp(10), &mut |key, value| expired.push((key, value)));
        assert_eq!(expired, vec![("a".to_owned(), 2)]);
        // Past the slack, a touch moves the key.
        *state.touch_within("b", Timestamp(200), 100, || 0) += 1;
        state.expire_before(Timestamp(100), &mut |key, value| expired.push((key, value)));
        assert_eq!(expired.len(), 1);
        assert_eq!(state.get(&"b".to_owned()), Some(&2));
    }

    #[test]
    fn a_million_distinct_keys_stay_within_the_bound() {
        let mut state: KeyedState<u32, u64> = KeyedState::new(1000);
        for key in 0..1_000_000u32 {
            state.touch(&key, Timestamp(i64::from(key)), || 0);
            assert!(state.len() <= 1000);
        }
        assert_eq!(state.len(), 1000);
        assert_eq!(state.evicted(), 999_000);
        assert!(state.get(&999_999).is_some());
        assert!(state.get(&0).is_none());
    }

    #[test]
    fn state_survives_serialisation() {
        let mut state: KeyedState<String, Vec<i64>> = KeyedState::new(3);
        state.touch(&"x".into(), Timestamp(5), Vec::new).push(5);
        let json = serde_json::to_string(&state).expect("serialises");
        let mut back: KeyedState<String, Vec<i64>> = serde_json::from_str(&json).expect("parses");
        back.touch(&"x".into(), Timestamp(6), Vec::new).push(6);
        assert_eq!(back.get(&"x".into()), Some(&vec![5, 6]));
    }

    #[test]
    fn an_older_touch_takes_its_place_in_the_order() {
        let mut state: KeyedState<&str, u32> = KeyedState::new(10);
        state.touch(&"late", Timestamp(50), || 1);
        state.touch(&"early", Timestamp(10), || 2);
        state.touch(&"middle", Timestamp(30), || 3);
        let expired = state.take_expired(Timestamp(40));
        assert_eq!(expired, vec![("early", 2), ("middle", 3)]);
        assert_eq!(state.take_all(), vec![("late", 1)]);
    }

    #[test]
    fn the_order_takes_memory_in_proportion_to_the_keys() {
        let mut state: KeyedState<u32, u32> = KeyedState::new(100);
        for touch in 0..100_000u32 {
            state.touch(&(touch % 3), Timestamp(i64::from(touch)), || 0);
            assert!(state.in_order.len() + state.out_of_order.len() <= 2 * 3 + 65);
        }
        assert_eq!(state.len(), 3);
    }

    #[test]
    fn a_restored_map_expires_in_the_saved_order() {
        let mut state: KeyedState<String, u32> = KeyedState::new(10);
        state.touch(&"b".into(), Timestamp(20), || 2);
        state.touch(&"a".into(), Timestamp(10), || 1);
        state.touch(&"c".into(), Timestamp(20), || 3);
        let json = serde_json::to_string(&state).expect("serialises");
        let mut back: KeyedState<String, u32> = serde_json::from_str(&json).expect("parses");
        back.touch(&"d".into(), Timestamp(5), || 4);
        assert_eq!(
            back.take_all(),
            vec![
                ("d".to_owned(), 4),
                ("a".to_owned(), 1),
                ("b".to_owned(), 2),
                ("c".to_owned(), 3)
            ]
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod model {
        use super::*;
        use proptest::prelude::*;

        /// The plain model: every key with its state, last touch and touch sequence.
        #[derive(Default)]
        struct Model {
            entries: Vec<(u8, u32, Timestamp, u64)>,
            touches: u64,
            evicted: u64,
        }

        impl Model {
            fn oldest(&self) -> Option<usize> {
                (0..self.entries.len()).min_by_key(|&i| (self.entries[i].2, self.entries[i].3))
            }

            fn touch(&mut self, key: u8, now: Timestamp, capacity: usize) -> &mut u32 {
                self.touches += 1;
                let sequence = self.touches;
                if let Some(i) = self.entries.iter().position(|entry| entry.0 == key) {
                    let entry = &mut self.entries[i];
                    entry.2 = entry.2.max(now);
                    entry.3 = sequence;
                    return &mut self.entries[i].1;
                }
                if self.entries.len() >= capacity
                    && let Some(i) = self.oldest()
                {
                    self.entries.remove(i);
                    self.evicted += 1;
                }
                self.entries.push((key, 0, now, sequence));
                let last = self.entries.len() - 1;
                &mut self.entries[last].1
            }

            fn expire_before(&mut self, cutoff: Timestamp) -> Vec<(u8, u32)> {
                let mut expired = Vec::new();
                while let Some(i) = self.oldest() {
                    if self.entries[i].2 >= cutoff {
                        break;
                    }
                    let (key, value, _, _) = self.entries.remove(i);
                    expired.push((key, value));
                }
                expired
            }
        }

        #[derive(Debug, Clone)]
        enum Step {
            Touch(u8, i64),
            Remove(u8),
            Expire(i64),
            SaveAndRestore,
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![
                6 => (0u8..12, 0i64..200).prop_map(|(key, time)| Step::Touch(key, time)),
                1 => (0u8..12).prop_map(Step::Remove),
                1 => (0i64..200).prop_map(Step::Expire),
                1 => Just(Step::SaveAndRestore),
            ]
        }

        proptest! {
            #[test]
            fn behaves_like_the_plain_model(
                capacity in 1usize..8,
                steps in proptest::collection::vec(step(), 0..200),
            ) {
                let mut state: KeyedState<u8, u32> = KeyedState::new(capacity);
                let mut model = Model::default();
                for step in steps {
                    match step {
                        Step::Touch(key, time) => {
                            *state.touch(&key, Timestamp(time), || 0) += 1;
                            *model.touch(key, Timestamp(time), capacity) += 1;
                        }
                        Step::Remove(key) => {
                            let expected = model
                                .entries
                                .iter()
                                .position(|entry| entry.0 == key)
                                .map(|i| model.entries.remove(i).1);
                            prop_assert_eq!(state.remove(&key), expected);
                        }
                        Step::Expire(cutoff) => {
                            prop_assert_eq!(
                                state.take_expired(Timestamp(cutoff)),
                                model.expire_before(Timestamp(cutoff))
                            );
                        }
                        Step::SaveAndRestore => {
                            let json = serde_json::to_string(&state).expect("serialises");
                            state = serde_json::from_str(&json).expect("parses");
                        }
                    }
                    prop_assert_eq!(state.len(), model.entries.len());
                    prop_assert_eq!(state.evicted(), model.evicted);
                    for (key, value, _, _) in &model.entries {
                        prop_assert_eq!(state.get(key), Some(value));
                    }
                }
                let mut rest = Vec::new();
                state.drain(&mut |key, value| rest.push((key, value)));
                prop_assert_eq!(rest, model.expire_before(Timestamp(i64::MAX)));
            }
        }
    }
}
