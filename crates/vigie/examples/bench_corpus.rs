//! vigie's Rust API on the comparison corpus (benches/corpus/generate.py),
//! for benches/compare: messages per second and MB/s over the messages (all,
//! and the plain ones alone), MB/s over the bulk file and over the plain
//! messages one after another, seconds per PDF, the heap the compiled scanner holds,
//! and what was found (findings, and flagged messages by label) so that the
//! comparison is also a correctness check. Prints one JSON object.
//!
//! ```text
//! cargo run --release -p vigie --example bench_corpus -- \
//!     --messages target/bench/messages.jsonl --bulk target/bench/bulk.txt \
//!     --runs 5 [--pdf FILE]...
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use vigie::{Scanner, Verdict};

/// Counts the bytes allocated and not yet freed, to weigh the scanner.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same pointer and layout, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

struct Args {
    messages: String,
    bulk: Option<String>,
    pdfs: Vec<String>,
    runs: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        messages: String::new(),
        bulk: None,
        pdfs: Vec::new(),
        runs: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--messages" => args.messages = value,
            "--bulk" => args.bulk = Some(value),
            "--pdf" => args.pdfs.push(value),
            "--runs" => args.runs = value.parse().expect("--runs takes a number"),
            _ => panic!("unknown argument {flag}"),
        }
    }
    assert!(!args.messages.is_empty(), "--messages is required");
    args
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median seconds of `runs` runs of `work`.
fn time_runs(runs: usize, mut work: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                work();
                started.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let args = parse_args();
    let mut messages = Vec::new();
    let mut labels = Vec::new();
    for line in std::fs::read_to_string(&args.messages)
        .expect("a readable messages file")
        .lines()
    {
        let value: serde_json::Value = serde_json::from_str(line).expect("JSON Lines");
        messages.push(value["text"].as_str().expect("a text").to_string());
        labels.push(value["label"].as_str().unwrap_or("").to_string());
    }
    let bytes: usize = messages.iter().map(String::len).sum();

    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let started = Instant::now();
    // The bulk file holds thousands of findings: lift the cap on findings so
    // that all of it is scanned, as the other engines scan all of it.
    let policy = vigie::Policy::from_toml("[limits]\nmax_findings = 100000000", "<bench>")
        .expect("a valid policy");
    let scanner = Scanner::builder()
        .policy(policy)
        .build()
        .expect("the built-in rules");
    let build_seconds = started.elapsed().as_secs_f64();
    let scanner_bytes = LIVE_BYTES.load(Ordering::Relaxed) - before;

    // What is found, from one pass (which also warms the scratch buffers).
    let mut findings = 0usize;
    let mut flagged: BTreeMap<&str, usize> = BTreeMap::new();
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for (message, label) in messages.iter().zip(&labels) {
        let report = scanner.scan_text(message);
        findings += report.findings.len();
        *totals.entry(label).or_default() += 1;
        if report.verdict != Verdict::Allow {
            *flagged.entry(label).or_default() += 1;
        }
    }

    let seconds = time_runs(args.runs, || {
        for message in &messages {
            std::hint::black_box(scanner.scan_text(message));
        }
    });
    let clean: Vec<&String> = messages
        .iter()
        .zip(&labels)
        .filter(|(_, label)| *label == "clean")
        .map(|(message, _)| message)
        .collect();
    let clean_bytes: usize = clean.iter().map(|message| message.len()).sum();
    let clean_seconds = time_runs(args.runs, || {
        for message in &clean {
            std::hint::black_box(scanner.scan_text(message));
        }
    });

    // Clean bulk text: the plain messages only, one per line, to 16 MB.
    let mut clean_bulk = String::new();
    while !clean.is_empty() && clean_bulk.len() < 16_000_000 {
        for message in &clean {
            clean_bulk.push_str(message);
            clean_bulk.push('\n');
        }
    }
    let clean_bulk_seconds = time_runs(args.runs, || {
        std::hint::black_box(scanner.scan_text(&clean_bulk));
    });

    let bulk = args.bulk.as_ref().map(|path| {
        let text = std::fs::read_to_string(path).expect("a readable bulk file");
        let report = scanner.scan_text(&text);
        let seconds = time_runs(args.runs, || {
            std::hint::black_box(scanner.scan_text(&text));
        });
        serde_json::json!({
            "bytes": text.len(),
            "seconds": seconds,
            "mb_per_second": text.len() as f64 / seconds / 1e6,
            "findings": report.findings.len(),
            "status": report.status.to_string(),
        })
    });

    let pdfs: Vec<serde_json::Value> = args
        .pdfs
        .iter()
        .map(|path| {
            let data = std::fs::read(path).expect("a readable PDF");
            let report = scanner.scan_bytes(&data, Some(path));
            let seconds = time_runs(args.runs, || {
                std::hint::black_box(scanner.scan_bytes(&data, Some(path)));
            });
            serde_json::json!({
                "path": path,
                "seconds": seconds,
                "status": report.status.to_string(),
                "findings": report.findings.len(),
            })
        })
        .collect();

    let output = serde_json::json!({
        "messages": messages.len(),
        "bytes": bytes,
        "seconds": seconds,
        "messages_per_second": messages.len() as f64 / seconds,
        "mb_per_second": bytes as f64 / seconds / 1e6,
        "clean_messages": clean.len(),
        "clean_bytes": clean_bytes,
        "clean_messages_per_second": clean.len() as f64 / clean_seconds,
        "clean_bulk_bytes": clean_bulk.len(),
        "clean_bulk_mb_per_second": clean_bulk.len() as f64 / clean_bulk_seconds / 1e6,
        "findings": findings,
        "flagged": flagged,
        "totals": totals,
        "scanner_heap_bytes": scanner_bytes,
        "scanner_build_seconds": build_seconds,
        "bulk": bulk,
        "pdfs": pdfs,
    });
    println!("{output}");
}
