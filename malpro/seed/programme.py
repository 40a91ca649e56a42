"""Demo data of the employees' programme run by the agencies (issue 17), called by seed-demo.

Idempotent: everything is keyed by the demo accounts' emails (@demo.malpro.id), so running it
again changes nothing. It creates two OPD coordinators and a mentoring-agency officer (the
demo accounts listed in the README), employees with confirmed, unconfirmed and rejected
profiles (and one NIP conflict), purchases outside Malpro in every state with their photos,
onboarding leads (one marked invited) and mentored (binaan) stores."""
from __future__ import annotations

import io
from datetime import timedelta
from typing import Callable

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from malpro.extensions import db
from malpro.models import AsnProfile, Opd, OpdOfficer, OutsidePurchase, ShopLead, Store, User, utcnow
from malpro.services import images
from malpro.services.outside_purchases import PHOTO_FOLDER, shop_key
from malpro.services.periods import wib_today

DOMAIN = "demo.malpro.id"
PASSWORD = "malpro123"

# (email, name, role, OPD code)
OFFICERS = (
    (f"koordinator.kominfo@{DOMAIN}", "Dewi Lestari (Koordinator Diskominfo)", "coordinator", "DISKOMINFO"),
    (f"koordinator.dinkes@{DOMAIN}", "Hendra Wijaya (Koordinator Dinkes)", "coordinator", "DINKES"),
    (f"pembina.diskopindag@{DOMAIN}", "Sulastri (Pembina UMKM Diskopindag)", "mentor", "DISKOPINDAG"),
)
# (email, name, kind, NIP, OPD code, status, reason)
EMPLOYEES = (
    (f"pembeli@{DOMAIN}", "Rina Wulandari", "asn", "198804172012012003", "DISKOMINFO", "confirmed", None),
    (f"pegawai.agus@{DOMAIN}", "Agus Santoso", "asn", "197911052005011004", "DISKOMINFO", "confirmed", None),
    (f"pegawai.maya@{DOMAIN}", "Maya Putri", "non_asn", None, "DISKOMINFO", "confirmed", None),
    (f"pegawai.yudi@{DOMAIN}", "Yudi Prasetyo", "asn", "199203142019031007", "DISKOMINFO", "unconfirmed", None),
    (f"pegawai.tono@{DOMAIN}", "Tono Hartono", "asn", "197911052005011004", "DISKOMINFO", "unconfirmed", None),
    (f"pegawai.sinta@{DOMAIN}", "Sinta Rahma", "non_asn", None, "DISKOMINFO", "rejected",
     "Nama tidak ada di daftar pegawai kontrak Diskominfo."),
    (f"pegawai.lina@{DOMAIN}", "Lina Marlina", "asn", "198602202010012005", "DINKES", "confirmed", None),
    (f"pegawai.bayu@{DOMAIN}", "Bayu Saputra", "non_asn", None, "DINKES", "unconfirmed", None),
)
# (employee email, days ago, shop, kecamatan, kelurahan, amount, description, status, reason)
PURCHASES = (
    (f"pembeli@{DOMAIN}", 3, "Warung Bu Sri", "Klojen", "Kauman", 85_000, "Pecel dan keripik tempe", "approved", None),
    (f"pegawai.agus@{DOMAIN}", 5, "warung  bu sri", "Klojen", "Kauman", 60_000, "Rawon untuk rapat", "approved",
     None),
    (f"pegawai.maya@{DOMAIN}", 2, "WARUNG BU. SRI", "Klojen", "Kauman", 45_000, "Nasi campur", "approved", None),
    (f"pegawai.agus@{DOMAIN}", 8, "Toko Kue Ibu Ani", "Lowokwaru", "Tlogomas", 150_000, "Kue lapis 2 loyang",
     "approved", None),
    (f"pegawai.lina@{DOMAIN}", 4, "Kerajinan Topeng Pak Karim", "Kedungkandang", "Sawojajar", 250_000,
     "Topeng Malangan hiasan dinding", "approved", None),
    (f"pembeli@{DOMAIN}", 1, "Kedai Kopi Arjuno", "Lowokwaru", "Dinoyo", 40_000, "Kopi bubuk 250 g", "pending", None),
    (f"pegawai.maya@{DOMAIN}", 0, "Sambal Mbok Ti", "Sukun", "Bandungrejosari", 35_000, "Sambal bawang 3 botol",
     "pending", None),
    (f"pegawai.agus@{DOMAIN}", 6, "Toko Kelontong Jaya", "Blimbing", "Purwantoro", 120_000, "Sembako",
     "rejected", "Toko kelontong waralaba, bukan UMKM lokal."),
)
LEAD_INVITED = ("Toko Kue Ibu Ani", "Tlogomas", "Diundang lewat WhatsApp oleh Diskopindag.")


def seed_programme(admin_id: int, log: Callable[[str], object] = print) -> dict:
    """Create the programme's demo data (idempotent). Returns what was created."""
    created = {"officers": 0, "profiles": 0, "purchases": 0}
    password_hash = None
    opds = {o.code: o for o in db.session.scalars(select(Opd))}
    users = {}
    for email, name, *_rest in OFFICERS + EMPLOYEES:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password_hash = password_hash or generate_password_hash(PASSWORD)
            user = User(email=email, name=name, password_hash=password_hash, kecamatan="Klojen",
                        created_at=utcnow() - timedelta(days=60))
            db.session.add(user)
            db.session.flush()
        users[email] = user

    for email, _name, role, code in OFFICERS:
        if db.session.scalar(select(OpdOfficer.id).where(OpdOfficer.user_id == users[email].id)) is None:
            db.session.add(OpdOfficer(user_id=users[email].id, opd_id=opds[code].id, role=role, created_by_id=admin_id))
            created["officers"] += 1

    for email, _name, kind, nip, code, status, reason in EMPLOYEES:
        if db.session.scalar(select(AsnProfile.id).where(AsnProfile.user_id == users[email].id)) is None:
            decided = status != "unconfirmed"
            db.session.add(AsnProfile(user_id=users[email].id, kind=kind, nip=nip, opd_id=opds[code].id, status=status,
                                      reason=reason, decided_by_id=admin_id if decided else None,
                                      decided_at=utcnow() if decided else None))
            created["profiles"] += 1
    db.session.flush()

    if db.session.scalar(select(OutsidePurchase.id).join(User, User.id == OutsidePurchase.user_id)
                         .where(User.email.like(f"%@{DOMAIN}")).limit(1)) is None:
        today = wib_today()
        for index, (email, days, shop, kecamatan, kelurahan, amount, what, status, reason) in enumerate(PURCHASES):
            day = today - timedelta(days=min(days, today.day - 1))  # this month, so the figures show it
            thumb, large = images.save_image(_photo(shop, amount, index), PHOTO_FOLDER, thumb_size=240,
                                             large_size=1280, field="photo")
            decided = status != "pending"
            db.session.add(OutsidePurchase(
                user_id=users[email].id, purchase_date=day, shop_name=shop, shop_key=shop_key(shop, kelurahan),
                kecamatan=kecamatan, kelurahan=kelurahan, amount=amount, description=what, photo_thumb=thumb,
                photo_large=large, status=status, reason=reason, decided_by_id=admin_id if decided else None,
                decided_at=utcnow() if decided else None))
            created["purchases"] += 1
        name, kelurahan, note = LEAD_INVITED
        key = shop_key(name, kelurahan)
        if db.session.scalar(select(ShopLead.id).where(ShopLead.shop_key == key)) is None:
            db.session.add(ShopLead(shop_key=key, status="invited", note=note, updated_by_id=admin_id))

    # Mentored (binaan) stores: a few demo stores accepted by Diskopindag, one pending.
    demo_stores = list(db.session.scalars(
        select(Store).join(User, User.id == Store.owner_id)
        .where(User.email.like(f"%@{DOMAIN}"), Store.status == "verified").order_by(Store.id).limit(5)))
    if demo_stores and not any(s.mentor_opd_id for s in demo_stores):
        for store in demo_stores[:4]:
            store.mentor_opd_id, store.mentor_status = opds["DISKOPINDAG"].id, "accepted"
        if len(demo_stores) > 4:
            demo_stores[4].mentor_opd_id, demo_stores[4].mentor_status = opds["DISPANGTAN"].id, "pending"
    db.session.commit()
    log(f"Program belanja pegawai: {created}.")
    return created


class _Photo:
    """A FileStorage-like demo photo: a drawn receipt (the image pipeline re-encodes it)."""

    def __init__(self, data: bytes):
        self.stream = io.BytesIO(data)
        self.filename = "struk.png"


def _photo(shop: str, amount: int, index: int) -> _Photo:
    image = Image.new("RGB", (480, 640), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 620), outline=(60, 60, 60), width=3)
    draw.text((40, 50), shop[:30], fill=(20, 20, 20))
    draw.text((40, 90), f"Nota #{1000 + index}", fill=(80, 80, 80))
    for line in range(6):
        draw.line((40, 150 + line * 50, 440, 150 + line * 50), fill=(200, 200, 200), width=2)
    draw.text((40, 520), f"TOTAL Rp{amount:,}".replace(",", "."), fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return _Photo(buffer.getvalue())
