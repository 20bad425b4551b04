//! Reads pictures with scanfit's OCR engine and prints one JSON line per picture (its
//! lines' text and confidences, the time the read took, and what src/read/ makes of the
//! lines: kind, dates, ID number, each with its confidence), for scripts/ocr-compare.py
//! to compare with RapidOCR's output on the same pictures and scripts/real-zh-eval.py
//! with a person's transcription.
//!
//! ```text
//! cargo run --release --example ocr_eval -- PICTURE...
//! ```

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reader = scanfit::ocr::Reader::new()?;
    let rules = scanfit::rules::Rules::builtin();
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
        let reading = scanfit::read::read(&lines, &rules.kinds);
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
        println!(
            "{}",
            serde_json::json!({
                "path": path,
                "ms": ms,
                "lines": lines,
                "reading": reading,
                "read_sure": scanfit::rules::assess::READ_SURE,
            })
        );
    }
    Ok(())
}
