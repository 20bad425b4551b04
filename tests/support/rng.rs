//! SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014),
//! the one deterministic generator of the tests, examples and benches: a seed replays a
//! picture exactly, and no rand crate's algorithm change can move a measured figure.

#![allow(dead_code)]

/// The golden-ratio increment of SplitMix64's state.
pub const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a well-mixed 64-bit hash of `z`.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Advances `state` and returns its next value.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GAMMA);
    mix(*state)
}
