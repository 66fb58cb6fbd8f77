//! Which XML elements mean what, per family: [`XmlRules`], read by the
//! walker (`walk.rs`).

use crate::report::Part;

/// Element names (local) that make a table, its rows and its cells.
#[derive(Debug, Clone, Copy)]
pub(super) struct TableNames {
    pub(super) table: &'static [&'static str],
    pub(super) row: &'static [&'static str],
    pub(super) cell: &'static [&'static str],
}

/// How one family's XML is read.
#[derive(Debug, Clone)]
pub(super) struct XmlRules {
    /// Part of text outside any switching element; `None` skips it.
    pub(super) base: Option<Part>,
    /// Elements (local names) inside which text belongs to another part.
    pub(super) switches: &'static [(&'static str, Part)],
    /// Elements whose text is not text (cell values, formulas, field codes).
    pub(super) silent: &'static [&'static str],
    /// Elements after which a line ends.
    pub(super) breaks: &'static [&'static str],
    /// Elements after which a tab stands (table cells).
    pub(super) tabs: &'static [&'static str],
    /// Attributes (element, attribute) whose value is text.
    pub(super) attributes: &'static [(&'static str, &'static str)],
    /// Whether text inside switching elements carries spreadsheet print
    /// codes (`&C`, `&"Arial"`) to strip.
    pub(super) print_codes: bool,
    /// Tables, read for credentials kept in cells.
    pub(super) tables: TableNames,
    /// Whether every element is a field of its own that ends a line
    /// (document properties: a date must not glue onto a title).
    pub(super) fields: bool,
}

impl XmlRules {
    /// Rules for the known Office Open XML parts, their text in `base`.
    pub(super) fn ooxml(base: Part) -> Self {
        XmlRules {
            base: Some(base),
            switches: &[
                ("oddHeader", Part::Header),
                ("evenHeader", Part::Header),
                ("firstHeader", Part::Header),
                ("oddFooter", Part::Footer),
                ("evenFooter", Part::Footer),
                ("firstFooter", Part::Footer),
            ],
            silent: &[
                "v",
                "f",
                "instrText",
                "delInstrText",
                "rPh",
                "fldData",
                // Where a drawing or a comment's box stands: numbers and
                // keywords that would glue onto the text beside them.
                "from",
                "to",
                "posOffset",
                "align",
                "pctWidth",
                "pctHeight",
                "Anchor",
                "Row",
                "Column",
                "AutoFill",
                "TextHAlign",
                "TextVAlign",
            ],
            breaks: &[
                "p",
                "br",
                "si",
                "row",
                "tr",
                "oddHeader",
                "evenHeader",
                "firstHeader",
                "oddFooter",
                "evenFooter",
                "firstFooter",
                "comment",
                "threadedComment",
                // A comment's author and text, before its box's settings.
                "author",
                "text",
                "title",
                "subject",
                "description",
                "keywords",
                "creator",
                "lastModifiedBy",
                "Company",
                "Manager",
            ],
            tabs: &["tab", "tc", "c"],
            attributes: &[
                ("sheet", "name"),
                // A Word watermark: WordArt drawn by VML.
                ("textpath", "string"),
                // Alternative text of pictures and shapes (Word's
                // `wp:docPr`, PowerPoint's and Excel's `p:cNvPr`,
                // `xdr:cNvPr`, a picture's `pic:cNvPr`, a VML shape).
                ("docPr", "descr"),
                ("docPr", "title"),
                ("cNvPr", "descr"),
                ("cNvPr", "title"),
                ("shape", "alt"),
            ],
            print_codes: true,
            tables: TableNames {
                table: &["tbl", "sheetData"],
                row: &["tr", "row"],
                cell: &["tc", "c"],
            },
            fields: false,
        }
    }

    /// Rules for an OOXML part of no known role (a chart, a diagram, a
    /// drawing's text box, a part under another name): its text is body
    /// text, cached chart values included.
    pub(super) fn ooxml_generic() -> Self {
        XmlRules {
            // The same as the known parts' but `v` (first), which here is
            // a chart's cached value: text.
            silent: &XmlRules::ooxml(Part::Body).silent[1..],
            breaks: &[
                "p", "br", "si", "row", "tr", "comment", "text", "title", "pt", "v", "txBody", "sp",
            ],
            ..XmlRules::ooxml(Part::Body)
        }
    }

    /// Rules for OpenDocument parts, their text in `base` (`None`: only
    /// what switching elements hold, as in `styles.xml`).
    pub(super) fn odf(base: Option<Part>) -> Self {
        XmlRules {
            base,
            switches: &[
                // A master page's own drawings (a presentation's banner
                // frame) are on every page: the place of a header. Its
                // `style:header` and `style:footer` switch again inside.
                ("master-page", Part::Header),
                ("handout-master", Part::Header),
                ("header", Part::Header),
                ("header-left", Part::Header),
                ("header-first", Part::Header),
                ("footer", Part::Footer),
                ("footer-left", Part::Footer),
                ("footer-first", Part::Footer),
                // A presentation's header and footer texts.
                ("header-decl", Part::Header),
                ("footer-decl", Part::Footer),
                ("note", Part::Notes),
                ("annotation", Part::Comment),
                ("notes", Part::Notes),
            ],
            silent: &["note-citation"],
            breaks: &[
                "p",
                "h",
                "line-break",
                "table-row",
                "list-item",
                "title",
                "desc",
                "description",
                "subject",
                "keyword",
                "initial-creator",
                "creator",
                // An annotation's date, before its text.
                "date",
                "header-decl",
                "footer-decl",
            ],
            tabs: &["tab", "table-cell", "s"],
            attributes: &[("table", "name")],
            print_codes: false,
            tables: TableNames {
                table: &["table"],
                row: &["table-row"],
                cell: &["table-cell", "covered-table-cell"],
            },
            fields: false,
        }
    }

    /// The same rules for a part of fields (document properties), where
    /// every element ends a line.
    pub(super) fn fields(self) -> Self {
        XmlRules {
            fields: true,
            ..self
        }
    }
}
