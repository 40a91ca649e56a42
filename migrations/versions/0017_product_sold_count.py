"""Products: how many were sold (the quantity of completed orders), shown on cards as
"terjual N" without reading the order items of every card; and a partial index of the sold-out
products, which every listing shows after the others (services.catalog).

`sold_count` is kept by services.orders.move() when an order is completed; filled here from
the orders that are already completed.

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-05 19:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("sold_count", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE products SET sold_count = COALESCE((SELECT SUM(order_items.quantity) FROM order_items"
        " JOIN orders ON orders.id = order_items.order_id"
        " WHERE order_items.product_id = products.id AND orders.status = 'completed'), 0)"
    )
    op.create_index("ix_products_sold_out", "products", ["created_at", "id"], unique=False,
                    sqlite_where=sa.text("stock <= 0"), postgresql_where=sa.text("stock <= 0"))


def downgrade():
    op.drop_index("ix_products_sold_out", table_name="products")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("sold_count")
