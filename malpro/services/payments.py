"""Payment (DOMAIN.md "Payment", the QRIS issue): each store's own static QRIS, and the
payment state of QRIS orders. Malpro never receives or holds money; it records who said what.

    unpaid --buyer "Saya sudah bayar"--> claimed --seller "Pembayaran diterima"--> paid
    claimed --seller "Belum diterima"--> unpaid
    paid (order cancelled) --> refund_due --seller "Dana sudah dikembalikan"--> refunded

Every change is an order event (the order's status with `payment_status` set) and a
notification to the other side. `expire_unpaid` cancels QRIS orders left unpaid too long.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from malpro.database import immediate_transaction
from malpro.extensions import db
from malpro.formatting import rupiah
from malpro.models import Order, OrderEvent, Store, StoreQrisChange, User, utcnow
from malpro.services import images, notifications, qris
from malpro.services.errors import ConflictError, DomainError, NotFoundError, ValidationError
from malpro.services.verification import own_store

METHOD_LABELS = {"cash": _l("Tunai (COD / bayar di toko)"), "qris": _l("QRIS")}
STATUS_LABELS = {
    "unpaid": _l("Belum dibayar"),
    "claimed": _l("Menunggu konfirmasi penjual"),
    "paid": _l("Lunas"),
    "refund_due": _l("Dana perlu dikembalikan"),
    "refunded": _l("Dana sudah dikembalikan"),
}
QRIS_CHANGE_LABELS = {"added": _l("QRIS ditambahkan"), "changed": _l("QRIS diganti"), "removed": _l("QRIS dihapus")}
# Order statuses a QRIS order reaches only once paid.
NEEDS_PAYMENT = ("shipped", "ready", "completed")
QRIS_IMAGE_MAX_BYTES = 8 * 1024 * 1024


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def change_label(action: str) -> str:
    return str(QRIS_CHANGE_LABELS.get(action, action))


# --- the store's QRIS ---------------------------------------------------------------------------

def read_qris(payload: str | None = None, image=None, field: str = "qris") -> qris.StaticQris:
    """A static QRIS from pasted text or from a photo or screenshot (a FileStorage or binary
    file); ValidationError on `field` with the reason in plain words."""
    try:
        if image is not None and getattr(image, "filename", "x"):
            stream = getattr(image, "stream", image)
            data = stream.read(QRIS_IMAGE_MAX_BYTES + 1)
            if not data:
                raise qris.QrisError(_("Pilih gambar QRIS untuk diunggah."))
            if len(data) > QRIS_IMAGE_MAX_BYTES:
                raise qris.QrisError(_("Ukuran gambar maksimal 8 MB."))
            payload = qris.read_image(data)
        return qris.parse_static(payload or "")
    except qris.QrisError as error:
        raise ValidationError(str(error), fields={field: str(error)}) from None


def set_store_qris(user_id: int, payload: str | None = None, image=None, remote_addr: str | None = None,
                   field: str = "qris") -> qris.StaticQris:
    """Save the seller's QRIS (checked), audit it and tell the seller (notification and email)."""
    parsed = read_qris(payload, image, field)
    store = own_store(user_id)
    if store.qris_payload == parsed.payload:
        return parsed  # the same QRIS again: nothing changed, nothing to warn about
    action = "changed" if store.qris_payload else "added"
    store.qris_payload, store.qris_merchant_name = parsed.payload, parsed.merchant_name[:100]
    store.qris_nmid, store.qris_city, store.qris_updated_at = parsed.nmid[:40], parsed.city[:40], utcnow()
    _audit_qris(store, user_id, action, remote_addr)
    db.session.commit()
    return parsed


def remove_store_qris(user_id: int, remote_addr: str | None = None) -> None:
    store = own_store(user_id)
    if not store.qris_payload:
        raise NotFoundError(_("Toko Anda belum memiliki QRIS."))
    store.qris_payload = store.qris_merchant_name = store.qris_nmid = store.qris_city = None
    store.qris_updated_at = utcnow()
    _audit_qris(store, user_id, "removed", remote_addr)
    db.session.commit()


def _audit_qris(store: Store, user_id: int, action: str, remote_addr: str | None) -> None:
    db.session.add(StoreQrisChange(store_id=store.id, actor_id=user_id, action=action,
                                   merchant_name=store.qris_merchant_name, nmid=store.qris_nmid,
                                   city=store.qris_city, payload=store.qris_payload,
                                   remote_addr=(remote_addr or "")[:45] or None, created_at=utcnow()))
    with notifications.in_language_of(store.owner_id):
        if action == "removed":
            body = _("QRIS toko %(store)s dihapus. Pembeli hanya dapat membayar tunai.", store=store.name)
        else:
            body = _("Pembayaran QRIS pesanan baru sekarang masuk ke merchant %(merchant)s (NMID %(nmid)s, "
                     "%(city)s).", merchant=store.qris_merchant_name, nmid=store.qris_nmid, city=store.qris_city)
        body += " " + _("Jika bukan Anda yang mengubahnya, segera ganti kata sandi dan hubungi admin Malpro.")
        notifications.notify(store.owner_id, "store.qris", _("QRIS toko Anda diubah"), body, link="/seller/toko#qris")


def qris_history(store_id: int) -> list[StoreQrisChange]:
    return list(db.session.scalars(select(StoreQrisChange).where(StoreQrisChange.store_id == store_id)
                                   .order_by(StoreQrisChange.id.desc())))


# --- an order's QRIS ----------------------------------------------------------------------------

def order_qris(store: Store, total: int, code: str) -> tuple[str, str]:
    """(the order's dynamic payload, the merchant name) made from the store's static QRIS."""
    return qris.make_dynamic(store.qris_payload, total, code), store.qris_merchant_name


def choose_methods(groups, payment: dict | None) -> dict[int, str]:
    """The payment method of each store group: cash (default) or qris where the store has one;
    ValidationError on `payment.<store_id>` otherwise."""
    payment = {str(k): v for k, v in (payment or {}).items()}
    methods, fields = {}, {}
    for group in groups:
        store = group.store
        method = payment.get(str(store.id)) or "cash"
        if method not in METHOD_LABELS:
            fields[f"payment.{store.id}"] = _("Pilih cara bayar: tunai atau QRIS.")
        elif method == "qris" and not store.qris_payload:
            fields[f"payment.{store.id}"] = _("%(name)s belum menerima pembayaran QRIS.", name=store.name)
        else:
            methods[store.id] = method
    if fields:
        raise ValidationError(_("Pilih cara bayar yang dilayani setiap toko."), fields=fields)
    return methods


# --- the payment state --------------------------------------------------------------------------

def _locked(code: str, user_id: int, role: str) -> Order:
    from malpro.services.orders import order_for_buyer, order_for_seller

    immediate_transaction(db.session)
    try:
        return order_for_seller(code, user_id) if role == "seller" else order_for_buyer(code, user_id)
    except DomainError:
        db.session.rollback()
        raise


def _change(order: Order, actor_id: int | None, to: str, note: str | None = None, **values) -> None:
    """Move the payment state with a conditional update (two clicks cannot apply twice) and
    record it as an order event."""
    now = utcnow()
    moved = db.session.execute(
        update(Order).where(Order.id == order.id, Order.payment_status == order.payment_status,
                            Order.status == order.status)
        .values(payment_status=to, updated_at=now, **values).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise ConflictError(_("Pesanan ini baru saja diubah. Muat ulang halaman."))
    db.session.add(OrderEvent(order_id=order.id, status=order.status, payment_status=to, actor_id=actor_id,
                              note=note, created_at=now))


def _refuse(message: str):
    db.session.rollback()
    raise ConflictError(message)


def claim(code: str, buyer_id: int, proof=None) -> Order:
    """The buyer says they paid the order's QRIS ("Saya sudah bayar"), with an optional
    screenshot of the payment."""
    order = _locked(code, buyer_id, "buyer")
    if not order.is_qris:
        _refuse(_("Pesanan ini dibayar tunai, bukan QRIS."))
    if order.payment_status != "unpaid" or order.status == "cancelled":
        _refuse(_("Pembayaran pesanan ini berstatus “%(status)s”; tidak dapat dikonfirmasi lagi.",
                  status=status_label(order.payment_status) if order.status != "cancelled" else _("Dibatalkan")))
    proof_path = None
    if proof is not None and getattr(proof, "filename", "x"):
        try:
            _thumb, proof_path = images.save_image(proof, "proofs", thumb_size=200, large_size=1600, field="proof")
            images.delete_image_files(_thumb)
        except DomainError:
            db.session.rollback()
            raise
    old_proof = order.payment_proof_path
    try:
        _change(order, buyer_id, "claimed", payment_claimed_at=utcnow(),
                payment_proof_path=proof_path or old_proof)
    except DomainError:
        images.delete_image_files(proof_path)
        raise
    with notifications.in_language_of(order.store.owner_id):
        notifications.notify(order.store.owner_id, "payment.claimed",
                             _("Pembeli sudah membayar %(code)s lewat QRIS", code=order.code),
                             _("Periksa aplikasi bank atau merchant Anda: %(total)s masuk? Lalu tandai "
                               "“Pembayaran diterima” atau “Belum diterima”.", total=rupiah(order.total)),
                             link=f"/seller/pesanan/{order.code}")
    db.session.commit()
    if proof_path and old_proof and old_proof != proof_path:
        images.delete_image_files(old_proof)
    return _reload(code, buyer_id, "buyer")


def decide(code: str, seller_id: int, received: bool) -> Order:
    """The seller checked their bank or merchant app: the claimed payment arrived (paid; for an
    order already cancelled, refund due) or did not (back to unpaid; the buyer may pay again)."""
    order = _locked(code, seller_id, "seller")
    if not order.is_qris or order.payment_status != "claimed":
        _refuse(_("Tidak ada pembayaran QRIS yang menunggu konfirmasi pada pesanan ini."))
    if received:
        to = "refund_due" if order.status == "cancelled" else "paid"
        _change(order, seller_id, to, paid_at=utcnow())
        title = _("Pembayaran %(code)s diterima penjual", code=order.code)
        body = (_("Pesanan sudah dibatalkan: penjual perlu mengembalikan dana Anda.") if to == "refund_due"
                else _("Penjual mengonfirmasi pembayaran %(total)s.", total=rupiah(order.total)))
    else:
        _change(order, seller_id, "unpaid")
        title = _("Pembayaran %(code)s belum diterima penjual", code=order.code)
        body = _("Penjual belum menerima %(total)s. Periksa riwayat transaksi Anda, lalu bayar lagi atau tekan "
                 "“Saya sudah bayar” setelah pembayaran berhasil.", total=rupiah(order.total))
    with notifications.in_language_of(order.buyer_id):
        notifications.notify(order.buyer_id, f"payment.{'received' if received else 'not_received'}",
                             str(title), str(body), link=f"/pesanan/{order.code}")
    db.session.commit()
    return _reload(code, seller_id, "seller")


def mark_refunded(code: str, seller_id: int, note: str | None = None) -> Order:
    """The seller returned the money of a paid order that was cancelled."""
    order = _locked(code, seller_id, "seller")
    if order.payment_status != "refund_due":
        _refuse(_("Pesanan ini tidak menunggu pengembalian dana."))
    note = (note or "").strip()[:1000] or None
    _change(order, seller_id, "refunded", note=note)
    with notifications.in_language_of(order.buyer_id):
        notifications.notify(order.buyer_id, "payment.refunded",
                             _("Dana pesanan %(code)s sudah dikembalikan", code=order.code),
                             _("Penjual menandai %(total)s sudah dikembalikan. Jika belum masuk, hubungi penjual.",
                               total=rupiah(order.total)), link=f"/pesanan/{order.code}")
    db.session.commit()
    return _reload(code, seller_id, "seller")


def _reload(code: str, user_id: int, role: str) -> Order:
    from malpro.services.orders import order_for_buyer, order_for_seller

    db.session.expire_all()
    return order_for_seller(code, user_id) if role == "seller" else order_for_buyer(code, user_id)


# --- rules the order lifecycle asks ---------------------------------------------------------------

def unpaid_refusal(order: Order, to_status: str) -> str | None:
    """Why a QRIS order may not move to `to_status` yet, or None."""
    if order.is_qris and to_status in NEEDS_PAYMENT and order.payment_status != "paid":
        return _("Pesanan QRIS baru bisa dikirim, siap diambil, atau selesai setelah pembayaran diterima.")
    return None


def on_status_change(order: Order, to_status: str, now) -> dict:
    """The payment columns that change with the order's move (orders.move writes them)."""
    if to_status == "completed" and not order.is_qris:
        return {"payment_status": "paid", "paid_at": now}  # cash paid on delivery or collection
    if to_status == "cancelled" and order.payment_status == "paid":
        return {"payment_status": "refund_due"}
    return {}


# --- expiry ---------------------------------------------------------------------------------------

def expire_unpaid(now=None, hours: float | None = None) -> list[str]:
    """Cancel QRIS orders left unpaid (not claimed) too long: since placing them, or since the
    buyer's last claim the seller did not receive. Stock is returned and both sides are told.
    Idempotent: a conditional update cancels each order once, however often this runs."""
    from malpro.services.orders import return_stock

    hours = float(hours if hours is not None else current_app.config["QRIS_UNPAID_EXPIRY_HOURS"])
    cutoff = (now or utcnow()) - timedelta(hours=hours)
    since = func.coalesce(Order.payment_claimed_at, Order.created_at)
    candidates = list(db.session.scalars(
        select(Order.id).where(Order.payment_method == "qris", Order.payment_status == "unpaid",
                               Order.status.in_(("pending", "confirmed")), since < cutoff).order_by(Order.id)))
    done = []
    for order_id in candidates:
        immediate_transaction(db.session)
        order = db.session.get(Order, order_id, populate_existing=True)
        # The reason both sides read on the order, in the site's default language.
        note = _("Dibatalkan otomatis: pembayaran QRIS tidak diterima dalam %(hours)s jam.", hours=f"{hours:g}")
        now_ = utcnow()
        moved = db.session.execute(
            update(Order).where(Order.id == order_id, Order.status == order.status, Order.payment_status == "unpaid")
            .values(status="cancelled", cancel_reason=note, updated_at=now_).execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            db.session.rollback()
            continue
        return_stock(order)
        db.session.add(OrderEvent(order_id=order.id, status="cancelled", actor_id=None, note=note, created_at=now_))
        for user_id, link in ((order.buyer_id, f"/pesanan/{order.code}"),
                              (order.store.owner_id, f"/seller/pesanan/{order.code}")):
            with notifications.in_language_of(user_id):
                notifications.notify(user_id, "order.expired",
                                     _("Pesanan %(code)s dibatalkan: belum dibayar", code=order.code),
                                     _("Pembayaran QRIS tidak diterima dalam %(hours)s jam. Stok dikembalikan.",
                                       hours=f"{hours:g}"), link=link)
        db.session.commit()
        done.append(order.code)
    return done


# --- the proof ------------------------------------------------------------------------------------

def proof_for(user: User, code: str) -> str:
    """The path of an order's payment proof, for its buyer, its seller and admins (anyone
    else, or no proof: NotFoundError)."""
    query = select(Order).join(Order.store).where(Order.code == code)
    if not user.is_admin:
        query = query.where((Order.buyer_id == user.id) | (Store.owner_id == user.id))
    order = db.session.scalar(query)
    if order is None or not order.payment_proof_path:
        raise NotFoundError(_("Bukti pembayaran tidak ditemukan."))
    return order.payment_proof_path


# --- reports ---------------------------------------------------------------------------------------

def payment_json(order: Order, show_payload: bool = True) -> dict:
    """The order resource's `payment` object (API.md); the QRIS payload only to its buyer and seller."""
    body = {"method": order.payment_method, "status": order.payment_status, "amount": order.total,
            "merchant_name": order.qris_merchant_name if order.is_qris else None,
            "qris_payload": order.qris_payload if order.is_qris and show_payload else None}
    return body
