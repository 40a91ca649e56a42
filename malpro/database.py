"""Database engine setup: SQLite pragmas on every connection, explicit transactions."""
from sqlalchemy import event
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
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def immediate_transaction(session) -> None:
    """Hold SQLite's write lock before reading what is about to change.

    Call it first thing in a service that reads and then writes rows others write too
    (checkout, order moves). A transaction that has read and then writes fails at once
    ("database is locked", without waiting) when another writer committed in between; so a
    read-only transaction already open (a request has loaded its user) is ended first.
    On PostgreSQL it is a no-op: row locks and conditional updates do the work there."""
    session = session() if hasattr(session, "registry") else session  # scoped_session -> Session
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            return  # pending changes: the caller already holds (or will take) the lock on flush
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
