//! Findings in the formats other tools read: CSV for spreadsheets, OCSF Detection Finding
//! (class 2004) for SIEMs and data lakes, and an ATT&CK Navigator layer of what fired.
//!
//! Pure functions from findings to bytes or JSON values, so the command line, the web page
//! and an edge function export the same thing.

pub mod attack;
pub mod csv;
pub mod navigator;
pub mod ocsf;
