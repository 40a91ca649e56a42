"""The search page and suggestions of issue 14 through the real stack: the correction note and
its exact-search link, the store block, places, the no-results page (no filter controls when
there is nothing to filter), suggestions with the same tolerance, and the API's corrected_query."""
import re

import pytest

from malpro.extensions import db


def card_names(html: str) -> list[str]:
    return re.findall(r'<h3 class="product-name">([^<]*)</h3>', html)


@pytest.fixture
def shelf(make):
    bu_sri = make.store(name="Keripik Tempe Bu Sri", slug="keripik-tempe-bu-sri", kecamatan="Sukun",
                        kelurahan="Pisang Candi")
    dapur = make.store(name="Dapur Mak Yah", slug="dapur-mak-yah", kecamatan="Klojen", kelurahan="Kauman")
    make.product(store=bu_sri, name="Keripik Tempe Original", stock=20)
    make.product(store=bu_sri, name="Keripik Tempe Pedas", stock=20)
    make.product(store=dapur, name="Kopi Dampit Robusta", stock=5, rating_count=2, rating_sum=9)
    make.product(store=dapur, name="Batik Tulis", category="fashion-wanita", stock=5)
    db.session.commit()
    return {"bu_sri": bu_sri, "dapur": dapur}


def test_a_corrected_search_says_so_and_links_to_the_typed_words(client, shelf):
    html = client.get("/cari?q=keripk+tempe").get_data(as_text=True)
    assert card_names(html) == ["Keripik Tempe Pedas", "Keripik Tempe Original"]
    note = re.search(r'<p id="search-correction".*?</p>', html, re.S).group(0)
    assert "Menampilkan hasil untuk <strong><em>keripik tempe</em></strong>" in note
    assert 'href="/cari?q=keripk+tempe&amp;exact=1"' in note
    exact = client.get("/cari?q=keripk+tempe&exact=1").get_data(as_text=True)
    assert 'id="no-results"' in exact and "search-correction" not in exact
    # The typed search needs no note.
    assert "search-correction" not in client.get("/cari?q=keripik+tempe").get_data(as_text=True)


def test_load_more_of_a_corrected_search_stays_corrected(client, make, shelf, htmx_headers):
    for n in range(5):
        make.product(store=shelf["bu_sri"], name=f"Keripik Tempe Varian {n}")
    db.session.commit()
    first = client.get("/cari?q=keripk+tempe&per_page=3").get_data(as_text=True)
    assert 'href="/cari?q=keripk+tempe&amp;per_page=3&amp;page=2"' in first or \
        'href="/cari?q=keripk+tempe&amp;page=2&amp;per_page=3"' in first
    more = client.get("/cari?q=keripk+tempe&per_page=3&page=2", headers=htmx_headers).get_data(as_text=True)
    assert len(card_names(more)) == 3


def test_stores_come_first_as_links(client, shelf, make):
    make.store(name="Keripik Tempe Bu Sri Cabang", status="pending")
    db.session.commit()
    html = client.get("/cari?q=kripik+tempe+bu+sri").get_data(as_text=True)
    block = re.search(r'<section id="search-stores".*?</section>', html, re.S).group(0)
    assert 'href="/toko/keripik-tempe-bu-sri"' in block and "Cabang" not in block
    assert html.index('id="search-stores"') < html.index('id="listing"')


def test_a_place_lists_its_stores_products(client, shelf):
    html = client.get("/cari?q=sukun").get_data(as_text=True)
    assert "<h1>Produk dari Kec. Sukun</h1>" in html
    assert sorted(card_names(html)) == ["Keripik Tempe Original", "Keripik Tempe Pedas"]
    html = client.get("/cari?q=kauman").get_data(as_text=True)
    assert "<h1>Produk dari Kel. Kauman</h1>" in html
    assert sorted(card_names(html)) == ["Batik Tulis", "Kopi Dampit Robusta"]


def test_no_results_offers_categories_and_popular_products_without_filters(client, shelf):
    html = client.get("/cari?q=xqzwvy").get_data(as_text=True)
    section = re.search(r'<section id="no-results".*?</section>', html, re.S).group(0)
    assert "Tidak ada produk yang cocok dengan “xqzwvy”." in section
    assert 'href="/kategori/' in section
    assert card_names(section)[0] == "Kopi Dampit Robusta"  # the best rated
    assert 'class="filters"' not in html and 'id="f-sort"' not in html


def test_no_results_closest_categories_first(client, shelf):
    html = client.get("/cari?q=fashon+wanta+xq").get_data(as_text=True)
    links = re.findall(r'<li><a href="/kategori/([a-z-]+)"', re.search(
        r'<section id="no-results".*?</section>', html, re.S).group(0))
    assert links[0] == "fashion-wanita"


def test_no_results_under_filters_keeps_the_filters_and_offers_the_correction(client, shelf):
    html = client.get("/cari?q=keripk&max_price=1").get_data(as_text=True)
    assert 'class="filters"' in html and "Hapus filter" in html
    assert "Mungkin maksud Anda:" in html and 'href="/cari?q=keripik"' in html


def test_a_bad_exact_value_is_dropped(client, shelf):
    assert client.get("/cari?q=keripk&exact=abc").status_code == 200


# --- Suggestions --------------------------------------------------------------------------

def test_suggestions_forgive_a_typo(client, shelf):
    html = client.get("/cari/saran?q=keripk").get_data(as_text=True)
    assert '<a href="/cari?q=keripik+tempe"><span class="suggestion-kind">Cari</span> keripik tempe</a>' in html
    assert 'href="/toko/keripik-tempe-bu-sri"' in html
    assert 'href="/kategori/makanan-minuman"' in html
    assert re.findall(r'<a href="/produk/\d+-[a-z0-9-]+">([^<]*)</a>', html) == [
        "Keripik Tempe Pedas", "Keripik Tempe Original"]


def test_suggestions_name_a_category(client, shelf):
    html = client.get("/cari/saran?q=fashion").get_data(as_text=True)
    assert 'href="/kategori/fashion-wanita"' in html and 'href="/kategori/fashion-pria"' in html
