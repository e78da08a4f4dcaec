//! `impossible_travel`: one account signs in from places no one could travel between in the
//! time between the sign-ins.
//!
//! **What.** Successful sign-ins (error 0) of one user, each compared with the places the user
//! signed in from in the last `lookback_hours` (default 24, a sliding window by event time):
//! - **geo-velocity** when both sign-ins carry coordinates: the great-circle (haversine)
//!   distance and the implied speed; a pair is impossible when the distance exceeds
//!   `min_distance_km` (default 500) *and* the speed exceeds `max_speed_kmh` (default 900,
//!   an airliner's cruise). Speeds are taken over at least one minute.
//! - **country change** when either lacks coordinates: a change of country within
//!   `country_change_minutes` (default 60).
//!
//! Sign-ins without a country are ignored, and so are sign-ins from `trusted_ranges` (VPN
//! concentrators, jump servers, corporate NAT, as CIDR ranges): they say where the egress is,
//! not where the user is. Interactive and non-interactive sign-ins both count (`interactive`,
//! `non_interactive`); service-principal sign-ins never do.
//!
//! **Why.** A stolen password or session token used from the attacker's infrastructure shows
//! the same account in two places at once (the seeds' test 4 shifts a session through a VPN
//! in another country within 20 minutes). The seed query (QRadar, branch 2) counts distinct
//! countries per user per *clock hour*: it misses a pair across an hour boundary, fires on a
//! traveller crossing a border on a short flight and on an admin behind a foreign jump
//! server, and cannot tell a hop abroad from a move across a continent.
//!
//! **Fields.** `SignIn` events: user, time, error code, country, city, coordinates, client IP,
//! log (interactive or not).
//!
//! **Episodes.** Each impossible pair is a *leg*; a user's legs chain into one episode until
//! `episode_gap_minutes` (default 240) pass without another, and the episode yields one
//! finding with every leg. A hop abroad between two sign-ins at home, both legs impossible
//! (A→B→A: a VPN or proxy switched on and off, or a stolen session used in between), is named
//! `a_b_a`; otherwise the pattern is `geo_velocity` or `country_change`. Evidence: the record
//! ids of the legs' sign-ins.
//!
//! **Seed-compatible mode** reproduces the seed exactly: every successful sign-in (any log,
//! no trusted ranges), grouped by user and clock hour; a group with two or more distinct
//! countries (sign-ins without a country count as sign-ins, not as a country) is one finding
//! citing every sign-in of the group.
//!
//! **Severity.** High; medium when every leg is only country-level (no coordinates).
//! Confidence medium, low for country-level only.
//!
//! **Known false positives.** Coarse IP geolocation of mobile carriers and satellite links,
//! consumer VPNs and privacy relays used by the account's owner (add corporate egress to
//! `trusted_ranges`), a device left at home syncing (non-interactive) while its owner
//! travels (set `non_interactive = false`), a short hop across a border without coordinates
//! (country-level only, graded medium).

use super::{Detector, RESOURCE_DEVELOPMENT, StateSize, T1586_002};
use crate::config::{EngineConfig, Mode};
use crate::event::{Event, EventKind, SignIn, SignInLog};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::net::IpRanges;
use crate::state::KeyedState;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::Arc;

/// The stable id.
pub const ID: &str = "impossible_travel";

/// Mean Earth radius (IUGG), in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
/// A user seen again within this much event time keeps its place in the expiry order (see
/// [`KeyedState::touch_within`]); expiry allows for it.
const TOUCH_SLACK_MS: i64 = 10 * MINUTE_MS;

/// Settings of `impossible_travel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImpossibleTravelConfig {
    /// Faster than this (km/h) between two sign-ins with coordinates is impossible. Default 900.
    pub max_speed_kmh: f64,
    /// Pairs closer than this (km) never fire, whatever the speed. Default 500.
    pub min_distance_km: f64,
    /// Without coordinates: a change of country within this many minutes fires. Default 60.
    pub country_change_minutes: u32,
    /// How far back (hours) a sign-in is compared with the user's earlier ones. Default 24.
    pub lookback_hours: u32,
    /// An episode ends after this many minutes without another impossible pair. Default 240.
    pub episode_gap_minutes: u32,
    /// Egress ranges (CIDR) whose sign-ins are not locations: VPN concentrators, jump servers,
    /// corporate NAT.
    pub trusted_ranges: IpRanges,
    /// Interactive sign-ins count (and those whose log is not stated). Default true.
    pub interactive: bool,
    /// Non-interactive sign-ins count. Default true.
    pub non_interactive: bool,
    /// Accounts never reported (case-insensitive).
    pub allow_users: Vec<String>,
    /// Places remembered per user. Default 32.
    pub max_places: usize,
    /// Legs kept per episode (all are counted). Default 50.
    pub max_legs: usize,
    /// Record ids kept as evidence per finding. Default 100.
    pub max_evidence: usize,
    /// Users tracked at once. Default 100,000.
    pub max_keys: usize,
}

impl Default for ImpossibleTravelConfig {
    fn default() -> Self {
        Self {
            max_speed_kmh: 900.0,
            min_distance_km: 500.0,
            country_change_minutes: 60,
            lookback_hours: 24,
            episode_gap_minutes: 240,
            trusted_ranges: IpRanges::default(),
            interactive: true,
            non_interactive: true,
            allow_users: Vec::new(),
            max_places: 32,
            max_legs: 50,
            max_evidence: 100,
            max_keys: 100_000,
        }
    }
}

/// One sign-in, as a point in space and time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Stop {
    record: Arc<str>,
    time: Timestamp,
    country: String,
    city: Option<String>,
    ip: Option<IpAddr>,
    coordinates: Option<(f64, f64)>,
}

impl Stop {
    fn spot(&self) -> Spot<'_> {
        Spot {
            country: &self.country,
            city: self.city.as_deref(),
            coordinates: self.coordinates,
        }
    }

    fn label(&self) -> String {
        match &self.city {
            Some(city) => format!("{city}, {}", self.country),
            None => self.country.clone(),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "record": self.record,
            "time": self.time.to_rfc3339(),
            "country": self.country,
            "city": self.city,
            "ip": self.ip.map(|ip| ip.to_string()),
            "coordinates": self.coordinates.map(|(lat, lon)| [lat, lon]),
        })
    }
}

/// A sign-in as a point, borrowed from its event until it must be kept.
#[derive(Debug, Clone, Copy)]
struct Sighting<'e> {
    record: &'e Arc<str>,
    time: Timestamp,
    country: &'e str,
    city: Option<&'e str>,
    ip: Option<IpAddr>,
    coordinates: Option<(f64, f64)>,
}

impl Sighting<'_> {
    fn spot(&self) -> Spot<'_> {
        Spot {
            country: self.country,
            city: self.city,
            coordinates: self.coordinates,
        }
    }

    fn to_stop(self) -> Stop {
        Stop {
            record: Arc::clone(self.record),
            time: self.time,
            country: self.country.to_owned(),
            city: self.city.map(str::to_owned),
            ip: self.ip,
            coordinates: self.coordinates,
        }
    }

    /// Makes `stop` this sighting, reusing its buffers (a user's next sign-in at a known place
    /// allocates nothing).
    fn write_into(self, stop: &mut Stop) {
        stop.record = Arc::clone(self.record);
        stop.time = self.time;
        stop.country.clear();
        stop.country.push_str(self.country);
        match (&mut stop.city, self.city) {
            (Some(kept), Some(city)) => {
                kept.clear();
                kept.push_str(city);
            }
            (kept, city) => *kept = city.map(str::to_owned),
        }
        stop.ip = self.ip;
        stop.coordinates = self.coordinates;
    }
}

/// Where a sign-in was, to tell places apart.
#[derive(Debug, Clone, Copy)]
struct Spot<'a> {
    country: &'a str,
    city: Option<&'a str>,
    coordinates: Option<(f64, f64)>,
}

/// True when both are one place: the same country and coordinates to a tenth of a degree
/// (about 11 km), or without coordinates the same city.
fn same_place(a: Spot<'_>, b: Spot<'_>) -> bool {
    let tenth = |(lat, lon): (f64, f64)| ((lat * 10.0).round(), (lon * 10.0).round());
    a.country == b.country
        && match (a.coordinates, b.coordinates) {
            (Some(x), Some(y)) => tenth(x) == tenth(y),
            (None, None) => match (a.city, b.city) {
                (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                (x, y) => x.is_none() && y.is_none(),
            },
            _ => false,
        }
}

/// An impossible pair of sign-ins.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Leg {
    from: Stop,
    to: Stop,
    /// Great-circle distance, when both stops have coordinates.
    distance_km: Option<f64>,
}

impl Leg {
    fn hours(&self) -> f64 {
        (self.to.time.millis() - self.from.time.millis()) as f64 / HOUR_MS as f64
    }

    /// The implied speed, over at least one minute.
    fn speed_kmh(&self) -> Option<f64> {
        let hours = self.hours().max(1.0 / 60.0);
        self.distance_km.map(|distance| distance / hours)
    }

    fn kind(&self) -> &'static str {
        if self.distance_km.is_some() {
            "geo_velocity"
        } else {
            "country_change"
        }
    }

    /// True when `self` is worse (more clearly impossible) than `other`: a measured leg beats
    /// a country-level one, a faster one a slower one, a quicker country change a slower one.
    fn worse_than(&self, other: &Leg) -> bool {
        match (self.speed_kmh(), other.speed_kmh()) {
            (Some(mine), Some(theirs)) => mine > theirs,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => self.hours() < other.hours(),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "from": self.from.to_json(),
            "to": self.to.to_json(),
            "kind": self.kind(),
            "distance_km": self.distance_km.map(|d| round(d, 1)),
            "hours": round(self.hours(), 2),
            "speed_kmh": self.speed_kmh().map(|s| round(s, 0)),
        })
    }
}

/// A user's chain of impossible legs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Episode {
    legs: Vec<Leg>,
    legs_total: usize,
    evidence: Vec<String>,
    last_leg: Timestamp,
}

/// The seed's group: one user's successful sign-ins in one clock hour.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct HourGroup {
    hour: i64,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    count: usize,
    countries: BTreeSet<String>,
    cities: BTreeSet<String>,
    ips: BTreeSet<String>,
    evidence: Vec<String>,
}

/// Per-user state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct UserTravel {
    /// The last sign-in at each place.
    places: Vec<Stop>,
    episode: Option<Episode>,
    group: Option<HourGroup>,
}

/// The state a snapshot carries.
#[derive(Serialize, Deserialize)]
struct Saved {
    users: KeyedState<String, UserTravel>,
    open: BTreeSet<(Timestamp, String)>,
}

/// The detector.
#[derive(Debug, Clone)]
pub struct ImpossibleTravel {
    config: ImpossibleTravelConfig,
    mode: Mode,
    users: KeyedState<String, UserTravel>,
    /// Users with an open episode, by the time of its last leg.
    open: BTreeSet<(Timestamp, String)>,
}

impl ImpossibleTravel {
    /// A detector configured by `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.impossible_travel.clone();
        Self {
            users: KeyedState::new(settings.max_keys),
            mode: config.mode,
            config: settings,
            open: BTreeSet::new(),
        }
    }

    fn lookback_ms(&self) -> i64 {
        i64::from(self.config.lookback_hours.max(1)) * HOUR_MS
    }

    fn gap_ms(&self) -> i64 {
        i64::from(self.config.episode_gap_minutes.max(1)) * MINUTE_MS
    }

    /// The sign-in as a sighting, if this mode looks at it at all.
    fn sighting<'e>(&self, event: &'e Event, sign_in: &'e SignIn) -> Option<Sighting<'e>> {
        if !sign_in.succeeded() {
            return None;
        }
        if self.mode == Mode::Default {
            let counted = match (sign_in.log, sign_in.interactive) {
                (SignInLog::ServicePrincipal, _) => false,
                (SignInLog::NonInteractive, _) | (SignInLog::Unknown, Some(false)) => {
                    self.config.non_interactive
                }
                _ => self.config.interactive,
            };
            let trusted = event
                .ip
                .is_some_and(|ip| self.config.trusted_ranges.contains(&ip));
            if !counted || trusted || sign_in.country.is_none() {
                return None;
            }
        }
        Some(Sighting {
            record: &event.record_id,
            time: event.time,
            country: sign_in.country.as_deref().unwrap_or_default(),
            city: sign_in.city.as_deref(),
            ip: event.ip,
            coordinates: sign_in.coordinates,
        })
    }

    /// Default mode: compares the sign-in with the user's places and chains what is impossible.
    fn travel(&mut self, user: &str, seen: Sighting<'_>, findings: &mut Vec<Finding>) {
        let horizon = seen.time.millis() - self.lookback_ms();
        let gap = self.gap_ms();
        let Self {
            config,
            users,
            open,
            ..
        } = self;
        let state = users.touch_within(user, seen.time, TOUCH_SLACK_MS, UserTravel::default);
        state.places.retain(|place| place.time.millis() > horizon);
        // The most clearly impossible pair, made into a leg only once chosen.
        let mut worst: Option<(usize, Option<f64>)> = None;
        let mut here = None;
        for (index, place) in state.places.iter().enumerate() {
            if same_place(place.spot(), seen.spot()) {
                here = Some(index);
                continue;
            }
            if let Some(distance) = judge(config, place, &seen) {
                let worse = worst.is_none_or(|(current, current_distance)| {
                    worse_than(
                        (distance, place.time),
                        (current_distance, state.places[current].time),
                        seen.time,
                    )
                });
                if worse {
                    worst = Some((index, distance));
                }
            }
        }
        // A leg is copied only when the episode has room to keep it (a long episode counts
        // its further legs).
        let full = state.episode.as_ref().is_some_and(|episode| {
            episode.legs.len() >= config.max_legs.max(1)
                && episode.evidence.len() >= config.max_evidence
                && seen.time.millis() - episode.last_leg.millis() <= gap
        });
        let leg = worst.map(|(index, distance_km)| {
            (!full).then(|| Leg {
                from: state.places[index].clone(),
                to: seen.to_stop(),
                distance_km,
            })
        });
        match here {
            Some(index) => seen.write_into(&mut state.places[index]),
            None => {
                if state.places.len() >= config.max_places.max(1) {
                    if let Some(oldest) = state
                        .places
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, place)| place.time)
                        .map(|(index, _)| index)
                    {
                        state.places.swap_remove(oldest);
                    }
                }
                state.places.push(seen.to_stop());
            }
        }
        let Some(leg) = leg else {
            return;
        };
        let time = seen.time;
        let Some(leg) = leg else {
            if let Some(episode) = &mut state.episode {
                open.remove(&(episode.last_leg, user.to_owned()));
                episode.legs_total += 1;
                episode.last_leg = time;
                open.insert((time, user.to_owned()));
            }
            return;
        };
        let mut closed = None;
        if let Some(episode) = &state.episode {
            if time.millis() - episode.last_leg.millis() > gap {
                open.remove(&(episode.last_leg, user.to_owned()));
                closed = state.episode.take();
            }
        }
        let episode = state.episode.get_or_insert_with(|| Episode {
            legs: Vec::new(),
            legs_total: 0,
            evidence: Vec::new(),
            last_leg: time,
        });
        open.remove(&(episode.last_leg, user.to_owned()));
        // The leg's arrival is this sign-in, new to the episode; its departure may be the
        // arrival of an earlier leg, most likely the last one (look from the end).
        if episode.evidence.len() < config.max_evidence
            && !episode
                .evidence
                .iter()
                .rev()
                .any(|kept| **kept == *leg.from.record)
        {
            episode.evidence.push(leg.from.record.to_string());
        }
        if episode.evidence.len() < config.max_evidence {
            episode.evidence.push(leg.to.record.to_string());
        }
        episode.legs_total += 1;
        if episode.legs.len() < config.max_legs.max(1) {
            episode.legs.push(leg);
        }
        episode.last_leg = time;
        open.insert((time, user.to_owned()));
        if let Some(episode) = closed {
            findings.push(self.episode_finding(user, &episode));
        }
    }

    /// Seed-compatible mode: adds the sign-in to the user's clock-hour group.
    fn group(&mut self, user: &str, seen: Sighting<'_>, findings: &mut Vec<Finding>) {
        let hour = seen.time.millis().div_euclid(HOUR_MS);
        let max_evidence = self.config.max_evidence;
        // Exact touch times: a group closes when its clock hour is over.
        let state = self
            .users
            .touch_within(user, seen.time, 0, UserTravel::default);
        let closed = match &state.group {
            Some(group) if group.hour != hour => state.group.take(),
            _ => None,
        };
        let group = state.group.get_or_insert_with(|| HourGroup {
            hour,
            ..HourGroup::default()
        });
        group.first = Some(group.first.map_or(seen.time, |first| first.min(seen.time)));
        group.last = Some(group.last.map_or(seen.time, |last| last.max(seen.time)));
        group.count += 1;
        if !seen.country.is_empty() && !group.countries.contains(seen.country) {
            group.countries.insert(seen.country.to_owned());
        }
        if let Some(city) = seen.city.filter(|city| !group.cities.contains(*city)) {
            group.cities.insert(city.to_owned());
        }
        if let Some(ip) = seen.ip {
            group.ips.insert(ip.to_string());
        }
        if group.evidence.len() < max_evidence {
            group.evidence.push(seen.record.to_string());
        }
        if let Some(finding) = closed.and_then(|group| self.group_finding(user, group)) {
            findings.push(finding);
        }
    }

    fn episode_finding(&self, user: &str, episode: &Episode) -> Finding {
        let legs = &episode.legs;
        let geo = legs.iter().any(|leg| leg.distance_km.is_some());
        let out = a_b_a(legs, self.config.min_distance_km);
        let pattern = if out.is_some() {
            "a_b_a"
        } else if geo {
            "geo_velocity"
        } else {
            "country_change"
        };
        let worst = legs
            .iter()
            .reduce(|worst, leg| if leg.worse_than(worst) { leg } else { worst });
        let stops = || {
            legs.first()
                .map(|leg| &leg.from)
                .into_iter()
                .chain(legs.iter().map(|leg| &leg.to))
        };
        let countries = distinct(stops().map(|stop| stop.country.clone()));
        let cities = distinct(stops().filter_map(|stop| stop.city.clone()));
        let ips = distinct(stops().filter_map(|stop| stop.ip.map(|ip| ip.to_string())));
        let first = legs.first().map_or(episode.last_leg, |leg| leg.from.time);
        let (severity, confidence) = if geo {
            (Severity::High, Confidence::Medium)
        } else {
            (Severity::Medium, Confidence::Low)
        };
        let summary = match (worst, out) {
            (Some(leg), Some(out)) => format!(
                "{user} signed in from {}, then from {}, then from {} again within {}: a hop \
                 abroad between sign-ins at home ({})",
                out.from.label(),
                out.to.label(),
                out.from.label(),
                duration(episode.last_leg.millis() - first.millis()),
                leg_speed(leg)
            ),
            (Some(leg), None) if leg.distance_km.is_some() => format!(
                "{user} signed in from {} and {} later from {}: {} (more than {} km/h)",
                leg.from.label(),
                duration(leg.to.time.millis() - leg.from.time.millis()),
                leg.to.label(),
                leg_speed(leg),
                self.config.max_speed_kmh
            ),
            (Some(leg), None) => format!(
                "{user} signed in from {} and {} later from {} (a change of country within {} \
                 minutes; no coordinates to measure the distance)",
                leg.from.label(),
                duration(leg.to.time.millis() - leg.from.time.millis()),
                leg.to.label(),
                self.config.country_change_minutes
            ),
            (None, _) => {
                format!("{user} signed in from places too far apart for the time between")
            }
        };
        Finding {
            id: format!("{ID}/{user}/{}", first.millis()),
            detection: ID.into(),
            technique: T1586_002.into(),
            tactic: RESOURCE_DEVELOPMENT.into(),
            severity,
            confidence,
            entity: Entity {
                kind: EntityKind::User,
                value: user.to_owned(),
            },
            first_seen: first,
            last_seen: episode.last_leg,
            summary,
            evidence: episode.evidence.clone(),
            details: json!({
                "pattern": pattern,
                "mode": self.mode,
                "countries": countries,
                "cities": cities,
                "ips": ips,
                "distance_km": worst.and_then(|leg| leg.distance_km).map(|d| round(d, 1)),
                "hours": worst.map(|leg| round(leg.hours(), 2)),
                "speed_kmh": worst.and_then(Leg::speed_kmh).map(|s| round(s, 0)),
                "legs": legs.iter().map(Leg::to_json).collect::<Vec<_>>(),
                "legs_total": episode.legs_total,
                "max_speed_kmh": self.config.max_speed_kmh,
                "min_distance_km": self.config.min_distance_km,
                "country_change_minutes": self.config.country_change_minutes,
                "related_techniques": ["T1078.004"],
            }),
        }
    }

    fn group_finding(&self, user: &str, group: HourGroup) -> Option<Finding> {
        if group.countries.len() < 2 {
            return None;
        }
        let (first, last) = (group.first?, group.last?);
        let start = Timestamp(group.hour * HOUR_MS);
        let countries: Vec<&str> = group.countries.iter().map(String::as_str).collect();
        Some(Finding {
            id: format!("{ID}/{user}/{}", start.millis()),
            detection: ID.into(),
            technique: T1586_002.into(),
            tactic: RESOURCE_DEVELOPMENT.into(),
            severity: Severity::High,
            confidence: Confidence::Medium,
            entity: Entity {
                kind: EntityKind::User,
                value: user.to_owned(),
            },
            first_seen: first,
            last_seen: last,
            summary: format!(
                "{user} signed in successfully from {} countries ({}) in the clock hour from {}",
                countries.len(),
                countries.join(", "),
                start.to_rfc3339()
            ),
            evidence: group.evidence,
            details: json!({
                "pattern": "clock_hour_countries",
                "mode": self.mode,
                "countries": countries,
                "cities": group.cities,
                "ips": group.ips,
                "distance_km": null,
                "hours": null,
                "speed_kmh": null,
                "signin_count": group.count,
                "distinct_countries": group.countries.len(),
                "hour_start": start.to_rfc3339(),
                "related_techniques": ["T1078.004"],
            }),
        })
    }

    /// Closes the episodes quiet for a whole gap, then forgets users idle for the lookback
    /// (seed mode: whose clock hour is over).
    fn expire(&mut self, now: Timestamp, findings: &mut Vec<Finding>) {
        let quiet = now.millis() - self.gap_ms();
        while let Some((last, _)) = self.open.first() {
            if last.millis() >= quiet {
                break;
            }
            let Some((last, user)) = self.open.pop_first() else {
                break;
            };
            // Only the episode this entry stands for (its user may have been evicted and come
            // back with a newer one).
            if let Some(episode) = self
                .users
                .get_mut(&user)
                .and_then(|state| state.episode.take_if(|episode| episode.last_leg == last))
            {
                findings.push(self.episode_finding(&user, &episode));
            }
        }
        let cutoff = if self.mode == Mode::SeedCompatible {
            Timestamp(now.millis().div_euclid(HOUR_MS) * HOUR_MS)
        } else {
            Timestamp(now.millis() - self.lookback_ms() - TOUCH_SLACK_MS)
        };
        let mut gone = Vec::new();
        self.users
            .expire_before(cutoff, &mut |user, state| gone.push((user, state)));
        self.close(gone, findings);
    }

    fn close(&mut self, gone: Vec<(String, UserTravel)>, findings: &mut Vec<Finding>) {
        for (user, state) in gone {
            if let Some(episode) = state.episode {
                self.open.remove(&(episode.last_leg, user.clone()));
                findings.push(self.episode_finding(&user, &episode));
            }
            if let Some(finding) = state
                .group
                .and_then(|group| self.group_finding(&user, group))
            {
                findings.push(finding);
            }
        }
    }
}

impl Detector for ImpossibleTravel {
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
        let Some(user) = event.user.as_deref() else {
            return;
        };
        if self
            .config
            .allow_users
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(user))
        {
            return;
        }
        let Some(seen) = self.sighting(event, sign_in) else {
            return;
        };
        match self.mode {
            Mode::Default => self.travel(user, seen, findings),
            Mode::SeedCompatible => self.group(user, seen, findings),
        }
    }

    fn finish(&mut self, findings: &mut Vec<Finding>) {
        let mut gone = Vec::new();
        self.users
            .drain(&mut |user, state| gone.push((user, state)));
        self.close(gone, findings);
        self.open.clear();
    }

    fn state_size(&self) -> StateSize {
        StateSize {
            keys: self.users.len(),
            capacity: self.users.capacity(),
            evicted: self.users.evicted(),
        }
    }

    fn save(&self) -> Value {
        serde_json::to_value(Saved {
            users: self.users.clone(),
            open: self.open.clone(),
        })
        .unwrap_or(Value::Null)
    }

    fn load(&mut self, state: Value) -> Result<(), String> {
        let saved: Saved = serde_json::from_value(state).map_err(|error| error.to_string())?;
        self.users = saved.users;
        self.open = saved.open;
        Ok(())
    }
}

/// Whether the pair from `from` to `to` is impossible under `config`: `Some` with the
/// distance when it is (`None` inside for a country-level pair without coordinates).
fn judge(config: &ImpossibleTravelConfig, from: &Stop, to: &Sighting<'_>) -> Option<Option<f64>> {
    let elapsed = to.time.millis() - from.time.millis();
    let distance_km = match (from.coordinates, to.coordinates) {
        (Some(a), Some(b)) => {
            let distance = haversine_km(a, b);
            let hours = (elapsed as f64 / HOUR_MS as f64).max(1.0 / 60.0);
            if distance <= config.min_distance_km || distance / hours <= config.max_speed_kmh {
                return None;
            }
            Some(distance)
        }
        _ => {
            if from.country == to.country
                || elapsed >= i64::from(config.country_change_minutes) * MINUTE_MS
            {
                return None;
            }
            None
        }
    };
    Some(distance_km)
}

/// True when the pair (distance, departure) to `arrival` is worse than the other pair: a
/// measured pair beats a country-level one, a faster one a slower one, a quicker country change
/// a slower one.
fn worse_than(
    (distance, departure): (Option<f64>, Timestamp),
    (other_distance, other_departure): (Option<f64>, Timestamp),
    arrival: Timestamp,
) -> bool {
    let speed = |distance: Option<f64>, departure: Timestamp| {
        let hours =
            ((arrival.millis() - departure.millis()) as f64 / HOUR_MS as f64).max(1.0 / 60.0);
        distance.map(|distance| distance / hours)
    };
    match (
        speed(distance, departure),
        speed(other_distance, other_departure),
    ) {
        (Some(mine), Some(theirs)) => mine > theirs,
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => departure > other_departure,
    }
}

/// The great-circle distance between two (latitude, longitude) points, in kilometres.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The first leg out of a hop abroad that a later leg comes back from, to the place it left:
/// a hop abroad between two sign-ins at home, both legs impossible.
fn a_b_a(legs: &[Leg], near_km: f64) -> Option<&Leg> {
    let near = |a: &Stop, b: &Stop| {
        a.country == b.country
            && match (a.coordinates, b.coordinates) {
                (Some(x), Some(y)) => haversine_km(x, y) < near_km,
                _ => true,
            }
    };
    legs.iter().enumerate().find_map(|(i, out)| {
        legs[i + 1..]
            .iter()
            .any(|back| near(&back.from, &out.to) && near(&back.to, &out.from))
            .then_some(out)
    })
}

fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn leg_speed(leg: &Leg) -> String {
    match (leg.distance_km, leg.speed_kmh()) {
        (Some(distance), Some(speed)) => format!("{distance:.0} km at {speed:.0} km/h"),
        _ => "country change, no coordinates".into(),
    }
}

fn duration(ms: i64) -> String {
    let minutes = ms / MINUTE_MS;
    if minutes < 120 {
        format!("{minutes} minutes")
    } else {
        format!("{:.1} hours", ms as f64 / HOUR_MS as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogSource, SignIn};

    const START: i64 = 1_741_046_400_000; // 2025-03-04T00:00:00Z
    const MIN: i64 = MINUTE_MS;

    const AMSTERDAM: (f64, f64) = (52.37, 4.90);
    const NEW_YORK: (f64, f64) = (40.71, -74.01);
    const FRANKFURT: (f64, f64) = (50.11, 8.68);
    const BRUSSELS: (f64, f64) = (50.85, 4.35);
    const LONDON: (f64, f64) = (51.47, -0.45);
    const DUBAI: (f64, f64) = (25.25, 55.36);
    const SINGAPORE: (f64, f64) = (1.35, 103.99);
    const ASHBURN: (f64, f64) = (39.04, -77.49);

    /// A successful interactive sign-in of `user` at `minute` past START.
    fn at(
        id: &str,
        user: &str,
        minute: i64,
        ip: &str,
        country: &str,
        city: &str,
        coordinates: Option<(f64, f64)>,
    ) -> Event {
        Event {
            record_id: id.into(),
            time: Timestamp(START + minute * MIN),
            user: Some(user.into()),
            ip: ip.parse().ok(),
            source: LogSource::EntraSignIn,
            kind: EventKind::SignIn(SignIn {
                country: Some(country.into()),
                city: Some(city.into()),
                coordinates,
                log: SignInLog::Interactive,
                interactive: Some(true),
                app: Some("Office 365 Exchange Online".into()),
                ..SignIn::default()
            }),
        }
    }

    fn with(mut event: Event, change: impl FnOnce(&mut SignIn)) -> Event {
        if let EventKind::SignIn(sign_in) = &mut event.kind {
            change(sign_in);
        }
        event
    }

    fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
        let mut detector = ImpossibleTravel::new(config);
        let mut findings = Vec::new();
        for event in events {
            detector.observe(event, &mut findings);
        }
        detector.finish(&mut findings);
        findings
    }

    fn seed() -> EngineConfig {
        EngineConfig {
            mode: Mode::SeedCompatible,
            ..EngineConfig::default()
        }
    }

    fn trusting(ranges: &[&str]) -> EngineConfig {
        let mut config = EngineConfig::default();
        config.detections.impossible_travel.trusted_ranges =
            IpRanges::parse(ranges).expect("valid ranges");
        config
    }

    #[test]
    fn haversine_matches_known_distances() {
        let amsterdam_new_york = haversine_km(AMSTERDAM, NEW_YORK);
        assert!(
            (amsterdam_new_york - 5_860.0).abs() < 30.0,
            "{amsterdam_new_york}"
        );
        assert!((haversine_km(AMSTERDAM, FRANKFURT) - 365.0).abs() < 10.0);
        assert_eq!(haversine_km(DUBAI, DUBAI), 0.0);
        // Antipodes stay finite.
        assert!((haversine_km((0.0, 0.0), (0.0, 180.0)) - 20_015.0).abs() < 5.0);
    }

    #[test]
    fn a_session_in_new_york_twenty_minutes_after_amsterdam_is_geo_velocity() {
        let events = [
            at(
                "s1",
                "jdoe@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "s2",
                "jdoe@contoso.com",
                20,
                "203.0.113.66",
                "US",
                "New York",
                Some(NEW_YORK),
            ),
        ];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.detection, ID);
        assert_eq!(finding.entity.value, "jdoe@contoso.com");
        assert_eq!(finding.evidence, vec!["s1", "s2"]);
        assert_eq!(finding.severity, Severity::High);
        let details = &finding.details;
        assert_eq!(details["pattern"], "geo_velocity");
        assert_eq!(details["mode"], "default");
        assert_eq!(details["countries"], json!(["NL", "US"]));
        assert_eq!(details["cities"], json!(["Amsterdam", "New York"]));
        assert_eq!(details["ips"], json!(["198.51.100.10", "203.0.113.66"]));
        assert_eq!(details["hours"], 0.33);
        let speed = details["speed_kmh"].as_f64().expect("speed");
        assert!(speed > 17_000.0, "{speed}");
        assert!(details["distance_km"].as_f64().expect("distance") > 5_800.0);
        assert_eq!(finding.first_seen, Timestamp(START));
        assert_eq!(finding.last_seen, Timestamp(START + 20 * MIN));
        assert!(
            finding.summary.contains("New York, US"),
            "{}",
            finding.summary
        );
    }

    #[test]
    fn the_vpn_geo_shift_a_b_a_is_one_episode_named_as_such() {
        // The seeds' test 4: a session shifts to Germany through a VPN and back.
        let events = [
            at(
                "h1",
                "eve@contoso.com",
                0,
                "198.51.100.20",
                "US",
                "Ashburn",
                Some(ASHBURN),
            ),
            at(
                "v1",
                "eve@contoso.com",
                20,
                "185.0.2.40",
                "DE",
                "Frankfurt",
                Some(FRANKFURT),
            ),
            at(
                "h2",
                "eve@contoso.com",
                45,
                "198.51.100.20",
                "US",
                "Ashburn",
                Some(ASHBURN),
            ),
        ];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = &findings[0];
        assert_eq!(finding.details["pattern"], "a_b_a");
        assert_eq!(finding.details["legs_total"], 2);
        assert_eq!(finding.evidence, vec!["h1", "v1", "h2"]);
        assert_eq!(finding.details["countries"], json!(["US", "DE"]));
        assert!(
            finding
                .summary
                .contains("from Ashburn, US, then from Frankfurt, DE, then from Ashburn, US again"),
            "{}",
            finding.summary
        );
        // The seed fires too: US and DE in the hour from 00:00.
        let seeded = run(&seed(), &events);
        assert_eq!(seeded.len(), 1);
        assert_eq!(seeded[0].details["distinct_countries"], 2);
    }

    #[test]
    fn a_pair_across_a_clock_hour_is_caught_by_the_sliding_window_only() {
        let events = [
            at(
                "s1",
                "a@contoso.com",
                50,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "s2",
                "a@contoso.com",
                70,
                "203.0.113.66",
                "US",
                "New York",
                Some(NEW_YORK),
            ),
        ];
        assert_eq!(run(&EngineConfig::default(), &events).len(), 1);
        assert!(
            run(&seed(), &events).is_empty(),
            "clock hours split the pair"
        );
    }

    #[test]
    fn a_continent_crossed_in_three_hours_is_caught_although_the_seed_hour_is_silent() {
        let events = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "s2",
                "a@contoso.com",
                180,
                "203.0.113.66",
                "US",
                "New York",
                Some(NEW_YORK),
            ),
        ];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["hours"], 3.0);
        assert!(run(&seed(), &events).is_empty());
    }

    #[test]
    fn the_traveller_on_a_multi_leg_flight_stays_silent() {
        // A short hop across a border (Brussels gate, London landing: 320 km in 55 minutes),
        // then a long-haul itinerary with a layover: Amsterdam, Dubai seven hours later,
        // Singapore after the next leg. Every speed is an airliner's or less.
        let hop = [
            at(
                "b1",
                "t@contoso.com",
                602,
                "198.51.100.30",
                "BE",
                "Brussels",
                Some(BRUSSELS),
            ),
            at(
                "l1",
                "t@contoso.com",
                657,
                "203.0.113.31",
                "GB",
                "London",
                Some(LONDON),
            ),
        ];
        assert!(run(&EngineConfig::default(), &hop).is_empty());
        let seeded = run(&seed(), &hop);
        assert_eq!(seeded.len(), 1, "the seed's clock hour fires on the hop");
        assert_eq!(seeded[0].evidence, vec!["b1", "l1"]);

        let long_haul = [
            at(
                "a1",
                "t@contoso.com",
                0,
                "198.51.100.30",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "d1",
                "t@contoso.com",
                7 * 60,
                "203.0.113.32",
                "AE",
                "Dubai",
                Some(DUBAI),
            ),
            at(
                "s1",
                "t@contoso.com",
                15 * 60 + 30,
                "203.0.113.33",
                "SG",
                "Singapore",
                Some(SINGAPORE),
            ),
        ];
        assert!(run(&EngineConfig::default(), &long_haul).is_empty());
    }

    #[test]
    fn the_admin_on_a_jump_server_abroad_is_silent_when_its_range_is_trusted() {
        let events = [
            at(
                "h1",
                "admin@contoso.com",
                0,
                "198.51.100.40",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "j1",
                "admin@contoso.com",
                15,
                "192.0.2.17",
                "US",
                "Ashburn",
                Some(ASHBURN),
            ),
            at(
                "h2",
                "admin@contoso.com",
                40,
                "198.51.100.40",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
        ];
        assert_eq!(
            run(&EngineConfig::default(), &events).len(),
            1,
            "untrusted, it fires"
        );
        assert!(run(&trusting(&["192.0.2.0/24"]), &events).is_empty());
        // The seed knows no trusted ranges.
        let mut seeded = seed();
        seeded.detections.impossible_travel.trusted_ranges =
            IpRanges::parse(&["192.0.2.0/24"]).expect("valid");
        assert_eq!(run(&seeded, &events).len(), 1);
    }

    #[test]
    fn many_users_behind_one_vpn_exit_fire_only_for_a_user_whose_own_pattern_is_impossible() {
        // Everyone alternates between the Amsterdam office and the Frankfurt VPN exit (365 km):
        // plausible for each of them. Only eve was in New York ten minutes before the exit.
        let mut events = Vec::new();
        for user in 0..30 {
            let name = format!("user{user}@contoso.com");
            events.push(at(
                &format!("o{user}"),
                &name,
                user,
                "198.51.100.50",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ));
        }
        events.push(at(
            "eve-ny",
            "eve@contoso.com",
            40,
            "203.0.113.70",
            "US",
            "New York",
            Some(NEW_YORK),
        ));
        for user in 0..30 {
            let name = format!("user{user}@contoso.com");
            events.push(at(
                &format!("v{user}"),
                &name,
                50,
                "185.0.2.1",
                "DE",
                "Frankfurt",
                Some(FRANKFURT),
            ));
        }
        events.push(at(
            "eve-vpn",
            "eve@contoso.com",
            50,
            "185.0.2.1",
            "DE",
            "Frankfurt",
            Some(FRANKFURT),
        ));
        events.sort_by_key(|event| event.time);
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].entity.value, "eve@contoso.com");
        assert_eq!(findings[0].evidence, vec!["eve-ny", "eve-vpn"]);
        // With the exit trusted, nobody.
        assert!(run(&trusting(&["185.0.2.0/24"]), &events).is_empty());
        // The seed's hour: each of the 30 users has NL and DE in hour 0.
        assert_eq!(run(&seed(), &events).len(), 31);
    }

    #[test]
    fn without_coordinates_a_quick_country_change_is_medium() {
        let events = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                None,
            ),
            at(
                "s2",
                "a@contoso.com",
                45,
                "203.0.113.66",
                "BR",
                "São Paulo",
                None,
            ),
        ];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(findings[0].confidence, Confidence::Low);
        assert_eq!(findings[0].details["pattern"], "country_change");
        assert_eq!(findings[0].details["distance_km"], Value::Null);
        // Slower than the configured minutes, silent; the setting moves the bound.
        let slow = [
            events[0].clone(),
            with(
                at(
                    "s3",
                    "a@contoso.com",
                    75,
                    "203.0.113.66",
                    "BR",
                    "São Paulo",
                    None,
                ),
                |_| {},
            ),
        ];
        assert!(run(&EngineConfig::default(), &slow).is_empty());
        let mut config = EngineConfig::default();
        config.detections.impossible_travel.country_change_minutes = 90;
        assert_eq!(run(&config, &slow).len(), 1);
    }

    #[test]
    fn near_pairs_and_slow_pairs_are_not_impossible() {
        // Amsterdam to Frankfurt in ten minutes: fast, but under the minimum distance.
        let near = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "s2",
                "a@contoso.com",
                10,
                "185.0.2.1",
                "DE",
                "Frankfurt",
                Some(FRANKFURT),
            ),
        ];
        assert!(run(&EngineConfig::default(), &near).is_empty());
        let mut config = EngineConfig::default();
        config.detections.impossible_travel.min_distance_km = 100.0;
        assert_eq!(run(&config, &near).len(), 1);
        // Amsterdam to New York in eight hours: 730 km/h.
        let slow = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "s2",
                "a@contoso.com",
                480,
                "203.0.113.66",
                "US",
                "New York",
                Some(NEW_YORK),
            ),
        ];
        assert!(run(&EngineConfig::default(), &slow).is_empty());
        config.detections.impossible_travel.max_speed_kmh = 700.0;
        assert_eq!(run(&config, &slow).len(), 1);
    }

    #[test]
    fn failures_sign_ins_without_country_and_excluded_logs_are_ignored() {
        let failed = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            with(
                at(
                    "s2",
                    "a@contoso.com",
                    20,
                    "203.0.113.66",
                    "US",
                    "New York",
                    Some(NEW_YORK),
                ),
                |s| s.error_code = 50126,
            ),
        ];
        assert!(run(&EngineConfig::default(), &failed).is_empty());
        assert!(run(&seed(), &failed).is_empty());
        let countryless = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            with(
                at(
                    "s2",
                    "a@contoso.com",
                    20,
                    "203.0.113.66",
                    "US",
                    "New York",
                    Some(NEW_YORK),
                ),
                |s| s.country = None,
            ),
        ];
        assert!(run(&EngineConfig::default(), &countryless).is_empty());
        let non_interactive = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            with(
                at(
                    "s2",
                    "a@contoso.com",
                    20,
                    "203.0.113.66",
                    "US",
                    "New York",
                    Some(NEW_YORK),
                ),
                |s| {
                    s.log = SignInLog::NonInteractive;
                    s.interactive = Some(false);
                },
            ),
        ];
        assert_eq!(run(&EngineConfig::default(), &non_interactive).len(), 1);
        let mut config = EngineConfig::default();
        config.detections.impossible_travel.non_interactive = false;
        assert!(run(&config, &non_interactive).is_empty());
        config.detections.impossible_travel.non_interactive = true;
        config.detections.impossible_travel.allow_users = vec!["A@Contoso.com".into()];
        assert!(run(&config, &non_interactive).is_empty());
    }

    #[test]
    fn episodes_split_after_a_quiet_gap_and_close_by_event_time() {
        let events = [
            at(
                "s1",
                "a@contoso.com",
                0,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
            at(
                "s2",
                "a@contoso.com",
                20,
                "203.0.113.66",
                "US",
                "New York",
                Some(NEW_YORK),
            ),
            // Ten hours on (plausible from Amsterdam), then another impossible pair.
            at(
                "s3",
                "a@contoso.com",
                620,
                "203.0.113.66",
                "US",
                "New York",
                Some(NEW_YORK),
            ),
            at(
                "s4",
                "a@contoso.com",
                630,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                Some(AMSTERDAM),
            ),
        ];
        let findings = run(&EngineConfig::default(), &events);
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_ne!(findings[0].id, findings[1].id);
        // A quiet gap closes the episode before the input ends: a later event of anyone does.
        let mut detector = ImpossibleTravel::new(&EngineConfig::default());
        let mut found = Vec::new();
        detector.observe(&events[0], &mut found);
        detector.observe(&events[1], &mut found);
        assert!(found.is_empty());
        detector.observe(
            &at(
                "x",
                "b@contoso.com",
                20 + 241,
                "198.51.100.1",
                "NL",
                "Amsterdam",
                None,
            ),
            &mut found,
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn the_seed_counts_every_sign_in_of_the_hour_and_only_countries_that_are_there() {
        let events = [
            at(
                "s1",
                "a@contoso.com",
                5,
                "198.51.100.10",
                "NL",
                "Amsterdam",
                None,
            ),
            with(
                at(
                    "s2",
                    "a@contoso.com",
                    10,
                    "198.51.100.11",
                    "NL",
                    "Amsterdam",
                    None,
                ),
                |s| s.country = None,
            ),
            with(
                at(
                    "s3",
                    "a@contoso.com",
                    15,
                    "203.0.113.66",
                    "US",
                    "New York",
                    None,
                ),
                |s| {
                    s.log = SignInLog::NonInteractive;
                },
            ),
            // Next hour: one country only.
            at(
                "s4",
                "a@contoso.com",
                65,
                "203.0.113.66",
                "US",
                "New York",
                None,
            ),
        ];
        let findings = run(&seed(), &events);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.evidence, vec!["s1", "s2", "s3"]);
        assert_eq!(finding.details["signin_count"], 3);
        assert_eq!(finding.details["distinct_countries"], 2);
        assert_eq!(finding.details["mode"], "seed-compatible");
        assert_eq!(finding.first_seen, Timestamp(START + 5 * MIN));
        assert_eq!(finding.id, format!("{ID}/a@contoso.com/{START}"));
    }

    #[test]
    fn state_survives_a_snapshot_between_the_two_sign_ins() {
        let events = [
            at(
                "h1",
                "eve@contoso.com",
                0,
                "198.51.100.20",
                "US",
                "Ashburn",
                Some(ASHBURN),
            ),
            at(
                "v1",
                "eve@contoso.com",
                20,
                "185.0.2.40",
                "DE",
                "Frankfurt",
                Some(FRANKFURT),
            ),
            at(
                "h2",
                "eve@contoso.com",
                45,
                "198.51.100.20",
                "US",
                "Ashburn",
                Some(ASHBURN),
            ),
        ];
        let whole = run(&EngineConfig::default(), &events);
        let mut first = ImpossibleTravel::new(&EngineConfig::default());
        let mut findings = Vec::new();
        first.observe(&events[0], &mut findings);
        first.observe(&events[1], &mut findings);
        let mut second = ImpossibleTravel::new(&EngineConfig::default());
        second.load(first.save()).expect("loads");
        second.observe(&events[2], &mut findings);
        second.finish(&mut findings);
        assert_eq!(findings, whole);
    }

    #[test]
    fn state_is_bounded_per_user_and_in_users() {
        let mut config = EngineConfig::default();
        config.detections.impossible_travel.max_keys = 10;
        config.detections.impossible_travel.max_places = 4;
        let mut detector = ImpossibleTravel::new(&config);
        let mut findings = Vec::new();
        for i in 0..1000 {
            let city = format!("City {}", i % 50);
            detector.observe(
                &at(
                    &format!("s{i}"),
                    &format!("u{}@contoso.com", i % 20),
                    i,
                    "198.51.100.1",
                    "NL",
                    &city,
                    None,
                ),
                &mut findings,
            );
            assert!(detector.users.len() <= 10);
            assert!(
                detector
                    .users
                    .get(&format!("u{}@contoso.com", i % 20))
                    .is_none_or(|state| state.places.len() <= 4)
            );
        }
        assert!(detector.state_size().evicted > 0);
    }
}
