"""Rendered HTML of listing fragments, remembered by the exact values they show.

Rendering is most of a listing page's cost (Jinja, url_for and gettext for each card and each
filter). The same cards and filter forms are shown again and again, so each worker keeps recent
renderings in a small LRU per template. The key is every input of the rendering: the cards'
own rows (name, price, stock, rating, store name, closure dates, ... exactly as the listing
query just read them from the database), the parsed list parameters, the categories as just
read, the page's endpoint and arguments, the language, today's date in WIB (a closure starts
or ends at midnight) and the URL prefix. There is nothing to invalidate: when a seller changes a
price or an order takes the last item, the next listing query returns a different row, hence a
different key, and the old entry ages out. Only rendering is cached; every request still reads
the database, and the page frame (header, cart badge, CSRF token) is rendered per request.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from malpro.services.catalog import today_wib

# Per template and per worker: at most this many renderings, and this many characters of HTML
# (a page of 24 cards is about 15,000), whichever comes first.
MAX_ENTRIES = 512
MAX_CHARACTERS = 4_000_000
_CARDS = ('{% for product in items %}{% set eager = loop.index <= eager_count %}'
          '{% include "shop/partials/_product_card.html" %}{% endfor %}')


class FragmentCache:
    """An LRU of one template's renderings."""

    def __init__(self, template, max_entries: int = MAX_ENTRIES, max_characters: int = MAX_CHARACTERS):
        self.template = template
        self.max_entries, self.max_characters = max_entries, max_characters
        self._entries: OrderedDict = OrderedDict()  # key -> (rendering, its size)
        self._characters = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def render(self, key: tuple, context: dict, with_request: bool = False, derived=None) -> Markup:
        """The template rendered with `context` (and, with_request, the values Flask gives
        every template: request, session, g, context processors); `key` must hold every value
        the output depends on. `derived`, if given, returns more context values computed from
        those: it is called only when the template is rendered."""
        full_key = self._full_key(key)
        html = self._get(full_key)
        if html is None:
            if derived is not None:
                context.update(derived())
            if with_request:
                current_app.update_template_context(context)
            html = Markup(self.template.render(context))
            self._put(full_key, html, len(html))
        return html

    def render_blocks(self, key: tuple, context: dict, derived=None) -> dict[str, Markup]:
        """Each block the template defines, rendered with `context` (plus `derived()`) and
        Flask's request globals: {"title": ..., "content": ...}."""
        full_key = self._full_key(key)
        blocks = self._get(full_key)
        if blocks is None:
            if derived is not None:
                context.update(derived())
            current_app.update_template_context(context)
            jinja_context = self.template.new_context(context)
            blocks = {name: Markup("".join(render(jinja_context)))
                      for name, render in self.template.blocks.items()}
            self._put(full_key, blocks, sum(map(len, blocks.values())))
        return blocks

    @staticmethod
    def _full_key(key: tuple) -> tuple:
        # What every rendering depends on besides its own values: the language, absolute and
        # relative URLs, and the day (a store's closure starts and ends at midnight, WIB).
        return (str(get_locale()), request.host_url, request.script_root, today_wib(), key)

    def _get(self, full_key):
        with self._lock:
            entry = self._entries.get(full_key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(full_key)
            self.hits += 1
            return entry[0]

    def _put(self, full_key, value, size: int) -> None:
        with self._lock:
            previous = self._entries.pop(full_key, None)
            if previous is not None:
                self._characters -= previous[1]
            self._entries[full_key] = (value, size)
            self._characters += size
            while self._entries and (len(self._entries) > self.max_entries
                                     or self._characters > self.max_characters):
                _, (_, evicted) = self._entries.popitem(last=False)
                self._characters -= evicted


def cache_for(name: str) -> FragmentCache:
    """The application's cache of template `name` (created on first use)."""
    caches = current_app.extensions.setdefault("malpro.fragments", {})
    cache = caches.get(name)
    if cache is None:
        env = current_app.jinja_env
        template = env.from_string(_CARDS) if name == "cards" else env.get_template(name)
        cache = caches[name] = FragmentCache(template)
    return cache


def render(name: str, key: tuple, derived=None, **context) -> Markup:
    """Template `name` rendered with `context` (plus Flask's request globals), remembered
    under `key`, which must hold every value the output depends on. `derived` (optional)
    returns more values computed from those (URLs, messages): called only on a miss."""
    return cache_for(name).render(key, context, with_request=True, derived=derived)


def render_page(name: str, key: tuple, derived=None, **context) -> str:
    """A page whose own blocks (title, head, content, ...) are remembered under `key` while
    the frame around them (base.html: header, cart badge, CSRF token, flashed messages) is
    rendered for this request. `name` must extend base.html and use only `context` (and what
    `derived()` adds, computed only on a miss)."""
    blocks = cache_for(name).render_blocks(key, context, derived=derived)
    return render_template("shop/cached_page.html", blocks=blocks)


def product_cards(items, eager: int = 0) -> Markup:
    """The HTML of product cards (templates/shop/partials/_product_card.html) for listing
    cards (services.catalog.ProductCard): what goes inside a .product-grid. The pictures of
    the first `eager` cards load at once with high priority (the first screen of a listing:
    its largest picture is what the phone waits for); the others load as they scroll in."""
    items = tuple(items)
    cache = cache_for("cards")
    return cache.render((items, eager), {"items": items, "eager_count": eager})
