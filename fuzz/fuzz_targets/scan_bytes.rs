//! Any bytes, scanned as an attachment and as text: no panic, no hang, and
//! every finding points inside the text on character boundaries.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use vigie::Scanner;

static SCANNER: LazyLock<Scanner> = LazyLock::new(Scanner::new);

fuzz_target!(|data: &[u8]| {
    let report = SCANNER.scan_bytes(data, None);
    assert!(report.findings.len() <= SCANNER.policy().limits.max_findings);
    let text = String::from_utf8_lossy(data);
    let report = SCANNER.scan_text(&text);
    for finding in &report.findings {
        let (start, end) = (finding.location.start, finding.location.end);
        assert!(start < end && end <= text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    }
});
