"""Placing orders (DOMAIN.md "Cart and checkout"): one order per store, stock taken in the
same transaction with a conditional update that never goes below zero, item snapshots,
idempotent by a key, and the COD abuse guard. All or nothing: if any item of any chosen
store cannot be ordered, nothing is written and the error names every such item."""
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from malpro.database import commit_keeping_loaded, immediate_transaction
from malpro.extensions import db
from malpro.formatting import rupiah, to_wib
from malpro.models import Address, CartItem, Checkout, Order, OrderEvent, OrderItem, Product, User, utcnow
from malpro.reference import regions
from malpro.services import notifications, payments
from malpro.services.cart import get_cart, line_problem, store_problem
from malpro.services.errors import (
    OutOfStockError,
    StoreUnavailableError,
    TooManyPendingOrdersError,
    ValidationError,
)
from malpro.services.validation import normalize_phone, validate_location

FULFILMENT_MODES = ("delivery", "pickup")

# The statements every checkout runs, built once: building a statement (and the key SQLAlchemy
# caches its SQL under) costs more than running it (docs/performance.md).
_CHECKOUT = select(Checkout).where(Checkout.buyer_id == bindparam("buyer_id"), Checkout.key == bindparam("key"))
_USERS = select(User).where(User.id.in_(bindparam("ids", expanding=True)))
_PENDING_ORDERS = (select(func.count()).select_from(Order)
                   .where(Order.buyer_id == bindparam("buyer_id"), Order.status == "pending"))
_TAKE_STOCK = (update(Product).where(Product.id == bindparam("product_id"), Product.stock >= bindparam("quantity"))
               .values(stock=Product.stock - bindparam("quantity")).execution_options(synchronize_session=False))
_STOCK = select(Product.stock).where(Product.id == bindparam("product_id"))
_EMPTY_CART_LINES = CartItem.__table__.delete().where(
    CartItem.user_id == bindparam("user_id"), CartItem.product_id.in_(bindparam("product_ids", expanding=True)))


@dataclass
class DeliveryAddress:
    recipient: str
    phone: str
    street: str
    kecamatan: str
    kelurahan: str
    notes: str | None


def clean_address(data: dict | None) -> DeliveryAddress:
    """A COD delivery address inside Kota Malang (DOMAIN.md), normalised."""
    data = data or {}
    fields = {}
    recipient = str(data.get("recipient") or "").strip()
    if not 2 <= len(recipient) <= 120:
        fields["recipient"] = _("Tulis nama penerima.")
    phone = None
    try:
        phone = normalize_phone(str(data.get("phone") or ""))
    except ValueError as exc:
        fields["phone"] = str(exc)
    street = str(data.get("street") or "").strip()
    if not 5 <= len(street) <= 255:
        fields["street"] = _("Tulis alamat lengkap (jalan, nomor, RT/RW).")
    kecamatan, kelurahan = str(data.get("kecamatan") or ""), str(data.get("kelurahan") or "")
    try:
        validate_location(kecamatan, kelurahan)
    except ValueError as exc:
        fields["kelurahan" if kecamatan in regions() else "kecamatan"] = str(exc)
    notes = str(data.get("notes") or "").strip()
    if len(notes) > 255:
        fields["notes"] = _("Catatan maksimal 255 karakter.")
    if fields:
        raise ValidationError(_("Alamat pengiriman belum benar."), fields=fields)
    return DeliveryAddress(recipient, phone, street, kecamatan, kelurahan, notes or None)


def orders_of_checkout(buyer_id: int, key: str) -> list[Order] | None:
    checkout = db.session.scalar(_CHECKOUT, {"buyer_id": buyer_id, "key": key})
    return list(checkout.orders) if checkout else None


def new_checkout_key() -> str:
    """The one-time token a checkout form carries."""
    return secrets.token_urlsafe(24)


def place_orders(buyer_id: int, key: str, fulfilment: dict, address: dict | None = None,
                 store_ids: list[int] | None = None, save_address: bool = False,
                 payment: dict | None = None) -> list[Order]:
    """Place one order per chosen store of the buyer's cart.

    `fulfilment` maps store id -> "delivery" or "pickup"; `address` is required when any
    chosen mode is delivery and ignored for pickup orders (their address is the store's).
    The same `key` again returns the orders already placed and takes no more stock. New
    orders come back loaded (items, events, store), ready to be shown without a query.

    Every checkout waits for the one database write lock (SQLite has one), so the work is in
    two parts: reading and checking the cart before the lock, and inside it only what must
    be exact: the key, the COD guard, the stock (conditional updates) and the writes."""
    key = str(key or "").strip()[:80]
    if not key:
        raise ValidationError(fields={"key": _("Formulir checkout tidak lengkap. Muat ulang halaman.")})
    existing = orders_of_checkout(buyer_id, key)
    if existing is not None:
        return existing
    groups, modes, delivery, sellers = _read_cart(buyer_id, fulfilment, address, store_ids)
    methods = payments.choose_methods(groups, payment)
    immediate_transaction(db.session, keep_loaded=True)
    try:
        orders = _write(buyer_id, key, groups, modes, delivery, save_address, sellers)
        _set_payment(orders, methods)
        commit_keeping_loaded(db.session)
    except IntegrityError:
        # The key was committed by a concurrent request in the meantime (a double click):
        # answer with its orders.
        db.session.rollback()
        existing = orders_of_checkout(buyer_id, key)
        if existing is None:
            raise
        return existing
    except Exception:
        db.session.rollback()
        raise
    return orders


def _read_cart(buyer_id, fulfilment, address, store_ids):
    """The chosen stores' cart groups, the mode of each and the delivery address, checked;
    and the sellers' accounts by id (the language of their notification)."""
    cart = get_cart(buyer_id, None)
    groups = [g for g in cart.groups if store_ids is None or g.store.id in set(store_ids)]
    if not groups:
        raise ValidationError(_("Keranjang Anda kosong."), fields={"store_ids": _("Tidak ada barang untuk dipesan.")})
    modes = _choose_modes(groups, fulfilment)
    delivery = clean_address(address) if "delivery" in modes.values() else None
    sellers = {u.id: u for u in db.session.scalars(_USERS, {"ids": list({g.store.owner_id for g in groups})})}
    return groups, modes, delivery, sellers


def _write(buyer_id, key, groups, modes, delivery, save_address, sellers) -> list[Order]:
    """Inside the write lock: the COD guard, the stock, then every row (all or nothing)."""
    _guard_pending(buyer_id, len(groups))
    problems = []
    for group in groups:
        reason = store_problem(group.store)
        if reason:
            problems.append(("store", reason))
            continue
        for line in group.lines:
            reason = line_problem(line.product, line.quantity) or _take_stock(line.product, line.quantity)
            if reason:
                problems.append(("stock", reason))
    if problems:
        error = StoreUnavailableError if all(kind == "store" for kind, _r in problems) else OutOfStockError
        raise error(" ".join(reason for _k, reason in problems),
                    fields={"items": "; ".join(reason for _k, reason in problems)})
    db.session.execute(_EMPTY_CART_LINES, {"user_id": buyer_id,
                                           "product_ids": [line.product.id for g in groups for line in g.lines]})

    # Two flushes write every row (each flush has a fixed cost that would otherwise dominate
    # a checkout): the checkout, orders, items and events first, which gives the ids the
    # codes are made of; the codes and the notifications with the commit.
    now = utcnow()
    checkout = Checkout(buyer_id=buyer_id, key=key, created_at=now)
    orders = [_new_order(checkout, group, modes[group.store.id], delivery, now) for group in groups]
    db.session.add_all(orders)
    db.session.flush()
    for order in orders:
        # The code carries the WIB date and the order's unique number: MLP-20261129-000123.
        order.code = f"MLP-{to_wib(now):%Y%m%d}-{order.id:06d}"
    if delivery and save_address:
        _remember_address(buyer_id, delivery, now)
    _notify_sellers(orders, sellers)
    return orders


def _set_payment(orders: list[Order], methods: dict[int, str]) -> None:
    """Each order's payment method; a QRIS order gets its dynamic QRIS (the order total, the
    code as bill number), made now so a later change of the store's QRIS cannot redirect it."""
    for order in orders:
        order.payment_method, order.payment_status = methods.get(order.store.id, "cash"), "unpaid"
        if order.payment_method == "qris":
            order.qris_payload, order.qris_merchant_name = payments.order_qris(order.store, order.total, order.code)


def _notify_sellers(orders: list[Order], sellers: dict) -> None:
    for order in orders:
        with notifications.in_language_of(sellers[order.store.owner_id]):
            notifications.notify(order.store.owner_id, "order.new",
                                 _("Pesanan baru %(code)s", code=order.code),
                                 _("%(n)d barang, total %(total)s.", n=sum(i.quantity for i in order.items),
                                   total=rupiah(order.total)),
                                 link=f"/seller/pesanan/{order.code}")


def _choose_modes(groups, fulfilment: dict) -> dict[int, str]:
    fulfilment = {str(k): v for k, v in (fulfilment or {}).items()}
    modes, fields = {}, {}
    for group in groups:
        store = group.store
        mode = fulfilment.get(str(store.id))
        offered = [m for m, ok in (("delivery", store.offers_delivery), ("pickup", store.offers_pickup)) if ok]
        if mode is None and len(offered) == 1:
            mode = offered[0]
        if mode not in FULFILMENT_MODES:
            fields[f"fulfilment.{store.id}"] = _("Pilih cara pengambilan untuk %(name)s.", name=store.name)
        elif mode not in offered:
            fields[f"fulfilment.{store.id}"] = _("%(name)s tidak melayani cara ini.", name=store.name)
        else:
            modes[store.id] = mode
    if fields:
        raise ValidationError(_("Pilih cara pengambilan yang dilayani setiap toko."), fields=fields)
    return modes


def _guard_pending(buyer_id: int, new_orders: int) -> None:
    limit = current_app.config["MAX_PENDING_ORDERS"]
    pending = db.session.scalar(_PENDING_ORDERS, {"buyer_id": buyer_id})
    if pending + new_orders > limit:
        raise TooManyPendingOrdersError(_(
            "Anda sudah memiliki %(pending)d pesanan yang menunggu konfirmasi (maksimal %(limit)d). "
            "Tunggu penjual mengonfirmasi atau batalkan pesanan lama sebelum memesan lagi.",
            pending=pending, limit=limit))


def _take_stock(product: Product, quantity: int) -> str | None:
    """Take stock with a conditional update that cannot go below zero; a reason on failure."""
    if product.stock is None:
        return None  # unlimited (services)
    taken = db.session.execute(_TAKE_STOCK, {"product_id": product.id, "quantity": quantity}).rowcount
    db.session.expire(product, ["stock", "updated_at"])  # changed behind the ORM's back
    if taken == 1:
        return None
    left = db.session.scalar(_STOCK, {"product_id": product.id})
    return (_("Stok %(name)s tinggal %(n)d.", name=product.name, n=left) if left
            else _("Stok %(name)s habis.", name=product.name))


def _new_order(checkout: Checkout, group, mode, delivery, now) -> Order:
    """The order of one store's group with its item snapshots and first event (not flushed;
    its code is set once the flush has given it an id)."""
    store = group.store
    subtotal = group.subtotal
    fee = store.delivery_fee if mode == "delivery" else 0
    order = Order(checkout=checkout, buyer_id=checkout.buyer_id, store=store, status="pending", fulfilment=mode,
                  subtotal=subtotal, delivery_fee=fee, total=subtotal + fee, created_at=now, updated_at=now,
                  code="tmp-" + secrets.token_hex(8), cancel_reason=None, paid_at=None, completed_at=None)
    if mode == "delivery":
        order.recipient, order.phone, order.street = delivery.recipient, delivery.phone, delivery.street
        order.kecamatan, order.kelurahan, order.notes = delivery.kecamatan, delivery.kelurahan, delivery.notes
    order.items = [OrderItem(product_id=line.product.id, category_id=line.product.category_id,
                             name=line.product.name, price=line.product.price, quantity=line.quantity,
                             subtotal=line.subtotal) for line in group.lines]
    order.events = [OrderEvent(status="pending", actor_id=checkout.buyer_id, note=None, created_at=now)]
    return order


def _remember_address(buyer_id: int, delivery: DeliveryAddress, now) -> None:
    same = db.session.scalar(select(Address).where(
        Address.user_id == buyer_id, Address.recipient == delivery.recipient, Address.street == delivery.street,
        Address.kelurahan == delivery.kelurahan))
    if same is None:
        same = Address(user_id=buyer_id, **delivery.__dict__)
        db.session.add(same)
    same.phone, same.notes, same.last_used_at = delivery.phone, delivery.notes, now


def saved_addresses(buyer_id: int) -> list[Address]:
    return list(db.session.scalars(select(Address).where(Address.user_id == buyer_id)
                                   .order_by(Address.last_used_at.desc()).limit(5)))

