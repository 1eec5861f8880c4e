"""Moving SQLite's write-ahead log into the database file in the background.

In WAL mode SQLite copies the log back into the database file (a checkpoint, with its fsync) once
the log passes a size, inside whichever commit crosses it: that commit then takes milliseconds
instead of a tenth of one. Ravand's connections leave that to a thread of their own, which runs a
PASSIVE checkpoint (it never waits for, nor blocks, readers and writers) a few times a second over
its own connection. Commands commit without the copy; durability is unchanged. Should the thread
fall behind, a commit still checkpoints once the log reaches ``BACKSTOP_PAGES``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

INTERVAL_S = 0.25
BACKSTOP_PAGES = 20_000  # ~80 MB of log with 4 KiB pages; SQLite's own default is 1,000

log = logging.getLogger(__name__)


class Checkpointer:
    """One per database file and process; started by the first connection, stopped by ``stop``."""

    def __init__(self, path: str, interval_s: float = INTERVAL_S) -> None:
        self.path = path
        self.interval_s = interval_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _running(self) -> bool:
        return self._pid == os.getpid() and self._thread is not None and self._thread.is_alive()

    def ensure_running(self) -> None:
        """Start the thread if this process has none (a forked worker inherits no threads)."""
        if self._running():
            return
        with self._lock:
            if self._running():
                return
            self._stopping = threading.Event()
            self._thread = threading.Thread(target=self._run, name="ravand-wal-checkpoint", daemon=True)
            self._pid = os.getpid()
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        stopping = self._stopping
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
        try:
            while not stopping.wait(self.interval_s):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # a busy or vanished file: try again at the next tick
                    log.debug("WAL checkpoint of %s skipped: %s", self.path, exc)
        finally:
            connection.close()
