//! PDF: the text of each page in reading order, from its content streams, on
//! top of lopdf's parser (lopdf's own `extract_text` ignores positioning and
//! Form XObjects, and gives up on a whole document for one bad page).
//!
//! What is read: page content streams, with the fonts' encodings and
//! ToUnicode maps (one- and two-byte codes, through lopdf); text positioning
//! (`Td`, `TD`, `Tm`, `T*`, and the spacing in `TJ` arrays), so that a line
//! break becomes a line break, a word gap a space, and letters drawn one by
//! one still make a word; Form XObjects (with a guard against cycles);
//! annotations and form-field values; the document information dictionary
//! (Microsoft sensitivity labels included) and XMP metadata.
//!
//! What is reported: a file that needs a password (`encrypted`), a damaged
//! file whose cross-reference table had to be rebuilt, missing objects and
//! streams that do not inflate (`corrupt`, with their page), and limits.

use std::collections::{BTreeMap, HashSet};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object, ObjectId};

use super::{Extractor, located, text};
use crate::report::{Part, ProblemCode};

/// Most indirect objects a PDF may hold.
const MAX_OBJECTS: usize = 500_000;
/// How deep Form XObjects may nest.
const MAX_FORM_DEPTH: usize = 8;
/// Most content-stream operators read per page, Form XObjects included.
const MAX_OPERATIONS_PER_PAGE: usize = 2_000_000;

/// Reads the PDF in `bytes`, found at `path`.
pub(super) fn extract(ex: &mut Extractor, bytes: &[u8], path: &[String]) {
    let limits = *ex.budget().limits();
    let max_stream =
        usize::try_from(limits.max_entry_bytes.min(ex.budget().inflatable())).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream),
        ..LoadOptions::default()
    };
    let mut document = match Document::load_mem_with_options(bytes, options) {
        Ok(document) => document,
        Err(error) => {
            let message = error.to_string();
            let code = if message.to_ascii_lowercase().contains("decrypt")
                || message.contains("password")
            {
                ProblemCode::Encrypted
            } else {
                ProblemCode::Corrupt
            };
            ex.problem(
                code,
                located(path, &format!("PDF cannot be read ({message})")),
            );
            return;
        }
    };
    if document.is_encrypted() && document.decrypt("").is_err() {
        ex.problem(
            ProblemCode::Encrypted,
            located(path, "PDF is encrypted with a password"),
        );
        return;
    }
    if document.objects.len() > MAX_OBJECTS {
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                &format!("PDF holds more than {MAX_OBJECTS} objects; not read"),
            ),
        );
        return;
    }
    if document.xref_recovery.is_some() {
        ex.problem(
            ProblemCode::Corrupt,
            located(path, "PDF is damaged (its cross-reference table had to be rebuilt); pages may be missing"),
        );
    }
    metadata(ex, &document, path);
    let pages = document.get_pages();
    if pages.is_empty() {
        ex.problem(
            ProblemCode::Corrupt,
            located(path, "PDF has no readable page"),
        );
        return;
    }
    let mut seen = HashSet::new();
    let mut repeated = false;
    for (&number, &page) in &pages {
        // A page tree that lists a page twice (or itself) is damaged; each
        // page is read once.
        if !seen.insert(page) {
            if !repeated {
                ex.problem(
                    ProblemCode::Corrupt,
                    located(
                        path,
                        "PDF page tree lists a page more than once (a reference cycle?)",
                    ),
                );
                repeated = true;
            }
            continue;
        }
        if let Err(exceeded) = ex.budget().time() {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        let mut reader = PageReader::new(&document, max_stream);
        reader.page(page);
        if reader.inflated > 0
            && let Err(exceeded) = ex.budget().inflate(reader.inflated as u64)
        {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        for trouble in &reader.troubles {
            ex.problem(
                ProblemCode::Corrupt,
                located(path, &format!("page {number}: {trouble}")),
            );
        }
        ex.push(reader.text, Part::Body, Some(number), path);
        ex.push(
            annotations(&document, page),
            Part::Comment,
            Some(number),
            path,
        );
    }
}

/// The document information dictionary and the XMP metadata; sensitivity
/// label names (`MSIP_Label_*_Name`) as labels.
fn metadata(ex: &mut Extractor, document: &Document, path: &[String]) {
    let mut info = String::new();
    if let Ok(dictionary) = document
        .trailer
        .get_deref(b"Info", document)
        .and_then(Object::as_dict)
    {
        for (key, value) in dictionary.iter() {
            let Ok(value) = document.dereference(value).map(|(_, v)| v) else {
                continue;
            };
            let Some(value) = text_string(value) else {
                continue;
            };
            let key = String::from_utf8_lossy(key);
            if key.starts_with("MSIP_Label_") && key.ends_with("_Name") {
                ex.push(value, Part::Label, None, path);
                continue;
            }
            info.push_str(&key);
            info.push_str(": ");
            info.push_str(&value);
            info.push('\n');
        }
    }
    ex.push(info, Part::Metadata, None, path);
    let xmp = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get_deref(b"Metadata", document).ok())
        .and_then(|object| object.as_stream().ok())
        .and_then(|stream| stream.decompressed_content_with_limit(1 << 20).ok());
    if let Some(xmp) = xmp {
        ex.push(
            text::xml_to_text(&text::decode(&xmp)),
            Part::Metadata,
            None,
            path,
        );
    }
}

/// The text of a PDF text string (PDFDocEncoding or UTF-16 with a BOM).
fn text_string(object: &Object) -> Option<String> {
    match object {
        Object::String(..) => lopdf::decode_text_string(object).ok(),
        Object::Name(name) => Some(String::from_utf8_lossy(name).into_owned()),
        _ => None,
    }
}

/// The contents and values of a page's annotations and form fields.
fn annotations(document: &Document, page: ObjectId) -> String {
    let mut out = String::new();
    for annotation in document.get_page_annotations(page).unwrap_or_default() {
        for key in [b"Contents".as_slice(), b"V", b"TU", b"T"] {
            if let Some(value) = annotation
                .get_deref(key, document)
                .ok()
                .and_then(text_string)
            {
                out.push_str(&value);
                out.push('\n');
            }
        }
    }
    out
}

/// Where the text cursor is, in text space.
#[derive(Debug, Clone, Copy)]
struct TextState {
    /// The text matrix [a b c d e f].
    matrix: [f64; 6],
    /// The start of the current line (the text line matrix).
    line: [f64; 6],
    /// Font size.
    size: f64,
    /// Leading for `T*`.
    leading: f64,
}

impl Default for TextState {
    fn default() -> Self {
        TextState {
            matrix: IDENTITY,
            line: IDENTITY,
            size: 12.0,
            leading: 0.0,
        }
    }
}

const IDENTITY: [f64; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// A font as the page reader needs it: its encoding and glyph widths.
struct FontInfo<'a> {
    encoding: Option<Encoding<'a>>,
    first_char: i64,
    widths: Vec<f64>,
    two_bytes: bool,
}

/// Reads one page: its content streams, and the Form XObjects they draw.
struct PageReader<'a> {
    document: &'a Document,
    max_stream: usize,
    text: String,
    troubles: Vec<String>,
    inflated: usize,
    operations: usize,
    /// Where the last glyph drawn ended (x, y), in user space, and the font
    /// size then.
    last: Option<(f64, f64, f64)>,
    forms_open: HashSet<ObjectId>,
}

impl<'a> PageReader<'a> {
    fn new(document: &'a Document, max_stream: usize) -> Self {
        PageReader {
            document,
            max_stream,
            text: String::new(),
            troubles: Vec::new(),
            inflated: 0,
            operations: 0,
            last: None,
            forms_open: HashSet::new(),
        }
    }

    fn page(&mut self, page: ObjectId) {
        let mut content = Vec::new();
        for id in self.document.get_page_contents(page) {
            match self.document.get_object(id).and_then(Object::as_stream) {
                Ok(stream) => match self.stream_content(stream) {
                    Some(data) => {
                        content.extend_from_slice(&data);
                        content.push(b'\n');
                    }
                    None => return,
                },
                Err(_) => self
                    .troubles
                    .push(format!("content stream {} {} is missing", id.0, id.1)),
            }
        }
        let fonts = self.document.get_page_fonts(page).unwrap_or_default();
        let resources = self.document.get_page_resources(page).ok();
        let xobjects = resources
            .map(|(own, inherited)| self.xobjects(own, &inherited))
            .unwrap_or_default();
        self.run(&content, &fonts, &xobjects, 0);
    }

    /// The decompressed content of a stream, or `None` (with a trouble
    /// noted) when it does not inflate or is too large.
    fn stream_content(&mut self, stream: &lopdf::Stream) -> Option<Vec<u8>> {
        let remaining = self.max_stream.saturating_sub(self.inflated);
        // lopdf keeps what a damaged Flate stream gave before its error and
        // says nothing; the usual case (Flate alone) is inflated here, so
        // that a damaged stream is reported.
        let flate_only = stream
            .filters()
            .is_ok_and(|f| f == [b"FlateDecode".as_slice()])
            && stream.dict.get(b"DecodeParms").is_err();
        if flate_only {
            let mut data = Vec::new();
            let decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice());
            let read = std::io::Read::read_to_end(
                &mut std::io::Read::take(decoder, remaining as u64 + 1),
                &mut data,
            );
            return match read {
                Ok(n) if n > remaining => {
                    self.troubles.push(format!(
                        "a content stream inflates past {} bytes",
                        self.max_stream
                    ));
                    None
                }
                Ok(_) => {
                    self.inflated += data.len();
                    Some(data)
                }
                Err(error) => {
                    self.troubles
                        .push(format!("a content stream does not inflate ({error})"));
                    None
                }
            };
        }
        match stream.decompressed_content_with_limit(remaining) {
            Ok(data) => {
                self.inflated += data.len();
                Some(data)
            }
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                self.troubles.push(format!(
                    "a content stream inflates past {} bytes",
                    self.max_stream
                ));
                None
            }
            Err(_) if stream.filters().map(|f| f.is_empty()).unwrap_or(true) => {
                self.inflated += stream.content.len();
                Some(stream.content.clone())
            }
            Err(error) => {
                self.troubles
                    .push(format!("a content stream does not inflate ({error})"));
                None
            }
        }
    }

    /// The XObjects of a resource dictionary and those it inherits.
    fn xobjects(
        &self,
        own: Option<&'a Dictionary>,
        inherited: &[ObjectId],
    ) -> BTreeMap<Vec<u8>, ObjectId> {
        let mut out = BTreeMap::new();
        let dictionaries = inherited
            .iter()
            .filter_map(|id| self.document.get_dictionary(*id).ok())
            .chain(own);
        for resources in dictionaries {
            if let Ok(xobjects) = resources
                .get_deref(b"XObject", self.document)
                .and_then(Object::as_dict)
            {
                for (name, value) in xobjects.iter() {
                    if let Ok(id) = value.as_reference() {
                        out.entry(name.clone()).or_insert(id);
                    }
                }
            }
        }
        out
    }

    fn font_info(&self, font: &'a Dictionary) -> FontInfo<'a> {
        let two_bytes = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Type0");
        let first_char = font.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
        let widths = font
            .get_deref(b"Widths", self.document)
            .and_then(Object::as_array)
            .map(|array| {
                array
                    .iter()
                    .map(|w| w.as_float().map(f64::from).unwrap_or(500.0))
                    .collect()
            })
            .unwrap_or_default();
        FontInfo {
            encoding: font
                .get_font_encoding_with_limit(self.document, 1 << 20)
                .ok(),
            first_char,
            widths,
            two_bytes,
        }
    }

    fn run(
        &mut self,
        content: &[u8],
        fonts: &BTreeMap<Vec<u8>, &'a Dictionary>,
        xobjects: &BTreeMap<Vec<u8>, ObjectId>,
        depth: usize,
    ) {
        let Ok(content) = Content::decode(content) else {
            self.troubles
                .push("a content stream cannot be parsed".to_string());
            return;
        };
        let mut state = TextState::default();
        let mut font_cache: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
        let mut font_list: Vec<FontInfo<'a>> = Vec::new();
        let mut current_font: Option<usize> = None;
        for operation in &content.operations {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS_PER_PAGE {
                self.troubles.push(format!(
                    "more than {MAX_OPERATIONS_PER_PAGE} drawing operations; the rest was not read"
                ));
                return;
            }
            let operands = &operation.operands;
            let number = |i: usize| {
                operands
                    .get(i)
                    .and_then(|o| o.as_float().ok())
                    .map(f64::from)
                    .unwrap_or(0.0)
            };
            match operation.operator.as_str() {
                "BT" => {
                    state.matrix = IDENTITY;
                    state.line = IDENTITY;
                }
                "Tf" => {
                    state.size = number(1);
                    if let Some(name) = operands.first().and_then(|o| o.as_name().ok()) {
                        current_font = match font_cache.get(name) {
                            Some(&index) => Some(index),
                            None => fonts.get(name).map(|dictionary| {
                                font_list.push(self.font_info(dictionary));
                                font_cache.insert(name.to_vec(), font_list.len() - 1);
                                font_list.len() - 1
                            }),
                        };
                    }
                }
                "TL" => state.leading = number(0),
                "Td" => state.move_line(number(0), number(1)),
                "TD" => {
                    state.leading = -number(1);
                    state.move_line(number(0), number(1));
                }
                "Tm" => {
                    let matrix = [
                        number(0),
                        number(1),
                        number(2),
                        number(3),
                        number(4),
                        number(5),
                    ];
                    state.matrix = matrix;
                    state.line = matrix;
                }
                "T*" => state.move_line(0.0, -state.leading),
                "Tj" => self.show(
                    &mut state,
                    current_font.map(|i| &font_list[i]),
                    operands.first(),
                ),
                "'" => {
                    state.move_line(0.0, -state.leading);
                    self.show(
                        &mut state,
                        current_font.map(|i| &font_list[i]),
                        operands.first(),
                    );
                }
                "\"" => {
                    state.move_line(0.0, -state.leading);
                    self.show(
                        &mut state,
                        current_font.map(|i| &font_list[i]),
                        operands.get(2),
                    );
                }
                "TJ" => {
                    let Some(Ok(items)) = operands.first().map(Object::as_array) else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(..) => self.show(
                                &mut state,
                                current_font.map(|i| &font_list[i]),
                                Some(item),
                            ),
                            other => {
                                // A negative adjustment moves right: a word
                                // gap when large enough.
                                let adjustment = other.as_float().map(f64::from).unwrap_or(0.0);
                                let advance = -adjustment / 1000.0 * state.size;
                                state.matrix[4] += advance * state.matrix[0];
                                state.matrix[5] += advance * state.matrix[1];
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let Some(name) = operands.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    if let Some(&id) = xobjects.get(name) {
                        self.form(id, fonts, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// Draws a Form XObject: its own content with its own resources (or the
    /// page's), at most once on the current path of forms.
    fn form(&mut self, id: ObjectId, page_fonts: &BTreeMap<Vec<u8>, &'a Dictionary>, depth: usize) {
        if !self.forms_open.insert(id) {
            self.troubles
                .push(format!("Form XObject {} {} draws itself", id.0, id.1));
            return;
        }
        let Ok(stream) = self.document.get_object(id).and_then(Object::as_stream) else {
            self.troubles
                .push(format!("XObject {} {} is missing", id.0, id.1));
            self.forms_open.remove(&id);
            return;
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Form");
        if is_form && let Some(content) = self.stream_content(stream) {
            let own = stream
                .dict
                .get_deref(b"Resources", self.document)
                .and_then(Object::as_dict)
                .ok();
            let mut fonts = page_fonts.clone();
            if let Some(own_fonts) = own
                .and_then(|r| r.get_deref(b"Font", self.document).ok())
                .and_then(|f| f.as_dict().ok())
            {
                for (name, value) in own_fonts.iter() {
                    if let Ok(dictionary) = self
                        .document
                        .dereference(value)
                        .and_then(|(_, o)| o.as_dict())
                    {
                        fonts.insert(name.clone(), dictionary);
                    }
                }
            }
            let xobjects = self.xobjects(own, &[]);
            self.run(&content, &fonts, &xobjects, depth + 1);
        }
        self.forms_open.remove(&id);
    }

    /// Shows a string: decodes it, puts a line break or a space before it if
    /// the cursor moved that far since the last glyph, and advances the
    /// cursor by the string's width.
    fn show(
        &mut self,
        state: &mut TextState,
        font: Option<&FontInfo<'a>>,
        string: Option<&Object>,
    ) {
        let Some(Object::String(bytes, _)) = string else {
            return;
        };
        let decoded = match font.and_then(|f| f.encoding.as_ref()) {
            Some(encoding) => encoding.bytes_to_string(bytes).unwrap_or_default(),
            None => text::windows_1252(bytes),
        };
        let scale = (state.matrix[0].powi(2) + state.matrix[1].powi(2))
            .sqrt()
            .max(1e-6);
        let size = (state.size * scale).abs().max(1e-3);
        let (x, y) = (state.matrix[4], state.matrix[5]);
        if let Some((last_x, last_y, last_size)) = self.last {
            let line_height = last_size.max(size);
            if (y - last_y).abs() > 0.5 * line_height {
                self.text.push('\n');
            } else if x - last_x > 0.15 * line_height || x < last_x - line_height {
                self.text.push(' ');
            }
        }
        self.text.push_str(&decoded);
        // Advance by the glyphs' widths (1/1000 of the font size each).
        let width: f64 = match font {
            Some(font) if font.two_bytes => bytes.len() as f64 / 2.0 * 500.0,
            Some(font) => bytes
                .iter()
                .map(|&code| {
                    let index = i64::from(code) - font.first_char;
                    usize::try_from(index)
                        .ok()
                        .and_then(|i| font.widths.get(i))
                        .copied()
                        .unwrap_or(500.0)
                })
                .sum(),
            None => bytes.len() as f64 * 500.0,
        };
        let advance = width / 1000.0 * state.size;
        state.matrix[4] += advance * state.matrix[0];
        state.matrix[5] += advance * state.matrix[1];
        self.last = Some((state.matrix[4], state.matrix[5], size));
    }
}

impl TextState {
    /// Moves to the start of the next line, offset by (tx, ty) in text space.
    fn move_line(&mut self, tx: f64, ty: f64) {
        let [a, b, c, d, e, f] = self.line;
        let moved = [a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f];
        self.line = moved;
        self.matrix = moved;
    }
}
