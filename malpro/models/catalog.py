"""The catalogue: categories, products, their images, reviews and cart lines."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from malpro.models.base import Base, average_rating, utcnow
from malpro.models.store import Store
from malpro.models.user import User


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The 8 slugs of data/categories.json are stable (URLs, API); names and order may be edited.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    icon: Mapped[str] = mapped_column(String(16), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price BETWEEN 100 AND 1000000000", name="price_range"),
        # Stock never goes below zero, whatever the code above does.
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        Index("ix_products_store_created", "store_id", "created_at"),
        Index("ix_products_category_created", "category_id", "created_at"),
        # The shop's listings (migration 0002): newest and price order over everything and per
        # category, each read in index order so a page stops after per_page + 1 visible rows.
        Index("ix_products_created", "created_at", "id"),
        Index("ix_products_price", "price", "id"),
        Index("ix_products_category_price", "category_id", "price", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(Integer)  # whole rupiah
    # NULL means unlimited (services).
    stock: Mapped[Optional[int]] = mapped_column(Integer)
    # At most this many per order while the stock is limited; NULL: the default (services.cart).
    max_per_order: Mapped[Optional[int]] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an admin takes the listing down; the seller sees why.
    moderation_reason: Mapped[Optional[str]] = mapped_column(Text)
    halal_number: Mapped[Optional[str]] = mapped_column(String(60))
    pirt_number: Mapped[Optional[str]] = mapped_column(String(60))
    bpom_number: Mapped[Optional[str]] = mapped_column(String(60))
    # The cover thumbnail, copied from the first image so listings need no join.
    cover_path: Mapped[Optional[str]] = mapped_column(String(255))
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    store: Mapped[Store] = relationship()
    category: Mapped[Category] = relationship()
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )

    @property
    def rating_average(self) -> Optional[float]:
        return average_rating(self.rating_sum, self.rating_count)


class ProductImage(Base):
    """A re-encoded product image: a thumbnail and a large version, random names."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 is the cover
    thumb_path: Mapped[str] = mapped_column(String(255))
    large_path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    product: Mapped[Product] = relationship()


class Review(Base):
    """A buyer's rating of one product of a completed order (once per order and product)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped["User"] = relationship()
