"""A simulated buyer for the load and crash benchmarks: a keep-alive HTTP connection, its own
cookies, and the pages a person walks through (home, category, search, product, cart, the
checkout form with its CSRF token and one-time checkout key). Standard library only."""
from __future__ import annotations

import html
import http.client
import random
import re
import time
import urllib.parse
from dataclasses import dataclass, field

CATEGORIES = ("makanan-minuman", "fashion-pria", "fashion-wanita", "peralatan", "kriya",
              "perlengkapan-rumah", "jasa", "wedding")
SEARCH_WORDS = ("keripik", "batik", "kopi", "tempe", "sambal", "tas", "kue", "jasa", "malang", "madu")
ADDRESS = {"recipient": "Pembeli Bench", "phone": "081234567890", "street": "Jl. Ijen No. 10 RT 01/RW 02",
           "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo", "notes": ""}

PRODUCT_LINK = re.compile(r'href="(/produk/\d+[^"#?]*)"')
ORDER_CODE = re.compile(r"MLP-\d{8}-\d{6}")


def hidden_value(page: str, name: str) -> str | None:
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    return None


@dataclass
class Sample:
    name: str
    status: int  # 0: no answer (connection refused or dropped)
    ms: float


@dataclass
class Checkout:
    key: str
    confirmed: bool  # the server answered the POST with the redirect to the done page
    codes: list[str] = field(default_factory=list)


class ServerGone(Exception):
    """The connection failed: the server is down (crash test) or overloaded."""


class Buyer:
    def __init__(self, host: str, port: int, email: str, password: str, rng: random.Random,
                 record=None, timeout: float = 30.0):
        self.host, self.port, self.email, self.password = host, port, email, password
        self.rng = rng
        self.record = record or (lambda sample: None)
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.product_paths: list[str] = []

    # --- HTTP -----------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, name: str, method: str, path: str, form: dict | list | None = None,
                headers: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        sent = {"Accept": "text/html", "User-Agent": "malpro-bench"}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            self.record(Sample(name, 0, (time.perf_counter() - started) * 1000))
            raise ServerGone(str(exc)) from None
        self.record(Sample(name, response.status, (time.perf_counter() - started) * 1000))
        for header in response.msg.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            key, _, value = pair.partition("=")
            if value == "" or "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(key.strip(), None)
            else:
                self.cookies[key.strip()] = value.strip()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, dict(response.getheaders()), data.decode("utf-8", "replace")

    def get(self, name: str, path: str, **kw):
        return self.request(name, "GET", path, **kw)

    def post(self, name: str, path: str, form, **kw):
        return self.request(name, "POST", path, form=form, **kw)

    # --- pages ------------------------------------------------------------------------------

    def login(self) -> None:
        _status, _h, page = self.get("login form", "/auth/login")
        token = hidden_value(page, "csrf_token")
        status, headers, _body = self.post("login", "/auth/login",
                                           {"csrf_token": token, "email": self.email, "password": self.password})
        if status != 302:
            raise RuntimeError(f"login of {self.email} answered {status}")

    def _remember_products(self, page: str) -> None:
        found = PRODUCT_LINK.findall(page)
        if found:
            self.product_paths = list(dict.fromkeys(found))[:40]

    def browse(self) -> None:
        """Home, a category, a search (with the type-ahead suggestions htmx asks for)."""
        _s, _h, page = self.get("home", "/")
        self._remember_products(page)
        _s, _h, page = self.get("category", f"/kategori/{self.rng.choice(CATEGORIES)}")
        self._remember_products(page)
        word = self.rng.choice(SEARCH_WORDS)
        self.get("search suggestions", f"/cari/saran?q={urllib.parse.quote(word[:3])}", headers={"HX-Request": "true"})
        _s, _h, page = self.get("search", f"/cari?q={urllib.parse.quote(word)}")
        self._remember_products(page)

    def add_product_to_cart(self, quantity: int = 1) -> bool:
        """Open a product page and add it to the cart the way its form does (htmx answer)."""
        if not self.product_paths:
            return False
        path = self.rng.choice(self.product_paths)
        status, _h, page = self.get("product", path)
        if status != 200:
            return False
        product_id = hidden_value(page, "product_id") or re.match(r"/produk/(\d+)", path).group(1)
        token = hidden_value(page, "csrf_token")  # one per session: any form on the page has it
        status, _h, _body = self.post("cart add", "/keranjang/tambah",
                                      {"csrf_token": token, "product_id": product_id, "quantity": quantity},
                                      headers={"HX-Request": "true"})
        return status == 200

    def open_checkout(self) -> tuple[str, list] | None:
        """GET /checkout: the form fields to post (CSRF token, checkout key, stores, modes)."""
        status, _h, page = self.get("checkout form", "/checkout")
        if status != 200:
            return None
        key = hidden_value(page, "checkout_key")
        token = hidden_value(page, "csrf_token")
        stores = re.findall(r'<input type="checkbox" name="store" value="(\d+)"', page)
        if not key or not stores:
            return None
        form: list = [("csrf_token", token), ("checkout_key", key)]
        for store in stores:
            form.append(("store", store))
            modes = re.findall(rf'name="fulfilment-{store}" value="(delivery|pickup)"', page)
            form.append((f"fulfilment-{store}", self.rng.choice(modes) if modes else "pickup"))
        form += list(ADDRESS.items()) + [("save_address", "y")]
        return key, form

    def submit_checkout(self, key: str, form: list) -> Checkout:
        """POST /checkout; confirmed when the server redirects to the done page."""
        status, headers, _body = self.post("checkout", "/checkout", form)
        location = headers.get("Location", "")
        if status in (302, 303) and "/checkout/selesai/" in location:
            result = Checkout(key, confirmed=True)
            try:
                done_status, _h, page = self.get("checkout done", urllib.parse.urlsplit(location).path)
                if done_status == 200:
                    result.codes = sorted(set(ORDER_CODE.findall(page)))
            except ServerGone:
                pass  # confirmed all the same: the redirect came after the commit
            return result
        return Checkout(key, confirmed=False)

    def cancel(self, code: str) -> bool:
        status, _h, page = self.get("order", f"/pesanan/{code}")
        token = hidden_value(page, "csrf_token") if status == 200 else None
        if not token:
            return False
        status, headers, _b = self.post("order cancel", f"/pesanan/{code}/batal",
                                        {"csrf_token": token, "note": "Salah pesan"})
        return status in (302, 303)
