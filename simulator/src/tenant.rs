//! The simulated tenant: a domain and its users.

use crate::ids;
use fake::Fake;
use fake::faker::company::en::CompanyName;
use fake::faker::name::en::{FirstName, LastName};
use rand::RngExt;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// Words of company names that do not belong in a mail domain.
const COMPANY_SUFFIXES: &[&str] = &["and", "sons", "inc", "llc", "group", "ltd"];

/// A mailbox user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Display name.
    pub name: String,
    /// User principal name, lower-case.
    pub upn: String,
    /// The audit log's `UserKey`.
    pub puid: String,
    /// The corporate egress address the user normally appears from.
    pub office_ip: Ipv4Addr,
}

/// A tenant: one mail domain and its users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Primary mail domain, e.g. `northwind-traders.com`.
    pub domain: String,
    /// The tenant id (`OrganizationId`).
    pub organization_id: String,
    /// The users, at least two.
    pub users: Vec<User>,
}

impl Tenant {
    /// Generates a tenant of `users` users (at least two).
    pub fn generate(rng: &mut impl RngExt, users: usize) -> Self {
        let company: String = CompanyName().fake_with_rng(rng);
        let slug: String = company
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|part| !part.is_empty() && !COMPANY_SUFFIXES.contains(part))
            .take(2)
            .collect::<Vec<_>>()
            .join("-");
        let domain = format!("{slug}.com");
        let office_ips = [
            ids::ip_in(rng, [198, 51, 100]),
            ids::ip_in(rng, [198, 51, 100]),
        ];
        let mut taken = BTreeSet::new();
        let mut people = Vec::new();
        while people.len() < users.max(2) {
            let first: String = FirstName().fake_with_rng(rng);
            let last: String = LastName().fake_with_rng(rng);
            let local = format!("{}.{}", first, last)
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect::<String>();
            if !taken.insert(local.clone()) {
                continue;
            }
            people.push(User {
                name: format!("{first} {last}"),
                upn: format!("{local}@{domain}"),
                puid: ids::puid(rng),
                office_ip: office_ips[people.len() % office_ips.len()],
            });
        }
        Self {
            domain,
            organization_id: ids::guid(rng),
            users: people,
        }
    }

    /// The tenant's initial `onmicrosoft.com` domain, as `OrganizationName` carries it.
    pub fn onmicrosoft(&self) -> String {
        let label = self
            .domain
            .split('.')
            .next()
            .unwrap_or("tenant")
            .replace('-', "");
        format!("{label}.onmicrosoft.com")
    }
}
