"""The buyer's cart, checkout, orders, cancellation and reviews through the API."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import CartItem, Order, Product
from malpro.services import cart, orders
from malpro.services.catalog import today_wib
from tests.api.conftest import assert_error
from tests.helpers import recorded_queries

ADDRESS = {"recipient": "Budi Santoso", "phone": "0812-9876-5432", "street": "Jl. Ijen No. 10",
           "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo", "notes": "Pagar hijau"}


@pytest.fixture
def goods(make, seller):
    """Two products of the seller's store (stock 5 and unlimited) and one of another store."""
    store = seller.user.store
    return {
        "keripik": make.product(store=store, name="Keripik Tempe", price=15000, stock=5),
        "jasa": make.product(store=store, name="Jasa Antar Kue", price=20000, stock=None, unit="jam"),
        "batik": make.product(store=make.store(delivery_fee=7000), name="Batik Malangan", price=100000, stock=2),
    }


def stock_of(product_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Product, product_id).stock


# --- cart -------------------------------------------------------------------------------------

def test_cart_starts_empty(api, buyer):
    assert api.get("/cart", token=buyer.token).get_json() == {"groups": [], "total": 0}


def test_put_sets_quantities_grouped_by_store(api, buyer, goods):
    api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 2})
    api.put(f"/cart/items/{goods['batik'].id}", token=buyer.token, json={"quantity": 1})
    response = api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 3})

    body = response.get_json()
    assert response.status_code == 200 and body["total"] == 3 * 15000 + 100000
    group = body["groups"][0]
    assert group["store"]["slug"] == "keripik-bu-sri"
    assert group["store"]["fulfilment"] == {"delivery": True, "pickup": True, "delivery_fee": 10000}
    assert group["items"] == [{"product_id": goods["keripik"].id, "name": "Keripik Tempe", "price": 15000,
                               "quantity": 3, "subtotal": 45000, "available": True, "problem": None}]
    assert group["subtotal"] == 45000


def test_quantity_zero_and_delete_remove_the_item(api, buyer, goods):
    api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 2})
    api.put(f"/cart/items/{goods['batik'].id}", token=buyer.token, json={"quantity": 1})

    after_zero = api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 0}).get_json()
    after_delete = api.delete(f"/cart/items/{goods['batik'].id}", token=buyer.token)

    assert [g["items"][0]["name"] for g in after_zero["groups"]] == ["Batik Malangan"]
    assert after_delete.status_code == 200 and after_delete.get_json() == {"groups": [], "total": 0}


def test_more_than_the_stock_is_422_out_of_stock(api, buyer, goods):
    response = api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 6})

    assert_error(response, 422, "out_of_stock", fields=["quantity"])
    assert api.get("/cart", token=buyer.token).get_json()["total"] == 0


def test_a_closed_store_is_422_store_unavailable(api, buyer, goods):
    store = goods["keripik"].store
    store.closed_from, store.closed_until = today_wib(), today_wib() + timedelta(days=2)
    db.session.commit()

    assert_error(api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 1}),
                 422, "store_unavailable")


def test_cart_quantity_errors(api, buyer, goods, make):
    path = f"/cart/items/{goods['keripik'].id}"
    assert_error(api.put(path, token=buyer.token, json={"quantity": "2"}), 400, "bad_request", fields=["quantity"])
    assert_error(api.put(path, token=buyer.token, json={"quantity": True}), 400, "bad_request", fields=["quantity"])
    assert_error(api.put(path, token=buyer.token, json={}), 422, "validation_error", fields=["quantity"])
    assert_error(api.put(path, token=buyer.token, json={"quantity": -1}), 422, "validation_error")
    assert_error(api.put(path, token=buyer.token, data="{", content_type="application/json"), 400, "bad_request")
    hidden = make.product(store=make.store(status="pending"))
    assert_error(api.put(f"/cart/items/{hidden.id}", token=buyer.token, json={"quantity": 1}), 404, "not_found")
    assert_error(api.put(path, json={"quantity": 1}), 401, "unauthorized")


def test_the_cart_flags_items_that_can_no_longer_be_ordered(api, buyer, goods):
    cart.set_quantity(buyer.id, None, goods["keripik"].id, 4)
    goods["keripik"].stock = 2
    db.session.commit()

    item = api.get("/cart", token=buyer.token).get_json()["groups"][0]["items"][0]

    assert item["available"] is False and "2" in item["problem"]


# --- checkout ---------------------------------------------------------------------------------

def _fill(buyer, goods, *names, quantity=1):
    for name in names:
        cart.set_quantity(buyer.id, None, goods[name].id, quantity)


def test_checkout_cod_makes_one_order_per_store_and_empties_the_cart(api, buyer, goods):
    _fill(buyer, goods, "keripik", "batik", quantity=2)
    seller_store, other_store = goods["keripik"].store_id, goods["batik"].store_id

    response = api.post("/orders", token=buyer.token, json={
        "fulfilment": {str(seller_store): "delivery", str(other_store): "pickup"}, "address": ADDRESS})

    assert response.status_code == 201
    placed = {o["store"]["id"]: o for o in response.get_json()["orders"]}
    cod, pickup = placed[seller_store], placed[other_store]
    assert cod["status"] == "pending" and cod["status_label"] == "Menunggu Konfirmasi"
    assert cod["code"].startswith("MLP-") and cod["fulfilment"] == "delivery"
    assert (cod["subtotal"], cod["delivery_fee"], cod["total"]) == (30000, 10000, 40000)
    assert cod["address"] == {"recipient": "Budi Santoso", "phone": "6281298765432", "street": "Jl. Ijen No. 10",
                              "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo", "notes": "Pagar hijau"}
    assert cod["items"] == [{"product_id": goods["keripik"].id, "name": "Keripik Tempe", "price": 15000,
                             "quantity": 2, "subtotal": 30000}]
    assert [e["status"] for e in cod["events"]] == ["pending"]
    assert pickup["address"] is None and pickup["delivery_fee"] == 0
    assert pickup["store"]["whatsapp_url"].startswith("https://wa.me/628")
    assert stock_of(goods["keripik"].id) == 3 and stock_of(goods["batik"].id) == 0
    assert api.get("/cart", token=buyer.token).get_json() == {"groups": [], "total": 0}


def test_checkout_writes_and_answers_without_reading_its_rows_back(api, buyer, goods):
    """A checkout reads a fixed few things whatever the cart holds (caller, key, cart with
    products and stores, sellers, COD guard), and nothing after its writes: the orders in the
    answer are the rows just written (no lazy load per order, item or event)."""
    _fill(buyer, goods, "keripik", "jasa", "batik", quantity=1)
    fulfilment = {str(goods["keripik"].store_id): "delivery", str(goods["batik"].store_id): "pickup"}

    with recorded_queries() as statements:
        response = api.post("/orders", token=buyer.token, json={"fulfilment": fulfilment, "address": ADDRESS})

    assert response.status_code == 201 and len(response.get_json()["orders"]) == 2
    kinds = [statement.split()[0].upper() for statement in statements]
    first_write = next(i for i, kind in enumerate(kinds) if kind != "SELECT")
    assert "SELECT" not in kinds[first_write:], statements[first_write:]
    assert kinds.count("SELECT") == 5, statements


def test_checkout_of_chosen_stores_keeps_the_others_in_the_cart(api, buyer, goods):
    _fill(buyer, goods, "keripik", "batik")

    response = api.post("/orders", token=buyer.token, json={
        "store_ids": [goods["batik"].store_id], "fulfilment": {str(goods["batik"].store_id): "pickup"}})

    assert [o["store"]["id"] for o in response.get_json()["orders"]] == [goods["batik"].store_id]
    left = api.get("/cart", token=buyer.token).get_json()["groups"]
    assert [g["store"]["id"] for g in left] == [goods["keripik"].store_id]


def test_pickup_ignores_the_address(api, buyer, goods):
    _fill(buyer, goods, "keripik")

    response = api.post("/orders", token=buyer.token, json={
        "fulfilment": {str(goods["keripik"].store_id): "pickup"},
        "address": {"recipient": "X", "phone": "bukan", "street": "-", "kecamatan": "Jakarta", "kelurahan": "-"}})

    assert response.status_code == 201
    assert response.get_json()["orders"][0]["address"] is None
    assert db.session.scalar(select(Order.street)) is None


def test_delivery_needs_a_valid_address_in_kota_malang(api, buyer, goods):
    _fill(buyer, goods, "keripik")
    mode = {str(goods["keripik"].store_id): "delivery"}

    missing = api.post("/orders", token=buyer.token, json={"fulfilment": mode})
    outside = api.post("/orders", token=buyer.token, json={
        "fulfilment": mode, "address": {**ADDRESS, "kecamatan": "Batu", "kelurahan": "Sisir"}})

    assert_error(missing, 422, "validation_error", fields=["recipient", "street"])
    assert_error(outside, 422, "validation_error", fields=["kecamatan"])
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert stock_of(goods["keripik"].id) == 5


def test_the_same_idempotency_key_returns_the_same_orders(api, buyer, goods):
    _fill(buyer, goods, "keripik", quantity=2)
    body = {"fulfilment": {str(goods["keripik"].store_id): "pickup"}}
    key = {"Idempotency-Key": "android-7f3c9a"}

    first = api.post("/orders", token=buyer.token, json=body, headers=key)
    cart.set_quantity(buyer.id, None, goods["keripik"].id, 1)  # the app retries after the cart changed
    again = api.post("/orders", token=buyer.token, json=body, headers=key)

    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert stock_of(goods["keripik"].id) == 3
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_without_a_key_each_placement_is_new(api, buyer, goods):
    body = {"fulfilment": {str(goods["keripik"].store_id): "pickup"}}
    _fill(buyer, goods, "keripik")
    api.post("/orders", token=buyer.token, json=body)
    _fill(buyer, goods, "keripik")
    api.post("/orders", token=buyer.token, json=body)

    assert db.session.scalar(select(func.count()).select_from(Order)) == 2


def test_checkout_errors(api, buyer, goods, app):
    store = str(goods["keripik"].store_id)
    assert_error(api.post("/orders", token=buyer.token, json={"fulfilment": {store: "pickup"}}),
                 422, "validation_error")  # empty cart
    _fill(buyer, goods, "keripik")
    assert_error(api.post("/orders", token=buyer.token, json={"fulfilment": {store: "drone"}}),
                 422, "validation_error", fields=[f"fulfilment.{store}"])
    assert_error(api.post("/orders", token=buyer.token, json={"fulfilment": {"toko": "pickup"}}),
                 400, "bad_request", fields=["fulfilment.toko"])
    assert_error(api.post("/orders", token=buyer.token, json={"store_ids": ["1"]}), 400, "bad_request",
                 fields=["store_ids"])
    assert_error(api.post("/orders", token=buyer.token, json={"fulfilment": {store: "pickup"}, "kupon": "X"}),
                 400, "bad_request", fields=["kupon"])
    assert_error(api.post("/orders", token=buyer.token, json={"address": {**ADDRESS, "rt": 5}}), 400,
                 "bad_request", fields=["address.rt"])
    assert_error(api.post("/orders", token=buyer.token, json={}, headers={"Idempotency-Key": "k" * 81}), 400,
                 "bad_request")
    assert_error(api.post("/orders", json={}), 401, "unauthorized")


def test_checkout_refuses_when_stock_ran_out(api, buyer, goods):
    _fill(buyer, goods, "keripik", quantity=3)
    goods["keripik"].stock = 1
    db.session.commit()

    response = api.post("/orders", token=buyer.token, json={"fulfilment": {str(goods["keripik"].store_id): "pickup"}})

    assert_error(response, 422, "out_of_stock")
    assert stock_of(goods["keripik"].id) == 1


def test_checkout_refuses_a_store_no_longer_verified(api, buyer, goods):
    _fill(buyer, goods, "keripik")
    goods["keripik"].store.status = "suspended"
    db.session.commit()

    response = api.post("/orders", token=buyer.token, json={"fulfilment": {str(goods["keripik"].store_id): "pickup"}})

    assert_error(response, 422, "store_unavailable")


def test_too_many_pending_orders_is_422(api, buyer, goods, app):
    app.config["MAX_PENDING_ORDERS"] = 1
    body = {"fulfilment": {str(goods["keripik"].store_id): "pickup"}}
    _fill(buyer, goods, "keripik")
    api.post("/orders", token=buyer.token, json=body)
    _fill(buyer, goods, "keripik")

    assert_error(api.post("/orders", token=buyer.token, json=body), 422, "too_many_pending_orders")
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 1


# --- orders -----------------------------------------------------------------------------------

def _place(api, buyer, goods, name="keripik", mode="pickup", quantity=1) -> dict:
    cart.set_quantity(buyer.id, None, goods[name].id, quantity)
    body = {"fulfilment": {str(goods[name].store_id): mode}}
    if mode == "delivery":
        body["address"] = ADDRESS
    response = api.post("/orders", token=buyer.token, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["orders"][0]


def test_orders_list_newest_first_with_a_status_filter(api, buyer, goods):
    first = _place(api, buyer, goods, "keripik")
    second = _place(api, buyer, goods, "batik")
    orders.move(first["code"], goods["keripik"].store.owner_id, "seller", "confirmed")

    everything = api.get("/orders", token=buyer.token).get_json()
    pending = api.get("/orders?status=pending", token=buyer.token).get_json()
    paged = api.get("/orders?per_page=1&page=2", token=buyer.token).get_json()

    assert [o["code"] for o in everything["items"]] == [second["code"], first["code"]]
    assert everything["total"] == 2
    assert [o["code"] for o in pending["items"]] == [second["code"]]
    assert [o["code"] for o in paged["items"]] == [first["code"]] and paged["total"] == 2
    assert_error(api.get("/orders?status=dikirim", token=buyer.token), 400, "bad_request", fields=["status"])
    assert_error(api.get("/orders?per_page=101", token=buyer.token), 400, "bad_request", fields=["per_page"])


def test_one_order_with_its_timeline(api, buyer, goods):
    placed = _place(api, buyer, goods, mode="delivery")

    body = api.get(f"/orders/{placed['code']}", token=buyer.token).get_json()

    assert body == placed
    assert body["events"][0]["at"].endswith("+07:00") and body["created_at"].endswith("+07:00")


def test_another_buyers_order_is_404(api, buyer, caller, goods):
    placed = _place(api, buyer, goods)
    stranger = caller()

    assert_error(api.get(f"/orders/{placed['code']}", token=stranger.token), 404, "not_found")
    assert_error(api.post(f"/orders/{placed['code']}/cancel", token=stranger.token), 404, "not_found")
    assert_error(api.post(f"/orders/{placed['code']}/reviews", token=stranger.token,
                          json=[{"product_id": goods["keripik"].id, "rating": 5}]), 404, "not_found")
    assert api.get("/orders", token=stranger.token).get_json()["total"] == 0


def test_cancel_while_pending_returns_the_stock(api, buyer, goods):
    placed = _place(api, buyer, goods, quantity=2)
    assert stock_of(goods["keripik"].id) == 3

    response = api.post(f"/orders/{placed['code']}/cancel", token=buyer.token, json={"note": "Salah pesan"})

    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "cancelled"
    assert body["events"][-1] == {"status": "cancelled", "at": body["events"][-1]["at"], "note": "Salah pesan"}
    assert stock_of(goods["keripik"].id) == 5
    assert_error(api.post(f"/orders/{placed['code']}/cancel", token=buyer.token), 409, "conflict")


def test_cancel_after_confirmation_is_409(api, buyer, goods):
    placed = _place(api, buyer, goods)
    orders.move(placed["code"], goods["keripik"].store.owner_id, "seller", "confirmed")

    assert_error(api.post(f"/orders/{placed['code']}/cancel", token=buyer.token), 409, "conflict")
    assert_error(api.post(f"/orders/{placed['code']}/cancel", token=buyer.token, json={"note": 5}), 400,
                 "bad_request", fields=["note"])


def _complete(code: str, seller_id: int):
    for status in ("confirmed", "ready", "completed"):
        orders.move(code, seller_id, "seller", status)


def test_reviews_of_a_completed_order_then_409_once_reviewed(api, buyer, goods):
    placed = _place(api, buyer, goods)
    product_id = goods["keripik"].id
    assert_error(api.post(f"/orders/{placed['code']}/reviews", token=buyer.token,
                          json=[{"product_id": product_id, "rating": 5}]), 409, "conflict")
    _complete(placed["code"], goods["keripik"].store.owner_id)

    response = api.post(f"/orders/{placed['code']}/reviews", token=buyer.token,
                        json=[{"product_id": product_id, "rating": 4, "comment": "Renyah!"}])

    assert response.status_code == 201
    assert response.get_json() == [{"product_id": product_id, "rating": 4, "comment": "Renyah!"}]
    assert api.get(f"/products/{product_id}").get_json()["rating"] == {"average": 4.0, "count": 1}
    assert_error(api.post(f"/orders/{placed['code']}/reviews", token=buyer.token,
                          json=[{"product_id": product_id, "rating": 5}]), 409, "conflict")


def test_review_errors(api, buyer, goods):
    placed = _place(api, buyer, goods)
    _complete(placed["code"], goods["keripik"].store.owner_id)
    path = f"/orders/{placed['code']}/reviews"

    assert_error(api.post(path, token=buyer.token, json=[{"product_id": goods["keripik"].id, "rating": 6}]),
                 422, "validation_error", fields=["0.rating"])
    assert_error(api.post(path, token=buyer.token, json=[{"product_id": goods["batik"].id, "rating": 5}]),
                 422, "validation_error", fields=["0.product_id"])
    assert_error(api.post(path, token=buyer.token, json=[{"product_id": goods["keripik"].id}]),
                 422, "validation_error", fields=["0.rating"])
    assert_error(api.post(path, token=buyer.token, json=[]), 422, "validation_error")
    assert_error(api.post(path, token=buyer.token, json={"product_id": 1, "rating": 5}), 400, "bad_request")
    assert_error(api.post(path, token=buyer.token, json=[{"product_id": "1", "rating": 5}]), 400, "bad_request",
                 fields=["0.product_id"])
    assert_error(api.post(path, token=buyer.token, json=["bagus"]), 400, "bad_request", fields=["0"])
    assert_error(api.post("/orders/MLP-00000000-000000/reviews", token=buyer.token,
                          json=[{"product_id": 1, "rating": 5}]), 404, "not_found")
