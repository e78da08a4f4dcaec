//! `email_enumeration`: one source asks Entra ID about many account names, and learns which
//! exist.
//!
//! **What.** Per source address, distinct account names whose sign-in failed with an
//! enumeration code (`codes`, default 50034 no such account, 50053 locked, 50055 expired
//! password, 50056 no password: the seed's four) reaching `threshold` (default 10) within any
//! sliding window of `window_minutes` (default 60). Verdict tiers as the seed's: at least
//! `high_confidence` (50) names "High Confidence Enumeration", at least `moderate` (20)
//! "Moderate Enumeration", otherwise "Low-Level Enumeration". Failures with 50034 whose
//! record names no account count too (`count_unnamed_probes`), one probe each: an
//! enumerator's names do not repeat, and Entra may log a name it does not know without it.
//!
//! **The yield.** Each code tells whether the account exists (50034: no; 50053, 50055, 50056,
//! 50126, 50057, 50074, 50076, 50079, 53003, 500121, 700016: yes). Failures with the other
//! existence codes from a source that is probing (a probe in the window) join the episode
//! without counting toward the threshold (AADInternals' *Login* method gets 50126 for every
//! account that exists), so the finding reports how many of the probed names exist, and
//! lists them: the attacker's target list for the spray that usually follows. (Wrong
//! passwords from sources that probe nothing keep no state here.)
//!
//! **Why.** T1589.002: before spraying or phishing, attackers validate harvested addresses
//! against the tenant. The seed (QRadar, 004 document) groups by address and clock hour.
//!
//! **Episodes.** An episode opens when the threshold is reached and takes in the probes
//! already in the window; it closes when the source has probed nothing for a window. One
//! finding per episode, made when it closes, with the tier of the busiest window.
//!
//! **False positives and what silences them.** ADFS or Entra proxies relaying many users,
//! identity lifecycle / ITSM platforms checking accounts from a service address
//! (`trusted_sources`, CIDR blocks or addresses: not tracked); shared VPN or NAT egress, where
//! people's own failures (expired passwords, lockouts, typos) add up: there the failures must
//! dominate. A name that signs in successfully from the same source during the episode is not
//! counted as probed, and the names that only failed must outnumber the accounts that signed
//! in from the source. Successes are counted from a source's first failure on.
//!
//! **Severity.** Low, medium and high by tier; one step higher (at most high) when at least
//! `yield_raise_at` (default 10) probed accounts turned out to exist.
//!
//! **Seed-compatible mode.** Exactly the seed: per address and clock hour, distinct named
//! accounts failing with 50034 / 50053 / 50055 / 50056, at least `threshold`; one finding per
//! address-hour with the seed's verdict; attempts count every matching record; no
//! suppression.

use super::aadsts::{self, code_name};
use super::window::{HOUR_MS, Tally, TimeWindow, Timed, clock_hour};
use super::{Detector, RECONNAISSANCE, StateSize, T1589_002};
use crate::config::{EngineConfig, Mode};
use crate::event::{Event, EventKind};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::net::IpRanges;
use crate::state::KeyedState;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;

/// The stable id.
pub const ID: &str = "email_enumeration";

/// The seed's codes.
pub const SEED_CODES: &[u32] = &[50034, 50053, 50055, 50056];

/// Names remembered per episode.
const MAX_NAMES: usize = 10_000;
/// Names listed per detail.
const LIST_CAP: usize = 100;

/// Settings of `email_enumeration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailEnumerationConfig {
    /// Distinct names probed in one window that fire. Default 10 (the seed's).
    pub threshold: usize,
    /// Names for "Moderate Enumeration". Default 20.
    pub moderate: usize,
    /// Names for "High Confidence Enumeration". Default 50.
    pub high_confidence: usize,
    /// The sliding window, and how long an episode stays open after its last probe, in
    /// minutes. Default 60.
    pub window_minutes: u32,
    /// Codes whose failures count as probes (default mode). Default the seed's four.
    pub codes: Vec<u32>,
    /// Count 50034 failures without an account name, one probe each. Default true.
    pub count_unnamed_probes: bool,
    /// Existing accounts found that raise the severity one step. Default 10.
    pub yield_raise_at: usize,
    /// Sources never tracked: identity proxies, ADFS, provisioning and ITSM systems.
    pub trusted_sources: IpRanges,
    /// Record ids kept as evidence per episode. Default 200.
    pub max_evidence: usize,
    /// Source addresses tracked at once. Default 100,000.
    pub max_keys: usize,
    /// Probes remembered per source within the window. Default 10,000.
    pub max_window_probes: usize,
}

impl Default for EmailEnumerationConfig {
    fn default() -> Self {
        Self {
            threshold: 10,
            moderate: 20,
            high_confidence: 50,
            window_minutes: 60,
            codes: SEED_CODES.to_vec(),
            count_unnamed_probes: true,
            yield_raise_at: 10,
            trusted_sources: IpRanges::default(),
            max_evidence: 200,
            max_keys: 100_000,
            max_window_probes: 10_000,
        }
    }
}

/// A failure from the source: a probe (counts toward the threshold) or an existence answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Probe {
    time: Timestamp,
    name: Option<String>,
    code: u32,
    record: Arc<str>,
    counts: bool,
}

impl Timed for Probe {
    fn time(&self) -> Timestamp {
        self.time
    }
}

/// A successful sign-in from the source.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Success {
    time: Timestamp,
    user: String,
}

impl Timed for Success {
    fn time(&self) -> Timestamp {
        self.time
    }
}

/// What the episode learned about one name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Name {
    counted: bool,
    exists: Option<bool>,
}

/// An episode (or, in seed-compatible mode, a clock hour).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Episode {
    first: Timestamp,
    last: Timestamp,
    names: BTreeMap<String, Name>,
    unnamed: u64,
    attempts: u64,
    codes: BTreeMap<u32, u64>,
    signed_in: BTreeSet<String>,
    peak: usize,
    evidence: Vec<String>,
}

impl Episode {
    fn new(time: Timestamp) -> Self {
        Self {
            first: time,
            last: time,
            names: BTreeMap::new(),
            unnamed: 0,
            attempts: 0,
            codes: BTreeMap::new(),
            signed_in: BTreeSet::new(),
            peak: 0,
            evidence: Vec::new(),
        }
    }

    fn add(&mut self, probe: &Probe, max_evidence: usize) {
        self.first = self.first.min(probe.time);
        self.last = self.last.max(probe.time);
        self.attempts += 1;
        *self.codes.entry(probe.code).or_insert(0) += 1;
        if self.evidence.len() < max_evidence {
            self.evidence.push(probe.record.to_string());
        }
        let Some(user) = &probe.name else {
            self.unnamed += 1;
            return;
        };
        if self.names.len() >= MAX_NAMES && !self.names.contains_key(user) {
            return;
        }
        let name = self.names.entry(user.clone()).or_default();
        name.counted |= probe.counts;
        match aadsts::existence(probe.code) {
            Some(true) => name.exists = Some(true),
            Some(false) if name.exists.is_none() => name.exists = Some(false),
            _ => {}
        }
    }

    fn sign_in(&mut self, success: &Success) {
        if self.signed_in.len() < MAX_NAMES {
            self.signed_in.insert(success.user.clone());
        }
    }
}

/// The per-source state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Source {
    probes: TimeWindow<Probe>,
    names: Tally<String>,
    unnamed: usize,
    successes: TimeWindow<Success>,
    episode: Option<Episode>,
    bucket: Option<i64>,
}

/// The verdict of a count, as the seed names it.
fn tier_of(config: &EmailEnumerationConfig, count: usize) -> (&'static str, Severity, Confidence) {
    if count >= config.high_confidence {
        (
            "High Confidence Enumeration",
            Severity::High,
            Confidence::High,
        )
    } else if count >= config.moderate {
        ("Moderate Enumeration", Severity::Medium, Confidence::Medium)
    } else {
        ("Low-Level Enumeration", Severity::Low, Confidence::Low)
    }
}

/// The detector.
#[derive(Debug, Clone)]
pub struct EmailEnumeration {
    config: EmailEnumerationConfig,
    mode: Mode,
    sources: KeyedState<IpAddr, Source>,
}

impl EmailEnumeration {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.email_enumeration.clone();
        Self {
            sources: KeyedState::new(settings.max_keys),
            mode: config.mode,
            config: settings,
        }
    }

    fn seed(&self) -> bool {
        self.mode == Mode::SeedCompatible
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.config.window_minutes.max(1)) * 60_000
    }

    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let cutoff = if self.seed() {
            Timestamp(clock_hour(now) * HOUR_MS)
        } else {
            Timestamp(now.millis() - self.window_ms())
        };
        for (ip, source) in self.sources.take_expired(cutoff) {
            if let Some(finding) = source.episode.and_then(|e| self.finding(ip, e)) {
                findings.push(finding);
            }
        }
    }

    fn observe_seed(&mut self, ip: IpAddr, probe: Probe, findings: &mut Vec<Finding>) {
        let max_evidence = self.config.max_evidence;
        let bucket = clock_hour(probe.time);
        let source = self.sources.touch(&ip, probe.time, Source::default);
        let mut closed = None;
        if source.bucket != Some(bucket) {
            closed = source.episode.take();
            source.bucket = Some(bucket);
        }
        let episode = source
            .episode
            .get_or_insert_with(|| Episode::new(probe.time));
        episode.add(&probe, max_evidence);
        episode.peak = episode.names.len();
        if let Some(finding) = closed.and_then(|e| self.finding(ip, e)) {
            findings.push(finding);
        }
    }

    fn observe_probe(&mut self, ip: IpAddr, probe: Probe, findings: &mut Vec<Finding>) {
        let window = self.window_ms();
        let cap = self.config.max_window_probes;
        let max_evidence = self.config.max_evidence;
        let threshold = self.config.threshold.max(1);
        let now = probe.time;
        if !probe.counts && self.sources.get(&ip).is_none() {
            return;
        }
        let source = self.sources.touch(&ip, now, Source::default);
        let closed = take_stale(source, now, window);
        let Source {
            probes,
            names,
            unnamed,
            successes,
            episode,
            ..
        } = source;
        let cutoff = Timestamp(now.millis() - window);
        probes.expire(cutoff, &mut |old: &Probe| forget(names, unnamed, old));
        successes.expire(cutoff, &mut |_| {});
        if probe.counts {
            match &probe.name {
                Some(name) => {
                    names.add(name);
                }
                None => *unnamed += 1,
            }
        }
        probes.push(probe, cap, &mut |old: &Probe| forget(names, unnamed, old));
        let count = names.distinct() + *unnamed;
        if let Some(episode) = episode.as_mut() {
            if let Some(latest) = probes.last() {
                episode.add(latest, max_evidence);
            }
        } else if count >= threshold {
            let mut opened = Episode::new(now);
            for probe in probes.iter() {
                opened.add(probe, max_evidence);
            }
            for success in successes.iter() {
                opened.sign_in(success);
            }
            *episode = Some(opened);
        }
        if let Some(episode) = episode.as_mut() {
            episode.peak = episode.peak.max(count);
        }
        if let Some(finding) = closed.and_then(|e| self.finding(ip, e)) {
            findings.push(finding);
        }
    }

    fn observe_success(&mut self, ip: IpAddr, success: Success, findings: &mut Vec<Finding>) {
        if self.sources.get(&ip).is_none() {
            return;
        }
        let window = self.window_ms();
        let cap = self.config.max_window_probes;
        let now = success.time;
        let source = self.sources.touch(&ip, now, Source::default);
        let closed = take_stale(source, now, window);
        source
            .successes
            .expire(Timestamp(now.millis() - window), &mut |_| {});
        if let Some(episode) = source.episode.as_mut() {
            episode.sign_in(&success);
        }
        source.successes.push(success, cap, &mut |_| {});
        if let Some(finding) = closed.and_then(|e| self.finding(ip, e)) {
            findings.push(finding);
        }
    }

    fn finding(&self, ip: IpAddr, episode: Episode) -> Option<Finding> {
        let config = &self.config;
        let seed = self.seed();
        let probed =
            |name: &str, entry: &Name| entry.counted && (seed || !episode.signed_in.contains(name));
        let named = episode
            .names
            .iter()
            .filter(|(name, entry)| probed(name, entry))
            .count();
        let unnamed = if seed {
            0
        } else {
            usize::try_from(episode.unnamed).unwrap_or(usize::MAX)
        };
        let distinct = named + unnamed;
        if distinct < config.threshold.max(1) {
            return None;
        }
        let failed_only = episode
            .names
            .keys()
            .filter(|name| !episode.signed_in.contains(*name))
            .count()
            + unnamed;
        if !seed && failed_only <= episode.signed_in.len() {
            return None;
        }
        let tier_count = if seed {
            distinct
        } else {
            episode.peak.min(distinct)
        };
        let (verdict, mut severity, confidence) = tier_of(config, tier_count);
        let existing: Vec<&str> = episode
            .names
            .iter()
            .filter(|(name, entry)| {
                entry.exists == Some(true) && !episode.signed_in.contains(*name)
            })
            .map(|(name, _)| name.as_str())
            .collect();
        let nonexistent = episode
            .names
            .values()
            .filter(|entry| entry.exists == Some(false))
            .count();
        let answered = existing.len() + nonexistent;
        if existing.len() >= config.yield_raise_at.max(1) {
            severity = match severity {
                Severity::Low | Severity::Informational => Severity::Medium,
                _ => Severity::High,
            };
        }
        let yield_share = if answered == 0 {
            0.0
        } else {
            existing.len() as f64 / answered as f64
        };
        let source = ip.to_string();
        let when = if seed {
            "in one clock hour".to_owned()
        } else {
            format!("within {} minutes", config.window_minutes)
        };
        let codes: BTreeMap<String, u64> = episode
            .codes
            .iter()
            .map(|(code, count)| (code_name(*code), *count))
            .collect();
        Some(Finding {
            id: format!("{ID}/{source}/{}", episode.first.millis()),
            detection: ID.into(),
            technique: T1589_002.into(),
            tactic: RECONNAISSANCE.into(),
            severity,
            confidence,
            entity: Entity {
                kind: EntityKind::Ip,
                value: source.clone(),
            },
            first_seen: episode.first,
            last_seen: episode.last,
            summary: format!(
                "{verdict}: {source} probed {distinct} account names {when}; {} of the {answered} answered exist",
                existing.len()
            ),
            details: json!({
                "verdict": verdict,
                "mode": self.mode,
                "distinct_usernames": distinct,
                "unnamed_probes": unnamed,
                "peak_in_window": tier_count,
                "attempts": episode.attempts,
                "codes": codes,
                "accounts_answered": answered,
                "existing_accounts": existing.len(),
                "existing_accounts_sample": existing.iter().take(LIST_CAP).collect::<Vec<_>>(),
                "nonexistent_accounts": nonexistent,
                "yield_share": (yield_share * 1000.0).round() / 1000.0,
                "signed_in_accounts": episode.signed_in.len(),
                "threshold": config.threshold,
                "window_minutes": if seed { 60 } else { config.window_minutes },
                "related_techniques": ["T1087.004"],
            }),
            evidence: episode.evidence,
        })
    }
}

/// Takes a probe out of the window's counts.
fn forget(names: &mut Tally<String>, unnamed: &mut usize, old: &Probe) {
    if !old.counts {
        return;
    }
    match &old.name {
        Some(name) => {
            names.remove(name);
        }
        None => *unnamed = unnamed.saturating_sub(1),
    }
}

/// Takes the source's episode when it is a whole window past its last probe.
fn take_stale(source: &mut Source, now: Timestamp, window: i64) -> Option<Episode> {
    let last_probe = source.probes.last().map(Timed::time);
    let stale = source.episode.is_some()
        && last_probe.is_none_or(|last| now.millis() - last.millis() > window);
    if stale { source.episode.take() } else { None }
}

impl Detector for EmailEnumeration {
    fn id(&self) -> &'static str {
        ID
    }

    fn reads(&self, event: &Event) -> bool {
        matches!(event.kind, EventKind::SignIn(_))
    }

    fn advance(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        self.expire(now, findings);
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.expire(event.time, findings);
        let EventKind::SignIn(sign_in) = &event.kind else {
            return;
        };
        let Some(ip) = event.ip else {
            return;
        };
        let seed = self.seed();
        if !seed && self.config.trusted_sources.contains(&ip) {
            return;
        }
        let code = sign_in.error_code;
        if sign_in.succeeded() {
            // Only sources that probed recently keep successes: most sign-ins succeed, so the
            // check comes before the copy.
            if let (false, Some(user)) = (seed, event.user.as_deref()) {
                if self.sources.get(&ip).is_some() {
                    let success = Success {
                        time: event.time,
                        user: user.to_owned(),
                    };
                    self.observe_success(ip, success, findings);
                }
            }
            return;
        }
        let name = event.user.clone();
        let counts = if seed {
            SEED_CODES.contains(&code)
        } else {
            self.config.codes.contains(&code)
                && (name.is_some()
                    || (code == aadsts::NOT_FOUND && self.config.count_unnamed_probes))
        };
        if !counts && (seed || name.is_none() || aadsts::existence(code).is_none()) {
            return;
        }
        let probe = Probe {
            time: event.time,
            name,
            code,
            record: event.record_id.clone(),
            counts,
        };
        if seed {
            self.observe_seed(ip, probe, findings);
        } else {
            self.observe_probe(ip, probe, findings);
        }
    }

    fn finish(&mut self, findings: &mut Vec<Finding>) {
        for (ip, source) in self.sources.take_all() {
            if let Some(finding) = source.episode.and_then(|e| self.finding(ip, e)) {
                findings.push(finding);
            }
        }
    }

    fn state_size(&self) -> StateSize {
        StateSize::of(&self.sources)
    }

    fn save(&self) -> serde_json::Value {
        serde_json::to_value(&self.sources).unwrap_or(serde_json::Value::Null)
    }

    fn load(&mut self, state: serde_json::Value) -> Result<(), String> {
        self.sources = serde_json::from_value(state).map_err(|error| error.to_string())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogSource, SignIn};

    const MINUTE: i64 = 60_000;
    const START: i64 = 1_741_046_400_000; // 2025-03-04T00:00:00Z
    const PROBER: &str = "203.0.113.77";

    fn sign_in(id: &str, ms: i64, ip: &str, user: Option<&str>, code: u32) -> Event {
        Event {
            record_id: id.into(),
            time: Timestamp(START + ms),
            user: user.map(str::to_owned),
            ip: ip.parse().ok(),
            source: LogSource::EntraSignIn,
            kind: EventKind::SignIn(SignIn {
                error_code: code,
                client_app: Some("Other clients".into()),
                ..SignIn::default()
            }),
        }
    }

    /// `count` probes of distinct names with `code`, `spacing` apart from `offset`.
    fn probes(
        ip: &str,
        prefix: &str,
        count: usize,
        code: u32,
        spacing: i64,
        offset: i64,
    ) -> Vec<Event> {
        (0..count)
            .map(|i| {
                let user = format!("{prefix}{i}@contoso.com");
                sign_in(
                    &format!("{prefix}-{offset}-{i}"),
                    offset + i as i64 * spacing,
                    ip,
                    Some(&user),
                    code,
                )
            })
            .collect()
    }

    fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
        let mut sorted = events.to_vec();
        sorted.sort_by_key(|event| event.time);
        let mut detector = EmailEnumeration::new(config);
        let mut findings = Vec::new();
        for event in &sorted {
            detector.observe(event, &mut findings);
        }
        detector.finish(&mut findings);
        findings
    }

    fn seed_config() -> EngineConfig {
        EngineConfig {
            mode: Mode::SeedCompatible,
            ..EngineConfig::default()
        }
    }

    #[test]
    fn tiers_follow_the_seed() {
        for (count, verdict, severity) in [
            (12, "Low-Level Enumeration", Severity::Low),
            (25, "Moderate Enumeration", Severity::Medium),
            (55, "High Confidence Enumeration", Severity::High),
        ] {
            let findings = run(
                &EngineConfig::default(),
                &probes(PROBER, "n", count, 50034, 30_000, 0),
            );
            assert_eq!(findings.len(), 1, "{count}");
            let finding = &findings[0];
            assert_eq!(finding.details["verdict"], verdict);
            assert_eq!(finding.details["distinct_usernames"], count);
            assert_eq!(finding.details["nonexistent_accounts"], count);
            assert_eq!(finding.details["existing_accounts"], 0);
            assert_eq!(finding.severity, severity);
            assert_eq!(finding.technique, "T1589.002");
            assert_eq!(finding.entity.value, PROBER);
        }
        assert!(
            run(
                &EngineConfig::default(),
                &probes(PROBER, "n", 9, 50034, MINUTE, 0)
            )
            .is_empty()
        );
    }

    #[test]
    fn the_yield_names_the_accounts_that_exist() {
        // AADInternals' Login method: 50034 for names that do not exist, 50126 for those that do.
        let mut events = probes(PROBER, "ghost", 30, 50034, 20_000, 0);
        events.extend(probes(PROBER, "staff", 15, 50126, 20_000, 10_000));
        events.push(sign_in(
            "locked",
            5 * MINUTE,
            PROBER,
            Some("ceo@contoso.com"),
            50053,
        ));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        let details = &findings[0].details;
        assert_eq!(
            details["distinct_usernames"], 31,
            "50126 answers do not count as probes"
        );
        assert_eq!(details["verdict"], "Moderate Enumeration");
        assert_eq!(details["existing_accounts"], 16);
        assert_eq!(details["nonexistent_accounts"], 30);
        assert_eq!(details["accounts_answered"], 46);
        let sample: Vec<&str> = details["existing_accounts_sample"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert!(sample.contains(&"ceo@contoso.com") && sample.contains(&"staff3@contoso.com"));
        assert_eq!(
            findings[0].severity,
            Severity::High,
            "moderate, raised by the yield"
        );
        assert_eq!(findings[0].evidence.len(), 46);
    }

    #[test]
    fn a_pure_password_spray_is_not_enumeration() {
        assert!(
            run(
                &EngineConfig::default(),
                &probes(PROBER, "staff", 30, 50126, MINUTE, 0)
            )
            .is_empty()
        );
    }

    #[test]
    fn probes_without_a_name_or_with_a_plain_name_count() {
        let mut events: Vec<Event> = (0..6)
            .map(|i| sign_in(&format!("u{i}"), i * MINUTE, PROBER, None, 50034))
            .collect();
        events.extend((0..4).map(|i| {
            sign_in(
                &format!("p{i}"),
                10 * MINUTE + i,
                PROBER,
                Some(&format!("guess{i}")),
                50034,
            )
        }));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["unnamed_probes"], 6);
        assert_eq!(findings[0].details["distinct_usernames"], 10);
        assert!(
            run(&seed_config(), &events).is_empty(),
            "the seed's COUNT(DISTINCT) skips no name"
        );
    }

    #[test]
    fn seed_compatible_mode_is_the_seed_query() {
        // 25 names in 00:00-00:25, 12 in 01:00-01:12, a burst across 05:00, and 50126s.
        let mut events = probes(PROBER, "a", 25, 50055, MINUTE, 0);
        events.extend(probes(PROBER, "b", 12, 50056, MINUTE, 60 * MINUTE));
        events.extend(probes(PROBER, "c", 12, 50034, 2 * MINUTE, 289 * MINUTE));
        events.extend(probes(PROBER, "d", 12, 50126, MINUTE, 8 * 60 * MINUTE));
        let findings = run(&seed_config(), &events);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].details["verdict"], "Moderate Enumeration");
        assert_eq!(findings[0].details["attempts"], 25);
        assert_eq!(findings[0].first_seen, Timestamp(START));
        assert_eq!(findings[0].last_seen, Timestamp(START + 24 * MINUTE));
        assert_eq!(findings[1].details["verdict"], "Low-Level Enumeration");
        assert_eq!(findings[1].first_seen, Timestamp(START + 60 * MINUTE));
        // The sliding window joins the first two hours into one episode, and sees the burst
        // across 05:00 that the clock hours split.
        let default = run(&EngineConfig::default(), &events);
        assert_eq!(default.len(), 2);
        assert_eq!(default[0].details["distinct_usernames"], 37);
        assert_eq!(default[1].first_seen, Timestamp(START + 289 * MINUTE));
        assert_eq!(default[1].details["distinct_usernames"], 12);
    }

    #[test]
    fn adfs_proxies_and_provisioning_systems_in_trusted_sources_are_silent() {
        let mut config = EngineConfig::default();
        config.detections.email_enumeration.trusted_sources =
            IpRanges::parse(&["192.0.2.10", "10.20.0.0/16"]).expect("valid");
        // An ITSM platform checking 60 new hires' accounts from its service address.
        assert!(run(&config, &probes("10.20.4.4", "hire", 60, 50034, 10_000, 0)).is_empty());
        // The ADFS server relaying lockouts and expired passwords of many users.
        assert!(
            run(
                &config,
                &probes("192.0.2.10", "staff", 40, 50053, 30_000, 0)
            )
            .is_empty()
        );
        assert_eq!(
            run(
                &config,
                &probes("192.0.2.11", "staff", 40, 50053, 30_000, 0)
            )
            .len(),
            1
        );
    }

    #[test]
    fn an_unlisted_proxy_or_shared_egress_where_people_sign_in_is_silent() {
        // Many people sign in through one egress; a dozen hit expired passwords, lockouts or
        // typos in their name, and most then get in.
        let ip = "192.0.2.30";
        let mut events = Vec::new();
        for i in 0..150 {
            events.push(sign_in(
                &format!("ok{i}"),
                i * 20_000,
                ip,
                Some(&format!("person{i}@contoso.com")),
                0,
            ));
        }
        for (i, code) in [50055, 50053, 50034, 50056]
            .iter()
            .cycle()
            .take(14)
            .enumerate()
        {
            let user = format!("person{}@contoso.com", i * 7);
            events.push(sign_in(
                &format!("bad{i}"),
                i as i64 * 3 * MINUTE + 1,
                ip,
                Some(&user),
                *code,
            ));
        }
        assert!(run(&EngineConfig::default(), &events).is_empty());
    }

    #[test]
    fn names_that_then_sign_in_from_the_source_are_not_probes() {
        // Twelve people with expired passwords change them and sign in from the same address.
        let ip = "192.0.2.40";
        let mut events = probes(ip, "p", 12, 50055, MINUTE, 0);
        events.extend((0..12).map(|i| {
            sign_in(
                &format!("new{i}"),
                30 * MINUTE + i,
                ip,
                Some(&format!("p{i}@contoso.com")),
                0,
            )
        }));
        assert!(run(&EngineConfig::default(), &events).is_empty());
        assert_eq!(
            run(&seed_config(), &events).len(),
            1,
            "the seed counts them"
        );
    }

    #[test]
    fn state_saved_midway_gives_the_same_findings() {
        let mut events = probes(PROBER, "ghost", 30, 50034, 20_000, 0);
        events.extend(probes(PROBER, "staff", 15, 50126, 20_000, 10_000));
        events.sort_by_key(|event| event.time);
        let whole = run(&EngineConfig::default(), &events);
        let mut first = EmailEnumeration::new(&EngineConfig::default());
        let mut findings = Vec::new();
        for event in &events[..20] {
            first.observe(event, &mut findings);
        }
        let mut second = EmailEnumeration::new(&EngineConfig::default());
        second.load(first.save()).expect("loads");
        for event in &events[20..] {
            second.observe(event, &mut findings);
        }
        second.finish(&mut findings);
        assert_eq!(findings, whole);
    }
}
