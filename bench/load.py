"""Mixed load: `make bench-load` (or `.venv/bin/python -m bench.load`).

50 simulated buyers at once for 60 s against gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1,
over a temporary SQLite database with the demo data (`flask seed-demo`). Each buyer signs in
once, then loops: home, a category, a search (with the type-ahead request), a product page,
add to cart (htmx), and on every third round the cart, the checkout form (CSRF token and
one-time checkout key read from the page) and the checkout itself, then its confirmation page.
There is no think time: every buyer sends its next request as soon as the last one answered,
so the figures are what the server sustains at 50 concurrent requests, not an idle site.

Prints requests/s, p50/p99 over all requests and per kind, orders placed, and the count of
5xx answers (must be 0; the run exits 1 otherwise). Options: --users, --duration, --keep DIR.
The clients run in this process (threads), so they share the machine with the server. The
server's own CPU time per request is printed too: unlike requests/s it does not depend on what
else the machine is doing, so it gives the capacity of dedicated cores.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench.load_client import Buyer, Sample, ServerGone
from bench.load_server import (
    BUYER_PASSWORD,
    Server,
    buyer_emails,
    environment,
    free_port,
    prepare_database,
    query,
    running,
    server_errors,
)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: list[Sample] = []
        self.measuring = False

    def __call__(self, sample: Sample) -> None:
        if self.measuring:
            with self.lock:
                self.samples.append(sample)


def buyer_loop(server: Server, email: str, seed: int, recorder: Recorder, stop: threading.Event,
               orders: list, problems: list, signed_in: threading.Semaphore) -> None:
    rng = random.Random(seed)
    buyer = Buyer("127.0.0.1", server.port, email, BUYER_PASSWORD, rng, record=recorder)
    try:
        buyer.login()
        signed_in.release()
        round_number = 0
        while not stop.is_set():
            round_number += 1
            buyer.browse()
            buyer.add_product_to_cart(quantity=rng.randint(1, 3))
            if round_number % 3 == 0 and not stop.is_set():
                buyer.get("cart", "/keranjang")
                opened = buyer.open_checkout()
                if opened:
                    result = buyer.submit_checkout(*opened)
                    if result.confirmed:
                        orders.append(result)
    except ServerGone as exc:
        problems.append(f"{email}: connection failed: {exc}")
    except Exception as exc:  # a bench bug or an unexpected page: report, do not hide
        problems.append(f"{email}: {type(exc).__name__}: {exc}")
    finally:
        buyer.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of gunicorn: the master, its live workers, and the workers it
    has already replaced (max_requests), which the kernel adds to the master's cutime/cstime."""
    ticks = os.sysconf("SC_CLK_TCK")

    def stat(proc) -> list[int]:
        try:
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
            return [int(f) for f in fields[11:15]]  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            return [0, 0, 0, 0]

    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    total = sum(stat(pid))
    for child in children:
        total += sum(stat(child)[:2])
    return total / ticks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds (60)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring (5)")
    parser.add_argument("--keep", metavar="DIR", help="instance folder to keep (default: a temporary one)")
    args = parser.parse_args(argv)

    workdir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="malpro-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(workdir)
    print(f"Mixed load: {args.users} buyers, {args.duration:.0f} s, instance {workdir}")
    prepare_database(env, buyers=args.users)
    database = workdir / "malpro.db"
    server = Server(env, free_port(), workdir / "gunicorn.log")
    recorder, stop, signed_in = Recorder(), threading.Event(), threading.Semaphore(0)
    orders: list = []
    problems: list[str] = []
    with running(server):
        print(f"  gunicorn on {server.base}: {server.workers()} workers "
              f"(deploy/gunicorn.conf.py defaults for this machine)")
        threads = [threading.Thread(target=buyer_loop, daemon=True,
                                    args=(server, email, n, recorder, stop, orders, problems, signed_in))
                   for n, email in enumerate(buyer_emails(args.users))]
        for thread in threads:
            thread.start()
        # Signing in hashes a password (deliberately slow); all buyers are in before measuring.
        for _ in threads:
            if not signed_in.acquire(timeout=180):
                break
        time.sleep(args.warmup)
        orders_before = len(orders)
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu_before = cpu_seconds(server.process.pid)
        load_before = os.getloadavg()[0]
        recorder.measuring = True
        started = time.monotonic()
        time.sleep(args.duration)
        recorder.measuring = False
        elapsed = time.monotonic() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = cpu_seconds(server.process.pid) - server_cpu_before
        load_after = os.getloadavg()[0]
        orders_measured = len(orders) - orders_before
        stop.set()
        for thread in threads:
            thread.join(60)
    logged_5xx = server_errors(workdir / "gunicorn.log")
    integrity = query(database, "PRAGMA integrity_check")[0][0]
    placed = query(database, "SELECT count(*) FROM orders WHERE buyer_id IN "
                             "(SELECT id FROM users WHERE email LIKE 'pembeli%@bench.malpro.id')")[0][0]
    confirmed_keys = {o.key for o in orders}
    stored_keys = {row[0] for row in query(database, "SELECT key FROM checkouts")}

    samples = recorder.samples
    statuses = defaultdict(int)
    by_name: dict[str, list[float]] = defaultdict(list)
    for s in samples:
        statuses[s.status] += 1
        by_name[s.name].append(s.ms)
    errors_5xx = sum(n for status, n in statuses.items() if status >= 500)
    no_answer = statuses.get(0, 0)
    all_ms = [s.ms for s in samples]
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)

    print(f"\nMeasured {elapsed:.1f} s, after every buyer signed in and a {args.warmup:.0f} s warm-up")
    print(f"  requests:       {len(samples)}  ({len(samples) / elapsed:.1f} requests/s)")
    print(f"  latency:        p50 {percentile(all_ms, 50):.1f} ms, p99 {percentile(all_ms, 99):.1f} ms, "
          f"max {max(all_ms, default=0):.0f} ms")
    print(f"  checkouts:      {orders_measured} confirmed in the window "
          f"({orders_measured / elapsed:.1f}/s); {placed} orders in the database after the run")
    print("  statuses:       " + ", ".join(f"{k or 'no answer'}: {v}" for k, v in sorted(statuses.items())))
    print(f"  5xx answers:    {errors_5xx} seen by clients, {logged_5xx} logged by the app; "
          f"{no_answer} requests without an answer")
    cores = os.cpu_count() or 1
    print(f"  server CPU:     {server_cpu:.1f} s over {len(samples)} requests = {server_cpu * 1000 / max(len(samples), 1):.1f} ms "
          f"a request; {cores} dedicated cores would serve about {cores * len(samples) / max(server_cpu, 0.001):.0f} requests/s")
    print(f"  client CPU:     {client_cpu:.1f} s; machine load average {load_before:.1f} -> {load_after:.1f} "
          f"on {cores} cores (other work on the machine slows the figures above)")
    print("\n  per kind                   count   req/s    p50 ms   p99 ms")
    for name, values in sorted(by_name.items(), key=lambda item: -len(item[1])):
        print(f"  {name:<24} {len(values):7d} {len(values) / elapsed:7.1f} {statistics.median(values):9.1f}"
              f" {percentile(values, 99):8.1f}")
    print(f"\n  database:       integrity_check {integrity}; every confirmed checkout stored: "
          f"{'yes' if confirmed_keys <= stored_keys else 'NO'}")
    for problem in problems[:10]:
        print(f"  problem: {problem}")

    failed = errors_5xx or logged_5xx or no_answer or problems or integrity != "ok" or not confirmed_keys <= stored_keys
    if not samples:
        failed = True
    print("\nRESULT:", "FAIL" if failed else "ok (0 errors)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
