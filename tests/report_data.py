"""A known set of stores, buyers and orders for the report tests, written directly with the
models so every timestamp is exact. The figures each test expects are worked out by hand in
the comments of `build()`.

Period of interest: November 2025 (WIB). 00:00 WIB on 1 November is 17:00 UTC on 31 October;
00:00 WIB on 1 December is 17:00 UTC on 30 November.
"""
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count

from sqlalchemy import select

from malpro.extensions import db
from malpro.models import AsnProfile, Category, Opd, Order, OrderItem, Product, Store, StoreDecision, User
from tests.factories import _PASSWORD_HASH

_codes = count(1)

# NIPs that pass DOMAIN.md's rule: born 1985-07-12 / 1990-01-01, appointed 2010-03 / 2015-06.
NIP_1 = "198507122010031002"
NIP_3 = "199001012015062001"


@dataclass
class ReportData:
    stores: dict = field(default_factory=dict)
    buyers: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    opds: dict = field(default_factory=dict)


def _user(name, email, **fields) -> User:
    user = User(name=name, email=email, password_hash=_PASSWORD_HASH, **fields)
    db.session.add(user)
    return user


def _store(name, kecamatan, kelurahan, history, status) -> Store:
    """A store whose decision history is `history`: [(to_status, at)], the first the application."""
    n = next(_codes)
    owner = _user(f"Pemilik {name}", f"pemilik{n}@example.com", phone="6281200000000")
    store = Store(owner=owner, name=name, slug=f"toko-laporan-{n}", nib=f"{9_000_000_000_000 + n}",
                  phone="6281211112222", address="Jl. Rahasia No. 7", kecamatan=kecamatan, kelurahan=kelurahan,
                  status=status, created_at=history[0][1], submitted_at=history[0][1])
    db.session.add(store)
    previous = None
    for to_status, at in history:
        store.decisions.append(StoreDecision(from_status=previous, to_status=to_status, created_at=at))
        previous = to_status
    return store


def _product(store, category_slug, name, price) -> Product:
    category = db.session.scalar(select(Category).where(Category.slug == category_slug))
    n = next(_codes)
    product = Product(store=store, category=category, name=name, slug=f"produk-laporan-{n}", price=price, stock=None)
    db.session.add(product)
    db.session.flush()
    return product


def _order(buyer, store, status, mode, created, completed=None, lines=(), fee=0) -> Order:
    subtotal = sum(product.price * quantity for product, quantity in lines)
    order = Order(code=f"MLP-TEST-{next(_codes):06d}", buyer=buyer, store=store, status=status, fulfilment=mode,
                  subtotal=subtotal, delivery_fee=fee, total=subtotal + fee, created_at=created,
                  completed_at=completed, paid_at=completed,
                  recipient="Penerima Rahasia" if mode == "delivery" else None,
                  phone="6281399998888" if mode == "delivery" else None,
                  street="Jl. Alamat Rahasia 99" if mode == "delivery" else None,
                  kecamatan="Klojen" if mode == "delivery" else None,
                  kelurahan="Kauman" if mode == "delivery" else None)
    for product, quantity in lines:
        order.items.append(OrderItem(product_id=product.id, category_id=product.category_id, name=product.name,
                                     price=product.price, quantity=quantity, subtotal=product.price * quantity))
    db.session.add(order)
    return order


def build() -> ReportData:
    data = ReportData()
    opds = {o.code: o for o in db.session.scalars(select(Opd))}
    data.opds = opds

    # Stores, with their history (status at the end of November 2025 in the last comment).
    a = _store("Toko Klojen", "Klojen", "Kauman", [
        ("pending", datetime(2025, 9, 1, 3)), ("verified", datetime(2025, 9, 2, 3)),
        ("suspended", datetime(2025, 12, 10, 3))], "suspended")          # verified then
    b = _store("Toko Lowokwaru", "Lowokwaru", "Dinoyo", [
        ("pending", datetime(2025, 11, 3, 3)), ("verified", datetime(2025, 11, 4, 3))], "verified")  # verified
    c = _store("Toko Sukun", "Sukun", "Bandungrejosari", [
        ("pending", datetime(2025, 11, 20, 3))], "pending")              # pending
    d = _store("Toko Blimbing", "Blimbing", "Purwodadi", [
        ("pending", datetime(2025, 10, 1, 3)), ("rejected", datetime(2025, 10, 2, 3))], "rejected")  # rejected
    e = _store("Toko Baru", "Kedungkandang", "Sawojajar", [
        ("pending", datetime(2025, 12, 5, 3)), ("verified", datetime(2025, 12, 6, 3))], "verified")  # not yet
    # Registered in November 2025 (created_at in the WIB month): b and c.
    data.stores = {"a": a, "b": b, "c": c, "d": d, "e": e}

    p_food = _product(a, "makanan-minuman", "Keripik Tempe", 50_000)
    p_craft = _product(a, "kriya", "Topeng Malangan", 150_000)
    p_craft_b = _product(b, "kriya", "Gerabah Hias", 100_000)
    p_service = _product(b, "jasa", "Servis Sepeda", 80_000)
    p_wedding = _product(b, "jasa", "Rias Pengantin", 500_000)
    p_food_b = _product(b, "makanan-minuman", "Sambal Bawang", 30_000)
    # Only active products count for the transparency page's "UMKM per category"; e sells food.
    _product(e, "makanan-minuman", "Bakso Baru", 15_000)
    inactive = _product(c, "wedding", "Dekorasi", 1_000_000)
    inactive.is_active = False
    data.products = {"food": p_food, "craft": p_craft, "craft_b": p_craft_b, "service": p_service,
                     "wedding": p_wedding, "food_b": p_food_b}

    asn1 = _user("Budi ASN", "budi.asn@example.com", phone="6281311110001")
    asn2 = _user("Sari NonASN", "sari.nonasn@example.com", phone="6281311110002")
    asn3 = _user("Dewi ASN", "dewi.asn@example.com", phone="6281311110003")
    plain = _user("Pembeli Umum", "umum@example.com", phone="6281311110004")
    db.session.flush()
    db.session.add_all([
        AsnProfile(user_id=asn1.id, kind="asn", nip=NIP_1, opd_id=opds["DISKOMINFO"].id, status="confirmed"),
        AsnProfile(user_id=asn2.id, kind="non_asn", nip=None, opd_id=opds["DISKOMINFO"].id, status="confirmed"),
        AsnProfile(user_id=asn3.id, kind="asn", nip=NIP_3, opd_id=opds["DINKES"].id, status="confirmed"),
    ])
    data.buyers = {"asn1": asn1, "asn2": asn2, "asn3": asn3, "plain": plain}

    o = data.orders
    # o1: completed at 23:30 WIB on 30 Nov (16:30 UTC) -> November GMV 260,000 (Klojen, delivery).
    o["o1"] = _order(asn1, a, "completed", "delivery", datetime(2025, 11, 10, 2), datetime(2025, 11, 30, 16, 30),
                     [(p_food, 2), (p_craft, 1)], fee=10_000)
    # o2: placed in November, completed at 00:30 WIB on 1 Dec (17:30 UTC 30 Nov) -> December GMV.
    o["o2"] = _order(asn1, b, "completed", "pickup", datetime(2025, 11, 30, 10), datetime(2025, 11, 30, 17, 30),
                     [(p_service, 1)])
    # o3: placed at 23:30 WIB on 31 Oct (October), completed 00:30 WIB on 1 Nov -> November GMV 350,000.
    o["o3"] = _order(asn3, a, "completed", "pickup", datetime(2025, 10, 31, 16, 30), datetime(2025, 10, 31, 17, 30),
                     [(p_food, 7)])
    o["o4"] = _order(asn2, b, "cancelled", "delivery", datetime(2025, 11, 5, 4), None, [(p_craft_b, 1)], fee=5_000)
    o["o5"] = _order(plain, a, "pending", "delivery", datetime(2025, 11, 20, 4), None, [(p_food, 1)], fee=10_000)
    o["o6"] = _order(plain, b, "completed", "pickup", datetime(2025, 11, 14, 4), datetime(2025, 11, 15, 4),
                     [(p_wedding, 1)])
    o["o7"] = _order(asn3, b, "confirmed", "delivery", datetime(2025, 11, 29, 4), None, [(p_food_b, 2)], fee=5_000)
    db.session.commit()
    return data


# What November 2025 adds up to (see the orders above). Orders by status: placed in November
# (o1, o2, o4, o5, o6, o7). Breakdowns: orders completed in November (o1, o3, o6) and their GMV.
NOVEMBER = {
    "orders_by_status": {"pending": 1, "confirmed": 1, "shipped": 0, "ready": 0, "completed": 3, "cancelled": 1},
    "gmv": 260_000 + 350_000 + 500_000,
    "by_kecamatan": {"Blimbing": (0, 0), "Kedungkandang": (0, 0), "Klojen": (2, 610_000),
                     "Lowokwaru": (1, 500_000), "Sukun": (0, 0)},
    "by_fulfilment": {"delivery": (1, 260_000), "pickup": (2, 850_000)},
    "by_category": {"makanan-minuman": (2, 450_000), "fashion-pria": (0, 0), "fashion-wanita": (0, 0),
                    "peralatan": (0, 0), "kriya": (1, 150_000), "perlengkapan-rumah": (0, 0),
                    "jasa": (1, 500_000), "wedding": (0, 0)},
    "stores": {"registered": 2, "pending": 1, "verified": 2, "rejected": 1, "suspended": 0, "with_sales": 2},
}
