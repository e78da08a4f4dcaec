//! Shared copies of the short texts that repeat across events.
//!
//! A sign-in carries a dozen texts, and most of them take only a handful of values in a whole
//! export: the application, its id, the resource, the client application, the protocol, the
//! user agent, the country and city, the failure reason. Copying each into its own allocation
//! made every sign-in a dozen allocations, and the events held for ordering a dozen scattered
//! blocks each. Instead the decoders ask [`shared`] for the text: the first event with a value
//! allocates it, later ones share it.
//!
//! The table is a cache, not state: a text is the same whether it was shared or copied, so no
//! result depends on what the table holds. It is bounded (cleared when full, so a source of
//! endless distinct values costs a copy each, as before) and kept per thread, so the decoders
//! need no handle to it and it works alike natively and in WebAssembly.

use foldhash::fast::FixedState;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;

/// At most this many distinct texts are kept; the table starts over when it is full.
const MAX_TEXTS: usize = 4096;

/// Texts longer than this are copied, not shared: long values are rarely repeated.
const MAX_SHARED_LEN: usize = 512;

thread_local! {
    static TEXTS: RefCell<HashSet<Arc<str>, FixedState>> = RefCell::new(HashSet::default());
}

/// The text as a shared copy: the same allocation as the last request for equal text, when
/// the table still holds it.
pub fn shared(text: &str) -> Arc<str> {
    if text.len() > MAX_SHARED_LEN {
        return Arc::from(text);
    }
    TEXTS.with_borrow_mut(|texts| {
        if let Some(known) = texts.get(text) {
            return Arc::clone(known);
        }
        if texts.len() >= MAX_TEXTS {
            texts.clear();
        }
        let fresh: Arc<str> = Arc::from(text);
        texts.insert(Arc::clone(&fresh));
        fresh
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_allocation() {
        let first = shared("Office 365 Exchange Online");
        let second = shared("Office 365 Exchange Online");
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(&*shared("Browser"), "Browser");
        assert!(!Arc::ptr_eq(&first, &shared("Browser")));
    }

    #[test]
    fn long_texts_are_copied_and_the_table_is_bounded() {
        let long = "x".repeat(MAX_SHARED_LEN + 1);
        assert!(!Arc::ptr_eq(&shared(&long), &shared(&long)));
        assert_eq!(*shared(&long), *long);
        for index in 0..3 * MAX_TEXTS {
            assert_eq!(&*shared(&index.to_string()), index.to_string());
        }
        TEXTS.with_borrow(|texts| assert!(texts.len() <= MAX_TEXTS));
    }
}
