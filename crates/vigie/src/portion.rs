//! CAPCO portion marks: `(S//NF)`, `(TS//SCI//REL TO USA, FVEY)`, `(C//OC)`.
//!
//! Portion marks open paragraphs of US classified documents. Their
//! abbreviations ("S", "C", "NF") are far too short for the literal matcher,
//! so they are read here, only where the text holds `//`, by a small parser
//! that wants the whole mark: an opening parenthesis, a classification
//! abbreviation, `//`, controls in capitals, and the closing parenthesis.

use crate::detection::Detection;
use crate::report::Confidence;
use crate::rules::RuleSet;

/// Longest portion mark read, from `//` to the closing parenthesis.
const MAX_MARK_BYTES: usize = 96;

const REASON: &str = "CAPCO portion mark";

/// Appends the level and the caveats of every portion mark of `text` whose
/// `//` starts in `range`.
pub fn find(rules: &RuleSet, text: &str, range: std::ops::Range<usize>, out: &mut Vec<Detection>) {
    let bytes = text.as_bytes();
    let mut resume = 0;
    let searched = &bytes[range.start..(range.end + 1).min(bytes.len())];
    // memchr for one '/' rather than a substring search for "//": building
    // a substring searcher costs more than most chat messages take to scan.
    let pairs = memchr::memchr_iter(b'/', searched).filter(|&i| searched.get(i + 1) == Some(&b'/'));
    for slashes in pairs.map(|i| range.start + i) {
        if slashes < resume {
            continue;
        }
        let Some(open) = bytes[slashes.saturating_sub(4)..slashes]
            .iter()
            .rposition(|&b| b == b'(')
            .map(|i| slashes.saturating_sub(4) + i)
        else {
            continue;
        };
        let level_rule = match &text[open + 1..slashes] {
            "TS" => "us.top-secret",
            "S" => "us.secret",
            "C" => "us.confidential",
            "CUI" => "us.cui",
            "U" => "",
            _ => continue,
        };
        let limit = (slashes + MAX_MARK_BYTES).min(bytes.len());
        let Some(close) = bytes[slashes..limit]
            .iter()
            .position(|&b| b == b')')
            .map(|i| slashes + i)
        else {
            continue;
        };
        let body = &bytes[slashes..close];
        let well_formed = body.iter().all(|&b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'/' | b',' | b' ' | b'-')
        });
        if !well_formed {
            continue;
        }
        resume = close;
        let mut push = |id: &str, start: usize, end: usize| {
            if let Some(rule) = rules.index_of(id) {
                out.push(Detection {
                    rule,
                    confidence: Confidence::High,
                    reason: REASON.to_string(),
                    start,
                    end,
                });
            }
        };
        if !level_rule.is_empty() {
            push(level_rule, open + 1, slashes);
        }
        for (start, end) in tokens(bytes, slashes, close) {
            let token = &text[start..end];
            let caveat = match token {
                "NF" | "NOFORN" => "us.noforn",
                "OC" | "ORCON" => "us.orcon",
                _ if token.starts_with("REL TO") => "us.rel-to",
                _ => continue,
            };
            push(caveat, start, end);
        }
    }
}

/// Byte ranges of the controls between `from` and `to`, split on `/` and
/// `,` and trimmed of spaces.
fn tokens(bytes: &[u8], from: usize, to: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = from;
    (from..=to).filter_map(move |i| {
        if i < to && !matches!(bytes[i], b'/' | b',') {
            return None;
        }
        let (mut a, mut b) = (start, i);
        start = i + 1;
        while a < b && bytes[a] == b' ' {
            a += 1;
        }
        while b > a && bytes[b - 1] == b' ' {
            b -= 1;
        }
        (a < b).then_some((a, b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(text: &str) -> Vec<(String, String)> {
        let rules = RuleSet::builtin();
        let mut out = Vec::new();
        find(&rules, text, 0..text.len(), &mut out);
        out.iter()
            .map(|q| {
                (
                    rules.rules()[q.rule].id.clone(),
                    text[q.start..q.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn portion_marks_give_level_and_caveats() {
        assert_eq!(
            marks("(S//NF) The convoy leaves at dawn."),
            [
                ("us.secret".into(), "S".into()),
                ("us.noforn".into(), "NF".into())
            ]
        );
        assert_eq!(
            marks("(TS//SCI//REL TO USA, FVEY) text"),
            [
                ("us.top-secret".into(), "TS".into()),
                ("us.rel-to".into(), "REL TO USA".into())
            ]
        );
        assert_eq!(
            marks("(C//OC) x"),
            [
                ("us.confidential".into(), "C".into()),
                ("us.orcon".into(), "OC".into())
            ]
        );
        assert_eq!(marks("(U//FOUO) x"), Vec::<(String, String)>::new());
    }

    #[test]
    fn urls_and_prose_are_not_portion_marks() {
        assert!(
            marks("see https://example.org/a (S) and (s//nf) or (S//nf) or (S// unclosed")
                .is_empty()
        );
        assert!(marks("(S//NF").is_empty());
        assert!(marks("//////((((").is_empty());
    }
}
