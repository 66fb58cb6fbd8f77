//! Properties that hold for any input: no panic, findings that point at
//! real text, markings found wherever they are put.

use std::sync::LazyLock;

use proptest::prelude::*;
use vigie::{Scanner, Status};

/// One scanner for every case, as a server would hold it.
static SCANNER: LazyLock<Scanner> = LazyLock::new(Scanner::new);

/// Characters that stress the normalizer: combining marks, zero-width,
/// look-alikes, ligatures, wide characters, line breaks and slashes.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            any::<char>().prop_map(String::from),
            Just("SECRET".to_string()),
            Just("diffusion".to_string()),
            Just("restreinte".to_string()),
            Just("TLP:".to_string()),
            Just("//".to_string()),
            Just("(S//NF)".to_string()),
            Just("\u{0301}".to_string()),
            Just("\u{200B}".to_string()),
            Just("\u{00AD}".to_string()),
            Just("ﬀ".to_string()),
            Just("С".to_string()),
            Just("İ".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("-\n".to_string()),
            Just("Classification : ".to_string()),
        ],
        0..60,
    );
    pieces.prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_gives_a_complete_report_with_valid_ranges(text in tricky_text()) {
        let report = SCANNER.scan_text(&text);
        prop_assert_eq!(report.status, Status::Complete);
        for finding in &report.findings {
            let (start, end) = (finding.location.start, finding.location.end);
            prop_assert!(start < end && end <= text.len());
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            prop_assert!(!finding.excerpt.is_empty());
        }
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        prop_assert!(json["findings"].is_array());
    }

    /// The scanner skips texts whose byte stream holds no literal; that
    /// stream must be the matching form itself, or a skipped text could hold
    /// a marking.
    #[test]
    fn the_screening_stream_is_the_matching_form(text in tricky_text()) {
        let mut streamed = Vec::new();
        let stopped = vigie::normalize::for_each_byte(&text, |byte, _| {
            streamed.push(byte);
            false
        });
        prop_assert!(!stopped);
        prop_assert_eq!(streamed, vigie::normalize::Normalized::new(&text).as_bytes().to_vec());
    }

    #[test]
    fn any_bytes_give_a_report(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let report = SCANNER.scan_bytes(&bytes, None);
        // Whatever could not be read is said, and then the verdict fails
        // closed.
        if report.status != Status::Complete {
            prop_assert!(!report.problems.is_empty());
            prop_assert_eq!(report.verdict, vigie::Verdict::Block);
        }
        prop_assert!(serde_json::from_str::<serde_json::Value>(&report.to_json()).is_ok());
    }

    #[test]
    fn a_marking_is_found_wherever_it_is_put(
        before in "[a-zà-ÿ ,.'!?0-9\n]{0,200}",
        after in "[a-zà-ÿ ,.'!?0-9\n]{0,200}",
    ) {
        let text = format!("{before} diffusion restreinte {after}");
        let report = SCANNER.scan_text(&text);
        let start = before.len() + 1;
        // Random words may make audit-only (low) findings: "cui" alone on a line.
        let found: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.confidence >= vigie::Confidence::Medium)
            .map(|f| (f.rule.as_str(), f.location.start, f.location.end))
            .collect();
        prop_assert_eq!(found, vec![("fr.diffusion-restreinte", start, start + 20)]);
    }
}
