//! Content that vigie used to pass over without reading it, or read in
//! time that grew faster than the input: each case is blocked on the
//! marking it hides, or reported with a problem, and a trap beside it with
//! no marking stays allowed.

use std::io::Write;

use vigie::report::{ProblemCode, Report};
use vigie::{Policy, Scanner, Status, Verdict};

fn scan(bytes: &[u8], name: &str) -> Report {
    Scanner::new().scan_bytes(bytes, Some(name))
}

fn scan_with(policy: &str, bytes: &[u8], name: &str) -> Report {
    let policy = Policy::from_toml(policy, "test").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    scanner.scan_bytes(bytes, Some(name))
}

const MARKING: &str = "DIFFUSION RESTREINTE";

fn marked(report: &Report) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule == "fr.diffusion-restreinte")
}

/// Blocked on the marking.
fn assert_marked(report: &Report) {
    assert_eq!(report.verdict, Verdict::Block, "{report:?}");
    assert!(marked(report), "{report:?}");
}

/// Read in full, nothing found.
fn assert_clean(report: &Report) {
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(report.verdict, Verdict::Allow, "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");
}

/// Blocked, not complete, with a problem of `code` among its problems.
fn assert_problem(report: &Report, code: ProblemCode) {
    assert_eq!(report.verdict, Verdict::Block, "{report:?}");
    assert_ne!(report.status, Status::Complete, "{report:?}");
    assert!(
        report.problems.iter().any(|p| p.code == code),
        "expected {code:?}: {report:?}"
    );
}

/// A zip of `entries`, stored or deflated.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------- html

/// End tags that match no open element cost work bounded by the reach of
/// the search, not by the depth of the stack: 100 000 of them, after
/// 100 000 open elements, finish well inside a few seconds.
#[test]
fn unmatched_end_tags_take_linear_time() {
    let mut html = String::from("<html><body>");
    html.push_str(&"<a>".repeat(100_000));
    html.push_str(&"</b>".repeat(100_000));
    let policy = "[limits]\nmax_milliseconds = 8000";
    let report = scan_with(policy, html.as_bytes(), "deep.html");
    assert_clean(&report);

    let mut marked_html = html.clone();
    marked_html.push_str(MARKING);
    let report = scan_with(policy, marked_html.as_bytes(), "deep.html");
    assert_marked(&report);
    assert_eq!(report.status, Status::Complete, "{report:?}");
}

// ---------------------------------------------------------------- office

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

fn word_document(text: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    )
    .into_bytes()
}

/// A zip with `[Content_Types].xml` is read as an office file; a text
/// entry beside it is read too.
#[test]
fn office_reads_entries_outside_its_known_parts() {
    let secret = format!("Note: {MARKING}\n");
    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("secret.txt", secret.as_bytes()),
        ]),
        "ct.zip",
    );
    assert_marked(&report);

    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("secret.txt", b"Compte rendu de la reunion\n"),
        ]),
        "ct.zip",
    );
    assert_clean(&report);
}

/// A main part under another name than `word/document.xml`.
#[test]
fn office_reads_a_renamed_main_part() {
    let rels: &[u8] = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/main.xml"/></Relationships>"#;
    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", rels),
            ("word/main.xml", &word_document(MARKING)),
        ]),
        "renamed.docx",
    );
    assert_marked(&report);

    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", rels),
            ("word/main.xml", &word_document("Compte rendu")),
            (
                "word/styles.xml",
                b"<w:styles xmlns:w=\"w\"><w:style><w:name w:val=\"Normal\"/></w:style></w:styles>",
            ),
            (
                "word/theme/theme1.xml",
                b"<a:theme xmlns:a=\"a\" name=\"Office\"/>",
            ),
        ]),
        "renamed.docx",
    );
    assert_clean(&report);
}

/// An HTML alternative chunk (`w:altChunk`) is read as HTML.
#[test]
fn office_reads_alternative_chunks() {
    let html = format!("<html><body><p>{MARKING}</p></body></html>");
    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &word_document("Compte rendu")),
            ("word/chunk.htm", html.as_bytes()),
        ]),
        "chunk.docx",
    );
    assert_marked(&report);
    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &word_document("Compte rendu")),
            (
                "word/chunk.htm",
                b"<html><body><p>Ordre du jour</p></body></html>",
            ),
        ]),
        "chunk.docx",
    );
    assert_clean(&report);
}

fn slide_part(root: &str, text: &str) -> Vec<u8> {
    format!(
        r#"<p:{root} xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:{root}>"#
    )
    .into_bytes()
}

/// Text only in a slide master, a chart or a diagram is read.
#[test]
fn office_reads_masters_charts_and_diagrams() {
    let chart = format!(
        r#"<c:chartSpace xmlns:c="c"><c:chart><c:ser><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>{MARKING}</c:v></c:pt></c:strCache></c:strRef></c:tx></c:ser></c:chart></c:chartSpace>"#
    );
    for (name, part) in [
        (
            "ppt/slideMasters/slideMaster1.xml",
            slide_part("sldMaster", MARKING),
        ),
        ("word/charts/chart1.xml", chart.into_bytes()),
        ("ppt/diagrams/data1.xml", slide_part("dataModel", MARKING)),
    ] {
        let report = scan(
            &zip(&[
                ("[Content_Types].xml", CONTENT_TYPES),
                ("ppt/slides/slide1.xml", &slide_part("sld", "Ordre du jour")),
                (name, &part),
            ]),
            "deck.pptx",
        );
        assert_marked(&report);
    }
    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("ppt/slides/slide1.xml", &slide_part("sld", "Ordre du jour")),
            (
                "ppt/slideMasters/slideMaster1.xml",
                &slide_part("sldMaster", "Titre"),
            ),
        ]),
        "deck.pptx",
    );
    assert_clean(&report);
}

fn odf_content(text: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:p>{text}</text:p></office:text></office:body></office:document-content>"#
    )
    .into_bytes()
}

/// An OpenDocument's embedded object (`Object 1/content.xml`) is read.
#[test]
fn odf_reads_embedded_objects() {
    let mimetype: &[u8] = b"application/vnd.oasis.opendocument.text";
    let report = scan(
        &zip(&[
            ("mimetype", mimetype),
            ("content.xml", &odf_content("Compte rendu")),
            ("Object 1/content.xml", &odf_content(MARKING)),
        ]),
        "object.odt",
    );
    assert_marked(&report);
    let report = scan(
        &zip(&[
            ("mimetype", mimetype),
            ("content.xml", &odf_content("Compte rendu")),
            ("Object 1/content.xml", &odf_content("Graphique")),
            (
                "META-INF/manifest.xml",
                b"<manifest:manifest xmlns:manifest=\"m\"/>",
            ),
            (
                "settings.xml",
                b"<office:document-settings xmlns:office=\"o\"/>",
            ),
        ]),
        "object.odt",
    );
    assert_clean(&report);
}

fn sheet(cells: &str) -> Vec<u8> {
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{cells}</row></sheetData></worksheet>"#
    )
    .into_bytes()
}

/// A formula's string result, an inline string's value and an error value
/// are text; a shared-string index and a number are not.
#[test]
fn xlsx_reads_string_results_of_formulas() {
    for cell in [
        format!(r#"<c r="A1" t="str"><f>"{MARKING}"</f><v>{MARKING}</v></c>"#),
        format!(r#"<c r="A1" t="inlineStr"><v>{MARKING}</v></c>"#),
        format!(r#"<c r="A1" t="e"><v>{MARKING}</v></c>"#),
    ] {
        let report = scan(
            &zip(&[
                ("[Content_Types].xml", CONTENT_TYPES),
                ("xl/worksheets/sheet1.xml", &sheet(&cell)),
            ]),
            "book.xlsx",
        );
        assert_marked(&report);
    }
    let cells = r#"<c r="A1" t="str"><f>"Budget"</f><v>Budget</v></c><c r="B1" t="s"><v>0</v></c><c r="C1"><v>42</v></c>"#;
    let report = scan(
        &zip(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("xl/worksheets/sheet1.xml", &sheet(cells)),
        ]),
        "book.xlsx",
    );
    assert_clean(&report);
}

// ---------------------------------------------------------------- rtf

/// A `\uN`'s fallback characters end with their group: the text after the
/// group is read.
#[test]
fn rtf_unicode_fallback_ends_with_its_group() {
    let report = scan(b"{\\rtf1\\ansi {\\u68 }IFFUSION RESTREINTE\\par}", "uc.rtf");
    assert_marked(&report);
    let report = scan(b"{\\rtf1\\ansi {\\u68 }IFFUSION\\par}", "uc.rtf");
    assert_clean(&report);
}

/// `\binN` skips N raw bytes, which may hold braces.
#[test]
fn rtf_binary_data_is_skipped_by_length() {
    let report = scan(
        b"{\\rtf1\\ansi {\\*\\blob\\bin1 {}DIFFUSION RESTREINTE\\par}",
        "bin.rtf",
    );
    assert_marked(&report);
    let report = scan(
        b"{\\rtf1\\ansi {\\*\\blob\\bin1 {}Compte rendu\\par}",
        "bin.rtf",
    );
    assert_clean(&report);
}

/// Text boxes, comments and footnotes are read, though they sit in
/// ignorable destinations.
#[test]
fn rtf_reads_text_boxes_comments_and_footnotes() {
    for rtf in [
        "{\\rtf1\\ansi Texte {\\shp{\\*\\shpinst{\\sp{\\sn fillColor}{\\sv 0}}{\\shptxt DIFFUSION RESTREINTE\\par}}}\\par}",
        "{\\rtf1\\ansi Texte {\\*\\atnid JD}{\\*\\atnauthor Jean}\\chatn{\\*\\annotation{\\*\\atnref 1}DIFFUSION RESTREINTE}\\par}",
        "{\\rtf1\\ansi Texte {\\super\\chftn}{\\*\\footnote\\pard DIFFUSION RESTREINTE\\par}\\par}",
    ] {
        let report = scan(rtf.as_bytes(), "boxes.rtf");
        assert_marked(&report);
    }
    let report = scan(
        b"{\\rtf1\\ansi Texte {\\shp{\\*\\shpinst{\\shptxt Compte rendu\\par}}}\\par}",
        "boxes.rtf",
    );
    assert_clean(&report);
}

/// A picture is reported as not read; an object is reported unless it has
/// a rendered result, which is read.
#[test]
fn rtf_pictures_and_objects_are_reported() {
    let report = scan(
        b"{\\rtf1\\ansi Voir image\\par{\\pict\\pngblip 89504e470d0a1a0a}}",
        "pict.rtf",
    );
    assert_problem(&report, ProblemCode::OcrUnavailable);
    let report = scan(
        b"{\\rtf1\\ansi Objet {\\object\\objemb{\\*\\objdata 0105}}\\par}",
        "object.rtf",
    );
    assert_problem(&report, ProblemCode::Unsupported);
    let report = scan(
        b"{\\rtf1\\ansi Objet {\\object\\objemb{\\*\\objdata 0105}{\\result DIFFUSION RESTREINTE}}\\par}",
        "object.rtf",
    );
    assert_marked(&report);
    assert!(report.problems.is_empty(), "{report:?}");
    let report = scan(
        b"{\\rtf1\\ansi Objet {\\object\\objemb{\\*\\objdata 0105}{\\result Tableau}}\\par}",
        "object.rtf",
    );
    assert_clean(&report);
}

// ---------------------------------------------------------------- sniffing

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// HTML in UTF-16 is read as HTML: an entity-spelt marking is decoded,
/// and markup does not split it.
#[test]
fn utf16_html_is_read_as_html() {
    let html = "<html><body><p>DIFFUSION&nbsp;<b>RESTREINTE</b></p></body></html>";
    let report = scan(&utf16le(html), "page.html");
    assert_marked(&report);
    let report = scan(
        &utf16le("<html><body><p>Compte <b>rendu</b></p></body></html>"),
        "page.html",
    );
    assert_clean(&report);
}

/// An SVG without an XML declaration is XML: its text is read without
/// its tags.
#[test]
fn svg_without_declaration_is_xml() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>DIFFUSION <tspan>RESTREINTE</tspan></text></svg>";
    let report = scan(svg.as_bytes(), "image.svg");
    assert_marked(&report);
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>Plan du site</text></svg>";
    assert_clean(&scan(svg.as_bytes(), "image.svg"));
}

fn padded_mail(body: &str) -> String {
    let mut mail = String::new();
    for i in 0..20 {
        mail.push_str(&format!("X-Filler-{i}: {}\r\n", "y".repeat(200)));
    }
    mail.push_str("From: a@example.fr\r\nTo: b@example.fr\r\nSubject: note\r\n");
    mail.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    mail.push_str(&base64(body.as_bytes()));
    mail.push_str("\r\n");
    mail
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A message whose first header lines are long X- headers is still a
/// message: its base64 body is decoded and read.
#[test]
fn mail_after_many_long_headers_is_a_mail() {
    let report = scan(padded_mail(&format!("{MARKING}\r\n")).as_bytes(), "m.eml");
    assert_marked(&report);
    assert_clean(&scan(padded_mail("Compte rendu\r\n").as_bytes(), "m.eml"));
}

fn forwarded(inner_body: &str) -> String {
    let inner = format!(
        "Subject: annexe\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(inner_body.as_bytes())
    );
    format!(
        "From: a@example.fr\r\nTo: b@example.fr\r\nSubject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nVoir piece jointe.\r\n--XX\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=fwd.eml\r\n\r\n{inner}--XX--\r\n"
    )
}

/// An attached `message/rfc822` is read as a message, though its headers
/// tell the sniffer nothing.
#[test]
fn attached_messages_are_read_as_messages() {
    let report = scan(forwarded(&format!("{MARKING}\r\n")).as_bytes(), "fwd.eml");
    assert_marked(&report);
    assert_clean(&scan(forwarded("Compte rendu\r\n").as_bytes(), "fwd.eml"));
}

// ---------------------------------------------------------------- html, xml

/// A frame's `srcdoc` is an HTML document: its entities are decoded and
/// its tags removed.
#[test]
fn html_srcdoc_is_read_as_html() {
    let html = "<html><body><iframe srcdoc=\"&lt;p&gt;DIFFUSION &lt;b&gt;RESTREINTE&lt;/b&gt;&lt;/p&gt;\"></iframe></body></html>";
    assert_marked(&scan(html.as_bytes(), "frame.html"));
    let html = "<html><body><iframe srcdoc=\"&lt;p&gt;Compte &lt;b&gt;rendu&lt;/b&gt;&lt;/p&gt;\"></iframe></body></html>";
    assert_clean(&scan(html.as_bytes(), "frame.html"));
}

/// Strings a style sheet shows (`content: "..."`) are read.
#[test]
fn html_css_content_is_read() {
    let html = "<html><head><style>p::before { content: \"DIFFUSION RESTREINTE\"; }</style></head><body><p>Texte</p></body></html>";
    assert_marked(&scan(html.as_bytes(), "css.html"));
    let html = "<html><head><style>p::before { content: \"Note\"; color: red }</style></head><body><p>Texte</p></body></html>";
    assert_clean(&scan(html.as_bytes(), "css.html"));
}

/// The values of an XML document's attributes are read.
#[test]
fn xml_attribute_values_are_read() {
    let xml = "<?xml version=\"1.0\"?><doc xmlns=\"urn:x\"><meta classification=\"DIFFUSION RESTREINTE\"/><p>Compte rendu</p></doc>";
    assert_marked(&scan(xml.as_bytes(), "attr.xml"));
    let xml = "<?xml version=\"1.0\"?><doc xmlns=\"urn:x\"><meta classification=\"public\"/><p>Compte rendu</p></doc>";
    assert_clean(&scan(xml.as_bytes(), "attr.xml"));
}

/// A `data:` URI's bytes are decoded and read as a file of their own: an
/// image is reported as not read, text is scanned.
#[test]
fn html_data_uris_are_read() {
    let png = base64(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0");
    let html =
        format!("<html><body><p>Voir</p><img src=\"data:image/png;base64,{png}\"></body></html>");
    assert_problem(
        &scan(html.as_bytes(), "img.html"),
        ProblemCode::OcrUnavailable,
    );
    let text = base64(format!("{MARKING}\n").as_bytes());
    let html =
        format!("<html><body><a href=\"data:text/plain;base64,{text}\">lien</a></body></html>");
    assert_marked(&scan(html.as_bytes(), "link.html"));
    let text = base64(b"Compte rendu\n");
    let html =
        format!("<html><body><a href=\"data:text/plain;base64,{text}\">lien</a></body></html>");
    assert_clean(&scan(html.as_bytes(), "link.html"));
}
