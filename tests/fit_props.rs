//! Property test of the band search (issue 9): for any picture within the limits, the
//! fit ends inside the band or fails with `BandUnreachable` and a reason — never with
//! an output outside the band, never with another error, never with a panic.
//!
//! Most cases use a fake encoder whose size is a known function of the pixels and the
//! quality, so hundreds of encodes cost milliseconds; a few small cases use the real
//! mozjpeg encoder with a narrower band so they stay fast too.

use proptest::prelude::*;

use image::{GrayImage, Luma, Rgb, RgbImage};
use scanfit::encode::Effort;
use scanfit::encode::{Encoder, MozJpeg};
use scanfit::error::Closest;
use scanfit::fit::{fit_jpeg, Limits};
use scanfit::normalize::Pixels;
use scanfit::options::Profile;
use scanfit::Problem;

#[path = "support/rng.rs"]
mod rng;

/// Size = header + pixels × channels × (floor + busyness) × quality factor, where
/// busyness is the mean difference between neighbouring samples: flat pictures are
/// small, noise is large, and size rises steeply with quality as in a real JPEG.
struct Fake;

impl Encoder for Fake {
    fn encode(&self, p: &Pixels, q: u8) -> Result<Vec<u8>, Problem> {
        let bytes = p.as_bytes();
        let diff: u64 = bytes
            .windows(2)
            .step_by(7) // a sample of the pairs is enough and keeps big cases fast
            .map(|w| u64::from(w[0].abs_diff(w[1])))
            .sum();
        let pairs = (bytes.len().saturating_sub(1) / 7).max(1) as f64;
        let busy = diff as f64 / pairs / 255.0;
        let quality = 0.02 + (f64::from(q) / 100.0).powi(3) * 1.5;
        let len = 600.0 + bytes.len() as f64 * (0.03 + busy) * quality;
        Ok(vec![0; len as usize])
    }
}

/// The kinds of content a scan or photo can have.
#[derive(Debug, Clone)]
enum Content {
    Flat(u8),
    Noise { seed: u64, amplitude: u8 },
    Gradient { horizontal: bool },
    Checker(u32),
}

fn content() -> impl Strategy<Value = Content> {
    prop_oneof![
        any::<u8>().prop_map(Content::Flat),
        (any::<u64>(), 1u8..=255).prop_map(|(seed, amplitude)| Content::Noise { seed, amplitude }),
        any::<bool>().prop_map(|horizontal| Content::Gradient { horizontal }),
        (1u32..64).prop_map(Content::Checker),
    ]
}

/// Deterministic noise (splitmix64), so a failing case replays exactly.
fn noise(seed: u64, x: u32, y: u32) -> u8 {
    rng::mix(seed ^ (u64::from(x) << 32 | u64::from(y)).wrapping_mul(rng::GAMMA)) as u8
}

fn sample(c: &Content, x: u32, y: u32, w: u32, h: u32, channel: u32) -> u8 {
    match *c {
        Content::Flat(v) => v,
        Content::Noise { seed, amplitude } => {
            128u8.wrapping_add(noise(seed.wrapping_add(u64::from(channel)), x, y) % amplitude)
        }
        Content::Gradient { horizontal } => {
            let (i, n) = if horizontal { (x, w) } else { (y, h) };
            (u64::from(i) * 255 / u64::from(n.max(2) - 1).max(1)) as u8
        }
        Content::Checker(cell) => {
            if (x / cell + y / cell + channel).is_multiple_of(2) {
                30
            } else {
                220
            }
        }
    }
}

fn picture(w: u32, h: u32, c: &Content, gray: bool) -> Pixels {
    if gray {
        Pixels::Gray(GrayImage::from_fn(w, h, |x, y| {
            Luma([sample(c, x, y, w, h, 0)])
        }))
    } else {
        Pixels::Rgb(RgbImage::from_fn(w, h, |x, y| {
            Rgb([0, 1, 2].map(|ch| sample(c, x, y, w, h, ch)))
        }))
    }
}

/// The property itself: in band, or `BandUnreachable` with a reason.
fn check(result: Result<scanfit::fit::Fitted, Problem>, profile: &Profile) -> Result<(), String> {
    match result {
        Ok(f) if profile.in_band(f.bytes.len() as u64) => {
            if f.quality < profile.min_quality {
                return Err(format!("quality {} below the floor", f.quality));
            }
            Ok(())
        }
        Ok(f) => Err(format!("out of band: {} bytes", f.bytes.len())),
        // The reason is the closest attempt a JPEG search made.
        Err(Problem::BandUnreachable {
            closest: Closest::Jpeg { .. },
            ..
        }) => Ok(()),
        Err(other) => Err(format!("unexpected failure: {other:?}")),
    }
}

proptest! {
    // Few cases, each a whole search over a picture of up to 4 MP: the point is the
    // variety of shapes and contents, not volume (CI time matters).
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn fake_encoder_ends_in_band_or_with_a_reason(
        w in 1u32..2000,
        h in 1u32..2000,
        c in content(),
        gray in any::<bool>(),
    ) {
        let profile = Profile::default();
        let limits = Limits {
            max_pixels: 16_000_000,
            max_edges: None,
            min_edges: None,
        };
        let result = fit_jpeg(&picture(w, h, &c, gray), &profile, &Fake, limits);
        if let Err(e) = check(result, &profile) {
            prop_assert!(false, "{w}×{h} {c:?} gray={gray}: {e}");
        }
    }
}

proptest! {
    // The real encoder, on small pictures and a narrower band, so a handful of full
    // searches take about a second.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn real_encoder_ends_in_band_or_with_a_reason(
        w in 1u32..300,
        h in 1u32..300,
        c in content(),
        gray in any::<bool>(),
    ) {
        let profile = Profile {
            min_bytes: 20_000,
            max_bytes: 60_000,
            min_long_edge: 200,
            effort: Effort::Fast,
            ..Profile::default()
        };
        let limits = Limits {
            max_pixels: 4_000_000,
            max_edges: None,
            min_edges: None,
        };
        let encoder = MozJpeg::from(Effort::Fast);
        let result = fit_jpeg(&picture(w, h, &c, gray), &profile, &encoder, limits);
        if let Err(e) = check(result, &profile) {
            prop_assert!(false, "{w}×{h} {c:?} gray={gray}: {e}");
        }
    }
}
