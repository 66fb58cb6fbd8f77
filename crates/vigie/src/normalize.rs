//! Unicode normalization into the *matching form*.
//!
//! The matching form of a text is what the literal matcher searches: a
//! sequence of ASCII lower-case letters and digits with every separator
//! removed ("DIFFUSION  RE-\nSTREINTE" becomes `diffusionrestreinte`). Three
//! pieces of information travel with it:
//!
//! * `origin`: for each byte of the matching form, the byte offset in the
//!   original text of the character it came from, so that every finding
//!   points at the original text;
//! * `boundary`: for each position, whether a word boundary stands there, so
//!   that `secret` is not found inside `secretariat` although separators are
//!   gone;
//! * nothing else: the form is rebuilt per segment and holds no state.
//!
//! What the form sees through: case; accents and other diacritics (NFKD, then
//! combining marks dropped); compatibility forms (full-width letters,
//! ligatures, mathematical alphanumerics); Cyrillic and Greek look-alikes of
//! Latin letters and the Turkish dotless and dotted I; zero-width characters,
//! soft hyphens and bidirectional controls (dropped without leaving a
//! boundary); Unicode spaces, line breaks, hyphens and dashes (all
//! separators); and letter-spaced words ("S E C R E T"), whose single-letter
//! pieces are joined back into one word.
//!
//! Letters of other scripts become [`OTHER_LETTER`], a byte that no pattern
//! contains but that still counts as part of a word.

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
/// [`BYTE_READING`] of bytes that start or continue a non-ASCII character.
const NOT_ASCII: u8 = 0xFF;

/// The lower-case reading of each ASCII letter and digit; [`SEPARATOR`] for
/// the other ASCII bytes, [`NOT_ASCII`] for the rest.
const BYTE_READING: [u8; 256] = {
    let mut table = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            byte.to_ascii_lowercase()
        } else {
            SEPARATOR
        };
        b += 1;
    }
    table
};

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
        self.text.reserve(original.len());

        let bytes = original.as_bytes();
        // Whether a word boundary stands before the next letter.
        let mut gap = true;
        // Whether the next letter starts a new run: after a separator, and
        // after a non-ASCII character (which is a run of its own).
        let mut new_run = true;
        let mut at = 0usize;
        while at < bytes.len() {
            // Fast path: most chat text is ASCII; one table lookup a byte.
            let reading = BYTE_READING[bytes[at] as usize];
            if reading == NOT_ASCII {
                let c = original[at..]
                    .chars()
                    .next()
                    .expect("index on a char boundary");
                self.push_char(c, at, &mut gap);
                new_run = true;
                at += c.len_utf8();
                continue;
            }
            if reading == SEPARATOR {
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
        let first = self.origin(start);
        let mut last_end = char_end(original, self.origin(end - 1));
        for c in original[last_end..].chars() {
            if !is_combining_mark(c) {
                break;
            }
            last_end += c.len_utf8();
        }
        (first, last_end)
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
    fn push_char(&mut self, c: char, at: usize, gap: &mut bool) {
        let run_start = self.text.len();
        let text = &mut self.text;
        match read_char(c, |byte| text.push(byte)) {
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
        let (left, right) = (
            self.runs[run].origin as usize,
            self.runs[run + 1].origin as usize,
        );
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
/// whose compatibility decomposition is one ASCII letter and combining marks
/// (0 for the others). Built once from the Unicode tables: it spares the
/// decomposition for the accented letters of French and its neighbours.
static LATIN_LETTERS: std::sync::LazyLock<[u8; 0x250 - 0xC0]> = std::sync::LazyLock::new(|| {
    let mut table = [0u8; 0x250 - 0xC0];
    for (i, slot) in table.iter_mut().enumerate() {
        let Some(c) = char::from_u32(LATIN_TABLE_START + i as u32) else {
            continue;
        };
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
    if let Some(letter) = latin_letter(c) {
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
pub fn for_each_byte(original: &str, mut visit: impl FnMut(u8, bool) -> bool) -> bool {
    let bytes = original.as_bytes();
    // As in `Normalized::rebuild`: whether a word boundary stands before the
    // next letter.
    let mut gap = true;
    let mut at = 0;
    while at < bytes.len() {
        let reading = BYTE_READING[bytes[at] as usize];
        if reading == NOT_ASCII {
            let c = original[at..]
                .chars()
                .next()
                .expect("index on a char boundary");
            let mut stop = false;
            let mut first = true;
            let word_start = gap;
            let kind = read_char(c, |byte| {
                stop = stop || visit(byte, word_start && first);
                first = false;
            });
            if stop {
                return true;
            }
            match kind {
                CharReading::Separator => gap = true,
                CharReading::Letters if !first => gap = false,
                _ => {}
            }
            at += c.len_utf8();
            continue;
        }
        if reading == SEPARATOR {
            gap = true;
        } else {
            if visit(reading, gap) {
                return true;
            }
            gap = false;
        }
        at += 1;
    }
    false
}

fn latin_letter(c: char) -> Option<u8> {
    let index = (c as u32).checked_sub(LATIN_TABLE_START)? as usize;
    LATIN_LETTERS
        .get(index)
        .copied()
        .filter(|&letter| letter != 0)
}

/// The Latin reading of letters that NFKD leaves alone: ligatures and letters
/// with a stroke, and the Cyrillic and Greek look-alikes of Latin letters.
fn latin_reading(c: char) -> Option<&'static str> {
    Some(match c {
        'Œ' | 'œ' => "oe",
        'Æ' | 'æ' => "ae",
        'ß' | 'ẞ' => "ss",
        'Ø' | 'ø' => "o",
        'Ł' | 'ł' => "l",
        'Đ' | 'đ' => "d",
        'ı' => "i",
        // Cyrillic look-alikes.
        'А' | 'а' => "a",
        'В' | 'в' => "b",
        'Е' | 'е' | 'Ё' | 'ё' => "e",
        'К' | 'к' => "k",
        'М' | 'м' => "m",
        'Н' | 'н' => "h",
        'О' | 'о' => "o",
        'Р' | 'р' => "p",
        'С' | 'с' => "c",
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
        'Ε' | 'ε' => "e",
        'Ζ' => "z",
        'Η' => "h",
        'Ι' | 'ι' => "i",
        'Κ' | 'κ' => "k",
        'Μ' => "m",
        'Ν' => "n",
        'ν' => "v",
        'Ο' | 'ο' => "o",
        'Ρ' | 'ρ' => "p",
        'Τ' | 'τ' => "t",
        'Υ' => "y",
        'υ' => "u",
        'Χ' | 'χ' => "x",
        _ => return None,
    })
}
