//! Scans measured by dhat's heap profiler, for the test files that install
//! `dhat::Alloc` as their global allocator. The profiler is global to the
//! test binary, so measured tests take one lock ([`serial`]).

use std::sync::{Mutex, MutexGuard};

use vigie::report::Report;
use vigie::{Policy, Scanner};

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs the tests of one file one at a time (the heap profiler is global).
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Scans under `policy` with a heap profiler running: the report and the
/// peak heap, in bytes, above what was live when the scan started.
pub fn scan_measured(policy: &str, bytes: &[u8], name: &str) -> (Report, u64) {
    let _serial = serial();
    let policy = Policy::from_toml(policy, "test").unwrap();
    let scanner = Scanner::builder().policy(policy).build().unwrap();
    let _profiler = dhat::Profiler::builder().testing().build();
    let before = dhat::HeapStats::get();
    let report = scanner.scan_bytes(bytes, Some(name));
    let after = dhat::HeapStats::get();
    let peak = after.max_bytes.saturating_sub(before.curr_bytes) as u64;
    eprintln!("{name}: {} bytes in, peak heap {peak} bytes", bytes.len());
    (report, peak)
}
