"""Backups of a live SQLite database and the uploads, and checked restores.

`flask --app malpro backup` copies the database with SQLite's online backup API (a consistent
snapshot taken while the site keeps serving and writing; a plain file copy of a WAL database
can miss or tear committed transactions), then the uploads, into one timestamped archive:

    malpro-backup-20261129-021500.tar.gz
        manifest.json    what, when, which schema revision, the database's SHA-256
        malpro.db        the snapshot (a single self-contained file, no -wal)
        uploads/...      product photos, logos, legality documents

The newest N archives are kept. Archives hold personal data (addresses, phone numbers, NIP,
legality documents), so they are written readable by their owner only.

`flask --app malpro restore FILE` extracts into a scratch folder beside the live files, checks
the database (PRAGMA integrity_check is "ok", an alembic_version row this code knows), and
only then swaps it in with an atomic rename. It refuses while app servers still hold the
database open. The replaced database and uploads are kept beside the new ones (*.pre-restore-*).

PostgreSQL deployments use pg_dump / pg_restore instead (docs/deployment.md). Moving from
SQLite to PostgreSQL is `flask --app malpro copy-to-postgres URL` (copy_to_postgres below).
"""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

ARCHIVE_PREFIX = "malpro-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
DB_NAME = "malpro.db"
UPLOADS_NAME = "uploads"
MANIFEST_NAME = "manifest.json"
DEFAULT_KEEP = 14

PG_DUMP_HINT = (
    "Basis data ini PostgreSQL: perintah backup hanya untuk SQLite. Gunakan pg_dump, misalnya\n"
    "  pg_dump --format=custom --file=malpro-$(date +%Y%m%d-%H%M%S).dump \"$DATABASE_URL\"\n"
    "dan salin folder uploads terpisah (lihat docs/deployment.md, bagian Backups)."
)
PG_RESTORE_HINT = (
    "Basis data ini PostgreSQL: perintah restore hanya untuk SQLite. Pulihkan dump pg_dump dengan\n"
    "  pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" BERKAS.dump\n"
    "dan folder uploads dengan tar (lihat docs/deployment.md, bagian Backups)."
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass
class BackupResult:
    path: Path
    database_bytes: int
    upload_files: int
    revision: str | None
    removed: list[Path]


@dataclass
class RestoreResult:
    database: Path
    revision: str
    upload_files: int
    previous_database: Path | None
    previous_uploads: Path | None


# --- where things are ----------------------------------------------------------------------

def sqlite_path(app: Flask, action: str = "backup") -> Path:
    """The live database file, or BackupError when the database is not SQLite."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise BackupError(PG_DUMP_HINT if action == "backup" else PG_RESTORE_HINT)
    if not url.database or url.database == ":memory:":
        raise BackupError("Basis data SQLite ini tidak tersimpan di berkas; tidak ada yang bisa dicadangkan.")
    return Path(url.database).resolve()


def default_backup_dir(app: Flask) -> Path:
    return Path(app.config.get("BACKUP_DIR") or Path(app.instance_path) / "backups")


def _timestamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def list_backups(directory: Path) -> list[Path]:
    """Archives in `directory`, oldest first."""
    found = [p for p in directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


# --- backup ------------------------------------------------------------------------------------

def snapshot_database(source: Path, target: Path, busy_timeout_s: float = 30.0) -> None:
    """Copy a live SQLite database consistently with the online backup API.

    All pages are copied in one step inside one read transaction: in WAL mode that does not
    block the site's writers, and the copy is exactly the database as of one commit."""
    if not source.exists():
        raise BackupError(f"Basis data {source} tidak ada.")
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True, timeout=busy_timeout_s)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        # A single self-contained file: no -wal beside it in the archive.
        dst.execute("PRAGMA journal_mode=DELETE")
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"Salinan basis data tidak utuh ({result}); backup dibatalkan.")
    finally:
        dst.close()
        src.close()


def _revision(database: Path) -> str | None:
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(mtime), mode
    archive.addfile(info, io.BytesIO(data))


def _add_uploads(archive: tarfile.TarFile, uploads: Path) -> int:
    """Add every regular file under `uploads`. Each file is read whole first, so one being
    written or removed meanwhile is either in the archive complete or not at all."""
    count = 0
    if not uploads.is_dir():
        return 0
    for root, dirs, files in os.walk(uploads):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            try:
                st = path.lstat()
                if not stat.S_ISREG(st.st_mode):
                    continue
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # removed since the walk listed it
            relative = path.relative_to(uploads).as_posix()
            _add_bytes(archive, f"{UPLOADS_NAME}/{relative}", data, st.st_mtime, 0o640)
            count += 1
    return count


def _free_name(directory: Path, stem: str) -> Path:
    candidate = directory / f"{stem}{ARCHIVE_SUFFIX}"
    n = 1
    while candidate.exists():
        candidate = directory / f"{stem}-{n}{ARCHIVE_SUFFIX}"
        n += 1
    return candidate


def rotate(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives; returns what was removed."""
    if keep < 1:
        raise BackupError("--keep minimal 1.")
    backups = list_backups(directory)
    removed = backups[:-keep] if len(backups) > keep else []
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_scratch(directory: Path, prefix: str, older_than_s: float = 3600) -> None:
    """Scratch folders a killed backup or restore left behind (never a finished archive)."""
    for path in directory.glob(prefix + "*"):
        try:
            if path.is_dir() and time.time() - path.stat().st_mtime > older_than_s:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def make_backup(app: Flask, dest: Path | None = None, keep: int | None = None) -> BackupResult:
    database = sqlite_path(app)
    uploads = Path(app.config["UPLOAD_DIR"])
    dest = (Path(dest) if dest else default_backup_dir(app)).resolve()
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_stale_scratch(dest, ".malpro-backup-")
    now = datetime.now(timezone.utc)
    target = _free_name(dest, ARCHIVE_PREFIX + _timestamp(now))

    with tempfile.TemporaryDirectory(prefix=".malpro-backup-", dir=dest) as scratch:
        copy = Path(scratch) / DB_NAME
        # The database first, then the uploads: a photo added meanwhile is simply extra, and
        # every file the snapshot refers to was on disk before its row was committed.
        snapshot_database(database, copy)
        revision = _revision(copy)
        partial = Path(scratch) / (target.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as archive:
                archive.add(copy, arcname=DB_NAME)
                upload_files = _add_uploads(archive, uploads)
                manifest = {
                    "format": 1,
                    "created_at": now.isoformat(timespec="seconds"),
                    "database": {"file": DB_NAME, "bytes": copy.stat().st_size, "sha256": _sha256(copy),
                                 "alembic_revision": revision},
                    "uploads": {"folder": UPLOADS_NAME, "files": upload_files},
                }
                _add_bytes(archive, MANIFEST_NAME, json.dumps(manifest, indent=2).encode(), time.time())
            raw.flush()
            os.fsync(raw.fileno())  # on disk, end-of-archive included, before it gets its name
        # Only a complete archive ever carries the final name (rotation never sees a partial one).
        os.replace(partial, target)
        _fsync_directory(dest)
        database_bytes = copy.stat().st_size
    removed = rotate(dest, keep) if keep else []
    return BackupResult(target, database_bytes, upload_files, revision, removed)


# --- restore -----------------------------------------------------------------------------------

def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only plain files and folders under relative paths: no links, devices or `..`."""
    members = archive.getmembers()
    for member in members:
        parts = Path(member.name).parts
        if member.name.startswith(("/", "\\")) or ".." in parts or not parts:
            raise BackupError(f"Arsip berisi jalur yang tidak aman: {member.name!r}.")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"Arsip berisi entri yang bukan berkas biasa: {member.name!r}.")
        if parts[0] not in (DB_NAME, UPLOADS_NAME, MANIFEST_NAME):
            raise BackupError(f"Arsip berisi berkas yang tidak dikenal: {member.name!r}.")
    return members


def extract_archive(archive_path: Path, into: Path) -> None:
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            members = _safe_members(archive)
            for member in members:
                member.mode = 0o700 if member.isdir() else 0o600
            archive.extractall(into, members=members, filter="data")
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"Arsip {archive_path.name} rusak atau bukan arsip backup Malpro ({exc}).") from None


def check_database(path: Path, known_revisions: set[str] | None = None) -> str:
    """The revision of a restored database, after checking it is whole and Malpro's."""
    if not path.is_file():
        raise BackupError(f"Arsip tidak berisi {DB_NAME}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise BackupError("Basis data di arsip tidak utuh (PRAGMA integrity_check: "
                                  f"{'; '.join(map(str, result[:5]))}). Pemulihan dibatalkan.")
            has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                     "AND name = 'alembic_version'").fetchone()
            if not has_table:
                raise BackupError("Basis data di arsip tidak punya tabel alembic_version: "
                                  "bukan basis data Malpro. Pemulihan dibatalkan.")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Basis data di arsip tidak terbaca ({exc}). Pemulihan dibatalkan.") from None
    if not row:
        raise BackupError("Basis data di arsip tidak mencatat versi skemanya. Pemulihan dibatalkan.")
    if known_revisions is not None and row[0] not in known_revisions:
        raise BackupError(f"Basis data di arsip memakai skema {row[0]} yang tidak dikenal versi Malpro ini "
                          "(dibuat oleh versi yang lebih baru?). Pasang versi itu dulu, lalu pulihkan.")
    return row[0]


def known_revisions(app: Flask) -> set[str]:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _take_database_offline(database: Path, keep_as: Path) -> None:
    """Check no app server holds the live database, then copy it aside.

    An exclusive lock is refused while any other process has the database open, even idle,
    so a running gunicorn is detected rather than left writing to a replaced file."""
    conn = sqlite3.connect(database, timeout=1.0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            raise BackupError("Basis data sedang dipakai (server aplikasi masih berjalan?). Hentikan dulu "
                              "semua server Malpro, misalnya `sudo systemctl stop malpro`, lalu ulangi.") from None
        kept = sqlite3.connect(keep_as)
        try:
            conn.backup(kept)
        finally:
            kept.close()
    finally:
        conn.close()  # the last connection to close folds the WAL in and removes it


def _swap_in(new: Path, live: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        side = live.with_name(live.name + suffix)
        if side.exists():
            if suffix == "-wal" and side.stat().st_size:
                raise BackupError(f"{side} masih berisi data: basis data sedang dipakai. Pemulihan dibatalkan.")
            side.unlink()
    os.replace(new, live)
    _fsync_directory(live.parent)


def restore_backup(app: Flask, archive_path: Path, include_uploads: bool = True) -> RestoreResult:
    database = sqlite_path(app, "restore")
    uploads = Path(app.config["UPLOAD_DIR"]).resolve()
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Arsip {archive_path} tidak ada.")
    if include_uploads and os.path.ismount(uploads):
        raise BackupError(f"{uploads} adalah titik mount bersama; pulihkan isinya dengan tar secara manual "
                          "dan jalankan restore dengan --skip-uploads.")
    database.parent.mkdir(parents=True, exist_ok=True)
    uploads.parent.mkdir(parents=True, exist_ok=True)
    for folder in {database.parent, uploads.parent}:
        _remove_stale_scratch(folder, ".malpro-restore-")
    stamp = _timestamp(datetime.now(timezone.utc))

    from malpro.extensions import db

    with app.app_context():
        db.engine.dispose()  # this process's own pooled connections must not count as "in use"

    # Scratch folders beside the live files (same file system), so the swaps are renames.
    with tempfile.TemporaryDirectory(prefix=".malpro-restore-", dir=database.parent) as scratch, \
            tempfile.TemporaryDirectory(prefix=".malpro-restore-uploads-", dir=uploads.parent) as staging:
        scratch = Path(scratch)
        extract_archive(archive_path, scratch)
        new_db = scratch / DB_NAME
        revision = check_database(new_db, known_revisions(app))
        new_uploads = scratch / UPLOADS_NAME
        staged_uploads = Path(staging) / UPLOADS_NAME
        if new_uploads.is_dir():
            shutil.copytree(new_uploads, staged_uploads)
        else:
            staged_uploads.mkdir()
        upload_files = sum(1 for p in staged_uploads.rglob("*") if p.is_file())

        # Everything is checked and staged; from here on the live files change.
        previous_db = None
        if database.exists():
            previous_db = database.with_name(f"{database.name}.pre-restore-{stamp}")
            _take_database_offline(database, previous_db)
        previous_uploads = None
        if include_uploads:
            if uploads.exists():
                previous_uploads = uploads.with_name(f"{uploads.name}.pre-restore-{stamp}")
                os.replace(uploads, previous_uploads)
            os.replace(staged_uploads, uploads)
        try:
            _swap_in(new_db, database)
        except BaseException:
            # The database was not replaced: put the uploads back as they were.
            if include_uploads:
                shutil.rmtree(uploads, ignore_errors=True)
                if previous_uploads is not None:
                    os.replace(previous_uploads, uploads)
            raise
    return RestoreResult(database, revision, upload_files if include_uploads else 0, previous_db, previous_uploads)


# --- commands ----------------------------------------------------------------------------------

@click.command("backup")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the archives (default: BACKUP_DIR or instance/backups).")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help=f"Keep only the newest N archives (default: BACKUP_KEEP or {DEFAULT_KEEP}).")
@with_appcontext
def backup_command(dest: Path | None, keep: int | None) -> None:
    """Back up the live SQLite database (online backup API) and the uploads into one archive."""
    app = current_app._get_current_object()
    keep = keep or int(app.config.get("BACKUP_KEEP") or DEFAULT_KEEP)
    try:
        result = make_backup(app, dest, keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup selesai: {result.path} (basis data {result.database_bytes} bita, skema "
               f"{result.revision}, {result.upload_files} berkas unggahan).")
    for path in result.removed:
        click.echo(f"Backup lama dihapus: {path.name}")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--skip-uploads", is_flag=True, help="Restore the database only; leave the uploads folder as it is.")
@with_appcontext
def restore_command(archive: Path, yes: bool, skip_uploads: bool) -> None:
    """Restore a backup archive after checking it (app servers must be stopped)."""
    app = current_app._get_current_object()
    try:
        database = sqlite_path(app, "restore")
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        click.confirm(f"Ganti basis data {database} dan folder unggahan dengan isi {archive.name}?", abort=True)
    try:
        result = restore_backup(app, archive, include_uploads=not skip_uploads)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Pemulihan selesai: {result.database} (skema {result.revision}, {result.upload_files} berkas "
               "unggahan).")
    if result.previous_database:
        click.echo(f"Basis data sebelumnya disimpan sebagai {result.previous_database}")
    if result.previous_uploads:
        click.echo(f"Folder unggahan sebelumnya disimpan sebagai {result.previous_uploads}")
    click.echo("Jalankan `flask --app malpro db upgrade` bila backup ini dari versi Malpro yang lebih lama.")


# --- moving to PostgreSQL -----------------------------------------------------------------------

def copy_to_postgres(app: Flask, target_url: str, log=print, batch: int = 2000) -> dict[str, int]:
    """Copy every row of this SQLite database into a PostgreSQL database already migrated to
    the same schema revision (`DATABASE_URL=... flask db upgrade`), in one transaction.

    The target's Malpro tables are emptied first (the reference rows the migration inserted
    are replaced by this database's own, ids included), rows go in table by table in foreign
    key order, and each id sequence is moved past the highest id copied. Returns the row count
    per table, checked against the source."""
    from sqlalchemy import Integer, create_engine, func, select, text

    from malpro import normalize_database_url
    from malpro.extensions import db

    sqlite_path(app)
    target_url = normalize_database_url(target_url)
    if make_url(target_url).get_backend_name() != "postgresql":
        raise BackupError("Tujuan harus basis data PostgreSQL (postgresql://pengguna@host/nama).")
    source = db.engine
    target = create_engine(target_url)
    try:
        with source.connect() as sconn:
            revision = sconn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        try:
            with target.connect() as tconn:
                target_revision = tconn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:
            target_revision = None
        if target_revision != revision:
            raise BackupError(f"Skema tujuan ({target_revision or 'kosong'}) tidak sama dengan sumber ({revision}). "
                              "Bangun dulu skemanya: DATABASE_URL=... flask --app malpro db upgrade")
        tables = list(db.metadata.sorted_tables)
        counts: dict[str, int] = {}
        with target.begin() as tconn, source.connect() as sconn:
            names = ", ".join(f'"{t.name}"' for t in tables)
            tconn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table in tables:
                rows = sconn.execution_options(stream_results=True).execute(
                    select(table).order_by(*table.primary_key.columns))
                copied = 0
                while chunk := rows.fetchmany(batch):
                    tconn.execute(table.insert(), [dict(row._mapping) for row in chunk])
                    copied += len(chunk)
                expected = sconn.execute(select(func.count()).select_from(table)).scalar()
                if copied != expected:
                    raise BackupError(f"Tabel {table.name}: {copied} baris disalin, sumber {expected}.")
                counts[table.name] = copied
                log(f"  {table.name}: {copied}")
            for table in tables:
                for column in table.primary_key.columns:
                    if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                        tconn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                            f"COALESCE((SELECT MAX(\"{column.name}\") FROM \"{table.name}\"), 0) + 1, false)"))
        return counts
    finally:
        target.dispose()


@click.command("copy-to-postgres")
@click.argument("target_url")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def copy_to_postgres_command(target_url: str, yes: bool) -> None:
    """Copy this SQLite database into a migrated PostgreSQL database (moving to PostgreSQL)."""
    app = current_app._get_current_object()
    if not yes:
        click.confirm("Semua tabel Malpro di basis data tujuan akan dikosongkan lalu diisi salinan basis data ini. "
                      "Lanjutkan?", abort=True)
    try:
        counts = copy_to_postgres(app, target_url, log=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Salinan selesai: {sum(counts.values())} baris dalam {len(counts)} tabel. Arahkan DATABASE_URL ke "
               "PostgreSQL dan mulai ulang server aplikasi.")


def register_backup_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(copy_to_postgres_command)
