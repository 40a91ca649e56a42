"""The header, category bar and footer are kept per worker by the values they show
(templating.site_header / site_footer): within one process, every change of those values
shows on the very next page, and two people never see each other's header."""
import re

import pytest
from flask import g

from malpro.extensions import db
from malpro.services import notifications


@pytest.fixture(autouse=True)
def fresh_g_per_request(app):
    """The tests' app context outlives each request (conftest), so `g` would carry the signed-in
    user and the language from one request to the next; in production each request starts
    with an empty `g`."""
    def forget():
        vars(g).clear()

    app.before_request_funcs.setdefault(None, []).insert(0, forget)  # before the app's own hooks


def header(html: str) -> str:
    """The header and the category bar."""
    return re.search(r'<header class="site-header".*?<nav class="category-nav".*?</nav>', html, re.S).group(0)


def cart_count(html: str) -> int:
    return int(re.search(r'id="cart-badge".*?<span class="count">(\d+)</span>', html, re.S).group(1))


def test_the_header_follows_the_visitor_from_page_to_page(app, client, auth, make):
    product = make.product(name="Keripik Tempe", stock=10)
    buyer = make.user(email="pembeli@example.com", password="rahasia123")

    html = client.get("/").get_data(as_text=True)
    assert "Masuk" in header(html) and cart_count(html) == 0

    client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 2})
    assert cart_count(client.get("/").get_data(as_text=True)) == 2

    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert 'class="account-menu"' in header(html) and "Masuk" not in header(html)
    assert "Buka Toko" in header(html) and ">Admin<" not in header(html)
    assert cart_count(html) == 2  # the guest cart came along
    assert "has-unread" not in header(html)

    notifications.notify(buyer.id, "info", "Pesanan Anda dikirim")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "has-unread" in header(html) and re.search(r'notification-badge.*?<span class="count">1</span>', html, re.S)

    make.store(owner=buyer)
    assert "Toko Saya" in header(client.get("/").get_data(as_text=True))

    buyer.is_admin = True
    db.session.commit()
    assert ">Admin<" in header(client.get("/").get_data(as_text=True))

    auth.logout()
    html = client.get("/").get_data(as_text=True)
    assert "Masuk" in header(html) and "account-menu" not in header(html)


def test_search_words_and_current_category_are_the_pages_own(client, make):
    make.product(name="Keripik Tempe")
    search = header(client.get("/cari?q=keripik+pedas").get_data(as_text=True))
    assert 'value="keripik pedas"' in search
    assert 'value=""' in header(client.get("/cari?q=").get_data(as_text=True))
    other = header(client.get("/").get_data(as_text=True))
    assert 'value=""' in other and "keripik pedas" not in other
    food = header(client.get("/kategori/makanan-minuman").get_data(as_text=True))
    assert re.search(r'href="/kategori/makanan-minuman" aria-current="page"', food)
    craft = header(client.get("/kategori/kriya").get_data(as_text=True))
    assert re.search(r'href="/kategori/kriya" aria-current="page"', craft)
    assert not re.search(r'href="/kategori/makanan-minuman" aria-current', craft)


def test_the_language_and_the_return_address_change_the_frame(client):
    html = client.get("/kategori/kriya?page=2").get_data(as_text=True)
    assert 'name="next" value="/kategori/kriya?page=2"' in html
    assert 'name="next" value="/transparansi?"' in client.get("/transparansi").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "en", "next": "/"}, headers={"Origin": "http://localhost"})
    html = client.get("/kategori/kriya?page=2").get_data(as_text=True)
    assert ">Sign in<" in header(html) and "Masuk" not in header(html)
    assert "English</option>" in html and 'value="en" lang="en" selected' in html


def test_two_people_never_share_a_header(app, make):
    first, second = app.test_client(), app.test_client()
    make.user(email="ani@example.com", password="rahasia123")
    first.post("/auth/login", data={"email": "ani@example.com", "password": "rahasia123"})
    assert "account-menu" in first.get("/").get_data(as_text=True)
    assert "account-menu" not in second.get("/").get_data(as_text=True)
