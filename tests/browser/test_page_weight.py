"""Bytes on the wire of a first visit on a phone (issue 18): home, category, product and
search, each in a fresh browser (empty cache, no cookie), served by gunicorn alone, so the
app compresses (Flask-Compress). Every request the page makes until it is loaded and quiet
counts: the document, CSS, scripts, pictures, icons. The figures go to
test-artifacts/page-weight.txt; each page must stay under 100 KiB."""
import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

LIMIT_KIB = 100


def first_visit(contexts, path: str) -> tuple[float, list[str], str]:
    """(KiB transferred, the requests, the document's Content-Encoding)."""
    page = contexts.page("phone", service_workers="block")  # only the page's own requests
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    document = page.goto(path)
    page.wait_for_load_state("networkidle")
    total, lines = 0, []
    for request in responses:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        lines.append(f"  {size / 1024:6.1f} KiB  {request.resource_type:10} {request.url.split('?')[0]}")
    encoding = document.header_value("content-encoding") or ""
    return total / 1024, lines, encoding


def test_first_visits_weigh_under_100_kib(contexts, data):
    product = data["stores"][0]["product"]
    pages = {"home": "/", "category": "/kategori/makanan-minuman", "product": f"/produk/{product['id']}",
             "search": f"/cari?q={data['search_term']}"}
    report, heavy = [], []
    for name, path in pages.items():
        kib, lines, encoding = first_visit(contexts, path)
        assert encoding in ("br", "gzip"), f"{path}: the page is sent uncompressed"
        report.append(f"{name} {path}: {kib:.1f} KiB in {len(lines)} requests (document {encoding})")
        report.extend(lines)
        if kib >= LIMIT_KIB:
            heavy.append(f"{name}: {kib:.1f} KiB")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text("\n".join(report) + "\n")
    assert not heavy, "\n".join(report)
