//! Line images to text: the angle classifier's input and verdict, the recogniser's
//! batched input and its CTC decoding, as RapidOCR's `TextClassifier` and
//! `TextRecognizer` do them.

use image::RgbImage;

use super::det::planar_bgr;
use super::geom;

/// The height both the classifier and the recogniser read lines at.
pub(crate) const LINE_HEIGHT: u32 = 48;
/// The classifier's fixed input width.
pub(crate) const CLS_WIDTH: u32 = 192;
/// The recogniser's narrowest input width (RapidOCR's `rec_img_shape` 48 × 320).
const REC_MIN_WIDTH: f32 = 320.0;
/// Lines are classified and recognised this many at a time, sorted by width, padded to
/// the widest of the batch: the padding changes the recogniser's output slightly, so
/// batching as the reference does keeps the text the same.
pub(crate) const BATCH: usize = 6;
/// A line is turned over when the classifier says 180° with at least this probability.
pub(crate) const CLS_THRESH: f32 = 0.9;

/// A line image resized to [`LINE_HEIGHT`] keeping its aspect ratio, at most `max_w`
/// wide, as planar BGR in a tensor row `width` wide (zero-padded on the right).
pub(crate) fn line_input(img: &RgbImage, max_w: u32, width: u32) -> Vec<f32> {
    let ratio = img.width() as f32 / img.height() as f32;
    let w = ((LINE_HEIGHT as f32 * ratio).ceil() as u32).clamp(1, max_w);
    let resized = geom::resize_bilinear(img, w, LINE_HEIGHT);
    planar_bgr(&resized, width as usize)
}

/// The recogniser's input width for a batch whose widest line has aspect ratio
/// `max_ratio` (never narrower than the model's 320).
pub(crate) fn batch_width(max_ratio: f32) -> u32 {
    (LINE_HEIGHT as f32 * max_ratio.max(REC_MIN_WIDTH / LINE_HEIGHT as f32)) as u32
}

/// One line's CTC decoding from its `steps` × `classes` probabilities: the most likely
/// class at each step, repeats collapsed, blanks (class 0) dropped; each character's
/// confidence is the probability of the step it was read at.
pub(crate) fn ctc_decode(probs: &[f32], classes: usize, charset: &[String]) -> (String, Vec<f32>) {
    let mut text = String::new();
    let mut confidences = Vec::new();
    let mut prev = usize::MAX;
    for step in probs.chunks_exact(classes) {
        let (best, p) = step
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::MIN), |acc, (i, v)| if v > acc.1 { (i, v) } else { acc });
        if best != prev && best != 0 {
            if let Some(s) = charset.get(best) {
                // One confidence per char: an entry is a single character in this model's
                // list, but an entry of several would still keep the two in step.
                for ch in s.chars() {
                    text.push(ch);
                    confidences.push(p);
                }
            }
        }
        prev = best;
    }
    (text, confidences)
}

/// The recogniser's classes from the model's `character` metadata: the CTC blank first,
/// the listed characters, then a space (RapidOCR's `CTCLabelDecode`).
pub(crate) fn charset(metadata: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    out.extend(metadata.lines().map(str::to_owned));
    out.push(" ".to_owned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctc_collapses_repeats_and_drops_blanks() {
        let set = charset("a\nb");
        // Steps: a a blank a b b blank (classes: blank, a, b, space).
        let onehot = |i: usize, p: f32| {
            let mut v = vec![0.0; 4];
            v[i] = p;
            v
        };
        let probs: Vec<f32> = [(1, 0.9), (1, 0.8), (0, 0.99), (1, 0.7), (2, 0.6), (2, 0.95), (0, 0.9)]
            .iter()
            .flat_map(|&(i, p)| onehot(i, p))
            .collect();
        let (text, conf) = ctc_decode(&probs, 4, &set);
        assert_eq!(text, "aab");
        assert_eq!(conf, vec![0.9, 0.7, 0.6]);
    }
}
