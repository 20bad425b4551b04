//! A mutation fuzzer on the stable toolchain, for machines without nightly/cargo-fuzz
//! (and to start fuzzing before the sanitizer build finishes): mutates the seed files
//! deterministically (bit flips, interesting values, truncation, splices) and runs each
//! mutant through sniff → decode → fit with the same small profile as
//! `fuzz/fuzz_targets/convert.rs`. Panics and slow cases are saved to OUT_DIR.
//!
//! Without coverage feedback, an input counts as interesting when it ends in an
//! outcome no earlier input reached (an output of a new kind, or a refusal whose words,
//! numbers aside, are new); the smallest input seen for each outcome is kept in
//! OUT_DIR/interesting, a minimised set for `tests/fixtures/fuzz/` to replay.
//!
//! ```text
//! cargo run --release --example fuzz_stable -- SECONDS OUT_DIR SEED_FILE...
//! ```

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use scanfit::encode::Effort;
use scanfit::options::Profile;
use scanfit::pipeline::{convert_bytes, SourceOutcome};
use scanfit::Options;

#[path = "../tests/support/rng.rs"]
mod rng;

/// splitmix64: deterministic, so a run is reproducible from its iteration number.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        rng::splitmix64(&mut self.0)
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
    let mut smallest: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    while Instant::now() < deadline {
        let seed = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(seed, other, &mut rng);
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| convert_bytes(&input, None, &opts)));
        let slow = started.elapsed() > Duration::from_secs(5);
        if let Ok(result) = &outcome {
            let sig = signature(result);
            if input.len() <= MAX_KEPT && smallest.get(&sig).is_none_or(|k| input.len() < k.len()) {
                smallest.insert(sig, input.clone());
            }
        }
        if outcome.is_err() || slow {
            found += 1;
            let kind = if slow { "slow" } else { "panic" };
            let path = out_dir.join(format!("{kind}-{runs}"));
            std::fs::write(&path, &input).unwrap();
            eprintln!("{kind}: {} ({:?})", path.display(), started.elapsed());
        }
        runs += 1;
    }
    let dir = out_dir.join("interesting");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (sig, input)) in smallest.iter().enumerate() {
        std::fs::write(dir.join(format!("{i:03}.bin")), input).unwrap();
        println!("{i:03}.bin\t{}\t{sig}", input.len());
    }
    eprintln!(
        "{runs} runs, {found} findings, {} distinct outcomes",
        smallest.len()
    );
}

/// Inputs larger than this are not kept as interesting (the replay set stays small).
const MAX_KEPT: usize = 16 * 1024;

/// What an input ended in, with numbers removed so "page 3" and "page 4", or two sizes,
/// count as one outcome.
fn signature(result: &Result<Option<SourceOutcome>, scanfit::Problem>) -> String {
    let text = match result {
        Ok(None) => "not a picture".to_owned(),
        Err(problem) => format!("refused: {problem}"),
        Ok(Some(outcome)) => outcome
            .pictures
            .iter()
            .map(|p| match &p.result {
                Ok(c) => format!("{:?} → {:?} {:?}", outcome.format, c.format, c.method),
                Err(problem) => format!("{:?} page refused: {problem}", outcome.format),
            })
            .collect::<Vec<_>>()
            .join(" | "),
    };
    coarse(&text)
}

/// The outcome's words up to the decoder's own details (the third colon), without
/// numbers, hex values or quoted bytes, so one kind of refusal is one outcome.
fn coarse(text: &str) -> String {
    let head: Vec<&str> = text.split(':').take(3).collect();
    let mut out = String::new();
    let mut quoted: Option<char> = None;
    let mut last = ' ';
    for word in head.join(":").split_whitespace() {
        if word.starts_with("0x") {
            continue;
        }
        for c in word.chars() {
            match (quoted, c) {
                (None, '[') => quoted = Some(']'),
                (None, '“') => quoted = Some('”'),
                (None, '`') => quoted = Some('`'),
                (Some(end), c) if c == end => quoted = None,
                (Some(_), _) => {}
                (None, c) if c.is_ascii_alphabetic() || matches!(c, '→' | '|' | ':') => {
                    out.push(c);
                    last = c;
                }
                _ => {}
            }
        }
        if last != ' ' {
            out.push(' ');
            last = ' ';
        }
    }
    out.trim_end().to_owned()
}
