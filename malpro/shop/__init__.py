from flask import Blueprint

bp = Blueprint("shop", __name__)

from malpro.shop import notifications, orders, pwa, routes  # noqa: E402,F401
