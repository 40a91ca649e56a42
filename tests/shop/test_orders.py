"""The buyer's order pages: the list with status tabs, one order with its fulfilment details,
the self-updating status block, cancelling, reviews, and who may see what."""
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Product, Review
from malpro.services import orders
from tests.factories import PASSWORD
from tests.order_helpers import event_count, fresh_order, place_order


@pytest.fixture
def shop(make):
    store = make.store(name="Keripik Bu Sri", address="Jl. Kawi No. 3", kecamatan="Klojen", kelurahan="Bareng",
                       phone="6281311112222", opening_hours="Senin-Sabtu 08.00-16.00", delivery_fee=7000)
    return {
        "store": store,
        "seller": store.owner,
        "buyer": make.user(email="pembeli@example.com", name="Budi"),
        "other": make.user(email="lain@example.com", name="Orang Lain"),
        "keripik": make.product(store=store, name="Keripik Tempe", price=15000, stock=10),
        "sambal": make.product(store=store, name="Sambal Bawang", price=25000, stock=5),
    }


def login(client, user):
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def text(response) -> str:
    return response.get_data(as_text=True)


def _order(shop, mode="delivery", buyer=None):
    return place_order(buyer or shop["buyer"], (shop["keripik"], 2), (shop["sambal"], 1), mode=mode)


def _seller_moves(shop, order, *steps):
    for step in steps:
        orders.move(order.code, shop["seller"].id, "seller", step, "alasan" if step == "cancelled" else None)


def _status_block(html: str) -> str:
    return re.search(r'<section id="order-status"[^>]*>', html).group(0)


# --- the list -----------------------------------------------------------------------------

def test_list_shows_my_orders_only_with_status_tabs(client, shop):
    mine = _order(shop)
    pickup = _order(shop, "pickup")
    _seller_moves(shop, pickup, "confirmed")
    theirs = _order(shop, buyer=shop["other"])
    login(client, shop["buyer"])

    response = client.get("/pesanan")
    html = text(response)
    assert response.status_code == 200 and "<html" in html and "Pesanan Saya" in html
    assert mine.code in html and pickup.code in html and theirs.code not in html
    assert html.index(pickup.code) < html.index(mine.code)  # newest first
    assert "Keripik Bu Sri" in html and "Diantar (COD)" in html and "Ambil sendiri" in html
    assert "Keripik Tempe × 2, Sambal Bawang × 1" in html
    assert "Rp62.000" in html  # 2 × 15.000 + 25.000 + 7.000 delivery
    assert re.search(r'aria-current="page">Semua <span class="count">2</span>', html)
    assert re.search(r'Menunggu Konfirmasi <span class="count">1</span>', html)
    assert re.search(r'Diproses <span class="count">1</span>', html)
    assert "HX-Request" in response.headers["Vary"]

    confirmed = text(client.get("/pesanan?status=confirmed"))
    assert pickup.code in confirmed and mine.code not in confirmed
    assert re.search(r'aria-current="page">Diproses', confirmed)
    assert mine.code in text(client.get("/pesanan?status=bukan-status"))  # unknown filter: everything


def test_list_fragment_for_htmx_tabs(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["buyer"])
    response = client.get("/pesanan?status=pending", headers=htmx_headers)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="order-list"') and order.code in html
    assert 'hx-push-url="true"' in html
    assert "HX-Request" in response.headers["Vary"]
    # A boosted navigation wants the whole page.
    boosted = text(client.get("/pesanan", headers={**htmx_headers, "HX-Boosted": "true"}))
    assert "<html" in boosted


def test_list_is_paginated(client, shop, make):
    store = shop["store"]
    for i in range(12):
        product = make.product(store=store, name=f"Barang {i:02d}", stock=None)
        order = place_order(shop["buyer"], (product, 1), mode="pickup")
        _seller_moves(shop, order, "cancelled")
    login(client, shop["buyer"])
    first = text(client.get("/pesanan"))
    assert first.count('class="order-card"') == 10 and "Halaman 1 dari 2" in first
    assert 'href="/pesanan?page=2"' in first
    second = text(client.get("/pesanan?page=2"))
    assert second.count('class="order-card"') == 2


def test_empty_list(client, shop):
    login(client, shop["buyer"])
    html = text(client.get("/pesanan"))
    assert "Anda belum punya pesanan." in html


def test_account_page_links_to_my_orders(client, shop):
    login(client, shop["buyer"])
    assert 'href="/pesanan"' in text(client.get("/akun"))


# --- one order ----------------------------------------------------------------------------

def test_delivery_order_page(client, shop):
    order = _order(shop)
    login(client, shop["buyer"])
    response = client.get(f"/pesanan/{order.code}")
    html = text(response)
    assert response.status_code == 200 and "<html" in html
    assert order.code in html
    for expected in ("Keripik Tempe", "Rp15.000", "Rp30.000", "Sambal Bawang", "Rp55.000", "Ongkos kirim", "Rp7.000",
                     "Rp62.000", "Budi Santoso", "+6281298765432", "Jl. Ijen No. 10", "Oro-oro Dowo", "Pagar hijau",
                     "Menunggu Konfirmasi", "WIB"):
        assert expected in html, expected
    assert "Jl. Kawi No. 3" not in html  # the store's address is for pickup orders
    assert 'id="order-cancel"' in html and "/batal" in html


def test_pickup_order_page_shows_the_store_address_hours_and_whatsapp(client, shop):
    order = _order(shop, "pickup")
    login(client, shop["buyer"])
    html = text(client.get(f"/pesanan/{order.code}"))
    assert "Jl. Kawi No. 3" in html and "Bareng" in html and "Senin-Sabtu 08.00-16.00" in html
    link = re.search(r'href="(https://wa\.me/6281311112222\?text=[^"]+)"', html).group(1)
    assert order.code in unquote(link)
    assert "Ongkos kirim" not in html and "Rp55.000" in html
    assert "Budi Santoso" not in html


def test_timeline_shows_each_move_with_time_and_note(client, shop):
    order = _order(shop, "pickup")
    orders.move(order.code, shop["seller"].id, "seller", "confirmed", "Disiapkan sore ini")
    login(client, shop["buyer"])
    html = text(client.get(f"/pesanan/{order.code}"))
    events = re.search(r'<ol id="order-events".*?</ol>', html, re.S).group(0)
    assert events.index("Menunggu Konfirmasi") < events.index("Diproses")
    assert "Disiapkan sore ini" in events and "oleh penjual" in events and "oleh Anda" in events
    assert events.count("WIB") == 2


def test_status_block_polls_only_while_the_order_runs(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["buyer"])
    block = _status_block(text(client.get(f"/pesanan/{order.code}")))
    assert f'hx-get="/pesanan/{order.code}/status"' in block
    assert 'hx-trigger="every 5s"' in block and 'hx-swap="outerHTML"' in block

    _seller_moves(shop, order, "confirmed", "shipped")
    response = client.get(f"/pesanan/{order.code}/status", headers=htmx_headers)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="order-status"') and "Dikirim" in html
    assert 'hx-trigger="every 5s"' in _status_block(html)
    assert "HX-Request" in response.headers["Vary"]
    # No longer pending: the cancel form is removed out of band.
    assert re.search(r'<div id="order-cancel" hidden hx-swap-oob="true">', html)

    _seller_moves(shop, order, "completed")
    html = text(client.get(f"/pesanan/{order.code}/status", headers=htmx_headers))
    block = _status_block(html)
    assert "Selesai" in html and "hx-trigger" not in block and "hx-get" not in block
    assert re.search(r'<section id="order-reviews"[^>]*hx-swap-oob="true"', html)  # the review forms appear
    page = text(client.get(f"/pesanan/{order.code}"))
    assert "hx-trigger" not in _status_block(page)


def test_cancelled_order_stops_polling_and_shows_the_reason(client, shop):
    order = _order(shop)
    orders.move(order.code, shop["seller"].id, "seller", "cancelled", "Stok bahan habis")
    login(client, shop["buyer"])
    html = text(client.get(f"/pesanan/{order.code}"))
    block = _status_block(html)
    assert "hx-trigger" not in block and "hx-get" not in block
    assert "Dibatalkan" in html and "Stok bahan habis" in html
    assert "Batalkan pesanan" not in html


# --- cancelling ---------------------------------------------------------------------------

def test_cancel_without_javascript(client, shop):
    order = _order(shop)
    login(client, shop["buyer"])
    response = client.post(f"/pesanan/{order.code}/batal", data={"note": "Salah pilih barang"})
    assert response.status_code == 303 and response.headers["Location"] == f"/pesanan/{order.code}"
    order = fresh_order(order.id)
    assert order.status == "cancelled" and order.events[-1].note == "Salah pilih barang"
    assert db.session.get(Product, shop["keripik"].id).stock == 10
    html = text(client.get(f"/pesanan/{order.code}"))
    assert "dibatalkan" in html and "Salah pilih barang" in html


def test_cancel_with_htmx_returns_the_status_block(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["buyer"])
    response = client.post(f"/pesanan/{order.code}/batal", data={"note": ""}, headers=htmx_headers)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="order-status"') and "Dibatalkan" in html
    assert "hx-trigger" not in _status_block(html)
    assert 'id="order-cancel" hidden hx-swap-oob="true"' in html
    assert re.search(r'<div id="flash"[^>]*hx-swap-oob="true"', html) and "dibatalkan" in html
    assert fresh_order(order.id).status == "cancelled"


def test_cancel_after_the_seller_accepted_is_refused(client, shop, htmx_headers):
    order = _order(shop)
    _seller_moves(shop, order, "confirmed")
    login(client, shop["buyer"])
    events = event_count(order.id)

    response = client.post(f"/pesanan/{order.code}/batal", data={"note": "telat"})
    assert response.status_code == 303
    assert "tidak dapat diubah" in text(client.get(response.headers["Location"]))

    response = client.post(f"/pesanan/{order.code}/batal", headers=htmx_headers)
    html = text(response)
    assert response.status_code == 200 and "Diproses" in html
    assert re.search(r'<div id="order-cancel" hx-swap-oob="true">\s*<p class="alert alert-error" role="alert">', html)
    order = fresh_order(order.id)
    assert order.status == "confirmed" and event_count(order.id) == events
    assert db.session.get(Product, shop["keripik"].id).stock == 8


# --- reviews ------------------------------------------------------------------------------

def _completed(shop):
    order = _order(shop, "pickup")
    _seller_moves(shop, order, "confirmed", "ready", "completed")
    return order


def test_review_forms_only_on_a_completed_order(client, shop):
    running = _order(shop)
    done = _completed(shop)
    login(client, shop["buyer"])
    assert 'class="card review-form"' not in text(client.get(f"/pesanan/{running.code}"))
    html = text(client.get(f"/pesanan/{done.code}"))
    assert html.count('class="card review-form"') == 2
    # Stars are labelled radio buttons grouped under a legend naming the product.
    assert "<legend>Nilai untuk Keripik Tempe</legend>" in html
    assert re.search(r'<label class="rating-option">\s*<input type="radio" name="rating" value="5" required>', html)
    assert "5 bintang – Sangat baik" in html


def test_review_without_javascript(client, shop):
    order = _completed(shop)
    login(client, shop["buyer"])
    response = client.post(f"/pesanan/{order.code}/ulasan",
                           data={"product_id": shop["keripik"].id, "rating": "5", "comment": "Renyah sekali"})
    assert response.status_code == 303 and response.headers["Location"] == f"/pesanan/{order.code}#ulasan"
    review = db.session.scalar(select(Review))
    assert (review.product_id, review.rating, review.comment) == (shop["keripik"].id, 5, "Renyah sekali")
    html = text(client.get(f"/pesanan/{order.code}"))
    assert "Keripik Tempe sudah Anda ulas." in html and html.count('class="card review-form"') == 1
    assert "Terima kasih" in html

    again = client.post(f"/pesanan/{order.code}/ulasan", data={"product_id": shop["keripik"].id, "rating": "1"})
    assert again.status_code == 303
    assert "sudah Anda ulas untuk pesanan ini" in text(client.get(f"/pesanan/{order.code}"))
    assert db.session.scalar(select(func.count()).select_from(Review)) == 1


def test_review_errors_are_shown_on_the_form(client, shop, htmx_headers):
    order = _completed(shop)
    login(client, shop["buyer"])
    response = client.post(f"/pesanan/{order.code}/ulasan",
                           data={"product_id": shop["sambal"].id, "comment": "Pedasnya pas"})
    html = text(response)
    assert response.status_code == 422 and "<html" in html
    assert "Beri bintang 1 sampai 5." in html and "Pedasnya pas" in html
    assert f'aria-describedby="review-{shop["sambal"].id}-rating-error"' in html

    response = client.post(f"/pesanan/{order.code}/ulasan",
                           data={"product_id": shop["sambal"].id, "rating": "9"}, headers=htmx_headers)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="order-reviews"') and "Beri bintang 1 sampai 5." in html
    assert db.session.scalar(select(Review)) is None


def test_review_with_htmx(client, shop, htmx_headers):
    order = _completed(shop)
    login(client, shop["buyer"])
    response = client.post(f"/pesanan/{order.code}/ulasan", headers=htmx_headers,
                           data={"product_id": shop["sambal"].id, "rating": "4"})
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="order-reviews"')
    assert "Sambal Bawang sudah Anda ulas." in html and html.count('class="card review-form"') == 1
    assert re.search(r'<div id="flash"[^>]*hx-swap-oob="true"', html)
    product = db.session.get(Product, shop["sambal"].id)
    assert (product.rating_count, product.rating_sum) == (1, 4)


def test_review_before_completion_is_refused(client, shop):
    order = _order(shop)
    login(client, shop["buyer"])
    response = client.post(f"/pesanan/{order.code}/ulasan", data={"product_id": shop["keripik"].id, "rating": "5"})
    assert response.status_code == 303
    assert "setelah pesanan selesai" in text(client.get(f"/pesanan/{order.code}"))
    assert db.session.scalar(select(Review)) is None


# --- who may see what ---------------------------------------------------------------------

def test_another_buyers_order_is_404_on_every_route(client, shop, htmx_headers):
    order = _order(shop)
    done = _completed(shop)
    login(client, shop["other"])
    assert client.get(f"/pesanan/{order.code}").status_code == 404
    assert client.get(f"/pesanan/{order.code}/status", headers=htmx_headers).status_code == 404
    assert client.post(f"/pesanan/{order.code}/batal").status_code == 404
    assert client.post(f"/pesanan/{order.code}/batal", headers=htmx_headers).status_code == 404
    assert client.post(f"/pesanan/{done.code}/ulasan",
                       data={"product_id": shop["keripik"].id, "rating": "1"}).status_code == 404
    assert client.get("/pesanan/MLP-20260101-999999").status_code == 404
    assert order.code not in text(client.get("/pesanan"))
    assert fresh_order(order.id).status == "pending" and db.session.scalar(select(Review)) is None


def test_the_seller_is_not_the_buyer(client, shop):
    order = _order(shop)
    login(client, shop["seller"])
    assert client.get(f"/pesanan/{order.code}").status_code == 404
    assert client.post(f"/pesanan/{order.code}/batal").status_code == 404


@pytest.mark.parametrize("method,path", [
    ("get", "/pesanan"), ("get", "/pesanan/{code}"), ("get", "/pesanan/{code}/status"),
    ("post", "/pesanan/{code}/batal"), ("post", "/pesanan/{code}/ulasan")])
def test_anonymous_goes_to_login(client, shop, htmx_headers, method, path):
    order = _order(shop)
    path = path.format(code=order.code)
    response = getattr(client, method)(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == [path]

    response = getattr(client, method)(path, headers={**htmx_headers, "HX-Current-URL": f"http://localhost/pesanan/{order.code}"})
    assert response.status_code == 401 and "HX-Redirect" in response.headers
    location = urlsplit(response.headers["HX-Redirect"])
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == [f"/pesanan/{order.code}"]
    assert fresh_order(order.id).status == "pending"


@pytest.fixture
def csrf_app(config, request):
    config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app")


def test_cancel_needs_the_csrf_token(csrf_app, client, shop):
    assert csrf_app.config["WTF_CSRF_ENABLED"]
    order = _order(shop)
    login_page = text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post("/auth/login", data={"email": shop["buyer"].email, "password": PASSWORD, "csrf_token": token})

    assert client.post(f"/pesanan/{order.code}/batal").status_code == 400
    assert client.post(f"/pesanan/{order.code}/batal", headers={"HX-Request": "true"}).status_code == 400
    assert fresh_order(order.id).status == "pending"

    page = text(client.get(f"/pesanan/{order.code}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/pesanan/{order.code}/batal", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and fresh_order(order.id).status == "cancelled"
