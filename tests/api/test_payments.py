"""The payment API (API.md, the QRIS issue): the store's QRIS (image or payload), checkout with a
payment mapping, the order resource's `payment`, payment-claim with a proof, the seller's
decision, the lifecycle refusal, and who may see what."""
import io

import crcmod.predefined
import pytest
from PIL import Image

from malpro.extensions import db
from malpro.models import Order
from malpro.services import qris
from tests.api.conftest import assert_error
from tests.order_helpers import ADDRESS
from tests.qris_helpers import NMID, qr_png, static_payload

crc_ccitt_false = crcmod.predefined.mkCrcFun("crc-ccitt-false")


@pytest.fixture
def goods(make, seller):
    other = make.store(name="Batik Celaket")
    return {"keripik": make.product(store=seller.user.store, name="Keripik Tempe", price=15000, stock=5),
            "batik": make.product(store=other, name="Batik Tulis", price=41000, stock=5), "other_store": other}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "blue").save(out, "PNG")
    return out.getvalue()


def test_store_qris_by_image_then_payload_then_delete(api, seller):
    payload = static_payload(name="KERIPIK BU SRI")
    response = api.put("/seller/store/qris", token=seller.token,
                       data={"image": (io.BytesIO(qr_png(payload)), "qris.png")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.get_json() == {"merchant_name": "KERIPIK BU SRI", "nmid": NMID, "city": "MALANG"}
    assert api.get("/seller/store", token=seller.token).get_json()["qris"]["nmid"] == NMID

    response = api.put("/seller/store/qris", token=seller.token, json={"payload": static_payload(name="BARU")})
    assert response.status_code == 200 and response.get_json()["merchant_name"] == "BARU"
    assert api.delete("/seller/store/qris", token=seller.token).status_code == 204
    assert api.get("/seller/store", token=seller.token).get_json()["qris"] is None
    assert_error(api.delete("/seller/store/qris", token=seller.token), 404, "not_found")


def test_invalid_qris_is_422_with_the_reason(api, seller, buyer):
    error = assert_error(api.put("/seller/store/qris", token=seller.token, json={"payload": static_payload(t01="12")}),
                         422, "validation_error", fields=["payload"])
    assert "QRIS dinamis" in error["fields"]["payload"]
    error = assert_error(api.put("/seller/store/qris", token=seller.token,
                                 data={"image": (io.BytesIO(_png()), "x.png")}, content_type="multipart/form-data"),
                         422, "validation_error", fields=["image"])
    assert "Gambar tidak terbaca" in error["fields"]["image"]
    assert_error(api.put("/seller/store/qris", token=seller.token, json={"payload": 5}), 400, "bad_request")
    assert_error(api.put("/seller/store/qris", token=buyer.token, json={"payload": static_payload()}), 403,
                 "forbidden")
    assert api.get("/seller/store", token=seller.token).get_json()["qris"] is None


def _checkout(api, buyer, goods, payment):
    for product in (goods["keripik"], goods["batik"]):
        api.put(f"/cart/items/{product.id}", token=buyer.token, json={"quantity": 1})
    return api.post("/orders", token=buyer.token, json={
        "fulfilment": {str(goods["keripik"].store_id): "delivery", str(goods["batik"].store_id): "pickup"},
        "address": {k: v for k, v in ADDRESS.items()}, "payment": payment})


def test_qris_at_a_store_without_one_is_422_and_nothing_is_written(api, buyer, goods):
    error = assert_error(_checkout(api, buyer, goods, {str(goods["batik"].store_id): "qris"}), 422,
                         "validation_error", fields=[f"payment.{goods['batik'].store_id}"])
    assert error
    assert db.session.query(Order).count() == 0
    assert_error(_checkout(api, buyer, goods, {"abc": "qris"}), 400, "bad_request", fields=["payment.abc"])


def test_the_whole_flow_through_the_api(api, buyer, seller, caller, goods):
    api.put("/seller/store/qris", token=seller.token, json={"payload": static_payload(name="KERIPIK BU SRI")})
    response = _checkout(api, buyer, goods, {str(goods["keripik"].store_id): "qris"})
    assert response.status_code == 201
    placed = {o["store"]["id"]: o for o in response.get_json()["orders"]}
    order, cash = placed[goods["keripik"].store_id], placed[goods["batik"].store_id]
    assert cash["payment"] == {"method": "cash", "status": "unpaid", "amount": 41000, "merchant_name": None,
                               "qris_payload": None}
    payment = order["payment"]
    assert (payment["method"], payment["status"], payment["merchant_name"]) == ("qris", "unpaid", "KERIPIK BU SRI")
    assert payment["amount"] == order["total"] == 15000 + 10000
    payload = payment["qris_payload"]
    assert qris.parse_tlv(payload)[-1] == ("63", f"{crc_ccitt_false(payload[:-4].encode()):04X}")
    assert dict(qris.parse_tlv(payload))["54"] == str(order["total"])
    code = order["code"]

    # Shipped before paid: 409; paying a cash order: 409; the seller cannot decide before a claim.
    api.post(f"/seller/orders/{code}/status", token=seller.token, json={"status": "confirmed"})
    assert_error(api.post(f"/seller/orders/{code}/status", token=seller.token, json={"status": "shipped"}),
                 409, "conflict")
    assert_error(api.post(f"/orders/{cash['code']}/payment-claim", token=buyer.token), 409, "conflict")
    assert_error(api.post(f"/seller/orders/{code}/payment", token=seller.token, json={"received": True}),
                 409, "conflict")

    # Claim with a proof; another buyer is 404; a second claim is 409.
    assert_error(api.post(f"/orders/{code}/payment-claim", token=caller().token), 404, "not_found")
    response = api.post(f"/orders/{code}/payment-claim", token=buyer.token,
                        data={"proof": (io.BytesIO(_png()), "bukti.png")}, content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["payment"]["status"] == "claimed"
    assert response.get_json()["events"][-1]["payment_status"] == "claimed"
    assert_error(api.post(f"/orders/{code}/payment-claim", token=buyer.token), 409, "conflict")

    # The seller: a wrong body is 400/422, then received.
    assert_error(api.post(f"/seller/orders/{code}/payment", token=seller.token, json={"received": "ya"}),
                 400, "bad_request")
    assert_error(api.post(f"/seller/orders/{code}/payment", token=seller.token, json={}), 422, "validation_error")
    response = api.post(f"/seller/orders/{code}/payment", token=seller.token, json={"received": True})
    assert response.status_code == 200 and response.get_json()["payment"]["status"] == "paid"
    for step in ("shipped", "completed"):
        response = api.post(f"/seller/orders/{code}/status", token=seller.token, json={"status": step})
        assert response.status_code == 200
    body = api.get(f"/orders/{code}", token=buyer.token).get_json()
    assert (body["status"], body["payment"]["status"]) == ("completed", "paid")


def test_not_received_goes_back_to_unpaid(api, buyer, seller, goods):
    api.put("/seller/store/qris", token=seller.token, json={"payload": static_payload()})
    api.put(f"/cart/items/{goods['keripik'].id}", token=buyer.token, json={"quantity": 1})
    [order] = api.post("/orders", token=buyer.token, json={
        "fulfilment": {str(goods["keripik"].store_id): "pickup"},
        "payment": {str(goods["keripik"].store_id): "qris"}}).get_json()["orders"]
    api.post(f"/orders/{order['code']}/payment-claim", token=buyer.token)
    response = api.post(f"/seller/orders/{order['code']}/payment", token=seller.token, json={"received": False})
    assert response.status_code == 200 and response.get_json()["payment"]["status"] == "unpaid"
    cart_body = api.get("/cart", token=buyer.token).get_json()
    assert cart_body["groups"] == []
