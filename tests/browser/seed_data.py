"""The browser tests' database: what `flask db upgrade` and `flask seed-demo --stores 8
--products 40` make, plus what the journeys need, made through the services.

Run by tests/browser/conftest.py as `python -m tests.browser.seed_data` with the server's
environment (DATABASE_URL, MALPRO_INSTANCE_PATH, ...); prints what it made as JSON. One
process for all three steps: each start of the app costs a second or two on a busy machine.
Every account belongs to one journey at one viewport, so the journeys never share a cart, a
pending-order quota or a store application."""
import io
import json

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from malpro import create_app
from malpro.extensions import db
from malpro.models import User
from malpro.seed import ADMIN_EMAIL, ADMIN_PASSWORD
from malpro.services import accounts, products, verification

DEMO_STORES, DEMO_PRODUCTS = 8, 40
PASSWORD = "uji-browser-123"
VIEWPORTS = ("phone", "desktop")
# Two verified stores whose products a search for SEARCH_TERM finds (and nothing else does).
SEARCH_TERM = "mendoan"
STORES = (
    {
        "owner": ("Rini Astuti", "penjual-rini@uji.malpro.id", "081234560001"),
        "application": {
            "name": "Warung Mendoan Mbak Rini", "nib": "8120000000001", "phone": "081234560001",
            "address": "Jl. Kawi No. 7", "kecamatan": "Klojen", "kelurahan": "Kauman",
            "description": "Tempe mendoan hangat dan gurih, digoreng saat dipesan.",
            "delivery": True, "pickup": True, "delivery_fee": 5000,
        },
        "product": {"name": "Tempe Mendoan Jumbo", "category": "makanan-minuman", "price": 12000,
                    "stock": 500, "unit": "paket",
                    "description": "Sepuluh potong tempe mendoan tebal dengan sambal kecap."},
        "color": (214, 88, 44),
    },
    {
        "owner": ("Joko Prasetyo", "penjual-joko@uji.malpro.id", "081234560002"),
        "application": {
            "name": "Sambal Pak Joko Dinoyo", "nib": "8120000000002", "phone": "081234560002",
            "address": "Jl. MT Haryono No. 21", "kecamatan": "Lowokwaru", "kelurahan": "Dinoyo",
            "description": "Sambal rumahan tanpa pengawet.",
            "delivery": True, "pickup": True, "delivery_fee": 7000,
        },
        "product": {"name": "Sambal Cocolan Mendoan", "category": "makanan-minuman", "price": 18000,
                    "stock": 500, "unit": "botol",
                    "description": "Sambal kecap rawit untuk cocolan mendoan dan gorengan."},
        "color": (176, 36, 90),
    },
)


def _photo(color: tuple[int, int, int], name: str) -> FileStorage:
    image = Image.new("RGB", (640, 640), color)
    ImageDraw.Draw(image).ellipse((120, 120, 520, 520), fill=tuple(min(c + 70, 255) for c in color))
    data = io.BytesIO()
    image.save(data, "PNG")
    data.seek(0)
    return FileStorage(stream=data, filename=f"{name}.png", content_type="image/png")


def nib_certificate_pdf(title: str) -> bytes:
    """A small, real one-page PDF, standing in for a scanned NIB certificate."""
    text = f"BT /F1 18 Tf 72 720 Td (Sertifikat NIB - {title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def seed() -> dict:
    admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    out = {
        "password": PASSWORD,
        "search_term": SEARCH_TERM,
        "admin": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        "buyers": {}, "applicants": {}, "a11y_buyers": {}, "stores": [],
    }
    for viewport in VIEWPORTS:
        buyer = accounts.register_user(f"Pembeli Uji {viewport.title()}", f"pembeli-{viewport}@uji.malpro.id",
                                       PASSWORD, phone="081234567890")
        out["buyers"][viewport] = {"email": buyer.email, "name": buyer.name}
        applicant = accounts.register_user(f"Pelamar Uji {viewport.title()}", f"pelamar-{viewport}@uji.malpro.id",
                                           PASSWORD, phone="081298765432")
        out["applicants"][viewport] = {"email": applicant.email}
        reviewer = accounts.register_user(f"Pembeli Aksesibilitas {viewport.title()}",
                                          f"pembeli-a11y-{viewport}@uji.malpro.id", PASSWORD, phone="081211112222")
        out["a11y_buyers"][viewport] = {"email": reviewer.email}
        # Issue 13 (checkout and seller journeys): one account per journey and viewport.
        for role in ("new_sellers", "totals_buyers", "refused_buyers"):
            email = f"{role.replace('_', '-')}-{viewport}@uji.malpro.id"
            account = accounts.register_user(f"Uji {role} {viewport}", email, PASSWORD, phone="081233334444")
            out.setdefault(role, {})[viewport] = {"email": account.email}
    for spec in STORES:
        name, email, phone = spec["owner"]
        owner = accounts.register_user(name, email, PASSWORD, phone=phone)
        certificate = FileStorage(stream=io.BytesIO(nib_certificate_pdf(spec["application"]["name"])),
                                  filename="sertifikat-nib.pdf", content_type="application/pdf")
        store = verification.apply_for_store(owner.id, spec["application"], files=[certificate])
        verification.decide(store.id, admin.id, "verify")
        product = products.create_product(store.id, spec["product"],
                                          images=[_photo(spec["color"], spec["product"]["name"])])
        out["stores"].append({
            "id": store.id, "name": store.name, "slug": store.slug, "owner_email": owner.email,
            "product": {"id": product.id, "name": product.name},
        })
    return out


def main() -> None:
    from flask_migrate import upgrade

    from malpro.seed import seed_demo

    app = create_app()
    with app.app_context():
        upgrade()
        seed_demo(stores=DEMO_STORES, products=DEMO_PRODUCTS, log=lambda message: None)
        data = seed()
        db.engine.dispose()
    print(json.dumps(data))


if __name__ == "__main__":
    main()
