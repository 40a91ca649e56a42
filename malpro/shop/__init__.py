from flask import Blueprint

bp = Blueprint("shop", __name__)

from malpro.shop import account, cart, checkout, notifications, orders, outside, payments, pwa, routes  # noqa: E402,F401
