//! Character boundaries and windows in UTF-8 text.
//! Cuts and windows that never split a character.

/// The largest character boundary of `text` at or before `at`.
pub fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary of `text` at or after `at`.
pub fn ceil_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The range from `before` bytes before `start` to `after` bytes after
/// `end`, clamped to the text and shrunk to character boundaries.
pub fn window_around(
    text: &str,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
) -> (usize, usize) {
    (
        ceil_char_boundary(text, start.saturating_sub(before)),
        floor_char_boundary(text, end.saturating_add(after)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_never_cut_a_character() {
        let text = "ééé SECRET ééé";
        let start = text.find("SECRET").unwrap();
        let (from, to) = window_around(text, start, start + 6, 3, 3);
        assert_eq!(&text[from..to], "é SECRET é");
        assert_eq!(
            window_around(text, 0, text.len(), 100, 100),
            (0, text.len())
        );
        assert_eq!(floor_char_boundary(text, 1), 0);
        assert_eq!(ceil_char_boundary(text, 1), 2);
    }
}
