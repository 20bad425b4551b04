//! End-to-end tests of `scanfit convert`: generated inputs of every kind the issue
//! names, run through the real binary, and the outputs decoded and checked.
#![cfg(feature = "cli")]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use common::*;
use image::{DynamicImage, GrayImage, ImageFormat, Luma, LumaA, Rgb, RgbImage, Rgba, RgbaImage};

fn run_convert(
    input: &Path,
    out: &Path,
    extra: &[&str],
) -> (std::process::Output, Vec<serde_json::Value>) {
    // A report file of its own, outside every input folder.
    let report_file = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile()
        .unwrap();
    let report = report_file.path().to_path_buf();
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("convert"),
        input.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ];
    args.push(OsStr::new("--report"));
    args.push(report.as_os_str());
    args.extend(extra.iter().map(OsStr::new));
    let output = scanfit(&args);
    let written = fs::metadata(&report).map(|m| m.len() > 0).unwrap_or(false);
    let records = if written {
        read_report(&report)
    } else {
        Vec::new()
    };
    (output, records)
}

fn record<'a>(records: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    records
        .iter()
        .find(|r| r["input"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no record for {name}"))
}

#[test]
fn all_eight_orientations_come_out_upright_in_the_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let upright = quadrants(900, 600, 60, 1);
    for o in 1..=8u16 {
        let stored = stored_for_orientation(&upright, o);
        fs::write(
            inp.join(format!("orient_{o}.jpg")),
            phone_jpeg(&stored, o, 92),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for o in 1..=8 {
        let img = assert_clean_output(&out.join(format!("orient_{o}.jpg"))).to_rgb8();
        assert!(
            img.width() > img.height(),
            "orientation {o}: {}×{} is not landscape",
            img.width(),
            img.height()
        );
        assert_eq!(
            quadrant_names(&img),
            ['R', 'G', 'B', 'Y'],
            "orientation {o}"
        );
        let r = record(&records, &format!("orient_{o}.jpg"));
        assert_eq!(
            r["metadata_removed"]["gps"], true,
            "orientation {o}: GPS not reported"
        );
        assert_eq!(r["format"], "jpeg");
    }
}

#[test]
fn every_input_format_converts_into_the_band() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let img = DynamicImage::ImageRgb8(quadrants(1200, 800, 40, 2));
    fs::write(inp.join("png8.png"), encode(&img, ImageFormat::Png)).unwrap();
    fs::write(
        inp.join("png16.png"),
        encode(&DynamicImage::ImageRgb16(img.to_rgb16()), ImageFormat::Png),
    )
    .unwrap();
    fs::write(
        inp.join("gray.png"),
        encode(&DynamicImage::ImageLuma8(img.to_luma8()), ImageFormat::Png),
    )
    .unwrap();
    fs::write(inp.join("bmp.bmp"), encode(&img, ImageFormat::Bmp)).unwrap();
    fs::write(inp.join("tiff.tif"), encode(&img, ImageFormat::Tiff)).unwrap();
    fs::write(inp.join("webp.webp"), encode(&img, ImageFormat::WebP)).unwrap();
    fs::write(
        inp.join("gif.gif"),
        encode(&DynamicImage::ImageRgba8(img.to_rgba8()), ImageFormat::Gif),
    )
    .unwrap();
    fs::write(inp.join("baseline.jpg"), encode(&img, ImageFormat::Jpeg)).unwrap();
    fs::write(
        inp.join("progressive.jpg"),
        mozjpeg_progressive(&img.to_rgb8()),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expect = [
        ("png8.png", "png"),
        ("png16.png", "png"),
        ("gray.png", "png"),
        ("bmp.bmp", "bmp"),
        ("tiff.tif", "tiff"),
        ("webp.webp", "webp"),
        ("gif.gif", "gif"),
        ("baseline.jpg", "jpeg"),
        ("progressive.jpg", "jpeg"),
    ];
    for (name, format) in expect {
        let r = record(&records, name);
        assert_eq!(r["format"], format, "{name}");
        let output = Path::new(r["output"].as_str().unwrap());
        let decoded = assert_clean_output(output).to_rgb8();
        assert!(decoded.width() > decoded.height(), "{name}");
        if name != "gray.png" {
            assert_eq!(quadrant_names(&decoded), ['R', 'G', 'B', 'Y'], "{name}");
        }
    }
    assert_eq!(record(&records, "gray.png")["status"], "warn");
    assert!(record(&records, "gray.png")["warnings"][0]
        .as_str()
        .unwrap()
        .contains("grayscale"));
}

fn mozjpeg_progressive(img: &RgbImage) -> Vec<u8> {
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    c.set_size(img.width() as usize, img.height() as usize);
    c.set_quality(92.0);
    c.set_progressive_mode();
    let mut s = c.start_compress(Vec::new()).unwrap();
    s.write_scanlines(img.as_raw()).unwrap();
    s.finish().unwrap()
}

#[test]
fn alpha_is_flattened_onto_white_and_text_stays_dark() {
    let dir = tempfile::tempdir().unwrap();
    // Black "text" bars on a fully transparent background whose hidden colour is black.
    let img = RgbaImage::from_fn(1000, 700, |x, y| {
        if (y / 20) % 3 == 0 && x % 7 != 0 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    // Left half: opaque dark "text" strokes; right half: transparent.
    let gray_alpha = image::ImageBuffer::from_fn(600, 400, |x, y| {
        if x < 300 && (y / 6) % 2 == 0 && (x / 3) % 3 != 0 {
            LumaA([0u8, 255])
        } else if x < 300 {
            LumaA([0, 40])
        } else {
            LumaA([0, 0])
        }
    });
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(
        inp.join("alpha.png"),
        encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png),
    )
    .unwrap();
    fs::write(
        inp.join("gray_alpha.png"),
        encode(&DynamicImage::ImageLumaA8(gray_alpha), ImageFormat::Png),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let r = record(&records, "alpha.png");
    let img = assert_clean_output(Path::new(r["output"].as_str().unwrap())).to_rgb8();
    let (w, h) = img.dimensions();
    // Background (a transparent row) is white; a text row is dark.
    let bg = img.get_pixel(w / 2, h * 30 / 700).0;
    let ink = img.get_pixel(w / 2 + 1, h * 5 / 700).0;
    assert!(bg.iter().all(|&c| c > 230), "background {bg:?}");
    assert!(ink.iter().all(|&c| c < 60), "ink {ink:?}");
    let r = record(&records, "gray_alpha.png");
    let img = assert_clean_output(Path::new(r["output"].as_str().unwrap())).to_luma8();
    let (w, h) = img.dimensions();
    let left_mean = (0..h)
        .map(|y| u32::from(img.get_pixel(w / 4, y).0[0]))
        .sum::<u32>()
        / h;
    assert!(
        left_mean < 160,
        "strokes should darken the left half: mean {left_mean}"
    );
    assert!(img.get_pixel(3 * w / 4, h / 2).0[0] > 230);
}

#[test]
fn cmyk_jpeg_becomes_correct_rgb() {
    let dir = tempfile::tempdir().unwrap();
    // Adobe-style CMYK JPEGs store inverted ink values; left half red (M+Y), right half
    // blue (C+M), with grain so the file has some size.
    let (w, h) = (1200u32, 900u32);
    let mut rng = Rng::new(3);
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for _y in 0..h {
        for x in 0..w {
            let n = rng.byte() % 16;
            let ink = if x < w / 2 {
                [0, 255 - n, 255 - n, 0]
            } else {
                [255 - n, 200, 0, 0]
            };
            data.extend(ink.map(|v: u8| 255 - v));
        }
    }
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_CMYK);
    c.set_size(w as usize, h as usize);
    c.set_quality(95.0);
    let mut s = c.start_compress(Vec::new()).unwrap();
    s.write_scanlines(&data).unwrap();
    let jpeg = s.finish().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(inp.join("cmyk.jpg"), &jpeg).unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let img = assert_clean_output(&out.join("cmyk.jpg")).to_rgb8();
    let left = img.get_pixel(img.width() / 4, img.height() / 2).0;
    let right = img.get_pixel(3 * img.width() / 4, img.height() / 2).0;
    assert!(
        left[0] > 180 && left[1] < 80 && left[2] < 80,
        "left should be red: {left:?}"
    );
    assert!(
        right[2] > 120 && right[0] < 80,
        "right should be blue: {right:?}"
    );
    assert_eq!(record(&records, "cmyk.jpg")["status"], "warn");
}

#[test]
fn tiny_picture_is_enlarged_into_the_band_and_still_looks_like_itself() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let small = quadrants(120, 80, 30, 4);
    fs::write(
        inp.join("tiny.png"),
        encode(&DynamicImage::ImageRgb8(small), ImageFormat::Png),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let img = assert_clean_output(&out.join("tiny.jpg")).to_rgb8();
    assert!(
        img.width() > 120 && img.width() * 2 == img.height() * 3,
        "{}×{}",
        img.width(),
        img.height()
    );
    assert_eq!(quadrant_names(&img), ['R', 'G', 'B', 'Y']);
    let r = record(&records, "tiny.png");
    assert!(r["scale"].as_f64().unwrap() > 1.0);
    assert!(r["warnings"].to_string().contains("enlarged"));
}

#[test]
fn huge_picture_is_shrunk_into_the_band_but_not_below_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    // 24 MP of heavy grain is far above 4 MB even at quality 70.
    let big = quadrants(6000, 4000, 120, 5);
    fs::write(
        inp.join("huge.bmp"),
        encode(&DynamicImage::ImageRgb8(big), ImageFormat::Bmp),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let img = assert_clean_output(&out.join("huge.jpg")).to_rgb8();
    assert!(img.width() < 6000 && img.width() >= 2000, "{}", img.width());
    assert_eq!(quadrant_names(&img), ['R', 'G', 'B', 'Y']);
    let r = record(&records, "huge.bmp");
    assert!(r["quality"].as_u64().unwrap() >= 70);
    assert!(r["encodes"].as_u64().unwrap() <= 6, "{}", r["encodes"]);
}

#[test]
fn a_photo_over_the_pixel_limit_is_decoded_smaller_upright_and_said() {
    // The real phone photo (1000×1600 stored, EXIF orientation 6) under a limit it is
    // over: decoded at half size in the DCT domain, then turned, fitted and written as
    // any photo. A progressive copy is refused (libjpeg would hold its coefficients at
    // full size) and the batch goes on.
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let photo = fs::read("tests/fixtures/real/photo_orient6_gps.jpg").unwrap();
    fs::write(inp.join("photo.jpg"), &photo).unwrap();
    let stored = image::load_from_memory(&photo).unwrap().to_rgb8();
    assert_eq!(stored.dimensions(), (1000, 1600));
    fs::write(inp.join("progressive.jpg"), mozjpeg_progressive(&stored)).unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &["--max-pixels", "800000"]);
    assert!(!output.status.success(), "one file failed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("decoded at 1/2 of its size: 1000×1600 pixels"),
        "{stderr}"
    );

    let r = record(&records, "photo.jpg");
    assert_eq!(r["status"], "warn", "{r}");
    assert!(r["warning_codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "reduced"));
    // What was decoded: half of each side, upright.
    assert_eq!(
        (r["width_in"].as_u64(), r["height_in"].as_u64()),
        (Some(800), Some(500))
    );
    let img = assert_clean_output(&out.join("photo.jpg")).to_rgb8();
    let aspect = f64::from(img.width()) / f64::from(img.height());
    assert!(
        (aspect - 1.6).abs() < 0.01,
        "{}×{}",
        img.width(),
        img.height()
    );
    // Upright in the pixels: the output looks like the photo turned as its tag says,
    // not like the photo turned the other way.
    let small = |i: &RgbImage| image::imageops::resize(i, 160, 100, image::imageops::Triangle);
    let distance = |a: &RgbImage, b: &RgbImage| {
        a.as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| f64::from(x.abs_diff(*y)))
            .sum::<f64>()
            / a.as_raw().len() as f64
    };
    let got = small(&img);
    let right = distance(&got, &small(&image::imageops::rotate90(&stored)));
    let wrong = distance(&got, &small(&image::imageops::rotate270(&stored)));
    assert!(
        right < 6.0 && wrong > 3.0 * right,
        "right {right}, wrong {wrong}"
    );

    let p = record(&records, "progressive.jpg");
    assert_eq!(p["status"], "failed");
    assert_eq!(p["error_code"], "too_many_pixels");
    assert!(!out.join("progressive.jpg").exists());
}

#[test]
fn bad_inputs_fail_alone_with_a_clear_line_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let good = quadrants(900, 600, 60, 6);
    let jpeg = phone_jpeg(&good, 1, 90);
    fs::write(inp.join("good.jpg"), &jpeg).unwrap();
    fs::write(inp.join("empty.jpg"), b"").unwrap();
    fs::write(inp.join("truncated.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    fs::write(
        inp.join("text.jpg"),
        b"this is not a picture at all, just words",
    )
    .unwrap();
    let png = encode(&DynamicImage::ImageRgb8(good.clone()), ImageFormat::Png);
    fs::write(inp.join("truncated.png"), &png[..png.len() / 2]).unwrap();
    fs::write(inp.join("psd.psd"), b"8BPS\0\x01\0\0\0\0\0\0\0\x03").unwrap();
    fs::write(inp.join("heic.heic"), b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
    fs::write(inp.join("notes.txt"), "说明").unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (name, reason) in [
        ("empty.jpg", "empty"),
        ("truncated.jpg", "ends before"),
        ("text.jpg", "not a picture"),
        ("truncated.png", "PNG"),
        ("psd.psd", "PSD"),
        ("heic.heic", "HEIC"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no line for {name} in:\n{stderr}"));
        assert!(line.contains(reason), "{line}");
        let r = record(&records, name);
        assert_eq!(r["status"], "failed", "{name}");
        assert!(
            r["error"].as_str().unwrap().contains(reason),
            "{name}: {}",
            r["error"]
        );
    }
    assert_eq!(record(&records, "notes.txt")["status"], "skipped");
    // 900×600 is written, with a low-resolution warning.
    let good = record(&records, "good.jpg");
    assert_eq!(good["status"], "warn");
    assert!(
        good["warnings"].to_string().contains("low resolution"),
        "{good}"
    );
    let outputs = files_under(&out);
    assert_eq!(
        outputs,
        vec![out.join("good.jpg")],
        "only the good file has an output"
    );
}

#[test]
fn renamed_files_are_converted_to_real_jpeg_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let png = encode(
        &DynamicImage::ImageRgb8(quadrants(1500, 1000, 100, 7)),
        ImageFormat::Png,
    );
    fs::write(inp.join("really_png.jpg"), png).unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &["--format", "jpeg"]);
    assert!(output.status.success());
    let r = record(&records, "really_png.jpg");
    assert_eq!(r["format"], "png");
    assert!(r["warnings"]
        .to_string()
        .contains("renamed file: the bytes are PNG"));
    assert_clean_output(&out.join("really_png.jpg"));
}

#[test]
fn colliding_names_both_get_outputs_and_existing_outputs_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("客户 A");
    fs::create_dir(&inp).unwrap();
    let a = quadrants(900, 600, 60, 8);
    fs::write(
        inp.join("营业执照.png"),
        encode(&DynamicImage::ImageRgb8(a.clone()), ImageFormat::Png),
    )
    .unwrap();
    fs::write(inp.join("营业执照.jpg"), phone_jpeg(&a, 1, 90)).unwrap();
    let out = dir.path().join("out");
    let (output, _) = run_convert(&inp, &out, &["--format", "jpeg"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names = files_under(&out);
    assert_eq!(
        names,
        vec![out.join("营业执照_jpg.jpg"), out.join("营业执照_png.jpg")]
    );
    for n in &names {
        assert_clean_output(n);
    }
    // A second run leaves existing outputs alone unless told otherwise.
    let before = fs::read(&names[0]).unwrap();
    let (output, records) = run_convert(&inp, &out, &["--format", "jpeg"]);
    assert!(output.status.success());
    assert!(records.iter().all(|r| r["status"] == "skipped"));
    assert_eq!(fs::read(&names[0]).unwrap(), before);
    let (output, records) = run_convert(&inp, &out, &["--format", "jpeg", "--overwrite"]);
    assert!(output.status.success());
    assert!(
        records.iter().all(|r| r["bytes_out"].as_u64().is_some()),
        "{records:?}"
    );
}

#[test]
fn out_inside_input_is_not_reconverted_and_inputs_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("scans");
    fs::create_dir_all(inp.join("sub dir")).unwrap();
    let pic = phone_jpeg(&quadrants(900, 600, 60, 9), 6, 90);
    fs::write(inp.join("sub dir/photo 1.jpg"), &pic).unwrap();
    fs::write(
        inp.join("a.png"),
        encode(
            &DynamicImage::ImageRgb8(quadrants(700, 500, 80, 10)),
            ImageFormat::Png,
        ),
    )
    .unwrap();
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = files_under(&inp)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    let out = inp.join("out");
    for _ in 0..2 {
        let (output, records) = run_convert(&inp, &out, &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            records.len(),
            2,
            "outputs must not be read as inputs: {records:?}"
        );
    }
    assert!(out.join("sub dir/photo 1.jpg").exists());
    for (p, b) in before {
        assert_eq!(fs::read(&p).unwrap(), b, "{} changed", p.display());
    }
}

#[test]
fn an_output_that_would_replace_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let src = phone_jpeg(&quadrants(900, 600, 60, 12), 6, 90);
    let inside = out.join("photo.jpg");
    fs::write(&inside, &src).unwrap();
    let (output, records) = run_convert(&inside, &out, &["--overwrite"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(records[0]["error"]
        .as_str()
        .unwrap()
        .contains("would overwrite an input"));
    assert_eq!(fs::read(&inside).unwrap(), src);
}

#[test]
fn dry_run_writes_nothing_and_exit_statuses_follow_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(
        inp.join("ok.png"),
        encode(
            &DynamicImage::ImageLuma8(GrayImage::from_fn(800, 600, |x, y| {
                Luma([((x * 7 + y * 13) % 251) as u8])
            })),
            ImageFormat::Png,
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &["--dry-run"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(!out.exists());
    assert!(
        records[0]["output"].as_str().unwrap().ends_with("ok.jpg")
            || records[0]["output"].as_str().unwrap().ends_with("ok.png")
    );
    // Usage errors exit 2.
    let (output, _) = run_convert(&inp, &out, &["--min-size", "5MB"]);
    assert_eq!(output.status.code(), Some(2));
    let (output, _) = run_convert(&inp, &out, &["--quality", "101"]);
    assert_eq!(output.status.code(), Some(2));
    let (output, _) = run_convert(&dir.path().join("missing"), &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    // A band nothing can reach under --format png fails with the reason, exit 1.
    let (output, records) = run_convert(
        &inp,
        &dir.path().join("out2"),
        &[
            "--format",
            "png",
            "--max-size",
            "50KB",
            "--min-size",
            "40KB",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(records[0]["error"]
        .as_str()
        .unwrap()
        .contains("lossless PNG"));
}

#[test]
fn legibility_floor_is_respected_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let photo = quadrants(2400, 1800, 120, 13);
    fs::write(
        inp.join("grain.png"),
        encode(&DynamicImage::ImageRgb8(photo), ImageFormat::Png),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let score = record(&records, "grain.png")["score"].as_f64().unwrap();
    assert!(
        (scanfit::inspect::DEFAULT_MIN_SCORE..=1.0).contains(&score),
        "{score}"
    );
    // A floor no encode can meet within the band makes the file fail, with the reason.
    let (output, records) = run_convert(
        &inp,
        &dir.path().join("out2"),
        &[
            "--min-score",
            "0.99",
            "--max-size",
            "700KB",
            "--min-long-edge",
            "1800",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let error = record(&records, "grain.png")["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(error.contains("legibility"), "{error}");
}

#[test]
fn compliant_jpeg_is_stripped_losslessly_not_reencoded() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    let src = phone_jpeg(&quadrants(1600, 1200, 90, 11), 1, 92);
    assert!(
        (MIN..=MAX).contains(&(src.len() as u64)),
        "fixture size {}",
        src.len()
    );
    fs::write(inp.join("ok.jpg"), &src).unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&inp, &out, &[]);
    assert!(output.status.success());
    let r = record(&records, "ok.jpg");
    assert_eq!(r["method"], "stripped");
    assert_eq!(r["encodes"], 0);
    let out_bytes = fs::read(out.join("ok.jpg")).unwrap();
    assert_clean_output(&out.join("ok.jpg"));
    // Same compressed data: the scan data after SOS is byte-identical.
    let sos = |b: &[u8]| b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    assert_eq!(&out_bytes[sos(&out_bytes)..], &src[sos(&src)..]);
    let _ = Rgb([0u8; 3]);
}

#[test]
fn the_bundled_corpus_converts_and_every_output_passes_check() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (output, records) = run_convert(&corpus, &out, &[]);
    // The corpus holds a truncated, an empty and a fake picture on purpose.
    assert_eq!(output.status.code(), Some(1));
    let failed: Vec<&str> = records
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| r["input"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed.iter().all(|f| f.contains("客户D")), "{failed:?}");
    let outputs = files_under(&out);
    assert_eq!(outputs.len(), 10);
    for o in &outputs {
        assert_clean_output(o);
    }
    // The file rules alone (no reading): every output is one the portal takes but the
    // corpus's "licence", which is a 1555 book page (corpus/README.md): black ink on tan
    // paper, without the colour a licence prints, so a photocopy by the content checks.
    let check = scanfit(&[
        OsStr::new("check"),
        out.as_os_str(),
        OsStr::new("--read"),
        OsStr::new("never"),
    ]);
    let table = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{table}");
    let failing: Vec<&str> = table.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failing.len(), 1, "{table}");
    assert!(failing[0].contains("营业执照 扫描"), "{table}");
    assert!(failing[0].contains("photocopy"), "{table}");
    // Reading as by default: the "proof of change" is ocrmypdf's map of Baiona, which
    // prints "Eguneratua: 2014/10/04" (updated); read off the picture, that date is far
    // outside a proof's 3 months, and it is the one more file that fails.
    let check = scanfit(&[OsStr::new("check"), out.as_os_str()]);
    let table = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{table}");
    let failing: Vec<&str> = table.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failing.len(), 2, "{table}");
    let proof = failing.iter().find(|l| l.contains("公司名称变更"));
    assert!(proof.is_some_and(|l| l.contains("2014-10-04")), "{table}");
}

/// The guide's own CSV example (docs/GUIDE.md), end to end: `scanfit convert "客户A 资料" -o upload
/// --report upload/report.csv`, read back with a real CSV reader. Its columns are the
/// guide's, and each row says what the JSON Lines report of the same run says, by the
/// documented flattening rule (nested `a.b` → column `a_b`, lists joined with "; ").
#[test]
fn the_readme_csv_report_is_the_json_report_flattened() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("客户A 资料");
    fs::create_dir_all(&client).unwrap();
    let photo = quadrants(1600, 1200, 40, 7);
    fs::write(client.join("授权书, 2024.jpg"), phone_jpeg(&photo, 6, 92)).unwrap();
    let gray = DynamicImage::ImageLuma8(GrayImage::from_fn(900, 700, |x, y| {
        Luma([((x * 7 + y * 3) % 251) as u8])
    }));
    fs::write(client.join("营业执照.png"), encode(&gray, ImageFormat::Png)).unwrap();
    fs::write(client.join("损坏.jpg"), b"\xFF\xD8\xFF\xE0 not really").unwrap();
    let upload = dir.path().join("upload");
    let csv_path = upload.join("report.csv");
    let out = scanfit(&[
        OsStr::new("convert"),
        client.as_os_str(),
        OsStr::new("-o"),
        upload.as_os_str(),
        OsStr::new("--report"),
        csv_path.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // The same run again, with the JSON Lines report (outputs replaced in place, so
    // every field but the time is the same).
    let jsonl = dir.path().join("report.jsonl");
    let again = scanfit(&[
        OsStr::new("convert"),
        client.as_os_str(),
        OsStr::new("-o"),
        upload.as_os_str(),
        OsStr::new("--overwrite"),
        OsStr::new("--report"),
        jsonl.as_os_str(),
    ]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");

    let bytes = fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let head: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/GUIDE.md")).unwrap();
    let documented = readme
        .lines()
        .find(|l| l.starts_with("schema,input,"))
        .expect("the guide shows the CSV header");
    assert_eq!(head.join(","), documented);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let records = read_report(&jsonl);
    assert_eq!(rows.len(), records.len());
    assert_eq!(rows.len(), 3);
    for (row, json) in rows.iter().zip(&records) {
        for (column, value) in flatten("", json) {
            match head.iter().position(|h| *h == column) {
                Some(i) if column != "millis" => {
                    assert_eq!(&row[i], value, "{column} of {}", json["input"])
                }
                Some(_) => {}
                // A nested object that is null: each of its columns is empty.
                None => {
                    let prefix = format!("{column}_");
                    let cells: Vec<&str> = head
                        .iter()
                        .zip(row.iter())
                        .filter(|(h, _)| h.starts_with(&prefix))
                        .map(|(_, c)| c)
                        .collect();
                    assert!(value.is_empty() && !cells.is_empty(), "{column}: {cells:?}");
                    assert!(cells.iter().all(|c| c.is_empty()), "{column}: {cells:?}");
                }
            }
        }
    }
    let by_name = |name: &str| {
        let i = records
            .iter()
            .position(|r| r["input"].as_str().unwrap().ends_with(name))
            .unwrap();
        (&rows[i], &records[i])
    };
    let column = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (row, json) = by_name("授权书, 2024.jpg");
    assert_eq!(&row[column("input")], json["input"].as_str().unwrap());
    assert!(matches!(&row[column("status")], "ok" | "warn"));
    let (row, _) = by_name("营业执照.png");
    assert_eq!(&row[column("status")], "warn");
    assert!(row[column("warning_codes")].contains("grayscale"));
    let (row, _) = by_name("损坏.jpg");
    assert_eq!(&row[column("status")], "failed");
    assert_eq!(&row[column("error_code")], "corrupt");
    assert_eq!(&row[column("metadata_removed_gps")], "");
}

/// The README's flattening rule, written independently of the program's.
fn flatten(prefix: &str, value: &serde_json::Value) -> Vec<(String, String)> {
    use serde_json::Value;
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}_{k}")
                };
                flatten(&name, v)
            })
            .collect(),
        Value::Array(items) => vec![(
            prefix.to_owned(),
            items.iter().map(cell).collect::<Vec<_>>().join("; "),
        )],
        other => vec![(prefix.to_owned(), cell(other))],
    }
}
