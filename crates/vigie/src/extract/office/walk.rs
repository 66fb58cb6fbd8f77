//! The one XML walker that reads every part of an office document.
//!
//! [`XmlRules`] say, per family, which elements end a line, which hold no
//! text (cell values that are only indices, field codes), which switch the
//! part (an OpenDocument master page, an Excel `oddHeader`), which
//! attributes carry text (sheet names, a watermark's `v:textpath string`,
//! alternative text), and which elements make tables (for [`Tables`]).
//! Runs of one word split across elements (`DIFFU</w:t>…<w:t>SION`) join
//! with no separator.
//!
//! Beyond element text, the walker reads:
//! - spreadsheet cells: a formula's cached string, and when a formula has
//!   no cached value its string literals ([`sheet::formula_literals`]);
//!   shared-string and number cells go to the table reader;
//! - `mc:AlternateContent`: a fallback (the VML copy of a text box or of a
//!   WordArt watermark) is read only when its text differs from its
//!   choice's, so that one banner gives one finding while a marking only
//!   in the fallback is still found.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::rules::XmlRules;
use super::sheet;
use super::tables::Tables;
use crate::report::Part;

/// What a part's XML holds: its text by part, in document order, and the
/// credentials its tables keep, written as lines ("Mot de passe : X").
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Walked {
    pub(super) pieces: Vec<(Part, String)>,
    pub(super) credentials: Vec<(Part, String)>,
}

/// Longest formula kept to read its literals.
const FORMULA_BYTES: usize = 4096;
/// Longest cell value kept for the table reader.
const VALUE_BYTES: usize = 64;
/// `mc:AlternateContent` nested deeper than this is read through, both
/// branches.
const ALTERNATES: usize = 16;

/// What kind of value a spreadsheet cell (`<c t="…">`) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    /// `t="s"`: an index into the shared strings.
    Shared,
    /// `t="str"`, `inlineStr`, `e`: text in the cell, read as text.
    Text,
    /// `t="b"`: 0 or 1.
    Bool,
    /// A number or a date.
    Number,
}

/// The spreadsheet cell being read.
struct Cell {
    kind: CellKind,
    value: String,
    formula: String,
    in_value: bool,
    in_formula: bool,
}

/// Text emitted, held back inside `mc:Choice` and `mc:Fallback` until the
/// branch ends.
#[derive(Default)]
struct Sink {
    out: Vec<(Part, String)>,
    frames: Vec<Frame>,
    /// Bytes emitted so far, anywhere.
    emitted: usize,
}

struct Frame {
    depth: usize,
    fallback: bool,
    pieces: Vec<(Part, String)>,
}

/// An open `mc:AlternateContent` and the text of its choices, without
/// white space.
struct Alternate {
    depth: usize,
    choices: Vec<String>,
}

fn append(pieces: &mut Vec<(Part, String)>, part: Part, text: &str) {
    match pieces.last_mut() {
        Some((last, buffer)) if *last == part => buffer.push_str(text),
        _ => pieces.push((part, text.to_string())),
    }
}

impl Sink {
    fn emit(&mut self, part: Option<Part>, text: &str) {
        let Some(part) = part else { return };
        self.emitted += text.len();
        let target = match self.frames.last_mut() {
            Some(frame) => &mut frame.pieces,
            None => &mut self.out,
        };
        append(target, part, text);
    }

    fn flush(&mut self, pieces: Vec<(Part, String)>) {
        let target = match self.frames.last_mut() {
            Some(frame) => &mut frame.pieces,
            None => &mut self.out,
        };
        for (part, text) in pieces {
            append(target, part, &text);
        }
    }
}

fn without_spaces(pieces: &[(Part, String)]) -> String {
    pieces
        .iter()
        .flat_map(|(_, t)| t.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Text of an XML part, by part, in document order; `shared` are the
/// workbook's shared strings (for spreadsheet tables); `step` counts one
/// step per XML event and stops the reading when it returns false.
pub(super) fn walk(
    xml: &[u8],
    rules: &XmlRules,
    shared: &[String],
    step: &mut dyn FnMut(u64) -> bool,
) -> Result<Walked, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut walker = Walker::new(rules, shared);
    loop {
        if !step(1) {
            break;
        }
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|e| format!("damaged XML at byte {} ({e})", reader.buffer_position()))?;
        match event {
            Event::Start(element) => walker.start(&element, false),
            Event::Empty(element) => walker.start(&element, true),
            Event::End(element) => {
                let name = element.local_name();
                walker.end(name.as_ref());
            }
            Event::Text(content) => walker.text(&content.xml10_content()),
            Event::CData(data) => walker.cdata(&data.into_inner()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => super::super::text::entity(&reference.xml10_content()),
                };
                if let Some(c) = resolved {
                    walker.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(walker.finish())
}

/// The state of the walk through one part: called on each element's start
/// and end and on each piece of text, in document order.
struct Walker<'r> {
    rules: &'r XmlRules,
    shared: &'r [String],
    /// Parts entered through switching elements (with their depth, and
    /// whether their text carries print codes), innermost last.
    parts: Vec<(usize, Part, bool)>,
    /// Depths of the open DrawingML shapes (`p:sp`): a slide's footer
    /// placeholder switches its shape to the footer.
    shapes: Vec<usize>,
    depth: usize,
    silent_depth: usize,
    /// How many cell values holding text (a formula's string result, an
    /// inline string, an error) are open: those are read although `v` is
    /// silent.
    text_values: usize,
    cell: Option<Cell>,
    sink: Sink,
    alternates: Vec<Alternate>,
    tables: Tables,
    /// The attribute texts emitted since the last other text, and
    /// `sink.emitted` after the last of them: `wp:docPr` and `pic:cNvPr`
    /// often repeat the same description, which is read once.
    attributes_since: (usize, Vec<String>),
    /// Text of a print header or footer, held until its element ends so
    /// that its codes can be stripped whole ("&" arrives as an entity of
    /// its own).
    pending: String,
}

impl<'r> Walker<'r> {
    fn new(rules: &'r XmlRules, shared: &'r [String]) -> Self {
        Walker {
            rules,
            shared,
            parts: Vec::new(),
            shapes: Vec::new(),
            depth: 0,
            silent_depth: 0,
            text_values: 0,
            cell: None,
            sink: Sink::default(),
            alternates: Vec::new(),
            tables: Tables::default(),
            attributes_since: (0, Vec::new()),
            pending: String::new(),
        }
    }

    /// The part the text read now belongs to.
    fn part(&self) -> Option<Part> {
        self.parts.last().map(|(_, p, _)| *p).or(self.rules.base)
    }

    /// An element starts (`empty`: and ends, `<x/>`).
    fn start(&mut self, element: &BytesStart<'_>, empty: bool) {
        let name = element.local_name();
        let name: &str = name.as_ref();
        let part = self.part();
        if name == "c" {
            self.cell = Some(Cell {
                kind: CellKind::Number,
                value: String::new(),
                formula: String::new(),
                in_value: false,
                in_formula: false,
            });
        }
        let (reference, placeholder, span) = self.attributes(name, element, part);
        if let (Some(placeholder), Some(&shape)) = (placeholder, self.shapes.last())
            && part.is_some()
            && self.parts.last().is_none_or(|(d, _, _)| *d < shape)
        {
            self.parts.push((shape, placeholder, false));
        }
        if part.is_some() {
            let tables = &self.rules.tables;
            if tables.table.contains(&name) {
                self.tables.start_table(part.unwrap_or_default());
            } else if tables.row.contains(&name) {
                self.tables.start_row();
            } else if tables.cell.contains(&name) {
                self.tables.start_cell(reference, span);
            }
        }
        if empty {
            self.empty_end(name, part);
        } else {
            self.open(name);
        }
    }

    /// Reads the attributes of element `name`: those that carry text are
    /// emitted; gives the cell reference, the placeholder part and the
    /// column span they set.
    fn attributes(
        &mut self,
        name: &str,
        element: &BytesStart<'_>,
        part: Option<Part>,
    ) -> (Option<u32>, Option<Part>, u32) {
        let mut reference: Option<u32> = None;
        let mut placeholder: Option<Part> = None;
        let mut span = 1u32;
        for attribute in element.attributes().flatten() {
            let key = attribute.key.local_name();
            let key: &str = key.as_ref();
            match (name, key) {
                ("c", "t") => {
                    if let Some(cell) = self.cell.as_mut() {
                        cell.kind = match &*attribute.value {
                            "s" => CellKind::Shared,
                            "str" | "inlineStr" | "e" => CellKind::Text,
                            "b" => CellKind::Bool,
                            _ => CellKind::Number,
                        };
                    }
                }
                ("c", "r") => {
                    reference = sheet::column(&attribute.value);
                }
                ("table-cell" | "covered-table-cell", "number-columns-repeated") => {
                    span = attribute.value.trim().parse().unwrap_or(1);
                }
                // PowerPoint's header and footer placeholders.
                ("ph", "type") => {
                    placeholder = match &*attribute.value {
                        "ftr" => Some(Part::Footer),
                        "hdr" => Some(Part::Header),
                        _ => None,
                    };
                }
                ("gridSpan", "val") => {
                    if let Ok(n) = attribute.value.trim().parse() {
                        self.tables.set_span(n);
                    }
                }
                _ => {}
            }
            let wanted = self
                .rules
                .attributes
                .iter()
                .any(|(e, a)| *e == name && *a == key);
            if wanted && let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0) {
                self.attribute_text(part, value.into_owned());
            }
        }
        (reference, placeholder, span)
    }

    /// Emits the text of an attribute, unless the attributes just before
    /// it said the same.
    fn attribute_text(&mut self, part: Option<Part>, value: String) {
        if self.attributes_since.0 != self.sink.emitted {
            self.attributes_since.1.clear();
        }
        let repeated = self.attributes_since.1.contains(&value);
        if !repeated && !value.trim().is_empty() {
            self.sink.emit(part, &value);
            self.sink.emit(part, "\n");
            self.attributes_since.0 = self.sink.emitted;
            if self.attributes_since.1.len() < 16 {
                self.attributes_since.1.push(value);
            }
        }
    }

    /// An empty element ends as soon as it starts: it closes the table
    /// structure it opened, and may be a line break or a tab.
    fn empty_end(&mut self, name: &str, part: Option<Part>) {
        if part.is_some() {
            self.end_table_structure(name);
        }
        if name == "c" {
            self.cell = None;
        }
        if self.rules.breaks.contains(&name) {
            self.sink.emit(part, "\n");
            self.tables.text(" ");
        } else if self.rules.tabs.contains(&name) {
            self.sink.emit(part, "\t");
            self.tables.text(" ");
        }
    }

    /// An element with content opens: it may switch the part, open a
    /// shape, an alternate content or one of its branches, a cell value or
    /// formula, or silence its text.
    fn open(&mut self, name: &str) {
        self.depth += 1;
        let depth = self.depth;
        if let Some((_, part)) = self.rules.switches.iter().find(|(n, _)| *n == name) {
            self.parts.push((depth, *part, self.rules.print_codes));
        }
        if name == "sp" && self.shapes.len() < 64 {
            self.shapes.push(depth);
        }
        match name {
            "AlternateContent" if self.alternates.len() < ALTERNATES => {
                self.alternates.push(Alternate {
                    depth,
                    choices: Vec::new(),
                });
            }
            "Choice" | "Fallback"
                if self.alternates.last().is_some_and(|a| a.depth + 1 == depth) =>
            {
                self.sink.frames.push(Frame {
                    depth,
                    fallback: name == "Fallback",
                    pieces: Vec::new(),
                });
            }
            _ => {}
        }
        let text_cell = self.cell.as_ref().is_some_and(|c| c.kind == CellKind::Text);
        if let Some(cell) = self.cell.as_mut() {
            match name {
                "v" => cell.in_value = true,
                "f" => cell.in_formula = true,
                _ => {}
            }
        }
        if name == "v" && text_cell {
            self.text_values += 1;
        } else if self.rules.silent.contains(&name) {
            self.silent_depth += 1;
        }
    }

    /// Ends a table, row or cell if `name` is one.
    fn end_table_structure(&mut self, name: &str) {
        let tables = &self.rules.tables;
        if tables.table.contains(&name) {
            self.tables.end_table();
        } else if tables.row.contains(&name) {
            self.tables.end_row();
        } else if tables.cell.contains(&name) {
            self.tables.end_cell();
        }
    }

    /// An element with content ends.
    fn end(&mut self, name: &str) {
        let part = self.part();
        if let Some(cell) = self.cell.as_mut() {
            match name {
                "v" => cell.in_value = false,
                "f" => cell.in_formula = false,
                _ => {}
            }
        }
        if name == "v" && self.text_values > 0 {
            self.text_values -= 1;
        } else if self.rules.silent.contains(&name) {
            self.silent_depth = self.silent_depth.saturating_sub(1);
        }
        if name == "c"
            && let Some(cell) = self.cell.take()
        {
            self.end_cell(cell, part);
        }
        if part.is_some() {
            self.end_table_structure(name);
        }
        if self.rules.fields || self.rules.breaks.contains(&name) {
            self.sink.emit(part, "\n");
            self.tables.text(" ");
        } else if self.rules.tabs.contains(&name) {
            self.sink.emit(part, "\t");
            self.tables.text(" ");
        }
        let depth = self.depth;
        if self.parts.last().is_some_and(|(d, _, _)| *d == depth) {
            if self.parts.last().is_some_and(|(_, _, codes)| *codes) {
                self.sink.emit(part, &without_header_codes(&self.pending));
                self.sink.emit(part, "\n");
                self.pending.clear();
            }
            self.parts.pop();
        }
        if self.sink.frames.last().is_some_and(|f| f.depth == depth)
            && let Some(frame) = self.sink.frames.pop()
        {
            self.end_branch(frame);
        }
        if self.shapes.last() == Some(&depth) {
            self.shapes.pop();
        }
        if self.alternates.last().is_some_and(|a| a.depth == depth) {
            self.alternates.pop();
        }
        self.depth = depth.saturating_sub(1);
    }

    /// A spreadsheet cell ends: its value goes to the table reader; a
    /// formula with no cached value gives its string literals.
    fn end_cell(&mut self, cell: Cell, part: Option<Part>) {
        let value = cell.value.trim();
        match cell.kind {
            CellKind::Shared => {
                if let Some(s) = value.parse::<usize>().ok().and_then(|i| self.shared.get(i)) {
                    self.tables.text(s);
                }
            }
            CellKind::Number => self.tables.text(value),
            CellKind::Text | CellKind::Bool => {}
        }
        if value.is_empty() && !cell.formula.trim().is_empty() {
            let literals = sheet::formula_literals(&cell.formula);
            self.sink.emit(part, &literals);
            self.tables.text(&literals);
        }
    }

    /// A branch of `mc:AlternateContent` ends: a choice is read, a
    /// fallback only when its text differs from every choice's.
    fn end_branch(&mut self, frame: Frame) {
        let squashed = without_spaces(&frame.pieces);
        let alternate = self.alternates.last_mut();
        if !frame.fallback {
            if let Some(alternate) = alternate {
                alternate.choices.push(squashed);
            }
            self.sink.flush(frame.pieces);
        } else if !alternate.is_some_and(|a| a.choices.contains(&squashed)) {
            self.sink.flush(frame.pieces);
        }
    }

    /// Text, or a character reference, decoded.
    fn text(&mut self, text: &str) {
        if let Some(cell) = self.cell.as_mut() {
            if cell.in_value && cell.value.len() + text.len() <= VALUE_BYTES {
                cell.value.push_str(text);
            }
            if cell.in_formula && cell.formula.len() + text.len() <= FORMULA_BYTES {
                cell.formula.push_str(text);
            }
        }
        if self.silent_depth == 0 {
            let part = self.part();
            if self.parts.last().is_some_and(|(_, _, codes)| *codes) {
                self.pending.push_str(text);
            } else {
                self.sink.emit(part, text);
            }
            if part.is_some() {
                self.tables.text(text);
            }
        }
    }

    /// A CDATA section: text, unless silenced.
    fn cdata(&mut self, data: &str) {
        if self.silent_depth == 0 {
            let part = self.part();
            self.sink.emit(part, data);
            self.tables.text(data);
        }
    }

    /// What was read; branches left open by a truncated part are read.
    fn finish(mut self) -> Walked {
        while let Some(frame) = self.sink.frames.pop() {
            self.sink.flush(frame.pieces);
        }
        Walked {
            pieces: self.sink.out,
            credentials: self.tables.into_lines(),
        }
    }
}

/// A spreadsheet print header or footer without its formatting codes:
/// `&L&"Arial,Bold"&12SECRET&RPage &P` reads `SECRET Page`.
pub(super) fn without_header_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('&') => {
                out.push('&');
                chars.next();
            }
            Some('"') => {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            Some(_) => {
                chars.next();
                out.push(' ');
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_join_and_paragraphs_break() {
        let xml = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>DIFFU</w:t></w:r><w:r><w:t>SION RESTREINTE</w:t></w:r></w:p><w:p><w:r><w:instrText>HYPERLINK x</w:instrText><w:t>Note &amp; suite</w:t></w:r></w:p></w:body></w:document>"#;
        let pieces = walk(xml, &XmlRules::ooxml(Part::Body), &[], &mut |_| true)
            .unwrap()
            .pieces;
        assert_eq!(
            pieces,
            [(
                Part::Body,
                "DIFFUSION RESTREINTE\nNote & suite\n".to_string()
            )]
        );
    }

    #[test]
    fn odf_master_pages_give_headers_and_footers() {
        let xml = br#"<office:document-styles xmlns:office="o" xmlns:style="s" xmlns:text="t"><style:master-page><style:header><text:p>SECRET</text:p></style:header><style:footer><text:p>Page 1</text:p></style:footer></style:master-page><text:p>ignored style text</text:p></office:document-styles>"#;
        let pieces = walk(xml, &XmlRules::odf(None), &[], &mut |_| true)
            .unwrap()
            .pieces;
        assert_eq!(
            pieces,
            [
                (Part::Header, "SECRET\n".to_string()),
                (Part::Footer, "Page 1\n".to_string())
            ]
        );
    }

    #[test]
    fn sheet_headers_lose_their_codes() {
        assert_eq!(
            without_header_codes("&L&\"Arial,Bold\"&12SECRET&RPage &P"),
            " SECRET Page  "
        );
        let xml = br#"<worksheet><sheetData><row><c t="s"><v>3</v></c></row></sheetData><headerFooter><oddHeader>&amp;CDIFFUSION RESTREINTE</oddHeader></headerFooter></worksheet>"#;
        let pieces = walk(xml, &XmlRules::ooxml(Part::Body), &[], &mut |_| true)
            .unwrap()
            .pieces;
        assert!(
            pieces
                .iter()
                .any(|(p, t)| *p == Part::Header && t.trim() == "DIFFUSION RESTREINTE"),
            "{pieces:?}"
        );
        assert!(
            !pieces.iter().any(|(_, t)| t.contains('3')),
            "cell values are indices: {pieces:?}"
        );
    }

    #[test]
    fn damaged_xml_is_an_error() {
        assert!(
            walk(
                b"<w:p><w:t>x</w:p>",
                &XmlRules::ooxml(Part::Body),
                &[],
                &mut |_| true
            )
            .is_err()
        );
    }

    fn pieces(xml: &[u8], rules: &XmlRules) -> Vec<(Part, String)> {
        walk(xml, rules, &[], &mut |_| true).unwrap().pieces
    }

    #[test]
    fn watermarks_and_alternative_text_are_read() {
        let xml = br#"<w:hdr><w:p><w:r><w:pict><v:shape alt="Filigrane"><v:textpath style="font-family:&quot;Calibri&quot;" string="DIFFUSION RESTREINTE"/></v:shape></w:pict></w:r></w:p></w:hdr>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Header));
        assert_eq!(
            text,
            [(
                Part::Header,
                "Filigrane\nDIFFUSION RESTREINTE\n\n".to_string()
            )]
        );
        // The same description twice in a row (docPr, then pic:cNvPr) is
        // read once.
        let xml = br#"<w:p><w:drawing><wp:docPr id="1" name="Image 1" descr="Carte TLP:RED" title=""/><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="x" descr="Carte TLP:RED"/></pic:nvPicPr></pic:pic></w:drawing></w:p>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Body));
        assert_eq!(text, [(Part::Body, "Carte TLP:RED\n\n".to_string())]);
    }

    #[test]
    fn a_fallback_that_repeats_its_choice_is_read_once() {
        let xml = r#"<w:p><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>SECRET DÉFENSE</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>SECRET  DÉFENSE</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:p>"#.as_bytes();
        let text = pieces(xml, &XmlRules::ooxml(Part::Header));
        assert_eq!(text, [(Part::Header, "SECRET DÉFENSE\n\n".to_string())]);
        // A fallback of its own is read.
        let xml = br#"<w:p><mc:AlternateContent><mc:Choice Requires="wps"><w:t>Logo</w:t></mc:Choice><mc:Fallback><w:t>TLP:RED</w:t></mc:Fallback></mc:AlternateContent></w:p>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Body));
        assert_eq!(text, [(Part::Body, "LogoTLP:RED\n".to_string())]);
        // Unclosed branches are read too.
        let xml = br#"<w:p><mc:AlternateContent><mc:Choice><w:t>TLP:RED</w:t>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Body));
        assert_eq!(text, [(Part::Body, "TLP:RED".to_string())]);
    }

    #[test]
    fn deleted_and_moved_text_is_read() {
        let xml = br#"<w:body><w:p><w:del w:id="1" w:author="A"><w:r><w:delText>DIFFUSION RESTREINTE</w:delText></w:r></w:del></w:p><w:p><w:moveFrom w:id="2"><w:r><w:delText>Mention : DR</w:delText><w:delInstrText>PAGE</w:delInstrText></w:r></w:moveFrom></w:p></w:body>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Body));
        assert_eq!(
            text,
            [(
                Part::Body,
                "DIFFUSION RESTREINTE\nMention : DR\n".to_string()
            )]
        );
    }

    #[test]
    fn formula_cells_give_their_cached_text_or_their_literals() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="str"><f>CONCATENATE("DIFFUSION ","RESTREINTE")</f><v>DIFFUSION RESTREINTE</v></c><c r="B1"><f>SUM(C1:C3)</f><v>12</v></c><c r="C1" t="inlineStr"><is><t>TLP:AMBER</t></is></c></row><row r="2"><c r="A2" t="str"><f>&quot;TOP &quot;&amp;&quot;SECRET&quot;</f></c></row></sheetData></worksheet>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Body));
        assert_eq!(
            text,
            [(
                Part::Body,
                "DIFFUSION RESTREINTE\t\tTLP:AMBER\t\nTOP SECRET\t\n".to_string()
            )]
        );
    }

    #[test]
    fn master_pages_and_frame_descriptions() {
        let xml = br#"<office:document-styles><office:master-styles><style:master-page style:name="Default"><draw:frame><draw:text-box><text:p>DIFFUSION RESTREINTE</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>note</text:p></draw:text-box></draw:frame></presentation:notes></style:master-page></office:master-styles><office:styles><style:style><text:p>style</text:p></style:style></office:styles></office:document-styles>"#;
        let text = pieces(xml, &XmlRules::odf(None));
        assert_eq!(
            text,
            [
                (Part::Header, "DIFFUSION RESTREINTE\n".to_string()),
                (Part::Notes, "note\n".to_string())
            ]
        );
        let xml = br#"<office:text><draw:frame><draw:image/><svg:title>Plan</svg:title><svg:desc>Carte NATO SECRET</svg:desc></draw:frame></office:text>"#;
        let text = pieces(xml, &XmlRules::odf(Some(Part::Body)));
        assert_eq!(
            text,
            [(Part::Body, "Plan\nCarte NATO SECRET\n".to_string())]
        );
    }

    #[test]
    fn credentials_in_tables() {
        let word = br#"<w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Identifiant</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Mot de </w:t></w:r><w:r><w:t>passe</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>jdupont</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Soleil2026!</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>"#;
        let walked = walk(word, &XmlRules::ooxml(Part::Body), &[], &mut |_| true).unwrap();
        assert_eq!(
            walked.credentials,
            [(Part::Body, "Mot de passe : Soleil2026!".to_string())]
        );
        let shared = [
            "Compte".to_string(),
            "Password".to_string(),
            "svc-backup".to_string(),
        ];
        let sheet = br#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>7</v></c><c r="C2" t="inlineStr"><is><t>Xk9#pq!z</t></is></c></row><row r="3"><c r="A3" t="s"><v>99</v></c><c r="C3"><v>482913</v></c></row></sheetData></worksheet>"#;
        let walked = walk(sheet, &XmlRules::ooxml(Part::Body), &shared, &mut |_| true).unwrap();
        assert_eq!(
            walked.credentials,
            [
                (Part::Body, "Password: Xk9#pq!z".to_string()),
                (Part::Body, "Password: 482913".to_string())
            ]
        );
        let odf = r#"<office:spreadsheet><table:table table:name="Accès"><table:table-row><table:table-cell table:number-columns-repeated="2"><text:p>Serveur</text:p></table:table-cell><table:table-cell><text:p>MDP</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="2"/><table:table-cell><text:p>Azerty#2026</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"#.as_bytes();
        let walked = walk(odf, &XmlRules::odf(Some(Part::Body)), &[], &mut |_| true).unwrap();
        assert_eq!(
            walked.credentials,
            [(Part::Body, "Mot de passe : Azerty#2026".to_string())]
        );
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let mut xml = Vec::new();
        for _ in 0..5000 {
            xml.extend_from_slice(b"<mc:AlternateContent><mc:Choice><w:tbl><w:tr><w:tc>");
        }
        xml.extend_from_slice(b"<w:t>Mot de passe</w:t>");
        let walked = walk(&xml, &XmlRules::ooxml(Part::Body), &[], &mut |_| true).unwrap();
        assert!(walked.credentials.is_empty());
        let mut steps = 0;
        let stopped = walk(&xml, &XmlRules::ooxml(Part::Body), &[], &mut |_| {
            steps += 1;
            steps < 100
        });
        assert!(stopped.unwrap().pieces.is_empty());
    }

    #[test]
    fn dates_do_not_glue_onto_text() {
        let xml = br#"<office:annotation><dc:creator>Relecteur</dc:creator><dc:date>2026-06-15T09:30:00</dc:date><text:p>DIFFUSION RESTREINTE</text:p></office:annotation>"#;
        let text = pieces(xml, &XmlRules::odf(Some(Part::Body)));
        assert_eq!(
            text,
            [(
                Part::Comment,
                "Relecteur\n2026-06-15T09:30:00\nDIFFUSION RESTREINTE\n".to_string()
            )]
        );
        let xml = br#"<cp:coreProperties><dcterms:created>2026-06-15T09:30:00Z</dcterms:created><cp:category>DIFFUSION RESTREINTE</cp:category><cp:revision>3</cp:revision></cp:coreProperties>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Metadata).fields());
        assert_eq!(
            text,
            [(
                Part::Metadata,
                "2026-06-15T09:30:00Z\nDIFFUSION RESTREINTE\n3\n\n".to_string()
            )]
        );
    }

    #[test]
    fn slide_footer_placeholders_are_footers() {
        let xml = br#"<p:sld><p:cSld><p:spTree><p:sp><p:nvSpPr><p:cNvPr id="2" name="Titre"/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Budget</a:t></a:r></a:p></p:txBody></p:sp><p:sp><p:nvSpPr><p:cNvPr id="4" name="Pied"/><p:nvPr><p:ph type="ftr" sz="quarter" idx="11"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>R&amp;D diffusion restreinte</a:t></a:r></a:p></p:txBody></p:sp><p:sp><p:txBody><a:p><a:r><a:t>Suite</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#;
        let text = pieces(xml, &XmlRules::ooxml(Part::Body));
        assert_eq!(
            text,
            [
                (Part::Body, "Budget\n".to_string()),
                (Part::Footer, "R&D diffusion restreinte\n".to_string()),
                (Part::Body, "Suite\n".to_string())
            ]
        );
    }

    #[test]
    fn presentation_header_and_footer_texts() {
        let xml = br#"<office:presentation><presentation:footer-decl presentation:name="ftr1">Diffusion restreinte</presentation:footer-decl><draw:page presentation:use-footer-name="ftr1"><draw:frame><draw:text-box><text:p>Budget</text:p></draw:text-box></draw:frame></draw:page></office:presentation>"#;
        let text = pieces(xml, &XmlRules::odf(Some(Part::Body)));
        assert_eq!(
            text,
            [
                (Part::Footer, "Diffusion restreinte\n".to_string()),
                (Part::Body, "Budget\n".to_string())
            ]
        );
    }
}
