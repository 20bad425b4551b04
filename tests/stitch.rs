//! End-to-end tests of `scanfit stitch`: generated pieces of different sizes and
//! orientations through the real binary, and each piece found again at its place in
//! the output by comparing 16×16 thumbnails.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs;

use common::*;
use image::imageops::{self, FilterType};
use image::{DynamicImage, ImageFormat, RgbImage};
use scanfit::stitch::{arrange, Arrangement, Layout, MAX_CANVAS_PIXELS};

/// Mean absolute difference (0–255) between two pictures shrunk to 16×16: small when
/// the same document sits there, large when another one (or white) does.
fn thumb_difference(a: &RgbImage, b: &RgbImage) -> f64 {
    let ta = imageops::resize(a, 16, 16, FilterType::Triangle);
    let tb = imageops::resize(b, 16, 16, FilterType::Triangle);
    let sum: u64 = ta
        .as_raw()
        .iter()
        .zip(tb.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / ta.as_raw().len() as f64
}

/// Runs `scanfit stitch` with a JSON Lines report and returns the output and records.
fn run_stitch(args: &[&OsStr]) -> (std::process::Output, Vec<serde_json::Value>) {
    let report_file = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile()
        .unwrap();
    let mut all: Vec<&OsStr> = vec![OsStr::new("stitch")];
    all.extend(args);
    all.push(OsStr::new("--report"));
    all.push(report_file.path().as_os_str());
    let output = scanfit(&all);
    let written = fs::metadata(report_file.path()).is_ok_and(|m| m.len() > 0);
    let records = if written {
        read_report(report_file.path())
    } else {
        Vec::new()
    };
    (output, records)
}

/// Checks each upright piece against its place in `out` (the layout is scaled by the
/// band search's factor), and that margins and gaps are white.
fn assert_pieces_in_place(out: &RgbImage, pieces: &[RgbImage], layout: &Arrangement) {
    let sx = f64::from(out.width()) / f64::from(layout.width);
    let sy = f64::from(out.height()) / f64::from(layout.height);
    let mut covered = vec![false; (out.width() * out.height()) as usize];
    for (i, (piece, place)) in pieces.iter().zip(&layout.places).enumerate() {
        let x = (f64::from(place.x) * sx).round() as u32;
        let y = (f64::from(place.y) * sy).round() as u32;
        let w = (f64::from(place.width) * sx).round() as u32;
        let h = (f64::from(place.height) * sy).round() as u32;
        for yy in y..(y + h).min(out.height()) {
            for xx in x..(x + w).min(out.width()) {
                covered[(yy * out.width() + xx) as usize] = true;
            }
        }
        // A few pixels in from the edges, where JPEG and resampling ringing live.
        let region = imageops::crop_imm(out, x + 3, y + 3, w - 6, h - 6).to_image();
        let inner = imageops::crop_imm(
            piece,
            3 * piece.width() / w.max(1),
            3 * piece.height() / h.max(1),
            piece.width() - 6 * piece.width() / w.max(1),
            piece.height() - 6 * piece.height() / h.max(1),
        )
        .to_image();
        let same = thumb_difference(&region, &inner);
        assert!(
            same < 12.0,
            "piece {i} is not at {place:?}: difference {same:.1}"
        );
        for (j, other) in pieces.iter().enumerate().filter(|&(j, _)| j != i) {
            let d = thumb_difference(&region, other);
            assert!(
                d > same + 10.0,
                "piece {i}'s place looks like piece {j} too ({d:.1})"
            );
        }
    }
    // Everything not covered by a piece (margins, gaps, letterboxing) is white, with a
    // few pixels of slack around pieces for ringing.
    let slack = 4i64;
    let near_piece = |x: u32, y: u32| {
        let (x, y) = (i64::from(x), i64::from(y));
        (-slack..=slack).any(|d| {
            let (xx, yy) = (x + d, y);
            let (x2, y2) = (x, y + d);
            let at = |a: i64, b: i64| {
                a >= 0
                    && b >= 0
                    && a < i64::from(out.width())
                    && b < i64::from(out.height())
                    && covered[(b * i64::from(out.width()) + a) as usize]
            };
            at(xx, yy) || at(x2, y2)
        })
    };
    let (mut sum, mut n, mut darkest) = (0u64, 0u64, 255u8);
    for (x, y, p) in out.enumerate_pixels() {
        if !near_piece(x, y) {
            let v = *p.0.iter().min().unwrap();
            darkest = darkest.min(v);
            sum += u64::from(v);
            n += 1;
        }
    }
    assert!(n > 0, "no white space at all");
    assert!(
        sum as f64 / n as f64 > 250.0 && darkest > 200,
        "margins and gaps are not white: mean {:.1}, darkest {darkest}",
        sum as f64 / n as f64
    );
}

fn layout_for(pieces: &[RgbImage], layout: Layout) -> Arrangement {
    let sizes: Vec<(u32, u32)> = pieces.iter().map(|p| p.dimensions()).collect();
    arrange(&sizes, layout, 40, 40, 2000, MAX_CANVAS_PIXELS).unwrap()
}

#[test]
fn a_landscape_png_and_a_rotated_phone_photo_become_one_clean_picture() {
    let dir = tempfile::tempdir().unwrap();
    let landscape = quadrants(1600, 1200, 60, 1);
    let a = dir.path().join("营业执照 扫描.png");
    fs::write(
        &a,
        encode(
            &DynamicImage::ImageRgb8(landscape.clone()),
            ImageFormat::Png,
        ),
    )
    .unwrap();
    // Portrait and upright once EXIF orientation 6 is applied; rotated so it differs
    // from the landscape piece everywhere.
    let portrait = imageops::rotate90(&quadrants(1500, 1000, 60, 2));
    let b = dir.path().join("手持身份证 照片.jpg");
    fs::write(&b, phone_jpeg(&stored_for_orientation(&portrait, 6), 6, 92)).unwrap();
    let out = dir.path().join("out").join("合并 结果.jpg");

    let (output, records) = run_stitch(&[
        a.as_os_str(),
        b.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let img = assert_clean_output(&out).to_rgb8();
    let pieces = [landscape, portrait];
    assert_pieces_in_place(&img, &pieces, &layout_for(&pieces, Layout::Auto));

    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["output"].as_str().unwrap(), out.to_str().unwrap());
    assert_eq!(r["pieces"].as_array().unwrap().len(), 2);
    assert_eq!(r["metadata_removed"]["gps"], true);
    assert_eq!(r["width_out"].as_u64().unwrap(), u64::from(img.width()));
}

#[test]
fn a_grid_of_four_puts_each_piece_in_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    // The same quadrants turned four ways: every piece differs from every other.
    let base = quadrants(1200, 900, 40, 3);
    let pieces = [
        base.clone(),
        imageops::rotate180(&base),
        imageops::flip_horizontal(&base),
        imageops::flip_vertical(&base),
    ];
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        let path = dir.path().join(format!("piece {i}.jpg"));
        fs::write(&path, phone_jpeg(p, 1, 92)).unwrap();
        args.push(path.into_os_string());
    }
    let out = dir.path().join("grid.jpg");
    args.extend(["-o".into(), out.clone().into_os_string()]);
    args.extend(["--layout".into(), "grid".into()]);
    let args: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let (output, _) = run_stitch(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let img = assert_clean_output(&out).to_rgb8();
    let layout = layout_for(&pieces, Layout::Grid);
    assert!(
        img.width() > img.height(),
        "2×2 grid of landscapes is landscape"
    );
    assert_pieces_in_place(&img, &pieces, &layout);
}

#[test]
fn a_piece_that_fails_to_decode_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.png");
    fs::write(
        &good,
        encode(
            &DynamicImage::ImageRgb8(quadrants(800, 600, 40, 4)),
            ImageFormat::Png,
        ),
    )
    .unwrap();
    let full = phone_jpeg(&quadrants(800, 600, 40, 5), 1, 90);
    let bad = dir.path().join("授权书 传输中断.jpg");
    fs::write(&bad, &full[..full.len() / 2]).unwrap();
    let out_dir = dir.path().join("out");
    let out = out_dir.join("合并.jpg");
    let (output, records) = run_stitch(&[
        good.as_os_str(),
        bad.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("授权书 传输中断.jpg") && stderr.contains("truncated"),
        "{stderr}"
    );
    assert!(!out.exists());
    assert!(
        !out_dir.exists() || fs::read_dir(&out_dir).unwrap().next().is_none(),
        "something was left in the output folder"
    );
    assert_eq!(records[0]["status"], "failed");
    assert!(records[0]["error"]
        .as_str()
        .unwrap()
        .contains("授权书 传输中断.jpg"));
}

#[test]
fn the_sets_csv_stitches_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("客户 甲");
    fs::create_dir(&clients).unwrap();
    for (name, seed) in [
        ("身份证 正面.jpg", 6),
        ("授权书, 2024.jpg", 7),
        ("域名 证书.jpg", 8),
    ] {
        fs::write(
            clients.join(name),
            phone_jpeg(&quadrants(1000, 700, 50, seed), 1, 90),
        )
        .unwrap();
    }
    let csv = dir.path().join("sets.csv");
    // Quoted cells carry commas and spaces; Excel's BOM and padding commas are fine.
    fs::write(
        &csv,
        "\u{feff}# 输出,图片...\r\n\
         \"甲 合并一\",\"客户 甲/身份证 正面.jpg\",\"客户 甲/授权书, 2024.jpg\",,\r\n\
         甲 合并二,客户 甲/身份证 正面.jpg,客户 甲/域名 证书.jpg,\"客户 甲/授权书, 2024.jpg\"\r\n",
    )
    .unwrap();
    let out = dir.path().join("输出");
    let (output, records) = run_stitch(&[
        OsStr::new("--sets"),
        csv.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--quiet"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(records.len(), 2);
    for (r, name, pieces) in [
        (&records[0], "甲 合并一.jpg", 2),
        (&records[1], "甲 合并二.jpg", 3),
    ] {
        assert_eq!(
            r["output"].as_str().unwrap(),
            out.join(name).to_str().unwrap()
        );
        assert_eq!(r["pieces"].as_array().unwrap().len(), pieces);
        assert_clean_output(&out.join(name));
    }
    assert_eq!(files_under(&out).len(), 2);
}

#[test]
fn one_piece_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.jpg");
    let output = scanfit(&[
        OsStr::new("stitch"),
        OsStr::new("a.jpg"),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("two or more"));
}
