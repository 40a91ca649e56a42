"""The seller's order pages: the board by status, one order with the buyer's contact, the
status moves (htmx in place and plain forms), forged moves, and who may see what."""
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from malpro.extensions import db
from malpro.models import Product
from malpro.services import orders
from tests.factories import PASSWORD
from tests.order_helpers import event_count, fresh_order, notification_count, place_order


@pytest.fixture
def shop(make):
    store = make.store(name="Keripik Bu Sri", delivery_fee=7000)
    other_store = make.store(name="Batik Celaket", owner=make.user(email="penjual-lain@example.com"))
    return {
        "store": store,
        "seller": store.owner,
        "other_seller": other_store.owner,
        "buyer": make.user(email="pembeli@example.com", name="Budi Pembeli", phone="6281277778888"),
        "keripik": make.product(store=store, name="Keripik Tempe", price=15000, stock=10),
        "sambal": make.product(store=store, name="Sambal Bawang", price=25000, stock=None),
        "batik": make.product(store=other_store, name="Batik Tulis", price=300000, stock=3),
    }


def login(client, user):
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def text(response) -> str:
    return response.get_data(as_text=True)


def _order(shop, mode="delivery", *steps):
    order = place_order(shop["buyer"], (shop["keripik"], 2), (shop["sambal"], 1), mode=mode)
    for step in steps:
        orders.move(order.code, shop["seller"].id, "seller", step, "alasan" if step == "cancelled" else None)
    return fresh_order(order.id)


def _row(html: str, code: str) -> str:
    return re.search(rf'<li id="order-{code}".*?</li>', html, re.S).group(0)


def _panel(html: str) -> str:
    return re.search(r'<section id="order-actions".*?</section>', html, re.S).group(0)


def _buttons(html: str) -> list[str]:
    return [b.strip() for b in re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', html)]


# --- the board ----------------------------------------------------------------------------

def test_board_opens_on_the_pending_queue_oldest_first(client, shop, make):
    first = _order(shop)
    second = _order(shop, "pickup")
    confirmed = _order(shop, "pickup", "confirmed")
    elsewhere = place_order(shop["buyer"], (shop["batik"], 1))
    login(client, shop["seller"])

    response = client.get("/seller/pesanan")
    html = text(response)
    assert response.status_code == 200 and "<html" in html and "Pesanan Toko" in html
    assert "HX-Request" in response.headers["Vary"]
    assert first.code in html and second.code in html
    assert confirmed.code not in html and elsewhere.code not in html
    assert html.index(first.code) < html.index(second.code)
    assert re.search(r'aria-current="page">\s*Menunggu Konfirmasi\s*<span class="count">2</span>', html)
    assert re.search(r'Diproses\s*<span class="count">1</span>', html)
    assert re.search(r'Semua\s*<span class="count">3</span>', html)

    row = _row(html, first.code)
    assert "Keripik Tempe × 2, Sambal Bawang × 1" in row and "Rp62.000" in row and "Diantar (COD)" in row
    assert "WIB" in row
    assert _buttons(row) == ["Terima pesanan", "Batalkan pesanan"]
    assert "Ambil sendiri" in _row(html, second.code)

    everything = text(client.get("/seller/pesanan?status=semua"))
    assert all(o.code in everything for o in (first, second, confirmed)) and elsewhere.code not in everything
    processing = text(client.get("/seller/pesanan?status=confirmed"))
    assert confirmed.code in processing and first.code not in processing
    assert _buttons(_row(processing, confirmed.code)) == ["Siap diambil", "Batalkan pesanan"]


def test_board_tabs_answer_a_fragment_to_htmx(client, shop, htmx_headers):
    order = _order(shop, "delivery", "confirmed")
    login(client, shop["seller"])
    response = client.get("/seller/pesanan?status=confirmed", headers=htmx_headers)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="order-board"') and order.code in html
    assert re.search(r'<nav id="order-tabs"[^>]*hx-swap-oob="true"', html)
    assert "HX-Request" in response.headers["Vary"]


def test_dashboard_links_to_the_board_with_the_pending_count(client, shop):
    _order(shop)
    _order(shop, "pickup")
    login(client, shop["seller"])
    html = text(client.get("/seller/"))
    assert 'href="/seller/pesanan"' in html and "2 baru" in html


# --- one order ----------------------------------------------------------------------------

def test_detail_shows_the_buyers_contact_and_address_to_the_seller(client, shop):
    order = _order(shop)
    login(client, shop["seller"])
    response = client.get(f"/seller/pesanan/{order.code}")
    html = text(response)
    assert response.status_code == 200 and "<html" in html
    for expected in ("Budi Pembeli", "Budi Santoso", "+6281298765432", "Jl. Ijen No. 10", "Oro-oro Dowo", "Klojen",
                     "Pagar hijau", "Keripik Tempe", "Rp30.000", "Rp7.000", "Rp62.000", "Menunggu Konfirmasi"):
        assert expected in html, expected
    link = re.search(r'href="(https://wa\.me/6281298765432\?text=[^"]+)"', html).group(1)
    assert order.code in unquote(link)
    assert _buttons(_panel(html)) == ["Terima pesanan", "Batalkan pesanan"]
    assert re.search(r'<textarea id="cancel-note" name="note" rows="3" maxlength="1000" required', html)


def test_pickup_detail_has_no_delivery_address(client, shop):
    order = _order(shop, "pickup", "confirmed")
    login(client, shop["seller"])
    html = text(client.get(f"/seller/pesanan/{order.code}"))
    assert "Budi Pembeli" in html and "+6281277778888" in html and "Jl. Ijen" not in html
    assert _buttons(_panel(html)) == ["Siap diambil", "Batalkan pesanan"]  # never "Tandai dikirim" for pickup


def test_final_orders_offer_no_moves(client, shop):
    done = _order(shop, "delivery", "confirmed", "shipped", "completed")
    cancelled = _order(shop, "pickup", "cancelled")
    login(client, shop["seller"])
    html = text(client.get(f"/seller/pesanan/{done.code}"))
    assert "Selesai dan dibayar" in html and _buttons(_panel(html)) == []
    html = text(client.get(f"/seller/pesanan/{cancelled.code}"))
    assert "Dibatalkan" in html and "alasan" in html and _buttons(_panel(html)) == []


# --- moving -------------------------------------------------------------------------------

def test_each_move_without_javascript(client, shop):
    order = _order(shop)
    login(client, shop["seller"])
    for to, label in (("confirmed", "Diproses"), ("shipped", "Dikirim"), ("completed", "Selesai")):
        response = client.post(f"/seller/pesanan/{order.code}/status", data={"status": to, "note": ""})
        assert response.status_code == 303 and response.headers["Location"] == f"/seller/pesanan/{order.code}"
        assert fresh_order(order.id).status == to
        assert label in text(client.get(response.headers["Location"]))
    order = fresh_order(order.id)
    assert order.paid_at is not None and [e.status for e in order.events] == \
        ["pending", "confirmed", "shipped", "completed"]


def test_move_from_the_board_returns_to_the_board(client, shop):
    order = _order(shop, "pickup")
    login(client, shop["seller"])
    response = client.post(f"/seller/pesanan/{order.code}/status",
                           data={"status": "confirmed", "view": "row", "next": "/seller/pesanan?status=semua"})
    assert response.status_code == 303 and response.headers["Location"] == "/seller/pesanan?status=semua"
    # `next` never leads off the site.
    other = _order(shop, "pickup")
    response = client.post(f"/seller/pesanan/{other.code}/status",
                           data={"status": "confirmed", "next": "https://jahat.example/"})
    assert response.headers["Location"] == f"/seller/pesanan/{other.code}"


def test_htmx_move_on_the_board_returns_the_row_and_the_counts(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["seller"])
    response = client.post(f"/seller/pesanan/{order.code}/status", headers=htmx_headers,
                           data={"status": "confirmed", "view": "row", "tab": "pending", "next": "/seller/pesanan"})
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<li id="order-{order.code}"')
    row = _row(html, order.code)
    assert "Diproses" in row and _buttons(row) == ["Tandai dikirim", "Batalkan pesanan"]
    assert 'role="status"' in row
    tabs = re.search(r'<nav id="order-tabs"[^>]*hx-swap-oob="true".*?</nav>', html, re.S).group(0)
    assert re.search(r'aria-current="page">\s*Menunggu Konfirmasi\s*<span class="count">0</span>', tabs)
    assert re.search(r'Diproses\s*<span class="count">1</span>', tabs)
    assert "HX-Request" in response.headers["Vary"]
    assert fresh_order(order.id).status == "confirmed"


def test_htmx_move_on_the_detail_returns_the_panel_and_the_timeline(client, shop, htmx_headers):
    order = _order(shop, "pickup", "confirmed")
    login(client, shop["seller"])
    response = client.post(f"/seller/pesanan/{order.code}/status", headers=htmx_headers,
                           data={"status": "ready", "note": "Ambil setelah jam 10"})
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="order-actions"')
    assert "Siap Diambil" in html and _buttons(html) == ["Selesai (sudah dibayar)", "Batalkan pesanan"]
    assert re.search(r'<ol id="order-events"[^>]*hx-swap-oob="true"', html) and "Ambil setelah jam 10" in html
    assert fresh_order(order.id).events[-1].note == "Ambil setelah jam 10"


def test_cancel_needs_a_reason_and_returns_stock(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["seller"])
    response = client.post(f"/seller/pesanan/{order.code}/status", headers=htmx_headers,
                           data={"status": "cancelled", "note": "  ", "view": "row"})
    html = text(response)
    assert response.status_code == 200 and "Tuliskan alasan pembatalan" in html
    assert re.search(r'<details class="cancel-box" open>', html) and 'aria-invalid="true"' in html
    assert fresh_order(order.id).status == "pending"

    response = client.post(f"/seller/pesanan/{order.code}/status", data={"status": "cancelled"})
    assert response.status_code == 422 and "Tuliskan alasan pembatalan" in text(response)
    assert fresh_order(order.id).status == "pending"

    before = notification_count(shop["buyer"].id)
    response = client.post(f"/seller/pesanan/{order.code}/status",
                           data={"status": "cancelled", "note": "Bahan baku habis"})
    assert response.status_code == 303
    order = fresh_order(order.id)
    assert order.status == "cancelled" and order.cancel_reason == "Bahan baku habis"
    assert db.session.get(Product, shop["keripik"].id).stock == 10
    assert notification_count(shop["buyer"].id) == before + 1


@pytest.mark.parametrize("start,forged", [
    ((), "completed"),                       # pending -> completed skips the whole lifecycle
    ((), "shipped"),
    (("confirmed",), "ready"),               # a delivery order is never ready for pickup
    (("confirmed", "shipped", "completed"), "cancelled"),
    (("cancelled",), "confirmed"),
])
def test_forged_illegal_move_changes_nothing(client, shop, htmx_headers, start, forged):
    order = _order(shop, "delivery", *start)
    snapshot = (order.status, order.updated_at, order.paid_at, order.cancel_reason)
    events, stock = event_count(order.id), db.session.get(Product, shop["keripik"].id).stock
    login(client, shop["seller"])

    response = client.post(f"/seller/pesanan/{order.code}/status", data={"status": forged, "note": "paksa"})
    assert response.status_code == 422
    assert "tidak dapat diubah" in text(response) and 'class="flash flash-error"' in text(response)

    response = client.post(f"/seller/pesanan/{order.code}/status", headers=htmx_headers,
                           data={"status": forged, "note": "paksa", "view": "row"})
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith(f'<li id="order-{order.code}"')
    assert re.search(r'<p class="error" role="alert">[^<]*tidak dapat diubah', html)

    order = fresh_order(order.id)
    assert (order.status, order.updated_at, order.paid_at, order.cancel_reason) == snapshot
    assert event_count(order.id) == events and db.session.get(Product, shop["keripik"].id).stock == stock


def test_unknown_status_is_refused(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["seller"])
    response = client.post(f"/seller/pesanan/{order.code}/status", headers=htmx_headers, data={"status": "paid"})
    assert response.status_code == 200 and "Status tidak dikenal." in text(response)
    assert fresh_order(order.id).status == "pending"


# --- who may see what ---------------------------------------------------------------------

def test_another_stores_order_is_404_on_every_route(client, shop, htmx_headers):
    order = _order(shop)
    login(client, shop["other_seller"])
    assert client.get(f"/seller/pesanan/{order.code}").status_code == 404
    assert client.post(f"/seller/pesanan/{order.code}/status", data={"status": "confirmed"}).status_code == 404
    assert client.post(f"/seller/pesanan/{order.code}/status", headers=htmx_headers,
                       data={"status": "cancelled", "note": "x", "view": "row"}).status_code == 404
    board = text(client.get("/seller/pesanan?status=semua"))
    assert order.code not in board and "Budi" not in board
    assert fresh_order(order.id).status == "pending"


def test_the_buyer_never_sees_the_seller_pages(client, shop, make):
    order = _order(shop)
    login(client, shop["buyer"])  # no store: not a seller
    assert client.get("/seller/pesanan").status_code == 403
    assert client.get(f"/seller/pesanan/{order.code}").status_code == 403
    assert client.post(f"/seller/pesanan/{order.code}/status", data={"status": "confirmed"}).status_code == 403
    assert fresh_order(order.id).status == "pending"


def test_buyer_contact_is_only_on_the_sellers_own_order(client, shop):
    mine = _order(shop)
    elsewhere = place_order(shop["buyer"], (shop["batik"], 1))
    login(client, shop["seller"])
    html = text(client.get(f"/seller/pesanan/{mine.code}"))
    assert "+6281298765432" in html
    assert client.get(f"/seller/pesanan/{elsewhere.code}").status_code == 404
    board = text(client.get("/seller/pesanan?status=semua"))
    assert "+6281298765432" not in board and "Jl. Ijen" not in board  # not even on the board


@pytest.mark.parametrize("method,path", [
    ("get", "/seller/pesanan"), ("get", "/seller/pesanan/{code}"), ("post", "/seller/pesanan/{code}/status")])
def test_anonymous_goes_to_login(client, shop, htmx_headers, method, path):
    order = _order(shop)
    path = path.format(code=order.code)
    response = getattr(client, method)(path, data={"status": "confirmed"} if method == "post" else None)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == [path]
    response = getattr(client, method)(path, headers=htmx_headers)
    assert response.status_code == 401 and urlsplit(response.headers["HX-Redirect"]).path == "/auth/login"
    assert fresh_order(order.id).status == "pending"


@pytest.fixture
def csrf_app(config, request):
    config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app")


def test_move_needs_the_csrf_token(csrf_app, client, shop):
    assert csrf_app.config["WTF_CSRF_ENABLED"]
    order = _order(shop)
    login_page = text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post("/auth/login", data={"email": shop["seller"].email, "password": PASSWORD, "csrf_token": token})

    forged = client.post(f"/seller/pesanan/{order.code}/status", data={"status": "confirmed"},
                         headers={"HX-Request": "true"})
    assert forged.status_code == 400 and fresh_order(order.id).status == "pending"

    page = text(client.get("/seller/pesanan"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/seller/pesanan/{order.code}/status", data={"status": "confirmed", "view": "row"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and fresh_order(order.id).status == "confirmed"
