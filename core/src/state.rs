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
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// A bounded map from keys to per-key state, ordered by last touch for expiry and eviction.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "K: Serialize + Eq + Hash + Ord, V: Serialize",
    deserialize = "K: Deserialize<'de> + Eq + Hash + Ord + Clone, V: Deserialize<'de>"
))]
pub struct KeyedState<K, V> {
    capacity: usize,
    entries: HashMap<K, Entry<V>, RandomState>,
    /// Keys by (last touch, touch sequence): unique, so a touch moves its key out and back in
    /// without copying it. Saved as a list of `[time, sequence, key]`.
    #[serde(with = "touch_order")]
    by_touch: BTreeMap<(Timestamp, u64), K>,
    touches: u64,
    evicted: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry<V> {
    value: V,
    touched: Timestamp,
    sequence: u64,
}

impl<K: Eq + Hash + Ord + Clone, V> KeyedState<K, V> {
    /// A map of at most `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: HashMap::default(),
            by_touch: BTreeMap::new(),
            touches: 0,
            evicted: 0,
        }
    }

    /// The state of `key`, created with `create` if absent, marked as touched at `now`.
    /// Making room for a new key evicts the least recently touched one.
    pub fn touch(&mut self, key: &K, now: Timestamp, create: impl FnOnce() -> V) -> &mut V {
        self.touch_by(key, now, create)
    }

    /// Like [`KeyedState::touch`], looked up by a borrowed form of the key (`&str` for a
    /// `String` key): the key is copied only when it is new.
    pub fn touch_by<Q>(&mut self, key: &Q, now: Timestamp, create: impl FnOnce() -> V) -> &mut V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized + ToOwned<Owned = K>,
    {
        self.touches += 1;
        let sequence = self.touches;
        if self.entries.contains_key(key) {
            let Some(entry) = self.entries.get_mut(key) else {
                unreachable!("the key is present")
            };
            let owned = self
                .by_touch
                .remove(&(entry.touched, entry.sequence))
                .unwrap_or_else(|| key.to_owned());
            entry.touched = entry.touched.max(now);
            entry.sequence = sequence;
            self.by_touch.insert((entry.touched, sequence), owned);
            return &mut entry.value;
        }
        if self.entries.len() >= self.capacity {
            self.evict_oldest();
        }
        let owned = key.to_owned();
        self.by_touch.insert((now, sequence), owned.clone());
        &mut self
            .entries
            .entry(owned)
            .or_insert(Entry {
                value: create(),
                touched: now,
                sequence,
            })
            .value
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
        let fresh = self
            .entries
            .get(key)
            .is_some_and(|entry| now.millis() - entry.touched.millis() < slack_ms);
        if fresh {
            return match self.entries.get_mut(key) {
                Some(entry) => &mut entry.value,
                None => unreachable!("a fresh key is present"),
            };
        }
        self.touch_by(key, now, create)
    }

    /// The state of `key`, if present (not marked as touched).
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|entry| &entry.value)
    }

    /// The state of `key` to change, if present (not marked as touched: closing an episode by
    /// the clock is not activity).
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get_mut(key).map(|entry| &mut entry.value)
    }

    /// Removes `key`, returning its state.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let entry = self.entries.remove(key)?;
        self.by_touch.remove(&(entry.touched, entry.sequence));
        Some(entry.value)
    }

    /// Removes every key last touched before `cutoff`, handing each to `expired` (oldest
    /// first), so that a detector can close its episode.
    pub fn expire_before(&mut self, cutoff: Timestamp, expired: &mut dyn FnMut(K, V)) {
        while let Some(((touched, _), _)) = self.by_touch.first_key_value() {
            if *touched >= cutoff {
                break;
            }
            if let Some((_, key)) = self.by_touch.pop_first() {
                if let Some(entry) = self.entries.remove(&key) {
                    expired(key, entry.value);
                }
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
        while let Some((_, key)) = self.by_touch.pop_first() {
            if let Some(entry) = self.entries.remove(&key) {
                expired(key, entry.value);
            }
        }
    }

    fn evict_oldest(&mut self) {
        if let Some((_, key)) = self.by_touch.pop_first() {
            self.entries.remove(&key);
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
}

/// The touch order as saved: a list of `[time, sequence, key]`, oldest first (a map with tuple
/// keys has no JSON form).
mod touch_order {
    use super::Timestamp;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<K: Serialize, S: Serializer>(
        order: &BTreeMap<(Timestamp, u64), K>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            order
                .iter()
                .map(|((time, sequence), key)| (time, sequence, key)),
        )
    }

    pub fn deserialize<'de, K: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<(Timestamp, u64), K>, D::Error> {
        let list: Vec<(Timestamp, u64, K)> = Vec::deserialize(deserializer)?;
        Ok(list
            .into_iter()
            .map(|(time, sequence, key)| ((time, sequence), key))
            .collect())
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
}
