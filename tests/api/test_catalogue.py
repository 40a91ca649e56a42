"""The public catalogue: regions, categories, the product list, one product, stores."""
from datetime import timedelta

import pytest

from malpro.extensions import db
from malpro.models import Product, ProductImage, utcnow
from tests.api.conftest import assert_error


def test_regions_are_the_five_kecamatan_with_their_kelurahan(api):
    body = api.get("/regions").get_json()

    assert [r["kecamatan"] for r in body] == ["Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"]
    assert sum(len(r["kelurahan"]) for r in body) == 57
    assert "Oro-oro Dowo" in next(r for r in body if r["kecamatan"] == "Klojen")["kelurahan"]


def test_categories_count_only_visible_products(api, make):
    store = make.store()
    make.product(store=store, category="kriya")
    make.product(store=store, category="kriya")
    make.product(store=store, category="kriya", is_active=False)
    make.product(store=make.store(status="pending"), category="kriya")

    body = api.get("/categories").get_json()

    assert len(body) == 8 and body[0]["slug"] == "makanan-minuman"
    assert {c["slug"]: c["product_count"] for c in body}["kriya"] == 2
    assert set(body[0]) == {"slug", "name", "product_count"}


@pytest.fixture
def shelf(make):
    """Visible products in two stores and kecamatan, and some that must never show."""
    klojen = make.store(name="Toko Klojen", slug="toko-klojen", kecamatan="Klojen", kelurahan="Kauman")
    sukun = make.store(name="Toko Sukun", slug="toko-sukun", kecamatan="Sukun", kelurahan="Bandungrejosari")
    now = utcnow()
    items = {
        "keripik": make.product(store=klojen, name="Keripik Tempe Malang", price=15000, created_at=now,
                                rating_count=3, rating_sum=13),
        "batik": make.product(store=sukun, name="Batik Tulis Malangan", category="fashion-wanita", price=250000,
                              created_at=now - timedelta(days=1)),
        "kopi": make.product(store=sukun, name="Kopi Dampit", price=40000, created_at=now - timedelta(days=2),
                             rating_count=2, rating_sum=9),
    }
    make.product(store=klojen, name="Keripik Tersembunyi", is_active=False)
    make.product(store=make.store(status="pending"), name="Keripik Toko Pending")
    make.product(store=make.store(status="suspended"), name="Keripik Toko Beku")
    return items


def _ids(response) -> list[int]:
    return [item["id"] for item in response.get_json()["items"]]


def test_products_lists_visible_products_newest_first_with_summaries(api, shelf):
    response = api.get("/products")

    body = response.get_json()
    assert body["page"] == 1 and body["per_page"] == 20 and body["total"] == 3
    assert _ids(response) == [shelf["keripik"].id, shelf["batik"].id, shelf["kopi"].id]
    first = body["items"][0]
    assert first == {
        "id": shelf["keripik"].id, "name": "Keripik Tempe Malang", "price": 15000, "unit": "pcs", "stock": 10,
        "image_url": None, "category": {"slug": "makanan-minuman", "name": "Makanan & Minuman"},
        "store": {"id": shelf["keripik"].store_id, "slug": "toko-klojen", "name": "Toko Klojen",
                  "kecamatan": "Klojen"},
        "rating": {"average": 4.3, "count": 3},
    }
    assert body["items"][1]["rating"] == {"average": None, "count": 0}
    assert body["items"][2]["rating"] == {"average": 4.5, "count": 2}


def test_products_search_and_filters(api, shelf):
    assert _ids(api.get("/products?q=keripik")) == [shelf["keripik"].id]
    assert _ids(api.get("/products?category=fashion-wanita")) == [shelf["batik"].id]
    assert _ids(api.get("/products?kecamatan=Sukun")) == [shelf["batik"].id, shelf["kopi"].id]
    assert _ids(api.get("/products?min_price=20000&max_price=100000")) == [shelf["kopi"].id]
    assert api.get("/products?q=keripik").get_json()["total"] == 1


def test_products_sorts(api, shelf):
    keripik, batik, kopi = shelf["keripik"].id, shelf["batik"].id, shelf["kopi"].id
    assert _ids(api.get("/products?sort=price_asc")) == [keripik, kopi, batik]
    assert _ids(api.get("/products?sort=price_desc")) == [batik, kopi, keripik]
    assert _ids(api.get("/products?sort=rating")) == [kopi, keripik, batik]
    assert _ids(api.get("/products?sort=newest")) == [keripik, batik, kopi]


def test_products_paginate_with_the_total(api, shelf):
    first = api.get("/products?per_page=2").get_json()
    second = api.get("/products?per_page=2&page=2").get_json()
    beyond = api.get("/products?per_page=2&page=5").get_json()

    assert (first["total"], second["total"], beyond["total"]) == (3, 3, 3)
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and beyond["items"] == []
    assert second["page"] == 2 and second["per_page"] == 2


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=x", "page"), ("per_page=101", "per_page"), ("per_page=0", "per_page"),
    ("min_price=murah", "min_price"), ("max_price=-5", "max_price"), ("min_price=5000&max_price=100", "max_price"),
    ("category=tidak-ada", "category"), ("sort=termurah", "sort"), ("kecamatan=Jakarta", "kecamatan"),
])
def test_bad_list_parameters_are_400(api, query, field):
    assert_error(api.get(f"/products?{query}"), 400, "bad_request", fields=[field])


def test_product_detail_adds_description_images_and_the_stores_contact(api, make):
    store = make.store(slug="toko-foto", delivery_fee=8000, offers_pickup=False, phone="6281234567890")
    product = make.product(store=store, description="Renyah dan gurih")
    product.images.append(ProductImage(position=0, thumb_path="products/a_t.webp", large_path="products/a_l.webp"))
    product.cover_path = "products/a_t.webp"
    db.session.commit()

    body = api.get(f"/products/{product.id}").get_json()

    assert body["description"] == "Renyah dan gurih"
    assert body["images"] == ["http://localhost/media/products/a_l.webp"]
    assert body["image_url"] == "http://localhost/media/products/a_t.webp"
    assert body["store"]["whatsapp_url"] == "https://wa.me/6281234567890"
    assert body["store"]["fulfilment"] == {"delivery": True, "pickup": False, "delivery_fee": 8000}
    assert "nib" not in body["store"] and "phone" not in body["store"]


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_a_product_of_an_unverified_store_is_404(api, make, status):
    product = make.product(store=make.store(status=status))

    assert_error(api.get(f"/products/{product.id}"), 404, "not_found")


def test_an_inactive_or_unknown_product_is_404(api, make):
    product = make.product(is_active=False)

    assert_error(api.get(f"/products/{product.id}"), 404, "not_found")
    assert_error(api.get("/products/999999"), 404, "not_found")


def test_store_page_shows_public_fields_only(api, make):
    store = make.store(slug="toko-sri", name="Toko Sri", description="Keripik", nib="1234567890123",
                       rating_count=2, rating_sum=7, delivery_fee=5000)

    body = api.get("/stores/toko-sri").get_json()

    assert body["id"] == store.id and body["verified"] is True
    assert body["rating"] == {"average": 3.5, "count": 2}
    assert body["fulfilment"] == {"delivery": True, "pickup": True, "delivery_fee": 5000}
    assert body["whatsapp_url"] == "https://wa.me/6281234567890"
    assert "1234567890123" not in str(body)
    assert not {"nib", "phone", "status", "status_reason", "documents", "owner"} & set(body)


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_an_unverified_store_is_404(api, make, status):
    make.store(slug="toko-x", status=status)

    assert_error(api.get("/stores/toko-x"), 404, "not_found")
    assert_error(api.get("/stores/toko-x/products"), 404, "not_found")


def test_store_products_list_only_that_store(api, shelf):
    response = api.get("/stores/toko-sukun/products?sort=price_asc")

    assert _ids(response) == [shelf["kopi"].id, shelf["batik"].id]
    assert response.get_json()["total"] == 2
    assert_error(api.get("/stores/toko-sukun/products?per_page=500"), 400, "bad_request", fields=["per_page"])


def test_listing_leaves_out_products_of_stores_that_lose_verification(api, shelf):
    store = shelf["kopi"].store
    store.status = "suspended"
    db.session.commit()

    assert shelf["kopi"].id not in _ids(api.get("/products"))
    assert db.session.get(Product, shelf["kopi"].id) is not None
