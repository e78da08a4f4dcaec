//! The ATT&CK vocabulary findings refer to: technique and tactic names and ids.

/// One technique, with the tactic it serves here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Technique {
    /// `T1586.002`.
    pub id: &'static str,
    /// `Compromise Accounts: Email Accounts`.
    pub name: &'static str,
    /// `TA0042`.
    pub tactic_id: &'static str,
    /// `Resource Development`.
    pub tactic: &'static str,
    /// The Navigator's tactic short name, `resource-development`.
    pub tactic_shortname: &'static str,
}

/// The techniques mailhound's findings name, in their primary or related role.
pub const TECHNIQUES: &[Technique] = &[
    Technique {
        id: "T1586.002",
        name: "Compromise Accounts: Email Accounts",
        tactic_id: "TA0042",
        tactic: "Resource Development",
        tactic_shortname: "resource-development",
    },
    Technique {
        id: "T1589.002",
        name: "Gather Victim Identity Information: Email Addresses",
        tactic_id: "TA0043",
        tactic: "Reconnaissance",
        tactic_shortname: "reconnaissance",
    },
    Technique {
        id: "T1114.003",
        name: "Email Collection: Email Forwarding Rule",
        tactic_id: "TA0009",
        tactic: "Collection",
        tactic_shortname: "collection",
    },
    Technique {
        id: "T1564.008",
        name: "Hide Artifacts: Email Hiding Rules",
        tactic_id: "TA0005",
        tactic: "Defense Evasion",
        tactic_shortname: "defense-evasion",
    },
    Technique {
        id: "T1070.008",
        name: "Indicator Removal: Clear Mailbox Data",
        tactic_id: "TA0005",
        tactic: "Defense Evasion",
        tactic_shortname: "defense-evasion",
    },
    Technique {
        id: "T1110.003",
        name: "Brute Force: Password Spraying",
        tactic_id: "TA0006",
        tactic: "Credential Access",
        tactic_shortname: "credential-access",
    },
    Technique {
        id: "T1110.001",
        name: "Brute Force: Password Guessing",
        tactic_id: "TA0006",
        tactic: "Credential Access",
        tactic_shortname: "credential-access",
    },
    Technique {
        id: "T1078.004",
        name: "Valid Accounts: Cloud Accounts",
        tactic_id: "TA0001",
        tactic: "Initial Access",
        tactic_shortname: "initial-access",
    },
    Technique {
        id: "T1087.004",
        name: "Account Discovery: Cloud Account",
        tactic_id: "TA0007",
        tactic: "Discovery",
        tactic_shortname: "discovery",
    },
    Technique {
        id: "T1534",
        name: "Internal Spearphishing",
        tactic_id: "TA0008",
        tactic: "Lateral Movement",
        tactic_shortname: "lateral-movement",
    },
];

/// The technique with this id, if mailhound knows it.
pub fn technique(id: &str) -> Option<&'static Technique> {
    TECHNIQUES.iter().find(|technique| technique.id == id)
}

/// The ids of the related techniques a finding's details name (`related_techniques`).
pub fn related_techniques(details: &serde_json::Value) -> Vec<&str> {
    details
        .get("related_techniques")
        .and_then(serde_json::Value::as_array)
        .map(|ids| ids.iter().filter_map(serde_json::Value::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_technique_id_is_unique_and_well_formed() {
        for (i, technique) in TECHNIQUES.iter().enumerate() {
            assert!(technique.id.starts_with('T') && technique.tactic_id.starts_with("TA"));
            assert!(
                TECHNIQUES[i + 1..]
                    .iter()
                    .all(|other| other.id != technique.id)
            );
        }
        assert_eq!(
            technique("T1586.002").map(|t| t.tactic),
            Some("Resource Development")
        );
        assert!(technique("T9999").is_none());
    }
}
