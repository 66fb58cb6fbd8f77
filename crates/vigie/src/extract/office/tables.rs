//! Credentials kept in tables: a value in a cell under a "Mot de passe" or
//! "Password" column, or beside a cell that says so. The walker hands this
//! reader the tables of a part (Word `w:tbl`, a spreadsheet's rows,
//! OpenDocument `table:table`, DrawingML `a:tbl`) cell by cell; it gives
//! back lines written the way a person would type them ("Mot de passe :
//! X"), which the walker's caller scans as an extra segment so that the
//! password rule, which reads "hotword : value", finds them.
//!
//! Two shapes are read:
//! - columns: the first row of a table with text in two or more cells (a
//!   title row of one cell is passed over) is its header; a cell under a
//!   header that names a credential gives "label : value";
//! - pairs: a cell that names a credential followed, in the next column, by
//!   a cell that does not gives "label : value" (key/value tables). In the
//!   header row this holds only when no row follows: "Mot de passe |
//!   Commentaire" heads a column, it does not give a password.
//!
//! Everything is bounded: a cell keeps at most [`CELL_BYTES`], a row at
//! most [`ROW_CELLS`] cells, tables nest at most [`NESTING`] deep, and a
//! repeated row or cell (OpenDocument's `number-rows-repeated`) is read
//! once.

use std::collections::HashSet;

use crate::report::Part;

/// Bytes of text kept per cell: more is neither a label nor a password.
const CELL_BYTES: usize = 256;
/// Cells kept per row.
const ROW_CELLS: usize = 1024;
/// Tables read inside tables; deeper ones are passed over.
const NESTING: usize = 32;
/// Rows of one cell read as titles before the header.
const TITLE_ROWS: usize = 3;
/// Longest value given back.
const VALUE_CHARS: usize = 128;

/// The tables of one part being read, and the lines found so far.
#[derive(Default)]
pub(super) struct Tables {
    open: Vec<Table>,
    /// Tables started beyond [`NESTING`], whose events are passed over.
    ignored: usize,
    lines: Vec<(Part, String)>,
    seen: HashSet<(Part, String)>,
}

struct Table {
    part: Part,
    /// Set once the header row is read: the credential columns (first
    /// column, span, label).
    header: Option<Vec<(u32, u32, &'static str)>>,
    titles: usize,
    rows_after_header: usize,
    /// Pairs of the header row, given back if no row follows.
    header_pairs: Vec<String>,
    row: Option<Row>,
}

#[derive(Default)]
struct Row {
    cells: Vec<Cell>,
    next_column: u32,
    cell: Option<Cell>,
}

struct Cell {
    column: u32,
    span: u32,
    text: String,
    overflow: bool,
}

impl Tables {
    /// A table starts, in `part`.
    pub(super) fn start_table(&mut self, part: Part) {
        if self.ignored > 0 || self.open.len() >= NESTING {
            self.ignored += 1;
            return;
        }
        self.open.push(Table {
            part,
            header: None,
            titles: 0,
            rows_after_header: 0,
            header_pairs: Vec::new(),
            row: None,
        });
    }

    /// The innermost table ends.
    pub(super) fn end_table(&mut self) {
        if self.ignored > 0 {
            self.ignored -= 1;
            return;
        }
        let Some(mut table) = self.open.pop() else {
            return;
        };
        if table.row.is_some() {
            self.end_row_of(&mut table);
        }
        if table.rows_after_header == 0 {
            for line in std::mem::take(&mut table.header_pairs) {
                self.give(table.part, line);
            }
        }
    }

    /// A row starts in the innermost table.
    pub(super) fn start_row(&mut self) {
        if self.ignored > 0 {
            return;
        }
        if let Some(table) = self.open.last_mut() {
            table.row = Some(Row::default());
        }
    }

    /// The row of the innermost table ends.
    pub(super) fn end_row(&mut self) {
        if self.ignored > 0 {
            return;
        }
        if let Some(mut table) = self.open.pop() {
            self.end_row_of(&mut table);
            self.open.push(table);
        }
    }

    /// A cell starts: at `column` when the format says where (a
    /// spreadsheet's `r="C7"`), after the one before otherwise; it covers
    /// `span` columns.
    pub(super) fn start_cell(&mut self, column: Option<u32>, span: u32) {
        if self.ignored > 0 {
            return;
        }
        let Some(row) = self.open.last_mut().and_then(|t| t.row.as_mut()) else {
            return;
        };
        if let Some(cell) = row.cell.take() {
            row.keep(cell);
        }
        row.cell = Some(Cell {
            column: column.unwrap_or(row.next_column),
            span: span.max(1),
            text: String::new(),
            overflow: false,
        });
    }

    /// The open cell covers `span` columns (Word's `w:gridSpan`).
    pub(super) fn set_span(&mut self, span: u32) {
        if self.ignored > 0 {
            return;
        }
        if let Some(cell) = self.open_cell() {
            cell.span = span.clamp(1, 1 << 14);
        }
    }

    /// Text of the open cell (of the innermost table only: a table inside
    /// a cell is not that cell's label or value).
    pub(super) fn text(&mut self, text: &str) {
        if self.ignored > 0 {
            return;
        }
        let Some(cell) = self.open_cell() else {
            return;
        };
        if cell.overflow {
            return;
        }
        if cell.text.len() + text.len() > CELL_BYTES {
            cell.overflow = true;
            return;
        }
        cell.text.push_str(text);
    }

    /// The open cell ends.
    pub(super) fn end_cell(&mut self) {
        if self.ignored > 0 {
            return;
        }
        if let Some(row) = self.open.last_mut().and_then(|t| t.row.as_mut())
            && let Some(cell) = row.cell.take()
        {
            row.keep(cell);
        }
    }

    /// The lines found, in document order.
    pub(super) fn into_lines(mut self) -> Vec<(Part, String)> {
        while !self.open.is_empty() {
            self.ignored = 0;
            self.end_table();
        }
        self.lines
    }

    fn open_cell(&mut self) -> Option<&mut Cell> {
        self.open.last_mut()?.row.as_mut()?.cell.as_mut()
    }

    fn give(&mut self, part: Part, line: String) {
        // The same line twice (a text box and its fallback) is one line.
        if self.seen.insert((part, line.clone())) {
            self.lines.push((part, line));
        }
    }

    fn end_row_of(&mut self, table: &mut Table) {
        let Some(mut row) = table.row.take() else {
            return;
        };
        if let Some(cell) = row.cell.take() {
            row.keep(cell);
        }
        let mut cells: Vec<(u32, u32, String)> = row
            .cells
            .into_iter()
            .filter(|c| !c.overflow)
            .map(|c| (c.column, c.span, squash(&c.text)))
            .filter(|(_, _, text)| !text.is_empty())
            .collect();
        // In column order (a spreadsheet's references may come in any), so
        // that the cell under a header is found by a binary search.
        cells.sort_by_key(|(column, _, _)| *column);
        if cells.is_empty() {
            return;
        }
        let pairs = pairs(&cells);
        match &table.header {
            None if cells.len() == 1
                && table.titles < TITLE_ROWS
                && credential_label(&cells[0].2).is_none() =>
            {
                table.titles += 1;
            }
            None => {
                table.header = Some(
                    cells
                        .iter()
                        .filter_map(|(column, span, text)| {
                            credential_label(text).map(|label| (*column, *span, label))
                        })
                        .collect(),
                );
                table.header_pairs = pairs;
            }
            Some(columns) => {
                table.rows_after_header += 1;
                let mut found = Vec::new();
                for (column, span, label) in columns {
                    // The last cell starting at or before the header's
                    // end, if it reaches into the header's columns.
                    let end = column.saturating_add(*span);
                    let at = cells.partition_point(|(c, _, _)| *c < end);
                    let under = at
                        .checked_sub(1)
                        .and_then(|i| cells.get(i))
                        .filter(|(c, s, _)| *column < c.saturating_add(*s));
                    if let Some((_, _, value)) = under
                        && credential_label(value).is_none()
                        && let Some(line) = line(label, value)
                    {
                        found.push(line);
                    }
                }
                found.extend(pairs);
                for line in found {
                    self.give(table.part, line);
                }
            }
        }
    }
}

impl Row {
    fn keep(&mut self, cell: Cell) {
        self.next_column = cell.column.saturating_add(cell.span);
        if self.cells.len() < ROW_CELLS {
            self.cells.push(cell);
        }
    }
}

/// "label : value" for each cell that names a credential and is followed,
/// in the next column, by one that does not.
fn pairs(cells: &[(u32, u32, String)]) -> Vec<String> {
    cells
        .windows(2)
        .filter_map(|pair| {
            let [(column, span, key), (next, _, value)] = pair else {
                return None;
            };
            let label = credential_label(key)?;
            (*next == column.saturating_add(*span) && credential_label(value).is_none())
                .then(|| line(label, value))
                .flatten()
        })
        .collect()
}

/// The line a person would write: "Mot de passe : X", "Password: X".
fn line(label: &str, value: &str) -> Option<String> {
    if value.chars().count() > VALUE_CHARS {
        return None;
    }
    Some(if label == "Password" {
        format!("{label}: {value}")
    } else {
        format!("{label} : {value}")
    })
}

/// Text with its white space (line and cell breaks included) made single
/// spaces, trimmed.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words that name a credential in a table cell, and the label the line is
/// written with (one the password rule knows).
const CREDENTIALS: &[(&str, &str)] = &[
    ("mot de passe", "Mot de passe"),
    ("mots de passe", "Mot de passe"),
    ("mdp", "Mot de passe"),
    ("code d'accès", "Mot de passe"),
    ("code d'acces", "Mot de passe"),
    ("code pin", "Mot de passe"),
    ("code wifi", "Mot de passe"),
    ("code wi-fi", "Mot de passe"),
    ("clé wifi", "Mot de passe"),
    ("phrase de passe", "Mot de passe"),
    ("identifiants", "Identifiants"),
    ("password", "Password"),
    ("passwords", "Password"),
    ("passwd", "Password"),
    ("pwd", "Password"),
    ("passphrase", "Password"),
    ("pass phrase", "Password"),
    ("pin", "Password"),
    ("pin code", "Password"),
    ("access code", "Password"),
];

/// Words that may stand beside a credential word in a header and keep it
/// one ("Mot de passe provisoire", "VPN password", "Password (admin)").
const QUALIFIERS: &[&str] = &[
    "provisoire",
    "temporaire",
    "initial",
    "initiale",
    "nouveau",
    "ancien",
    "actuel",
    "du",
    "de",
    "la",
    "le",
    "compte",
    "connexion",
    "vpn",
    "wifi",
    "wi-fi",
    "admin",
    "administrateur",
    "root",
    "utilisateur",
    "serveur",
    "ssh",
    "ftp",
    "bdd",
    "messagerie",
    "new",
    "old",
    "current",
    "temporary",
    "initial",
    "default",
    "account",
    "user",
    "login",
    "server",
    "database",
    "db",
    "email",
    "e-mail",
    "mail",
];

/// The label to write if `cell` is a header or key naming a credential:
/// "Mot de passe", "MDP :", "Password (VPN)", "Mot de passe provisoire".
/// "Code postal", "Mot de passe oublié ?" and sentences are not.
pub(super) fn credential_label(cell: &str) -> Option<&'static str> {
    if cell.len() > 64 {
        return None;
    }
    // Parenthesized qualifiers are dropped, then the colon that ends a key.
    let mut plain = String::with_capacity(cell.len());
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '’' if depth == 0 => plain.push('\''),
            _ if depth == 0 => plain.extend(c.to_lowercase()),
            _ => {}
        }
    }
    let plain =
        plain.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '*'));
    let words: Vec<&str> = plain.split_whitespace().collect();
    CREDENTIALS.iter().find_map(|(phrase, label)| {
        let phrase: Vec<&str> = phrase.split(' ').collect();
        let at = words
            .windows(phrase.len())
            .position(|w| w == phrase.as_slice())?;
        let rest = words[..at].iter().chain(&words[at + phrase.len()..]);
        let mut extra = 0;
        for word in rest {
            extra += 1;
            if extra > 3 || !QUALIFIERS.contains(word) {
                return None;
            }
        }
        Some(*label)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(rows: &[&[&str]]) -> Vec<String> {
        let mut tables = Tables::default();
        tables.start_table(Part::Body);
        for row in rows {
            tables.start_row();
            for cell in *row {
                tables.start_cell(None, 1);
                tables.text(cell);
                tables.end_cell();
            }
            tables.end_row();
        }
        tables.end_table();
        tables.into_lines().into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn labels() {
        for (cell, label) in [
            ("Mot de passe", "Mot de passe"),
            ("MDP :", "Mot de passe"),
            ("Mot de passe provisoire", "Mot de passe"),
            ("Mot de passe du compte", "Mot de passe"),
            ("Password (VPN)", "Password"),
            ("VPN password", "Password"),
            ("Code d’accès", "Mot de passe"),
            ("Identifiants", "Identifiants"),
        ] {
            assert_eq!(credential_label(cell), Some(label), "{cell}");
        }
        for cell in [
            "Code postal",
            "Code",
            "Identifiant",
            "Mot de passe oublié ?",
            "Password policy",
            "Le mot de passe doit contenir 12 caractères",
            "Passage",
            "Date de changement du mot de passe",
        ] {
            assert_eq!(credential_label(cell), None, "{cell}");
        }
    }

    #[test]
    fn columns_and_pairs() {
        assert_eq!(
            read(&[
                &["Comptes de service"],
                &["Identifiant", "Mot de passe", "Commentaire"],
                &["jdupont", "Soleil2026!", "poste 12"],
                &["admin", "", "à créer"],
            ]),
            ["Mot de passe : Soleil2026!"]
        );
        assert_eq!(
            read(&[
                &["Serveur", "srv01"],
                &["Password", "hunter2x"],
                &["Port", "22"]
            ]),
            ["Password: hunter2x"]
        );
        // A header row with no row under it is a pair.
        assert_eq!(
            read(&[&["Mot de passe :", "Azerty#12"]]),
            ["Mot de passe : Azerty#12"]
        );
        // A header row with rows under it is not.
        assert_eq!(
            read(&[&["Mot de passe", "Commentaire"], &["", "à définir"]]),
            Vec::<String>::new()
        );
        assert_eq!(
            read(&[&["Code postal", "Ville"], &["75001", "Paris"]]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn spreadsheet_columns_by_reference() {
        let mut tables = Tables::default();
        tables.start_table(Part::Body);
        for (row, cells) in [[(0, "Login"), (2, "Pwd")], [(0, "root"), (2, "Xk9#pq")]]
            .iter()
            .enumerate()
        {
            let _ = row;
            tables.start_row();
            for (column, text) in cells {
                tables.start_cell(Some(*column), 1);
                tables.text(text);
                tables.end_cell();
            }
            tables.end_row();
        }
        tables.end_table();
        assert_eq!(
            tables.into_lines(),
            [(Part::Body, "Password: Xk9#pq".to_string())]
        );
    }

    #[test]
    fn unbalanced_and_deep_tables_are_harmless() {
        let mut tables = Tables::default();
        tables.end_table();
        tables.end_row();
        tables.end_cell();
        tables.text("x");
        for _ in 0..10_000 {
            tables.start_table(Part::Body);
            tables.start_row();
            tables.start_cell(Some(u32::MAX), u32::MAX);
        }
        tables.text("Mot de passe");
        assert!(tables.into_lines().is_empty());
    }
}
