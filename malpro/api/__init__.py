"""JSON API v1 for the Android apps (shared/API.md): a second door onto the same services
the web pages use. Bearer tokens, no cookies, no CSRF; errors always in the API shape."""
from flask import Blueprint

from malpro.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from malpro.api import account, admin, catalogue, docs, errors, orders, seller  # noqa: E402,F401
