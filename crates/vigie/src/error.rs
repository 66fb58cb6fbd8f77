//! Errors of the library. Scanning content never fails: bad content ends in
//! a report with a problem. Errors are for bad configuration and for inputs
//! that cannot be opened.
//!
//! Every error carries facts, not only a sentence: where the bad text came
//! from, the line and column when a parser knows them, the rule it concerns.
//! Bindings read them through [`Error::kind`] and the accessors, so that a
//! Python exception or a C result code says the same thing as the message.

use std::path::{Path, PathBuf};

/// Everything that can go wrong before content is scanned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A policy file or string is not valid.
    #[error("invalid policy {origin}{}: {message}", at(*position))]
    Policy {
        /// Where the policy came from (a path or `<string>`).
        origin: String,
        /// Where in it, when the parser knows.
        position: Option<Position>,
        /// What is wrong.
        message: String,
    },
    /// A rule pack is not valid.
    #[error("invalid rule pack {origin}{}: {}{message}", at(*position), rule_prefix(rule.as_deref()))]
    RulePack {
        /// Where the pack came from.
        origin: String,
        /// Where in it, when the parser knows.
        position: Option<Position>,
        /// The rule at fault, when one is.
        rule: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A scan asked for a scope the policy does not define. Falling back to
    /// the policy's own settings would apply the wrong ceiling without a
    /// word (a typo in a room id, a room the configuration forgot).
    #[error("the policy has no scope `{scope}`")]
    Scope {
        /// The scope asked for.
        scope: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Which kind of [`Error`] this is: what a binding maps to an exception
/// class or a result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A policy is not valid.
    Policy,
    /// A rule pack is not valid.
    RulePack,
    /// An input or configuration file could not be read.
    Io,
}

/// A place in a configuration text, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, in characters, from 1.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `source`.
    pub fn of_offset(source: &str, offset: usize) -> Position {
        let offset = crate::chars::floor_char_boundary(source, offset.min(source.len()));
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

fn at(position: Option<Position>) -> String {
    position.map_or_else(String::new, |p| {
        format!(" at line {}, column {}", p.line, p.column)
    })
}

fn rule_prefix(rule: Option<&str>) -> String {
    rule.map_or_else(String::new, |rule| format!("rule `{rule}`: "))
}

impl Error {
    /// Which kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Policy { .. } => ErrorKind::Policy,
            Error::RulePack { .. } => ErrorKind::RulePack,
            Error::Scope { .. } => ErrorKind::Policy,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// Where the bad configuration came from (a path, `<string>`), or the
    /// file that could not be read.
    pub fn origin(&self) -> String {
        match self {
            Error::Policy { origin, .. } | Error::RulePack { origin, .. } => origin.clone(),
            Error::Scope { scope } => scope.clone(),
            Error::Io { path, .. } => path.display().to_string(),
        }
    }

    /// The file at fault, when the error is about a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Where in the configuration text, when the parser knows.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Policy { position, .. } | Error::RulePack { position, .. } => *position,
            Error::Scope { .. } | Error::Io { .. } => None,
        }
    }

    /// The rule at fault, for a rule pack error about one rule.
    pub fn rule(&self) -> Option<&str> {
        match self {
            Error::RulePack { rule, .. } => rule.as_deref(),
            _ => None,
        }
    }

    /// What is wrong, without the origin and position.
    pub fn detail(&self) -> String {
        match self {
            Error::Policy { message, .. } | Error::RulePack { message, .. } => message.clone(),
            Error::Scope { .. } => self.to_string(),
            Error::Io { source, .. } => source.to_string(),
        }
    }

    /// The operating system's error, for an I/O error.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A TOML parse error as a message and a position in `source`.
pub(crate) fn toml_error(error: &toml::de::Error, source: &str) -> (String, Option<Position>) {
    let position = error
        .span()
        .map(|span| Position::of_offset(source, span.start));
    (error.message().trim_end().to_string(), position)
}

/// A JSON parse error as a message and a position.
pub(crate) fn json_error(error: &serde_json::Error) -> (String, Option<Position>) {
    let position = (error.line() > 0).then(|| Position {
        line: error.line(),
        column: error.column(),
    });
    // serde_json ends its message with " at line L column C": said once, by
    // the position.
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    (message, position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let source = "a = 1\nbé = x\n";
        let cases = [(0, 1, 1), (5, 1, 6), (6, 2, 1), (9, 2, 3), (99, 3, 1)];
        for (offset, line, column) in cases {
            assert_eq!(
                Position::of_offset(source, offset),
                Position { line, column },
                "offset {offset}"
            );
        }
    }
}
