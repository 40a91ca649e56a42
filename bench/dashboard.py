"""Admin dashboard benchmark: `make bench-dashboard` (or `.venv/bin/python -m bench.dashboard`).

1. Builds a temporary SQLite database with the real migrations, then bulk-inserts (plain
   executemany INSERTs, explicit ids) 3,000 stores, 50,000 products, 20,000 buyers (4,000 of them
   with an ASN profile) and 200,000 orders with about 400,000 items, spread over 24 months in
   every status.
2. Renders the admin dashboard (`GET /admin/`, this month, the default) through the Flask test
   client as a logged-in admin: one warm-up request, then --rounds timed requests; prints the
   median and minimum wall-clock time and the median CPU time of the process (on a busy machine
   the CPU time is the better estimate of an idle one's wall clock). Also times the dashboard
   for the last 12 months, the ASN participation page and the public transparency page.

The target (issue 6) is a median under one second for the dashboard; docs/performance.md has
the measured figures. Options: --keep DIR reuses (or creates) the database in DIR; --rounds N.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STORES, PRODUCTS, BUYERS, ASN_BUYERS, ORDERS = 3000, 50_000, 20_000, 4_000, 200_000
MONTHS = 24
BATCH = 20_000
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@bench.malpro.id", "bench-admin-123"
KECAMATAN = ("Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun")
KELURAHAN = {"Blimbing": "Purwodadi", "Kedungkandang": "Sawojajar", "Klojen": "Kauman",
             "Lowokwaru": "Dinoyo", "Sukun": "Bandungrejosari"}
# Older orders have all reached a final status; the last days hold the open ones.
FINAL_MIX = (("completed", 80), ("cancelled", 20))
OPEN_MIX = (("pending", 30), ("confirmed", 25), ("shipped", 15), ("ready", 10), ("completed", 15), ("cancelled", 5))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", metavar="DIR", help="database directory to reuse or create")
    parser.add_argument("--rounds", type=int, default=7, help="timed requests per page (7)")
    args = parser.parse_args(argv)

    workdir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="malpro-dash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        app = make_app(workdir)
        with app.app_context():
            prepare(app)
        measure(app, args.rounds)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def make_app(workdir: Path):
    from malpro import create_app

    return create_app({
        "INSTANCE_PATH": str(workdir), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'malpro.db'}",
        "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "WARNING",
        "REQUEST_LOG": False,
    })


def prepare(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from malpro.extensions import db
    from malpro.models import Order

    started = time.perf_counter()
    print("Migrating the benchmark database…", flush=True)
    upgrade()
    if db.session.scalar(select(func.count()).select_from(Order)) >= ORDERS:
        print("Database already seeded.", flush=True)
        return
    print(f"Seeding {STORES:,} stores, {PRODUCTS:,} products, {BUYERS:,} buyers, {ORDERS:,} orders…", flush=True)
    seed(db)
    print(f"Database ready in {time.perf_counter() - started:.0f} s.", flush=True)


def seed(db) -> None:
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from malpro.models import (
        AsnProfile,
        Category,
        Opd,
        Order,
        OrderItem,
        Product,
        Store,
        StoreDecision,
        User,
    )

    rng = random.Random(20261129)
    now = datetime.utcnow().replace(microsecond=0)
    start = now - timedelta(days=30 * MONTHS)
    password_hash = generate_password_hash(ADMIN_PASSWORD)

    def bulk(model, rows):
        for i in range(0, len(rows), BATCH):
            db.session.execute(insert(model), rows[i:i + BATCH])

    def at(lo: datetime, hi: datetime) -> datetime:
        return lo + timedelta(seconds=rng.randrange(max(1, int((hi - lo).total_seconds()))))

    users = [{"id": 1, "name": "Admin Benchmark", "email": ADMIN_EMAIL, "password_hash": password_hash,
              "is_admin": True, "active": True, "created_at": start}]
    owner_ids = range(2, 2 + STORES)
    buyer_ids = range(2 + STORES, 2 + STORES + BUYERS)
    for uid in [*owner_ids, *buyer_ids]:
        users.append({"id": uid, "name": f"Pengguna {uid}", "email": f"u{uid}@bench.malpro.id",
                      "phone": f"628123{uid:07d}", "password_hash": password_hash, "is_admin": False,
                      "active": True, "created_at": at(start, now)})
    bulk(User, users)

    stores, decisions = [], []
    statuses = rng.choices(("verified", "pending", "rejected", "suspended"), (85, 7, 5, 3), k=STORES)
    for n, (owner_id, status) in enumerate(zip(owner_ids, statuses), start=1):
        created = at(start, now - timedelta(days=3))
        kecamatan = rng.choice(KECAMATAN)
        stores.append({"id": n, "owner_id": owner_id, "name": f"Toko Bench {n}", "slug": f"toko-bench-{n}",
                       "nib": f"{n:013d}", "phone": "6281234567890", "address": f"Jl. Bench No. {n}",
                       "kecamatan": kecamatan, "kelurahan": KELURAHAN[kecamatan], "description": "",
                       "offers_delivery": True, "offers_pickup": True, "delivery_fee": rng.choice((0, 5000, 10000)),
                       "status": status, "submitted_at": created, "created_at": created, "updated_at": created,
                       "verified_at": created + timedelta(days=1) if status in ("verified", "suspended") else None,
                       "rating_count": 0, "rating_sum": 0})
        decisions.append({"store_id": n, "actor_id": owner_id, "to_status": "pending", "created_at": created})
        if status != "pending":
            decisions.append({"store_id": n, "actor_id": 1, "from_status": "pending",
                              "to_status": "rejected" if status == "rejected" else "verified",
                              "created_at": created + timedelta(days=1)})
        if status == "suspended":
            decisions.append({"store_id": n, "actor_id": 1, "from_status": "verified", "to_status": "suspended",
                              "reason": "Benchmark", "created_at": created + timedelta(days=2)})
    bulk(Store, stores)
    bulk(StoreDecision, decisions)

    category_ids = list(db.session.scalars(select(Category.id).order_by(Category.position)))
    products = []
    for pid in range(1, PRODUCTS + 1):
        store_id = rng.randrange(1, STORES + 1)
        created = at(stores[store_id - 1]["created_at"], now)
        products.append({"id": pid, "store_id": store_id, "category_id": rng.choice(category_ids),
                         "name": f"Produk Bench {pid}", "slug": f"produk-bench-{pid}", "description": "",
                         "price": rng.randrange(5, 500) * 1000, "stock": None, "unit": "pcs", "is_active": True,
                         "rating_count": 0, "rating_sum": 0, "created_at": created, "updated_at": created})
    bulk(Product, products)

    opd_ids = list(db.session.scalars(select(Opd.id)))
    profiles = []
    for n, uid in enumerate(rng.sample(list(buyer_ids), ASN_BUYERS), start=1):
        asn = rng.random() < 0.7
        # A valid, unique NIP: born 1980-01-01, appointed 2005-MM, gender digit, serial.
        nip = f"198001012005{1 + n // 1000:02d}{1 + n % 2}{n % 1000:03d}" if asn else None
        profiles.append({"user_id": uid, "kind": "asn" if asn else "non_asn", "nip": nip,
                         "opd_id": rng.choice(opd_ids), "updated_at": start})
    bulk(AsnProfile, profiles)

    open_since = now - timedelta(days=5)
    orders, items = [], []
    item_id = 0
    by_store: dict[int, list[dict]] = {}
    for product in products:
        by_store.setdefault(product["store_id"], []).append(product)
    selling = [s for s in stores if s["status"] in ("verified", "suspended") and s["id"] in by_store]
    for oid in range(1, ORDERS + 1):
        store = rng.choice(selling)
        created = at(max(start, store["created_at"]), now - timedelta(minutes=5))
        mix = OPEN_MIX if created >= open_since else FINAL_MIX
        status = rng.choices([s for s, _w in mix], [w for _s, w in mix])[0]
        mode = rng.choice(("delivery", "pickup"))
        lines = rng.sample(by_store[store["id"]], min(len(by_store[store["id"]]), rng.choice((1, 1, 2, 3))))
        subtotal = 0
        for product in lines:
            item_id += 1
            quantity = rng.randint(1, 3)
            subtotal += product["price"] * quantity
            items.append({"id": item_id, "order_id": oid, "product_id": product["id"],
                          "category_id": product["category_id"], "name": product["name"],
                          "price": product["price"], "quantity": quantity, "subtotal": product["price"] * quantity})
        fee = store["delivery_fee"] if mode == "delivery" else 0
        completed = min(created + timedelta(hours=rng.randint(1, 72)), now) if status == "completed" else None
        orders.append({"id": oid, "code": f"MLP-{created:%Y%m%d}-{oid:06d}", "buyer_id": rng.choice(buyer_ids),
                       "store_id": store["id"], "status": status, "fulfilment": mode, "subtotal": subtotal,
                       "delivery_fee": fee, "total": subtotal + fee, "created_at": created,
                       "updated_at": completed or created, "completed_at": completed, "paid_at": completed})
    bulk(Order, orders)
    bulk(OrderItem, items)
    db.session.commit()


def timed(client, path: str, rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each request. The request runs in this process
    (SQLite included) and reads a database the page cache holds, so its CPU time is what the
    wall clock shows on an idle machine; on a busy one the wall clock also counts waiting."""
    response = client.get(path)  # warm-up: caches, the first connection
    assert response.status_code == 200, (path, response.status_code)
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return wall, cpu


def measure(app, rounds: int) -> None:
    client = app.test_client()
    response = client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 302, "admin login failed"
    today = date.today()
    year_ago = date(today.year - 1, today.month, 1)
    pages = {
        "dashboard (this month)": "/admin/",
        "dashboard (12 months)": f"/admin/?dari={year_ago.isoformat()}&sampai={today.isoformat()}",
        "ASN participation": "/admin/asn",
        "transparency (public)": "/transparansi",
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nLoad average {load:.1f} on {os.cpu_count()} CPUs; {rounds} requests per page after a warm-up.")
    print(f"{'page':<26} {'wall median':>12} {'wall min':>9} {'CPU median':>11}")
    for name, path in pages.items():
        wall, cpu = timed(client, path, rounds)
        print(f"{name:<26} {statistics.median(wall):>9.0f} ms {min(wall):>6.0f} ms {statistics.median(cpu):>8.0f} ms",
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
