"""Notifications rendered in the reader's language: a message key and its parameters.

A notification made with `services.notifications.send()` stores the key of its message in the
registry (`MESSAGES`) and the parameters (JSON); pages and emails render it in the reader's
language when shown. Existing rows keep both columns NULL and show their stored title and body.
Plain ADD COLUMN (nullable), so SQLite does not rebuild the table.

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-05 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notifications", sa.Column("message_key", sa.String(60), nullable=True))
    op.add_column("notifications", sa.Column("params", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("params")
        batch.drop_column("message_key")
