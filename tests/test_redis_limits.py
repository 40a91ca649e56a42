"""Rate limits shared through Redis: several app servers count one client's login attempts
together (MALPRO_REDIS_URL), against the real Redis at 127.0.0.1:6379.

Each app server is a separate process, as in production: inside one process Flask-Limiter's
single `limiter` object would share its storage between apps and prove nothing."""
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PROJECT = Path(__file__).resolve().parent.parent

# One "app server": a fresh process that builds the app from MALPRO_* variables (as gunicorn
# does) and makes some failed login attempts, printing the status codes it got.
SERVER = """
import json, sys
from malpro import create_app
app = create_app()
client = app.test_client()
codes = [client.post("/auth/login", data={"email": "penyerang@example.com", "password": "tebakan1"}).status_code
         for _ in range(int(sys.argv[1]))]
print(json.dumps({"codes": codes, "storage": app.config["RATELIMIT_STORAGE_URI"]}))
"""


def redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_reachable(),
                                 reason=f"no Redis server answers on {REDIS_HOST}:{REDIS_PORT}")


def _app_server(config: dict, env: dict, attempts: int) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MALPRO_") and k != "DATABASE_URL"}
    environment.update({
        "MALPRO_TESTING": "true",
        "MALPRO_SECRET_KEY": "test-secret",
        "MALPRO_INSTANCE_PATH": config["INSTANCE_PATH"],
        "MALPRO_UPLOAD_DIR": config["UPLOAD_DIR"],
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "MALPRO_WTF_CSRF_ENABLED": "false",
        "MALPRO_REQUEST_LOG": "false",
        "MALPRO_RATELIMIT_ENABLED": "true",
        "MALPRO_LOGIN_RATE_LIMIT": "3 per minute",
        **env,
    })
    done = subprocess.run([sys.executable, "-c", SERVER, str(attempts)], cwd=PROJECT, env=environment,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own, removed afterwards (other runs share the server)."""
    import redis

    prefix = f"malpro-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    connection = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


@needs_redis
def test_login_attempts_are_counted_across_app_servers(app, config, redis_prefix):
    shared = {"MALPRO_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0", "MALPRO_RATELIMIT_KEY_PREFIX": redis_prefix}
    first = _app_server(config, shared, attempts=2)
    assert first["storage"].startswith("redis://")
    assert first["codes"] == [200, 200]
    second = _app_server(config, shared, attempts=2)
    # The limit is 3 a minute for this client; server two saw only two attempts itself.
    assert second["codes"] == [200, 429]



def test_sign_in_keeps_working_when_redis_is_down(config):
    """Redis unreachable (nothing listens on port 1): limits fall back to memory, no 500."""
    from malpro import create_app

    config.update(RATELIMIT_ENABLED=True, REDIS_URL="redis://127.0.0.1:1/0",
                  RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5})
    app = create_app(config)
    response = app.test_client().post("/auth/login", data={"email": "a@example.com", "password": "salah1234"})
    assert response.status_code == 200
