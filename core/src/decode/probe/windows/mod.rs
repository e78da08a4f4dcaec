//! Windows events as JSON: Sysmon process starts and network connections, Security logon
//! failures and process creations.
//!
//! Two exports carry them, with the same content in different layouts: EVTX converted to JSON
//! ([`evtx`]) and Winlogbeat / Elastic Agent documents ([`winlogbeat`]). Each reads its layout
//! into one [`record::WinEvent`] view; [`map`] turns that view into an event, so the meaning
//! of an event id is written once.

pub mod evtx;
pub mod map;
pub mod record;
pub mod winlogbeat;
