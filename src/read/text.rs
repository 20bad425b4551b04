//! A picture's lines in reading order, as characters with their confidences.

use crate::ocr::TextLine;

/// One character read, with the recogniser's confidence and its line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ch {
    pub c: char,
    pub conf: f32,
    pub line: usize,
}

/// A line's place on the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Place {
    pub top: f32,
    pub left: f32,
    pub height: f32,
}

/// The page: its lines top to bottom (left to right within a row), each line's
/// characters, and all characters in that order.
pub(crate) struct Page {
    pub lines: Vec<Vec<Ch>>,
    pub places: Vec<Place>,
    pub chars: Vec<Ch>,
}

/// Full-width ASCII and the ideographic space as ASCII, and the punctuation OCR
/// confuses in dates and numbers as one form each.
fn fold(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' | '·' => '.',
        '—' | '–' => '-',
        _ => c,
    }
}

impl Page {
    pub(crate) fn new(lines: &[TextLine]) -> Page {
        let mut order: Vec<(usize, Place)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let ys = l.quad.map(|p| p.1);
                let xs = l.quad.map(|p| p.0);
                let top = ys.iter().copied().fold(f32::INFINITY, f32::min);
                let bottom = ys.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let left = xs.iter().copied().fold(f32::INFINITY, f32::min);
                let place = Place {
                    top,
                    left,
                    height: (bottom - top).max(0.0),
                };
                (i, place)
            })
            .collect();
        // Rows first (a line whose top lies within half a line of another's is on the
        // same row), then left to right.
        order.sort_by(|a, b| {
            let same_row = (a.1.top - b.1.top).abs() < 0.5 * a.1.height.min(b.1.height).max(1.0);
            if same_row {
                a.1.left.total_cmp(&b.1.left)
            } else {
                a.1.top.total_cmp(&b.1.top)
            }
        });
        let mut page = Page {
            lines: Vec::new(),
            places: Vec::new(),
            chars: Vec::new(),
        };
        for (n, (i, place)) in order.into_iter().enumerate() {
            let l = &lines[i];
            let line: Vec<Ch> = l
                .text
                .chars()
                .enumerate()
                .map(|(k, c)| Ch {
                    c: fold(c),
                    conf: l.confidences.get(k).copied().unwrap_or(0.0).clamp(0.0, 1.0),
                    line: n,
                })
                .filter(|ch| !ch.c.is_whitespace())
                .collect();
            page.chars.extend(&line);
            page.lines.push(line);
            page.places.push(place);
        }
        page
    }

    /// A line's text (spaces dropped).
    pub(crate) fn line_text(&self, line: usize) -> String {
        self.lines[line].iter().map(|c| c.c).collect()
    }
}

/// Where `word` occurs in `chars` (indices of its first character).
pub(crate) fn find(chars: &[Ch], word: &str) -> Vec<usize> {
    let w: Vec<char> = word.chars().collect();
    if w.is_empty() || chars.len() < w.len() {
        return Vec::new();
    }
    (0..=chars.len() - w.len())
        .filter(|&s| chars[s..s + w.len()].iter().zip(&w).all(|(a, b)| a.c == *b))
        .collect()
}

/// The least sure of `chars` (1 for none).
pub(crate) fn min_conf(chars: &[Ch]) -> f32 {
    chars.iter().map(|c| c.conf).fold(1.0, f32::min)
}

/// The digit a character stands for where only a digit can be: OCR reads `0` as `O`,
/// `o` or `D`, `1` as `l`, `I`, `i` or `|`, `5` as `S`, `8` as `B`, `2` as `Z`.
/// Returns the digit and whether it was repaired.
pub(crate) fn as_digit(c: char) -> Option<(u8, bool)> {
    match c {
        '0'..='9' => Some((c as u8 - b'0', false)),
        'O' | 'o' | 'D' | 'Q' => Some((0, true)),
        'l' | 'I' | 'i' | '|' | '!' => Some((1, true)),
        'Z' | 'z' => Some((2, true)),
        'S' | 's' => Some((5, true)),
        'B' => Some((8, true)),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A line at row `row` (lines 40 pixels apart) with every character `conf` sure.
    pub(crate) fn line(text: &str, row: usize, conf: f32) -> TextLine {
        let n = text.chars().count();
        let top = 40.0 * row as f32;
        TextLine {
            text: text.into(),
            confidences: vec![conf; n],
            quad: [
                (10.0, top),
                (10.0 + 20.0 * n as f32, top),
                (10.0 + 20.0 * n as f32, top + 30.0),
                (10.0, top + 30.0),
            ],
        }
    }

    /// Lines one per row, all sure.
    pub(crate) fn lines(texts: &[&str]) -> Vec<TextLine> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| line(t, i, 0.98))
            .collect()
    }

    #[test]
    fn lines_are_read_top_to_bottom_then_left_to_right() {
        let mut a = line("姓名", 1, 0.9);
        let mut b = line("张三", 1, 0.9);
        for p in &mut b.quad {
            p.0 += 100.0;
            p.1 += 4.0;
        }
        for p in &mut a.quad {
            p.1 -= 2.0;
        }
        let top = line("居民身份证", 0, 0.9);
        let page = Page::new(&[b, top, a]);
        let texts: Vec<String> = (0..3).map(|i| page.line_text(i)).collect();
        assert_eq!(texts, ["居民身份证", "姓名", "张三"]);
    }

    #[test]
    fn full_width_and_spaces_fold() {
        let page = Page::new(&[line("２０２６年 ７月", 0, 0.9)]);
        assert_eq!(page.line_text(0), "2026年7月");
    }
}
