"""Search that forgives: the vocabulary's version number, kept by triggers.

services.search_vocabulary corrects unknown words against the words of visible products' and
verified stores' names, read once per process. `product_search_version` holds one number that
these triggers raise inside every transaction that changes such a word (a product's name,
activity or store, a product added or removed, a store's name or status): a process rebuilds
its vocabulary when the number differs from the one it read. On PostgreSQL the triggers are
per statement (a bulk insert raises it once).

A later migration that rebuilds `products` or `stores` on SQLite (batch "move and copy") drops
these triggers with the old table and must create them again (SQLITE_TRIGGERS); the search
tests fail if it does not.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-05 19:40:00
"""
from alembic import op

revision = "0016"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLE = "product_search_version"
BUMP = f"UPDATE {TABLE} SET version = version + 1"

SQLITE_TRIGGERS = (
    f"CREATE TRIGGER products_vocabulary_insert AFTER INSERT ON products BEGIN {BUMP}; END",
    f"CREATE TRIGGER products_vocabulary_delete AFTER DELETE ON products BEGIN {BUMP}; END",
    f"""CREATE TRIGGER products_vocabulary_update AFTER UPDATE OF name, is_active, store_id ON products
    WHEN new.name IS NOT old.name OR new.is_active IS NOT old.is_active OR new.store_id IS NOT old.store_id
    BEGIN {BUMP}; END""",
    f"""CREATE TRIGGER stores_vocabulary_update AFTER UPDATE OF name, status, slug, kecamatan, kelurahan ON stores
    WHEN new.name IS NOT old.name OR new.status IS NOT old.status OR new.slug IS NOT old.slug
         OR new.kecamatan IS NOT old.kecamatan OR new.kelurahan IS NOT old.kelurahan
    BEGIN {BUMP}; END""",
    f"CREATE TRIGGER stores_vocabulary_delete AFTER DELETE ON stores BEGIN {BUMP}; END",
)
SQLITE_TRIGGER_NAMES = ("products_vocabulary_insert", "products_vocabulary_delete",
                        "products_vocabulary_update", "stores_vocabulary_update", "stores_vocabulary_delete")

POSTGRES_UPGRADE = (
    f"""CREATE FUNCTION product_search_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {BUMP}; RETURN NULL; END $$""",
    """CREATE TRIGGER products_vocabulary_change AFTER INSERT OR DELETE OR UPDATE OF name, is_active, store_id
    ON products FOR EACH STATEMENT EXECUTE FUNCTION product_search_version_bump()""",
    """CREATE TRIGGER stores_vocabulary_change AFTER DELETE OR UPDATE OF name, status, slug, kecamatan, kelurahan
    ON stores FOR EACH STATEMENT EXECUTE FUNCTION product_search_version_bump()""",
)
POSTGRES_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS stores_vocabulary_change ON stores",
    "DROP TRIGGER IF EXISTS products_vocabulary_change ON products",
    "DROP FUNCTION IF EXISTS product_search_version_bump()",
)


def upgrade():
    op.execute(f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)")
    op.execute(f"INSERT INTO {TABLE} (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:  # PostgreSQL
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for statement in POSTGRES_DOWNGRADE:
            op.execute(statement)
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
