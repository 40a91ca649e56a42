"""No input makes the app answer 500 (issue 15, point 10).

The walk below visits every URL rule of the app, as anonymous, buyer/seller and admin (web
session and API token), with absurd ids in the path (above 2^63, above PostgreSQL's int4, huge
page numbers), absurd numbers and superscript digits in the query string and the form, and
JSON bodies with absurd numbers or nesting. Every answer must be below 500."""
import json
from unittest.mock import ANY

import pytest
from werkzeug.routing import IntegerConverter, PathConverter

from malpro.services import tokens, verification
from tests.helpers import PDF_BYTES, FakeUpload
from tests.order_helpers import place_order

HUGE = "99999999999999999999"  # > 2^64
ABOVE_INT8 = str(2**63)
ABOVE_INT4 = str(2**31)
ABSURD_IDS = (HUGE, ABOVE_INT8, ABOVE_INT4)
ABSURD_VALUES = (HUGE, ABOVE_INT4, "²", "-" + HUGE, "1e309")
FIELDS = ("product_id", "quantity", "store", "store_id", "page", "per_page", "rating", "id", "admin",
          "price", "stock", "amount", "delivery_fee", "bulan", "tahun", "dari", "sampai", "status", "q")
SAMPLE = {"string": "x", "path": "products/x.webp"}


def _urls(app, value: str):
    """(rule, url) for every rule, with `value` for every int argument."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                args[name] = value
            else:
                args[name] = SAMPLE["path"] if isinstance(converter, PathConverter) else SAMPLE["string"]
        yield rule, rule.build(args, append_unknown=False)[1]


@pytest.fixture
def world(app, make, client):
    """A seller with a verified store, a product, a document and an order from a buyer; an admin."""
    seller = make.user(email="penjual@example.com")
    store = make.store(owner=seller)
    product = make.product(store=store, stock=50)
    buyer = make.user(email="pembeli@example.com")
    place_order(buyer, (product, 1))
    admin = make.admin(email="admin@example.com")
    verification.add_document(seller.id, FakeUpload(PDF_BYTES, "nib.pdf"))
    return {"seller": seller, "buyer": buyer, "admin": admin, "product": product}


def _clients(app, world):
    """(label, client, headers) for every kind of caller."""
    anonymous = app.test_client()
    yield "anonymous", anonymous, {}
    for role in ("buyer", "seller", "admin"):
        web = app.test_client()
        web.post("/auth/login", data={"email": world[role].email, "password": "rahasia123"})
        token = tokens.issue_token(world[role].id)[0]
        yield role, web, {"Authorization": f"Bearer {token}"}


def _check(failures, label, method, url, response):
    if response.status_code >= 500:
        failures.append(f"{label} {method} {url} -> {response.status_code}")


def test_every_rule_survives_absurd_ids(app, world):
    failures = []
    for label, client, headers in _clients(app, world):
        for value in ABSURD_IDS:
            for rule, url in _urls(app, value):
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    if method == "GET":
                        response = client.get(url, headers=headers)
                    elif url.startswith("/api/"):
                        response = client.open(url, method=method, headers=headers,
                                               json={"product_id": int(value), "quantity": 1})
                    else:
                        response = client.open(url, method=method, headers=headers,
                                               data={"product_id": value, "quantity": "1"})
                    _check(failures, label, method, url, response)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("value", ABSURD_VALUES)
def test_every_rule_survives_absurd_numbers_in_query_and_form(app, world, value):
    failures = []
    product_id = str(world["product"].id)
    fields = {name: value for name in FIELDS}
    for label, client, headers in _clients(app, world):
        for rule, url in _urls(app, product_id):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = client.get(url, headers=headers, query_string=fields)
                elif url.startswith("/api/"):
                    response = client.open(url, method=method, headers=headers, query_string=fields,
                                           json={name: int(value) if value.lstrip("-").isdecimal() else value
                                                 for name in FIELDS})
                else:
                    response = client.open(url, method=method, headers=headers, data=fields)
                _check(failures, label, method, url, response)
    assert failures == [], "\n".join(failures)


def test_deeply_nested_json_is_a_bad_request(app, world):
    token = tokens.issue_token(world["buyer"].id)[0]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    client = app.test_client()
    for body in ("[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000):
        for method, path in (("PUT", "/api/v1/cart/items/1"), ("POST", "/api/v1/auth/token"),
                             ("PUT", "/api/v1/me/asn"), ("POST", "/api/v1/orders")):
            response = client.open(path, method=method, data=body, headers=headers)
            assert response.status_code == 400, (method, path, response.status_code)
            assert response.json["error"]["code"] == "bad_request"


def test_out_of_range_ids_are_not_found(client, world):
    """The examples of the review, each a 404 (or 400 for a form), never a 500."""
    assert client.get("/produk/" + HUGE).status_code == 404
    assert client.get("/api/v1/products/" + HUGE).status_code == 404
    assert client.get("/api/v1/products/" + HUGE).json["error"]["code"] == "not_found"
    token = tokens.issue_token(world["buyer"].id)[0]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/documents/" + HUGE, headers=auth).status_code == 404
    assert client.put("/api/v1/cart/items/" + HUGE, headers=auth, json={"quantity": 1}).status_code == 404
    client.post("/auth/login", data={"email": "pembeli@example.com", "password": "rahasia123"})
    assert client.post("/keranjang/tambah", data={"product_id": HUGE, "quantity": "1"}).status_code in (302, 400, 404)
    assert client.post(f"/notifikasi/{HUGE}/baca").status_code == 404


def test_checkout_with_a_superscript_store_is_refused_cleanly(client, world):
    client.post("/auth/login", data={"email": "pembeli@example.com", "password": "rahasia123"})
    client.post("/keranjang/tambah", data={"product_id": str(world["product"].id), "quantity": "1"})
    response = client.post("/checkout", data={"store": "²", "checkout_key": "k" * 32})
    assert response.status_code < 500


def test_api_refuses_integers_out_of_range(client, world):
    token = tokens.issue_token(world["buyer"].id)[0]
    auth = {"Authorization": f"Bearer {token}"}
    product = world["product"].id
    response = client.put(f"/api/v1/cart/items/{product}", headers=auth, json={"quantity": 2**64})
    assert response.status_code == 400 and response.json["error"]["fields"] == {"quantity": ANY}
    body = json.dumps({"quantity": 10**400})
    response = client.put(f"/api/v1/cart/items/{product}", headers={**auth, "Content-Type": "application/json"},
                          data=body)
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"
    response = client.post("/api/v1/orders", headers=auth, json={"store_ids": [2**64]})
    assert response.status_code == 400 and "store_ids" in response.json["error"]["fields"]
