"""Orders (one per store per checkout), their item snapshots and status history."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from malpro.models.base import Base, utcnow
from malpro.models.store import Store
from malpro.models.user import User

ORDER_STATUSES = ("pending", "confirmed", "shipped", "ready", "completed", "cancelled")
FINAL_STATUSES = ("completed", "cancelled")
PAYMENT_METHODS = ("cash", "qris")
PAYMENT_STATUSES = ("unpaid", "claimed", "paid", "refund_due", "refunded")


class Checkout(Base):
    """One placement by a buyer; its key makes a repeated submission return the same orders."""

    __tablename__ = "checkouts"
    __table_args__ = (UniqueConstraint("buyer_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The web form's one-time token or the API's Idempotency-Key.
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    orders: Mapped[list["Order"]] = relationship(back_populates="checkout", order_by="Order.id")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'shipped', 'ready', 'completed', 'cancelled')", name="status"
        ),
        CheckConstraint("fulfilment IN ('delivery', 'pickup')", name="fulfilment"),
        Index("ix_orders_buyer_status", "buyer_id", "status"),
        Index("ix_orders_store_status", "store_id", "status"),
        Index("ix_orders_status_created", "status", "created_at"),
        # Programme reports (migration 0003): each period query reads one of these two ranges and
        # nothing else, so SQLite and PostgreSQL answer from the index alone.
        Index("ix_orders_created_report", "created_at", "status", "fulfilment", "store_id"),
        # payment_method added by migration 0012 (the cashless share reads it from the index too).
        Index("ix_orders_completed_report", "completed_at", "store_id", "buyer_id", "fulfilment", "total",
              "payment_method"),
        # `expire-unpaid` reads unpaid QRIS orders by age (migration 0012).
        Index("ix_orders_payment_expiry", "payment_method", "payment_status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)  # MLP-YYYYMMDD-NNNNNN
    checkout_id: Mapped[Optional[int]] = mapped_column(ForeignKey("checkouts.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    fulfilment: Mapped[str] = mapped_column(String(10))
    subtotal: Mapped[int] = mapped_column(Integer)
    delivery_fee: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    # Delivery address (COD only); pickup orders use the store's address, never the buyer's.
    recipient: Mapped[Optional[str]] = mapped_column(String(120))
    phone: Mapped[Optional[str]] = mapped_column(String(16))
    street: Mapped[Optional[str]] = mapped_column(String(255))
    kecamatan: Mapped[Optional[str]] = mapped_column(String(40))
    kelurahan: Mapped[Optional[str]] = mapped_column(String(40))
    notes: Mapped[Optional[str]] = mapped_column(String(255))
    cancel_reason: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    paid_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    # Payment (DOMAIN.md "Payment"): cash (COD / at pickup) or the store's QRIS. Malpro never
    # holds money; it records who said what: unpaid -> claimed (buyer) -> paid (seller), and
    # refund_due -> refunded for a paid order that was cancelled.
    payment_method: Mapped[str] = mapped_column(String(5), default="cash")
    payment_status: Mapped[str] = mapped_column(String(10), default="unpaid")
    # The order's dynamic QRIS and merchant name as made at checkout (a later change of the
    # store's QRIS does not redirect a placed order's payment).
    qris_payload: Mapped[Optional[str]] = mapped_column(String(600))
    qris_merchant_name: Mapped[Optional[str]] = mapped_column(String(100))
    payment_claimed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    # The buyer's screenshot of the payment (private: services.payments.proof_for).
    payment_proof_path: Mapped[Optional[str]] = mapped_column(String(255))
    # When the order reached `completed`: the date GMV is counted on.
    completed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    checkout: Mapped[Optional[Checkout]] = relationship(back_populates="orders")
    buyer: Mapped[User] = relationship()
    store: Mapped[Store] = relationship()
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_qris(self) -> bool:
        return self.payment_method == "qris"


class OrderItem(Base):
    """A snapshot of what was bought: later product edits do not change it."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # Starts with order_id (the foreign key's lookups) and covers the category and product
        # figures of the programme reports (migration 0003).
        Index("ix_order_items_report", "order_id", "category_id", "product_id", "quantity", "subtotal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    product_id: Mapped[Optional[int]] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[Optional[int]] = mapped_column(ForeignKey("categories.id"))
    name: Mapped[str] = mapped_column(String(120))
    price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="items")


class OrderEvent(Base):
    """One move of an order's status, with who made it and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    # Set on a payment event (the order's status stays `status`): claimed, paid, unpaid, ...
    payment_status: Mapped[Optional[str]] = mapped_column(String(10))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
