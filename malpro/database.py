"""Database engine setup: SQLite pragmas on every connection, explicit transactions, and the
few statements whose spelling differs between SQLite and PostgreSQL."""
import functools
import sqlite3
import time

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Make every SQLite connection safe for a multi-process web server.

    WAL lets readers run beside the writer; foreign keys are off by default in SQLite; the
    busy timeout bounds every wait for the write lock. pysqlite's own transaction handling is
    switched off so that Malpro emits BEGIN itself, which allows two things:

    - `immediate_transaction()` takes the write lock before a service reads (checkout, order
      moves), so what it reads cannot change before it writes;
    - any other transaction that has only read so far takes the write lock at its first
      write, moving to the latest data as it does. Left to itself SQLite would fail that
      write at once with "database is locked" whenever another connection had committed
      since the transaction's first read (a seller saving a product while buyers check out).
      Reads then writes thus behave as on PostgreSQL (READ COMMITTED), which every service
      already allows for: what must be exact is a conditional write.
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
        immediate = bool(conn.get_execution_options().get("sqlite_immediate"))
        if immediate:
            _begin_immediate(conn.connection.driver_connection, busy_timeout_ms)
        else:
            conn.exec_driver_sql("BEGIN")
        conn.info[_HOLDS_WRITE_LOCK] = immediate

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if conn.info.get(_HOLDS_WRITE_LOCK, True) or not statement.lstrip()[:9].upper().startswith(_WRITES):
            return
        raw = conn.connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")  # it has only read: nothing is lost, only the old snapshot
        _begin_immediate(raw, busy_timeout_ms)
        conn.info[_HOLDS_WRITE_LOCK] = True


_HOLDS_WRITE_LOCK = "malpro.sqlite_holds_write_lock"
# Statements that change data or schema, and SAVEPOINT: a savepoint would not survive the
# restart, so a transaction that opens one takes the write lock first (savepoints are for
# writing anyway).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP", "SAVEPOINT")


def _begin_immediate(raw, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE on a pysqlite connection, trying again every 0.2 ms while another
    connection writes.

    SQLite's own busy handler sleeps 1, 2, 5, 10, ... ms between tries; a checkout holds the
    lock for about a millisecond, so a waiting worker slept longer than the holder worked
    and its CPU stood idle (bench/checkout.py: 130 orders/s with the busy handler, 155-170
    with this; docs/performance.md). After 20 ms of waiting it tries every millisecond, and
    it gives up after the same busy timeout, with SQLite's "database is locked"."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        started = time.monotonic()
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                waited = time.monotonic() - started
                if exc.sqlite_errorname != "SQLITE_BUSY" or waited * 1000 >= busy_timeout_ms:
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            time.sleep(0.0002 if waited < 0.02 else 0.001)
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


def immediate_transaction(session, keep_loaded: bool = False) -> None:
    """Hold SQLite's write lock before reading what is about to change.

    Call it first thing in a service whose reads must still hold when it writes (checkout,
    order moves); without it a transaction's reads may be older than its writes (see
    configure_sqlite). A read-only transaction already open (a request has loaded its user)
    is ended first, as its snapshot may already be out of date. That ending expires what the
    session has loaded, so it is read again inside the lock; `keep_loaded` keeps it as it was
    read instead, for a caller that read it on purpose before taking the lock (to hold the
    lock for less time) and re-checks what matters with conditional writes. On PostgreSQL it
    is a no-op: row locks and conditional updates do the work there."""
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
