//! Reads pictures with scanfit's OCR engine and prints one JSON line per picture (its
//! lines' text and confidences, and the time the read took), for scripts/ocr-eval to
//! compare with RapidOCR's output on the same pictures.
//!
//! ```text
//! cargo run --release --example ocr_eval -- PICTURE...
//! ```

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reader = scanfit::ocr::Reader::new()?;
    for path in std::env::args().skip(1) {
        let img = match image::open(&path) {
            Ok(img) => img.to_rgb8(),
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let start = Instant::now();
        let lines = reader.read(&img)?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let lines: Vec<serde_json::Value> = lines
            .iter()
            .map(|l| {
                serde_json::json!({
                    "text": l.text,
                    "confidences": l.confidences,
                    "quad": l.quad.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "path": path, "ms": ms, "lines": lines }));
    }
    Ok(())
}
