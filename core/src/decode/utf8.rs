//! Checking that a whole record is UTF-8 before its text is scanned.
//!
//! JSON text is UTF-8 by definition, and the member scanner borrows strings from the record,
//! so every record is checked once, whole. That check runs over every byte of every record,
//! so it uses `simdutf8` (16 or 32 bytes per step where the processor allows, chosen at run
//! time, and the standard check elsewhere), about twice as fast as the standard library's on
//! the mostly-ASCII text of exports. The error position comes from the standard check, run
//! only when the fast one fails.

/// `bytes` as text, or the offset of the first byte that is not part of valid UTF-8.
pub fn text(bytes: &[u8]) -> Result<&str, usize> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => invalid_at(bytes),
    }
}

#[cold]
fn invalid_at(bytes: &[u8]) -> Result<&str, usize> {
    std::str::from_utf8(bytes).map_err(|error| error.valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_text_is_borrowed_whole() {
        let record = "{\"Subject\":\"Überweisung – 請求書 🧾\"}".as_bytes();
        assert_eq!(
            text(record),
            Ok(std::str::from_utf8(record).expect("UTF-8"))
        );
        assert_eq!(text(b""), Ok(""));
    }

    #[test]
    fn invalid_text_gives_the_offset_of_its_first_bad_byte() {
        let mut record = b"{\"Subject\":\"caf\xc3\xa9 \xff\"}".to_vec();
        assert_eq!(text(&record), Err(18));
        // A sequence cut short at the end.
        record.truncate(17);
        record.push(0xe2);
        assert_eq!(text(&record), Err(17));
        // Every position of a long ASCII run, so that each step width of the fast check is
        // crossed.
        for at in 0..100 {
            let mut long = vec![b'a'; 100];
            long[at] = 0x80;
            assert_eq!(text(&long), Err(at));
        }
    }
}
