"""The employees' programme run by the agencies (DOMAIN.md "The employees' programme"):
OPD officers (coordinators and mentoring-agency officers), purchases outside Malpro, the
onboarding leads' marks and the reminders already sent."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from malpro.models.base import Base, utcnow
from malpro.models.user import Opd, User

OFFICER_ROLES = ("coordinator", "mentor")
PURCHASE_STATUSES = ("pending", "approved", "rejected")
LEAD_STATUSES = ("new", "invited", "joined")


class OpdOfficer(Base):
    """An account acting for one OPD: a `coordinator` (its staff's programme) or a `mentor`
    (the officer of a mentoring agency, who follows its binaan stores). One role per account."""

    __tablename__ = "opd_officers"
    __table_args__ = (CheckConstraint("role IN ('coordinator', 'mentor')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opds.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="coordinator")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    opd: Mapped[Opd] = relationship()


class OutsidePurchase(Base):
    """A purchase an employee made in person at a Kota Malang UMKM that is not (yet) on
    Malpro ("belanja luar Malpro"), with its photo; counts once approved."""

    __tablename__ = "outside_purchases"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        CheckConstraint("amount >= 1000 AND amount <= 5000000", name="amount_range"),
        Index("ix_outside_purchases_user_status", "user_id", "status"),
        Index("ix_outside_purchases_report", "status", "purchase_date", "user_id", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purchase_date: Mapped[date] = mapped_column(Date)
    shop_name: Mapped[str] = mapped_column(String(120))
    # Lower-cased name without spaces or punctuation + "|" + kelurahan: groups the leads.
    shop_key: Mapped[str] = mapped_column(String(200), index=True)
    kecamatan: Mapped[str] = mapped_column(String(40))
    kelurahan: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    # Private image files (UPLOAD_DIR/purchases/...), served only to who may see the report.
    photo_thumb: Mapped[str] = mapped_column(String(255))
    photo_large: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[Optional[str]] = mapped_column(Text)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ShopLead(Base):
    """An admin's mark on an onboarding lead (a shop named in approved outside purchases):
    invited, or joined with the store it became."""

    __tablename__ = "shop_leads"
    __table_args__ = (CheckConstraint("status IN ('new', 'invited', 'joined')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="new")
    store_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"))
    note: Mapped[Optional[str]] = mapped_column(String(255))
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ReminderLog(Base):
    """One reminder sent: at most one per person, kind and month (`remind-asn` is idempotent)."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("user_id", "kind", "month", name="uq_reminder_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    month: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
