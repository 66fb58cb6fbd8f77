//! The image path: pictures found anywhere (an attachment that is an image,
//! a picture inside a PDF page or an Office file) come here. With an OCR
//! engine in the [`Context`](super::Context) their text is read; without
//! one, an image that could hold text is a problem (`ocr-unavailable`), so
//! that a stamp scanned into a picture is never passed as read.

mod decode;
pub(crate) mod metadata;
mod prepare;
mod read;
#[cfg(feature = "ocr")]
mod tesseract;
mod textlike;

use std::borrow::Cow;
use std::time::Instant;
#[cfg(feature = "ocr")]
pub use tesseract::{DEFAULT_LANGUAGES, OcrUnavailable, Tesseract};

use super::{Extractor, located};
use crate::report::{ImageNote, ImageRead, Part, PixelBox, ProblemCode};

/// An image narrower than this on its short side cannot hold a readable
/// glyph (a glyph needs about 8 pixels each way).
pub const MIN_GLYPH_PIXELS: u32 = 8;
/// An image shorter than this on its long side cannot hold a word (two
/// glyphs). The two bounds are on the short and the long side, not on the
/// width and the height, so that a narrow strip of text written upwards
/// (a stamp in a margin) is still read; icons, rules and bullets are
/// skipped without a problem.
pub const MIN_WORD_PIXELS: u32 = 16;

/// An image to read.
#[derive(Debug, Clone)]
pub struct Image<'a> {
    /// Its width in pixels, as its container declares it (0 when unknown).
    pub width: u32,
    /// Its height in pixels (0 when unknown).
    pub height: u32,
    /// Its content.
    pub data: ImageData<'a>,
}

/// The content of an [`Image`].
#[derive(Debug, Clone)]
pub enum ImageData<'a> {
    /// An image file: PNG, JPEG, JPEG 2000, TIFF, GIF, BMP, WebP.
    File(&'a [u8]),
    /// Decoded samples, row after row, without padding: what a PDF image
    /// stream holds once its filters are undone.
    Samples {
        /// Bits per sample (1, 2, 4, 8 or 16).
        bits_per_component: u8,
        /// Samples per pixel (1 grey, 3 RGB, 4 CMYK).
        components: u8,
        /// The samples.
        samples: Cow<'a, [u8]>,
    },
}

/// A picture made ready for an OCR engine: 8-bit grey levels, black text
/// on white, row after row without padding (`pixels.len()` is `width` ×
/// `height`).
#[derive(Debug, Clone, Copy)]
pub struct Bitmap<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The grey levels, 0 black, 255 white.
    pub pixels: &'a [u8],
    /// The resolution to assume, in pixels per inch.
    pub ppi: u32,
}

/// One word an OCR engine read, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    /// The text.
    pub text: String,
    /// How sure the engine is, from 0 to 100.
    pub confidence: f32,
    /// Where in the bitmap.
    pub pixels: PixelBox,
    /// The ordinal of its line, in reading order: words of one line share
    /// it.
    pub line: u32,
}

/// One line of text read in an image, and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrLine {
    /// The text.
    pub text: String,
    /// Where in the image.
    pub pixels: PixelBox,
}

/// Why an OCR engine could not read an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrFailure {
    /// The problem to report (`unsupported`, `corrupt`, `limit`).
    pub code: ProblemCode,
    /// What went wrong, without content from the image.
    pub message: String,
}

/// An engine that reads the words of a bitmap. vigie's core decodes and
/// prepares pictures itself (limits, contrast, scale, turns, the skip
/// rule); an engine only recognises. With the `ocr` feature,
/// `Tesseract` (in `vigie::extract`) is one.
pub trait OcrEngine: Send + Sync + std::fmt::Debug {
    /// Recognises the words of `bitmap`, giving up at `deadline`.
    fn recognize(&self, bitmap: &Bitmap<'_>, deadline: Instant)
    -> Result<Vec<OcrWord>, OcrFailure>;
}

impl Image<'_> {
    /// Whether the image is large enough to hold a line of text. An image
    /// whose size is not known is taken as large enough.
    pub fn may_hold_text(&self) -> bool {
        may_hold_text(self.width, self.height)
    }
}

/// Whether an image of `width` × `height` pixels (0 when unknown) may hold
/// a line of text (see [`Image::may_hold_text`]).
pub(crate) fn may_hold_text(width: u32, height: u32) -> bool {
    let known = width > 0 && height > 0;
    !known || (width.min(height) >= MIN_GLYPH_PIXELS && width.max(height) >= MIN_WORD_PIXELS)
}

impl Extractor<'_> {
    /// Reads an image file that is an input or an attachment of its own:
    /// its metadata, then its pixels.
    pub(crate) fn image_file(&mut self, file: &[u8], path: &[String]) {
        self.image_metadata(file, path);
        let (width, height) = decode::dimensions(file).unwrap_or((0, 0));
        let image = Image {
            width,
            height,
            data: ImageData::File(file),
        };
        self.image(&image, None, path);
    }

    /// Reads an image found at `path` (on `page`, in a paged document).
    /// Without an OCR engine, an image that may hold text is a problem.
    pub(crate) fn image(&mut self, image: &Image<'_>, page: Option<u32>, path: &[String]) {
        if self.stopped() {
            return;
        }
        if !image.may_hold_text() {
            self.note_image(path, page, (image.width, image.height), ImageRead::TooSmall);
            return;
        }
        let max_pixels = self.budget().limits().max_image_pixels;
        let declared = (image.width, image.height);
        if u64::from(image.width) * u64::from(image.height) > max_pixels {
            // Refused by its declared size, engine or not: a bomb is a
            // limit whatever the build.
            let why = format!("more than the limit of {max_pixels} pixels; not decoded");
            self.image_not_read(ProblemCode::Limit, &why, declared, page, path);
            return;
        }
        let Some(ocr) = self.engines().ocr else {
            let why = "no OCR engine is available to read it";
            self.image_not_read(ProblemCode::OcrUnavailable, why, declared, page, path);
            return;
        };
        let decodable = self.budget().inflatable();
        let (gray, spent) = match decode::decode(image, max_pixels, decodable) {
            Ok(decoded) => decoded,
            Err(undecodable) => {
                self.image_not_read(undecodable.code, &undecodable.message, declared, page, path);
                return;
            }
        };
        let size = (gray.width, gray.height);
        if !may_hold_text(gray.width, gray.height) {
            self.note_image(path, page, size, ImageRead::TooSmall);
            return;
        }
        // Decoding is work the budget counts, in bytes and steps.
        if !self.decoded(spent, path) || !self.step(gray.area() / 4096, path) {
            self.note_image(path, page, size, ImageRead::NotRead);
            return;
        }
        let deadline = self.budget().deadline();
        match read::read(&gray, ocr, deadline) {
            Ok(read::Reading::NoText) => self.note_image(path, page, size, ImageRead::NoText),
            Ok(read::Reading::Read(lines)) => {
                self.note_image(path, page, size, ImageRead::Ocr);
                for line in lines {
                    self.push_read_from_image(line, page, path);
                }
            }
            Err(failure) => {
                self.image_not_read(failure.code, &failure.message, size, page, path);
            }
        }
    }

    /// Reports the image of `size` at `path` (on `page`) as not read:
    /// a problem of `code` saying `why`, and the report's note.
    fn image_not_read(
        &mut self,
        code: ProblemCode,
        why: &str,
        size: (u32, u32),
        page: Option<u32>,
        path: &[String],
    ) {
        let what = describe(size.0, size.1, page);
        self.problem(code, located(path, &format!("{what}: {why}")));
        self.note_image(path, page, size, ImageRead::NotRead);
    }

    /// Records how the image at `path` was read, for the report.
    fn note_image(
        &mut self,
        path: &[String],
        page: Option<u32>,
        size: (u32, u32),
        read: ImageRead,
    ) {
        self.note(ImageNote {
            path: path.to_vec(),
            page,
            width: size.0,
            height: size.1,
            read,
        });
    }

    /// Whether images handed to [`Self::image`] will be read. Without an
    /// engine an extractor need not decode the images it finds (decoding
    /// would spend the budget for nothing): it reports them together with
    /// [`Self::images_not_read`].
    pub(crate) fn reads_images(&self) -> bool {
        self.engines().ocr.is_some()
    }

    /// Reports the images of `sizes` (width, height), found together (on
    /// `page`) at `path`, as not read for want of an OCR engine: one
    /// problem for all of them, `note` after their description. Images too
    /// small to hold text are left out.
    pub(crate) fn images_not_read(
        &mut self,
        sizes: &[(u32, u32)],
        page: Option<u32>,
        path: &[String],
        note: &str,
    ) {
        if self.stopped() {
            return;
        }
        for &(width, height) in sizes {
            let read = if may_hold_text(width, height) {
                ImageRead::NotRead
            } else {
                ImageRead::TooSmall
            };
            self.note_image(path, page, (width, height), read);
        }
        let holding: Vec<&(u32, u32)> = sizes
            .iter()
            .filter(|(w, h)| may_hold_text(*w, *h))
            .collect();
        let what = match holding.as_slice() {
            [] => return,
            [(width, height)] => format!(
                "{}{note}: no OCR engine is available to read it",
                describe(*width, *height, page)
            ),
            many => {
                let count = if note.is_empty() {
                    format!("{} images not read", many.len())
                } else {
                    format!("{} images", many.len())
                };
                let count = match page {
                    Some(page) => format!("page {page}: {count}"),
                    None => count,
                };
                format!("{count}{note}: no OCR engine is available to read them")
            }
        };
        self.problem(ProblemCode::OcrUnavailable, located(path, &what));
    }

    fn push_read_from_image(&mut self, line: OcrLine, page: Option<u32>, path: &[String]) {
        self.push_segment(line.text, Part::Ocr, page, path, Some(line.pixels));
    }
}

/// "image", "page 3: image of 640×480 pixels".
fn describe(width: u32, height: u32, page: Option<u32>) -> String {
    let size = if width > 0 && height > 0 {
        format!("image of {width}×{height} pixels")
    } else {
        "image".to_string()
    };
    match page {
        Some(page) => format!("page {page}: {size}"),
        None => size,
    }
}

#[cfg(test)]
mod tests {
    use super::may_hold_text;

    #[test]
    fn icons_cannot_hold_text_but_strips_can() {
        let cases = [
            // (width, height, may hold text)
            (0, 0, true),    // size unknown: read it
            (1, 1, false),   // a pixel stretched over a page
            (8, 8, false),   // an icon: no room for a word
            (15, 7, false),  // a rule
            (16, 8, true),   // two glyphs side by side
            (12, 80, true),  // a stamp written upwards in a margin
            (7, 400, false), // a line drawn as a picture
            (640, 480, true),
        ];
        for (width, height, expected) in cases {
            assert_eq!(may_hold_text(width, height), expected, "{width}×{height}");
        }
    }
}
