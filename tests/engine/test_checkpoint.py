"""SQLite's log reaches the database file through the background checkpoint, not inside commits."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from contextlib import closing

from sqlalchemy import text

from engine.store.checkpoint import BACKSTOP_PAGES
from engine.store.db import make_engine


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ravand-wal-checkpoint"]


def test_committed_rows_reach_the_database_file_while_connections_stay_open(tmp_path):
    before = len(_threads())
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        with engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
            conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)"))
        for i in range(20):  # far fewer pages than a commit would ever checkpoint itself
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO item (name) VALUES (:name)"), {"name": f"item {i}"})
        assert len(_threads()) == before + 1
        copied = tmp_path / "file-alone.sqlite"  # the database file without its log
        for _ in range(100):
            shutil.copyfile(tmp_path / "db.sqlite", copied)
            with closing(sqlite3.connect(copied)) as alone:
                has_table = alone.execute("SELECT count(*) FROM sqlite_master WHERE name = 'item'").fetchone()[0]
                if has_table and alone.execute("SELECT count(*) FROM item").fetchone()[0] == 20:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the log was not checkpointed into the database file")
    finally:
        engine.dispose()
    assert len(_threads()) == before  # disposing of the engine stops its thread


def test_in_memory_databases_have_no_checkpoint_thread():
    before = len(_threads())
    engine = make_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    assert len(_threads()) == before
    engine.dispose()
