"""Demo data for cashless payment (the QRIS issue): a few verified demo stores get a static
QRIS (made with services.qris, so it passes every check), and the demo buyer gets completed
orders over the last months, some paid by QRIS and some in cash, so the dashboard and
/transparansi show a cashless share. Idempotent: stores that have a QRIS and buyers that
already have these orders are left alone."""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Callable

from sqlalchemy import select

from malpro.extensions import db
from malpro.formatting import to_wib
from malpro.models import Order, OrderEvent, OrderItem, Product, Store, StoreQrisChange, User, utcnow
from malpro.services import payments, qris

QRIS_STORES = 3
# (days ago, store index, QRIS?) of each demo order: QRIS and cash in every recent month.
DEMO_ORDERS = ((5, 0, True), (9, 1, False), (12, 2, True), (35, 0, True), (40, 1, False), (47, 2, False),
               (70, 1, True), (75, 0, False), (100, 2, True), (105, 0, False))


def demo_static_qris(name: str, n: int) -> str:
    merchant = ("".join(c for c in name.upper() if c.isalnum() or c == " ")[:25]).strip() or "UMKM MALANG"
    fields = [
        ("00", "01"), ("01", "11"),
        ("26", qris.build_tlv([("00", "ID.CO.BANKJATIM.WWW"), ("01", f"93600114{n:010d}"),
                               ("02", f"BJ{n:08d}"), ("03", "UMI")])),
        ("51", qris.build_tlv([("00", "ID.CO.QRIS.WWW"), ("02", f"ID10200{n:08d}"), ("03", "UMI")])),
        ("52", "5812"), ("53", "360"), ("58", "ID"), ("59", merchant), ("60", "MALANG"), ("61", "65111"),
    ]
    return qris.with_crc(qris.build_tlv(fields))


def seed_qris_demo(buyer_email: str, demo_domain: str, log: Callable[[str], object] = print) -> int:
    """Give the first verified demo stores a QRIS and the demo buyer some completed orders.
    Returns how many orders were created."""
    stores = list(db.session.scalars(
        select(Store).join(Store.owner).where(User.email.like(f"%@{demo_domain}"), Store.status == "verified",
                                              select(Product.id).where(Product.store_id == Store.id,
                                                                       Product.is_active.is_(True)).exists())
        .order_by(Store.id).limit(QRIS_STORES)))
    buyer = db.session.scalar(select(User).where(User.email == buyer_email))
    if not stores or buyer is None:
        return 0
    for n, store in enumerate(stores, start=1):
        if not store.qris_payload:
            parsed = qris.parse_static(demo_static_qris(store.name, n))
            store.qris_payload, store.qris_merchant_name = parsed.payload, parsed.merchant_name
            store.qris_nmid, store.qris_city, store.qris_updated_at = parsed.nmid, parsed.city, utcnow()
            db.session.add(StoreQrisChange(store_id=store.id, actor_id=store.owner_id, action="added",
                                                    merchant_name=parsed.merchant_name, nmid=parsed.nmid,
                                                    city=parsed.city, payload=parsed.payload))
    db.session.flush()
    already = db.session.scalar(select(Order.id).where(Order.buyer_id == buyer.id, Order.payment_method == "qris",
                                                       Order.status == "completed").limit(1))
    if already:
        db.session.commit()
        log("Pesanan demo QRIS sudah ada.")
        return 0
    created = 0
    now = utcnow()
    for days_ago, index, use_qris in DEMO_ORDERS:
        store = stores[index % len(stores)]
        product = db.session.scalar(select(Product).where(Product.store_id == store.id, Product.is_active.is_(True))
                                    .order_by(Product.id).limit(1))
        if product is None:
            continue
        placed = now - timedelta(days=days_ago, hours=3)
        done = placed + timedelta(hours=26)
        quantity = 1 + days_ago % 3
        order = Order(buyer_id=buyer.id, store_id=store.id, status="completed", fulfilment="pickup",
                      subtotal=product.price * quantity, delivery_fee=0, total=product.price * quantity,
                      created_at=placed, updated_at=done, paid_at=done, completed_at=done,
                      code="tmp-" + secrets.token_hex(8), payment_method="qris" if use_qris else "cash",
                      payment_status="paid")
        order.items = [OrderItem(product_id=product.id, category_id=product.category_id, name=product.name,
                                 price=product.price, quantity=quantity, subtotal=product.price * quantity)]
        db.session.add(order)
        db.session.flush()
        order.code = f"MLP-{to_wib(placed):%Y%m%d}-{order.id:06d}"
        if use_qris:
            order.qris_payload, order.qris_merchant_name = payments.order_qris(store, order.total, order.code)
        events = [("pending", None, placed, buyer.id), ("confirmed", None, placed + timedelta(hours=1), store.owner_id)]
        if use_qris:
            events += [("confirmed", "claimed", placed + timedelta(hours=2), buyer.id),
                       ("confirmed", "paid", placed + timedelta(hours=3), store.owner_id)]
        events += [("ready", None, placed + timedelta(hours=4), store.owner_id), ("completed", None, done, store.owner_id)]
        for status, payment, at, actor in events:
            db.session.add(OrderEvent(order_id=order.id, status=status, payment_status=payment, actor_id=actor,
                                      note=None, created_at=at))
        created += 1
    db.session.commit()
    log(f"Data demo QRIS: {len(stores)} toko dengan QRIS, {created} pesanan selesai.")
    return created


def seed_qris(now, log: Callable[[str], object] = print) -> int:
    """The hook seed_demo() calls (after stores, products and history)."""
    from malpro.seed.common import BUYER_EMAIL, DEMO_DOMAIN

    return seed_qris_demo(BUYER_EMAIL, DEMO_DOMAIN, log)
