//! Generates the inputs of `scripts/load-test`: many small pictures or a few 48 MP
//! photos, photo-like (smooth gradients, grain, a few edges) so the band search has
//! real work to do, written as JPEG by mozjpeg's fastest mode so generating 20 photos
//! of 48 MP takes seconds, not minutes.
//!
//! ```text
//! cargo run --release --example gen_load -- small 2000 DIR
//! cargo run --release --example gen_load -- photo 20 DIR
//! ```

use std::path::PathBuf;

use image::{Rgb, RgbImage};
use rayon::prelude::*;
use scanfit::encode::{Effort, Encoder, MozJpeg};
use scanfit::normalize::Pixels;

#[path = "../tests/support/rng.rs"]
mod rng;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, count, dir] = args.as_slice() else {
        eprintln!("usage: gen_load small|photo COUNT DIR");
        std::process::exit(2);
    };
    let count: u64 = count.parse().expect("COUNT is a number");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create DIR");
    let (w, h, quality) = match kind.as_str() {
        "small" => (800, 600, 80),
        // 8000×6000: a 48 MP phone photo.
        "photo" => (8000, 6000, 92),
        _ => panic!("kind is small or photo"),
    };
    (0..count).into_par_iter().for_each(|i| {
        let img = photo_like(w, h, i);
        let bytes = MozJpeg::from(Effort::Fast)
            .encode(&Pixels::Rgb(img), quality)
            .expect("encode");
        std::fs::write(dir.join(format!("{kind}_{i:05}.jpg")), bytes).expect("write");
    });
}

/// Gradients that differ per picture, a bright disc (an edge), and grain.
fn photo_like(w: u32, h: u32, seed: u64) -> RgbImage {
    let (cx, cy, r) = (
        f64::from(w) * (0.3 + (seed % 5) as f64 * 0.1),
        f64::from(h) * 0.5,
        f64::from(h) * 0.25,
    );
    RgbImage::from_fn(w, h, |x, y| {
        let z = rng::mix(seed.wrapping_mul(rng::GAMMA) ^ (u64::from(y) << 32 | u64::from(x)));
        let grain = (z >> 60) as i32 - 8;
        let (fx, fy) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
        let inside = (f64::from(x) - cx).hypot(f64::from(y) - cy) < r;
        let base = if inside {
            [230.0, 200.0, 90.0]
        } else {
            [60.0 + 120.0 * fx, 90.0 + 100.0 * fy, 160.0 - 80.0 * fx * fy]
        };
        Rgb(base.map(|c| (c as i32 + grain).clamp(0, 255) as u8))
    })
}
