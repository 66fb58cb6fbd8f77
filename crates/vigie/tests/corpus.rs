//! Checks the message corpus of fixtures/messages/ (made by
//! fixtures/scripts/make_messages.py): every marking form in every evasion,
//! the context rules, and the ordinary-word traps.

use std::path::PathBuf;

use serde_json::Value;
use vigie::Scanner;

fn corpus(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/messages")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| serde_json::from_str(line).expect("a corpus line is JSON"))
        .collect()
}

/// Scans every message of a corpus file and returns one line per mismatch.
fn mismatches(name: &str) -> (usize, Vec<String>) {
    let scanner = Scanner::new();
    let messages = corpus(name);
    let mut failures = Vec::new();
    for message in &messages {
        let id = message["id"].as_str().unwrap();
        let text = message["text"].as_str().unwrap();
        let report = scanner.scan_text(text);
        let found: Vec<(String, u64, u64, String)> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.clone(),
                    f.location.start as u64,
                    f.location.end as u64,
                    f.confidence.to_string(),
                )
            })
            .collect();
        let expected = message["expect"].as_array().unwrap();
        let same_findings = found.len() == expected.len()
            && found
                .iter()
                .zip(expected)
                .all(|((rule, start, end, confidence), e)| {
                    e["rule"] == rule.as_str()
                        && e["start"] == *start
                        && e["end"] == *end
                        && e.get("confidence").is_none_or(|c| c == confidence.as_str())
                });
        let verdict_ok = message
            .get("verdict")
            .is_none_or(|v| *v == report.verdict.to_string());
        if !same_findings || !verdict_ok {
            failures.push(format!(
                "{id}: {text:?}\n    expected {expected:?} verdict {:?}\n    found    {found:?} verdict {}\n    reasons  {:?}",
                message.get("verdict"),
                report.verdict,
                report.findings.iter().map(|f| &f.reason).collect::<Vec<_>>()
            ));
        }
    }
    (messages.len(), failures)
}

fn check(name: &str, at_least: usize) {
    let (count, failures) = mismatches(name);
    assert!(
        count >= at_least,
        "{name} holds {count} messages; regenerate it"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} messages of {name} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_marking_form_is_found_in_every_evasion() {
    check("evasions.jsonl", 2100);
}

#[test]
fn context_rules_give_the_expected_confidence_and_verdict() {
    check("contexts.jsonl", 25);
}

#[test]
fn ordinary_words_are_not_markings() {
    check("traps.jsonl", 120);
}

#[test]
fn markings_are_read_as_people_write_them() {
    check("banners.jsonl", 150);
}

#[test]
fn sensitive_data_is_found_when_valid_and_only_then() {
    check("data.jsonl", 120);
}

#[test]
fn credentials_as_people_paste_them_are_found_and_placeholders_are_not() {
    check("tokens.jsonl", 120);
}

#[test]
fn credentials_are_found_as_people_type_them_and_only_then() {
    check("credentials.jsonl", 150);
}

/// The corpora of sensitive data: values and the traps beside them.
fn data_corpora() -> Vec<Value> {
    let mut messages = corpus("data.jsonl");
    messages.extend(corpus("tokens.jsonl"));
    messages.extend(corpus("credentials.jsonl"));
    messages
}

#[test]
fn excerpts_never_hold_a_full_sensitive_value() {
    let scanner = Scanner::new();
    for message in data_corpora() {
        let text = message["text"].as_str().unwrap();
        for finding in scanner.scan_text(text).findings {
            if finding.kind == vigie::Kind::Marking {
                continue;
            }
            let value = &text[finding.location.start..finding.location.end];
            let compact: String = value.chars().filter(|c| c.is_alphanumeric()).collect();
            let shown: String = finding
                .excerpt
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            assert!(
                !shown.contains(&compact) || compact.len() <= 4,
                "{}: excerpt {:?} shows the value {value:?}",
                finding.rule,
                finding.excerpt
            );
            assert!(
                !finding.reason.contains(&compact),
                "{}: reason shows the value",
                finding.rule
            );
        }
    }
}

#[test]
fn every_data_rule_has_valid_and_invalid_samples() {
    let scanner = Scanner::new();
    let messages = data_corpora();
    for rule in scanner
        .rules()
        .rules()
        .iter()
        .filter(|r| r.kind != vigie::Kind::Marking)
    {
        let reported = messages.iter().any(|m| {
            m["expect"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["rule"] == rule.id.as_str())
        });
        let refused = messages.iter().any(|m| {
            m["id"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}/", rule.id))
                && m["expect"].as_array().unwrap().is_empty()
        });
        assert!(reported, "no valid sample of {}", rule.id);
        assert!(refused, "no invalid sample of {}", rule.id);
    }
}

#[test]
fn the_evasion_corpus_covers_every_marking_rule() {
    let scanner = Scanner::new();
    let covered: std::collections::HashSet<String> = corpus("evasions.jsonl")
        .iter()
        .flat_map(|m| m["expect"].as_array().unwrap().clone())
        .map(|e| e["rule"].as_str().unwrap().to_string())
        .collect();
    let markings = scanner
        .rules()
        .rules()
        .iter()
        .filter(|r| r.kind == vigie::Kind::Marking);
    for rule in markings {
        assert!(
            covered.contains(&rule.id),
            "no evasion case for {}",
            rule.id
        );
    }
}

/// Git hashes, SHA-256 digests and UUIDs hold digit runs of every length:
/// none of them is a telephone number or any other personal data, whatever
/// digits they happen to hold (a thousand of each, drawn from a fixed seed).
#[test]
fn hexadecimal_ids_are_never_personal_data() {
    let scanner = Scanner::new();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut hex = |n: usize, digits_only: bool| -> String {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let nibble = (state >> 32) as u32 % if digits_only { 10 } else { 16 };
                char::from_digit(nibble, 16).unwrap()
            })
            .collect()
    };
    for i in 0..1000 {
        // Ids drawn from hex digits, and from decimal digits only: the worst
        // case, digits that a number pattern could read.
        let digits_only = i % 4 == 0;
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            hex(8, digits_only),
            hex(4, digits_only),
            hex(4, digits_only),
            hex(4, digits_only),
            hex(12, digits_only)
        );
        for text in [
            format!(
                "Corrigé dans le commit {}, à déployer",
                hex(40, digits_only)
            ),
            format!("image digest sha256:{} pulled", hex(64, digits_only)),
            format!("SHA-256: {}", hex(64, digits_only).to_uppercase()),
            format!("request id {uuid} failed"),
            format!("trace {}", uuid.to_uppercase()),
        ] {
            let report = scanner.scan_text(&text);
            let personal: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.kind == vigie::Kind::Pii)
                .map(|f| &f.rule)
                .collect();
            assert!(personal.is_empty(), "{text:?}: {personal:?}");
        }
    }
}
