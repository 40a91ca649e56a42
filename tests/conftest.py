"""Test fixtures: every test gets the real stack on a real database.

SQLite (default): the migrations build one database file per test session; each test
gets its own copy of that file, so WAL, locking and foreign keys behave as in production.
PostgreSQL: set MALPRO_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres);
a throwaway database is created per test process, migrated once, and emptied after each test.
"""
import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text

from malpro import create_app, normalize_database_url
from malpro.extensions import db
from tests.factories import Factories

POSTGRES_ADMIN_URL = os.environ.get("MALPRO_TEST_DATABASE_URL")


def _migrate(url: str, workdir) -> None:
    from flask_migrate import upgrade

    app = create_app(_base_config(workdir, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


# The tests' commits need not wait for the server's disk (a throwaway database): the PostgreSQL
# pass of `make test` then takes less of its time in fsync. A per-connection setting; the server
# and other databases are untouched.
_POSTGRES_TEST_OPTIONS = {"connect_args": {"options": "-c synchronous_commit=off"}}


def _base_config(workdir, url: str) -> dict:
    return {
        **({"SQLALCHEMY_ENGINE_OPTIONS": _POSTGRES_TEST_OPTIONS} if url.startswith("postgresql") else {}),
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(workdir / "instance"),
        "UPLOAD_DIR": str(workdir / "uploads"),
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        # Whole pages kept for anonymous visitors would hide the rendering (query counts) from
        # most tests; tests/test_page_cache.py tests the cache itself.
        "PAGE_CACHE": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """The migrated database the tests start from: a template file (SQLite) or a
    throwaway PostgreSQL database."""
    workdir = tmp_path_factory.mktemp("template")
    if not POSTGRES_ADMIN_URL:
        url = f"sqlite:///{workdir / 'template.db'}"
        _migrate(url, workdir)
        yield {"kind": "sqlite", "template": workdir / "template.db"}
        return
    admin_url = normalize_database_url(POSTGRES_ADMIN_URL)
    name = f"malpro_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        _migrate(url, workdir)
        yield {"kind": "postgresql", "url": url}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_url_for_test(database, tmp_path) -> str:
    if database["kind"] == "sqlite":
        path = tmp_path / "malpro.db"
        shutil.copy(database["template"], path)
        return f"sqlite:///{path}"
    return database["url"]


def empty_postgres(app) -> None:
    """Remove every row the test wrote and restart the ids; keep the reference data the
    migration inserted. DELETE, children first, rather than TRUNCATE: a TRUNCATE of the 25
    tables took 280 ms per test (new files for every table), these few rows take milliseconds."""
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in ("categories", "opds")]
        statements = [f'DELETE FROM "{name}"' for name in tables]
        statements += [f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), 1, false)"
                       for name in tables if "id" in db.metadata.tables[name].c]
        db.session.execute(text("; ".join(statements)))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def config(database, tmp_path) -> dict:
    """The configuration of the test's app; tests may change it before using `app`."""
    return _base_config(tmp_path, database_url_for_test(database, tmp_path))


@pytest.fixture
def app(config, database):
    app = create_app(config)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    if database["kind"] == "postgresql":
        empty_postgres(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factories:
    """Builders for test data: make.user(), make.store(), make.product(), ..."""
    return Factories()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="pembeli@example.com", password="rahasia123"):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def htmx_headers() -> dict:
    return {"HX-Request": "true"}


# Email tests talk to a real SMTP server (issue 3), kept here so every area can use it.
import email  # noqa: E402
import email.policy  # noqa: E402
import socket  # noqa: E402


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.port: int = 0
        self.messages: list = []  # parsed email.message.EmailMessage objects
        self.envelopes: list = []  # (mail_from, rcpt_tos) per message

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port nothing listens on (right now) on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    server = SmtpServer()
    server.port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
