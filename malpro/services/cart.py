"""The cart (DOMAIN.md "Cart and checkout"). An account's cart lives in cart_items; a
guest's in the session as {"<product_id>": quantity} until they sign in, when it is merged.

The cart is grouped by store; each line says whether it can be ordered now and, if not,
why (stock, product inactive, store not verified or closed, more than one order may take of
it, the buyer's own store: DOMAIN.md "A store's owner can never buy from their own store")."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import joinedload

from malpro.database import immediate_transaction, insert_or_update
from malpro.extensions import db
from malpro.models import CartItem, Product, Store, utcnow
from malpro.services.errors import (
    ForbiddenError,
    NotFoundError,
    OutOfStockError,
    StoreUnavailableError,
    ValidationError,
)
from malpro.services.products import per_order_limit
from malpro.services.stores import is_closed

SESSION_KEY = "cart"
MAX_QUANTITY = 999

# The statements of every cart change and checkout, built once: building a statement (and the
# key SQLAlchemy caches its SQL under) costs more than running it (docs/performance.md).
_ACCOUNT_LINES = (select(Product, CartItem.quantity).join(CartItem, CartItem.product_id == Product.id)
                  .where(CartItem.user_id == bindparam("user_id")).order_by(CartItem.id)
                  .options(joinedload(Product.store)))
_PRODUCT_WITH_STORE = select(Product).where(Product.id == bindparam("product_id")).options(joinedload(Product.store))


@dataclass
class CartLine:
    product: Product
    quantity: int
    problem: str | None = None  # why it cannot be ordered now, or None

    @property
    def available(self) -> bool:
        return self.problem is None

    @property
    def subtotal(self) -> int:
        return self.product.price * self.quantity


@dataclass
class CartGroup:
    store: Store
    lines: list[CartLine] = field(default_factory=list)
    problem: str | None = None  # a reason that blocks the whole store (not verified, closed)

    @property
    def subtotal(self) -> int:
        return sum(line.subtotal for line in self.lines)

    @property
    def orderable(self) -> bool:
        return self.problem is None and all(line.available for line in self.lines)


@dataclass
class Cart:
    groups: list[CartGroup]

    @property
    def total(self) -> int:
        return sum(g.subtotal for g in self.groups)

    @property
    def count(self) -> int:
        return sum(line.quantity for g in self.groups for line in g.lines)

    def group(self, store_id: int) -> CartGroup | None:
        return next((g for g in self.groups if g.store.id == store_id), None)


# --- reading ----------------------------------------------------------------------------

def _quantities(user_id: int | None, session) -> dict[int, int]:
    if user_id is None:
        return {int(pid): int(q) for pid, q in session.get(SESSION_KEY, {}).items()}
    return dict(db.session.execute(
        select(CartItem.product_id, CartItem.quantity).where(CartItem.user_id == user_id).order_by(CartItem.id)
    ).all())


def cart_count(user_id: int | None, session) -> int:
    """Number of units in the cart, for the header badge."""
    if user_id is None:
        return sum(int(q) for q in session.get(SESSION_KEY, {}).values())
    return db.session.scalar(select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.user_id == user_id))


def own_store_message() -> str:
    return _("Ini produk toko Anda sendiri: pemilik toko tidak bisa membeli dari tokonya sendiri.")


def store_problem(store: Store, buyer_id: int | None = None) -> str | None:
    """Why a store cannot take orders now (from this buyer), or None."""
    if buyer_id is not None and store.owner_id == buyer_id:
        return own_store_message()
    if store.status != "verified":
        return _("Toko %(name)s sedang tidak aktif di Malpro.", name=store.name)
    if is_closed(store):
        return _("Toko %(name)s sedang libur sampai %(until)s.", name=store.name,
                 until=store.closed_until.strftime("%d-%m-%Y"))
    return None


def line_problem(product: Product, quantity: int) -> str | None:
    """Why this product cannot be ordered in this quantity now, or None."""
    if not product.is_active:
        return _("%(name)s sudah tidak dijual.", name=product.name)
    if product.stock is not None and product.stock < quantity:
        if product.stock == 0:
            return _("Stok %(name)s habis.", name=product.name)
        return _("Stok %(name)s tinggal %(n)d.", name=product.name, n=product.stock)
    limit = per_order_limit(product)
    if limit is not None and quantity > limit:
        return limit_message(product, limit)
    return None


def limit_message(product: Product, limit: int) -> str:
    return _("Satu pesanan paling banyak %(n)d %(unit)s %(name)s (batas dari penjual, agar stok tidak habis "
             "oleh satu pembeli).", n=limit, unit=product.unit, name=product.name)


def _lines(user_id: int | None, session) -> list[tuple[Product, int]]:
    """(product with its store, quantity) in the order the lines were added; one query."""
    if user_id is not None:
        return [tuple(row) for row in db.session.execute(_ACCOUNT_LINES, {"user_id": user_id})]
    quantities = _quantities(None, session)
    if not quantities:
        return []
    products = db.session.scalars(select(Product).where(Product.id.in_(quantities))
                                  .options(joinedload(Product.store))).all()
    order = list(quantities)
    return [(p, quantities[p.id]) for p in sorted(products, key=lambda p: order.index(p.id))]


def get_cart(user_id: int | None, session) -> Cart:
    groups: dict[int, CartGroup] = {}
    for product, quantity in _lines(user_id, session):
        group = groups.get(product.store_id)
        if group is None:
            group = groups[product.store_id] = CartGroup(store=product.store,
                                                         problem=store_problem(product.store, user_id))
        group.lines.append(CartLine(product=product, quantity=quantity, problem=line_problem(product, quantity)))
    return Cart(groups=list(groups.values()))


# --- changing ---------------------------------------------------------------------------

def _check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError(fields={"quantity": _("Jumlah harus bilangan bulat.")})
    if quantity < 0:
        raise ValidationError(fields={"quantity": _("Jumlah tidak boleh negatif.")})
    if quantity > MAX_QUANTITY:
        raise ValidationError(fields={"quantity": _("Jumlah maksimal %(n)d.", n=MAX_QUANTITY)})
    return quantity


def _orderable_product(product_id: int, user_id: int | None) -> Product:
    """A product that may be put in this buyer's cart: visible in the shop (verified store,
    active), and not of the buyer's own store."""
    product = db.session.scalar(_PRODUCT_WITH_STORE, {"product_id": product_id})
    if product is None or product.store.status != "verified":
        raise NotFoundError(_("Produk tidak ditemukan."))
    if user_id is not None and product.store.owner_id == user_id:
        raise ForbiddenError(own_store_message())
    if not product.is_active:
        raise StoreUnavailableError(_("%(name)s sudah tidak dijual.", name=product.name))
    if is_closed(product.store):
        raise StoreUnavailableError(store_problem(product.store))
    return product


def set_quantity(user_id: int | None, session, product_id: int, quantity) -> int:
    """Set a line's quantity (0 removes it). More than the stock is refused (out_of_stock).
    Returns the quantity now in the cart."""
    quantity = _check_quantity(quantity)
    if quantity == 0:
        remove(user_id, session, product_id)
        return 0
    product = _orderable_product(product_id, user_id)
    if product.stock is not None and quantity > product.stock:
        raise OutOfStockError(
            _("Stok %(name)s tinggal %(n)d.", name=product.name, n=product.stock) if product.stock
            else _("Stok %(name)s habis.", name=product.name),
            fields={"quantity": _("Maksimal %(n)d.", n=product.stock)})
    limit = per_order_limit(product)
    if limit is not None and quantity > limit:
        raise ValidationError(limit_message(product, limit), fields={"quantity": limit_message(product, limit)})
    if user_id is None:
        cart = dict(session.get(SESSION_KEY, {}))
        cart[str(product_id)] = quantity
        session[SESSION_KEY] = cart
        return quantity
    insert_or_update(db.session, CartItem, dict(user_id=user_id, product_id=product_id, quantity=quantity,
                                                added_at=utcnow()),
                     unique=("user_id", "product_id"), update=("quantity",))
    db.session.commit()
    return quantity


def add_to_cart(user_id: int | None, session, product_id: int, quantity=1) -> int:
    """Add to what is already in the cart; returns the new quantity."""
    quantity = _check_quantity(quantity)
    if quantity == 0:
        raise ValidationError(fields={"quantity": _("Jumlah minimal 1.")})
    current = _quantities(user_id, session).get(product_id, 0)
    return set_quantity(user_id, session, product_id, current + quantity)


def remove(user_id: int | None, session, product_id: int) -> None:
    if user_id is None:
        cart = dict(session.get(SESSION_KEY, {}))
        cart.pop(str(product_id), None)
        session[SESSION_KEY] = cart
        return
    db.session.execute(delete(CartItem).where(CartItem.user_id == user_id, CartItem.product_id == product_id))
    db.session.commit()


def take_session_cart(session) -> dict[int, int]:
    """Remove and return the guest cart kept in the session."""
    raw = session.pop(SESSION_KEY, {}) or {}
    return {int(pid): int(q) for pid, q in raw.items() if str(pid).isdigit() and int(q) > 0}


def merge_guest_cart(user_id: int, guest: dict[int, int]) -> None:
    """Add the guest's quantities to the account's cart, capped at the product's stock and
    at what one order may take; the account's own store's products are left out."""
    immediate_transaction(db.session)
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(guest))
                                                     .options(joinedload(Product.store)))
                if p.store.owner_id != user_id}
    existing = {c.product_id: c for c in db.session.scalars(
        select(CartItem).where(CartItem.user_id == user_id, CartItem.product_id.in_(guest)))}
    for product_id, quantity in guest.items():
        product = products.get(product_id)
        if product is None:
            continue
        line = existing.get(product_id)
        total = min(quantity + (line.quantity if line else 0), MAX_QUANTITY)
        if product.stock is not None:
            total = min(total, product.stock, per_order_limit(product))
        if total <= 0:
            if line:
                db.session.delete(line)
            continue
        if line:
            line.quantity = total
        else:
            db.session.add(CartItem(user_id=user_id, product_id=product_id, quantity=total))
    db.session.commit()
