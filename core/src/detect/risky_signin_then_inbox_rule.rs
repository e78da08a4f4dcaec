//! `risky_signin_then_inbox_rule`: a risky sign-in to mail, then an inbox rule that forwards
//! or hides mail, by the same account within hours.
//!
//! **What.** A sequence by user within `max_span_minutes` (default 240): a successful sign-in
//! with sign-in risk (`riskLevelDuringSignIn` or `riskLevelAggregated` high or medium,
//! `isRisky`, or `riskState` `atRisk` / `confirmedCompromised`) to a mail application
//! (`mail_apps` in the application or resource name, any case, or an id in `mail_app_ids`),
//! and a rule change that [`inbox_rule_exfiltration`](super::inbox_rule_exfiltration)
//! judges exfiltrating (forwards, redirects, deletes or marks as read; [`assess`] is shared).
//! - Matched on **event time**: the engine orders events, and the rule may precede the
//!   sign-in by up to `max_skew_minutes` (default 10), since the audit log and the sign-in
//!   log keep independent clocks. Late events (past the engine's allowed lateness) are still
//!   matched against the state that is kept, so arrival order does not decide.
//! - Risk that was **remediated, dismissed or confirmed safe** does not count;
//!   `confirmedCompromised` counts and makes the finding critical.
//! - **`hidden`** risk (no Entra ID P2 licence) is unknown, not safe: such a sign-in followed
//!   by a malicious rule fires with low confidence and says the risk is hidden.
//! - Forwarding only inside the tenant (`tenant_domains`) does not count
//!   (`count_internal_forwarding`, default false).
//!
//! **Why.** The canonical takeover: credentials phished or replayed (Identity Protection
//! flags the sign-in), then a rule that forwards the mailbox out or hides replies and security
//! notices (T1114.003, T1564.008). Either half alone is noisy; together within hours they are
//! the compromise.
//!
//! **Fields.** `SignIn`: user, time, error code, app, app id, resource, risk levels, risk
//! state, `isRisky`, IP, location. `MailboxRule`: actor, time, operation, recipients, flags,
//! IP; in seed-compatible mode the parameter names.
//!
//! **Seed-compatible mode** is the seed's EQL `sequence by user.name with maxspan=4h`: a
//! successful sign-in with `risk_level_during_signin` high or medium, `is_risky`, or
//! `risk_state == atRisk` (whatever the risk state otherwise, hidden never), to an app whose
//! display name contains `Exchange`, `Outlook`, `Office 365`, `Microsoft 365` or `OWA` (case
//! as written), *then* a rule operation whose `Parameters` carry a parameter named with
//! `ForwardTo`, `ForwardAsAttachmentTo`, `RedirectTo`, `DeleteMessage` or `MarkAsRead` (any
//! value, even `False`; any destination, even internal), within four hours after. As in EQL,
//! one sequence is pending per user, a newer sign-in replaces it, and a match consumes it.
//!
//! **Episodes.** One finding per malicious rule change, citing the risky sign-ins it
//! follows (or precedes within the skew) and the rule.
//!
//! **Severity.** High; critical when a sign-in's risk is `confirmedCompromised`; medium for
//! internal forwarding when that is set to count. Confidence high when the same IP signed in
//! and made the rule, medium otherwise, low when the only risk is hidden.
//!
//! **Known false positives.** A traveller's VPN raising risk followed by the user's own
//! forwarding rule to an outside address (an assistant's personal mailbox, a partner);
//! migration scripts run under a risky admin sign-in.

use super::folded::contains_ignore_ascii_case;
use super::inbox_rule_exfiltration::{Exfiltration, actions, assess};
use super::{Detector, RESOURCE_DEVELOPMENT, StateSize, T1586_002};
use crate::config::{EngineConfig, Mode};
use crate::event::{Event, EventKind, MailboxRule, RiskLevel, RiskState, RuleOperation, SignIn};
use crate::finding::{Confidence, Entity, EntityKind, Finding, Severity};
use crate::state::KeyedState;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::Arc;

/// The stable id.
pub const ID: &str = "risky_signin_then_inbox_rule";

const MINUTE_MS: i64 = 60_000;

/// The application names the seed's `wildcard(app_display_name, ...)` accepts.
pub const SEED_MAIL_APPS: [&str; 5] = ["Exchange", "Outlook", "Office 365", "Microsoft 365", "OWA"];

/// The parameter names the seed's `wildcard(Parameters, ...)` looks for.
pub const SEED_RULE_PARAMETERS: [&str; 5] = [
    "ForwardTo",
    "ForwardAsAttachmentTo",
    "RedirectTo",
    "DeleteMessage",
    "MarkAsRead",
];

/// Sign-in records cited per finding at most.
const MAX_CITED: usize = 10;

/// Settings of `risky_signin_then_inbox_rule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskySigninThenInboxRuleConfig {
    /// The rule may follow the sign-in by this many minutes. Default 240 (the seed's 4 h).
    pub max_span_minutes: u32,
    /// The rule may precede the sign-in by this many minutes (clock skew between the audit
    /// log and the sign-in log). Default 10; not in seed-compatible mode.
    pub max_skew_minutes: u32,
    /// Mail applications by name: a sign-in counts when its application or resource name
    /// contains one (any case). Default: the seed's five, `OfficeHome` (the Microsoft 365
    /// portal that phishing kits relay) and `Microsoft Office`.
    pub mail_apps: Vec<String>,
    /// Mail applications by id (application or resource). Default: Exchange Online, Outlook
    /// on the web, Outlook Mobile, OfficeHome.
    pub mail_app_ids: Vec<String>,
    /// A rule that only forwards inside the tenant counts (graded medium). Default false.
    pub count_internal_forwarding: bool,
    /// Risky sign-ins remembered per user. Default 32.
    pub max_signins: usize,
    /// Rule changes remembered per user (for sign-ins that come later). Default 32.
    pub max_rules: usize,
    /// Users tracked at once. Default 100,000.
    pub max_keys: usize,
}

impl Default for RiskySigninThenInboxRuleConfig {
    fn default() -> Self {
        Self {
            max_span_minutes: 240,
            max_skew_minutes: 10,
            mail_apps: SEED_MAIL_APPS
                .iter()
                .chain(&["OfficeHome", "Microsoft Office"])
                .map(|app| (*app).to_owned())
                .collect(),
            mail_app_ids: [
                "00000002-0000-0ff1-ce00-000000000000", // Office 365 Exchange Online
                "9199bf20-a13f-4107-85dc-02114787ef48", // Outlook on the web (One Outlook Web)
                "27922004-5251-4030-b22d-91ecd9a37ea4", // Outlook Mobile
                "4765445b-32c6-49b0-83e6-1d93765276ca", // OfficeHome
            ]
            .map(str::to_owned)
            .to_vec(),
            count_internal_forwarding: false,
            max_signins: 32,
            max_rules: 32,
            max_keys: 100_000,
        }
    }
}

/// A risky sign-in, as remembered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Risky {
    record: Arc<str>,
    time: Timestamp,
    ip: Option<IpAddr>,
    app: Option<Arc<str>>,
    resource: Option<Arc<str>>,
    country: Option<Arc<str>>,
    city: Option<Arc<str>>,
    risk_during: RiskLevel,
    risk_aggregated: RiskLevel,
    risk_state: RiskState,
    is_risky: Option<bool>,
    /// What made it risky; empty when the only risk is hidden.
    reasons: Vec<String>,
}

impl Risky {
    fn hidden(&self) -> bool {
        self.reasons.is_empty()
    }

    fn compromised(&self) -> bool {
        self.risk_state == RiskState::ConfirmedCompromised
    }

    fn to_json(&self, rule_time: Timestamp) -> Value {
        json!({
            "record": self.record,
            "time": self.time.to_rfc3339(),
            "app": self.app,
            "resource": self.resource,
            "ip": self.ip.map(|ip| ip.to_string()),
            "country": self.country,
            "city": self.city,
            "risk_level_during_signin": self.risk_during,
            "risk_level_aggregated": self.risk_aggregated,
            "risk_state": self.risk_state,
            "is_risky": self.is_risky,
            "risk": if self.hidden() { "hidden" } else { "known" },
            "reasons": self.reasons,
            "minutes_before_rule": minutes(rule_time.millis() - self.time.millis()),
        })
    }
}

/// A malicious rule change, kept for sign-ins that may still come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Rule {
    event: Event,
    reported: bool,
}

/// Per-user state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct UserSequence {
    /// Default mode: risky sign-ins in time order.
    signins: VecDeque<Risky>,
    /// Default mode: malicious rules in time order.
    rules: VecDeque<Rule>,
    /// Seed-compatible mode: the one pending first step.
    pending: Option<Risky>,
}

/// The detector.
#[derive(Debug, Clone)]
pub struct RiskySigninThenInboxRule {
    config: RiskySigninThenInboxRuleConfig,
    engine: EngineConfig,
    mode: Mode,
    users: KeyedState<String, UserSequence>,
}

impl RiskySigninThenInboxRule {
    /// A detector configured by `config` (its settings, tenant domains and mode).
    pub fn new(config: &EngineConfig) -> Self {
        let settings = config.detections.risky_signin_then_inbox_rule.clone();
        Self {
            users: KeyedState::new(settings.max_keys),
            mode: config.mode,
            config: settings,
            engine: config.clone(),
        }
    }

    fn span_ms(&self) -> i64 {
        i64::from(self.config.max_span_minutes) * MINUTE_MS
    }

    fn skew_ms(&self) -> i64 {
        if self.mode == Mode::SeedCompatible {
            0
        } else {
            i64::from(self.config.max_skew_minutes) * MINUTE_MS
        }
    }

    /// The sign-in as a risky first step, if it is one in this mode.
    fn risky(&self, event: &Event, sign_in: &SignIn) -> Option<Risky> {
        if !sign_in.succeeded() {
            return None;
        }
        let reasons = match self.mode {
            Mode::SeedCompatible => {
                let app = sign_in.app.as_deref().unwrap_or_default();
                if !SEED_MAIL_APPS.iter().any(|pattern| app.contains(pattern)) {
                    return None;
                }
                seed_reasons(sign_in)
            }
            Mode::Default => {
                // The risk fields first: most sign-ins carry no risk, and they are read
                // without searching the application names.
                let reasons = default_reasons(sign_in)?;
                if !self.is_mail_app(sign_in) {
                    return None;
                }
                reasons
            }
        };
        if self.mode == Mode::SeedCompatible && reasons.is_empty() {
            return None;
        }
        Some(Risky {
            record: event.record_id.clone(),
            time: event.time,
            ip: event.ip,
            app: sign_in.app.clone(),
            resource: sign_in.resource.clone(),
            country: sign_in.country.clone(),
            city: sign_in.city.clone(),
            risk_during: sign_in.risk_during,
            risk_aggregated: sign_in.risk_aggregated,
            risk_state: sign_in.risk_state,
            is_risky: sign_in.is_risky,
            reasons,
        })
    }

    fn is_mail_app(&self, sign_in: &SignIn) -> bool {
        let named = [sign_in.app.as_deref(), sign_in.resource.as_deref()]
            .into_iter()
            .flatten()
            .any(|name| {
                self.config
                    .mail_apps
                    .iter()
                    .any(|pattern| contains_ignore_ascii_case(name, pattern))
            });
        named
            || sign_in.app_id.as_deref().is_some_and(|id| {
                self.config
                    .mail_app_ids
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(id.trim()))
            })
    }

    /// The rule's verdict, when it is a malicious second step in this mode.
    fn malicious<'r>(&self, event: &Event, rule: &'r MailboxRule) -> Option<Verdict<'r>> {
        let assessed = assess(&self.engine, event.user.as_deref(), rule);
        match self.mode {
            Mode::SeedCompatible => {
                let named = rule.operation.is_some()
                    && rule.parameter_names.iter().any(|name| {
                        SEED_RULE_PARAMETERS
                            .iter()
                            .any(|parameter| contains_ignore_ascii_case(name, parameter))
                    });
                named.then_some(Verdict {
                    exfiltration: assessed,
                })
            }
            Mode::Default => {
                let exfiltration = assessed?;
                (!exfiltration.internal_only() || self.config.count_internal_forwarding).then_some(
                    Verdict {
                        exfiltration: Some(exfiltration),
                    },
                )
            }
        }
    }

    /// A risky sign-in, in order or late: matches the rules waiting for it, then is kept.
    fn on_signin(&mut self, user: &str, risky: Risky, late: bool, findings: &mut Vec<Finding>) {
        let (span, skew) = (self.span_ms(), self.skew_ms());
        let max_signins = self.config.max_signins.max(1);
        let mut matched = Vec::new();
        {
            let state = self.users.touch_by(user, risky.time, UserSequence::default);
            if self.mode == Mode::SeedCompatible {
                // EQL: a newer first step replaces the pending one.
                state.pending = Some(risky);
                return;
            }
            if !late {
                prune(state, risky.time.millis() - span - skew);
            }
            for rule in state.rules.iter_mut().filter(|rule| !rule.reported) {
                let offset = rule.event.time.millis() - risky.time.millis();
                if (-skew..=span).contains(&offset) {
                    rule.reported = true;
                    matched.push(rule.event.clone());
                }
            }
            let at = state
                .signins
                .iter()
                .rposition(|kept| kept.time <= risky.time)
                .map_or(0, |index| index + 1);
            state.signins.insert(at, risky);
            while state.signins.len() > max_signins {
                state.signins.pop_front();
            }
        }
        for rule in matched {
            let cited = self.cited(user, &rule);
            if let Some(finding) = self.finding(user, &rule, cited) {
                findings.push(finding);
            }
        }
    }

    /// A malicious rule, in order or late: matches the risky sign-ins around it, or waits.
    fn on_rule(&mut self, user: &str, event: &Event, late: bool, findings: &mut Vec<Finding>) {
        let (span, skew) = (self.span_ms(), self.skew_ms());
        let max_rules = self.config.max_rules.max(1);
        if self.mode == Mode::SeedCompatible {
            let state = self.users.touch_by(user, event.time, UserSequence::default);
            let Some(pending) = state.pending.take() else {
                return;
            };
            let offset = event.time.millis() - pending.time.millis();
            if !(0..=span).contains(&offset) {
                return;
            }
            if let Some(finding) = self.finding(user, event, vec![pending]) {
                findings.push(finding);
            }
            return;
        }
        let state = self.users.touch_by(user, event.time, UserSequence::default);
        if !late {
            prune(state, event.time.millis() - span - skew);
        }
        let cited = self.cited(user, event);
        let reported = !cited.is_empty();
        if let Some(state) = self.users.get_mut(user) {
            let at = state
                .rules
                .iter()
                .rposition(|kept| kept.event.time <= event.time)
                .map_or(0, |index| index + 1);
            state.rules.insert(
                at,
                Rule {
                    event: event.clone(),
                    reported,
                },
            );
            while state.rules.len() > max_rules {
                state.rules.pop_front();
            }
        }
        if reported {
            if let Some(finding) = self.finding(user, event, cited) {
                findings.push(finding);
            }
        }
    }

    /// The risky sign-ins a rule change pairs with: those up to the span before it or the skew
    /// after it; sign-ins with known risk when there are any, else the hidden ones.
    fn cited(&self, user: &str, rule: &Event) -> Vec<Risky> {
        let (span, skew) = (self.span_ms(), self.skew_ms());
        let Some(state) = self.users.get(&user.to_owned()) else {
            return Vec::new();
        };
        let around: Vec<&Risky> = state
            .signins
            .iter()
            .filter(|risky| {
                let offset = rule.time.millis() - risky.time.millis();
                (-skew..=span).contains(&offset)
            })
            .collect();
        let known = around.iter().any(|risky| !risky.hidden());
        let mut cited: Vec<Risky> = around
            .into_iter()
            .filter(|risky| !known || !risky.hidden())
            .cloned()
            .collect();
        // The nearest ones when there are too many.
        if cited.len() > MAX_CITED {
            cited.drain(..cited.len() - MAX_CITED);
        }
        cited
    }

    fn finding(&self, user: &str, rule_event: &Event, signins: Vec<Risky>) -> Option<Finding> {
        let EventKind::MailboxRule(rule) = &rule_event.kind else {
            return None;
        };
        let nearest = signins
            .iter()
            .min_by_key(|risky| (rule_event.time.millis() - risky.time.millis()).abs())?;
        let verdict = self.malicious(rule_event, rule)?;
        let exfiltration = verdict
            .exfiltration
            .unwrap_or_else(|| Exfiltration::plain(rule));
        let hidden = signins.iter().all(Risky::hidden);
        let compromised = signins.iter().any(Risky::compromised);
        let same_ip =
            rule_event.ip.is_some() && signins.iter().any(|risky| risky.ip == rule_event.ip);
        let internal_only = exfiltration.internal_only();
        let severity = if compromised {
            Severity::Critical
        } else if internal_only && self.mode == Mode::Default {
            Severity::Medium
        } else {
            Severity::High
        };
        let confidence = if hidden {
            Confidence::Low
        } else if same_ip {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let gap = rule_event.time.millis() - nearest.time.millis();
        let first = signins
            .iter()
            .map(|risky| risky.time)
            .chain([rule_event.time])
            .min()
            .unwrap_or(rule_event.time);
        let last = signins
            .iter()
            .map(|risky| risky.time)
            .chain([rule_event.time])
            .max()
            .unwrap_or(rule_event.time);
        let mut evidence: Vec<String> = signins
            .iter()
            .map(|risky| risky.record.to_string())
            .collect();
        evidence.push(rule_event.record_id.to_string());
        let mut related = vec!["T1078.004"];
        if !exfiltration.destinations.is_empty() {
            related.push("T1114.003");
        }
        if exfiltration.hides {
            related.push("T1564.008");
        }
        let name = rule.name.as_deref().unwrap_or("(unnamed)");
        let what = if !exfiltration.external.is_empty() {
            format!(
                "forwarding mail outside the tenant to {}",
                exfiltration.external.join(", ")
            )
        } else if !exfiltration.destinations.is_empty() && !exfiltration.hides {
            format!(
                "forwarding mail inside the tenant to {}",
                exfiltration.destinations.join(", ")
            )
        } else {
            format!("that {}", actions(rule).join(" and "))
        };
        let when = if gap >= 0 {
            format!("{} minutes after", minutes(gap))
        } else {
            format!("{} minutes before", minutes(-gap))
        };
        let risk = if hidden {
            "a sign-in whose risk is hidden (no Entra ID P2 licence: risk unknown, not safe)"
                .to_owned()
        } else {
            format!("a risky sign-in ({})", nearest.reasons.join(", "))
        };
        let from = nearest
            .ip
            .map(|ip| format!(" from {ip}"))
            .unwrap_or_default();
        let app = nearest
            .app
            .as_deref()
            .or(nearest.resource.as_deref())
            .unwrap_or("mail");
        let summary = format!(
            "{user} {} inbox rule \"{name}\" {what} {when} {risk} to {app}{from}{}",
            match rule.operation {
                Some(RuleOperation::NewInboxRule) => "created",
                _ => "changed",
            },
            if same_ip { ", from the same IP" } else { "" }
        );
        Some(Finding {
            id: format!("{ID}/{user}/{}", rule_event.record_id),
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
            last_seen: last,
            summary,
            evidence,
            details: json!({
                "mode": self.mode,
                "pattern": if gap >= 0 { "signin_then_rule" } else { "rule_before_signin" },
                "risk": if hidden { "hidden" } else { "known" },
                "risk_level_during_signin": nearest.risk_during,
                "risk_level_aggregated": nearest.risk_aggregated,
                "risk_state": nearest.risk_state,
                "confirmed_compromised": compromised,
                "app": nearest.app,
                "signin_ip": nearest.ip.map(|ip| ip.to_string()),
                "rule_ip": rule_event.ip.map(|ip| ip.to_string()),
                "same_ip": same_ip,
                "minutes_between": minutes(gap),
                "signins": signins.iter().map(|risky| risky.to_json(rule_event.time)).collect::<Vec<_>>(),
                "rule": {
                    "record": rule_event.record_id,
                    "time": rule_event.time.to_rfc3339(),
                    "operation": rule.operation.map(RuleOperation::as_str),
                    "rule_name": rule.name,
                    "mailbox": rule.mailbox,
                    "ip": rule_event.ip.map(|ip| ip.to_string()),
                    "actions": actions(rule),
                },
                "destinations": exfiltration.destinations,
                "external_destinations": exfiltration.external,
                "internal_only": internal_only,
                "max_span_minutes": self.config.max_span_minutes,
                "max_skew_minutes": self.skew_ms() / MINUTE_MS,
                "related_techniques": related,
            }),
        })
    }

    fn handle(&mut self, event: &Event, late: bool, findings: &mut Vec<Finding>) {
        let Some(user) = event.user.as_deref() else {
            return;
        };
        match &event.kind {
            EventKind::SignIn(sign_in) => {
                if let Some(risky) = self.risky(event, sign_in) {
                    self.on_signin(user, risky, late, findings);
                }
            }
            EventKind::MailboxRule(rule) if self.malicious(event, rule).is_some() => {
                self.on_rule(user, event, late, findings);
            }
            _ => {}
        }
    }
}

/// A rule's verdict: the exfiltration it does, when `inbox_rule_exfiltration` sees one.
struct Verdict<'r> {
    exfiltration: Option<Exfiltration<'r>>,
}

/// Drops what is older than `before` (ms).
fn prune(state: &mut UserSequence, before: i64) {
    while state
        .signins
        .front()
        .is_some_and(|risky| risky.time.millis() < before)
    {
        state.signins.pop_front();
    }
    while state
        .rules
        .front()
        .is_some_and(|rule| rule.event.time.millis() < before)
    {
        state.rules.pop_front();
    }
}

/// Why the seed's first step accepts the sign-in (empty: it does not).
fn seed_reasons(sign_in: &SignIn) -> Vec<String> {
    let mut reasons = Vec::new();
    if matches!(sign_in.risk_during, RiskLevel::High | RiskLevel::Medium) {
        reasons.push(format!(
            "risk_level_during_signin={}",
            level(sign_in.risk_during)
        ));
    }
    if sign_in.is_risky == Some(true) {
        reasons.push("is_risky".to_owned());
    }
    if sign_in.risk_state == RiskState::AtRisk {
        reasons.push("risk_state=atRisk".to_owned());
    }
    reasons
}

/// Why the sign-in is risky: `None` when it is not, or its risk was remediated, dismissed or
/// confirmed safe; empty reasons when the only risk is hidden.
fn default_reasons(sign_in: &SignIn) -> Option<Vec<String>> {
    if matches!(
        sign_in.risk_state,
        RiskState::Remediated | RiskState::Dismissed | RiskState::ConfirmedSafe
    ) {
        return None;
    }
    let mut reasons = Vec::new();
    if matches!(sign_in.risk_during, RiskLevel::High | RiskLevel::Medium) {
        reasons.push(format!(
            "risk_level_during_signin={}",
            level(sign_in.risk_during)
        ));
    }
    if matches!(sign_in.risk_aggregated, RiskLevel::High | RiskLevel::Medium) {
        reasons.push(format!(
            "risk_level_aggregated={}",
            level(sign_in.risk_aggregated)
        ));
    }
    if sign_in.is_risky == Some(true) {
        reasons.push("is_risky".to_owned());
    }
    match sign_in.risk_state {
        RiskState::AtRisk => reasons.push("risk_state=atRisk".to_owned()),
        RiskState::ConfirmedCompromised => {
            reasons.push("risk_state=confirmedCompromised".to_owned());
        }
        _ => {}
    }
    let hidden =
        sign_in.risk_during == RiskLevel::Hidden || sign_in.risk_aggregated == RiskLevel::Hidden;
    (!reasons.is_empty() || hidden).then_some(reasons)
}

fn level(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::High => "high",
        RiskLevel::Medium => "medium",
        RiskLevel::Low => "low",
        RiskLevel::None => "none",
        RiskLevel::Hidden => "hidden",
        RiskLevel::Unknown => "unknown",
    }
}

/// Minutes, to a tenth.
fn minutes(ms: i64) -> f64 {
    (ms as f64 / MINUTE_MS as f64 * 10.0).round() / 10.0
}

impl Detector for RiskySigninThenInboxRule {
    fn id(&self) -> &'static str {
        ID
    }

    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        self.advance(event.time, findings);
        self.handle(event, false, findings);
    }

    fn reads(&self, event: &Event) -> bool {
        matches!(event.kind, EventKind::SignIn(_) | EventKind::MailboxRule(_))
    }

    fn advance(&mut self, now: Timestamp, _findings: &mut Vec<Finding>) {
        let cutoff = Timestamp(now.millis() - self.span_ms() - self.skew_ms());
        self.users.expire_before(cutoff, &mut |_, _| {});
    }

    fn observe_late(&mut self, event: &Event, findings: &mut Vec<Finding>) {
        // The pair is matched by event time whatever the arrival order, as long as the other
        // half is still held. The seed's sequence is ordered by arrival into it: no late path.
        if self.mode == Mode::Default {
            self.handle(event, true, findings);
        }
    }

    fn state_size(&self) -> StateSize {
        StateSize {
            keys: self.users.len(),
            capacity: self.users.capacity(),
            evicted: self.users.evicted(),
        }
    }

    fn save(&self) -> Value {
        serde_json::to_value(&self.users).unwrap_or(Value::Null)
    }

    fn load(&mut self, state: Value) -> Result<(), String> {
        self.users = serde_json::from_value(state).map_err(|error| error.to_string())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LogSource, SignInLog};

    const START: i64 = 1_741_079_700_000; // 2025-03-04T09:15:00Z
    const MIN: i64 = MINUTE_MS;
    const USER: &str = "jdoe@contoso.com";

    fn signin(id: &str, minute: i64, ip: &str, change: impl FnOnce(&mut SignIn)) -> Event {
        let mut sign_in = SignIn {
            app: Some("Office 365 Exchange Online".into()),
            app_id: Some("00000002-0000-0ff1-ce00-000000000000".into()),
            resource: Some("Office 365 Exchange Online".into()),
            country: Some("NG".into()),
            city: Some("Lagos".into()),
            risk_during: RiskLevel::Medium,
            risk_aggregated: RiskLevel::Low,
            risk_state: RiskState::AtRisk,
            log: SignInLog::Interactive,
            interactive: Some(true),
            ..SignIn::default()
        };
        change(&mut sign_in);
        Event {
            record_id: id.into(),
            time: Timestamp(START + minute * MIN),
            user: Some(USER.into()),
            ip: ip.parse().ok(),
            source: LogSource::EntraSignIn,
            kind: EventKind::SignIn(sign_in),
        }
    }

    fn rule(id: &str, minute: i64, ip: &str, change: impl FnOnce(&mut MailboxRule)) -> Event {
        let mut rule = MailboxRule {
            operation: Some(RuleOperation::NewInboxRule),
            name: Some(".".into()),
            forward_to: vec!["drop@evil.example".into()],
            parameter_names: vec!["Name".into(), "ForwardTo".into()],
            ..MailboxRule::default()
        };
        change(&mut rule);
        Event {
            record_id: id.into(),
            time: Timestamp(START + minute * MIN),
            user: Some(USER.into()),
            ip: ip.parse().ok(),
            source: LogSource::UnifiedAuditLog,
            kind: EventKind::MailboxRule(rule),
        }
    }

    fn config() -> EngineConfig {
        EngineConfig {
            tenant_domains: vec!["contoso.com".into()],
            ..EngineConfig::default()
        }
    }

    fn seed() -> EngineConfig {
        EngineConfig {
            mode: Mode::SeedCompatible,
            ..config()
        }
    }

    fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
        let mut detector = RiskySigninThenInboxRule::new(config);
        let mut findings = Vec::new();
        for event in events {
            detector.observe(event, &mut findings);
        }
        detector.finish(&mut findings);
        findings
    }

    const ATTACKER: &str = "102.89.1.7";
    const OFFICE: &str = "198.51.100.23";

    #[test]
    fn a_risky_sign_in_then_an_external_forward_from_the_same_ip() {
        let events = [
            signin("s1", 0, ATTACKER, |_| {}),
            rule("r1", 12, ATTACKER, |_| {}),
        ];
        let findings = run(&config(), &events);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.detection, ID);
        assert_eq!(finding.entity.value, USER);
        assert_eq!(finding.evidence, vec!["s1", "r1"]);
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.confidence, Confidence::High);
        assert_eq!(finding.id, format!("{ID}/{USER}/r1"));
        let details = &finding.details;
        assert_eq!(details["same_ip"], true);
        assert_eq!(details["minutes_between"], 12.0);
        assert_eq!(details["risk_level_during_signin"], "medium");
        assert_eq!(details["risk_state"], "at_risk");
        assert_eq!(details["app"], "Office 365 Exchange Online");
        assert_eq!(details["signin_ip"], ATTACKER);
        assert_eq!(details["rule_ip"], ATTACKER);
        assert_eq!(
            details["external_destinations"],
            json!(["drop@evil.example"])
        );
        assert_eq!(details["pattern"], "signin_then_rule");
        assert_eq!(details["mode"], "default");
        assert!(
            finding.summary.contains("12 minutes after"),
            "{}",
            finding.summary
        );
        // The seed agrees.
        let seeded = run(&seed(), &events);
        assert_eq!(seeded.len(), 1);
        assert_eq!(seeded[0].evidence, vec!["s1", "r1"]);
        assert_eq!(seeded[0].details["mode"], "seed-compatible");
    }

    #[test]
    fn another_ip_is_medium_confidence_and_the_span_bounds_the_pair() {
        let events = [
            signin("s1", 0, ATTACKER, |_| {}),
            rule("r1", 240, OFFICE, |_| {}),
        ];
        let findings = run(&config(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].confidence, Confidence::Medium);
        assert_eq!(findings[0].details["same_ip"], false);
        let late = [
            signin("s1", 0, ATTACKER, |_| {}),
            rule("r1", 241, OFFICE, |_| {}),
        ];
        assert!(run(&config(), &late).is_empty());
        assert!(run(&seed(), &late).is_empty());
        let mut longer = config();
        longer
            .detections
            .risky_signin_then_inbox_rule
            .max_span_minutes = 300;
        assert_eq!(run(&longer, &late).len(), 1);
    }

    #[test]
    fn a_rule_a_few_minutes_before_its_sign_in_is_matched_by_event_time() {
        // The audit log's clock is a few minutes ahead of the sign-in log's.
        let events = [
            rule("r1", 0, ATTACKER, |_| {}),
            signin("s1", 6, ATTACKER, |_| {}),
        ];
        let findings = run(&config(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["pattern"], "rule_before_signin");
        assert_eq!(findings[0].details["minutes_between"], -6.0);
        assert_eq!(findings[0].evidence, vec!["s1", "r1"]);
        assert!(
            findings[0].summary.contains("6 minutes before"),
            "{}",
            findings[0].summary
        );
        // Beyond the skew, or in the seed's order, no.
        let far = [
            rule("r1", 0, ATTACKER, |_| {}),
            signin("s1", 11, ATTACKER, |_| {}),
        ];
        assert!(run(&config(), &far).is_empty());
        assert!(run(&seed(), &events).is_empty());
    }

    #[test]
    fn a_late_sign_in_is_still_paired_with_the_rule_it_preceded() {
        let mut detector = RiskySigninThenInboxRule::new(&config());
        let mut findings = Vec::new();
        detector.observe(&rule("r1", 30, ATTACKER, |_| {}), &mut findings);
        detector.observe(
            &signin("x", 90, "203.0.113.1", |s| s.risk_during = RiskLevel::None),
            &mut findings,
        );
        assert!(findings.is_empty());
        detector.observe_late(&signin("s1", 0, ATTACKER, |_| {}), &mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].evidence, vec!["s1", "r1"]);
        // Not twice, whatever comes late after.
        detector.observe_late(&signin("s0", 5, ATTACKER, |_| {}), &mut findings);
        assert_eq!(findings.len(), 1);
        // A late rule finds the sign-ins around it, including one after it within the skew.
        let mut detector = RiskySigninThenInboxRule::new(&config());
        let mut findings = Vec::new();
        detector.observe(&signin("s1", 20, ATTACKER, |_| {}), &mut findings);
        detector.observe_late(&rule("r0", 15, ATTACKER, |_| {}), &mut findings);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["pattern"], "rule_before_signin");
    }

    #[test]
    fn forwarding_to_a_delegate_inside_the_tenant_is_silent_by_default() {
        let events = [
            signin("s1", 0, OFFICE, |s| s.risk_state = RiskState::None),
            rule("r1", 30, OFFICE, |r| {
                r.name = Some("To my assistant".into());
                r.forward_to = vec!["assistant@contoso.com".into()];
            }),
        ];
        assert!(run(&config(), &events).is_empty());
        assert_eq!(
            run(&seed(), &events).len(),
            1,
            "the seed fires on any ForwardTo"
        );
        let mut counting = config();
        counting
            .detections
            .risky_signin_then_inbox_rule
            .count_internal_forwarding = true;
        let findings = run(&counting, &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(findings[0].details["internal_only"], true);
        // Forwarding inside and deleting still counts.
        let hiding = [
            events[0].clone(),
            rule("r2", 30, OFFICE, |r| {
                r.forward_to = vec!["assistant@contoso.com".into()];
                r.delete_message = true;
            }),
        ];
        assert_eq!(run(&config(), &hiding).len(), 1);
    }

    #[test]
    fn a_travellers_vpn_risk_then_a_benign_filing_rule_is_silent() {
        let events = [
            signin("s1", 0, "185.0.2.1", |s| {
                s.country = Some("DE".into());
                s.risk_state = RiskState::None;
            }),
            rule("r1", 20, "185.0.2.1", |r| {
                r.name = Some("Newsletters".into());
                r.forward_to.clear();
                r.move_to_folder = Some("Newsletters".into());
                r.mark_as_read = false;
                r.parameter_names = vec!["Name".into(), "MoveToFolder".into(), "MarkAsRead".into()];
            }),
        ];
        assert!(run(&config(), &events).is_empty());
        // The seed matches the parameter name `MarkAsRead` although it is set to False.
        assert_eq!(run(&seed(), &events).len(), 1);
    }

    #[test]
    fn remediated_dismissed_or_safe_risk_does_not_count() {
        for state in [
            RiskState::Remediated,
            RiskState::Dismissed,
            RiskState::ConfirmedSafe,
        ] {
            let events = [
                signin("s1", 0, ATTACKER, |s| {
                    s.risk_during = RiskLevel::High;
                    s.risk_state = state;
                }),
                rule("r1", 10, ATTACKER, |_| {}),
            ];
            assert!(run(&config(), &events).is_empty(), "{state:?}");
            assert_eq!(
                run(&seed(), &events).len(),
                1,
                "the seed reads the level alone"
            );
        }
    }

    #[test]
    fn confirmed_compromise_is_critical() {
        let events = [
            signin("s1", 0, ATTACKER, |s| {
                s.risk_during = RiskLevel::None;
                s.risk_state = RiskState::ConfirmedCompromised;
            }),
            rule("r1", 10, OFFICE, |_| {}),
        ];
        let findings = run(&config(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Critical);
        assert_eq!(findings[0].details["confirmed_compromised"], true);
        assert!(
            run(&seed(), &events).is_empty(),
            "the seed reads atRisk only"
        );
    }

    #[test]
    fn hidden_risk_is_unknown_not_safe() {
        let events = [
            signin("s1", 0, ATTACKER, |s| {
                s.risk_during = RiskLevel::Hidden;
                s.risk_aggregated = RiskLevel::Hidden;
                s.risk_state = RiskState::None;
            }),
            rule("r1", 10, ATTACKER, |_| {}),
        ];
        let findings = run(&config(), &events);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].confidence, Confidence::Low);
        assert_eq!(findings[0].details["risk"], "hidden");
        assert!(
            findings[0].summary.contains("risk is hidden"),
            "{}",
            findings[0].summary
        );
        assert!(run(&seed(), &events).is_empty());
        // No risk at all, or risk unknown because the export has no risk columns: silent.
        for level in [RiskLevel::None, RiskLevel::Low, RiskLevel::Unknown] {
            let quiet = [
                signin("s1", 0, ATTACKER, |s| {
                    s.risk_during = level;
                    s.risk_aggregated = level;
                    s.risk_state = RiskState::None;
                }),
                rule("r1", 10, ATTACKER, |_| {}),
            ];
            assert!(run(&config(), &quiet).is_empty(), "{level:?}");
        }
        // Known risk is cited before hidden risk.
        let mixed = [
            signin("h1", 0, ATTACKER, |s| {
                s.risk_during = RiskLevel::Hidden;
                s.risk_state = RiskState::None;
            }),
            signin("k1", 5, ATTACKER, |_| {}),
            rule("r1", 10, ATTACKER, |_| {}),
        ];
        let findings = run(&config(), &mixed);
        assert_eq!(findings[0].evidence, vec!["k1", "r1"]);
        assert_eq!(findings[0].confidence, Confidence::High);
    }

    #[test]
    fn only_successful_sign_ins_to_mail_count() {
        let failed = [
            signin("s1", 0, ATTACKER, |s| s.error_code = 50126),
            rule("r1", 10, ATTACKER, |_| {}),
        ];
        assert!(run(&config(), &failed).is_empty());
        assert!(run(&seed(), &failed).is_empty());
        let teams = [
            signin("s1", 0, ATTACKER, |s| {
                s.app = Some("Microsoft Teams".into());
                s.app_id = Some("1fec8e78-bce4-4aaf-ab1b-5451cc387264".into());
                s.resource = Some("Microsoft Teams Services".into());
            }),
            rule("r1", 10, ATTACKER, |_| {}),
        ];
        assert!(run(&config(), &teams).is_empty());
        // The Microsoft 365 portal that phishing kits relay: by name or id, not in the seed.
        let portal = [
            signin("s1", 0, ATTACKER, |s| {
                s.app = Some("OfficeHome".into());
                s.app_id = Some("4765445b-32c6-49b0-83e6-1d93765276ca".into());
                s.resource = None;
            }),
            rule("r1", 10, ATTACKER, |_| {}),
        ];
        assert_eq!(run(&config(), &portal).len(), 1);
        assert!(run(&seed(), &portal).is_empty());
        // Case: the seed's wildcard is case-sensitive, the default is not.
        let lower = [
            signin("s1", 0, ATTACKER, |s| s.app = Some("outlook mobile".into())),
            rule("r1", 10, ATTACKER, |_| {}),
        ];
        assert_eq!(run(&config(), &lower).len(), 1);
        assert!(run(&seed(), &lower).is_empty());
    }

    #[test]
    fn the_seed_keeps_one_pending_sign_in_and_consumes_it() {
        let events = [
            signin("s1", 0, ATTACKER, |_| {}),
            signin("s2", 10, ATTACKER, |_| {}),
            rule("r1", 20, ATTACKER, |_| {}),
            rule("r2", 25, ATTACKER, |_| {}),
        ];
        let seeded = run(&seed(), &events);
        assert_eq!(seeded.len(), 1);
        assert_eq!(seeded[0].evidence, vec!["s2", "r1"]);
        // The default: one finding per rule, each citing every risky sign-in before it.
        let findings = run(&config(), &events);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].evidence, vec!["s1", "s2", "r1"]);
        assert_eq!(findings[1].evidence, vec!["s1", "s2", "r2"]);
    }

    #[test]
    fn users_do_not_mix_and_rules_without_a_user_are_skipped() {
        let mut other = rule("r1", 10, ATTACKER, |_| {});
        other.user = Some("someone@contoso.com".into());
        let events = [signin("s1", 0, ATTACKER, |_| {}), other.clone()];
        assert!(run(&config(), &events).is_empty());
        other.user = None;
        assert!(run(&config(), &[signin("s1", 0, ATTACKER, |_| {}), other]).is_empty());
    }

    #[test]
    fn state_survives_a_snapshot_and_stays_bounded() {
        let events = [
            signin("s1", 0, ATTACKER, |_| {}),
            rule("r1", 12, ATTACKER, |_| {}),
        ];
        let whole = run(&config(), &events);
        let mut first = RiskySigninThenInboxRule::new(&config());
        let mut findings = Vec::new();
        first.observe(&events[0], &mut findings);
        let mut second = RiskySigninThenInboxRule::new(&config());
        second.load(first.save()).expect("loads");
        second.observe(&events[1], &mut findings);
        assert_eq!(findings, whole);

        let mut engine = config();
        engine.detections.risky_signin_then_inbox_rule.max_keys = 5;
        engine.detections.risky_signin_then_inbox_rule.max_signins = 3;
        let mut detector = RiskySigninThenInboxRule::new(&engine);
        for i in 0..100 {
            let mut event = signin(&format!("s{i}"), i, ATTACKER, |_| {});
            event.user = Some(format!("u{}@contoso.com", i % 10));
            detector.observe(&event, &mut findings);
            assert!(detector.users.len() <= 5);
        }
        assert!(detector.state_size().evicted > 0);
        assert!((0..10).all(|u| {
            detector
                .users
                .get(&format!("u{u}@contoso.com"))
                .is_none_or(|state| state.signins.len() <= 3)
        }));
    }
}
