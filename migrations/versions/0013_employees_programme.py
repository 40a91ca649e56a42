"""The employees' programme run by the agencies (issue 17): OPD officers, confirmed ASN
profiles (a NIP may be claimed twice until its OPD settles it), purchases outside Malpro,
onboarding leads' marks, the reminders sent, and stores' mentoring agency (binaan).

Existing profiles become `unconfirmed`: nobody has checked them yet.

Revision ID: 0013
Revises: 0015
Create Date: 2026-12-05 19:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0015"
branch_labels = None
depends_on = None

CONFIRMED = sa.text("status = 'confirmed'")


def upgrade():
    with op.batch_alter_table("asn_profiles", schema=None) as batch_op:
        batch_op.drop_constraint("uq_asn_profiles_nip", type_="unique")
        batch_op.add_column(sa.Column("status", sa.String(length=12), server_default="unconfirmed",
                                      nullable=False))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_asn_profiles_decided_by_id_users"), "users",
                                    ["decided_by_id"], ["id"], ondelete="SET NULL")
        batch_op.create_check_constraint(batch_op.f("ck_asn_profiles_status"),
                                         "status IN ('unconfirmed', 'confirmed', 'rejected')")
        batch_op.create_index(batch_op.f("ix_asn_profiles_nip"), ["nip"], unique=False)
    op.create_index("uq_asn_profiles_confirmed_nip", "asn_profiles", ["nip"], unique=True,
                    sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)

    # Plain ADD COLUMN (no table rebuild): the search triggers name the stores table.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE stores ADD COLUMN mentor_opd_id INTEGER "
                   "CONSTRAINT fk_stores_mentor_opd_id_opds REFERENCES opds (id)")
    else:
        op.add_column("stores", sa.Column("mentor_opd_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_stores_mentor_opd_id_opds"), "stores", "opds", ["mentor_opd_id"], ["id"])
    op.add_column("stores", sa.Column("mentor_status", sa.String(length=10), nullable=True))
    op.create_index(op.f("ix_stores_mentor_opd_id"), "stores", ["mentor_opd_id"], unique=False)

    op.create_table(
        "opd_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('coordinator', 'mentor')", name=op.f("ck_opd_officers_role")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_opd_officers_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opd_id"], ["opds.id"], name=op.f("fk_opd_officers_opd_id_opds")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_opd_officers_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opd_officers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_opd_officers_user_id")),
    )
    op.create_index(op.f("ix_opd_officers_opd_id"), "opd_officers", ["opd_id"], unique=False)

    op.create_table(
        "outside_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=False),
        sa.Column("shop_name", sa.String(length=120), nullable=False),
        sa.Column("shop_key", sa.String(length=200), nullable=False),
        sa.Column("kecamatan", sa.String(length=40), nullable=False),
        sa.Column("kelurahan", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("photo_thumb", sa.String(length=255), nullable=False),
        sa.Column("photo_large", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f("ck_outside_purchases_status")),
        sa.CheckConstraint("amount >= 1000 AND amount <= 5000000", name=op.f("ck_outside_purchases_amount_range")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outside_purchases_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_outside_purchases_decided_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outside_purchases")),
    )
    op.create_index(op.f("ix_outside_purchases_shop_key"), "outside_purchases", ["shop_key"], unique=False)
    op.create_index("ix_outside_purchases_user_status", "outside_purchases", ["user_id", "status"], unique=False)
    op.create_index("ix_outside_purchases_report", "outside_purchases",
                    ["status", "purchase_date", "user_id", "amount"], unique=False)

    op.create_table(
        "shop_leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('new', 'invited', 'joined')", name=op.f("ck_shop_leads_status")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_shop_leads_store_id_stores"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_shop_leads_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_leads")),
        sa.UniqueConstraint("shop_key", name=op.f("uq_shop_leads_shop_key")),
    )

    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reminder_log_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_log")),
        sa.UniqueConstraint("user_id", "kind", "month", name="uq_reminder_once"),
    )


def downgrade():
    op.drop_table("reminder_log")
    op.drop_table("shop_leads")
    op.drop_index("ix_outside_purchases_report", table_name="outside_purchases")
    op.drop_index("ix_outside_purchases_user_status", table_name="outside_purchases")
    op.drop_index(op.f("ix_outside_purchases_shop_key"), table_name="outside_purchases")
    op.drop_table("outside_purchases")
    op.drop_index(op.f("ix_opd_officers_opd_id"), table_name="opd_officers")
    op.drop_table("opd_officers")
    op.drop_index(op.f("ix_stores_mentor_opd_id"), table_name="stores")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_stores_mentor_opd_id_opds"), "stores", type_="foreignkey")
    op.drop_column("stores", "mentor_status")
    op.drop_column("stores", "mentor_opd_id")
    op.drop_index("uq_asn_profiles_confirmed_nip", table_name="asn_profiles")
    # A NIP claimed by two accounts cannot survive the old one-account-per-NIP rule.
    op.execute("DELETE FROM asn_profiles WHERE status != 'confirmed' AND nip IN "
               "(SELECT nip FROM asn_profiles WHERE nip IS NOT NULL GROUP BY nip HAVING COUNT(*) > 1)")
    with op.batch_alter_table("asn_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asn_profiles_nip"))
        batch_op.drop_constraint(batch_op.f("ck_asn_profiles_status"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_asn_profiles_decided_by_id_users"), type_="foreignkey")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("reason")
        batch_op.drop_column("status")
        batch_op.create_unique_constraint(batch_op.f("uq_asn_profiles_nip"), ["nip"])
