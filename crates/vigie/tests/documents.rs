//! Checks the attachment corpus of fixtures/documents/ (made by
//! fixtures/scripts/make_documents.py) against its expected results: the
//! verdict, the status, the findings at medium or high confidence with their
//! part and container path, and the problems.

use std::path::PathBuf;

use serde_json::Value;
use vigie::{Confidence, Policy, Scanner};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Units of parsing work (`limits.max_steps`) each document of the corpus
/// may take. The most any takes is under 5,000 (a 200-page PDF, a slide
/// deck; a budget of 1,000 fails seven of them), the default limit is
/// 20,000,000. A parser that regresses to re-reading what it read (a loop
/// that grows with the square of a document) trips it: a `limit` problem
/// the expected results do not have. Unlike a clock, it trips at the same
/// place on every machine.
const CORPUS_STEPS: u64 = 100_000;

/// Scans every document listed in `expected_file` (found in `directory`)
/// and fails with one line per document whose report differs from its
/// entry.
/// Each expected finding is `[rule, part, path suffix]`, `[rule, part, path
/// suffix, page]` or `[rule, part, page or null]`: the found finding is
/// written the same way, so that the two compare.
fn check_corpus(expected_file: &str, directory: &str, at_least: usize) {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join(expected_file)).unwrap())
            .unwrap();
    let expected = expected.as_object().unwrap();
    assert!(
        expected.len() >= at_least,
        "{expected_file} lists {} documents",
        expected.len()
    );
    let policy = Policy::from_toml(&format!("[limits]\nmax_steps = {CORPUS_STEPS}"), "t").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let mut failures = Vec::new();
    for (name, want) in expected {
        let report = scanner
            .scan_file(fixtures().join(directory).join(name))
            .unwrap();
        let wanted = want["findings"].as_array().unwrap();
        let findings: Vec<Value> = report
            .findings
            .iter()
            .filter(|f| f.confidence >= Confidence::Medium)
            .enumerate()
            .map(|(i, f)| written_like(f, wanted.get(i)))
            .collect();
        let problems: Vec<Value> = report
            .problems
            .iter()
            .map(|p| serde_json::to_value(p.code).unwrap())
            .collect();
        let mut wanted_problems = want["problems"].as_array().unwrap().clone();
        let mut found_problems = problems.clone();
        wanted_problems.dedup();
        found_problems.dedup();
        let same = report.verdict.to_string() == want["verdict"]
            && report.status.to_string() == want["status"]
            && Value::Array(findings.clone()) == want["findings"]
            && found_problems == wanted_problems;
        if !same {
            failures.push(format!(
                "{name}: expected {want}\n    found verdict {} status {} findings {findings:?} problems {:?}",
                report.verdict, report.status, report.problems
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} documents differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A finding written the way `entry` (its expected counterpart) is.
fn written_like(finding: &vigie::Finding, entry: Option<&Value>) -> Value {
    let entry = entry.and_then(Value::as_array);
    let path = finding.location.path.join("/");
    let page = serde_json::json!(finding.location.page);
    match entry.map(|e| (e.len(), e[2].is_string())) {
        // [rule, part, path suffix] or [rule, part, path suffix, page]
        Some((length, true)) => {
            let suffix = entry.unwrap()[2].as_str().unwrap();
            let shown = if path.ends_with(suffix) {
                suffix.to_string()
            } else {
                path
            };
            let mut written = serde_json::json!([finding.rule, finding.location.part, shown]);
            if length == 4 {
                written.as_array_mut().unwrap().push(page);
            }
            written
        }
        // [rule, part, page or null]
        Some((_, false)) => {
            let page = if entry.unwrap()[2].is_null() {
                Value::Null
            } else {
                page
            };
            serde_json::json!([finding.rule, finding.location.part, page])
        }
        None => serde_json::json!([finding.rule, finding.location.part, path, page]),
    }
}

#[test]
fn every_document_gets_its_expected_report() {
    check_corpus("documents-expected.json", "documents", 30);
}

#[test]
fn documents_written_by_libreoffice_and_qpdf_get_their_expected_reports() {
    check_corpus("documents-produced-expected.json", "documents/produced", 20);
}

#[test]
fn findings_in_documents_point_into_their_segment_text() {
    let scanner = Scanner::new();
    let report = scanner
        .scan_file(fixtures().join("documents/dossier.zip"))
        .unwrap();
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "fr.diffusion-restreinte")
        .expect("the nested note is found");
    assert_eq!(
        finding.location.path.last().map(String::as_str),
        Some("note.docx")
    );
    assert_eq!(finding.excerpt, "DIFFUSION RESTREINTE");
    assert_eq!(
        finding.location.end - finding.location.start,
        "DIFFUSION RESTREINTE".len()
    );
}

/// A zip of one entry of 4095 MiB of zeros, built in memory: each MiB is
/// compressed with a full flush, which ends it on a byte boundary, so one
/// compressed MiB repeated makes a valid deflate stream of any length.
fn zeros_zip(mebibytes: u32) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut compress = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(1 << 16);
    compress
        .compress_vec(&zeros, &mut block, FlushCompress::Full)
        .unwrap();
    let mut end = Vec::with_capacity(64);
    compress
        .compress_vec(&[], &mut end, FlushCompress::Finish)
        .unwrap();
    let size = u32::try_from(u64::from(mebibytes) << 20).expect("under 4 GiB");
    let compressed = block.len() * mebibytes as usize + end.len();
    let name = b"zeros.bin";
    let mut zip = Vec::with_capacity(compressed + 200);
    // Local file header (the CRC is never reached: the scan stops first).
    zip.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    zip.extend_from_slice(&(compressed as u32).to_le_bytes());
    zip.extend_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip.extend_from_slice(name);
    for _ in 0..mebibytes {
        zip.extend_from_slice(&block);
    }
    zip.extend_from_slice(&end);
    let central_at = zip.len();
    zip.extend_from_slice(
        b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    );
    zip.extend_from_slice(&(compressed as u32).to_le_bytes());
    zip.extend_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
    zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    zip.extend_from_slice(name);
    let central_size = zip.len() - central_at;
    zip.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    zip.extend_from_slice(&(central_size as u32).to_le_bytes());
    zip.extend_from_slice(&(central_at as u32).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

#[test]
fn four_gibibytes_of_zeros_stop_at_the_per_entry_limit() {
    let bomb = zeros_zip(4095);
    assert!(
        bomb.len() < 16 << 20,
        "the bomb itself is small: {} bytes",
        bomb.len()
    );
    let report = Scanner::new().scan_bytes(&bomb, Some("bomb.zip"));
    assert_eq!(report.status.to_string(), "unscannable");
    assert_eq!(report.verdict.to_string(), "block");
    assert_eq!(
        serde_json::to_value(report.problems[0].code).unwrap(),
        "limit"
    );
    // Stopped by the first cap it met, the per-entry limit: no more than
    // 128 MiB of the 4 GiB were inflated. (Inflating is not counted in
    // steps; a cap checked after the fact would say something else, or
    // nothing: with the caps lifted, the same scan inflates it all and
    // reports a bad checksum.)
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0]
            .message
            .contains("inflates past 134217728 bytes, the per-entry limit"),
        "{:?}",
        report.problems
    );
}

#[test]
fn archive_entry_and_inflation_limits_from_the_policy_trip() {
    let bytes = std::fs::read(fixtures().join("documents/clean.zip")).unwrap();
    for (limit, problem) in [
        ("max_entries = 1", "more than 1 archive entries"),
        ("max_inflated_bytes = 10", "inflates past"),
    ] {
        let policy = vigie::Policy::from_toml(&format!("[limits]\n{limit}"), "test").unwrap();
        let report = Scanner::builder()
            .policy(policy)
            .build()
            .unwrap()
            .scan_bytes(&bytes, Some("clean.zip"));
        assert_eq!(report.verdict.to_string(), "block", "{limit}");
        assert!(
            report.problems.iter().any(|p| p.message.contains(problem)),
            "{limit}: {:?}",
            report.problems
        );
    }
    let unlimited = Scanner::new().scan_bytes(&bytes, Some("clean.zip"));
    assert_eq!(
        unlimited.verdict.to_string(),
        "allow",
        "the same archive passes under the default limits"
    );
}
