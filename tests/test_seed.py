"""The demo data (`flask seed-demo`) shows a living programme on a fresh database: figures for
the current month on the admin dashboard, the transparency page and the ASN report, charts with
data, rated products, orders in every status, closed stores, pictures that are drawings, and a
second run changes nothing."""
import re
import time
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.formatting import rupiah
from malpro.models import (
    AsnProfile,
    Notification,
    Order,
    OrderEvent,
    OrderItem,
    Product,
    ProductImage,
    Review,
    Store,
    StoreDecision,
    User,
    utcnow,
)
from malpro.seed import ADMIN_EMAIL, ADMIN_PASSWORD, BUYER_EMAIL, DEMO_PASSWORD
from malpro.seed.history import _months
from malpro.seed.images import DRAWERS, KIND_BY_CATEGORY, picture_kind
from malpro.seed.stores import FEATURED_PRODUCTS
from malpro.seed.vocabulary import PRODUCT_LINES
from malpro.services import reports
from malpro.services.stores import is_closed

COUNTED = (User, AsnProfile, Store, StoreDecision, Product, ProductImage, Order, OrderItem, OrderEvent, Review,
           Notification)


def _counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def _ratings() -> list:
    return db.session.execute(select(Product.id, Product.rating_count, Product.rating_sum).order_by(Product.id)).all()


def _seed(runner) -> float:
    started = time.perf_counter()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - started


def test_a_fresh_seed_shows_the_current_month_everywhere(app, runner, client):
    """The issue's "done when": dashboard, transparency and ASN report with figures for the
    current month, charts with data, product cards with ratings. Then the data's shape."""
    seconds = _seed(runner)
    print(f"seed-demo on a fresh database: {seconds:.1f} s")
    _current_month_figures(client)
    _orders_in_every_status()
    _reviews_match_ratings(client)
    _stores_and_products()
    _pictures(app)


def _current_month_figures(client):
    period = reports.this_month()
    summary = reports.period_summary(period)
    assert summary["orders"]["by_status"]["completed"] > 0 and summary["gmv"] > 0
    assert summary["stores"]["with_sales"] > 0

    rows = reports.asn_participation(period)
    totals = reports.asn_totals(rows)
    assert totals["employees"] >= 30 and totals["reached_minimum"] > 0 and totals["spent"] > 0
    assert len([row for row in rows if row["employees"]]) >= 20  # many OPDs
    assert {p.kind for p in db.session.scalars(select(AsnProfile))} == {"asn", "non_asn"}

    transparency = reports.transparency()
    months_with_sales = [month for month in transparency.series if month["completed"]]
    assert len(months_with_sales) >= 5 and transparency.series[-1]["completed"] > 0
    assert transparency.completed_orders > 0 and transparency.gmv > 0

    page = client.get("/transparansi").get_data(as_text=True)
    assert rupiah(transparency.gmv) in page and 'id="chart-' in page
    client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert f'<span class="stat">{rupiah(summary["gmv"])}</span>' in dashboard and 'id="chart-gmv-month"' in dashboard
    participation = client.get("/admin/asn").get_data(as_text=True)
    assert f'<span class="stat">{rupiah(totals["spent"])}</span>' in participation
    client.post("/auth/logout")


def _orders_in_every_status():
    by_status = dict(db.session.execute(select(Order.status, func.count()).group_by(Order.status)).tuples().all())
    assert set(by_status) == {"pending", "confirmed", "shipped", "ready", "completed", "cancelled"}
    assert by_status["completed"] > sum(by_status.values()) / 2
    for order in db.session.scalars(select(Order).limit(200)):
        events = [event.status for event in order.events]
        assert events[0] == "pending" and events[-1] == order.status
        assert order.total == order.subtotal + order.delivery_fee
        assert order.subtotal == sum(item.subtotal for item in order.items)
        assert re.fullmatch(r"MLP-\d{8}-\d{6}", order.code)
        assert order.created_at <= utcnow()
        if order.status == "completed":
            assert order.paid_at == order.completed_at and order.completed_at >= order.created_at
        assert order.buyer_id != order.store.owner_id
        if order.fulfilment == "delivery":
            assert order.street and order.kelurahan
    # Bu Sri, the demo seller, has orders waiting for her.
    sri = db.session.scalar(select(Store).where(Store.name == "Keripik Tempe Bu Sri"))
    assert db.session.scalar(select(func.count()).select_from(Order)
                             .where(Order.store_id == sri.id, Order.status == "pending")) >= 1
    # The demo buyer has a history but no order waiting, so the COD guard never stops a demo.
    buyer = db.session.scalar(select(User).where(User.email == BUYER_EMAIL))
    mine = dict(db.session.execute(select(Order.status, func.count()).where(Order.buyer_id == buyer.id)
                                   .group_by(Order.status)).tuples().all())
    assert mine.get("completed") and not mine.get("pending")


def _reviews_match_ratings(client):
    assert db.session.scalar(select(func.count()).select_from(Review)) > 50
    sums = db.session.execute(select(Review.product_id, func.count(), func.sum(Review.rating))
                              .group_by(Review.product_id)).all()
    for product_id, count, total in sums:
        product = db.session.get(Product, product_id)
        assert (product.rating_count, product.rating_sum) == (count, total)
    for review in db.session.scalars(select(Review).limit(100)):
        order = db.session.get(Order, review.order_id)
        assert order.status == "completed" and review.user_id == order.buyer_id
    home = client.get("/").get_data(as_text=True)
    assert 'class="rating"' in home  # product cards show ratings


def _stores_and_products():
    verified = db.session.scalars(select(Store).where(Store.status == "verified")).all()
    assert len({store.kecamatan for store in verified}) == 5
    assert {s.status for s in db.session.scalars(select(Store))} == {"pending", "verified", "rejected", "suspended"}
    assert any(is_closed(store) for store in verified)
    assert db.session.scalar(select(func.count()).select_from(Product).where(Product.stock == 0)) >= 3
    sri = db.session.scalar(select(Store).where(Store.name == "Keripik Tempe Bu Sri"))
    names = set(db.session.scalars(select(Product.name).where(Product.store_id == sri.id)))
    assert {name for name, *_ in FEATURED_PRODUCTS} <= names


def _pictures(app):
    # The stored pictures are real WebP drawings, not a flat colour with initials.
    upload_dir = app.config["UPLOAD_DIR"]
    for thumb, large in db.session.execute(select(ProductImage.thumb_path, ProductImage.large_path).limit(10)):
        with Image.open(f"{upload_dir}/{large}") as image:
            assert image.format == "WEBP" and image.size == (1000, 1000)
            assert len(image.convert("RGB").resize((100, 100)).getcolors(10000)) > 40
        with Image.open(f"{upload_dir}/{thumb}") as image:
            assert image.size == (400, 400)


def test_every_product_line_has_a_picture_of_its_own():
    for category, lines in PRODUCT_LINES.items():
        for line in lines:
            kind = picture_kind(f"{line.base} {line.variants[0]}", category)
            assert kind in DRAWERS, line.base
    assert picture_kind("Keripik Tempe Original 250 gr", "makanan-minuman") == "chips"
    assert picture_kind("Kemeja Batik Malangan Motif Topeng L", "fashion-pria") == "shirt"
    assert picture_kind("Topeng Malangan Bapang 20 cm", "kriya") == "mask"
    assert picture_kind("Sesuatu", "peralatan") == KIND_BY_CATEGORY["peralatan"]


def test_current_month_window_ends_now():
    now = utcnow()
    months = _months(now)
    assert len(months) == 6 and months[-1][1] == now and months[-1][0] <= now
    for (start, end), (next_start, _) in zip(months, months[1:]):
        assert end == next_start and end - start > timedelta(days=27)


def test_seeding_twice_changes_nothing_and_demo_accounts_log_in(app, runner, client):
    _seed(runner)
    before, ratings = _counts(), _ratings()
    assert before["Order"] > 200 and before["Notification"] > 0
    _seed(runner)
    assert _counts() == before and _ratings() == ratings
    for email, password in ((BUYER_EMAIL, DEMO_PASSWORD), ("penjual@demo.malpro.id", DEMO_PASSWORD)):
        assert client.post("/auth/login", data={"email": email, "password": password}).status_code == 302
        client.post("/auth/logout")
