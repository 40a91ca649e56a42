"""Reference data and demo data (`flask --app malpro seed-demo`).

`seed_reference_data()` inserts the 8 categories and the seed OPD list (never overwriting what
admins have edited since). `seed_demo()` fills a database with a living demo programme of Kota
Malang: named demo accounts for every role (README), stores in all 5 kecamatan in every
verification state, some on leave, products in all 8 categories with pictures drawn for what
they sell, city employees with ASN and non-ASN profiles in many OPDs, and months of orders in
every status with reviews and notifications. It is idempotent: running it again only adds what
is missing (a new month's history, more stores or products when asked for).

The parts, one module each:

| module | what |
| --- | --- |
| `common` | demo account names and passwords, how demo data is recognised, bulk inserts |
| `vocabulary` | names, places, lines of business, product lines and price ranges |
| `accounts` | the admin, the demo buyer, employees (ASN/non-ASN profiles) and residents |
| `stores` | demo sellers and their stores, decisions, NIB documents, closures |
| `catalogue` | categories/OPDs (reference data) and demo products |
| `images` | the product pictures (Pillow drawings by kind of product) |
| `history` | months of orders, their events, reviews, ratings and notifications |

Demo data is recognised by its owners' email domain (@demo.malpro.id). At benchmark scale
(`--stores 3000 --products 50000`) rows go in with bulk INSERTs, the shared password is hashed
once, and products share a few pictures per kind of product (`images.PICTURES_PER_KIND`).
"""
from __future__ import annotations

import time
from typing import Callable

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from malpro.extensions import db
from malpro.models import Order, Product, Review, Store, User, utcnow
from malpro.seed.accounts import ensure_people
from malpro.seed.catalogue import create_products, seed_reference_data
from malpro.seed.common import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    demo_owner,
)
from malpro.seed.history import seed_history
from malpro.seed.programme import seed_programme
from malpro.seed.qris import seed_qris
from malpro.seed.stores import create_stores
from malpro.services.products import write_missing_medium_images

__all__ = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "BUYER_EMAIL", "DEMO_DOMAIN", "DEMO_PASSWORD", "seed_demo",
           "seed_reference_data"]


def seed_demo(stores: int = 40, products: int = 400, log: Callable[[str], object] = print) -> dict:
    """Create (or top up to) `stores` demo stores and `products` demo products, the demo
    accounts and the demo history. Returns the totals of demo data afterwards."""
    started = time.perf_counter()
    seed_reference_data()
    now = utcnow()
    # Hashing is deliberately slow: hash each demo password once and share the hash.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    admin = ensure_people(password_hash, now, stores)

    created_stores = create_stores(stores, admin.id, password_hash, now, log)
    created_products = create_products(products, now, log)
    created_orders = seed_history(now, stores, log)

    # Extra seeders: other parts of the programme add their demo data here, after the
    # stores, products and history they build on. One import and one call line each; each
    # must be idempotent (a second run changes nothing) and take (now, log).
    # e.g.   from malpro.seed.qris import seed_qris; seed_qris(now, log)
    seed_programme(admin.id, log)
    seed_qris(now, log)
    # Demo pictures drawn before the gallery had a medium size get one (a no-op afterwards).
    write_missing_medium_images()

    totals = demo_totals()
    log(f"Data demo: {created_stores} toko, {created_products} produk dan {created_orders} pesanan baru "
        f"dalam {time.perf_counter() - started:.1f} detik; total {totals}.")
    return totals


def demo_totals() -> dict:
    demo_store = select(Store.id).join(Store.owner).where(demo_owner())
    return {
        "users": db.session.scalar(select(func.count(User.id)).where(demo_owner())),
        "stores": db.session.scalar(select(func.count()).select_from(demo_store.subquery())),
        "products": db.session.scalar(select(func.count(Product.id)).where(Product.store_id.in_(demo_store))),
        "orders": db.session.scalar(select(func.count(Order.id)).where(Order.store_id.in_(demo_store))),
        "reviews": db.session.scalar(select(func.count(Review.id)).where(Review.store_id.in_(demo_store))),
    }
