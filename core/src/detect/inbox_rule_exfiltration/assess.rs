//! The verdict on one rule change: where it sends mail, what it hides, what marks it as an
//! attacker's, and how bad that is.
//!
//! Shared with the detections that need the same verdict on a rule
//! (`risky_signin_then_inbox_rule`, `thread_hijack` through the findings): call
//! [`is_exfiltration_rule`] for a yes or no, or build a [`RuleClassifier`] once and call
//! [`RuleClassifier::assess`] for the details.

use super::settings::InboxRuleConfig;
use crate::config::{EngineConfig, Mode, domain_within};
use crate::event::MailboxRule;
use crate::finding::Severity;

/// The parameter names the seed queries look for, as lower-case substrings.
pub const SEED_PARAMETERS: &[&str] = &[
    "forwardto",
    "forwardasattachmentto",
    "redirectto",
    "deletemessage",
    "markasread",
];

/// True when the rule change would be reported: in `default` mode, when
/// [`RuleClassifier::assess`] finds it suspicious (forwarding out, hiding or deleting mail)
/// and no suppression applies; in `seed-compatible` mode, when the seed query matches
/// ([`seed_matches`]). Builds the lists from `config` on each call: callers that classify
/// many rules should keep a [`RuleClassifier`].
pub fn is_exfiltration_rule(
    rule: &MailboxRule,
    actor: Option<&str>,
    config: &EngineConfig,
) -> bool {
    RuleClassifier::new(config).is_exfiltration_rule(rule, actor)
}

/// The verdict on `rule`, changed by `actor`, under `config`: `None` when it forwards,
/// redirects, deletes, marks as read and hides nothing, carries no content (an Outlook
/// re-sync) or was made by an allow-listed account.
pub fn assess<'r>(
    config: &EngineConfig,
    actor: Option<&str>,
    rule: &'r MailboxRule,
) -> Option<Exfiltration<'r>> {
    RuleClassifier::new(config).assess(rule, actor)
}

/// The seed query: a rule or mailbox cmdlet whose `Parameters` text contains `ForwardTo`,
/// `ForwardAsAttachmentTo`, `RedirectTo`, `DeleteMessage` or `MarkAsRead`, in any case,
/// whatever the value or the destination (`MarkAsRead: False` and a forward to a colleague
/// match). The text is the parameter names and the values the event keeps (name, mailbox,
/// recipients, folder, conditions); flag values (`True`, `False`) cannot contain the words.
/// Changes recorded without `Parameters` (`UpdateInboxRules`) never match, as in the seed.
pub fn seed_matches(rule: &MailboxRule) -> bool {
    !seed_terms(rule).is_empty()
}

/// The seed's words found in the rule's `Parameters` text (see [`seed_matches`]).
pub fn seed_terms(rule: &MailboxRule) -> Vec<&'static str> {
    if rule.operation.is_none() || rule.parameter_names.is_empty() {
        return Vec::new();
    }
    let values = [&rule.name, &rule.mailbox, &rule.move_to_folder]
        .into_iter()
        .flatten()
        .chain(rule.forward_to.iter())
        .chain(rule.forward_as_attachment_to.iter())
        .chain(rule.redirect_to.iter())
        .chain(rule.conditions.iter().map(|(_, value)| value));
    let text: Vec<String> = rule
        .parameter_names
        .iter()
        .chain(values)
        .map(|text| text.to_ascii_lowercase())
        .collect();
    SEED_PARAMETERS
        .iter()
        .copied()
        .filter(|wanted| text.iter().any(|text| text.contains(wanted)))
        .collect()
}

/// What a rule change does that this detection reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exfiltration<'r> {
    /// Every forwarding or redirect recipient not on the allow-list, in parameter order.
    pub destinations: Vec<&'r str>,
    /// The recipients outside the tenant.
    pub external: Vec<&'r str>,
    /// Recipients dropped because `allow_destinations` lists them.
    pub allowed: Vec<&'r str>,
    /// The rule hides mail from the owner: moves it to a hiding folder, deletes it, marks it
    /// as read, or forwards without keeping a copy.
    pub hides: bool,
    /// The hiding folder it moves mail to, as written.
    pub hiding_folder: Option<&'r str>,
    /// It deletes mail (`DeleteMessage`, soft or permanent delete actions).
    pub deletes: bool,
    /// It marks mail as read.
    pub marks_read: bool,
    /// Mailbox forwarding with `DeliverToMailboxAndForward` false: no copy stays.
    pub keeps_no_copy: bool,
    /// Configured keywords found in its conditions, lower case.
    pub keywords: Vec<String>,
    /// Why the rule's name is degenerate (`"punctuation only"`, ...), if it is.
    pub odd_name: Option<&'static str>,
    /// It stops the processing of later rules.
    pub stop_processing: bool,
    report_internal: bool,
}

impl<'r> Exfiltration<'r> {
    /// The plain reading of a rule, without tenant, allow-list, folder or keyword knowledge:
    /// its recipients (none counted as external) and whether it deletes or marks as read.
    pub fn plain(rule: &'r MailboxRule) -> Self {
        Self {
            destinations: rule.destinations().collect(),
            external: Vec::new(),
            allowed: Vec::new(),
            hides: rule.delete_message || rule.permanent_delete || rule.mark_as_read,
            hiding_folder: None,
            deletes: rule.delete_message || rule.permanent_delete,
            marks_read: rule.mark_as_read,
            keeps_no_copy: false,
            keywords: Vec::new(),
            odd_name: None,
            stop_processing: rule.stop_processing_rules,
            report_internal: false,
        }
    }

    /// True when all the rule does is forward inside the tenant.
    pub fn internal_only(&self) -> bool {
        self.external.is_empty() && !self.hides
    }

    /// The severity of the change, or `None` when it is suppressed (forwarding only inside the
    /// tenant):
    /// - critical: forwards outside the tenant and hides mail or matches keywords;
    /// - high: forwards outside the tenant;
    /// - medium: hides mail (hiding folder, delete, mark as read) without forwarding it out;
    /// - low: forwards inside the tenant and deletes or marks as read (a delegate set-up);
    ///
    /// keywords or a degenerate name raise medium and low one step.
    pub fn severity(&self) -> Option<Severity> {
        if !self.external.is_empty() {
            return Some(if self.hides || !self.keywords.is_empty() {
                Severity::Critical
            } else {
                Severity::High
            });
        }
        let flagged = !self.keywords.is_empty() || self.odd_name.is_some();
        let raise = |base: Severity| match (flagged, base) {
            (true, Severity::Low) => Severity::Medium,
            (true, Severity::Medium) => Severity::High,
            _ => base,
        };
        if !self.destinations.is_empty() {
            if self.hiding_folder.is_some() {
                Some(raise(Severity::Medium))
            } else if self.hides {
                Some(raise(Severity::Low))
            } else if self.report_internal {
                Some(Severity::Low)
            } else {
                None
            }
        } else if self.hides {
            Some(raise(Severity::Medium))
        } else {
            None
        }
    }
}

/// The configured lists, prepared once (lower case) for classifying many rules.
#[derive(Debug, Clone)]
pub struct RuleClassifier {
    mode: Mode,
    tenant_domains: Vec<String>,
    hiding_folders: Vec<String>,
    keywords: Vec<String>,
    allow_actors: Vec<String>,
    allow_destinations: Vec<String>,
    report_internal: bool,
}

impl RuleClassifier {
    /// A classifier with the lists of `config`.
    pub fn new(config: &EngineConfig) -> Self {
        let settings: &InboxRuleConfig = &config.detections.inbox_rule_exfiltration;
        let lower = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|item| item.trim().to_lowercase())
                .filter(|item| !item.is_empty())
                .collect()
        };
        Self {
            mode: config.mode,
            tenant_domains: config.tenant_domains.clone(),
            hiding_folders: lower(&settings.hiding_folders),
            keywords: lower(&settings.keywords),
            allow_actors: lower(&settings.allow_actors),
            allow_destinations: lower(&settings.allow_destinations)
                .into_iter()
                .map(|entry| entry.trim_start_matches('@').to_owned())
                .collect(),
            report_internal: settings.report_internal_forwarding,
        }
    }

    /// See [`is_exfiltration_rule`].
    pub fn is_exfiltration_rule(&self, rule: &MailboxRule, actor: Option<&str>) -> bool {
        match self.mode {
            Mode::SeedCompatible => seed_matches(rule),
            Mode::Default => self
                .assess(rule, actor)
                .is_some_and(|verdict| verdict.severity().is_some()),
        }
    }

    /// True when `actor` is allow-listed.
    pub fn is_allowed_actor(&self, actor: Option<&str>) -> bool {
        actor.is_some_and(|actor| {
            self.allow_actors
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(actor.trim()))
        })
    }

    /// See [`assess`].
    pub fn assess<'r>(
        &self,
        rule: &'r MailboxRule,
        actor: Option<&str>,
    ) -> Option<Exfiltration<'r>> {
        if rule.empty || self.is_allowed_actor(actor) {
            return None;
        }
        let (allowed, destinations): (Vec<&str>, Vec<&str>) = rule
            .destinations()
            .map(str::trim)
            .filter(|address| !address.is_empty())
            .partition(|address| self.is_allowed_destination(address));
        let external: Vec<&str> = destinations
            .iter()
            .copied()
            .filter(|address| self.is_external(address, actor, rule.mailbox.as_deref()))
            .collect();
        let hiding_folder = rule
            .move_to_folder
            .as_deref()
            .and_then(|folder| self.hiding_folder(folder));
        let deletes = rule.delete_message || rule.permanent_delete;
        let keeps_no_copy = rule.deliver_and_forward == Some(false) && !destinations.is_empty();
        let hides = hiding_folder.is_some() || deletes || rule.mark_as_read || keeps_no_copy;
        if destinations.is_empty() && !hides {
            return None;
        }
        Some(Exfiltration {
            destinations,
            external,
            allowed,
            hides,
            hiding_folder,
            deletes,
            marks_read: rule.mark_as_read,
            keeps_no_copy,
            keywords: self.keywords_in(rule),
            odd_name: degenerate_name(rule.name.as_deref()),
            stop_processing: rule.stop_processing_rules,
            report_internal: self.report_internal,
        })
    }

    /// True when `address` leaves the tenant (`tenant_domains`; else the actor's and the
    /// changed mailbox's own domains). Recipients that are not SMTP addresses (display names,
    /// Exchange DNs) resolve inside the tenant and are not external.
    fn is_external(&self, address: &str, actor: Option<&str>, mailbox: Option<&str>) -> bool {
        let Some((_, domain)) = address.rsplit_once('@') else {
            return false;
        };
        if !self.tenant_domains.is_empty() {
            return !self
                .tenant_domains
                .iter()
                .any(|tenant| domain_within(domain, tenant));
        }
        let own: Vec<&str> = [actor, mailbox]
            .into_iter()
            .flatten()
            .filter_map(|user| user.rsplit_once('@').map(|(_, domain)| domain))
            .collect();
        !own.iter().any(|own| domain_within(domain, own))
    }

    fn is_allowed_destination(&self, address: &str) -> bool {
        let address = address.to_lowercase();
        let domain = address.rsplit_once('@').map(|(_, domain)| domain);
        self.allow_destinations.iter().any(|entry| {
            if entry.contains('@') {
                *entry == address
            } else {
                domain.is_some_and(|domain| domain_within(domain, entry))
            }
        })
    }

    /// The component of a `MoveToFolder` path (`jdoe@contoso.com:\RSS Feeds`, `\Archive`)
    /// that names a hiding folder.
    fn hiding_folder<'f>(&self, folder: &'f str) -> Option<&'f str> {
        let path = match folder.find(":\\").or_else(|| folder.find(":/")) {
            Some(colon) => &folder[colon + 2..],
            None => folder,
        };
        path.split(['\\', '/'])
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .find(|part| {
                let part = part.to_lowercase();
                self.hiding_folders.contains(&part)
            })
    }

    /// The configured keywords found in the rule's conditions (not its exceptions, not its
    /// sender or recipient addresses).
    fn keywords_in(&self, rule: &MailboxRule) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for (name, value) in &rule.conditions {
            let name = name.to_ascii_lowercase();
            let words = name.contains("words") || name == "rulecondition" || name == "conditions";
            if !words || name.starts_with("exceptif") {
                continue;
            }
            let text = value.to_lowercase();
            for keyword in &self.keywords {
                if !found.contains(keyword) && contains_keyword(&text, keyword) {
                    found.push(keyword.clone());
                }
            }
        }
        found
    }
}

/// True when lower-case `text` contains lower-case `keyword`: anywhere for keywords of six or
/// more characters, at the start of a word for four or five, as a whole word for shorter.
pub(super) fn contains_keyword(text: &str, keyword: &str) -> bool {
    let length = keyword.chars().count();
    text.match_indices(keyword).any(|(at, _)| {
        if length >= 6 {
            return true;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + keyword.len()..].chars().next();
        let starts = before.is_none_or(|c| !c.is_alphanumeric());
        let ends = after.is_none_or(|c| !c.is_alphanumeric());
        starts && (length >= 4 || ends)
    })
}

/// Why a rule name is one people do not give their rules: blank, punctuation only (`.`,
/// `..`, `,`), or a single character. `None` for ordinary names and for changes without a
/// name (mailbox forwarding).
pub fn degenerate_name(name: Option<&str>) -> Option<&'static str> {
    let name = name?.trim();
    if name.is_empty() {
        Some("blank")
    } else if name.chars().all(|c| !c.is_alphanumeric()) {
        Some("punctuation only")
    } else if name.chars().count() == 1 {
        Some("a single character")
    } else {
        None
    }
}
