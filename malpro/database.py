"""Database engine setup: SQLite pragmas on every connection, explicit transactions, and the
few statements whose spelling differs between SQLite and PostgreSQL."""
import functools
import sqlite3
import time

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Make every SQLite connection safe for a multi-process web server.

    WAL lets readers run beside the writer; foreign keys are off by default in SQLite;
    the busy timeout makes a writer wait for the lock instead of failing at once.
    pysqlite's own transaction handling is switched off so SQLAlchemy emits BEGIN itself:
    `immediate_transaction()` can then take the write lock up front, which is what stops
    "database is locked" errors when two checkouts race (a deferred transaction that reads
    and then writes cannot wait for the lock, it fails).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("sqlite_immediate"):
            _begin_immediate(conn, busy_timeout_ms)
        else:
            conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE, trying again every 0.2 ms while another connection writes.

    SQLite's own busy handler sleeps 1, 2, 5, 10, ... ms between tries; a checkout holds the
    lock for about a millisecond, so a waiting worker slept longer than the holder worked
    and its CPU stood idle (bench/checkout.py: 130 orders/s with the busy handler, 155-170
    with this; docs/performance.md). After 20 ms of waiting it tries every millisecond, and
    it gives up after the same busy timeout, with the same error."""
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA busy_timeout=0")
    try:
        started = time.monotonic()
        while (waited := time.monotonic() - started) * 1000 < busy_timeout_ms:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorname != "SQLITE_BUSY":
                    break
            time.sleep(0.0002 if waited < 0.02 else 0.001)
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # a last try, failing as SQLAlchemy reports it
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


def immediate_transaction(session, keep_loaded: bool = False) -> None:
    """Hold SQLite's write lock before reading what is about to change.

    Call it first thing in a service that reads and then writes rows others write too
    (checkout, order moves). A transaction that has read and then writes fails at once
    ("database is locked", without waiting) when another writer committed in between; so a
    read-only transaction already open (a request has loaded its user) is ended first.
    That ending expires what the session has loaded, so it is read again inside the lock;
    `keep_loaded` keeps it as it was read instead, for a caller that read it on purpose
    before taking the lock (to hold the lock for less time) and re-checks what matters with
    conditional writes. On PostgreSQL it is a no-op: row locks and conditional updates do
    the work there."""
    session = session() if hasattr(session, "registry") else session  # scoped_session -> Session
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            return  # pending changes: the caller already holds (or will take) the lock on flush
        if keep_loaded:
            commit_keeping_loaded(session)
        else:
            session.commit()
    session.connection(execution_options={"sqlite_immediate": True})


def commit_keeping_loaded(session) -> None:
    """Commit without expiring what the session has loaded, for a service whose caller answers
    with the rows this transaction has just written (their loaded values are the committed
    ones, so reading them again would be a query per row for nothing). Rows changed behind
    the ORM's back (a bulk UPDATE) must be expired by the caller before this."""
    session = session() if hasattr(session, "registry") else session  # scoped_session -> Session
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def insert_or_update(session, model, values: dict, unique: tuple, update: tuple):
    """INSERT ... ON CONFLICT (unique) DO UPDATE SET (update): one statement, the same SQL in
    SQLite and PostgreSQL (each dialect spells it through its own construct). The statement
    is built once per shape; `values` come with each execution."""
    statement = _insert_or_update_statement(session.get_bind().dialect.name, model, tuple(unique), tuple(update))
    return session.execute(statement, values)


@functools.cache
def _insert_or_update_statement(dialect: str, model, unique: tuple, update: tuple):
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    statement = insert(model)
    return statement.on_conflict_do_update(index_elements=list(unique),
                                           set_={name: statement.excluded[name] for name in update})
