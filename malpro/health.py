"""GET /healthz for load balancers: the process answers, the database is reachable and
its schema is at the newest migration."""
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from malpro.extensions import db

bp = Blueprint("health", __name__)


def migration_head() -> str | None:
    """The newest revision in migrations/ (read once per process)."""
    if "_MIGRATION_HEAD" not in current_app.config:
        config = AlembicConfig()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        current_app.config["_MIGRATION_HEAD"] = ScriptDirectory.from_config(config).get_current_head()
    return current_app.config["_MIGRATION_HEAD"]


def database_revision() -> str | None:
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


@bp.get("/healthz")
def healthz():
    checks = {"database": "ok", "migrations": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        checks.update(database="unreachable", migrations="unknown")
    else:
        try:
            current = database_revision()
        except SQLAlchemyError:
            db.session.rollback()
            current = None
        if current != migration_head():
            checks["migrations"] = f"not current (database {current}, code {migration_head()})"
    healthy = all(v == "ok" for v in checks.values())
    response = jsonify(status="ok" if healthy else "fail", checks=checks)
    response.status_code = 200 if healthy else 503
    # A cached answer would hide a server that has just gone bad (or come back).
    response.headers["Cache-Control"] = "no-store"
    return response
