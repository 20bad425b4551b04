//! The reader: the three embedded models and the pipeline that runs them.

use image::RgbImage;
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::geom::{self, Point};
use super::{det, rec, OcrError, TextLine};

static DET_MODEL: &[u8] = include_bytes!("models/det.onnx");
static CLS_MODEL: &[u8] = include_bytes!("models/cls.onnx");
static REC_MODEL: &[u8] = include_bytes!("models/rec.onnx");

/// Pictures whose longer side is above this are shrunk to it first (RapidOCR's
/// `max_side_len`).
const MAX_SIDE: f32 = 2000.0;
/// Pictures whose shorter side is below this are enlarged to it first.
const MIN_SIDE: f32 = 30.0;
/// A picture this low, or wider than [`MAX_ASPECT`] times its height, is given black
/// bands above and below before detection (RapidOCR's letterbox for single lines).
const MIN_HEIGHT: u32 = 30;
const MAX_ASPECT: f32 = 8.0;
/// Lines whose mean character confidence is below this are dropped (RapidOCR's
/// `text_score`).
const TEXT_SCORE: f32 = 0.5;

/// The OCR engine: the detection, angle and recognition models loaded once. The caller
/// owns it and lends it (`&Reader`) to whatever reads; it holds no state between reads,
/// so threads share one.
pub struct Reader {
    det: Model,
    cls: Model,
    rec: Model,
    /// The recogniser's classes: the CTC blank, the model's characters, a space.
    charset: Vec<String>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("classes", &self.charset.len()).finish()
    }
}

fn load(model: &'static str, bytes: &'static [u8]) -> Result<Model, OcrError> {
    Model::load_static_slice(bytes).map_err(|e| OcrError::Load { model, detail: e.to_string() })
}

impl Reader {
    /// Loads the models embedded in the binary (about a quarter of a second).
    pub fn new() -> Result<Reader, OcrError> {
        let rec = load("rec", REC_MODEL)?;
        let charset = rec
            .metadata()
            .get("character")
            .map(rec::charset)
            .ok_or(OcrError::NoCharset)?;
        Ok(Reader { det: load("det", DET_MODEL)?, cls: load("cls", CLS_MODEL)?, rec, charset })
    }

    /// The lines of text on `img`, in reading order (top to bottom, left to right), their
    /// quads in `img`'s pixels. A picture without text gives no lines.
    pub fn read(&self, img: &RgbImage) -> Result<Vec<TextLine>, OcrError> {
        let (raw_w, raw_h) = img.dimensions();
        if raw_w == 0 || raw_h == 0 {
            return Ok(Vec::new());
        }
        let (work, ratio_w, ratio_h) = limit_sides(img);
        let (work, pad_top) = letterbox(work);
        let quads = self.detect(&work)?;
        let mut kept = Vec::with_capacity(quads.len());
        let mut crops = Vec::with_capacity(quads.len());
        for quad in quads {
            if let Some(crop) = geom::crop_quad(&work, &quad) {
                kept.push(quad);
                crops.push(crop);
            }
        }
        self.turn_upside_down_lines(&mut crops)?;
        let texts = self.recognise(&crops)?;
        let to_picture = |(x, y): Point| {
            (
                (x * ratio_w).clamp(0.0, raw_w as f32),
                ((y - pad_top as f32) * ratio_h).clamp(0.0, raw_h as f32),
            )
        };
        Ok(kept
            .into_iter()
            .zip(texts)
            .filter(|(_, (_, conf))| mean(conf) >= TEXT_SCORE)
            .map(|(quad, (text, confidences))| TextLine { text, confidences, quad: quad.map(to_picture) })
            .collect())
    }

    /// The text boxes of `img` (already within the side limits).
    fn detect(&self, img: &RgbImage) -> Result<Vec<[Point; 4]>, OcrError> {
        let (w, h) = det::input_size(img.width(), img.height());
        let input = NdTensor::from_data([1, 3, h as usize, w as usize], det::input(img, (w, h)));
        let map: NdTensor<f32, 4> = run(&self.det, "det", input)?;
        let [_, _, mh, mw] = map.shape();
        let data = map.to_vec();
        Ok(det::boxes(&data[..mh * mw], mw, mh, img.width(), img.height()))
    }

    /// Turns over the lines the angle classifier is sure are upside down.
    fn turn_upside_down_lines(&self, crops: &mut [RgbImage]) -> Result<(), OcrError> {
        let (h, w) = (rec::LINE_HEIGHT as usize, rec::CLS_WIDTH as usize);
        for batch in crops.chunks_mut(rec::BATCH) {
            let mut data = Vec::with_capacity(batch.len() * 3 * h * w);
            for crop in batch.iter() {
                data.extend(rec::line_input(crop, rec::CLS_WIDTH, rec::CLS_WIDTH));
            }
            let out: NdTensor<f32, 2> = run(&self.cls, "cls", NdTensor::from_data([batch.len(), 3, h, w], data))?;
            if out.size(0) != batch.len() || out.size(1) < 2 {
                return Err(OcrError::Output { model: "cls" });
            }
            for (i, crop) in batch.iter_mut().enumerate() {
                let (up, down) = (out[[i, 0]], out[[i, 1]]);
                if down > up && down > rec::CLS_THRESH {
                    image::imageops::rotate180_in_place(crop);
                }
            }
        }
        Ok(())
    }

    /// Each line's text and per-character confidences, in the order of `crops`.
    fn recognise(&self, crops: &[RgbImage]) -> Result<Vec<(String, Vec<f32>)>, OcrError> {
        let ratio = |c: &RgbImage| c.width() as f32 / c.height() as f32;
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by(|&a, &b| ratio(&crops[a]).total_cmp(&ratio(&crops[b])));
        let mut out = vec![(String::new(), Vec::new()); crops.len()];
        for batch in order.chunks(rec::BATCH) {
            let max_ratio = batch.iter().map(|&i| ratio(&crops[i])).fold(0.0, f32::max);
            let width = rec::batch_width(max_ratio);
            let h = rec::LINE_HEIGHT as usize;
            let mut data = Vec::with_capacity(batch.len() * 3 * h * width as usize);
            for &i in batch {
                data.extend(rec::line_input(&crops[i], width, width));
            }
            let input = NdTensor::from_data([batch.len(), 3, h, width as usize], data);
            let probs: NdTensor<f32, 3> = run(&self.rec, "rec", input)?;
            let [n, steps, classes] = probs.shape();
            if n != batch.len() || classes != self.charset.len() {
                return Err(OcrError::Output { model: "rec" });
            }
            let probs = probs.to_vec();
            for (k, &i) in batch.iter().enumerate() {
                let line = &probs[k * steps * classes..(k + 1) * steps * classes];
                out[i] = rec::ctc_decode(line, classes, &self.charset);
            }
        }
        Ok(out)
    }
}

/// Runs a one-input, one-output model and takes its output as an `N`-dimensional tensor.
fn run<const N: usize>(
    model: &Model,
    name: &'static str,
    input: NdTensor<f32, 4>,
) -> Result<NdTensor<f32, N>, OcrError> {
    let value = model
        .run_one(input.into(), None)
        .map_err(|e| OcrError::Run { model: name, detail: e.to_string() })?;
    value.try_into().map_err(|_| OcrError::Output { model: name })
}

/// The mean of the confidences (0 for none: a line with no characters is not kept).
fn mean(conf: &[f32]) -> f32 {
    if conf.is_empty() {
        0.0
    } else {
        conf.iter().sum::<f32>() / conf.len() as f32
    }
}

/// `img` brought within [`MAX_SIDE`] and [`MIN_SIDE`] (sides rounded to multiples of 32,
/// as RapidOCR does), and the factors from its pixels back to the original's.
fn limit_sides(img: &RgbImage) -> (std::borrow::Cow<'_, RgbImage>, f32, f32) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let ratio = if w.max(h) > MAX_SIDE {
        MAX_SIDE / w.max(h)
    } else if w.min(h) < MIN_SIDE {
        MIN_SIDE / w.min(h)
    } else {
        return (std::borrow::Cow::Borrowed(img), 1.0, 1.0);
    };
    let round32 = |v: f32| ((((v as u32) as f32) / 32.0).round() as u32 * 32).max(32);
    let (rw, rh) = (round32(w * ratio), round32(h * ratio));
    let resized = geom::resize_bilinear(img, rw, rh);
    (std::borrow::Cow::Owned(resized), w / rw as f32, h / rh as f32)
}

/// A low or very wide picture (one line of text) with black bands above and below, so
/// the detector sees it at a usable scale; and the height of the top band.
fn letterbox(img: std::borrow::Cow<'_, RgbImage>) -> (std::borrow::Cow<'_, RgbImage>, u32) {
    let (w, h) = img.dimensions();
    if h > MIN_HEIGHT && (w as f32 / h as f32) <= MAX_ASPECT {
        return (img, 0);
    }
    let new_h = ((w as f32 / MAX_ASPECT) as u32).max(MIN_HEIGHT) * 2;
    let pad = new_h.abs_diff(h) / 2;
    let mut out = RgbImage::new(w, h + 2 * pad);
    image::imageops::replace(&mut out, img.as_ref(), 0, i64::from(pad));
    (std::borrow::Cow::Owned(out), pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Reader>();
    }
}
