//! A mutation fuzzer on the stable toolchain, for machines without nightly/cargo-fuzz
//! (and to start fuzzing before the sanitizer build finishes): mutates the seed files
//! deterministically (bit flips, interesting values, truncation, splices) and runs each
//! mutant through sniff → decode → fit with the same small profile as
//! `fuzz/fuzz_targets/convert.rs`. Panics and slow cases are saved to OUT_DIR.
//!
//! ```text
//! cargo run --release --example fuzz_stable -- SECONDS OUT_DIR SEED_FILE...
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use scanfit::encode::Effort;
use scanfit::options::Profile;
use scanfit::pipeline::convert_bytes;
use scanfit::Options;

/// splitmix64: deterministic, so a run is reproducible from its iteration number.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(seed: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            break;
        }
        let at = rng.below(b.len());
        match rng.below(6) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => b[at] = [0, 0xFF, 0x7F, 0x80, 1][rng.below(5)],
            // Header fields are where sizes live: write a big 16/32-bit value.
            2 => {
                let v = [0xFFFFu32, 0x7FFF_FFFF, 0xFFFF_FFFF, 65_000, 0][rng.below(5)];
                for (i, byte) in v.to_be_bytes().iter().enumerate() {
                    if let Some(slot) = b.get_mut(at + i) {
                        *slot = *byte;
                    }
                }
            }
            3 => b.truncate(at),
            4 => {
                let from = rng.below(other.len());
                let len = rng.below(64).min(other.len() - from);
                b.splice(at..at, other[from..from + len].iter().copied());
            }
            _ => {
                let len = rng.below(16).min(b.len() - at);
                b.drain(at..at + len);
            }
        }
    }
    b
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (seconds, out_dir) = (
        args[0].parse::<u64>().expect("SECONDS"),
        PathBuf::from(&args[1]),
    );
    let seeds: Vec<Vec<u8>> = args[2..]
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| b.len() < 200_000)
        .collect();
    assert!(!seeds.is_empty(), "no seed files");
    std::fs::create_dir_all(&out_dir).unwrap();
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
    // Panics are findings; keep the default hook's message off the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rng = Rng(0x05CA_9F17);
    let (mut runs, mut found) = (0u64, 0u32);
    while Instant::now() < deadline {
        let seed = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(seed, other, &mut rng);
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| convert_bytes(&input, None, &opts)));
        let slow = started.elapsed() > Duration::from_secs(5);
        if outcome.is_err() || slow {
            found += 1;
            let kind = if slow { "slow" } else { "panic" };
            let path = out_dir.join(format!("{kind}-{runs}"));
            std::fs::write(&path, &input).unwrap();
            eprintln!("{kind}: {} ({:?})", path.display(), started.elapsed());
        }
        runs += 1;
    }
    eprintln!("{runs} runs, {found} findings");
}
