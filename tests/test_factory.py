"""The application factory: configuration precedence, the secret key, blueprints."""
import os
import stat

import pytest

from malpro import create_app, normalize_database_url


def _make(tmp_path, **extra):
    config = {"INSTANCE_PATH": str(tmp_path / "instance"), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    config.update(extra)
    return create_app(config)


def test_defaults_apply(tmp_path):
    app = _make(tmp_path)
    assert app.config["MAX_PENDING_ORDERS"] == 3
    assert app.config["BABEL_DEFAULT_LOCALE"] == "id"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "instance" / "uploads")


def test_instance_config_then_environment_then_mapping(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('MAX_PENDING_ORDERS = 5\nAPI_TOKEN_DAYS = 7\nUPLOAD_DIR = "/from-instance"\n')
    assert _make(tmp_path).config["MAX_PENDING_ORDERS"] == 5  # instance file beats the defaults

    monkeypatch.setenv("MALPRO_MAX_PENDING_ORDERS", "4")
    monkeypatch.setenv("MALPRO_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("MALPRO_UPLOAD_DIR", str(tmp_path / "up"))
    app = _make(tmp_path)
    assert app.config["MAX_PENDING_ORDERS"] == 4  # environment beats the instance file
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "up")
    assert app.config["API_TOKEN_DAYS"] == 7  # untouched keys keep the instance value

    assert _make(tmp_path, MAX_PENDING_ORDERS=9).config["MAX_PENDING_ORDERS"] == 9  # mapping wins


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"


def test_default_database_is_instance_sqlite(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'malpro.db'}"


def test_postgres_urls_use_psycopg3():
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("url", ["mysql+pymysql://root@127.0.0.1/malpro", "mssql://sa@host/malpro"])
def test_an_unsupported_database_is_refused_at_start(tmp_path, monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})


def test_secret_key_generated_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("MALPRO_SECRET_KEY", raising=False)
    first = _make(tmp_path).config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert _make(tmp_path).config["SECRET_KEY"] == first


def test_secret_key_from_environment_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setenv("MALPRO_SECRET_KEY", "from-env")
    assert _make(tmp_path).config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_blueprints_and_prefixes(app):
    assert {"auth", "shop", "seller", "admin", "api"} <= set(app.blueprints)
    rules = {r.endpoint: r.rule for r in app.url_map.iter_rules()}
    assert rules["seller.dashboard"] == "/seller/"
    assert rules["admin.dashboard"] == "/admin/"
    assert rules["auth.login"] == "/auth/login"
    assert rules["api.list_regions"] == "/api/v1/regions"


def test_wsgi_module_exposes_app(monkeypatch, tmp_path):
    monkeypatch.setenv("MALPRO_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.db")
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.name == "malpro"
