"""Placing orders (services.checkout): snapshots, stock, idempotency, the COD guard,
all-or-nothing, and the race for the last units."""
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import CartItem, Notification, Order, OrderEvent, Product
from malpro.services import cart, checkout, orders
from malpro.services.errors import (
    OutOfStockError,
    StoreUnavailableError,
    TooManyPendingOrdersError,
    ValidationError,
)
from malpro.services.stores import today_wib

ADDRESS = {"recipient": "Rina Wulandari", "phone": "0812-3456-7890", "street": "Jl. Soekarno Hatta No. 9",
           "kecamatan": "Lowokwaru", "kelurahan": "Jatimulyo", "notes": "Pagar hijau"}


def _fill(buyer, *items):
    for product, quantity in items:
        cart.set_quantity(buyer.id, None, product.id, quantity)


def _orders():
    return db.session.scalar(select(func.count()).select_from(Order))


def test_delivery_order_with_snapshot_fee_and_stock(app, make):
    buyer = make.user()
    store = make.store(delivery_fee=7000)
    keripik = make.product(store=store, name="Keripik Tempe", price=15000, stock=10)
    sambal = make.product(store=store, name="Sambal Bawang", price=25000, stock=None)
    _fill(buyer, (keripik, 3), (sambal, 1))
    [order] = checkout.place_orders(buyer.id, "k1", {store.id: "delivery"}, address=ADDRESS)
    assert re.fullmatch(r"MLP-\d{8}-\d{6}", order.code)
    assert (order.status, order.fulfilment, order.subtotal, order.delivery_fee, order.total) == \
        ("pending", "delivery", 70000, 7000, 77000)
    assert (order.recipient, order.phone, order.kecamatan, order.kelurahan) == \
        ("Rina Wulandari", "6281234567890", "Lowokwaru", "Jatimulyo")
    assert [(i.name, i.price, i.quantity, i.subtotal) for i in order.items] == \
        [("Keripik Tempe", 15000, 3, 45000), ("Sambal Bawang", 25000, 1, 25000)]
    db.session.refresh(keripik)
    db.session.refresh(sambal)
    assert keripik.stock == 7 and sambal.stock is None
    assert [e.status for e in order.events] == ["pending"]
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 0
    note = db.session.scalar(select(Notification).where(Notification.user_id == store.owner_id))
    assert order.code in note.title and note.link == f"/seller/pesanan/{order.code}"


def test_snapshot_survives_price_change(app, make):
    buyer = make.user()
    product = make.product(price=10000)
    _fill(buyer, (product, 2))
    [order] = checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"})
    product.price, product.name = 99000, "Nama Baru"
    db.session.commit()
    db.session.refresh(order)
    assert (order.items[0].name, order.items[0].price, order.total) != ("Nama Baru", 99000, 198000)
    assert order.items[0].price == 10000 and order.total == 20000


def test_one_order_per_store_and_pickup_ignores_the_address(app, make):
    buyer = make.user()
    a, b = make.product(), make.product()
    _fill(buyer, (a, 1), (b, 1))
    placed = checkout.place_orders(buyer.id, "k", {a.store_id: "delivery", b.store_id: "pickup"}, address=ADDRESS)
    assert len(placed) == 2
    pickup = next(o for o in placed if o.fulfilment == "pickup")
    assert pickup.delivery_fee == 0 and pickup.street is None and pickup.recipient is None


def test_pickup_needs_no_address(app, make):
    buyer = make.user()
    product = make.product()
    _fill(buyer, (product, 1))
    [order] = checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"}, address={"street": "Jl. Lain"})
    assert order.street is None


@pytest.mark.parametrize("address,field", [
    ({**ADDRESS, "kecamatan": "Batu", "kelurahan": "Sisir"}, "kecamatan"),
    ({**ADDRESS, "kelurahan": "Kauman"}, "kelurahan"),
    ({**ADDRESS, "phone": "12345"}, "phone"),
    ({**ADDRESS, "recipient": ""}, "recipient"),
    (None, "recipient"),
])
def test_bad_delivery_address_writes_nothing(app, make, address, field):
    buyer = make.user()
    product = make.product(stock=4)
    _fill(buyer, (product, 1))
    with pytest.raises(ValidationError) as error:
        checkout.place_orders(buyer.id, "k", {product.store_id: "delivery"}, address=address)
    assert field in error.value.fields
    db.session.refresh(product)
    assert _orders() == 0 and product.stock == 4


def test_mode_the_store_does_not_offer(app, make):
    buyer = make.user()
    product = make.product(store=make.store(offers_pickup=False))
    _fill(buyer, (product, 1))
    with pytest.raises(ValidationError):
        checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"})
    assert _orders() == 0


def test_out_of_stock_item_writes_nothing_for_any_store(app, make):
    buyer = make.user()
    plenty = make.product(stock=50, name="Kopi Dampit")
    scarce = make.product(stock=3, name="Topeng Malangan")
    _fill(buyer, (plenty, 2), (scarce, 3))
    scarce.stock = 1  # someone else bought two meanwhile
    db.session.commit()
    with pytest.raises(OutOfStockError) as error:
        checkout.place_orders(buyer.id, "k", {plenty.store_id: "pickup", scarce.store_id: "pickup"})
    assert "Topeng Malangan" in error.value.message and "tinggal 1" in error.value.message
    db.session.refresh(plenty)
    assert _orders() == 0 and plenty.stock == 50
    assert db.session.scalar(select(func.count()).select_from(OrderEvent)) == 0


def test_store_suspended_or_closed_blocks_its_order(app, make):
    buyer = make.user()
    product = make.product()
    _fill(buyer, (product, 1))
    product.store.status = "suspended"
    db.session.commit()
    with pytest.raises(StoreUnavailableError):
        checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"})
    product.store.status = "verified"
    product.store.closed_from, product.store.closed_until = today_wib(), today_wib() + timedelta(days=2)
    db.session.commit()
    with pytest.raises(StoreUnavailableError, match="libur"):
        checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"})
    assert _orders() == 0


def test_same_key_returns_the_same_orders_and_takes_stock_once(app, make):
    buyer = make.user()
    product = make.product(stock=10)
    _fill(buyer, (product, 2))
    first = checkout.place_orders(buyer.id, "same-key", {product.store_id: "pickup"})
    _fill(buyer, (product, 2))  # even with a new cart, a retry of the same key places nothing new
    again = checkout.place_orders(buyer.id, "same-key", {product.store_id: "pickup"})
    assert [o.code for o in again] == [o.code for o in first]
    db.session.refresh(product)
    assert product.stock == 8 and _orders() == 1


def test_a_double_submission_in_parallel_places_one_set_of_orders(app, make):
    """Two requests with the same key at the same moment (a double click): both may find the
    key unused, but only one writes; the other answers with the same orders."""
    buyer = make.user()
    product = make.product(stock=10)
    _fill(buyer, (product, 2))
    buyer_id, store_id, product_id = buyer.id, product.store_id, product.id
    codes, start = [], threading.Barrier(2)

    def submit():
        with app.app_context():
            start.wait()
            try:
                codes.append(tuple(o.code for o in checkout.place_orders(buyer_id, "dobel", {store_id: "pickup"})))
            except Exception as exc:  # noqa: BLE001  (any failure fails the test below)
                codes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(codes) == 2 and codes[0] == codes[1] and len(codes[0]) == 1, codes
    db.session.rollback()
    assert db.session.get(Product, product_id).stock == 8 and _orders() == 1


def test_cod_guard(app, make):
    buyer = make.user()
    products = [make.product() for _ in range(4)]
    for i, product in enumerate(products[:3]):
        _fill(buyer, (product, 1))
        checkout.place_orders(buyer.id, f"k{i}", {product.store_id: "pickup"})
    _fill(buyer, (products[3], 1))
    with pytest.raises(TooManyPendingOrdersError, match="maksimal 3"):
        checkout.place_orders(buyer.id, "k4", {products[3].store_id: "pickup"})
    assert _orders() == 3
    first = db.session.scalars(select(Order)).first()
    orders.move(first.code, buyer.id, "buyer", "cancelled")
    checkout.place_orders(buyer.id, "k5", {products[3].store_id: "pickup"})
    assert _orders() == 4


def test_cod_guard_is_configurable(app, make):
    app.config["MAX_PENDING_ORDERS"] = 1
    buyer = make.user()
    a, b = make.product(), make.product()
    _fill(buyer, (a, 1), (b, 1))
    with pytest.raises(TooManyPendingOrdersError):
        checkout.place_orders(buyer.id, "k", {a.store_id: "pickup", b.store_id: "pickup"})


def test_address_is_saved_for_next_time(app, make):
    buyer = make.user()
    product = make.product()
    _fill(buyer, (product, 1))
    checkout.place_orders(buyer.id, "k", {product.store_id: "delivery"}, address=ADDRESS, save_address=True)
    [saved] = checkout.saved_addresses(buyer.id)
    assert (saved.street, saved.kelurahan, saved.phone) == (ADDRESS["street"], "Jatimulyo", "6281234567890")


def test_twenty_buyers_race_for_the_last_five_units(app, make):
    """Real threads, each with its own session and transaction, on the real database."""
    product = make.product(stock=5, name="Bakpia Edisi Terbatas")
    buyers = [make.user() for _ in range(20)]
    for buyer in buyers:
        _fill(buyer, (product, 1))
    product_id, store_id = product.id, product.store_id
    results, start = [], threading.Barrier(20)

    def buy(buyer_id):
        with app.app_context():
            start.wait()
            try:
                checkout.place_orders(buyer_id, f"race-{buyer_id}", {store_id: "pickup"})
                results.append("ok")
            except OutOfStockError:
                results.append("out_of_stock")
            except Exception as exc:  # noqa: BLE001  (any other failure fails the test below)
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(b.id,)) for b in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(set(results)) == ["ok", "out_of_stock"], results
    assert results.count("ok") == 5
    db.session.rollback()  # end the test's own read transaction to see the threads' commits
    assert db.session.get(Product, product_id).stock == 0
    assert _orders() == 5

