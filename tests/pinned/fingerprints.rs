// The bytes the simulator must write for a fixed seed, pinned on every platform.
//
// Included (with `include!`) by the native determinism test
// (tests/tests/simulator_determinism.rs) and by the WASM tests (wasm/tests/validation.rs), so
// both assert the same constants: the native build and the WebAssembly build write the same
// bytes and reach the same validation. When the simulator's output changes on purpose (a new
// scenario, a reworded background), run the native test: its failure message gives the new
// values to paste here.

/// The seed whose output is pinned.
pub const PINNED_SEED: u64 = 7;

/// The start of the pinned run.
pub const PINNED_START: &str = "2025-03-04T00:00:00Z";

/// FNV-1a (64-bit) of every file's name and bytes and of the truth's JSON, for
/// `PINNED_SEED` with default options.
pub const SIMULATION_FINGERPRINT: u64 = 0x9dae_4f0c_e3b2_0164;

/// FNV-1a (64-bit) of the JSON of the validation report of `PINNED_SEED` with default
/// options.
pub const VALIDATION_FINGERPRINT: u64 = 0x92e9_8207_119a_5b77;

/// FNV-1a, 64-bit: small, portable, and the same on every platform.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The fingerprint of a simulation: its files (name, NUL, bytes, NUL) then its truth.
pub fn simulation_fingerprint(output: &mailhound_simulator::SimOutput) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for file in &output.files {
        hash = fnv1a(hash, file.name.as_bytes());
        hash = fnv1a(hash, b"\0");
        hash = fnv1a(hash, file.text.as_bytes());
        hash = fnv1a(hash, b"\0");
    }
    let truth = serde_json::to_string(&output.truth).unwrap_or_default();
    fnv1a(hash, truth.as_bytes())
}

/// The fingerprint of a validation report: FNV-1a of its JSON.
pub fn report_fingerprint(report: &mailhound_simulator::report::RunReport) -> u64 {
    let json = serde_json::to_string(report).unwrap_or_default();
    fnv1a(0xcbf2_9ce4_8422_2325, json.as_bytes())
}
