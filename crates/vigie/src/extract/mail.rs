//! E-mail messages (RFC 5322 with MIME): the subject as metadata (the
//! addresses of the sender and recipients are not scanned: every message has
//! them, and they would make every forwarded e-mail personal data), text and
//! HTML bodies decoded from base64 or quoted-printable, attachments and
//! attached messages handed back to the dispatcher.

use mailparse::{DispositionType, ParsedMail};

use super::{Extractor, child, located, text};
use crate::report::{Part, ProblemCode};

/// How deep MIME parts may nest inside one message.
const MAX_MIME_DEPTH: usize = 32;

/// Reads the message in `bytes`, found at `path`.
pub(super) fn extract(ex: &mut Extractor, bytes: &[u8], path: &[String], depth: u32) {
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
    for header in &message.headers {
        if header.get_key().eq_ignore_ascii_case("Subject") {
            ex.push(header.get_value(), Part::Metadata, None, path);
        }
    }
    let mut attachment = 0;
    part(ex, &message, path, depth, 0, &mut attachment);
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
        let decoded = match mail.get_body() {
            Ok(decoded) => decoded,
            Err(_) => text::decode(&body),
        };
        let content = if mimetype == "text/html" {
            text::html_to_text(&decoded)
        } else {
            decoded
        };
        ex.push(content, Part::Body, None, path);
        return;
    }
    *attachment += 1;
    let name = disposition
        .params
        .get("filename")
        .or_else(|| mail.ctype.params.get("name"))
        .cloned()
        .unwrap_or_else(|| format!("attachment-{attachment}"));
    ex.dispatch(&body, &child(path, &name), depth + 1);
}
