from flask import Blueprint

from malpro.auth.decorators import guard_blueprint

bp = Blueprint("seller", __name__)
# Every seller page needs an account; pages about an existing store check role "seller".
guard_blueprint(bp, "user")

from malpro.seller import orders, payments, products, routes  # noqa: E402,F401
