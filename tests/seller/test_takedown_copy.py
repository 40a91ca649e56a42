"""A product an admin took down cannot come back by duplicating it (issue 15, point 6): the copy
carries the takedown, and neither the web nor the API lets the seller switch it on."""
import re

import pytest

from malpro.extensions import db
from malpro.models import Product
from malpro.services import moderation, products, tokens
from malpro.services.catalog import visible_products
from tests.factories import PASSWORD

REASON = "Foto produk melanggar hak cipta"


@pytest.fixture
def taken_down(make, client):
    store = make.store(owner=make.user(email="penjual@example.com"))
    product = products.create_product(store.id, {"name": "Sambal Bawang", "category": "makanan-minuman",
                                                 "price": 25000, "stock": 5, "unit": "botol", "active": True})
    admin = make.admin(email="admin@example.com")
    moderation.take_down_product(admin.id, product.id, REASON)
    client.post("/auth/login", data={"email": "penjual@example.com", "password": PASSWORD})
    return {"store": store, "product": product, "admin": admin}


def _fresh(product_id: int) -> Product:
    db.session.expire_all()
    return db.session.get(Product, product_id)


def _visible_ids() -> set[int]:
    return set(db.session.scalars(visible_products().with_only_columns(Product.id)))


def test_the_copy_of_a_taken_down_product_carries_the_takedown(client, taken_down):
    response = client.post(f"/seller/produk/{taken_down['product'].id}/duplikat", follow_redirects=False)
    assert response.status_code == 303
    copy_id = int(re.search(r"/produk/(\d+)/ubah", response.headers["Location"]).group(1))
    copy = _fresh(copy_id)
    assert copy.moderation_reason == REASON and not copy.is_active
    notice = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ikut diturunkan" in notice

    # Web: neither the switch, nor the form, nor the quick toggle activates it.
    client.post(f"/seller/produk/{copy_id}/aktif", data={"active": "1"})
    client.post(f"/seller/produk/{copy_id}/ubah", data={
        "name": "Sambal Bawang baru", "category": "makanan-minuman", "price": "25000", "stock": "5",
        "unit": "botol", "active": "y"})
    assert not _fresh(copy_id).is_active and _fresh(copy_id).moderation_reason == REASON

    # API: the same refusal.
    token = tokens.issue_token(taken_down["store"].owner_id)[0]
    answer = client.patch(f"/api/v1/seller/products/{copy_id}", json={"active": True},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422 and "active" in answer.json["error"]["fields"]
    assert not _fresh(copy_id).is_active and copy_id not in _visible_ids()

    # The admin sees the copy among the taken-down products, and only the admin restores it.
    assert copy_id in {p.id for p in db.session.scalars(moderation.products_query(status="taken_down"))}
    moderation.restore_product(taken_down["admin"].id, copy_id)
    assert _fresh(copy_id).is_active and _fresh(copy_id).moderation_reason is None


def test_a_copy_of_a_normal_product_is_unaffected(client, taken_down, make):
    product = products.create_product(taken_down["store"].id, {
        "name": "Keripik", "category": "makanan-minuman", "price": 10000, "stock": 5, "unit": "bungkus"})
    response = client.post(f"/seller/produk/{product.id}/duplikat")
    copy_id = int(re.search(r"/produk/(\d+)/ubah", response.headers["Location"]).group(1))
    assert _fresh(copy_id).moderation_reason is None
    client.post(f"/seller/produk/{copy_id}/aktif", data={"active": "1"})
    assert _fresh(copy_id).is_active
