"""The cart pages, with and without htmx; guest carts merge on login."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import CartItem
from malpro.services.stores import today_wib
from tests.factories import PASSWORD


@pytest.fixture
def buyer_client(client, make):
    user = make.user(email="buyer@example.com")
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.user = user
    return client


def _lines(user):
    db.session.rollback()
    return {c.product_id: c.quantity for c in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}


def test_add_with_htmx_returns_result_and_badge_out_of_band(buyer_client, make, htmx_headers):
    product = make.product(stock=5)
    response = buyer_client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 2},
                                 headers=htmx_headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="cart-result-{product.id}"' in body and "Ditambahkan" in body
    assert 'id="cart-badge"' in body and 'hx-swap-oob="true"' in body and '<span class="count">2</span>' in body
    assert "HX-Request" in response.headers["Vary"]
    assert _lines(buyer_client.user) == {product.id: 2}


def test_add_without_javascript_redirects_back(buyer_client, make):
    product = make.product()
    response = buyer_client.post("/keranjang/tambah", data={"product_id": product.id},
                                 headers={"Referer": "http://localhost/kategori/kriya?page=2"})
    assert response.status_code == 302 and response.headers["Location"] == "/kategori/kriya?page=2"
    evil = buyer_client.post("/keranjang/tambah", data={"product_id": product.id},
                             headers={"Referer": "https://evil.example/kategori/kriya"})
    assert evil.headers["Location"] == "/keranjang"
    assert _lines(buyer_client.user) == {product.id: 2}


@pytest.mark.parametrize("quantity,message", [("-1", "tidak boleh negatif"), ("abc", "bilangan bulat"),
                                              ("9", "tinggal 5")])
def test_bad_quantities_are_refused_and_change_nothing(buyer_client, make, htmx_headers, quantity, message):
    product = make.product(stock=5)
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 1})
    response = buyer_client.post(f"/keranjang/{product.id}", data={"quantity": quantity}, headers=htmx_headers)
    assert message in response.get_data(as_text=True)
    assert _lines(buyer_client.user) == {product.id: 1}


def test_invisible_products_cannot_be_added(buyer_client, make):
    hidden = make.product(store=make.store(status="pending"))
    inactive = make.product(is_active=False)
    for product in (hidden, inactive):
        buyer_client.post("/keranjang/tambah", data={"product_id": product.id})
    buyer_client.post("/keranjang/tambah", data={"product_id": 99999})
    assert _lines(buyer_client.user) == {}


def test_cart_page_groups_by_store_and_steppers_update_in_place(buyer_client, make, htmx_headers):
    store = make.store(name="Batik Celaket")
    a = make.product(store=store, price=10000, stock=10)
    b = make.product(store=store, price=2500, stock=None)
    c = make.product(price=7000)
    for p in (a, b, c):
        buyer_client.post("/keranjang/tambah", data={"product_id": p.id})
    page = buyer_client.get("/keranjang")
    body = page.get_data(as_text=True)
    assert "<html" in body and body.count('class="card cart-group"') == 2 and "Batik Celaket" in body
    assert "Rp19.500" in body  # the total
    response = buyer_client.post(f"/keranjang/{a.id}", data={"quantity": "3"}, headers=htmx_headers)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and 'id="cart-lines"' in fragment
    assert "Rp32.500" in fragment and "Rp30.000" in fragment  # store subtotal, line subtotal
    assert 'id="cart-badge"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "HX-Request" in response.headers["Vary"]
    response = buyer_client.post(f"/keranjang/{c.id}/hapus", headers=htmx_headers)
    assert response.get_data(as_text=True).count('class="card cart-group"') == 1
    assert _lines(buyer_client.user) == {a.id: 3, b.id: 1}


def test_stepper_to_zero_removes_without_javascript(buyer_client, make):
    product = make.product()
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id})
    response = buyer_client.post(f"/keranjang/{product.id}", data={"quantity": "0"})
    assert response.status_code == 302
    assert _lines(buyer_client.user) == {}


def test_unavailable_items_are_flagged_with_the_reason(buyer_client, make):
    gone = make.product(name="Produk Ditarik")
    scarce = make.product(name="Produk Langka", stock=5)
    suspended = make.product(name="Produk Toko Beku")
    closed = make.product(name="Produk Toko Libur")
    for p in (gone, scarce, suspended, closed):
        buyer_client.post("/keranjang/tambah", data={"product_id": p.id, "quantity": 2})
    gone.is_active = False
    scarce.stock = 1
    suspended.store.status = "suspended"
    closed.store.closed_from, closed.store.closed_until = today_wib(), today_wib() + timedelta(days=3)
    closed.store.name = "Toko Libur"
    db.session.commit()
    body = buyer_client.get("/keranjang").get_data(as_text=True)
    assert "Produk Ditarik sudah tidak dijual." in body
    assert "Stok Produk Langka tinggal 1." in body
    assert "sedang tidak aktif di Malpro" in body
    assert "Toko Libur sedang libur" in body
    assert "Tidak ada barang yang bisa dipesan" in body


def test_guest_cart_merges_on_login_capped_at_stock(client, make):
    user = make.user(email="buyer@example.com")
    product = make.product(stock=4)
    other = make.product(stock=None)
    db.session.add(CartItem(user_id=user.id, product_id=product.id, quantity=3))
    db.session.commit()
    client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 3})
    client.post("/keranjang/tambah", data={"product_id": other.id, "quantity": 2})
    assert '<span class="count">5</span>' in client.get("/keranjang").get_data(as_text=True)
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert _lines(user) == {product.id: 4, other.id: 2}
    assert '<span class="count">6</span>' in client.get("/keranjang").get_data(as_text=True)


def test_add_without_csrf_token_is_refused(config, make):
    from malpro import create_app

    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    with app.app_context():
        product_id = make.product().id
    client = app.test_client()
    response = client.post("/keranjang/tambah", data={"product_id": product_id})
    assert response.status_code == 400
    assert '<span class="count">0</span>' in client.get("/keranjang").get_data(as_text=True)


def test_product_pages_and_cards_carry_the_visitors_own_csrf_token(config, make):
    """Cards and product pages are cached renderings shared by every visitor; each visitor with
    a session must still get a form with their own CSRF token (and can add to the cart without
    JS). A visitor without a session gets an empty one (no cookie): see the next test."""
    import re

    from malpro import create_app

    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    with app.app_context():
        product = make.product(name="Keripik Tempe Sagu")
        product_id = product.id
    tokens = []
    for _visitor in range(2):
        client = app.test_client()
        client.get("/auth/login")  # a form page starts the session
        page = client.get(f"/produk/{product_id}", follow_redirects=True).get_data(as_text=True)
        assert "__malpro_csrf_token__" not in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        tokens.append(token)
        home = client.get("/").get_data(as_text=True)
        assert 'action="/keranjang/tambah"' in home and "__malpro_csrf_token__" not in home
        response = client.post("/keranjang/tambah", data={"csrf_token": token, "product_id": product_id},
                               headers={"Referer": f"http://localhost/produk/{product_id}"})
        assert response.status_code == 302 and response.headers["Location"].startswith(f"/produk/{product_id}")
        assert '<span class="count">1</span>' in client.get("/keranjang").get_data(as_text=True)
    assert tokens[0] != tokens[1]
