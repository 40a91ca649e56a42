"""Malpro (Malang Beli Produk Lokal): the application factory.

`create_app` reads as a table of contents; each step is a small function below."""
import logging
import os
import secrets
from pathlib import Path

from flask import Flask

from malpro.config import Config

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | object | None = None) -> Flask:
    settings = _as_mapping(config)
    app = Flask(
        __name__,
        instance_path=settings.get("INSTANCE_PATH") or os.environ.get("MALPRO_INSTANCE_PATH")
        or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, settings)
    configure_logging(app)
    configure_inputs(app)
    configure_proxy(app)
    init_request_log(app)
    init_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    init_static_assets(app)
    init_page_cache(app)
    register_commands(app)
    return app


def _as_mapping(config) -> dict:
    if config is None:
        return {}
    if isinstance(config, dict):
        return dict(config)
    return {k: getattr(config, k) for k in dir(config) if k.isupper()}


def load_config(app: Flask, settings: dict) -> None:
    """Defaults, then instance/config.py, then MALPRO_* variables, then DATABASE_URL,
    then the mapping given to create_app (tests)."""
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("MALPRO")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.update(settings)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{instance / 'malpro.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(uri)
    app.config["UPLOAD_DIR"] = str(app.config.get("UPLOAD_DIR") or instance / "uploads")
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        from malpro.ratelimit import default_storage_uri

        app.config["RATELIMIT_STORAGE_URI"] = default_storage_uri(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(instance)


SUPPORTED_DATABASES = ("sqlite", "postgresql")


def normalize_database_url(url: str) -> str:
    """Accept the common spellings of a PostgreSQL URL (Malpro ships the psycopg 3 driver) and
    refuse, at start-up, a database Malpro does not support: the search index and the SQLite
    write-lock handling exist for these two only."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    backend = url.split(":", 1)[0].split("+", 1)[0]
    if backend not in SUPPORTED_DATABASES:
        raise ValueError(f"DATABASE_URL must point at SQLite or PostgreSQL, not {backend!r}.")
    return url


def _instance_secret_key(instance: Path) -> str:
    """Read instance/secret_key, creating it (readable by the owner only) on first run."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(
            level=app.config["LOG_LEVEL"],
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )
    app.logger.setLevel(app.config["LOG_LEVEL"])
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin set-up lines are noise


def configure_inputs(app: Flask) -> None:
    from malpro.request_input import configure_inputs as configure

    configure(app)


def configure_proxy(app: Flask) -> None:
    from malpro.security import configure_proxy as configure

    configure(app)


def init_request_log(app: Flask) -> None:
    from malpro.request_log import init_request_log as init

    init(app)


def init_security(app: Flask) -> None:
    from malpro.security import init_security as init

    init(app)


def register_extensions(app: Flask) -> None:
    from malpro import models  # noqa: F401  (registers every table on the metadata)
    from malpro.auth.session import init_login_manager
    from malpro.database import configure_sqlite
    from malpro.extensions import babel, compress, csrf, db, limiter, migrate
    from malpro.i18n import select_locale
    from malpro.sessionless import init_sessionless_forms

    # First: its after-request hook then runs last, on the finished body.
    compress.init_app(app)
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    init_sessionless_forms(app)  # before CSRFProtect's check
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    init_login_manager(app)


def register_blueprints(app: Flask) -> None:
    from malpro.admin import bp as admin_bp
    from malpro.api import bp as api_bp
    from malpro.auth import bp as auth_bp
    from malpro.health import bp as health_bp
    from malpro.opd import bp as opd_bp
    from malpro.seller import bp as seller_bp
    from malpro.shop import bp as shop_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(seller_bp, url_prefix="/seller")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(opd_bp, url_prefix="/opd")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(health_bp)


def register_error_handlers(app: Flask) -> None:
    from malpro.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from malpro.templating import register_template_helpers as register

    register(app)


def init_static_assets(app: Flask) -> None:
    from malpro.static_assets import init_static_assets as init

    init(app)


def init_page_cache(app: Flask) -> None:
    from malpro.page_cache import init_page_cache as init

    init(app)


def register_commands(app: Flask) -> None:
    from malpro.cli import register_commands as register

    register(app)
