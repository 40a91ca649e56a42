"""The seller's dashboard and navigation (issue 13 point 1), and the error summary and the
maximum per order on the seller's long forms (issue 13 point 4, issue 15 point 5)."""
import re
from html import unescape

from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Product
from malpro.services import products
from tests.factories import PASSWORD
from tests.order_helpers import place_order


def _login(client, user):
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_a_new_verified_store_gets_its_first_step(client, make):
    store = make.store()
    _login(client, store.owner)
    page = _text(client.get("/seller/"))
    assert "Tambahkan produk pertama Anda" in page
    assert {"/seller/produk/baru", "/seller/produk", "/seller/pesanan", "/seller/toko"} <= _links(page)


def test_a_pending_store_may_prepare_products_from_the_dashboard_and_the_application(client, make):
    store = make.store(status="pending")
    _login(client, store.owner)
    for path in ("/seller/", "/seller/toko"):
        page = _text(client.get(path))
        assert "Tambahkan produk pertama Anda" in page and "/seller/produk/baru" in _links(page), path
        assert "Sambil menunggu verifikasi" in page


def test_dashboard_counts_products_and_pending_orders(client, make):
    store = make.store()
    make.product(store=store, stock=5)
    make.product(store=store, stock=0)
    make.product(store=store, stock=None, is_active=False)
    place_order(make.user(), (make.product(store=store, stock=9), 1), mode="pickup")
    _login(client, store.owner)
    page = _text(client.get("/seller/"))
    assert "Tambahkan produk pertama Anda" not in page
    figures = re.search(r'<ul class="seller-figures">.*?</ul>', page, re.S).group(0)
    numbers = re.findall(r'<span class="figure">(\d+)</span><span class="figure-label">([^<]+)<', figures)
    assert numbers == [("3", "produk aktif"), ("1", "stok habis"), ("1", "pesanan menunggu konfirmasi")]
    assert "+ Tambah produk" in page and "Lihat 4 produk saya" in page


def test_every_seller_page_links_the_others(client, make):
    store = make.store()
    product = make.product(store=store)
    _login(client, store.owner)
    for path in ("/seller/", "/seller/produk", "/seller/produk/baru", f"/seller/produk/{product.id}/ubah",
                 "/seller/pesanan", "/seller/toko"):
        page = _text(client.get(path))
        nav = re.search(r'<nav id="seller-nav".*?</nav>', page, re.S).group(0)
        assert {"/seller/", "/seller/produk", "/seller/pesanan", "/seller/toko"} <= _links(nav), path
        assert 'aria-current="page"' in nav, path


def test_the_product_form_sets_the_maximum_per_order(client, make):
    store = make.store()
    _login(client, store.owner)
    form = {"name": "Keripik Tempe", "category": "makanan-minuman", "price": "15000", "stock": "200",
            "max_per_order": "12", "unit": "bungkus", "active": "y"}
    assert "Maksimal per pesanan" in _text(client.get("/seller/produk/baru"))
    assert client.post("/seller/produk/baru", data=form).status_code == 303
    product = db.session.scalar(select(Product))
    assert product.max_per_order == 12
    assert 'value="12"' in _text(client.get(f"/seller/produk/{product.id}/ubah"))
    client.post(f"/seller/produk/{product.id}/ubah", data={**form, "max_per_order": ""})
    db.session.expire_all()
    assert db.session.get(Product, product.id).max_per_order is None
    assert products.per_order_limit(db.session.get(Product, product.id)) == 20


def test_a_refused_product_form_has_an_error_summary_linking_to_each_field(client, make):
    store = make.store()
    _login(client, store.owner)
    response = client.post("/seller/produk/baru", data={"name": "K", "category": "", "price": "murah",
                                                        "max_per_order": "0", "unit": "pcs"})
    body = _text(response)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary" id="error-summary" tabindex="-1" autofocus.*?</div>', body,
                        re.S).group(0)
    for field in ("name", "category", "price", "max_per_order"):
        assert f'href="#{field}"' in summary, field
    assert body.index('id="error-summary"') < body.index('class="card product-form"')
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_a_refused_application_has_an_error_summary(client, make):
    _login(client, make.user())
    response = client.post("/seller/daftar", data={"name": "", "nib": "123", "phone": "999", "address": "",
                                                   "kecamatan": "Klojen", "kelurahan": "Dinoyo"})
    body = _text(response)
    assert response.status_code == 422
    summary = re.search(r'id="error-summary".*?</div>', body, re.S).group(0)
    assert 'href="#nib"' in summary and 'href="#phone"' in summary
    assert body.index('id="error-summary"') < body.index('id="store-form"')


def test_register_shows_every_error_at_once_including_the_phone(client):
    response = client.post("/auth/register", data={"name": "", "email": "bukan-email", "phone": "12345",
                                                   "password": "pendek", "confirm": "lain"})
    body = _text(response)
    summary = re.search(r'id="error-summary".*?</div>', body, re.S).group(0)
    for field in ("name", "email", "phone", "password", "confirm"):
        assert f'href="#{field}"' in summary, field
