//! Checks the image corpus of fixtures/images/ (rendered with real fonts by
//! fixtures/scripts/make_images.py: screenshots, photographs, dark-mode
//! chats, a page turned a quarter, scanned PDF pages, a docx embedding a
//! screenshot, logos, icons, markings hidden in metadata, and bombs)
//! against fixtures/images-expected.json: with the `ocr` feature, what the
//! system's Tesseract reads; without it, the `without_ocr` expectations.
//! Bombs are refused in bounded memory, measured.

mod common;

use std::path::PathBuf;

use common::peak::{Counting, Measure};
use serde_json::Value;
use vigie::{Confidence, ImageRead, ProblemCode, ScanInput, ScanOptions, Scanner, Verdict};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1 << 20;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(fixtures().join("images-expected.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

/// The expectation of `entry` for this build: with OCR or without.
fn for_this_build(entry: &Value) -> &Value {
    if cfg!(feature = "ocr") {
        entry
    } else {
        entry.get("without_ocr").unwrap_or(entry)
    }
}

fn scan(name: &str) -> vigie::Report {
    let path = fixtures().join("images").join(name);
    Scanner::new()
        .scan(ScanInput::Path(&path), &ScanOptions::new())
        .unwrap()
}

#[test]
fn every_image_fixture_is_classified_as_expected() {
    let expected = expected();
    assert!(expected.len() >= 35, "{} fixtures", expected.len());
    let mut failures = Vec::new();
    for (name, entry) in &expected {
        let want = for_this_build(entry);
        let report = scan(name);
        let findings: Vec<Value> = report
            .findings
            .iter()
            .filter(|f| f.confidence >= Confidence::Medium)
            .map(|f| serde_json::json!([f.rule, f.location.part]))
            .collect();
        let mut problems: Vec<Value> = report
            .problems
            .iter()
            .map(|p| serde_json::to_value(p.code).unwrap())
            .collect();
        problems.sort_by_key(Value::to_string);
        problems.dedup();
        let mut wanted_problems = want["problems"].as_array().unwrap().clone();
        wanted_problems.sort_by_key(Value::to_string);
        let same = report.verdict.to_string() == want["verdict"]
            && Value::Array(findings.clone()) == want["findings"]
            && problems == wanted_problems;
        if !same {
            failures.push(format!(
                "{name}: expected {want}\n    found verdict {} findings {findings:?} problems {:?}",
                report.verdict, report.problems
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} images differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_decompression_bomb_is_refused_in_bounded_memory() {
    // 1 KB of PNG declaring 100000 × 100000 pixels: 30 GB decoded.
    let bytes = std::fs::read(fixtures().join("images/bomb.png")).unwrap();
    assert!(bytes.len() < 2048);
    let scanner = Scanner::new();
    let measure = Measure::start();
    let report = scanner
        .scan(
            ScanInput::Bytes {
                bytes: &bytes,
                name: Some("bomb.png"),
            },
            &ScanOptions::new(),
        )
        .unwrap();
    let peak = measure.peak();
    assert_eq!(report.verdict, Verdict::Block);
    assert!(peak < 16 * MB, "peak {peak} bytes");
    let codes: Vec<ProblemCode> = report.problems.iter().map(|p| p.code).collect();
    // Refused by its declared size, with OCR or without.
    assert_eq!(codes, [ProblemCode::Limit], "{report:?}");
    assert!(report.problems[0].message.contains("100000×100000"));
    drop(measure);
    // Text chunks that inflate to 100 MB: a limit, in bounded memory.
    let bytes = std::fs::read(fixtures().join("images/bomb-chunks.png")).unwrap();
    let measure = Measure::start();
    let report = scanner
        .scan(
            ScanInput::Bytes {
                bytes: &bytes,
                name: Some("bomb-chunks.png"),
            },
            &ScanOptions::new(),
        )
        .unwrap();
    let peak = measure.peak();
    assert!(peak < 16 * MB, "peak {peak} bytes");
    assert!(
        report.problems.iter().any(|p| p.code == ProblemCode::Limit),
        "{report:?}"
    );
}

#[test]
fn the_report_says_which_images_were_read_and_how() {
    let docx = scan("screenshot-dr.docx");
    assert_eq!(docx.images.len(), 1, "{:?}", docx.images);
    let image = &docx.images[0];
    assert!(
        image.path[0].ends_with("screenshot-dr.docx"),
        "{:?}",
        image.path
    );
    assert!(image.path[1].starts_with("word/media/"), "{:?}", image.path);
    let pixel = scan("pixel.gif");
    assert_eq!(pixel.images[0].read, ImageRead::TooSmall);
    assert_eq!((pixel.images[0].width, pixel.images[0].height), (1, 1));
    if cfg!(feature = "ocr") {
        assert_eq!(image.read, ImageRead::Ocr);
        assert!(image.width > 100 && image.height > 100, "{image:?}");
        // A landscape with a marking in its metadata: no pass spent on it.
        assert_eq!(scan("meta-exif.jpg").images[0].read, ImageRead::NoText);
    } else {
        assert_eq!(image.read, ImageRead::NotRead);
    }
}

#[cfg(feature = "ocr")]
#[test]
fn a_finding_read_in_a_picture_says_where() {
    let report = scan("screenshot-dr.png");
    let marking = report
        .findings
        .iter()
        .find(|f| f.rule == "fr.diffusion-restreinte")
        .expect("the banner");
    assert_eq!(marking.location.part, vigie::Part::Ocr);
    let pixels = marking.location.pixels.expect("a box");
    // The banner is in the top third of the 960 × 640 screenshot, and the
    // box is the size of a line, not of the picture.
    assert!(pixels.y < 640 / 3, "{pixels:?}");
    assert!(pixels.height < 100 && pixels.width < 900, "{pixels:?}");
    // In a scanned PDF, the page is said too.
    let scanned = scan("scanned-dr.pdf");
    let pages: Vec<Option<u32>> = scanned.findings.iter().map(|f| f.location.page).collect();
    assert_eq!(pages, [Some(1), Some(1)], "{:?}", scanned.findings);
}

#[cfg(feature = "ocr")]
#[test]
fn without_an_engine_a_picture_is_never_passed_as_read() {
    let path = fixtures().join("images/screenshot-dr.png");
    let options = ScanOptions::new().engines(vigie::Engines::none());
    let report = Scanner::new()
        .scan(ScanInput::Path(&path), &options)
        .unwrap();
    assert_ne!(report.status, vigie::Status::Complete);
    assert_eq!(report.verdict, Verdict::Block);
    assert_eq!(report.problems[0].code, ProblemCode::OcrUnavailable);
}
