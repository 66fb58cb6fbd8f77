//! One pass of one automaton over the matching form finds every literal form
//! of every rule.
//!
//! Forms that share a literal ("SECRET" belongs to `fr.secret`, `uk.secret`
//! and `us.secret`) share one pattern; the qualifier picks the rule. The
//! search reports overlapping matches, so that a match that fails its word
//! boundaries ("topsecret" inside "STOP SECRET") cannot hide a shorter one
//! that passes; [`crate::qualify`] later keeps the longest of nested findings.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::normalize::Normalized;
use crate::rules::RuleSet;

/// A literal found on word boundaries, in matching-form and original
/// coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Index of the pattern; [`Matcher::forms_of`] gives its forms.
    pub pattern: usize,
    /// Byte range in the original text.
    pub start: usize,
    /// End of that range.
    pub end: usize,
}

/// The compiled automaton and the map from its patterns to rule forms.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: AhoCorasick,
    /// For each pattern, the indices of the forms (in [`RuleSet::forms`])
    /// that write it.
    forms_by_pattern: Vec<Vec<usize>>,
}

impl Matcher {
    /// Compiles every form of `rules` into one automaton.
    pub fn new(rules: &RuleSet) -> Self {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut forms_by_pattern: Vec<Vec<usize>> = Vec::new();
        for (index, form) in rules.forms().iter().enumerate() {
            match patterns.iter().position(|p| *p == form.literal.as_slice()) {
                Some(pattern) => forms_by_pattern[pattern].push(index),
                None => {
                    patterns.push(&form.literal);
                    forms_by_pattern.push(vec![index]);
                }
            }
        }
        // A DFA: a few hundred patterns make a small one, and it is the
        // fastest search aho-corasick offers.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("literal patterns of bounded size always compile");
        Matcher {
            automaton,
            forms_by_pattern,
        }
    }

    /// Forms that write pattern `pattern`.
    pub fn forms_of(&self, pattern: usize) -> &[usize] {
        &self.forms_by_pattern[pattern]
    }

    /// Number of distinct patterns.
    pub fn pattern_count(&self) -> usize {
        self.forms_by_pattern.len()
    }

    /// Appends to `out` every literal that `normalized` holds on word
    /// boundaries. `original` is the text `normalized` was built from, and
    /// `offset` is added to every original position (the text may be a
    /// window of a larger one).
    pub fn find(
        &self,
        original: &str,
        normalized: &Normalized,
        offset: usize,
        out: &mut Vec<Candidate>,
    ) {
        for found in self.automaton.find_overlapping_iter(normalized.as_bytes()) {
            let (start, end) = (found.start(), found.end());
            if !(normalized.is_boundary(start) && normalized.is_boundary(end)) {
                continue;
            }
            let (original_start, original_end) = normalized.original_range(original, start, end);
            out.push(Candidate {
                pattern: found.pattern().as_usize(),
                start: original_start + offset,
                end: original_end + offset,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &str)> {
        let rules = RuleSet::builtin();
        let matcher = Matcher::new(&rules);
        let normalized = Normalized::new(text);
        let mut out = Vec::new();
        matcher.find(text, &normalized, 0, &mut out);
        out.iter()
            .map(|c| {
                let form = &rules.forms()[matcher.forms_of(c.pattern)[0]];
                (form.text.clone(), &text[c.start..c.end])
            })
            .collect()
    }

    #[test]
    fn shared_literals_make_one_pattern() {
        let rules = RuleSet::builtin();
        let matcher = Matcher::new(&rules);
        assert!(matcher.pattern_count() < rules.forms().len());
        let secret = (0..matcher.pattern_count())
            .find(|&p| rules.forms()[matcher.forms_of(p)[0]].literal == b"secret")
            .unwrap();
        assert_eq!(
            matcher.forms_of(secret).len(),
            3,
            "fr, uk and us share SECRET"
        );
    }

    #[test]
    fn words_inside_longer_words_are_not_candidates() {
        assert!(found("le secrétariat général").is_empty());
        assert!(found("ATOMALITY").is_empty());
    }

    #[test]
    fn nested_literals_are_all_reported() {
        let texts: Vec<String> = found("TRÈS SECRET DÉFENSE")
            .into_iter()
            .map(|(form, _)| form)
            .collect();
        assert!(texts.contains(&"TRÈS SECRET DÉFENSE".to_string()));
        assert!(texts.contains(&"SECRET".to_string()));
    }

    #[test]
    fn a_failed_longer_match_does_not_hide_a_shorter_one() {
        let all = found("STOP SECRET");
        assert_eq!(all, vec![("SECRET".to_string(), "SECRET")]);
    }

    #[test]
    fn ranges_point_at_the_original_text() {
        let text = "Objet : note — d\u{200B}iffusion\u{00A0}restreinte, merci";
        let all = found(text);
        assert_eq!(
            all,
            vec![(
                "DIFFUSION RESTREINTE".to_string(),
                "d\u{200B}iffusion\u{00A0}restreinte"
            )]
        );
    }
}
