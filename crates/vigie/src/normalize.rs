//! Unicode normalization into the *matching form*.
//!
//! The matching form of a text is what the literal matcher searches: a
//! sequence of ASCII lower-case letters and digits with every separator
//! removed ("DIFFUSION  RE-\nSTREINTE" becomes `diffusionrestreinte`). A map
//! back to the original travels with it, so that every finding points at
//! the original text: a list of *runs*, each a stretch of the matching form
//! whose bytes map one to one onto consecutive original bytes (the ASCII
//! letters of one word) or onto one original character (a non-ASCII letter,
//! a ligature), with whether a word boundary stands before it, so that
//! `secret` is not found inside `secretariat` although separators are gone.
//! ASCII text costs one run per word, not one entry per byte. The form is
//! rebuilt per window and holds no state between texts.
//!
//! What the form sees through: case; accents and other diacritics (NFKD, then
//! combining marks dropped); compatibility forms (full-width letters,
//! ligatures, mathematical alphanumerics, circled, parenthesized and squared
//! letters, superscript and modifier letters); letters NFKD leaves alone
//! (small capitals `ᴅɪꜰꜰᴜsɪᴏɴ`, letters with a hook, stroke or bar,
//! negative circled and squared letters `🅰`, regional indicator letters
//! `🇸🇪🇨🇷🇪🇹` in runs of three or more); Cyrillic, Greek and Armenian
//! look-alikes of Latin letters and the Turkish dotless and dotted I;
//! zero-width characters, soft hyphens and bidirectional controls (dropped
//! without leaving a boundary); Unicode spaces, line breaks, hyphens and
//! dashes (all separators); and letter-spaced words ("S E C R E T"), whose
//! single-letter pieces are joined back into one word.
//!
//! Letters of other scripts become [`OTHER_LETTER`], a byte that no pattern
//! contains but that still counts as part of a word.
//!
//! Two further forms are built only for the texts that need them, by the
//! matcher, with the same map back to the original:
//!
//! * the *leetspeak form* ([`Normalized::rebuild_leet`]): in words that hold
//!   letters of one case and digits or `@`/`$`, those read as the letters they
//!   stand for (`S3CR3T` reads `secret`); a run of digits alone never does;
//! * the *display form* ([`Normalized::rebuild_display`]): text under a
//!   right-to-left override (U+202E) read in the order it displays, reversed.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Byte standing for a letter or digit that has no Latin reading (Han, Arabic,
/// ...). It never matches a pattern and never makes a word boundary.
pub const OTHER_LETTER: u8 = 0x01;

/// Largest text the matching form can map back (offsets are stored as `u32`).
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize - 1;

/// The matching form of one text, with its map back to the original.
///
/// Build one with [`Normalized::new`] or reuse the buffers of an old one with
/// [`Normalized::rebuild`].
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    text: Vec<u8>,
    /// The map back to the original, one entry per *run*: a stretch of the
    /// matching form whose bytes map one to one onto consecutive original
    /// bytes (ASCII letters of one word), or onto one original character
    /// (a non-ASCII letter, a ligature). Sorted by `start`. ASCII text costs
    /// one entry per word instead of one per byte.
    runs: Vec<Run>,
    /// Whether some runs are in reverse original order (the display form of
    /// overridden text), so that a range's ends are not its first and last
    /// bytes.
    reversed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// First matching-form byte of the run.
    start: u32,
    /// Original offset of that byte.
    origin: u32,
    /// Whether a word boundary stands before the run.
    word_start: bool,
    /// Whether every byte of the run comes from one original character
    /// (otherwise byte `start + k` comes from original `origin + k`).
    one_char: bool,
}

/// [`BYTE_READING`] of ASCII bytes that separate words.
const SEPARATOR: u8 = 0;
/// [`BYTE_READING`] of `@` and `$`: separators, which leetspeak also uses
/// for letters (so the screen notes them, see [`Streamed::leet`]).
const SYMBOL: u8 = 1;
/// [`BYTE_READING`] of bytes that start or continue a non-ASCII character.
const NOT_ASCII: u8 = 0xFF;

/// The lower-case reading of each ASCII letter and digit; [`SYMBOL`] for `@`
/// and `$`, [`SEPARATOR`] for the other ASCII bytes, [`NOT_ASCII`] for the
/// rest. Readings up to [`SYMBOL`] separate words.
const BYTE_READING: [u8; 256] = {
    let mut table = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            byte.to_ascii_lowercase()
        } else if byte == b'@' || byte == b'$' {
            SYMBOL
        } else {
            SEPARATOR
        };
        b += 1;
    }
    table
};

/// UTF-8 of RIGHT-TO-LEFT OVERRIDE, U+202E.
const RIGHT_TO_LEFT_OVERRIDE: &str = "\u{202E}";

impl Normalized {
    /// Normalizes `original`.
    ///
    /// # Panics
    /// Never on content; texts longer than [`MAX_TEXT_BYTES`] must be cut by
    /// the caller (the scanner works in windows far smaller).
    ///
    /// ```
    /// use vigie::normalize::Normalized;
    /// let n = Normalized::new("Diffusion  RE-\nSTREINTE");
    /// assert_eq!(n.as_bytes(), b"diffusionrestreinte");
    /// ```
    pub fn new(original: &str) -> Self {
        let mut normalized = Normalized::default();
        normalized.rebuild(original);
        normalized
    }

    /// Normalizes `original` into this value, keeping its allocations.
    pub fn rebuild(&mut self, original: &str) {
        assert!(
            original.len() <= MAX_TEXT_BYTES,
            "text longer than MAX_TEXT_BYTES reached the normalizer"
        );
        self.text.clear();
        self.runs.clear();
        self.reversed = false;
        self.text.reserve(original.len());

        let bytes = original.as_bytes();
        // Whether a word boundary stands before the next letter.
        let mut gap = true;
        // Whether the next letter starts a new run: after a separator, and
        // after a non-ASCII character (which is a run of its own).
        let mut new_run = true;
        let mut regional = RegionalRun::default();
        let mut at = 0usize;
        while at < bytes.len() {
            // Fast path: most chat text is ASCII; one table lookup a byte.
            let reading = BYTE_READING[bytes[at] as usize];
            if reading == NOT_ASCII {
                let c = original[at..]
                    .chars()
                    .next()
                    .expect("index on a char boundary");
                self.push_char(original, c, at, &mut gap, &mut regional);
                new_run = true;
                at += c.len_utf8();
                continue;
            }
            if reading <= SYMBOL {
                gap = true;
                new_run = true;
            } else {
                if new_run {
                    self.start_run(at, gap, false);
                    gap = false;
                    new_run = false;
                }
                self.text.push(reading);
            }
            at += 1;
        }
        self.join_letter_spacing(original);
    }

    /// Builds the *leetspeak form* of `original`: its matching form with the
    /// digits, `@` and `$` of every leetspeak word (see `leet_words`) read
    /// as the letters they stand for, and `l` read as `i` everywhere (the
    /// digit 1 stands for either; the matcher folds its patterns the same
    /// way). `spelled` receives `original` with those characters replaced,
    /// byte for byte: its offsets are the original's, so this form maps back
    /// to `original` as the matching form does.
    ///
    /// ```
    /// use vigie::normalize::Normalized;
    /// let (mut n, mut spelled) = (Normalized::default(), String::new());
    /// n.rebuild_leet("T0P S3CR3T, B2B 2024", &mut spelled);
    /// assert_eq!(spelled, "TOP SECRET, B2B 2024");
    /// assert_eq!(n.as_bytes(), b"topsecretb2b2024");
    /// ```
    pub fn rebuild_leet(&mut self, original: &str, spelled: &mut String) {
        spell_leet(original, spelled);
        self.rebuild(spelled);
        for byte in &mut self.text {
            *byte = leet_fold(*byte);
        }
    }

    /// Builds the *display form* of `original`: its matching form, except
    /// that the text under each right-to-left override (from U+202E to the
    /// next bidirectional control or paragraph end) is read in the order it
    /// displays, last character first. Returns false, and builds nothing,
    /// when `original` holds no override.
    ///
    /// ```
    /// use vigie::normalize::Normalized;
    /// let mut n = Normalized::default();
    /// let text = "Objet : \u{202E}ETNIERTSER NOISUFFID\u{202C}";
    /// assert!(n.rebuild_display(text));
    /// assert_eq!(n.as_bytes(), b"objetdiffusionrestreinte");
    /// assert_eq!(n.original_range(text, 5, 24), (11, 31));
    /// ```
    pub fn rebuild_display(&mut self, original: &str) -> bool {
        assert!(
            original.len() <= MAX_TEXT_BYTES,
            "text longer than MAX_TEXT_BYTES reached the normalizer"
        );
        self.text.clear();
        self.runs.clear();
        self.reversed = false;
        if !original.contains(RIGHT_TO_LEFT_OVERRIDE) {
            return false;
        }
        let mut gap = true;
        let mut regional = RegionalRun::default();
        let mut at = 0;
        while at < original.len() {
            let c = original[at..]
                .chars()
                .next()
                .expect("index on a char boundary");
            if c != '\u{202E}' {
                self.push_one(original, c, at, &mut gap, &mut regional);
                at += c.len_utf8();
                continue;
            }
            // The override is invisible; what it governs displays reversed.
            let body = at + c.len_utf8();
            let end = override_end(original, body);
            for (i, c) in original[body..end].char_indices().rev() {
                self.push_one(original, c, body + i, &mut gap, &mut regional);
            }
            self.reversed = true;
            at = end;
        }
        self.join_letter_spacing(original);
        true
    }

    /// Appends one character as a run of its own (the slow path of
    /// [`Normalized::rebuild_display`], which may go backwards).
    fn push_one(
        &mut self,
        original: &str,
        c: char,
        at: usize,
        gap: &mut bool,
        regional: &mut RegionalRun,
    ) {
        if !c.is_ascii() {
            self.push_char(original, c, at, gap, regional);
            return;
        }
        let reading = BYTE_READING[c as usize];
        if reading <= SYMBOL {
            *gap = true;
        } else {
            self.start_run(at, *gap, true);
            self.text.push(reading);
            *gap = false;
        }
    }

    /// The matching form.
    pub fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// Length of the matching form in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the matching form is empty (the text held no letter or digit).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether a word boundary stands at `position` (`0..=len()`).
    pub fn is_boundary(&self, position: usize) -> bool {
        if position >= self.text.len() {
            return true;
        }
        let index = self
            .runs
            .partition_point(|run| run.start as usize <= position)
            - 1;
        let run = self.runs[index];
        run.start as usize == position && run.word_start
    }

    /// Original offset of the character matching-form byte `position` came
    /// from.
    fn origin(&self, position: usize) -> usize {
        let run = self.runs[self
            .runs
            .partition_point(|run| run.start as usize <= position)
            - 1];
        if run.one_char {
            run.origin as usize
        } else {
            run.origin as usize + (position - run.start as usize)
        }
    }

    /// The byte range in `original` covered by the matching-form range
    /// `start..end` (`start < end`), combining marks after the last letter
    /// included. `original` must be the text this form was built from.
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let (first, last) = if self.reversed {
            self.origin_bounds(start, end)
        } else {
            (self.origin(start), self.origin(end - 1))
        };
        let mut last_end = char_end(original, last);
        for c in original[last_end..].chars() {
            if !is_combining_mark(c) {
                break;
            }
            last_end += c.len_utf8();
        }
        (first, last_end)
    }

    /// The lowest and highest original offsets that the bytes `start..end`
    /// come from, for a form whose runs may go backwards.
    fn origin_bounds(&self, start: usize, end: usize) -> (usize, usize) {
        let first_run = self.runs.partition_point(|run| run.start as usize <= start) - 1;
        let (mut low, mut high) = (usize::MAX, 0);
        for (index, run) in self.runs.iter().enumerate().skip(first_run) {
            let run_start = run.start as usize;
            if run_start >= end {
                break;
            }
            let run_end = self
                .runs
                .get(index + 1)
                .map_or(self.text.len(), |next| next.start as usize);
            let (from, to) = (start.max(run_start), end.min(run_end) - 1);
            let (a, b) = if run.one_char {
                (run.origin as usize, run.origin as usize)
            } else {
                let origin = run.origin as usize;
                (origin + (from - run_start), origin + (to - run_start))
            };
            low = low.min(a);
            high = high.max(b);
        }
        (low, high)
    }

    fn start_run(&mut self, at: usize, word_start: bool, one_char: bool) {
        // Both fit: the assertion in `rebuild` bounds the text length, and
        // the matching form is never longer than 3 bytes per original byte.
        self.runs.push(Run {
            start: self.text.len() as u32,
            origin: at as u32,
            word_start,
            one_char,
        });
    }

    /// Appends the Latin reading of one non-ASCII character as one run.
    fn push_char(
        &mut self,
        original: &str,
        c: char,
        at: usize,
        gap: &mut bool,
        regional: &mut RegionalRun,
    ) {
        let run_start = self.text.len();
        let text = &mut self.text;
        match read_char_at(original, at, c, regional, |byte| text.push(byte)) {
            CharReading::Ignored => {}
            CharReading::Separator => *gap = true,
            CharReading::Letters => {
                if self.text.len() > run_start {
                    self.runs.push(Run {
                        start: run_start as u32,
                        origin: at as u32,
                        word_start: *gap,
                        one_char: true,
                    });
                    *gap = false;
                }
            }
        }
    }

    /// Joins letter-spaced words: a run of three or more one-letter words
    /// separated by exactly one space or punctuation character ("S E C R E T",
    /// "S.E.C.R.E.T") becomes one word. Wider gaps between such runs stay word
    /// boundaries, so "D I F F U S I O N   R E S T R E I N T E" reads as two
    /// words.
    fn join_letter_spacing(&mut self, original: &str) {
        let len = self.text.len();
        // Word starts, in order, with the end of the text after the last one.
        let single = |n: &Self, run: usize| {
            let next_start = n.runs.get(run + 1).map_or(len, |r| r.start as usize);
            n.runs[run].word_start
                && next_start == n.runs[run].start as usize + 1
                && n.runs.get(run + 1).is_none_or(|r| r.word_start)
        };
        let mut run = 0;
        while run + 1 < self.runs.len() {
            if !(single(self, run) && single(self, run + 1) && self.narrow_gap(original, run)) {
                run += 1;
                continue;
            }
            let mut last = run + 1;
            while last + 1 < self.runs.len()
                && single(self, last + 1)
                && self.narrow_gap(original, last)
            {
                last += 1;
            }
            if last - run + 1 >= 3 {
                for joined in &mut self.runs[run + 1..=last] {
                    joined.word_start = false;
                }
            }
            run = last + 1;
        }
    }

    /// Whether exactly one visible separator character, not a line break,
    /// stands between the one-letter runs `run` and `run + 1`, and the
    /// letters on either side have the same case (so that "D E F E N S E à"
    /// does not swallow the French word "à").
    fn narrow_gap(&self, original: &str, run: usize) -> bool {
        let (mut left, mut right) = (
            self.runs[run].origin as usize,
            self.runs[run + 1].origin as usize,
        );
        if left > right {
            // Overridden text, read backwards.
            std::mem::swap(&mut left, &mut right);
        }
        let gap_start = char_end(original, left);
        if gap_start >= right {
            return false;
        }
        let case = |at: usize| {
            let c = original[at..].chars().next().unwrap_or(' ');
            (c.is_uppercase(), c.is_lowercase())
        };
        if case(left) != case(right) {
            return false;
        }
        let mut visible = original[gap_start..right]
            .chars()
            .filter(|&c| !is_invisible(c));
        matches!((visible.next(), visible.next()), (Some(c), None) if c != '\n' && c != '\r')
    }
}

/// Byte offset just past the character starting at `start` in `text`.
pub(crate) fn char_end(text: &str, start: usize) -> usize {
    start + text[start..].chars().next().map_or(0, char::len_utf8)
}

/// Characters that are dropped without leaving a word boundary: zero-width
/// spaces and joiners, the soft hyphen, the word joiner, BOM, bidirectional
/// controls, variation selectors and the combining grapheme joiner.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E007F}')
}

/// First character of [`LATIN_LETTERS`].
const LATIN_TABLE_START: u32 = 0xC0;

/// The lower-case ASCII letter of each character from U+00C0 to U+024F
/// whose compatibility decomposition is one ASCII letter and combining marks,
/// or that [`latin_reading`] reads as one letter (0 for the others). Built
/// once from the Unicode tables: it spares the decomposition for the
/// accented letters of French and its neighbours.
static LATIN_LETTERS: std::sync::LazyLock<[u8; 0x250 - 0xC0]> = std::sync::LazyLock::new(|| {
    let mut table = [0u8; 0x250 - 0xC0];
    for (i, slot) in table.iter_mut().enumerate() {
        let Some(c) = char::from_u32(LATIN_TABLE_START + i as u32) else {
            continue;
        };
        if let Some(&[letter]) = latin_reading(c).map(str::as_bytes) {
            *slot = letter;
            continue;
        }
        let mut letters = Vec::new();
        decompose_compatible(c, |d| {
            if !is_combining_mark(d) {
                letters.push(d);
            }
        });
        if let [letter] = letters[..]
            && letter.is_ascii_alphabetic()
        {
            *slot = letter.to_ascii_lowercase() as u8;
        }
    }
    table
});

/// What one non-ASCII character adds to the matching form.
enum CharReading {
    /// Nothing, and no word boundary: invisible characters, combining marks
    /// (which join the letter before them).
    Ignored,
    /// Nothing, but a word boundary: spaces, dashes, quotes, symbols.
    Separator,
    /// The bytes given to `emit` (possibly none, for a character whose
    /// decomposition holds only punctuation).
    Letters,
}

/// Reads one non-ASCII character: gives the bytes of its Latin reading to
/// `emit` and says what kind of character it is. The one definition of the
/// matching form's non-ASCII bytes, for [`Normalized`] and [`for_each_byte`].
fn read_char(c: char, mut emit: impl FnMut(u8)) -> CharReading {
    if is_invisible(c) {
        return CharReading::Ignored;
    }
    // Accented Latin letters, the most common non-ASCII characters of French
    // text, come from a table before any Unicode property lookup.
    if let Some(letter) = latin_letter(c).or_else(|| enclosed_letter(c)) {
        emit(letter);
        return CharReading::Letters;
    }
    if !c.is_alphanumeric() {
        return if is_combining_mark(c) {
            CharReading::Ignored
        } else {
            CharReading::Separator
        };
    }
    if let Some(latin) = latin_reading(c) {
        latin.bytes().for_each(emit);
    } else {
        // A lone combining mark decomposes to itself and is dropped here: it
        // joins the letter before it and leaves no boundary.
        decompose_compatible(c, |d| {
            if is_combining_mark(d) || is_invisible(d) {
                return;
            }
            if d.is_ascii_alphanumeric() {
                emit(d.to_ascii_lowercase() as u8);
            } else if let Some(latin) = latin_reading(d) {
                latin.bytes().for_each(&mut emit);
            } else if d.is_alphanumeric() {
                emit(OTHER_LETTER);
            } else {
                // Punctuation inside a compatibility form ("½" is "1⁄2")
                // would split it; treat the whole character as a letter.
            }
        });
    }
    CharReading::Letters
}

/// Gives each byte of the matching form of `original` to `visit`, in order,
/// with whether it starts a word, without building the form; stops as soon
/// as `visit` returns true (and then returns true). The bytes are those of
/// [`Normalized::as_bytes`]. The word starts are those before letter-spaced
/// words are joined ("S E C R E T" starts six words here, one in
/// [`Normalized`]), so they include every word start of the matching form.
/// This is the scanner's cheap first look at a text: most messages hold no
/// literal at a word start, and need nothing more.
pub fn for_each_byte(original: &str, visit: impl FnMut(u8, bool) -> bool) -> bool {
    stream(original, visit).stopped
}

/// What [`stream`] saw on its way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Streamed {
    /// Whether `visit` stopped the stream.
    pub stopped: bool,
    /// Whether the text holds an ASCII digit, `@` or `$` (up to where the
    /// stream stopped): a leetspeak word may hide a marking.
    pub leet: bool,
    /// Whether the text holds a right-to-left override (idem): reversed
    /// text may display as a marking.
    pub overrides: bool,
}

/// [`for_each_byte`], saying also what the other forms may need.
pub(crate) fn stream(original: &str, mut visit: impl FnMut(u8, bool) -> bool) -> Streamed {
    let bytes = original.as_bytes();
    let mut seen = Streamed::default();
    // As in `Normalized::rebuild`: whether a word boundary stands before the
    // next letter.
    let mut gap = true;
    let mut regional = RegionalRun::default();
    let mut at = 0;
    while at < bytes.len() {
        let reading = BYTE_READING[bytes[at] as usize];
        if reading == NOT_ASCII {
            let c = original[at..]
                .chars()
                .next()
                .expect("index on a char boundary");
            seen.overrides |= c == '\u{202E}';
            let mut stop = false;
            let mut first = true;
            let word_start = gap;
            let kind = read_char_at(original, at, c, &mut regional, |byte| {
                stop = stop || visit(byte, word_start && first);
                first = false;
            });
            if stop {
                seen.stopped = true;
                return seen;
            }
            match kind {
                CharReading::Separator => gap = true,
                CharReading::Letters if !first => gap = false,
                _ => {}
            }
            at += c.len_utf8();
            continue;
        }
        // Digits and symbols are the readings from SYMBOL to '9': one
        // subtraction and comparison a byte, no branch.
        seen.leet |= reading.wrapping_sub(SYMBOL) <= b'9' - SYMBOL;
        if reading <= SYMBOL {
            gap = true;
        } else {
            if visit(reading, gap) {
                seen.stopped = true;
                return seen;
            }
            gap = false;
        }
        at += 1;
    }
    seen
}

/// Where the text governed by a right-to-left override whose body starts at
/// `body` ends: at the next bidirectional formatting character (the PDF
/// that closes it, a nested embedding or isolate, which this reading does
/// not follow) or paragraph end, or at the end of the text.
fn override_end(original: &str, body: usize) -> usize {
    original[body..]
        .char_indices()
        .find(|&(_, c)| {
            matches!(c,
                '\n' | '\r' | '\u{1C}'..='\u{1E}' | '\u{85}' | '\u{2029}'
                | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .map_or(original.len(), |(i, _)| body + i)
}

/// The letter a digit or symbol stands for in leetspeak (`1` for `i`, which
/// the leetspeak form also reads for `l`); `None` for the digits that stand
/// for no letter of a marking (2, 6, 9) and for other bytes.
pub(crate) const fn leet_letter(byte: u8) -> Option<u8> {
    Some(match byte {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' | b'@' => b'a',
        b'5' | b'$' => b's',
        b'7' => b't',
        b'8' => b'b',
        _ => return None,
    })
}

/// Folds a byte of a matching form into the leetspeak form: `l` and `i`
/// are one letter there.
pub(crate) const fn leet_fold(byte: u8) -> u8 {
    if byte == b'l' { b'i' } else { byte }
}

/// Whether a byte is one leetspeak uses for a letter (without branches, so
/// that [`next_leet_byte`] compiles to vector instructions).
const fn is_leet_byte(byte: u8) -> bool {
    (byte.wrapping_sub(b'0') < 10) | (byte == b'@') | (byte == b'$')
}

/// Offset of the first byte at or after `from` that leetspeak uses for a
/// letter. Whole 32-byte blocks are tested at once, as `data.rs` looks for
/// digits.
fn next_leet_byte(bytes: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut at = from;
    while at + BLOCK <= bytes.len() {
        let block = &bytes[at..at + BLOCK];
        if block.iter().fold(false, |any, &b| any | is_leet_byte(b)) {
            break;
        }
        at += BLOCK;
    }
    bytes[at..]
        .iter()
        .position(|&b| is_leet_byte(b))
        .map(|i| at + i)
}

/// Gives `visit` the byte range of every *leetspeak word* of `original`, in
/// order, and stops when it returns true (then returns true). A leetspeak
/// word is a run of letters (of any script), digits, `@` and `$`, joined by
/// invisible characters and combining marks, that holds
///
/// * at least one letter: a run of digits alone is a number, never letters;
/// * at least one digit or symbol, and only digits that stand for a letter
///   (`B2B`, `H264` and `FR76` are left alone);
/// * letters of one case: leetspeak banners are written in capitals (or in
///   lower case), while mixed case with digits is the shape of a password or
///   a token (`S3cr3t`, `P@ssw0rd`, `ghp_16C7e…`).
///
/// Texts without digits, `@` or `$` cost one search for them.
pub(crate) fn leet_words(original: &str, mut visit: impl FnMut(usize, usize) -> bool) -> bool {
    let bytes = original.as_bytes();
    let mut from = 0;
    while let Some(at) = next_leet_byte(bytes, from) {
        let (start, end) = word_around(original, at);
        if is_leet_word(&original[start..end]) && visit(start, end) {
            return true;
        }
        from = end.max(at + 1);
    }
    false
}

/// Whether a character continues a word for [`leet_words`]: what the
/// matching form reads as a letter, or drops without a boundary.
fn in_leet_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '@' || c == '$';
    }
    // Regional indicators are left out: whether they are letters depends on
    // their neighbours, and a shorter word is still a sound reading.
    regional_letter(c).is_none() && !matches!(read_char(c, |_| {}), CharReading::Separator)
}

/// The word (in the sense of [`leet_words`]) around byte `at`.
fn word_around(original: &str, at: usize) -> (usize, usize) {
    let start = original[..at]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| in_leet_word(c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = original[at..]
        .char_indices()
        .find(|&(_, c)| !in_leet_word(c))
        .map_or(original.len(), |(i, _)| at + i);
    (start, end)
}

fn is_leet_word(word: &str) -> bool {
    let (mut letter, mut upper, mut lower) = (false, false, false);
    for c in word.chars() {
        if c.is_ascii_digit() && leet_letter(c as u8).is_none() {
            return false;
        }
        letter |= c.is_alphabetic();
        upper |= c.is_uppercase();
        lower |= c.is_lowercase();
    }
    letter && !(upper && lower)
}

/// Copies `original` into `spelled` with the digits and symbols of its
/// leetspeak words replaced by the (ASCII capital or small) letters they
/// stand for: one ASCII byte for one, so every offset stays.
fn spell_leet(original: &str, spelled: &mut String) {
    spelled.clear();
    spelled.reserve(original.len());
    let mut copied = 0;
    leet_words(original, |start, end| {
        spelled.push_str(&original[copied..start]);
        let word = &original[start..end];
        let capitals = word.chars().any(char::is_uppercase);
        for c in word.chars() {
            match u8::try_from(c).ok().and_then(leet_letter) {
                Some(letter) if capitals => spelled.push(letter.to_ascii_uppercase() as char),
                Some(letter) => spelled.push(letter as char),
                None => spelled.push(c),
            }
        }
        copied = end;
        false
    });
    spelled.push_str(&original[copied..]);
}

/// The regional indicator runs of a text, as the builders meet them: each
/// run is measured once, when its first indicator is read.
#[derive(Debug, Default)]
struct RegionalRun {
    start: usize,
    end: usize,
    /// Whether the run is long enough to be letters rather than flags.
    letters: bool,
}

/// UTF-8 length of a regional indicator (U+1F1E6 to U+1F1FF).
const REGIONAL_BYTES: usize = 4;
/// Fewest regional indicators in a row read as letters: one or two are a
/// flag (🇫🇷, 🇪🇺), a picture rather than text.
const MIN_REGIONAL_LETTERS: usize = 3;

impl RegionalRun {
    /// Whether the regional indicator at `at` reads as a letter.
    fn letters_at(&mut self, bytes: &[u8], at: usize) -> bool {
        if !(self.start..self.end).contains(&at) {
            let is_regional = |i: usize| {
                bytes
                    .get(i..i + REGIONAL_BYTES)
                    .is_some_and(|b| b[..3] == [0xF0, 0x9F, 0x87] && (0xA6..=0xBF).contains(&b[3]))
            };
            let mut start = at;
            while start >= REGIONAL_BYTES && is_regional(start - REGIONAL_BYTES) {
                start -= REGIONAL_BYTES;
            }
            let mut end = at;
            while is_regional(end) {
                end += REGIONAL_BYTES;
            }
            *self = RegionalRun {
                start,
                end,
                letters: end - start >= MIN_REGIONAL_LETTERS * REGIONAL_BYTES,
            };
        }
        self.letters
    }
}

/// The letter of a regional indicator symbol.
fn regional_letter(c: char) -> Option<u8> {
    let index = (c as u32).checked_sub(0x1F1E6)?;
    (index < 26).then(|| b'a' + index as u8)
}

/// [`read_char`] for the character `c` at byte `at` of `original`, regional
/// indicators included: those are letters only in a run of
/// [`MIN_REGIONAL_LETTERS`] or more, separators otherwise.
fn read_char_at(
    original: &str,
    at: usize,
    c: char,
    regional: &mut RegionalRun,
    mut emit: impl FnMut(u8),
) -> CharReading {
    match regional_letter(c) {
        Some(letter) if regional.letters_at(original.as_bytes(), at) => {
            emit(letter);
            CharReading::Letters
        }
        Some(_) => CharReading::Separator,
        None => read_char(c, emit),
    }
}

/// Whether a character is a small capital (`ᴅ`, `ꜱ`, `ʀ`): a lower-case
/// letter to Unicode, a capital to a reader. For the qualifier's reading of
/// case.
pub fn is_small_capital(c: char) -> bool {
    matches!(
        c,
        'ᴀ' | 'ʙ'
            | 'ᴄ'
            | 'ᴅ'
            | 'ᴇ'
            | 'ꜰ'
            | 'ɢ'
            | 'ʜ'
            | 'ɪ'
            | 'ᴊ'
            | 'ᴋ'
            | 'ʟ'
            | 'ᴍ'
            | 'ɴ'
            | 'ᴏ'
            | 'ᴘ'
            | 'ꞯ'
            | 'ʀ'
            | 'ꜱ'
            | 'ᴛ'
            | 'ᴜ'
            | 'ᴠ'
            | 'ᴡ'
            | 'ʏ'
            | 'ᴢ'
            | 'ᴁ'
            | 'ɶ'
            | 'ᴃ'
            | 'ᴆ'
            | 'ᴌ'
            | 'ʛ'
            | 'ꭆ'
            | 'ᵻ'
            | '𝼄'
    )
}

/// The letter of a parenthesized, squared, negative circled or negative
/// squared Latin letter (`⒜`, `🄐`, `🄰`, `🅐`, `🅰`): symbols to Unicode,
/// not letters, so [`read_char`] would not decompose them. (Circled letters
/// `Ⓐ` `ⓐ` are letters, and decompose to theirs.)
fn enclosed_letter(c: char) -> Option<u8> {
    let code = c as u32;
    let index = match code {
        0x249C..=0x24B5 => code - 0x249C,
        0x1F110..=0x1F129 => code - 0x1F110,
        0x1F130..=0x1F149 => code - 0x1F130,
        0x1F150..=0x1F169 => code - 0x1F150,
        0x1F170..=0x1F189 => code - 0x1F170,
        _ => return None,
    };
    Some(b'a' + index as u8)
}

fn latin_letter(c: char) -> Option<u8> {
    let index = (c as u32).checked_sub(LATIN_TABLE_START)? as usize;
    LATIN_LETTERS
        .get(index)
        .copied()
        .filter(|&letter| letter != 0)
}

/// The Latin reading of letters that NFKD leaves alone: ligatures, small
/// capitals and letters with a hook, stroke, bar or curl (every Latin letter
/// whose Unicode name is a letter `X` "with" something, or a small capital
/// `X`, and whose decomposition holds no ASCII letter), a few Latin letters
/// shaped like others (script g, dotless j, alpha), and the Cyrillic, Greek
/// and Armenian look-alikes of Latin letters. Turned, reversed and inverted
/// letters are not read: they do not look like the letter.
#[rustfmt::skip]
fn latin_reading(c: char) -> Option<&'static str> {
    Some(match c {
        'Œ' | 'œ' | 'ɶ' => "oe",
        'Æ' | 'æ' | 'ᴁ' => "ae",
        'ß' | 'ẞ' => "ss",
        'Ø' | 'ø' => "o",
        'Ł' | 'ł' => "l",
        'Đ' | 'đ' => "d",
        'ı' => "i",
        // Small capitals, and letters with a hook, stroke, bar or curl.
        'Ⱥ' | 'ᴀ' | 'ᶏ' | 'ⱥ' | 'ɑ' => "a",
        'ƀ' | 'Ɓ' | 'Ƃ' | 'ƃ' | 'Ƀ' | 'ɓ' | 'ʙ' | 'ᵬ' | 'ᶀ' | 'Ꞗ' | 'ꞗ' | 'ᴃ' => "b",
        'Ƈ' | 'ƈ' | 'Ȼ' | 'ȼ' | 'ɕ' | 'ᴄ' | 'Ꞓ' | 'ꞓ' | 'ꞔ' | 'Ꞔ' | '𝼝' => "c",
        'Ɗ' | 'Ƌ' | 'ƌ' | 'ȡ' | 'ɖ' | 'ɗ' | 'ᴅ' | 'ᵭ' | 'ᶁ' | 'ᶑ' | 'Ꟈ' | 'ꟈ' | 'ᴆ' => "d",
        'Ɇ' | 'ɇ' | 'ᴇ' | 'ᶒ' | 'ⱸ' | 'ꬴ' | 'ɛ' => "e",
        'Ƒ' | 'ƒ' | 'ᵮ' | 'ᶂ' | 'ꜰ' | 'Ꞙ' | 'ꞙ' => "f",
        'Ɠ' | 'Ǥ' | 'ǥ' | 'ɠ' | 'ɢ' | 'ʛ' | 'ᶃ' | 'Ꞡ' | 'ꞡ' | 'ɡ' => "g",
        'Ħ' | 'ħ' | 'ɦ' | 'ʜ' | 'Ⱨ' | 'ⱨ' | 'ꞕ' | 'Ɦ' => "h",
        'Ɨ' | 'ɨ' | 'ɪ' | 'ᶖ' | 'Ɪ' | '𝼚' | 'ᵻ' | 'ɩ' => "i",
        'Ɉ' | 'ɉ' | 'ʝ' | 'ᴊ' | 'Ʝ' | 'ȷ' => "j",
        'Ƙ' | 'ƙ' | 'ᴋ' | 'ᶄ' | 'Ⱪ' | 'ⱪ' | 'Ꝁ' | 'ꝁ' | 'Ꝃ' | 'ꝃ' | 'Ꝅ' | 'ꝅ' | 'Ꞣ' | 'ꞣ' => "k",
        'ƚ' | 'ȴ' | 'Ƚ' | 'ɫ' | 'ɬ' | 'ɭ' | 'ʟ' | 'ᴌ' | 'ᶅ' | 'Ⱡ' | 'ⱡ' | 'Ɫ' | 'Ꝉ' | 'ꝉ' | 'ꞎ'
        | 'Ɬ' | 'ꬷ' | 'ꬸ' | 'ꬹ' | '𝼄' | '𝼑' | '𝼓' => "l",
        'ɱ' | 'ᴍ' | 'ᵯ' | 'ᶆ' | 'Ɱ' | 'ꬺ' => "m",
        'Ɲ' | 'ƞ' | 'Ƞ' | 'ȵ' | 'ɲ' | 'ɳ' | 'ɴ' | 'ᵰ' | 'ᶇ' | 'Ꞑ' | 'ꞑ' | 'Ꞥ' | 'ꞥ' | 'ꬻ' => "n",
        'Ɵ' | 'ᴏ' | 'ⱺ' | 'Ꝋ' | 'ꝋ' | 'Ꝍ' | 'ꝍ' | '𝼛' => "o",
        'Ƥ' | 'ƥ' | 'ᴘ' | 'ᵱ' | 'ᵽ' | 'ᶈ' | 'Ᵽ' | 'Ꝑ' | 'ꝑ' | 'Ꝓ' | 'ꝓ' | 'Ꝕ' | 'ꝕ' => "p",
        'Ɋ' | 'ɋ' | 'ʠ' | 'Ꝗ' | 'ꝗ' | 'Ꝙ' | 'ꝙ' | 'ꞯ' => "q",
        'Ɍ' | 'ɍ' | 'ɼ' | 'ɽ' | 'ɾ' | 'ʀ' | 'ᵲ' | 'ᵳ' | 'ᶉ' | 'Ɽ' | 'Ꞧ' | 'ꞧ' | 'ꭆ' | 'ꭉ' | '𝼖' => "r",
        'ȿ' | 'ʂ' | 'ᵴ' | 'ᶊ' | 'Ȿ' | 'ꜱ' | 'Ꞩ' | 'ꞩ' | 'Ʂ' | 'Ꟊ' | 'ꟊ' | '𝼞' => "s",
        'Ŧ' | 'ŧ' | 'ƫ' | 'Ƭ' | 'ƭ' | 'Ʈ' | 'ȶ' | 'Ⱦ' | 'ʈ' | 'ᴛ' | 'ᵵ' | 'ⱦ' | '𝼉' => "t",
        'ᴜ' | 'ᶙ' | 'Ꞹ' | 'ꞹ' | 'ꭎ' | 'ꭒ' | 'Ʉ' | 'ʉ' => "u",
        'Ʋ' | 'ʋ' | 'ᴠ' | 'ᶌ' | 'ⱱ' | 'ⱴ' | 'Ꝟ' | 'ꝟ' => "v",
        'ᴡ' | 'Ⱳ' | 'ⱳ' => "w",
        'ᶍ' | 'ꭖ' | 'ꭗ' | 'ꭘ' | 'ꭙ' => "x",
        'Ƴ' | 'ƴ' | 'Ɏ' | 'ɏ' | 'ʏ' | 'Ỿ' | 'ỿ' | 'ꭚ' => "y",
        'Ƶ' | 'ƶ' | 'Ȥ' | 'ȥ' | 'ɀ' | 'ʐ' | 'ʑ' | 'ᴢ' | 'ᵶ' | 'ᶎ' | 'Ⱬ' | 'ⱬ' | 'Ɀ' | 'Ᶎ' => "z",
        // Cyrillic look-alikes.
        'А' | 'а' => "a",
        'В' | 'в' => "b",
        'Е' | 'е' | 'Ё' | 'ё' | 'Ҽ' | 'ҽ' => "e",
        'К' | 'к' => "k",
        'М' | 'м' => "m",
        'Н' | 'н' => "h",
        'О' | 'о' => "o",
        'Р' | 'р' => "p",
        'С' | 'с' | 'Ҫ' | 'ҫ' => "c",
        'Т' | 'т' => "t",
        'У' | 'у' => "y",
        'Х' | 'х' => "x",
        'Ѕ' | 'ѕ' => "s",
        'І' | 'і' | 'Ї' | 'ї' | 'Ӏ' | 'ӏ' => "i",
        'Ј' | 'ј' => "j",
        'Ԁ' | 'ԁ' => "d",
        'Һ' | 'һ' => "h",
        'Ԛ' | 'ԛ' => "q",
        'Ԝ' | 'ԝ' => "w",
        'Ү' | 'ү' => "y",
        'Ѵ' | 'ѵ' => "v",
        // Greek look-alikes.
        'Α' | 'α' => "a",
        'Β' | 'β' => "b",
        'Ϲ' | 'ϲ' => "c",
        'Ε' | 'ε' => "e",
        'Ϝ' => "f",
        'Ζ' => "z",
        'Η' => "h",
        'Ι' | 'ι' => "i",
        'Ϳ' | 'ϳ' => "j",
        'Κ' | 'κ' => "k",
        'Μ' => "m",
        'Ν' => "n",
        'ν' => "v",
        'Ο' | 'ο' => "o",
        'Ρ' | 'ρ' => "p",
        'Τ' | 'τ' => "t",
        'Υ' | 'ϒ' => "y",
        'υ' => "u",
        'Χ' | 'χ' => "x",
        // Armenian look-alikes.
        'օ' | 'Օ' => "o",
        'ս' | 'Ս' => "u",
        'ց' => "g",
        'հ' => "h",
        'ո' => "n",
        'զ' => "q",
        'Տ' => "s",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str) -> String {
        String::from_utf8(Normalized::new(text).as_bytes().to_vec()).unwrap()
    }

    fn leet(text: &str) -> (String, String) {
        let (mut n, mut spelled) = (Normalized::default(), String::new());
        n.rebuild_leet(text, &mut spelled);
        (String::from_utf8(n.as_bytes().to_vec()).unwrap(), spelled)
    }

    fn display(text: &str) -> Option<String> {
        let mut n = Normalized::default();
        n.rebuild_display(text)
            .then(|| String::from_utf8(n.as_bytes().to_vec()).unwrap())
    }

    #[test]
    fn small_capitals_and_hooked_letters_read_as_their_letter() {
        assert_eq!(form("ᴅɪꜰꜰᴜsɪᴏɴ ʀᴇsᴛʀᴇɪɴᴛᴇ"), "diffusionrestreinte");
        assert_eq!(form("ꜱᴇᴄʀᴇᴛ ᴅéꜰᴇɴꜱᴇ"), "secretdefense");
        assert_eq!(form("ĐƗFFɄꞨƗØꞤ"), "diffusion");
        assert_eq!(form("ᴄᴏɴꜰɪᴅᴇɴᴛɪᴀʟ"), "confidential");
        // Superscript and modifier letters, through their decomposition.
        assert_eq!(form("ˢᵉᶜʳᵉᵗ ᶦᴺ"), "secretin");
    }

    #[test]
    fn enclosed_letters_read_as_their_letter() {
        assert_eq!(form("ⓈⒺⒸⓇⒺⓉ"), "secret");
        assert_eq!(form("⒮⒠⒞⒭⒠⒯"), "secret");
        assert_eq!(form("🅂🄴🄲🅁🄴🅃"), "secret");
        assert_eq!(form("🅢🅔🅒🅡🅔🅣"), "secret");
        assert_eq!(form("🆂🅴🅲🆁🅴🆃"), "secret");
        // An emoji presentation selector is invisible.
        assert_eq!(form("🅰\u{FE0F}🅱\u{FE0F}"), "ab");
    }

    #[test]
    fn regional_indicators_are_letters_in_runs_of_three_or_more() {
        assert_eq!(form("🇸🇪🇨🇷🇪🇹"), "secret");
        assert_eq!(form("🇹🇱🇵:🇷🇪🇩"), "tlpred");
        // One flag is a picture, and a separator.
        let n = Normalized::new("🇪🇺 restricted");
        assert_eq!(n.as_bytes(), b"restricted");
        assert!(n.is_boundary(0));
        assert_eq!(form("a🇫🇷b"), "ab");
        assert!(Normalized::new("a🇫🇷b").is_boundary(1));
    }

    #[test]
    fn cyrillic_greek_and_armenian_look_alikes_read_as_latin() {
        assert_eq!(form("ϹΟΝFΙDΕΝΤΙΑL"), "confidential");
        assert_eq!(form("ѕеϲrеt"), "secret");
        assert_eq!(form("ԁіffսѕіօո"), "diffusion");
    }

    #[test]
    fn leetspeak_words_read_as_letters() {
        assert_eq!(leet("T0P S3CR3T").0, "topsecret");
        assert_eq!(leet("C0NF1D3NT13L D3F3NS3").0, "confidentieidefense");
        assert_eq!(leet("D1FFU510N R35TR31NT3").0, "diffusionrestreinte");
        assert_eq!(leet("53CR3T, $ECRET, TLP:R3D").0, "secretsecrettipred");
        assert_eq!(leet("c0nf1d3nt1@l").0, "confidentiai");
        // Accents and other scripts inside the word.
        assert_eq!(leet("TRÈ5 53CR3T").0, "tressecret");
    }

    #[test]
    fn numbers_codes_and_mixed_case_are_not_leetspeak() {
        let (form, spelled) = leet("2024 1337 B2B H264 FR76 S3cr3t P@ssw0rd 12:30");
        assert_eq!(spelled, "2024 1337 B2B H264 FR76 S3cr3t P@ssw0rd 12:30");
        assert_eq!(form, "20241337b2bh264fr76s3cr3tpssw0rd1230");
        // Symbols outside a leetspeak word stay separators.
        assert_eq!(leet("$ 100 @ 5").0, "1005");
    }

    #[test]
    fn the_leetspeak_form_keeps_the_original_offsets() {
        let text = "Objet : note T0P S3CR3T — fin";
        let (mut n, mut spelled) = (Normalized::default(), String::new());
        n.rebuild_leet(text, &mut spelled);
        assert_eq!(spelled.len(), text.len());
        let start = n
            .as_bytes()
            .windows(9)
            .position(|w| w == b"topsecret")
            .unwrap();
        let (from, to) = n.original_range(text, start, start + 9);
        assert_eq!(&text[from..to], "T0P S3CR3T");
    }

    #[test]
    fn overridden_text_reads_as_it_displays() {
        let text = "\u{202E}ETNIERTSER NOISUFFID\u{202C}";
        assert_eq!(display(text).unwrap(), "diffusionrestreinte");
        let mut n = Normalized::default();
        assert!(n.rebuild_display(text));
        assert_eq!(n.original_range(text, 0, 19), (3, 3 + 20));
        assert!(n.is_boundary(0) && n.is_boundary(9) && n.is_boundary(19));
        // Partly overridden: "TOP" as written, "SECRET" reversed.
        let text = "TOP \u{202E}TERCES\u{202C} !";
        let mut n = Normalized::default();
        assert!(n.rebuild_display(text));
        assert_eq!(n.as_bytes(), b"topsecret");
        assert_eq!(n.original_range(text, 0, 9), (0, 13));
        assert_eq!(n.original_range(text, 3, 9), (7, 13));
        // An override runs to the end of its paragraph.
        assert_eq!(display("\u{202E}TERCES\nTERCES").unwrap(), "secretterces");
        // Letter spacing reversed is joined back.
        let spaced = "\u{202E}T E R C E S\u{202C}";
        let mut n = Normalized::default();
        n.rebuild_display(spaced);
        assert_eq!(n.as_bytes(), b"secret");
        assert!(!n.is_boundary(1));
        assert_eq!(display("no override"), None);
        // The logical reading keeps the controls invisible.
        assert_eq!(form("S\u{202E}E\u{202C}CR\u{202E}ET"), "secret");
    }

    /// Characters the new readings touch, with the old ones.
    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        let piece = proptest::prop_oneof![
            proptest::arbitrary::any::<char>().prop_map(String::from),
            proptest::sample::select(vec![
                "SECRET",
                "S3CR3T",
                "T0P",
                "c0nf1d",
                "0",
                "1",
                "5",
                "@",
                "$",
                " ",
                "\n",
                "-",
                "\u{202E}",
                "\u{202C}",
                "\u{2067}",
                "\u{2069}",
                "TERCES",
                "ꜱᴇᴄʀᴇᴛ",
                "ᴅɪꜰꜰ",
                "🇸",
                "🇪",
                "🇨",
                "🅰",
                "Ⓢ",
                "⒮",
                "é",
                "\u{0301}",
                "\u{200B}",
                "ﬁ",
                "С",
                "S E C",
            ])
            .prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    use proptest::strategy::Strategy;

    fn check_ranges(
        text: &str,
        n: &Normalized,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let len = n.len();
        for start in (0..len).step_by(3) {
            for end in [start + 1, (start + 7).min(len), len] {
                if end <= start {
                    continue;
                }
                let (from, to) = n.original_range(text, start, end);
                proptest::prop_assert!(from < to && to <= text.len(), "{text:?} {start}..{end}");
                proptest::prop_assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
            }
        }
        Ok(())
    }

    proptest::proptest! {
        /// The screen's stream is the matching form, with the new readings.
        #[test]
        fn the_stream_is_the_matching_form(text in pieces()) {
            let mut streamed = Vec::new();
            let seen = stream(&text, |byte, _| {
                streamed.push(byte);
                false
            });
            proptest::prop_assert!(!seen.stopped);
            let normalized = Normalized::new(&text);
            proptest::prop_assert_eq!(&streamed[..], normalized.as_bytes());
            let has_override = text.contains(RIGHT_TO_LEFT_OVERRIDE);
            proptest::prop_assert_eq!(seen.overrides, has_override);
            proptest::prop_assert_eq!(
                seen.leet,
                text.bytes().any(|b| b.is_ascii_digit() || b == b'@' || b == b'$')
            );
        }

        /// Every form maps back to whole characters of the text.
        #[test]
        fn every_form_maps_back_to_the_text(text in pieces()) {
            check_ranges(&text, &Normalized::new(&text))?;
            let (mut n, mut spelled) = (Normalized::default(), String::new());
            n.rebuild_leet(&text, &mut spelled);
            proptest::prop_assert_eq!(spelled.len(), text.len());
            check_ranges(&text, &n)?;
            if n.rebuild_display(&text) {
                check_ranges(&text, &n)?;
            } else {
                let has_override = text.contains(RIGHT_TO_LEFT_OVERRIDE);
                proptest::prop_assert!(!has_override);
            }
        }
    }
}
