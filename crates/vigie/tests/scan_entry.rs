//! The one scan entry: every input and every way of choosing a policy gives
//! the report its shorthand gives, the trace tells what was decided, and
//! text an engine reads in an image is scanned with where it was read.

use std::cell::RefCell;
use std::io::Write;

use std::time::Instant;

use vigie::extract::{Bitmap, Image, ImageData, OcrEngine, OcrFailure, OcrWord};
use vigie::{
    Engines, Part, PixelBox, Policy, ProblemCode, Report, ScanInput, ScanOptions, Scanner,
    SegmentView, Status, TraceEvent, Verdict,
};

/// Compiled once: building the rules is the slow part of a debug test.
static SCANNER: std::sync::LazyLock<Scanner> = std::sync::LazyLock::new(Scanner::new);

const MARKED: &str = "DIFFUSION RESTREINTE\n\nCompte rendu de la réunion du 3 mars.";

fn scanner_with_scope() -> Scanner {
    let policy = Policy::from_toml("[scopes.dr-room]\nceiling = 2", "<test>").unwrap();
    Scanner::builder().policy(policy).build().unwrap()
}

#[test]
fn every_input_gives_the_report_of_its_shorthand() {
    let scanner = Scanner::new();
    let options = ScanOptions::new();
    let by_text = scanner.scan(ScanInput::Text(MARKED), &options).unwrap();
    assert_eq!(by_text, scanner.scan_text(MARKED));
    assert_eq!(by_text.verdict, Verdict::Block);

    let bytes = ScanInput::Bytes {
        bytes: MARKED.as_bytes(),
        name: Some("cr.txt"),
    };
    let by_bytes = scanner.scan(bytes, &options).unwrap();
    assert_eq!(
        by_bytes,
        scanner.scan_bytes(MARKED.as_bytes(), Some("cr.txt"))
    );
    assert_eq!(by_bytes.findings[0].location.path, ["cr.txt"]);

    let segments = [SegmentView::body(MARKED)];
    let by_segments = scanner
        .scan(ScanInput::Segments(&segments), &options)
        .unwrap();
    assert_eq!(by_segments, by_text);

    let dir = tempdir();
    let path = dir.join("cr.txt");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(MARKED.as_bytes())
        .unwrap();
    let by_path = scanner.scan(ScanInput::Path(&path), &options).unwrap();
    assert_eq!(by_path, scanner.scan_file(&path).unwrap());
    assert_eq!(by_path.source.as_deref(), Some(path.to_str().unwrap()));

    let file = std::fs::File::open(&path).unwrap();
    let by_file = scanner
        .scan(ScanInput::File { file, name: "cr" }, &options)
        .unwrap();
    assert_eq!(by_file.source.as_deref(), Some("cr"));
    assert_eq!(
        by_file.findings[0].location.path,
        ["cr"],
        "the name names it"
    );
    assert_eq!(by_file.findings.len(), by_path.findings.len());

    let mut reader = MARKED.as_bytes();
    let by_reader = scanner
        .scan(
            ScanInput::Reader {
                reader: &mut reader,
                name: Some("cr.txt"),
            },
            &options,
        )
        .unwrap();
    assert_eq!(by_reader.findings, by_bytes.findings);
    assert_eq!(by_reader.source, None);
}

#[test]
fn an_unreadable_path_is_an_io_error_with_its_path() {
    let missing = std::path::Path::new("/nonexistent/vigie/cr.txt");
    let error = Scanner::new()
        .scan(ScanInput::Path(missing), &ScanOptions::new())
        .unwrap_err();
    assert_eq!(error.kind(), vigie::ErrorKind::Io);
    assert_eq!(error.path(), Some(missing));
    assert_eq!(
        error.io_error().map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
}

#[test]
fn a_scope_or_a_policy_in_the_options_is_what_the_scoped_shorthands_give() {
    let scanner = scanner_with_scope();
    let text = "DIFFUSION RESTREINTE";
    let default = scanner
        .scan(ScanInput::Text(text), &ScanOptions::new())
        .unwrap();
    assert_eq!(default.verdict, Verdict::Block);
    let scoped = scanner
        .scan(ScanInput::Text(text), &ScanOptions::new().scope("dr-room"))
        .unwrap();
    assert_eq!(scoped, scanner.in_scope("dr-room").scan_text(text));
    assert_eq!(scoped.verdict, Verdict::Allow);
    let dr_room = scanner.policy().for_scope("dr-room");
    let given = scanner
        .scan(ScanInput::Text(text), &ScanOptions::new().policy(&dr_room))
        .unwrap();
    assert_eq!(given, scanner.with_policy(&dr_room).scan_text(text));
    // An unknown scope is refused, never silently the scanner's policy.
    let unknown = scanner
        .scan(ScanInput::Text(text), &ScanOptions::new().scope("dr-rooom"))
        .unwrap_err();
    assert_eq!(unknown.kind(), vigie::ErrorKind::Policy);
    assert_eq!(unknown.to_string(), "the policy has no scope `dr-rooom`");
}

/// Runs a traced scan of `text` and gives the report and the events, each
/// as its Debug line.
fn traced(text: &str) -> (Report, Vec<String>) {
    let events = RefCell::new(Vec::new());
    let record = |event: &TraceEvent<'_>| events.borrow_mut().push(format!("{event:?}"));
    let report = SCANNER
        .scan(ScanInput::Text(text), &ScanOptions::new().trace(&record))
        .unwrap();
    (report, events.into_inner())
}

#[test]
fn a_trace_changes_nothing_in_the_report() {
    for text in [
        MARKED,
        "Le secret de la réussite.",
        "IBAN FR76 3000 6000 0112 3456 7890 189, merci",
        "",
    ] {
        let (report, events) = traced(text);
        assert_eq!(report, SCANNER.scan_text(text), "{text}");
        assert!(events[0].starts_with("Segment"), "{events:?}");
        let last = events.last().unwrap();
        let verdict = format!("{:?}", report.verdict);
        assert!(
            last.starts_with("Decided") && last.contains(&verdict),
            "{last}"
        );
    }
}

#[test]
fn the_trace_says_why_a_candidate_was_set_aside() {
    // A marking word in prose.
    let (report, events) = traced("Le secret de la réussite, c'est le travail.");
    assert!(report.findings.is_empty());
    assert!(
        events
            .iter()
            .any(|e| e.starts_with("Rejected") && e.contains("fr.secret")),
        "{events:?}"
    );
    // A card number that fails its checksum.
    let (report, events) = traced("Ma carte : 4970 1012 3456 7891, merci.");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert!(
        events
            .iter()
            .any(|e| e.contains("does not pass its validator")),
        "{events:?}"
    );
}

#[test]
fn the_trace_names_what_a_larger_detection_covers() {
    let (report, events) = traced("TRÈS SECRET DÉFENSE\n\nNote.");
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let detected = events.iter().filter(|e| e.starts_with("Detected")).count();
    let covered = events.iter().filter(|e| e.starts_with("Covered")).count();
    assert!(detected >= 2, "{events:?}");
    assert_eq!(detected - covered, report.findings.len(), "{events:?}");
}

/// An engine that answers with fixed words, standing for Tesseract (the
/// `ocr` feature brings it): what is tested here is the image path's
/// routing, not reading.
#[derive(Debug)]
struct FixedWords(Vec<OcrWord>);

impl OcrEngine for FixedWords {
    fn recognize(&self, _: &Bitmap<'_>, _: Instant) -> Result<Vec<OcrWord>, OcrFailure> {
        Ok(self.0.clone())
    }
}

#[derive(Debug)]
struct Refuses;

impl OcrEngine for Refuses {
    fn recognize(&self, _: &Bitmap<'_>, _: Instant) -> Result<Vec<OcrWord>, OcrFailure> {
        Err(OcrFailure {
            code: ProblemCode::Unsupported,
            message: "image format not supported".into(),
        })
    }
}

/// The header of a 640 × 480 PNG, and nothing else.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x06\0\0\0";

/// A real screenshot (960 × 640) from the image fixtures.
fn screenshot() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/images/screenshot-clean.png");
    std::fs::read(path).unwrap()
}

#[test]
fn without_an_engine_an_image_is_not_read_and_blocks() {
    let report = Scanner::new()
        .scan(
            ScanInput::Bytes {
                bytes: PNG,
                name: Some("scan.png"),
            },
            &ScanOptions::new().engines(Engines::none()),
        )
        .unwrap();
    assert_eq!(report.status, Status::Unscannable);
    assert_eq!(report.problems[0].code, ProblemCode::OcrUnavailable);
    assert_eq!(report.verdict, Verdict::Block);
}

#[test]
fn text_an_engine_reads_in_an_image_is_scanned_with_its_pixel_box() {
    // The screenshot is under a megapixel: the engine reads it enlarged
    // twice, and the box comes back in the screenshot's own pixels.
    let word = |text: &str, x: u32| OcrWord {
        text: text.into(),
        confidence: 91.0,
        pixels: PixelBox {
            x,
            y: 24,
            width: 280,
            height: 56,
        },
        line: 0,
    };
    let engine = FixedWords(vec![word("DIFFUSION", 80), word("RESTREINTE", 380)]);
    let options = ScanOptions::new().engines(Engines { ocr: Some(&engine) });
    let png = screenshot();
    let scan = |options: &ScanOptions<'_>| {
        Scanner::new()
            .scan(
                ScanInput::Bytes {
                    bytes: &png,
                    name: Some("scan.png"),
                },
                options,
            )
            .unwrap()
    };
    let report = scan(&options);
    assert_eq!(report.status, Status::Complete, "{:?}", report.problems);
    assert_eq!(report.findings[0].rule, "fr.diffusion-restreinte");
    assert_eq!(report.findings[0].location.part, Part::Ocr);
    let stamp = PixelBox {
        x: 40,
        y: 12,
        width: 290,
        height: 28,
    };
    assert_eq!(report.findings[0].location.pixels, Some(stamp));
    assert!(
        report
            .to_json()
            .contains(r#""pixels":{"x":40,"y":12,"width":290,"height":28}"#)
    );

    let refused = scan(&ScanOptions::new().engines(Engines {
        ocr: Some(&Refuses),
    }));
    assert_eq!(refused.status, Status::Unscannable);
    assert_eq!(refused.problems[0].code, ProblemCode::Unsupported);
    assert!(
        refused.problems[0]
            .message
            .starts_with("scan.png: image of 960×640 pixels"),
        "{:?}",
        refused.problems
    );
}

#[test]
fn an_image_too_small_to_hold_text_is_not_sent_to_the_engine() {
    let image = Image {
        width: 8,
        height: 8,
        data: ImageData::File(PNG),
    };
    assert!(!image.may_hold_text());
    let unknown = Image {
        width: 0,
        height: 0,
        data: ImageData::File(PNG),
    };
    assert!(unknown.may_hold_text(), "an unknown size may hold text");
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vigie-scan-entry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
