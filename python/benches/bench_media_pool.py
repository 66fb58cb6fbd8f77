#!/usr/bin/env python3
"""What the Synapse module's worker pool (media_workers) costs per upload.

Two measures, each on a small PDF (fixtures/documents/clean.pdf), the
one-pixel PNG of the fixtures and a 1024x768 photo-like PNG made here:

- the scan alone: Scanner.scan_bytes in this process, against
  WorkerPool.scan (the same scan in a worker process, through its pipes);
- an upload end to end: POST /_matrix/media/v3/upload to a real Synapse on
  loopback with the module, media_workers 0 (scan in a thread of the
  homeserver) against the default 2 workers; both servers run at once and
  take the uploads in turn.

Run from the repository root, with the vigie wheel and matrix-synapse
installed (the environment scripts/test makes):
    python python/benches/bench_media_pool.py [RUNS]
"""

import io
import pathlib
import random
import statistics
import sys
import tempfile
import time

import vigie
from vigie._media_pool import WorkerPool

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python" / "tests"))

import test_synapse as harness  # noqa: E402 - the end-to-end tests' Synapse helpers


def photo_png() -> bytes:
    """A 1024x768 PNG of smooth noise (compresses like a photo, not like a
    flat image)."""
    from PIL import Image

    rng = random.Random(7)
    small = Image.new("RGB", (64, 48))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64 * 48)])
    out = io.BytesIO()
    small.resize((1024, 768), Image.BICUBIC).save(out, "PNG")
    return out.getvalue()


def inputs():
    return {
        "clean.pdf": (ROOT / "fixtures" / "documents" / "clean.pdf").read_bytes(),
        "pixel.png": (ROOT / "fixtures" / "documents" / "pixel.png").read_bytes(),
        "photo.png": photo_png(),
    }


def timed(function, runs):
    """Median and 95th percentile of `runs` calls, in milliseconds (after
    five warm-up calls)."""
    for _ in range(5):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return summary(times)


POLICY = {"ceiling": 1, "problems": {"ocr-unavailable": "allow"}}


def scan_alone(files, runs):
    scanner = vigie.Scanner(policy=POLICY)
    pool = WorkerPool(POLICY, 1, 60.0, 100 << 20)
    try:
        for name, data in files.items():
            assert scanner.scan_bytes(data).verdict == pool.scan(data)["verdict"] == "allow"
            direct = timed(lambda: scanner.scan_bytes(data), runs)
            pooled = timed(lambda: pool.scan(data), runs)
            print(f"scan alone  {name:10} {len(data):>8} B   in process {direct[0]:7.3f} ms (p95 {direct[1]:7.3f})"
                  f"   worker {pooled[0]:7.3f} ms (p95 {pooled[1]:7.3f})   {pooled[0] - direct[0]:+.3f} ms")
    finally:
        pool.close()


def end_to_end(files, runs):
    """Both homeservers run at once and take the uploads in turn (one to
    each per round), so that the machine's slow spells fall on both."""
    servers = {}
    directories = []
    try:
        for workers in (0, 2):
            directory = tempfile.TemporaryDirectory()
            directories.append(directory)
            modules = [{"module": "vigie.synapse.VigieModule",
                        "config": {"policy": POLICY, "media_workers": workers}}]
            base, process, log = harness.start_synapse(pathlib.Path(directory.name), modules)
            servers[workers] = (harness.register(base, "bench"), process, log)
        for name, data in files.items():
            times = {workers: [] for workers in servers}
            for round_ in range(runs + 5):
                for workers, (client, _, _) in servers.items():
                    started = time.perf_counter()
                    status, body = client.upload(data, "application/octet-stream")
                    elapsed = (time.perf_counter() - started) * 1000
                    assert status == 200, body
                    if round_ >= 5:  # five warm-up rounds
                        times[workers].append(elapsed)
            (thread, pool) = (summary(times[0]), summary(times[2]))
            print(f"upload      {name:10} {len(data):>8} B   in a thread {thread[0]:6.2f} ms (p95 {thread[1]:6.2f})"
                  f"   workers {pool[0]:6.2f} ms (p95 {pool[1]:6.2f})   {pool[0] - thread[0]:+.2f} ms")
    finally:
        for _, process, log in servers.values():
            harness.stop(process, log)
        for directory in directories:
            directory.cleanup()


def summary(times):
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    files = inputs()
    print(f"{runs} runs each; median and 95th percentile")
    scan_alone(files, runs)
    end_to_end(files, runs)


if __name__ == "__main__":
    main()
