"""Checkout throughput on SQLite (issue 5): 16 concurrent buyers, each with their own account
and cart, placing COD orders against gunicorn (2 sync workers) on 127.0.0.1 for 30 s.

Each buyer loops through the JSON API the Android app uses: put one product in the cart
(`PUT /api/v1/cart/items/<id>`), then place the order (`POST /api/v1/orders` with an
Idempotency-Key and a Kota Malang delivery address). Printed: orders/s, latency of the order
request, CPU per order (the server's and these clients'), errors (any non-201), and the
stock ledger check afterwards: for every product, initial stock = stock now + quantities in
non-cancelled orders.

    make bench-checkout            (or: .venv/bin/python -m bench.checkout --seconds 30)
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from bench.load_server import (
    BENCH_STOCK,
    BUYER_DOMAIN,
    BUYER_PASSWORD,
    Server,
    buyer_emails,
    environment,
    free_port,
    prepare_database,
    query,
    running,
)

ADDRESS = {"recipient": "Pembeli Bench", "phone": "081234567890", "street": "Jl. Ijen No. 1",
           "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo"}


def call(base: str, method: str, path: str, body=None, token=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="malpro-bench-checkout-"))
    env = environment(workdir, MALPRO_RATELIMIT_ENABLED="false", MALPRO_REQUEST_LOG="false",
                      GUNICORN_WORKER_CLASS="sync", GUNICORN_WORKERS=str(args.workers), GUNICORN_THREADS="1",
                      GUNICORN_LOG_LEVEL="warning")
    print(f"Preparing {workdir} ...")
    prepare_database(env, buyers=args.buyers)
    database = workdir / "malpro.db"
    # Products that can be ordered by COD right now: verified, active, stocked, delivering store.
    products = [row[0] for row in query(database, """
        SELECT p.id FROM products p JOIN stores s ON s.id = p.store_id
        WHERE s.status = 'verified' AND p.is_active AND p.stock IS NOT NULL AND s.offers_delivery
          AND s.closed_from IS NULL""")]
    initial = dict(query(database, "SELECT id, stock FROM products WHERE stock IS NOT NULL"))

    server = Server(env, free_port(), workdir / "server.log")
    with running(server):
        tokens = []
        for email in buyer_emails(args.buyers):
            status, body = call(server.base, "POST", "/api/v1/auth/token", {"email": email, "password": BUYER_PASSWORD})
            assert status == 200, body
            tokens.append(body["token"])

        placed, errors, latencies = [], [], []
        lock = threading.Lock()
        start = threading.Barrier(args.buyers + 1)
        deadline = [0.0]

        def buyer(token: str, seed: int):
            rng = random.Random(seed)
            start.wait()
            while time.monotonic() < deadline[0]:
                product = rng.choice(products)
                status, body = call(server.base, "PUT", f"/api/v1/cart/items/{product}", {"quantity": 1}, token)
                if status != 200:
                    with lock:
                        errors.append(("cart", status, str(body)[:200]))
                    continue
                store_id = body["groups"][0]["store"]["id"]
                began = time.monotonic()
                status, body = call(server.base, "POST", "/api/v1/orders",
                                    {"fulfilment": {str(store_id): "delivery"}, "address": ADDRESS}, token,
                                    {"Idempotency-Key": uuid.uuid4().hex})
                elapsed = time.monotonic() - began
                with lock:
                    if status == 201:
                        placed.append(body["orders"][0]["code"])
                        latencies.append(elapsed)
                    else:
                        errors.append(("order", status, str(body)[:200]))

        threads = [threading.Thread(target=buyer, args=(t, i)) for i, t in enumerate(tokens)]
        for thread in threads:
            thread.start()
        server_cpu, client_cpu = server.cpu_seconds(), _own_cpu()
        deadline[0] = time.monotonic() + args.seconds
        began = time.monotonic()
        start.wait()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - began
        server_cpu, client_cpu = server.cpu_seconds() - server_cpu, _own_cpu() - client_cpu

    # Only the bench buyers' orders: the demo data has months of order history of its own,
    # placed before the bench stock was set.
    bench_buyers = f"SELECT id FROM users WHERE email LIKE '%@{BUYER_DOMAIN}'"
    stored = query(database, f"SELECT count(*) FROM orders WHERE buyer_id IN ({bench_buyers})")[0][0]
    ordered = dict(query(database, f"""
        SELECT i.product_id, sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
        WHERE o.status != 'cancelled' AND o.buyer_id IN ({bench_buyers}) GROUP BY i.product_id"""))
    now = dict(query(database, "SELECT id, stock FROM products WHERE stock IS NOT NULL"))
    unbalanced = [pid for pid, stock in initial.items() if stock != now[pid] + ordered.get(pid, 0)]
    integrity = query(database, "PRAGMA integrity_check")[0][0]

    latencies.sort()
    print(f"\nCheckout throughput, SQLite, gunicorn {args.workers} sync workers, {args.buyers} buyers, "
          f"{duration:.1f} s")
    print(f"  orders placed        {len(placed)} ({len(placed) / duration:.1f} orders/s; target >= 150)")
    if latencies:
        print(f"  POST /orders latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms")
    per_order = 1000 / max(len(placed), 1)
    print(f"  CPU per order        server {server_cpu * per_order:.1f} ms (gunicorn master and workers), "
          f"client {client_cpu * per_order:.1f} ms (these buyer threads, on the same machine)")
    print(f"  errors               {len(errors)}" + (f" e.g. {errors[:3]}" if errors else ""))
    print(f"  orders in database   {stored} (clients saw {len(placed)})")
    print(f"  stock ledger         {'balances for every product' if not unbalanced else f'UNBALANCED: {unbalanced[:10]}'}"
          f" (initial stock {BENCH_STOCK} each)")
    print(f"  integrity_check      {integrity}")
    ok = not errors and not unbalanced and stored == len(placed) and integrity == "ok"
    print("RESULT:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
