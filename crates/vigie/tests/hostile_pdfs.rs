//! Crafted PDFs and oversized inputs, as an attacker would send them: none
//! may abort the process, hang, take unbounded memory, or pass as read when
//! it was not. Each test checks the verdict, the status and the problem
//! code a user would see, and the bombs measure their peak memory with a
//! counting allocator; their work is bounded by counts (operators, steps),
//! not by the machine's speed.

mod common;

use std::io::Write;

use common::peak::{Counting, Measure};
use vigie::{Policy, ProblemCode, Report, Scanner, Status, Verdict};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1 << 20;

/// A PDF whose object `n` (from 1) is `objects[n - 1]`, with a correct
/// cross-reference table; object 1 is the catalog.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

fn object(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A stream object with `dict` entries besides its length.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} {dict} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

const HELVETICA: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// A one-page PDF: catalog, pages, page (with `resources`), content, and
/// `extra` objects from number 5 on.
fn one_page(resources: &str, content: &[u8], extra: &[Vec<u8>]) -> Vec<u8> {
    let mut objects = vec![
        object("<< /Type /Catalog /Pages 2 0 R >>"),
        object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        object(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {resources} /Contents 4 0 R >>"
        )),
        stream("", content),
    ];
    objects.extend_from_slice(extra);
    pdf(&objects)
}

fn scan(bytes: &[u8]) -> Report {
    Scanner::new().scan_bytes(bytes, Some("crafted.pdf"))
}

fn codes(report: &Report) -> Vec<ProblemCode> {
    report.problems.iter().map(|p| p.code).collect()
}

fn rules(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_page_tree_cycle_with_a_huge_count_is_read_once_and_reported() {
    // lopdf's get_pages sized a vector from /Count and aborted the process.
    let bytes = pdf(&[
        object("<< /Type /Catalog /Pages 2 0 R >>"),
        object("<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 4294967295 >>"),
        object(&format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 {HELVETICA} >> >> /Contents 4 0 R >>"
        )),
        stream(
            "",
            b"BT /F1 12 Tf 72 700 Td (TR\xC8S SECRET D\xC9FENSE) Tj ET",
        ),
    ]);
    let measure = Measure::start();
    let report = scan(&bytes);
    assert!(measure.peak() < 256 * MB, "peak {} bytes", measure.peak());
    assert_eq!(report.status, Status::Partial, "{report:?}");
    assert_eq!(codes(&report), [ProblemCode::Corrupt]);
    assert_eq!(rules(&report), ["fr.tres-secret-defense"]);
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn a_page_tree_deeper_than_the_limit_is_a_limit() {
    let depth = 100;
    let mut objects = vec![object("<< /Type /Catalog /Pages 2 0 R >>")];
    for level in 0..depth {
        let n = level + 2;
        objects.push(object(&format!(
            "<< /Type /Pages /Kids [{} 0 R] /Count 1 >>",
            n + 1
        )));
    }
    objects.push(object("<< /Type /Page >>"));
    let report = scan(&pdf(&objects));
    assert_ne!(report.status, Status::Complete);
    assert!(codes(&report).contains(&ProblemCode::Limit), "{report:?}");
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn a_content_stream_that_inflates_to_100_mb_of_operators_is_stopped_while_read() {
    // 153 KB of Flate that inflates to 100 MB of `0 0 m`: decoded and parsed
    // whole, it took 10.5 GB.
    let operators = b"0 0 m\n".repeat(100 * MB / 6);
    let compressed = deflate(&operators);
    drop(operators);
    let bytes = pdf(&[
        object("<< /Type /Catalog /Pages 2 0 R >>"),
        object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        object("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"),
        stream("/Filter /FlateDecode", &compressed),
    ]);
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    let measure = Measure::start();
    let report = scan(&bytes);
    assert!(measure.peak() < 64 * MB, "peak {} bytes", measure.peak());
    assert_eq!(report.verdict, Verdict::Block);
    assert_ne!(report.status, Status::Complete);
    let limit = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::Limit)
        .unwrap_or_else(|| panic!("{report:?}"));
    // Stopped by a count of operators, whatever the machine's speed.
    assert!(limit.message.contains("drawing operations"), "{limit:?}");
}

#[test]
fn the_step_limit_stops_a_document_of_many_pages_at_the_same_place_everywhere() {
    let pages = 2_000;
    let mut objects = vec![object("<< /Type /Catalog /Pages 2 0 R >>")];
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 4)).collect();
    objects.push(object(&format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    )));
    objects.push(stream("", &b"0 0 m\n".repeat(100)));
    for _ in 0..pages {
        objects.push(object("<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"));
    }
    let bytes = pdf(&objects);
    let policy = Policy::from_toml(
        "[limits]\nmax_steps = 50000\nmax_milliseconds = 3600000",
        "t",
    )
    .unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let report = scanner.scan_bytes(&bytes, None);
    let limit = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::Limit)
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!(limit.message.contains("50000 steps"), "{limit:?}");
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn a_hundred_thousand_pages_sharing_one_stream_are_read_in_bounded_memory() {
    let pages = 100_000;
    let mut objects = vec![object("<< /Type /Catalog /Pages 2 0 R >>")];
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 6)).collect();
    objects.push(object(&format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} /Resources << /Font << /F1 5 0 R >> >> >>",
        kids.join(" ")
    )));
    objects.push(stream("", b"BT /F1 12 Tf 72 700 Td (Page ordinaire) Tj ET"));
    objects.push(stream(
        "",
        b"BT /F1 12 Tf 72 800 Td (DIFFUSION RESTREINTE) Tj ET",
    ));
    objects.push(object(HELVETICA));
    for i in 0..pages {
        let content = if i == pages - 1 { 4 } else { 3 };
        objects.push(object(&format!(
            "<< /Type /Page /Parent 2 0 R /Contents {content} 0 R >>"
        )));
    }
    let bytes = pdf(&objects);
    // What this test bounds is memory; the work is bounded by the step
    // budget, which does not depend on the machine. The wall clock is left
    // out of it (a debug build on a loaded machine takes more than the
    // default 30 s).
    let policy = vigie::Policy::from_toml("[limits]\nmax_milliseconds = 600000", "<test>").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let measure = Measure::start();
    let report = scanner.scan_bytes(&bytes, Some("crafted.pdf"));
    let peak = measure.peak();
    assert!(
        peak < 256 * MB,
        "peak {peak} bytes for {} bytes of PDF",
        bytes.len()
    );
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"]);
    assert_eq!(report.findings[0].location.page, Some(pages as u32));
}

/// The page text `(text) Tj` in font F1 defined by `font` and `extra`.
fn page_in_font(font: &str, shown: &[u8], extra: &[Vec<u8>]) -> Vec<u8> {
    let mut content = b"BT /F1 12 Tf 72 700 Td ".to_vec();
    content.extend_from_slice(shown);
    content.extend_from_slice(b" Tj ET");
    one_page(&format!("<< /Font << /F1 {font} >> >>"), &content, extra)
}

/// A ToUnicode CMap mapping codes 1, 2, … to the characters of `text`.
fn cmap(text: &str) -> Vec<u8> {
    let chars: Vec<String> = text
        .chars()
        .enumerate()
        .map(|(i, c)| format!("<{:04X}> <{:04X}>", i + 1, c as u32))
        .collect();
    format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
         {} beginbfchar\n{}\nendbfchar\nendcmap\n\
         CMapName currentdict /CMap defineresource pop\nend\nend\n",
        chars.len(),
        chars.join("\n")
    )
    .into_bytes()
}

fn assert_undecodable(report: &Report) {
    assert_ne!(report.status, Status::Complete, "{report:?}");
    assert!(
        codes(report).contains(&ProblemCode::Unsupported),
        "{report:?}"
    );
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn text_in_fonts_that_cannot_be_decoded_is_a_problem_not_a_clean_page() {
    // Glyph names that are not standard: the codes say nothing.
    let differences = page_in_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Custom /Encoding << /Differences [1 /g1 /g2 /g3 /g4 /g5 /g6] >> >>",
        b"<010203040506>",
        &[],
    );
    assert_undecodable(&scan(&differences));
    // A composite font with Identity-H and no ToUnicode map.
    let identity = page_in_font(
        "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Arial /Encoding /Identity-H /DescendantFonts [5 0 R] >>",
        b"<0036002600280035>",
        &[object(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Arial /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        )],
    );
    assert_undecodable(&scan(&identity));
    // A subset TrueType font with codes from 1 and no encoding.
    let symbolic = page_in_font(
        "<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Calibri /FirstChar 1 /LastChar 6 /Widths [500 500 500 500 500 500] >>",
        b"<010203040506>",
        &[],
    );
    assert_undecodable(&scan(&symbolic));
}

#[test]
fn fonts_that_say_what_their_codes_are_are_read() {
    // Identity-H with a ToUnicode map: read through the map. Codes 1.. are
    // the letters of "SECRET DÉFN" in that order.
    let letters = "SECRET DÉFN";
    let shown = |text: &str| {
        let codes: String = text
            .chars()
            .map(|c| {
                format!(
                    "{:04X}",
                    letters
                        .find(c)
                        .map_or(0xFF, |i| letters[..i].chars().count() + 1)
                )
            })
            .collect();
        format!("<{codes}>").into_bytes()
    };
    let font = "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Arial /Encoding /Identity-H /ToUnicode 5 0 R >>";
    let full = stream("", &cmap(letters));
    let report = scan(&page_in_font(font, &shown("SECRET DÉFENSE"), &[full]));
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(rules(&report), ["fr.secret-defense"]);
    // A map that lacks two of the letters drawn: those codes are not read,
    // and the report says so.
    let partial = stream("", &cmap("SECRET DÉ"));
    assert_undecodable(&scan(&page_in_font(
        font,
        &shown("SECRET DÉFENSE"),
        &[partial],
    )));
    // Standard glyph names in /Differences.
    let named = page_in_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Custom /Encoding << /Differences [1 /D /I /F /U /S /O /N /space /R /E /T] >> >>",
        b"<0102030304050206070809 0A050B090A02070B0A>",
        &[],
    );
    let report = scan(&named);
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"]);
    // uniXXXX names and a ToUnicode map beside a simple encoding.
    let uni = page_in_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Custom /Encoding << /Differences [1 /uni0053 /uni0045 /uni0043 /uni0052 /uni0054] >> >>",
        b"<010203040205>",
        &[],
    );
    let report = scan(&uni);
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(report.findings.len(), 1, "{report:?}");
}

/// A grey picture of 100 × 100 pixels, large enough to hold text.
fn page_picture() -> Vec<u8> {
    stream(
        "/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
        &deflate(&[0x80; 100 * 100]),
    )
}

#[test]
fn a_page_of_images_and_no_text_is_not_read_without_ocr() {
    let scanned = one_page(
        "<< /XObject << /Im1 5 0 R >> >>",
        b"q 595 0 0 842 0 0 cm /Im1 Do Q",
        &[page_picture()],
    );
    let report = scan(&scanned);
    assert_ne!(report.status, Status::Complete, "{report:?}");
    assert_eq!(codes(&report), [ProblemCode::OcrUnavailable]);
    assert_eq!(report.verdict, Verdict::Block);
    let mut content = b"q 595 0 0 842 0 0 cm BI /W 20 /H 20 /CS /G /BPC 8 ID ".to_vec();
    content.extend_from_slice(&[0x80; 400]);
    content.extend_from_slice(b" EI Q");
    let inline = one_page("<< >>", &content, &[]);
    assert_eq!(codes(&scan(&inline)), [ProblemCode::OcrUnavailable]);
    // A logo too small to hold text, beside text, is not a scan.
    let image = stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x80",
    );
    let letterhead = one_page(
        "<< /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >>",
        b"q 50 0 0 50 0 780 cm /Im1 Do Q BT /F1 12 Tf 72 700 Td (Compte rendu de la reunion) Tj ET",
        &[image, object(HELVETICA)],
    );
    let report = scan(&letterhead);
    assert_eq!(report.status, Status::Complete, "{report:?}");
    assert_eq!(report.verdict, Verdict::Allow);
}

#[test]
fn text_drawn_in_a_font_the_page_does_not_define_is_reported() {
    let bytes = one_page(
        "<< >>",
        b"BT /F9 12 Tf 72 700 Td (DIFFUSION RESTREINTE) Tj ET",
        &[],
    );
    let report = scan(&bytes);
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"]);
    assert_eq!(codes(&report), [ProblemCode::Corrupt]);
}

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vigie-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_200_mb_line_of_text_is_read_in_bounded_memory() {
    let path = temp_path("one-line.txt");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let chunk = "abcdefghij".repeat(MB / 10);
        for _ in 0..200 {
            file.write_all(chunk.as_bytes()).unwrap();
        }
        file.write_all("TRÈS SECRET DÉFENSE".as_bytes()).unwrap();
    }
    // The default text limit is 64 MB; a smaller one keeps a debug build
    // of the test quick, and the bound is the same: what is read is what
    // is scanned, not the file.
    let policy = Policy::from_toml("[limits]\nmax_text_bytes = 8388608", "t").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let measure = Measure::start();
    let report = scanner.scan_file(&path).unwrap();
    let peak = measure.peak();
    std::fs::remove_file(&path).unwrap();
    assert!(peak < 12 * MB, "peak {peak} bytes");
    // The text past the limit was not read, and the report says so.
    assert_eq!(report.status, Status::Partial);
    assert_eq!(codes(&report), [ProblemCode::Limit]);
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn files_over_the_size_limit_are_refused_by_their_size() {
    let path = temp_path("sparse.bin");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(600 * MB as u64).unwrap();
    drop(file);
    let measure = Measure::start();
    let report = Scanner::new().scan_file(&path).unwrap();
    let peak = measure.peak();
    std::fs::remove_file(&path).unwrap();
    assert!(peak < 8 * MB, "peak {peak} bytes");
    assert_eq!(report.status, Status::Unscannable);
    assert_eq!(codes(&report), [ProblemCode::Limit]);
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn an_endless_device_is_not_read_to_the_limit() {
    let measure = Measure::start();
    let report = Scanner::new().scan_file("/dev/zero").unwrap();
    let peak = measure.peak();
    assert!(peak < 8 * MB, "peak {peak} bytes");
    assert_ne!(report.status, Status::Complete);
    assert_eq!(report.verdict, Verdict::Block);
}

const MARKED: &[u8] = b"BT /F1 12 Tf 72 700 Td (DIFFUSION RESTREINTE) Tj ET";

/// A page whose content is object 4 and whose font F1 is Helvetica, with
/// page dictionary entries `page_extra` and objects 5… `extra`.
fn page_with(page_extra: &str, content: Vec<u8>, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut objects = vec![
        object("<< /Type /Catalog /Pages 2 0 R >>"),
        object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        object(&format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 {HELVETICA} >> >> {page_extra} >>"
        )),
        content,
    ];
    objects.extend_from_slice(extra);
    pdf(&objects)
}

#[test]
fn a_page_listing_one_stream_200000_times_neither_overflows_the_stack_nor_hangs() {
    // A chain of readers nested one level per entry: a stack overflow (an
    // abort) at 200,000, quadratic time below.
    let refs = "4 0 R ".repeat(200_000);
    let bytes = page_with(&format!("/Contents [{refs}]"), stream("", b" "), &[]);
    let report = scan(&bytes);
    assert_ne!(report.status, Status::Complete);
    assert_eq!(codes(&report), [ProblemCode::Limit], "{report:?}");
}

#[test]
fn an_operation_of_a_million_one_byte_names_is_held_in_bounded_memory() {
    // Each `/` would be an operand of 32 bytes: 32 times the inflated size.
    let mut content = b"[".to_vec();
    for _ in 0..100 {
        content.push(b'[');
        content.extend(std::iter::repeat_n(b'/', 10_000));
        content.push(b']');
    }
    content.extend_from_slice(b"] TJ ");
    content.extend_from_slice(MARKED);
    let bytes = page_with(
        "/Contents 4 0 R",
        stream("/Filter /FlateDecode", &deflate(&content)),
        &[],
    );
    let measure = Measure::start();
    let report = scan(&bytes);
    assert!(measure.peak() < 32 * MB, "peak {}", measure.peak());
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"]);
    assert!(!report.problems.is_empty(), "{report:?}");
    assert!(
        codes(&report).iter().all(|&c| c == ProblemCode::Corrupt),
        "{report:?}"
    );
}

#[test]
fn annotations_shared_by_many_pages_are_bounded_work() {
    let pages = 2_000;
    let mut objects = vec![object("<< /Type /Catalog /Pages 2 0 R >>")];
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 4)).collect();
    objects.push(object(&format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    )));
    objects.push(object(&format!(
        "[{}]",
        "<< /Contents (note) >> ".repeat(5_000)
    )));
    for _ in 0..pages {
        objects.push(object("<< /Type /Page /Parent 2 0 R /Annots 3 0 R >>"));
    }
    let policy = Policy::from_toml(
        "[limits]\nmax_steps = 1000000\nmax_milliseconds = 3600000",
        "t",
    )
    .unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let report = scanner.scan_bytes(&pdf(&objects), None);
    // Stopped by the count of annotations read, on any machine.
    let limit = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::Limit);
    assert!(
        limit.is_some_and(|p| p.message.contains("steps")),
        "{report:?}"
    );
}

#[test]
fn filters_and_subtypes_given_by_reference_are_followed() {
    // `/Filter 5 0 R`: the compressed bytes were lexed as if they were text.
    let by_reference = page_with(
        "/Contents 4 0 R",
        stream("/Filter 5 0 R", &deflate(MARKED)),
        &[object("/FlateDecode")],
    );
    assert_eq!(rules(&scan(&by_reference)), ["fr.diffusion-restreinte"]);
    let in_array = page_with(
        "/Contents 4 0 R",
        stream("/Filter [5 0 R]", &deflate(MARKED)),
        &[object("/FlateDecode")],
    );
    assert_eq!(rules(&scan(&in_array)), ["fr.diffusion-restreinte"]);
    // A Form XObject whose /Subtype is a reference is still drawn.
    let form = page_with(
        "/Contents 4 0 R /Resources << /Font << /F1 7 0 R >> /XObject << /X1 5 0 R >> >>",
        stream("", b"/X1 Do"),
        &[
            stream("/Type /XObject /Subtype 6 0 R /BBox [0 0 600 800]", MARKED),
            object("/Form"),
            object(HELVETICA),
        ],
    );
    let report = scan(&form);
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"], "{report:?}");
}

#[test]
fn what_a_viewer_shows_beside_the_page_text_is_read() {
    // A stamp drawn by its appearance stream only.
    let stamp = page_with(
        "/Contents 4 0 R /Annots [<< /Type /Annot /Subtype /Stamp /Rect [0 0 300 50] /AP << /N 5 0 R >> >>]",
        stream("", b"BT /F1 12 Tf 72 600 Td (Compte rendu) Tj ET"),
        &[stream(
            &format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 300 50] /Resources << /Font << /F1 {HELVETICA} >> >>"
            ),
            MARKED,
        )],
    );
    assert_eq!(rules(&scan(&stamp)), ["fr.diffusion-restreinte"]);
    // A file attached to the PDF.
    let attached = page_with(
        "/Contents 4 0 R",
        stream("", b"BT /F1 12 Tf 72 600 Td (Voir la piece jointe) Tj ET"),
        &[stream(
            "/Type /EmbeddedFile /Subtype /text#2Fplain",
            b"DIFFUSION RESTREINTE\nNote interne.\n",
        )],
    );
    let report = scan(&attached);
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"], "{report:?}");
    assert_eq!(report.findings[0].location.path.len(), 2, "{report:?}");
    // A full-page picture with a one-character text layer is a scan.
    let image = page_picture();
    let scan_with_dot = page_with(
        "/Contents 4 0 R /Resources << /Font << /F1 6 0 R >> /XObject << /Im1 5 0 R >> >>",
        stream(
            "",
            b"q 595 0 0 842 0 0 cm /Im1 Do Q BT /F1 4 Tf 10 10 Td (.) Tj ET",
        ),
        &[image, object(HELVETICA)],
    );
    assert_eq!(codes(&scan(&scan_with_dot)), [ProblemCode::OcrUnavailable]);
}

/// A zip archive (stored entries) of `entries`, with `prefix` in front.
fn zip_after(prefix: &[u8], entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(prefix.to_vec());
    cursor.set_position(prefix.len() as u64);
    let mut writer = zip::ZipWriter::new(cursor);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn a_file_that_is_both_a_pdf_or_a_text_and_a_zip_is_read_both_ways() {
    let clean = one_page(
        &format!("<< /Font << /F1 {HELVETICA} >> >>"),
        b"BT /F1 12 Tf 72 700 Td (Compte rendu) Tj ET",
        &[],
    );
    let polyglot = zip_after(&clean, &[("note.txt", b"DIFFUSION RESTREINTE\n")]);
    let report = scan(&polyglot);
    assert_eq!(rules(&report), ["fr.diffusion-restreinte"], "{report:?}");
    assert_eq!(report.verdict, Verdict::Block);
    let prefixed = zip_after(
        &b"Hello, this is a plain note.\n".repeat(160),
        &[("note.txt", b"DIFFUSION RESTREINTE\n")],
    );
    assert_eq!(rules(&scan(&prefixed)), ["fr.diffusion-restreinte"]);
    // A clean PDF stays clean.
    let report = scan(&clean);
    assert_eq!(
        (report.verdict, report.status),
        (Verdict::Allow, Status::Complete)
    );
}

#[test]
fn xmp_metadata_that_cannot_be_read_is_said_not_dropped() {
    let bytes = pdf(&[
        object("<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>"),
        object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        object(&format!(
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 {HELVETICA} >> >> /Contents 4 0 R >>"
        )),
        stream("", b"BT /F1 12 Tf 72 700 Td (Compte rendu) Tj ET"),
        stream(
            "/Type /Metadata /Subtype /XML /Filter /FlateDecode",
            b"not deflate at all",
        ),
    ]);
    let report = scan(&bytes);
    assert_eq!(codes(&report), [ProblemCode::Unsupported], "{report:?}");
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn a_page_with_more_annotations_than_the_limit_says_so() {
    let bytes = page_with(
        &format!(
            "/Contents 4 0 R /Annots [{}]",
            "<< /Contents (note) >> ".repeat(10_001)
        ),
        stream("", b"BT /F1 12 Tf 72 600 Td (Compte rendu) Tj ET"),
        &[],
    );
    let report = scan(&bytes);
    let limit = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::Limit);
    assert!(
        limit.is_some_and(|p| p.message.contains("annotations")),
        "{:?}",
        report.problems
    );
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn a_page_drawing_more_pictures_than_the_limit_says_so() {
    // 1,001 inline pictures of 20 × 20 pixels on one page: the first 1,000
    // are kept for the image path, the rest is a `limit` problem, not a pass.
    let mut picture = b"q BI /W 20 /H 20 /CS /G /BPC 8 ID ".to_vec();
    picture.extend_from_slice(&[0x80; 400]);
    picture.extend_from_slice(b" EI Q\n");
    let content = picture.repeat(1_001);
    let report = scan(&one_page("<< >>", &content, &[]));
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::Limit && p.message.contains("more than 1000 images")),
        "{:?}",
        report.problems
    );
    assert_eq!(report.verdict, Verdict::Block);
    let under = scan(&one_page("<< >>", &picture.repeat(1_000), &[]));
    assert!(
        under.problems.iter().all(|p| p.code != ProblemCode::Limit),
        "{:?}",
        under.problems
    );
}
