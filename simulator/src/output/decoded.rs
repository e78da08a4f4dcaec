//! Test support: a written file read back through the core's framing and decoders, as the
//! engine reads it, so each writer's tests compare what the engine sees with what was written.

use mailhound_core::Event;
use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::input::{Input, Item};

/// Every outcome of `text` read as the file `name`; panics on framing rejections.
pub fn outcomes(name: &str, text: &str) -> Vec<Outcome> {
    let mut input = Input::new(None, 1 << 20);
    let mut context = DecodeContext::new(name, None);
    let mut outcomes = Vec::new();
    let mut sink = |item: Item<'_>| match item {
        Item::Record { unit, at } => outcomes.extend(decode(unit, at, &mut context)),
        Item::Malformed { at, reason } => panic!("line {}: {reason}", at.line),
    };
    input.push(text.as_bytes(), &mut sink);
    input.finish(&mut sink);
    outcomes
}

/// The events of `text`; panics when a record is rejected or ignored.
pub fn events(name: &str, text: &str) -> Vec<Event> {
    outcomes(name, text)
        .into_iter()
        .map(|outcome| match outcome {
            Outcome::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        })
        .collect()
}
