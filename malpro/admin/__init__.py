from flask import Blueprint

from malpro.auth.decorators import guard_blueprint

bp = Blueprint("admin", __name__)
guard_blueprint(bp, "admin")

from malpro.admin import manage, programme, reports, routes  # noqa: E402,F401
