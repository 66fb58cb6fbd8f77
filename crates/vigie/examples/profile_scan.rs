//! Scans one file many times, for profilers: wall-clock figures come from
//! the criterion bench (`cargo bench -p vigie --bench scan`); this is for
//! counting instructions, which is repeatable on a busy machine:
//!
//! ```text
//! cargo build --release --example profile_scan
//! valgrind --tool=callgrind target/release/examples/profile_scan FILE 10000 scan
//! ```
//!
//! Modes: `scan` (the whole pipeline) or `normalize` (the matching form only).

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, count, mode] = &args[..] else {
        eprintln!("usage: profile_scan FILE COUNT scan|normalize");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).expect("a readable UTF-8 file");
    let count: usize = count.parse().expect("a count");
    let scanner = vigie::Scanner::new();
    let mut normalized = vigie::normalize::Normalized::default();
    let mut findings = 0;
    let start = Instant::now();
    for _ in 0..count {
        match mode.as_str() {
            "scan" => findings += scanner.scan_text(&text).findings.len(),
            "normalize" => normalized.rebuild(&text),
            _ => panic!("mode is scan or normalize"),
        }
    }
    let per_call = start.elapsed().as_secs_f64() * 1e6 / count as f64;
    println!(
        "{mode}: {} bytes, {per_call:.3} µs a call, {findings} findings",
        text.len()
    );
}
