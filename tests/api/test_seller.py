"""The seller's store application, documents, products and orders through the API."""
import io

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Product, ProductImage, Store, StoreDecision
from malpro.services import cart, checkout, documents
from tests.api.conftest import assert_error
from tests.helpers import PDF_BYTES, png_bytes

APPLICATION = {"name": "Kopi Dampit Pak Min", "nib": "9120 0012 3456 7", "phone": "+62 812-1111-2222",
               "address": "Jl. Sukarno Hatta No. 5", "kecamatan": "Lowokwaru", "kelurahan": "Jatimulyo",
               "description": "Kopi robusta Dampit", "delivery": True, "pickup": False, "delivery_fee": 5000}


def _upload(data: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(data), name)}


# --- applying -------------------------------------------------------------------------------

def test_apply_creates_a_pending_store(api, buyer):
    response = api.post("/seller/store", token=buyer.token, json=APPLICATION)

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending" and body["verified"] is False and body["status_reason"] is None
    assert body["nib"] == "9120001234567" and body["phone"] == "6281211112222"
    assert body["fulfilment"] == {"delivery": True, "pickup": False, "delivery_fee": 5000}
    assert body["documents"] == []
    assert api.get("/me", token=buyer.token).get_json()["store"]["status"] == "pending"


def test_apply_refuses_bad_values_with_422(api, buyer):
    response = api.post("/seller/store", token=buyer.token, json={
        **APPLICATION, "nib": "123", "phone": "021-555", "kecamatan": "Batu", "delivery": False})

    assert_error(response, 422, "validation_error", fields=["nib", "phone", "kecamatan", "delivery"])
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0


def test_apply_refuses_missing_fields_wrong_types_and_status(api, buyer):
    assert_error(api.post("/seller/store", token=buyer.token, json={"name": "Toko"}), 422, "validation_error",
                 fields=["nib", "phone", "address"])
    assert_error(api.post("/seller/store", token=buyer.token, json={**APPLICATION, "delivery_fee": "5000"}),
                 400, "bad_request", fields=["delivery_fee"])
    assert_error(api.post("/seller/store", token=buyer.token, json={**APPLICATION, "status": "verified"}),
                 400, "bad_request", fields=["status"])


def test_a_second_store_or_a_taken_nib_is_409(api, buyer, caller, seller):
    api.post("/seller/store", token=buyer.token, json=APPLICATION)

    assert_error(api.post("/seller/store", token=buyer.token, json=APPLICATION), 409, "conflict")
    assert_error(api.post("/seller/store", token=caller().token, json=APPLICATION), 409, "conflict",
                 fields=["nib"])


def test_seller_endpoints_need_a_store(api, buyer):
    for response in (api.get("/seller/store", token=buyer.token), api.get("/seller/products", token=buyer.token),
                     api.patch("/seller/store", token=buyer.token, json={"name": "X"}),
                     api.get("/seller/orders", token=buyer.token)):
        assert_error(response, 403, "forbidden")
    assert_error(api.get("/seller/store"), 401, "unauthorized")


def test_get_own_store_shows_nib_phone_status_and_documents(api, seller):
    body = api.get("/seller/store", token=seller.token).get_json()

    assert body["slug"] == "keripik-bu-sri" and body["status"] == "verified" and body["verified"] is True
    assert len(body["nib"]) == 13 and body["phone"].startswith("628")


def test_patch_changes_only_the_fields_sent(api, seller):
    response = api.patch("/seller/store", token=seller.token,
                         json={"description": "Keripik tempe renyah", "delivery_fee": 12000})

    body = response.get_json()
    assert response.status_code == 200
    assert body["description"] == "Keripik tempe renyah" and body["fulfilment"]["delivery_fee"] == 12000
    assert body["name"] == "Keripik Bu Sri" and body["status"] == "verified"


def test_patch_cannot_change_the_name_of_a_verified_store(api, seller):
    assert_error(api.patch("/seller/store", token=seller.token, json={"name": "Nama Baru"}), 422,
                 "validation_error", fields=["name"])


def test_patching_a_rejected_store_resubmits_it(api, caller, make):
    owner = caller()
    make.store(owner=owner.user, status="rejected", status_reason="Foto NIB buram")

    response = api.patch("/seller/store", token=owner.token, json={"address": "Jl. Kawi No. 12"})

    body = response.get_json()
    assert body["status"] == "pending" and body["status_reason"] is None and body["address"] == "Jl. Kawi No. 12"
    assert db.session.scalar(select(StoreDecision.to_status).order_by(StoreDecision.id.desc())) == "pending"


# --- documents ------------------------------------------------------------------------------

def test_upload_a_document_and_download_it(api, seller, admin, caller):
    response = api.post("/seller/store/documents", token=seller.token, data=_upload(PDF_BYTES, "nib saya.pdf"))

    assert response.status_code == 201
    document = response.get_json()
    assert document["filename"] == "nib saya.pdf" and document["content_type"] == "application/pdf"
    assert document["size"] == len(PDF_BYTES)
    assert document["url"] == f"http://localhost/api/v1/documents/{document['id']}"
    assert api.get("/seller/store", token=seller.token).get_json()["documents"] == [document]
    for who in (seller, admin):
        download = api.get(f"/documents/{document['id']}", token=who.token)
        assert download.status_code == 200 and download.data == PDF_BYTES
        assert download.mimetype == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment")
    assert_error(api.get(f"/documents/{document['id']}", token=caller().token), 404, "not_found")
    assert_error(api.get(f"/documents/{document['id']}"), 401, "unauthorized")
    assert_error(api.get("/documents/999999", token=admin.token), 404, "not_found")


def test_a_document_over_5_mb_is_413(api, seller):
    big = PDF_BYTES[:-6] + b"0" * (5 * 1024 * 1024) + b"%%EOF\n"

    assert_error(api.post("/seller/store/documents", token=seller.token, data=_upload(big, "besar.pdf")),
                 413, "payload_too_large", fields=["file"])


def test_a_document_that_is_not_pdf_jpeg_or_png_is_422(api, seller):
    response = api.post("/seller/store/documents", token=seller.token,
                        data=_upload(b"<html><script>alert(1)</script></html>", "nib.pdf"))

    assert_error(response, 422, "validation_error", fields=["file"])


def test_a_document_upload_needs_multipart_and_a_file(api, seller):
    assert_error(api.post("/seller/store/documents", token=seller.token, json={"file": "x"}), 400, "bad_request")
    assert_error(api.post("/seller/store/documents", token=seller.token, data={"lain": "x"},
                           content_type="multipart/form-data"), 422,
                 "validation_error", fields=["file"])


# --- products -------------------------------------------------------------------------------

NEW_PRODUCT = {"name": "Keripik Tempe Pedas", "category": "makanan-minuman", "price": 18000, "stock": 30,
               "unit": "bungkus", "description": "Pedas gurih", "active": True, "halal_number": "ID35110000123"}


def test_create_list_get_patch_and_delete_own_products(api, seller):
    created = api.post("/seller/products", token=seller.token, json=NEW_PRODUCT)

    assert created.status_code == 201
    product = created.get_json()
    assert product["name"] == "Keripik Tempe Pedas" and product["active"] is True
    assert product["halal_number"] == "ID35110000123" and product["images"] == []
    assert product["category"] == {"slug": "makanan-minuman", "name": "Makanan & Minuman"}
    path = f"/seller/products/{product['id']}"
    assert api.get(path, token=seller.token).get_json() == product

    patched = api.patch(path, token=seller.token, json={"price": 20000, "active": False, "stock": None})
    assert patched.get_json()["price"] == 20000 and patched.get_json()["active"] is False
    assert patched.get_json()["stock"] is None

    listed = api.get("/seller/products", token=seller.token).get_json()
    assert [p["id"] for p in listed["items"]] == [product["id"]] and listed["total"] == 1
    assert api.get("/seller/products?status=active", token=seller.token).get_json()["total"] == 0
    assert_error(api.get("/seller/products?status=hilang", token=seller.token), 400, "bad_request")

    assert api.delete(path, token=seller.token).status_code == 204
    assert_error(api.get(path, token=seller.token), 404, "not_found")


def test_product_validation(api, seller):
    assert_error(api.post("/seller/products", token=seller.token, json={"name": "Ab", "category": "mobil",
                                                                        "price": 50}),
                 422, "validation_error", fields=["name", "category", "price"])
    assert_error(api.post("/seller/products", token=seller.token, json={}), 422, "validation_error",
                 fields=["name", "category", "price"])
    assert_error(api.post("/seller/products", token=seller.token, json={**NEW_PRODUCT, "price": "18.000"}),
                 400, "bad_request", fields=["price"])
    assert_error(api.post("/seller/products", token=seller.token, json={**NEW_PRODUCT, "store_id": 1}),
                 400, "bad_request", fields=["store_id"])


def test_a_pending_store_may_prepare_products(api, caller, make):
    owner = caller()
    make.store(owner=owner.user, status="pending")

    response = api.post("/seller/products", token=owner.token, json=NEW_PRODUCT)

    assert response.status_code == 201
    assert_error(api.get(f"/products/{response.get_json()['id']}"), 404, "not_found")


def test_another_sellers_product_is_404_everywhere(api, seller, make):
    theirs = make.product(name="Produk Orang Lain")
    path = f"/seller/products/{theirs.id}"

    assert_error(api.get(path, token=seller.token), 404, "not_found")
    assert_error(api.patch(path, token=seller.token, json={"price": 100}), 404, "not_found")
    assert_error(api.delete(path, token=seller.token), 404, "not_found")
    assert_error(api.post(f"{path}/images", token=seller.token, data=_upload(png_bytes(), "a.png")), 404,
                 "not_found")
    db.session.expire_all()
    assert db.session.get(Product, theirs.id).price == 15000


def test_an_ordered_product_cannot_be_deleted(api, seller, buyer, make):
    product = make.product(store=seller.user.store)
    cart.set_quantity(buyer.id, None, product.id, 1)
    checkout.place_orders(buyer.id, "k1", {product.store_id: "pickup"})

    assert_error(api.delete(f"/seller/products/{product.id}", token=seller.token), 409, "conflict")


def test_upload_product_images(api, seller, make):
    product = make.product(store=seller.user.store)

    response = api.post(f"/seller/products/{product.id}/images", token=seller.token,
                        data=_upload(png_bytes((800, 600)), "foto.png"))

    assert response.status_code == 201
    image = response.get_json()
    assert image["url"].startswith("http://localhost/media/products/") and image["url"].endswith(".webp")
    detail = api.get(f"/products/{product.id}").get_json()
    assert detail["images"] == [image["url"]] and detail["image_url"].endswith("_t.webp")
    assert db.session.get(ProductImage, image["id"]).product_id == product.id


def test_image_upload_errors(api, seller, make, app):
    product = make.product(store=seller.user.store)
    path = f"/seller/products/{product.id}/images"

    assert_error(api.post(path, token=seller.token, data=_upload(b"bukan gambar", "a.png")), 422,
                 "validation_error", fields=["file"])
    assert_error(api.post(path, token=seller.token, data={"lain": "x"}, content_type="multipart/form-data"), 422,
                 "validation_error", fields=["file"])
    assert_error(api.post(path, token=seller.token, json={}), 400, "bad_request")
    app.config["IMAGE_MAX_BYTES"] = 1000
    assert_error(api.post(path, token=seller.token, data=_upload(png_bytes((400, 400), (1, 2, 3)) + b"0" * 2000,
                                                                 "besar.png")),
                 413, "payload_too_large", fields=["file"])


# --- orders ---------------------------------------------------------------------------------

ADDRESS = {"recipient": "Budi", "phone": "081298765432", "street": "Jl. Ijen No. 10",
           "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo"}


@pytest.fixture
def cod_order(seller, buyer, make):
    product = make.product(store=seller.user.store, price=15000)
    cart.set_quantity(buyer.id, None, product.id, 2)
    [order] = checkout.place_orders(buyer.id, "k1", {product.store_id: "delivery"}, address=ADDRESS)
    return order


def test_seller_lists_the_stores_orders_with_the_buyer(api, seller, cod_order):
    body = api.get("/seller/orders", token=seller.token).get_json()

    assert body["total"] == 1
    order = body["items"][0]
    assert order["code"] == cod_order.code and order["buyer"] == {"name": "Budi Pembeli", "phone": None}
    assert order["address"]["phone"] == "6281298765432"
    assert api.get("/seller/orders?status=completed", token=seller.token).get_json()["total"] == 0
    assert_error(api.get("/seller/orders?status=x", token=seller.token), 400, "bad_request")


def test_seller_moves_an_order_to_completed(api, seller, cod_order):
    path = f"/seller/orders/{cod_order.code}/status"

    for status in ("confirmed", "shipped", "completed"):
        response = api.post(path, token=seller.token, json={"status": status})
        assert response.status_code == 200 and response.get_json()["status"] == status

    assert [e["status"] for e in response.get_json()["events"]] == ["pending", "confirmed", "shipped", "completed"]
    assert_error(api.post(path, token=seller.token, json={"status": "cancelled", "note": "x"}), 409, "conflict")


def test_illegal_moves_are_409_and_bad_input_422(api, seller, cod_order):
    path = f"/seller/orders/{cod_order.code}/status"

    assert_error(api.post(path, token=seller.token, json={"status": "completed"}), 409, "conflict")
    assert_error(api.post(path, token=seller.token, json={"status": "ready"}), 409, "conflict")  # delivery order
    assert_error(api.post(path, token=seller.token, json={"status": "cancelled"}), 422, "validation_error",
                 fields=["note"])
    assert_error(api.post(path, token=seller.token, json={"status": "hilang"}), 422, "validation_error")
    assert_error(api.post(path, token=seller.token, json={}), 422, "validation_error", fields=["status"])
    assert_error(api.post(path, token=seller.token, json={"status": 2}), 400, "bad_request")
    cancelled = api.post(path, token=seller.token, json={"status": "cancelled", "note": "Stok rusak"})
    assert cancelled.get_json()["cancel_reason"] == "Stok rusak"


def test_another_sellers_order_is_404(api, caller, make, cod_order):
    other = caller()
    make.store(owner=other.user)

    assert_error(api.post(f"/seller/orders/{cod_order.code}/status", token=other.token,
                          json={"status": "confirmed"}), 404, "not_found")
    assert api.get("/seller/orders", token=other.token).get_json()["total"] == 0


def test_documents_are_stored_outside_the_public_media(api, seller, app):
    document = api.post("/seller/store/documents", token=seller.token,
                        data=_upload(PDF_BYTES, "nib.pdf")).get_json()
    stored = db.session.get(Store, seller.user.store.id).documents[0].stored_name

    assert documents.document_path(stored).read_bytes() == PDF_BYTES
    assert api.client.get(f"/media/documents/{stored}").status_code == 404
    assert str(document["id"]) in document["url"]
