"""The public catalogue: regions, categories, products and stores. Only what the shop shows
(verified stores' active products, services.catalog); anything else is 404."""
from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from malpro.api import bp
from malpro.api.inputs import DEFAULT_PER_PAGE, page_json
from malpro.api.serializers import product_card_json, product_detail_json, store_public
from malpro.extensions import db
from malpro.models import Category
from malpro.reference import regions
from malpro.services import catalog, search_results
from malpro.services.errors import NotFoundError


@bp.get("/regions")
def list_regions():
    return jsonify([{"kecamatan": k, "kelurahan": list(v)} for k, v in regions().items()])


@bp.get("/categories")
def list_categories():
    counts = catalog.category_product_counts()
    return jsonify([{"slug": c.slug, "name": c.name, "product_count": counts.get(c.id, 0)}
                    for c in catalog.all_categories()])


def _product_list(**fixed):
    """One page of the listing the shop shows, for this request's parameters (bad ones: 400)."""
    args = MultiDict(request.args)
    if "per_page" not in args:
        args["per_page"] = str(DEFAULT_PER_PAGE)
    categories = catalog.all_categories()
    query = catalog.parse_listing_args(args, strict=True, categories=categories, **fixed)
    # The same search as the shop's: variants, corrections and places (services.search_results).
    result = search_results.search(query)
    query, page = result.counted_query, result.listing
    by_id = {c.id: c for c in categories}
    items = [product_card_json(card, by_id) for card in page.items]
    # The count reads every match; the first page of a short list already knows it.
    if query.page == 1 and not page.has_next:
        total = len(items)
    else:
        total = catalog.count_listing(query)
    body = page_json(items, query.page, query.per_page, total)
    if result.corrected_query:
        body["corrected_query"] = result.corrected_query
    if result.place_listing:
        body["place"] = {"kind": result.place.kind, "name": result.place.name,
                         "kecamatan": result.place.kecamatan}
    return body


@bp.get("/products")
def list_products():
    return jsonify(_product_list())


@bp.get("/products/<int:product_id>")
def get_product(product_id: int):
    found = catalog.product_detail(product_id)
    if found is None:
        raise NotFoundError(_("Produk tidak ditemukan."))
    product, store, images = found
    category = db.session.get(Category, product.category_id)
    return jsonify(product_detail_json(product, store, images, category))


def _store(slug: str):
    store = catalog.visible_store(slug)
    if store is None:
        raise NotFoundError(_("Toko tidak ditemukan."))
    return store


@bp.get("/stores/<slug>")
def get_store(slug: str):
    return jsonify(store_public(_store(slug)))


@bp.get("/stores/<slug>/products")
def list_store_products(slug: str):
    return jsonify(_product_list(store_id=_store(slug).id))
