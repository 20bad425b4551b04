//! Regenerates the README's stitch picture from the bundled corpus, so the picture is
//! evidence anyone can reproduce rather than a hand-made mock-up:
//!
//! `cargo run --release --example readme_picture [OUT.jpg]` (default
//! `docs/stitch-example.jpg`): stitches the handheld ID photo and the authorization
//! letter with the default settings, then shrinks the result to 800 px wide (small
//! enough for the repository; the real output is several thousand pixels wide).

use std::path::PathBuf;

use image::imageops::FilterType;
use scanfit::run::NoProgress;
use scanfit::{Options, StitchOptions, StitchSet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("docs/stitch-example.jpg"), PathBuf::from);
    let dir = tempfile::tempdir()?;
    let opts = Options::default();
    let set = StitchSet::new(
        &dir.path().join("stitched.jpg"),
        vec![
            "corpus/客户B/手持身份证 照片.jpg".into(),
            "corpus/客户A/授权书 2024.jpg".into(),
        ],
        &opts,
    );
    let records = scanfit::stitch(&[set], &opts, &StitchOptions::default(), &NoProgress)?;
    let record = &records[0];
    if let Some(why) = &record.error {
        return Err(why.to_string().into());
    }
    let full = image::open(record.output.as_ref().ok_or("no output")?)?.to_rgb8();
    let (w, h) = full.dimensions();
    let small = image::imageops::resize(&full, 800, (h * 800).div_ceil(w), FilterType::Lanczos3);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80).encode_image(&small)?;
    std::fs::write(&out, &bytes)?;
    println!(
        "{}: {}×{} from a {w}×{h} stitch of {} bytes ({} bytes here)",
        out.display(),
        small.width(),
        small.height(),
        record.bytes_out.unwrap_or(0),
        bytes.len()
    );
    Ok(())
}
