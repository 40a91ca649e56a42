"""Browser tests: the real app served by gunicorn on 127.0.0.1, driven by Debian's Chromium
through Playwright, at a phone and a desktop viewport.

One server per test session, on a temporary SQLite database built the way a deployment builds
it (the migrations, the demo data of `flask seed-demo`) plus the accounts and stores the
journeys need (tests/browser/seed_data.py). The server runs with its production settings:
CSRF on, the Content-Security-Policy on. Playwright's own browser download does not work here,
so the tests use /usr/bin/chromium (MALPRO_CHROMIUM overrides it) and skip when it is missing,
except in CI (CI=true), which installs it (.ci/run) and fails without it. A failing test leaves
a screenshot of each of its pages, and the server's log, in test-artifacts/.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("MALPRO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
# Playwright waits this long (ms) for an element or a navigation before failing a step.
TIMEOUT_MS = 10_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the app in a real browser (Chromium); `make test-browser`")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test: screenshots of its pages (taken now, before the fixtures close
    them) and the server's log go to test-artifacts/, and the report says where."""
    report = yield
    contexts = item.funcargs.get("contexts") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and isinstance(contexts, Contexts):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("tests/browser/")[-1])[:150]
        saved = contexts.save_artifacts(name)
        report.sections.append(("browser artifacts", "\n".join(str(p.relative_to(ROOT)) for p in saved)))
    return report


# --- the server ---------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    data: dict  # what seed_data.py made: accounts, stores, products
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(workdir: Path) -> dict:
    # The developer's own MALPRO_* settings (a mail server, a Redis URL) must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALPRO_") and k != "DATABASE_URL"}
    env.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'malpro.db'}",
        "MALPRO_INSTANCE_PATH": str(workdir / "instance"),
        "MALPRO_UPLOAD_DIR": str(workdir / "uploads"),
        "MALPRO_SECRET_KEY": "browser-tests-only",
        "MALPRO_RATELIMIT_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _run(args: list[str], env: dict, log) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    log.write(f"$ {' '.join(args)}\n{result.stderr}\n")
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer on {url} within {seconds} s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        message = (f"Chromium not found at {CHROMIUM}: `apt-get install chromium` to run the browser tests "
                   "(MALPRO_CHROMIUM points elsewhere)")
        if os.environ.get("CI"):
            # .ci/run installs Chromium: a CI run that skipped these would pass without them.
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(chromium_path, tmp_path_factory) -> LiveServer:
    workdir = tmp_path_factory.mktemp("browser-server")
    env = _server_env(workdir)
    log_path = workdir / "server.log"
    with log_path.open("a") as log:
        data = json.loads(_run(["-m", "tests.browser.seed_data"], env, log).strip().splitlines()[-1])
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("a") as log:
        # One process with threads: the pages poll and two browsers talk to it at once.
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--worker-class", "gthread", "--threads", "8", "--timeout", "60",
             "--graceful-timeout", "2"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(url, process, log_path)
        yield LiveServer(url=url, data=data, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright, chromium_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    # launch() gives the run a fresh temporary profile, removed on close.
    browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


class Contexts:
    """Makes browser contexts (separate people: cookies, storage, service workers) for one
    test and closes them after it, with screenshots of their pages if the test failed."""

    def __init__(self, playwright, browser, server: LiveServer, tmp_path: Path):
        self.playwright, self.browser, self.server, self.tmp_path = playwright, browser, server, tmp_path
        self.opened = []

    def _options(self, viewport: str, options: dict) -> dict:
        return {"base_url": self.server.url, "locale": "id-ID", "timezone_id": "Asia/Jakarta",
                **VIEWPORTS[viewport], **options}

    def _track(self, context):
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        self.opened.append(context)
        return context

    def new(self, viewport: str = "desktop", **options):
        """A context of the shared browser: like an incognito window."""
        return self._track(self.browser.new_context(**self._options(viewport, options)))

    def persistent(self, viewport: str = "desktop", **options):
        """A browser of its own on a fresh profile folder, like an ordinary (not incognito)
        window: Chrome offers to install web apps only there."""
        profile = self.tmp_path / f"profile-{len(self.opened)}"
        return self._track(self.playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            **self._options(viewport, options)))

    def page(self, viewport: str = "desktop", **options):
        return self.new(viewport, **options).new_page()

    def save_artifacts(self, name: str) -> list[Path]:
        ARTIFACTS.mkdir(exist_ok=True)
        saved = []
        for c, context in enumerate(self.opened):
            for p, page in enumerate(context.pages):
                path = ARTIFACTS / f"{name}-context{c}-page{p}.png"
                try:
                    page.screenshot(path=str(path), full_page=True, timeout=5000)
                    saved.append(path)
                except Exception as error:  # a crashed page must not hide the test's own failure
                    print(f"no screenshot of {page.url}: {error}", file=sys.stderr)
        log = ARTIFACTS / f"{name}-server.log"
        log.write_text(self.server.log_tail(400))
        saved.append(log)
        return saved

    def close(self) -> None:
        for context in self.opened:
            try:
                context.close()
            except Exception:
                pass


@pytest.fixture
def contexts(playwright, browser, live_server, tmp_path):
    made = Contexts(playwright, browser, live_server, tmp_path)
    yield made
    made.close()


@pytest.fixture(params=sorted(VIEWPORTS), ids=lambda name: name)
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page(contexts, viewport):
    """A page in a fresh context (a new visitor) at the test's viewport."""
    return contexts.page(viewport)


@pytest.fixture
def server(live_server) -> LiveServer:
    return live_server


@pytest.fixture
def data(live_server) -> dict:
    return live_server.data
