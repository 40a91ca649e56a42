"""What the shop may show, and the one listing query every buyer-facing list is built from.

Visibility (DOMAIN.md): only active products of verified stores. `visible_products()` starts ORM
queries from that rule (cart, checkout); `listing()` is the lean path for lists (home,
category, search, store page, related products, the API's /products): it selects the columns a
product card needs as plain rows, applies the same `visibility_criteria()`, and reads one row
more than a page holds to know whether a next page exists, so no list runs a COUNT. The API's
`total` comes from `count_listing()`, a separate query the caller may cache.

`parse_listing_args()` (services.listing_params, re-exported here) reads the list parameters of
a URL: leniently for web pages or strictly for the API.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Integer, Select, bindparam, case, func, literal_column, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.sql.selectable import Join

from malpro.extensions import db
from malpro.models import Category, Product, ProductImage, Store, average_rating
from malpro.services import search
from malpro.services.listing_params import (  # noqa: F401  (re-exported: one import for callers)
    CERTIFICATES,
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    SORTS,
    ListingParameterError,
    ListingQuery,
    parse_listing_args,
)
from malpro.services.stores import is_closed_on, today_wib  # noqa: F401  (closure rule lives there)

# --- Visibility ---------------------------------------------------------------------------

def visibility_criteria() -> tuple:
    """The WHERE clauses of the rule, for queries that join products to stores."""
    return (Store.status == "verified", Product.is_active.is_(True))


def visible_products() -> Select:
    """SELECT of products a buyer may see, with the store loaded by the same join."""
    return (
        select(Product)
        .join(Product.store)
        .where(*visibility_criteria())
        .options(contains_eager(Product.store), joinedload(Product.category))
    )


def visible_product(product_id: int) -> Product | None:
    return db.session.scalar(visible_products().where(Product.id == product_id))


class StoreProfile(NamedTuple):
    """What a buyer may see of a verified store (never its NIB or status history)."""

    id: int
    slug: str
    name: str
    description: str
    phone: str
    address: str
    kecamatan: str
    kelurahan: str
    logo_path: str | None
    opening_hours: str | None
    closed_from: date | None
    closed_until: date | None
    closed_note: str | None
    offers_delivery: bool
    offers_pickup: bool
    delivery_fee: int
    rating_count: int
    rating_sum: int
    verified_at: datetime | None

    @property
    def rating_average(self) -> float | None:
        return average_rating(self.rating_sum, self.rating_count)

    @property
    def is_closed(self) -> bool:
        return is_closed_on(self.closed_from, self.closed_until, today_wib())


class ProductDetail(NamedTuple):
    """A visible product as its page shows it."""

    id: int
    name: str
    slug: str
    description: str
    price: int
    unit: str
    stock: int | None
    cover_path: str | None
    rating_count: int
    rating_sum: int
    sold_count: int
    halal_number: str | None
    pirt_number: str | None
    bpom_number: str | None
    category_id: int
    store_id: int
    created_at: datetime
    updated_at: datetime

    @property
    def rating_average(self) -> float | None:
        return average_rating(self.rating_sum, self.rating_count)

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


class ProductImageRow(NamedTuple):
    id: int
    position: int
    thumb_path: str
    large_path: str


_STORE_COLUMNS = tuple(getattr(Store, name) for name in StoreProfile._fields)
_PRODUCT_COLUMNS = tuple(getattr(Product, name) for name in ProductDetail._fields)
_VISIBLE_STORE = select(*_STORE_COLUMNS).where(Store.slug == bindparam("slug"), Store.status == "verified")
_IMAGE_COLUMNS = tuple(getattr(ProductImage, name) for name in ProductImageRow._fields)
# The product with its store and its images: one row per image (one row when it has none).
_PRODUCT_DETAIL = (select(*_PRODUCT_COLUMNS, *_STORE_COLUMNS, *_IMAGE_COLUMNS)
                   .join(Product.store).outerjoin(ProductImage, ProductImage.product_id == Product.id)
                   .where(*visibility_criteria(), Product.id == bindparam("product_id"))
                   .order_by(ProductImage.position, ProductImage.id))
_PRODUCT_WIDTH, _STORE_WIDTH = len(ProductDetail._fields), len(StoreProfile._fields)


def product_detail(product_id: int) -> tuple[ProductDetail, StoreProfile, tuple[ProductImageRow, ...]] | None:
    """A visible product, its store and its images in order (one query), or None."""
    rows = db.session.connection().execute(_PRODUCT_DETAIL, {"product_id": product_id}).all()
    if not rows:
        return None
    first, images_from = rows[0], _PRODUCT_WIDTH + _STORE_WIDTH
    images = tuple(ProductImageRow._make(row[images_from:]) for row in rows if row[images_from] is not None)
    return (ProductDetail._make(first[:_PRODUCT_WIDTH]), StoreProfile._make(first[_PRODUCT_WIDTH:images_from]),
            images)


def visible_store(slug: str) -> StoreProfile | None:
    """A verified store; any other store has no public page."""
    row = db.session.connection().execute(_VISIBLE_STORE, {"slug": slug}).first()
    return StoreProfile._make(row) if row else None


_STORES_NEAR = (select(*_STORE_COLUMNS)
                .where(Store.status == "verified", Store.kecamatan == bindparam("kecamatan"))
                .order_by(case((Store.rating_count > 0, 0), else_=1),
                          (Store.rating_sum * 1.0 / func.nullif(Store.rating_count, 0)).desc(),
                          Store.verified_at.desc(), Store.id.desc())
                .limit(bindparam("limit", type_=Integer)))


def stores_near(kecamatan: str, limit: int = 6) -> list[StoreProfile]:
    """Verified stores of a kecamatan, best rated first, then the most recently verified."""
    rows = db.session.connection().execute(_STORES_NEAR, {"kecamatan": kecamatan, "limit": limit})
    return [StoreProfile._make(row) for row in rows]


def category_product_counts() -> dict[int, int]:
    """{category_id: number of visible products}."""
    query = (select(Product.category_id, func.count()).join(Product.store)
             .where(*visibility_criteria()).group_by(Product.category_id))
    return dict(db.session.execute(query).all())


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


_CATEGORY_ROWS = (select(Category.id, Category.slug, Category.name, Category.name_en, Category.icon,
                         Category.position).order_by(Category.position, Category.id))


def category_rows() -> list:
    """The categories in order as plain rows (id, slug, name, name_en, icon, position): cheaper
    than ORM objects for the pages that only show them, and comparable by value."""
    return db.session.connection().execute(_CATEGORY_ROWS).all()


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


# --- The listing --------------------------------------------------------------------------

class ProductCard(NamedTuple):
    """One product of a list, with what its card shows; a plain row, no ORM object."""

    id: int
    name: str
    slug: str
    price: int
    unit: str
    stock: int | None
    cover_path: str | None
    rating_count: int
    rating_sum: int
    sold_count: int
    halal_number: str | None
    pirt_number: str | None
    bpom_number: str | None
    category_id: int
    created_at: datetime
    store_id: int
    store_name: str
    store_slug: str
    store_kecamatan: str
    closed_from: date | None
    closed_until: date | None

    @property
    def rating_average(self) -> float | None:
        return average_rating(self.rating_sum, self.rating_count)

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0

    @property
    def store_closed(self) -> bool:
        return self.closed_from is not None and is_closed_on(self.closed_from, self.closed_until, today_wib())


_CARD_WIDTH = len(ProductCard._fields)


@dataclass
class ListingPage:
    items: list[ProductCard]
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None


class _StraightJoin(Join):
    """An inner join whose left side the database reads first.

    SQLite's planner, without statistics, starts a products-stores join from the stores (its
    status index) and then sorts every visible product to find the newest 24; reading products
    in the order of the listing's index and looking up each one's store stops after a page.
    CROSS JOIN is SQLite's documented way to fix the order; PostgreSQL gets a plain JOIN."""

    inherit_cache = True


@compiles(_StraightJoin)
def _compile_join(join, compiler, **kw):
    return compiler.visit_join(join, **kw)


@compiles(_StraightJoin, "sqlite")
def _compile_cross_join(join, compiler, asfrom=False, from_linter=None, **kw):
    if from_linter:
        from_linter.edges.update((left, right) for left in join.left._from_objects
                                 for right in join.right._from_objects)
    return (join.left._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)
            + " CROSS JOIN "
            + join.right._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)
            + " ON " + join.onclause._compiler_dispatch(compiler, from_linter=from_linter, **kw))


_CERTIFICATE_COLUMNS = {"halal": Product.halal_number, "pirt": Product.pirt_number, "bpom": Product.bpom_number}
_RATING_AVERAGE = Product.rating_sum * 1.0 / func.nullif(Product.rating_count, 0)
# Every list shows what can be bought first: sold-out products (stock 0) come after the others
# in every sort (NULL stock means unlimited). The indexed sorts read the in-stock part, then if
# needed the sold-out part, each in its index's order and only as far as the page needs
# (_in_stock_first): a sort key computed per row would make the database sort every visible
# product (0.2 ms -> 350 ms for the home page's newest products among 50,000).
_IN_STOCK = or_(Product.stock.is_(None), Product.stock > 0)
_SOLD_OUT_ONLY = Product.stock <= literal_column("0")  # a literal: the partial index ix_products_sold_out matches it
_SOLD_OUT_LAST = case((Product.stock <= 0, 1), else_=0)  # a sort key: 0 in stock, 1 sold out
_ORDERS = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.price.asc(), Product.id.asc()),
    "price_desc": (Product.price.desc(), Product.id.desc()),
    # Rated products first, best average first, the more reviewed first among equals.
    "rating": (case((Product.rating_count > 0, 0), else_=1), _RATING_AVERAGE.desc(),
               Product.rating_count.desc(), Product.id.desc()),
}
# The sorts an index serves, as (column, descending) pairs of the listing's own columns.
_INDEXED_ORDERS = {
    "newest": (("created_at", True), ("id", True)),
    "price_asc": (("price", False), ("id", False)),
    "price_desc": (("price", True), ("id", True)),
}


_SOLD_OUT = Product.stock <= 0  # NULL (unlimited, services) is in stock


def _card_columns(product_id=None) -> tuple:
    return (
        (product_id if product_id is not None else Product.id).label("id"),
        # Labelled: the search tiers' UNION names them.
        Product.name, Product.slug, Product.price.label("price"), Product.unit, Product.stock, Product.cover_path,
        Product.rating_count, Product.rating_sum, Product.sold_count, Product.halal_number, Product.pirt_number,
        Product.bpom_number, Product.category_id, Product.created_at.label("created_at"),
        Store.id.label("store_id"), Store.name.label("store_name"), Store.slug.label("store_slug"),
        Store.kecamatan.label("store_kecamatan"), Store.closed_from, Store.closed_until,
    )


def _shape(query: ListingQuery, dialect: str) -> tuple:
    """What decides the SQL text of a listing (not the values): which filters are set, the
    sort, the kind of search. Statements are built once per shape and reused, which spares
    building the SELECT and computing its cache key on every request."""
    return (dialect, query.category_id is not None, query.store_id is not None,
            (bool(query.kecamatan), bool(query.kelurahan)), query.min_price is not None,
            query.max_price is not None, query.certificates,
            query.exclude_id is not None, query.effective_sort, len(query.terms))


def _parameters(query: ListingQuery, dialect: str) -> dict:
    params = {"category_id": query.category_id, "store_id": query.store_id, "kecamatan": query.kecamatan,
              "kelurahan": query.kelurahan,
              "min_price": query.min_price, "max_price": query.max_price, "exclude_id": query.exclude_id,
              "limit": query.per_page + 1, "offset": (query.page - 1) * query.per_page}
    if query.terms:
        params.update(search.parameters(query.terms, dialect, query.groups))
    return params


def _criteria(shape: tuple) -> list:
    _, category, store, (kecamatan, kelurahan), min_price, max_price, certificates, exclude, _, _ = shape
    criteria = list(visibility_criteria())
    if category:
        criteria.append(Product.category_id == bindparam("category_id"))
    if store:
        criteria.append(Product.store_id == bindparam("store_id"))
    if kecamatan:
        criteria.append(Store.kecamatan == bindparam("kecamatan"))
    if kelurahan:
        criteria.append(Store.kelurahan == bindparam("kelurahan"))
    if min_price:
        criteria.append(Product.price >= bindparam("min_price"))
    if max_price:
        criteria.append(Product.price <= bindparam("max_price"))
    for name in certificates:
        criteria.append(_CERTIFICATE_COLUMNS[name].is_not(None))
    if exclude:
        criteria.append(Product.id != bindparam("exclude_id"))
    return criteria


def _source(plan: search.SearchPlan | None = None):
    """FROM: products then their stores, after the search index when searching."""
    products = Product.__table__
    if plan is not None:
        products = _StraightJoin(plan.source, products, Product.id == plan.product_id)
    return _StraightJoin(products, Store.__table__, Store.id == Product.store_id)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


@lru_cache(maxsize=512)
def _listing_statement(shape: tuple):
    criteria, sort, terms = _criteria(shape), shape[-2], shape[-1]
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    if not terms:
        # (The indexed sorts are read part by part: _part_statement, _in_stock_first.)
        return (select(*_card_columns()).select_from(_source()).where(*criteria)
                .order_by(_SOLD_OUT_LAST, *_ORDERS[sort]).limit(limit).offset(offset))
    plan = search.plan(shape[0], terms > 1)
    if sort != "relevance":
        return (select(*_card_columns()).select_from(_source(plan)).where(*criteria, plan.matches)
                .order_by(_SOLD_OUT_LAST, *_ORDERS[sort]).limit(limit).offset(offset))
    if plan.tiers:
        # One SELECT per tier and stock state, each read in the index's rowid order (newest
        # first), concatenated in rank order: without an ORDER BY over the whole, SQLite runs
        # the arms one after the other and stops once the page is full, so the lower tiers
        # (and the empty ones) are not even read when the first fills the page.
        arms = [select(*_card_columns(plan.product_id)).select_from(_source(plan))
                .where(*criteria, tier, _SOLD_OUT if sold_out else _IN_STOCK)
                .order_by(plan.product_id.desc()).subquery(f"tier_{n}_{sold_out}")
                for n, tier in enumerate(plan.tiers) for sold_out in (0, 1)]
        return union_all(*(select(arm) for arm in arms)).limit(limit).offset(offset)
    return (select(*_card_columns()).select_from(_source(plan)).where(*criteria, plan.matches)
            .order_by(plan.tier, case((_SOLD_OUT, 1), else_=0), Product.id.desc())
            .limit(limit).offset(offset))


@lru_cache(maxsize=512)
def _count_statement(shape: tuple):
    criteria, source = _criteria(shape), _source()
    if shape[-1]:
        plan = search.plan(shape[0], shape[-1] > 1)
        source = _source(plan)
        criteria.append(plan.matches)
    return select(func.count()).select_from(source).where(*criteria)


@lru_cache(maxsize=512)
def _exists_statement(shape: tuple):
    criteria, source = _criteria(shape), _source()
    if shape[-1]:
        plan = search.plan(shape[0], shape[-1] > 1)
        source = _source(plan)
        criteria.append(plan.matches)
    return select(Product.id).select_from(source).where(*criteria).limit(1)


def any_listed(query: ListingQuery) -> bool:
    """Whether `query` lists anything at all: one row, in no order (cheaper than a page when
    the answer is no)."""
    dialect = _dialect()
    return db.session.connection().execute(
        _exists_statement(_shape(query, dialect)), _parameters(query, dialect)).first() is not None


@lru_cache(maxsize=512)
def _part_statement(shape: tuple, sold_out: bool):
    """The in-stock (or the sold-out) products of an unsearched listing in an indexed sort:
    read in the index's order, so a page costs its own rows, not a sort of every match."""
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    return (select(*_card_columns()).select_from(_source())
            .where(*_criteria(shape), _SOLD_OUT_ONLY if sold_out else _IN_STOCK)
            .order_by(*_ORDERS[shape[-2]]).limit(limit).offset(offset))


@lru_cache(maxsize=512)
def _both_parts_statement(shape: tuple):
    """Both parts, each read up to the end of the page, then sorted: for a page past the
    in-stock products (where the sold-out part starts is not known without a COUNT)."""
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    arms = [select(*_card_columns(), literal_column(str(n)).label("sold_out"))
            .select_from(_source()).where(*_criteria(shape), part)
            .order_by(*_ORDERS[shape[-2]]).limit(limit + offset).subquery(f"part{n}")
            for n, part in enumerate((_IN_STOCK, _SOLD_OUT_ONLY))]
    both = union_all(*(select(arm) for arm in arms)).subquery("listing")
    order = [both.c.sold_out] + [both.c[name].desc() if descending else both.c[name].asc()
                                 for name, descending in _INDEXED_ORDERS[shape[-2]]]
    return select(both).order_by(*order).limit(limit).offset(offset)


def _in_stock_first(connection, shape: tuple, params: dict) -> list:
    """A page of in-stock products, then sold-out ones. Usually the in-stock part alone fills
    the page: one query, reading the page's own rows. The page where it ends adds the first
    sold-out products; a page past it reads both parts up to its end. (Always reading both
    parts cost 6 ms a page at 50,000 products, the sold-out part walking every sold-out
    product of every category, and 60 ms at page 10.)"""
    rows = connection.execute(_part_statement(shape, False), params).all()
    if len(rows) >= params["limit"]:
        return rows
    if rows or params["offset"] == 0:  # the in-stock products end on this page
        return rows + connection.execute(_part_statement(shape, True),
                                         {**params, "limit": params["limit"] - len(rows), "offset": 0}).all()
    return connection.execute(_both_parts_statement(shape), params).all()


def listing(query: ListingQuery) -> ListingPage:
    """One page of visible products: one SQL query whatever the page size (two on the page
    where the in-stock products end and the sold-out ones begin)."""
    dialect = _dialect()
    shape, params = _shape(query, dialect), _parameters(query, dialect)
    connection = db.session.connection()
    if not query.terms and query.effective_sort in _INDEXED_ORDERS:
        rows = _in_stock_first(connection, shape, params)
    else:
        rows = connection.execute(_listing_statement(shape), params).all()
    items = [ProductCard._make(row[:_CARD_WIDTH]) for row in rows[:query.per_page]]
    return ListingPage(items=items, page=query.page, per_page=query.per_page,
                       has_next=len(rows) > query.per_page)


def count_listing(query: ListingQuery) -> int:
    """How many visible products match `query` (all pages): the API's `total`. A COUNT reads
    every match, so pages do not call it; a caller that needs it often may cache it."""
    dialect = _dialect()
    return db.session.connection().execute(
        _count_statement(_shape(query, dialect)), _parameters(query, dialect)).scalar()


def newest_products(limit: int = 12) -> list[ProductCard]:
    return listing(ListingQuery(sort="newest", per_page=limit)).items


def related_products(product: Product, limit: int = 6) -> list[ProductCard]:
    """Other visible products of the same category, newest first (sold-out ones last)."""
    return listing(ListingQuery(category_id=product.category_id, exclude_id=product.id,
                                sort="newest", per_page=limit)).items
