"""Lighthouse on the public pages: `make lighthouse` (or `.venv/bin/python -m bench.lighthouse`).

1. Builds a temporary SQLite database with the migrations and `flask seed-demo`.
2. Serves it with gunicorn (2 sync workers, production settings), and, when nginx is installed,
   also through the shipped nginx site (deploy/nginx-malpro.conf, HTTPS with a throwaway
   certificate; bench/nginx_site.py), the app then running as deploy/malpro.env.example says.
3. Runs Lighthouse 12 (npm package, installed into node_modules/ on first use; mobile preset;
   Debian's Chromium via CHROME_PATH) on home, category, product, cart, sign-in and
   transparency, and prints the four category scores and the bytes transferred per page.
   The reports (HTML and JSON) go to bench/results/lighthouse/<server>/.

`/cari` is not measured here: it is `noindex` on purpose, which Lighthouse's SEO score counts.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.nginx_site import nginx_binary, write_config

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.8.2"
RESULTS = ROOT / "bench" / "results" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking " \
               "--disable-component-update --disable-sync --no-first-run --ignore-certificate-errors"


def lighthouse_binary() -> str:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            sys.exit("Lighthouse comes from npm, which is missing: apt-get install -y npm")
        print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into node_modules/ …", flush=True)
        subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
                       cwd=ROOT, check=True)
    return str(binary)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, processes: list[subprocess.Popen]) -> None:
    import ssl

    context = ssl._create_unverified_context()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
        if any(p.poll() is not None for p in processes):
            break
    sys.exit(f"{url} did not come up")


def pages(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as conn:
        product_id, slug = conn.execute(
            "SELECT p.id, p.slug FROM products p JOIN stores s ON s.id = p.store_id "
            "WHERE s.status = 'verified' AND p.is_active = 1 ORDER BY p.id LIMIT 1").fetchone()
        category = conn.execute("SELECT slug FROM categories ORDER BY position, id LIMIT 1").fetchone()[0]
    return {"home": "/", "category": f"/kategori/{category}", "product": f"/produk/{product_id}-{slug}",
            "cart": "/keranjang", "sign-in": "/auth/login", "transparency": "/transparansi"}


def run_lighthouse(binary: str, url: str, out: Path) -> dict:
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    command = [binary, url, "--quiet", f"--chrome-flags={CHROME_FLAGS}", "--output=json", "--output=html",
               f"--output-path={out}", "--only-categories=" + ",".join(CATEGORIES)]
    for _attempt in range(3):  # a busy machine sometimes loses the trace (NO_NAVSTART): run again
        if subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode == 0:
            break
    else:
        sys.exit(f"Lighthouse failed three times on {url}")
    report = json.loads(out.with_suffix(".report.json").read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failed = [audit_id for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
              if ref["weight"] and (audit_id := ref["id"]) and report["audits"][audit_id]["score"] is not None
              and report["audits"][audit_id]["score"] < 1]
    weight = report["audits"]["total-byte-weight"]["numericValue"]
    return {"scores": scores, "kib": weight / 1024, "failed": failed}


def measure(label: str, base: str, paths: dict[str, str], binary: str) -> bool:
    print(f"\n{label}: {base}")
    print(f"{'page':13} {'perf':>5} {'a11y':>5} {'bp':>5} {'seo':>5} {'KiB':>7}  audits below 100")
    perfect = True
    for name, path in paths.items():
        result = run_lighthouse(binary, base + path, RESULTS / label / name)
        s = result["scores"]
        perfect &= all(v == 100 for v in s.values())
        print(f"{name:13} {s['performance']:5} {s['accessibility']:5} {s['best-practices']:5} {s['seo']:5} "
              f"{result['kib']:7.1f}  {', '.join(result['failed'])}", flush=True)
    return perfect


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-nginx", action="store_true", help="measure gunicorn alone only")
    args = parser.parse_args(argv)
    binary = lighthouse_binary()
    workdir = Path(tempfile.mkdtemp(prefix="malpro-lighthouse-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALPRO_") and k != "DATABASE_URL"}
    env.update(MALPRO_INSTANCE_PATH=str(workdir / "instance"), DATABASE_URL=f"sqlite:///{workdir / 'malpro.db'}",
               MALPRO_LOG_LEVEL="WARNING", MALPRO_REQUEST_LOG="false")
    processes: list[subprocess.Popen] = []
    try:
        for step in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "malpro", *step], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        paths = pages(workdir / "malpro.db")
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True))
        wait_for(f"http://127.0.0.1:{port}/healthz", processes)
        ok = measure("gunicorn", f"http://127.0.0.1:{port}", paths, binary)

        nginx = nginx_binary()
        if args.no_nginx or not nginx:
            print("\nnginx is not installed: only gunicorn alone was measured." if not args.no_nginx else "")
        else:
            behind = dict(env, MALPRO_PROXY_FIX="1", MALPRO_COMPRESS_REGISTER="false")
            app_port, https_port = free_port(), free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{app_port}",
                 "--workers", "2", "wsgi:app"], cwd=ROOT, env=behind, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True))
            nginx_dir = workdir / "nginx"
            nginx_dir.mkdir()
            config = write_config(nginx_dir, https_port, free_port(), app_port, uploads=workdir / "instance" / "uploads")
            processes.append(subprocess.Popen([nginx, "-p", str(nginx_dir), "-c", str(config), "-g", "daemon off;"],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              start_new_session=True))
            wait_for(f"https://127.0.0.1:{https_port}/healthz", processes)
            ok &= measure("nginx", f"https://127.0.0.1:{https_port}", paths, binary)
        print(f"\nReports: {RESULTS.relative_to(ROOT)}/. " + ("Every score is 100." if ok else "Not every score is 100."))
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
