"""The app journey, end to end against a real server: gunicorn on 127.0.0.1 with a fresh SQLite
database, spoken to over HTTP only (urllib), the way the Android apps do. One server for the
module; every JSON answer is also checked against the OpenAPI document."""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from malpro.formatting import WIB
from tests.api.conftest import check_response
from tests.helpers import PDF_BYTES, png_bytes

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@kota.example", "kota-rahasia-123"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    """An HTTP answer with the attributes tests/api/conftest.check_response reads."""

    status_code: int
    headers: dict
    data: bytes

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def get_json(self):
        return json.loads(self.data)


class Server:
    def __init__(self, base_url: str, log_path: Path):
        self.base_url = base_url
        self.log_path = log_path

    def call(self, method: str, path: str, token: str | None = None, json_body=None, files: dict | None = None,
             headers: dict | None = None, check: bool = True) -> Answer:
        headers = dict(headers or {})
        data = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif files:
            data, headers["Content-Type"] = _multipart(files)
        url = path if path.startswith("http") else self.base_url + path
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
        if check and path.startswith("/api/v1/"):
            check_response(method, path[len("/api/v1"):], answer)
        return answer

    def api(self, method: str, path: str, expect: int, **kwargs):
        answer = self.call(method, "/api/v1" + path, **kwargs)
        assert answer.status_code == expect, (method, path, answer.status_code, answer.data[:500])
        return answer.get_json() if answer.mimetype == "application/json" else answer


def _multipart(files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for field, (filename, content_type, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("journey")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALPRO_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'malpro.db'}", MALPRO_INSTANCE_PATH=str(workdir / "instance"),
               MALPRO_UPLOAD_DIR=str(workdir / "uploads"), MALPRO_SECRET_KEY=secrets.token_hex(16),
               MALPRO_LOG_LEVEL="WARNING")
    _run(["-m", "flask", "--app", "malpro", "db", "upgrade"], env)

    port = _free_port()
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        # One sync worker is enough for one app talking to it, and starts fastest.
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
                                    "--workers", "1", "--timeout", "60"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    live = Server(f"http://127.0.0.1:{port}", log_path)
    try:
        # The admin is made with the CLI while gunicorn starts.
        _run(["-m", "flask", "--app", "malpro", "create-admin", ADMIN_EMAIL, "--password", ADMIN_PASSWORD,
              "--name", "Admin Diskominfo"], env)
        deadline = time.monotonic() + 60
        while not (_listening(port) and live.call("GET", "/healthz", check=False).status_code == 200):
            assert process.poll() is None, f"gunicorn exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn did not come up:\n{log_path.read_text()}"
            time.sleep(0.1)
        yield live
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_app_journey(server):
    # A buyer and a seller register in the apps.
    buyer = server.api("POST", "/auth/register", 201, json_body={
        "name": "Budi Santoso", "email": "budi@contoh.id", "password": "rahasia-pembeli-1", "phone": "081234567890"})
    seller = server.api("POST", "/auth/register", 201, json_body={
        "name": "Sri Wahyuni", "email": "sri@contoh.id", "password": "rahasia-penjual-1", "phone": "081298765432"})
    buyer_token, seller_token = buyer["token"], seller["token"]

    # The seller applies and uploads the NIB certificate.
    store = server.api("POST", "/seller/store", 201, token=seller_token, json_body={
        "name": "Keripik Tempe Bu Sri", "nib": "9120012345678", "phone": "081298765432",
        "address": "Jl. Sanan No. 12", "kecamatan": "Blimbing", "kelurahan": "Purwantoro",
        "description": "Keripik tempe khas Sanan", "delivery": True, "pickup": True, "delivery_fee": 10000})
    assert store["status"] == "pending"
    document = server.api("POST", "/seller/store/documents", 201, token=seller_token,
                          files={"file": ("sertifikat-nib.pdf", "application/pdf", PDF_BYTES)})

    # An admin (made with the CLI) signs in, reads the application and its document, verifies.
    admin_token = server.api("POST", "/auth/token", 200,
                             json_body={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})["token"]
    queue = server.api("GET", "/admin/stores?status=pending", 200, token=admin_token)
    assert [s["id"] for s in queue["items"]] == [store["id"]]
    download = server.call("GET", f"/api/v1/documents/{document['id']}", token=admin_token)
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["content-disposition"].startswith("attachment")
    verified = server.api("POST", f"/admin/stores/{store['id']}/decision", 200, token=admin_token,
                          json_body={"decision": "verify"})
    assert verified["status"] == "verified"

    # The seller adds a product with a photo.
    product = server.api("POST", "/seller/products", 201, token=seller_token, json_body={
        "name": "Keripik Tempe Sanan Original", "category": "makanan-minuman", "price": 15000, "stock": 20,
        "unit": "bungkus", "description": "Renyah, 250 gram"})
    image = server.api("POST", f"/seller/products/{product['id']}/images", 201, token=seller_token,
                       files={"file": ("keripik.png", "image/png", png_bytes((640, 480)))})

    # The buyer searches, finds it, and opens it; its photo is served.
    found = server.api("GET", "/products?q=keripik%20sanan", 200)
    assert [p["id"] for p in found["items"]] == [product["id"]] and found["total"] == 1
    detail = server.api("GET", f"/products/{product['id']}", 200)
    assert detail["images"] == [image["url"]] and detail["store"]["slug"] == store["slug"]
    assert image["url"].startswith(server.base_url + "/media/")
    photo = server.call("GET", image["url"])
    assert photo.status_code == 200 and photo.mimetype == "image/webp"

    # The buyer fills the cart and checks out cash on delivery.
    basket = server.api("PUT", f"/cart/items/{product['id']}", 200, token=buyer_token, json_body={"quantity": 2})
    assert basket["total"] == 30000
    placed = server.api("POST", "/orders", 201, token=buyer_token, headers={"Idempotency-Key": "journey-1"},
                        json_body={"fulfilment": {str(store["id"]): "delivery"}, "address": {
                            "recipient": "Budi Santoso", "phone": "081234567890", "street": "Jl. Ijen No. 10",
                            "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo", "notes": "Pagar hijau"}})
    [order] = placed["orders"]
    assert (order["status"], order["total"]) == ("pending", 40000)
    assert server.api("GET", "/cart", 200, token=buyer_token) == {"groups": [], "total": 0}

    # The seller runs the order to completed.
    incoming = server.api("GET", "/seller/orders?status=pending", 200, token=seller_token)
    assert [o["code"] for o in incoming["items"]] == [order["code"]]
    for status in ("confirmed", "shipped", "completed"):
        moved = server.api("POST", f"/seller/orders/{order['code']}/status", 200, token=seller_token,
                           json_body={"status": status})
        assert moved["status"] == status

    # The buyer sees it completed and reviews the product.
    mine = server.api("GET", f"/orders/{order['code']}", 200, token=buyer_token)
    assert mine["status"] == "completed"
    assert [e["status"] for e in mine["events"]] == ["pending", "confirmed", "shipped", "completed"]
    server.api("POST", f"/orders/{order['code']}/reviews", 201, token=buyer_token,
               json_body=[{"product_id": product["id"], "rating": 5, "comment": "Renyah dan gurih!"}])
    assert server.api("GET", f"/products/{product['id']}", 200)["rating"] == {"average": 5.0, "count": 1}

    # The admin reads today's programme summary.
    today = datetime.now(WIB).date().isoformat()
    summary = server.api("GET", f"/admin/reports/summary?from={today}&to={today}", 200, token=admin_token)
    assert summary["gmv"] == 40000
    assert summary["orders"]["by_status"]["completed"] == 1
    assert summary["stores"]["verified"] == 1

    # Signing out ends the token.
    server.api("DELETE", "/auth/token", 204, token=buyer_token)
    assert server.api("GET", "/me", 401, token=buyer_token)["error"]["code"] == "unauthorized"


def test_the_real_server_answers_errors_in_the_api_shape(server):
    for method, path, status in (("GET", "/api/v1/tidak-ada", 404), ("DELETE", "/api/v1/categories", 405),
                                 ("GET", "/api/v1/me", 401)):
        answer = server.call(method, path)
        assert answer.status_code == status and answer.mimetype == "application/json"
        assert set(answer.get_json()) == {"error"}
        assert "access-control-allow-origin" not in answer.headers
