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
    assert!(expected.len() >= 15, "the corpus holds {} documents", expected.len());
    for (name, want) in expected {
        let report = scanner.scan_file(fixtures().join("documents/produced").join(name)).unwrap();
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
                let page = if page_named { serde_json::json!(f.location.page) } else { Value::Null };
                serde_json::json!([f.rule, f.location.part, page])
            })
            .collect();
        let problems: Vec<Value> = report.problems.iter().map(|p| serde_json::to_value(p.code).unwrap()).collect();
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
    assert!(failures.is_empty(), "{} documents differ:\n{}", failures.len(), failures.join("\n"));
}
