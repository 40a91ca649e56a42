"""The nginx site of deploy/ serves the public media folders straight from disk: no spelling of
`..` may reach the legality documents beside them (issue 15, point 7).

The real site file runs in a real nginx (Debian's), changed only where a test must: plain HTTP
on a free local port instead of TLS, the upload and log folders in a temporary directory.
Requests are written on a raw socket so no client tidies the path first."""
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import free_port

SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx-malpro.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SECRET = b"%PDF-1.4 rahasia NIB %%EOF"
IMAGE = b"RIFF....WEBPVP8 "
HOST = "malpro.malangkota.go.id"

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _test_site(text: str, root: Path, port: int, app_port: int) -> str:
    text = text.replace("/srv/malpro/instance/uploads/", f"{root}/uploads/")
    text = text.replace("/srv/malpro/app/static/", f"{root}/static/")
    text = text.replace("/var/log/nginx/", f"{root}/")
    text = text.replace("/var/cache/nginx/malpro", f"{root}/cache")
    text = text.replace("/etc/nginx/snippets/", f"{root}/snippets/")
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    text = re.sub(r"^\s*ssl_\w+.*$", "", text, flags=re.M)
    text = re.sub(r"^\s*listen \[::\].*$", "", text, flags=re.M)
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    return text.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    root = tmp_path_factory.mktemp("nginx")
    for folder in ("products", "logos", "documents"):
        (root / "uploads" / folder).mkdir(parents=True)
    (root / "static").mkdir()
    (root / "uploads" / "documents" / "abc123.pdf").write_bytes(SECRET)
    (root / "uploads" / "products" / "0123456789abcdef0123456789abcdef_t.webp").write_bytes(IMAGE)
    (root / "uploads" / "logos" / "0123456789abcdef0123456789abcdef_t.webp").write_bytes(IMAGE)
    port = free_port()
    (root / "site.conf").write_text(_test_site(SITE.read_text(), root, port, free_port()))
    (root / "nginx.conf").write_text(f"""
daemon off;
user root;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    include {root}/site.conf;
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(root / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


def test_the_public_folders_are_served(nginx):
    for folder in ("products", "logos"):
        status, data = raw_get(nginx, f"/media/{folder}/0123456789abcdef0123456789abcdef_t.webp")
        assert status == 200 and data.endswith(IMAGE)
        assert b"immutable" in data


@pytest.mark.parametrize("path", [
    "/media/documents/abc123.pdf",
    "/media/products/../documents/abc123.pdf",
    "/media/logos/../documents/abc123.pdf",
    "/media/products/..%2fdocuments/abc123.pdf",
    "/media/products/..%2Fdocuments%2Fabc123.pdf",
    "/media/products/%2e%2e/documents/abc123.pdf",
    "/media/products/%2E%2E%2Fdocuments%2Fabc123.pdf",
    "/media/products/.%2e/documents/abc123.pdf",
    "/media/products%2f..%2fdocuments%2fabc123.pdf",
    "/media/products/./../documents/abc123.pdf",
    "/media/products//../documents/abc123.pdf",
    "/media/products/x/../../documents/abc123.pdf",
    "/media/products..%2fdocuments/abc123.pdf",
    "/media/products../documents/abc123.pdf",
    "/media/products/..\\documents\\abc123.pdf",
    "/media/products/..%5cdocuments%5cabc123.pdf",
    "/media/products/%252e%252e/documents/abc123.pdf",
    "/media/products/%2e%2e%2f%2e%2e%2fnginx.conf",
    "/media/products/../../nginx.conf",
    "/media/products/",
    "/media/logos/",
    "/static/../uploads/documents/abc123.pdf",
    "/static..%2fuploads/documents/abc123.pdf",
])
def test_no_path_reaches_a_private_file(nginx, path):
    status, data = raw_get(nginx, path)
    assert status in (400, 403, 404, 502), (status, data[:300])
    assert SECRET not in data and b"daemon off" not in data
