//! `enumeration_tooling`: the tools and requests of address enumeration, seen on the way to
//! Microsoft or at the attacker's end.
//!
//! **What.** One source (a client address, or a machine by name) showing any of:
//! - a **GetCredentialType burst**: at least `getcredentialtype_min_requests` (default 10)
//!   `POST .../GetCredentialType` (any tenant path) to `login.microsoftonline.com` within
//!   `window_minutes` (default 60), in proxy logs. A browser signing in makes one or two;
//! - the **AADInternals** user agent in web or sign-in telemetry;
//! - an **AADInternals command line** (`Import-Module AADInternals`, any `*-AADInt*` cmdlet,
//!   `Invoke-AADIntUserEnumerationAsOutsider`) or a **command line calling GetCredentialType**
//!   (Sysmon 1, Security 4688);
//! - **Autodiscover probing** in IIS logs: `POST /autodiscover/autodiscover.xml` answered 401
//!   from one client, at least `autodiscover_min_requests` (default 10) times or for at least
//!   `autodiscover_min_usernames` (default 5) distinct `cs-username` values, from clients
//!   that are not Outlook (requests with a Microsoft Office / Outlook user agent are clients
//!   authenticating, and are not counted);
//! - the **theHarvester** user agent in proxy logs, or theHarvester on a command line.
//!
//! Supporting evidence joins an episode but never opens one: single GetCredentialType or
//! Autodiscover requests, requests to the Microsoft login hosts with a scripting user agent
//! (`curl/`, `python-requests`, PowerShell, ...), Sysmon 3 connections from PowerShell,
//! Python or curl to `login.microsoftonline.com`, curl or script command lines naming
//! Autodiscover, Windows 4625 logon failures from the source.
//!
//! **Why.** GetCredentialType and Autodiscover answers tell an outsider which addresses exist
//! (T1589.002; T1087.004), and leave no trace in the tenant's sign-in logs: only proxies,
//! Exchange front ends and endpoint telemetry see them. The seeds' tests 1, 2, 4 and 5
//! produce exactly this telemetry.
//!
//! **Sources and episodes.** Web and sign-in events are keyed by client address; process
//! starts by machine name. When a Sysmon 3 connection shows a machine's own address, its
//! state moves under that address, so a command line, its connections and the proxy's record
//! of its requests make one finding. An episode opens at the first triggering signal, takes
//! in the supporting events already in the window, and closes when the source has sent no
//! probe or trigger for `window_minutes`. One finding per episode. Addresses in
//! `trusted_sources` are not tracked. There is no seed query, so both modes behave alike.
//!
//! **Severity.** Low for theHarvester alone (it queries third parties, not the tenant);
//! medium otherwise; high for `UserEnumerationAsOutsider`, for two or more distinct
//! techniques together, or for a burst five times its threshold.
//!
//! **Known false positives.** Identity tooling or red-team exercises that use AADInternals
//! (allow-list their addresses); load balancers presenting many Outlook-less clients to IIS
//! as one address. A spoofed Outlook user agent hides Autodiscover probes: the command line
//! and proxy signals remain.

use super::folded::contains_ignore_ascii_case;
use super::window::{Tally, TimeWindow, Timed, insert_capped};
use super::{Detector, RECONNAISSANCE, StateSize, T1589_002};
use crate::config::EngineConfig;
use crate::decode::probe::fields::is_email;
use crate::event::{Event, EventKind, NetworkConnection, ProcessStart, WebRequest};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::net::{IpRanges, is_service_placeholder};
use crate::state::KeyedState;
use crate::time::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

/// The stable id.
pub const ID: &str = "enumeration_tooling";

/// Values listed per detail.
const LIST_CAP: usize = 100;
/// User agents, machines, command lines listed per episode.
const SMALL_CAP: usize = 20;
/// Characters of a command line kept.
const COMMAND_LINE_CHARS: usize = 400;

/// Hosts that answer GetCredentialType and the password grant.
const LOGIN_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
];
/// The Seamless SSO endpoint AADInternals' Autologon method calls.
const AUTOLOGON_HOST: &str = "autologon.microsoftazuread-sso.com";
/// User agents of scripts and command-line HTTP clients (lower case, matched as substrings).
const SCRIPT_AGENTS: &[&str] = &[
    "curl/",
    "python-requests",
    "python-urllib",
    "python/",
    "aiohttp",
    "go-http-client",
    "powershell",
    "wget/",
    "axios/",
    "okhttp",
    "libwww-perl",
    "postmanruntime",
    "httpie",
];
/// User agents of mail clients doing their own Autodiscover (lower case, substrings).
const MAIL_CLIENT_AGENTS: &[&str] = &[
    "microsoft outlook",
    "microsoft office",
    "macoutlook",
    "outlook-ios",
    "outlook-android",
    "outlook/",
];
/// Programs that scripted probes run as (lower-case file names).
const SCRIPT_IMAGES: &[&str] = &[
    "powershell.exe",
    "powershell",
    "pwsh.exe",
    "pwsh",
    "curl.exe",
    "curl",
    "wget.exe",
    "wget",
];

/// Settings of `enumeration_tooling`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnumerationToolingConfig {
    /// The sliding window of the bursts, and how long an episode stays open after its last
    /// probe, in minutes. Default 60.
    pub window_minutes: u32,
    /// GetCredentialType requests from one source in a window that fire. Default 10.
    pub getcredentialtype_min_requests: u32,
    /// Autodiscover 401 answers to one client in a window that fire. Default 10.
    pub autodiscover_min_requests: u32,
    /// Distinct user names in one client's Autodiscover 401s in a window that fire. Default 5.
    pub autodiscover_min_usernames: usize,
    /// Sources never tracked (CIDR blocks or addresses).
    pub trusted_sources: IpRanges,
    /// Record ids kept as evidence per episode. Default 200.
    pub max_evidence: usize,
    /// Sources tracked at once. Default 100,000.
    pub max_keys: usize,
    /// Events remembered per source within the window. Default 10,000.
    pub max_window_events: usize,
}

impl Default for EnumerationToolingConfig {
    fn default() -> Self {
        Self {
            window_minutes: 60,
            getcredentialtype_min_requests: 10,
            autodiscover_min_requests: 10,
            autodiscover_min_usernames: 5,
            trusted_sources: IpRanges::default(),
            max_evidence: 200,
            max_keys: 100_000,
            max_window_events: 10_000,
        }
    }
}

/// What one event shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Signal {
    /// A GetCredentialType burst (made from the count, never by one event).
    GetCredentialTypeBurst,
    /// Autodiscover probing (made from the counts).
    AutodiscoverProbing,
    /// The `AADInternals` user agent.
    AadinternalsUserAgent,
    /// An AADInternals command line.
    AadinternalsCommandLine,
    /// A command line calling GetCredentialType.
    GetcredentialtypeCommandLine,
    /// The theHarvester user agent.
    TheharvesterUserAgent,
    /// theHarvester on a command line.
    TheharvesterCommandLine,
    /// One GetCredentialType request.
    GetcredentialtypeRequest,
    /// One Autodiscover POST answered 401.
    AutodiscoverProbe,
    /// A request to a login host with a scripting user agent.
    ScriptedLoginRequest,
    /// A script's connection to a login host (Sysmon 3).
    ScriptConnection,
    /// A script's command line naming Autodiscover.
    AutodiscoverCommandLine,
    /// A Windows logon failure from the source (4625).
    LogonFailure,
}

impl Signal {
    /// Opens an episode by itself.
    fn triggers(self) -> bool {
        matches!(
            self,
            Self::AadinternalsUserAgent
                | Self::AadinternalsCommandLine
                | Self::GetcredentialtypeCommandLine
                | Self::TheharvesterUserAgent
                | Self::TheharvesterCommandLine
        )
    }

    /// Keeps an episode open (triggers and probes; not supporting context).
    fn extends(self) -> bool {
        self.triggers()
            || matches!(
                self,
                Self::GetcredentialtypeRequest | Self::AutodiscoverProbe
            )
    }

    fn name(self) -> &'static str {
        match self {
            Self::GetCredentialTypeBurst => "getcredentialtype_burst",
            Self::AutodiscoverProbing => "autodiscover_probing",
            Self::AadinternalsUserAgent => "aadinternals_user_agent",
            Self::AadinternalsCommandLine => "aadinternals_command_line",
            Self::GetcredentialtypeCommandLine => "getcredentialtype_command_line",
            Self::TheharvesterUserAgent => "theharvester_user_agent",
            Self::TheharvesterCommandLine => "theharvester_command_line",
            Self::GetcredentialtypeRequest => "getcredentialtype_request",
            Self::AutodiscoverProbe => "autodiscover_probe",
            Self::ScriptedLoginRequest => "scripted_login_request",
            Self::ScriptConnection => "script_connection",
            Self::AutodiscoverCommandLine => "autodiscover_command_line",
            Self::LogonFailure => "logon_failure",
        }
    }
}

/// A source: a client address, or a machine known only by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum SourceKey {
    Ip(IpAddr),
    Host(String),
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ip(ip) => write!(f, "{ip}"),
            Self::Host(host) => write!(f, "host:{host}"),
        }
    }
}

impl Serialize for SourceKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.strip_prefix("host:") {
            Some(host) => Ok(Self::Host(host.to_owned())),
            None => text
                .parse()
                .map(Self::Ip)
                .map_err(|_| serde::de::Error::custom(format!("invalid source `{text}`"))),
        }
    }
}

/// One relevant event, as remembered.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Observation {
    time: Timestamp,
    record: Arc<str>,
    signal: Signal,
    getcredentialtype: bool,
    autodiscover: bool,
    usernames: Vec<String>,
    agent: Option<String>,
    host: Option<String>,
    command_line: Option<String>,
    image: Option<String>,
    outsider_enumeration: bool,
}

impl Observation {
    fn new(event: &Event, signal: Signal) -> Self {
        Self {
            time: event.time,
            record: event.record_id.clone(),
            signal,
            getcredentialtype: false,
            autodiscover: false,
            usernames: Vec::new(),
            agent: None,
            host: None,
            command_line: None,
            image: None,
            outsider_enumeration: false,
        }
    }
}

impl Timed for Observation {
    fn time(&self) -> Timestamp {
        self.time
    }
}

/// An episode in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Episode {
    first: Timestamp,
    last: Timestamp,
    last_active: Timestamp,
    techniques: BTreeSet<Signal>,
    signals: BTreeMap<Signal, u64>,
    getcredentialtype: u64,
    autodiscover: u64,
    peak_getcredentialtype: u32,
    peak_autodiscover: u32,
    peak_autodiscover_users: usize,
    outsider_enumeration: bool,
    usernames: BTreeSet<String>,
    agents: BTreeSet<String>,
    hosts: BTreeSet<String>,
    command_lines: BTreeSet<String>,
    images: BTreeSet<String>,
    evidence: Vec<String>,
}

impl Episode {
    fn new(time: Timestamp) -> Self {
        Self {
            first: time,
            last: time,
            last_active: time,
            techniques: BTreeSet::new(),
            signals: BTreeMap::new(),
            getcredentialtype: 0,
            autodiscover: 0,
            peak_getcredentialtype: 0,
            peak_autodiscover: 0,
            peak_autodiscover_users: 0,
            outsider_enumeration: false,
            usernames: BTreeSet::new(),
            agents: BTreeSet::new(),
            hosts: BTreeSet::new(),
            command_lines: BTreeSet::new(),
            images: BTreeSet::new(),
            evidence: Vec::new(),
        }
    }

    fn add(&mut self, observation: &Observation, max_evidence: usize) {
        self.first = self.first.min(observation.time);
        self.last = self.last.max(observation.time);
        if observation.signal.extends() {
            self.last_active = self.last_active.max(observation.time);
        }
        if observation.signal.triggers() {
            self.techniques.insert(observation.signal);
        }
        *self.signals.entry(observation.signal).or_insert(0) += 1;
        self.getcredentialtype += u64::from(observation.getcredentialtype);
        self.autodiscover += u64::from(observation.autodiscover);
        self.outsider_enumeration |= observation.outsider_enumeration;
        for username in &observation.usernames {
            insert_capped(&mut self.usernames, username, LIST_CAP);
        }
        if let Some(agent) = &observation.agent {
            insert_capped(&mut self.agents, agent, SMALL_CAP);
        }
        if let Some(host) = &observation.host {
            insert_capped(&mut self.hosts, host, SMALL_CAP);
        }
        if let Some(command_line) = &observation.command_line {
            insert_capped(&mut self.command_lines, command_line, SMALL_CAP);
        }
        if let Some(image) = &observation.image {
            insert_capped(&mut self.images, image, SMALL_CAP);
        }
        if self.evidence.len() < max_evidence {
            self.evidence.push(observation.record.to_string());
        }
    }

    fn absorb(&mut self, other: Episode, max_evidence: usize) {
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        self.last_active = self.last_active.max(other.last_active);
        self.techniques.extend(other.techniques);
        for (signal, count) in other.signals {
            *self.signals.entry(signal).or_insert(0) += count;
        }
        self.getcredentialtype += other.getcredentialtype;
        self.autodiscover += other.autodiscover;
        self.peak_getcredentialtype = self
            .peak_getcredentialtype
            .max(other.peak_getcredentialtype);
        self.peak_autodiscover = self.peak_autodiscover.max(other.peak_autodiscover);
        self.peak_autodiscover_users = self
            .peak_autodiscover_users
            .max(other.peak_autodiscover_users);
        self.outsider_enumeration |= other.outsider_enumeration;
        for (set, more, cap) in [
            (&mut self.usernames, other.usernames, LIST_CAP),
            (&mut self.agents, other.agents, SMALL_CAP),
            (&mut self.hosts, other.hosts, SMALL_CAP),
            (&mut self.command_lines, other.command_lines, SMALL_CAP),
            (&mut self.images, other.images, SMALL_CAP),
        ] {
            for value in more {
                insert_capped(set, &value, cap);
            }
        }
        for record in other.evidence {
            if self.evidence.len() < max_evidence {
                self.evidence.push(record);
            }
        }
    }
}

/// The per-source state: the window and the open episode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Source {
    recent: TimeWindow<Observation>,
    getcredentialtype: u32,
    autodiscover: u32,
    autodiscover_users: Tally<String>,
    episode: Option<Episode>,
}

impl Source {
    fn count(&mut self, observation: &Observation) {
        self.getcredentialtype += u32::from(observation.getcredentialtype);
        if observation.autodiscover {
            self.autodiscover += 1;
            for username in &observation.usernames {
                self.autodiscover_users.add(username);
            }
        }
    }
}

/// Takes an event out of the window's counts.
fn uncount(
    getcredentialtype: &mut u32,
    autodiscover: &mut u32,
    users: &mut Tally<String>,
    old: &Observation,
) {
    *getcredentialtype = getcredentialtype.saturating_sub(u32::from(old.getcredentialtype));
    if old.autodiscover {
        *autodiscover = autodiscover.saturating_sub(1);
        for username in &old.usernames {
            users.remove(username);
        }
    }
}

/// The detector.
#[derive(Debug, Clone)]
pub struct EnumerationTooling {
    config: EnumerationToolingConfig,
    sources: KeyedState<SourceKey, Source>,
    /// Machine names and the address their own connections show.
    host_addresses: KeyedState<String, IpAddr>,
}

/// What is saved in a snapshot.
#[derive(Serialize, Deserialize)]
struct Saved {
    sources: KeyedState<SourceKey, Source>,
    host_addresses: KeyedState<String, IpAddr>,
}

impl EnumerationTooling {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.enumeration_tooling.clone();
        Self {
            sources: KeyedState::new(settings.max_keys),
            host_addresses: KeyedState::new(settings.max_keys),
            config: settings,
        }
    }

    fn window_ms(&self) -> i64 {
        i64::from(self.config.window_minutes.max(1)) * 60_000
    }

    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let cutoff = Timestamp(now.millis() - self.window_ms());
        for (key, source) in self.sources.take_expired(cutoff) {
            if let Some(episode) = source.episode {
                findings.push(self.finding(&key, episode));
            }
        }
        self.host_addresses.expire_before(cutoff, &mut |_, _| {});
    }

    /// The source of a machine: its address when a connection showed it, else its name.
    fn machine(&self, host: &str) -> SourceKey {
        let host = host.to_ascii_lowercase();
        match self.host_addresses.get(&host) {
            Some(ip) => SourceKey::Ip(*ip),
            None => SourceKey::Host(host),
        }
    }

    /// Learns a machine's address from its connection; moves what was kept under its name.
    fn learn_address(&mut self, host: &str, ip: IpAddr, now: Timestamp) {
        let host = host.to_ascii_lowercase();
        self.host_addresses.touch(&host, now, || ip);
        let Some(named) = self.sources.remove(&SourceKey::Host(host)) else {
            return;
        };
        let max_evidence = self.config.max_evidence;
        let cap = self.config.max_window_events;
        let source = self.sources.touch(&SourceKey::Ip(ip), now, Source::default);
        let mut items: Vec<Observation> = source.recent.iter().cloned().collect();
        items.extend(named.recent.iter().cloned());
        items.sort_by_key(|item| item.time);
        *source = Source {
            episode: match (source.episode.take(), named.episode) {
                (Some(mut mine), Some(theirs)) => {
                    mine.absorb(theirs, max_evidence);
                    Some(mine)
                }
                (mine, theirs) => mine.or(theirs),
            },
            ..Source::default()
        };
        for item in items {
            source.count(&item);
            let Source {
                recent,
                getcredentialtype,
                autodiscover,
                autodiscover_users,
                ..
            } = &mut *source;
            recent.push(item, cap, &mut |old| {
                uncount(getcredentialtype, autodiscover, autodiscover_users, old);
            });
        }
    }

    fn observe_at(
        &mut self,
        key: SourceKey,
        observation: Observation,
        findings: &mut Vec<Finding>,
    ) {
        let config = &self.config;
        let window = self.window_ms();
        let max_evidence = config.max_evidence;
        let cap = config.max_window_events;
        let (gct_min, ad_min, ad_users_min) = (
            config.getcredentialtype_min_requests.max(1),
            config.autodiscover_min_requests.max(1),
            config.autodiscover_min_usernames.max(1),
        );
        let now = observation.time;
        if observation.signal == Signal::LogonFailure && self.sources.get(&key).is_none() {
            return;
        }
        let source = self.sources.touch(&key, now, Source::default);
        let closed = if source
            .episode
            .as_ref()
            .is_some_and(|episode| now.millis() - episode.last_active.millis() > window)
        {
            source.episode.take()
        } else {
            None
        };
        source.count(&observation);
        let signal = observation.signal;
        {
            let Source {
                recent,
                getcredentialtype,
                autodiscover,
                autodiscover_users,
                ..
            } = &mut *source;
            let mut forget = |old: &Observation| {
                uncount(getcredentialtype, autodiscover, autodiscover_users, old);
            };
            recent.expire(Timestamp(now.millis() - window), &mut forget);
            recent.push(observation, cap, &mut forget);
        }
        let mut fired = Vec::new();
        if signal.triggers() {
            fired.push(signal);
        }
        if source.getcredentialtype >= gct_min {
            fired.push(Signal::GetCredentialTypeBurst);
        }
        if source.autodiscover >= ad_min || source.autodiscover_users.distinct() >= ad_users_min {
            fired.push(Signal::AutodiscoverProbing);
        }
        if let Some(episode) = source.episode.as_mut() {
            if let Some(latest) = source.recent.last() {
                episode.add(latest, max_evidence);
            }
        } else if !fired.is_empty() {
            let mut opened = Episode::new(now);
            for item in source.recent.iter() {
                opened.add(item, max_evidence);
            }
            source.episode = Some(opened);
        }
        if let Some(episode) = source.episode.as_mut() {
            if !fired.is_empty() {
                episode.last_active = episode.last_active.max(now);
            }
            episode.techniques.extend(fired);
            episode.peak_getcredentialtype =
                episode.peak_getcredentialtype.max(source.getcredentialtype);
            episode.peak_autodiscover = episode.peak_autodiscover.max(source.autodiscover);
            episode.peak_autodiscover_users = episode
                .peak_autodiscover_users
                .max(source.autodiscover_users.distinct());
        }
        if let Some(episode) = closed {
            findings.push(self.finding(&key, episode));
        }
    }

    fn finding(&self, key: &SourceKey, episode: Episode) -> Finding {
        let config = &self.config;
        let techniques: Vec<&str> = episode.techniques.iter().map(|t| t.name()).collect();
        let harvester_only = episode.techniques.iter().all(|technique| {
            matches!(
                technique,
                Signal::TheharvesterUserAgent | Signal::TheharvesterCommandLine
            )
        });
        let named_tool = episode.techniques.iter().any(|technique| {
            matches!(
                technique,
                Signal::AadinternalsUserAgent
                    | Signal::AadinternalsCommandLine
                    | Signal::TheharvesterUserAgent
                    | Signal::TheharvesterCommandLine
                    | Signal::GetcredentialtypeCommandLine
            )
        });
        let families: BTreeSet<&str> = episode
            .techniques
            .iter()
            .map(|technique| match technique {
                Signal::AadinternalsUserAgent | Signal::AadinternalsCommandLine => "aadinternals",
                Signal::TheharvesterUserAgent | Signal::TheharvesterCommandLine => "theharvester",
                Signal::GetCredentialTypeBurst | Signal::GetcredentialtypeCommandLine => {
                    "getcredentialtype"
                }
                _ => "autodiscover",
            })
            .collect();
        let big_burst = episode.peak_getcredentialtype
            >= 5 * config.getcredentialtype_min_requests.max(1)
            || episode.peak_autodiscover_users >= 5 * config.autodiscover_min_usernames.max(1);
        let severity = if harvester_only {
            Severity::Low
        } else if episode.outsider_enumeration || families.len() >= 2 || big_burst {
            Severity::High
        } else {
            Severity::Medium
        };
        let confidence = if named_tool {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let mut tools = Vec::new();
        if families.contains("aadinternals") {
            tools.push("AADInternals");
        }
        if families.contains("theharvester") {
            tools.push("theHarvester");
        }
        let related: Vec<&str> = if harvester_only {
            Vec::new()
        } else {
            vec!["T1087.004"]
        };
        let (kind, value) = match key {
            SourceKey::Ip(ip) => (EntityKind::Ip, ip.to_string()),
            SourceKey::Host(host) => (EntityKind::Host, host.clone()),
        };
        let mut seen = Vec::new();
        if !tools.is_empty() {
            seen.push(tools.join(" and "));
        }
        if episode.techniques.contains(&Signal::GetCredentialTypeBurst) {
            seen.push(format!(
                "{} GetCredentialType requests (peak {} in {} minutes)",
                episode.getcredentialtype, episode.peak_getcredentialtype, config.window_minutes
            ));
        }
        if episode.techniques.contains(&Signal::AutodiscoverProbing) {
            seen.push(format!(
                "{} Autodiscover probes answered 401 for {} user names",
                episode.autodiscover,
                episode.usernames.len()
            ));
        }
        if episode
            .techniques
            .contains(&Signal::GetcredentialtypeCommandLine)
        {
            seen.push("a command line calling GetCredentialType".to_owned());
        }
        let signal_counts: BTreeMap<&str, u64> = episode
            .signals
            .iter()
            .map(|(signal, count)| (signal.name(), *count))
            .collect();
        Finding {
            id: format!("{ID}/{key}/{}", episode.first.millis()),
            detection: ID.into(),
            technique: T1589_002.into(),
            tactic: RECONNAISSANCE.into(),
            severity,
            confidence,
            entity: Entity {
                kind,
                value: value.clone(),
            },
            first_seen: episode.first,
            last_seen: episode.last,
            summary: format!(
                "address enumeration tooling from {value}: {}",
                seen.join("; ")
            ),
            evidence: episode.evidence,
            details: json!({
                "techniques": techniques,
                "tools": tools,
                "signal_counts": signal_counts,
                "getcredentialtype_requests": episode.getcredentialtype,
                "peak_getcredentialtype_in_window": episode.peak_getcredentialtype,
                "autodiscover_probes": episode.autodiscover,
                "peak_autodiscover_in_window": episode.peak_autodiscover,
                "outsider_enumeration": episode.outsider_enumeration,
                "distinct_usernames": episode.usernames.len(),
                "usernames": episode.usernames,
                "user_agents": episode.agents,
                "hosts": episode.hosts,
                "command_lines": episode.command_lines,
                "images": episode.images,
                "window_minutes": config.window_minutes,
                "related_techniques": related,
            }),
        }
    }
}

impl Detector for EnumerationTooling {
    fn id(&self) -> &'static str {
        ID
    }

    fn reads(&self, event: &Event) -> bool {
        matches!(
            event.kind,
            EventKind::WebRequest(_)
                | EventKind::SignIn(_)
                | EventKind::ProcessStart(_)
                | EventKind::NetworkConnection(_)
                | EventKind::LogonFailure(_)
        )
    }

    fn advance(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        self.expire(now, findings);
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.expire(event.time, findings);
        let (key, observation) = match &event.kind {
            EventKind::WebRequest(request) => {
                let Some(ip) = event.ip else { return };
                let Some(observation) = web(event, request) else {
                    return;
                };
                (SourceKey::Ip(ip), observation)
            }
            EventKind::SignIn(sign_in) => {
                let Some(ip) = event.ip else { return };
                let Some(agent) = sign_in.user_agent.as_deref() else {
                    return;
                };
                if !contains_ignore_ascii_case(agent, "aadinternals") {
                    return;
                }
                let mut observation = Observation::new(event, Signal::AadinternalsUserAgent);
                observation.agent = Some(agent.to_owned());
                observation.usernames.extend(event.user.clone());
                (SourceKey::Ip(ip), observation)
            }
            EventKind::ProcessStart(process) => {
                let Some(observation) = process_start(event, process) else {
                    return;
                };
                let key = match (&process.host, event.ip) {
                    (_, Some(ip)) => SourceKey::Ip(ip),
                    (Some(host), None) => self.machine(host),
                    (None, None) => return,
                };
                (key, observation)
            }
            EventKind::NetworkConnection(connection) => {
                let own = event.ip.filter(|ip| !is_service_placeholder(ip));
                let observation = connection_to_login(event, connection);
                if let (Some(host), Some(ip)) = (&connection.host, own) {
                    let folded = host.to_ascii_lowercase();
                    if observation.is_some()
                        || self.host_addresses.get(&folded).is_some()
                        || self.sources.get(&SourceKey::Host(folded)).is_some()
                    {
                        self.learn_address(host, ip, event.time);
                    }
                }
                let Some(observation) = observation else {
                    return;
                };
                let key = match (own, &connection.host) {
                    (Some(ip), _) => SourceKey::Ip(ip),
                    (None, Some(host)) => self.machine(host),
                    (None, None) => return,
                };
                (key, observation)
            }
            EventKind::LogonFailure(failure) => {
                let Some(ip) = event.ip else { return };
                let mut observation = Observation::new(event, Signal::LogonFailure);
                if let Some(user) = failure.target_user.as_deref().filter(|u| !u.is_empty()) {
                    observation.usernames.push(user.to_lowercase());
                }
                (SourceKey::Ip(ip), observation)
            }
            _ => return,
        };
        if let SourceKey::Ip(ip) = &key {
            if self.config.trusted_sources.contains(ip) {
                return;
            }
        }
        self.observe_at(key, observation, findings);
    }

    fn finish(&mut self, findings: &mut Vec<Finding>) {
        for (key, source) in self.sources.take_all() {
            if let Some(episode) = source.episode {
                findings.push(self.finding(&key, episode));
            }
        }
    }

    fn state_size(&self) -> StateSize {
        StateSize::of(&self.sources)
    }

    fn save(&self) -> serde_json::Value {
        serde_json::to_value(Saved {
            sources: self.sources.clone(),
            host_addresses: self.host_addresses.clone(),
        })
        .unwrap_or(serde_json::Value::Null)
    }

    fn load(&mut self, state: serde_json::Value) -> Result<(), String> {
        let saved: Saved = serde_json::from_value(state).map_err(|error| error.to_string())?;
        self.sources = saved.sources;
        self.host_addresses = saved.host_addresses;
        Ok(())
    }
}

fn any_folded(haystack: &str, needles: &[&str]) -> bool {
    needles
        .iter()
        .any(|needle| contains_ignore_ascii_case(haystack, needle))
}

fn is_login_host(host: &str) -> bool {
    LOGIN_HOSTS
        .iter()
        .any(|login| host.eq_ignore_ascii_case(login))
}

/// The file name of an image path, lower case.
fn file_name(image: &str) -> String {
    image
        .rsplit(['\\', '/'])
        .next()
        .unwrap_or(image)
        .to_ascii_lowercase()
}

fn is_script_image(image: &str) -> bool {
    let name = file_name(image);
    SCRIPT_IMAGES.contains(&name.as_str()) || name.starts_with("python")
}

/// True when `text` ends with `suffix` (ASCII), ignoring case; compared as bytes, so a
/// multi-byte character before the suffix is no problem.
fn ends_with_folded(text: &str, suffix: &str) -> bool {
    let (text, suffix) = (text.as_bytes(), suffix.as_bytes());
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// What a web request shows, if anything.
fn web(event: &Event, request: &WebRequest) -> Option<Observation> {
    let agent = request.user_agent.as_deref().unwrap_or_default();
    let host_is_login = request.host.as_deref().is_some_and(is_login_host);
    let post = request
        .method
        .as_deref()
        .is_none_or(|method| method.eq_ignore_ascii_case("POST"));
    let path = request.path.as_deref().unwrap_or_default();
    let getcredentialtype = post
        && request.host.as_deref().is_none_or(is_login_host)
        && ends_with_folded(path, "/getcredentialtype");
    let autodiscover = post
        && request.status == Some(401)
        && path.eq_ignore_ascii_case("/autodiscover/autodiscover.xml")
        && !any_folded(agent, MAIL_CLIENT_AGENTS);
    let signal = if contains_ignore_ascii_case(agent, "aadinternals") {
        Signal::AadinternalsUserAgent
    } else if contains_ignore_ascii_case(agent, "theharvester") {
        Signal::TheharvesterUserAgent
    } else if getcredentialtype {
        Signal::GetcredentialtypeRequest
    } else if autodiscover {
        Signal::AutodiscoverProbe
    } else if host_is_login && any_folded(agent, SCRIPT_AGENTS) {
        Signal::ScriptedLoginRequest
    } else {
        return None;
    };
    let mut observation = Observation::new(event, signal);
    observation.getcredentialtype = getcredentialtype;
    observation.autodiscover = autodiscover;
    observation.agent = request.user_agent.clone();
    observation.host = request.host.clone();
    if autodiscover {
        observation.usernames.extend(request.username.clone());
    }
    Some(observation)
}

/// What a process start shows, if anything.
fn process_start(event: &Event, process: &ProcessStart) -> Option<Observation> {
    let command_line = process.command_line.as_deref()?;
    let image = process.image.as_deref().unwrap_or_default();
    let signal = if contains_ignore_ascii_case(command_line, "aadinternals")
        || contains_ignore_ascii_case(command_line, "-aadint")
    {
        Signal::AadinternalsCommandLine
    } else if contains_ignore_ascii_case(command_line, "theharvester") {
        Signal::TheharvesterCommandLine
    } else if contains_ignore_ascii_case(command_line, "getcredentialtype") {
        Signal::GetcredentialtypeCommandLine
    } else if contains_ignore_ascii_case(command_line, "autodiscover")
        && (is_script_image(image)
            || any_folded(
                command_line,
                &["curl", "python", "invoke-webrequest", "invoke-restmethod"],
            ))
    {
        Signal::AutodiscoverCommandLine
    } else {
        return None;
    };
    let mut observation = Observation::new(event, signal);
    observation.outsider_enumeration =
        contains_ignore_ascii_case(command_line, "userenumerationasoutsider");
    observation.command_line = Some(command_line.chars().take(COMMAND_LINE_CHARS).collect());
    observation.image = process.image.clone();
    observation.host = process.host.clone();
    observation.usernames = addresses_in(command_line);
    Some(observation)
}

/// A script's connection to a Microsoft login host, if this is one.
fn connection_to_login(event: &Event, connection: &NetworkConnection) -> Option<Observation> {
    let destination = connection.destination_host.as_deref()?;
    let login = is_login_host(destination) || destination.eq_ignore_ascii_case(AUTOLOGON_HOST);
    let image = connection.image.as_deref()?;
    if !login || !is_script_image(image) || connection.initiated == Some(false) {
        return None;
    }
    let mut observation = Observation::new(event, Signal::ScriptConnection);
    observation.image = Some(image.to_owned());
    observation.host = connection.host.clone();
    Some(observation)
}

/// The email addresses a command line names (lower case, at most a list's worth).
fn addresses_in(command_line: &str) -> Vec<String> {
    command_line
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '=' | '(' | ')' | '<' | '>')
        })
        .map(|token| token.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|token| is_email(token))
        .map(str::to_lowercase)
        .take(LIST_CAP)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogSource, LogonFailure, SignIn, WebLogKind};

    const MINUTE: i64 = 60_000;
    const START: i64 = 1_741_077_600_000; // 2025-03-04T08:40:00Z
    const POWERSHELL_UA: &str =
        "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.26100.2161";
    const CHROME_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";
    const OUTLOOK_UA: &str =
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)";

    fn event(id: &str, ms: i64, ip: Option<&str>, kind: EventKind) -> Event {
        Event {
            record_id: id.into(),
            time: Timestamp(START + ms),
            user: None,
            ip: ip.and_then(|ip| ip.parse().ok()),
            source: LogSource::WebProxy,
            kind,
        }
    }

    fn proxy(id: &str, ms: i64, ip: &str, method: &str, url_path: &str, agent: &str) -> Event {
        event(
            id,
            ms,
            Some(ip),
            EventKind::WebRequest(WebRequest {
                log: WebLogKind::Combined,
                method: Some(method.into()),
                host: Some("login.microsoftonline.com".into()),
                path: Some(url_path.into()),
                status: Some(200),
                user_agent: Some(agent.into()),
                ..WebRequest::default()
            }),
        )
    }

    fn iis(
        id: &str,
        ms: i64,
        ip: &str,
        method: &str,
        status: u16,
        user: Option<&str>,
        agent: &str,
    ) -> Event {
        event(
            id,
            ms,
            Some(ip),
            EventKind::WebRequest(WebRequest {
                log: WebLogKind::IisW3c,
                method: Some(method.into()),
                path: Some("/Autodiscover/Autodiscover.xml".into()),
                status: Some(status),
                user_agent: Some(agent.into()),
                username: user.map(str::to_owned),
                ..WebRequest::default()
            }),
        )
    }

    fn process(id: &str, ms: i64, image: &str, command_line: &str) -> Event {
        event(
            id,
            ms,
            None,
            EventKind::ProcessStart(ProcessStart {
                host: Some("WS-0142.corp.contoso.com".into()),
                image: Some(image.into()),
                command_line: Some(command_line.into()),
                ..ProcessStart::default()
            }),
        )
    }

    fn connection(id: &str, ms: i64, image: &str, destination: &str) -> Event {
        event(
            id,
            ms,
            Some("10.0.5.42"),
            EventKind::NetworkConnection(NetworkConnection {
                host: Some("WS-0142.corp.contoso.com".into()),
                image: Some(image.into()),
                destination_host: Some(destination.into()),
                destination_port: Some(443),
                initiated: Some(true),
                ..NetworkConnection::default()
            }),
        )
    }

    fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
        let mut sorted = events.to_vec();
        sorted.sort_by_key(|event| event.time);
        let mut detector = EnumerationTooling::new(config);
        let mut findings = Vec::new();
        for event in &sorted {
            detector.observe(event, &mut findings);
        }
        detector.finish(&mut findings);
        findings
    }

    fn techniques(finding: &Finding) -> Vec<&str> {
        finding.details["techniques"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|v| v.as_str())
            .collect()
    }

    fn burst(ip: &str, count: usize, agent: &str, offset: i64) -> Vec<Event> {
        (0..count)
            .map(|i| {
                proxy(
                    &format!("gct{offset}-{i}"),
                    offset + i as i64 * 2_000,
                    ip,
                    "POST",
                    "/common/GetCredentialType",
                    agent,
                )
            })
            .collect()
    }

    #[test]
    fn suffixes_compare_as_bytes_whatever_comes_before() {
        assert!(ends_with_folded(
            "/common/GetCredentialType",
            "/getcredentialtype"
        ));
        assert!(ends_with_folded(
            "/\u{fffd}/GETCREDENTIALTYPE",
            "/getcredentialtype"
        ));
        assert!(!ends_with_folded(
            "\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}x",
            "/getcredentialtype"
        ));
        assert!(!ends_with_folded("", "/getcredentialtype"));
    }

    #[test]
    fn a_getcredentialtype_burst_fires_once() {
        let findings = run(
            &EngineConfig::default(),
            &burst("10.0.5.42", 12, POWERSHELL_UA, 0),
        );
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(techniques(finding), vec!["getcredentialtype_burst"]);
        assert_eq!(finding.details["getcredentialtype_requests"], 12);
        assert_eq!(finding.evidence.len(), 12);
        assert_eq!(finding.severity, Severity::Medium);
        assert_eq!(finding.entity.kind, EntityKind::Ip);
        assert_eq!(finding.technique, "T1589.002");
        // Any tenant path, any case.
        let tenant: Vec<Event> = (0..10)
            .map(|i| {
                proxy(
                    &format!("t{i}"),
                    i * 1000,
                    "10.0.5.43",
                    "POST",
                    "/contoso.onmicrosoft.com/getcredentialtype",
                    POWERSHELL_UA,
                )
            })
            .collect();
        assert_eq!(run(&EngineConfig::default(), &tenant).len(), 1);
    }

    #[test]
    fn paths_with_multi_byte_characters_are_read_without_panicking() {
        for path in ["/é", "€€€€€€/", "/tenant/Ünïcödé/GetCredentialType", "€"] {
            let event = proxy("u", 0, "10.0.5.42", "POST", path, POWERSHELL_UA);
            assert!(run(&EngineConfig::default(), &[event]).is_empty(), "{path}");
        }
    }

    #[test]
    fn a_browser_login_calling_getcredentialtype_is_silent() {
        let mut events = burst("10.0.8.31", 2, CHROME_UA, 0);
        events.push(proxy(
            "authz",
            3_000,
            "10.0.8.31",
            "GET",
            "/common/oauth2/v2.0/authorize",
            CHROME_UA,
        ));
        events.extend(burst("10.0.8.31", 2, CHROME_UA, 3 * 60 * MINUTE));
        assert!(run(&EngineConfig::default(), &events).is_empty());
        assert!(
            run(
                &EngineConfig::default(),
                &burst("10.0.8.31", 9, POWERSHELL_UA, 0)
            )
            .is_empty()
        );
    }

    #[test]
    fn the_aadinternals_user_agent_in_web_or_sign_in_telemetry() {
        let findings = run(
            &EngineConfig::default(),
            &[proxy(
                "a1",
                0,
                "10.0.5.42",
                "POST",
                "/common/GetCredentialType",
                "AADInternals",
            )],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(techniques(&findings[0]), vec!["aadinternals_user_agent"]);
        assert_eq!(findings[0].confidence, Confidence::High);
        assert_eq!(findings[0].details["tools"][0], "AADInternals");

        let mut sign_in = event(
            "s1",
            0,
            Some("203.0.113.77"),
            EventKind::SignIn(SignIn {
                error_code: 50034,
                user_agent: Some("AADInternals".into()),
                ..SignIn::default()
            }),
        );
        sign_in.user = Some("ghost@contoso.com".into());
        let findings = run(&EngineConfig::default(), &[sign_in]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["usernames"][0], "ghost@contoso.com");
    }

    #[test]
    fn a_command_line_its_connections_and_its_requests_are_one_finding() {
        let events = vec![
            process(
                "p1",
                0,
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                r#"powershell.exe -nop -c "Import-Module AADInternals; Get-Content .\users.txt | Invoke-AADIntUserEnumerationAsOutsider -Method Normal""#,
            ),
            connection(
                "c1",
                1_000,
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                "login.microsoftonline.com",
            ),
            proxy(
                "x1",
                2_000,
                "10.0.5.42",
                "POST",
                "/common/GetCredentialType",
                "AADInternals",
            ),
            proxy(
                "x2",
                3_000,
                "10.0.5.42",
                "POST",
                "/common/GetCredentialType",
                "AADInternals",
            ),
        ];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = &findings[0];
        assert_eq!(finding.entity.kind, EntityKind::Ip);
        assert_eq!(finding.entity.value, "10.0.5.42");
        assert_eq!(finding.evidence, vec!["p1", "c1", "x1", "x2"]);
        assert_eq!(
            finding.severity,
            Severity::High,
            "UserEnumerationAsOutsider"
        );
        assert_eq!(finding.details["outsider_enumeration"], true);
        assert_eq!(
            techniques(finding),
            vec!["aadinternals_user_agent", "aadinternals_command_line"]
        );
        assert_eq!(finding.details["hosts"][0], "WS-0142.corp.contoso.com");
    }

    #[test]
    fn a_command_line_alone_is_reported_by_machine() {
        let findings = run(
            &EngineConfig::default(),
            &[process(
                "p1",
                0,
                r"C:\Program Files\PowerShell\7\pwsh.exe",
                r#"pwsh -c "Invoke-RestMethod -Method Post -Uri https://login.microsoftonline.com/common/GetCredentialType -Body (@{username='jdoe@contoso.com'} | ConvertTo-Json)""#,
            )],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].entity.kind, EntityKind::Host);
        assert_eq!(findings[0].entity.value, "ws-0142.corp.contoso.com");
        assert_eq!(
            techniques(&findings[0]),
            vec!["getcredentialtype_command_line"]
        );
        assert_eq!(findings[0].details["usernames"][0], "jdoe@contoso.com");
    }

    #[test]
    fn benign_powershell_is_silent() {
        let events = vec![
            process(
                "p1",
                0,
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                "powershell.exe -NoProfile -Command Get-Mailbox -ResultSize 10",
            ),
            process(
                "p2",
                1_000,
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                "powershell.exe -Command Connect-ExchangeOnline -UserPrincipalName admin@contoso.com",
            ),
            connection(
                "c1",
                2_000,
                r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                "login.microsoftonline.com",
            ),
            proxy(
                "x1",
                3_000,
                "10.0.5.42",
                "POST",
                "/common/oauth2/v2.0/token",
                POWERSHELL_UA,
            ),
        ];
        assert!(run(&EngineConfig::default(), &events).is_empty());
    }

    #[test]
    fn autodiscover_probing_with_curl() {
        let users = ["jdoe", "a.nguyen", "finance", "ceo", "helpdesk", "m.garcia"];
        let mut events: Vec<Event> = users
            .iter()
            .enumerate()
            .map(|(i, user)| {
                let address = format!("{user}@contoso.com");
                iis(
                    &format!("ad{i}"),
                    i as i64 * 1_000,
                    "203.0.113.77",
                    "POST",
                    401,
                    Some(&address),
                    "curl/8.5.0",
                )
            })
            .collect();
        events.push(iis(
            "anon",
            10_000,
            "203.0.113.77",
            "POST",
            401,
            None,
            "python-requests/2.31.0",
        ));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(techniques(finding), vec!["autodiscover_probing"]);
        assert_eq!(finding.details["autodiscover_probes"], 7);
        assert_eq!(finding.details["distinct_usernames"], 6);
        assert_eq!(finding.evidence.len(), 7);
        // Many requests without names fire too.
        let anonymous: Vec<Event> = (0..10)
            .map(|i| {
                iis(
                    &format!("n{i}"),
                    i * 1_000,
                    "203.0.113.78",
                    "POST",
                    401,
                    None,
                    "curl/8.5.0",
                )
            })
            .collect();
        assert_eq!(run(&EngineConfig::default(), &anonymous).len(), 1);
    }

    #[test]
    fn outlook_doing_its_own_autodiscover_is_silent() {
        let mut events = vec![
            iis("o1", 0, "10.0.8.31", "POST", 401, None, OUTLOOK_UA),
            iis(
                "o2",
                500,
                "10.0.8.31",
                "POST",
                200,
                Some("amy.lee@contoso.com"),
                OUTLOOK_UA,
            ),
        ];
        // A front end's NAT presenting forty Outlook clients as one address.
        events.extend((0..40).map(|i| {
            let address = format!("person{i}@contoso.com");
            iis(
                &format!("n{i}"),
                1_000 + i * 1_000,
                "192.0.2.1",
                "POST",
                401,
                Some(&address),
                OUTLOOK_UA,
            )
        }));
        assert!(run(&EngineConfig::default(), &events).is_empty());
        // A GET, or a POST answered 200, is no probe.
        let other: Vec<Event> = (0..12)
            .map(|i| {
                iis(
                    &format!("g{i}"),
                    i * 1_000,
                    "203.0.113.9",
                    "GET",
                    401,
                    None,
                    "curl/8.5.0",
                )
            })
            .collect();
        assert!(run(&EngineConfig::default(), &other).is_empty());
    }

    #[test]
    fn theharvester_is_low_and_named() {
        let events = vec![event(
            "h1",
            0,
            Some("10.0.5.42"),
            EventKind::WebRequest(WebRequest {
                log: WebLogKind::Combined,
                method: Some("GET".into()),
                host: Some("crt.sh".into()),
                path: Some("/".into()),
                user_agent: Some(
                    "theHarvester/5.0.0 (+https://github.com/laramies/theHarvester)".into(),
                ),
                ..WebRequest::default()
            }),
        )];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Low);
        assert_eq!(findings[0].details["tools"][0], "theHarvester");
        assert_eq!(techniques(&findings[0]), vec!["theharvester_user_agent"]);
    }

    #[test]
    fn two_techniques_or_a_large_burst_are_high() {
        let mut events = burst("10.0.5.42", 12, POWERSHELL_UA, 0);
        events.extend((0..6).map(|i| {
            let address = format!("u{i}@contoso.com");
            iis(
                &format!("ad{i}"),
                60_000 + i,
                "10.0.5.42",
                "POST",
                401,
                Some(&address),
                "curl/8.5.0",
            )
        }));
        assert_eq!(
            run(&EngineConfig::default(), &events)[0].severity,
            Severity::High
        );
        assert_eq!(
            run(
                &EngineConfig::default(),
                &burst("10.0.5.42", 60, POWERSHELL_UA, 0)
            )[0]
            .severity,
            Severity::High
        );
    }

    #[test]
    fn episodes_end_after_a_quiet_window() {
        let mut events = burst("10.0.5.42", 12, POWERSHELL_UA, 0);
        events.extend(burst("10.0.5.42", 12, POWERSHELL_UA, 3 * 60 * MINUTE));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].details["getcredentialtype_requests"], 12);
    }

    #[test]
    fn trusted_sources_and_logon_failures() {
        let mut config = EngineConfig::default();
        config.detections.enumeration_tooling.trusted_sources =
            IpRanges::parse(&["10.0.5.0/24"]).expect("valid");
        assert!(run(&config, &burst("10.0.5.42", 30, "AADInternals", 0)).is_empty());
        // A 4625 alone opens nothing; after a trigger it joins.
        let failure = |id: &str, ms: i64| {
            event(
                id,
                ms,
                Some("203.0.113.77"),
                EventKind::LogonFailure(LogonFailure {
                    target_user: Some("jdoe@contoso.com".into()),
                    sub_status: Some("0xc0000064".into()),
                    ..LogonFailure::default()
                }),
            )
        };
        assert!(run(&EngineConfig::default(), &[failure("f1", 0)]).is_empty());
        let mut events: Vec<Event> = (0..10)
            .map(|i| {
                iis(
                    &format!("n{i}"),
                    i * 1_000,
                    "203.0.113.77",
                    "POST",
                    401,
                    None,
                    "curl/8.5.0",
                )
            })
            .collect();
        events.push(failure("f2", 20_000));
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].evidence.contains(&"f2".to_owned()));
    }

    #[test]
    fn state_saved_midway_gives_the_same_findings() {
        let mut events = vec![process(
            "p1",
            0,
            r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
            "powershell -c Invoke-AADIntUserEnumerationAsOutsider -UserName jdoe@contoso.com",
        )];
        events.push(connection(
            "c1",
            1_000,
            "powershell.exe",
            "login.microsoftonline.com",
        ));
        events.extend(burst("10.0.5.42", 12, POWERSHELL_UA, 5_000));
        let whole = run(&EngineConfig::default(), &events);
        let mut first = EnumerationTooling::new(&EngineConfig::default());
        let mut findings = Vec::new();
        for event in &events[..1] {
            first.observe(event, &mut findings);
        }
        let mut second = EnumerationTooling::new(&EngineConfig::default());
        second.load(first.save()).expect("loads");
        for event in &events[1..] {
            second.observe(event, &mut findings);
        }
        second.finish(&mut findings);
        assert_eq!(findings, whole);
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].entity.value, "10.0.5.42");
    }
}
