//! A streaming reader of PDF content streams: operands and operators are
//! read one operation at a time from a decoder, so a stream that inflates to
//! a hundred megabytes of `0 0 m` never exists in memory, and the caller's
//! operation count stops it while it is being read.
//!
//! Only what text extraction needs is kept: numbers, strings, names and
//! arrays of them. Dictionaries (marked-content properties) are read and
//! dropped; an inline image (`BI … ID … EI`) is given as the operator `BI`,
//! its dictionary's keys and values as operands, then its data as a last
//! string operand. Every token is bounded: strings, arrays, nesting, inline
//! image data and the operand stack, so that no count in the stream sizes
//! an allocation.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};

/// Longest string operand kept, in bytes; the rest of a longer one is
/// dropped and reported.
const MAX_STRING_BYTES: usize = 64 << 10;
/// Most operands and array elements kept for one operation, all arrays
/// together (an operand takes 32 bytes, whatever its text).
const MAX_OPERATION_ITEMS: usize = 1 << 16;
/// Most bytes of strings and names kept for one operation.
const MAX_OPERATION_BYTES: usize = 1 << 20;
/// How deep arrays and dictionaries may nest inside an operand.
const MAX_NESTING: usize = 32;
/// Most operands kept before an operator; extra ones are dropped.
const MAX_OPERANDS: usize = 64;
/// Longest operator name kept.
const MAX_OPERATOR_BYTES: usize = 16;
/// Largest inline image data kept; a larger one is given as
/// [`Operand::Other`] (and reported), as a picture that was not read.
pub(super) const MAX_INLINE_IMAGE_BYTES: usize = 1 << 20;

/// An operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    /// An integer or real number.
    Number(f64),
    /// A literal or hexadecimal string, as bytes.
    String(Vec<u8>),
    /// A name, without its slash.
    Name(Vec<u8>),
    /// An array.
    Array(Vec<Operand>),
    /// `true` or `false` (an inline image's `/IM true`).
    Bool(bool),
    /// Anything else (null, dictionaries): read and not kept.
    Other,
}

impl Operand {
    /// The operand as a number, if it is one.
    pub(super) fn number(&self) -> Option<f64> {
        match self {
            Operand::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Something the lexer could not read as the format says; what came before
/// it was read, and reading goes on after it where it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Trouble {
    /// The decoder failed (a damaged compressed stream).
    Read(String),
    /// A token longer or deeper than the lexer keeps.
    TooLarge(&'static str),
}

/// Reads operations from a content stream.
pub(super) struct Lexer<R: Read> {
    input: BufReader<R>,
    /// Troubles met so far, at most one of each kind.
    pub(super) troubles: Vec<Trouble>,
    ended: bool,
    /// Operands and array elements kept for the current operation.
    kept_items: usize,
    /// Bytes of strings and names kept for the current operation.
    kept_bytes: usize,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

impl<R: Read> Lexer<R> {
    /// A lexer over a decoded (or decoding) content stream.
    pub(super) fn new(input: R) -> Self {
        Lexer {
            input: BufReader::with_capacity(16 << 10, input),
            troubles: Vec::new(),
            ended: false,
            kept_items: 0,
            kept_bytes: 0,
        }
    }

    fn trouble(&mut self, trouble: Trouble) {
        if !self.troubles.contains(&trouble) {
            self.troubles.push(trouble);
        }
    }

    /// The next byte, without consuming it; `None` at the end or on a read
    /// error (recorded).
    fn peek(&mut self) -> Option<u8> {
        if self.ended {
            return None;
        }
        loop {
            match self.input.fill_buf() {
                Ok([]) => {
                    self.ended = true;
                    return None;
                }
                Ok(buffer) => return Some(buffer[0]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.ended = true;
                    self.trouble(Trouble::Read(error.to_string()));
                    return None;
                }
            }
        }
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.input.consume(1);
        Some(b)
    }

    fn skip_whitespace_and_comments(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.bump();
            } else if b == b'%' {
                while let Some(c) = self.bump() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    /// Reads the next operation: fills `operands` and gives the operator,
    /// or `None` at the end of the stream.
    pub(super) fn next_operation(&mut self, operands: &mut Vec<Operand>) -> Option<Vec<u8>> {
        operands.clear();
        self.kept_items = 0;
        self.kept_bytes = 0;
        loop {
            self.skip_whitespace_and_comments();
            let b = self.peek()?;
            if is_regular(b) && !matches!(b, b'+' | b'-' | b'.' | b'0'..=b'9') {
                let word = self.word();
                match word.as_slice() {
                    b"true" => self.keep(operands, Operand::Bool(true)),
                    b"false" => self.keep(operands, Operand::Bool(false)),
                    b"null" => self.keep(operands, Operand::Other),
                    b"BI" => {
                        operands.clear();
                        self.inline_image(operands);
                        return Some(word);
                    }
                    _ => return Some(word),
                }
                continue;
            }
            let operand = self.operand(0);
            if let Some(operand) = operand {
                self.keep(operands, operand);
            }
        }
    }

    fn keep(&mut self, operands: &mut Vec<Operand>, operand: Operand) {
        if operands.len() < MAX_OPERANDS && self.room_for_item() {
            operands.push(operand);
        } else {
            self.trouble(Trouble::TooLarge("operands before one operator"));
        }
    }

    /// Whether one more operand or element may be kept for this operation;
    /// counts it if so.
    fn room_for_item(&mut self) -> bool {
        if self.kept_items >= MAX_OPERATION_ITEMS {
            self.trouble(Trouble::TooLarge("operation"));
            return false;
        }
        self.kept_items += 1;
        true
    }

    /// `operand`, or nothing once this operation's strings and names pass
    /// their byte budget.
    fn within_bytes(&mut self, operand: Operand) -> Operand {
        let bytes = match &operand {
            Operand::String(b) | Operand::Name(b) => b.len(),
            _ => 0,
        };
        if self.kept_bytes + bytes > MAX_OPERATION_BYTES {
            self.trouble(Trouble::TooLarge("operation"));
            return Operand::Other;
        }
        self.kept_bytes += bytes;
        operand
    }

    /// A run of regular characters (an operator or keyword), at most
    /// [`MAX_OPERATOR_BYTES`] of it kept.
    fn word(&mut self) -> Vec<u8> {
        let mut word = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            self.bump();
            if word.len() < MAX_OPERATOR_BYTES {
                word.push(b);
            }
        }
        word
    }

    /// One operand starting at the next byte; `None` for a stray delimiter
    /// (skipped).
    fn operand(&mut self, depth: usize) -> Option<Operand> {
        let b = self.peek()?;
        match b {
            b'(' => {
                self.bump();
                let string = Operand::String(self.literal_string());
                Some(self.within_bytes(string))
            }
            b'<' => {
                self.bump();
                if self.peek() == Some(b'<') {
                    self.bump();
                    self.dictionary(depth + 1);
                    Some(Operand::Other)
                } else {
                    let string = Operand::String(self.hex_string());
                    Some(self.within_bytes(string))
                }
            }
            b'/' => {
                self.bump();
                let name = Operand::Name(self.name());
                Some(self.within_bytes(name))
            }
            b'[' => {
                self.bump();
                Some(self.array(depth + 1))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => Some(self.number()),
            _ if is_regular(b) => {
                // A keyword inside an array or dictionary.
                let word = self.word();
                let _ = word;
                Some(Operand::Other)
            }
            _ => {
                // `)`, `>`, `]`, `{`, `}` out of place: skip it.
                self.bump();
                None
            }
        }
    }

    fn number(&mut self) -> Operand {
        let mut text = Vec::new();
        while let Some(b) = self.peek() {
            if !matches!(b, b'+' | b'-' | b'.' | b'0'..=b'9') {
                break;
            }
            self.bump();
            if text.len() < 32 {
                text.push(b);
            }
        }
        let value = std::str::from_utf8(&text)
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .unwrap_or(0.0);
        Operand::Number(value)
    }

    fn name(&mut self) -> Vec<u8> {
        let mut name = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            self.bump();
            let b = if b == b'#' {
                self.hex_pair().unwrap_or(b'#')
            } else {
                b
            };
            if name.len() < 128 {
                name.push(b);
            }
        }
        name
    }

    fn hex_pair(&mut self) -> Option<u8> {
        let high = hex_value(self.peek()?)?;
        self.bump();
        let low = self.peek().and_then(hex_value);
        if low.is_some() {
            self.bump();
        }
        Some(high << 4 | low.unwrap_or(0))
    }

    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut nesting = 1usize;
        let push = |lexer: &mut Self, out: &mut Vec<u8>, b: u8| {
            if out.len() < MAX_STRING_BYTES {
                out.push(b);
            } else {
                lexer.trouble(Trouble::TooLarge("string"));
            }
        };
        while let Some(b) = self.bump() {
            match b {
                b'(' => {
                    nesting += 1;
                    push(self, &mut out, b);
                }
                b')' => {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                    push(self, &mut out, b);
                }
                b'\\' => {
                    let Some(escaped) = self.bump() else { break };
                    let value = match escaped {
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'b' => Some(0x08),
                        b'f' => Some(0x0C),
                        b'0'..=b'7' => {
                            let mut value = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        self.bump();
                                        value = value * 8 + u32::from(d - b'0');
                                    }
                                    _ => break,
                                }
                            }
                            Some((value & 0xFF) as u8)
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.bump();
                            }
                            None
                        }
                        b'\n' => None,
                        other => Some(other),
                    };
                    if let Some(value) = value {
                        push(self, &mut out, value);
                    }
                }
                _ => push(self, &mut out, b),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.bump() {
            if b == b'>' {
                break;
            }
            let Some(value) = hex_value(b) else { continue };
            match high.take() {
                None => high = Some(value),
                Some(h) => {
                    if out.len() < MAX_STRING_BYTES {
                        out.push(h << 4 | value);
                    } else {
                        self.trouble(Trouble::TooLarge("string"));
                    }
                }
            }
        }
        if let Some(h) = high
            && out.len() < MAX_STRING_BYTES
        {
            out.push(h << 4);
        }
        out
    }

    fn array(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        loop {
            self.skip_whitespace_and_comments();
            match self.peek() {
                None => break,
                Some(b']') => {
                    self.bump();
                    break;
                }
                Some(b'[') if depth >= MAX_NESTING => {
                    self.trouble(Trouble::TooLarge("nesting of arrays"));
                    self.bump();
                }
                Some(_) => {
                    if let Some(item) = self.operand(depth)
                        && self.room_for_item()
                    {
                        items.push(item);
                    }
                }
            }
        }
        Operand::Array(items)
    }

    /// Reads a dictionary up to its `>>` and drops it.
    fn dictionary(&mut self, depth: usize) {
        loop {
            self.skip_whitespace_and_comments();
            match self.peek() {
                None => return,
                Some(b'>') => {
                    self.bump();
                    if self.peek() == Some(b'>') {
                        self.bump();
                    }
                    return;
                }
                Some(b'<' | b'[') if depth >= MAX_NESTING => {
                    self.trouble(Trouble::TooLarge("nesting of dictionaries"));
                    self.bump();
                }
                Some(_) => {
                    self.operand(depth);
                }
            }
        }
    }

    /// Reads an inline image into `operands`: its dictionary up to `ID`
    /// (keys as names, then values), then its data up to `EI` standing
    /// between white space, as a last string (or [`Operand::Other`] when
    /// longer than [`MAX_INLINE_IMAGE_BYTES`]).
    fn inline_image(&mut self, operands: &mut Vec<Operand>) {
        loop {
            self.skip_whitespace_and_comments();
            let Some(b) = self.peek() else { return };
            if is_regular(b) && !matches!(b, b'+' | b'-' | b'.' | b'0'..=b'9') {
                match self.word().as_slice() {
                    b"ID" => break,
                    b"true" => self.keep(operands, Operand::Bool(true)),
                    b"false" => self.keep(operands, Operand::Bool(false)),
                    _ => self.keep(operands, Operand::Other),
                }
            } else if let Some(operand) = self.operand(0) {
                self.keep(operands, operand);
            }
        }
        // One white-space byte follows ID; then binary data.
        self.bump();
        let mut data = Vec::new();
        let mut too_large = false;
        let mut previous_white = true;
        while let Some(b) = self.bump() {
            if previous_white && b == b'E' && self.peek() == Some(b'I') {
                self.bump();
                match self.peek() {
                    None => break,
                    Some(next) if is_whitespace(next) || is_delimiter(next) => break,
                    Some(_) => {}
                }
                too_large |= !push_bounded(&mut data, b"EI");
                previous_white = false;
                continue;
            }
            too_large |= !push_bounded(&mut data, &[b]);
            previous_white = is_whitespace(b);
        }
        // The white space before `EI` ends the data, it is not part of it.
        if data.last().copied().is_some_and(is_whitespace) {
            data.pop();
        }
        if too_large {
            self.trouble(Trouble::TooLarge("inline image"));
            operands.push(Operand::Other);
        } else {
            operands.push(Operand::String(data));
        }
    }
}

/// Appends `bytes` to `data` if it stays within [`MAX_INLINE_IMAGE_BYTES`];
/// false, and nothing appended, if not.
fn push_bounded(data: &mut Vec<u8>, bytes: &[u8]) -> bool {
    if data.len() + bytes.len() > MAX_INLINE_IMAGE_BYTES {
        return false;
    }
    data.extend_from_slice(bytes);
    true
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A reader that counts the bytes going through it into a counter shared
/// by every stream of a page, and fails once the count passes `cap`, so
/// that a decompression bomb stops where it crosses the limit instead of
/// after.
pub(super) struct Capped<'c, R> {
    inner: R,
    count: &'c Cell<u64>,
    cap: u64,
}

impl<'c, R: Read> Capped<'c, R> {
    /// `inner`, counting into `count` and failing past `cap` bytes.
    pub(super) fn new(inner: R, count: &'c Cell<u64>, cap: u64) -> Self {
        Capped { inner, count, cap }
    }
}

/// The message of the error a [`Capped`] reader gives past its cap.
pub(super) const CAP_MESSAGE: &str = "content streams inflate past their limit";

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let count = self.count.get();
        if count > self.cap {
            return Err(std::io::Error::other(CAP_MESSAGE));
        }
        // Never ask for more than one byte past the cap.
        let room = usize::try_from(self.cap - count + 1).unwrap_or(usize::MAX);
        let limit = buf.len().min(room);
        let n = self.inner.read(&mut buf[..limit])?;
        self.count.set(count + n as u64);
        if count + n as u64 > self.cap {
            return Err(std::io::Error::other(CAP_MESSAGE));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(content: &[u8]) -> Vec<(String, Vec<Operand>)> {
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            out.push((String::from_utf8_lossy(&op).into_owned(), operands.clone()));
        }
        out
    }

    #[test]
    fn operators_come_with_their_operands() {
        let ops = operations(
            b"BT /F1 12 Tf 72 712.5 Td (Hello \\(x\\) \\101\\n) Tj [(A) -250 <4243>] TJ ET % note\n",
        );
        let names: Vec<&str> = ops.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Td", "Tj", "TJ", "ET"]);
        assert_eq!(
            ops[1].1,
            [Operand::Name(b"F1".to_vec()), Operand::Number(12.0)]
        );
        assert_eq!(ops[2].1, [Operand::Number(72.0), Operand::Number(712.5)]);
        assert_eq!(ops[3].1, [Operand::String(b"Hello (x) A\n".to_vec())]);
        assert_eq!(
            ops[4].1,
            [Operand::Array(vec![
                Operand::String(b"A".to_vec()),
                Operand::Number(-250.0),
                Operand::String(b"BC".to_vec()),
            ])]
        );
    }

    #[test]
    fn inline_images_and_dictionaries_are_skipped() {
        let ops = operations(
            b"q BI /W 2 /H 2 /BPC 8 /CS /G ID \x00EI\xffE\nEI Q /P <</MCID 3 /A [1 2]>> BDC (x) Tj EMC",
        );
        let names: Vec<&str> = ops.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["q", "BI", "Q", "BDC", "Tj", "EMC"]);
    }

    #[test]
    fn tokens_are_bounded() {
        let mut content = b"(".to_vec();
        content.extend(std::iter::repeat_n(b'A', MAX_STRING_BYTES + 10));
        content.extend_from_slice(b") Tj ");
        content.extend(std::iter::repeat_n(b'[', 10_000));
        content.extend(std::iter::repeat_n(b']', 10_000));
        content.extend_from_slice(b" TJ");
        let mut lexer = Lexer::new(content.as_slice());
        let mut operands = Vec::new();
        assert_eq!(
            lexer.next_operation(&mut operands).as_deref(),
            Some(&b"Tj"[..])
        );
        assert!(matches!(&operands[0], Operand::String(s) if s.len() == MAX_STRING_BYTES));
        assert_eq!(
            lexer.next_operation(&mut operands).as_deref(),
            Some(&b"TJ"[..])
        );
        assert!(lexer.troubles.contains(&Trouble::TooLarge("string")));
        assert!(
            lexer
                .troubles
                .contains(&Trouble::TooLarge("nesting of arrays"))
        );
    }

    #[test]
    fn a_capped_reader_stops_past_its_cap() {
        let data = vec![b'0'; 1000];
        let count = Cell::new(0);
        let mut capped = Capped::new(data.as_slice(), &count, 100);
        let mut sink = Vec::new();
        assert!(capped.read_to_end(&mut sink).is_err());
        assert!(count.get() == 101 && sink.len() <= 101);
    }
}
