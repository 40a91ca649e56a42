"""Demo sellers and their stores: the featured stores of the README's demo accounts and
generated ones in all 5 kecamatan, in every verification state, with their audit trail, an NIB
certificate each, and a few verified stores on a temporary closure ("libur")."""
from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from malpro.extensions import db
from malpro.formatting import to_wib
from malpro.models import Store, StoreDecision, StoreDocument, User
from malpro.reference import regions
from malpro.seed.common import (
    BATCH_SIZE,
    DEMO_DOMAIN,
    bulk_insert,
    demo_owner,
    minimal_pdf,
    random_nib,
    unique,
)
from malpro.seed.vocabulary import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    OPENING_HOURS,
    PLACES,
    REJECTION_REASONS,
    STORE_TYPES,
    STREETS,
    WORDS,
)
from malpro.slugs import slugify


@dataclass(frozen=True)
class StoreSpec:
    """Everything needed to create one demo seller, their store and its history."""

    email: str
    owner_name: str
    phone: str
    name: str
    nib: str
    kecamatan: str
    kelurahan: str
    address: str
    description: str
    categories: tuple[str, ...]
    status: str
    days_ago: float  # when the store applied
    decided_after_days: float  # when an admin decided, after applying (verified/rejected)
    opening_hours: str
    offers_delivery: bool = True
    offers_pickup: bool = True
    delivery_fee: int = 10000
    status_reason: str | None = None
    # A verified store on leave: closed from yesterday for this many days (WIB dates).
    closed_days: int | None = None


FEATURED_STORES = (
    StoreSpec(email=f"penjual@{DEMO_DOMAIN}", owner_name="Sri Wahyuni", phone="6285712340001",
              name="Keripik Tempe Bu Sri", nib="9120301010001", kecamatan="Sukun",
              kelurahan="Pisang Candi", address="Jl. Raya Langsep No. 12",
              description="Keripik tempe renyah resep keluarga sejak 1998, tanpa pengawet. "
                          "Melayani pesanan oleh-oleh dan hajatan.",
              categories=("makanan-minuman",), status="verified", days_ago=200,
              decided_after_days=2, opening_hours="Senin-Sabtu 08.00-17.00", delivery_fee=8000),
    StoreSpec(email=f"pending@{DEMO_DOMAIN}", owner_name="Bambang Susilo", phone="6285712340002",
              name="Sanggar Topeng Polowijen", nib="9120301010002", kecamatan="Blimbing",
              kelurahan="Polowijen", address="Jl. Cakalang No. 45",
              description="Topeng Malangan ukir tangan dari Kampung Budaya Polowijen.",
              categories=("kriya",), status="pending", days_ago=2, decided_after_days=0,
              opening_hours="Setiap hari 09.00-17.00", offers_delivery=False, delivery_fee=0),
    StoreSpec(email=f"ditolak@{DEMO_DOMAIN}", owner_name="Yuliana Putri", phone="6285712340003",
              name="Hijab Ayu Dinoyo", nib="9120301010003", kecamatan="Lowokwaru",
              kelurahan="Dinoyo", address="Jl. MT Haryono No. 88",
              description="Hijab dan gamis jahitan sendiri dengan bahan adem.",
              categories=("fashion-wanita",), status="rejected", days_ago=9, decided_after_days=3,
              opening_hours="Senin-Sabtu 09.00-18.00", delivery_fee=7000,
              status_reason=REJECTION_REASONS[0]),
)

# Bu Sri's own products, so the demo seller's dashboard looks real.
FEATURED_PRODUCTS = (
    ("Keripik Tempe Original 250 gr", 15000, "bungkus", 120),
    ("Keripik Tempe Pedas Daun Jeruk 250 gr", 16000, "bungkus", 85),
    ("Keripik Tempe Original 500 gr", 28000, "bungkus", 60),
    ("Keripik Tempe Balado 1 kg", 52000, "bungkus", 0),
    ("Sambal Bawang Bu Sri 150 gr", 22000, "botol", 40),
    ("Paket Oleh-oleh Malang Keripik Tempe dan Keripik Apel", 65000, "paket", 25),
)


SUSPENSION_REASON = ("Beberapa pembeli melaporkan pesanan tidak dikirim. Penjualan dihentikan "
                     "sementara sampai penjual menghubungi Diskopindag.")
CLOSED_NOTE = "Libur keluarga, pesanan dilayani lagi setelah tanggal libur."


def generated_store(n: int) -> StoreSpec:
    """The n-th generated demo store (n >= 1); the same n always gives the same store."""
    rng = random.Random(f"malpro-store-{n}")
    store_type = STORE_TYPES[(n - 1) % len(STORE_TYPES)]
    kecamatan = tuple(regions())[(n - 1) % len(regions())]
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    honorific = rng.choice(("Bu", "Mbak", "Ning") if female else ("Cak", "Pak", "Mas"))
    name = rng.choice(store_type.names).format(
        owner=f"{honorific} {first}", place=rng.choice(PLACES), word=rng.choice(WORDS))
    # About 3 of the default 40 stores wait for verification, 2 were rejected, 1 is suspended
    # and 2 verified ones are on leave (closed today).
    closed_days = None
    if n % 15 == 0:
        status, days_ago = "pending", rng.uniform(0.5, 14)
    elif n % 25 == 12:
        status, days_ago = "rejected", rng.uniform(5, 40)
    elif n % 40 == 27:
        status, days_ago = "suspended", rng.uniform(60, 300)
    else:
        status, days_ago = "verified", rng.uniform(20, 365)
        if n % 17 == 8:
            closed_days = rng.randint(3, 10)
    offers_delivery, offers_pickup = rng.choice(
        ((True, True), (True, True), (True, True), (True, False), (False, True)))
    return StoreSpec(
        email=f"toko{n}@{DEMO_DOMAIN}",
        owner_name=f"{first} {rng.choice(FAMILY_NAMES)}",
        phone=f"628123{n:07d}",
        name=name,
        nib=f"9120{n:09d}",
        kecamatan=kecamatan,
        kelurahan=rng.choice(regions()[kecamatan]),
        address=f"{rng.choice(STREETS[kecamatan])} No. {rng.randint(1, 250)}",
        description=store_type.description,
        categories=store_type.categories,
        status=status,
        days_ago=days_ago,
        decided_after_days=min(rng.uniform(1, 5), days_ago * 0.8),
        opening_hours=rng.choice(OPENING_HOURS),
        offers_delivery=offers_delivery,
        offers_pickup=offers_pickup,
        delivery_fee=rng.randrange(5000, 15001, 1000) if offers_delivery else 0,
        status_reason=(rng.choice(REJECTION_REASONS) if status == "rejected"
                       else SUSPENSION_REASON if status == "suspended" else None),
        closed_days=closed_days,
    )


def store_categories(email: str) -> tuple[str, ...]:
    """What an existing demo store sells, recovered from its owner's email (top-up runs)."""
    for spec in FEATURED_STORES:
        if spec.email == email:
            return spec.categories
    match = re.fullmatch(rf"toko(\d+)@{re.escape(DEMO_DOMAIN)}", email)
    return STORE_TYPES[(int(match.group(1)) - 1) % len(STORE_TYPES)].categories if match else ()


def create_stores(total: int, admin_id: int, password_hash: str, now: datetime, log) -> int:
    """Create the featured stores and generated ones up to `total` demo stores, skipping
    owners that already exist. Returns how many were created."""
    generated = range(1, total - len(FEATURED_STORES) + 1)
    wanted = [*FEATURED_STORES, *(generated_store(n) for n in generated)]
    existing = set(db.session.scalars(select(User.email).where(demo_owner())))
    specs = [spec for spec in wanted if spec.email not in existing]
    if not specs:
        log("Toko demo sudah lengkap.")
        return 0
    taken_slugs = set(db.session.scalars(select(Store.slug)))
    taken_nibs = set(db.session.scalars(select(Store.nib)))
    documents_dir = Path(current_app.config["UPLOAD_DIR"]) / "documents"
    documents_dir.mkdir(parents=True, exist_ok=True)

    for start in range(0, len(specs), BATCH_SIZE):
        batch = specs[start:start + BATCH_SIZE]
        applied = [now - timedelta(days=spec.days_ago) for spec in batch]
        owner_ids = bulk_insert(User, [
            {"name": spec.owner_name, "email": spec.email, "phone": spec.phone,
             "password_hash": password_hash, "is_admin": False, "kecamatan": spec.kecamatan,
             "created_at": at - timedelta(hours=1)} for spec, at in zip(batch, applied)])

        store_rows = []
        today = to_wib(now).date()
        for spec, owner_id, at in zip(batch, owner_ids, applied):
            decided = at + timedelta(days=spec.decided_after_days)
            closed = spec.closed_days is not None
            store_rows.append({
                "owner_id": owner_id, "name": spec.name,
                "slug": unique(slugify(spec.name, 130), taken_slugs),
                "nib": spec.nib if spec.nib not in taken_nibs else random_nib(taken_nibs),
                "phone": spec.phone, "address": spec.address,
                "kecamatan": spec.kecamatan, "kelurahan": spec.kelurahan,
                "description": spec.description, "offers_delivery": spec.offers_delivery,
                "offers_pickup": spec.offers_pickup, "delivery_fee": spec.delivery_fee,
                "opening_hours": spec.opening_hours, "status": spec.status,
                "status_reason": spec.status_reason, "submitted_at": at,
                "verified_at": decided if spec.status in ("verified", "suspended") else None,
                "created_at": at, "updated_at": at if spec.status == "pending" else decided,
                "closed_from": today - timedelta(days=1) if closed else None,
                "closed_until": today + timedelta(days=spec.closed_days) if closed else None,
                "closed_note": CLOSED_NOTE if closed else None,
            })
            taken_nibs.add(store_rows[-1]["nib"])
        store_ids = bulk_insert(Store, store_rows)

        decisions, documents = [], []
        for spec, row, store_id in zip(batch, store_rows, store_ids):
            at = row["submitted_at"]
            decisions.append({"store_id": store_id, "actor_id": row["owner_id"], "from_status": None,
                              "to_status": "pending", "reason": None, "created_at": at})
            decided = at + timedelta(days=spec.decided_after_days)
            if spec.status == "suspended":
                # Verified first, suspended weeks later.
                decisions.append({"store_id": store_id, "actor_id": admin_id, "from_status": "pending",
                                  "to_status": "verified", "reason": None, "created_at": decided})
                decisions.append({"store_id": store_id, "actor_id": admin_id, "from_status": "verified",
                                  "to_status": "suspended", "reason": spec.status_reason,
                                  "created_at": decided + (now - decided) / 2})
            elif spec.status != "pending":
                decisions.append({"store_id": store_id, "actor_id": admin_id, "from_status": "pending",
                                  "to_status": spec.status, "reason": spec.status_reason,
                                  "created_at": decided})
            documents.append(_write_nib_document(documents_dir, store_id, row, at))
        bulk_insert(StoreDecision, decisions)
        bulk_insert(StoreDocument, documents)
        db.session.commit()
        log(f"Toko demo: {start + len(batch)}/{len(specs)} dibuat.")
    return len(specs)


def _write_nib_document(directory: Path, store_id: int, store: dict, at: datetime) -> dict:
    """Write a small real PDF standing in for the store's OSS NIB certificate."""
    stored_name = secrets.token_hex(16) + ".pdf"
    content = minimal_pdf([
        "Perizinan Berusaha Berbasis Risiko - Nomor Induk Berusaha",
        f"NIB: {store['nib']}",
        f"Nama usaha: {store['name']}",
        f"Alamat: {store['address']}, {store['kelurahan']}, {store['kecamatan']}, Kota Malang",
        "Dokumen contoh untuk data demo Malpro.",
    ])
    (directory / stored_name).write_bytes(content)
    return {"store_id": store_id, "kind": "nib", "filename": "sertifikat-nib.pdf",
            "stored_name": stored_name, "content_type": "application/pdf", "size": len(content),
            "uploaded_at": at}

