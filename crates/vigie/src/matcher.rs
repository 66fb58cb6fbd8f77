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
//!
//! Two more forms of a text are searched for markings when it needs them
//! (see [`crate::normalize`]): its display form, when it holds a
//! right-to-left override, and its leetspeak form, when one of its
//! leetspeak words could be part of a marking. A leetspeak match counts
//! only if it reads at least one digit or symbol as a letter and is at least
//! `MIN_LEET_LETTERS` letters long: `T0P S3CR3T` and `TLP:R3D` are
//! markings, `CU1` and `T0` are not.

use std::cell::RefCell;

use aho_corasick::automaton::Automaton;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, MatchKind};

use crate::normalize::{self, Normalized};
use crate::rules::RuleSet;
use crate::rules::pattern::Gate;

/// How many word starts [`Matcher::may_match`] remembers: more than any
/// built-in literal is long.
const RECENT: usize = 64;

/// Shortest marking literal found in leetspeak: shorter ones ("cui", "dr")
/// are too easily a code or an abbreviation with a digit in it.
const MIN_LEET_LETTERS: usize = 5;

/// Letters `a` to `z`, for the table of letter pairs.
const LETTERS: usize = 26;

thread_local! {
    /// Buffers for the display and leetspeak forms, kept between scans.
    static SECOND_FORMS: RefCell<SecondForms> = RefCell::new(SecondForms::default());
}

#[derive(Default)]
struct SecondForms {
    normalized: Normalized,
    spelled: String,
}

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
    /// The marking patterns of at least [`MIN_LEET_LETTERS`] bytes, folded
    /// as the leetspeak form is (`l` read as `i`).
    leet_automaton: AhoCorasick,
    /// The pattern (index in `forms_by_pattern`) of each `leet_automaton`
    /// pattern.
    leet_patterns: Vec<usize>,
    /// The same literals, one after another with a NUL between them: every
    /// piece of a leetspeak word that a match could cover is found in it.
    leet_literals: Vec<u8>,
    /// Whether each pair of letters (`a` to `z`, first * 26 + second)
    /// stands in `leet_literals`: a cheap test before the search there.
    leet_pairs: Vec<bool>,
    /// Length of the longest literal in `leet_literals`.
    longest_leet_literal: usize,
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
        let mut leet_literal_list: Vec<Vec<u8>> = Vec::new();
        let mut leet_patterns = Vec::new();
        for (pattern, literal) in patterns.iter().enumerate() {
            if !forms_by_pattern[pattern].is_empty() && literal.len() >= MIN_LEET_LETTERS {
                leet_literal_list.push(literal.iter().map(|&b| normalize::leet_fold(b)).collect());
                leet_patterns.push(pattern);
            }
        }
        let leet_automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&leet_literal_list)
            .expect("literal patterns of bounded size always compile");
        let mut leet_pairs = vec![false; LETTERS * LETTERS];
        for literal in &leet_literal_list {
            for pair in literal.windows(2) {
                if let Some(index) = pair_index(pair[0], pair[1]) {
                    leet_pairs[index] = true;
                }
            }
        }
        let leet_literals = leet_literal_list.join(&0u8);
        let longest_leet_literal = leet_literal_list.iter().map(Vec::len).max().unwrap_or(0);
        Matcher {
            automaton,
            screen,
            forms_by_pattern,
            gates_by_pattern,
            leet_automaton,
            leet_patterns,
            leet_literals,
            leet_pairs,
            longest_leet_literal,
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
    ///
    /// The other forms cost nothing on text without digits, `@`, `$` and
    /// right-to-left overrides: the stream notes them on its way. A text
    /// with an override may pass; one with digits passes only if one of its
    /// leetspeak words could be part of a marking
    /// ([`Matcher::may_hold_leet`]).
    pub fn may_match(&self, original: &str) -> bool {
        let screen = &self.screen;
        let mut state = screen
            .start_state(Anchored::No)
            .expect("an unanchored DFA has an unanchored start state");
        // Word start number `k` is at byte `starts[k % RECENT]` of the form.
        let mut starts = [usize::MAX; RECENT];
        let mut k = 0usize;
        let mut n = 0usize;
        let seen = normalize::stream(original, |byte, word_start| {
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
        });
        seen.stopped || seen.overrides || (seen.leet && self.may_hold_leet(original))
    }

    /// Whether the leetspeak form of `original` may hold a marking: whether
    /// some leetspeak word of it (see `normalize::leet_words`) could lie
    /// inside a marking literal. A match starts and ends on word boundaries,
    /// so it holds whole words; each run of ASCII letters, digits and
    /// symbols of such a word, read as the leetspeak form reads it, is then
    /// a piece of a literal. Cheap: most words with digits ("14h30", "v2",
    /// "4pm") fail on their first pair of letters.
    pub fn may_hold_leet(&self, original: &str) -> bool {
        normalize::leet_words(original, |start, end| {
            original[start..end]
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '@' || c == '$'))
                .filter(|piece| !piece.is_empty())
                .all(|piece| self.in_leet_literal(piece.as_bytes()))
        })
    }

    /// Whether an ASCII piece of a leetspeak word, read as the leetspeak
    /// form reads it, stands in a marking literal.
    fn in_leet_literal(&self, piece: &[u8]) -> bool {
        let read = |&b: &u8| {
            normalize::leet_fold(normalize::leet_letter(b).unwrap_or(b.to_ascii_lowercase()))
        };
        let pairs_ok = piece.windows(2).all(|pair| {
            pair_index(read(&pair[0]), read(&pair[1])).is_some_and(|index| self.leet_pairs[index])
        });
        if !pairs_ok || piece.len() > self.longest_leet_literal {
            return false;
        }
        // On the stack: this runs on the hot path of texts with digits.
        let mut folded = [0u8; RECENT];
        let Some(folded) = folded.get_mut(..piece.len()) else {
            return true; // longer than the buffer: let the search decide
        };
        for (slot, byte) in folded.iter_mut().zip(piece) {
            *slot = read(byte);
        }
        memchr::memmem::find(&self.leet_literals, folded).is_some()
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
        let first = out.len();
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
        let first_forms = out.len();
        SECOND_FORMS.with(|second| {
            let SecondForms {
                normalized,
                spelled,
            } = &mut *second.borrow_mut();
            if normalized.rebuild_display(original) {
                self.find_in_second_form(original, normalized, None, offset, out);
            }
            if self.may_hold_leet(original) {
                normalized.rebuild_leet(original, spelled);
                self.find_in_second_form(original, normalized, Some(spelled), offset, out);
            }
            if spelled.capacity() > SECOND_FORMS_KEEP_BYTES
                || normalized.len() > SECOND_FORMS_KEEP_BYTES
            {
                *spelled = String::new();
                *normalized = Normalized::default();
            }
        });
        if out.len() > first_forms {
            // A literal the forms share (an override around one letter of
            // "SECRET" reads the same both ways) is one candidate.
            dedup_tail(out, first);
        }
    }

    /// Appends to `out` the marking literals found on word boundaries in a
    /// second form of `original` (the display form, or the leetspeak form
    /// when `spelled` is given).
    fn find_in_second_form(
        &self,
        original: &str,
        normalized: &Normalized,
        spelled: Option<&str>,
        offset: usize,
        out: &mut Vec<Candidate>,
    ) {
        let automaton = if spelled.is_some() {
            &self.leet_automaton
        } else {
            &self.automaton
        };
        for hit in automaton.find_overlapping_iter(normalized.as_bytes()) {
            let (start, end) = (hit.start(), hit.end());
            if !(normalized.is_boundary(start) && normalized.is_boundary(end)) {
                continue;
            }
            let pattern = match spelled {
                Some(_) => self.leet_patterns[hit.pattern().as_usize()],
                None => hit.pattern().as_usize(),
            };
            if self.forms_by_pattern[pattern].is_empty() {
                continue;
            }
            let (original_start, original_end) = normalized.original_range(original, start, end);
            if let Some(spelled) = spelled
                && !reads_leet(
                    &original[original_start..original_end],
                    &spelled[original_start..original_end],
                )
            {
                continue;
            }
            out.push(Candidate {
                pattern,
                start: original_start + offset,
                end: original_end + offset,
            });
        }
    }
}

/// Second-form buffers larger than this are given back after a search.
const SECOND_FORMS_KEEP_BYTES: usize = 1 << 20;

/// Sorts `out[first..]` and drops its repeated candidates, in place.
fn dedup_tail(out: &mut Vec<Candidate>, first: usize) {
    out[first..].sort_unstable_by_key(|c| (c.start, c.end, c.pattern));
    let mut kept = first;
    for read in first..out.len() {
        if kept == first || out[kept - 1] != out[read] {
            out[kept] = out[read];
            kept += 1;
        }
    }
    out.truncate(kept);
}

/// Index of a pair of letters in [`Matcher`]'s `leet_pairs`.
fn pair_index(first: u8, second: u8) -> Option<usize> {
    (first.is_ascii_lowercase() && second.is_ascii_lowercase())
        .then(|| (first - b'a') as usize * LETTERS + (second - b'a') as usize)
}

/// Whether a leetspeak match (its original text, and the same text as
/// spelled) reads at least one digit or symbol as a letter: otherwise the
/// matching form has it already, or it is only `l` read as `i`.
fn reads_leet(original: &str, spelled: &str) -> bool {
    original != spelled
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

    #[test]
    fn leetspeak_markings_are_candidates_when_the_whole_form_reads() {
        // Nested literals are all candidates, as in the matching form.
        let texts = found("T0P S3CR3T");
        assert!(texts.contains(&("TOP SECRET".to_string(), "T0P S3CR3T")));
        assert!(texts.contains(&("SECRET".to_string(), "S3CR3T")));
        let texts = found("Classé C0NF1D3NT13L D3F3NS3 en 1998");
        assert!(texts.contains(&("CONFIDENTIEL DÉFENSE".to_string(), "C0NF1D3NT13L D3F3NS3")));
        let texts: Vec<(String, &str)> = found("D1FFU510N R35TR31NT3 / TLP:R3D / $ECRET");
        assert!(texts.contains(&("DIFFUSION RESTREINTE".to_string(), "D1FFU510N R35TR31NT3")));
        assert!(texts.contains(&("TLP:RED".to_string(), "TLP:R3D")));
        assert!(texts.contains(&("SECRET".to_string(), "$ECRET")));
        // "1" for "l": the form folds both into one letter.
        assert_eq!(
            found("C0NTR011ED"),
            vec![("CONTROLLED".to_string(), "C0NTR011ED")]
        );
    }

    #[test]
    fn codes_and_numbers_are_not_leetspeak_markings() {
        for text in [
            "CU1 et CU2",
            "T0 = 25 °C, S3 bucket, 4G, B2B",
            "1er mars à 14h30",
            "S3cr3t",
            "Secr3t Santa",
            "TERCES",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
        // Letters alone read as l for i are not leetspeak either.
        assert!(found("CONTROIIED").is_empty());
    }

    #[test]
    fn overridden_text_is_a_candidate_as_it_displays() {
        let text = "\u{202E}ETNIERTSER NOISUFFID\u{202C}";
        assert_eq!(
            found(text),
            vec![("DIFFUSION RESTREINTE".to_string(), "ETNIERTSER NOISUFFID")]
        );
        // Scattered overrides around letters display the text as written:
        // one candidate, read both ways.
        let text = "S\u{202E}E\u{202C}CR\u{202E}E\u{202C}T";
        assert_eq!(found(text), vec![("SECRET".to_string(), text)]);
        // An override left open reverses the rest of the word; the logical
        // reading still finds it.
        assert_eq!(found("SEC\u{202E}RET").len(), 1);
    }

    #[test]
    fn the_screen_passes_leetspeak_and_overrides_only_when_they_may_match() {
        let matcher = Matcher::new(&RuleSet::builtin());
        for text in ["T0P S3CR3T", "53CR3T", "\u{202E}TERCES\u{202C}", "TLP:R3D"] {
            assert!(matcher.may_match(text), "{text}");
        }
        // "S3" could be a piece of "SECRET": it passes, and then matches
        // nothing (see `codes_and_numbers_are_not_leetspeak_markings`).
        for text in ["14h30, v2.4.1, 4pm, B2B, 10am", "S3cr3t !", "2024 1337"] {
            assert!(!matcher.may_match(text), "{text}");
        }
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
                "S3CR3T", "T0P", "0", "1", "3", "5", "@", "$", "C0NF1D3NT13L", "TLP:",
                "R3D", "\u{202E}", "\u{202C}", "TERCES", "ꜱᴇᴄʀᴇᴛ", "🇸", "🇪", "🇨", "🅰",
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
