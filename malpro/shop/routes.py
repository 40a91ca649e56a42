"""Buyer-facing pages: home, category listings, the account page, media files."""
from pathlib import Path

from flask import abort, current_app, redirect, render_template, request, send_from_directory, session, url_for
from flask_login import current_user, login_required

from malpro.extensions import db
from malpro.forms import safe_next_url
from malpro.models import Product
from malpro.services import catalog
from malpro.shop import bp

# Only these upload folders are public; legality documents are served by a guarded view.
PUBLIC_MEDIA_DIRS = ("products", "logos")


@bp.get("/")
def home():
    return render_template(
        "shop/home.html",
        categories=catalog.all_categories(),
        newest=catalog.newest_products(12),
    )


@bp.get("/kategori/<slug>")
def category(slug: str):
    category = catalog.category_by_slug(slug) or abort(404)
    page = request.args.get("page", 1, type=int)
    query = (catalog.visible_products().where(Product.category_id == category.id)
             .order_by(Product.created_at.desc(), Product.id.desc()))
    pagination = db.paginate(query, page=page, per_page=24, error_out=False)
    return render_template("shop/category.html", category=category, pagination=pagination)


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
            current_user.locale = lang
            db.session.commit()
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


@bp.get("/cari")
def search():
    q = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", 1, type=int)
    query = catalog.search_products(q).order_by(Product.created_at.desc(), Product.id.desc())
    pagination = db.paginate(query, page=page, per_page=24, error_out=False)
    return render_template("shop/search.html", q=q, pagination=pagination)


@bp.get("/produk/<int:product_id>")
def product(product_id: int):
    product = catalog.visible_product(product_id) or abort(404)
    return render_template("shop/product.html", product=product)
