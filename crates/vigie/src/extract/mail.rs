//! E-mail messages (RFC 5322 with MIME): the subject and other descriptive
//! headers as metadata, the headers that carry a classification or a
//! sensitivity label (`X-Classification`, `Sensitivity`, Outlook's
//! `msip_labels`, ...) as labels, encoded words (RFC 2047) decoded (the
//! addresses of the sender and recipients are not scanned: every message has
//! them, and they would make every forwarded e-mail personal data), text and
//! HTML bodies decoded from base64 or quoted-printable and then from their
//! declared charset, in every part, attachments and attached messages
//! handed back to the dispatcher.
//!
//! Text is never dropped for its encoding: a charset vigie does not know, or
//! bytes that are not valid in the declared one, are read as text files are
//! (UTF-8, and Windows-1252 for what is not), and an unknown charset is a
//! problem.

use charset::Charset;
use mailparse::{DispositionType, ParsedMail};

use super::{Extractor, child, located, text};
use crate::report::{Part, ProblemCode};

/// How deep MIME parts may nest inside one message.
const MAX_MIME_DEPTH: usize = 32;

/// Reads the message in `bytes`, found at `path`.
pub(super) fn extract(ex: &mut Extractor, bytes: &[u8], path: &[String], depth: u32) {
    if !ex.step(bytes.len() as u64 / 4096, path) {
        return;
    }
    if word_search_cost(bytes) > MAX_WORD_SEARCH {
        // The header parser's encoded-word search costs the square of a
        // line's length: such a message is read as plain text, and said so.
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                "e-mail with lines of thousands of encoded-word markers (=?): read as plain text",
            ),
        );
        ex.push(text::decode(bytes), Part::Body, None, path);
        return;
    }
    let message = match mailparse::parse_mail(bytes) {
        Ok(message) => message,
        Err(error) => {
            ex.problem(
                ProblemCode::Corrupt,
                located(path, &format!("damaged e-mail ({error})")),
            );
            return;
        }
    };
    headers(ex, &message.headers, path);
    let mut attachment = 0;
    part(ex, &message, path, depth, 0, &mut attachment);
}

/// How much searching the header parser may do for encoded words: the sum,
/// over each `=?` and `?=`, of its offset in its line (see
/// [`word_search_cost`]). Real messages are far below: header lines are
/// short.
const MAX_WORD_SEARCH: u64 = 1 << 26;

/// What the header parser (mailparse) would spend on the encoded words of
/// `bytes`: it looks up a character by its index from the start of the line
/// at each `=?` and `?=`, so a line of a million markers costs 10^12 steps.
/// Computed in one linear pass.
fn word_search_cost(bytes: &[u8]) -> u64 {
    let mut cost = 0u64;
    let mut line_start = 0usize;
    let mut i = 0usize;
    let mut rest = bytes;
    // Only bytes near a `?` matter: jump from one to the next.
    while let Some(found) = memchr::memchr2(b'?', b'\n', rest) {
        i += found;
        if bytes[i] == b'\n' {
            line_start = i + 1;
        } else {
            let before = i.checked_sub(1).and_then(|j| bytes.get(j)) == Some(&b'=');
            let after = bytes.get(i + 1) == Some(&b'=');
            if before || after {
                cost = cost.saturating_add((i - line_start) as u64);
            }
        }
        i += 1;
        rest = bytes.get(i..).unwrap_or(&[]);
    }
    cost
}

/// A header's value as text: unfolded, bytes that are not UTF-8 read as
/// Windows-1252, encoded words decoded. (Not mailparse's `get_value`, whose
/// cost is the square of the value's length.)
fn header_value(ex: &mut Extractor, header: &mailparse::MailHeader<'_>, path: &[String]) -> String {
    let mut value = text::decode(header.get_value_raw());
    value.retain(|c| c != '\r' && c != '\n');
    decode_words(ex, value, path)
}

/// Headers whose value is free text describing the message.
const METADATA_HEADERS: &[&str] = &[
    "subject",
    "keywords",
    "x-keywords",
    "comments",
    "thread-topic",
    "summary",
    "content-description",
    "sensitivity",
];

/// Whether a header carries a classification, a protective marking or a
/// sensitivity label: `X-Classification`, `Classification`,
/// `X-Protective-Marking`, `Sensitivity`, `X-Sensitivity`,
/// `X-Security-Label`, `msip_labels`, `MSIP_Label_<GUID>_Name`, and their
/// variants.
fn is_label_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // Outlook's own `Sensitivity` (RFC 2156: Personal, Private,
    // Company-Confidential) is a user's flag, not a protective marking:
    // read as metadata, so that "Company-Confidential" is not taken for a
    // CONFIDENTIAL banner.
    if name == "sensitivity" {
        return false;
    }
    [
        "classification",
        "sensitivity",
        "protective-marking",
        "security-label",
        "msip_label",
    ]
    .iter()
    .any(|word| name.contains(word))
        || matches!(name.as_str(), "x-marking" | "x-label" | "x-tlp" | "tlp")
}

/// Reads the headers of a message or a MIME part: labels as
/// [`Part::Label`], descriptive ones as [`Part::Metadata`].
fn headers(ex: &mut Extractor, headers: &[mailparse::MailHeader<'_>], path: &[String]) {
    for header in headers {
        if !ex.step(1, path) {
            return;
        }
        let key = header.get_key_ref();
        if is_label_header(&key) {
            let value = header_value(ex, header, path);
            if key.eq_ignore_ascii_case("msip_labels") {
                msip_labels(ex, &value, path);
            } else if key.to_ascii_lowercase().starts_with("msip_label_")
                && !key.to_ascii_lowercase().ends_with("_name")
            {
                ex.push(format!("{key}: {value}"), Part::Metadata, None, path);
            } else {
                ex.push(value, Part::Label, None, path);
            }
        } else if METADATA_HEADERS.iter().any(|h| key.eq_ignore_ascii_case(h)) {
            let value = header_value(ex, header, path);
            ex.push(value, Part::Metadata, None, path);
        }
    }
}

/// Outlook's `msip_labels` header: `MSIP_Label_<GUID>_Name=Diffusion
/// Restreinte; MSIP_Label_<GUID>_Enabled=true; ...`. Label names are
/// labels; the other properties are metadata.
fn msip_labels(ex: &mut Extractor, value: &str, path: &[String]) {
    let mut metadata = String::new();
    for property in value.split(';') {
        let Some((name, label)) = property.split_once('=') else {
            metadata.push_str(property.trim());
            metadata.push('\n');
            continue;
        };
        let name = name.trim();
        if name.to_ascii_lowercase().ends_with("_name") {
            ex.push(label.trim().to_string(), Part::Label, None, path);
        } else {
            metadata.push_str(name);
            metadata.push_str(": ");
            metadata.push_str(label.trim());
            metadata.push('\n');
        }
    }
    ex.push(metadata, Part::Metadata, None, path);
}

fn part(
    ex: &mut Extractor,
    mail: &ParsedMail<'_>,
    path: &[String],
    depth: u32,
    nesting: usize,
    attachment: &mut u32,
) {
    if nesting > MAX_MIME_DEPTH {
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                "MIME parts nested too deep; the inner ones were not read",
            ),
        );
        return;
    }
    if !ex.step(1, path) {
        return;
    }
    if nesting > 0 {
        headers(ex, &mail.headers, path);
    }
    if !mail.subparts.is_empty() {
        for sub in &mail.subparts {
            part(ex, sub, path, depth, nesting + 1, attachment);
        }
        return;
    }
    let disposition = mail.get_content_disposition();
    let mimetype = mail.ctype.mimetype.to_ascii_lowercase();
    let body = match mail.get_body_raw() {
        Ok(body) => body,
        Err(error) => {
            ex.problem(
                ProblemCode::Corrupt,
                located(path, &format!("undecodable MIME part ({error})")),
            );
            return;
        }
    };
    if let Err(exceeded) = ex.budget().inflate(body.len() as u64) {
        ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
        return;
    }
    let inline_text = disposition.disposition != DispositionType::Attachment
        && (mimetype == "text/plain" || mimetype == "text/html");
    if inline_text {
        let decoded = body_text(ex, mail, &body, path);
        if mimetype == "text/html" {
            text::extract_html(ex, &decoded, path);
        } else {
            ex.push(decoded, Part::Body, None, path);
        }
        return;
    }
    *attachment += 1;
    let name = disposition
        .params
        .get("filename")
        .or_else(|| mail.ctype.params.get("name"))
        .cloned()
        .unwrap_or_else(|| format!("attachment-{attachment}"));
    let entry_path = child(path, &name);
    if mimetype == "message/rfc822" || mimetype == "message/global" {
        // An attached message is read as one, whatever its first lines
        // look like to the sniffer.
        let allowed = ex
            .budget()
            .depth(depth + 1)
            .and_then(|()| ex.budget().time());
        match allowed {
            Ok(()) => extract(ex, &body, &entry_path, depth + 1),
            Err(exceeded) => ex.problem(ProblemCode::Limit, located(&entry_path, &exceeded.0)),
        }
        return;
    }
    // A text attachment in a declared charset is handed on as UTF-8, so
    // that the sniffer and the text readers see its characters.
    let transcoded = mimetype.starts_with("text/")
        && declared_charset(mail).is_some_and(|label| {
            Charset::for_label_no_replacement(label.as_bytes())
                .is_some_and(|c| c.name() != "UTF-8" && c.name() != "windows-1252")
        });
    if transcoded {
        let decoded = body_text(ex, mail, &body, &entry_path);
        ex.dispatch(decoded.as_bytes(), &entry_path, depth + 1);
    } else {
        ex.dispatch(&body, &entry_path, depth + 1);
    }
}

/// The charset a part declares, if any.
fn declared_charset<'a>(mail: &'a ParsedMail<'_>) -> Option<&'a str> {
    mail.ctype
        .params
        .get("charset")
        .map(|label| label.trim())
        .filter(|label| !label.is_empty())
}

/// A label as a problem message shows it: at most 40 characters, printable.
fn shown_label(label: &str) -> String {
    label
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The text of a part's `body` (already decoded from its transfer
/// encoding), read in its declared charset. No charset, a charset vigie
/// does not know (a problem) and UTF-8 that is not valid are read as text
/// files are; bytes not valid in another declared charset are replaced and
/// reported.
fn body_text(ex: &mut Extractor, mail: &ParsedMail<'_>, body: &[u8], path: &[String]) -> String {
    let Some(label) = declared_charset(mail) else {
        return text::decode(body);
    };
    let Some(charset) = Charset::for_label_no_replacement(label.as_bytes()) else {
        ex.problem(
            ProblemCode::Unsupported,
            located(
                path,
                &format!(
                    "text in an unknown charset ({}), read as UTF-8 or Windows-1252",
                    shown_label(label)
                ),
            ),
        );
        return text::decode(body);
    };
    let (decoded, malformed) = charset.decode_without_bom_handling(body);
    if !malformed {
        return decoded.into_owned();
    }
    if charset.name() == "UTF-8" {
        // A Windows-1252 byte in a part said to be UTF-8: one character, as
        // in a text file, not U+FFFD.
        return text::decode(body);
    }
    ex.problem(
        ProblemCode::Corrupt,
        located(
            path,
            &format!(
                "text not valid in its declared charset ({}); what is not was not decoded",
                charset.name()
            ),
        ),
    );
    decoded.into_owned()
}

/// How long one encoded word may be (RFC 2047 says 75; some mailers write
/// longer ones). Each `=?` looks this far at most.
const MAX_ENCODED_WORD: usize = 512;

/// Decodes the encoded words (`=?charset?Q?...?=`, `=?charset?B?...?=`) of
/// a header's value: those in a charset vigie does not know are read as
/// text files are, and reported once per header; words not set apart by
/// white space are decoded too (mail clients do). White space between two
/// encoded words is dropped, as RFC 2047 says.
fn decode_words(ex: &mut Extractor, value: String, path: &[String]) -> String {
    if !value.contains("=?") {
        return value;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value.as_str();
    // Whether the last thing written was an encoded word (the white space
    // between two is dropped).
    let mut after_word = false;
    // An unknown charset is reported once per header.
    let mut reported = false;
    while let Some(start) = rest.find("=?") {
        if !ex.step(1, path) {
            break;
        }
        let (before, word) = rest.split_at(start);
        if !(after_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        match encoded_word(word) {
            Some((decoded, length, known)) => {
                if !known && !reported {
                    reported = true;
                    let label = word
                        .get(2..)
                        .and_then(|w| w.split('?').next())
                        .unwrap_or("");
                    ex.problem(
                        ProblemCode::Unsupported,
                        located(
                            path,
                            &format!(
                                "header in an unknown charset ({}), read as UTF-8 or Windows-1252",
                                shown_label(label)
                            ),
                        ),
                    );
                }
                out.push_str(&decoded);
                after_word = true;
                rest = word.get(length..).unwrap_or("");
            }
            None => {
                out.push_str("=?");
                after_word = false;
                rest = word.get(2..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The encoded word at the start of `word`: its text, the bytes it took,
/// and whether its charset is known.
fn encoded_word(word: &str) -> Option<(String, usize, bool)> {
    let inner = word.get(2..)?;
    let window = inner.get(..crate::chars::floor_char_boundary(inner, MAX_ENCODED_WORD))?;
    let mut fields = window.splitn(3, '?');
    let label = fields.next()?;
    let encoding = fields.next()?;
    let tail = fields.next()?;
    let end = tail.find("?=")?;
    let payload = tail.get(..end)?;
    if label.is_empty()
        || label.contains(char::is_whitespace)
        || payload.contains(char::is_whitespace)
    {
        return None;
    }
    let bytes = match encoding {
        "Q" | "q" => q_decode(payload),
        "B" | "b" => crate::base64::decode(payload)?,
        _ => return None,
    };
    let length = 2 + label.len() + 1 + encoding.len() + 1 + end + 2;
    // RFC 2231 adds a language: `utf-8*fr`.
    let label = label.split('*').next().unwrap_or(label);
    match Charset::for_label_no_replacement(label.as_bytes()) {
        Some(charset) => {
            let (decoded, malformed) = charset.decode_without_bom_handling(&bytes);
            let decoded = if malformed && charset.name() == "UTF-8" {
                text::decode(&bytes)
            } else {
                decoded.into_owned()
            };
            Some((decoded, length, true))
        }
        None => Some((text::decode(&bytes), length, false)),
    }
}

/// The bytes of a `Q` encoded word: `_` is a space, `=XX` a byte.
fn q_decode(payload: &str) -> Vec<u8> {
    let bytes = payload.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let byte = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = byte {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Extraction, Extractor};
    use crate::report::{Part, ProblemCode};

    fn read(message: &str) -> Extraction {
        let mut ex = Extractor::new(super::super::Context::new(crate::budget::Limits::default()));
        super::extract(&mut ex, message.as_bytes(), &["m.eml".to_string()], 1);
        ex.finish()
    }

    fn texts(out: &Extraction, part: Part) -> Vec<String> {
        out.segments
            .iter()
            .filter(|s| s.part == part)
            .map(|s| s.text.trim().to_string())
            .collect()
    }

    const HEAD: &str = "From: a@example.fr\r\nTo: b@example.fr\r\nMIME-Version: 1.0\r\n";

    #[test]
    fn bodies_are_decoded_from_their_charset() {
        let qp = format!(
            "{HEAD}Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCONFIDENTIEL D=C9FENSE, pi=E8ce jointe =\r\nsuit.\r\n"
        );
        let out = read(&qp);
        assert_eq!(
            texts(&out, Part::Body),
            ["CONFIDENTIEL DÉFENSE, pièce jointe suit."]
        );
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        // Base64 of Windows-1252 "TRÈS SECRET DÉFENSE – note".
        let b64 = format!(
            "{HEAD}Subject: x\r\nContent-Type: text/plain; charset=\"windows-1252\"\r\nContent-Transfer-Encoding: base64\r\n\r\nVFLIUyBTRUNSRVQgRMlGRU5TRSCWIG5vdGU=\r\n"
        );
        assert_eq!(
            texts(&read(&b64), Part::Body),
            ["TRÈS SECRET DÉFENSE – note"]
        );
        let iso15 = format!(
            "{HEAD}Content-Type: text/plain; charset=ISO-8859-15\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCo=FBt : 10 =A4, C=BDur\r\n"
        );
        assert_eq!(texts(&read(&iso15), Part::Body), ["Coût : 10 €, Cœur"]);
    }

    #[test]
    fn wrong_and_unknown_charsets_lose_no_text() {
        // Said to be UTF-8, written in Windows-1252.
        let wrong = format!(
            "{HEAD}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCONFIDENTIEL D=C9FENSE\r\n"
        );
        let out = read(&wrong);
        assert_eq!(texts(&out, Part::Body), ["CONFIDENTIEL DÉFENSE"]);
        assert!(out.problems.is_empty());
        let unknown = format!(
            "{HEAD}Content-Type: text/plain; charset=x-vigie-unknown\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nDIFFUSION RESTREINTE D=C9FENSE\r\n"
        );
        let out = read(&unknown);
        assert_eq!(texts(&out, Part::Body), ["DIFFUSION RESTREINTE DÉFENSE"]);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].code, ProblemCode::Unsupported);
        assert!(out.problems[0].message.contains("x-vigie-unknown"));
    }

    #[test]
    fn encoded_words_are_decoded_in_every_header() {
        let message = format!(
            "{HEAD}Subject: =?iso-8859-1?Q?Diffusion_Restreinte_:_r=E9union?=\r\nThread-Topic: =?utf-8?B?Q09ORklERU5USUVMIETDiUZFTlNF?=\r\nKeywords: =?x-unknown?Q?TR=C8S_SECRET?= =?x-unknown?Q?_D=C9FENSE?=\r\nComments: R&D=?utf-8?Q?_NATO_SECRET?=\r\nContent-Type: text/plain\r\n\r\nBonjour\r\n"
        );
        let out = read(&message);
        assert_eq!(
            texts(&out, Part::Metadata),
            [
                "Diffusion Restreinte : réunion",
                "CONFIDENTIEL DÉFENSE",
                "TRÈS SECRET DÉFENSE",
                "R&D NATO SECRET"
            ]
        );
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(
            out.problems
                .iter()
                .all(|p| p.code == ProblemCode::Unsupported)
        );
    }

    #[test]
    fn every_part_is_read_forwarded_messages_too() {
        let inner = "From: c@example.fr\r\nTo: a@example.fr\r\nSubject: =?utf-8?Q?Note_=C3=A0_diffusion_restreinte?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nTR=C8S SECRET D=C9FENSE\r\n";
        let message = format!(
            "{HEAD}Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nVm9pciBsZSBtZXNzYWdlIGNpLWRlc3NvdXMu\r\n--a\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Voir le message ci-dessous, r=E9f=E9rence</p>\r\n--a--\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n{inner}--o--\r\n"
        );
        let out = read(&message);
        let body = texts(&out, Part::Body);
        assert_eq!(
            body,
            [
                "Voir le message ci-dessous.",
                "Voir le message ci-dessous, référence",
                "TRÈS SECRET DÉFENSE"
            ]
        );
        assert!(texts(&out, Part::Metadata).contains(&"Note à diffusion restreinte".to_string()));
        assert!(out.segments.last().unwrap().path.len() == 2);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    #[test]
    fn hostile_encodings_are_bounded() {
        // A huge base64 line, damaged base64, a charset label of 10 kB, an
        // unterminated encoded word, a `=?` run.
        let huge = "QUJD".repeat(500_000);
        let message = format!(
            "{HEAD}Subject: =?utf-8?Q?{}\r\nKeywords: {}\r\nContent-Type: text/plain; charset={}\r\nContent-Transfer-Encoding: base64\r\n\r\n{huge}\r\n",
            "A".repeat(10_000),
            "=?".repeat(1_000),
            "x".repeat(10_000)
        );
        let out = read(&message);
        assert_eq!(
            out.segments
                .iter()
                .find(|s| s.part == Part::Body)
                .unwrap()
                .text
                .len(),
            1_500_000
        );
        assert!(out.problems.iter().all(|p| p.message.len() < 300));
        let damaged = format!(
            "{HEAD}Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!*** not base64 ***\r\n"
        );
        let out = read(&damaged);
        assert!(
            out.problems.iter().any(|p| p.code == ProblemCode::Corrupt) || !out.segments.is_empty()
        );
    }
}
