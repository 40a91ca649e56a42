"""All models, importable from one place (`from malpro.models import Product`)."""
from malpro.models.base import Base, average_rating, utcnow
from malpro.models.catalog import CartItem, Category, Product, ProductImage, Review
from malpro.models.order import (
    FINAL_STATUSES,
    ORDER_STATUSES,
    PAYMENT_METHODS,
    PAYMENT_STATUSES,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
)
from malpro.models.store import STORE_STATUSES, Store, StoreDecision, StoreDocument, StoreQrisChange
from malpro.models.user import Address, ApiToken, AsnProfile, AuditLog, Notification, Opd, Setting, User

__all__ = [
    "Address", "ApiToken", "AsnProfile", "AuditLog", "Base", "average_rating", "CartItem", "Category", "Checkout",
    "FINAL_STATUSES", "Notification", "ORDER_STATUSES", "Opd", "Order", "OrderEvent", "OrderItem",
    "PAYMENT_METHODS", "PAYMENT_STATUSES", "Product", "ProductImage", "Review", "STORE_STATUSES", "Setting", "Store", "StoreDecision",
    "StoreDocument", "StoreQrisChange", "User", "utcnow",
]
