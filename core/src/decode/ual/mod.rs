//! Office 365 Unified Audit Log records, in every form they are exported.
//!
//! One record can arrive as a Management Activity API object ([`api`]), a row of a Purview,
//! classic or `Search-UnifiedAuditLog` CSV export ([`csv`]), a `ConvertTo-Json` search result
//! ([`search`]), a Graph audit log query record ([`graph`]), an Elastic `o365.audit` document
//! ([`ecs`]), or such a document inside an Elasticsearch hit ([`es_hit`]). Each form's module
//! only finds the embedded record and the row's outer values ([`envelope`]); the record is read
//! through one borrowed view ([`record`]) and turned into an outcome by one mapping
//! ([`mapping`]), so the same record gives the same event whatever the export.
//!
//! Reading is built for speed on the records that end up ignored, which are most of an
//! export: a member scanner ([`scan`]) finds the fields without parsing what it skips, values
//! are read into borrowed types with errors naming the field ([`values`]), and the members
//! only some operations need are parsed when they are needed ([`members`], [`name_values`]).
//! [`text`] holds the normalisations applied to every copied value.
//!
//! The mapping delegates by operation family: rule and forwarding cmdlets
//! ([`rule_cmdlets`]), client-side rule changes ([`update_inbox_rules`], with the action
//! vocabulary in [`rule_actions`]), message operations ([`mailbox_items`]) and sign-ins
//! ([`sts_logon`]). Every other operation is ignored under its own name; a record that lacks
//! `Id`, `CreationTime` or `Operation`, or has a field of the wrong type, is rejected with the
//! field named.

pub mod api;
pub mod csv;
pub mod ecs;
pub mod envelope;
pub mod es_hit;
pub mod find;
pub mod graph;
pub mod mailbox_items;
pub mod mapping;
pub mod members;
pub mod name_values;
pub mod record;
pub mod rule_actions;
pub mod rule_cmdlets;
pub mod scan;
pub mod search;
pub mod sts_logon;
pub mod text;
pub mod update_inbox_rules;
pub mod values;

pub use api::decode_api_record;
pub use csv::decode_csv_row;
pub use ecs::decode_ecs_document;
pub use es_hit::decode_es_hit;
pub use graph::decode_graph_record;
pub use search::decode_search_record;
