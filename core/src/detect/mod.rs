//! Detectors: one file per detection, each with a stable id.
//!
//! A detector sees every event in event-time order and emits one finding per episode. It holds
//! whatever keyed state its logic needs; the engine owns the detectors and routes events to
//! them.

pub mod aadsts;
pub mod bulk_send;
pub mod credential_spray;
pub mod email_enumeration;
pub mod enumeration_tooling;
pub mod folded;
pub mod impossible_travel;
pub mod inbox_rule_exfiltration;
pub mod risky_signin_then_inbox_rule;
pub mod thread_hijack;
pub mod window;

use crate::config::EngineConfig;
use crate::event::Event;
use crate::finding::Finding;
use crate::time::Timestamp;

/// The ATT&CK technique for compromised email accounts.
pub const T1586_002: &str = "T1586.002";
/// The ATT&CK tactic of T1586.
pub const RESOURCE_DEVELOPMENT: &str = "Resource Development";
/// The ATT&CK technique for gathering victims' email addresses.
pub const T1589_002: &str = "T1589.002";
/// The ATT&CK tactic of T1589.
pub const RECONNAISSANCE: &str = "Reconnaissance";

/// The size of a detector's keyed state, reported in the stats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StateSize {
    /// Keys held now.
    pub keys: usize,
    /// The most keys it may hold.
    pub capacity: usize,
    /// Keys evicted because the bound was reached.
    pub evicted: u64,
}

impl StateSize {
    /// The size of `state`.
    pub fn of<K: Eq + std::hash::Hash + Ord + Clone, V>(
        state: &crate::state::KeyedState<K, V>,
    ) -> Self {
        Self {
            keys: state.len(),
            capacity: state.capacity(),
            evicted: state.evicted(),
        }
    }
}

/// One detection.
pub trait Detector {
    /// The stable id, e.g. `inbox_rule_exfiltration`.
    fn id(&self) -> &'static str;
    /// Looks at one event, in event-time order; pushes the findings it completes.
    fn observe(&mut self, event: &Event, findings: &mut Vec<Finding>);
    /// Looks at an event that arrived after later ones were processed. Detections that need
    /// no window handle it like any other; windowed ones ignore it (the default), since the
    /// windows it belongs to may be gone.
    fn observe_late(&mut self, _event: &Event, _findings: &mut Vec<Finding>) {}
    /// Whether the detection reads `event` beyond its time. `false` promises that observing
    /// the event in order would only move the detection's clock to its time, as
    /// [`Detector::advance`] does, and that observing it late would change nothing: the engine
    /// then orders an event no detection reads as its time alone. `true`, the default, is
    /// always correct.
    fn reads(&self, _event: &Event) -> bool {
        true
    }
    /// Event time reached `now` through an event the detection does not read
    /// ([`Detector::reads`]): closes what that time closes, as observing the event would.
    fn advance(&mut self, _now: Timestamp, _findings: &mut Vec<Finding>) {}
    /// Looks at a finding another detection just made (e.g. a compromise signal that makes a
    /// user's next sends suspect). Findings made here are not fed back.
    fn observe_finding(&mut self, _finding: &Finding, _findings: &mut Vec<Finding>) {}
    /// The input is over: pushes the findings still open.
    fn finish(&mut self, _findings: &mut Vec<Finding>) {}
    /// How much keyed state the detector holds: keys now, its bound, keys evicted so far.
    fn state_size(&self) -> StateSize {
        StateSize::default()
    }
    /// The detector's state, for an engine snapshot (`null` for detections without state).
    fn save(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    /// Restores the state saved by [`Detector::save`].
    fn load(&mut self, _state: serde_json::Value) -> Result<(), String> {
        Ok(())
    }
}

/// Every detection, configured.
pub fn all(config: &EngineConfig) -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(inbox_rule_exfiltration::InboxRuleExfiltration::new(config)),
        Box::new(bulk_send::BulkSend::new(config)),
        Box::new(thread_hijack::ThreadHijack::new(config)),
        Box::new(impossible_travel::ImpossibleTravel::new(config)),
        Box::new(risky_signin_then_inbox_rule::RiskySigninThenInboxRule::new(
            config,
        )),
        Box::new(credential_spray::CredentialSpray::new(config)),
        Box::new(email_enumeration::EmailEnumeration::new(config)),
        Box::new(enumeration_tooling::EnumerationTooling::new(config)),
    ]
}
