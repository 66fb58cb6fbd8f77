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
    origin: Vec<u32>,
    boundary: Vec<bool>,
}

impl Normalized {
    /// Normalizes `original`.
    ///
    /// # Panics
    /// Never on content; texts longer than [`MAX_TEXT_BYTES`] must be cut by
    /// the caller (the scanner does so and reports a limit problem).
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
        self.origin.clear();
        self.boundary.clear();
        self.text.reserve(original.len());
        self.origin.reserve(original.len());
        self.boundary.reserve(original.len() + 1);

        let mut gap = true;
        let bytes = original.as_bytes();
        let mut at = 0usize;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte.is_ascii() {
                // Fast path: most chat text is ASCII.
                if byte.is_ascii_alphanumeric() {
                    self.push(byte.to_ascii_lowercase(), at, &mut gap);
                } else {
                    gap = true;
                }
                at += 1;
                continue;
            }
            let c = original[at..]
                .chars()
                .next()
                .expect("index on a char boundary");
            self.push_char(c, at, &mut gap);
            at += c.len_utf8();
        }
        self.boundary.push(true);
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
        self.boundary[position]
    }

    /// The byte range in `original` covered by the matching-form range
    /// `start..end` (`start < end`), combining marks after the last letter
    /// included. `original` must be the text this form was built from.
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let first = self.origin[start] as usize;
        let mut last_end = char_end(original, self.origin[end - 1] as usize);
        for c in original[last_end..].chars() {
            if !is_combining_mark(c) {
                break;
            }
            last_end += c.len_utf8();
        }
        (first, last_end)
    }

    fn push(&mut self, byte: u8, at: usize, gap: &mut bool) {
        self.text.push(byte);
        // `at` fits: the assertion in `rebuild` bounds the text length.
        self.origin.push(at as u32);
        self.boundary.push(*gap);
        *gap = false;
    }

    fn push_char(&mut self, c: char, at: usize, gap: &mut bool) {
        if is_invisible(c) {
            return;
        }
        if c.is_whitespace() || is_dash(c) {
            *gap = true;
            return;
        }
        if let Some(latin) = latin_reading(c) {
            for byte in latin.bytes() {
                self.push(byte, at, gap);
            }
            return;
        }
        // A lone combining mark decomposes to itself and is dropped here: it
        // joins the letter before it and leaves no boundary.
        decompose_compatible(c, |d| {
            if is_combining_mark(d) || is_invisible(d) {
                return;
            }
            if d.is_ascii_alphanumeric() {
                self.push(d.to_ascii_lowercase() as u8, at, gap);
            } else if let Some(latin) = latin_reading(d) {
                for byte in latin.bytes() {
                    self.push(byte, at, gap);
                }
            } else if d.is_alphanumeric() {
                self.push(OTHER_LETTER, at, gap);
            } else {
                *gap = true;
            }
        });
    }

    /// Joins letter-spaced words: a run of three or more one-letter words
    /// separated by exactly one space or punctuation character ("S E C R E T",
    /// "S.E.C.R.E.T") becomes one word. Wider gaps between such runs stay word
    /// boundaries, so "D I F F U S I O N   R E S T R E I N T E" reads as two
    /// words.
    fn join_letter_spacing(&mut self, original: &str) {
        let len = self.text.len();
        if len < 3 {
            return;
        }
        let single = |n: &Self, i: usize| n.boundary[i] && n.boundary[i + 1];
        let mut i = 0;
        while i + 1 < len {
            if !(single(self, i) && single(self, i + 1) && self.narrow_gap(original, i)) {
                i += 1;
                continue;
            }
            let run_start = i;
            let mut run_end = i + 1;
            while run_end + 1 < len
                && single(self, run_end + 1)
                && self.narrow_gap(original, run_end)
            {
                run_end += 1;
            }
            if run_end - run_start + 1 >= 3 {
                for position in run_start + 1..=run_end {
                    self.boundary[position] = false;
                }
            }
            i = run_end + 1;
        }
    }

    /// Whether exactly one visible separator character, not a line break,
    /// stands between matching-form bytes `i` and `i + 1`, and the letters on
    /// either side have the same case (so that "D E F E N S E à" does not
    /// swallow the French word "à").
    fn narrow_gap(&self, original: &str, i: usize) -> bool {
        let gap_start = char_end(original, self.origin[i] as usize);
        let gap_end = self.origin[i + 1] as usize;
        if gap_start >= gap_end {
            return false;
        }
        let case = |at: u32| {
            let c = original[at as usize..].chars().next().unwrap_or(' ');
            (c.is_uppercase(), c.is_lowercase())
        };
        if case(self.origin[i]) != case(self.origin[i + 1]) {
            return false;
        }
        let mut visible = original[gap_start..gap_end]
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

/// Hyphens, dashes and minus signs in all their Unicode forms.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{058A}'
                | '\u{1806}'
    )
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
