//! The audit records of ordinary mailbox work, typed: `MailItemsAccessed`, `Send` and
//! `UserLoggedIn`.
//!
//! They are most of the audit log of a large run, and all share one of three fixed shapes.
//! Building each as a `serde_json` map (a tree of owned keys and values) and serialising it
//! again dominated the cost of writing the log, so the background keeps them as these small
//! structs: the default writer spells them directly (`output::routine_json`), and every
//! other audit format gets the Management Activity API's map from [`RoutineAudit::to_map`],
//! the one definition of their content. Scenarios draw theirs the same way through
//! [`crate::ual::Context`] and keep the map.
//!
//! The random draws are made in the order the records' members have always been drawn in,
//! so that the typed and the mapped records of one seed are the same.

use crate::ids;
use crate::tenant::User;
use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// Exchange Online's application id, the `AppId` of sends and the `ObjectId` of sign-ins.
pub const EXCHANGE_APP: &str = "00000002-0000-0ff1-ce00-000000000000";

/// The mail server named in sent messages' `InternetMessageId`s.
pub const MESSAGE_SERVER: &str = "PH0PR14MB4341.namprd14";

/// `ClientInfoString` of mailbox reads.
pub const READ_CLIENT: &str = "Client=REST;Client=RESTSystem;;";

/// `ClientInfoString` of sends.
pub const SEND_CLIENT: &str = "Client=OWA;Action=ViaProxy";

/// One routine audit record.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutineAudit {
    /// `CreationTime`.
    pub time: DateTime<Utc>,
    /// `Id`.
    pub id: String,
    /// `OrganizationId`.
    pub organization_id: String,
    /// `UserId` (and `MailboxOwnerUPN` of mailbox records).
    pub upn: String,
    /// `UserKey`.
    pub user_key: String,
    /// `ClientIP` (and `ClientIPAddress`, `ActorIpAddress`), spelled as the record has it.
    pub client_ip: String,
    /// What it records.
    pub operation: Operation,
}

/// The operation of a routine record, with what only it carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// `MailItemsAccessed` (RecordType 50).
    Read {
        /// `MailAccessType` `Sync` (true) or `Bind`.
        sync: bool,
        /// `OperationCount`.
        count: i32,
    },
    /// `Send` (RecordType 2).
    Send {
        /// `Item.Id`.
        item_id: String,
        /// `Item.InternetMessageId`.
        message_id: String,
        /// `Item.SizeInBytes`.
        size: i32,
        /// `Item.Subject`.
        subject: Cow<'static, str>,
        /// `SessionId`.
        session_id: String,
    },
    /// `UserLoggedIn` (RecordType 15).
    LoggedIn {
        /// The `UserAgent` extended property.
        user_agent: Cow<'static, str>,
    },
}

impl RoutineAudit {
    /// The members every record carries, in the order their draws are made.
    fn common(
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        organization_id: &str,
        user: &User,
        client_ip: &str,
        operation: Operation,
    ) -> Self {
        Self {
            time,
            id: ids::guid(rng),
            organization_id: organization_id.to_owned(),
            upn: user.upn.clone(),
            user_key: user.puid.clone(),
            client_ip: client_ip.to_owned(),
            operation,
        }
    }

    /// A `MailItemsAccessed` aggregated record of `user`, sync or bind.
    pub fn read(
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        organization_id: &str,
        user: &User,
        client_ip: &str,
    ) -> Self {
        let sync = rng.random_bool(0.7);
        let mut record = Self::common(
            rng,
            time,
            organization_id,
            user,
            client_ip,
            Operation::Read { sync, count: 0 },
        );
        let drawn: i32 = rng.random_range(1..40);
        if let Operation::Read { count, .. } = &mut record.operation {
            *count = drawn;
        }
        record
    }

    /// A `Send` of `user` with `subject`, through Outlook on the web.
    pub fn send(
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        organization_id: &str,
        user: &User,
        client_ip: &str,
        subject: Cow<'static, str>,
    ) -> Self {
        let mut record = Self::common(
            rng,
            time,
            organization_id,
            user,
            client_ip,
            Operation::LoggedIn {
                user_agent: Cow::Borrowed(""),
            },
        );
        let item_id = format!("RgAAAAC{}", ids::guid(rng).replace('-', ""));
        let message_id = format!(
            "<{}@{MESSAGE_SERVER}.prod.outlook.com>",
            ids::guid(rng).replace('-', "").to_uppercase()
        );
        let size: i32 = rng.random_range(4_000..120_000);
        record.operation = Operation::Send {
            item_id,
            message_id,
            size,
            subject,
            session_id: ids::guid(rng),
        };
        record
    }

    /// A `UserLoggedIn` of `user` to Exchange Online with `user_agent`.
    pub fn logged_in(
        rng: &mut impl RngExt,
        time: DateTime<Utc>,
        organization_id: &str,
        user: &User,
        client_ip: &str,
        user_agent: Cow<'static, str>,
    ) -> Self {
        Self::common(
            rng,
            time,
            organization_id,
            user,
            client_ip,
            Operation::LoggedIn { user_agent },
        )
    }

    /// The operation's name.
    pub fn operation_name(&self) -> &'static str {
        match self.operation {
            Operation::Read { .. } => "MailItemsAccessed",
            Operation::Send { .. } => "Send",
            Operation::LoggedIn { .. } => "UserLoggedIn",
        }
    }

    /// The record as the Management Activity API's JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        let (record_type, workload) = match self.operation {
            Operation::Read { .. } => (50, "Exchange"),
            Operation::Send { .. } => (2, "Exchange"),
            Operation::LoggedIn { .. } => (15, "AzureActiveDirectory"),
        };
        let mut record = Map::new();
        record.insert(
            "CreationTime".into(),
            json!(crate::stamp::seconds(self.time)),
        );
        record.insert("Id".into(), json!(self.id));
        record.insert("Operation".into(), json!(self.operation_name()));
        record.insert("OrganizationId".into(), json!(self.organization_id));
        record.insert("RecordType".into(), json!(record_type));
        record.insert("UserKey".into(), json!(self.user_key));
        record.insert("UserType".into(), json!(0));
        record.insert("Version".into(), json!(1));
        record.insert("Workload".into(), json!(workload));
        record.insert("UserId".into(), json!(self.upn));
        let mailbox = |record: &mut Map<String, Value>, client_info: &str| {
            record.insert("ClientIPAddress".into(), json!(self.client_ip));
            record.insert("ClientInfoString".into(), json!(client_info));
            record.insert("ExternalAccess".into(), json!(false));
            record.insert("LogonType".into(), json!(0));
            record.insert("MailboxOwnerUPN".into(), json!(self.upn));
            record.insert("ResultStatus".into(), json!("Succeeded"));
        };
        match &self.operation {
            Operation::Read { sync, count } => {
                mailbox(&mut record, READ_CLIENT);
                let access = if *sync { "Sync" } else { "Bind" };
                record.insert("OperationCount".into(), json!(count));
                record.insert(
                    "OperationProperties".into(),
                    json!([
                        {"Name": "MailAccessType", "Value": access},
                        {"Name": "IsThrottled", "Value": "False"}
                    ]),
                );
            }
            Operation::Send {
                item_id,
                message_id,
                size,
                subject,
                session_id,
            } => {
                mailbox(&mut record, SEND_CLIENT);
                record.insert("AppId".into(), json!(EXCHANGE_APP));
                record.insert("ClientIP".into(), json!(self.client_ip));
                record.insert("InternalLogonType".into(), json!(0));
                record.insert(
                    "Item".into(),
                    json!({
                        "Id": item_id,
                        "InternetMessageId": message_id,
                        "ParentFolder": {"Path": "\\Sent Items"},
                        "SizeInBytes": size,
                        "Subject": subject,
                    }),
                );
                record.insert("SessionId".into(), json!(session_id));
            }
            Operation::LoggedIn { user_agent } => {
                record.insert("ClientIP".into(), json!(self.client_ip));
                record.insert("ActorIpAddress".into(), json!(self.client_ip));
                record.insert("AzureActiveDirectoryEventType".into(), json!(1));
                record.insert("ObjectId".into(), json!(EXCHANGE_APP));
                record.insert(
                    "ExtendedProperties".into(),
                    json!([
                        {"Name": "ResultStatusDetail", "Value": "Success"},
                        {"Name": "UserAgent", "Value": user_agent},
                        {"Name": "RequestType", "Value": "OAuth2:Authorize"}
                    ]),
                );
                record.insert("ErrorNumber".into(), json!("0"));
                record.insert("ResultStatus".into(), json!("Success"));
            }
        }
        record
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::Tenant;
    use chrono::TimeZone;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn maps_carry_every_member_of_their_operation() {
        let mut rng = StdRng::seed_from_u64(3);
        let tenant = Tenant::generate(&mut rng, 2);
        let user = &tenant.users[0];
        let time = Utc
            .with_ymd_and_hms(2025, 3, 4, 9, 5, 7)
            .single()
            .expect("valid");
        let org = &tenant.organization_id;
        let read = RoutineAudit::read(&mut rng, time, org, user, "198.51.100.7").to_map();
        assert_eq!(read["Operation"], "MailItemsAccessed");
        assert_eq!(read["RecordType"], 50);
        assert_eq!(read["CreationTime"], "2025-03-04T09:05:07");
        assert_eq!(read["MailboxOwnerUPN"], user.upn.as_str());
        assert_eq!(read["UserKey"], user.puid.as_str());
        assert_eq!(read.len(), 18);
        let send = RoutineAudit::send(
            &mut rng,
            time,
            org,
            user,
            "::ffff:198.51.100.7",
            "Hi".into(),
        );
        let send = send.to_map();
        assert_eq!(send["Item"]["Subject"], "Hi");
        assert_eq!(send["ClientIP"], "::ffff:198.51.100.7");
        assert!(
            send["Item"]["InternetMessageId"]
                .as_str()
                .is_some_and(|id| id.ends_with("@PH0PR14MB4341.namprd14.prod.outlook.com>"))
        );
        assert_eq!(send.len(), 21);
        let logged_in = RoutineAudit::logged_in(&mut rng, time, org, user, "x", "UA".into());
        let logged_in = logged_in.to_map();
        assert_eq!(logged_in["Workload"], "AzureActiveDirectory");
        assert_eq!(logged_in["ExtendedProperties"][1]["Value"], "UA");
        assert_eq!(logged_in.len(), 17);
    }
}
