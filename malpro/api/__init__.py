"""JSON API v1 for the Android apps (shared/API.md). Token auth, no cookies, no CSRF."""
from flask import Blueprint

from malpro.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from malpro.api import routes  # noqa: E402,F401
