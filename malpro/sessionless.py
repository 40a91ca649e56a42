"""Public pages without cookies, and the forms on them.

A first-time visitor gets no cookie from the catalogue pages (home, categories, products,
search, stores, transparency): a cookie would make every one of those pages private to them,
so neither nginx nor the app's page cache (malpro/page_cache.py) could keep it, and it costs
~700 bytes of headers on every response. The only thing a session would carry for such a
visitor is the CSRF token of the two forms those pages hold (add to cart, choose a language),
so the frame leaves the token empty for them (templating.fill_csrf_placeholders).

Their first POST is then checked by origin instead of by token: a request that carries no
cookie at all (so there is no session, no cart, no account a forged request could act on) and
comes from this site, as the browser's `Origin` header (or `Referer`, or `Sec-Fetch-Site:
same-origin`) proves, gets a fresh token for the CSRF check; the response starts the session as usual. A
cross-site form never passes: browsers send its real Origin. A visitor with any cookie is
checked by token as before. Without either header (very old browsers) the check fails and the
error page starts a session, so reloading and trying again works.
"""
from urllib.parse import urlsplit

from flask import Flask, current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def has_session() -> bool:
    """Whether this visitor already has a session (cookie sent, or one started during this
    request): only then does a page carry their CSRF token."""
    return (bool(session) or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
            or current_user.is_authenticated)


def is_same_origin() -> bool:
    """The browser says the request comes from one of our pages: Origin, else (OWASP's
    fallback) Referer, else Fetch Metadata."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source and source != "null":
        parts = urlsplit(source)
        return (parts.scheme, parts.netloc) == (request.scheme, request.host)
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def init_sessionless_forms(app: Flask) -> None:
    """Register before CSRFProtect's own check, which then finds the token in the header."""

    @app.before_request
    def token_for_first_post():
        if (request.method in UNSAFE_METHODS and not request.cookies
                and not request.headers.get("Authorization") and is_same_origin()):
            header = app.config.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])[0]
            request.environ["HTTP_" + header.upper().replace("-", "_")] = generate_csrf()
