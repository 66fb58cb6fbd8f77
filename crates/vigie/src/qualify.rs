//! Decides which literal matches are markings, with what confidence and why.
//!
//! The matcher finds literals; this module looks at the original text around
//! each one and answers three questions:
//!
//! 1. *Where does it stand?* On a line of its own, bracketed or starred, in
//!    CAPCO `//` syntax, at the start of the first or last line, in a page
//!    header or footer, after a hotword ("Classification :"), or in running
//!    text. In capitals or not.
//! 2. *Does its form count there?* Multi-word forms count anywhere; bare
//!    words ("SECRET", "OFFICIAL") only as banners or after a hotword; "DR"
//!    only after a hotword (see [`FormContext`]).
//! 3. *Which scheme?* A literal shared by several schemes ("SECRET") goes to
//!    the one its context suggests: CAPCO syntax → `us`, a UK hint → `uk`,
//!    French text around it → `fr`, English → `us`.

use crate::matcher::{Candidate, Matcher};
use crate::normalize::{Normalized, is_invisible};
use crate::report::{Confidence, Part};
use crate::rules::{FormContext, RuleSet};
use crate::text::{ceil_char_boundary, floor_char_boundary, window_around};

/// A marking found, before it becomes a [`crate::Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualified {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// How sure.
    pub confidence: Confidence,
    /// Why.
    pub reason: String,
    /// Byte range in the segment text.
    pub start: usize,
    /// End of that range.
    pub end: usize,
}

/// The text a candidate was found in.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    text: &'a str,
    part: Part,
    /// Offset of the first letter or digit of the text.
    first_text: usize,
    /// Offset just past the last letter or digit of the text.
    last_text: usize,
}

impl<'a> Segment<'a> {
    /// Describes a whole segment (not a window of it).
    pub fn new(text: &'a str, part: Part) -> Self {
        let first_text = text.find(char::is_alphanumeric).unwrap_or(text.len());
        let last_text = text
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        Segment {
            text,
            part,
            first_text,
            last_text,
        }
    }
}

/// Longest line still read as a banner line.
const MAX_BANNER_LINE_BYTES: usize = 200;
/// How far around a marking the language is read.
const LANGUAGE_WINDOW_BYTES: usize = 256;
/// How far a line is followed from a marking; a longer line is running text.
const MAX_LINE_SEARCH_BYTES: usize = 256;
/// How far before a marking a hotword is looked for.
const HOTWORD_WINDOW_BYTES: usize = 48;

/// Words that may stand beside a marking on a banner line ("SECRET - page 2
/// sur 3", "SECRET//REL TO USA, FVEY", "OFFICIAL-SENSITIVE: COMMERCIAL").
#[rustfmt::skip]
const BANNER_WORDS: &[&str] = &[
    "page", "sur", "of", "de", "et", "and", "only", "eyes", "rel", "to",
    "usa", "fvey", "nato", "otan", "ue", "eu", "uk", "fr", "sci", "fouo",
    "propin", "relido", "commercial", "personal", "locsen", "copie", "copy", "exemplaire", "annexe", "annex",
    "draft", "projet", "version",
];

/// French function words, for telling the language around a marking.
#[rustfmt::skip]
fn is_french_word(lower: &str) -> bool {
    matches!(
        lower,
        "le" | "la" | "les" | "des" | "du" | "de" | "un" | "une" | "et" | "est" |
        "pour" | "dans" | "que" | "qui" | "sur" | "avec" | "pas" | "ce" | "cette" | "au" |
        "aux" | "nous" | "vous" | "il" | "elle" | "ne" | "sont" | "par" | "plus" | "mais" |
        "ou" | "note" | "objet" | "merci"
    )
}

/// English function words.
#[rustfmt::skip]
fn is_english_word(lower: &str) -> bool {
    matches!(
        lower,
        "the" | "and" | "of" | "to" | "is" | "for" | "this" | "that" | "with" | "are" |
        "be" | "in" | "on" | "not" | "it" | "we" | "you" | "by" | "from" | "as" |
        "at" | "or" | "was" | "will" | "please"
    )
}

/// Qualifies `candidates` (found in `segment`, sorted by start) and appends
/// the markings to `out`. `candidates` must hold every candidate of the
/// lines they stand on: a banner line is recognised by what else stands on
/// it.
pub fn qualify(
    rules: &RuleSet,
    matcher: &Matcher,
    segment: &Segment<'_>,
    candidates: &[Candidate],
    out: &mut Vec<Qualified>,
) {
    debug_assert!(candidates.is_sorted_by_key(|c| c.start));
    for candidate in candidates {
        let in_code = in_identifier_or_assignment(segment.text, candidate.start, candidate.end);
        let facts = Facts::of(rules, segment, candidate, candidates);
        let written = &segment.text[candidate.start..candidate.end];
        let forms = matcher.forms_of(candidate.pattern);
        let judge = |index: usize| {
            let form = &rules.forms()[index];
            if in_code && form.context == FormContext::Banner {
                // `CLIENT_SECRET`, `secret = …`: a name in code, not a banner.
                return None;
            }
            decide(form.context, &facts, form.exact.as_deref() == Some(written))
        };
        // The best confidence any form of the literal earns here, and how
        // many forms (of different schemes) earn it.
        let mut top: Option<Confidence> = None;
        let mut tied = 0;
        for &index in forms {
            if let Some((confidence, _)) = judge(index) {
                if top.is_none_or(|top| confidence > top) {
                    top = Some(confidence);
                    tied = 1;
                } else if top == Some(confidence) {
                    tied += 1;
                }
            }
        }
        let Some(top) = top else {
            continue;
        };
        // Several schemes share the literal: the context chooses.
        let hint = (tied > 1)
            .then(|| scheme_hint(segment.text, candidate.start, candidate.end, facts.capco));
        let (form_index, confidence, reason_text) = forms
            .iter()
            .filter_map(|&index| {
                judge(index).map(|(confidence, reason)| (index, confidence, reason))
            })
            .filter(|&(_, confidence, _)| confidence == top)
            .min_by_key(|&(index, _, _)| {
                scheme_rank(rules, index, hint.unwrap_or(SchemeHint::None))
            })
            .expect("at least one form counts");
        let form = &rules.forms()[form_index];
        let mut reason = String::with_capacity(96);
        reason.push_str(reason_text);
        if let Some(hint) = hint {
            reason.push_str("; scheme ");
            reason.push_str(rules.rules()[form.rule].scheme());
            reason.push_str(hint.reason());
        }
        if let Some(note) = &form.note {
            reason.push_str("; ");
            reason.push_str(note);
        }
        out.push(Qualified {
            rule: form.rule,
            confidence,
            reason,
            start: candidate.start,
            end: candidate.end,
        });
    }
}

/// Whether a span is part of a name in code: glued to an underscore
/// (`AWS_SECRET_ACCESS_KEY`) or followed by an assignment (`secret = …`).
fn in_identifier_or_assignment(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let glued = (start > 0 && bytes[start - 1] == b'_') || bytes.get(end) == Some(&b'_');
    let assigned = text[end..].trim_start_matches([' ', '\t']).starts_with('=');
    glued || assigned
}

/// Keeps, of findings nested in one another, the outermost: "TRÈS SECRET
/// DÉFENSE" and not the "SECRET" inside it. Of equal ranges, keeps the most
/// confident. Sorts `found` in document order.
pub fn keep_outermost(found: &mut Vec<Qualified>) {
    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.confidence.cmp(&a.confidence))
    });
    let mut reach = 0;
    found.retain(|q| {
        if q.end <= reach {
            return false;
        }
        reach = q.end;
        true
    });
}

/// What the text around a candidate says.
#[derive(Debug)]
struct Facts {
    case: Case,
    own_line: bool,
    bracketed: bool,
    capco: bool,
    edge: bool,
    hotword: bool,
    part: Part,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Upper,
    Lower,
    Title,
    Irregular,
    Caseless,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SchemeHint {
    Capco,
    Uk,
    French,
    English,
    None,
}

impl SchemeHint {
    fn preferred(self) -> &'static [&'static str] {
        match self {
            SchemeHint::Capco => &["us"],
            SchemeHint::Uk => &["uk", "us"],
            SchemeHint::French => &["fr", "eu", "nato", "us", "uk"],
            SchemeHint::English => &["us", "uk", "nato", "eu"],
            SchemeHint::None => &[],
        }
    }

    fn reason(self) -> &'static str {
        match self {
            SchemeHint::Capco => " (CAPCO // syntax)",
            SchemeHint::Uk => " (UK context)",
            SchemeHint::French => " (French text around it)",
            SchemeHint::English => " (English text around it)",
            SchemeHint::None => " (no context; first scheme in pack order)",
        }
    }
}

/// Rank of a form's scheme under the context's preference: lower is better;
/// schemes the context does not name come after, in pack order.
fn scheme_rank(rules: &RuleSet, form_index: usize, hint: SchemeHint) -> (usize, usize) {
    let rule = rules.forms()[form_index].rule;
    let scheme = rules.rules()[rule].scheme();
    let preferred = hint.preferred();
    let position = preferred
        .iter()
        .position(|s| *s == scheme)
        .unwrap_or(preferred.len());
    (position, rule)
}

/// Whether a form counts given the facts, with its confidence and reason.
fn decide(context: FormContext, facts: &Facts, exact: bool) -> Option<(Confidence, &'static str)> {
    use Confidence::{High, Low, Medium};
    let upper = facts.case == Case::Upper;
    let banner: Option<&'static str> = if facts.part == Part::Label {
        Some("sensitivity label")
    } else if facts.capco && upper {
        Some("CAPCO banner (// syntax)")
    } else if matches!(facts.part, Part::Header | Part::Footer) && (upper || facts.own_line) {
        Some(if facts.part == Part::Header {
            "banner in page header"
        } else {
            "banner in page footer"
        })
    } else if facts.own_line && upper {
        Some("banner: a line of its own")
    } else if facts.bracketed && !matches!(facts.case, Case::Lower | Case::Caseless) {
        Some("banner: bracketed or starred")
    } else if facts.edge && upper {
        Some("banner: opens or closes the text")
    } else {
        None
    };
    match context {
        FormContext::Anywhere => Some(if exact {
            (High, "written as the standard prescribes")
        } else if let Some(reason) = banner {
            (High, reason)
        } else if facts.own_line {
            (High, "banner: a line of its own")
        } else if facts.hotword {
            (Medium, "after a classification hotword")
        } else {
            (Medium, "marking in running text")
        }),
        FormContext::Banner => {
            if let Some(reason) = banner {
                Some((High, reason))
            } else if facts.hotword {
                Some((Medium, "after a classification hotword"))
            } else if facts.own_line && facts.case == Case::Irregular {
                Some((Medium, "a line of its own in irregular capitals"))
            } else if facts.own_line {
                Some((Low, "a line of its own, not in capitals (audit only)"))
            } else if upper {
                Some((Low, "word in capitals inside a sentence (audit only)"))
            } else {
                None
            }
        }
        FormContext::Hotword => facts
            .hotword
            .then_some((Medium, "after a classification hotword")),
        FormContext::Capco => (facts.capco && upper).then_some((High, "CAPCO banner (// syntax)")),
    }
}

impl Facts {
    fn of(
        rules: &RuleSet,
        segment: &Segment<'_>,
        candidate: &Candidate,
        all: &[Candidate],
    ) -> Facts {
        let text = segment.text;
        let (start, end) = (candidate.start, candidate.end);
        let line = Line::around(text, start, end);
        Facts {
            case: case_of(&text[start..end]),
            own_line: line.whole && own_line(text, &line, all),
            bracketed: bracketed(text, start, end),
            capco: text[end..].starts_with("//") || text[..start].ends_with("//"),
            edge: line.whole && edge(segment, &line, start, end),
            hotword: after_hotword(rules, &text[line.start..start]),
            part: segment.part,
        }
    }
}

/// The line around a span, followed at most [`MAX_LINE_SEARCH_BYTES`] each
/// way so that a text with no line break costs no more than a short one.
#[derive(Debug)]
struct Line {
    start: usize,
    end: usize,
    /// Whether both ends are real line ends (or the ends of the text).
    whole: bool,
}

impl Line {
    fn around(text: &str, start: usize, end: usize) -> Line {
        let from = start.saturating_sub(MAX_LINE_SEARCH_BYTES);
        let to = (end + MAX_LINE_SEARCH_BYTES).min(text.len());
        let bytes = text.as_bytes();
        let line_start = last_line_break(&bytes[from..start]).map(|i| from + i);
        let line_end = first_line_break(&bytes[end..to]).map(|i| end + i);
        // A window edge may fall inside a character: step to a boundary.
        Line {
            start: ceil_char_boundary(text, line_start.unwrap_or(from)),
            end: floor_char_boundary(text, line_end.unwrap_or(to)),
            whole: (line_start.is_some() || from == 0) && (line_end.is_some() || to == text.len()),
        }
    }
}

/// UTF-8 of the line and paragraph separators U+2028 and U+2029, which start
/// with these two bytes and end with 0xA8 or 0xA9.
const UNICODE_BREAK_LEAD: [u8; 2] = [0xE2, 0x80];

fn is_unicode_break(bytes: &[u8], at: usize) -> bool {
    bytes[at..].starts_with(&UNICODE_BREAK_LEAD) && matches!(bytes.get(at + 2), Some(0xA8 | 0xA9))
}

/// Offset just past the last line break of `bytes` (`\n`, `\r`, form feed,
/// U+2028, U+2029), found with memchr: this runs for every candidate.
fn last_line_break(bytes: &[u8]) -> Option<usize> {
    let ascii = memchr::memrchr3(b'\n', b'\r', b'\x0C', bytes).map(|i| i + 1);
    let searched = &bytes[ascii.unwrap_or(0)..];
    let unicode = memchr::memrchr_iter(0xE2, searched)
        .find(|&i| is_unicode_break(searched, i))
        .map(|i| ascii.unwrap_or(0) + i + 3);
    unicode.or(ascii)
}

/// Offset of the first line break of `bytes`.
fn first_line_break(bytes: &[u8]) -> Option<usize> {
    let ascii = memchr::memchr3(b'\n', b'\r', b'\x0C', bytes);
    let searched = &bytes[..ascii.unwrap_or(bytes.len())];
    memchr::memchr_iter(0xE2, searched)
        .find(|&i| is_unicode_break(searched, i))
        .or(ascii)
}

fn case_of(span: &str) -> Case {
    let (mut upper, mut lower, mut title_words, mut words) = (0, 0, 0, 0);
    for word in span
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        let mut letters = word.chars();
        let first = letters.next().expect("non-empty word");
        let rest_lower = letters.clone().all(|c| !c.is_uppercase());
        for c in word.chars() {
            upper += usize::from(c.is_uppercase());
            lower += usize::from(c.is_lowercase());
        }
        if first.is_uppercase() && rest_lower && word.chars().count() > 1 {
            title_words += 1;
        }
    }
    match (upper, lower) {
        (0, 0) => Case::Caseless,
        (_, 0) => Case::Upper,
        (0, _) => Case::Lower,
        _ if title_words == words => Case::Title,
        _ => Case::Irregular,
    }
}

/// Whether the line holds nothing but markings, decoration and banner words.
fn own_line(text: &str, line: &Line, all: &[Candidate]) -> bool {
    let (line_start, line_end) = (line.start, line.end);
    if line_end - line_start > MAX_BANNER_LINE_BYTES {
        return false;
    }
    // Blank out every candidate on the line; what remains is the residue.
    let first = all.partition_point(|c| c.start < line_start);
    let covered = all[first..]
        .iter()
        .take_while(|c| c.start < line_end)
        .filter(|c| c.end <= line_end)
        .map(|c| (c.start, c.end));
    let mut position = line_start;
    let mut residue_ok = true;
    let mut check = |piece: &str| {
        residue_ok &= piece
            .split(|c: char| !c.is_alphanumeric())
            .all(banner_residue_word);
    };
    for (start, end) in covered {
        if start > position {
            check(&text[position..start]);
        }
        position = position.max(end);
    }
    if position < line_end {
        check(&text[position..line_end]);
    }
    residue_ok
}

fn banner_residue_word(word: &str) -> bool {
    if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    let short_capitals = word.chars().count() <= 3 && !word.chars().any(char::is_lowercase);
    short_capitals || BANNER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether the span is enclosed in brackets, parentheses, guillemets or
/// stars (Markdown bold included).
fn bracketed(text: &str, start: usize, end: usize) -> bool {
    let skip = |c: char| c == ' ' || c == '\u{A0}' || c == '\u{202F}' || is_invisible(c);
    let before = text[..start].trim_end_matches(skip).chars().next_back();
    let after = text[end..].trim_start_matches(skip).chars().next();
    matches!(
        (before, after),
        (Some('['), Some(']'))
            | (Some('('), Some(')'))
            | (Some('{'), Some('}'))
            | (Some('<'), Some('>'))
            | (Some('«'), Some('»'))
            | (Some('*'), Some('*'))
            | (Some('_'), Some('_'))
    )
}

/// Whether the span opens the first line of the text or closes its last
/// line, set off from the rest of the line by punctuation ("SECRET - ordre
/// du jour", "… — DIFFUSION RESTREINTE").
fn edge(segment: &Segment<'_>, line: &Line, start: usize, end: usize) -> bool {
    let text = segment.text;
    let no_text = |s: &str| !s.chars().any(char::is_alphanumeric);
    let set_off = |c: Option<char>| {
        matches!(
            c,
            None | Some(
                ':' | '-' | '–' | '—' | '|' | '/' | '.' | ',' | ';' | '\u{2010}'..='\u{2015}'
            )
        )
    };
    let before = &text[line.start..start];
    let after = &text[end..line.end];
    let opens = segment.first_text >= line.start
        && no_text(before)
        && set_off(after.trim_start().chars().next());
    let closes = segment.last_text <= line.end
        && no_text(after)
        && set_off(before.trim_end().chars().next_back());
    opens || closes
}

/// Whether the text before a span, on its line, ends with a hotword and a
/// colon ("Classification :", "Mention:").
fn after_hotword(rules: &RuleSet, before: &str) -> bool {
    let before = before.trim_end();
    let Some(before) = before.strip_suffix([':', '：']) else {
        return false;
    };
    let before = before.trim_end();
    let tail_start = ceil_char_boundary(before, before.len().saturating_sub(HOTWORD_WINDOW_BYTES));
    let tail = Normalized::new(&before[tail_start..]);
    let tail_bytes = tail.as_bytes();
    rules.hotwords().iter().any(|hotword| {
        tail_bytes.ends_with(hotword) && tail.is_boundary(tail_bytes.len() - hotword.len())
    })
}

fn scheme_hint(text: &str, start: usize, end: usize, capco: bool) -> SchemeHint {
    if capco {
        return SchemeHint::Capco;
    }
    let (from, to) = window_around(
        text,
        start,
        end,
        LANGUAGE_WINDOW_BYTES,
        LANGUAGE_WINDOW_BYTES,
    );
    let (mut french, mut english) = (0, 0);
    for word in text[from..to]
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if word == "UK" {
            return SchemeHint::Uk;
        }
        if word
            .chars()
            .any(|c| matches!(c, 'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'ô' | 'î' | 'É' | 'È'))
        {
            french += 1;
        }
        // Function words are short and ASCII: compare a lower-case copy on
        // the stack rather than allocate one per word.
        let mut lower = [0u8; 6];
        if word.len() <= lower.len() && word.is_ascii() {
            let lower = &mut lower[..word.len()];
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            let lower = std::str::from_utf8(lower).expect("ASCII");
            french += usize::from(is_french_word(lower));
            english += usize::from(is_english_word(lower));
        }
    }
    match french.cmp(&english) {
        std::cmp::Ordering::Greater => SchemeHint::French,
        std::cmp::Ordering::Less => SchemeHint::English,
        std::cmp::Ordering::Equal => SchemeHint::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_read_per_word() {
        assert_eq!(case_of("SECRET DÉFENSE"), Case::Upper);
        assert_eq!(case_of("secret"), Case::Lower);
        assert_eq!(case_of("Diffusion Restreinte"), Case::Title);
        assert_eq!(case_of("SeCrEt"), Case::Irregular);
        assert_eq!(case_of("S E C R E T"), Case::Upper);
        assert_eq!(case_of("СЕКRЕТ"), Case::Upper);
        assert_eq!(case_of("1234"), Case::Caseless);
    }

    #[test]
    fn outermost_findings_win() {
        let q = |rule, start, end, confidence| Qualified {
            rule,
            confidence,
            reason: String::new(),
            start,
            end,
        };
        let mut found = vec![
            q(1, 5, 11, Confidence::Low),
            q(0, 0, 19, Confidence::Medium),
            q(2, 30, 36, Confidence::High),
            q(3, 30, 36, Confidence::Low),
        ];
        keep_outermost(&mut found);
        assert_eq!(found.iter().map(|q| q.rule).collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn lines_are_found_around_a_span() {
        let text = "a\nbc SECRET d\r\ne";
        let start = text.find("SECRET").unwrap();
        let line = Line::around(text, start, start + 6);
        assert_eq!(&text[line.start..line.end], "bc SECRET d");
        assert!(line.whole);
        let long = format!("{}SECRET{}", "x ".repeat(300), " y".repeat(300));
        let start = long.find("SECRET").unwrap();
        assert!(!Line::around(&long, start, start + 6).whole);
        let unicode = "a\u{2028}SECRET\u{2029}’b";
        let start = unicode.find("SECRET").unwrap();
        let line = Line::around(unicode, start, start + 6);
        assert_eq!(&unicode[line.start..line.end], "SECRET");
        let page = "fin\x0CSECRET\x0Cdébut";
        let start = page.find("SECRET").unwrap();
        let line = Line::around(page, start, start + 6);
        assert_eq!(&page[line.start..line.end], "SECRET");
    }
}
