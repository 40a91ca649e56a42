"""An admin on a phone opens a store's legality document from the review page: the browser
shows it (its PDF viewer), in a new tab, instead of saving a file (issue 13, point 15); it
stays private and sandboxed."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.support import login

pytestmark = pytest.mark.browser


def test_admin_views_a_legality_document_in_the_browser(contexts, data):
    store = data["stores"][0]
    admin = contexts.page("phone")
    login(admin, data["admin"]["email"], data["admin"]["password"])
    admin.goto(f"/admin/toko/{store['id']}")
    link = admin.get_by_role("link", name="sertifikat-nib.pdf")
    expect(link).to_be_visible()
    link.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "admin-store-documents-phone.png"))
    box = link.bounding_box()
    assert box["height"] >= 44  # a finger-sized target

    downloads = []
    admin.context.on("page", lambda page: page.on("download", lambda download: downloads.append(download)))
    with admin.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.wait_for_load_state("commit")
    expect(viewer).to_have_url(re.compile(r"/seller/dokumen/\d+$"))
    viewer.wait_for_timeout(1500)
    assert downloads == []  # shown, not saved
    viewer.screenshot(path=str(ARTIFACTS / "admin-document-phone.png"))
    headers = admin.request.get(viewer.url).headers
    assert headers["content-disposition"].startswith("inline")
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert headers["cache-control"] == "private, no-store"

    # "Unduh" still saves it.
    with admin.expect_download() as saved:
        admin.get_by_role("link", name="Unduh").first.click()
    assert saved.value.suggested_filename == "sertifikat-nib.pdf"
