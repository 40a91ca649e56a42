"""People: accounts, ASN profiles, agencies (OPD), API tokens, saved addresses."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from malpro.models.base import Base, utcnow

if TYPE_CHECKING:
    from malpro.models.store import Store


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Stored lower-cased: uniqueness and login are case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Normalised Indonesian mobile number, 628...
    phone: Mapped[Optional[str]] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Deactivated accounts cannot log in (Flask-Login reads `is_active`).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_reason: Mapped[Optional[str]] = mapped_column(Text)
    locale: Mapped[Optional[str]] = mapped_column(String(5))
    # Where the buyer lives or works, for "stores near you".
    kecamatan: Mapped[Optional[str]] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    store: Mapped[Optional["Store"]] = relationship(back_populates="owner", uselist=False)
    asn_profile: Mapped[Optional["AsnProfile"]] = relationship(back_populates="user", uselist=False)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Opd(Base):
    """A city agency (organisasi perangkat daerah) an ASN profile belongs to."""

    __tablename__ = "opds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Retired agencies stay for history but cannot be chosen any more.
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AsnProfile(Base):
    __tablename__ = "asn_profiles"
    __table_args__ = (CheckConstraint("kind IN ('asn', 'non_asn')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    # One NIP belongs to one account; NULL for non-ASN.
    nip: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opds.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="asn_profile")
    opd: Mapped[Opd] = relationship()


class ApiToken(Base):
    """A bearer token for the Android apps; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class Address(Base):
    """A delivery address the buyer saved for the next checkout."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(16))
    street: Mapped[str] = mapped_column(String(255))
    kecamatan: Mapped[str] = mapped_column(String(40))
    kelurahan: Mapped[str] = mapped_column(String(40))
    notes: Mapped[Optional[str]] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[Optional[str]] = mapped_column(String(255))
    # A key of services.notifications.MESSAGES and its parameters: the notification is rendered
    # in the reader's language when shown. NULL for text-only notifications (title, body).
    message_key: Mapped[Optional[str]] = mapped_column(String(60))
    params: Mapped[Optional[dict]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class AuditLog(Base):
    """Every admin action: who, what, on what, when and why."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[Optional[int]] = mapped_column(Integer)
    reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[Optional[User]] = relationship()


class Setting(Base):
    """Programme settings admins may change (e.g. the ASN monthly minimum)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
