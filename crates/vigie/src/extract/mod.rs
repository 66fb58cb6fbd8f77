//! Extraction: turns the bytes of an attachment into text segments, each
//! with its location (part, page, chain of containers). Extractors know file
//! formats and nothing about rules; containers hand what they hold back to
//! the dispatcher (`Extractor::dispatch`), under one [`Budget`].
//!
//! What is not read (images without OCR, unknown binaries, encrypted or
//! damaged parts) is reported as a problem, so that the default policy fails
//! closed.

mod archive;
mod encoding;
mod entities;
pub mod image;
mod mail;
mod office;
mod pdf;
pub mod sniff;
pub mod text;
mod zip;

use crate::budget::{Budget, Exceeded, Limits};
use crate::report::{ImageNote, Part, PixelBox, Problem, ProblemCode};
pub use image::{Bitmap, Image, ImageData, OcrEngine, OcrFailure, OcrLine, OcrWord};
#[cfg(feature = "ocr")]
pub use image::{OcrUnavailable, Tesseract};
use sniff::Format;

/// A piece of extracted text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Which part of the document.
    pub part: Part,
    /// The page, from 1, where the format has pages.
    pub page: Option<u32>,
    /// The chain of containers (`dossier.zip`, `annexes/note.docx`).
    pub path: Vec<String>,
    /// Where in an image it was read, for text read by OCR.
    pub pixels: Option<PixelBox>,
}

/// What extraction produced: segments, and what could not be read.
#[derive(Debug, Default)]
pub struct Extraction {
    /// The text, in document order.
    pub segments: Vec<Segment>,
    /// What could not be read, and why.
    pub problems: Vec<Problem>,
    /// The images met, and how each was read.
    pub images: Vec<ImageNote>,
}

/// The optional engines an extractor may call on.
#[derive(Debug, Clone, Copy)]
pub struct Engines<'a> {
    /// Reads the text of images; without it an image that may hold text
    /// is an `ocr-unavailable` problem.
    pub ocr: Option<&'a dyn OcrEngine>,
}

impl Default for Engines<'_> {
    /// What this build has: with the `ocr` feature, the system's Tesseract
    /// (`Tesseract::system`) when its language data is installed;
    /// otherwise none.
    fn default() -> Self {
        #[cfg(feature = "ocr")]
        let ocr = Tesseract::system()
            .ok()
            .map(|tesseract| tesseract as &dyn OcrEngine);
        #[cfg(not(feature = "ocr"))]
        let ocr = None;
        Engines { ocr }
    }
}

impl Engines<'_> {
    /// No engine at all: images are reported `ocr-unavailable`, whatever
    /// the build.
    pub fn none() -> Self {
        Engines { ocr: None }
    }
}

/// What one extraction runs with: the budget every stage draws from, and
/// the engines it may call on.
#[derive(Debug)]
pub struct Context<'a> {
    /// The limits and what has been spent of them.
    pub budget: Budget,
    /// Optional engines (OCR).
    pub engines: Engines<'a>,
}

impl<'a> Context<'a> {
    /// A fresh budget under `limits`, and the engines this build has
    /// ([`Engines::default`]).
    pub fn new(limits: Limits) -> Self {
        Context {
            budget: Budget::new(limits),
            engines: Engines::default(),
        }
    }

    /// With these engines.
    pub fn with_engines(mut self, engines: Engines<'a>) -> Self {
        self.engines = engines;
        self
    }
}

/// Extracts the text of `bytes` under `context`. `name` is the input's
/// name, used only in locations and messages: the content decides the
/// format.
///
/// ```
/// use vigie::extract::{Context, extract};
/// let out = extract(b"Compte rendu.", Some("note.txt"), Context::new(Default::default()));
/// assert_eq!(out.segments[0].text, "Compte rendu.");
/// assert!(out.problems.is_empty());
/// ```
pub fn extract(bytes: &[u8], name: Option<&str>, context: Context<'_>) -> Extraction {
    let limits = *context.budget.limits();
    let mut extractor = Extractor::new(context);
    if bytes.len() as u64 > limits.max_input_bytes {
        extractor.problem(
            ProblemCode::Limit,
            format!(
                "input of {} bytes is larger than the limit of {} bytes",
                bytes.len(),
                limits.max_input_bytes
            ),
        );
        return extractor.finish();
    }
    let path: Vec<String> = name.map(|n| vec![n.to_string()]).unwrap_or_default();
    extractor.dispatch(bytes, &path, 1);
    extractor.finish()
}

/// The state of one extraction: its budget, its engines and its output.
pub(crate) struct Extractor<'a> {
    budget: Budget,
    engines: Engines<'a>,
    out: Extraction,
    /// Bytes of text pushed so far.
    text_bytes: usize,
    /// Set once a scan-wide limit tripped: nothing more is read.
    stopped: bool,
}

impl<'a> Extractor<'a> {
    /// An extraction that has read nothing yet.
    pub(crate) fn new(context: Context<'a>) -> Self {
        Extractor {
            budget: context.budget,
            engines: context.engines,
            out: Extraction::default(),
            text_bytes: 0,
            stopped: false,
        }
    }

    /// What was extracted.
    pub(crate) fn finish(self) -> Extraction {
        self.out
    }

    /// Extracts `bytes`, found at `path`, `depth` containers deep.
    pub(crate) fn dispatch(&mut self, bytes: &[u8], path: &[String], depth: u32) {
        if self.stopped {
            return;
        }
        if let Err(Exceeded(message)) = self.budget.depth(depth).and_then(|()| self.budget.time()) {
            self.problem(ProblemCode::Limit, located(path, &message));
            return;
        }
        let format = sniff::format(bytes);
        self.extract_as(format, bytes, path, depth);
        // A polyglot: a PDF, a text or a picture that is also a zip.
        if format != Format::Zip && !self.stopped && zip::ends_with_archive(bytes) {
            zip::extract(self, bytes, path, depth);
        }
    }

    /// Extracts `bytes` as `format`.
    fn extract_as(&mut self, format: Format, bytes: &[u8], path: &[String], depth: u32) {
        match format {
            Format::Zip => zip::extract(self, bytes, path, depth),
            Format::Email => mail::extract(self, bytes, path, depth),
            format @ (Format::Html | Format::Xml | Format::Json | Format::Rtf | Format::Text) => {
                text::extract(self, bytes, format, path)
            }
            Format::Pdf => pdf::extract(self, bytes, path, depth),
            Format::Image => self.image_file(bytes, path),
            Format::Binary => self.problem(
                ProblemCode::Unsupported,
                located(path, "binary content of an unknown format"),
            ),
        }
    }

    /// Adds a segment of text (empty ones are dropped). Past the text limit
    /// (`max_text_bytes`, which the scanner would not read anyway) the text
    /// is cut, a `limit` problem is recorded and extraction stops, so that
    /// what extraction holds in memory stays bounded.
    pub(crate) fn push(&mut self, text: String, part: Part, page: Option<u32>, path: &[String]) {
        self.push_segment(text, part, page, path, None);
    }

    /// [`Extractor::push`], for text read in an image, with where in it.
    fn push_segment(
        &mut self,
        mut text: String,
        part: Part,
        page: Option<u32>,
        path: &[String],
        pixels: Option<PixelBox>,
    ) {
        if self.stopped || text.trim().is_empty() {
            return;
        }
        let room = self
            .budget
            .limits()
            .max_text_bytes
            .saturating_sub(self.text_bytes);
        if text.len() > room {
            let cut = crate::chars::floor_char_boundary(&text, room);
            text.truncate(cut);
            let message = format!(
                "more than {} bytes of text extracted; the rest was not read",
                self.budget.limits().max_text_bytes
            );
            self.problem(ProblemCode::Limit, located(path, &message));
            self.stopped = true;
            if text.trim().is_empty() {
                return;
            }
        }
        self.text_bytes += text.len();
        self.out.segments.push(Segment {
            text,
            part,
            page,
            path: path.to_vec(),
            pixels,
        });
    }

    /// Records a problem.
    pub(crate) fn problem(&mut self, code: ProblemCode, message: String) {
        // The same trouble in a thousand entries is one problem.
        if self.out.problems.len() >= 100 {
            return;
        }
        self.out.problems.push(Problem { code, message });
    }

    /// Records how an image was read. The first [`MAX_IMAGE_NOTES`] are
    /// kept: a report stays small whatever a document holds.
    pub(crate) fn note(&mut self, note: ImageNote) {
        if self.out.images.len() < MAX_IMAGE_NOTES {
            self.out.images.push(note);
        }
    }

    /// Counts `bytes` decoded at `path` (see [`Budget::inflate`]). False
    /// once the limit tripped: the problem is recorded once and extraction
    /// stops.
    pub(crate) fn decoded(&mut self, bytes: u64, path: &[String]) -> bool {
        if self.stopped {
            return false;
        }
        match self.budget.inflate(bytes) {
            Ok(()) => true,
            Err(Exceeded(message)) => {
                self.problem(ProblemCode::Limit, located(path, &message));
                self.stopped = true;
                false
            }
        }
    }

    /// The budget.
    pub(crate) fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    /// The engines this extraction may call on.
    pub(crate) fn engines(&self) -> Engines<'a> {
        self.engines
    }

    /// Counts `units` of parsing work (see [`Budget::step`]). False once a
    /// limit tripped: the caller stops reading; the problem is recorded
    /// once, with `path`, and nothing more is read anywhere in the input.
    pub(crate) fn step(&mut self, units: u64, path: &[String]) -> bool {
        if self.stopped {
            return false;
        }
        match self.budget.step(units) {
            Ok(()) => true,
            Err(Exceeded(message)) => {
                self.problem(ProblemCode::Limit, located(path, &message));
                self.stopped = true;
                false
            }
        }
    }

    /// Takes one more entry of a container at `path` from the budget (the
    /// entry count, the time, and a step). False once a limit tripped: the
    /// problem is recorded and the caller reads no further entries.
    pub(crate) fn next_entry(&mut self, path: &[String]) -> bool {
        if let Err(exceeded) = self.budget.entry().and_then(|()| self.budget.time()) {
            self.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return false;
        }
        self.step(1, path)
    }

    /// Whether a scan-wide limit tripped and extraction has stopped.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }
}

/// The most images one report tells of; the rest are read but not listed.
pub const MAX_IMAGE_NOTES: usize = 1000;

/// A message prefixed with where it happened.
pub(crate) fn located(path: &[String], message: &str) -> String {
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{}: {message}", path.join("/"))
    }
}

/// `path` with one more step.
pub(crate) fn child(path: &[String], name: &str) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(name.to_string());
    path
}
