"""What the buyer's order pages say about paying follows the order's state (issue 13.13): to
pay on delivery or when collecting while it runs, paid once completed, nothing once cancelled;
the checkout confirmation says pay when collecting for a pickup order."""
import re

import pytest

from malpro.services import orders
from tests.factories import PASSWORD
from tests.order_helpers import place_order

ON_DELIVERY = "Bayar tunai Rp37.000 kepada penjual saat pesanan tiba."
ON_PICKUP = "Bayar tunai Rp30.000 saat mengambil pesanan."


@pytest.fixture
def shop(make, client):
    seller = make.user(email="sri@example.com")
    buyer = make.user(email="budi@example.com", phone="6281298765432")
    store = make.store(owner=seller, name="Keripik Sri Rasa", delivery_fee=7000)
    chips = make.product(store=store, name="Keripik Tempe Pedas", price=15000, stock=50)
    client.post("/auth/login", data={"email": buyer.email, "password": PASSWORD})
    return {"seller": seller, "buyer": buyer, "chips": chips}


def _page(client, order) -> str:
    return client.get(f"/pesanan/{order.code}").get_data(as_text=True)


def _move(order, seller, *statuses, note=None):
    for status in statuses:
        orders.move(order.code, seller.id, "seller", status, note)


def test_a_running_delivery_order_says_pay_cash_on_arrival(client, shop):
    order = place_order(shop["buyer"], (shop["chips"], 2))
    assert ON_DELIVERY in _page(client, order)
    _move(order, shop["seller"], "confirmed", "shipped")
    assert ON_DELIVERY in _page(client, order)


def test_a_completed_order_says_it_was_paid(client, shop):
    order = place_order(shop["buyer"], (shop["chips"], 2))
    _move(order, shop["seller"], "confirmed", "shipped", "completed")
    page = _page(client, order)
    assert re.search(r"Sudah dibayar tunai Rp37\.000 pada \d+ \w+ \d{4}", page)
    assert "saat pesanan tiba" not in page and "Siapkan uang tunai" not in page


def test_a_pickup_order_says_pay_when_collecting_then_paid(client, shop):
    order = place_order(shop["buyer"], (shop["chips"], 2), mode="pickup")
    assert ON_PICKUP in _page(client, order)
    _move(order, shop["seller"], "confirmed", "ready", "completed")
    page = _page(client, order)
    assert "Sudah dibayar tunai Rp30.000" in page and "Diambil sendiri di toko" in page
    assert "saat mengambil pesanan" not in page


def test_a_cancelled_order_has_nothing_to_pay(client, shop):
    order = place_order(shop["buyer"], (shop["chips"], 2))
    _move(order, shop["seller"], "cancelled", note="Stok habis")
    page = _page(client, order)
    assert "Pesanan dibatalkan, tidak ada yang perlu dibayar." in page and "Bayar tunai" not in page


def test_the_checkout_confirmation_says_how_each_order_is_paid(client, shop, make):
    other = make.product(store=make.store(name="Sewa Tenda Barokah", offers_delivery=False), price=150000,
                         stock=None, unit="paket")
    client.post("/keranjang/tambah", data={"product_id": shop["chips"].id, "quantity": 2})
    client.post("/keranjang/tambah", data={"product_id": other.id})
    form = client.get("/checkout").get_data(as_text=True)
    key = re.search(r'name="checkout_key" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/checkout", data={
        "checkout_key": key, "store": [shop["chips"].store_id, other.store_id],
        f"fulfilment-{shop['chips'].store_id}": "delivery", f"fulfilment-{other.store_id}": "pickup",
        "recipient": "Budi", "phone": "081298765432", "street": "Jl. Kawi No. 3", "kecamatan": "Klojen",
        "kelurahan": "Bareng"})
    assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", done))
    assert "Bayar tunai saat pesanan tiba: Rp37.000" in text
    assert "Bayar tunai saat mengambil pesanan di toko: Rp150.000" in text
    assert "Alamat toko" in text and "dibayar saat terima" not in text
