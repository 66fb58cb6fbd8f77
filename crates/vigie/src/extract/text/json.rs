//! JSON (chat exports of Matrix/Element, Slack, Teams; configuration files):
//! every string read with its escapes decoded (`\u0044IFFUSION`, surrogate
//! pairs, `\/`, `\n`), one a line, so that a banner written in a message's
//! `body` is a line of its own, as the chat client shows it.
//!
//! A string value without white space (an identifier, a password, a token)
//! stays beside its key, `key: value`, as a configuration file reads; a
//! value with white space (what someone wrote) is a line of its own, its key
//! on the line before. JSON Lines (one value a line) is JSON too. A string
//! that is an HTML fragment (Matrix's `formatted_body`, what the client
//! shows) is read as HTML: its visible text as a line, its hidden text apart.
//!
//! The reader is strict: text that is not JSON is read as plain text by the
//! caller (no viewer renders it either: what a reader sees there is the raw
//! text). It counts a step per token and follows containers at most
//! [`MAX_JSON_DEPTH`] deep, with a stack of one byte per level.

/// How deep arrays and objects are followed; deeper ones make the document
/// read as plain text, with a `limit` problem.
pub(crate) const MAX_JSON_DEPTH: usize = 1000;

/// Why a text was not read as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotJson {
    /// It is not JSON (a syntax error at this byte offset).
    Invalid(usize),
    /// Containers nest deeper than [`MAX_JSON_DEPTH`].
    TooDeep,
    /// The step budget ran out (the caller's `step` returned false).
    Stopped,
}

/// The strings (and numbers) of a JSON text, one a line, as the module
/// says; `step` counts a step per token and stops the reading when it
/// returns false. Reading stops, with what it has, once the text is longer
/// than `cap` bytes (the caller's text limit, which reports it). Gives the
/// text and the hidden text of HTML strings.
pub(crate) fn json_text(
    src: &str,
    cap: usize,
    step: &mut dyn FnMut(u64) -> bool,
) -> Result<(String, String), NotJson> {
    let mut reader = Reader {
        bytes: src.as_bytes(),
        src,
        pos: 0,
        out: String::with_capacity(src.len().min(cap) / 2),
        value: String::new(),
        cap,
        hidden: String::new(),
    };
    reader.document(step)?;
    Ok((reader.out, reader.hidden))
}

/// What a container expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value (after `[`, `,` in an array, `:`).
    Value,
    /// A key or `}` (after `{`).
    FirstKey,
    /// A key (after `,` in an object).
    Key,
    /// `,` or the container's end.
    Next,
}

struct Reader<'a> {
    bytes: &'a [u8],
    src: &'a str,
    pos: usize,
    out: String,
    /// The decoded string being read.
    value: String,
    /// How long `out` may grow: past it, reading stops.
    cap: usize,
    /// The hidden text of HTML strings.
    hidden: String,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn invalid<T>(&self) -> Result<T, NotJson> {
        Err(NotJson::Invalid(self.pos))
    }

    /// One or more top-level values separated by white space (a JSON text,
    /// or JSON Lines).
    fn document(&mut self, step: &mut dyn FnMut(u64) -> bool) -> Result<(), NotJson> {
        if self.src.starts_with('\u{FEFF}') {
            self.pos = '\u{FEFF}'.len_utf8();
        }
        self.skip_space();
        if self.pos >= self.bytes.len() {
            return self.invalid();
        }
        while self.pos < self.bytes.len() && self.out.len() <= self.cap {
            self.value_tree(step)?;
            self.skip_space();
        }
        Ok(())
    }

    /// One value and all it holds, iteratively: `stack` holds, per open
    /// container, `b'['` or `b'{'`.
    fn value_tree(&mut self, step: &mut dyn FnMut(u64) -> bool) -> Result<(), NotJson> {
        let mut stack: Vec<u8> = Vec::new();
        let mut expect = Expect::Value;
        // The key of the member whose value comes next.
        let mut key: Option<String> = None;
        loop {
            if !step(1) {
                return Err(NotJson::Stopped);
            }
            if self.out.len() > self.cap {
                return Ok(());
            }
            self.skip_space();
            let Some(&b) = self.bytes.get(self.pos) else {
                return self.invalid();
            };
            match expect {
                Expect::FirstKey | Expect::Key => {
                    if b == b'}' && expect == Expect::FirstKey {
                        self.pos += 1;
                        stack.pop();
                        expect = Expect::Next;
                    } else if b == b'"' {
                        self.string()?;
                        self.skip_space();
                        if self.bytes.get(self.pos) != Some(&b':') {
                            return self.invalid();
                        }
                        self.pos += 1;
                        key = Some(std::mem::take(&mut self.value));
                        expect = Expect::Value;
                        continue;
                    } else {
                        return self.invalid();
                    }
                }
                Expect::Value => match b {
                    b'{' | b'[' => {
                        if stack.len() >= MAX_JSON_DEPTH {
                            return Err(NotJson::TooDeep);
                        }
                        if let Some(key) = key.take() {
                            self.line(&key);
                        }
                        self.pos += 1;
                        stack.push(b);
                        expect = if b == b'{' {
                            Expect::FirstKey
                        } else {
                            Expect::Value
                        };
                        continue;
                    }
                    b']' if stack.last() == Some(&b'[') && self.empty_array_end() => {
                        self.pos += 1;
                        stack.pop();
                        expect = Expect::Next;
                    }
                    b'"' => {
                        self.string()?;
                        let value = std::mem::take(&mut self.value);
                        if is_html(&value) {
                            let markup = super::html_parts(&value, step);
                            if !markup.hidden.trim().is_empty() {
                                self.hidden.push_str(markup.hidden.trim());
                                self.hidden.push('\n');
                            }
                            self.member(key.take(), markup.visible.trim());
                        } else {
                            self.member(key.take(), &value);
                        }
                        self.value = value;
                        expect = Expect::Next;
                    }
                    b'-' | b'0'..=b'9' => {
                        let start = self.pos;
                        self.number()?;
                        let number = self.src.get(start..self.pos).unwrap_or("");
                        // A number stands beside its key (`"pin": 4242`); a
                        // lone one in an array says nothing.
                        if let Some(key) = key.take() {
                            self.member(Some(key), number);
                        }
                        expect = Expect::Next;
                    }
                    _ => {
                        let literal = ["true", "false", "null"]
                            .into_iter()
                            .find(|l| self.bytes[self.pos..].starts_with(l.as_bytes()));
                        let Some(literal) = literal else {
                            return self.invalid();
                        };
                        self.pos += literal.len();
                        key = None;
                        expect = Expect::Next;
                    }
                },
                Expect::Next => match (b, stack.last()) {
                    (b',', Some(&open)) => {
                        self.pos += 1;
                        expect = if open == b'{' {
                            Expect::Key
                        } else {
                            Expect::Value
                        };
                        continue;
                    }
                    (b'}', Some(b'{')) | (b']', Some(b'[')) => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return self.invalid(),
                },
            }
            if stack.is_empty() {
                return Ok(());
            }
        }
    }

    /// Whether the `]` at `pos` closes an array right after its `[` (not
    /// after a `,`: `[1,]` is not JSON).
    fn empty_array_end(&self) -> bool {
        let before = self.bytes.get(..self.pos).unwrap_or(&[]);
        before
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            == Some(&b'[')
    }

    /// Writes a member (or an array element when `key` is `None`): beside
    /// its key when the value has no white space, else the key then the
    /// value on lines of their own.
    fn member(&mut self, key: Option<String>, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        match key {
            Some(key) if !value.contains(char::is_whitespace) && !key.contains('\n') => {
                self.out.push_str(&key);
                self.out.push_str(": ");
                self.out.push_str(value);
                self.out.push('\n');
            }
            Some(key) => {
                self.line(&key);
                self.line(value);
            }
            None => self.line(value),
        }
    }

    /// Writes `text` on a line of its own.
    fn line(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.out.push_str(text);
        if !text.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// Reads the string at `pos` (its opening quote) into `value`, escapes
    /// decoded; a lone surrogate is U+FFFD.
    fn string(&mut self) -> Result<(), NotJson> {
        self.value.clear();
        self.pos += 1;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
            let Some(found) = memchr::memchr2(b'"', b'\\', rest) else {
                self.pos = self.bytes.len();
                return self.invalid();
            };
            self.value
                .push_str(self.src.get(self.pos..self.pos + found).unwrap_or(""));
            self.pos += found;
            if self.bytes[self.pos] == b'"' {
                self.pos += 1;
                return Ok(());
            }
            let Some(&escape) = self.bytes.get(self.pos + 1) else {
                return self.invalid();
            };
            self.pos += 2;
            let c = match escape {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{C}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return self.invalid(),
            };
            self.value.push(c);
        }
    }

    /// The character of a `\uXXXX` escape whose four digits start at `pos`,
    /// with the low half that follows a high surrogate.
    fn unicode_escape(&mut self) -> Result<char, NotJson> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or('\u{FFFD}'));
        }
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        if !rest.starts_with(b"\\u") {
            return Ok('\u{FFFD}');
        }
        let saved = self.pos;
        self.pos += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            // Not a pair: the second escape is read on its own.
            self.pos = saved;
            return Ok('\u{FFFD}');
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        Ok(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }

    /// Four hexadecimal digits at `pos`.
    fn hex4(&mut self) -> Result<u32, NotJson> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match digits {
            Some(code) => {
                self.pos += 4;
                Ok(code)
            }
            None => self.invalid(),
        }
    }

    /// Skips a number at `pos`, checking its grammar.
    fn number(&mut self) -> Result<(), NotJson> {
        let digits = |reader: &mut Self| {
            let start = reader.pos;
            while reader.bytes.get(reader.pos).is_some_and(u8::is_ascii_digit) {
                reader.pos += 1;
            }
            reader.pos > start
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        if !digits(self) {
            return self.invalid();
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return self.invalid();
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return self.invalid();
            }
        }
        Ok(())
    }
}

/// Whether a string is an HTML fragment (tags of formatted text or
/// entities), as the sniffer tells one.
fn is_html(value: &str) -> bool {
    memchr::memchr2(b'<', b'&', value.as_bytes()).is_some()
        && crate::extract::sniff::is_html_fragment(&crate::extract::sniff::lowered_start(
            value, 512,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Result<String, NotJson> {
        json_text(src, usize::MAX, &mut |_| true).map(|(text, _)| text)
    }

    #[test]
    fn escapes_are_decoded() {
        let text = read(r#"{"body": "\u0044IFFUSION\u0020RESTREINTE", "t": "TR\u00c8S SECRET D\u00c9FENSE \ud83d\ude00", "u": "a\/b\nc\"d\\"}"#).unwrap();
        assert_eq!(
            text,
            "body\nDIFFUSION RESTREINTE\nt\nTRÈS SECRET DÉFENSE 😀\nu\na/b\nc\"d\\\n"
        );
    }

    #[test]
    fn prose_is_a_line_of_its_own_tokens_stay_with_their_key() {
        let text = read(r#"[{"type":"m.room.message","content":{"msgtype":"m.text","body":"CONFIDENTIEL D\u00c9FENSE"}},{"password":"Tr0ub4dor&3","pin":4242,"ok":true,"n":null,"list":[1,"deux mots",[]]}]"#).unwrap();
        assert_eq!(
            text,
            "type: m.room.message\ncontent\nmsgtype: m.text\nbody\nCONFIDENTIEL DÉFENSE\n\
             password: Tr0ub4dor&3\npin: 4242\nlist\ndeux mots\n"
        );
    }

    #[test]
    fn json_lines_are_json() {
        let text = read("{\"a\": \"x y\"}\n{\"b\": \"z\"}\n").unwrap();
        assert_eq!(text, "a\nx y\nb: z\n");
    }

    #[test]
    fn what_is_not_json_is_refused() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "[\"\\u00\"]",
            "[\"\\x41\"]",
            "[\"unterminated",
            "[\"\\",
            "[1] Introduction",
            "{\"a\": 1} {",
            "[01.]",
            "[tru]",
            "{\"a\": 1]",
        ] {
            assert!(
                matches!(read(bad), Err(NotJson::Invalid(_))),
                "{bad:?}: {:?}",
                read(bad)
            );
        }
        assert_eq!(read("[\"\\ud83d\"]").unwrap(), "\u{FFFD}\n");
        assert_eq!(read("[\"\\ud83d\\u0041\"]").unwrap(), "\u{FFFD}A\n");
        assert_eq!(read("[-1.5e+3, \"x\"]").unwrap(), "x\n");
    }

    #[test]
    fn depth_and_steps_are_bounded() {
        let deep = "[".repeat(MAX_JSON_DEPTH + 1) + &"]".repeat(MAX_JSON_DEPTH + 1);
        assert_eq!(read(&deep), Err(NotJson::TooDeep));
        let fine = "[".repeat(MAX_JSON_DEPTH) + "\"x\"" + &"]".repeat(MAX_JSON_DEPTH);
        assert_eq!(read(&fine).unwrap(), "x\n");
        let mut left = 100u64;
        let long = format!("[{}0]", "0,".repeat(10_000));
        let stopped = json_text(&long, usize::MAX, &mut |n| {
            left = left.saturating_sub(n);
            left > 0
        });
        assert_eq!(stopped, Err(NotJson::Stopped));
        let (capped, _) = json_text(&"[\"abc\",".repeat(1000), 100, &mut |_| true).unwrap();
        assert!((101..120).contains(&capped.len()), "{}", capped.len());
    }

    #[test]
    fn html_strings_are_read_as_html() {
        let (text, hidden) = json_text(
            r#"{"body": "x", "formatted_body": "<b>DIFF</b><b>USION</b> RESTREINTE<span style=\"display:none\">cach\u00e9</span>", "t": "R&D et fish & chips"}"#,
            usize::MAX,
            &mut |_| true,
        )
        .unwrap();
        assert_eq!(
            text,
            "body: x\nformatted_body\nDIFFUSION RESTREINTE\nt\nR&D et fish & chips\n"
        );
        assert_eq!(hidden, "caché\n");
    }
}
