//! What an AADSTS sign-in error code tells a detection: an attempt worth counting, a password
//! that was right, an account that exists, or the normal noise of a sign-in flow.
//!
//! Shared by `credential_spray` and `email_enumeration`, from the error-code table in the
//! reference (`telemetry-schemas.md` §5) and the AADInternals user-existence oracle.

use crate::decode::signin::UNKNOWN_FAILURE_CODE;
use crate::event::SignIn;

/// `InvalidUserNameOrPassword`: wrong password (the account exists).
pub const INVALID_PASSWORD: u32 = 50126;
/// `UserAccountNotFound`: no such account.
pub const NOT_FOUND: u32 = 50034;
/// `IdsLocked`: Smart Lockout (or a sign-in blocked from a malicious address).
pub const LOCKED: u32 = 50053;
/// `InvalidPasswordExpiredPassword`: the password is expired (and was right).
pub const EXPIRED_PASSWORD: u32 = 50055;
/// `UserDisabled`.
pub const DISABLED: u32 = 50057;
/// `UnauthorizedClient_DoesNotMatchRequest`: application not found. With a made-up client id
/// in a password grant, Entra checks the credentials first: the oracle of valid credentials.
pub const APP_NOT_FOUND: u32 = 700016;

/// Codes Entra returns only after the password was accepted: multi-factor authentication or
/// Conditional Access stopped the sign-in (50074, 50076, 50079 strong authentication
/// required or registration, 53003 blocked by Conditional Access, 500121 MFA denied or timed
/// out).
pub const PASSWORD_CORRECT: &[u32] = &[50074, 50076, 50079, 53003, 500121];

/// Codes that say the account exists (AADInternals' `DoesUserExists` and Elastic's notes):
/// a wrong or expired password, a lockout, a disabled account, no cloud password, MFA or
/// Conditional Access after a correct password, the 700016 oracle.
pub const EXISTS: &[u32] = &[
    INVALID_PASSWORD,
    LOCKED,
    EXPIRED_PASSWORD,
    50056,
    DISABLED,
    50074,
    50076,
    50079,
    53003,
    500121,
    APP_NOT_FOUND,
];

/// True when `code` means the password was correct (MFA or Conditional Access stopped it).
pub fn password_correct(code: u32) -> bool {
    PASSWORD_CORRECT.contains(&code)
}

/// Whether `code` says the account exists: `Some(true)`, `Some(false)` (50034), or `None`
/// when it says nothing about it.
pub fn existence(code: u32) -> Option<bool> {
    if code == NOT_FOUND {
        Some(false)
    } else if EXISTS.contains(&code) {
        Some(true)
    } else {
        None
    }
}

/// The code as findings name it: the number, or `unknown` for a failure without one.
pub fn code_name(code: u32) -> String {
    if code == UNKNOWN_FAILURE_CODE {
        "unknown".to_owned()
    } else {
        code.to_string()
    }
}

/// User agents of the OAuth password grant as Exchange's legacy protocols use it
/// (`BAV2ROPC`) and of certificate-based legacy flows (`CBAInPROD`).
const ROPC_USER_AGENTS: &[&str] = &["BAV2ROPC", "CBAInPROD"];

/// True for a sign-in through a legacy (Basic) client or the password grant (ROPC): the
/// paths that skip modern interactive authentication, and that spray tools use.
pub fn legacy_or_ropc(sign_in: &SignIn) -> bool {
    if sign_in.legacy_auth {
        return true;
    }
    let protocol = sign_in.protocol.as_deref().unwrap_or_default().trim();
    if protocol.eq_ignore_ascii_case("ropc")
        || protocol.eq_ignore_ascii_case("legacy")
        || protocol.eq_ignore_ascii_case("basic")
    {
        return true;
    }
    sign_in.user_agent.as_deref().is_some_and(|agent| {
        ROPC_USER_AGENTS
            .iter()
            .any(|ropc| agent.trim().eq_ignore_ascii_case(ropc))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oracle_reads_codes() {
        assert_eq!(existence(50034), Some(false));
        assert_eq!(existence(50126), Some(true));
        assert_eq!(existence(700016), Some(true));
        assert_eq!(existence(50140), None);
        assert_eq!(existence(0), None);
        assert!(password_correct(50076));
        assert!(!password_correct(50126));
        assert_eq!(code_name(UNKNOWN_FAILURE_CODE), "unknown");
        assert_eq!(code_name(50053), "50053");
    }

    #[test]
    fn legacy_clients_ropc_and_basic_protocols() {
        let legacy = SignIn {
            legacy_auth: true,
            ..SignIn::default()
        };
        let ropc = SignIn {
            protocol: Some("ropc".into()),
            ..SignIn::default()
        };
        let bav = SignIn {
            user_agent: Some("BAV2ROPC".into()),
            ..SignIn::default()
        };
        let modern = SignIn {
            protocol: Some("none".into()),
            user_agent: Some("Mozilla/5.0".into()),
            ..SignIn::default()
        };
        assert!(legacy_or_ropc(&legacy) && legacy_or_ropc(&ropc) && legacy_or_ropc(&bav));
        assert!(!legacy_or_ropc(&modern));
    }
}
