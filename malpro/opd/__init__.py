"""The agencies' pages (/opd/): an OPD coordinator's (their staff's programme) and a mentoring
agency officer's (its binaan stores). Everything is scoped to the officer's own OPD; anything of
another OPD answers 404. Admins may open any OPD's pages with `?opd=CODE`."""
from flask import Blueprint

from malpro.auth.decorators import guard_blueprint

bp = Blueprint("opd", __name__)
guard_blueprint(bp, "user")

from malpro.opd import routes  # noqa: E402,F401
