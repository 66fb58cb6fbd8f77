#!/usr/bin/env python3
"""Messages per second of the Python binding, single-threaded (scan_text)
and on every core (scan_many), on the message corpus of fixtures/messages/,
beside the Rust API on the same corpus, so that the binding's overhead shows.

Run from the repository root, with the vigie wheel installed:
    python python/benches/bench_scan.py
"""

import glob
import json
import os
import pathlib
import subprocess
import time

import vigie

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = sorted(glob.glob(str(ROOT / "fixtures" / "messages" / "*.jsonl")))


def load():
    messages = []
    for path in CORPUS:
        with open(path, encoding="utf-8") as f:
            messages.extend(json.loads(line)["text"] for line in f)
    return messages


def rate(function, messages, seconds=2.0):
    function(messages)  # warm-up
    started, scanned = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        function(messages)
        scanned += len(messages)
    return scanned / (time.perf_counter() - started)


def main():
    messages = load()
    scanner = vigie.Scanner()
    single = rate(lambda ms: [scanner.scan_text(m) for m in ms], messages)
    many = rate(scanner.scan_many, messages)
    rust = json.loads(subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "vigie", "--example", "bench_messages", "--", *CORPUS],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)["messages_per_second"]
    threads = os.cpu_count()
    size = sum(len(m.encode()) for m in messages) / len(messages)
    print(f"corpus: {len(messages)} messages, {size:.0f} bytes on average")
    print(f"{'engine':<34} {'messages/s':>12}")
    print(f"{'Rust API, 1 thread':<34} {rust:>12,.0f}")
    print(f"{'Python scan_text, 1 thread':<34} {single:>12,.0f}   ({rust / single - 1:+.0%} time per message over Rust)")
    print(f"{f'Python scan_many, {threads} threads':<34} {many:>12,.0f}")


if __name__ == "__main__":
    main()
