//! One pass of one automaton over the matching form finds every literal form
//! of every rule.
//!
//! Forms that share a literal ("SECRET" belongs to `fr.secret`, `uk.secret`
//! and `us.secret`) share one pattern; the qualifier picks the rule. The
//! search reports overlapping matches, so that a match that fails its word
//! boundaries ("topsecret" inside "STOP SECRET") cannot hide a shorter one
//! that passes; [`crate::qualify`] later keeps the longest of nested findings.
//!
//! The same pass finds the keywords that gate the regexes of data rules
//! ("ghp" for GitHub tokens, "mot de passe" for passwords): a keyword needs a
//! word boundary only before it, since a token goes on after its prefix.

use aho_corasick::automaton::Automaton;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, MatchKind};

use crate::normalize::{self, Normalized};
use crate::rules::RuleSet;
use crate::rules::pattern::Gate;

/// How many word starts [`Matcher::may_match`] remembers: more than any
/// built-in literal is long.
const RECENT: usize = 64;

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

/// A keyword of a data pattern found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateHit {
    /// Index of the data pattern (in [`RuleSet::patterns`]).
    pub pattern: usize,
    /// Original byte offset of the keyword.
    pub at: usize,
}

/// The compiled automaton and the map from its patterns to rule forms and
/// data-pattern gates.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: AhoCorasick,
    /// The same patterns as a bare DFA, walked byte by byte by
    /// [`Matcher::may_match`] (no prefilter: its states must mean only
    /// "a pattern ends here" or not).
    screen: aho_corasick::dfa::DFA,
    /// For each pattern, the indices of the forms (in [`RuleSet::forms`])
    /// that write it.
    forms_by_pattern: Vec<Vec<usize>>,
    /// For each pattern, the data patterns (in [`RuleSet::patterns`]) it
    /// gates.
    gates_by_pattern: Vec<Vec<usize>>,
}

impl Matcher {
    /// Compiles every form of `rules` into one automaton.
    pub fn new(rules: &RuleSet) -> Self {
        // Each distinct literal is one pattern, whatever forms and gates
        // share it.
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut forms_by_pattern: Vec<Vec<usize>> = Vec::new();
        let mut gates_by_pattern: Vec<Vec<usize>> = Vec::new();
        let mut pattern_of = |literal| match patterns.iter().position(|p| *p == literal) {
            Some(pattern) => pattern,
            None => {
                patterns.push(literal);
                forms_by_pattern.push(Vec::new());
                gates_by_pattern.push(Vec::new());
                patterns.len() - 1
            }
        };
        let mut form_targets = Vec::new();
        for (index, form) in rules.forms().iter().enumerate() {
            form_targets.push((pattern_of(form.literal.as_slice()), index));
        }
        let mut gate_targets = Vec::new();
        for (index, data) in rules.patterns().iter().enumerate() {
            if let Gate::Keywords(keywords) = &data.gate {
                for keyword in keywords {
                    gate_targets.push((pattern_of(keyword.as_slice()), index));
                }
            }
        }
        for (pattern, form) in form_targets {
            forms_by_pattern[pattern].push(form);
        }
        for (pattern, data) in gate_targets {
            if !gates_by_pattern[pattern].contains(&data) {
                gates_by_pattern[pattern].push(data);
            }
        }
        // A DFA: a few hundred patterns make a small one, and it is the
        // fastest search aho-corasick offers.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("literal patterns of bounded size always compile");
        let screen = aho_corasick::dfa::DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .expect("literal patterns of bounded size always compile");
        Matcher {
            automaton,
            screen,
            forms_by_pattern,
            gates_by_pattern,
        }
    }

    /// Whether the matching form of `original` may hold a pattern starting
    /// at a word start. False means that [`Matcher::find`] would find
    /// nothing (it wants a word boundary before every match), so the text
    /// need not be normalized: the common case for a chat message, decided
    /// in one pass of a table lookup and a DFA step a byte. The positions of
    /// the last 64 word starts (`RECENT`) are kept, so that a pattern found
    /// inside a word (the literal "dr" in "grand rendez-vous", which reads
    /// "grandrendezvous") does not count.
    pub fn may_match(&self, original: &str) -> bool {
        let screen = &self.screen;
        let mut state = screen
            .start_state(Anchored::No)
            .expect("an unanchored DFA has an unanchored start state");
        // Word start number `k` is at byte `starts[k % RECENT]` of the form.
        let mut starts = [usize::MAX; RECENT];
        let mut k = 0usize;
        let mut n = 0usize;
        normalize::for_each_byte(original, |byte, word_start| {
            if word_start {
                starts[k % RECENT] = n;
                k += 1;
            }
            state = screen.next_state(Anchored::No, state, byte);
            let found = screen.is_special(state)
                && screen.is_match(state)
                && starts_a_word(screen, state, n, &starts, k);
            n += 1;
            found
        })
    }

    /// Forms that write pattern `pattern`.
    pub fn forms_of(&self, pattern: usize) -> &[usize] {
        &self.forms_by_pattern[pattern]
    }

    /// Number of distinct patterns.
    pub fn pattern_count(&self) -> usize {
        self.forms_by_pattern.len()
    }

    /// Appends to `out` every marking literal that `normalized` holds on
    /// word boundaries, and to `gates` every keyword of a data pattern that
    /// starts a word. `original` is the text `normalized` was built from, and
    /// `offset` is added to every original position (the text may be a
    /// window of a larger one).
    pub fn find(
        &self,
        original: &str,
        normalized: &Normalized,
        offset: usize,
        out: &mut Vec<Candidate>,
        gates: &mut Vec<GateHit>,
    ) {
        for found in self.automaton.find_overlapping_iter(normalized.as_bytes()) {
            let (start, end) = (found.start(), found.end());
            if !normalized.is_boundary(start) {
                continue;
            }
            let pattern = found.pattern().as_usize();
            let (original_start, original_end) = normalized.original_range(original, start, end);
            for &data in &self.gates_by_pattern[pattern] {
                gates.push(GateHit {
                    pattern: data,
                    at: original_start + offset,
                });
            }
            if !self.forms_by_pattern[pattern].is_empty() && normalized.is_boundary(end) {
                out.push(Candidate {
                    pattern,
                    start: original_start + offset,
                    end: original_end + offset,
                });
            }
        }
    }
}

/// Whether one of the patterns that end at byte `n` of the matching form
/// (in DFA state `state`) starts at one of the word starts kept in
/// `starts` (the `k` seen so far, the last [`RECENT`] of them kept). Out of
/// [`Matcher::may_match`]'s loop, which it would slow: matches are rare.
#[cold]
fn starts_a_word(
    screen: &aho_corasick::dfa::DFA,
    state: aho_corasick::automaton::StateID,
    n: usize,
    starts: &[usize; RECENT],
    k: usize,
) -> bool {
    (0..screen.match_len(state)).any(|i| {
        let len = screen.pattern_len(screen.match_pattern(state, i));
        // A pattern holds at most `len` word starts, so its first byte, if
        // it starts a word, is among the last `len`. A pattern longer than
        // the starts kept is taken to match.
        let first = n + 1 - len;
        len > RECENT
            || (1..=len.min(k))
                .map(|back| starts[(k - back) % RECENT])
                .take_while(|&at| at >= first)
                .any(|at| at == first)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &str)> {
        let rules = RuleSet::builtin();
        let matcher = Matcher::new(&rules);
        let normalized = Normalized::new(text);
        let mut out = Vec::new();
        matcher.find(text, &normalized, 0, &mut out, &mut Vec::new());
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
        let secret = (0..matcher.pattern_count())
            .find(|&p| {
                matcher
                    .forms_of(p)
                    .first()
                    .is_some_and(|&f| rules.forms()[f].literal == b"secret")
            })
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
    fn keywords_of_data_patterns_need_a_boundary_only_before() {
        let rules = RuleSet::builtin();
        let matcher = Matcher::new(&rules);
        let text = "token: ghp_16C7e42F292c6912E7710c838347Ae178B4a and xghp_no";
        let mut gates = Vec::new();
        matcher.find(text, &Normalized::new(text), 0, &mut Vec::new(), &mut gates);
        let github = rules.index_of("secret.github-token").unwrap();
        let hits: Vec<usize> = gates
            .iter()
            .filter(|g| rules.patterns()[g.pattern].rule == github)
            .map(|g| g.at)
            .collect();
        assert_eq!(hits, [7]);
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

    #[test]
    fn the_screen_ignores_literals_inside_words() {
        let matcher = Matcher::new(&RuleSet::builtin());
        // "dr" and "secret" inside words, "asia" as a place.
        for text in ["Un grand rendez-vous", "ultrasecret", "Rendez-vous à 14 h"] {
            assert!(!matcher.may_match(text), "{text}");
        }
        for text in [
            "DR",
            "Mention : DR",
            "STOP SECRET",
            "S E C R E T",
            "D.I.F.F.U.S.I.O.N R.E.S.T.R.E.I.N.T.E",
            "ＳＥＣＲＥＴ",
            "le mot de passe",
            "diffusion\u{200B}restreinte",
        ] {
            assert!(matcher.may_match(text), "{text}");
        }
    }

    #[test]
    fn the_screen_passes_literals_longer_than_the_word_starts_it_keeps() {
        // A custom form of 70 one-letter words: more word starts than the
        // screen keeps, so it must be taken to match rather than missed.
        let letters: Vec<String> = (0..70)
            .map(|i| ((b'A' + (i % 26) as u8) as char).to_string())
            .collect();
        let form = letters.join(" ");
        let mut rules = RuleSet::builtin();
        let pack = format!(
            "pack = \"acme\"\n[[rule]]\nid = \"acme.long\"\nname = \"Long\"\nlevel = 2\nforms = [{{ text = \"{form}\" }}]\n"
        );
        rules.add_pack("acme.toml", &pack).unwrap();
        let matcher = Matcher::new(&rules);
        let text = format!("Objet : {form}\n");
        assert!(matcher.may_match(&text));
    }

    /// One matcher for every case of the property below.
    static MATCHER: std::sync::LazyLock<Matcher> =
        std::sync::LazyLock::new(|| Matcher::new(&RuleSet::builtin()));

    proptest::proptest! {
        /// A text the screen lets pass holds nothing the matcher would find.
        #[test]
        fn what_the_screen_passes_has_no_candidate(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "dr", "DR", "secret", "SECRET", "S E C R E T", "top", "asia", "ghp_",
                "mot de passe", "é", "\u{0301}", "\u{200B}", "ﬁ", "С", " ", "  ", "\n",
                "-", ".", "x", "Classification : ", "1234567", "//", "(S//NF)",
            ]),
            0..24,
        )) {
            let text = pieces.concat();
            let matcher = &*MATCHER;
            if !matcher.may_match(&text) {
                let normalized = Normalized::new(&text);
                let (mut candidates, mut gates) = (Vec::new(), Vec::new());
                matcher.find(&text, &normalized, 0, &mut candidates, &mut gates);
                proptest::prop_assert!(candidates.is_empty() && gates.is_empty(), "{:?}", text);
            }
        }
    }
}
