"""The checkout pages: COD and pickup, the one-time key, errors shown and nothing written."""
import re

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Order, Product
from tests.factories import PASSWORD


@pytest.fixture
def buyer_client(client, make):
    user = make.user(email="buyer@example.com", phone="6281211112222")
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.user = user
    return client


def _form(client):
    page = client.get("/checkout").get_data(as_text=True)
    key = re.search(r'name="checkout_key" type="hidden" value="([^"]+)"', page).group(1)
    return page, key


ADDRESS = {"recipient": "Rina", "phone": "081234567890", "street": "Jl. Kawi No. 3", "kecamatan": "Klojen",
           "kelurahan": "Bareng"}


def _orders():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Order))


def test_checkout_needs_an_account(client, make):
    product = make.product()
    client.post("/keranjang/tambah", data={"product_id": product.id})
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_one_cod_and_one_pickup_order(buyer_client, make):
    cod_store = make.store(name="Bakso Cak Kar", delivery_fee=5000)
    pickup_store = make.store(name="Sewa Tenda Barokah", phone="6285712345678", opening_hours="Setiap hari 07.00-21.00")
    bakso = make.product(store=cod_store, price=20000, stock=10)
    tenda = make.product(store=pickup_store, price=150000, stock=None, unit="paket")
    buyer_client.post("/keranjang/tambah", data={"product_id": bakso.id, "quantity": 2})
    buyer_client.post("/keranjang/tambah", data={"product_id": tenda.id})
    page, key = _form(buyer_client)
    assert "Setiap hari 07.00-21.00" in page and "Jl. Basuki Rahmat" in page  # pickup: the store's address
    assert "Rina" not in page and 'value="Pembeli Uji"' in page  # prefilled from the account
    response = buyer_client.post("/checkout", data={
        "checkout_key": key, "store": [cod_store.id, pickup_store.id], f"fulfilment-{cod_store.id}": "delivery",
        f"fulfilment-{pickup_store.id}": "pickup", **ADDRESS, "save_address": "y"})
    assert response.status_code == 302
    done = buyer_client.get(response.headers["Location"]).get_data(as_text=True)
    codes = re.findall(r"MLP-\d{8}-\d{6}", done)
    assert len(set(codes)) == 2
    assert "https://wa.me/6285712345678?text=" in done and "Rp45.000" in done
    pickup = db.session.scalar(select(Order).where(Order.fulfilment == "pickup"))
    assert pickup.street is None and pickup.delivery_fee == 0
    assert '<span class="count">0</span>' in buyer_client.get("/keranjang").get_data(as_text=True)
    page, _key = _form_after_refill(buyer_client, bakso)
    assert 'value="Jl. Kawi No. 3"' in page  # the saved address comes back


def _form_after_refill(client, product):
    client.post("/keranjang/tambah", data={"product_id": product.id})
    return _form(client)


def test_double_submission_places_once(buyer_client, make):
    product = make.product(stock=10)
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 2})
    _page, key = _form(buyer_client)
    data = {"checkout_key": key, "store": [product.store_id], f"fulfilment-{product.store_id}": "pickup"}
    first = buyer_client.post("/checkout", data=data)
    second = buyer_client.post("/checkout", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert _orders() == 1 and db.session.get(Product, product.id).stock == 8


def test_address_outside_malang_is_refused(buyer_client, make):
    product = make.product(stock=3)
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id})
    _page, key = _form(buyer_client)
    response = buyer_client.post("/checkout", data={
        "checkout_key": key, "store": [product.store_id], f"fulfilment-{product.store_id}": "delivery",
        **ADDRESS, "kecamatan": "Kepanjen", "kelurahan": "Penarukan"})
    assert response.status_code == 422
    assert "Pilih kecamatan di Kota Malang" in response.get_data(as_text=True)
    assert _orders() == 0 and db.session.get(Product, product.id).stock == 3


def test_out_of_stock_names_the_item(buyer_client, make):
    product = make.product(stock=2, name="Kripik Apel Batu")
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 2})
    _page, key = _form(buyer_client)
    product.stock = 1
    db.session.commit()
    response = buyer_client.post("/checkout", data={
        "checkout_key": key, "store": [product.store_id], f"fulfilment-{product.store_id}": "pickup"})
    assert response.status_code == 422 and "Stok Kripik Apel Batu tinggal 1." in response.get_data(as_text=True)
    assert _orders() == 0


def test_cod_guard_message(buyer_client, make, app):
    app.config["MAX_PENDING_ORDERS"] = 0
    product = make.product()
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id})
    _page, key = _form(buyer_client)
    response = buyer_client.post("/checkout", data={
        "checkout_key": key, "store": [product.store_id], f"fulfilment-{product.store_id}": "pickup"})
    assert response.status_code == 422 and "menunggu konfirmasi" in response.get_data(as_text=True)
    assert _orders() == 0


def test_confirmation_of_another_buyer_is_not_shown(buyer_client, make, client):
    product = make.product()
    buyer_client.post("/keranjang/tambah", data={"product_id": product.id})
    _page, key = _form(buyer_client)
    buyer_client.post("/checkout", data={"checkout_key": key, "store": [product.store_id],
                                         f"fulfilment-{product.store_id}": "pickup"})
    buyer_client.post("/auth/logout")
    make.user(email="other@example.com")
    buyer_client.post("/auth/login", data={"email": "other@example.com", "password": PASSWORD})
    assert buyer_client.get(f"/checkout/selesai/{key}").status_code == 404
