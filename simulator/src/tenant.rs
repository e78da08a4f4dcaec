//! The simulated tenant: a domain, its offices and its users with their roles.

use crate::geo::{OFFICES, Place};
use crate::ids;
use fake::Fake;
use fake::faker::company::en::CompanyName;
use fake::faker::name::en::{FirstName, LastName};
use rand::RngExt;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// Words of company names that do not belong in a mail domain.
const COMPANY_SUFFIXES: &[&str] = &["and", "sons", "inc", "llc", "group", "ltd"];

/// What a user does, which shapes their activity and the scenarios that pick them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Ordinary staff.
    Staff,
    /// Executives: attractive phishing targets.
    Executive,
    /// Finance staff: invoices and payments, the business-email-compromise target.
    Finance,
    /// IT administrators, who run cmdlets and work from jump servers.
    ItAdmin,
    /// Frequent travellers.
    Traveller,
}

/// A mailbox user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Display name.
    pub name: String,
    /// User principal name, lower-case.
    pub upn: String,
    /// The audit log's `UserKey`.
    pub puid: String,
    /// The directory object id (GUID), as sign-in logs carry it.
    pub object_id: String,
    /// The corporate egress address the user normally appears from.
    pub office_ip: Ipv4Addr,
    /// The office the user works at.
    pub home: Place,
    /// What the user does.
    pub role: Role,
}

/// A tenant: one mail domain and its users.
#[derive(Debug, Clone, PartialEq)]
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
        let office_ips: Vec<Ipv4Addr> = OFFICES
            .iter()
            .map(|_| ids::ip_in(rng, [198, 51, 100]))
            .collect();
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
            let office = people.len() % OFFICES.len();
            let role = match people.len() % 10 {
                0 => Role::Executive,
                1 | 2 => Role::Finance,
                3 => Role::ItAdmin,
                4 => Role::Traveller,
                _ => Role::Staff,
            };
            people.push(User {
                name: format!("{first} {last}"),
                upn: format!("{local}@{domain}"),
                puid: ids::puid(rng),
                object_id: ids::guid(rng),
                office_ip: office_ips[office],
                home: OFFICES[office],
                role,
            });
        }
        Self {
            domain,
            organization_id: ids::guid(rng),
            users: people,
        }
    }

    /// A service account of the tenant (`local@domain`), working from the first office: not
    /// a person, so it has no background activity of its own.
    pub fn service_account(&self, rng: &mut impl RngExt, local: &str, name: &str) -> User {
        let office = self
            .users
            .first()
            .map_or(Ipv4Addr::new(198, 51, 100, 1), |u| u.office_ip);
        User {
            name: name.to_owned(),
            upn: format!("{local}@{}", self.domain),
            puid: ids::puid(rng),
            object_id: ids::guid(rng),
            office_ip: office,
            home: OFFICES[0],
            role: Role::ItAdmin,
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
