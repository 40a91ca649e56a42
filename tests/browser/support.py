"""Steps the browser journeys share: signing in, proving a page did not reload, running axe-core."""
import re
from pathlib import Path

from playwright.sync_api import Page, expect

AXE_VERSION = "4.14.1"
AXE_PATH = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}.min.js"
FAILING_IMPACTS = ("serious", "critical")


def login(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    form = page.locator("main form")
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Kata sandi", exact=True).fill(password)
    form.get_by_role("button", name="Masuk").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))


def mark_document(page: Page) -> None:
    """Tag the loaded document; `assert_same_document` fails if the page reloaded since."""
    page.evaluate("() => { window.__malproMark = 'still-here'; }")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("() => window.__malproMark") == "still-here", "the page reloaded"


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical findings for the page as it is now.

    The page's Content-Security-Policy allows no inline script, so axe is not added as a
    <script> tag: Playwright evaluates it over the DevTools protocol, which the policy does
    not govern (the app itself never serves axe)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_PATH.read_text())
    results = page.evaluate("""() => axe.run(document, {
        resultTypes: ['violations'],
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
        // WCAG 2.2's target size (2.5.8) is off by default in axe-core 4.x: on here.
        rules: {'target-size': {enabled: true}},
    })""")
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' > '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("       " + node["failureSummary"].replace("\n", "\n       "))
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def csrf_token(page: Page) -> str:
    """The form token of the page's session (base.html hands it to htmx on <body>); empty for a
    visitor without a session, whose first form is checked by origin (malpro/sessionless.py)."""
    return page.evaluate("() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")


def form_headers(page: Page) -> dict:
    """What the browser sends with a form of the page: its token, and its Origin (which
    Playwright's page.request does not add by itself)."""
    return {"X-CSRFToken": csrf_token(page), "Origin": page.evaluate("() => location.origin")}


def put_in_cart(page: Page, product_id: int, quantity: int = 1) -> None:
    """Set-up shortcut for tests about other pages: what the add-to-cart form posts."""
    response = page.request.post("/keranjang/tambah", form={"product_id": str(product_id), "quantity": str(quantity)},
                                 headers=form_headers(page), max_redirects=0)
    assert response.status in (302, 303), response.status
