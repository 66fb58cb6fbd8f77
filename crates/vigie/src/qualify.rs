//! Decides which literal matches are markings, with what confidence and why.
//!
//! The matcher finds literals; this module looks at the original text around
//! each one and answers three questions:
//!
//! 1. *Where does it stand?* On a line of its own, bracketed or starred, in
//!    CAPCO `//` syntax, at the start of the first or last line, in a page
//!    header or footer, on the first or last line of a document or a page,
//!    after a hotword ("Classification :"), after "classé" or "classified",
//!    as the value after a label ("Statut : TRÈS SECRET"), beside another
//!    marking (a caveat), or in running text. In capitals or not, and
//!    whether the capitals mean anything (a sentence shouted in capitals is
//!    still a sentence). A banner line holds marking words, caveats,
//!    separators and banner words only; a line with function words or
//!    elisions is a sentence. A word that labels an identifier ("CUI
//!    18547290"), or stands in a URL or a path, is a name.
//! 2. *Does its form count there?* Multi-word forms count anywhere; bare
//!    words ("SECRET", "OFFICIAL") only as banners or after a hotword;
//!    phrases that are also ordinary ("secret défense", "EU restricted")
//!    need capitals or context; "DR", "NP", "CD" only after a hotword (see
//!    [`FormContext`]).
//! 3. *Which scheme?* A literal shared by several schemes ("SECRET") goes to
//!    the one its context suggests: CAPCO syntax → `us`, a UK hint → `uk`,
//!    French text around it → `fr`, English → `us`.

use crate::chars::{ceil_char_boundary, floor_char_boundary, window_around};
use crate::detection::Detection;
use crate::matcher::{Candidate, Matcher};
use crate::normalize::{self, Normalized, is_invisible};
use crate::report::{Confidence, Part};
use crate::rules::{FormContext, RuleSet};
use crate::trace::{Trace, TraceEvent, emit};

/// The text a candidate was found in, with where its first and last letters
/// stand (a banner opens or closes a page).
#[derive(Debug, Clone, Copy)]
pub struct TextBounds<'a> {
    text: &'a str,
    part: Part,
    /// Offset of the first letter or digit of the text.
    first_text: usize,
    /// Offset just past the last letter or digit of the text.
    last_text: usize,
}

impl<'a> TextBounds<'a> {
    /// Describes a whole segment (not a window of it).
    pub fn new(text: &'a str, part: Part) -> Self {
        let first_text = text.find(char::is_alphanumeric).unwrap_or(text.len());
        let last_text = text
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        TextBounds {
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
    segment: &TextBounds<'_>,
    candidates: &[Candidate],
    out: &mut Vec<Detection>,
    trace: Option<&dyn Trace>,
) {
    debug_assert!(candidates.is_sorted_by_key(|c| c.start));
    for (index, candidate) in candidates.iter().enumerate() {
        let mut choice = choose(rules, matcher, segment, candidates, index);
        // A caveat directly beside a level marking takes its confidence:
        // "Confidentiel Défense Spécial France" is one marking.
        if let Some(caveat_form) = caveat_form(rules, matcher, candidate) {
            let beside = neighbours(segment.text, candidates, index)
                .filter(|&other| !is_caveat(rules, matcher, &candidates[other]))
                .filter_map(|other| choose(rules, matcher, segment, candidates, other))
                .map(|level| level.confidence)
                .max();
            if let Some(beside) = beside
                && choice.as_ref().is_none_or(|c| c.confidence < beside)
            {
                choice = Some(Choice {
                    form: caveat_form,
                    confidence: beside,
                    reason: "caveat beside a marking: takes its confidence",
                    hint: None,
                });
            }
        }
        let Some(choice) = choice else {
            emit(trace, || TraceEvent::Rejected {
                rule: candidate_rule(rules, matcher, candidate),
                start: candidate.start,
                end: candidate.end,
                why: "no form of it qualifies in this context (prose, a word of a sentence)",
            });
            continue;
        };
        let form = &rules.forms()[choice.form];
        let mut reason = String::with_capacity(96);
        reason.push_str(choice.reason);
        if let Some(hint) = choice.hint {
            reason.push_str("; scheme ");
            reason.push_str(rules.rules()[form.rule].scheme());
            reason.push_str(hint.reason());
        }
        if let Some(note) = &form.note {
            reason.push_str("; ");
            reason.push_str(note);
        }
        out.push(Detection {
            rule: form.rule,
            confidence: choice.confidence,
            reason,
            start: candidate.start,
            end: candidate.end,
        });
    }
}

/// What one candidate is judged to be: the form that counts, how sure, why,
/// and the scheme hint that chose among forms of several schemes.
#[derive(Debug, Clone, Copy)]
struct Choice {
    form: usize,
    confidence: Confidence,
    reason: &'static str,
    hint: Option<SchemeHint>,
}

/// Judges candidate `index`: the best confidence any form of its literal
/// earns here, and, when forms of several schemes earn it, the one the
/// context suggests.
fn choose(
    rules: &RuleSet,
    matcher: &Matcher,
    segment: &TextBounds<'_>,
    candidates: &[Candidate],
    index: usize,
) -> Option<Choice> {
    let candidate = &candidates[index];
    let in_code = in_identifier_or_assignment(segment.text, candidate.start, candidate.end);
    let facts = Facts::of(rules, segment, candidate, candidates);
    let written = &segment.text[candidate.start..candidate.end];
    let forms = matcher.forms_of(candidate.pattern);
    // A bare level in capitals directly beside a caveat in capitals ("the
    // annex is SECRET NOFORN") is a marking, not a word in a sentence.
    let caveat_beside = || {
        neighbours(segment.text, candidates, index).any(|other| {
            let other = &candidates[other];
            is_caveat(rules, matcher, other)
                && case_of(&segment.text[other.start..other.end]) == Case::Upper
        })
    };
    let judge = |form_index: usize| {
        let form = &rules.forms()[form_index];
        if in_code && form.context == FormContext::Banner {
            // `CLIENT_SECRET`, `secret = …`: a name in code, not a banner.
            return None;
        }
        if splits_a_word(&form.text, written) {
            // "pro or con" is not ORCON.
            return None;
        }
        let exact = form.exact.as_deref() == Some(written);
        let judged = decide(form.context, &facts, exact, form.text.contains(' '));
        let raisable = form.context == FormContext::Banner
            && facts.case == Case::Upper
            && !facts.shouted
            && judged.is_some_and(|(confidence, _)| confidence == Confidence::Low);
        if raisable && caveat_beside() {
            Some((Confidence::Medium, "marking in capitals beside a caveat"))
        } else {
            judged
        }
    };
    // The best confidence any form of the literal earns here, and how
    // many forms (of different schemes) earn it.
    let mut top: Option<Confidence> = None;
    let mut tied = 0;
    for &form in forms {
        if let Some((confidence, _)) = judge(form) {
            if top.is_none_or(|top| confidence > top) {
                top = Some(confidence);
                tied = 1;
            } else if top == Some(confidence) {
                tied += 1;
            }
        }
    }
    let top = top?;
    // Several schemes share the literal: the context chooses.
    let hint =
        (tied > 1).then(|| scheme_hint(segment.text, candidate.start, candidate.end, facts.capco));
    forms
        .iter()
        .filter_map(|&form| judge(form).map(|(confidence, reason)| (form, confidence, reason)))
        .filter(|&(_, confidence, _)| confidence == top)
        .min_by_key(|&(form, _, _)| scheme_rank(rules, form, hint.unwrap_or(SchemeHint::None)))
        .map(|(form, confidence, reason)| Choice {
            form,
            confidence,
            reason,
            hint,
        })
}

/// Whether `written` spells a one-word form as several words: pieces of two
/// letters or more set apart by white space ("or con" for ORCON). Letters
/// spaced one by one ("S E C R E T") and a word broken at a line end by a
/// hyphen ("CONFID-\nENTIAL") are still the word.
fn splits_a_word(form: &str, written: &str) -> bool {
    if !form.chars().all(char::is_alphanumeric) {
        return false;
    }
    let mut previous: Option<&str> = None;
    for piece in written.split(char::is_whitespace).filter(|p| !p.is_empty()) {
        let long = |p: &str| p.chars().filter(|c| c.is_alphanumeric()).nth(1).is_some();
        if let Some(before) = previous
            && long(before)
            && long(piece)
            && !before.ends_with(['-', '\u{AD}', '\u{2010}'])
        {
            return true;
        }
        previous = Some(piece);
    }
    false
}

/// Whether every form of a candidate's literal belongs to a caveat.
fn is_caveat(rules: &RuleSet, matcher: &Matcher, candidate: &Candidate) -> bool {
    caveat_form(rules, matcher, candidate).is_some()
}

/// The rule of a candidate's first form, to name it in a trace.
fn candidate_rule<'r>(rules: &'r RuleSet, matcher: &Matcher, candidate: &Candidate) -> &'r str {
    matcher
        .forms_of(candidate.pattern)
        .first()
        .map_or("", |&form| {
            rules.rules()[rules.forms()[form].rule].id.as_str()
        })
}

/// The first form of a candidate's literal when all of them are caveats
/// (`SPÉCIAL FRANCE`, `NOFORN`).
fn caveat_form(rules: &RuleSet, matcher: &Matcher, candidate: &Candidate) -> Option<usize> {
    let forms = matcher.forms_of(candidate.pattern);
    let all_caveats = !forms.is_empty()
        && forms
            .iter()
            .all(|&form| rules.rules()[rules.forms()[form].rule].is_caveat());
    all_caveats.then(|| forms[0])
}

/// Longest gap between a caveat and the marking it stands beside.
const MAX_CAVEAT_GAP_BYTES: usize = 8;

/// Indices of the candidates that stand directly beside candidate `index`,
/// on its line, separated by nothing but spaces and banner separators
/// ("SECRET NOFORN", "SECRET DÉFENSE / SPÉCIAL FRANCE", "SECRET//NOFORN").
fn neighbours<'c>(
    text: &'c str,
    candidates: &'c [Candidate],
    index: usize,
) -> impl Iterator<Item = usize> + 'c {
    let this = candidates[index];
    let gap_ok = move |from: usize, to: usize| {
        from <= to
            && to - from <= MAX_CAVEAT_GAP_BYTES
            && text.is_char_boundary(from)
            && text.is_char_boundary(to)
            && text[from..to].chars().all(|c| {
                matches!(
                    c,
                    ' ' | '\t' | '\u{A0}' | '\u{202F}' | '/' | '-' | '–' | '—' | ',' | '|' | '+'
                )
            })
    };
    let before = candidates[..index]
        .iter()
        .enumerate()
        .rev()
        .take_while(move |(_, c)| c.start + 64 >= this.start)
        .filter(move |(_, c)| gap_ok(c.end, this.start))
        .map(|(i, _)| i);
    let after = candidates[index + 1..]
        .iter()
        .enumerate()
        .take_while(move |(_, c)| c.start <= this.end + MAX_CAVEAT_GAP_BYTES)
        .filter(move |(_, c)| gap_ok(this.end, c.start))
        .map(move |(i, _)| index + 1 + i);
    before.chain(after)
}

/// Whether a span is part of a name in code or of a longer word: glued to
/// an underscore (`AWS_SECRET_ACCESS_KEY`), followed by an assignment
/// (`secret = …`), or by a hyphen and a lower-case ending (the Romanian
/// "CUI-ul", the company's identifier).
fn in_identifier_or_assignment(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let inflected = bytes.get(end) == Some(&b'-')
        && text[end + 1..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase);
    let glued =
        (start > 0 && bytes[start - 1] == b'_') || bytes.get(end) == Some(&b'_') || inflected;
    let assigned = text[end..].trim_start_matches([' ', '\t']).starts_with('=');
    glued || assigned
}

/// Keeps, of findings nested in one another, the outermost: "TRÈS SECRET
/// DÉFENSE" and not the "SECRET" inside it. Of equal ranges, keeps the most
/// confident. Sorts `found` in document order.
pub fn keep_outermost(found: &mut Vec<Detection>) {
    keep_outermost_telling(found, |_| {});
}

/// [`keep_outermost`], calling `dropped` with each detection it drops.
pub fn keep_outermost_telling(found: &mut Vec<Detection>, mut dropped: impl FnMut(&Detection)) {
    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(b.confidence.cmp(&a.confidence))
    });
    let mut reach = 0;
    found.retain(|q| {
        if q.end <= reach {
            dropped(q);
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
    /// The line holds nothing but markings, separators and banner words.
    own_line: bool,
    bracketed: bool,
    capco: bool,
    /// Opens the first line or closes the last, set off by punctuation.
    edge: bool,
    /// On a line of its own that is the first or last line of the text or
    /// of a page, with document-like content on the other side of it (see
    /// [`document_beside`]).
    document_edge: bool,
    /// The line carries chat punctuation: `!`, `?`, an emoji, a smiley.
    chatty: bool,
    /// The line is a sentence in capitals ("THIS IS OUR LITTLE SECRET"):
    /// its capitals say nothing about the marking.
    shouted: bool,
    hotword: bool,
    /// The value after a label and a colon, alone up to the end of the line
    /// or the sentence ("Statut du dossier : TRÈS SECRET").
    after_colon: bool,
    /// Said to be classified at this level ("classé secret défense",
    /// "classified at the SECRET level").
    classed: bool,
    /// Inside a URL or a file path, or glued to an e-mail address.
    in_url: bool,
    /// Labels a number or an identifier ("CUI 18547290", "CUI: RO1234").
    labels_value: bool,
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
/// `multi_word`: the form is written with several words ("TRÈS SECRET").
fn decide(
    context: FormContext,
    facts: &Facts,
    exact: bool,
    multi_word: bool,
) -> Option<(Confidence, &'static str)> {
    use Confidence::{High, Low, Medium};
    if facts.in_url && context != FormContext::Anywhere {
        // `https://example.org/secret/`, `/srv/Confidentiel/`: a name.
        return None;
    }
    let upper = facts.case == Case::Upper;
    // In a sentence shouted in capitals, capitals are not a sign.
    let capitals = matches!(facts.case, Case::Upper | Case::Irregular) && !facts.shouted;
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
    } else if facts.edge && upper && !facts.labels_value {
        Some("banner: opens or closes the text")
    } else {
        None
    };
    // A banner not in capitals: alone on the first or last line of a
    // document, of a page, not a chat message.
    let document_banner = facts.document_edge && !facts.chatty;
    const DOCUMENT_BANNER: &str = "banner: first or last line of a document, not in capitals";
    const CLASSED: &str = "a document said to be classified at this level";
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
        FormContext::Banner | FormContext::Phrase => {
            if let Some(reason) = banner {
                Some((High, reason))
            } else if facts.hotword {
                Some((Medium, "after a classification hotword"))
            } else if facts.classed {
                Some((Medium, CLASSED))
            } else if document_banner {
                Some((Medium, DOCUMENT_BANNER))
            } else if facts.own_line && facts.case == Case::Irregular && !facts.chatty {
                Some((Medium, "a line of its own in irregular capitals"))
            } else if multi_word && facts.after_colon && capitals {
                Some((Medium, "multi-word marking in capitals after a label"))
            } else if context == FormContext::Phrase {
                // Also an ordinary phrase: capitals make it a marking.
                if capitals && !facts.labels_value {
                    Some((Medium, "marking in running text, in capitals"))
                } else {
                    Some((Low, "also an ordinary phrase, not in capitals (audit only)"))
                }
            } else if facts.labels_value || facts.shouted {
                None
            } else if facts.own_line {
                (!facts.chatty).then_some((Low, "a line of its own, not in capitals (audit only)"))
            } else if upper {
                Some((Low, "word in capitals inside a sentence (audit only)"))
            } else {
                None
            }
        }
        FormContext::Abbreviation => {
            if let Some(reason) = banner {
                Some((High, reason))
            } else if facts.own_line && facts.case != Case::Lower {
                Some((High, "banner: a line of its own"))
            } else if facts.hotword {
                Some((Medium, "after a classification hotword"))
            } else if facts.classed {
                Some((Medium, CLASSED))
            } else if document_banner {
                Some((Medium, DOCUMENT_BANNER))
            } else if facts.case == Case::Lower {
                Some((Low, "abbreviation in lower case (audit only)"))
            } else {
                Some((Medium, "abbreviated marking in running text"))
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
        segment: &TextBounds<'_>,
        candidate: &Candidate,
        all: &[Candidate],
    ) -> Facts {
        let text = segment.text;
        let (start, end) = (candidate.start, candidate.end);
        let line = Line::around(text, start, end);
        let case = case_of(&text[start..end]);
        let residue = Residue::of(text, &line, all);
        let labels_value = labels_value(&text[end..line.end]);
        let own_line = line.whole && residue.banner && !labels_value;
        let shouted = line.whole && !own_line && residue.sentence && !residue.lower_case;
        let document_edge = own_line
            && case != Case::Upper
            && edge_line(segment, &line)
            && !heading(text, &line)
            && document_beside(segment, &line);
        Facts {
            case,
            own_line,
            bracketed: bracketed(text, &line, start, end),
            // Invisible characters (a bidi override around the run) do not
            // stand between a mark and its `//` for a reader.
            capco: text[end..]
                .trim_start_matches(is_invisible)
                .starts_with("//")
                || text[..start].trim_end_matches(is_invisible).ends_with("//"),
            edge: line.whole && edge(segment, &line, start, end, shouted),
            document_edge,
            // Read only where it is used: on a line of its own.
            chatty: own_line && chatty(&text[line.start..line.end]),
            shouted,
            hotword: after_hotword(rules, &text[line.start..start]),
            after_colon: after_colon(text, &line, start, end, all),
            classed: classed(&text[line.start..start], case),
            in_url: in_url(text, &line, start, end),
            labels_value,
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

/// The case of a span, read word by word: capitals, lower case, title or
/// sentence case ("Très secret", "EU restricted": every word in capitals,
/// in lower case or capitalised), or irregular (a word such as "SeCrEt").
fn case_of(span: &str) -> Case {
    let (mut upper, mut lower, mut irregular_words) = (0, 0, 0);
    for word in span
        .split(|c: char| !c.is_alphabetic() && letter_case(c).is_none())
        .filter(|w| !w.is_empty())
    {
        let (mut word_upper, mut word_lower) = (0, 0);
        // Among small capitals, a lower-case letter drawn the same as its
        // small capital (`s`, `o`, `c`…) reads as one: `sᴇᴄʀᴇᴛ` is capitals.
        let small_capitals = word.chars().any(normalize::is_small_capital);
        let letter_case = |c: char| match c {
            'c' | 'o' | 's' | 'u' | 'v' | 'w' | 'x' | 'z' if small_capitals => {
                Some(LetterCase::Upper)
            }
            _ => letter_case(c),
        };
        for c in word.chars() {
            match letter_case(c) {
                Some(LetterCase::Upper) => word_upper += 1,
                Some(LetterCase::Lower) => word_lower += 1,
                None => {}
            }
        }
        let mut letters = word.chars().map(letter_case);
        let first_upper = letters.next() == Some(Some(LetterCase::Upper));
        let title = first_upper && letters.all(|c| c != Some(LetterCase::Upper));
        if word_upper > 0 && word_lower > 0 && !title {
            irregular_words += 1;
        }
        upper += word_upper;
        lower += word_lower;
    }
    match (upper, lower) {
        (0, 0) => Case::Caseless,
        (_, 0) => Case::Upper,
        (0, _) => Case::Lower,
        _ if irregular_words == 0 => Case::Title,
        _ => Case::Irregular,
    }
}

/// The case of one letter as a reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LetterCase {
    Upper,
    Lower,
}

/// A letter's case as it displays, not as Unicode files it: small capitals
/// (`ᴅɪꜰꜰᴜsɪᴏɴ`) are lower-case letters to Unicode but capitals to a reader,
/// and squared, negative squared, parenthesized capital and regional
/// indicator letters (`🅂🄴🄲`, `🇸🇪🇨`) are symbols that read as capitals.
fn letter_case(c: char) -> Option<LetterCase> {
    let reads_as_capital = normalize::is_small_capital(c)
        || matches!(c, '\u{1F110}'..='\u{1F189}' | '\u{1F1E6}'..='\u{1F1FF}');
    if reads_as_capital || c.is_uppercase() {
        Some(LetterCase::Upper)
    } else if c.is_lowercase() {
        Some(LetterCase::Lower)
    } else {
        None
    }
}

/// What stands on a candidate's line once every candidate is blanked out.
#[derive(Debug, Clone, Copy)]
struct Residue {
    /// Nothing but separators, digits and banner words: a banner line.
    banner: bool,
    /// A sentence: a function word, an elision ("C'EST", "IT'S"), or two
    /// words that have no place on a banner line.
    sentence: bool,
    /// A lower-case letter somewhere on the line.
    lower_case: bool,
}

impl Residue {
    fn of(text: &str, line: &Line, all: &[Candidate]) -> Residue {
        let (line_start, line_end) = (line.start, line.end);
        let mut residue = Residue {
            banner: line_end - line_start <= MAX_BANNER_LINE_BYTES,
            sentence: false,
            lower_case: text[line_start..line_end].chars().any(char::is_lowercase),
        };
        if line_end - line_start > MAX_BANNER_LINE_BYTES {
            return residue;
        }
        // Blank out every candidate on the line; what remains is the residue.
        let first = all.partition_point(|c| c.start < line_start);
        let covered = all[first..]
            .iter()
            .take_while(|c| c.start < line_end)
            .filter(|c| c.end <= line_end)
            .map(|c| (c.start, c.end));
        let mut foreign_words = 0;
        let mut check = |piece: &str| {
            for_each_word(piece, |word, after| {
                let mut after = after.chars();
                let elided = matches!(after.next(), Some('\'' | '’'))
                    && after.next().is_some_and(char::is_alphabetic);
                if elided || is_sentence_word(word) {
                    residue.sentence = true;
                    residue.banner = false;
                } else if !banner_residue_word(word) {
                    residue.banner = false;
                    foreign_words += 1;
                }
            });
        };
        let mut position = line_start;
        for (start, end) in covered {
            if start > position {
                check(&text[position..start]);
            }
            position = position.max(end);
        }
        if position < line_end {
            check(&text[position..line_end]);
        }
        residue.sentence |= foreign_words >= 2;
        residue
    }
}

fn banner_residue_word(word: &str) -> bool {
    if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // Short words in capitals are codes: "SCI", "NF", "USA", "N° 2".
    let short_capitals = word.chars().count() <= 3 && !word.chars().any(char::is_lowercase);
    short_capitals || BANNER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Short words that make a line a sentence: pronouns, articles,
/// auxiliaries, chat words, in English and French. Words that banner lines
/// use ("of", "de", "sur", "to", "and") are not among them.
#[rustfmt::skip]
const SENTENCE_WORDS: &[&str] = &[
    "a", "i", "an", "is", "it", "its", "am", "are", "was", "be", "do", "did", "not", "yes",
    "my", "me", "we", "our", "you", "he", "she", "his", "her", "him", "the", "or", "but",
    "so", "if", "at", "in", "on", "up", "out", "get", "got", "lol", "omg", "wow", "why",
    "how", "who", "what", "this", "that", "keep", "please", "tell",
    "à", "au", "aux", "ce", "ces", "des", "du", "en", "il", "ils", "je", "tu", "la", "le",
    "les", "ma", "mon", "mes", "ta", "ton", "tes", "sa", "son", "ses", "ne", "pas", "un",
    "une", "est", "es", "ai", "va", "ou", "où", "oui", "qui", "que", "moi", "toi", "lui",
    "nos", "vos", "par", "ça", "si", "mdr", "plus",
];

/// Calls `f` with each word (a run of letters and digits) of `piece` and
/// the text after it.
fn for_each_word(piece: &str, mut f: impl FnMut(&str, &str)) {
    let mut start = None;
    for (i, c) in piece.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            f(&piece[s..i], &piece[i..]);
        }
    }
    if let Some(s) = start {
        f(&piece[s..], "");
    }
}

fn is_sentence_word(word: &str) -> bool {
    word.len() <= 6 && SENTENCE_WORDS.iter().any(|w| lower_eq(word, w))
}

/// Whether `word` is `lower` in any case (`lower` is written in lower case;
/// non-ASCII letters compared through their lower case).
fn lower_eq(word: &str, lower: &str) -> bool {
    // Most words are ASCII: compare lengths, then bytes, without iterating
    // over case mappings (this runs for every word of a line against the
    // word lists).
    if word.is_ascii() {
        return word.eq_ignore_ascii_case(lower);
    }
    let mut a = word.chars().flat_map(char::to_lowercase);
    let mut b = lower.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

/// Whether the text after a span, on its line, holds an identifier before
/// any lower-case word: the span labels a value ("CUI 18547290", "CUI:
/// RO18547290", "CUI/CIF: RO 12345678"), it is no banner. An identifier is
/// a run of five digits or more, or digits glued to capitals; page and copy
/// numbers ("SECRET 1/2", "COPIE N° 3") are shorter.
fn labels_value(after: &str) -> bool {
    let after = &after[..floor_char_boundary(after, 32)];
    let mut digits = 0;
    for c in after.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 5 {
                return true;
            }
        } else if c.is_whitespace() && digits > 0 || matches!(c, ':' | ',' | ';') {
            // A token ends; "RO 12 345 678" still counts by its digits.
            digits = 0;
        }
    }
    false
}

/// Whether a line is the first or the last line with text of the segment,
/// or of a page in it (a form feed ends a page).
fn edge_line(segment: &TextBounds<'_>, line: &Line) -> bool {
    opens_page(segment, line) || closes_page(segment, line)
}

/// Whether no text stands before the line in its segment or its page, but
/// page furniture (blank lines, page numbers).
fn opens_page(segment: &TextBounds<'_>, line: &Line) -> bool {
    if segment.first_text >= line.start {
        return true;
    }
    let before = &segment.text[..line.start];
    let from = floor_char_boundary(before, before.len().saturating_sub(MAX_LINE_SEARCH_BYTES));
    let window = &before[from..];
    let (page, page_starts) = match window.rfind('\x0C') {
        Some(i) => (&window[i + 1..], true),
        None => (window, from == 0),
    };
    page_starts && page.split(['\n', '\r']).all(page_furniture)
}

/// Whether no text stands after the line in its segment or its page, but
/// page furniture ("Page 2 sur 3", "- 2 -").
fn closes_page(segment: &TextBounds<'_>, line: &Line) -> bool {
    if segment.last_text <= line.end {
        return true;
    }
    let after = &segment.text[line.end..];
    let window = &after[..floor_char_boundary(after, MAX_LINE_SEARCH_BYTES)];
    let (page, page_ends) = match window.find('\x0C') {
        Some(i) => (&window[..i], true),
        None => (window, window.len() == after.len()),
    };
    page_ends && page.split(['\n', '\r']).all(page_furniture)
}

/// Whether a line holds nothing but a page number and its words.
fn page_furniture(line: &str) -> bool {
    line.split(|c: char| !c.is_alphanumeric()).all(|word| {
        word.is_empty()
            || word.chars().all(|c| c.is_ascii_digit())
            || ["page", "p", "sur", "of", "de", "pages"]
                .iter()
                .any(|w| word.eq_ignore_ascii_case(w))
    })
}

/// How far a banner line's neighbourhood is read for document-like content.
const DOCUMENT_WINDOW_BYTES: usize = 2048;

/// Whether the text on the other side of an edge line (after a first line,
/// before a last one) looks like a document rather than a chat message: two
/// lines of text or more, or a line that opens like a note or a mail
/// ("Objet :", "Subject:", "Réf. :", a Markdown heading).
fn document_beside(segment: &TextBounds<'_>, line: &Line) -> bool {
    let text = segment.text;
    let at_start = opens_page(segment, line);
    let (from, to) = if at_start {
        (
            line.end,
            floor_char_boundary(text, line.end + DOCUMENT_WINDOW_BYTES),
        )
    } else {
        (
            ceil_char_boundary(text, line.start.saturating_sub(DOCUMENT_WINDOW_BYTES)),
            line.start,
        )
    };
    let mut lines_with_text = 0;
    // Stop at the page's end: another page is not this banner's document.
    let beside = &text[from..to];
    let beside = if at_start {
        beside.split('\x0C').next().unwrap_or_default()
    } else {
        beside.rsplit('\x0C').next().unwrap_or_default()
    };
    for l in beside.split(['\n', '\r', '\u{2028}', '\u{2029}']) {
        let l = l.trim();
        if !l.chars().any(char::is_alphanumeric) {
            continue;
        }
        lines_with_text += 1;
        if lines_with_text >= 2 || opens_like_a_document(l) {
            return true;
        }
    }
    false
}

/// Whether a line is a Markdown or reStructuredText title ("# Secret",
/// "Top Secret" over a line of `=`): the title of a text about it, not a
/// banner.
fn heading(text: &str, line: &Line) -> bool {
    if text[line.start..line.end].trim_start().starts_with('#') {
        return true;
    }
    let after = &text[line.end..];
    let after = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'));
    after.is_some_and(|after| {
        let next = after
            .split(['\n', '\r'])
            .next()
            .unwrap_or_default()
            .trim_end();
        next.len() >= 3
            && next
                .chars()
                .all(|c| matches!(c, '=' | '-' | '~' | '^' | '*'))
    })
}

/// Labels that open the lines of a note, a letter or a mail.
#[rustfmt::skip]
const DOCUMENT_LABELS: &[&str] = &[
    "objet", "subject", "sujet", "ref", "réf", "référence", "reference", "from", "to",
    "de", "à", "date", "destinataire", "destinataires", "expéditeur", "pj", "cc",
    "memo", "memorandum", "note", "affaire", "dossier",
];

fn opens_like_a_document(line: &str) -> bool {
    if line.starts_with('#') {
        return true;
    }
    let Some((label, _)) = line.split_once([':', '：']) else {
        return false;
    };
    let label = label.trim().trim_end_matches('.');
    DOCUMENT_LABELS.iter().any(|l| lower_eq(label, l))
}

/// Whether a line carries chat punctuation: `!`, `?`, an ellipsis, an
/// emoji, a smiley.
fn chatty(line: &str) -> bool {
    line.chars().any(|c| {
        matches!(c, '!' | '?' | '…' | '¡' | '¿' | '\u{2600}'..='\u{27BF}' | '\u{1F000}'..='\u{1FAFF}')
    }) || [":)", ":-)", ";)", ";-)", ":(", ":D", ":p", ":P", "^^"]
        .iter()
        .any(|smiley| line.contains(smiley))
}

/// Whether the span is enclosed in brackets, parentheses, guillemets or
/// stars (Markdown bold included). Parentheses count only at the start of
/// the line, where a portion mark stands: after words, "(CUI)" spells out
/// an acronym.
fn bracketed(text: &str, line: &Line, start: usize, end: usize) -> bool {
    let skip = |c: char| c == ' ' || c == '\u{A0}' || c == '\u{202F}' || is_invisible(c);
    let before_text = text[..start].trim_end_matches(skip);
    let before = before_text.chars().next_back();
    let after = text[end..].trim_start_matches(skip).chars().next();
    match (before, after) {
        (Some('('), Some(')')) => {
            let open = before_text.len() - 1;
            open >= line.start && !text[line.start..open].chars().any(char::is_alphanumeric)
        }
        (Some('['), Some(']'))
        | (Some('{'), Some('}'))
        | (Some('<'), Some('>'))
        | (Some('«'), Some('»'))
        | (Some('*'), Some('*'))
        | (Some('_'), Some('_')) => true,
        _ => false,
    }
}

/// Whether the span opens the first line of the text or closes its last
/// line, set off from the rest of the line by punctuation ("SECRET - ordre
/// du jour", "… — DIFFUSION RESTREINTE"). On a line shouted in capitals, a
/// comma or a full stop is a sentence's, not a banner's: only dashes, bars
/// and colons set the marking off.
fn edge(segment: &TextBounds<'_>, line: &Line, start: usize, end: usize, shouted: bool) -> bool {
    let text = segment.text;
    let no_text = |s: &str| !s.chars().any(char::is_alphanumeric);
    let set_off = |c: Option<char>| match c {
        None => true,
        Some(',' | '.' | ';') => !shouted,
        // A slash after a word opening a text joins two names ("CUI/CIF").
        Some('/') => false,
        Some(c) => matches!(c, ':' | '-' | '–' | '—' | '|' | '\u{2010}'..='\u{2015}'),
    };
    let set_off_before = |c: Option<char>| c == Some('/') || set_off(c);
    let before = &text[line.start..start];
    let after = &text[end..line.end];
    let opens = segment.first_text >= line.start
        && no_text(before)
        && set_off(after.trim_start().chars().next());
    let closes = segment.last_text <= line.end
        && no_text(after)
        && set_off_before(before.trim_end().chars().next_back());
    opens || closes
}

/// Whether the span is the value after a label and a colon, alone up to the
/// end of its line or sentence: "Statut du dossier : TRÈS SECRET",
/// "Handling status: TOP SECRET, hand delivery only".
fn after_colon(text: &str, line: &Line, start: usize, end: usize, all: &[Candidate]) -> bool {
    let before = text[line.start..start].trim_end();
    let Some(label) = before.strip_suffix([':', '：']) else {
        return false;
    };
    if !label.chars().any(char::is_alphabetic) {
        return false;
    }
    let after = &text[end..line.end];
    let value_end = after.find(['.', ',', ';', '(']).unwrap_or(after.len());
    // Other markings on the rest of the value ("TRÈS SECRET SPÉCIAL
    // FRANCE") are part of it.
    let mut position = end;
    let value_end = end + value_end;
    let mut only_banner_words = true;
    let first = all.partition_point(|c| c.start < end);
    for c in all[first..].iter().take_while(|c| c.start < value_end) {
        // Candidates overlap ("TRÈS SECRET" and "SECRET"): only the text
        // between the last one's end and this one's start is residue.
        if c.start > position {
            only_banner_words &= text[position..c.start]
                .split(|ch: char| !ch.is_alphanumeric())
                .all(banner_residue_word);
        }
        position = position.max(c.end);
    }
    only_banner_words
        && text[position.min(value_end)..value_end]
            .split(|ch: char| !ch.is_alphanumeric())
            .all(banner_residue_word)
}

/// Whether the text before a span, on its line, says that a document is
/// classified at that level: "classé secret défense", "classifiée Très
/// Secret", "classé au niveau Secret", "classified Top Secret", "classified
/// at the SECRET level". In English a level in lower case after "classified
/// as" names a category of data ("data classified as confidential"), not a
/// marking: English levels must be capitalised.
fn classed(before: &str, case: Case) -> bool {
    let from = floor_char_boundary(before, before.len().saturating_sub(HOTWORD_WINDOW_BYTES));
    let words = before[from..]
        .rsplit(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(4);
    for word in words {
        if CLASSED_FR.iter().any(|w| lower_eq(word, w)) {
            return true;
        }
        if CLASSED_EN.iter().any(|w| lower_eq(word, w)) {
            return case != Case::Lower;
        }
        // Between the verb and the level, only these words.
        if !CLASSED_FILLERS.iter().any(|w| lower_eq(word, w)) {
            return false;
        }
    }
    false
}

#[rustfmt::skip]
const CLASSED_FR: &[&str] = &[
    "classé", "classée", "classés", "classées", "classe", "classee", "classes", "classees",
    "classifié", "classifiée", "classifiés", "classifiées", "classifie", "classifiee",
    "classifies", "classifiees",
];
const CLASSED_EN: &[&str] = &["classified", "classed"];
#[rustfmt::skip]
const CLASSED_FILLERS: &[&str] = &[
    "au", "niveau", "en", "à", "a", "as", "at", "the", "level", "comme",
];

/// Whether the span is part of a URL, a file path or an e-mail address:
/// `https://example.org/secret/page`, `/srv/partage/Confidentiel/`,
/// `secret@example.org`.
fn in_url(text: &str, line: &Line, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    if bytes.get(end) == Some(&b'@') || (start > 0 && bytes[start - 1] == b'@') {
        return true;
    }
    // The token holding the span: back to the last white space.
    let from =
        floor_char_boundary(text, start.saturating_sub(MAX_LINE_SEARCH_BYTES)).max(line.start);
    let token_start = text[from..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(from, |(i, c)| from + i + c.len_utf8());
    let token = &text[token_start..start];
    let token = token.trim_start_matches(['(', '<', '[', '"', '\'', '«']);
    if token.contains("://") || token.starts_with("www.") {
        return true;
    }
    // A path: the span is a segment after a slash or a backslash, in a
    // token that starts like a path.
    let after_separator = start > 0 && matches!(bytes[start - 1], b'/' | b'\\');
    let path_token = token.starts_with(['/', '~', '.', '\\']) || token.get(1..3) == Some(":\\");
    after_separator && path_token && !token.ends_with("//")
}

/// Whether the text before a span, on its line, ends with a hotword and a
/// colon ("Classification :", "Mention:").
fn after_hotword(rules: &RuleSet, before: &str) -> bool {
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || is_invisible(c));
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
        // Sentence case and an acronym beside a lower-case word are not
        // irregular: they are how ordinary phrases are written.
        assert_eq!(case_of("Très secret"), Case::Title);
        assert_eq!(case_of("EU restricted"), Case::Title);
        assert_eq!(case_of("Eu rEsTrIcTeD"), Case::Irregular);
        // As a reader sees them: small capitals and enclosed letters are
        // capitals, and so is a plain `s` among small capitals.
        assert_eq!(case_of("ᴅɪꜰꜰᴜꜱɪᴏɴ"), Case::Upper);
        assert_eq!(case_of("sᴇᴄʀᴇᴛ"), Case::Upper);
        assert_eq!(case_of("🅂🄴🄲🅁🄴🅃"), Case::Upper);
        assert_eq!(case_of("🇸🇪🇨🇷🇪🇹"), Case::Upper);
    }

    #[test]
    fn overlapping_candidates_after_a_label_are_read_once() {
        // "Secret Défense" and "Secret" overlap; the label's value is read
        // between them without slicing backwards (found by the fuzzer).
        let scanner = crate::Scanner::new();
        for text in [
            "Classification : Secret Défense, Secret Défense\nCompte rendu.",
            "Statut : TRÈS SECRET DÉFENSE SPÉCIAL FRANCE; suite",
            "\u{0}Classifica\u{f}ion : Secret Défensifica\u{f}ion : Secret Défense\nCompte rendu.",
        ] {
            let report = scanner.scan_text(text);
            assert!(
                report.findings.iter().any(|f| f.rule.starts_with("fr.")),
                "{text:?}: {:?}",
                report.findings
            );
        }
    }

    fn residue(line: &str) -> Residue {
        let rules = RuleSet::builtin();
        let matcher = Matcher::new(&rules);
        let normalized = Normalized::new(line);
        let mut candidates = Vec::new();
        matcher.find(line, &normalized, 0, &mut candidates, &mut Vec::new());
        candidates.sort_unstable_by_key(|c| (c.start, c.end));
        let start = candidates.first().map_or(0, |c| c.start);
        Residue::of(line, &Line::around(line, start, start), &candidates)
    }

    #[test]
    fn banner_lines_are_told_from_sentences() {
        for banner in [
            "SECRET - PAGE 2 SUR 3",
            "TOP SECRET//SCI//NOFORN",
            "CONFIDENTIEL - COPIE N° 2 SUR 5",
            "SECRET - UK EYES ONLY",
            "*** TRÈS SECRET SPÉCIAL FRANCE ***",
        ] {
            let r = residue(banner);
            assert!(r.banner && !r.sentence, "{banner}: {r:?}");
        }
        for sentence in [
            "IT IS A SECRET",
            "C'EST SECRET",
            "IT'S TOP SECRET",
            "THIS IS OUR LITTLE SECRET",
            "TOTALLY CONFIDENTIAL BETWEEN US",
        ] {
            let r = residue(sentence);
            assert!(!r.banner && r.sentence, "{sentence}: {r:?}");
        }
    }

    #[test]
    fn a_one_word_form_is_not_two_words() {
        assert!(splits_a_word("ORCON", "or con"));
        assert!(!splits_a_word("ORCON", "ORCON"));
        assert!(!splits_a_word("SECRET", "S E C R E T"));
        assert!(!splits_a_word("CONFIDENTIAL", "CONFID-\nENTIAL"));
        assert!(!splits_a_word("TOP SECRET", "TOP SECRET"));
    }

    #[test]
    fn identifiers_after_a_word_are_values() {
        assert!(labels_value(" 18547290"));
        assert!(labels_value(": RO18547290"));
        assert!(labels_value("/CIF: RO 12345678"));
        assert!(!labels_value(" - page 2 sur 3"));
        assert!(!labels_value(" 1/2"));
        assert!(!labels_value(" - COPIE N° 2 SUR 5"));
        assert!(!labels_value(" 2027"));
        assert!(!labels_value(": Q3 results attached"));
        assert!(labels_value(" J40/1234/2010"));
    }

    #[test]
    fn classified_at_a_level_is_read_before_the_level() {
        assert!(classed("Le document classé ", Case::Lower));
        assert!(classed("Ce dossier est classifié ", Case::Title));
        assert!(classed("Le rapport est classé au niveau ", Case::Title));
        assert!(classed("It was classified at the ", Case::Upper));
        assert!(classed("The file is classified ", Case::Title));
        // English levels in lower case name categories of data.
        assert!(!classed("Data classified as ", Case::Lower));
        assert!(!classed("Il a classé ses ", Case::Lower));
        assert!(!classed("Classement ", Case::Lower));
    }

    #[test]
    fn urls_and_paths_are_names() {
        let in_url_at = |text: &str, word: &str| {
            let start = text.find(word).unwrap();
            let end = start + word.len();
            in_url(text, &Line::around(text, start, end), start, end)
        };
        assert!(in_url_at("See https://example.org/secret/page", "secret"));
        assert!(in_url_at("https://secret.example.org", "secret"));
        assert!(in_url_at(
            "Voir /srv/partage/Confidentiel/budget.xlsx",
            "Confidentiel"
        ));
        assert!(in_url_at("C:\\Partage\\Secret\\note.docx", "Secret"));
        assert!(in_url_at("write to secret@example.org", "secret"));
        assert!(!in_url_at("SECRET//NOFORN", "NOFORN"));
        assert!(!in_url_at("RESTREINT UE/EU RESTRICTED", "EU RESTRICTED"));
    }

    #[test]
    fn document_edges_need_a_document_beside_them() {
        let at = |text: &str, word: &str| {
            let segment = TextBounds::new(text, Part::Body);
            let start = text.find(word).unwrap();
            let line = Line::around(text, start, start + word.len());
            edge_line(&segment, &line) && document_beside(&segment, &line)
        };
        assert!(at("Secret\nObjet : mutations", "Secret"));
        assert!(at("Une ligne.\nDeux lignes.\nSecret", "Secret"));
        assert!(at("page 1\n\x0cSecret\nUne ligne.\nDeux lignes.", "Secret"));
        assert!(!at("Secret\nJe te raconte demain.", "Secret"));
        assert!(!at("Une.\nSecret\nDeux.\nTrois.", "Secret"));
        // Page numbers after the banner do not move it off the page's end.
        assert!(at("Une.\nDeux.\nSecret\nPage 2 sur 3\n", "Secret"));
        assert!(at("Une.\nDeux.\nSecret\n- 2 -\x0cTrois.", "Secret"));
        let title = |text: &str| {
            let start = text.find("Secret").unwrap();
            heading(text, &Line::around(text, start, start + 6))
        };
        assert!(title("# Secret\n\nA tool that keeps a secret."));
        assert!(title("Top Secret\n==========\n\nA game."));
        assert!(!title("Secret\nObjet : mutations"));
    }

    #[test]
    fn outermost_findings_win() {
        let q = |rule, start, end, confidence| Detection {
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
