//! E-mail messages (RFC 5322 with MIME): the subject and other descriptive
//! headers as metadata, the headers that carry a classification or a
//! sensitivity label (`X-Classification`, `Sensitivity`, Outlook's
//! `msip_labels`, ...) as labels, encoded words (RFC 2047) decoded (the
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
    headers(ex, &message.headers, path);
    let mut attachment = 0;
    part(ex, &message, path, depth, 0, &mut attachment);
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
            let value = header.get_value();
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
            ex.push(header.get_value(), Part::Metadata, None, path);
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
        let decoded = match mail.get_body() {
            Ok(decoded) => decoded,
            Err(_) => text::decode(&body),
        };
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
    ex.dispatch(&body, &entry_path, depth + 1);
}
