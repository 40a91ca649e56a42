"""Rate-limit storage shared by every worker process of one server, without Redis.

Flask-Limiter keeps its counters in a `limits` storage. The memory one lives in each gunicorn
worker, so a limit of 10 became 10 per worker; `limits` has no storage for processes on one
machine besides Redis and memcached, which a small city server may not run. This one keeps the
counters in a SQLite file in instance/ (its own file: rate-limit writes never wait on the
application database's write lock). Each check or hit is one short transaction, and a hit
takes SQLite's write lock (BEGIN IMMEDIATE) before it counts, so workers count exactly.

With MALPRO_REDIS_URL set (several app servers) Redis is used instead."""
import os
import sqlite3
import threading
import time
from pathlib import Path

from flask import Flask
from limits.storage import MovingWindowSupport, Storage

SCHEME = "malpro-sqlite"
PRUNE_EVERY_SECONDS = 60

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_key_at ON events (key, at)",
    "CREATE INDEX IF NOT EXISTS events_expires ON events (expires)",
)


def default_storage_uri(app: Flask) -> str:
    """Redis when REDIS_URL is set, else the SQLite file shared by this server's workers."""
    if app.config.get("REDIS_URL"):
        return app.config["REDIS_URL"]
    return f"{SCHEME}://{Path(app.instance_path).resolve() / 'ratelimits.db'}"


class SQLiteStorage(Storage, MovingWindowSupport):
    """A `limits` storage (fixed and moving windows) in a SQLite file: `malpro-sqlite:///path`."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = (uri or "").split("://", 1)[1]
        self._local = threading.local()
        self._pruned_at = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        with self._transaction() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process (gunicorn forks workers; a SQLite
        # connection must never cross a fork).
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _transaction(self):
        return _Transaction(self._connection())

    # --- fixed window -----------------------------------------------------------------

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._transaction() as conn:
            conn.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
            return conn.execute(
                "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value",
                (key, amount, now + expiry)).fetchone()[0]

    def decr(self, key: str, amount: int = 1) -> int:
        with self._transaction() as conn:
            row = conn.execute("UPDATE counters SET value = MAX(value - ?, 0) WHERE key = ? AND expires > ? "
                               "RETURNING value", (amount, key, time.time())).fetchone()
        return row[0] if row else 0

    def get(self, key: str) -> int:
        row = self._connection().execute("SELECT value FROM counters WHERE key = ? AND expires > ?",
                                         (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._connection().execute("SELECT expires FROM counters WHERE key = ? AND expires > ?",
                                         (key, now)).fetchone()
        return row[0] if row else now

    # --- moving window ----------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._transaction() as conn:
            conn.execute("DELETE FROM events WHERE key = ? AND at <= ?", (key, now - expiry))
            (count,) = conn.execute("SELECT COUNT(*) FROM events WHERE key = ?", (key,)).fetchone()
            if count + amount > limit:
                return False
            conn.executemany("INSERT INTO events (key, at, expires) VALUES (?, ?, ?)",
                             [(key, now, now + expiry)] * amount)
            if now - self._pruned_at > PRUNE_EVERY_SECONDS:
                self._pruned_at = now
                conn.execute("DELETE FROM events WHERE expires <= ?", (now,))
                conn.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._connection().execute(
            "SELECT MIN(at), COUNT(*) FROM events WHERE key = ? AND at > ?", (key, now - expiry)).fetchone()
        return (oldest, count) if count else (now, 0)

    def refund(self, key: str) -> None:
        """Remove the newest entry of a moving window (an attempt that is not to count)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM events WHERE rowid = (SELECT rowid FROM events WHERE key = ? "
                         "ORDER BY at DESC, rowid DESC LIMIT 1)", (key,))

    # --- housekeeping -----------------------------------------------------------------

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        with self._transaction() as conn:
            removed = conn.execute("DELETE FROM events").rowcount + conn.execute("DELETE FROM counters").rowcount
        return removed

    def clear(self, key: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM events WHERE key = ?", (key,))
            conn.execute("DELETE FROM counters WHERE key = ?", (key,))


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on an error): the write lock is taken before the
    count is read, so two workers cannot both see room for the last attempt."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, value, traceback) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")
