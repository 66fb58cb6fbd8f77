//! Credentials in HTML tables: a value in a cell under a column headed
//! "Mot de passe", "Password", "mdp"... (or beside a row headed so) is a
//! password to a reader, though the two are cells apart. Each such value is
//! written again as `header : value`, the shape a password is typed in, on a
//! line of its own, so that the password rule reads what the reader reads.
//!
//! The reader calls [`Tables::element`] for every `table`, `tr`, `td` and
//! `th` tag with the visible text so far; each call is constant work but
//! for the text of a cell that matters, which is copied once.

/// How deep tables within tables are followed.
const MAX_TABLES: usize = 16;
/// How many password columns one table keeps.
const MAX_COLUMNS: usize = 64;
/// How long a header's or a value's text may be to count.
const MAX_CELL: usize = 256;

/// Words that head a column or a row of passwords (lower case, accents
/// kept): the header's text starts with one of them, as a word.
const PASSWORD_HEADERS: &[&str] = &[
    "mot de passe",
    "mots de passe",
    "mdp",
    "password",
    "passwords",
    "passwd",
    "pwd",
    "passphrase",
    "pass",
    "code pin",
    "pin",
];

#[derive(Debug, Default)]
struct Table {
    /// Rows started so far.
    rows: usize,
    /// The cell being read: its column and where its text starts in the
    /// visible text.
    cell: Option<(usize, usize)>,
    /// The next cell's column.
    column: usize,
    /// Whether the current cell is a header (`th`, or any cell of the
    /// first row).
    header: bool,
    /// Columns headed as passwords, with their header's text.
    password_columns: Vec<(usize, String)>,
    /// The header of the current row, when its first cell heads a password.
    row_header: Option<String>,
}

/// The tables being read and the lines they give.
#[derive(Debug, Default)]
pub(super) struct Tables {
    open: Vec<Table>,
    /// Tables opened past [`MAX_TABLES`].
    overflow: usize,
    /// `header : value` lines.
    pub(super) lines: String,
}

impl Tables {
    /// Follows a table element: `name` is the tag's name, `closing` whether
    /// it is an end tag, `visible` the visible text read so far.
    pub(super) fn element(&mut self, name: &str, closing: bool, visible: &str) {
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("table") {
            if closing {
                self.end_cell(visible);
                if self.overflow > 0 {
                    self.overflow -= 1;
                } else {
                    self.open.pop();
                }
            } else if self.open.len() >= MAX_TABLES {
                self.overflow += 1;
            } else {
                self.open.push(Table::default());
            }
            return;
        }
        if self.overflow > 0 {
            return;
        }
        if is("tr") {
            self.end_cell(visible);
            if let Some(table) = self.open.last_mut()
                && !closing
            {
                table.rows += 1;
                table.column = 0;
                table.row_header = None;
            }
        } else if is("td") || is("th") {
            self.end_cell(visible);
            if let Some(table) = self.open.last_mut()
                && !closing
            {
                table.cell = Some((table.column, visible.len()));
                table.header = is("th") || table.rows <= 1;
                table.column += 1;
            }
        }
    }

    /// Ends the current cell, if one is open: a header that names
    /// passwords is remembered, a value under or beside one is written.
    fn end_cell(&mut self, visible: &str) {
        let Some(table) = self.open.last_mut() else {
            return;
        };
        let Some((column, start)) = table.cell.take() else {
            return;
        };
        let text = visible.get(start..).unwrap_or("").trim();
        if text.is_empty() || text.len() > MAX_CELL {
            return;
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if is_password_header(&text) {
            let label = text.trim_end_matches([':', ' ']).to_string();
            let heads_column = table.header && table.rows <= 1;
            if heads_column && table.password_columns.len() < MAX_COLUMNS {
                table.password_columns.push((column, label.clone()));
            }
            if column == 0 {
                table.row_header = Some(label);
            }
            if heads_column || column == 0 {
                return;
            }
        }
        let header = table
            .password_columns
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, label)| label)
            .filter(|_| table.rows > 1)
            .or(table.row_header.as_ref().filter(|_| column > 0));
        if let Some(header) = header {
            self.lines.push_str(header);
            self.lines.push_str(" : ");
            self.lines.push_str(&text);
            self.lines.push('\n');
        }
    }
}

/// Whether a cell's text heads passwords: it starts with one of
/// [`PASSWORD_HEADERS`] as a word, and is short (a header, not a sentence).
fn is_password_header(text: &str) -> bool {
    if text.chars().count() > 40 {
        return false;
    }
    let lower = text.to_lowercase();
    PASSWORD_HEADERS.iter().any(|word| {
        lower.strip_prefix(word).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '\'')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_headers_are_short_and_whole_words() {
        for yes in [
            "Mot de passe",
            "MDP",
            "Password:",
            "Mot de passe provisoire",
            "pwd (VPN)",
            "Code PIN",
        ] {
            assert!(is_password_header(yes), "{yes}");
        }
        for no in [
            "Passage",
            "Password policy requires twelve characters or more",
            "Compte",
            "Pinceau",
            "passeport",
        ] {
            assert!(!is_password_header(no), "{no}");
        }
    }
}
