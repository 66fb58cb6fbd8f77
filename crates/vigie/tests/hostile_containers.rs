//! Containers built by an attacker: zips that zip readers see differently,
//! XML parts with a document type, text with stray bytes, hidden HTML,
//! e-mail label headers, and bombs of parsing work. Each case checks the
//! verdict, the status, the problem codes and the findings, and the bombs
//! their peak memory (dhat counts the heap; the tests of this file take one
//! lock, since they share it) and their work in steps, which do not depend
//! on the machine's speed.

use std::io::Write;
use vigie::report::{Part, ProblemCode, Report};
use vigie::{Scanner, Status, Verdict};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

#[path = "common/heap.rs"]
mod heap;
use heap::{scan_measured, serial};

fn scan(bytes: &[u8], name: &str) -> Report {
    let _serial = serial();
    Scanner::new().scan_bytes(bytes, Some(name))
}

const MB: u64 = 1 << 20;

fn rules(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn has(report: &Report, rule: &str) -> bool {
    report.findings.iter().any(|f| f.rule == rule)
}

fn has_in(report: &Report, rule: &str, part: Part) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule == rule && f.location.part == part)
}

/// A blocked report that is not complete, with a problem of `code` (and
/// only of that kind): partial, or unscannable when nothing could be read.
fn assert_partial(report: &Report, code: ProblemCode) {
    assert_ne!(report.status, Status::Complete, "{report:?}");
    assert_eq!(report.verdict, Verdict::Block, "{report:?}");
    assert!(!report.problems.is_empty(), "{report:?}");
    assert!(
        report.problems.iter().all(|p| p.code == code),
        "expected only {code:?}: {:?}",
        report.problems
    );
}

// ---------------------------------------------------------------- zips

fn crc(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// What a zip header says of an entry.
#[derive(Clone)]
struct Header {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
}

impl Header {
    /// An honest header for `data`, stored (`method` 0) or deflated (8).
    fn honest(name: &str, method: u16, data: &[u8]) -> (Header, Vec<u8>) {
        let stored = if method == 8 {
            deflate(data)
        } else {
            data.to_vec()
        };
        let header = Header {
            name: name.as_bytes().to_vec(),
            flags: 0,
            method,
            crc: crc(data),
            compressed: stored.len() as u32,
            size: data.len() as u32,
        };
        (header, stored)
    }

    fn local(&self) -> Vec<u8> {
        let mut out = b"PK\x03\x04".to_vec();
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        out.extend_from_slice(&self.method.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // time, date
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&self.compressed.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&self.name);
        out
    }

    fn central(&self, offset: u32, comment: &[u8]) -> Vec<u8> {
        let mut out = b"PK\x01\x02".to_vec();
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&self.flags.to_le_bytes());
        out.extend_from_slice(&self.method.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&self.compressed.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 8]); // disk, attributes
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&self.name);
        out.extend_from_slice(comment);
        out
    }
}

fn end_record(entries: u16, directory_size: u32, directory_offset: u32, comment: &[u8]) -> Vec<u8> {
    let mut out = b"PK\x05\x06".to_vec();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
    out.extend_from_slice(comment);
    out
}

/// One entry of a hand-built zip: its local header, what follows it (data,
/// a data descriptor), and its central header.
struct Piece {
    local: Header,
    body: Vec<u8>,
    central: Header,
    comment: Vec<u8>,
}

impl Piece {
    fn honest(name: &str, method: u16, data: &[u8]) -> Piece {
        let (header, body) = Header::honest(name, method, data);
        Piece {
            local: header.clone(),
            body,
            central: header,
            comment: Vec::new(),
        }
    }
}

/// A zip of `pieces`, with an archive comment.
fn zip(pieces: &[Piece], comment: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for piece in pieces {
        offsets.push(out.len() as u32);
        out.extend_from_slice(&piece.local.local());
        out.extend_from_slice(&piece.body);
    }
    let directory = out.len() as u32;
    for (piece, offset) in pieces.iter().zip(offsets) {
        out.extend_from_slice(&piece.central.central(offset, &piece.comment));
    }
    let size = out.len() as u32 - directory;
    out.extend_from_slice(&end_record(pieces.len() as u16, size, directory, comment));
    out
}

const MARKED: &[u8] = "Note de service\nDIFFUSION RESTREINTE\n".as_bytes();

#[test]
fn a_central_directory_that_lies_about_a_size_does_not_hide_the_entry() {
    // The hand-built zips are sound: honest ones read complete.
    for method in [0, 8] {
        let report = scan(
            &zip(&[Piece::honest("note.txt", method, MARKED)], b""),
            "a.zip",
        );
        assert_eq!(report.status, Status::Complete, "{report:?}");
        assert_eq!(rules(&report), ["fr.diffusion-restreinte"]);
    }
    // The central directory says the entry is empty (the CRC of nothing is
    // 0, so the lie checks out); the local header tells the truth.
    for method in [0, 8] {
        let mut piece = Piece::honest("note.txt", method, MARKED);
        piece.central.compressed = 0;
        piece.central.size = 0;
        piece.central.crc = 0;
        let report = scan(&zip(&[piece], b""), "lie.zip");
        assert_partial(&report, ProblemCode::Corrupt);
        assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
    }
    // Or it says the entry is its first line only, with that line's CRC.
    let mut piece = Piece::honest("note.txt", 0, MARKED);
    piece.central.compressed = 16;
    piece.central.size = 16;
    piece.central.crc = crc(&MARKED[..16]);
    let report = scan(&zip(&[piece], b""), "short.zip");
    assert_partial(&report, ProblemCode::Corrupt);
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
}

#[test]
fn a_fake_end_record_in_the_comment_does_not_hide_the_entries() {
    let honest = zip(&[Piece::honest("note.txt", 8, MARKED)], b"");
    // The real end record (22 bytes) gets a comment holding a second end
    // record that points at an empty central directory.
    let mut archive = honest[..honest.len() - 22].to_vec();
    let real_end = archive.len() as u32;
    let fake_at = real_end + 22;
    let fake = end_record(0, 0, fake_at, b"");
    let directory = u32::from_le_bytes(
        honest[honest.len() - 6..honest.len() - 2]
            .try_into()
            .unwrap(),
    );
    let size = real_end - directory;
    archive.extend_from_slice(&end_record(1, size, directory, &fake));
    let report = scan(&archive, "fake-end.zip");
    assert_partial(&report, ProblemCode::Corrupt);
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
}

#[test]
fn a_local_entry_missing_from_the_central_directory_is_read() {
    let hidden = Piece::honest("cache.txt", 0, "TRÈS SECRET DÉFENSE\n".as_bytes());
    let shown = Piece::honest("bonjour.txt", 0, b"Bonjour\n");
    // Two entries in the file, one in the directory.
    let mut archive = hidden.local.local();
    archive.extend_from_slice(&hidden.body);
    let second = archive.len() as u32;
    archive.extend_from_slice(&shown.local.local());
    archive.extend_from_slice(&shown.body);
    let directory = archive.len() as u32;
    let central = shown.central.central(second, b"");
    archive.extend_from_slice(&central);
    archive.extend_from_slice(&end_record(1, central.len() as u32, directory, b""));
    let report = scan(&archive, "unlisted.zip");
    assert_partial(&report, ProblemCode::Corrupt);
    assert!(has(&report, "fr.tres-secret-defense"), "{report:?}");
}

#[test]
fn a_zip_without_a_central_directory_is_read_by_its_local_headers() {
    let honest = zip(&[Piece::honest("note.txt", 8, MARKED)], b"");
    let local_only = &honest[..30 + 8 + deflate(MARKED).len()];
    let report = scan(local_only, "cut.zip");
    assert_partial(&report, ProblemCode::Corrupt);
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
}

/// A stored entry whose sizes are left to a data descriptor, zero in both
/// headers.
fn deferred_stored(data: &[u8], signature: bool) -> Piece {
    let header = Header {
        name: b"note.txt".to_vec(),
        flags: 0x08,
        method: 0,
        crc: 0,
        compressed: 0,
        size: 0,
    };
    let mut body = data.to_vec();
    if signature {
        body.extend_from_slice(b"PK\x07\x08");
    }
    body.extend_from_slice(&crc(data).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Piece {
        local: header.clone(),
        body,
        central: header,
        comment: Vec::new(),
    }
}

#[test]
fn stored_entries_of_unknown_size_are_read_or_reported() {
    let report = scan(&zip(&[deferred_stored(MARKED, true)], b""), "deferred.zip");
    assert_partial(&report, ProblemCode::Corrupt);
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
    // Deflated, its sizes zero in both headers: inflated from its stream.
    let (honest, compressed) = Header::honest("note.txt", 8, MARKED);
    let mut piece = deferred_stored(MARKED, true);
    piece.local.method = 8;
    piece.central.method = 8;
    piece.body = compressed;
    piece.body.extend_from_slice(b"PK\x07\x08");
    piece.body.extend_from_slice(&honest.crc.to_le_bytes());
    piece
        .body
        .extend_from_slice(&honest.compressed.to_le_bytes());
    piece.body.extend_from_slice(&honest.size.to_le_bytes());
    let report = scan(&zip(&[piece], b""), "deferred.zip");
    assert_partial(&report, ProblemCode::Corrupt);
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
    // Without a descriptor signature its end cannot be found: reported.
    let report = scan(&zip(&[deferred_stored(MARKED, false)], b""), "deferred.zip");
    assert_partial(&report, ProblemCode::Corrupt);
}

/// A control for the checks above: the honest archives they must not take
/// for lying ones.
#[test]
fn honest_data_descriptors_and_nested_zips_are_not_corrupt() {
    // A deflated entry written by a streaming writer: sizes in a data
    // descriptor and the central directory, zero in the local header.
    let (honest, body) = Header::honest("note.txt", 8, MARKED);
    let mut local = honest.clone();
    local.flags = 0x08;
    local.crc = 0;
    local.compressed = 0;
    local.size = 0;
    let mut central = honest.clone();
    central.flags = 0x08;
    let mut with_descriptor = body.clone();
    with_descriptor.extend_from_slice(b"PK\x07\x08");
    with_descriptor.extend_from_slice(&honest.crc.to_le_bytes());
    with_descriptor.extend_from_slice(&honest.compressed.to_le_bytes());
    with_descriptor.extend_from_slice(&honest.size.to_le_bytes());
    let streamed = Piece {
        local,
        body: with_descriptor,
        central,
        comment: Vec::new(),
    };
    let report = scan(&zip(&[streamed], b""), "streamed.zip");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert!(has(&report, "fr.diffusion-restreinte"));
    // A stored zip in a zip holds end records and local headers of its own.
    let inner = zip(&[Piece::honest("inner.txt", 0, b"Bonjour")], b"");
    let outer = zip(
        &[
            Piece::honest("inner.zip", 0, &inner),
            Piece::honest("b.txt", 0, b"Salut"),
        ],
        b"",
    );
    let report = scan(&outer, "outer.zip");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(report.verdict, Verdict::Allow);
    // Archives written by the zip crate: stored, deflated, Zip64 extra
    // fields, directories, an archive comment.
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("a.txt", stored).unwrap();
    writer.write_all(b"Bonjour").unwrap();
    writer
        .start_file("b.txt", deflated.large_file(true))
        .unwrap();
    writer.write_all(&b"Salut ".repeat(1000)).unwrap();
    writer.add_directory("dossier/", stored).unwrap();
    writer.start_file("dossier/c.txt", deflated).unwrap();
    writer.write_all(MARKED).unwrap();
    writer.set_comment("Archive du projet").unwrap();
    let archive = writer.finish().unwrap().into_inner();
    let report = scan(&archive, "crate.zip");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"]);
}

#[test]
fn zip_comments_are_read() {
    let report = scan(
        &zip(
            &[Piece::honest("a.txt", 0, b"Bonjour")],
            b"DIFFUSION RESTREINTE",
        ),
        "comment.zip",
    );
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert!(
        has_in(&report, "fr.diffusion-restreinte", Part::Metadata),
        "{report:?}"
    );
    let mut piece = Piece::honest("a.txt", 0, b"Bonjour");
    piece.comment = "TRÈS SECRET DÉFENSE".as_bytes().to_vec();
    let report = scan(&zip(&[piece], b""), "entry-comment.zip");
    assert!(
        has_in(&report, "fr.tres-secret-defense", Part::Metadata),
        "{report:?}"
    );
    let report = scan(
        &zip(
            &[Piece::honest("a.txt", 0, b"Bonjour")],
            b"Archive du projet",
        ),
        "c.zip",
    );
    assert_eq!(report.verdict, Verdict::Allow, "{report:?}");
}

// ------------------------------------------------------- XML with a DTD

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

fn docx(document: &str) -> Vec<u8> {
    zip(
        &[
            Piece::honest("[Content_Types].xml", 8, CONTENT_TYPES),
            Piece::honest("word/document.xml", 8, document.as_bytes()),
        ],
        b"",
    )
}

fn word(body: &str, doctype: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"#
    )
}

#[test]
fn office_parts_with_a_doctype_are_reported() {
    let cases = [
        word(
            "&m;",
            r#"<!DOCTYPE w:document [<!ENTITY m "DIFFUSION RESTREINTE">]>"#,
        ),
        word(
            "&m;",
            r#"<!DOCTYPE w:document SYSTEM "http://attacker.example/m.dtd">"#,
        ),
        word(
            "TRÈS &x; DÉFENSE",
            r#"<!DOCTYPE w:document [<!ENTITY % p "x"><!ENTITY x "SECRET">]>"#,
        ),
    ];
    for document in &cases {
        let report = scan(&docx(document), "dtd.docx");
        assert_partial(&report, ProblemCode::Unsupported);
        assert!(
            report.problems[0].message.contains("document type"),
            "{report:?}"
        );
    }
    // An OpenDocument part too.
    let content = r#"<?xml version="1.0"?><!DOCTYPE office:document-content [<!ENTITY m "DIFFUSION RESTREINTE">]><office:document-content xmlns:office="o" xmlns:text="t"><office:body><text:p>&m;</text:p></office:body></office:document-content>"#;
    let odt = zip(
        &[
            Piece::honest("mimetype", 0, b"application/vnd.oasis.opendocument.text"),
            Piece::honest("content.xml", 8, content.as_bytes()),
        ],
        b"",
    );
    let report = scan(&odt, "dtd.odt");
    assert_partial(&report, ProblemCode::Unsupported);
    // Traps: no document type, and one written as text.
    let report = scan(&docx(&word("DIFFUSION RESTREINTE", "")), "plain.docx");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert!(has(&report, "fr.diffusion-restreinte"));
    let report = scan(
        &docx(&word("&lt;!DOCTYPE html&gt; et &amp;m;", "")),
        "text.docx",
    );
    assert_eq!(
        (report.status, report.verdict),
        (Status::Complete, Verdict::Allow),
        "{report:?}"
    );
}

// ------------------------------------------------------------ encodings

#[test]
fn a_stray_byte_does_not_turn_utf8_text_into_mojibake() {
    let mut text = "TRÈS SECRET DÉFENSE\nCompte rendu de la réunion.\n"
        .as_bytes()
        .to_vec();
    text.push(0xFF);
    let report = scan(&text, "note.txt");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert!(has(&report, "fr.tres-secret-defense"), "{report:?}");
    // Padded with invalid bytes.
    let mut padded = "TRÈS SECRET DÉFENSE\n".as_bytes().to_vec();
    padded.extend(std::iter::repeat_n(0xE9, 200));
    assert!(has(&scan(&padded, "note.txt"), "fr.tres-secret-defense"));
    // Genuine Windows-1252.
    let report = scan(
        b"TR\xC8S SECRET D\xC9FENSE\nR\xE9union du \xAB\xA0comit\xE9\xA0\xBB.\n",
        "note.txt",
    );
    assert!(has(&report, "fr.tres-secret-defense"), "{report:?}");
    let report = scan(b"CONFIDENTIEL D\xC9FENSE\n", "note.txt");
    assert!(has(&report, "fr.confidentiel-defense"), "{report:?}");
}

#[test]
fn stray_controls_leave_text_text_and_binaries_stay_binaries() {
    let report = scan(b"DIFFUSION RESTREINTE\n\0", "note.txt");
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert!(has(&report, "fr.diffusion-restreinte"));
    let mut text = "Note de service.\n".repeat(100).into_bytes();
    text.extend_from_slice(b"\x01\x02\0TLP:RED\n");
    assert!(has(&scan(&text, "note.txt"), "tlp.red"));
    let mut elf = b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 200));
    elf.extend_from_slice(b"DIFFUSION RESTREINTE");
    let report = scan(&elf, "a.out");
    assert_partial(&report, ProblemCode::Unsupported);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let random: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    assert_partial(&scan(&random, "blob"), ProblemCode::Unsupported);
}

// ----------------------------------------------------------------- HTML

/// An e-mail with one HTML body.
fn html_mail(html: &str) -> Vec<u8> {
    format!(
        "From: a@example.fr\r\nTo: b@example.fr\r\nSubject: note\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
    )
    .into_bytes()
}

#[test]
fn html_fragments_and_entities_are_read() {
    for fragment in [
        "<p>DIFFUSION <b>RESTREINTE</b></p>",
        "DIFFUSION&nbsp;RESTREINTE",
        "&#x44;IFFUSION &#82;ESTREINTE",
        "&#68IFFUSION RESTREINTE",
        "DIFFU<!-- x -->SION RESTREINTE",
        "<mx-reply><blockquote>Re</blockquote></mx-reply><strong>DIFFUSION</strong> RESTREINTE",
    ] {
        let report = scan(fragment.as_bytes(), "message.html");
        assert_eq!(report.verdict, Verdict::Block, "{fragment}: {report:?}");
        assert!(
            has(&report, "fr.diffusion-restreinte"),
            "{fragment}: {report:?}"
        );
    }
    let report = scan("TR&Egrave;S SECRET D&Eacute;FENSE".as_bytes(), "m.html");
    assert!(has(&report, "fr.tres-secret-defense"), "{report:?}");
    // Trap: text that only looks like markup.
    let report = scan(b"Vec<String> & R&D: a < b", "code.txt");
    assert_eq!(
        (report.status, report.verdict),
        (Status::Complete, Verdict::Allow)
    );
}

#[test]
fn hidden_html_is_read_as_hidden() {
    // Split by hidden text: the reader sees (and copies) the marking.
    for split in [
        r#"<p>DIFFUSION <span style="display:none">zz</span>RESTREINTE</p>"#,
        r#"<p>DIFFUSION <span style="font-size: 0px">zz</span>RESTREINTE</p>"#,
        r#"<p>DIFFUSION <template>zz</template>RESTREINTE</p>"#,
        r#"<p>DIFFUSION <span hidden>zz</span>RESTREINTE</p>"#,
    ] {
        let report = scan(&html_mail(split), "split.eml");
        assert!(
            has_in(&report, "fr.diffusion-restreinte", Part::Body),
            "{split}: {report:?}"
        );
    }
    // A marking hidden from the reader is found, and said to be hidden.
    for hidden in [
        r#"<p>Bonjour<span style="display:none">DIFFUSION RESTREINTE</span></p>"#,
        r#"<p>Bonjour<div style="visibility:hidden"><b>TRÈS SECRET</b> <i>DÉFENSE</i></div></p>"#,
        r#"<p>Bonjour</p><!-- DIFFUSION RESTREINTE -->"#,
    ] {
        let report = scan(&html_mail(hidden), "hidden.eml");
        assert_eq!(report.verdict, Verdict::Block, "{hidden}: {report:?}");
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.location.part == Part::Hidden),
            "{hidden}: {report:?}"
        );
    }
    // A standalone page: found (as hidden once the dispatcher reads text
    // formats through `text::extract`).
    let report = scan(
        br#"<html><body><p>Bonjour</p><p style="display:none">DIFFUSION RESTREINTE</p></body></html>"#,
        "page.html",
    );
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
}

#[test]
fn rtf_properties_are_read() {
    let rtf = br"{\rtf1\ansi{\info{\title DIFFUSION RESTREINTE}{\author Jean}}\pard Bonjour\par}";
    let report = scan(rtf, "note.rtf");
    assert_eq!(report.verdict, Verdict::Block, "{report:?}");
    assert!(has(&report, "fr.diffusion-restreinte"), "{report:?}");
    let report = scan(
        br"{\rtf1 Bonjour {\v TR\'c8S SECRET D\'c9FENSE}}",
        "note.rtf",
    );
    assert!(has(&report, "fr.tres-secret-defense"), "{report:?}");
}

// --------------------------------------------------------- mail headers

fn mail_with(headers: &str) -> Vec<u8> {
    format!(
        "From: a@example.fr\r\nTo: b@example.fr\r\nSubject: point\r\n{headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici la note.\r\n"
    )
    .into_bytes()
}

#[test]
fn label_headers_are_read_as_labels() {
    let cases = [
        (
            "X-Classification: DIFFUSION RESTREINTE\r\n",
            "fr.diffusion-restreinte",
        ),
        (
            "Classification: TRES SECRET DEFENSE\r\n",
            "fr.tres-secret-defense",
        ),
        ("X-Protective-Marking: RESTREINT UE\r\n", "eu.restreint"),
        (
            "X-Classification: =?UTF-8?B?VFLDiFMgU0VDUkVUIETDiUZFTlNF?=\r\n",
            "fr.tres-secret-defense",
        ),
        (
            "msip_labels: MSIP_Label_0b1c2d3e-1111-2222-3333-444455556666_Enabled=true;\r\n MSIP_Label_0b1c2d3e-1111-2222-3333-444455556666_Name=Diffusion Restreinte;\r\n MSIP_Label_0b1c2d3e-1111-2222-3333-444455556666_SiteId=abc;\r\n",
            "fr.diffusion-restreinte",
        ),
        (
            "MSIP_Label_0b1c2d3e_Name: =?iso-8859-1?Q?Tr=E8s_Secret_D=E9fense?=\r\n",
            "fr.tres-secret-defense",
        ),
        ("X-Sensitivity: TLP:RED\r\n", "tlp.red"),
    ];
    for (headers, rule) in cases {
        let report = scan(&mail_with(headers), "m.eml");
        assert_eq!(report.verdict, Verdict::Block, "{headers}: {report:?}");
        assert!(has_in(&report, rule, Part::Label), "{headers}: {report:?}");
    }
    let report = scan(
        &mail_with("Keywords: projet, DIFFUSION RESTREINTE\r\n"),
        "m.eml",
    );
    assert!(
        has_in(&report, "fr.diffusion-restreinte", Part::Metadata),
        "{report:?}"
    );
    // Traps.
    for headers in [
        "Sensitivity: Personal\r\n",
        "Sensitivity: Company-Confidential\r\n",
        "X-Classification: NON PROTÉGÉ\r\n",
        "Keywords: budget\r\n",
    ] {
        let report = scan(&mail_with(headers), "m.eml");
        assert_eq!(report.verdict, Verdict::Allow, "{headers}: {report:?}");
    }
}

// ---------------------------------------------------------------- bombs

#[test]
fn many_empty_scripts_are_read_in_linear_work_and_bounded_memory() {
    let scripts = 400_000;
    let body = "<script></script>".repeat(scripts) + "<p>DIFFUSION RESTREINTE</p>";
    // Work proportional to the size: complete within three steps a tag.
    let policy = format!("[limits]\nmax_steps = {}", 3 * 2 * scripts + 1000);
    let (report, peak) = scan_measured(&policy, &html_mail(&body), "bomb.eml");
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
    assert!(has(&report, "fr.diffusion-restreinte"));
    assert!(peak < 128 * MB, "peak heap {peak}");
    // And stopped by a smaller step limit, with a limit problem.
    let (report, peak) = scan_measured(
        "[limits]\nmax_steps = 100000",
        &html_mail(&body),
        "bomb.eml",
    );
    assert_partial(&report, ProblemCode::Limit);
    assert!(report.problems[0].message.contains("steps"), "{report:?}");
    assert!(peak < 128 * MB, "peak heap {peak}");
}

#[test]
fn a_standalone_script_bomb_is_read_in_bounded_memory() {
    let body = "<html><body>".to_string() + &"<SCRIPT></Script>".repeat(400_000) + "<p>TLP:RED</p>";
    let (report, peak) = scan_measured("", body.as_bytes(), "bomb.html");
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
    assert!(has(&report, "tlp.red"));
    assert!(peak < 128 * MB, "peak heap {peak}");
}

#[test]
fn zip_entries_count_steps() {
    let pieces: Vec<Piece> = (0..3000)
        .map(|i| Piece::honest(&format!("{i}.txt"), 0, b""))
        .collect();
    let (report, peak) =
        scan_measured("[limits]\nmax_steps = 2000", &zip(&pieces, b""), "many.zip");
    assert_partial(&report, ProblemCode::Limit);
    assert!(report.problems[0].message.contains("steps"), "{report:?}");
    assert!(peak < 128 * MB, "peak heap {peak}");
}

#[test]
fn office_xml_events_count_steps() {
    let document =
        word("x", "").replace("<w:body>", &format!("<w:body>{}", "<w:p/>".repeat(200_000)));
    let (report, peak) = scan_measured("[limits]\nmax_steps = 50000", &docx(&document), "big.docx");
    assert_partial(&report, ProblemCode::Limit);
    assert!(peak < 256 * MB, "peak heap {peak}");
    let (report, _) = scan_measured("[limits]\nmax_steps = 500000", &docx(&document), "big.docx");
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
}

#[test]
fn mime_parts_count_steps() {
    let mut message = String::from(
        "From: a@example.fr\r\nTo: b@example.fr\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    for _ in 0..3000 {
        message.push_str("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n");
    }
    message.push_str("--b--\r\n");
    let (report, peak) = scan_measured(
        "[limits]\nmax_steps = 1000",
        message.as_bytes(),
        "parts.eml",
    );
    assert_partial(&report, ProblemCode::Limit);
    assert!(peak < 256 * MB, "peak heap {peak}");
}

#[test]
fn unlisted_streams_of_unknown_size_draw_from_the_inflation_budget() {
    // Fifty deflated entries of 4 MiB of zeros, sizes in data descriptors,
    // none in the central directory: the walk inflates them to find where
    // each ends, within the scan's inflated-bytes limit.
    let zeros = vec![0u8; 4 << 20];
    let compressed = deflate(&zeros);
    let mut archive = Vec::new();
    for i in 0..50 {
        let header = Header {
            name: format!("{i}.bin").into_bytes(),
            flags: 0x08,
            method: 8,
            crc: 0,
            compressed: 0,
            size: 0,
        };
        archive.extend_from_slice(&header.local());
        archive.extend_from_slice(&compressed);
        archive.extend_from_slice(b"PK\x07\x08");
        archive.extend_from_slice(&crc(&zeros).to_le_bytes());
        archive.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
        archive.extend_from_slice(&(zeros.len() as u32).to_le_bytes());
    }
    let directory = archive.len() as u32;
    archive.extend_from_slice(&end_record(0, 0, directory, b""));
    let policy = "[limits]\nmax_inflated_bytes = 20000000";
    let (report, peak) = scan_measured(policy, &archive, "streams.zip");
    assert_ne!(report.status, Status::Complete, "{report:?}");
    assert_eq!(report.verdict, Verdict::Block);
    assert!(
        report.problems.iter().any(|p| p.code == ProblemCode::Limit),
        "{:?}",
        report.problems
    );
    assert!(peak < 128 * MB, "peak heap {peak}");
}

#[test]
fn inflating_an_entry_is_counted_in_steps_while_it_runs() {
    // Eight megabytes of blank lines: under every size cap, but 128 chunks
    // of inflation. With room for 40 steps, the entry is stopped while it
    // inflates; with the default budget it is read.
    let mut data = vec![b'\n'; 8 << 20];
    data.extend_from_slice(MARKED);
    let archive = zip(&[Piece::honest("zeros.txt", 8, &data)], b"");
    let policy = vigie::Policy::from_toml("[limits]\nmax_steps = 40", "<test>").unwrap();
    let tight = Scanner::builder().policy(policy).build().unwrap();
    let report = tight.scan_bytes(&archive, Some("zeros.zip"));
    assert_ne!(report.status, Status::Complete, "{report:?}");
    assert!(
        report.problems.iter().any(|p| p.code == ProblemCode::Limit
            && p.message
                .starts_with("zeros.zip/zeros.txt: more than 40 steps")),
        "{:?}",
        report.problems
    );
    assert_eq!(report.verdict, Verdict::Block);
    let read = scan(&archive, "zeros.zip");
    assert_eq!(read.status, Status::Complete, "{:?}", read.problems);
    assert_eq!(rules(&read), ["fr.diffusion-restreinte"]);
}

#[test]
fn the_same_archive_always_gets_the_same_problems() {
    // Found by the zip fuzzer: entries the local-header walk does not reach
    // were compared in a hash map's order, which changes from one map to the
    // next, so two scans of one archive named different entries.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/regressions/zip/entries-beyond-the-walk-compared-in-hash-order"
    );
    let archive = std::fs::read(path).unwrap();
    let first = scan(&archive, "fuzzed.zip");
    assert!(!first.problems.is_empty(), "{first:?}");
    for _ in 0..16 {
        assert_eq!(scan(&archive, "fuzzed.zip").problems, first.problems);
    }
}
