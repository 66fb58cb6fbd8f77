#!/usr/bin/env python3
"""vigie beside Python re, Hyperscan and Presidio, on one corpus, one core.

Run through benches/compare/run, which makes the virtual environment, builds
vigie (the Rust benchmark binary and the Python wheel), generates the corpus
and pins everything to one core. This script measures every engine on the
same messages, bulk text and patterns (benches/corpus/patterns.json), takes
the median of several runs, and writes benches/results/compare.{md,json} and
benches/results/throughput.png.

Every engine also reports what it found: the number of matches, and how many
messages of each label (the generator's ground truth: marking, data, trap,
clean) it flagged. A flagged "trap" or "clean" message is a false alarm; an
unflagged "marking" or "data" message is a miss. vigie flags a message when
its verdict under the default policy is not "allow"; the regex engines flag
it on any match.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benches" / "results"
LABELS = ["marking", "data", "trap", "clean"]


def seconds_of(work):
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


class Engine:
    """One engine: what it found (counted once, before timing), and the
    passes to time. `rounds` caps how many timed passes it gets (the slow
    engines get fewer)."""

    def __init__(self, name, note, messages, nbytes, matches, flagged,
                 messages_pass, bulk_pass=None, rounds=None):
        self.name, self.note = name, note
        self.messages, self.nbytes = messages, nbytes
        self.matches, self.flagged = matches, flagged
        self.messages_pass, self.bulk_pass = messages_pass, bulk_pass
        self.rounds = rounds
        self.times, self.bulk_times = [], []


def measure(engines, runs, bulk_bytes):
    """Times the engines in rounds, each round one pass of every engine in
    turn, so that a slow spell of this shared machine falls on all of them
    rather than on whichever ran then; the median of each engine's passes."""
    for round_index in range(runs):
        for engine in engines:
            if engine.rounds is not None and round_index >= engine.rounds:
                continue
            print(f"   round {round_index + 1}: {engine.name}", file=sys.stderr, flush=True)
            engine.times.append(engine.messages_pass())
            if engine.bulk_pass is not None:
                engine.bulk_times.append(engine.bulk_pass())
    results = []
    for engine in engines:
        seconds = statistics.median(engine.times)
        bulk = (bulk_bytes / statistics.median(engine.bulk_times) / 1e6
                if engine.bulk_times else None)
        results.append(result(engine.name, engine.messages, seconds, engine.nbytes,
                              engine.matches, engine.flagged, bulk=bulk, note=engine.note))
    return results


def load_messages(path):
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [item["text"] for item in items], [item["label"] for item in items]


def tally(labels, flagged_indexes):
    counts = dict.fromkeys(LABELS, 0)
    for index in flagged_indexes:
        counts[labels[index]] += 1
    return counts


def result(name, messages, seconds, nbytes, matches, flagged, bulk=None, note=""):
    return {
        "engine": name,
        "messages": messages,
        "messages_per_second": messages / seconds,
        "mb_per_second": nbytes / seconds / 1e6,
        "matches": matches,
        "flagged": flagged,
        "bulk_mb_per_second": bulk,
        "note": note,
    }


# ------------------------------------------------------------------ engines


class RustRounds:
    """vigie's Rust API, measured by its benchmark binary: one run of the
    binary per round (messages, plain messages, bulk file, plain bulk), the
    PDFs once at the end. The medians of the rounds are kept in `figures`."""

    def __init__(self, args, corpus):
        self.base = [str(args.rust_binary), "--messages", str(corpus / "messages.jsonl")]
        self.bulk = ["--bulk", str(corpus / "bulk.txt")]
        self.args = args
        self.rounds = []

    def run(self, extra):
        out = subprocess.run(self.base + extra, check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    def engine(self):
        first = self.run(["--runs", "1"])
        flagged = {label: first["flagged"].get(label, 0) for label in LABELS}

        def messages_pass():
            self.rounds.append(self.run(self.bulk + ["--runs", "1"]))
            return self.rounds[-1]["seconds"]

        return Engine("vigie (Rust API)", "normalizes, qualifies context, validates; offsets",
                      first["messages"], first["bytes"], first["findings"], flagged,
                      messages_pass, lambda: self.rounds[-1]["bulk"]["seconds"])

    def figures(self):
        """The last round's output with every timing replaced by the median
        of the rounds, and the PDFs timed."""
        out = dict(self.rounds[-1])

        def median(key):
            return statistics.median(r[key] for r in self.rounds)

        out["seconds"] = median("seconds")
        out["messages_per_second"] = out["messages"] / out["seconds"]
        out["clean_messages_per_second"] = median("clean_messages_per_second")
        out["clean_bulk_mb_per_second"] = median("clean_bulk_mb_per_second")
        out["bulk"] = dict(out["bulk"], mb_per_second=statistics.median(
            r["bulk"]["mb_per_second"] for r in self.rounds))
        pdfs = []
        for pdf in self.args.pdfs:
            pdfs += ["--pdf", str(pdf)]
        out["pdfs"] = self.run(pdfs + ["--runs", str(self.args.runs)])["pdfs"] if pdfs else []
        return out


def vigie_python(messages, labels, bulk):
    import vigie

    scanner = vigie.Scanner(policy={"limits": {"max_findings": 100_000_000}})
    nbytes = sum(len(m.encode("utf-8")) for m in messages)
    reports = [scanner.scan_text(m) for m in messages]
    flagged = tally(labels, [i for i, r in enumerate(reports) if r.verdict != "allow"])
    matches = sum(len(r.findings) for r in reports)
    # 100,000 live reports would make every garbage collection during the
    # timed passes slower; a caller keeps one report at a time.
    del reports

    def per_message():
        scan = scanner.scan_text
        for m in messages:
            scan(m)

    return [
        Engine("vigie (Python, scan_text)", "a Report object per message", len(messages), nbytes,
               matches, flagged, lambda: seconds_of(per_message),
               lambda: seconds_of(lambda: scanner.scan_text(bulk))),
        Engine("vigie (Python, scan_many)", "one call for the whole list, one thread",
               len(messages), nbytes, matches, flagged,
               lambda: seconds_of(lambda: scanner.scan_many(messages))),
    ]


def python_re(runs, patterns, messages, labels, bulk):
    literals = sorted({p["text"] for p in patterns["literals"]}, key=len, reverse=True)
    parts = [r"(?i:\b(?:" + "|".join(re.escape(t) for t in literals) + r")\b)"]
    for p in patterns["regexes"]:
        regex = p["regex"]
        parts.append("(?i:" + regex[4:] + ")" if regex.startswith("(?i)") else "(?:" + regex + ")")
    combined = re.compile("|".join(parts))
    nbytes = sum(len(m.encode("utf-8")) for m in messages)
    found = [[m.span() for m in combined.finditer(text)] for text in messages]
    flagged = tally(labels, [i for i, spans in enumerate(found) if spans])
    matches = sum(len(spans) for spans in found)

    def per_message():
        for text in messages:
            for m in combined.finditer(text):
                m.span()

    return Engine("Python re (one alternation)",
                  "case-insensitive literals, no normalization or validation; offsets",
                  len(messages), nbytes, matches, flagged, lambda: seconds_of(per_message),
                  lambda: seconds_of(lambda: sum(1 for _ in combined.finditer(bulk))),
                  rounds=max(1, runs // 2))


def hyperscan_engines(patterns, messages, labels, bulk):
    import hyperscan

    expressions, flags = [], []
    # No HS_FLAG_UCP: Hyperscan refuses \b in UCP mode. Word boundaries and
    # case folding are then ASCII's, as vigie's own `\b` in data regexes.
    base = hyperscan.HS_FLAG_UTF8
    for p in patterns["literals"]:
        expressions.append((r"\b" + re.escape(p["text"]) + r"\b").encode("utf-8"))
        flags.append(base | hyperscan.HS_FLAG_CASELESS)
    for p in patterns["regexes"]:
        # Hyperscan refuses some of vigie's bounded repeats as too large
        # ("{4,128}" after a Unicode class, "{1,20}" inside "{0,4}"); above
        # 16 they become unbounded, which can only add matches.
        regex = re.sub(r"\{(\d+),(\d+)\}",
                       lambda m: m[0] if int(m[2]) <= 16 else "{%s,}" % m[1], p["regex"])
        extra = 0
        if regex.startswith("(?i)"):
            regex, extra = regex[4:], hyperscan.HS_FLAG_CASELESS
        expressions.append(regex.encode("utf-8"))
        flags.append(base | extra)
    encoded = [m.encode("utf-8") for m in messages]
    bulk_bytes = bulk.encode("utf-8")
    nbytes = sum(len(m) for m in encoded)
    out = []
    for name, extra, note in [
        ("Hyperscan (no offsets)", hyperscan.HS_FLAG_SINGLEMATCH,
         "one event per pattern per message, end offsets only"),
        ("Hyperscan (start offsets)", hyperscan.HS_FLAG_SOM_LEFTMOST,
         "every match with its start offset"),
    ]:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=expressions, ids=list(range(len(expressions))),
                   elements=len(expressions), flags=[f | extra for f in flags])
        counts = [0] * len(encoded)

        def on_match(pattern_id, start, end, match_flags, context):
            counts[context] += 1

        for i, data in enumerate(encoded):
            db.scan(data, match_event_handler=on_match, context=i)
        flagged = tally(labels, [i for i, n in enumerate(counts) if n])
        matches = sum(counts)

        def per_message(db=db, on_match=on_match):
            for i, data in enumerate(encoded):
                db.scan(data, match_event_handler=on_match, context=i)

        def bulk_pass(db=db):
            return seconds_of(lambda: db.scan(bulk_bytes, match_event_handler=lambda *a: None))

        out.append(Engine(name, note, len(messages), nbytes, matches, flagged,
                          lambda per_message=per_message: seconds_of(per_message), bulk_pass))
    return out


def presidio(args, runs, patterns, messages, labels, blank_model):
    import logging

    import tldextract

    # Presidio's e-mail recognizer asks tldextract, which would fetch the
    # public suffix list from the network; use the snapshot it ships.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())

    from presidio_analyzer import AnalyzerEngine, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": str(blank_model)}],
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    registry.recognizers = [r for r in registry.recognizers if isinstance(r, PatternRecognizer)]
    registry.add_recognizer(PatternRecognizer(
        supported_entity="MARKING", supported_language="en",
        deny_list=sorted({p["text"] for p in patterns["literals"]})))
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])

    subset = messages[: args.presidio_messages]
    sub_labels = labels[: len(subset)]
    found = [analyzer.analyze(text=text, language="en") for text in subset]
    flagged = tally(sub_labels, [i for i, hits in enumerate(found) if hits])
    matches = sum(len(hits) for hits in found)
    nbytes = sum(len(m.encode("utf-8")) for m in subset)
    recognizers = len(registry.recognizers)
    return Engine("Presidio (pattern recognizers)",
                  f"{recognizers} pattern recognizers incl. the markings as a deny list; "
                  f"first {len(subset)} messages",
                  len(subset), nbytes, matches, flagged,
                  lambda: seconds_of(lambda: [analyzer.analyze(text=t, language="en")
                                              for t in subset]),
                  rounds=max(1, runs // 2))


def pymupdf_pages(args):
    import pymupdf

    rows = []
    for path in args.pdfs:
        with pymupdf.open(path) as doc:
            pages = doc.page_count

        def extract():
            with pymupdf.open(path) as doc:
                for page in doc:
                    page.get_text()

        rows.append({"path": str(path), "pages": pages,
                     "seconds": statistics.median(seconds_of(extract) for _ in range(args.runs))})
    return rows


# ------------------------------------------------------------------ report


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def markdown(results, pdf_rows, rust, meta, totals):
    lines = [
        "# vigie beside Python re, Hyperscan and Presidio",
        "",
        f"Made by `benches/compare/run` on {meta['date']}: {meta['cpu']}, one core "
        f"(`taskset -c {meta['core']}`), Python {meta['python']}, medians of {meta['runs']} timed "
        "passes (half as many for re and Presidio), taken in rounds of one pass of every engine "
        "in turn, so that a slow spell of this shared machine falls on all engines alike. A "
        "figure can still move by a fifth or more from one run to the next.",
        "",
        f"Corpus (`benches/corpus/generate.py`, fixed seed): {meta['messages']:,} chat messages "
        f"(median {meta['median_bytes']} bytes; {totals['marking']:,} with a marking, "
        f"{totals['data']:,} with sensitive data, {totals['trap']:,} with an ordinary-word trap, "
        f"{totals['clean']:,} plain), and {meta['bulk_mb']:.0f} MB of bulk text made of them. "
        f"Patterns (`benches/corpus/patterns.json`): {meta['literals']} marking literals and "
        f"{meta['regexes']} data regexes, the same for every engine.",
        "",
        "| engine | messages/s | MB/s (messages) | MB/s (bulk) | matches | markings flagged | "
        "data flagged | traps flagged (false) | plain flagged (false) | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        total = {label: totals[label] if r["messages"] == meta["messages"] else None
                 for label in LABELS}

        def cell(label):
            n = r["flagged"][label]
            if total[label]:
                return f"{n:,} ({100 * n / total[label]:.0f}%)"
            return f"{n:,}"

        lines.append(
            f"| {r['engine']} | {fmt(r['messages_per_second'])} | {fmt(r['mb_per_second'], 1)} | "
            f"{fmt(r['bulk_mb_per_second'], 1)} | {r['matches']:,} | {cell('marking')} | "
            f"{cell('data')} | {cell('trap')} | {cell('clean')} | {r['note']} |")
    lines += targets(results, pdf_rows, rust)
    lines += [
        "",
        "## PDF text extraction",
        "",
        "| file | pages | PyMuPDF pages/s (text only) | vigie pages/s (extraction and scan) |",
        "|---|---:|---:|---:|",
    ]
    for row, ours in zip(pdf_rows, rust["pdfs"]):
        lines.append(f"| `{row['path']}` | {row['pages']} | "
                     f"{fmt(row['pages'] / row['seconds'])} | {fmt(row['pages'] / ours['seconds'])} |")
    lines += [
        "",
        "## vigie's own figures",
        "",
        f"- Plain messages only (no trap, marking or data): "
        f"{fmt(rust['clean_messages_per_second'])} messages/s "
        f"({rust['clean_bytes'] / rust['clean_messages']:.0f} bytes on average).",
        f"- Compiled scanner (built-in rules): {rust['scanner_heap_bytes'] / 1e6:.1f} MB of heap, "
        f"built in {rust['scanner_build_seconds'] * 1000:.0f} ms.",
        "",
    ]
    return "\n".join(lines)


def targets(results, pdf_rows, rust):
    """The targets of issue 8, each with what this run measured and how far
    from it that is. The reasons for the gaps are in benches/README.md."""
    by_name = {r["engine"]: r for r in results}
    python = by_name["vigie (Python, scan_text)"]["messages_per_second"]
    hs_plain = by_name["Hyperscan (no offsets)"]["messages_per_second"]
    hs_offsets = by_name["Hyperscan (start offsets)"]["messages_per_second"]
    plain = rust["clean_messages_per_second"]
    bulk = rust["bulk"]["mb_per_second"]
    clean_bulk = rust["clean_bulk_mb_per_second"]
    # PyMuPDF's time over vigie's, on the file where vigie does worst.
    pdf_ratio = min(row["seconds"] / ours["seconds"] for row, ours in zip(pdf_rows, rust["pdfs"]))
    heap = rust["scanner_heap_bytes"] / 1e6

    def verdict(ratio):
        return "met" if ratio >= 1 else f"not met: {100 * ratio:.0f}% of it"

    rows = [
        ("Python `scan_text` at least as fast as Hyperscan's Python binding, with offsets",
         f"{python:,.0f} vs {hs_offsets:,.0f} messages/s", verdict(python / hs_offsets)),
        ("... and as Hyperscan without offsets (one event per pattern)",
         f"{python:,.0f} vs {hs_plain:,.0f} messages/s", verdict(python / hs_plain)),
        ("Rust API: 1,000,000 clean messages/s",
         f"{plain:,.0f} plain corpus messages/s ({rust['clean_bytes'] / rust['clean_messages']:.0f} bytes)",
         verdict(plain / 1e6)),
        ("Bulk clean text: 1 GB/s",
         f"{clean_bulk:,.0f} MB/s over the plain messages end to end ({bulk:,.0f} MB/s over "
         "the whole bulk file, markings and data included)", verdict(clean_bulk / 1000)),
        ("PDF text faster than PyMuPDF", f"{pdf_ratio:.1f}× PyMuPDF's speed on the slowest file",
         verdict(pdf_ratio)),
        ("Compiled scanner under 20 MB", f"{heap:.1f} MB of heap", verdict(20 / heap)),
    ]
    lines = ["", "## Targets (issue 8)", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", "Why the gaps are where they are, with profiles: `benches/README.md`."]
    return lines


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["engine"] for r in results]
    rates = [r["messages_per_second"] for r in results]
    bulk = [r["bulk_mb_per_second"] or 0 for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5))
    colors = ["#1f6f43" if n.startswith("vigie") else "#888888" for n in names]
    left.barh(names, rates, color=colors)
    left.set_xscale("log")
    left.set_xlabel("messages per second, one core (log scale)")
    left.invert_yaxis()
    for y, rate in enumerate(rates):
        left.text(rate, y, f" {rate:,.0f}", va="center", fontsize=8)
    right.barh(names, bulk, color=colors)
    right.set_xlabel("bulk text, MB/s, one core")
    right.invert_yaxis()
    right.set_yticklabels([])
    for y, rate in enumerate(bulk):
        right.text(rate, y, f" {rate:,.0f}" if rate else " not measured", va="center", fontsize=8)
    fig.suptitle("Throughput by engine (same corpus, same patterns)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--rust-binary", type=Path, required=True)
    parser.add_argument("--blank-model", type=Path, required=True)
    parser.add_argument("--pdfs", type=Path, nargs="+", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presidio-messages", type=int, default=5000)
    parser.add_argument("--core", default="0")
    args = parser.parse_args()

    patterns = json.loads((ROOT / "benches" / "corpus" / "patterns.json").read_text("utf-8"))
    messages, labels = load_messages(args.corpus / "messages.jsonl")
    bulk = (args.corpus / "bulk.txt").read_text(encoding="utf-8")
    totals = {label: labels.count(label) for label in LABELS}

    step = lambda name: print(f"-- {name}", file=sys.stderr, flush=True)  # noqa: E731
    step("setting up: vigie (Rust, Python), Hyperscan, Python re, Presidio")
    rust = RustRounds(args, args.corpus)
    engines = [rust.engine()]
    engines += vigie_python(messages, labels, bulk)
    engines += hyperscan_engines(patterns, messages, labels, bulk)
    engines.append(python_re(args.runs, patterns, messages, labels, bulk))
    engines.append(presidio(args, args.runs, patterns, messages, labels, args.blank_model))
    step(f"timing, {args.runs} rounds")
    results = measure(engines, args.runs, len(bulk.encode("utf-8")))
    step("PDFs: vigie and PyMuPDF")
    rust = rust.figures()
    pdf_rows = pymupdf_pages(args)

    sizes = sorted(len(m.encode("utf-8")) for m in messages)
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    meta = {
        "date": time.strftime("%Y-%m-%d"), "cpu": cpu, "core": args.core,
        "python": platform.python_version(), "runs": args.runs,
        "messages": len(messages), "median_bytes": sizes[len(sizes) // 2],
        "bulk_mb": len(bulk.encode("utf-8")) / 1e6,
        "literals": len(patterns["literals"]), "regexes": len(patterns["regexes"]),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    table = markdown(results, pdf_rows, rust, meta, totals)
    (RESULTS / "compare.md").write_text(table, encoding="utf-8")
    (RESULTS / "compare.json").write_text(json.dumps(
        {"meta": meta, "totals": totals, "results": results, "pdfs": pdf_rows, "vigie": rust},
        indent=1) + "\n", encoding="utf-8")
    plot(results, RESULTS / "throughput.png")
    print(table)


if __name__ == "__main__":
    sys.exit(main())
