"""A best-effort log kept off the request path: a bounded queue drained by one thread.

A request hands its rows over and returns at once; one background thread per process
writes them in batches. When the database is down or slow the queue fills and further
rows are dropped: each loss is counted (``on_failure``) and logged in one line, and no
request ever waits for the database.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds between two log lines about lost rows (the count covers the rows in between).
LOG_EVERY_SECONDS = 10.0


class BackgroundWriter(Generic[T]):
    """Hand rows to ``write`` in batches, on a daemon thread started by the first ``submit``."""

    def __init__(
        self,
        write: Callable[[list[T]], None],
        *,
        name: str,
        on_failure: Callable[[int], None] | None = None,
        capacity: int = 10_000,
        batch_size: int = 500,
    ) -> None:
        """Prepare the writer; no thread runs until rows arrive (so it survives a fork).

        Args:
            write: Stores one batch; raising drops the batch.
            name: What the rows are, for log lines (``"prediction log"``).
            on_failure: Called with the number of rows lost (a metrics counter).
            capacity: Rows that may wait at most; beyond it new rows are dropped.
            batch_size: Most rows handed to ``write`` at once.
        """
        self._write = write
        self._name = name
        self._on_failure = on_failure
        self._capacity = capacity
        self._batch_size = batch_size
        self._lock = threading.Lock()
        # ``None`` tells the thread to stop (see :meth:`close`).
        self._queue: queue.Queue[T | None] = queue.Queue(capacity)
        self._pid: int | None = None
        self._closed = False
        self._lost = 0
        self._next_report = 0.0

    def submit(self, rows: Iterable[T]) -> None:
        """Queue ``rows`` for writing; never blocks, drops them when the queue is full."""
        if self._closed:
            self._lose(sum(1 for _ in rows), "the writer is closed")
            return
        pending = self._started()
        dropped = 0
        for row in rows:
            try:
                pending.put_nowait(row)
            except queue.Full:
                dropped += 1
        if dropped:
            self._lose(dropped, "the queue is full")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every row submitted so far is written or dropped; False on timeout."""
        pending = self._queue
        deadline = time.monotonic() + timeout
        with pending.all_tasks_done:
            while pending.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                pending.all_tasks_done.wait(remaining)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued (for up to ``timeout`` seconds), then stop the thread.

        Call it before the database engine is disposed (on shutdown); rows submitted
        afterwards are dropped.
        """
        self._closed = True
        if self._pid == os.getpid():
            self.flush(timeout)
            # A queue still full means the database is stuck: the daemon thread ends at exit.
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)

    def _started(self) -> queue.Queue[T | None]:
        if self._pid == os.getpid():
            return self._queue
        with self._lock:
            if self._pid != os.getpid():  # first use, or first use in a forked child
                self._queue = queue.Queue(self._capacity)
                thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                thread.start()
                self._pid = os.getpid()
                atexit.register(self.flush, 5.0)
        return self._queue

    def _run(self) -> None:
        pending = self._queue
        stopping = False
        while not stopping:
            batch: list[T] = []
            item = pending.get()
            while item is not None:
                batch.append(item)
                if len(batch) == self._batch_size:
                    break
                try:
                    item = pending.get_nowait()
                except queue.Empty:
                    break
            else:
                stopping = True
                pending.task_done()
            if not batch:
                continue
            try:
                self._write(batch)
            except Exception as error:  # best effort: count, log, go on
                first_line = (str(error).strip().splitlines() or [""])[0]
                self._lose(len(batch), f"{type(error).__name__}: {first_line}")
            finally:
                for _ in batch:
                    pending.task_done()

    def _lose(self, count: int, reason: str) -> None:
        if self._on_failure is not None:
            self._on_failure(count)
        with self._lock:
            self._lost += count
            now = time.monotonic()
            if now < self._next_report:
                return
            lost, self._lost, self._next_report = self._lost, 0, now + LOG_EVERY_SECONDS
        logger.warning("%s: %d row(s) not written: %s", self._name, lost, reason)
