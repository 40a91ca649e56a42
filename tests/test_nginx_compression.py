"""The nginx site shipped in deploy/ passes `nginx -t`, and in front of the real app (gunicorn)
it compresses proxied pages and API answers and micro-caches public pages for visitors without
cookies only. Runs when nginx and openssl are installed (.ci/run installs nginx); skipped,
with the reason, otherwise."""
import gzip
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.nginx_site import nginx_binary, write_config

ROOT = Path(__file__).resolve().parent.parent
NGINX = nginx_binary()

pytestmark = pytest.mark.skipif(not NGINX or not shutil.which("openssl"),
                                reason="nginx or openssl is not installed (apt-get install nginx)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_shipped_site_passes_nginx_t(tmp_path):
    main = write_config(tmp_path, _free_port(), _free_port(), 8000)
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """gunicorn (the real app, app compression off as deploy/malpro.env.example says) behind
    the shipped nginx site."""
    workdir = tmp_path_factory.mktemp("nginx")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALPRO_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'malpro.db'}", MALPRO_INSTANCE_PATH=str(workdir / "instance"),
               MALPRO_UPLOAD_DIR=str(workdir / "uploads"), MALPRO_SECRET_KEY=secrets.token_hex(16),
               MALPRO_LOG_LEVEL="WARNING", MALPRO_PROXY_FIX="1", MALPRO_COMPRESS_REGISTER="false")
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "malpro", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
    app_port, https_port = _free_port(), _free_port()
    main = write_config(workdir, https_port, _free_port(), app_port, uploads=workdir / "uploads")
    app = subprocess.Popen([sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{app_port}",
                            "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    nginx = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(main), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert app.poll() is None and nginx.poll() is None, (workdir / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx or gunicorn did not come up"
            time.sleep(0.2)
        yield base
    finally:
        for process in (nginx, app):
            process.send_signal(signal.SIGTERM if process is nginx else signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


_TLS = ssl.create_default_context()
_TLS.check_hostname = False
_TLS.verify_mode = ssl.CERT_NONE


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, context=_TLS, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_nginx_compresses_proxied_pages_and_api_answers(proxied):
    for path in ("/", "/kategori/makanan-minuman", "/api/v1/products"):
        status, headers, body = _get(proxied + path, {"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers["Content-Encoding"] == "gzip", path
        _, _, plain = _get(proxied + path)
        assert len(gzip.decompress(body)) == len(plain), path
        assert len(body) < len(plain) / 3, path


def test_nginx_micro_caches_public_pages_for_visitors_without_cookies_only(proxied):
    statuses = [_get(proxied + "/kategori/kriya")[1]["X-Cache-Status"] for _ in range(2)]
    assert statuses == ["MISS", "HIT"]
    _, headers, _ = _get(proxied + "/kategori/kriya", {"Cookie": "session=x"})
    assert headers["X-Cache-Status"] == "BYPASS"
    # Pages about a person are never stored.
    assert _get(proxied + "/auth/login")[1]["X-Cache-Status"] != "HIT"
    assert _get(proxied + "/auth/login")[1]["X-Cache-Status"] != "HIT"


def test_versioned_static_files_are_kept_for_good(proxied):
    _, _, home = _get(proxied + "/")
    css = re.search(rb'href="(/static/css/app\.css\?v=[0-9a-f]+)"', home).group(1).decode()
    status, headers, _ = _get(proxied + css, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert _get(proxied + "/static/css/app.css")[1]["Cache-Control"] == "no-cache"
