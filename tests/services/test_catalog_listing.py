"""The listing query (services.catalog): parameters, filters, sorts, pagination, visibility."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from malpro.extensions import db
from malpro.models import Product
from malpro.services import catalog, search_results
from malpro.services.catalog import ListingParameterError, ListingQuery, count_listing, listing, parse_listing_args

T0 = datetime(2026, 11, 1, 8, 0)


def names(page) -> list[str]:
    return [item.name for item in page.items]


# --- Parameters ---------------------------------------------------------------------------

def test_parse_reads_every_parameter(app):
    query = parse_listing_args(MultiDict([
        ("q", " keripik "), ("category", "makanan-minuman"), ("kecamatan", "klojen"),
        ("min_price", "Rp 10.000"), ("max_price", "50000"), ("certificate", "pirt"),
        ("certificate", "halal"), ("sort", "price_asc"), ("page", "3"), ("per_page", "12"),
    ]), strict=True)
    assert query.q == "keripik"
    assert query.category == "makanan-minuman" and query.category_id is not None
    assert query.kecamatan == "Klojen"
    assert (query.min_price, query.max_price) == (10000, 50000)
    assert query.certificates == ("halal", "pirt")
    assert (query.sort, query.page, query.per_page) == ("price_asc", 3, 12)


def test_parse_defaults_and_default_sort(app):
    assert parse_listing_args({}) == ListingQuery()
    assert ListingQuery().effective_sort == "newest"
    assert ListingQuery(q="kopi").effective_sort == "relevance"
    # Relevance means nothing without a search: it falls back to newest.
    assert ListingQuery(sort="relevance").effective_sort == "newest"
    assert ListingQuery(q="***", sort="relevance").effective_sort == "newest"
    assert parse_listing_args({"certificate": "halal,bpom"}).certificates == ("halal", "bpom")


BAD = {
    "page": ["0", "-1", "abc", "1.5", "99999999", "٣"],
    "per_page": ["0", "101", "x"],
    "min_price": ["-5", "abc", "1e3", "2000000000"],
    "max_price": ["lima ribu"],
    "sort": ["cheapest", "PRICE_ASC"],
    "category": ["tidak-ada"],
    "kecamatan": ["Batu"],
    "certificate": ["sni"],
}


@pytest.mark.parametrize("name,value", [(n, v) for n, values in BAD.items() for v in values])
def test_bad_parameters_are_ignored_on_the_web_and_refused_by_the_api(app, name, value):
    lenient = parse_listing_args({name: value})
    assert lenient == ListingQuery()
    with pytest.raises(ListingParameterError) as caught:
        parse_listing_args({name: value}, strict=True)
    assert caught.value.status == 400 and caught.value.code == "bad_request"
    assert name in caught.value.fields


def test_reversed_price_range(app):
    assert parse_listing_args({"min_price": "50000", "max_price": "10000"}).min_price == 10000
    with pytest.raises(ListingParameterError) as caught:
        parse_listing_args({"min_price": "50000", "max_price": "10000"}, strict=True)
    assert "max_price" in caught.value.fields


def test_strict_errors_name_every_bad_parameter(app):
    with pytest.raises(ListingParameterError) as caught:
        parse_listing_args({"page": "x", "sort": "y", "category": "z"}, strict=True)
    assert set(caught.value.fields) == {"page", "sort", "category"}


# --- Filters, sorts, pages ----------------------------------------------------------------

@pytest.fixture
def shelf(make):
    """Products over two stores, two kecamatan and two categories, with known order."""
    klojen = make.store(name="Toko Klojen", kecamatan="Klojen", kelurahan="Kauman")
    sukun = make.store(name="Toko Sukun", kecamatan="Sukun", kelurahan="Bandungrejosari")
    rows = [
        ("Keripik A", klojen, "makanan-minuman", 15000, {"halal_number": "ID1"}, (4, 1)),
        ("Keripik B", klojen, "makanan-minuman", 8000, {"pirt_number": "P1"}, (0, 0)),
        ("Kopi C", sukun, "makanan-minuman", 50000, {"halal_number": "ID2", "bpom_number": "B1"}, (9, 2)),
        ("Batik D", sukun, "fashion-pria", 250000, {}, (5, 1)),
        ("Batik E", klojen, "fashion-pria", 120000, {}, (0, 0)),
    ]
    products = {}
    for n, (name, store, category, price, certificates, (rating_sum, rating_count)) in enumerate(rows):
        products[name] = make.product(store=store, category=category, name=name, price=price,
                                      created_at=T0 + timedelta(hours=n), rating_sum=rating_sum,
                                      rating_count=rating_count, **certificates)
    return products


def test_default_order_is_newest_first(shelf):
    assert names(listing(ListingQuery())) == ["Batik E", "Batik D", "Kopi C", "Keripik B", "Keripik A"]


@pytest.mark.parametrize("sort,expected", [
    ("price_asc", ["Keripik B", "Keripik A", "Kopi C", "Batik E", "Batik D"]),
    ("price_desc", ["Batik D", "Batik E", "Kopi C", "Keripik A", "Keripik B"]),
    ("rating", ["Batik D", "Kopi C", "Keripik A", "Batik E", "Keripik B"]),
])
def test_sorts(shelf, sort, expected):
    assert names(listing(ListingQuery(sort=sort))) == expected


def test_filters(shelf, make):
    food = make.category("makanan-minuman")
    assert names(listing(ListingQuery(category_id=food.id))) == ["Kopi C", "Keripik B", "Keripik A"]
    assert names(listing(ListingQuery(kecamatan="Sukun"))) == ["Batik D", "Kopi C"]
    assert names(listing(ListingQuery(min_price=10000, max_price=120000))) == ["Batik E", "Kopi C", "Keripik A"]
    assert names(listing(ListingQuery(min_price=50000, max_price=50000))) == ["Kopi C"]
    assert names(listing(ListingQuery(certificates=("halal",)))) == ["Kopi C", "Keripik A"]
    assert names(listing(ListingQuery(certificates=("halal", "bpom")))) == ["Kopi C"]
    assert names(listing(ListingQuery(certificates=("pirt",), kecamatan="Klojen"))) == ["Keripik B"]
    store_id = shelf["Batik D"].store_id
    assert names(listing(ListingQuery(store_id=store_id))) == ["Batik D", "Kopi C"]
    assert names(listing(ListingQuery(exclude_id=shelf["Kopi C"].id, store_id=store_id))) == ["Batik D"]


def test_pages_know_about_the_next_page_without_counting(shelf):
    first = listing(ListingQuery(per_page=2))
    assert names(first) == ["Batik E", "Batik D"]
    assert first.has_next and not first.has_prev and first.next_num == 2
    third = listing(ListingQuery(per_page=2, page=3))
    assert names(third) == ["Keripik A"]
    assert not third.has_next and third.has_prev and third.prev_num == 2
    exact = listing(ListingQuery(per_page=5))
    assert len(exact.items) == 5 and not exact.has_next
    assert listing(ListingQuery(per_page=2, page=50)).items == []


def test_count_listing(shelf, make):
    assert count_listing(ListingQuery()) == 5
    assert count_listing(ListingQuery(kecamatan="Klojen", max_price=20000)) == 2
    assert count_listing(ListingQuery(q="batik")) == 2
    assert count_listing(ListingQuery(q="batik", page=9, per_page=1)) == 2


def test_card_values(shelf):
    card = listing(ListingQuery(q="kopi")).items[0]
    assert (card.name, card.price, card.store_name, card.store_kecamatan) == ("Kopi C", 50000, "Toko Sukun", "Sukun")
    assert card.rating_average == 4.5 and card.in_stock and not card.store_closed


# --- Visibility ---------------------------------------------------------------------------

@pytest.fixture
def hidden(make):
    """One visible product and one of each kind that must never be shown."""
    visible = make.product(name="Tempe Tampil")
    make.product(store=make.store(status="pending"), name="Tempe Pending")
    make.product(store=make.store(status="rejected"), name="Tempe Ditolak")
    make.product(store=make.store(status="suspended"), name="Tempe Dibekukan")
    make.product(name="Tempe Nonaktif", is_active=False)
    return visible


def test_invisible_products_never_listed(hidden, make):
    for query in (ListingQuery(), ListingQuery(q="tempe"), ListingQuery(q="tempe", sort="newest"),
                  ListingQuery(category_id=make.category().id), ListingQuery(kecamatan="Klojen"),
                  ListingQuery(sort="price_asc"), ListingQuery(sort="rating")):
        assert names(listing(query)) == ["Tempe Tampil"], query
        assert count_listing(query) == 1
    assert [p.name for p in search_results.suggestions("tempe").products] == ["Tempe Tampil"]
    assert catalog.newest_products() and [p.name for p in catalog.newest_products()] == ["Tempe Tampil"]


def test_invisible_products_and_stores_not_found(hidden, make):
    pending = make.store(status="pending")
    product = make.product(store=pending)
    assert catalog.product_detail(product.id) is None
    shown, store, images = catalog.product_detail(hidden.id)
    assert (shown.name, store.id, images) == ("Tempe Tampil", hidden.store_id, ())
    assert catalog.visible_store(pending.slug) is None
    assert catalog.visible_store(hidden.store.slug).id == hidden.store_id
    inactive = make.product(is_active=False)
    assert catalog.product_detail(inactive.id) is None


def test_store_leaving_verified_hides_its_products_at_once(make):
    product = make.product(name="Sambal Bu Rini")
    assert names(listing(ListingQuery(q="sambal"))) == ["Sambal Bu Rini"]
    product.store.status = "suspended"
    db.session.commit()
    assert names(listing(ListingQuery(q="sambal"))) == []


def test_stores_near(make):
    near = make.store(name="Dekat", kecamatan="Sukun", kelurahan="Bandungrejosari")
    rated = make.store(name="Dekat Berbintang", kecamatan="Sukun", kelurahan="Ciptomulyo",
                       rating_sum=9, rating_count=2)
    make.store(name="Jauh", kecamatan="Klojen")
    make.store(name="Dekat Pending", kecamatan="Sukun", kelurahan="Ciptomulyo", status="pending")
    assert [s.name for s in catalog.stores_near("Sukun")] == [rated.name, near.name]


def test_closure_days():
    day = datetime(2026, 12, 24).date()
    assert catalog.is_closed_on(day, day + timedelta(days=2), day)
    assert catalog.is_closed_on(day - timedelta(days=2), day, day)
    assert not catalog.is_closed_on(day + timedelta(days=1), day + timedelta(days=2), day)
    assert not catalog.is_closed_on(day - timedelta(days=3), day - timedelta(days=1), day)
    assert catalog.is_closed_on(day, None, day + timedelta(days=30))
    assert not catalog.is_closed_on(None, None, day)


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc"])
@pytest.mark.parametrize("per_page", [1, 2, 3, 7])
def test_pages_across_the_sold_out_boundary_list_everything_once_in_order(make, sort, per_page):
    """In-stock products first, then sold-out ones, page after page: the page where the
    in-stock part ends, pages wholly past it, and pages past the end (services.catalog reads
    the two parts separately)."""
    store = make.store()
    stocks = [3, 0, None, 0, 5, 1, 0, 2, 0, 0, 4]  # None: unlimited (a service)
    for n, stock in enumerate(stocks):
        make.product(store=store, name=f"Produk {n:02d}", price=1000 + (n * 7919) % 13 * 100, stock=stock,
                     created_at=T0 + timedelta(hours=n))
    key = {"newest": lambda p: (-p.created_at.timestamp(), -p.id), "price_asc": lambda p: (p.price, p.id),
           "price_desc": lambda p: (-p.price, -p.id)}[sort]
    products = db.session.scalars(select(Product)).all()
    expected = [p.name for p in sorted(products, key=lambda p: (p.stock == 0, key(p)))]

    seen, page = [], 1
    while True:
        result = listing(ListingQuery(sort=sort, per_page=per_page, page=page))
        seen += names(result)
        if not result.has_next:
            break
        page += 1
    assert seen == expected
    assert listing(ListingQuery(sort=sort, per_page=per_page, page=page + 1)).items == []
