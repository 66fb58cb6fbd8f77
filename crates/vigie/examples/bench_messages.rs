//! Messages per second of the Rust API on a corpus of messages, one per line
//! of JSON Lines files with a "text" field (the fixtures under
//! fixtures/messages/). The Python benchmark (python/benches/bench_scan.py)
//! runs it to measure the binding's overhead on the same corpus.
//!
//! ```text
//! cargo run --release --example bench_messages -- fixtures/messages/*.jsonl
//! ```

use std::time::Instant;

fn main() {
    let mut messages = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("a readable corpus file");
        for line in text.lines() {
            let value: serde_json::Value =
                serde_json::from_str(line).expect("one JSON object per line");
            messages.push(value["text"].as_str().expect("a text field").to_string());
        }
    }
    assert!(
        !messages.is_empty(),
        "usage: bench_messages CORPUS.jsonl..."
    );
    let scanner = vigie::Scanner::new();
    // Warm up, then time whole passes over the corpus for about two seconds.
    for message in &messages {
        scanner.scan_text(message);
    }
    let started = Instant::now();
    let mut scanned = 0usize;
    while started.elapsed().as_secs_f64() < 2.0 {
        for message in &messages {
            std::hint::black_box(scanner.scan_text(message));
        }
        scanned += messages.len();
    }
    let rate = scanned as f64 / started.elapsed().as_secs_f64();
    println!(
        "{{\"messages\": {}, \"messages_per_second\": {rate:.0}}}",
        messages.len()
    );
}
