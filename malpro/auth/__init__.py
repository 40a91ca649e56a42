from flask import Blueprint

bp = Blueprint("auth", __name__)

from malpro.auth import routes  # noqa: E402,F401
