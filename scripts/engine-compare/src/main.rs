//! rten against tract-onnx on scanfit's two PP-OCR models (src/ocr/models/det.onnx and
//! rec.onnx, read in place), fed the same input tensors: the detector's input for each
//! picture and the recogniser's batches for every line the detector finds on them, both
//! made by scanfit's own pre-processing (src/ocr/det.rs, rec.rs, geom.rs, included by
//! path). Prints how far the outputs differ, what that changes (boxes, argmax per time
//! step, decoded text), model load times and run times, alternating the engines in one
//! run (the machine is shared: only ratios within one run mean anything).
//!
//! ```text
//! cargo run --release -- [--threads N] [--rounds N]
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::RgbImage;
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;
use tract_onnx::prelude::*;

#[allow(dead_code)]
#[path = "../../../src/ocr/det.rs"]
mod det;
#[allow(dead_code)]
#[path = "../../../src/ocr/geom.rs"]
mod geom;
#[allow(dead_code)]
#[path = "../../../src/ocr/rec.rs"]
mod rec;
#[path = "../../../tests/support/render.rs"]
mod render;

type Plan = Arc<TypedRunnableModel>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn model_path(name: &str) -> PathBuf {
    root().join("src/ocr/models").join(name)
}

/// The pictures: two rendered (an ID card's back and an A4 letter in Noto Sans CJK), the
/// dense A4 page benches/ocr.rs draws from a real scan, and the real scans themselves.
fn pictures() -> Vec<(String, RgbImage)> {
    let mut out = Vec::new();
    let fonts = render::load_fonts();
    if let Some((_, bytes, index)) = fonts.first() {
        let font = ab_glyph::FontRef::try_from_slice_and_index(bytes, *index).expect("font");
        out.push((
            "rendered ID card back 1284x810".into(),
            render::id_card_back(&font, "2016.03.01-2036.03.01"),
        ));
        let body = [
            "兹授权我公司员工张伟（身份证号：110108199003071234）",
            "为我公司网站备案负责人，全权办理网站备案相关事宜，",
            "包括提交备案信息、核验身份、接收通知和领取备案号。",
            "被授权人在授权范围内所签署的文件，我公司均予以承认。",
            "授权期限自2026年7月1日起至2027年6月30日止。",
            "特此授权。",
        ];
        let mut runs: Vec<(&str, f32, f32, f32)> = vec![
            ("授权书", 64.0, 520.0, 140.0),
            ("北京星河科技有限公司：", 30.0, 120.0, 300.0),
        ];
        for (i, line) in body.iter().enumerate() {
            runs.push((line, 30.0, 120.0, 370.0 + 60.0 * i as f32));
        }
        runs.push(("北京星河科技有限公司（盖章）", 30.0, 640.0, 1300.0));
        runs.push(("2026年7月1日", 30.0, 760.0, 1370.0));
        out.push((
            "rendered A4 letter 1240x1754".into(),
            render::page(&font, 1240, 1754, &runs),
        ));
    } else {
        eprintln!("no CJK font installed (fonts-noto-cjk): the rendered pictures are left out");
    }
    let real = root().join("tests/fixtures/real");
    let gray = image::open(real.join("scan_text_gray.png"))
        .expect("scan_text_gray.png")
        .to_rgb8();
    out.push((
        "A4 dense 1240x1754 (benches/ocr.rs)".into(),
        render::tiled(&gray, 1240, 1754),
    ));
    for name in [
        "scan_text_gray.png",
        "scan_page_color.png",
        "scan_bilevel_g4.tif",
    ] {
        match image::open(real.join(name)) {
            Ok(img) => out.push((format!("real {name}"), img.to_rgb8())),
            Err(e) => eprintln!("{name}: {e} (left out)"),
        }
    }
    out
}

/// src/ocr/engine.rs's `limit_sides` and `letterbox` (private there), without the
/// factors back to the picture's pixels, which nothing here needs.
fn detector_picture(img: &RgbImage) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let ratio = if w.max(h) > 2000.0 {
        2000.0 / w.max(h)
    } else if w.min(h) < 30.0 {
        30.0 / w.min(h)
    } else {
        1.0
    };
    let work = if ratio == 1.0 {
        img.clone()
    } else {
        let round32 = |v: f32| ((((v as u32) as f32) / 32.0).round() as u32 * 32).max(32);
        geom::resize_bilinear(img, round32(w * ratio), round32(h * ratio))
    };
    let (w, h) = work.dimensions();
    if h > 30 && (w as f32 / h as f32) <= 8.0 {
        return work;
    }
    let new_h = ((w as f32 / 8.0) as u32).max(30) * 2;
    let pad = new_h.abs_diff(h) / 2;
    let mut out = RgbImage::new(w, h + 2 * pad);
    image::imageops::replace(&mut out, &work, 0, i64::from(pad));
    out
}

/// An input tensor: its shape and data, given to both engines.
#[derive(Clone)]
struct Input {
    shape: [usize; 4],
    data: Vec<f32>,
}

fn run_rten(model: &Model, input: &Input) -> (Vec<usize>, Vec<f32>) {
    let t = NdTensor::from_data(input.shape, input.data.clone());
    let out = model.run_one(t.into(), None).expect("rten run");
    let out: rten_tensor::Tensor<f32> = out.try_into().expect("f32 output");
    (out.shape().to_vec(), out.to_vec())
}

fn run_tract(plan: &Plan, input: &Input) -> (Vec<usize>, Vec<f32>) {
    let t = tract_onnx::prelude::Tensor::from_shape(&input.shape, &input.data).expect("tensor");
    let out = plan.run(tvec!(t.into())).expect("tract run");
    let view = out[0].to_plain_array_view::<f32>().expect("f32 output");
    (view.shape().to_vec(), view.iter().copied().collect())
}

/// tract's model: optimised once for any input size, or, when tract cannot do that,
/// once for each input shape used here (before any timing).
enum Tract {
    Symbolic(Plan),
    PerShape(std::collections::HashMap<[usize; 4], Plan>),
}

impl Tract {
    fn new<'a>(
        symbolic: Result<Plan, String>,
        path: &Path,
        inputs: impl Iterator<Item = &'a Input>,
    ) -> Tract {
        let name = path.file_name().unwrap().to_string_lossy();
        match symbolic {
            Ok(plan) => Tract::Symbolic(plan),
            Err(e) => {
                println!("tract cannot optimise {name} for any input size: {e}");
                let mut plans = std::collections::HashMap::new();
                let mut total = 0.0;
                for input in inputs {
                    if !plans.contains_key(&input.shape) {
                        let (t, plan) = time(|| tract_concrete(path, input.shape));
                        total += t;
                        match plan {
                            Ok(plan) => plans.insert(input.shape, plan),
                            Err(e) => {
                                println!(
                                    "tract cannot load {name} at {:?} either: {e:#}",
                                    input.shape
                                );
                                std::process::exit(1);
                            }
                        };
                    }
                }
                println!(
                    "{name}: optimised per input shape instead: {} shapes, {total:.0} ms in all",
                    plans.len()
                );
                Tract::PerShape(plans)
            }
        }
    }

    fn run(&self, input: &Input) -> (Vec<usize>, Vec<f32>) {
        match self {
            Tract::Symbolic(plan) => run_tract(plan, input),
            Tract::PerShape(plans) => run_tract(&plans[&input.shape], input),
        }
    }
}

/// tract's plan for `path` with the input's batch, height and width as named symbols
/// where `fixed` gives none: optimised once, run at any size.
fn tract_symbolic(path: &Path, fixed: [Option<usize>; 4]) -> TractResult<Plan> {
    let mut model = tract_onnx::onnx().model_for_path(path)?;
    let dims: Vec<TDim> = fixed
        .iter()
        .zip(["B", "C", "H", "W"])
        .map(|(d, name)| match d {
            Some(v) => (*v as i64).to_dim(),
            None => model.symbols.sym(name).to_dim(),
        })
        .collect();
    model.set_input_fact(0, f32::fact(dims).into())?;
    model.into_optimized()?.into_runnable()
}

/// tract's plan for one concrete input shape (what a new picture size costs when the
/// model is optimised for each shape).
fn tract_concrete(path: &Path, shape: [usize; 4]) -> TractResult<Plan> {
    tract_onnx::onnx()
        .model_for_path(path)?
        .with_input_fact(0, f32::fact(shape).into())?
        .into_optimized()?
        .into_runnable()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn argmax(v: &[f32]) -> usize {
    v.iter()
        .copied()
        .enumerate()
        .fold(
            (0, f32::MIN),
            |acc, (i, x)| if x > acc.1 { (i, x) } else { acc },
        )
        .0
}

/// Times `f` once.
fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let out = f();
    (ms(start.elapsed()), out)
}

fn main() {
    let mut threads = 1usize;
    let mut rounds = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--threads N")
            }
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--rounds N")
            }
            _ => panic!("usage: engine-compare [--threads N] [--rounds N]"),
        }
    }
    // rten's pool is sized once, from this variable, at its first use.
    std::env::set_var("RTEN_NUM_THREADS", threads.to_string());
    if threads > 1 {
        tract_linalg::multithread::set_default_executor(
            tract_linalg::multithread::Executor::multithread(threads),
        );
    }
    println!(
        "# engine-compare: {threads} thread(s), {rounds} rounds, rten 0.27 vs tract-onnx 0.23"
    );
    let (det_path, rec_path) = (model_path("det.onnx"), model_path("rec.onnx"));

    // Model load: rten's load against tract's load + optimisation, alternating.
    let mut loads: [Vec<f64>; 4] = Default::default();
    let mut rten_det = None;
    let mut rten_rec = None;
    let mut tract_det = None;
    let mut tract_rec = None;
    for r in 0..rounds.min(3) {
        let mut rten_load = |loads: &mut [Vec<f64>; 4]| {
            let (t, m) = time(|| Model::load_file(&det_path).expect("rten det"));
            loads[0].push(t);
            rten_det = Some(m);
            let (t, m) = time(|| Model::load_file(&rec_path).expect("rten rec"));
            loads[1].push(t);
            rten_rec = Some(m);
        };
        let mut tract_load = |loads: &mut [Vec<f64>; 4]| {
            let (t, m) = time(|| tract_symbolic(&det_path, [Some(1), Some(3), None, None]));
            loads[2].push(t);
            tract_det = Some(m.map_err(|e| format!("{e:#}")));
            let (t, m) = time(|| tract_symbolic(&rec_path, [None, Some(3), Some(48), None]));
            loads[3].push(t);
            tract_rec = Some(m.map_err(|e| format!("{e:#}")));
        };
        if r % 2 == 0 {
            rten_load(&mut loads);
            tract_load(&mut loads);
        } else {
            tract_load(&mut loads);
            rten_load(&mut loads);
        }
    }
    let [mut a, mut b, mut c, mut d] = loads;
    let (ld_r, lr_r, ld_t, lr_t) = (
        median(&mut a),
        median(&mut b),
        median(&mut c),
        median(&mut d),
    );
    println!("\n## Model load (median of {} loads)", a.len());
    println!("| model | rten | tract (load + optimise with open height and width; a failure when it cannot) | tract / rten |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| det | {ld_r:.0} ms | {ld_t:.0} ms | {:.2}× |",
        ld_t / ld_r
    );
    println!(
        "| rec | {lr_r:.0} ms | {lr_t:.0} ms | {:.2}× |",
        lr_t / lr_r
    );
    let rten_det = rten_det.unwrap();
    let rten_rec = rten_rec.unwrap();
    let charset = rten_rec
        .metadata()
        .get("character")
        .map(rec::charset)
        .expect("the rec model's character list");

    // Inputs, made once by scanfit's pre-processing.
    let pictures = pictures();
    let mut det_inputs = Vec::new();
    let mut crops = Vec::new();
    for (name, img) in &pictures {
        let work = detector_picture(img);
        let (w, h) = det::input_size(work.width(), work.height());
        let input = Input {
            shape: [1, 3, h as usize, w as usize],
            data: det::input(&work, (w, h)),
        };
        let (shape, map) = run_rten(&rten_det, &input);
        let quads = det::boxes(&map, shape[3], shape[2], work.width(), work.height());
        let before = crops.len();
        for q in &quads {
            if let Some(c) = geom::crop_quad(&work, q) {
                crops.push(c);
            }
        }
        println!(
            "{name}: {}x{} -> detector input {w}x{h}, {} lines",
            img.width(),
            img.height(),
            crops.len() - before
        );
        det_inputs.push((name.clone(), input, work));
    }
    let ratio = |c: &RgbImage| c.width() as f32 / c.height() as f32;
    crops.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
    let rec_inputs: Vec<Input> = crops
        .chunks(rec::BATCH)
        .map(|batch| {
            let max_ratio = batch.iter().map(ratio).fold(0.0, f32::max);
            let width = rec::batch_width(max_ratio);
            let mut data = Vec::new();
            for c in batch {
                data.extend(rec::line_input(c, width, width));
            }
            Input {
                shape: [batch.len(), 3, 48, width as usize],
                data,
            }
        })
        .collect();

    let tract_det = Tract::new(
        tract_det.unwrap(),
        &det_path,
        det_inputs.iter().map(|d| &d.1),
    );
    let tract_rec = Tract::new(tract_rec.unwrap(), &rec_path, rec_inputs.iter());

    // Fidelity: the same input, both engines.
    let mut first_runs = Vec::new();
    println!("\n## Detector: outputs");
    println!("| picture | input | max abs diff of the probability map | pixels on different sides of 0.3 | boxes rten | boxes tract | boxes identical |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (name, input, work) in &det_inputs {
        let (t1, (s1, a)) = time(|| run_rten(&rten_det, input));
        let (t2, (s2, b)) = time(|| tract_det.run(input));
        first_runs.push((t1, t2));
        assert_eq!(s1, s2, "{name}: output shapes differ");
        let flips = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| (**x > 0.3) != (**y > 0.3))
            .count();
        let qa = det::boxes(&a, s1[3], s1[2], work.width(), work.height());
        let qb = det::boxes(&b, s2[3], s2[2], work.width(), work.height());
        let same = qa.iter().filter(|q| qb.contains(q)).count();
        println!(
            "| {name} | {}x{} | {:.2e} | {flips} of {} | {} | {} | {same} |",
            input.shape[3],
            input.shape[2],
            max_abs_diff(&a, &b),
            a.len(),
            qa.len(),
            qb.len()
        );
    }
    let (mut steps, mut step_diff, mut lines, mut line_diff, mut worst) = (0, 0, 0, 0, 0f32);
    let mut examples = Vec::new();
    for input in &rec_inputs {
        let (s1, a) = run_rten(&rten_rec, input);
        let (s2, b) = tract_rec.run(input);
        assert_eq!(s1, s2, "rec output shapes differ");
        worst = worst.max(max_abs_diff(&a, &b));
        let classes = s1[2];
        for (la, lb) in a
            .chunks_exact(s1[1] * classes)
            .zip(b.chunks_exact(s1[1] * classes))
        {
            for (pa, pb) in la.chunks_exact(classes).zip(lb.chunks_exact(classes)) {
                steps += 1;
                step_diff += usize::from(argmax(pa) != argmax(pb));
            }
            let (ta, _) = rec::ctc_decode(la, classes, &charset);
            let (tb, _) = rec::ctc_decode(lb, classes, &charset);
            lines += 1;
            if ta != tb {
                line_diff += 1;
                examples.push(format!("rten {ta:?} / tract {tb:?}"));
            }
        }
    }
    println!(
        "\n## Recogniser: outputs ({lines} lines in {} batches of up to {})",
        rec_inputs.len(),
        rec::BATCH
    );
    println!("- max abs diff of the probabilities: {worst:.2e}");
    println!("- time steps whose argmax differs: {step_diff} of {steps}");
    println!("- lines whose decoded text differs: {line_diff} of {lines}");
    for e in examples.iter().take(10) {
        println!("  - {e}");
    }

    // Speed: each round runs both engines on every input, the order alternating.
    println!("\n## Detector: time per run (median of {rounds}, ms)");
    println!("| picture | rten | tract | tract / rten | first run at this size: rten / tract | tract, model optimised for this shape: optimise / run |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for ((name, input, _), (f1, f2)) in det_inputs.iter().zip(&first_runs) {
        let (mut tr, mut tt) = (Vec::new(), Vec::new());
        for r in 0..rounds {
            if r % 2 == 0 {
                tr.push(time(|| run_rten(&rten_det, input)).0);
                tt.push(time(|| tract_det.run(input)).0);
            } else {
                tt.push(time(|| tract_det.run(input)).0);
                tr.push(time(|| run_rten(&rten_det, input)).0);
            }
        }
        let (mr, mt) = (median(&mut tr), median(&mut tt));
        let (opt, plan) = time(|| tract_concrete(&det_path, input.shape));
        let concrete = match plan {
            Ok(plan) => {
                let mut tc: Vec<f64> = (0..rounds.min(3))
                    .map(|_| time(|| run_tract(&plan, input)).0)
                    .collect();
                format!("{opt:.0} / {:.0}", median(&mut tc))
            }
            Err(e) => format!("fails: {e}"),
        };
        println!(
            "| {name} | {mr:.0} | {mt:.0} | {:.2}× | {f1:.0} / {f2:.0} | {concrete} |",
            mt / mr
        );
    }
    let (mut tr, mut tt) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let all_rten = || {
            time(|| {
                for i in &rec_inputs {
                    run_rten(&rten_rec, i);
                }
            })
            .0
        };
        let all_tract = || {
            time(|| {
                for i in &rec_inputs {
                    tract_rec.run(i);
                }
            })
            .0
        };
        if r % 2 == 0 {
            tr.push(all_rten());
            tt.push(all_tract());
        } else {
            tt.push(all_tract());
            tr.push(all_rten());
        }
    }
    let n = rec_inputs.len() as f64;
    let (mr, mt) = (median(&mut tr), median(&mut tt));
    println!(
        "\n## Recogniser: time for all {} batches (median of {rounds})",
        rec_inputs.len()
    );
    println!("| rten | tract | tract / rten | per batch rten | per batch tract |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| {mr:.0} ms | {mt:.0} ms | {:.2}× | {:.1} ms | {:.1} ms |",
        mt / mr,
        mr / n,
        mt / n
    );
}
