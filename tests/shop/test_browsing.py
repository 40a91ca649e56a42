"""Buyer browsing through the real stack: home, category and search listings, suggestions,
store pages; filters, sorts, pagination and htmx "load more"; invisible products never leak."""
import re
from datetime import datetime, timedelta

import pytest

from malpro.extensions import db
from malpro.services.catalog import today_wib

T0 = datetime(2026, 11, 1, 8, 0)


def card_names(html: str) -> list[str]:
    return re.findall(r'<h3 class="product-name">([^<]*)</h3>', html)


@pytest.fixture
def food(make):
    """30 food products of one store (newest = "Keripik 29"), plus a batik in another category."""
    store = make.store(name="Keripik Bu Sri", slug="keripik-bu-sri", kecamatan="Sukun",
                       kelurahan="Pisang Candi")
    for n in range(30):
        make.product(store=store, name=f"Keripik {n:02d}", price=1000 + 100 * n, created_at=T0 + timedelta(hours=n))
    make.product(category="fashion-pria", name="Kemeja Batik", created_at=T0)
    return store


@pytest.fixture
def hidden(make):
    make.product(store=make.store(status="pending"), name="Rahasia Pending", category="fashion-pria")
    make.product(store=make.store(status="rejected"), name="Rahasia Ditolak", category="fashion-pria")
    make.product(store=make.store(status="suspended"), name="Rahasia Dibekukan", category="fashion-pria")
    make.product(name="Rahasia Nonaktif", is_active=False, category="fashion-pria")


# --- Home ---------------------------------------------------------------------------------

def test_home_shows_categories_and_newest(client, food, hidden):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/kategori/makanan-minuman"' in html and 'href="/kategori/wedding"' in html
    names = card_names(html)
    assert names[:2] == ["Keripik 29", "Keripik 28"] and len(names) == 12
    assert "Rahasia" not in html
    assert "Toko di dekat Anda" not in html  # anonymous: the kecamatan is unknown


def test_home_shows_stores_near_the_buyer(client, auth, make, food):
    make.user(email="pembeli@example.com", kecamatan="Sukun")
    make.store(name="Toko Pending Sukun", kecamatan="Sukun", status="pending")
    make.store(name="Toko Klojen")
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert "Toko di dekat Anda (Kec. Sukun)" in html
    assert 'href="/toko/keripik-bu-sri"' in html
    assert "Toko Pending Sukun" not in html and "Toko Klojen" not in html


# --- Category and search listings ---------------------------------------------------------

def test_category_page_lists_newest_first_with_pages(client, food):
    response = client.get("/kategori/makanan-minuman")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert card_names(html) == [f"Keripik {n:02d}" for n in range(29, 5, -1)]
    assert 'rel="next" href="/kategori/makanan-minuman?page=2"' in html
    assert 'rel="prev"' not in html
    assert "HX-Request" in response.headers["Vary"]
    page2 = client.get("/kategori/makanan-minuman?page=2").get_data(as_text=True)
    assert card_names(page2) == [f"Keripik {n:02d}" for n in range(5, -1, -1)]
    assert 'rel="prev" href="/kategori/makanan-minuman"' in page2 and 'rel="next"' not in page2
    assert client.get("/kategori/tidak-ada").status_code == 404


def test_category_filters_and_sorts_by_url(client, food, make):
    make.product(store=make.store(kecamatan="Blimbing", kelurahan="Polowijen"), name="Kopi Blimbing",
                 price=50000, halal_number="ID35", created_at=T0 - timedelta(days=1))
    get = lambda query: card_names(client.get("/kategori/makanan-minuman?" + query).get_data(as_text=True))  # noqa: E731
    assert get("kecamatan=Blimbing") == ["Kopi Blimbing"]
    assert get("certificate=halal") == ["Kopi Blimbing"]
    assert get("min_price=3000&max_price=3200") == ["Keripik 22", "Keripik 21", "Keripik 20"]
    assert get("sort=price_asc")[:2] == ["Keripik 00", "Keripik 01"]
    assert get("sort=price_desc")[:2] == ["Kopi Blimbing", "Keripik 29"]
    assert get("sort=price_asc&min_price=3.000&max_price=Rp3.100&kecamatan=sukun") == ["Keripik 20", "Keripik 21"]


def test_filter_form_keeps_the_choices(client, food, make):
    make.product(store=food, name="Keripik P-IRT", price=2500, pirt_number="P-IRT 1", created_at=T0)
    html = client.get("/kategori/makanan-minuman?kecamatan=Sukun&min_price=2000&certificate=pirt&sort=price_desc"
                      ).get_data(as_text=True)
    assert card_names(html) == ["Keripik P-IRT"]
    assert "<option selected>Sukun</option>" in html
    assert 'id="f-min-price" name="min_price" type="number" inputmode="numeric" min="0" step="1" value="2000"' in html
    assert 'value="pirt" checked' in html
    assert '<option value="price_desc" selected>' in html
    # Pager links keep the filters, in a clean form (invalid values dropped).
    html = client.get("/kategori/makanan-minuman?kecamatan=Sukun&min_price=2000&max_price=abc&sort=price_desc"
                      "&per_page=5&page=2").get_data(as_text=True)
    assert card_names(html) == ["Keripik 24", "Keripik 23", "Keripik 22", "Keripik 21", "Keripik 20"]
    assert ('rel="next" href="/kategori/makanan-minuman?kecamatan=Sukun&amp;min_price=2000&amp;sort=price_desc'
            '&amp;page=3&amp;per_page=5"') in html
    assert ('rel="prev" href="/kategori/makanan-minuman?kecamatan=Sukun&amp;min_price=2000&amp;sort=price_desc'
            '&amp;per_page=5"') in html


BAD_QUERIES = ["page=0", "page=-3", "page=abc", "page=99999999999999999999", "per_page=100000", "per_page=x",
               "min_price=abc", "max_price=-1", "min_price=1e9", "sort=hacker", "kecamatan=Jakarta",
               "certificate=sni", "category=nope", "min_price=%00", "q=%00", "page=1.5", "sort=",
               "min_price=50000&max_price=10"]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("path", ["/kategori/makanan-minuman", "/cari", "/toko/keripik-bu-sri"])
def test_bad_parameters_never_fail(client, food, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert "Keripik" in response.get_data(as_text=True)


def test_search_page(client, food, make):
    make.product(name="Sambal Bawang", description="Teman makan keripik.", created_at=T0)
    html = client.get("/cari?q=KERIP&per_page=50").get_data(as_text=True)
    names = card_names(html)
    # Name matches first (newest first among them), then the description-only match.
    assert names == [f"Keripik {n:02d}" for n in range(29, -1, -1)] + ["Sambal Bawang"]
    assert "Hasil pencarian “KERIP”" in html
    assert 'value="relevance" selected' in html
    # The search box keeps what was typed.
    assert 'name="q" type="search" value="KERIP"' in html
    assert card_names(client.get("/cari?q=keripik&category=fashion-pria").get_data(as_text=True)) == []
    assert card_names(client.get("/cari?q=batik&category=fashion-pria").get_data(as_text=True)) == ["Kemeja Batik"]
    # Without words it lists everything, newest first, and says so.
    assert card_names(client.get("/cari").get_data(as_text=True))[0] == "Keripik 29"
    html = client.get("/cari?q=%F0%9F%8D%A9").get_data(as_text=True)
    assert "tidak berisi huruf atau angka" in html and card_names(html)[0] == "Keripik 29"


def test_name_matches_first_on_the_search_page(client, make):
    store = make.store(name="Warung Serba Ada")
    make.product(store=store, name="Sari Apel", description="Minuman.", created_at=T0)
    make.product(store=store, name="Jenang Ketan", description="Ada rasa apel juga.", created_at=T0 + timedelta(days=1))
    assert card_names(client.get("/cari?q=apel").get_data(as_text=True)) == ["Sari Apel", "Jenang Ketan"]


ODD = ['"', "'", "*", "AND", "OR", "NOT", "(", ")", "%", "_", "-", ":", "🌶️", "a" * 500, "%27%22%29", "kerip%2A",
       "NEAR(a b)", "\\", "%25%25", "%F0%9F%8C%B6"]


@pytest.mark.parametrize("q", ODD)
def test_odd_search_input_never_fails(client, food, q):
    for path in ("/cari?q=", "/cari/saran?q="):
        response = client.get(path + q)
        assert response.status_code == 200, (path, q)


def test_invisible_products_never_listed(client, food, hidden):
    for path in ("/", "/kategori/fashion-pria", "/cari?q=rahasia", "/cari", "/cari?q=rahasia&sort=newest",
                 "/cari/saran?q=rahasia", "/cari?sort=price_desc", "/cari?sort=rating"):
        html = client.get(path).get_data(as_text=True)
        assert "Rahasia" not in html, path


# --- htmx: load more ----------------------------------------------------------------------

def test_load_more_returns_only_the_next_cards_and_pager(client, food, htmx_headers):
    response = client.get("/kategori/makanan-minuman?page=2", headers=htmx_headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'class="site-header"' not in html
    assert card_names(html) == [f"Keripik {n:02d}" for n in range(5, -1, -1)]
    assert '<div id="product-grid" class="product-grid" hx-swap-oob="beforeend">' in html
    assert html.strip().startswith('<nav id="listing-more"')
    assert "Muat lebih banyak" not in html  # the last page
    assert "HX-Request" in response.headers["Vary"]


def test_load_more_button_points_to_the_shareable_next_page(client, food):
    html = client.get("/kategori/makanan-minuman?sort=price_asc").get_data(as_text=True)
    button = re.search(r'<a class="btn load-more"[^>]*>', html).group(0)
    assert 'href="/kategori/makanan-minuman?sort=price_asc&amp;page=2"' in button
    assert 'hx-get="/kategori/makanan-minuman?sort=price_asc&amp;page=2"' in button
    assert 'hx-push-url="true"' in button and 'hx-target="#listing-more"' in button


def test_boosted_navigation_gets_the_full_page(client, food):
    html = client.get("/kategori/makanan-minuman?page=2", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in html.get_data(as_text=True)


# --- Suggestions --------------------------------------------------------------------------

def test_suggestions(client, food, hidden):
    html = client.get("/cari/saran?q=kerip").get_data(as_text=True)
    assert html.strip().startswith('<div id="suggestions"')
    links = re.findall(r'<a href="(/produk/\d+-[a-z0-9-]+)">([^<]*)</a>', html)
    assert len(links) == 6 and links[0][1] == "Keripik 29"
    assert "<html" not in html
    assert "<li>" not in client.get("/cari/saran?q=").get_data(as_text=True)
    assert "<li>" not in client.get("/cari/saran?q=k").get_data(as_text=True)  # too short to help
    assert "Rahasia" not in client.get("/cari/saran?q=rahasia").get_data(as_text=True)


def test_search_box_asks_for_suggestions(client):
    html = client.get("/").get_data(as_text=True)
    box = re.search(r'<input id="q"[^>]*>', html, re.S).group(0)
    assert 'hx-get="/cari/saran"' in box and 'hx-target="#suggestions"' in box
    assert 'hx-trigger="input changed delay:250ms, search"' in box and 'hx-sync="this:replace"' in box
    assert '<div id="suggestions"' in html


# --- Store page ---------------------------------------------------------------------------

def test_store_page(client, food, make):
    food.opening_hours = "Senin-Sabtu 08.00-17.00"
    food.description = "Keripik renyah sejak 1998."
    food.rating_sum, food.rating_count = 9, 2
    db.session.commit()
    response = client.get("/toko/keripik-bu-sri")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Keripik Bu Sri" in html and "Terverifikasi" in html and "Senin-Sabtu 08.00-17.00" in html
    assert "Kec. Sukun" in html and "Keripik renyah sejak 1998." in html
    assert "Rating 4.5 dari 5 (2 ulasan)" in html
    assert 'href="https://wa.me/6281234567890?text=' in html
    assert card_names(html)[:2] == ["Keripik 29", "Keripik 28"] and "Kemeja Batik" not in card_names(html)
    assert "libur" not in html.lower()
    assert 'rel="next" href="/toko/keripik-bu-sri?page=2"' in html


def test_store_closure_notice(client, food):
    today = today_wib()
    food.closed_from, food.closed_until = today - timedelta(days=1), today + timedelta(days=3)
    food.closed_note = "Pulang kampung."
    db.session.commit()
    html = client.get("/toko/keripik-bu-sri").get_data(as_text=True)
    assert "Toko sedang libur sampai" in html and "Pulang kampung." in html
    # Its cards say so too, wherever they are listed.
    assert "Toko sedang libur" in client.get("/kategori/makanan-minuman").get_data(as_text=True)
    food.closed_from, food.closed_until = today + timedelta(days=1), today + timedelta(days=3)
    db.session.commit()
    assert "libur" not in client.get("/toko/keripik-bu-sri").get_data(as_text=True).lower()


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_only_verified_stores_have_a_page(client, make, status):
    store = make.store(status=status, slug="toko-tersembunyi")
    make.product(store=store)
    assert client.get("/toko/toko-tersembunyi").status_code == 404
    assert client.get("/toko/tidak-ada").status_code == 404
