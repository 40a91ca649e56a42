"""Real orders for tests, placed the way a buyer places them: cart, then checkout."""
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Notification, Order, OrderEvent
from malpro.services import cart, checkout

ADDRESS = {"recipient": "Budi Santoso", "phone": "0812-9876-5432", "street": "Jl. Ijen No. 10",
           "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo", "notes": "Pagar hijau"}


def place_order(buyer, *items, mode="delivery", address=None) -> Order:
    """One order of `items` ((product, quantity) pairs, all of one store)."""
    for product, quantity in items:
        cart.set_quantity(buyer.id, None, product.id, quantity)
    store_id = items[0][0].store_id
    [order] = checkout.place_orders(buyer.id, checkout.new_checkout_key(), {store_id: mode},
                                    address=(address or ADDRESS) if mode == "delivery" else None,
                                    store_ids=[store_id])
    return order


def fresh_order(order_id: int) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def event_count(order_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order_id))


def notification_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user_id))
