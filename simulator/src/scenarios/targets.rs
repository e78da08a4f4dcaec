//! The address lists enumeration scenarios probe: what an attacker harvested or guessed.
//!
//! A list mixes a few of the tenant's real addresses (found on the web site, in signatures,
//! in breach data) with guessed ones: `first.last` of people who do not work there and the
//! role addresses every company might have. Only the real ones exist in the directory.

use crate::tenant::{Tenant, User};
use fake::Fake;
use fake::faker::name::en::{FirstName, LastName};
use rand::RngExt;
use rand::seq::SliceRandom;
use std::collections::BTreeSet;

/// Role addresses attackers try at every domain.
const ROLES: &[&str] = &[
    "admin",
    "administrator",
    "finance",
    "accounts",
    "payroll",
    "hr",
    "it",
    "helpdesk",
    "support",
    "info",
    "sales",
    "ceo",
    "cfo",
    "billing",
    "invoices",
    "office",
    "reception",
    "marketing",
    "security",
    "noreply",
];

/// One probed address.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The address as the attacker typed it.
    pub address: String,
    /// The user it belongs to, when it exists.
    pub user: Option<User>,
}

/// `count` distinct addresses at the tenant's domain, of which the addresses of `existing`
/// exist; in random order.
pub fn address_list(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    count: usize,
    existing: &[User],
) -> Vec<Target> {
    let real: BTreeSet<&str> = tenant.users.iter().map(|u| u.upn.as_str()).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut targets: Vec<Target> = existing
        .iter()
        .filter(|user| seen.insert(user.upn.clone()))
        .map(|user| Target {
            address: user.upn.clone(),
            user: Some(user.clone()),
        })
        .collect();
    let mut roles: Vec<&str> = ROLES.to_vec();
    roles.shuffle(rng);
    let mut roles = roles.into_iter();
    while targets.len() < count.max(existing.len()) {
        let local = match roles.next().filter(|_| rng.random_bool(0.3)) {
            Some(role) => role.to_owned(),
            None => {
                let first: String = FirstName().fake_with_rng(rng);
                let last: String = LastName().fake_with_rng(rng);
                let local = if rng.random_bool(0.7) {
                    format!("{first}.{last}")
                } else {
                    format!("{}{last}", &first[..1])
                };
                local
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect()
            }
        };
        let address = format!("{local}@{}", tenant.domain);
        if real.contains(address.as_str()) || !seen.insert(address.clone()) {
            continue;
        }
        targets.push(Target {
            address,
            user: None,
        });
    }
    targets.shuffle(rng);
    targets
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn lists_are_distinct_and_only_the_chosen_users_exist() {
        let mut rng = StdRng::seed_from_u64(11);
        let tenant = Tenant::generate(&mut rng, 30);
        let existing = tenant.users[..3].to_vec();
        let list = address_list(&mut rng, &tenant, 40, &existing);
        assert_eq!(list.len(), 40);
        let distinct: BTreeSet<&str> = list.iter().map(|t| t.address.as_str()).collect();
        assert_eq!(distinct.len(), 40);
        let found: Vec<&Target> = list.iter().filter(|t| t.user.is_some()).collect();
        assert_eq!(found.len(), 3);
        for target in &list {
            assert!(target.address.ends_with(&format!("@{}", tenant.domain)));
            let real = tenant.users.iter().any(|u| u.upn == target.address);
            assert_eq!(real, target.user.is_some(), "{}", target.address);
        }
    }
}
