//! Engine configuration: every tunable with a documented default.
//!
//! The same structure comes from a TOML file (CLI) or a plain object (WASM). Unknown keys are
//! an error that names the key, so a misspelt threshold never silently falls back to its
//! default.

use crate::detect::bulk_send::BulkSendConfig;
use crate::detect::credential_spray::CredentialSprayConfig;
use crate::detect::email_enumeration::EmailEnumerationConfig;
use crate::detect::enumeration_tooling::EnumerationToolingConfig;
use crate::detect::impossible_travel::ImpossibleTravelConfig;
use crate::detect::inbox_rule_exfiltration::InboxRuleConfig;
use crate::detect::risky_signin_then_inbox_rule::RiskySigninThenInboxRuleConfig;
use crate::detect::thread_hijack::ThreadHijackConfig;
use serde::{Deserialize, Serialize};

/// How closely detections follow the seed queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// mailhound's detections: sliding windows, geo-velocity, suppressions.
    #[default]
    Default,
    /// The seed queries' exact semantics (clock-hour buckets, country counting), to compare
    /// with a SIEM running the original queries.
    SeedCompatible,
}

/// Settings of each detection, by detection id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectionConfig {
    /// `bulk_send`.
    pub bulk_send: BulkSendConfig,
    /// `inbox_rule_exfiltration`.
    pub inbox_rule_exfiltration: InboxRuleConfig,
    /// `thread_hijack`.
    pub thread_hijack: ThreadHijackConfig,
    /// `impossible_travel`.
    pub impossible_travel: ImpossibleTravelConfig,
    /// `risky_signin_then_inbox_rule`.
    pub risky_signin_then_inbox_rule: RiskySigninThenInboxRuleConfig,
    /// `credential_spray`.
    pub credential_spray: CredentialSprayConfig,
    /// `email_enumeration`.
    pub email_enumeration: EmailEnumerationConfig,
    /// `enumeration_tooling`.
    pub enumeration_tooling: EnumerationToolingConfig,
}

/// Settings of an [`crate::Engine`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Mail domains of the tenant (`contoso.com`, `contoso.onmicrosoft.com`). Forwarding to
    /// them is internal. When empty, the acting user's own domain counts as internal.
    pub tenant_domains: Vec<String>,
    /// Records larger than this are rejected without being buffered. Default 16 MiB.
    pub max_record_bytes: usize,
    /// How many rejections are kept with their location; all are counted. Default 1000.
    pub max_rejections_kept: usize,
    /// How many recent record ids the duplicate check remembers. Default 1,000,000 (about
    /// 40 MB); 0 turns it off.
    pub max_dedupe_ids: usize,
    /// Row counts at which exports are known to be cut off (Search-UnifiedAuditLog 5,000 per
    /// call and 50,000 per session, Log Analytics 30,000, Purview 50,000, the Entra portal
    /// 100,000, ...). An input with exactly this many records is flagged as probably truncated.
    pub export_caps: Vec<u64>,
    /// How many inputs are listed one by one in the stats. Default 10,000.
    pub max_inputs_listed: usize,
    /// How late (in seconds of event time) an event may arrive and still be put in order.
    /// Unset (the default, for scans of exports): events are sorted up to
    /// `max_buffered_events`; set it for streams whose sources lag by a known amount.
    pub allowed_lateness_seconds: Option<u64>,
    /// Events held for ordering at most. Default 100,000 (whole Purview and Entra portal
    /// exports, which stop at 50,000 and 100,000 rows); when full, the oldest goes on.
    pub max_buffered_events: usize,
    /// `default` or `seed-compatible`.
    pub mode: Mode,
    /// Per-detection settings.
    pub detections: DetectionConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            tenant_domains: Vec::new(),
            max_record_bytes: 16 << 20,
            max_rejections_kept: 1000,
            max_dedupe_ids: 1_000_000,
            export_caps: vec![5_000, 10_000, 30_000, 50_000, 100_000, 250_000, 1_000_000],
            max_inputs_listed: 10_000,
            allowed_lateness_seconds: None,
            max_buffered_events: 100_000,
            mode: Mode::Default,
            detections: DetectionConfig::default(),
        }
    }
}

impl EngineConfig {
    /// True when `domain` (any case) is one of the tenant's domains or a subdomain of one.
    pub fn is_tenant_domain(&self, domain: &str) -> bool {
        self.tenant_domains
            .iter()
            .any(|tenant| domain_within(domain, tenant))
    }
}

/// True when `domain` equals `parent` or is a subdomain of it, ignoring case.
pub fn domain_within(domain: &str, parent: &str) -> bool {
    let domain = domain.trim_end_matches('.');
    let parent = parent.trim_end_matches('.');
    if domain.eq_ignore_ascii_case(parent) {
        return true;
    }
    domain.len() > parent.len()
        && domain.as_bytes()[domain.len() - parent.len() - 1] == b'.'
        && domain[domain.len() - parent.len()..].eq_ignore_ascii_case(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let error = serde_json::from_str::<EngineConfig>(r#"{"tenant_domain":["x"]}"#)
            .expect_err("misspelt key");
        assert!(error.to_string().contains("tenant_domain"), "{error}");
    }

    #[test]
    fn unknown_keys_inside_a_detection_are_named() {
        let error =
            serde_json::from_str::<EngineConfig>(r#"{"detections":{"bulk_send":{"treshold":10}}}"#)
                .expect_err("misspelt key");
        assert!(error.to_string().contains("treshold"), "{error}");
        let config: EngineConfig = serde_json::from_str(
            r#"{"mode":"seed-compatible","detections":{"bulk_send":{"threshold":10}}}"#,
        )
        .expect("valid");
        assert_eq!(config.mode, Mode::SeedCompatible);
        assert_eq!(config.detections.bulk_send.threshold, 10);
        assert_eq!(config.detections.bulk_send.window_minutes, 60);
    }

    #[test]
    fn detection_settings_take_defaults_and_refuse_bad_ranges_by_value() {
        let config: EngineConfig = serde_json::from_str(
            r#"{"detections":{
                "impossible_travel":{"max_speed_kmh":1000,
                    "trusted_ranges":["192.0.2.0/24","2001:db8::/32","198.51.100.7"]},
                "risky_signin_then_inbox_rule":{"max_skew_minutes":30}}}"#,
        )
        .expect("valid");
        let travel = &config.detections.impossible_travel;
        assert_eq!(travel.max_speed_kmh, 1000.0);
        assert_eq!(travel.min_distance_km, 500.0);
        assert!(
            travel
                .trusted_ranges
                .contains(&"192.0.2.9".parse().expect("ip"))
        );
        let sequence = &config.detections.risky_signin_then_inbox_rule;
        assert_eq!(sequence.max_skew_minutes, 30);
        assert_eq!(sequence.max_span_minutes, 240);
        let error = serde_json::from_str::<EngineConfig>(
            r#"{"detections":{"impossible_travel":{"trusted_ranges":["vpn.contoso.com"]}}}"#,
        )
        .expect_err("not a range");
        assert!(error.to_string().contains("vpn.contoso.com"), "{error}");
    }

    #[test]
    fn missing_keys_take_defaults() {
        let config: EngineConfig = serde_json::from_str("{}").expect("empty object");
        assert_eq!(config, EngineConfig::default());
    }

    #[test]
    fn subdomains_are_within_but_lookalikes_are_not() {
        assert!(domain_within("contoso.com", "Contoso.com"));
        assert!(domain_within("mail.contoso.com", "contoso.com"));
        assert!(!domain_within("evilcontoso.com", "contoso.com"));
        assert!(!domain_within("contoso.com.evil.example", "contoso.com"));
    }
}
