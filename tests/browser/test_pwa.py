"""The installable web app: the manifest and its icons, the service worker's answers, and, in
Chromium, that the worker installs, Chrome's install criteria are met, pages fall back to the
offline page without a network, and personal pages never enter the cache."""
import json
import re
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
MANIFEST = STATIC / "manifest.webmanifest"
PRIVATE_PREFIXES = ("/keranjang", "/checkout", "/pesanan", "/akun", "/seller", "/admin", "/auth", "/notifikasi",
                    "/api")


def _manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


# --- without a browser --------------------------------------------------------------------

def test_manifest_has_what_android_needs_to_install():
    manifest = _manifest()
    assert manifest["name"] == "Malpro – Malang Beli Produk Lokal"
    assert manifest["short_name"] == "Malpro"
    assert manifest["start_url"] == "/?source=pwa"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "id"
    assert manifest["background_color"].startswith("#")
    base = (ROOT / "templates" / "base.html").read_text()
    assert manifest["theme_color"] == "#0b6e4f"
    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in base


def test_manifest_icons_exist_in_their_declared_sizes():
    icons = _manifest()["icons"]
    by_purpose = {}
    for icon in icons:
        assert icon["src"].startswith("/static/")
        path = STATIC / icon["src"].removeprefix("/static/")
        with Image.open(path) as image:
            assert image.format == "PNG" and icon["type"] == "image/png"
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
        by_purpose.setdefault(icon.get("purpose", "any"), set()).add(icon["sizes"])
    assert {"192x192", "512x512"} <= by_purpose["any"]
    assert "512x512" in by_purpose["maskable"]


def test_maskable_icon_is_opaque_and_full_bleed():
    # Android cuts a maskable icon to its own shape: transparent corners would show as black.
    icon = next(i for i in _manifest()["icons"] if i.get("purpose") == "maskable")
    with Image.open(STATIC / icon["src"].removeprefix("/static/")) as image:
        rgba = image.convert("RGBA")
        corners = [rgba.getpixel((x, y)) for x in (0, rgba.width - 1) for y in (0, rgba.height - 1)]
    assert all(pixel[3] == 255 for pixel in corners)


def test_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.data


def test_offline_page_is_a_page_without_personal_parts(client, make, auth):
    make.user(email="pembeli@example.com", name="Siti Pembeli")
    auth.login()
    response = client.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Anda sedang offline" in html
    assert 'lang="id"' in html
    # Every browser keeps a copy of it: nothing about the visitor may be in it.
    assert "Siti Pembeli" not in html
    assert "csrf" not in html.lower()
    assert "cart-badge" not in html


def test_every_page_links_the_manifest_and_loads_the_registration_script(client):
    html = client.get("/").get_data(as_text=True)
    # Static addresses carry their file's version (malpro/static_assets.py).
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in html
    assert re.search(r'src="/static/js/app.js\?v=[0-9a-f]{10}" data-service-worker="/sw.js" defer', html)
    assert 'rel="apple-touch-icon"' in html


def test_service_worker_never_caches_personal_pages_by_construction():
    source = (STATIC / "js" / "sw.js").read_text()
    for prefix in PRIVATE_PREFIXES:
        assert f'"{prefix}"' in source
    assert 'request.method !== "GET"' in source


# --- in Chromium --------------------------------------------------------------------------

WAIT_FOR_WORKER = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (worker.state !== 'activated') {
    await new Promise(resolve => worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
    }));
  }
  return {scope: registration.scope, script: worker.scriptURL, state: worker.state};
}"""

CACHED_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


def _installed_worker(page, server) -> dict:
    page.goto("/")
    worker = page.evaluate(WAIT_FOR_WORKER)
    assert worker == {"scope": server.url + "/", "script": server.url + "/sw.js", "state": "activated"}
    # A page opened before the worker activated is taken over by clients.claim().
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return worker


@pytest.mark.browser
def test_service_worker_activates_and_chrome_finds_the_app_installable(contexts, server):
    context = contexts.persistent("phone")
    page = context.pages[0] if context.pages else context.new_page()
    _installed_worker(page, server)

    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == server.url + "/static/manifest.webmanifest"
    assert manifest["errors"] == []
    assert json.loads(manifest["data"])["short_name"] == "Malpro"
    # Chrome's own check behind the "Install app" prompt: manifest, icons, worker, secure origin.
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    cached = page.evaluate(CACHED_PATHS)
    assert {"/offline", "/static/css/app.css", "/static/js/htmx-2.0.11.min.js",
            "/static/img/icons/icon-192.png"} <= set(cached)


@pytest.mark.browser
def test_offline_navigation_gets_the_offline_page_and_the_cart_is_never_cached(contexts, server, data):
    context = contexts.new("phone")
    page = context.new_page()
    _installed_worker(page, server)

    # Online, the worker passes the cart, a product and a search through without keeping them.
    product = data["stores"][0]["product"]
    page.goto(f"/produk/{product['id']}")
    page.goto("/keranjang")
    page.goto("/cari?q=mendoan")
    cached = page.evaluate(CACHED_PATHS)
    assert not [path for path in cached if path.startswith(PRIVATE_PREFIXES)], cached
    assert not [path for path in cached if path.startswith(("/produk", "/cari"))], cached

    context.set_offline(True)
    try:
        for path in ("/kategori/makanan-minuman", "/keranjang", "/"):
            page.goto(path)
            assert page.locator("h1").inner_text() == "Anda sedang offline", path
            # The shell comes from the cache too: the page is styled.
            assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).position") == "sticky"
    finally:
        context.set_offline(False)

    page.goto("/keranjang")
    assert page.locator("h1").inner_text() != "Anda sedang offline"
    assert not [path for path in page.evaluate(CACHED_PATHS) if path.startswith(PRIVATE_PREFIXES)]
