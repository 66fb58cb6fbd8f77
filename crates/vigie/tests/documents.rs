//! Checks the attachment corpus of fixtures/documents/ (made by
//! fixtures/scripts/make_documents.py) against its expected results: the
//! verdict, the status, the findings at medium or high confidence with their
//! part and container path, and the problems.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;
use vigie::{Confidence, Scanner};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

#[test]
fn every_document_gets_its_expected_report() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("documents-expected.json")).unwrap(),
    )
    .unwrap();
    let scanner = Scanner::new();
    let mut failures = Vec::new();
    let expected = expected.as_object().unwrap();
    assert!(
        expected.len() >= 20,
        "the corpus holds {} documents",
        expected.len()
    );
    for (name, want) in expected {
        let path = fixtures().join("documents").join(name);
        let started = Instant::now();
        let report = scanner.scan_file(&path).unwrap();
        let elapsed = started.elapsed();
        // Each finding as its expected entry writes it: rule, part, the end
        // of its path, and its page when the entry names one.
        let wanted = want["findings"].as_array().unwrap();
        let findings: Vec<Value> = report
            .findings
            .iter()
            .filter(|f| f.confidence >= Confidence::Medium)
            .enumerate()
            .map(|(i, f)| {
                let path = f.location.path.join("/");
                let entry = wanted.get(i);
                let suffix = entry
                    .and_then(|w| w[2].as_str())
                    .filter(|suffix| path.ends_with(suffix))
                    .map_or(path.clone(), str::to_string);
                let mut found = serde_json::json!([f.rule, f.location.part, suffix]);
                if entry.is_some_and(|w| w.as_array().unwrap().len() == 4) {
                    found
                        .as_array_mut()
                        .unwrap()
                        .push(serde_json::json!(f.location.page));
                }
                found
            })
            .collect();
        let problems: Vec<Value> = report
            .problems
            .iter()
            .map(|p| serde_json::to_value(p.code).unwrap())
            .collect();
        let same = report.verdict.to_string() == want["verdict"]
            && report.status.to_string() == want["status"]
            && Value::Array(findings.clone()) == want["findings"]
            && problems
                .iter()
                .all(|p| want["problems"].as_array().unwrap().contains(p))
            && want["problems"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| problems.contains(p));
        if !same {
            failures.push(format!(
                "{name}: expected {want}\n    found verdict {} status {} findings {findings:?} problems {:?}",
                report.verdict, report.status, report.problems
            ));
        }
        // Hostile archives are answered quickly (a bound far above what a
        // healthy run takes, so only a hang or a runaway fails it).
        assert!(elapsed.as_secs() < 20, "{name} took {elapsed:?}");
    }
    assert!(
        failures.is_empty(),
        "{} documents differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
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

#[test]
fn documents_written_by_libreoffice_and_qpdf_get_their_expected_reports() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("documents-produced-expected.json")).unwrap(),
    )
    .unwrap();
    let scanner = Scanner::new();
    let mut failures = Vec::new();
    let expected = expected.as_object().unwrap();
    assert!(
        expected.len() >= 15,
        "the corpus holds {} documents",
        expected.len()
    );
    for (name, want) in expected {
        let report = scanner
            .scan_file(fixtures().join("documents/produced").join(name))
            .unwrap();
        // Rule, part and page of each finding at medium or high confidence;
        // the page only where the entry names one.
        let wanted = want["findings"].as_array().unwrap();
        let findings: Vec<Value> = report
            .findings
            .iter()
            .filter(|f| f.confidence >= Confidence::Medium)
            .enumerate()
            .map(|(i, f)| {
                let page_named = wanted.get(i).is_some_and(|w| !w[2].is_null());
                let page = if page_named {
                    serde_json::json!(f.location.page)
                } else {
                    Value::Null
                };
                serde_json::json!([f.rule, f.location.part, page])
            })
            .collect();
        let problems: Vec<Value> = report
            .problems
            .iter()
            .map(|p| serde_json::to_value(p.code).unwrap())
            .collect();
        let same = report.verdict.to_string() == want["verdict"]
            && report.status.to_string() == want["status"]
            && Value::Array(findings.clone()) == want["findings"]
            && Value::Array(problems.clone()) == want["problems"];
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
fn four_gibibytes_of_zeros_end_in_a_limit_problem_quickly() {
    let bomb = zeros_zip(4095);
    assert!(
        bomb.len() < 16 << 20,
        "the bomb itself is small: {} bytes",
        bomb.len()
    );
    let started = Instant::now();
    let report = Scanner::new().scan_bytes(&bomb, Some("bomb.zip"));
    assert_eq!(report.status.to_string(), "unscannable");
    assert_eq!(report.verdict.to_string(), "block");
    assert_eq!(
        serde_json::to_value(report.problems[0].code).unwrap(),
        "limit"
    );
    assert!(
        report.problems[0].message.contains("inflates past"),
        "{:?}",
        report.problems
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}
