//! `credential_spray`: one source tries passwords against many accounts (spraying) or many
//! passwords against one account (guessing), and what it got.
//!
//! **What.** Failed sign-ins from one source address, in two tiers:
//! - **spray**: at least `spray_min_users` (default 10) distinct accounts, each tried at most
//!   `spray_max_attempts_per_user` (default 3) times, within any sliding window of
//!   `window_minutes` (default 60): many accounts, few tries each, as spray tools pace
//!   themselves under Smart Lockout;
//! - **guessing**: at least `guess_min_attempts` (default 20) attempts against one account
//!   within `guess_window_minutes` (default 15).
//!
//! Failures counted (`failure_codes`): 50126 wrong password, 50055 expired password, 50056 no
//! cloud password, 50053 lockout, 50057 disabled, 50034 no such account (counts toward a
//! spray and is reported apart), 50074 / 50076 / 50079 / 53003 / 500121 (the password was
//! **right**: MFA or Conditional Access stopped the sign-in), 700016 (the credential oracle of
//! the password grant with a made-up client id), and failures whose export names no code
//! (`count_unknown_failures`). Interrupts of a normal flow (50140 keep-me-signed-in, 50125,
//! 50072, 50097, 50158, 16000, ...) and every other code are not counted.
//!
//! **Why.** Spraying (T1110.003) and guessing (T1110.001) are how most Microsoft 365 mailboxes
//! are taken over (T1586.002); the seeds' test 2 sprays Exchange Web Services and Outlook over
//! Basic authentication and expects 50126 / 50055 from the executing machine's address.
//!
//! **Episodes.** Keyed by source address (at most `max_keys`). An episode opens when a tier's
//! condition first holds and takes in the attempts already in the window; every later attempt
//! from the source joins it, and it closes when the source has made no counted attempt for
//! `window_minutes`. A **successful sign-in from the same source for an account after its
//! failures** joins the episode while it is open (so a success arriving up to
//! `window_minutes` after the last failure still counts): the password was found. One finding
//! per episode, made when it closes. The same attempt exported twice, by the sign-in log and
//! by the audit log (`UserLoginFailed`), counts once: same account, code and source within
//! two seconds, one from each log. Its details name the accounts whose password was found
//! (`compromised_accounts`) and the `source_ip`: `thread_hijack` reads them as a compromise
//! signal.
//!
//! **Shared egress (NAT, VPN, identity proxies).** Many people behind one address mistype
//! passwords, and each mistake looks like one attempt against one account. What sets a spray
//! apart is that its accounts fail and stay failed, while people get in on the next try and
//! their colleagues sign in from the same address all along. So the spray tier holds only when
//! the accounts that **only failed** from the source outnumber the accounts that **signed in
//! successfully** from it during the episode (password-found accounts included: a source
//! whose failures are mostly followed by successes is an egress, not a sprayer). Successes are
//! counted from the first failure of a source on (a source with no failure keeps no state).
//! Addresses in `trusted_sources` (ADFS servers, identity proxies, provisioning hosts; CIDR
//! blocks or addresses) are not tracked at all. Guessing is not weighed against successes: a
//! guesser behind a busy egress is still a guesser.
//!
//! **Severity.** Medium; high when legacy (Basic) clients or the password grant (ROPC) made
//! the attempts, when accounts were locked out (50053), or when the source learned that a
//! password was right (MFA / Conditional Access codes, 50055 expired, 700016); **critical**
//! when a sprayed or guessed account then signed in successfully from the source.
//!
//! **Seed-compatible mode.** Per source address and clock hour, failures with 50126 or 50055
//! against at least `threshold` (default 10, the enumeration seed's lowest tier) distinct
//! accounts: one finding per address-hour, no success joining, no suppression.
//!
//! **Known false positives.** A device with a stale password retrying one account (guessing
//! tier: the user, not an attacker; it precedes a lockout); load tests; a shared egress whose
//! people fail more often than they succeed (put it in `trusted_sources`).

use super::aadsts::{self, code_name, legacy_or_ropc};
use super::window::{TimeWindow, Timed, clock_hour, insert_capped};
use super::{Detector, RESOURCE_DEVELOPMENT, StateSize, T1586_002};
use crate::config::{EngineConfig, Mode};
use crate::decode::signin::UNKNOWN_FAILURE_CODE;
use crate::event::{Event, EventKind, SignIn, SignInLog};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::net::IpRanges;
use crate::state::KeyedState;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

/// The stable id.
pub const ID: &str = "credential_spray";

/// Codes the seed's spray branch counts (Atomic test 2: 50126 and 50055).
pub const SEED_CODES: &[u32] = &[aadsts::INVALID_PASSWORD, aadsts::EXPIRED_PASSWORD];

/// Accounts remembered per episode; beyond this, attempts against new accounts are counted
/// but not told apart.
const MAX_ACCOUNTS: usize = 10_000;
/// Values listed per detail (accounts, user agents, applications).
const LIST_CAP: usize = 100;
/// User agents and application names kept per episode.
const AGENT_CAP: usize = 20;
/// User agents and application names told apart per source in the window.
const LABEL_CAP: usize = 64;

/// Settings of `credential_spray`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CredentialSprayConfig {
    /// Seed-compatible mode: distinct accounts failing with 50126 / 50055 from one address in
    /// one clock hour that fire. Default 10.
    pub threshold: usize,
    /// Spray tier: distinct accounts (each tried at most `spray_max_attempts_per_user` times)
    /// in one window. Default 10.
    pub spray_min_users: usize,
    /// Spray tier: the most attempts an account may see and still count as sprayed. Default 3.
    pub spray_max_attempts_per_user: u32,
    /// The sliding window of the spray tier, and how long an episode stays open after its
    /// last failure, in minutes. Default 60.
    pub window_minutes: u32,
    /// Guessing tier: attempts against one account in `guess_window_minutes`. Default 20.
    pub guess_min_attempts: u32,
    /// Guessing tier's window, in minutes (at most `window_minutes`). Default 15.
    pub guess_window_minutes: u32,
    /// AADSTS codes counted as attempts (see the module documentation).
    pub failure_codes: Vec<u32>,
    /// Count failures whose export gives no code (the portal's `Failure`). Default true.
    pub count_unknown_failures: bool,
    /// Sources never tracked: ADFS servers, identity proxies, provisioning hosts (CIDR blocks
    /// or addresses).
    pub trusted_sources: IpRanges,
    /// Record ids kept as evidence per episode. Default 200.
    pub max_evidence: usize,
    /// Source addresses tracked at once. Default 100,000.
    pub max_keys: usize,
    /// Attempts remembered per source within the window. Default 10,000.
    pub max_window_attempts: usize,
}

impl Default for CredentialSprayConfig {
    fn default() -> Self {
        Self {
            threshold: 10,
            spray_min_users: 10,
            spray_max_attempts_per_user: 3,
            window_minutes: 60,
            guess_min_attempts: 20,
            guess_window_minutes: 15,
            failure_codes: vec![
                50126, 50055, 50056, 50053, 50057, 50034, 50074, 50076, 50079, 53003, 500121,
                700016,
            ],
            count_unknown_failures: true,
            trusted_sources: IpRanges::default(),
            max_evidence: 200,
            max_keys: 100_000,
            max_window_attempts: 10_000,
        }
    }
}

/// One counted failure, as remembered in the window.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Attempt {
    time: Timestamp,
    user: String,
    code: u32,
    record: Arc<str>,
    legacy: bool,
    /// Recorded by the audit log (`UserLoginFailed`) rather than the sign-in log.
    audit_log: bool,
    /// Already recognised as the other log's record of the same attempt.
    paired: bool,
    /// The user agent and the application, as indices into the source's labels.
    agent: Option<u8>,
    app: Option<u8>,
}

impl Timed for Attempt {
    fn time(&self) -> Timestamp {
        self.time
    }
}

/// A successful sign-in, as remembered in the window.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Success {
    time: Timestamp,
    user: String,
    record: Arc<str>,
}

impl Timed for Success {
    fn time(&self) -> Timestamp {
        self.time
    }
}

/// What one account saw from the source during an episode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Account {
    attempts: u32,
    first_failure: Option<Timestamp>,
    /// MFA or Conditional Access stopped a sign-in whose password was right.
    password_correct: bool,
    expired: bool,
    oracle: bool,
    locked: bool,
    not_found: bool,
    guessed: bool,
    /// The successful sign-in after the failures.
    signed_in: Option<Timestamp>,
}

/// An episode in progress (or, in seed-compatible mode, one clock hour).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Episode {
    first: Timestamp,
    last: Timestamp,
    last_failure: Timestamp,
    spray: bool,
    guessing: bool,
    attempts: u64,
    legacy: u64,
    codes: BTreeMap<u32, u64>,
    accounts: BTreeMap<String, Account>,
    untracked_attempts: u64,
    other_successes: BTreeSet<String>,
    agents: BTreeSet<String>,
    apps: BTreeSet<String>,
    evidence: Vec<String>,
    success_evidence: Vec<String>,
    peak_users: usize,
}

impl Episode {
    fn new(time: Timestamp) -> Self {
        Self {
            first: time,
            last: time,
            last_failure: time,
            spray: false,
            guessing: false,
            attempts: 0,
            legacy: 0,
            codes: BTreeMap::new(),
            accounts: BTreeMap::new(),
            untracked_attempts: 0,
            other_successes: BTreeSet::new(),
            agents: BTreeSet::new(),
            apps: BTreeSet::new(),
            evidence: Vec::new(),
            success_evidence: Vec::new(),
            peak_users: 0,
        }
    }

    fn add_attempt(
        &mut self,
        attempt: &Attempt,
        (agent, app): (Option<&str>, Option<&str>),
        max_evidence: usize,
    ) {
        self.first = self.first.min(attempt.time);
        self.last = self.last.max(attempt.time);
        self.last_failure = self.last_failure.max(attempt.time);
        self.attempts += 1;
        self.legacy += u64::from(attempt.legacy);
        *self.codes.entry(attempt.code).or_insert(0) += 1;
        if let Some(agent) = agent {
            insert_capped(&mut self.agents, agent, AGENT_CAP);
        }
        if let Some(app) = app {
            insert_capped(&mut self.apps, app, AGENT_CAP);
        }
        if self.evidence.len() < max_evidence {
            self.evidence.push(attempt.record.to_string());
        }
        if self.accounts.len() >= MAX_ACCOUNTS && !self.accounts.contains_key(&attempt.user) {
            self.untracked_attempts += 1;
            return;
        }
        let account = self.accounts.entry(attempt.user.clone()).or_default();
        account.attempts += 1;
        account.first_failure = Some(
            account
                .first_failure
                .map_or(attempt.time, |first| first.min(attempt.time)),
        );
        match attempt.code {
            aadsts::EXPIRED_PASSWORD => account.expired = true,
            aadsts::APP_NOT_FOUND => account.oracle = true,
            aadsts::LOCKED => account.locked = true,
            aadsts::NOT_FOUND => account.not_found = true,
            code if aadsts::password_correct(code) => account.password_correct = true,
            _ => {}
        }
    }

    /// A success from the source: the password found when the account failed before it,
    /// someone else signing in otherwise.
    fn add_success(&mut self, success: &Success) {
        if let Some(account) = self.accounts.get_mut(&success.user) {
            if account.signed_in.is_none()
                && account
                    .first_failure
                    .is_some_and(|first| first <= success.time)
            {
                account.signed_in = Some(success.time);
                self.last = self.last.max(success.time);
                if self.success_evidence.len() < LIST_CAP {
                    self.success_evidence.push(success.record.to_string());
                }
                return;
            }
            if account.signed_in.is_some() {
                return;
            }
        }
        insert_capped(&mut self.other_successes, &success.user, MAX_ACCOUNTS);
    }

    fn accounts_where(&self, test: impl Fn(&Account) -> bool) -> Vec<&str> {
        self.accounts
            .iter()
            .filter(|(_, account)| test(account))
            .map(|(user, _)| user.as_str())
            .take(LIST_CAP)
            .collect()
    }

    fn count_where(&self, test: impl Fn(&Account) -> bool) -> usize {
        self.accounts
            .values()
            .filter(|account| test(account))
            .count()
    }
}

/// The per-source state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Source {
    attempts: TimeWindow<Attempt>,
    counts: Counts,
    /// User agents and applications of the attempts, told apart by index.
    labels: Vec<String>,
    successes: TimeWindow<Success>,
    episode: Option<Episode>,
    bucket: Option<i64>,
}

/// Counts over a source's window of attempts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Counts {
    /// Per account: attempts in the window, and in the guessing window.
    per_user: HashMap<String, (u32, u32), foldhash::fast::RandomState>,
    /// Accounts in the window tried at least once and at most the spray maximum.
    few: usize,
    /// How many of the oldest attempts are past the (shorter) guessing window.
    past_guessing: usize,
}

impl Counts {
    /// Counts a new attempt of `user`; returns its attempts in the guessing window.
    fn add(&mut self, user: &String, max_few: u32) -> u32 {
        let counts = match self.per_user.get_mut(user) {
            Some(counts) => counts,
            None => self.per_user.entry(user.clone()).or_default(),
        };
        counts.0 += 1;
        counts.1 += 1;
        if counts.0 == 1 {
            self.few += 1;
        } else if counts.0 == max_few + 1 {
            self.few -= 1;
        }
        counts.1
    }

    /// Takes the oldest attempt in the window, one of `user`'s, out of the counts.
    fn forget(&mut self, user: &String, max_few: u32) {
        let guessing = self.past_guessing == 0;
        self.past_guessing = self.past_guessing.saturating_sub(1);
        let Some(counts) = self.per_user.get_mut(user) else {
            return;
        };
        counts.0 = counts.0.saturating_sub(1);
        if guessing {
            counts.1 = counts.1.saturating_sub(1);
        }
        if counts.0 == 0 {
            self.few = self.few.saturating_sub(1);
            self.per_user.remove(user);
        } else if counts.0 == max_few {
            self.few += 1;
        }
    }

    /// The oldest attempt in the guessing window, one of `user`'s, leaves it.
    fn leave_guessing(&mut self, user: &String) {
        if let Some(counts) = self.per_user.get_mut(user) {
            counts.1 = counts.1.saturating_sub(1);
        }
        self.past_guessing += 1;
    }

    /// Accounts in the window.
    fn distinct(&self) -> usize {
        self.per_user.len()
    }
}

/// The detector.
#[derive(Debug, Clone)]
pub struct CredentialSpray {
    config: CredentialSprayConfig,
    mode: Mode,
    sources: KeyedState<IpAddr, Source>,
}

impl CredentialSpray {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.credential_spray.clone();
        Self {
            sources: KeyedState::new(settings.max_keys),
            mode: config.mode,
            config: settings,
        }
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.config.window_minutes.max(1)) * 60_000
    }

    fn guess_window_ms(&self) -> i64 {
        i64::from(self.config.guess_window_minutes.max(1)) * 60_000
    }

    fn seed(&self) -> bool {
        self.mode == Mode::SeedCompatible
    }

    /// True when the failure is one this mode counts.
    fn counted(&self, code: u32) -> bool {
        if self.seed() {
            SEED_CODES.contains(&code)
        } else if code == UNKNOWN_FAILURE_CODE {
            self.config.count_unknown_failures
        } else {
            self.config.failure_codes.contains(&code)
        }
    }

    /// Closes what has gone quiet: episodes a window past their last failure, clock hours
    /// that have ended.
    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let cutoff = if self.seed() {
            Timestamp(clock_hour(now) * super::window::HOUR_MS)
        } else {
            Timestamp(now.millis() - self.window_ms().max(self.guess_window_ms()))
        };
        for (ip, source) in self.sources.take_expired(cutoff) {
            if let Some(finding) = source.episode.and_then(|e| self.finding(ip, e)) {
                findings.push(finding);
            }
        }
    }

    fn observe_seed(
        &mut self,
        ip: IpAddr,
        attempt: Attempt,
        labels: (Option<&str>, Option<&str>),
        findings: &mut Vec<Finding>,
    ) {
        let max_evidence = self.config.max_evidence;
        let bucket = clock_hour(attempt.time);
        let source = self.sources.touch(&ip, attempt.time, Source::default);
        let mut closed = None;
        if source.bucket != Some(bucket) {
            closed = source.episode.take();
            source.bucket = Some(bucket);
        }
        let episode = source
            .episode
            .get_or_insert_with(|| Episode::new(attempt.time));
        episode.spray = true;
        episode.add_attempt(&attempt, labels, max_evidence);
        episode.peak_users = episode.accounts.len();
        if let Some(finding) = closed.and_then(|e| self.finding(ip, e)) {
            findings.push(finding);
        }
    }

    fn observe_attempt(
        &mut self,
        ip: IpAddr,
        attempt: Attempt,
        labels: (Option<&str>, Option<&str>),
        findings: &mut Vec<Finding>,
    ) {
        let window = self.window_ms();
        let guess_window = self.guess_window_ms().min(window);
        let max_few = self.config.spray_max_attempts_per_user.max(1);
        let cap = self.config.max_window_attempts;
        let max_evidence = self.config.max_evidence;
        let (spray_min, guess_min) = (
            self.config.spray_min_users.max(1),
            self.config.guess_min_attempts.max(1),
        );
        let now = attempt.time;
        let source = self.sources.touch(&ip, now, Source::default);
        let closed = take_stale(source, now, window);
        source.forget_before(Timestamp(now.millis() - window), max_few);
        source
            .successes
            .expire(Timestamp(now.millis() - window), &mut |_| {});
        source.leave_guessing(Timestamp(now.millis() - guess_window));
        if source.attempts.is_empty() {
            source.labels.clear();
        }
        if source.pair_with_other_log(&attempt) {
            // Counted already; a pair is never more than seconds apart, so nothing closed.
            findings.extend(closed.and_then(|e| self.finding(ip, e)));
            return;
        }

        let guess_count = source.counts.add(&attempt.user, max_few);
        let user = attempt.user.clone();
        let attempt = Attempt {
            agent: intern(&mut source.labels, labels.0),
            app: intern(&mut source.labels, labels.1),
            ..attempt
        };
        source.push(attempt, cap, max_few);

        let spraying = source.counts.few >= spray_min;
        let guessing = guess_count >= guess_min;
        if let Some(episode) = source.episode.as_mut() {
            if let Some(latest) = source.attempts.last() {
                episode.add_attempt(latest, labels, max_evidence);
            }
        } else if spraying || guessing {
            let mut opened = Episode::new(now);
            for attempt in source.attempts.iter() {
                let label = |index: Option<u8>| {
                    index.and_then(|i| source.labels.get(usize::from(i)).map(String::as_str))
                };
                opened.add_attempt(
                    attempt,
                    (label(attempt.agent), label(attempt.app)),
                    max_evidence,
                );
            }
            for success in source.successes.iter() {
                opened.add_success(success);
            }
            source.episode = Some(opened);
        }
        let distinct = source.counts.distinct();
        if let Some(episode) = source.episode.as_mut() {
            episode.spray |= spraying;
            episode.guessing |= guessing;
            episode.peak_users = episode.peak_users.max(distinct);
            if guessing {
                if let Some(account) = episode.accounts.get_mut(&user) {
                    account.guessed = true;
                }
            }
        }
        if let Some(finding) = closed.and_then(|e| self.finding(ip, e)) {
            findings.push(finding);
        }
    }

    fn observe_success(&mut self, ip: IpAddr, success: Success, findings: &mut Vec<Finding>) {
        // Only sources that failed recently keep state: the successes of every address in
        // the tenant would crowd out the ones that matter.
        if self.sources.get(&ip).is_none() {
            return;
        }
        let window = self.window_ms();
        let cap = self.config.max_window_attempts;
        let now = success.time;
        let source = self.sources.touch(&ip, now, Source::default);
        let closed = take_stale(source, now, window);
        source
            .successes
            .expire(Timestamp(now.millis() - window), &mut |_| {});
        if let Some(episode) = source.episode.as_mut() {
            episode.add_success(&success);
        }
        source.successes.push(success, cap, &mut |_| {});
        if let Some(finding) = closed.and_then(|e| self.finding(ip, e)) {
            findings.push(finding);
        }
    }

    /// The finding of a closed episode, if its tiers still hold.
    fn finding(&self, ip: IpAddr, episode: Episode) -> Option<Finding> {
        let config = &self.config;
        let seed = self.seed();
        let found = episode.accounts_where(|account| account.signed_in.is_some());
        let found_count = episode.count_where(|account| account.signed_in.is_some());
        let failed_only = episode.accounts.len() - found_count;
        let signed_in = found_count + episode.other_successes.len();
        let distinct = episode.accounts.len();
        let (spray, guessing) = if seed {
            (distinct >= config.threshold.max(1), false)
        } else {
            (episode.spray && failed_only > signed_in, episode.guessing)
        };
        if !spray && !guessing {
            return None;
        }
        let tier = if spray { "spray" } else { "guessing" };
        let mut tiers = Vec::new();
        if spray {
            tiers.push("spray");
        }
        if guessing {
            tiers.push("guessing");
        }

        let correct = episode.accounts_where(|account| account.password_correct);
        let expired = episode.accounts_where(|account| account.expired);
        let oracle = episode.accounts_where(|account| account.oracle);
        let locked = episode.accounts_where(|account| account.locked);
        let guessed = episode.accounts_where(|account| account.guessed);
        let not_found = episode.count_where(|account| account.not_found);
        let severity = if found_count > 0 {
            Severity::Critical
        } else if !correct.is_empty()
            || !expired.is_empty()
            || !oracle.is_empty()
            || !locked.is_empty()
            || episode.legacy > 0
        {
            Severity::High
        } else {
            Severity::Medium
        };
        let confidence = if seed {
            Confidence::Medium
        } else if found_count > 0
            || !correct.is_empty()
            || (spray && failed_only >= 2 * config.spray_min_users.max(1))
        {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let max_per_user = episode
            .accounts
            .values()
            .map(|account| account.attempts)
            .max()
            .unwrap_or(0);
        let legacy_share = if episode.attempts == 0 {
            0.0
        } else {
            episode.legacy as f64 / episode.attempts as f64
        };
        let mut related = Vec::new();
        if spray {
            related.push("T1110.003");
        }
        if guessing {
            related.push("T1110.001");
        }
        if found_count > 0 {
            related.push("T1078.004");
        }

        let source = ip.to_string();
        let what = if spray {
            format!(
                "tried passwords against {distinct} accounts ({} attempts, at most {max_per_user} per account)",
                episode.attempts
            )
        } else {
            format!(
                "guessed passwords of {} ({} attempts against {} accounts)",
                guessed.join(", "),
                episode.attempts,
                distinct
            )
        };
        let when = if seed {
            "in one clock hour".to_owned()
        } else {
            format!("within {} minutes", config.window_minutes)
        };
        let outcome = if found_count > 0 {
            format!(
                "; then signed in as {} from the same address: password found",
                found.join(", ")
            )
        } else if !correct.is_empty() {
            format!(
                "; the password of {} was right (MFA or Conditional Access stopped it)",
                correct.join(", ")
            )
        } else {
            String::new()
        };
        let mut evidence = episode.evidence.clone();
        evidence.extend(episode.success_evidence.iter().cloned());
        let codes: BTreeMap<String, u64> = episode
            .codes
            .iter()
            .map(|(code, count)| (code_name(*code), *count))
            .collect();
        Some(Finding {
            id: format!("{ID}/{source}/{}", episode.first.millis()),
            detection: ID.into(),
            technique: T1586_002.into(),
            tactic: RESOURCE_DEVELOPMENT.into(),
            severity,
            confidence,
            entity: Entity {
                kind: EntityKind::Ip,
                value: source.clone(),
            },
            first_seen: episode.first,
            last_seen: episode.last,
            summary: format!("{source} {what} {when}{outcome}"),
            evidence,
            details: json!({
                "tier": tier,
                "source_ip": source,
                "tiers": tiers,
                "mode": self.mode,
                "distinct_users": distinct,
                "attempts_beyond_account_cap": episode.untracked_attempts,
                "attempts": episode.attempts,
                "max_attempts_per_user": max_per_user,
                "peak_users_in_window": episode.peak_users,
                "codes": codes,
                "compromised_accounts": found,
                "password_correct_accounts": correct,
                "expired_password_accounts": expired,
                "credential_oracle_accounts": oracle,
                "locked_accounts": locked,
                "guessed_accounts": guessed,
                "nonexistent_accounts": not_found,
                "failed_only_accounts": failed_only,
                "signed_in_accounts": signed_in,
                "legacy_attempts": episode.legacy,
                "legacy_share": (legacy_share * 1000.0).round() / 1000.0,
                "user_agents": episode.agents,
                "apps": episode.apps,
                "window_minutes": if seed { 60 } else { config.window_minutes },
                "related_techniques": related,
            }),
        })
    }
}

impl Source {
    /// Adds an attempt to the window; beyond `cap`, the oldest leaves.
    fn push(&mut self, attempt: Attempt, cap: usize, max_few: u32) {
        let counts = &mut self.counts;
        self.attempts
            .push(attempt, cap, &mut |old| counts.forget(&old.user, max_few));
    }

    /// Takes the attempts at or before `cutoff` out of the window and its counts.
    fn forget_before(&mut self, cutoff: Timestamp, max_few: u32) {
        let counts = &mut self.counts;
        self.attempts
            .expire(cutoff, &mut |old| counts.forget(&old.user, max_few));
    }

    /// Moves the attempts at or before `cutoff` out of the guessing counts.
    fn leave_guessing(&mut self, cutoff: Timestamp) {
        let counts = &mut self.counts;
        while let Some(attempt) = self.attempts.get(counts.past_guessing) {
            if attempt.time > cutoff {
                break;
            }
            counts.leave_guessing(&attempt.user);
        }
    }
}

/// How far apart the sign-in log and the audit log may time the same attempt.
const SAME_ATTEMPT_MS: i64 = 2_000;

impl Source {
    /// True when `attempt` is the other log's record of an attempt already counted: the same
    /// account and code from the same source within [`SAME_ATTEMPT_MS`], one from the sign-in
    /// log and one from the audit log (a scan of both exports would count it twice).
    fn pair_with_other_log(&mut self, attempt: &Attempt) -> bool {
        let earliest = attempt.time.millis() - SAME_ATTEMPT_MS;
        for seen in self.attempts.iter_mut().rev() {
            if seen.time.millis() < earliest {
                break;
            }
            if !seen.paired
                && seen.audit_log != attempt.audit_log
                && seen.code == attempt.code
                && seen.user == attempt.user
            {
                seen.paired = true;
                return true;
            }
        }
        false
    }
}

/// The index of `label` in `labels`, added when new and there is room.
fn intern(labels: &mut Vec<String>, label: Option<&str>) -> Option<u8> {
    let label = label?;
    if let Some(index) = labels.iter().position(|known| known == label) {
        return u8::try_from(index).ok();
    }
    if labels.len() >= LABEL_CAP {
        return None;
    }
    labels.push(label.to_owned());
    u8::try_from(labels.len() - 1).ok()
}

/// Takes the source's episode when it is a whole window past its last failure.
fn take_stale(source: &mut Source, now: Timestamp, window: i64) -> Option<Episode> {
    if source
        .episode
        .as_ref()
        .is_some_and(|episode| now.millis() - episode.last_failure.millis() > window)
    {
        source.episode.take()
    } else {
        None
    }
}

impl Detector for CredentialSpray {
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
        if !self.seed() && self.config.trusted_sources.contains(&ip) {
            return;
        }
        let Some(user) = event.user.as_deref() else {
            return;
        };
        if sign_in.succeeded() {
            // Only sources that failed recently keep successes: most sign-ins succeed, so the
            // check comes before the copies.
            if !self.seed() && self.sources.get(&ip).is_some() {
                let success = Success {
                    time: event.time,
                    user: user.to_owned(),
                    record: event.record_id.clone(),
                };
                self.observe_success(ip, success, findings);
            }
            return;
        }
        if !self.counted(sign_in.error_code) {
            return;
        }
        let attempt = attempt(event, user, sign_in);
        if self.seed() {
            self.observe_seed(ip, attempt, labels(sign_in), findings);
        } else {
            self.observe_attempt(ip, attempt, labels(sign_in), findings);
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

fn attempt(event: &Event, user: &str, sign_in: &SignIn) -> Attempt {
    Attempt {
        time: event.time,
        user: user.to_owned(),
        code: sign_in.error_code,
        record: event.record_id.clone(),
        legacy: legacy_or_ropc(sign_in),
        audit_log: sign_in.log == SignInLog::AuditLog,
        paired: false,
        agent: None,
        app: None,
    }
}

/// The user agent and the application (or client app) of a sign-in.
fn labels(sign_in: &SignIn) -> (Option<&str>, Option<&str>) {
    (
        sign_in.user_agent.as_deref(),
        sign_in.app.as_deref().or(sign_in.client_app.as_deref()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::LogSource;

    const MINUTE: i64 = 60_000;
    const START: i64 = 1_741_046_400_000; // 2025-03-04T00:00:00Z
    const SPRAYER: &str = "203.0.113.77";

    /// A sign-in at `minute` (may be fractional through `ms`) from `ip` for `user`.
    fn sign_in(id: &str, ms: i64, ip: &str, user: &str, code: u32) -> Event {
        Event {
            record_id: id.into(),
            time: Timestamp(START + ms),
            user: Some(user.to_owned()),
            ip: ip.parse().ok(),
            source: LogSource::EntraSignIn,
            kind: EventKind::SignIn(SignIn {
                error_code: code,
                app: Some("Exchange Web Services".into()),
                user_agent: Some("python-requests/2.31.0".into()),
                ..SignIn::default()
            }),
        }
    }

    fn legacy(mut event: Event) -> Event {
        if let EventKind::SignIn(sign_in) = &mut event.kind {
            sign_in.legacy_auth = true;
            sign_in.client_app = Some("Exchange Web Services".into());
        }
        event
    }

    /// One failure per user, `users` users, `spacing` apart from `offset`.
    fn spray(ip: &str, users: usize, code: u32, spacing: i64, offset: i64) -> Vec<Event> {
        (0..users)
            .map(|i| {
                sign_in(
                    &format!("f{offset}-{i}"),
                    offset + i as i64 * spacing,
                    ip,
                    &format!("user{i}@contoso.com"),
                    code,
                )
            })
            .collect()
    }

    fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
        let mut sorted = events.to_vec();
        sorted.sort_by_key(|event| event.time);
        let mut detector = CredentialSpray::new(config);
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

    fn strings(value: &serde_json::Value) -> Vec<&str> {
        value
            .as_array()
            .map(|items| items.iter().filter_map(|item| item.as_str()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_spray_of_twelve_accounts_is_one_finding() {
        let findings = run(
            &EngineConfig::default(),
            &spray(SPRAYER, 12, 50126, MINUTE, 0),
        );
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.entity.kind, EntityKind::Ip);
        assert_eq!(finding.entity.value, SPRAYER);
        assert_eq!(finding.details["tier"], "spray");
        assert_eq!(finding.details["distinct_users"], 12);
        assert_eq!(finding.details["attempts"], 12);
        assert_eq!(finding.details["codes"]["50126"], 12);
        assert_eq!(finding.evidence.len(), 12);
        assert_eq!(finding.severity, Severity::Medium);
        assert_eq!(finding.first_seen, Timestamp(START));
        assert_eq!(finding.last_seen, Timestamp(START + 11 * MINUTE));
        assert_eq!(
            strings(&finding.details["apps"]),
            vec!["Exchange Web Services"]
        );
    }

    #[test]
    fn nine_accounts_or_many_tries_per_account_are_not_a_spray() {
        assert!(
            run(
                &EngineConfig::default(),
                &spray(SPRAYER, 9, 50126, MINUTE, 0)
            )
            .is_empty()
        );
        // Twelve accounts, five tries each in turn (a device per person retrying a stale
        // password): never ten accounts with at most three tries, and never 20 for one.
        let events: Vec<Event> = (0..60)
            .map(|i| {
                let user = format!("user{}@contoso.com", i / 5);
                sign_in(&format!("r{i}"), i * 30_000, SPRAYER, &user, 50126)
            })
            .collect();
        assert!(run(&EngineConfig::default(), &events).is_empty());
    }

    #[test]
    fn rounds_of_a_spray_are_one_spray() {
        // Five passwords, one round each, twelve accounts: each round is a spray.
        let mut events = Vec::new();
        for round in 0..5 {
            events.extend(spray(SPRAYER, 12, 50126, 10_000, round * 5 * MINUTE));
        }
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["max_attempts_per_user"], 5);
        assert_eq!(findings[0].details["attempts"], 60);
    }

    #[test]
    fn the_window_slides() {
        // Twelve accounts, one every seven minutes: at most nine in any hour.
        assert!(
            run(
                &EngineConfig::default(),
                &spray(SPRAYER, 12, 50126, 7 * MINUTE, 0)
            )
            .is_empty()
        );
        // A spray across a clock hour: six before 01:00, six after.
        let events = spray(SPRAYER, 12, 50126, 2 * MINUTE, 49 * MINUTE);
        assert_eq!(run(&EngineConfig::default(), &events).len(), 1);
        let mut seed = seed_config();
        seed.detections.credential_spray.threshold = 10;
        assert!(
            run(&seed, &events).is_empty(),
            "the seed's clock hours miss it"
        );
    }

    #[test]
    fn legacy_clients_lockouts_and_right_passwords_raise_severity() {
        let events: Vec<Event> = spray(SPRAYER, 12, 50126, MINUTE, 0)
            .into_iter()
            .map(legacy)
            .collect();
        let finding = &run(&EngineConfig::default(), &events)[0];
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.details["legacy_share"], 1.0);

        let mut events = spray(SPRAYER, 12, 50126, MINUTE, 0);
        events.push(sign_in(
            "lock",
            20 * MINUTE,
            SPRAYER,
            "user3@contoso.com",
            50053,
        ));
        let finding = &run(&EngineConfig::default(), &events)[0];
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(
            strings(&finding.details["locked_accounts"]),
            vec!["user3@contoso.com"]
        );

        let mut events = spray(SPRAYER, 12, 50126, MINUTE, 0);
        events.push(sign_in(
            "mfa",
            20 * MINUTE,
            SPRAYER,
            "ceo@contoso.com",
            50076,
        ));
        let finding = &run(&EngineConfig::default(), &events)[0];
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.confidence, Confidence::High);
        assert_eq!(
            strings(&finding.details["password_correct_accounts"]),
            vec!["ceo@contoso.com"]
        );
        assert!(finding.summary.contains("was right"), "{}", finding.summary);
    }

    #[test]
    fn a_success_after_the_failures_is_critical_and_part_of_the_episode() {
        let mut events = spray(SPRAYER, 12, 50126, MINUTE, 0);
        // user4 failed at minute 4; 40 minutes after the last failure it signs in.
        events.push(sign_in("win", 51 * MINUTE, SPRAYER, "user4@contoso.com", 0));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.severity, Severity::Critical);
        assert_eq!(
            strings(&finding.details["compromised_accounts"]),
            vec!["user4@contoso.com"]
        );
        assert!(finding.evidence.contains(&"win".to_owned()));
        assert_eq!(finding.last_seen, Timestamp(START + 51 * MINUTE));
        assert!(strings(&finding.details["related_techniques"]).contains(&"T1078.004"));
    }

    #[test]
    fn a_success_more_than_a_window_after_the_last_failure_is_not_joined() {
        let mut events = spray(SPRAYER, 12, 50126, MINUTE, 0);
        events.push(sign_in(
            "later",
            75 * MINUTE,
            SPRAYER,
            "user4@contoso.com",
            0,
        ));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert!(!findings[0].evidence.contains(&"later".to_owned()));
    }

    #[test]
    fn a_success_from_another_address_is_not_a_found_password() {
        let mut events = spray(SPRAYER, 12, 50126, MINUTE, 0);
        events.push(sign_in(
            "home",
            20 * MINUTE,
            "198.51.100.5",
            "user4@contoso.com",
            0,
        ));
        assert_eq!(
            run(&EngineConfig::default(), &events)[0].severity,
            Severity::Medium
        );
    }

    #[test]
    fn guessing_one_account() {
        let events: Vec<Event> = (0..25)
            .map(|i| {
                sign_in(
                    &format!("g{i}"),
                    i * 20_000,
                    SPRAYER,
                    "ceo@contoso.com",
                    50126,
                )
            })
            .collect();
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["tier"], "guessing");
        assert_eq!(
            strings(&findings[0].details["guessed_accounts"]),
            vec!["ceo@contoso.com"]
        );
        assert_eq!(findings[0].details["attempts"], 25);
        assert!(strings(&findings[0].details["related_techniques"]).contains(&"T1110.001"));
    }

    #[test]
    fn guessing_is_counted_in_its_own_shorter_window() {
        // 25 tries at one account over an hour: at most 7 in any 15 minutes.
        let slow: Vec<Event> = (0..25)
            .map(|i| {
                sign_in(
                    &format!("g{i}"),
                    i * 150_000,
                    SPRAYER,
                    "ceo@contoso.com",
                    50126,
                )
            })
            .collect();
        assert!(run(&EngineConfig::default(), &slow).is_empty());
        let mut config = EngineConfig::default();
        config.detections.credential_spray.guess_window_minutes = 60;
        assert_eq!(run(&config, &slow)[0].details["tier"], "guessing");
    }

    #[test]
    fn the_same_attempts_in_the_sign_in_log_and_the_audit_log_count_once() {
        // Two tries at each of twelve accounts, exported twice: as sign-ins and as the audit
        // log's UserLoginFailed.
        let mut events = Vec::new();
        for round in 0..2 {
            for event in spray(SPRAYER, 12, 50126, MINUTE, round * 20 * MINUTE) {
                let mut audit = event.clone();
                audit.record_id = format!("ual-{}", event.record_id).into();
                audit.time = Timestamp(event.time.millis() + 1_000);
                if let EventKind::SignIn(sign_in) = &mut audit.kind {
                    sign_in.log = SignInLog::AuditLog;
                }
                events.push(event);
                events.push(audit);
            }
        }
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["attempts"], 24);
        assert_eq!(findings[0].details["max_attempts_per_user"], 2);
        assert!(
            findings[0]
                .evidence
                .iter()
                .all(|id| !id.starts_with("ual-"))
        );
    }

    #[test]
    fn a_user_mistyping_their_own_password_is_silent() {
        let mut events: Vec<Event> = (0..4)
            .map(|i| {
                sign_in(
                    &format!("m{i}"),
                    i * 30_000,
                    "198.51.100.5",
                    "amy@contoso.com",
                    50126,
                )
            })
            .collect();
        events.push(sign_in(
            "ok",
            3 * MINUTE,
            "198.51.100.5",
            "amy@contoso.com",
            0,
        ));
        assert!(run(&EngineConfig::default(), &events).is_empty());
    }

    /// Many people behind one address: most sign in, a few mistype first.
    fn busy_egress(ip: &str) -> Vec<Event> {
        let mut events = Vec::new();
        for i in 0..200 {
            events.push(sign_in(
                &format!("s{i}"),
                i * 18_000,
                ip,
                &format!("person{i}@contoso.com"),
                0,
            ));
        }
        for i in 0..15 {
            let user = format!("person{}@contoso.com", i * 13);
            events.push(sign_in(
                &format!("typo{i}"),
                i * 4 * MINUTE + 1,
                ip,
                &user,
                50126,
            ));
            if i % 5 != 0 {
                events.push(sign_in(
                    &format!("retry{i}"),
                    i * 4 * MINUTE + 20_000,
                    ip,
                    &user,
                    0,
                ));
            }
        }
        events
    }

    #[test]
    fn people_behind_a_nat_mistyping_passwords_are_silent() {
        assert!(run(&EngineConfig::default(), &busy_egress("192.0.2.10")).is_empty());
    }

    #[test]
    fn an_identity_proxy_relaying_many_users_is_silent() {
        // Failures spread over many users with successes interleaved: a proxy, unconfigured.
        let mut events = Vec::new();
        for i in 0..40 {
            let user = format!("staff{i}@contoso.com");
            events.push(sign_in(
                &format!("pf{i}"),
                i * MINUTE,
                "192.0.2.20",
                &user,
                50126,
            ));
            events.push(sign_in(
                &format!("ps{i}"),
                i * MINUTE + 5_000,
                "192.0.2.20",
                &user,
                0,
            ));
            events.push(sign_in(
                &format!("po{i}"),
                i * MINUTE + 9_000,
                "192.0.2.20",
                &format!("other{i}@contoso.com"),
                0,
            ));
        }
        assert!(run(&EngineConfig::default(), &events).is_empty());
        // And listed as trusted, even a real spray through it is not tracked.
        let mut config = EngineConfig::default();
        config.detections.credential_spray.trusted_sources =
            IpRanges::parse(&["192.0.2.0/28"]).expect("valid");
        assert!(run(&config, &spray("192.0.2.5", 30, 50126, MINUTE, 0)).is_empty());
        assert_eq!(
            run(&config, &spray("192.0.2.50", 30, 50126, MINUTE, 0)).len(),
            1
        );
    }

    #[test]
    fn interrupts_are_not_failures_and_50034_counts() {
        assert!(
            run(
                &EngineConfig::default(),
                &spray(SPRAYER, 30, 50140, MINUTE, 0)
            )
            .is_empty()
        );
        assert!(
            run(
                &EngineConfig::default(),
                &spray(SPRAYER, 30, 50125, MINUTE, 0)
            )
            .is_empty()
        );
        let mut events = spray(SPRAYER, 5, 50126, MINUTE, 0);
        events.extend((0..6).map(|i| {
            sign_in(
                &format!("nf{i}"),
                10 * MINUTE + i,
                SPRAYER,
                &format!("ghost{i}@contoso.com"),
                50034,
            )
        }));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["nonexistent_accounts"], 6);
        let unknown = spray(SPRAYER, 10, UNKNOWN_FAILURE_CODE, MINUTE, 0);
        assert_eq!(
            run(&EngineConfig::default(), &unknown)[0].details["codes"]["unknown"],
            10
        );
    }

    #[test]
    fn a_long_spray_is_one_episode_and_a_later_one_another() {
        let mut events = Vec::new();
        for hour in 0..3 {
            events.extend(spray(SPRAYER, 12, 50126, 4 * MINUTE, hour * 60 * MINUTE));
        }
        events.extend(spray(SPRAYER, 12, 50126, MINUTE, 10 * 60 * MINUTE));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].details["attempts"], 36);
        assert_ne!(findings[0].id, findings[1].id);
    }

    #[test]
    fn seed_compatible_mode_counts_50126_and_50055_per_clock_hour() {
        let mut events = spray(SPRAYER, 10, 50126, MINUTE, 0);
        events.extend(spray(SPRAYER, 10, 50055, MINUTE, 60 * MINUTE));
        events.extend(spray("198.51.100.9", 10, 50053, MINUTE, 0));
        let findings = run(&seed_config(), &events);
        assert_eq!(
            findings.len(),
            2,
            "one per address-hour; 50053 is not the seed's"
        );
        assert!(findings.iter().all(|f| f.entity.value == SPRAYER));
        // No suppression: the busy egress's mistakes are counted as the seed counts them.
        let mut egress = busy_egress("192.0.2.10");
        egress.extend(spray("192.0.2.10", 10, 50126, MINUTE, 2));
        assert_eq!(run(&seed_config(), &egress).len(), 1);
        assert!(run(&EngineConfig::default(), &egress).is_empty());
    }

    #[test]
    fn state_saved_midway_gives_the_same_findings() {
        let mut events = spray(SPRAYER, 12, 50126, MINUTE, 0);
        events.push(sign_in("win", 30 * MINUTE, SPRAYER, "user4@contoso.com", 0));
        let whole = run(&EngineConfig::default(), &events);
        let mut first = CredentialSpray::new(&EngineConfig::default());
        let mut findings = Vec::new();
        for event in &events[..6] {
            first.observe(event, &mut findings);
        }
        let mut second = CredentialSpray::new(&EngineConfig::default());
        second.load(first.save()).expect("loads");
        for event in &events[6..] {
            second.observe(event, &mut findings);
        }
        second.finish(&mut findings);
        assert_eq!(findings, whole);
    }

    #[test]
    fn sources_beyond_the_bound_are_evicted_and_counted() {
        let mut config = EngineConfig::default();
        config.detections.credential_spray.max_keys = 10;
        let events: Vec<Event> = (0..50)
            .map(|i| {
                sign_in(
                    &format!("e{i}"),
                    i,
                    &format!("198.51.100.{i}"),
                    "a@contoso.com",
                    50126,
                )
            })
            .collect();
        let mut detector = CredentialSpray::new(&config);
        let mut findings = Vec::new();
        for event in &events {
            detector.observe(event, &mut findings);
        }
        assert_eq!(detector.state_size().keys, 10);
        assert_eq!(detector.state_size().evicted, 40);
    }
}
