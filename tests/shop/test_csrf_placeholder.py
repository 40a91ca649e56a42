"""User text cannot pull a visitor's CSRF token into the page (issue 15, point 8): the
placeholder that shared renderings carry is replaced only where the templates put it."""
import re

import pytest

NAME = "Keripik __malpro_csrf_token__"


@pytest.fixture
def csrf_app(config):
    config["WTF_CSRF_ENABLED"] = True


def _visitor_token(client) -> str:
    client.get("/auth/login")  # a form page starts the session (public pages alone do not)
    html = client.get("/keranjang").get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html.replace("&#34;", '"')).group(1)


def test_a_product_name_cannot_show_the_token(csrf_app, client, make):
    store = make.store(description="Camilan __malpro_csrf_token__ renyah")
    product = make.product(store=store, name=NAME, slug="keripik", description="Pedas __malpro_csrf_token__")
    token = _visitor_token(client)
    for url in (f"/produk/{product.id}-keripik", "/", "/kategori/makanan-minuman", "/cari?q=keripik",
                f"/toko/{store.slug}"):
        for _visit in range(2):  # the second visit is served from the cached renderings
            html = client.get(url).get_data(as_text=True)
            assert "Keripik __malpro_csrf_token__" in html, url  # the name, as the seller wrote it
            # The token appears only in the frame's header and the forms' hidden inputs.
            for match in re.finditer(re.escape(token), html):
                before = html[max(0, match.start() - 60):match.start()]
                assert 'name="csrf_token"' in before or "X-CSRFToken" in before, (url, before)
    page = client.get(f"/produk/{product.id}-keripik").get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert token not in heading and "__malpro_csrf_token__" in heading
    whatsapp = re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1)
    assert token not in whatsapp and "__malpro_csrf_token__" in whatsapp


def test_the_cached_cards_still_carry_the_visitors_own_token(csrf_app, client, make):
    product = make.product(name=NAME, slug="keripik", stock=5)
    client.get("/auth/login")  # a visitor with a session (without one the token is empty: test_page_cache)
    for _visit in range(2):  # rendered, then served from the cache
        html = client.get("/").get_data(as_text=True)
        [form_token] = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert "__malpro_csrf" not in form_token
        response = client.post("/keranjang/tambah", data={"product_id": product.id, "quantity": 1,
                                                           "csrf_token": form_token})
        assert response.status_code == 302
