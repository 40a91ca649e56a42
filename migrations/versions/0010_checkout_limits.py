"""Checkout limits (issue 15 point 5): a product's maximum quantity per order.

NULL means the default (20 for a product with limited stock; products with unlimited stock,
services, have no maximum). A plain ADD COLUMN: no table is rebuilt, also on SQLite.

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-05 19:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("products", sa.Column("max_per_order", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("products") as batch:
        batch.drop_column("max_per_order")
