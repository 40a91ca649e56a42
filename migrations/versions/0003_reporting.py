"""Indexes for the programme reports (admin dashboard, ASN participation, transparency).

Every report reads orders by one of two time ranges: placed (`created_at`) or completed
(`completed_at`). Each range gets a covering index holding the columns the GROUP BY queries
need, so a month of orders is read from the index alone (docs/reports.md, docs/performance.md).
They replace the single-column index on `completed_at` and the one on `order_items.order_id`,
which are their leading columns. No table is rebuilt (plain CREATE/DROP INDEX, also on SQLite).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:00:00
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NEW_INDEXES = (
    ("ix_orders_created_report", "orders", ["created_at", "status", "fulfilment", "store_id"]),
    ("ix_orders_completed_report", "orders", ["completed_at", "store_id", "buyer_id", "fulfilment", "total"]),
    ("ix_order_items_report", "order_items", ["order_id", "category_id", "product_id", "quantity", "subtotal"]),
)
REPLACED_INDEXES = (
    ("ix_orders_completed_at", "orders", ["completed_at"]),
    ("ix_order_items_order_id", "order_items", ["order_id"]),
)


def upgrade():
    for name, table, columns in NEW_INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in REPLACED_INDEXES:
        op.drop_index(name, table_name=table)


def downgrade():
    for name, table, columns in REPLACED_INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in reversed(NEW_INDEXES):
        op.drop_index(name, table_name=table)
