"""Stores (toko UMKM), their legality documents and the history of admin decisions."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from malpro.models.base import Base, utcnow
from malpro.models.user import Opd, User

STORE_STATUSES = ("pending", "verified", "rejected", "suspended")


class Store(Base):
    __tablename__ = "stores"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected', 'suspended')", name="status"),
        CheckConstraint("delivery_fee >= 0", name="delivery_fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One store per user.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    nib: Mapped[str] = mapped_column(String(13), unique=True)
    phone: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(255))
    kecamatan: Mapped[str] = mapped_column(String(40), index=True)
    kelurahan: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    offers_delivery: Mapped[bool] = mapped_column(Boolean, default=True)
    offers_pickup: Mapped[bool] = mapped_column(Boolean, default=True)
    delivery_fee: Mapped[int] = mapped_column(Integer, default=0)
    logo_path: Mapped[Optional[str]] = mapped_column(String(255))
    # Free text shown to buyers, e.g. "Senin-Sabtu 08.00-17.00".
    opening_hours: Mapped[Optional[str]] = mapped_column(String(255))
    # Temporary closure ("libur"): products show as unavailable, checkout is refused.
    closed_from: Mapped[Optional[date]] = mapped_column(Date)
    closed_until: Mapped[Optional[date]] = mapped_column(Date)
    closed_note: Mapped[Optional[str]] = mapped_column(String(255))

    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    # The admin's reason for the current rejected/suspended status, shown to the seller.
    status_reason: Mapped[Optional[str]] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    verified_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    # The agency that mentors this UMKM (binaan), if any: set by an admin ("accepted"), or
    # chosen by the seller and "pending" until an admin accepts it.
    mentor_opd_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opds.id"), index=True)
    mentor_status: Mapped[Optional[str]] = mapped_column(String(10))
    # The store's own static QRIS (services.qris checked it) and what it says, shown to the
    # seller to confirm and to buyers on each QRIS order; every change is in qris_changes.
    qris_payload: Mapped[Optional[str]] = mapped_column(String(512))
    qris_merchant_name: Mapped[Optional[str]] = mapped_column(String(100))
    qris_nmid: Mapped[Optional[str]] = mapped_column(String(40))
    qris_city: Mapped[Optional[str]] = mapped_column(String(40))
    qris_updated_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    # Denormalised from reviews so listings can show and sort by rating without aggregates.
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)

    owner: Mapped[User] = relationship(back_populates="store")
    mentor_opd: Mapped[Optional[Opd]] = relationship()
    documents: Mapped[list["StoreDocument"]] = relationship(
        back_populates="store", order_by="StoreDocument.id", cascade="all, delete-orphan"
    )
    decisions: Mapped[list["StoreDecision"]] = relationship(
        back_populates="store", order_by="StoreDecision.id", cascade="all, delete-orphan"
    )

    qris_changes: Mapped[list["StoreQrisChange"]] = relationship(
        back_populates="store", order_by="StoreQrisChange.id", cascade="all, delete-orphan"
    )

    @property
    def is_verified(self) -> bool:
        return self.status == "verified"

    @property
    def has_qris(self) -> bool:
        return bool(self.qris_payload)


class StoreDocument(Base):
    """A legality document (NIB certificate from OSS, ...); the file lives outside static/."""

    __tablename__ = "store_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="nib")
    filename: Mapped[str] = mapped_column(String(255))  # the name the seller uploaded, for display
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random name on disk
    content_type: Mapped[str] = mapped_column(String(40))  # sniffed from the content
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    store: Mapped[Store] = relationship(back_populates="documents")


class StoreDecision(Base):
    """One step of a store's verification history (applied, verified, rejected, ...)."""

    __tablename__ = "store_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    # The admin who decided, or the seller who (re-)submitted.
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[Optional[str]] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    store: Mapped[Store] = relationship(back_populates="decisions")
    actor: Mapped[Optional[User]] = relationship()


class StoreQrisChange(Base):
    """One addition, change or removal of a store's QRIS: a swapped QRIS is how a stolen
    account steals payments, so every change is kept (with the payload) for admins to see."""

    __tablename__ = "store_qris_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))  # added, changed, removed
    merchant_name: Mapped[Optional[str]] = mapped_column(String(100))
    nmid: Mapped[Optional[str]] = mapped_column(String(40))
    city: Mapped[Optional[str]] = mapped_column(String(40))
    payload: Mapped[Optional[str]] = mapped_column(String(512))
    remote_addr: Mapped[Optional[str]] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    store: Mapped[Store] = relationship(back_populates="qris_changes")
    actor: Mapped[Optional[User]] = relationship()
