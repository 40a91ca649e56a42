"""The order lifecycle (DOMAIN.md "Order lifecycle") and reviews.

Who may move an order where is the table below, and nothing else: an illegal move is a
ConflictError (409 in the API, a flash on the web) and changes nothing. Moves are
conditional updates on the status they start from, so two clicks cannot apply twice."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from malpro.database import immediate_transaction
from malpro.extensions import db
from malpro.models import Order, OrderEvent, OrderItem, Product, Review, Store, utcnow
from malpro.services import notifications
from malpro.services.errors import ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError

STATUS_LABELS = {
    "pending": _l("Menunggu Konfirmasi"),
    "confirmed": _l("Diproses"),
    "shipped": _l("Dikirim"),
    "ready": _l("Siap Diambil"),
    "completed": _l("Selesai"),
    "cancelled": _l("Dibatalkan"),
}
# (from status, who) -> statuses they may move it to
MOVES = {
    ("pending", "seller"): ("confirmed", "cancelled"),
    ("pending", "buyer"): ("cancelled",),
    ("confirmed", "seller"): ("shipped", "ready", "cancelled"),
    ("shipped", "seller"): ("completed", "cancelled"),
    ("ready", "seller"): ("completed", "cancelled"),
}
# Only delivery orders are shipped; only pickup orders wait to be collected.
MODE_ONLY = {"shipped": "delivery", "ready": "pickup"}
ACTION_LABELS = {
    "confirmed": _l("Terima pesanan"),
    "shipped": _l("Tandai dikirim"),
    "ready": _l("Siap diambil"),
    "completed": _l("Selesai (sudah dibayar)"),
    "cancelled": _l("Batalkan"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def allowed_moves(order: Order, role: str) -> list[str]:
    return [to for to in MOVES.get((order.status, role), ()) if MODE_ONLY.get(to, order.fulfilment) == order.fulfilment]


def reason_required(role: str, to_status: str) -> bool:
    """Sellers explain every cancellation; a buyer may cancel a pending order without one."""
    return to_status == "cancelled" and role == "seller"


# --- finding orders (object-level authorization lives here) ----------------------------

def _with_details(query):
    return query.options(selectinload(Order.items), selectinload(Order.events), selectinload(Order.store))


def order_for_buyer(code: str, buyer_id: int) -> Order:
    order = db.session.scalar(_with_details(select(Order).where(Order.code == code, Order.buyer_id == buyer_id)))
    if order is None:
        raise NotFoundError(_("Pesanan tidak ditemukan."))
    return order


def order_for_seller(code: str, seller_id: int) -> Order:
    order = db.session.scalar(_with_details(
        select(Order).join(Order.store).where(Order.code == code, Store.owner_id == seller_id)))
    if order is None:
        raise NotFoundError(_("Pesanan tidak ditemukan."))
    return order


def buyer_orders(buyer_id: int, status: str | None = None):
    query = select(Order).where(Order.buyer_id == buyer_id)
    if status:
        query = query.where(Order.status == status)
    return _with_details(query.order_by(Order.created_at.desc(), Order.id.desc()))


def store_orders(store_id: int, status: str | None = None):
    query = select(Order).where(Order.store_id == store_id)
    if status:
        query = query.where(Order.status == status)
    order = Order.created_at.asc() if status == "pending" else Order.created_at.desc()
    return _with_details(query.order_by(order, Order.id.desc()))


def status_counts(*, store_id: int | None = None, buyer_id: int | None = None) -> dict[str, int]:
    query = select(Order.status, func.count()).group_by(Order.status)
    if store_id is not None:
        query = query.where(Order.store_id == store_id)
    if buyer_id is not None:
        query = query.where(Order.buyer_id == buyer_id)
    counts = dict(db.session.execute(query).all())
    return {status: counts.get(status, 0) for status in STATUS_LABELS}


# --- moving -----------------------------------------------------------------------------

def move(code: str, actor_id: int, role: str, to_status: str, note: str | None = None) -> Order:
    """Move an order as its buyer (role "buyer") or its store's owner (role "seller")."""
    # The write lock before the read (database.immediate_transaction says why).
    immediate_transaction(db.session)
    try:
        order = order_for_seller(code, actor_id) if role == "seller" else order_for_buyer(code, actor_id)
        note = (note or "").strip() or None
        if to_status not in STATUS_LABELS:
            raise ValidationError(fields={"status": _("Status tidak dikenal.")})
        if to_status not in allowed_moves(order, role):
            raise ConflictError(_("Pesanan berstatus “%(status)s” tidak dapat diubah menjadi “%(to)s”.",
                                  status=status_label(order.status), to=status_label(to_status)))
        if reason_required(role, to_status) and not note:
            raise ValidationError(fields={"note": _("Tuliskan alasan pembatalan; pembeli akan membacanya.")})
        if note and len(note) > 1000:
            raise ValidationError(fields={"note": _("Catatan maksimal 1000 karakter.")})
    except DomainError:
        db.session.rollback()  # release the write lock taken above
        raise

    now = utcnow()
    values = {"status": to_status, "updated_at": now}
    if to_status == "completed":
        values.update(completed_at=now, paid_at=now)  # COD and pickup are paid in cash on completion
    if to_status == "cancelled":
        values["cancel_reason"] = note
    moved = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == order.status).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise ConflictError(_("Pesanan ini baru saja diubah. Muat ulang halaman."))
    if to_status == "cancelled":
        _return_stock(order)
    db.session.add(OrderEvent(order_id=order.id, status=to_status, actor_id=actor_id, note=note, created_at=now))
    _notify_other_side(order, role, to_status, note)
    db.session.commit()
    db.session.expire(order)
    return order_for_seller(code, actor_id) if role == "seller" else order_for_buyer(code, actor_id)


def _return_stock(order: Order) -> None:
    for item in order.items:
        if item.product_id is not None:
            db.session.execute(
                update(Product).where(Product.id == item.product_id, Product.stock.is_not(None))
                .values(stock=Product.stock + item.quantity).execution_options(synchronize_session=False))


def _notify_other_side(order: Order, role: str, to_status: str, note: str | None) -> None:
    recipient = order.buyer_id if role == "seller" else order.store.owner_id
    with notifications.in_language_of(recipient):
        body = _("Catatan: %(note)s", note=note) if note else ""
        if role == "seller":
            notifications.notify(recipient, f"order.{to_status}",
                                 _("Pesanan %(code)s: %(status)s", code=order.code, status=status_label(to_status)),
                                 body, link=f"/pesanan/{order.code}")
        else:
            notifications.notify(recipient, f"order.{to_status}",
                                 _("Pembeli membatalkan pesanan %(code)s", code=order.code),
                                 body, link=f"/seller/pesanan/{order.code}")


# --- reviews ----------------------------------------------------------------------------

def add_reviews(code: str, buyer_id: int, reviews: list[dict]) -> list[Review]:
    """Rate (1-5) and review products of a completed order, once per product."""
    immediate_transaction(db.session)
    try:
        return _add_reviews(code, buyer_id, reviews)
    except DomainError:
        db.session.rollback()  # release the write lock taken above
        raise


def _add_reviews(code: str, buyer_id: int, reviews: list[dict]) -> list[Review]:
    order = order_for_buyer(code, buyer_id)
    if order.store.owner_id == buyer_id:
        # DOMAIN.md: a store's owner never reviews its products (an order from before that rule).
        raise ForbiddenError(_("Pemilik toko tidak bisa mengulas produk tokonya sendiri."))
    if order.status != "completed":
        raise ConflictError(_("Ulasan hanya bisa diberikan setelah pesanan selesai."))
    if not reviews:
        raise ValidationError(fields={"reviews": _("Beri minimal satu ulasan.")})
    products = {item.product_id for item in order.items if item.product_id is not None}
    already = set(db.session.scalars(select(Review.product_id).where(Review.order_id == order.id)))
    fields, seen = {}, set()
    for i, review in enumerate(reviews):
        product_id, rating = review.get("product_id"), review.get("rating")
        if product_id not in products:
            fields[f"{i}.product_id"] = _("Produk ini tidak ada di pesanan.")
        elif product_id in already or product_id in seen:
            raise ConflictError(_("Produk ini sudah Anda ulas untuk pesanan ini."))
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            fields[f"{i}.rating"] = _("Beri bintang 1 sampai 5.")
        if len(str(review.get("comment") or "")) > 2000:
            fields[f"{i}.comment"] = _("Ulasan maksimal 2000 karakter.")
        seen.add(product_id)
    if fields:
        raise ValidationError(fields=fields)
    written = []
    for review in reviews:
        written.append(Review(order_id=order.id, product_id=review["product_id"], store_id=order.store_id,
                              user_id=buyer_id, rating=review["rating"],
                              comment=str(review.get("comment") or "").strip()))
        db.session.execute(update(Product).where(Product.id == review["product_id"]).values(
            rating_count=Product.rating_count + 1, rating_sum=Product.rating_sum + review["rating"]))
        db.session.execute(update(Store).where(Store.id == order.store_id).values(
            rating_count=Store.rating_count + 1, rating_sum=Store.rating_sum + review["rating"]))
    db.session.add_all(written)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(_("Produk ini sudah Anda ulas untuk pesanan ini.")) from None
    return written


def reviewable_items(order: Order) -> list[OrderItem]:
    """The order's products the buyer has not reviewed yet (empty unless completed)."""
    if order.status != "completed" or order.store.owner_id == order.buyer_id:
        return []
    done = set(db.session.scalars(select(Review.product_id).where(Review.order_id == order.id)))
    return [item for item in order.items if item.product_id is not None and item.product_id not in done]
