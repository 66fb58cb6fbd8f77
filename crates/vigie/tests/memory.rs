//! Peak memory does not grow with what a text holds: 8 MB full of things
//! that open the gates of data rules (digits, `@`, keywords) and of
//! marking-like words is scanned with a heap that stays near the size of the
//! text itself. One test in this file: dhat's profiler is one per process.

use vigie::{Policy, Scanner, Status};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

#[test]
fn hostile_text_is_scanned_in_bounded_memory() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let policy = Policy::from_toml("[limits]\nmax_findings = 1000000", "test").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let unit = "1234567 @@ token x secret de la note (x//y) ";
    let text = unit.repeat((8 << 20) / unit.len());
    let before = dhat::HeapStats::get();
    let report = scanner.scan_text(&text);
    let after = dhat::HeapStats::get();
    assert_eq!(report.status, Status::Complete);
    assert!(
        report.findings.is_empty(),
        "{:?}",
        &report.findings[..3.min(report.findings.len())]
    );
    let peak_over_text = after.max_bytes.saturating_sub(before.curr_bytes);
    assert!(
        peak_over_text < 8 << 20,
        "scanning 8 MB took {peak_over_text} bytes of heap beyond the text"
    );
}
