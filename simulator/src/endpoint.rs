//! Machines that write Sysmon and Security events: the users' workstations and the machines
//! scenarios bring (an attacker's laptop on the network, the Exchange server).
//!
//! A [`Machine`] numbers its events as Windows does (`EventRecordID` increasing per channel),
//! hands out process ids, and spells the events scenarios need: a process start with its
//! parent, and the TCP connections a process opens. Users' workstations are `WS-<n>` in
//! `10.<office>.x.y`; machines of scenarios must use other names and ranges.

use crate::record::{Body, EndpointEvent, EndpointKind};
use crate::scene::Emitter;
use crate::tenant::{Tenant, User};
use chrono::{DateTime, Utc};
use rand::RngExt;
use std::net::Ipv4Addr;

/// The Windows directory of PowerShell.
pub const POWERSHELL: &str = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
/// Explorer, the parent of what users start.
pub const EXPLORER: &str = "C:\\Windows\\explorer.exe";

/// One Windows machine and its event counters.
#[derive(Debug, Clone)]
pub struct Machine {
    /// FQDN, as `Computer` carries it.
    pub computer: String,
    /// Its address.
    pub ip: Ipv4Addr,
    /// The signed-in account, `DOMAIN\user`.
    pub account: String,
    /// The next Sysmon record number.
    pub next_record: u64,
    /// The next process id.
    pub next_pid: u32,
}

/// The Active Directory NetBIOS domain of the tenant (`NORTHWIND` for northwind-traders.com).
pub fn netbios(tenant: &Tenant) -> String {
    let label: String = tenant
        .domain
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    label.to_ascii_uppercase().chars().take(15).collect()
}

/// The internal DNS suffix of the tenant's machines.
pub fn dns_suffix(tenant: &Tenant) -> String {
    format!("corp.{}", tenant.domain)
}

/// The workstation of the `index`-th user, with record numbers for `day` (days since the
/// start), so that numbers keep increasing from one day to the next.
pub fn workstation(tenant: &Tenant, index: usize, day: u64) -> Machine {
    let user = &tenant.users[index];
    let office = crate::geo::OFFICES
        .iter()
        .position(|place| place.city == user.home.city)
        .unwrap_or(0);
    let local = user.upn.split('@').next().unwrap_or_default();
    Machine {
        computer: format!("WS-{:04}.{}", 1000 + index, dns_suffix(tenant)),
        ip: Ipv4Addr::new(
            10,
            10 + office as u8,
            (index / 200) as u8,
            (20 + index % 200) as u8,
        ),
        account: format!("{}\\{local}", netbios(tenant)),
        next_record: 40_000 + 1_000 * index as u64 % 7_000 + day * 5_000,
        next_pid: 1_200,
    }
}

/// A machine a scenario brings: `prefix-XXXXXXX` in `10.66.0.0/16`, signed in as `account`.
pub fn other_machine(
    rng: &mut impl RngExt,
    tenant: &Tenant,
    prefix: &str,
    account: &str,
) -> Machine {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let code: String = (0..7)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let name = format!("{prefix}-{code}");
    Machine {
        computer: format!("{name}.{}", dns_suffix(tenant)),
        ip: Ipv4Addr::new(10, 66, rng.random_range(0..=250), rng.random_range(2..=250)),
        account: format!("{name}\\{account}"),
        next_record: rng.random_range(20_000..400_000),
        next_pid: rng.random_range(500..2_250) * 4,
    }
}

/// The local part of a user's UPN.
pub fn local_part(user: &User) -> &str {
    user.upn.split('@').next().unwrap_or_default()
}

impl Machine {
    fn push(&mut self, out: &mut Emitter, time: DateTime<Utc>, kind: EndpointKind) {
        let event = EndpointEvent {
            computer: self.computer.clone(),
            record_number: self.next_record,
            kind,
        };
        self.next_record += 1;
        out.push(time, Body::Endpoint(Box::new(event)));
    }

    /// Sysmon 1: `image` started with `command_line` by `parent` (image, command line);
    /// returns its process id.
    pub fn start(
        &mut self,
        out: &mut Emitter,
        time: DateTime<Utc>,
        image: &str,
        command_line: &str,
        parent: (&str, &str),
    ) -> u32 {
        self.next_pid += 4 * (1 + self.next_record as u32 % 23);
        let pid = self.next_pid;
        let kind = EndpointKind::ProcessCreate {
            user: self.account.clone(),
            process_id: pid,
            image: image.into(),
            command_line: command_line.into(),
            parent_image: parent.0.into(),
            parent_command_line: parent.1.into(),
        };
        self.push(out, time, kind);
        pid
    }

    /// Sysmon 3: the process `pid` (`image`) connects to `host` (`ip`) on `port`.
    #[allow(clippy::too_many_arguments)]
    pub fn connect(
        &mut self,
        rng: &mut impl RngExt,
        out: &mut Emitter,
        time: DateTime<Utc>,
        pid: u32,
        image: &str,
        host: &str,
        ip: &str,
        port: u16,
    ) {
        let kind = EndpointKind::NetworkConnect {
            user: self.account.clone(),
            process_id: pid,
            image: image.into(),
            source_ip: self.ip.to_string(),
            source_port: rng.random_range(49152..=65535),
            destination_ip: ip.into(),
            destination_hostname: host.into(),
            destination_port: port,
        };
        self.push(out, time, kind);
    }

    /// Security 4625 logged by this machine (a server) for a failed network logon.
    pub fn logon_failure(
        &mut self,
        out: &mut Emitter,
        time: DateTime<Utc>,
        account: &str,
        exists: bool,
        ip: &str,
    ) {
        let kind = EndpointKind::LogonFailure {
            target_user: account.into(),
            target_domain: String::new(),
            status: "0xc000006d".into(),
            sub_status: if exists { "0xc000006a" } else { "0xc0000064" }.into(),
            logon_type: 8,
            ip: ip.into(),
            workstation: self
                .computer
                .split('.')
                .next()
                .unwrap_or_default()
                .to_owned(),
        };
        self.push(out, time, kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn workstations_are_distinct_and_numbered_upwards_by_day() {
        let mut rng = StdRng::seed_from_u64(3);
        let tenant = Tenant::generate(&mut rng, 12);
        let first = workstation(&tenant, 0, 0);
        let second = workstation(&tenant, 1, 0);
        assert_ne!(first.computer, second.computer);
        assert_ne!(first.ip, second.ip);
        assert!(first.computer.starts_with("WS-1000.corp."));
        assert!(workstation(&tenant, 0, 1).next_record >= first.next_record + 5_000);
        let other = other_machine(&mut rng, &tenant, "DESKTOP", "jdoe");
        assert!(other.computer.starts_with("DESKTOP-"));
        assert_eq!(other.ip.octets()[..2], [10, 66]);
    }

    #[test]
    fn a_machine_numbers_its_events_and_links_connections_to_processes() {
        let mut rng = StdRng::seed_from_u64(4);
        let tenant = Tenant::generate(&mut rng, 3);
        let mut machine = workstation(&tenant, 2, 0);
        let mut out = Emitter::default();
        let time = chrono::DateTime::UNIX_EPOCH;
        let pid = machine.start(
            &mut out,
            time,
            POWERSHELL,
            "powershell.exe",
            (EXPLORER, EXPLORER),
        );
        machine.connect(
            &mut rng,
            &mut out,
            time,
            pid,
            POWERSHELL,
            "login.microsoftonline.com",
            "20.190.151.68",
            443,
        );
        let numbers: Vec<u64> = out
            .records
            .iter()
            .map(|record| match &record.body {
                Body::Endpoint(event) => event.record_number,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(numbers[1], numbers[0] + 1);
        let Body::Endpoint(event) = &out.records[1].body else {
            panic!()
        };
        let EndpointKind::NetworkConnect {
            process_id,
            source_ip,
            ..
        } = &event.kind
        else {
            panic!()
        };
        assert_eq!(*process_id, pid);
        assert_eq!(source_ip, &machine.ip.to_string());
    }
}
