//! Fuzzes the `graph-signin` path: any bytes, any chunking, no panic, every record accounted for.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailhound_fuzz::run(data, Some("graph-signin")));
