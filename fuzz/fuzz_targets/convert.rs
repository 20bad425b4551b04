//! Any bytes through sniff → decode → normalise → fit, as one input file would go.
//!
//! The profile is shrunk (a 4–40 KB band, a 1 MP limit, the fastest encoder) so an
//! iteration costs milliseconds and the fuzzer explores the decoders rather than
//! spending its time encoding; the code paths are the same as the portal profile's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanfit::options::{Effort, Profile};
use scanfit::pipeline::convert_bytes;
use scanfit::Options;

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        profile: Profile {
            min_bytes: 4_000,
            max_bytes: 40_000,
            min_long_edge: 64,
            effort: Effort::Fast,
            ..Profile::default()
        },
        jobs: 1,
        max_pixels: 1_000_000,
        max_input_bytes: 1 << 20,
        ..Options::default()
    };
    // Errors are fine; a panic, hang or runaway allocation is the bug. The claimed
    // format is varied by the first byte so the renamed-file path is covered too.
    let claimed = match data.first().map(|b| b % 4) {
        Some(0) => Some(scanfit::sniff::Format::Jpeg),
        Some(1) => Some(scanfit::sniff::Format::Png),
        _ => None,
    };
    let _ = convert_bytes(data, claimed, &opts);
});
