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
from malpro.models.programme import (
    LEAD_STATUSES,
    OFFICER_ROLES,
    PURCHASE_STATUSES,
    OpdOfficer,
    OutsidePurchase,
    ReminderLog,
    ShopLead,
)
from malpro.models.store import STORE_STATUSES, Store, StoreDecision, StoreDocument, StoreQrisChange
from malpro.models.user import (
    PROFILE_STATUSES,
    Address,
    ApiToken,
    AsnProfile,
    AuditLog,
    LoginSession,
    Notification,
    Opd,
    PasswordReset,
    Setting,
    User,
)

__all__ = [
    "Address", "ApiToken", "AsnProfile", "AuditLog", "Base", "average_rating", "CartItem", "Category", "Checkout",
    "FINAL_STATUSES", "Notification", "ORDER_STATUSES", "Opd", "Order", "OrderEvent", "OrderItem",
    "Product", "ProductImage", "Review", "STORE_STATUSES", "Setting", "Store", "StoreDecision",
    "StoreDocument", "User", "utcnow", "LEAD_STATUSES", "OFFICER_ROLES", "PURCHASE_STATUSES",
    "PROFILE_STATUSES", "OpdOfficer", "OutsidePurchase", "ReminderLog", "ShopLead", "LoginSession", "PasswordReset", "PAYMENT_METHODS", "PAYMENT_STATUSES", "StoreQrisChange",
]
