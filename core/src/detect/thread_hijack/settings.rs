//! Settings of `thread_hijack`.

use crate::finding::Severity;
use serde::{Deserialize, Serialize};

/// Settings of `thread_hijack`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThreadHijackConfig {
    /// Detections whose findings are compromise signals. Default `inbox_rule_exfiltration`,
    /// `impossible_travel`, `risky_signin_then_inbox_rule`, `credential_spray`.
    pub signal_detections: Vec<String>,
    /// The least severity a finding needs to be a signal. Default `low` (a bulk migration's
    /// informational finding is not one); `critical` keeps only the surest signals (a spray
    /// followed by a successful sign-in, a forwarding rule that also hides mail).
    pub min_signal_severity: Severity,
    /// Members of a signal's `details` that name the compromised accounts (a string or a list
    /// of strings), besides a user entity. Default `user`, `mailbox`, `compromised_users`,
    /// `compromised_accounts`, `successful_users`. A list of every *targeted* account (a
    /// spray's victims) does not belong here: only accounts the signal says were taken.
    pub signal_user_fields: Vec<String>,
    /// Members of a signal's `details` that name the addresses it came from, besides an IP
    /// entity. Default `client_ip`, `client_ips`, `ip`, `ips`, `source_ip`, `source_ips`,
    /// `src_ips`.
    pub signal_ip_fields: Vec<String>,
    /// Hours after a signal's last record during which replies and forwards from new
    /// addresses count. Default 24.
    pub after_signal_hours: u32,
    /// Minutes before a signal's first record from which the window opens: the attacker's
    /// sign-in and first replies precede the rule or the travel that raised the signal.
    /// Default 60.
    pub signal_lead_minutes: u32,
    /// Days of address and session history kept per user to tell a new address from a
    /// usual one. Default 14.
    pub history_days: u32,
    /// Hours replies and forwards are kept to be judged again when a signal that explains
    /// them is reported late. Default 24.
    pub lookback_hours: u32,
    /// Deleting a sent message (hard or soft delete) within this many minutes of sending it
    /// is a cover-up. Default 60.
    pub delete_within_minutes: u32,
    /// An episode ends after this many minutes without new evidence. Default 60.
    pub episode_gap_minutes: u32,
    /// Accounts never reported (case-insensitive). Default empty.
    pub allow_users: Vec<String>,
    /// Addresses and sessions remembered per user, each. Default 64.
    pub max_history_per_user: usize,
    /// Sends remembered per user. Default 200.
    pub max_sends_per_user: usize,
    /// Subjects listed per finding. Default 10.
    pub max_subjects: usize,
    /// Record ids kept as evidence per finding. Default 200.
    pub max_evidence: usize,
    /// Users tracked at once. Default 100,000.
    pub max_keys: usize,
}

impl Default for ThreadHijackConfig {
    fn default() -> Self {
        let owned = |list: &[&str]| list.iter().map(|item| (*item).to_owned()).collect();
        Self {
            signal_detections: owned(&[
                "inbox_rule_exfiltration",
                "impossible_travel",
                "risky_signin_then_inbox_rule",
                "credential_spray",
            ]),
            min_signal_severity: Severity::Low,
            signal_user_fields: owned(&[
                "user",
                "mailbox",
                "compromised_users",
                "compromised_accounts",
                "successful_users",
            ]),
            signal_ip_fields: owned(&[
                "client_ip",
                "client_ips",
                "ip",
                "ips",
                "source_ip",
                "source_ips",
                "src_ips",
            ]),
            after_signal_hours: 24,
            signal_lead_minutes: 60,
            history_days: 14,
            lookback_hours: 24,
            delete_within_minutes: 60,
            episode_gap_minutes: 60,
            allow_users: Vec::new(),
            max_history_per_user: 64,
            max_sends_per_user: 200,
            max_subjects: 10,
            max_evidence: 200,
            max_keys: 100_000,
        }
    }
}
