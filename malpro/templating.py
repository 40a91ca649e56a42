"""Jinja filters and the values every page's frame needs (navigation, badges)."""
import json
import secrets
from pathlib import Path

from flask import Flask, current_app, g, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from PIL import Image

from malpro.formatting import compact_number, iso, rupiah, wib
from malpro.services.images import medium_path
from malpro.sessionless import has_session

# Stands for the CSRF token in renderings shared by every visitor (see fill_csrf_placeholders).
# Random per process (the shared renderings are kept per process too), so no text a user
# writes (a product named "Keripik __malpro_csrf_token__") can contain it: only the places
# the templates put it in get the visitor's token, never a heading or a WhatsApp link.
CSRF_PLACEHOLDER = f"__malpro_csrf_{secrets.token_hex(16)}__"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["compact"] = compact_number
    app.jinja_env.filters["wib"] = wib
    app.jinja_env.filters["iso"] = iso
    app.jinja_env.globals["upload_url"] = upload_url
    app.jinja_env.globals["image_srcset"] = image_srcset
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["category_name"] = category_name

    app.jinja_env.globals["csrf_placeholder"] = CSRF_PLACEHOLDER
    app.jinja_env.globals["site_header"] = site_header
    app.jinja_env.globals["site_footer"] = site_footer
    app.after_request(fill_csrf_placeholders)

    @app.context_processor
    def frame_values():
        return {
            "nav_categories": _nav_categories,
            "cart_badge_count": _cart_badge_count,
            # The frame's token is filled in after rendering (fill_csrf_placeholders).
            "csrf_headers": lambda: json.dumps({"X-CSRFToken": CSRF_PLACEHOLDER}),
        }


def fill_csrf_placeholders(response):
    """Put this visitor's CSRF token where cached (shared) renderings and the page frame hold
    the placeholder. A visitor without a session gets an empty one, and so no cookie: their
    first form is checked by origin (malpro/sessionless.py)."""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        body = response.get_data(as_text=True)
        if CSRF_PLACEHOLDER in body:
            response.set_data(body.replace(CSRF_PLACEHOLDER, generate_csrf() if has_session() else ""))
    return response


def upload_url(path: str | None) -> str | None:
    """Public URL of an uploaded image (product images and logos; never documents)."""
    return url_for("shop.uploaded_file", path=path) if path else None


def image_srcset(large_path: str) -> str | None:
    """`srcset` of a product photo (its medium and large versions, with their real widths),
    or None while it has no medium version (`flask media-sizes` makes them)."""
    widths = _image_widths(current_app.config["UPLOAD_DIR"], large_path)
    if widths is None:
        return None
    medium_width, large_width = widths
    return (f"{upload_url(medium_path(large_path))} {medium_width}w, "
            f"{upload_url(large_path)} {large_width}w")


# (UPLOAD_DIR, large path) -> (medium width, large width). Stored photos never change under
# their random names, so their widths can be kept; a missing medium version is not remembered.
_WIDTHS: dict[tuple[str, str], tuple[int, int]] = {}


def _image_widths(upload_dir: str, large_path: str) -> tuple[int, int] | None:
    widths = _WIDTHS.get((upload_dir, large_path))
    if widths is None:
        medium = medium_path(large_path)
        if medium is None:
            return None
        try:  # Pillow reads only the headers here
            with Image.open(Path(upload_dir) / medium) as m, Image.open(Path(upload_dir) / large_path) as large:
                widths = (m.width, large.width)
        except (OSError, ValueError):
            return None
        if len(_WIDTHS) >= 4096:
            _WIDTHS.clear()
        _WIDTHS[(upload_dir, large_path)] = widths
    return widths


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = {**(request.view_args or {}), **request.args.to_dict(), **changes}
    return url_for(request.endpoint, **{k: v for k, v in args.items() if v not in (None, "")})


def category_name(category) -> str:
    """A category's label in the interface language."""
    return category.name_en if get_locale().language == "en" else category.name


def site_header() -> Markup:
    """The header and category bar of every page (templates/partials/_site_header.html).
    About a third of a rendered page's time went into them (some 40 url_for and gettext
    calls), while they show few values: each rendering is kept per worker by exactly those
    values (malpro/shop/fragments.py adds the language, host and day)."""
    from malpro.services.notifications import unread_count
    from malpro.shop import fragments

    signed_in = current_user.is_authenticated
    person = (signed_in, signed_in and bool(current_user.is_admin), signed_in and current_user.store is not None)
    cart_count = _cart_badge_count()
    unread = unread_count(current_user.id) if signed_in else 0
    search_words = request.args.get("q", "") if request.endpoint == "shop.search" else ""
    current_slug = request.view_args.get("slug") if request.view_args else None
    categories = tuple((c.id, c.slug, c.name, c.name_en) for c in _nav_categories())
    return fragments.render("partials/_site_header.html",
                            ("header", person, cart_count, unread, search_words, current_slug, categories),
                            cart_count=cart_count, unread_count=unread)


def site_footer() -> Markup:
    """The footer of every page (templates/partials/_site_footer.html), kept per return
    address of its language switch."""
    from malpro.shop import fragments

    next_path = request.full_path if request.method == "GET" else "/"
    return fragments.render("partials/_site_footer.html", ("footer", next_path), next_path=next_path)


def _nav_categories():
    from malpro.services.catalog import all_categories

    if "nav_categories" not in g:
        g.nav_categories = all_categories()
    return g.nav_categories


def _cart_badge_count() -> int:
    from malpro.services.cart import cart_count

    user_id = current_user.id if current_user.is_authenticated else None
    return cart_count(user_id, session)
