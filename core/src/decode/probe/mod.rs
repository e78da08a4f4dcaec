//! Enumeration-probe telemetry: the web, proxy and Windows logs where address enumeration
//! (ATT&CK T1589.002) shows.
//!
//! Probes such as GetCredentialType leave no record in the target tenant, so the evidence is
//! on the way there and at the attacker's end: the Exchange front end's IIS log (Autodiscover
//! probing), a web proxy's log (tool user agents, GetCredentialType calls) and the attacker
//! machine's Sysmon and Security events (command lines, connections to
//! `login.microsoftonline.com`, failed logons). One module per format:
//!
//! | module | reads | event |
//! | --- | --- | --- |
//! | [`w3c`] | IIS W3C extended log lines | `WebRequest` |
//! | [`squid`] | Squid native access log lines | `WebRequest` |
//! | [`combined`] | combined log format lines (Squid, Apache, nginx) | `WebRequest` |
//! | [`proxy_json`] | proxy records as ECS or flat JSON | `WebRequest` |
//! | [`windows`] | EVTX→JSON and Winlogbeat documents | `ProcessStart`, `NetworkConnection`, `LogonFailure` |
//!
//! The shared rules for values (`-` is empty, numbers, user names) are in [`fields`], URL
//! splitting in [`url`], web-log times in [`stamp`], JSON values of varying type in
//! [`loose`], and telling a bad record from a record of another shape in [`shape`].

pub mod combined;
pub mod fields;
pub mod loose;
pub mod proxy_json;
pub mod shape;
pub mod squid;
pub mod stamp;
pub mod url;
pub mod w3c;
pub mod windows;

#[cfg(test)]
pub(crate) mod testing {
    //! Fixture files through framing and decoding, as the engine runs them.

    use crate::decode::{DecodeContext, Outcome, decode};
    use crate::event::{
        Event, EventKind, LogonFailure, NetworkConnection, ProcessStart, WebRequest,
    };
    use crate::input::{Input, Item};

    /// Every record of `fixtures/probe/<name>` with its line: the outcome, or the framing
    /// rejection.
    pub fn fixture(name: &str) -> Vec<(u64, Outcome)> {
        let path = format!("{}/../fixtures/probe/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let mut input = Input::new(None, 1 << 20);
        let mut context = DecodeContext::new(name, None);
        let mut outcomes = Vec::new();
        let mut sink = |item: Item<'_>| match item {
            Item::Record { unit, at } => {
                if let Some(outcome) = decode(unit, at, &mut context) {
                    outcomes.push((at.line, outcome));
                }
            }
            Item::Malformed { at, reason } => outcomes.push((at.line, Outcome::Rejected(reason))),
        };
        input.push(&bytes, &mut sink);
        input.finish(&mut sink);
        outcomes
    }

    /// The event decoded from `line`.
    pub fn event_at(outcomes: &[(u64, Outcome)], line: u64) -> &Event {
        match outcomes.iter().find(|(at, _)| *at == line) {
            Some((_, Outcome::Event(event))) => event,
            other => panic!("line {line}: expected an event, got {other:?}"),
        }
    }

    /// The reason `line` was rejected.
    pub fn rejected_at(outcomes: &[(u64, Outcome)], line: u64) -> &str {
        match outcomes.iter().find(|(at, _)| *at == line) {
            Some((_, Outcome::Rejected(reason))) => reason,
            other => panic!("line {line}: expected a rejection, got {other:?}"),
        }
    }

    /// The lines of the events, ignores and rejections.
    pub fn lines_by_outcome(outcomes: &[(u64, Outcome)]) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
        let mut split = (Vec::new(), Vec::new(), Vec::new());
        for (line, outcome) in outcomes {
            match outcome {
                Outcome::Event(_) => split.0.push(*line),
                Outcome::Ignored(_) => split.1.push(*line),
                Outcome::Rejected(_) => split.2.push(*line),
            }
        }
        split
    }

    /// The web request of an event.
    pub fn web(event: &Event) -> &WebRequest {
        match &event.kind {
            EventKind::WebRequest(request) => request,
            other => panic!("expected a web request, got {other:?}"),
        }
    }

    /// The process start of an event.
    pub fn process(event: &Event) -> &ProcessStart {
        match &event.kind {
            EventKind::ProcessStart(process) => process,
            other => panic!("expected a process start, got {other:?}"),
        }
    }

    /// The network connection of an event.
    pub fn connection(event: &Event) -> &NetworkConnection {
        match &event.kind {
            EventKind::NetworkConnection(connection) => connection,
            other => panic!("expected a network connection, got {other:?}"),
        }
    }

    /// The logon failure of an event.
    pub fn logon_failure(event: &Event) -> &LogonFailure {
        match &event.kind {
            EventKind::LogonFailure(failure) => failure,
            other => panic!("expected a logon failure, got {other:?}"),
        }
    }
}
