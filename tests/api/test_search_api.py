"""The API's side of issue 14: /products?q= forgives like the shop does and says how it read
the words (corrected_query, place); exact=1 searches the typed words only."""
import pytest

from malpro.extensions import db


@pytest.fixture
def shelf(make):
    bu_sri = make.store(name="Keripik Tempe Bu Sri", kecamatan="Sukun", kelurahan="Pisang Candi")
    make.product(store=bu_sri, name="Keripik Tempe Original", stock=20)
    make.product(store=bu_sri, name="Keripik Tempe Pedas", stock=20)
    make.product(store=make.store(kecamatan="Klojen"), name="Kopi Dampit Robusta", stock=5)
    db.session.commit()


def test_api_reports_the_correction_and_the_place(api, shelf):
    body = api.get("/products?q=keripk+tempe").get_json()
    assert body["corrected_query"] == "keripik tempe" and body["total"] == 2
    assert {item["name"] for item in body["items"]} == {"Keripik Tempe Original", "Keripik Tempe Pedas"}
    assert "corrected_query" not in api.get("/products?q=keripik+tempe").get_json()
    assert api.get("/products?q=keripk+tempe&exact=1").get_json()["items"] == []
    place = api.get("/products?q=sukun").get_json()
    assert place["place"] == {"kind": "kecamatan", "name": "Sukun", "kecamatan": "Sukun"}
    assert place["total"] == 2


def test_exact_must_be_0_or_1(api, shelf):
    response = api.get("/products?q=keripk&exact=abc")
    assert response.status_code == 400 and "exact" in response.get_json()["error"]["fields"]
    assert api.get("/products?q=keripik&exact=0").get_json()["total"] == 2


def test_store_products_forgive_typos_without_places_or_stores(api, make):
    store = make.store(name="Toko Sukun Jaya", slug="toko-sukun-jaya", kecamatan="Sukun", kelurahan="Bandungrejosari")
    make.product(store=store, name="Keripik Tempe Pedas", stock=3)
    db.session.commit()
    body = api.get("/stores/toko-sukun-jaya/products?q=keripk").get_json()
    assert body["corrected_query"] == "keripik" and body["total"] == 1
    assert api.get("/stores/toko-sukun-jaya/products?q=kedungkandang").get_json()["items"] == []
