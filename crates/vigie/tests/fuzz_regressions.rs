//! The inputs the fuzzers once broke vigie with, replayed by the normal test
//! run: every file under `fuzz/regressions/<target>/` goes through its
//! target exactly as the fuzzer ran it (the fuzz crate's `targets.rs`,
//! `invariants.rs` and `build.rs`, included here), and through
//! `Scanner::scan_bytes` and `Scanner::scan_text` as it is, under the
//! report's invariants. The fuzzers' counting allocator is this binary's
//! allocator too, so an input that once needed an attacker-sized allocation
//! aborts the test.
//!
//! One test per target, so that nextest runs each in its own process and an
//! abort in one (a stack overflow in a parser) leaves the others' results.

#[path = "../../../fuzz/src/alloc.rs"]
mod alloc;
#[path = "../../../fuzz/src/build.rs"]
mod build;
#[path = "../../../fuzz/src/invariants.rs"]
mod invariants;
#[path = "../../../fuzz/src/targets.rs"]
mod targets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use targets::{SCANNER, Target};

#[global_allocator]
static ALLOC: alloc::Capped = alloc::Capped;

/// `fuzz/regressions/`.
fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions")
}

/// The saved inputs of `target`, sorted.
fn inputs(target: Target) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(regressions().join(target.name())) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable folder").path())
        .filter(|p| p.is_file() && p.file_name().is_none_or(|n| n != "README.md"))
        .collect();
    paths.sort();
    paths
}

/// Replays every saved input of `target`; fails listing each input that
/// breaks an invariant, with the broken promise.
fn replay(target: Target) {
    let mut failures = Vec::new();
    for path in inputs(target) {
        let data = std::fs::read(&path).expect("a readable input");
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            target.check(&data);
            invariants::check_bytes(&SCANNER, &data);
        }));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            let shown: String = message.chars().take(400).collect();
            failures.push(format!("{}: {shown}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} input(s) of fuzz/regressions/{} break vigie:\n{}",
        failures.len(),
        target.name(),
        failures.join("\n")
    );
}

macro_rules! replay_tests {
    ($($test:ident: $target:ident,)*) => {
        $(
            #[test]
            fn $test() {
                replay(Target::$target);
            }
        )*

        /// Every target has its test above.
        const TESTED: &[Target] = &[$(Target::$target),*];
    };
}

replay_tests! {
    scan_bytes_regressions: ScanBytes,
    text_regressions: Text,
    normalize_regressions: Normalize,
    pdf_regressions: Pdf,
    ooxml_regressions: Ooxml,
    odf_regressions: Odf,
    zip_regressions: Zip,
    email_regressions: Email,
    html_regressions: Html,
    rtf_regressions: Rtf,
    image_regressions: Image,
    policy_regressions: Policy,
    rule_pack_regressions: RulePack,
}

#[test]
fn every_target_and_every_folder_is_replayed() {
    assert_eq!(TESTED, Target::ALL, "a target without its replay test");
    for entry in std::fs::read_dir(regressions()).expect("fuzz/regressions exists") {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            let name = entry.file_name().into_string().unwrap();
            assert!(
                Target::from_name(&name).is_some(),
                "fuzz/regressions/{name} is named after no target"
            );
        }
    }
}

/// The checks can fail: a report that breaks each invariant is caught.
#[test]
fn the_invariants_catch_broken_reports() {
    let text = "Mention : DR\nCompte rendu de la réunion.";
    let policy = SCANNER.policy();
    let good = SCANNER.scan_text(text);
    assert!(!good.findings.is_empty());
    let segment = vigie::extract::Segment {
        text: text.to_string(),
        part: vigie::Part::Body,
        page: None,
        path: Vec::new(),
        pixels: None,
    };
    invariants::check_report(&good, std::slice::from_ref(&segment), policy);

    let breaks = |report: vigie::Report| {
        catch_unwind(AssertUnwindSafe(|| {
            invariants::check_report(&report, std::slice::from_ref(&segment), policy)
        }))
        .is_err()
    };
    let mut outside = good.clone();
    outside.findings[0].location.end = text.len() + 1;
    assert!(breaks(outside), "a finding past the end of the text");
    let mut mid_char = good.clone();
    mid_char.findings[0].location.start = text.find('é').unwrap() + 1;
    mid_char.findings[0].location.end = text.len();
    assert!(breaks(mid_char), "a finding inside a character");
    let mut wrong_part = good.clone();
    wrong_part.findings[0].location.part = vigie::Part::Header;
    assert!(
        breaks(wrong_part),
        "a finding in a part that was not scanned"
    );
    let mut complete_with_problem = good.clone();
    complete_with_problem.problems.push(vigie::Problem {
        code: vigie::ProblemCode::Corrupt,
        message: "damaged".into(),
    });
    assert!(
        breaks(complete_with_problem),
        "a complete report with a problem"
    );
    let mut lenient = good.clone();
    lenient.verdict = vigie::Verdict::Allow;
    assert!(breaks(lenient), "a verdict the findings do not give");
}
