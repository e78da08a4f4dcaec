//! Which sign-in log a record belongs to: interactive, non-interactive or service principal.
//!
//! Each export says it differently: Azure Monitor and Elastic in `category`
//! (`SignInLogs`, `NonInteractiveUserSignInLogs`, ...), Sentinel in `Type` / `Category` (the
//! table name, `SigninLogs`, `AADNonInteractiveUserSignInLogs`, ...), Graph beta in
//! `signInEventTypes`, the portal download only in its file name (`InteractiveSignIns_*.csv`).
//! The category is the authority; `isInteractive` is only a last resort, because Entra sets it
//! independently of the log (Elastic's own `SignInLogs` sample has `isInteractive: false`).
//! A category that is not a sign-in log at all (`AuditLogs`, `RiskyUsers`, an `OfficeActivity`
//! row) makes the record one to ignore.

use crate::event::SignInLog;

/// What a category or table name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// A sign-in log (`Unknown` for AD FS sign-ins, which may be either).
    SignIn(SignInLog),
    /// Some other log; its records are not sign-ins.
    Other,
}

/// Reads a category (`SignInLogs`) or table name (`AADNonInteractiveUserSignInLogs`), in any
/// case; `None` for a blank one.
pub fn category(name: &str) -> Option<Category> {
    let name = name.trim().to_ascii_lowercase();
    let name = name.strip_prefix("aad").unwrap_or(&name);
    let log = match name {
        "" => return None,
        "signinlogs" | "signin" => SignInLog::Interactive,
        "noninteractiveusersigninlogs" => SignInLog::NonInteractive,
        "serviceprincipalsigninlogs" | "managedidentitysigninlogs" => SignInLog::ServicePrincipal,
        "adfssigninlogs" => SignInLog::Unknown,
        _ => return Some(Category::Other),
    };
    Some(Category::SignIn(log))
}

/// Reads Graph's `signInEventTypes` (`interactiveUser`, `nonInteractiveUser`,
/// `servicePrincipal`, `managedIdentity`); the first known one decides.
pub fn from_event_types<'t>(types: impl IntoIterator<Item = &'t str>) -> Option<SignInLog> {
    types.into_iter().find_map(|name| {
        let name = name.trim();
        let is = |expected: &str| name.eq_ignore_ascii_case(expected);
        if is("interactiveUser") {
            Some(SignInLog::Interactive)
        } else if is("nonInteractiveUser") {
            Some(SignInLog::NonInteractive)
        } else if is("servicePrincipal") || is("managedIdentity") {
            Some(SignInLog::ServicePrincipal)
        } else {
            None
        }
    })
}

/// Reads the portal download's file name (`NonInteractiveSignIns_2025-03-04.csv`).
pub fn from_file_name(name: &str) -> Option<SignInLog> {
    let name = name.to_ascii_lowercase();
    let file = name.rsplit(['/', '\\']).next().unwrap_or(&name);
    if file.contains("noninteractivesignins") {
        Some(SignInLog::NonInteractive)
    } else if file.contains("interactivesignins") {
        Some(SignInLog::Interactive)
    } else if file.contains("applicationsignins") || file.contains("msisignins") {
        Some(SignInLog::ServicePrincipal)
    } else {
        None
    }
}

/// The log when nothing names it: from `isInteractive`, else unknown.
pub fn from_interactive(interactive: Option<bool>) -> SignInLog {
    match interactive {
        Some(true) => SignInLog::Interactive,
        Some(false) => SignInLog::NonInteractive,
        None => SignInLog::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_table_names() {
        let log = |name: &str| category(name);
        let sign_in = |log: SignInLog| Some(Category::SignIn(log));
        assert_eq!(log("SignInLogs"), sign_in(SignInLog::Interactive));
        assert_eq!(log("SigninLogs"), sign_in(SignInLog::Interactive));
        assert_eq!(
            log("NonInteractiveUserSignInLogs"),
            sign_in(SignInLog::NonInteractive)
        );
        assert_eq!(
            log("AADNonInteractiveUserSignInLogs"),
            sign_in(SignInLog::NonInteractive)
        );
        assert_eq!(
            log("AADServicePrincipalSignInLogs"),
            sign_in(SignInLog::ServicePrincipal)
        );
        assert_eq!(
            log("ManagedIdentitySignInLogs"),
            sign_in(SignInLog::ServicePrincipal)
        );
        assert_eq!(log("ADFSSignInLogs"), sign_in(SignInLog::Unknown));
        assert_eq!(log("AuditLogs"), Some(Category::Other));
        assert_eq!(log(" "), None);
    }

    #[test]
    fn event_types_file_names_and_the_interactive_flag() {
        assert_eq!(
            from_event_types(["nonInteractiveUser"]),
            Some(SignInLog::NonInteractive)
        );
        assert_eq!(from_event_types(["other"]), None);
        assert_eq!(
            from_file_name("exports/NonInteractiveSignIns_2025-03-04_2025-03-05.csv"),
            Some(SignInLog::NonInteractive)
        );
        assert_eq!(
            from_file_name("InteractiveSignIns_2025-03-04.csv"),
            Some(SignInLog::Interactive)
        );
        assert_eq!(
            from_file_name("C:\\x\\ApplicationSignIns_1.csv"),
            Some(SignInLog::ServicePrincipal)
        );
        assert_eq!(from_file_name("signins.csv"), None);
        assert_eq!(from_interactive(Some(false)), SignInLog::NonInteractive);
        assert_eq!(from_interactive(None), SignInLog::Unknown);
    }
}
