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
    """Start the session's transaction holding the write lock (SQLite) before reading.

    Call it first thing in a service that reads and then writes rows others write too
    (checkout, order moves). On PostgreSQL it is a no-op: row locks and conditional
    updates do the work there.
    """
    session = session() if hasattr(session, "registry") else session  # scoped_session -> Session
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={"sqlite_immediate": True})
