//! Finds sensitive data (personal identifiers, bank and card numbers,
//! credentials) with the regexes of data rules, run only where their gates
//! open.
//!
//! A regex never scans a whole message. It runs in windows:
//! - around the keywords the matcher found in its one pass (`ghp` for GitHub
//!   tokens, `mot de passe` for passwords);
//! - around runs of digits long enough to hold the identifier (a card number
//!   needs 13 digits, a SIREN 9), found by one scan for digits;
//! - around each `@`, for e-mail addresses (memchr).
//!
//! A match then passes its validator (checksum, structure), the rule's
//! exclusions (an order number is not a card number, an amount is not a
//! SIREN), and gets its confidence from the rule: one step higher when a
//! context word stands nearby.

use crate::chars::{ceil_char_boundary, floor_char_boundary, window_around};
use crate::detection::Detection;
use crate::matcher::GateHit;
use crate::normalize::Normalized;
use crate::report::Confidence;
use crate::rules::RuleSet;
use crate::rules::pattern::{Gate, NEEDS_WITHIN, Pattern};
use crate::trace::{Trace, TraceEvent, emit};
use crate::validate::Around as ValueContext;

/// How far before a keyword a match may start ("-----BEGIN OPENSSH " before
/// "PRIVATE KEY").
const KEYWORD_BEFORE: usize = 24;
/// How far before a digit run or an `@` a match may start.
const WINDOW_BEFORE: usize = 64;
/// How far after a digit run a match may end (a trailing check letter).
const DIGITS_AFTER: usize = 16;
/// Digits further apart than this start a new digit run.
const DIGIT_GAP: usize = 3;
/// How far around a match context and exclusion words are looked for.
const CONTEXT_BYTES: usize = 64;
/// How far before a value an exclusion word counts ("facture n° 535 448 452",
/// "ticket 968501971"): close, and never after it, so that an order number in
/// the next sentence does not hide a card number in this one.
const EXCLUDE_BEFORE: usize = 32;
const EXCLUDE_AFTER: usize = 0;
/// How much of the line after a value its validator sees (the rest of a
/// sentence, a call's parenthesis).
const AFTER_VALUE: usize = 96;
/// How far before a match its validator may look ("for example" a few lines
/// above a documentation sample).
const BEFORE_MATCH: usize = 256;

/// One region of the text where one pattern's regex runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Job {
    pattern: usize,
    start: usize,
    end: usize,
}

/// The data patterns sorted by gate, computed once per scanner so that a scan
/// allocates nothing to find them.
#[derive(Debug, Clone, Default)]
pub struct DataFinder {
    /// Digit-gated patterns with their minimum digit count.
    digit_patterns: Vec<(usize, usize)>,
    /// The smallest of those counts: shorter digit runs open nothing.
    min_digits: usize,
    /// Patterns gated by `@`.
    at_sign_patterns: Vec<usize>,
}

impl DataFinder {
    /// Sorts the patterns of `rules` by gate.
    pub fn new(rules: &RuleSet) -> Self {
        let mut finder = DataFinder::default();
        for (index, pattern) in rules.patterns().iter().enumerate() {
            match pattern.gate {
                Gate::Digits(min) => finder.digit_patterns.push((index, min)),
                Gate::AtSign => finder.at_sign_patterns.push(index),
                Gate::Keywords(_) => {}
            }
        }
        finder.min_digits = finder
            .digit_patterns
            .iter()
            .map(|&(_, min)| min)
            .min()
            .unwrap_or(usize::MAX);
        finder
    }

    /// Collects into `jobs` the windows where the data rules' regexes run
    /// in the chunk `range` of `text`: around the matcher's keyword hits
    /// (`gates`), around runs of digits long enough for a digit-gated
    /// pattern, around each `@`. Overlapping windows of one pattern are
    /// merged, so that no text is searched twice.
    pub fn collect(
        &self,
        rules: &RuleSet,
        text: &str,
        range: std::ops::Range<usize>,
        gates: &[GateHit],
        jobs: &mut Vec<Job>,
    ) {
        jobs.clear();
        self.keyword_jobs(rules, text, gates, jobs);
        self.digit_jobs(text, &range, jobs);
        self.at_sign_jobs(text, &range, jobs);
        merge_jobs(jobs);
    }

    /// Runs the regexes of `jobs` and appends what passes to `out`; false
    /// once `out` holds `limit` detections.
    pub fn run(
        &self,
        rules: &RuleSet,
        text: &str,
        jobs: &[Job],
        out: &mut Vec<Detection>,
        limit: usize,
        trace: Option<&dyn Trace>,
    ) -> bool {
        let patterns = rules.patterns();
        for job in jobs {
            run_job(rules, &patterns[job.pattern], text, *job, out, trace);
            if out.len() >= limit {
                return false;
            }
        }
        true
    }

    /// Windows after the keywords of keyword-gated patterns.
    fn keyword_jobs(&self, rules: &RuleSet, text: &str, gates: &[GateHit], jobs: &mut Vec<Job>) {
        let patterns = rules.patterns();
        for gate in gates {
            let pattern = &patterns[gate.pattern];
            if !pattern.needs.is_empty() && !followed_by_any(text, gate.at, &pattern.needs) {
                continue;
            }
            jobs.push(job(
                text,
                gate.pattern,
                gate.at.saturating_sub(KEYWORD_BEFORE),
                gate.at + pattern.window,
            ));
        }
    }

    /// Windows around runs of digits long enough for a digit-gated pattern.
    fn digit_jobs(&self, text: &str, range: &std::ops::Range<usize>, jobs: &mut Vec<Job>) {
        if self.digit_patterns.is_empty() {
            return;
        }
        let runs = DigitRuns::new(text.as_bytes(), range.start, range.end);
        for run in runs.filter(|run| run.digits >= self.min_digits) {
            for &(pattern, min_digits) in &self.digit_patterns {
                if run.digits >= min_digits {
                    let start = run.start.saturating_sub(WINDOW_BEFORE / 2);
                    jobs.push(job(text, pattern, start, run.end + DIGITS_AFTER));
                }
            }
        }
    }

    /// Windows around each `@`, for e-mail patterns.
    fn at_sign_jobs(&self, text: &str, range: &std::ops::Range<usize>, jobs: &mut Vec<Job>) {
        if self.at_sign_patterns.is_empty() {
            return;
        }
        let chunk = &text.as_bytes()[range.clone()];
        for at in memchr::memchr_iter(b'@', chunk).map(|i| range.start + i) {
            for &pattern in &self.at_sign_patterns {
                jobs.push(job(
                    text,
                    pattern,
                    at.saturating_sub(WINDOW_BEFORE),
                    at + 256,
                ));
            }
        }
    }
}

/// Whether one of `needs` stands within [`NEEDS_WITHIN`] bytes after `at`.
/// Merges overlapping windows of one pattern, so that no text is searched
/// twice and no match is reported twice.
fn merge_jobs(jobs: &mut Vec<Job>) {
    jobs.sort_unstable();
    let mut merged = 0;
    for i in 0..jobs.len() {
        let job = jobs[i];
        if merged > 0
            && jobs[merged - 1].pattern == job.pattern
            && job.start <= jobs[merged - 1].end
        {
            jobs[merged - 1].end = jobs[merged - 1].end.max(job.end);
        } else {
            jobs[merged] = job;
            merged += 1;
        }
    }
    jobs.truncate(merged);
}

fn followed_by_any(text: &str, at: usize, needs: &[char]) -> bool {
    text[at..floor_char_boundary(text, at + NEEDS_WITHIN)].contains(needs)
}

/// A window clamped to the text and moved to character boundaries; its end
/// is pushed to the end of the word it falls in, so that the regex's `\b`
/// sees the real word end.
fn job(text: &str, pattern: usize, start: usize, end: usize) -> Job {
    let mut start = start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.min(text.len());
    let limit = (end + 64).min(text.len());
    while end < limit
        && (!text.is_char_boundary(end) || text.as_bytes()[end].is_ascii_alphanumeric())
    {
        end += 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Job {
        pattern,
        start,
        end,
    }
}

fn run_job(
    rules: &RuleSet,
    pattern: &Pattern,
    text: &str,
    job: Job,
    out: &mut Vec<Detection>,
    trace: Option<&dyn Trace>,
) {
    let rejected = |start: usize, end: usize, why: &'static str| {
        emit(trace, || TraceEvent::Rejected {
            rule: &rules.rules()[pattern.rule].id,
            start,
            end,
            why,
        });
    };
    // The haystack ends at the window; `find_at` keeps the text before the
    // window in view, so `\b` at its start is right.
    let haystack = &text[..job.end];
    let has_value_group = pattern
        .regex
        .capture_names()
        .any(|name| name == Some("value"));
    let mut at = job.start;
    while at <= haystack.len() {
        // `find_at` allocates nothing; captures are read only for a match.
        let Some(whole) = pattern.regex.find_at(haystack, at) else {
            break;
        };
        let value = if has_value_group {
            pattern
                .regex
                .captures_at(haystack, whole.start())
                .and_then(|captures| captures.name("value"))
                .unwrap_or(whole)
        } else {
            whole
        };
        // Step past this match (at least one character).
        at = if whole.end() > whole.start() {
            whole.end()
        } else {
            whole.end() + text[whole.end()..].chars().next().map_or(1, char::len_utf8)
        };
        if value.start() == value.end() {
            continue;
        }
        // What stands before the value in the match (the key, a pair's
        // user name) and after it on its line tells code and prose apart.
        let key = &text[whole.start()..value.start()];
        let reach = floor_char_boundary(text, value.end() + AFTER_VALUE);
        let after = &text[value.end()..reach];
        let after = memchr::memchr(b'\n', after.as_bytes()).map_or(after, |i| &after[..i]);
        let from = ceil_char_boundary(text, whole.start().saturating_sub(BEFORE_MATCH));
        let around = ValueContext {
            key,
            after,
            before: &text[from.min(whole.start())..whole.start()],
        };
        let Some(valid) = pattern.validator.check_in(value.as_str(), &around) else {
            rejected(value.start(), value.end(), "does not pass its validator");
            continue;
        };
        let (start, end) = (value.start(), value.start() + valid.len);
        match judge(rules, pattern, text, start, end, valid.note) {
            Ok(finding) => out.push(finding),
            Err(why) => rejected(start, end, why),
        }
    }
}

/// Applies the rule's exclusions and context words to a valid match.
fn judge(
    rules: &RuleSet,
    pattern: &Pattern,
    text: &str,
    start: usize,
    end: usize,
    note: &str,
) -> Result<Detection, &'static str> {
    let rule = &rules.rules()[pattern.rule];
    let numeric = matches!(pattern.gate, Gate::Digits(_));
    if numeric && is_amount(text, start, end) {
        return Err("an amount");
    }
    if numeric && inside_larger_number(text, start, end) {
        return Err("inside a larger number");
    }
    // Exclusions name the value just before it, on its line ("commande n° …");
    // context words may stand on the line before ("Mon IBAN :\nFR76 …").
    if !rule.exclude.is_empty()
        && Around::new(text, start, end, (EXCLUDE_BEFORE, EXCLUDE_AFTER), true)
            .holds_any(&rule.exclude)
    {
        return Err("an exclusion word names it");
    }
    let context = !rule.context.is_empty()
        && Around::new(text, start, end, (CONTEXT_BYTES, CONTEXT_BYTES), false)
            .holds_any(&rule.context);
    let confidence = if context {
        one_step_up(pattern.confidence)
    } else {
        pattern.confidence
    };
    let mut reason = String::with_capacity(note.len() + 24);
    reason.push_str(note);
    reason.push_str(if context {
        "; context word nearby"
    } else {
        "; no context word"
    });
    Ok(Detection {
        rule: pattern.rule,
        confidence,
        reason,
        start,
        end,
    })
}

fn one_step_up(confidence: Confidence) -> Confidence {
    match confidence {
        Confidence::Low => Confidence::Medium,
        Confidence::Medium | Confidence::High => Confidence::High,
    }
}

/// Whether a number is an amount: a currency sign or word right before or
/// after it.
fn is_amount(text: &str, start: usize, end: usize) -> bool {
    let after = text[end..].trim_start_matches([' ', '\u{A0}', '\u{202F}']);
    let after_lower: String = after.chars().take(6).flat_map(char::to_lowercase).collect();
    let before = text[..start].trim_end_matches([' ', '\u{A0}', '\u{202F}']);
    const CURRENCIES: &[&str] = &[
        "€", "eur", "euro", "$", "usd", "£", "gbp", "chf", "k€", "m€", "dollar",
    ];
    // Only the last bytes of `before` are compared: lowering all of it would
    // copy the text before every match, quadratic over a long text.
    let ends_with_code = |code: &str| {
        before.len() >= code.len()
            && before.as_bytes()[before.len() - code.len()..].eq_ignore_ascii_case(code.as_bytes())
    };
    CURRENCIES.iter().any(|c| after_lower.starts_with(c))
        || before.ends_with(['€', '$', '£'])
        || ends_with_code("eur")
        || ends_with_code("usd")
}

/// Whether a number goes on beyond the match, past at most one separator
/// ("1 234 567 890" holds "234 567 890", which is no SIREN).
fn inside_larger_number(text: &str, start: usize, end: usize) -> bool {
    let is_separator = |b: u8| matches!(b, b' ' | b'.' | b',' | b'-');
    let bytes = text.as_bytes();
    let digit_at = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let before = match start.checked_sub(1).map(|i| bytes[i]) {
        Some(b) if is_separator(b) => start.checked_sub(2),
        _ => start.checked_sub(1),
    };
    let after = match bytes.get(end) {
        Some(&b) if is_separator(b) => Some(end + 1),
        _ => Some(end),
    };
    digit_at(before) || digit_at(after)
}

/// The text around a match, in matching form, with the match itself left out
/// (its digits must not count as a word).
struct Around {
    normalized: Normalized,
}

impl Around {
    /// `reach.0` bytes before and `reach.1` after a match, or less if
    /// `same_line` and a line ends sooner.
    fn new(text: &str, start: usize, end: usize, reach: (usize, usize), same_line: bool) -> Self {
        let (mut from, mut to) = window_around(text, start, end, reach.0, reach.1);
        if same_line {
            if let Some(i) = memchr::memrchr(b'\n', &text.as_bytes()[from..start]) {
                from += i + 1;
            }
            if let Some(i) = memchr::memchr(b'\n', &text.as_bytes()[end..to]) {
                to = end + i;
            }
        }
        let mut window = String::with_capacity(to - from + 1);
        window.push_str(&text[from..start]);
        window.push('\n');
        window.push_str(&text[end..to]);
        Around {
            normalized: Normalized::new(&window),
        }
    }

    /// Whether a word from `words` (matching form) starts a word here.
    fn holds_any(&self, words: &[Vec<u8>]) -> bool {
        let haystack = self.normalized.as_bytes();
        words.iter().any(|word| {
            memchr::memmem::find_iter(haystack, word).any(|at| self.normalized.is_boundary(at))
        })
    }
}

/// A run of digits: digits at most [`DIGIT_GAP`] bytes apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DigitRun {
    start: usize,
    end: usize,
    digits: usize,
}

/// Offset of the first ASCII digit at or after `from`. Prose has few digits:
/// whole 32-byte blocks are tested at once (the compiler turns the fold into
/// vector instructions) and only a block holding a digit is searched.
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut at = from;
    while at + BLOCK <= bytes.len() {
        let block = &bytes[at..at + BLOCK];
        if block.iter().fold(false, |any, &b| any | b.is_ascii_digit()) {
            return block.iter().position(u8::is_ascii_digit).map(|i| at + i);
        }
        at += BLOCK;
    }
    bytes[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|i| at + i)
}

/// The digit runs of a text, found in one forward scan.
struct DigitRuns<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Runs start before this offset (they may go on past it): the search
    /// for the next digit never reads past the chunk, or a long text with
    /// no digit would be read to its end once per chunk.
    starts_before: usize,
}

impl<'a> DigitRuns<'a> {
    /// The runs that start at or after `from` and before `before`.
    fn new(bytes: &'a [u8], from: usize, before: usize) -> Self {
        // A run that began before `from` is not cut in two: skip its end.
        let mut at = from;
        while at > 0
            && at < bytes.len()
            && bytes[at].is_ascii_digit()
            && bytes[at - 1].is_ascii_digit()
        {
            at += 1;
        }
        DigitRuns {
            bytes,
            at,
            starts_before: before.min(bytes.len()),
        }
    }
}

impl Iterator for DigitRuns<'_> {
    type Item = DigitRun;

    fn next(&mut self) -> Option<DigitRun> {
        if self.at >= self.starts_before {
            return None;
        }
        let first = next_digit(&self.bytes[..self.starts_before], self.at)?;
        let mut last = first;
        let mut digits = 1;
        let mut i = first + 1;
        while i < self.bytes.len() && i - last <= DIGIT_GAP {
            if self.bytes[i].is_ascii_digit() {
                last = i;
                digits += 1;
            }
            i += 1;
        }
        self.at = last + 1;
        Some(DigitRun {
            start: first,
            end: last + 1,
            digits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_tolerate_short_gaps() {
        let text = b"tel 06 12 34 56 78, code 12AB34567, year 2026";
        let runs: Vec<(usize, usize)> = DigitRuns::new(text, 0, text.len())
            .map(|r| (r.digits, r.start))
            .collect();
        assert_eq!(runs, [(10, 4), (7, 25), (4, 41)]);
    }

    #[test]
    fn digit_runs_start_inside_their_chunk_only() {
        // The search for a run's first digit stops at the chunk's end: a
        // text with its only digit far away is not read to it once per
        // chunk (which made long texts quadratic).
        let mut text = vec![b'a'; 10_000];
        text[9_000..9_007].copy_from_slice(b"1234567");
        assert_eq!(DigitRuns::new(&text, 0, 4_096).count(), 0);
        let runs: Vec<(usize, usize)> = DigitRuns::new(&text, 8_192, 10_000)
            .map(|r| (r.start, r.end))
            .collect();
        assert_eq!(runs, [(9_000, 9_007)]);
        // A run that starts in the chunk may end past it.
        let runs: Vec<usize> = DigitRuns::new(&text, 8_192, 9_001).map(|r| r.end).collect();
        assert_eq!(runs, [9_007]);
    }

    #[test]
    fn digits_are_found_across_blocks() {
        let mut text = vec![b'a'; 100];
        assert_eq!(next_digit(&text, 0), None);
        text[70] = b'7';
        assert_eq!(next_digit(&text, 0), Some(70));
        assert_eq!(next_digit(&text, 71), None);
        text[99] = b'1';
        assert_eq!(next_digit(&text, 71), Some(99));
    }

    #[test]
    fn amounts_are_recognised() {
        let text = "un budget de 123 456 789 € et 987 654 321 EUR, ou $ 732 829 320";
        for number in ["123 456 789", "987 654 321", "732 829 320"] {
            let start = text.find(number).unwrap();
            assert!(is_amount(text, start, start + number.len()), "{number}");
        }
        assert!(!is_amount("SIREN 732 829 320.", 6, 17));
    }

    #[test]
    fn numbers_inside_larger_numbers_are_recognised() {
        let text = "1 234 567 890 et 732 829 320.";
        assert!(inside_larger_number(text, 2, 13));
        assert!(inside_larger_number(text, 0, 9));
        assert!(!inside_larger_number(text, 17, 28));
    }
}
