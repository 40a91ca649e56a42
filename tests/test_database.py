"""The database layer: SQLite pragmas, migrations matching the models, health check."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from malpro.extensions import db


def test_sqlite_pragmas_on_every_connection(app):
    if db.engine.dialect.name != "sqlite":
        return
    for _ in range(2):  # a second, fresh connection gets them too
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]
        db.engine.dispose()


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    try:
        db.session.execute(text("INSERT INTO cart_items (user_id, product_id, quantity, added_at) "
                                "VALUES (999, 999, 1, CURRENT_TIMESTAMP)"))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    else:
        raise AssertionError("a cart line for a missing user and product was accepted")


def test_migrations_match_models(app):
    """The database built by `flask db upgrade` has exactly the models' schema (apart from the
    search index of migration 0002, which lives in the database only)."""
    from malpro.services.search import is_search_table

    def include_name(name, type_, parent_names):
        return not (type_ == "table" and is_search_table(name))

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migration_seeds_reference_data(app):
    from malpro.services.catalog import all_categories

    slugs = [c.slug for c in all_categories()]
    assert slugs == ["makanan-minuman", "fashion-pria", "fashion-wanita", "peralatan", "kriya",
                     "perlengkapan-rumah", "jasa", "wedding"]
    assert db.session.execute(text("SELECT count(*) FROM opds")).scalar() == 29


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_healthz_reports_migration_behind(client):
    current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    db.session.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    db.session.commit()
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json["checks"]["migrations"].startswith("not current")
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()
