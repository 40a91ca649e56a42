"""Product search index (SQLite FTS5 / PostgreSQL full text) and the listing indexes.

`product_search` holds, per product, its name, description and its store's name. Triggers on
products and stores keep it in sync, so every write is indexed whoever makes it: the seller
pages, the seeder's bulk INSERTs, the API, a psql session. Visibility (verified store, active
product) is not in the index: the queries join products and stores and apply it there.

- SQLite: an FTS5 table with its own copy of the text (rowid = product id). An external-content
  table cannot hold the store's name (not a products column), and a contentless one needs the
  exact old values to delete a row (SQLite 3.40 has no contentless_delete): any mismatch
  corrupts the index silently. The copy costs a few MB at 50,000 products.
- PostgreSQL: a side table (product_id, document tsvector) with a GIN index; the document
  weighs the name A, the store's name B, the description C, with the 'simple' configuration
  (no stemming: Indonesian words are not English). A generated column cannot read the store's
  name, hence the triggers.

A later migration that rebuilds `products` or `stores` on SQLite (batch mode "move and copy")
drops these triggers with the old table and must create them again (SQLITE_TRIGGERS below);
the search tests fail if it does not.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:00:00
"""
import unicodedata

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LISTING_INDEXES = (
    ("ix_products_created", ["created_at", "id"]),
    ("ix_products_price", ["price", "id"]),
    ("ix_products_category_price", ["category_id", "price", "id"]),
)

SQLITE_TABLE = """
CREATE VIRTUAL TABLE product_search USING fts5(
    name, description, store_name,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
)
"""

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
        INSERT INTO product_search (rowid, name, description, store_name)
        VALUES (new.id, new.name, new.description, (SELECT name FROM stores WHERE id = new.store_id));
    END
    """,
    """
    CREATE TRIGGER products_search_update AFTER UPDATE OF name, description, store_id ON products
    WHEN new.name IS NOT old.name OR new.description IS NOT old.description
         OR new.store_id IS NOT old.store_id
    BEGIN
        DELETE FROM product_search WHERE rowid = old.id;
        INSERT INTO product_search (rowid, name, description, store_name)
        VALUES (new.id, new.name, new.description, (SELECT name FROM stores WHERE id = new.store_id));
    END
    """,
    """
    CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
        DELETE FROM product_search WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER stores_search_rename AFTER UPDATE OF name ON stores
    WHEN new.name IS NOT old.name
    BEGIN
        UPDATE product_search SET store_name = new.name
        WHERE rowid IN (SELECT id FROM products WHERE store_id = new.id);
    END
    """,
)

SQLITE_FILL = """
INSERT INTO product_search (rowid, name, description, store_name)
SELECT products.id, products.name, products.description, stores.name
FROM products JOIN stores ON stores.id = products.store_id
"""



def _diacritics_map() -> tuple[str, str]:
    """Latin letters with diacritics and their plain letter ("é" -> "e"), for translate():
    PostgreSQL's 'simple' configuration keeps accents, the search query drops them
    (services.search.fold), so the document drops them too. Computed here, frozen into SQL."""
    accented, plain = [], []
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha() and base != char:
            accented.append(char)
            plain.append(base)
    return "".join(accented), "".join(plain)


_ACCENTED, _PLAIN = _diacritics_map()

POSTGRES_UPGRADE = (
    """
    CREATE TABLE product_search (
        product_id integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )
    """,
    "CREATE INDEX ix_product_search_document ON product_search USING gin (document)",
    """
    CREATE FUNCTION product_search_text(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT translate(coalesce(value, ''), '%s', '%s')
    $$
    """ % (_ACCENTED, _PLAIN),
    """
    CREATE FUNCTION product_search_document(p_name text, p_description text, p_store_name text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('simple', product_search_text(p_name)), 'A')
            || setweight(to_tsvector('simple', product_search_text(p_store_name)), 'B')
            || setweight(to_tsvector('simple', product_search_text(p_description)), 'C')
    $$
    """,
    """
    CREATE FUNCTION products_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO product_search (product_id, document)
        VALUES (NEW.id, product_search_document(
            NEW.name, NEW.description, (SELECT name FROM stores WHERE id = NEW.store_id)))
        ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER products_search_insert AFTER INSERT ON products
    FOR EACH ROW EXECUTE FUNCTION products_search_sync()
    """,
    """
    CREATE TRIGGER products_search_update AFTER UPDATE OF name, description, store_id ON products
    FOR EACH ROW
    WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.description IS DISTINCT FROM OLD.description
          OR NEW.store_id IS DISTINCT FROM OLD.store_id)
    EXECUTE FUNCTION products_search_sync()
    """,
    """
    CREATE FUNCTION stores_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE product_search
        SET document = product_search_document(products.name, products.description, NEW.name)
        FROM products
        WHERE products.store_id = NEW.id AND product_search.product_id = products.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER stores_search_rename AFTER UPDATE OF name ON stores
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
    EXECUTE FUNCTION stores_search_sync()
    """,
    """
    INSERT INTO product_search (product_id, document)
    SELECT products.id, product_search_document(products.name, products.description, stores.name)
    FROM products JOIN stores ON stores.id = products.store_id
    """,
)

POSTGRES_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS stores_search_rename ON stores",
    "DROP TRIGGER IF EXISTS products_search_update ON products",
    "DROP TRIGGER IF EXISTS products_search_insert ON products",
    "DROP FUNCTION IF EXISTS stores_search_sync()",
    "DROP FUNCTION IF EXISTS products_search_sync()",
    "DROP TABLE IF EXISTS product_search",
    "DROP FUNCTION IF EXISTS product_search_document(text, text, text)",
    "DROP FUNCTION IF EXISTS product_search_text(text)",
)


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name, columns in LISTING_INDEXES:
            batch_op.create_index(name, columns, unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_TABLE)
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute(SQLITE_FILL)
    else:  # PostgreSQL, the only other database Malpro starts on
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("stores_search_rename", "products_search_delete", "products_search_update",
                        "products_search_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS product_search")
    else:
        for statement in POSTGRES_DOWNGRADE:
            op.execute(statement)

    with op.batch_alter_table("products", schema=None) as batch_op:
        for name, _columns in reversed(LISTING_INDEXES):
            batch_op.drop_index(name)
