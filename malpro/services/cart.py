"""The cart: an account's cart lives in cart_items; a guest's in the session as
{"<product_id>": quantity} until they sign in, when it is merged."""
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import CartItem, Product

SESSION_KEY = "cart"


def cart_count(user_id: int | None, session) -> int:
    """Number of units in the cart, for the header badge."""
    if user_id is None:
        return sum(int(q) for q in session.get(SESSION_KEY, {}).values())
    return db.session.scalar(select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.user_id == user_id))


def take_session_cart(session) -> dict[int, int]:
    """Remove and return the guest cart kept in the session."""
    raw = session.pop(SESSION_KEY, {}) or {}
    return {int(pid): int(q) for pid, q in raw.items() if str(pid).isdigit() and int(q) > 0}


def merge_guest_cart(user_id: int, guest: dict[int, int]) -> None:
    """Add the guest's quantities to the account's cart, capped at the product's stock."""
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(guest)))}
    existing = {c.product_id: c for c in db.session.scalars(
        select(CartItem).where(CartItem.user_id == user_id, CartItem.product_id.in_(guest)))}
    for product_id, quantity in guest.items():
        product = products.get(product_id)
        if product is None:
            continue
        line = existing.get(product_id)
        total = quantity + (line.quantity if line else 0)
        if product.stock is not None:
            total = min(total, product.stock)
        if total <= 0:
            if line:
                db.session.delete(line)
            continue
        if line:
            line.quantity = total
        else:
            db.session.add(CartItem(user_id=user_id, product_id=product_id, quantity=total))
    db.session.commit()
