"""The worker pool that scans uploads for the Synapse module, on its own:
real worker processes, killed and stopped from here. (test_synapse.py
checks the same through a real homeserver.)"""

import os
import pathlib
import signal
import threading
import time

import pytest

from vigie._media_pool import WorkerFailure, WorkerPool

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
POLICY = {"ceiling": 1}


@pytest.fixture
def pool():
    pool = WorkerPool(POLICY, 1, 3.0, 1 << 20)
    yield pool
    pool.close()


def test_workers_scan_as_the_scanner_does(pool):
    assert pool.pids() == []  # started on first use
    assert pool.scan((FIXTURES / "documents" / "banner.pdf").read_bytes())["verdict"] == "block"
    report = pool.scan((FIXTURES / "documents" / "clean.pdf").read_bytes())
    assert report["verdict"] == "allow" and report["status"] == "complete"
    assert len(pool.pids()) == 1


def test_a_worker_that_died_idle_is_replaced_before_the_next_scan(pool):
    pool.scan(b"bonjour")
    [pid] = pool.pids()
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert pool.scan(b"TLP:RED")["verdict"] == "block"
    assert pool.pids() != [pid] and len(pool.pids()) == 1


def test_a_stopped_worker_fails_its_scan_at_the_timeout_and_is_replaced(pool):
    pool.scan(b"bonjour")
    [pid] = pool.pids()
    os.kill(pid, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(WorkerFailure, match="within the timeout"):
        pool.scan(b"bonjour")
    assert 2.5 < time.monotonic() - started < 30
    assert pid not in pool.pids()
    assert pool.scan(b"bonjour")["verdict"] == "allow"


def test_an_upload_larger_than_the_pipe_does_not_block_on_a_stopped_worker(pool):
    # The write itself waits in select() with the deadline.
    pool.scan(b"bonjour")
    [pid] = pool.pids()
    os.kill(pid, signal.SIGSTOP)
    with pytest.raises(WorkerFailure, match="took no input"):
        pool.scan(b"x" * (1 << 20))
    assert pool.scan(b"bonjour")["verdict"] == "allow"


def test_scans_from_many_threads_share_the_workers():
    pool = WorkerPool(POLICY, 2, 30.0, 1 << 20)
    try:
        verdicts = [None] * 20

        def scan(i):
            verdicts[i] = pool.scan(b"SECRET" if i % 2 else b"bonjour")["verdict"]

        threads = [threading.Thread(target=scan, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert verdicts == ["allow", "block"] * 10
        assert len(pool.pids()) == 2
    finally:
        pool.close()
    assert pool.pids() == []


def test_workers_run_within_their_memory_limit_and_die_first_when_memory_runs_out():
    limit = 1 << 30
    pool = WorkerPool(POLICY, 1, 30.0, 1 << 20, memory_bytes=limit)
    try:
        assert pool.scan(b"bonjour")["verdict"] == "allow"
        [pid] = pool.pids()
        limits = pathlib.Path(f"/proc/{pid}/limits").read_text()
        [line] = [line for line in limits.splitlines() if line.startswith("Max address space")]
        assert line.split()[3:5] == [str(limit), str(limit)], line
        assert pathlib.Path(f"/proc/{pid}/oom_score_adj").read_text().strip() == "1000"
    finally:
        pool.close()


def test_an_upload_that_needs_more_memory_than_the_limit_costs_its_worker_only():
    pool = WorkerPool(POLICY, 1, 30.0, 128 << 20, memory_bytes=96 << 20)
    try:
        assert pool.scan(b"bonjour")["verdict"] == "allow"
        [pid] = pool.pids()
        # Reading 80 MiB into a worker of 96 MiB of address space (of which
        # the interpreter takes a third) fails: the worker dies.
        with pytest.raises(WorkerFailure):
            pool.scan(b"x" * (80 << 20))
        assert pid not in pool.pids()
        assert pool.scan(b"TLP:RED")["verdict"] == "block"
    finally:
        pool.close()
