//! Reading the text of a decoded picture with an OCR engine: preparing
//! it, the skip rule, one pass, a retry turned a quarter, a half and three
//! quarters when the first pass finds little, the confidence floor, and
//! words gathered into lines whose boxes are in the original's pixels.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Instant;

use regex::Regex;

use super::decode::Gray;
use super::prepare::{self, Prepared};
use super::{Bitmap, OcrEngine, OcrFailure, OcrLine, OcrWord, textlike};
use crate::report::PixelBox;

/// Words Tesseract is less sure of than this (out of 100) are dropped:
/// below it they are mostly noise read into texture and edges.
pub(crate) const MIN_WORD_CONFIDENCE: f32 = 40.0;
/// A pass that reads fewer sure words than this is retried turned.
const FEW_WORDS: usize = 3;
/// A pass whose sure words have a lower mean confidence than this is
/// retried turned: upside down, Tesseract still reads "words", unsurely.
const UPRIGHT_CONFIDENCE: f32 = 70.0;
/// The resolution given to the engine for a prepared picture. Screens and
/// photographs have none; what matters is the glyphs' size in pixels,
/// which preparing brings to that of a 300 dpi print.
const PREPARED_PPI: u32 = 300;

/// What reading a picture gave.
#[derive(Debug)]
pub(crate) enum Reading {
    /// The skip rule found nothing shaped like text: not OCR'd.
    NoText,
    /// The lines read, boxes in the original's pixels (from the pass
    /// turned the right way up).
    Read(Vec<OcrLine>),
}

/// Reads the text of `original` with `engine`, by `deadline`.
pub(crate) fn read(
    original: &Gray,
    engine: &dyn OcrEngine,
    deadline: Instant,
) -> Result<Reading, OcrFailure> {
    let prepared = prepare::prepare(original);
    if !textlike::may_hold_text(&prepared.gray) {
        return Ok(Reading::NoText);
    }
    let mut best: Option<(Vec<OcrWord>, u8, f32)> = None;
    for quarters in [0u8, 1, 3, 2] {
        let turned;
        let bitmap_gray = if quarters == 0 {
            &prepared.gray
        } else {
            turned = prepare::turn(&prepared.gray, quarters);
            &turned
        };
        let words = engine.recognize(
            &Bitmap {
                width: bitmap_gray.width,
                height: bitmap_gray.height,
                pixels: &bitmap_gray.pixels,
                ppi: PREPARED_PPI,
            },
            deadline,
        )?;
        let words: Vec<OcrWord> = words
            .into_iter()
            .filter(|word| word.confidence >= MIN_WORD_CONFIDENCE && !word.text.trim().is_empty())
            .collect();
        let score = score(&words);
        let upright = reads_upright(&words);
        if best.as_ref().is_none_or(|(_, _, best)| score > *best) {
            best = Some((words, quarters, score));
        }
        if upright {
            break;
        }
    }
    let (words, quarters, _) = best.unwrap_or_default();
    let lines = lines(words)
        .into_iter()
        .map(|mut line| {
            line.pixels = to_original(line.pixels, &prepared, quarters, original);
            line.text = repair(&line.text).into_owned();
            line
        })
        .collect();
    Ok(Reading::Read(lines))
}

/// Words of three letters or more: what a page read the right way up has
/// many of, and one read sideways has few.
fn sure_words(words: &[OcrWord]) -> impl Iterator<Item = &OcrWord> {
    words
        .iter()
        .filter(|word| word.text.chars().filter(|c| c.is_alphabetic()).count() >= 3)
}

/// How well a pass read: the confidence of its sure words, summed.
fn score(words: &[OcrWord]) -> f32 {
    sure_words(words).map(|word| word.confidence).sum()
}

/// Whether a pass looks like a page read the right way up, so that no
/// turn need be tried: a few sure words, read with confidence, on lines
/// wider than high. A page read sideways gives words standing on end (or
/// few words), one read upside down gives letters Tesseract is unsure of.
fn reads_upright(words: &[OcrWord]) -> bool {
    let sure: Vec<&OcrWord> = sure_words(words).collect();
    if sure.len() < FEW_WORDS {
        return false;
    }
    let standing = sure
        .iter()
        .filter(|word| word.pixels.height > word.pixels.width)
        .count();
    let confidence = sure.iter().map(|word| word.confidence).sum::<f32>() / sure.len() as f32;
    standing * 2 < sure.len() && confidence >= UPRIGHT_CONFIDENCE
}

/// The double slash of a banner (`SECRET//NOFORN`) read as a slash and
/// an upright stroke (`SECRET/INOFORN`, `/lNOFORN`, `/1`, `/|`): Tesseract's
/// commonest misreading of it. Put back between two words in capitals, the
/// first of four letters or more, so that `TCP/IP` is left alone.
fn repair(text: &str) -> Cow<'_, str> {
    static SLASHES: OnceLock<Regex> = OnceLock::new();
    let slashes = SLASHES
        .get_or_init(|| Regex::new(r"(\p{Lu}{4,})/[Il1|](\p{Lu}{2,})").expect("a valid pattern"));
    slashes.replace_all(text, "$1//$2")
}

/// Words gathered into their lines, in reading order; a line's box holds
/// its words'.
fn lines(words: Vec<OcrWord>) -> Vec<OcrLine> {
    let mut lines: Vec<(u32, OcrLine)> = Vec::new();
    for word in words {
        match lines.last_mut() {
            Some((line, current)) if *line == word.line => {
                current.text.push(' ');
                current.text.push_str(word.text.trim());
                current.pixels = union(current.pixels, word.pixels);
            }
            _ => lines.push((
                word.line,
                OcrLine {
                    text: word.text.trim().to_string(),
                    pixels: word.pixels,
                },
            )),
        }
    }
    lines.into_iter().map(|(_, line)| line).collect()
}

fn union(a: PixelBox, b: PixelBox) -> PixelBox {
    let (left, top) = (a.x.min(b.x), a.y.min(b.y));
    let right = (a.x + a.width).max(b.x + b.width);
    let bottom = (a.y + a.height).max(b.y + b.height);
    PixelBox {
        x: left,
        y: top,
        width: right - left,
        height: bottom - top,
    }
}

/// A box read in the prepared picture turned `quarters` clockwise, in the
/// pixels of `original`.
fn to_original(boxed: PixelBox, prepared: &Prepared, quarters: u8, original: &Gray) -> PixelBox {
    let (width, height) = (prepared.gray.width, prepared.gray.height);
    // Back from the turned picture to the prepared one (turned clockwise
    // `quarters` times: undo it with as many turns the other way).
    let (x, y, w, h) = (boxed.x, boxed.y, boxed.width, boxed.height);
    let (x, y, w, h) = match quarters % 4 {
        // Turned once: (px, py) went to (height - 1 - py, px).
        1 => (y, height.saturating_sub(x + w), h, w),
        2 => (
            width.saturating_sub(x + w),
            height.saturating_sub(y + h),
            w,
            h,
        ),
        3 => (width.saturating_sub(y + h), x, h, w),
        _ => (x, y, w, h),
    };
    let scale = prepared.scale;
    let to = |value: u32, limit: u32| ((f64::from(value) / scale).round() as u32).min(limit);
    let (left, top) = (to(x, original.width), to(y, original.height));
    let right = to(x + w, original.width).max(left);
    let bottom = to(y + h, original.height).max(top);
    PixelBox {
        x: left,
        y: top,
        width: right - left,
        height: bottom - top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// An engine that "reads" the ink of a picture as one word per run of
    /// columns holding ink, if the picture is wider than high: enough to
    /// test the turns, the floor and the boxes without Tesseract (whose
    /// own tests are in crates/vigie-ocr and tests/images.rs).
    #[derive(Debug, Default)]
    struct Columns {
        calls: Mutex<Vec<(u32, u32)>>,
    }

    impl OcrEngine for Columns {
        fn recognize(&self, bitmap: &Bitmap<'_>, _: Instant) -> Result<Vec<OcrWord>, OcrFailure> {
            self.calls
                .lock()
                .unwrap()
                .push((bitmap.width, bitmap.height));
            if bitmap.width < bitmap.height {
                return Ok(vec![]);
            }
            let inked = |x: u32| {
                (0..bitmap.height).any(|y| bitmap.pixels[(y * bitmap.width + x) as usize] == 0)
            };
            let mut words = Vec::new();
            let mut x = 0;
            while x < bitmap.width {
                if !inked(x) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < bitmap.width && inked(x) {
                    x += 1;
                }
                words.push(OcrWord {
                    text: "mot".into(),
                    confidence: if words.len() == 1 { 10.0 } else { 90.0 },
                    pixels: PixelBox {
                        x: start,
                        y: (bitmap.height / 2).saturating_sub((x - start) / 2),
                        width: x - start,
                        height: (x - start).min(bitmap.height),
                    },
                    line: 0,
                });
            }
            Ok(words)
        }
    }

    /// A tall picture with `count` glyph-like rings stacked one above
    /// the other (text turned a quarter).
    fn column_of_glyphs(count: u32) -> Gray {
        let (width, height) = (400, 1200);
        let mut gray = Gray::filled(width, height, 255);
        for i in 0..count {
            let top = 40 + i * 40;
            for y in top..top + 30 {
                for x in 180..210 {
                    if !(184..206).contains(&x) || !(top + 4..top + 26).contains(&y) {
                        gray.pixels[(y * width + x) as usize] = 0;
                    }
                }
            }
        }
        gray
    }

    #[test]
    fn a_page_read_sideways_is_turned_and_its_boxes_come_back() {
        let engine = Columns::default();
        let original = column_of_glyphs(5);
        let Reading::Read(lines) = read(
            &original,
            &engine,
            Instant::now() + std::time::Duration::from_secs(5),
        )
        .unwrap() else {
            panic!("not read");
        };
        // The first pass, upright, read nothing; the second, turned once.
        let calls = engine.calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 2, "{calls:?}");
        // One line of four sure words (the low-confidence one dropped).
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "mot mot mot mot");
        // Its box, in the original's pixels, is the column of glyphs.
        let b = lines[0].pixels;
        assert!(b.x <= 190 && b.x + b.width >= 205, "{b:?}");
        assert!(b.y <= 40 && b.y + b.height >= 225, "{b:?}");
        assert!(b.x + b.width <= original.width && b.y + b.height <= original.height);
    }

    #[test]
    fn a_banner_double_slash_misread_is_put_back() {
        let cases = [
            ("SECRET/INOFORN", "SECRET//NOFORN"),
            ("TOP SECRET/lSI/1NOFORN", "TOP SECRET//SI/1NOFORN"),
            ("CONFIDENTIAL/|REL TO USA", "CONFIDENTIAL//REL TO USA"),
            // Left alone: a protocol pair, a path, lower case, a real slash.
            ("TCP/IP", "TCP/IP"),
            ("/usr/lib", "/usr/lib"),
            ("secret/Inoforn", "secret/Inoforn"),
            ("SECRET/NOFORN", "SECRET/NOFORN"),
        ];
        for (read, repaired) in cases {
            assert_eq!(repair(read), repaired, "{read}");
        }
    }

    #[test]
    fn a_picture_without_text_shapes_costs_no_pass() {
        let engine = Columns::default();
        let blank = Gray::filled(640, 480, 255);
        let reading = read(&blank, &engine, Instant::now()).unwrap();
        assert!(matches!(reading, Reading::NoText));
        assert!(engine.calls.lock().unwrap().is_empty());
    }
}
