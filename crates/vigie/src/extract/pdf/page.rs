//! Reads the text of one page: its content streams, streamed through the
//! lexer, with the fonts' decoding, the text positioning (`Td`, `TD`, `Tm`,
//! `T*`, the spacing in `TJ` arrays: a line break becomes a line break, a
//! word gap a space, letters drawn one by one still make a word) and the
//! Form XObjects the page draws. It also keeps the pictures the page draws
//! (Image XObjects, inline images: see [`super::images`]) and counts the
//! codes it could not decode.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::content::{CAP_MESSAGE, Capped, Lexer, Operand, Trouble};
use super::fonts::Font;
use super::images::Drawn;
use super::streams::open_stream;
use crate::extract::Extractor;
use crate::report::ProblemCode;

/// How deep Form XObjects may nest.
const MAX_FORM_DEPTH: usize = 8;
/// Most content-stream operators read per page, Form XObjects included.
pub(super) const MAX_OPERATIONS_PER_PAGE: usize = 2_000_000;
/// Most content streams read for one page.
const MAX_CONTENT_STREAMS: usize = 10_000;
/// Most annotations of one page whose appearance is drawn.
const MAX_ANNOTATIONS_PER_PAGE: usize = 10_000;
/// Most pictures kept for one page.
const MAX_IMAGES_PER_PAGE: usize = 1_000;
/// Most bytes of inline image data kept for one page (only when an engine
/// will read them).
const MAX_INLINE_BYTES_PER_PAGE: usize = 4 << 20;

/// What the pages of one document share: fonts already read, by object (a
/// font shared by every page is read once), and the Image XObjects already
/// met (a logo on every page is read once).
#[derive(Default)]
pub(super) struct DocumentCache<'a> {
    fonts: HashMap<ObjectId, Rc<Font<'a>>>,
    images: HashSet<ObjectId>,
}

/// What reading a page gave.
#[derive(Default)]
pub(super) struct PageText<'a> {
    /// The page's text in reading order.
    pub(super) text: String,
    /// What kept part of the page from being read.
    pub(super) troubles: Vec<(ProblemCode, String)>,
    /// Codes drawn that could not be decoded, and why (one reason).
    pub(super) undecodable: usize,
    pub(super) undecodable_reason: Option<&'static str>,
    /// Pictures drawn (Image XObjects not met on an earlier page, inline
    /// images), image masks left out.
    pub(super) images: Vec<Drawn<'a>>,
    /// Bytes the page's streams inflated to.
    pub(super) inflated: u64,
    /// Whether a scan-wide limit stopped the reading.
    pub(super) stopped: bool,
}

/// Where the text cursor is, in text space: the text state of one content
/// stream, which applies the text operators one at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
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

const IDENTITY: [f64; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

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

/// What an operator asks of the page reader, once [`TextState::apply`]
/// has moved the cursor.
#[derive(Debug, PartialEq)]
enum Action<'o> {
    /// Nothing more.
    None,
    /// Select the font of this name (the size is set).
    Font(&'o [u8]),
    /// Show this string operand at the cursor.
    Show(Option<&'o Operand>),
    /// Show the strings of a `TJ` array, moving by its numbers between
    /// them ([`TextState::kern`]).
    ShowArray(&'o [Operand]),
    /// Draw the XObject of this name.
    Draw(&'o [u8]),
    /// Keep the inline image the operands describe.
    InlineImage,
}

impl TextState {
    /// Applies `operator` with `operands` to the cursor, and says what else
    /// it asks for.
    fn apply<'o>(&mut self, operator: &[u8], operands: &'o [Operand]) -> Action<'o> {
        let number = |i: usize| operands.get(i).and_then(Operand::number).unwrap_or(0.0);
        match operator {
            b"BT" => {
                self.matrix = IDENTITY;
                self.line = IDENTITY;
            }
            b"Tf" => {
                self.size = number(1);
                if let Some(Operand::Name(name)) = operands.first() {
                    return Action::Font(name);
                }
            }
            b"TL" => self.leading = number(0),
            b"Td" => self.move_line(number(0), number(1)),
            b"TD" => {
                self.leading = -number(1);
                self.move_line(number(0), number(1));
            }
            b"Tm" => {
                let matrix = std::array::from_fn(number);
                self.matrix = matrix;
                self.line = matrix;
            }
            b"T*" => self.move_line(0.0, -self.leading),
            b"Tj" => return Action::Show(operands.first()),
            b"'" => {
                self.move_line(0.0, -self.leading);
                return Action::Show(operands.first());
            }
            b"\"" => {
                self.move_line(0.0, -self.leading);
                return Action::Show(operands.get(2));
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = operands.first() {
                    return Action::ShowArray(items);
                }
            }
            b"BI" => return Action::InlineImage,
            b"Do" => {
                if let Some(Operand::Name(name)) = operands.first() {
                    return Action::Draw(name);
                }
            }
            _ => {}
        }
        Action::None
    }

    /// Moves to the start of the next line, offset by (tx, ty) in text space.
    fn move_line(&mut self, tx: f64, ty: f64) {
        let [a, b, c, d, e, f] = self.line;
        let moved = [a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f];
        self.line = moved;
        self.matrix = moved;
    }

    /// Applies a number of a `TJ` array: thousandths of the font size, a
    /// negative one moving right (a word gap when large enough).
    fn kern(&mut self, adjustment: f64) {
        self.advance(-adjustment / 1000.0 * self.size);
    }

    /// Moves the cursor `by` along the baseline, in unscaled text space.
    fn advance(&mut self, by: f64) {
        self.matrix[4] += by * self.matrix[0];
        self.matrix[5] += by * self.matrix[1];
    }

    /// The size of the font as drawn (the text matrix's scale included).
    fn drawn_size(&self) -> f64 {
        let scale = (self.matrix[0].powi(2) + self.matrix[1].powi(2))
            .sqrt()
            .max(1e-6);
        (self.size * scale).abs().max(1e-3)
    }
}

/// Where the last glyph drawn ended, and the font size then.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
}

/// What stands between the last glyph drawn and a string starting at
/// (`x`, `y`) in a font of `size`: a line break when the baseline moved by
/// more than half a line, a space when the gap is wider than 0.15 of the
/// font size (or the cursor went back more than a line's height, a new
/// column), nothing when the letters touch (letters drawn one by one still
/// make a word).
fn separator(last: Option<Glyph>, x: f64, y: f64, size: f64) -> Option<char> {
    let last = last?;
    let line_height = last.size.max(size);
    if (y - last.y).abs() > 0.5 * line_height {
        Some('\n')
    } else if x - last.x > 0.15 * line_height || x < last.x - line_height {
        Some(' ')
    } else {
        None
    }
}

/// Reads one page.
pub(super) struct PageReader<'a, 'x, 'e> {
    document: &'a Document,
    cache: &'x mut DocumentCache<'a>,
    ex: &'x mut Extractor<'e>,
    path: &'x [String],
    /// Bytes the page's streams may inflate to.
    max_stream: u64,
    /// Bytes of text the page may give.
    max_text: usize,
    out: PageText<'a>,
    operations: usize,
    /// Where the last glyph drawn ended, in user space.
    last: Option<Glyph>,
    /// Bytes of inline image data kept.
    inline_bytes: usize,
    forms_open: HashSet<ObjectId>,
}

impl<'a, 'x, 'e> PageReader<'a, 'x, 'e> {
    /// A reader for one page of `document`, drawing on `ex`'s budget.
    pub(super) fn new(
        document: &'a Document,
        cache: &'x mut DocumentCache<'a>,
        ex: &'x mut Extractor<'e>,
        path: &'x [String],
    ) -> Self {
        let limits = *ex.budget().limits();
        let max_stream = limits.max_entry_bytes.min(ex.budget().inflatable());
        PageReader {
            document,
            cache,
            ex,
            path,
            max_stream,
            max_text: limits.max_text_bytes,
            out: PageText::default(),
            operations: 0,
            last: None,
            inline_bytes: 0,
            forms_open: HashSet::new(),
        }
    }

    /// Reads the page `page`, whose resource dictionaries (its own first,
    /// then inherited ones) are `resources`.
    pub(super) fn read(mut self, page: ObjectId, resources: &[&'a Dictionary]) -> PageText<'a> {
        let counter = Cell::new(0u64);
        let mut streams = Vec::new();
        let contents = self.document.get_page_contents(page);
        if contents.len() > MAX_CONTENT_STREAMS {
            self.trouble(
                ProblemCode::Limit,
                format!("more than {MAX_CONTENT_STREAMS} content streams; the rest were not read"),
            );
        }
        for id in contents.into_iter().take(MAX_CONTENT_STREAMS) {
            match self.document.get_object(id).and_then(Object::as_stream) {
                Ok(stream) => streams.push(stream),
                Err(_) => self.trouble(
                    ProblemCode::Corrupt,
                    format!("content stream {} {} is missing", id.0, id.1),
                ),
            }
        }
        // The streams of a page are one content stream: opened one after the
        // other as the lexer reaches them (a page may list the same stream a
        // hundred thousand times: a chain of readers would nest as deep).
        let input = Concat {
            streams: streams.into_iter(),
            current: None,
            document: self.document,
            max_stream: self.max_stream,
            troubles: Vec::new(),
        };
        let troubles = self.run_concat(input, &counter, resources);
        for (code, message) in troubles {
            self.trouble(code, message);
        }
        self.appearances(page, &counter, resources);
        self.out
    }

    /// Runs the page's concatenated streams, and gives back what opening
    /// them met.
    fn run_concat(
        &mut self,
        input: Concat<'a>,
        counter: &Cell<u64>,
        resources: &[&'a Dictionary],
    ) -> Vec<(ProblemCode, String)> {
        let troubles = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let input = TroubleSink {
            inner: input,
            sink: troubles.clone(),
        };
        self.run(Box::new(input), counter, resources, 0);
        troubles.take()
    }

    /// Draws the normal appearance of each annotation of the page (a stamp,
    /// a free-text box): what a viewer shows on the page is read too.
    fn appearances(&mut self, page: ObjectId, counter: &Cell<u64>, resources: &[&'a Dictionary]) {
        let document = self.document;
        let annotations = document.get_page_annotations(page).unwrap_or_default();
        for (index, annotation) in annotations.into_iter().enumerate() {
            if index >= MAX_ANNOTATIONS_PER_PAGE {
                self.trouble(
                    ProblemCode::Limit,
                    format!(
                        "more than {MAX_ANNOTATIONS_PER_PAGE} annotations; the rest were not read"
                    ),
                );
                return;
            }
            if !self.ex.step(1, self.path) {
                self.out.stopped = true;
                return;
            }
            let Ok(normal) = annotation
                .get_deref(b"AP", document)
                .and_then(Object::as_dict)
                .and_then(|ap| ap.get(b"N"))
            else {
                continue;
            };
            // One stream, or a dictionary of appearance states.
            let mut ids = Vec::new();
            match normal {
                Object::Reference(id) => match document.get_object(*id) {
                    Ok(Object::Stream(_)) => ids.push(*id),
                    Ok(Object::Dictionary(states)) => {
                        ids.extend(states.iter().filter_map(|(_, v)| v.as_reference().ok()))
                    }
                    _ => {}
                },
                Object::Dictionary(states) => {
                    ids.extend(states.iter().filter_map(|(_, v)| v.as_reference().ok()))
                }
                _ => {}
            }
            for id in ids.into_iter().take(16) {
                self.form(id, counter, resources, 0);
            }
        }
    }

    fn trouble(&mut self, code: ProblemCode, message: String) {
        if self.out.troubles.len() < 8 && !self.out.troubles.iter().any(|(_, m)| *m == message) {
            self.out.troubles.push((code, message));
        }
    }

    /// A reader of a stream's decoded content (see [`open_stream`]).
    fn stream_reader(&mut self, stream: &'a Stream) -> Option<Box<dyn Read + 'a>> {
        match open_stream(self.document, stream, self.max_stream) {
            Ok(reader) => Some(reader),
            Err((code, message)) => {
                self.trouble(code, message);
                None
            }
        }
    }

    /// The XObject named `name` in `resources`.
    fn xobject(&self, resources: &[&'a Dictionary], name: &[u8]) -> Option<ObjectId> {
        resources.iter().find_map(|dictionary| {
            dictionary
                .get_deref(b"XObject", self.document)
                .and_then(Object::as_dict)
                .ok()?
                .get(name)
                .ok()?
                .as_reference()
                .ok()
        })
    }

    /// The font named `name` in `resources`, read once per document when it
    /// is an indirect object.
    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font<'a>>> {
        let document = self.document;
        let value = resources.iter().find_map(|dictionary| {
            dictionary
                .get_deref(b"Font", document)
                .and_then(Object::as_dict)
                .ok()?
                .get(name)
                .ok()
        })?;
        let id = value.as_reference().ok();
        if let Some(id) = id
            && let Some(font) = self.cache.fonts.get(&id)
        {
            return Some(font.clone());
        }
        let dictionary = document.dereference(value).ok()?.1.as_dict().ok()?;
        // Reading a font (its ToUnicode map above all) is work too.
        if !self.ex.step(64, self.path) {
            self.out.stopped = true;
        }
        let font = Rc::new(Font::new(document, dictionary));
        if let Some(id) = id {
            self.cache.fonts.insert(id, font.clone());
        }
        Some(font)
    }

    /// Interprets a content stream.
    fn run(
        &mut self,
        input: Box<dyn Read + 'a>,
        counter: &Cell<u64>,
        resources: &[&'a Dictionary],
        depth: usize,
    ) {
        let capped = Capped::new(input, counter, self.max_stream);
        let mut lexer = Lexer::new(capped);
        let mut state = TextState::default();
        // Fonts by name in this stream's resources, looked up once.
        let mut named: BTreeMap<Vec<u8>, Option<Rc<Font<'a>>>> = BTreeMap::new();
        let mut font: Option<Rc<Font<'a>>> = None;
        let mut font_name: Vec<u8> = Vec::new();
        let mut operands = Vec::new();
        while let Some(operator) = lexer.next_operation(&mut operands) {
            if !self.may_go_on() {
                break;
            }
            match state.apply(&operator, &operands) {
                Action::None => {}
                Action::Font(name) => {
                    font = match named.get(name) {
                        Some(font) => font.clone(),
                        None => {
                            let found = self.font(resources, name);
                            named.insert(name.to_vec(), found.clone());
                            found
                        }
                    };
                    font_name = name.to_vec();
                }
                Action::Show(string) => {
                    self.show(&mut state, font.as_deref(), &font_name, string);
                }
                Action::ShowArray(items) => {
                    for item in items {
                        match item {
                            Operand::String(_) => {
                                self.show(&mut state, font.as_deref(), &font_name, Some(item))
                            }
                            other => state.kern(other.number().unwrap_or(0.0)),
                        }
                    }
                }
                Action::Draw(name) => {
                    if let Some(id) = self.xobject(resources, name) {
                        self.xobject_drawn(id, counter, resources, depth);
                    }
                }
                Action::InlineImage => self.inline_image(&operands),
            }
        }
        self.lexer_troubles(std::mem::take(&mut lexer.troubles));
        self.out.inflated = counter.get();
    }

    /// Counts one more operation; false once a limit says to stop reading
    /// the page (the operation count, the scan's steps, the text size).
    fn may_go_on(&mut self) -> bool {
        self.operations += 1;
        if self.operations > MAX_OPERATIONS_PER_PAGE {
            self.trouble(
                ProblemCode::Limit,
                format!(
                    "more than {MAX_OPERATIONS_PER_PAGE} drawing operations; the rest was not read"
                ),
            );
            return false;
        }
        if !self.ex.step(1, self.path) {
            self.out.stopped = true;
        }
        if self.out.stopped {
            return false;
        }
        if self.out.text.len() > self.max_text {
            self.trouble(
                ProblemCode::Limit,
                format!(
                    "a page gives more than {} bytes of text; the rest was not read",
                    self.max_text
                ),
            );
            return false;
        }
        true
    }

    /// Reports what the lexer met.
    fn lexer_troubles(&mut self, troubles: Vec<Trouble>) {
        for trouble in troubles {
            match trouble {
                Trouble::Read(message) if message == CAP_MESSAGE => self.trouble(
                    ProblemCode::Limit,
                    format!(
                        "content streams inflate past {} bytes; the rest was not read",
                        self.max_stream
                    ),
                ),
                Trouble::Read(message) => self.trouble(
                    ProblemCode::Corrupt,
                    format!("a content stream does not inflate ({message})"),
                ),
                Trouble::TooLarge(what) => self.trouble(
                    ProblemCode::Corrupt,
                    format!(
                        "a content stream holds a {what} too large to read; part of it was not read"
                    ),
                ),
            }
        }
    }

    /// Keeps the inline image the lexer gave as `operands`: with its data
    /// when an engine will read it, within [`MAX_INLINE_BYTES_PER_PAGE`].
    fn inline_image(&mut self, operands: &[Operand]) {
        let keep_data = self.ex.reads_images();
        let size = match operands.last() {
            Some(Operand::String(data)) if keep_data => data.len(),
            _ => 0,
        };
        if self.inline_bytes + size > MAX_INLINE_BYTES_PER_PAGE {
            self.trouble(
                ProblemCode::Limit,
                format!(
                    "inline images hold more than {MAX_INLINE_BYTES_PER_PAGE} bytes; the rest were not read"
                ),
            );
            return;
        }
        if let Some(image) = Drawn::inline(self.document, operands, keep_data) {
            self.inline_bytes += size;
            self.keep_image(image);
        }
    }

    /// Keeps a picture the page draws, for the image path.
    fn keep_image(&mut self, image: Drawn<'a>) {
        if self.out.images.len() >= MAX_IMAGES_PER_PAGE {
            self.trouble(
                ProblemCode::Limit,
                format!("more than {MAX_IMAGES_PER_PAGE} images; the rest were not read"),
            );
            return;
        }
        self.out.images.push(image);
    }

    /// Draws XObject `id`: a Form XObject's own content with its own
    /// resources (then the page's), at most once on the current path of
    /// forms; an image is kept.
    fn xobject_drawn(
        &mut self,
        id: ObjectId,
        counter: &Cell<u64>,
        resources: &[&'a Dictionary],
        depth: usize,
    ) {
        let Ok(stream) = self.document.get_object(id).and_then(Object::as_stream) else {
            self.trouble(
                ProblemCode::Corrupt,
                format!("XObject {} {} is missing", id.0, id.1),
            );
            return;
        };
        match stream
            .dict
            .get_deref(b"Subtype", self.document)
            .and_then(Object::as_name)
        {
            Ok(b"Image") => {
                // Read once per document, whichever page draws it first.
                if self.cache.images.insert(id)
                    && let Some(image) = Drawn::xobject(self.document, stream)
                {
                    self.keep_image(image);
                }
            }
            // A form, or an XObject that does not say (drawn as a form: what
            // it holds is read rather than skipped).
            _ => self.form(id, counter, resources, depth),
        }
    }

    /// Draws Form XObject `id` (see [`Self::xobject_drawn`]).
    fn form(
        &mut self,
        id: ObjectId,
        counter: &Cell<u64>,
        resources: &[&'a Dictionary],
        depth: usize,
    ) {
        let Ok(stream) = self.document.get_object(id).and_then(Object::as_stream) else {
            return;
        };
        if depth >= MAX_FORM_DEPTH {
            self.trouble(
                ProblemCode::Limit,
                format!("Form XObjects nested deeper than {MAX_FORM_DEPTH}; the inner ones were not read"),
            );
            return;
        }
        if !self.forms_open.insert(id) {
            self.trouble(
                ProblemCode::Corrupt,
                format!("Form XObject {} {} draws itself", id.0, id.1),
            );
            return;
        }
        if let Some(reader) = self.stream_reader(stream) {
            let own = stream
                .dict
                .get_deref(b"Resources", self.document)
                .and_then(Object::as_dict)
                .ok();
            let mut chain: Vec<&'a Dictionary> = own.into_iter().collect();
            chain.extend_from_slice(resources);
            self.run(reader, counter, &chain, depth + 1);
        }
        self.forms_open.remove(&id);
    }

    /// Shows a string: decodes it, puts a line break or a space before it if
    /// the cursor moved that far since the last glyph, and advances the
    /// cursor by the string's width.
    fn show(
        &mut self,
        state: &mut TextState,
        font: Option<&Font<'a>>,
        font_name: &[u8],
        string: Option<&Operand>,
    ) {
        let Some(Operand::String(bytes)) = string else {
            return;
        };
        let missing;
        let font = match font {
            Some(font) => font,
            None => {
                self.trouble(
                    ProblemCode::Corrupt,
                    format!(
                        "text drawn in font /{}, which the page does not define",
                        String::from_utf8_lossy(font_name)
                    ),
                );
                missing = Font::missing();
                &missing
            }
        };
        let decoded = font.decode(bytes);
        if decoded.undecodable > 0 {
            self.out.undecodable += decoded.undecodable;
            self.out.undecodable_reason = self
                .out
                .undecodable_reason
                .or(font.undecodable_reason())
                .or(Some("codes with no character in the font's encoding"));
        }
        let size = state.drawn_size();
        if let Some(separator) = separator(self.last, state.matrix[4], state.matrix[5], size) {
            self.out.text.push(separator);
        }
        self.out.text.push_str(&decoded.text);
        // Advance by the glyphs' widths (1/1000 of the font size each).
        state.advance(font.width(bytes) / 1000.0 * state.size);
        self.last = Some(Glyph {
            x: state.matrix[4],
            y: state.matrix[5],
            size,
        });
    }
}

/// The streams of a page read as one, each opened when the one before it
/// ends, with a line break between them.
struct Concat<'a> {
    streams: std::vec::IntoIter<&'a Stream>,
    current: Option<Box<dyn Read + 'a>>,
    document: &'a Document,
    max_stream: u64,
    troubles: Vec<(ProblemCode, String)>,
}

impl Read for Concat<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(current) = &mut self.current {
                let n = current.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                self.current = None;
                if buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = b'\n';
                return Ok(1);
            }
            let Some(stream) = self.streams.next() else {
                return Ok(0);
            };
            match open_stream(self.document, stream, self.max_stream) {
                Ok(reader) => self.current = Some(reader),
                Err(trouble) => self.troubles.push(trouble),
            }
        }
    }
}

/// A [`Concat`] that hands what it met to a shared list when it is dropped.
struct TroubleSink<'a> {
    inner: Concat<'a>,
    sink: std::rc::Rc<std::cell::RefCell<Vec<(ProblemCode, String)>>>,
}

impl Read for TroubleSink<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf);
        self.sink.borrow_mut().append(&mut self.inner.troubles);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::content::Lexer;

    /// The cursor (x, y) and leading after `content`, read from a fresh text
    /// state at size 10, and what its last operator asked for.
    fn after(content: &str) -> ((f64, f64), f64, String) {
        let mut lexer = Lexer::new(content.as_bytes());
        let mut operands = Vec::new();
        let mut state = TextState {
            size: 10.0,
            ..TextState::default()
        };
        let mut last = String::new();
        while let Some(operator) = lexer.next_operation(&mut operands) {
            last = match state.apply(&operator, &operands) {
                Action::ShowArray(items) => {
                    for item in items {
                        if let Some(n) = item.number() {
                            state.kern(n);
                        }
                    }
                    "show array".into()
                }
                action => format!("{action:?}"),
            };
        }
        ((state.matrix[4], state.matrix[5]), state.leading, last)
    }

    #[test]
    fn the_text_state_applies_one_operator_at_a_time() {
        let rows: &[(&str, (f64, f64), f64, &str)] = &[
            ("100 700 Td", (100.0, 700.0), 0.0, "None"),
            // Td moves from the start of the line, twice.
            ("100 700 Td 10 -12 Td", (110.0, 688.0), 0.0, "None"),
            // TD also sets the leading, T* uses it.
            ("100 700 TD", (100.0, 700.0), -700.0, "None"),
            ("0 -14 TD T*", (0.0, -28.0), 14.0, "None"),
            ("16 TL 72 700 Td T*", (72.0, 684.0), 16.0, "None"),
            // Tm sets both matrices; Td is then in its scaled space.
            ("2 0 0 2 50 60 Tm 10 5 Td", (70.0, 70.0), 0.0, "None"),
            // BT starts again from the origin.
            ("100 700 Td BT", (0.0, 0.0), 0.0, "None"),
            // ' and \" go down a line, then show.
            (
                "12 TL 0 100 Td (x) '",
                (0.0, 88.0),
                12.0,
                "Show(Some(String([120])))",
            ),
            (
                "12 TL 1 2 (x) \"",
                (0.0, -12.0),
                12.0,
                "Show(Some(String([120])))",
            ),
            // TJ numbers: thousandths of the size, negative to the right.
            ("[(a) -500 (b) 250] TJ", (2.5, 0.0), 0.0, "show array"),
            // Tf asks for its font; Do for its XObject; BI keeps an image.
            ("/F1 12 Tf", (0.0, 0.0), 0.0, "Font([70, 49])"),
            ("/Im1 Do", (0.0, 0.0), 0.0, "Draw([73, 109, 49])"),
            ("BI /W 1 /H 1 ID x EI", (0.0, 0.0), 0.0, "InlineImage"),
            // Operators without their operands change nothing and ask for
            // nothing.
            ("TJ Tf Do", (0.0, 0.0), 0.0, "None"),
        ];
        let mut failures = Vec::new();
        for (content, cursor, leading, action) in rows {
            let got = after(content);
            if got != (*cursor, *leading, action.to_string()) {
                failures.push(format!("{content:?}: got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn separators_follow_the_font_size() {
        let glyph = |x, y, size| Some(Glyph { x, y, size });
        // Last glyph, next string (x, y, size), what stands between.
        type Row = (Option<Glyph>, (f64, f64, f64), Option<char>);
        let rows: &[Row] = &[
            (None, (0.0, 0.0, 10.0), None),
            (glyph(100.0, 700.0, 10.0), (100.0, 700.0, 10.0), None),
            (glyph(100.0, 700.0, 10.0), (101.5, 700.0, 10.0), None),
            (glyph(100.0, 700.0, 10.0), (101.6, 700.0, 10.0), Some(' ')),
            (glyph(100.0, 700.0, 10.0), (100.0, 694.9, 10.0), Some('\n')),
            (glyph(100.0, 700.0, 10.0), (100.0, 695.0, 10.0), None),
            // A step back of more than a line's height: a new column.
            (glyph(100.0, 700.0, 10.0), (89.0, 700.0, 10.0), Some(' ')),
            (glyph(100.0, 700.0, 10.0), (90.0, 700.0, 10.0), None),
            // The larger of the two sizes sets the thresholds.
            (glyph(100.0, 700.0, 10.0), (102.0, 700.0, 20.0), None),
            (glyph(100.0, 700.0, 40.0), (100.0, 690.0, 10.0), None),
        ];
        let failures: Vec<String> = rows
            .iter()
            .filter(|(last, (x, y, size), expected)| separator(*last, *x, *y, *size) != *expected)
            .map(|row| format!("{row:?}"))
            .collect();
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }
}
