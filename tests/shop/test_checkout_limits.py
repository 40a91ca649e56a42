"""Checkout pages after issue 13 (points 2, 3, 4, 16) and issue 15 (points 4, 5): the figures
per store and the grand total, the COD guard's warnings before submitting and its truthful
refusals, the error summary, the fulfilment pair, no buying from one's own store."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import CartItem, Order, Product
from malpro.services import cart
from tests.factories import PASSWORD

ADDRESS = {"recipient": "Rina", "phone": "081234567890", "street": "Jl. Kawi No. 3", "kecamatan": "Klojen",
           "kelurahan": "Bareng"}


def _login(client, user):
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def buyer_client(client, make):
    user = make.user(email="buyer@example.com", phone="6281211112222", kecamatan="Klojen")
    _login(client, user)
    client.user = user
    return client


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _key(page: str) -> str:
    return re.search(r'name="checkout_key" type="hidden" value="([^"]+)"', page).group(1)


def _orders():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Order))


@pytest.fixture
def two_stores(buyer_client, make):
    """Bakso (COD fee Rp8.000, or pickup) 2 × Rp20.000 and Batik (fee Rp5.000) 1 × Rp100.000."""
    bakso = make.store(name="Bakso Cak Kar", delivery_fee=8000, address="Jl. Bakso No. 1")
    batik = make.store(name="Batik Malangan", delivery_fee=5000)
    a = make.product(store=bakso, price=20000)
    b = make.product(store=batik, price=100000)
    cart.set_quantity(buyer_client.user.id, None, a.id, 2)
    cart.set_quantity(buyer_client.user.id, None, b.id, 1)
    return bakso, batik


# --- figures ----------------------------------------------------------------------------------

def test_checkout_shows_per_store_figures_and_a_grand_total_with_the_fees(buyer_client, two_stores):
    bakso, batik = two_stores
    page = _text(buyer_client.get("/checkout"))
    bakso_total = re.search(rf'id="store-total-{bakso.id}".*?</div>\s*</dl>', page, re.S).group(0)
    assert "Rp40.000" in bakso_total and "Rp8.000" in bakso_total and "Rp48.000" in bakso_total
    assert re.search(r'id="grand-total">Rp153\.000<', page)  # 48.000 + 105.000
    assert "belum termasuk ongkir" not in page
    assert "Hitung ulang total" in page and "<noscript>" in page  # without JavaScript: the server recomputes


def test_the_summary_follows_an_unticked_store_and_pickup(buyer_client, two_stores, htmx_headers):
    bakso, batik = two_stores
    page = _text(buyer_client.get("/checkout"))
    choices = {"csrf_token": "", "checkout_key": _key(page), f"fulfilment-{bakso.id}": "pickup",
               f"fulfilment-{batik.id}": "delivery", "store": [bakso.id, batik.id]}
    answer = buyer_client.post("/checkout/ringkasan", data=choices, headers=htmx_headers)
    body = _text(answer)
    assert answer.status_code == 200 and "<html" not in body
    assert re.search(r'id="grand-total">Rp145\.000<', body)  # 40.000 (pickup) + 105.000
    assert f'id="store-total-{bakso.id}" hx-swap-oob="true"' in body and "ambil sendiri" in body
    assert 'id="checkout-warnings"' in body and "HX-Request" in answer.headers.get("Vary", "")

    unticked = buyer_client.post("/checkout/ringkasan", data={**choices, "store": [batik.id]}, headers=htmx_headers)
    body = _text(unticked)
    assert re.search(r'id="grand-total">Rp105\.000<', body)
    assert "Tidak dipesan kali ini" in body
    assert _orders() == 0


def test_recalculate_without_javascript_places_nothing(buyer_client, two_stores):
    bakso, batik = two_stores
    page = _text(buyer_client.get("/checkout"))
    response = buyer_client.post("/checkout", data={
        "checkout_key": _key(page), "action": "recalculate", "store": [batik.id],
        f"fulfilment-{bakso.id}": "delivery", f"fulfilment-{batik.id}": "pickup"})
    body = _text(response)
    assert response.status_code == 200 and re.search(r'id="grand-total">Rp100\.000<', body)
    assert 'id="error-summary"' not in body
    assert re.search(rf'name="store" value="{bakso.id}">', body)  # stays unticked
    assert _orders() == 0


# --- the fulfilment pair and the kelurahan list -------------------------------------------------

def test_fulfilment_is_a_pair_of_options_with_fee_and_pickup_address(buyer_client, two_stores):
    bakso, _batik = two_stores
    page = _text(buyer_client.get("/checkout"))
    fieldset = re.search(rf'<fieldset class="fulfilment" id="fulfilment-{bakso.id}">.*?</fieldset>', page, re.S).group(0)
    assert fieldset.count('class="choice-card"') == 2
    assert "Ongkir Rp8.000" in fieldset and "Jl. Bakso No. 1" in fieldset
    assert 'class="pickup-info"' in fieldset  # shown by app.css only while pickup is chosen


def test_without_javascript_the_kelurahan_list_is_grouped_by_kecamatan(buyer_client, two_stores):
    page = _text(buyer_client.get("/checkout"))  # the account's kecamatan (Klojen) is prefilled
    kelurahan = re.search(r'<select[^>]*name="kelurahan".*?</select>', page, re.S).group(0)
    for kecamatan in ("Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"):
        assert f'<optgroup label="{kecamatan}">' in kelurahan


# --- the COD guard: warnings before submitting, truthful refusals --------------------------------

@pytest.fixture
def four_stores(buyer_client, make):
    items = [make.product(price=10000) for _ in range(4)]
    for product in items:
        cart.set_quantity(buyer_client.user.id, None, product.id, 1)
    return items


def test_cart_and_checkout_warn_before_submitting_over_the_pending_limit(buyer_client, four_stores, htmx_headers):
    warning = _text(buyer_client.get("/keranjang"))
    assert "Keranjang ini akan menjadi 4 pesanan" in warning and "masih bisa membuat 3 pesanan" in warning
    page = _text(buyer_client.get("/checkout"))
    warnings = re.search(r'id="checkout-warnings".*?</div>', page, re.S).group(0)
    assert "Checkout ini akan membuat 4 pesanan" in warnings and "maksimal 3" in warnings
    # Unticking one store clears the warning (htmx).
    stores = [p.store_id for p in four_stores]
    answer = _text(buyer_client.post("/checkout/ringkasan", data={"store": stores[:3]}, headers=htmx_headers))
    warnings = re.search(r'id="checkout-warnings".*?</div>', answer, re.S).group(0)
    assert "alert" not in warnings


def test_refused_over_the_pending_limit_with_the_true_reason(buyer_client, four_stores):
    page = _text(buyer_client.get("/checkout"))
    stores = [p.store_id for p in four_stores]
    response = buyer_client.post("/checkout", data={"checkout_key": _key(page), "store": stores,
                                                    **{f"fulfilment-{s}": "pickup" for s in stores}})
    body = _text(response)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', body, re.S).group(0)
    assert "Checkout ini akan membuat 4 pesanan" in summary and "Hapus centang toko sampai tersisa 3" in summary
    assert "0 pesanan yang menunggu" not in body
    assert _orders() == 0


def test_refused_over_the_unpaid_value_with_the_limit_named(buyer_client, make):
    expensive = make.product(price=6_000_000, stock=3, name="Gamelan Mini")
    cart.set_quantity(buyer_client.user.id, None, expensive.id, 1)
    assert "bernilai Rp6.000.000" in _text(buyer_client.get("/keranjang"))
    page = _text(buyer_client.get("/checkout"))
    assert "maksimal Rp5.000.000" in re.search(r'id="checkout-warnings".*?</div>', page, re.S).group(0)
    response = buyer_client.post("/checkout", data={"checkout_key": _key(page), "store": [expensive.store_id],
                                                    f"fulfilment-{expensive.store_id}": "pickup"})
    assert response.status_code == 422 and "maksimal Rp5.000.000" in _text(response)
    assert _orders() == 0 and db.session.get(Product, expensive.id).stock == 3


def test_more_than_the_maximum_per_order_is_refused_in_the_cart(buyer_client, make, htmx_headers):
    product = make.product(stock=100, name="Keripik Apel", unit="bungkus", max_per_order=6)
    response = buyer_client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 7},
                                 headers=htmx_headers)
    assert "paling banyak 6 bungkus Keripik Apel" in _text(response)
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 0


# --- the error summary --------------------------------------------------------------------------

def test_a_refused_checkout_has_an_error_summary_at_the_top_linking_to_each_field(buyer_client, two_stores):
    bakso, batik = two_stores
    page = _text(buyer_client.get("/checkout"))
    response = buyer_client.post("/checkout", data={
        "checkout_key": _key(page), "store": [bakso.id, batik.id], f"fulfilment-{bakso.id}": "delivery",
        f"fulfilment-{batik.id}": "delivery", **ADDRESS, "street": "", "phone": "12345"})
    body = _text(response)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary" id="error-summary" tabindex="-1" autofocus.*?</div>', body,
                        re.S).group(0)
    assert body.index('id="error-summary"') < body.index('id="checkout-form"')  # at the top
    assert 'href="#street"' in summary and 'href="#phone"' in summary
    assert "js/forms.js" in body
    assert _orders() == 0


def test_choosing_no_store_is_explained_in_the_summary(buyer_client, two_stores):
    page = _text(buyer_client.get("/checkout"))
    response = buyer_client.post("/checkout", data={"checkout_key": _key(page)})
    body = _text(response)
    assert response.status_code == 422
    assert 'href="#checkout-stores"' in re.search(r'id="error-summary".*?</div>', body, re.S).group(0)


# --- a store's owner never buys from their own store --------------------------------------------

def test_owner_cannot_add_own_product_on_the_web(client, make, htmx_headers):
    store = make.store(owner=make.user(email="penjual@example.com"))
    product = make.product(store=store)
    _login(client, store.owner)
    response = client.post("/keranjang/tambah", data={"product_id": product.id}, headers=htmx_headers)
    assert "toko Anda sendiri" in _text(response)
    response = client.post("/keranjang/tambah", data={"product_id": product.id}, follow_redirects=True)
    assert "toko Anda sendiri" in _text(response)
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 0


def test_owner_cannot_check_out_own_store_on_the_web(client, make):
    store = make.store(owner=make.user(email="penjual@example.com"))
    product = make.product(store=store, stock=4)
    db.session.add(CartItem(user_id=store.owner_id, product_id=product.id, quantity=1))
    db.session.commit()
    _login(client, store.owner)
    page = _text(client.get("/checkout"))
    assert "toko Anda sendiri" in page and f'name="store" value="{store.id}"' not in page
    response = client.post("/checkout", data={"checkout_key": _key(page), "store": [store.id],
                                              f"fulfilment-{store.id}": "pickup"})
    assert response.status_code == 422 and "toko Anda sendiri" in _text(response)
    assert _orders() == 0 and db.session.get(Product, product.id).stock == 4
