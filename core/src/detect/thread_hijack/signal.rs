//! Reading a compromise signal out of another detection's finding: which users it is about
//! and which addresses it came from.
//!
//! Detections name their subjects differently: a user entity, an address entity with the
//! accounts in `details`, a target `mailbox`. The fields read are configuration
//! (`signal_user_fields`, `signal_ip_fields`), so a detection added later can be made a
//! signal without code.

use super::settings::ThreadHijackConfig;
use super::user::Signal;
use crate::finding::{EntityKind, Finding};
use serde_json::Value;
use std::net::IpAddr;

/// Users named per signal at most.
const MAX_USERS: usize = 1000;
/// Addresses named per signal at most.
const MAX_IPS: usize = 100;

/// The users `finding` is a compromise signal for (case-folded), and the signal; nothing when
/// the finding is not a signal.
pub fn read(finding: &Finding, config: &ThreadHijackConfig) -> Option<(Vec<String>, Signal)> {
    let listed = config
        .signal_detections
        .iter()
        .any(|detection| detection.eq_ignore_ascii_case(&finding.detection));
    if !listed || finding.severity < config.min_signal_severity {
        return None;
    }
    let mut users = Vec::new();
    let mut ips = Vec::new();
    match finding.entity.kind {
        EntityKind::User => push_user(&mut users, &finding.entity.value),
        EntityKind::Ip => push_ip(&mut ips, &finding.entity.value),
        // A machine (a Sysmon host) names no mailbox user or address of its own.
        EntityKind::Host => {}
    }
    for field in &config.signal_user_fields {
        for text in strings(finding.details.get(field)) {
            push_user(&mut users, text);
        }
    }
    for field in &config.signal_ip_fields {
        for text in strings(finding.details.get(field)) {
            push_ip(&mut ips, text);
        }
    }
    if users.is_empty() {
        return None;
    }
    Some((
        users,
        Signal {
            id: finding.id.clone(),
            detection: finding.detection.clone(),
            first: finding.first_seen,
            last: finding.last_seen,
            ips,
        },
    ))
}

/// The strings of a value that is a string or a list of strings.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(text)) => vec![text.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn push_user(users: &mut Vec<String>, text: &str) {
    let user = text.trim().to_lowercase();
    if user.contains('@')
        && !user.contains(char::is_whitespace)
        && users.len() < MAX_USERS
        && !users.contains(&user)
    {
        users.push(user);
    }
}

fn push_ip(ips: &mut Vec<IpAddr>, text: &str) {
    if let Some(ip) = crate::net::parse_client_ip(text) {
        if ips.len() < MAX_IPS && !ips.contains(&ip) {
            ips.push(ip);
        }
    }
}
