"""Role guards on the seller and admin areas answer by request type."""
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import PASSWORD


@pytest.fixture
def people(make):
    buyer = make.user(email="buyer@example.com")
    seller = make.store(owner=make.user(email="seller@example.com")).owner
    admin = make.admin(email="admin@example.com")
    return {"buyer": buyer, "seller": seller, "admin": admin}


def _login(client, email):
    client.post("/auth/login", data={"email": email, "password": PASSWORD})


def test_anonymous_is_sent_to_login_with_next(client):
    for path in ("/seller/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/auth/login" and parse_qs(location.query)["next"] == [path]


def test_anonymous_htmx_call_gets_hx_redirect(client, htmx_headers):
    response = client.get("/admin/", headers={**htmx_headers, "HX-Current-URL": "http://localhost/admin/?x=1"})
    assert response.status_code == 401
    location = urlsplit(response.headers["HX-Redirect"])
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == ["/admin/?x=1"]


def test_anonymous_json_caller_gets_401_json(client):
    response = client.get("/admin/", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize("who,seller_status,admin_status", [
    ("buyer", 200, 403),  # a buyer sees the "open a store" invitation, not the admin area
    ("seller", 200, 403),
    ("admin", 200, 200),
])
def test_roles(client, people, who, seller_status, admin_status):
    _login(client, people[who].email)
    assert client.get("/seller/").status_code == seller_status
    response = client.get("/admin/")
    assert response.status_code == admin_status
    if admin_status == 403:
        assert "Akses ditolak" in response.get_data(as_text=True)


def test_api_404_is_json(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": "Halaman tidak ditemukan."}}


def test_html_404_is_a_friendly_page(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    assert "<html" in response.get_data(as_text=True)
