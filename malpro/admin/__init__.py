from flask import Blueprint

from malpro.auth.decorators import guard_blueprint

bp = Blueprint("admin", __name__)
guard_blueprint(bp, "admin")

from malpro.admin import manage, reports, routes  # noqa: E402,F401
