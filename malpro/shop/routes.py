"""Buyer-facing pages: home, category and search listings, product and store pages, live search
suggestions, the account page, the language switch, media files.

The category, search and store pages share one listing (services.catalog.listing) and one
partial. A plain request gets the whole page; the htmx "load more" button asks for the same URL
with the next page and gets only the new cards (appended out of band) and a new pager."""
from pathlib import Path
from urllib.parse import urljoin

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from malpro.formatting import rupiah
from malpro.forms import safe_next_url
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.reference import kecamatan_names
from malpro.services import accounts, catalog, search_results
from malpro.services.validation import whatsapp_url
from malpro.shop import bp, fragments
from malpro.shop.fragments import product_cards
from malpro.templating import upload_url

# Only these upload folders are public; legality documents are served by a guarded view.
PUBLIC_MEDIA_DIRS = ("products", "logos")
HOME_NEWEST = 12
RELATED = 6
SUGGESTIONS = 6
NO_RESULT_POPULAR = 6


bp.add_app_template_global(product_cards)


@bp.app_template_global()
def product_url(product, external: bool = False) -> str:
    """The canonical address of a product (an ORM product or a listing card)."""
    return url_for("shop.product", product_id=product.id, name_slug=product.slug or None, _external=external)


def _categories():
    # The page frame lists the categories too (templating.nav_categories reads them from g under
    # this name): one query serves both, and plain rows make them usable in fragment keys.
    if "nav_categories" not in g:
        g.nav_categories = catalog.category_rows()
    return g.nav_categories


def _absolute(path: str) -> str:
    """An absolute URL for link previews (OpenGraph): PUBLIC_BASE_URL when set, else this host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


# --- Home ---------------------------------------------------------------------------------

@bp.get("/")
def home():
    kecamatan = current_user.kecamatan if current_user.is_authenticated else None
    categories = _categories()
    newest = catalog.newest_products(HOME_NEWEST)
    near_stores = catalog.stores_near(kecamatan) if kecamatan else []
    key = ("home", tuple(categories), tuple(newest), kecamatan, tuple(near_stores))
    return fragments.render_page("shop/home.html", key, categories=categories, newest=newest,
                                 near_kecamatan=kecamatan, near_stores=near_stores)


# --- Listings -----------------------------------------------------------------------------

def _listing_params(query: catalog.ListingQuery, page: int | None, include_category: bool) -> dict:
    """Query-string arguments that reproduce `query` on another page number: built from the
    parsed values, so shared links are clean and a dropped bad value stays dropped."""
    params = {
        "q": query.q or None,
        "category": query.category if include_category else None,
        "kecamatan": query.kecamatan,
        "min_price": query.min_price,
        "max_price": query.max_price,
        "certificate": ",".join(query.certificates) or None,
        "sort": query.sort,
        "exact": 1 if query.exact else None,
        "page": page if page and page > 1 else None,
    }
    if query.per_page != catalog.DEFAULT_PER_PAGE:
        params["per_page"] = query.per_page
    return {k: v for k, v in params.items() if v is not None}


def _render_listing(template: str, query: catalog.ListingQuery, key: tuple, *, show_category: bool = False,
                    show_kecamatan: bool = True, derived=None, listing=None, **context):
    """A listing page, or for htmx's "load more" only the next cards and pager. `key` holds the
    values of `context` (fragments.render_page). `listing`: the page of `query` when the caller
    has it already."""
    listing = listing if listing is not None else catalog.listing(query)
    categories = _categories()
    endpoint, view_args = request.endpoint, request.view_args

    def page_url(number: int | None) -> str | None:
        if number is None:
            return None
        return url_for(endpoint, **view_args, **_listing_params(query, number, show_category))

    key = (endpoint, tuple(sorted(view_args.items())), query, tuple(listing.items), listing.page,
           listing.has_next, show_category, show_kecamatan, tuple(categories), key)
    values = dict(context, query=query, listing=listing, page_url=page_url, show_category=show_category,
                  show_kecamatan=show_kecamatan, categories=categories, kecamatans=kecamatan_names())
    if is_htmx():
        # "Load more": the next page's cards go to the end of the grid (out of band) and a new
        # pager replaces the one whose button was pressed.
        body = (fragments.render("shop/partials/_listing_more.html", key, **values)
                + fragments.render("shop/partials/_product_grid.html", key, oob=True, **values))
        response = make_response(body)
    else:
        response = make_response(fragments.render_page(template, key, derived, **values))
    return vary_on_htmx(response)


@bp.get("/kategori/<slug>")
def category(slug: str):
    category = next((c for c in _categories() if c.slug == slug), None) or abort(404)
    query = catalog.parse_listing_args(request.args, categories=_categories(),
                                       category=category.slug, category_id=category.id)
    return _render_listing("shop/category.html", query, (), category=category)


@bp.get("/cari")
def search():
    """The search page: typos, spelling variants, stores and places (services.search_results)."""
    query = catalog.parse_listing_args(request.args, categories=_categories())
    result = search_results.search(query)
    closest, popular = (), ()
    if result.empty and not result.query.has_filters:
        closest = tuple(search_results.closest_categories(query.q, _categories()))
        popular = tuple(search_results.popular_products(NO_RESULT_POPULAR))
    key = (result.corrected_query, result.suggestion, result.place, result.place_listing,
           tuple(result.stores), closest, popular)
    return _render_listing("shop/search.html", result.query, key, show_category=True,
                           listing=result.listing, search=result, closest_categories=closest,
                           popular=popular, typed_q=query.q)


@bp.get("/cari/saran")
def suggestions():
    """Live suggestions under the header's search box (a fragment, for htmx)."""
    q = request.args.get("q", "")
    categories = _categories()
    found = search_results.suggestions(q, SUGGESTIONS, categories)
    by_id = {c.id: c for c in categories}
    return render_template("shop/partials/_suggestions.html", items=found.products, found=found,
                           suggested_categories=[by_id[i] for i in found.category_ids if i in by_id])


@bp.get("/toko/<store_slug>", endpoint="store")
def store_page(store_slug: str):
    store = catalog.visible_store(store_slug) or abort(404)
    query = catalog.parse_listing_args(request.args, categories=_categories(), store_id=store.id)

    def derived() -> dict:
        # Built from the store row of the key: only needed to render.
        message = _("Halo %(store)s, saya melihat toko Anda di Malpro.", store=store.name)
        return {"whatsapp": whatsapp_url(store.phone, message),
                "page_absolute_url": _absolute(url_for("shop.store", store_slug=store.slug)),
                "logo_absolute_url": _absolute(upload_url(store.logo_path)) if store.logo_path else None}

    return _render_listing("shop/store.html", query, store, derived=derived, show_category=True,
                           show_kecamatan=False, store=store, store_closed=store.is_closed)


# --- Product ------------------------------------------------------------------------------

@bp.get("/produk/<int:product_id>", defaults={"name_slug": None})
@bp.get("/produk/<int:product_id>-<name_slug>")
def product(product_id: int, name_slug: str | None):
    found = catalog.product_detail(product_id) or abort(404)
    product, store, images = found
    if name_slug != (product.slug or None):
        # Old or shortened links (/produk/12, a renamed product) keep working.
        return redirect(product_url(product), code=301)
    categories = _categories()
    category = next(c for c in categories if c.id == product.category_id)
    related = catalog.related_products(product, RELATED)

    def derived() -> dict:
        # Built from the product and store rows of the key: only needed to render.
        canonical = _absolute(product_url(product))
        message = _("Halo %(store)s, saya tertarik dengan %(product)s (%(price)s) di Malpro: %(url)s",
                    store=store.name, product=product.name, price=rupiah(product.price), url=canonical)
        cover = images[0].large_path if images else product.cover_path
        return {"whatsapp": whatsapp_url(store.phone, message), "canonical_url": canonical,
                "image_absolute_url": _absolute(upload_url(cover)) if cover else None}

    return fragments.render_page(
        "shop/product.html", ("product", product, store, images, category, tuple(related)), derived,
        product=product, store=store, category=category, images=images, related=related,
        store_closed=store.is_closed,
    )


# --- Account, language, media -------------------------------------------------------------

@bp.get("/akun")
@login_required
def account():
    return render_template("shop/account.html", user=current_user)


@bp.post("/bahasa")
def set_language():
    """Switch the interface language; kept in the session and on the account."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            accounts.set_language(current_user, lang)
    return redirect(safe_next_url(request.form.get("next")) or url_for("shop.home"))


@bp.get("/media/<path:path>")
def uploaded_file(path: str):
    """Product images and store logos (re-encoded on upload, safe to serve publicly).
    In production nginx serves this folder directly (docs/deployment.md)."""
    if Path(path).parts[:1] not in [(d,) for d in PUBLIC_MEDIA_DIRS]:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], path, max_age=30 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
