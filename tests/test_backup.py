"""`flask backup` and `flask restore`: a consistent copy of a live SQLite database (while
orders are being written), rotation, and restores that check before they touch anything."""
import gzip
import io
import sqlite3
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from malpro import create_app
from malpro.backup import BackupError, list_backups, make_backup, restore_backup, sqlite_path
from malpro.extensions import db
from malpro.models import Product
from malpro.services import cart, checkout
from tests.order_helpers import ADDRESS


@pytest.fixture
def sqlite_app(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup/restore is for SQLite; PostgreSQL uses pg_dump (test_postgres_points_to_pg_dump)")
    return app


def _seed_uploads(app) -> None:
    root = Path(app.config["UPLOAD_DIR"])
    (root / "products").mkdir(parents=True, exist_ok=True)
    (root / "documents").mkdir(parents=True, exist_ok=True)
    (root / "products" / "abc_t.webp").write_bytes(b"RIFF-foto-produk")
    (root / "documents" / "nib.pdf").write_bytes(b"%PDF-1.4 sertifikat %%EOF")


def _fresh_location(config, tmp_path, name="pulih") -> dict:
    """The config of a second, empty installation (another server, or a rebuilt one)."""
    other = dict(config)
    base = tmp_path / name
    other.update(INSTANCE_PATH=str(base / "instance"), UPLOAD_DIR=str(base / "uploads"),
                 SQLALCHEMY_DATABASE_URI=f"sqlite:///{base / 'instance' / 'malpro.db'}")
    return other


def _read(database: Path, sql: str, *params):
    conn = sqlite3.connect(database)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_backup_while_orders_are_written_keeps_every_committed_order(sqlite_app, config, make, tmp_path):
    app = sqlite_app
    app.config["MAX_PENDING_ORDERS"] = 1_000_000
    store = make.store()
    products = [make.product(store=store, stock=100_000) for _ in range(3)]
    initial = {p.id: p.stock for p in products}
    buyers = [make.user() for _ in range(4)]
    _seed_uploads(app)

    committed: list[tuple[float, str]] = []  # (monotonic time the commit returned, order code)
    errors: list[BaseException] = []
    stop = threading.Event()

    def buyer_loop(buyer_id: int, n: int):
        with app.app_context():
            try:
                i = 0
                while not stop.is_set():
                    product = products[(n + i) % len(products)]
                    cart.set_quantity(buyer_id, None, product.id, 1 + i % 3)
                    [order] = checkout.place_orders(buyer_id, checkout.new_checkout_key(), {store.id: "delivery"},
                                                    address=ADDRESS, store_ids=[store.id])
                    committed.append((time.monotonic(), order.code))
                    i += 1
            except BaseException as exc:  # reported to the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buyer_loop, args=(b.id, n)) for n, b in enumerate(buyers)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 30
        while len(committed) < 20 and time.monotonic() < deadline and not errors:
            time.sleep(0.02)
        started = time.monotonic()
        result = make_backup(app, tmp_path / "backups")
        finished = time.monotonic()
        while sum(1 for t, _c in committed if t > finished) < 5 and time.monotonic() < deadline and not errors:
            time.sleep(0.02)  # writes go on after the backup, too
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    import traceback
    assert errors == [], "".join(traceback.format_exception(errors[0]))
    before = {code for t, code in committed if t < started}
    assert len(before) >= 20
    assert result.path.name.startswith("malpro-backup-") and result.path.stat().st_mode & 0o077 == 0

    other = create_app(_fresh_location(config, tmp_path))
    restored = restore_backup(other, result.path)
    database = restored.database
    assert _read(database, "PRAGMA integrity_check") == [("ok",)]
    codes = {row[0] for row in _read(database, "SELECT code FROM orders")}
    assert before <= codes, f"{len(before - codes)} committed orders missing from the backup"
    # The snapshot is one transaction: every order's stock is taken, no more, no less.
    for product_id, stock in initial.items():
        [(left,)] = _read(database, "SELECT stock FROM products WHERE id = ?", product_id)
        [(ordered,)] = _read(database, "SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i JOIN orders o "
                                       "ON o.id = i.order_id WHERE i.product_id = ? AND o.status != 'cancelled'",
                             product_id)
        assert stock == left + ordered
    uploads = Path(other.config["UPLOAD_DIR"])
    assert (uploads / "products" / "abc_t.webp").read_bytes() == b"RIFF-foto-produk"
    assert (uploads / "documents" / "nib.pdf").exists()
    assert restored.previous_database is None  # nothing was there before


def test_cli_backup_rotates_and_restore_replaces_the_live_database(sqlite_app, runner, make, tmp_path):
    app = sqlite_app
    make.user(email="sebelum@example.com")
    dest = tmp_path / "cadangan"
    outputs = [runner.invoke(args=["backup", "--dest", str(dest), "--keep", "2"]) for _ in range(3)]
    assert [o.exit_code for o in outputs] == [0, 0, 0], outputs[-1].output
    assert "Backup selesai" in outputs[0].output
    assert "Backup lama dihapus" in outputs[2].output
    archives = list_backups(dest)
    assert len(archives) == 2
    with tarfile.open(archives[-1]) as archive:
        names = archive.getnames()
    assert "malpro.db" in names and "manifest.json" in names

    make.user(email="sesudah@example.com")  # after the backup: gone once it is restored
    db.session.remove()
    result = runner.invoke(args=["restore", str(archives[-1]), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Pemulihan selesai" in result.output
    database = sqlite_path(app)
    emails = {row[0] for row in _read(database, "SELECT email FROM users")}
    assert "sebelum@example.com" in emails and "sesudah@example.com" not in emails
    kept = list(database.parent.glob("malpro.db.pre-restore-*"))
    assert len(kept) == 1
    assert "sesudah@example.com" in {row[0] for row in _read(kept[0], "SELECT email FROM users")}
    # The app keeps working on the restored file.
    db.engine.dispose()
    assert db.session.scalar(select(Product.id).limit(1)) is None
    assert app.test_client().get("/healthz").status_code == 200


def test_paths_with_spaces_and_hashes(sqlite_app, config, tmp_path, monkeypatch):
    """SQLite URIs treat "#" and spaces specially; the backup must still read the right file."""
    import shutil

    folder = tmp_path / "data #1 x"
    folder.mkdir()
    shutil.copy(sqlite_path(sqlite_app), folder / "malpro db.sqlite")
    other = dict(config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'malpro db.sqlite'}")
    monkeypatch.chdir(tmp_path)
    result = make_backup(create_app(other), Path("relatif"))
    assert result.revision is not None
    assert result.path.parent == tmp_path / "relatif"


def test_restore_asks_before_replacing(sqlite_app, runner, tmp_path):
    archive = make_backup(sqlite_app, tmp_path / "b").path
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code != 0
    assert not list(sqlite_path(sqlite_app).parent.glob("*.pre-restore-*"))


def test_restore_refuses_while_the_database_is_in_use(sqlite_app, make, tmp_path):
    archive = make_backup(sqlite_app, tmp_path / "b").path
    make.user(email="tetap@example.com")
    database = sqlite_path(sqlite_app)
    other_server = sqlite3.connect(database)  # an app server with the database open
    other_server.execute("SELECT count(*) FROM users").fetchall()
    try:
        with pytest.raises(BackupError, match="sedang dipakai"):
            restore_backup(sqlite_app, archive)
    finally:
        other_server.close()
    assert "tetap@example.com" in {row[0] for row in _read(database, "SELECT email FROM users")}
    assert Path(sqlite_app.config["UPLOAD_DIR"]).is_dir()


# --- archives that must be refused -------------------------------------------------------

def _archive(tmp_path: Path, members: dict[str, bytes], name="malpro-backup-rusak.tar.gz") -> Path:
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as archive:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _database_bytes(tmp_path: Path, *, alembic=True, corrupt=False) -> bytes:
    path = tmp_path / f"db-{alembic}-{corrupt}.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    conn.executemany("INSERT INTO users (email) VALUES (?)", [(f"u{i}@example.com" * 20,) for i in range(2000)])
    conn.execute("CREATE INDEX ix_users_email ON users (email)")
    if alembic:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    if corrupt:
        page = 4096
        for offset in range(3 * page, 6 * page, 7):  # scribble over some index and table pages
            data[offset] = (data[offset] + 97) % 256
    return bytes(data)


def _refused(app, archive: Path, match: str):
    database = sqlite_path(app)
    before = _read(database, "SELECT count(*) FROM users")
    with pytest.raises(BackupError, match=match):
        restore_backup(app, archive)
    assert _read(database, "PRAGMA integrity_check") == [("ok",)]
    assert _read(database, "SELECT count(*) FROM users") == before
    assert not list(database.parent.glob("*.pre-restore-*"))
    assert not list(database.parent.glob(".malpro-restore-*"))


def test_truncated_archive_is_refused(sqlite_app, make, tmp_path):
    make.user()
    good = make_backup(sqlite_app, tmp_path / "b").path
    broken = tmp_path / "potong.tar.gz"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _refused(sqlite_app, broken, "rusak")


def test_not_an_archive_is_refused(sqlite_app, tmp_path):
    path = tmp_path / "bukan.tar.gz"
    path.write_bytes(gzip.compress(b"ini bukan tar"))
    _refused(sqlite_app, path, "rusak|tidak berisi")


def test_corrupted_database_is_refused(sqlite_app, tmp_path):
    archive = _archive(tmp_path, {"malpro.db": _database_bytes(tmp_path, corrupt=True)})
    _refused(sqlite_app, archive, "tidak utuh|tidak terbaca")


def test_database_without_alembic_version_is_refused(sqlite_app, tmp_path):
    archive = _archive(tmp_path, {"malpro.db": _database_bytes(tmp_path, alembic=False)})
    _refused(sqlite_app, archive, "alembic_version")


def test_database_from_an_unknown_schema_is_refused(sqlite_app, tmp_path):
    data = _database_bytes(tmp_path)
    path = tmp_path / "future.db"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_masa_depan'")
    conn.commit()
    conn.close()
    archive = _archive(tmp_path, {"malpro.db": path.read_bytes()})
    _refused(sqlite_app, archive, "tidak dikenal")


@pytest.mark.parametrize("member", ["../di-luar.txt", "/etc/malpro.txt", "uploads/../../x", "lain.txt"])
def test_unsafe_paths_are_refused(sqlite_app, tmp_path, member):
    archive = _archive(tmp_path, {"malpro.db": _database_bytes(tmp_path), member: b"x"})
    _refused(sqlite_app, archive, "tidak aman|tidak dikenal")
    assert not (tmp_path / "di-luar.txt").exists()


def test_postgres_points_to_pg_dump(app, runner):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("the PostgreSQL answer is checked in the PostgreSQL run")
    result = runner.invoke(args=["backup"])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    result = runner.invoke(args=["restore", "x.tar.gz", "--yes"])
    assert result.exit_code != 0
    assert "pg_restore" in result.output


# --- moving to PostgreSQL ------------------------------------------------------------------

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(POSTGRES_SERVER.replace("+psycopg", ""), connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False


@pytest.fixture
def empty_postgres_database(tmp_path):
    """A throwaway PostgreSQL database migrated to the newest revision."""
    import uuid

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    if not _postgres_reachable():
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_SERVER}")
    name = f"malpro_copy_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrated = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                               "INSTANCE_PATH": str(tmp_path / "pg-instance"), "UPLOAD_DIR": str(tmp_path / "pg-up")})
        with migrated.app_context():
            upgrade()
            db.engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_copy_to_postgres_moves_every_row_and_the_ids_go_on(sqlite_app, runner, make, empty_postgres_database):
    from sqlalchemy import create_engine, func, text

    from tests.order_helpers import place_order

    buyer = make.user(email="pindah@example.com")
    store = make.store()
    product = make.product(store=store, stock=5, name="Keripik Tempe Pindahan")
    order = place_order(buyer, (product, 2))
    product_id, order_id, order_code = product.id, order.id, order.code
    db.session.remove()

    result = runner.invoke(args=["copy-to-postgres", empty_postgres_database, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Salinan selesai" in result.output

    target = create_engine(empty_postgres_database)
    try:
        with target.connect() as conn:
            for table in db.metadata.sorted_tables:
                source_count = db.session.scalar(select(func.count()).select_from(table))
                assert conn.execute(select(func.count()).select_from(table)).scalar() == source_count, table.name
            assert conn.execute(text("SELECT stock FROM products WHERE id = :id"), {"id": product_id}).scalar() == 3
            assert conn.execute(text("SELECT code FROM orders WHERE id = :id"), {"id": order_id}).scalar() == order_code
            # The copied product is found by the PostgreSQL search index too.
            assert conn.execute(text("SELECT count(*) FROM product_search WHERE product_id = :id"),
                                {"id": product_id}).scalar() == 1
            # New rows get new ids, after the copied ones.
            max_user = conn.execute(text("SELECT max(id) FROM users")).scalar()
            assert conn.execute(text("SELECT nextval(pg_get_serial_sequence('users', 'id'))")).scalar() > max_user
    finally:
        target.dispose()


def test_copy_to_postgres_refuses_an_unmigrated_target(sqlite_app, runner):
    result = runner.invoke(args=["copy-to-postgres", "postgresql://postgres@127.0.0.1:5432/tidak_ada_db", "--yes"])
    assert result.exit_code != 0
    assert "db upgrade" in result.output
