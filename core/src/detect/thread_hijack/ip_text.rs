//! An address as text without a heap allocation.
//!
//! `thread_hijack` keys a user's address history by the address as text (the form its
//! findings and snapshots use). Every successful sign-in and every send is looked up there,
//! and most addresses are already known, so the text is written into a buffer on the stack
//! and copied to the heap only when it must be kept.

use std::fmt::Write;
use std::net::IpAddr;

/// Longest text of an address (an IPv6 address with an embedded IPv4 one is 45 characters).
const MAX: usize = 48;

/// An address written as `IpAddr`'s `Display` writes it.
#[derive(Clone, Copy)]
pub struct IpText {
    bytes: [u8; MAX],
    len: usize,
}

impl IpText {
    /// The text of `ip`.
    pub fn new(ip: IpAddr) -> Self {
        let mut text = Self {
            bytes: [0; MAX],
            len: 0,
        };
        // Writing an address cannot fail, and never exceeds `MAX` bytes.
        let _ = write!(text, "{ip}");
        text
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl Write for IpText {
    fn write_str(&mut self, part: &str) -> std::fmt::Result {
        let end = self.len + part.len();
        let target = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        target.copy_from_slice(part.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_that_of_display() {
        for text in [
            "203.0.113.45",
            "255.255.255.255",
            "2001:db8::1",
            "::ffff:255.255.255.255",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::",
        ] {
            let ip: IpAddr = text.parse().expect("an address");
            assert_eq!(IpText::new(ip).as_str(), ip.to_string());
        }
    }
}
