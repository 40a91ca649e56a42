"""Issue 13, points 8, 9, 11, 17 on the server side: sold-out products after the others in
every sort and in "Produk serupa", greyed cards with one label, "terjual N" from completed
orders, charts with titles and an empty state, the 404 page, the favicon, one date format.
(The phone layout itself is measured in a browser: tests/browser/test_layout.py.)"""
from datetime import datetime, timedelta

import pytest

from malpro.extensions import db
from malpro.models import Product
from malpro.services import catalog, orders
from malpro.services.catalog import ListingQuery, listing
from tests.factories import PASSWORD
from tests.order_helpers import place_order

T0 = datetime(2026, 11, 1, 8, 0)


@pytest.fixture
def shelf(make):
    """Four products of one category; the newest and the cheapest are sold out."""
    store = make.store(name="Toko Keripik Uji")
    made = {}
    for n, (name, price, stock) in enumerate([("Keripik Habis Baru", 5000, 0), ("Keripik Tersedia A", 9000, 4),
                                              ("Keripik Tanpa Batas", 12000, None), ("Keripik Habis Lama", 20000, 0)]):
        made[name] = make.product(store=store, name=name, price=price, stock=stock,
                                  created_at=T0 - timedelta(hours=n if "Habis Lama" not in name else 100),
                                  rating_sum=5 if n == 0 else 0, rating_count=1 if n == 0 else 0)
    return made


AVAILABLE = {"Keripik Tersedia A", "Keripik Tanpa Batas"}


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "rating"])
def test_sold_out_products_come_after_the_others_in_every_sort(app, shelf, sort):
    found = [p.name for p in listing(ListingQuery(sort=sort)).items]
    assert set(found[:2]) == AVAILABLE, found
    assert set(found[2:]) == {"Keripik Habis Baru", "Keripik Habis Lama"}


def test_sold_out_products_come_last_in_a_search_and_in_similar_products(app, shelf):
    found = [p.name for p in listing(ListingQuery(q="keripik")).items]
    assert set(found[:2]) == AVAILABLE, found
    related = catalog.related_products(db.session.get(Product, shelf["Keripik Tersedia A"].id))
    assert [p.name for p in related][-2:] in (["Keripik Habis Baru", "Keripik Habis Lama"],
                                              ["Keripik Habis Lama", "Keripik Habis Baru"])
    assert related[0].name == "Keripik Tanpa Batas"


def test_a_sold_out_card_is_greyed_with_one_label_and_no_button(client, shelf):
    html = client.get("/kategori/makanan-minuman").get_data(as_text=True)
    card = html.split("Keripik Habis Baru</h3>")[0].rsplit("<article", 1)[1] + html.split("Keripik Habis Baru</h3>")[1].split("</article>")[0]
    assert 'class="product-card is-unavailable"' in card
    assert card.count("Stok habis") == 1 and "<button" not in card
    available = html.split("Keripik Tersedia A</h3>")[1].split("</article>")[0]
    assert "+ Keranjang" in available and "Stok habis" not in available


def test_cards_and_the_product_page_show_sold_quantity_of_completed_orders(client, make, shelf):
    product = shelf["Keripik Tersedia A"]
    buyer = make.user(email="pembeli-terjual@uji.malpro.id")
    order = place_order(buyer, (product, 3), mode="pickup")
    html = client.get("/kategori/makanan-minuman").get_data(as_text=True)
    assert "terjual" not in html.split("Keripik Tersedia A</h3>")[1].split("</article>")[0]

    owner_id = product.store.owner_id
    for status in ("confirmed", "ready", "completed"):
        orders.move(order.code, owner_id, "seller", status)
    html = client.get("/kategori/makanan-minuman").get_data(as_text=True)
    assert "terjual 3" in html.split("Keripik Tersedia A</h3>")[1].split("</article>")[0]
    page = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    assert "terjual 3" in page.split('<div class="summary">')[1].split("</aside>")[0]


def test_a_cancelled_order_does_not_count_as_sold(app, make, shelf):
    product = shelf["Keripik Tersedia A"]
    order = place_order(make.user(email="pembeli-batal@uji.malpro.id"), (product, 2), mode="pickup")
    orders.move(order.code, product.store.owner_id, "seller", "cancelled", note="Stok rusak.")
    db.session.expire_all()
    assert db.session.get(Product, product.id).sold_count == 0


def test_the_product_page_buy_bar_has_a_stepper_and_no_form_when_sold_out(client, shelf):
    available = shelf["Keripik Tersedia A"]
    html = client.get(f"/produk/{available.id}-{available.slug}").get_data(as_text=True)
    assert 'class="add-to-cart buy-bar"' in html and 'data-step="-1"' in html and 'data-step="1"' in html
    sold_out = shelf["Keripik Habis Baru"]
    html = client.get(f"/produk/{sold_out.id}-{sold_out.slug}").get_data(as_text=True)
    summary = html.split('<div class="summary">')[1].split("</aside>")[0]
    assert "buy-bar" not in summary and summary.count("Stok habis") == 1


def test_an_empty_chart_says_there_is_no_data_yet(client):
    html = client.get("/transparansi").get_data(as_text=True)
    assert html.count("Belum ada data untuk ditampilkan.") >= 2
    assert 'class="chart-title"' in html


def test_the_admin_monthly_charts_have_titles_and_a_value_axis(client, make, shelf):
    product = shelf["Keripik Tersedia A"]
    order = place_order(make.user(email="pembeli-grafik@uji.malpro.id"), (product, 1), mode="pickup")
    admin = make.admin()
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    html = client.get("/admin/").get_data(as_text=True)
    assert order.code and '<figcaption class="chart-title" id="chart-orders-month-title">' in html
    assert html.count('class="chart-grid"') >= 2  # the value axis' lines above 0


def test_not_found_says_it_once(client):
    response = client.get("/tidak-ada-halaman-ini")
    main = response.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0]
    assert response.status_code == 404 and main.count("Halaman tidak ditemukan") == 1


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
