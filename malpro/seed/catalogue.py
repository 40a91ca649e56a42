"""Demo products: Bu Sri's own products first, then random products of the demo stores'
lines of business, with certificates on food, a few out of stock and a few inactive."""
from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

from flask import current_app
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Category, Opd, Product, ProductImage, Store, User
from malpro.reference import categories, opds
from malpro.seed.common import BATCH_SIZE, PRODUCT_DAYS, bulk_insert, demo_owner
from malpro.seed.images import ImagePool
from malpro.seed.stores import FEATURED_PRODUCTS, FEATURED_STORES, store_categories
from malpro.seed.vocabulary import CATEGORY_ICONS, DESCRIPTIONS, PRODUCT_LINES
from malpro.slugs import slugify


def seed_reference_data() -> None:
    """Insert the categories and OPDs that are missing (matched on slug and code)."""
    known_slugs = set(db.session.scalars(select(Category.slug)))
    for position, category in enumerate(categories()):
        if category["slug"] not in known_slugs:
            db.session.add(Category(
                slug=category["slug"], name=category["name"], name_en=category["name_en"],
                position=position, icon=CATEGORY_ICONS.get(category["slug"], ""),
            ))
    known_codes = set(db.session.scalars(select(Opd.code)))
    for opd in opds():
        if opd["code"] not in known_codes:
            db.session.add(Opd(code=opd["code"], name=opd["name"]))
    db.session.commit()


@dataclass(frozen=True)
class _Seller:
    """A demo store products may be added to (verified or pending)."""

    id: int
    name: str
    email: str
    categories: tuple[str, ...]
    opened: datetime
    verified: bool


def create_products(total: int, now: datetime, log) -> int:
    """Top the demo products up to `total`. Returns how many were created."""
    existing = db.session.scalar(
        select(func.count(Product.id)).join(Product.store).join(Store.owner).where(demo_owner()))
    missing = total - existing
    if missing <= 0:
        log("Produk demo sudah lengkap.")
        return 0
    category_ids = dict(db.session.execute(select(Category.slug, Category.id)).tuples().all())
    candidates = db.session.execute(
        select(Store.id, Store.name, User.email, Store.created_at, Store.status)
        .join(Store.owner).where(demo_owner(), Store.status.in_(("verified", "pending", "suspended")))
        .order_by(Store.id))
    sellers = [_Seller(store_id, name, email, store_categories(email), opened, status == "verified")
               for store_id, name, email, opened, status in candidates]
    sellers = [seller for seller in sellers if seller.categories]
    if not sellers:
        log("Tidak ada toko demo untuk produk.")
        return 0

    images = ImagePool(Path(current_app.config["UPLOAD_DIR"]) / "products", category_ids)
    rng = random.Random(f"malpro-products-{existing}")
    plan = _product_plan(rng, sellers, category_ids, now)
    created = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as executor:
        while created < missing:
            batch = [next(plan) for _ in range(min(BATCH_SIZE, missing - created))]
            paths = images.assign(executor, [(row["name"], slug) for row, slug in batch])
            rows = [row | {"cover_path": thumb} for (row, _), (thumb, _) in zip(batch, paths)]
            product_ids = bulk_insert(Product, rows)
            bulk_insert(ProductImage, [
                {"product_id": product_id, "position": 0, "thumb_path": thumb, "large_path": large,
                 "created_at": row["created_at"]}
                for product_id, row, (thumb, large) in zip(product_ids, rows, paths)])
            db.session.commit()
            created += len(batch)
            log(f"Produk demo: {created}/{missing} dibuat ({images.generated} gambar baru).")
    return created


def _product_plan(rng: random.Random, sellers: list[_Seller], category_ids: dict[str, int],
                  now: datetime) -> Iterator[tuple[dict, str]]:
    """Endless (product row, category slug) pairs: Bu Sri's own products first while her
    store has none, one product of every product line, then random products of random demo
    stores."""
    featured = next((s for s in sellers if s.email == FEATURED_STORES[0].email), None)
    if featured and not db.session.scalar(select(Product.id).where(Product.store_id == featured.id)):
        for name, price, unit, stock in FEATURED_PRODUCTS:
            created_at = _random_time(rng, featured.opened, now)
            yield {
                "store_id": featured.id, "category_id": category_ids["makanan-minuman"],
                "name": name, "slug": slugify(name, 140),
                "description": _description(rng, "food", name, featured.name),
                "price": price, "stock": stock, "unit": unit, "is_active": True,
                "halal_number": _halal_number(rng), "pirt_number": _pirt_number(rng),
                "bpom_number": None, "created_at": created_at, "updated_at": created_at,
            }, "makanan-minuman"
    # Every variant of every product line once (159 products), at a verified store that sells
    # its category, so the demo (and the search recall set, bench/search_recall.py) always
    # holds each kind of product.
    # Shuffled, so a small demo still spreads over every category and store.
    tour = [(slug, line, variant) for slug, lines in PRODUCT_LINES.items() for line in lines
            for variant in line.variants]
    rng.shuffle(tour)
    for slug, line, variant in tour:
        shops = [s for s in sellers if s.verified and slug in s.categories]
        if shops:
            yield _random_product(rng, rng.choice(shops), category_ids, now, slug, line, variant)
    # Pending stores may prepare products, but most products belong to verified stores.
    weights = [1.0 if seller.verified else 0.3 for seller in sellers]
    while True:
        for seller in rng.choices(sellers, weights=weights, k=1000):
            yield _random_product(rng, seller, category_ids, now)


def _random_product(rng: random.Random, seller: _Seller, category_ids: dict[str, int],
                    now: datetime, slug: str | None = None, line=None, variant: str | None = None
                    ) -> tuple[dict, str]:
    if slug is None:
        main, *others = seller.categories
        slug = main if not others or rng.random() < 0.7 else rng.choice(others)
    line = line or rng.choice(PRODUCT_LINES[slug])
    size = rng.randrange(len(line.sizes))
    variant = variant if variant is not None else rng.choice(line.variants)
    name = " ".join(part for part in (line.base, variant, line.sizes[size]) if part)
    low, high = line.price
    # Larger sizes cost more: each size gets its own slice of the price range.
    price = low + (high - low) * (size + rng.random()) / len(line.sizes)
    food = line.kind == "food"
    created_at = _random_time(rng, seller.opened, now)
    return {
        "store_id": seller.id, "category_id": category_ids[slug], "name": name,
        "slug": slugify(name, 140), "description": _description(rng, line.kind, name, seller.name),
        "price": max(500, round(price / 500) * 500),
        "stock": None if line.kind == "service" else (0 if rng.random() < 0.04 else rng.randint(1, 200)),
        "unit": line.unit, "is_active": rng.random() < 0.95,
        "halal_number": _halal_number(rng) if food and rng.random() < 0.65 else None,
        "pirt_number": _pirt_number(rng) if food and rng.random() < 0.6 else None,
        "bpom_number": _bpom_number(rng) if food and rng.random() < 0.15 else None,
        "created_at": created_at, "updated_at": created_at,
    }, slug


def _description(rng: random.Random, kind: str, name: str, store: str) -> str:
    first, *rest = DESCRIPTIONS[kind]
    return " ".join([first.format(name=name, store=store), *rng.sample(rest, rng.randint(0, 2))])


def _random_time(rng: random.Random, opened: datetime, now: datetime) -> datetime:
    """A time in the last PRODUCT_DAYS days, not before the store applied."""
    start = max(opened, now - timedelta(days=PRODUCT_DAYS))
    return start + (now - start) * rng.random()


def _halal_number(rng: random.Random) -> str:
    return f"ID3511{rng.randrange(10**13):013d}"


def _pirt_number(rng: random.Random) -> str:
    # 1 packaging digit, 2 food-type digits, 3573 (Kota Malang), product and serial digits, expiry year.
    digits = f"{rng.randint(1, 5)}{rng.randint(1, 16):02d}3573{rng.randrange(10**6):06d}"
    return f"P-IRT {digits}-{rng.randint(26, 30)}"


def _bpom_number(rng: random.Random) -> str:
    return f"BPOM RI MD {rng.randrange(10**12):012d}"

