"""Public pages for visitors without a session: no cookie, shareable, kept whole by each worker
until the database changes (malpro/page_cache.py, malpro/sessionless.py)."""
import re

import pytest
from sqlalchemy import update

from malpro.extensions import db
from malpro.models import Product

PUBLIC = ["/", "/kategori/makanan-minuman", "/produk/{id}", "/cari?q=keripik"]


@pytest.fixture
def cached_app(config, database, make):
    if database["kind"] != "sqlite":
        pytest.skip("the exact page cache follows SQLite's data_version; PostgreSQL keeps none by default")
    from malpro import create_app

    config["PAGE_CACHE"] = True
    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    with app.app_context():
        product = make.product(name="Keripik Tempe Sagu", price=15000)
        app.config["test_product_id"] = product.id
    return app


def _paths(app):
    return [p.format(id=app.config["test_product_id"]) for p in PUBLIC]


def test_a_first_visit_to_public_pages_sets_no_cookie_and_may_be_shared(cached_app):
    for path in _paths(cached_app):
        response = cached_app.test_client().get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=5", path
        assert "Cookie" in response.headers["Vary"]
        # No CSRF token (nor its placeholder) in a page every visitor gets.
        assert re.search(r'name="csrf_token" value=""', response.get_data(as_text=True)), path


def test_a_visitor_with_a_session_gets_private_pages_with_their_token(cached_app):
    client = cached_app.test_client()
    client.get("/auth/login")
    response = client.get("/")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert re.search(r'name="csrf_token" value="[^"]+"', response.get_data(as_text=True))


def test_kept_pages_are_served_until_the_database_changes(cached_app):
    cache = cached_app.extensions["page_cache"]
    path = f"/produk/{cached_app.config['test_product_id']}"
    client = cached_app.test_client()
    first = client.get(path, follow_redirects=True)
    hits = cache.hits
    second = client.get(path, follow_redirects=True)
    assert cache.hits == hits + 1
    assert second.get_data() == first.get_data()
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert "Rp15.000" in second.get_data(as_text=True)

    with cached_app.app_context():
        db.session.execute(update(Product).values(price=17500))
        db.session.commit()
    third = client.get(path, follow_redirects=True)
    assert cache.hits == hits + 1  # rebuilt, not served
    assert "Rp17.500" in third.get_data(as_text=True)


def test_requests_with_cookies_htmx_or_other_methods_are_never_served_from_the_cache(cached_app):
    cache = cached_app.extensions["page_cache"]
    client = cached_app.test_client()
    client.get("/")
    before = cache.hits
    client.get("/", headers={"HX-Request": "true"})
    client.head("/")
    with_cookie = cached_app.test_client()
    with_cookie.set_cookie("lang_hint", "x")
    with_cookie.get("/")
    assert cache.hits == before
    client.get("/")
    assert cache.hits == before + 1


def test_a_response_that_starts_a_session_is_not_kept(cached_app):
    cache = cached_app.extensions["page_cache"]
    client = cached_app.test_client()
    first = client.get("/auth/login")
    assert "Set-Cookie" in first.headers
    second = cached_app.test_client().get("/auth/login")
    assert "Set-Cookie" in second.headers  # a new session, rendered for this visitor
    assert cache.hits == 0


def test_the_first_post_of_a_visitor_without_a_session_is_checked_by_origin(cached_app):
    product_id = cached_app.config["test_product_id"]
    same_site = cached_app.test_client()
    response = same_site.post("/keranjang/tambah", data={"product_id": product_id, "csrf_token": ""},
                              headers={"Origin": "http://localhost"})
    assert response.status_code == 302
    assert "Set-Cookie" in response.headers  # the cart starts the session
    assert '<span class="count">1</span>' in same_site.get("/keranjang").get_data(as_text=True)

    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {}):
        forged = cached_app.test_client()
        response = forged.post("/keranjang/tambah", data={"product_id": product_id, "csrf_token": ""},
                               headers=headers)
        assert response.status_code == 400, headers
        assert "kedaluwarsa atau tidak sah" in response.get_data(as_text=True)
        assert '<span class="count">1</span>' not in forged.get("/keranjang").get_data(as_text=True)


def test_a_visitor_with_a_session_is_checked_by_token_even_from_our_origin(cached_app):
    client = cached_app.test_client()
    client.get("/auth/login")
    response = client.post("/bahasa", data={"lang": "en", "csrf_token": ""}, headers={"Origin": "http://localhost"})
    assert response.status_code == 400


def test_a_signed_in_person_s_public_pages_are_not_stored(cached_app, make):
    with cached_app.app_context():
        user = make.user(email="pembeli.cache@uji.malpro.id")
        email = user.email
    from tests.factories import PASSWORD

    client = cached_app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 302
    assert client.get("/").headers["Cache-Control"] == "no-store"
