"""Demo history: months of orders, their timelines, reviews and notifications, so the demo
looks like a programme people use (the admin dashboard, the transparency page and the ASN
report have figures and charts, product cards have ratings).

The last HISTORY_MONTHS WIB months, the current one included, are filled one by one: a month
that already has orders of demo buyers is left as it is, so running the seeder again changes
nothing, and running it in a later month adds that month. Orders are placed in verified demo
stores after they were verified; older ones are final (most completed, some cancelled), the
last days hold orders in every status. "Diligent" employees reach the monthly minimum every
month, the current one included. Reviews go to about half the completed items, with ratings
mostly 4 and 5, and update the products' and stores' rating counts."""
from __future__ import annotations

import bisect
import random
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update

from malpro.extensions import db
from malpro.formatting import to_wib
from malpro.models import Notification, Order, OrderEvent, OrderItem, Product, Review, Store, User
from malpro.reference import regions
from malpro.seed.accounts import buyer_counts, employee, resident
from malpro.seed.common import BUYER_EMAIL, bulk_insert, demo_owner
from malpro.seed.stores import FEATURED_STORES
from malpro.seed.vocabulary import STREETS
from malpro.services import asn, notifications
from malpro.services.reports import wib_midnight_utc

HISTORY_MONTHS = 6
CANCEL_REASONS = (
    "Stok bahan sedang habis, mohon maaf.",
    "Alamat di luar jangkauan pengantaran kami.",
    "Pembeli tidak bisa dihubungi saat pengantaran.",
    "Pesanan tidak diambil sampai toko tutup.",
)
REVIEW_COMMENTS = {
    5: ("Mantap, sesuai foto dan cepat sampai.", "Enak banget, pasti pesan lagi!", "Kualitas bagus, penjual ramah.",
        "Rapi dan sesuai pesanan. Terima kasih!", "Recommended, produk lokal tidak kalah kualitasnya.", ""),
    4: ("Bagus, cuma pengantarannya agak lama.", "Sesuai harga, kemasan rapi.", "Puas, semoga makin laris.", ""),
    3: ("Lumayan, tapi ukurannya lebih kecil dari perkiraan.", "Cukup, pengambilan agak antre.", ""),
    2: ("Kurang sesuai deskripsi.", "Kemasan penyok waktu sampai."),
    1: ("Barang tidak sesuai pesanan.",),
}


@dataclass(frozen=True)
class _Buyer:
    id: int
    name: str
    phone: str
    kecamatan: str
    diligent: bool
    main: bool  # the README's demo buyer


@dataclass(frozen=True)
class _Shop:
    id: int
    owner_id: int
    name: str
    opened: datetime
    delivery: bool
    pickup: bool
    fee: int
    products: tuple[tuple[int, str, int, int], ...]  # (id, name, price, category_id)
    featured: bool


def seed_history(now: datetime, stores: int, log) -> int:
    """Fill the months that have no demo orders yet; returns how many orders were made."""
    buyers = _buyers(stores)
    shops = _shops()
    if not buyers or not shops:
        log("Riwayat demo dilewati: belum ada pembeli atau toko demo.")
        return 0
    minimum = asn.get_monthly_minimum()
    made = 0
    for start, end in _months(now):
        if _has_orders(start, end):
            continue
        made += _fill_month(start, end, now, buyers, shops, minimum)
    if made:
        log(f"Riwayat demo: {made} pesanan dibuat.")
    else:
        log("Riwayat demo sudah lengkap.")
    return made


def _months(now: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) in naive UTC of the last HISTORY_MONTHS WIB months, oldest first; the
    current month ends now."""
    today = to_wib(now).date()
    firsts = [date(today.year, today.month, 1)]
    for _ in range(HISTORY_MONTHS - 1):
        previous = firsts[-1] - timedelta(days=1)
        firsts.append(date(previous.year, previous.month, 1))
    bounds = []
    for first in reversed(firsts):
        following = (first + timedelta(days=32)).replace(day=1)
        bounds.append((wib_midnight_utc(first), min(wib_midnight_utc(following), now)))
    return bounds


def _has_orders(start: datetime, end: datetime) -> bool:
    return db.session.scalar(
        select(Order.id).join(User, User.id == Order.buyer_id)
        .where(demo_owner(), Order.created_at >= start, Order.created_at < end).limit(1)) is not None


def _buyers(stores: int) -> list[_Buyer]:
    employees, residents = buyer_counts(stores)
    diligent = {employee(n).email for n in range(1, employees + 1) if employee(n).diligent}
    emails = {employee(n).email for n in range(1, employees + 1)} | {
        resident(n).email for n in range(1, residents + 1)} | {BUYER_EMAIL}
    rows = db.session.execute(
        select(User.id, User.name, User.phone, User.kecamatan, User.email).where(User.email.in_(emails))
        .order_by(User.id))
    return [_Buyer(id, name, phone or "6281300000000", kecamatan or "Klojen", email in diligent, email == BUYER_EMAIL)
            for id, name, phone, kecamatan, email in rows]


def _shops() -> list[_Shop]:
    stores = db.session.execute(
        select(Store.id, Store.owner_id, Store.name, Store.verified_at, Store.offers_delivery, Store.offers_pickup,
               Store.delivery_fee, User.email)
        .join(Store.owner).where(demo_owner(), Store.status == "verified").order_by(Store.id)).all()
    products: dict[int, list] = {}
    for row in db.session.execute(
            select(Product.store_id, Product.id, Product.name, Product.price, Product.category_id)
            .where(Product.store_id.in_([s.id for s in stores]), Product.is_active.is_(True),
                   Product.moderation_reason.is_(None), Product.price <= 2_000_000)
            .order_by(Product.id)):
        products.setdefault(row.store_id, []).append((row.id, row.name, row.price, row.category_id))
    shops = [_Shop(s.id, s.owner_id, s.name, s.verified_at, s.offers_delivery, s.offers_pickup, s.delivery_fee,
                   tuple(products[s.id]), s.email == FEATURED_STORES[0].email)
             for s in stores if products.get(s.id) and s.verified_at]
    return sorted(shops, key=lambda shop: shop.opened)


def _pick_shop(rng, shops: list[_Shop], opened: list[datetime], featured: _Shop | None,
               placed: datetime) -> _Shop | None:
    """A store verified before `placed` (shops are sorted by that time); Bu Sri's more often."""
    k = bisect.bisect_left(opened, placed)
    if k == 0:
        return None
    if featured is not None and featured.opened < placed and rng.random() < 0.15:
        return featured
    return shops[rng.randrange(k)]


def _fill_month(start: datetime, end: datetime, now: datetime, buyers: list[_Buyer], shops: list[_Shop],
                minimum: int) -> int:
    rng = random.Random(f"malpro-history-{to_wib(start):%Y-%m}")
    current = end >= now - timedelta(seconds=1)
    # The programme grows: older months have fewer orders.
    age_months = max(0, round((now - start).days / 30.4))
    plan: list[tuple[_Buyer, datetime, bool]] = []  # (buyer, placed at, must be completed in the month)
    span = end - start
    for buyer in buyers:
        if buyer.diligent:
            # Enough completed orders to pass the minimum; placed early enough to complete in the month.
            for _ in range(rng.randint(2, 4)):
                plan.append((buyer, start + span * rng.uniform(0.0, 0.85), True))
        elif buyer.main:
            for _ in range(rng.randint(1, 2)):
                plan.append((buyer, start + span * rng.uniform(0.0, 0.85), True))
        else:
            visits = rng.choices((0, 1, 2, 3), weights=(3 + age_months, 5, 3, 1))[0]
            plan += [(buyer, start + span * rng.random(), False) for _ in range(visits)]
    plan.sort(key=lambda entry: entry[1])

    orders, items, events = [], [], []
    spent: dict[int, int] = {}
    opened = [shop.opened for shop in shops]
    featured = next((shop for shop in shops if shop.featured), None)
    for buyer, placed, completed_in_month in plan:
        shop = _pick_shop(rng, shops, opened, featured, placed)
        if shop is None:
            continue
        if completed_in_month and buyer.diligent and spent.get(buyer.id, 0) >= minimum * 1.3:
            completed_in_month = rng.random() < 0.5
        order = _order(rng, buyer, shop, placed, now, end, completed_in_month)
        if order is None:
            continue
        row, order_items, order_events = order
        if row["status"] == "completed":
            spent[buyer.id] = spent.get(buyer.id, 0) + row["total"]
        orders.append(row)
        items.append(order_items)
        events.append(order_events)
    if current:
        _top_up_diligent(rng, buyers, shops, start, now, minimum, spent, orders, items, events)
        _open_orders_for_featured(rng, buyers, shops, now, orders, items, events)
    if not orders:
        return 0
    _write(rng, orders, items, events, now)
    return len(orders)


def _order(rng, buyer: _Buyer, shop: _Shop, placed: datetime, now: datetime, month_end: datetime,
           completed_in_month: bool, status: str | None = None):
    """(order row, item rows, event rows) of one order; ids filled in by _write."""
    modes = [mode for mode, ok in (("delivery", shop.delivery), ("pickup", shop.pickup)) if ok]
    mode = rng.choice(modes)
    lines = rng.sample(shop.products, k=min(len(shop.products), rng.choices((1, 2, 3), weights=(6, 3, 1))[0]))
    order_items = []
    for product_id, name, price, category_id in lines:
        quantity = rng.choices((1, 2, 3, 5), weights=(6, 3, 1, 0.5))[0] if price < 200_000 else 1
        order_items.append({"product_id": product_id, "category_id": category_id, "name": name, "price": price,
                            "quantity": quantity, "subtotal": price * quantity})
    subtotal = sum(item["subtotal"] for item in order_items)
    fee = shop.fee if mode == "delivery" else 0
    age = now - placed
    if status is None:
        status = "completed" if completed_in_month else _status(rng, age, mode)
    steps = _steps(status, mode)
    # Each step a few hours to a day after the last, never past now (nor past the month's end
    # for orders that must count in their month).
    limit = min(now, month_end) if completed_in_month else now
    room = max((limit - placed).total_seconds(), 60)
    times, at = [], placed
    for _ in steps:
        at = at + timedelta(seconds=min(rng.uniform(0.5, 20) * 3600, room / (len(steps) + 1)))
        times.append(at)
    buyer_cancelled = status == "cancelled" and rng.random() < 0.5
    reason = None if buyer_cancelled else rng.choice(CANCEL_REASONS)
    order_events = [{"status": "pending", "actor_id": buyer.id, "note": None, "created_at": placed}]
    for step, when in zip(steps, times):
        actor = buyer.id if step == "cancelled" and buyer_cancelled else shop.owner_id
        order_events.append({"status": step, "actor_id": actor,
                             "note": reason if step == "cancelled" else None, "created_at": when})
    done = times[-1] if times else None
    street = rng.choice(STREETS[buyer.kecamatan])
    row = {
        "code": f"D{secrets.token_hex(10)}", "buyer_id": buyer.id, "store_id": shop.id, "status": status,
        "fulfilment": mode, "subtotal": subtotal, "delivery_fee": fee, "total": subtotal + fee,
        "recipient": buyer.name if mode == "delivery" else None,
        "phone": buyer.phone if mode == "delivery" else None,
        "street": f"{street} No. {rng.randint(1, 200)}" if mode == "delivery" else None,
        "kecamatan": buyer.kecamatan if mode == "delivery" else None,
        "kelurahan": rng.choice(regions()[buyer.kecamatan]) if mode == "delivery" else None,
        "notes": None, "cancel_reason": reason if status == "cancelled" else None,
        "created_at": placed, "updated_at": done or placed,
        "paid_at": done if status == "completed" else None,
        "completed_at": done if status == "completed" else None,
        "_shop": shop, "_buyer": buyer,
    }
    return row, order_items, order_events


def _status(rng, age: timedelta, mode: str) -> str:
    """Older orders are final; the last days hold every status."""
    moving = "shipped" if mode == "delivery" else "ready"
    if age > timedelta(days=4):
        return rng.choices(("completed", "cancelled"), weights=(88, 12))[0]
    if age > timedelta(days=1):
        return rng.choices(("completed", "cancelled", moving, "confirmed"), weights=(55, 10, 20, 15))[0]
    return rng.choices(("pending", "confirmed", moving, "completed", "cancelled"), weights=(40, 25, 15, 12, 8))[0]


def _steps(status: str, mode: str) -> list[str]:
    moving = "shipped" if mode == "delivery" else "ready"
    return {"pending": [], "confirmed": ["confirmed"], "shipped": ["confirmed", "shipped"],
            "ready": ["confirmed", "ready"], "completed": ["confirmed", moving, "completed"],
            "cancelled": ["cancelled"]}[status]


def _top_up_diligent(rng, buyers, shops, start, now, minimum, spent, orders, items, events) -> None:
    """This month, however early in it: every diligent employee reaches the minimum."""
    open_shops = [shop for shop in shops if shop.opened < start]
    if not open_shops:
        return
    for buyer in buyers:
        tries = 0
        while buyer.diligent and spent.get(buyer.id, 0) < minimum and tries < 12:
            tries += 1
            placed = start + (now - start) * rng.uniform(0.0, 0.5)
            order = _order(rng, buyer, rng.choice(open_shops), placed, now, now, True)
            row, order_items, order_events = order
            spent[buyer.id] = spent.get(buyer.id, 0) + row["total"]
            orders.append(row)
            items.append(order_items)
            events.append(order_events)


def _open_orders_for_featured(rng, buyers, shops, now, orders, items, events) -> None:
    """Bu Sri (the README's demo seller) has orders to act on: one in each running status."""
    featured = next((shop for shop in shops if shop.featured), None)
    others = [buyer for buyer in buyers if not buyer.main and not buyer.diligent]
    if featured is None or not others:
        return
    for i, status in enumerate(("pending", "pending", "confirmed", "shipped", "ready")):
        mode_ok = featured.delivery if status == "shipped" else featured.pickup if status == "ready" else True
        if not mode_ok:
            continue
        shop = featured
        if status in ("shipped", "ready"):
            shop = replace(featured, delivery=status == "shipped", pickup=status == "ready")
        placed = now - timedelta(hours=2 + i * 7)
        row, order_items, order_events = _order(rng, others[i % len(others)], shop, placed, now, now, False, status)
        row["_shop"] = featured
        orders.append(row)
        items.append(order_items)
        events.append(order_events)


def _write(rng, orders: list[dict], items: list[list[dict]], events: list[list[dict]], now: datetime) -> None:
    """Insert the month's orders, items, events, reviews and notifications; codes and ratings."""
    extras = [(row.pop("_shop"), row.pop("_buyer")) for row in orders]
    ids = bulk_insert(Order, orders)
    db.session.execute(
        update(Order.__table__).where(Order.__table__.c.id == bindparam("order_id"))
        .values(code=bindparam("new_code")),
        [{"order_id": order_id, "new_code": f"MLP-{to_wib(row['created_at']):%Y%m%d}-{order_id:06d}"}
         for order_id, row in zip(ids, orders)])
    bulk_insert(OrderItem, [item | {"order_id": order_id} for order_id, rows in zip(ids, items) for item in rows])
    bulk_insert(OrderEvent, [event | {"order_id": order_id} for order_id, rows in zip(ids, events) for event in rows])

    review_rows = []
    for order_id, row, order_items in zip(ids, orders, items):
        if row["status"] != "completed":
            continue
        for item in order_items:
            if rng.random() < 0.55:
                rating = rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 10, 3, 2))[0]
                at = min(row["completed_at"] + timedelta(hours=rng.uniform(1, 72)), now)
                review_rows.append({"order_id": order_id, "product_id": item["product_id"],
                                    "store_id": row["store_id"], "user_id": row["buyer_id"], "rating": rating,
                                    "comment": rng.choice(REVIEW_COMMENTS[rating]), "created_at": at})
    if review_rows:
        bulk_insert(Review, review_rows)
        _add_ratings(review_rows)
    _notify(ids, orders, extras, items, now)
    db.session.commit()


def _add_ratings(reviews: list[dict]) -> None:
    for model, key in ((Product, "product_id"), (Store, "store_id")):
        totals: dict[int, list[int]] = {}
        for review in reviews:
            count_sum = totals.setdefault(review[key], [0, 0])
            count_sum[0] += 1
            count_sum[1] += review["rating"]
        table = model.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("row_id"))
            .values(rating_count=table.c.rating_count + bindparam("n"),
                    rating_sum=table.c.rating_sum + bindparam("total")),
            [{"row_id": row_id, "n": n, "total": total} for row_id, (n, total) in totals.items()])


def _notify(ids, orders, extras, items, now) -> None:
    """Notifications of the last weeks for the demo seller and the demo buyer (older ones read),
    stored like the services store them: message key and parameters, rendered when shown."""
    rows = []
    for order_id, row, (shop, buyer), order_items in zip(ids, orders, extras, items):
        age = now - row["created_at"]
        if not ((shop.featured and age < timedelta(days=20)) or (buyer.main and age < timedelta(days=62))):
            continue
        code = f"MLP-{to_wib(row['created_at']):%Y%m%d}-{order_id:06d}"
        params = {"code": code, "store": shop.name, "buyer": buyer.name, "total": row["total"],
                  "items": [[item["name"], item["quantity"]] for item in order_items], "fulfilment": row["fulfilment"]}
        if shop.featured and age < timedelta(days=20):
            rows.append(_notification(shop.owner_id, "order.new", params, f"/seller/pesanan/{code}",
                                      row["created_at"], read=row["status"] != "pending"))
        if buyer.main and row["status"] != "pending":
            key = f"order.{row['status']}"
            params = params | {"status": row["status"],
                               "note": row["cancel_reason"] if row["status"] == "cancelled" else None}
            rows.append(_notification(buyer.id, key, params, f"/pesanan/{code}", row["updated_at"],
                                      read=now - row["updated_at"] > timedelta(days=2)))
    if rows:
        bulk_insert(Notification, rows)


def _notification(user_id: int, key: str, params: dict, link: str, at: datetime, read: bool) -> dict:
    message = notifications.MESSAGES[key]
    # The text kept beside the key is in Bahasa Indonesia, the demo accounts' language.
    title, body = notifications.render_message(key, params)
    return {"user_id": user_id, "kind": message.kind or key, "title": title, "body": body, "link": link,
            "message_key": key, "params": params, "created_at": at, "read_at": at + timedelta(hours=3) if read else None}
