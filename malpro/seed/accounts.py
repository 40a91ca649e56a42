"""Demo people who are not sellers: the admin, the README's demo buyer, city employees (ASN
with a NIP and non-ASN, spread over many OPDs) and other residents who shop on Malpro.

Employees are `pegawai<N>@demo.malpro.id`, residents `warga<N>@demo.malpro.id`; the same N
always gives the same person. Every third employee is "rajin" (diligent): the history gives
them at least the monthly minimum of completed orders every month, the current one included."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from malpro.extensions import db
from malpro.models import AsnProfile, Opd, User
from malpro.reference import regions
from malpro.seed.common import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    DEMO_DOMAIN,
    bulk_insert,
    ensure_user,
)
from malpro.seed.vocabulary import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES

# The demo buyer works at Diskominfo, so their account page shows the month's progress.
BUYER_OPD_CODE = "DISKOMINFO"


@dataclass(frozen=True)
class BuyerSpec:
    email: str
    name: str
    phone: str
    kecamatan: str
    days_ago: float
    kind: str | None = None  # "asn", "non_asn" or None (not a city employee)
    nip: str | None = None
    opd_index: int = 0
    diligent: bool = False


def buyer_counts(stores: int) -> tuple[int, int]:
    """How many employees and residents go with `stores` demo stores (30 and 20 by default)."""
    employees = max(30, min(600, stores * 3 // 4))
    return employees, employees * 2 // 3


def ensure_people(password_hash: str, now: datetime, stores: int) -> User:
    """The admin, the demo buyer and the demo employees and residents; returns the admin."""
    admin = ensure_user(ADMIN_EMAIL, "Admin Diskominfo", generate_password_hash(ADMIN_PASSWORD),
                        now - timedelta(days=400), is_admin=True, kecamatan="Klojen")
    buyer = ensure_user(BUYER_EMAIL, "Rina Wulandari", password_hash, now - timedelta(days=200),
                        phone="6281333000001", kecamatan="Lowokwaru")
    opd_ids = list(db.session.scalars(select(Opd.id).where(Opd.active.is_(True)).order_by(Opd.code)))
    if db.session.scalar(select(AsnProfile.id).where(AsnProfile.user_id == buyer.id)) is None:
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == BUYER_OPD_CODE)) or opd_ids[0]
        db.session.add(AsnProfile(user_id=buyer.id, kind="asn", nip="199003152015032001", opd_id=opd_id,
                                  updated_at=now - timedelta(days=190)))
    employees, residents = buyer_counts(stores)
    specs = [employee(n) for n in range(1, employees + 1)] + [resident(n) for n in range(1, residents + 1)]
    existing = set(db.session.scalars(select(User.email).where(User.email.in_([s.email for s in specs]))))
    specs = [spec for spec in specs if spec.email not in existing]
    if specs:
        ids = bulk_insert(User, [
            {"name": spec.name, "email": spec.email, "phone": spec.phone, "password_hash": password_hash,
             "is_admin": False, "kecamatan": spec.kecamatan, "created_at": now - timedelta(days=spec.days_ago)}
            for spec in specs])
        taken = set(db.session.scalars(select(AsnProfile.nip).where(AsnProfile.nip.is_not(None))))
        profiles = []
        for user_id, spec in zip(ids, specs):
            if spec.kind and (spec.nip is None or spec.nip not in taken):
                taken.add(spec.nip)
                profiles.append({"user_id": user_id, "kind": spec.kind, "nip": spec.nip,
                                 "opd_id": opd_ids[spec.opd_index % len(opd_ids)],
                                 "updated_at": now - timedelta(days=spec.days_ago - 1)})
        if profiles:
            bulk_insert(AsnProfile, profiles)
    db.session.commit()
    return admin


def employee(n: int) -> BuyerSpec:
    """The n-th demo city employee: 7 in 10 ASN (with a valid NIP), the others non-ASN."""
    rng = random.Random(f"malpro-employee-{n}")
    female = rng.random() < 0.5
    name = f"{rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {rng.choice(FAMILY_NAMES)}"
    kind = "asn" if rng.random() < 0.7 else "non_asn"
    nip = None
    if kind == "asn":
        born = date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28))
        appointed_year = min(born.year + rng.randint(22, 30), 2024)
        nip = f"{born:%Y%m%d}{appointed_year:04d}{rng.randint(1, 12):02d}{2 if female else 1}{n % 1000:03d}"
    # Spread over the OPDs: consecutive employees work at different agencies.
    return BuyerSpec(email=f"pegawai{n}@{DEMO_DOMAIN}", name=name, phone=f"628135{n:07d}",
                     kecamatan=rng.choice(tuple(regions())), days_ago=rng.uniform(185, 400), kind=kind,
                     nip=nip, opd_index=n * 7, diligent=n % 3 == 1)


def resident(n: int) -> BuyerSpec:
    rng = random.Random(f"malpro-resident-{n}")
    female = rng.random() < 0.5
    name = f"{rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {rng.choice(FAMILY_NAMES)}"
    return BuyerSpec(email=f"warga{n}@{DEMO_DOMAIN}", name=name, phone=f"628137{n:07d}",
                     kecamatan=rng.choice(tuple(regions())), days_ago=rng.uniform(30, 400))
