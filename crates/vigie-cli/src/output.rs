//! How reports and rules are written: human (aligned, coloured on a
//! terminal) or JSON (one object per line, the report contract).

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use vigie::{Confidence, Report, RuleSet, Status, Verdict};

use crate::Format;

const RESET: &str = "\x1b[0m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_YELLOW: &str = "\x1b[1;33m";
const BOLD_GREEN: &str = "\x1b[1;32m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

/// Writes one report.
pub fn report(
    out: &mut impl Write,
    report: &Report,
    format: Format,
    colour: bool,
) -> io::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", report.to_json()),
        Format::Human => human_report(out, report, colour),
    }
}

/// `text` safe to print on a terminal: control characters (line breaks,
/// escape sequences) and the characters that break or reorder lines
/// (Unicode line and paragraph separators, bidirectional controls) written
/// as escapes (`\n`, `\u{1b}`), so that a file name, an archive entry or an
/// excerpt cannot forge output lines or colours.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Whether [`escape`] writes `c` as an escape.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// A path as messages show it: bytes that are not UTF-8 replaced (as in
/// reports' `source`), then [`escape`]d.
pub fn display_path(path: &Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

fn paint(colour: bool, style: &str, text: &str) -> String {
    if colour {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

fn human_report(out: &mut impl Write, report: &Report, colour: bool) -> io::Result<()> {
    let (style, word) = match report.verdict {
        Verdict::Allow => (BOLD_GREEN, "ALLOW"),
        Verdict::Warn => (BOLD_YELLOW, "WARN "),
        Verdict::Block => (BOLD_RED, "BLOCK"),
    };
    let source = escape(report.source.as_deref().unwrap_or("-"));
    let status = match report.status {
        Status::Complete => String::new(),
        other => format!("  [{other}]"),
    };
    let summary = match report.findings.len() {
        0 => "no finding".to_string(),
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    };
    writeln!(
        out,
        "{}  {}{}  {}",
        paint(colour, style, word),
        paint(colour, BOLD, &source),
        status,
        paint(colour, DIM, &summary)
    )?;
    for finding in &report.findings {
        let level = level_label(finding.level, finding.kind);
        let confidence = format!("{:<6}", finding.confidence.to_string());
        let confidence = if finding.confidence == Confidence::Low {
            paint(colour, DIM, &confidence)
        } else {
            confidence
        };
        let mut place = format!("bytes {}..{}", finding.location.start, finding.location.end);
        if finding.location.part != vigie::Part::Body {
            let part = serde_json::to_value(finding.location.part).expect("parts serialise");
            place = format!("{}, {place}", part.as_str().unwrap_or_default());
        }
        if let Some(page) = finding.location.page {
            place = format!("page {page}, {place}");
        }
        // The path is worth showing inside a container, not when it is the
        // input itself.
        let path = &finding.location.path;
        if path.len() > 1
            || path
                .first()
                .is_some_and(|p| Some(p.as_str()) != report.source.as_deref())
        {
            place = format!("{}, {place}", escape(&finding.location.path.join("/")));
        }
        writeln!(
            out,
            "    {confidence}  {level}  {:<24}  \"{}\"  {}",
            finding.rule,
            escape(&finding.excerpt),
            paint(
                colour,
                DIM,
                &format!("({place}; {})", escape(&finding.reason))
            ),
        )?;
    }
    for problem in &report.problems {
        let code = serde_json::to_value(problem.code).expect("codes serialise");
        let code = code.as_str().unwrap_or_default();
        writeln!(
            out,
            "    {}  {}",
            paint(colour, BOLD_YELLOW, &format!("problem {code}:")),
            escape(&problem.message)
        )?;
    }
    Ok(())
}

/// "level 2" for a level, "caveat" for a marking without one, the kind for
/// the rest; padded to one width.
fn level_label(level: Option<u8>, kind: vigie::Kind) -> String {
    match (level, kind) {
        (Some(level), _) => format!("level {level}"),
        (None, vigie::Kind::Marking) => "caveat ".to_string(),
        (None, kind) => format!("{:<7}", kind.to_string()),
    }
}

/// Writes the list of rules.
pub fn rules(out: &mut impl Write, rules: &RuleSet, format: Format) -> io::Result<()> {
    for rule in rules.rules() {
        let forms: Vec<&str> = rules
            .forms()
            .iter()
            .filter(|form| rules.rules()[form.rule].id == rule.id)
            .map(|form| form.text.as_str())
            .collect();
        match format {
            Format::Json => {
                let value = serde_json::json!({
                    "id": rule.id, "name": rule.name, "kind": rule.kind, "level": rule.level, "forms": forms,
                });
                writeln!(out, "{value}")?;
            }
            Format::Human => {
                let level = match (rule.level, rule.kind) {
                    (Some(level), _) => level.to_string(),
                    (None, vigie::Kind::Marking) => "caveat".to_string(),
                    (None, _) => "-".to_string(),
                };
                writeln!(
                    out,
                    "{:<26} {:<7} {:<7} {}{}",
                    rule.id,
                    rule.kind.to_string(),
                    level,
                    rule.name,
                    if forms.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", forms.join(", "))
                    }
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_leaves_text_alone_and_escapes_what_moves_the_cursor() {
        assert_eq!(escape("Réunion — note 3.pdf"), "Réunion — note 3.pdf");
        assert_eq!(escape("a\nb\r\x1b[2K"), "a\\nb\\r\\u{1b}[2K");
        assert_eq!(escape("x\u{202e}fdp.exe"), "x\\u{202e}fdp.exe");
        assert_eq!(escape("\u{85}\u{2028}"), "\\u{85}\\u{2028}");
    }
}
