//! Data patterns: the rules that find sensitive values (identifiers, bank and
//! card numbers, credentials) rather than markings.
//!
//! A data rule names its patterns in the same pack format as markings:
//!
//! ```toml
//! [[rule]]
//! id = "pii.iban"
//! name = "IBAN"
//! kind = "pii"
//! mask = "ends"
//! context = ["iban", "rib", "virement"]
//! exclude = ["exemple"]
//! patterns = [{ regex = '\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}', gate = "digits", min_digits = 10, validate = "iban", confidence = "medium" }]
//! ```
//!
//! A regex runs only where its *gate* says it can match: near a run of
//! digits (`digits`), near an `@` (`at-sign`), or near a keyword found by the
//! same automaton pass that finds markings (`keywords`, or `context` for the
//! rule's context words). A match then goes through its validator (a
//! checksum, a structure check), the rule's exclusions, and its context words,
//! which raise the confidence.

use regex::Regex;
use serde::Deserialize;

use crate::report::Confidence;
use crate::validate::Validator;

pub use crate::redact::Mask;

/// Where a pattern's regex runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Around runs of at least this many digits.
    Digits(usize),
    /// Around each `@`.
    AtSign,
    /// Around these keywords, in matching form (found by the matcher).
    Keywords(Vec<Vec<u8>>),
}

/// One compiled pattern of a data rule.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// The regex; a capture group named `value` narrows the finding to it.
    pub regex: Regex,
    /// Where the regex runs.
    pub gate: Gate,
    /// What a match must pass.
    pub validator: Validator,
    /// Confidence of a valid match without a context word.
    pub confidence: Confidence,
    /// How far after a keyword the regex may match, in bytes.
    pub window: usize,
    /// Characters of which one must follow a keyword within
    /// [`NEEDS_WITHIN`] bytes for the regex to run at all (`:=` for an
    /// assignment): a cheap test that spares the regex most ordinary uses of
    /// a common keyword such as "secret" or "token".
    pub needs: Vec<char>,
}

/// How far after a keyword [`Pattern::needs`] looks.
pub const NEEDS_WITHIN: usize = 32;

/// Default for [`Pattern::window`].
pub const DEFAULT_WINDOW: usize = 160;
/// Largest [`Pattern::window`] a pack may ask for.
pub const MAX_WINDOW: usize = 1 << 16;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PatternEntry {
    pub regex: String,
    pub gate: GateName,
    pub min_digits: Option<usize>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub validate: Validator,
    pub confidence: Confidence,
    pub window: Option<usize>,
    #[serde(default)]
    pub needs: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(super) enum GateName {
    Digits,
    AtSign,
    Keywords,
    Context,
}

/// Longest regex source accepted, and the compiled size limit: custom packs
/// must not make the scanner slow or large.
const MAX_REGEX_SOURCE: usize = 2_000;
const REGEX_SIZE_LIMIT: usize = 2 << 20;

/// Compiles a pack's regex. `\b` in a pack means an ASCII word boundary: a
/// Unicode one makes the regex engine leave its fast lazy DFA on any text
/// holding a non-ASCII character (most French text), for a slower engine.
pub(super) fn compile(source: &str) -> Result<Regex, String> {
    if source.len() > MAX_REGEX_SOURCE {
        return Err(format!("regex longer than {MAX_REGEX_SOURCE} bytes"));
    }
    regex::RegexBuilder::new(&ascii_word_boundaries(source))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("invalid regex: {e}"))
}

/// Rewrites every `\b` (not `\\b`) of a regex as `(?-u:\b)`.
fn ascii_word_boundaries(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bab\\b"), r"(?-u:\b)ab\\b");
    }
}
