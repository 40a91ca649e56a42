"""Cashless payment with each store's own static QRIS (issue 16).

Stores gain their QRIS (payload and what it says) and the audit trail of its changes; orders
gain the payment method and state, the order's dynamic QRIS and the buyer's payment proof;
order events gain the payment state they record. Existing orders are cash; completed ones are
paid. Only ADD COLUMN and CREATE TABLE/INDEX: no table is rebuilt on SQLite, so the search
triggers of 0002 stay in place.

Revision ID: 0012
Revises: 0017
Create Date: 2026-12-05 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0017"
branch_labels = None
depends_on = None

STORE_COLUMNS = (
    ("qris_payload", sa.String(512)),
    ("qris_merchant_name", sa.String(100)),
    ("qris_nmid", sa.String(40)),
    ("qris_city", sa.String(40)),
    ("qris_updated_at", sa.DateTime()),
)
ORDER_COLUMNS = (
    ("qris_payload", sa.String(600)),
    ("qris_merchant_name", sa.String(100)),
    ("payment_claimed_at", sa.DateTime()),
    ("payment_proof_path", sa.String(255)),
)
COMPLETED_REPORT = ["completed_at", "store_id", "buyer_id", "fulfilment", "total"]


def upgrade():
    for name, type_ in STORE_COLUMNS:
        op.add_column("stores", sa.Column(name, type_, nullable=True))
    op.add_column("orders", sa.Column("payment_method", sa.String(5), nullable=False, server_default="cash"))
    op.add_column("orders", sa.Column("payment_status", sa.String(10), nullable=False, server_default="unpaid"))
    for name, type_ in ORDER_COLUMNS:
        op.add_column("orders", sa.Column(name, type_, nullable=True))
    op.add_column("order_events", sa.Column("payment_status", sa.String(10), nullable=True))
    op.execute("UPDATE orders SET payment_status = 'paid' WHERE status = 'completed'")
    op.create_index("ix_orders_payment_expiry", "orders", ["payment_method", "payment_status", "created_at"])
    # The reports' completed-orders index also covers the payment method (cashless share).
    op.drop_index("ix_orders_completed_report", table_name="orders")
    op.create_index("ix_orders_completed_report", "orders", COMPLETED_REPORT + ["payment_method"])
    op.create_table(
        "store_qris_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("store_id", sa.Integer(), sa.ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("merchant_name", sa.String(100), nullable=True),
        sa.Column("nmid", sa.String(40), nullable=True),
        sa.Column("city", sa.String(40), nullable=True),
        sa.Column("payload", sa.String(512), nullable=True),
        sa.Column("remote_addr", sa.String(45), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_store_qris_changes_store_id", "store_qris_changes", ["store_id"])


def downgrade():
    op.drop_index("ix_orders_completed_report", table_name="orders")
    op.create_index("ix_orders_completed_report", "orders", COMPLETED_REPORT)
    op.drop_index("ix_store_qris_changes_store_id", table_name="store_qris_changes")
    op.drop_table("store_qris_changes")
    op.drop_index("ix_orders_payment_expiry", table_name="orders")
    with op.batch_alter_table("order_events") as batch:
        batch.drop_column("payment_status")
    with op.batch_alter_table("orders") as batch:
        for name, _type in reversed(ORDER_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("payment_status")
        batch.drop_column("payment_method")
    with op.batch_alter_table("stores") as batch:
        for name, _type in reversed(STORE_COLUMNS):
            batch.drop_column(name)
