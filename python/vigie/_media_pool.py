"""A pool of worker processes that scan uploads, so that a crash of the
scanning code (however caused) costs one worker and one refused upload,
never the process that asked.

Each worker is `python -m vigie._media_pool`, started with pipes for its
standard input and output. The parent sends frames (an 8-byte big-endian
length, then the payload): first the JSON configuration ({"policy": ...,
"max_bytes": N, "memory_bytes": M or null}), then one frame per upload; the worker answers the
configuration with {"ready": true} and each upload with its report as JSON.
A worker serves one upload at a time. When it dies, answers nonsense or
takes longer than the timeout, the parent kills it, starts another and
reports the upload as failed (the caller refuses it).

Nothing here logs content: failures name the worker's pid and what went
wrong.
"""

import json
import logging
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Dict, Optional

logger = logging.getLogger(__name__)

_HEADER = struct.Struct(">Q")
#: The largest answer read from a worker (a report is a few kilobytes).
MAX_ANSWER_BYTES = 16 << 20


class WorkerFailure(Exception):
    """A worker crashed, hung past the timeout, or answered nonsense; the
    upload it was scanning was not scanned."""


class _Worker:
    """One worker process and its two pipes."""

    def __init__(self, config: bytes, timeout: float):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vigie._media_pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Discarded: a panic message or a traceback could quote content.
            # What went wrong is logged by the parent (exit status, signal).
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        self.pid = self.process.pid
        # Non-blocking pipes: every read and write waits in select() with a
        # deadline, so that a stopped or looping worker cannot block us.
        os.set_blocking(self.process.stdin.fileno(), False)
        os.set_blocking(self.process.stdout.fileno(), False)
        try:
            answer = self.exchange(config, timeout)
            if answer != b'{"ready": true}':
                raise WorkerFailure(f"worker {self.pid} did not start")
        except WorkerFailure:
            self.kill()
            raise

    def alive(self) -> bool:
        return self.process.poll() is None

    def exchange(self, payload: bytes, timeout: float) -> bytes:
        """Sends one frame and returns the answer frame; raises
        WorkerFailure past `timeout` seconds or when the worker is gone."""
        deadline = time.monotonic() + timeout
        # Header and payload apart: joining them would copy the upload.
        self._write(_HEADER.pack(len(payload)), deadline)
        self._write(payload, deadline)
        (length,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
        if length > MAX_ANSWER_BYTES:
            raise WorkerFailure(f"worker {self.pid} sent an answer of {length} bytes")
        return self._read(length, deadline)

    def _write(self, data, deadline: float) -> None:
        fd = self.process.stdin.fileno()
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerFailure(f"worker {self.pid} took no input for the whole timeout")
            _, writable, _ = select.select([], [fd], [], remaining)
            if not writable:
                continue
            try:
                written = os.write(fd, view[:1 << 20])
            except BlockingIOError:
                continue
            except OSError as error:  # EPIPE: the worker is gone
                raise WorkerFailure(f"worker {self.pid} stopped reading ({error.strerror})") from error
            view = view[written:]

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        chunks = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerFailure(f"worker {self.pid} gave no answer within the timeout")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            try:
                chunk = os.read(fd, min(size, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                raise WorkerFailure(f"worker {self.pid} exited ({self._exit_status()})")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _exit_status(self) -> str:
        try:
            code = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "closed its output"
        if code >= 0:
            return f"status {code}"
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"

    def kill(self) -> None:
        """Kills the process (whatever it is doing) and reaps it."""
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process stuck in the kernel
            logger.warning("vigie media worker %d did not exit after SIGKILL", self.pid)
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class WorkerPool:
    """`workers` processes scanning uploads under `policy`, each upload
    within `timeout` seconds and, when `memory_bytes` is given, within that
    much address space (RLIMIT_AS: an allocation past it kills the worker). Thread-safe: `scan` may be called from many
    threads, and waits for a free worker when all are busy (callers bound
    how many wait). Workers start on first use and are replaced when they
    fail."""

    def __init__(self, policy: Dict[str, Any], workers: int, timeout: float, max_bytes: int,
                 memory_bytes: Optional[int] = None):
        self._config = json.dumps({"policy": policy, "max_bytes": max_bytes, "memory_bytes": memory_bytes}).encode()
        self._timeout = timeout
        # Slots: a live worker, or None for one not started (or failed).
        self._slots: "queue.Queue[Optional[_Worker]]" = queue.Queue()
        for _ in range(workers):
            self._slots.put(None)
        self._closed = False
        self._lock = threading.Lock()
        self._all: Dict[int, _Worker] = {}

    def pids(self):
        """The pids of the running workers."""
        with self._lock:
            return sorted(self._all)

    def _start(self) -> _Worker:
        # A worker builds its scanner before it answers: give it at least
        # 30 seconds whatever the scan timeout.
        worker = _Worker(self._config, max(self._timeout, 30.0))
        with self._lock:
            self._all[worker.pid] = worker
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.pop(worker.pid, None)

    def scan(self, data: bytes) -> Dict[str, Any]:
        """The report (as a dict, the JSON report contract) of one upload.
        Raises WorkerFailure when the worker scanning it fails; that worker
        is killed and another started in its place."""
        worker = self._slots.get()
        try:
            if worker is not None and not worker.alive():
                logger.warning("vigie media worker %d had exited; starting another", worker.pid)
                self._discard(worker)
                worker = None
            if worker is None:
                worker = self._start()
            try:
                answer = worker.exchange(data, self._timeout)
                report = json.loads(answer)
                if not isinstance(report, dict) or "verdict" not in report:
                    raise WorkerFailure(f"worker {worker.pid} answered something that is not a report")
                return report
            except (WorkerFailure, ValueError) as error:
                logger.warning("vigie media worker %d failed: %s; killed, starting another", worker.pid,
                               error if isinstance(error, WorkerFailure) else "unreadable answer")
                self._discard(worker)
                worker = None
                # Start the replacement now, so that the next upload finds
                # it ready; if it cannot start, the next upload tries again.
                try:
                    worker = self._start()
                except (WorkerFailure, OSError) as start_error:
                    logger.warning("vigie media worker could not start: %s", start_error)
                if isinstance(error, WorkerFailure):
                    raise
                raise WorkerFailure(str(error)) from error
        finally:
            self._slots.put(worker)

    def close(self) -> None:
        """Kills every worker."""
        with self._lock:
            workers = list(self._all.values())
            self._all.clear()
        for worker in workers:
            worker.kill()


def _read_frame(stream, max_bytes: int) -> Optional[bytes]:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None  # the parent closed the pipe: time to go
    (length,) = _HEADER.unpack(header)
    if length > max_bytes:
        raise SystemExit(f"vigie media worker: a frame of {length} bytes is over the limit")
    data = stream.read(length)
    if len(data) < length:
        return None
    return data


def _write_frame(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def serve() -> None:
    """The worker's main loop: configuration, then one upload after the
    other, until the parent closes the pipe."""
    import vigie

    # The homeserver's Ctrl-C reaches its whole process group; the worker
    # leaves when the homeserver closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    # Anything printed by mistake goes to stderr, not into the protocol.
    sys.stdout = sys.stderr
    # When memory runs out, the kernel's OOM killer takes a worker before
    # the homeserver (best effort: raising one's own score needs no right).
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write("1000")
    except OSError:
        pass
    config = json.loads(_read_frame(requests, 1 << 24) or b"null")
    if config.get("memory_bytes"):
        import resource

        limit = config["memory_bytes"]
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    scanner = vigie.Scanner(policy=config["policy"])
    max_bytes = config["max_bytes"]
    _write_frame(answers, b'{"ready": true}')
    while (data := _read_frame(requests, max_bytes)) is not None:
        _write_frame(answers, scanner.scan_bytes(data).to_json().encode())


if __name__ == "__main__":
    serve()
