"""Crash safety: `make bench-crash` (or `.venv/bin/python -m bench.crash`).

Buyers check out continuously through the web forms (cart, GET /checkout for the CSRF token and
one-time key, POST /checkout) against gunicorn (deploy/gunicorn.conf.py) over a temporary SQLite
database with the demo data. Several times the whole server (master and workers) is killed with
SIGKILL in the middle of that, then started again, as a power cut or the OOM killer would do
it. A buyer whose checkout got no answer submits the same form again once the server is back,
as a person pressing the button again would (the one-time key makes that safe). Some buyers
cancel some orders, which returns stock.

Checks, printed with their figures (the run exits 1 if any fails):
  - PRAGMA integrity_check is "ok" right after every kill and at the end;
  - every checkout a client saw confirmed (the redirect to its done page) is in the database,
    and every order code shown on a done page exists;
  - for each product: initial stock = current stock + quantities in non-cancelled orders;
  - no checkout key produced two orders for the same store.
Options: --buyers, --crashes, --interval (seconds of load between kills), --keep DIR.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.load_client import Buyer, ServerGone
from bench.load_server import (
    BUYER_PASSWORD,
    Server,
    buyer_emails,
    environment,
    free_port,
    prepare_database,
    query,
)


class Ledger:
    """What the clients saw, shared by the buyer threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.confirmed_keys: set[str] = set()
        self.seen_codes: set[str] = set()
        self.cancelled_codes: set[str] = set()
        self.unanswered_checkouts = 0  # POST /checkout that got no answer (server killed)
        self.resubmitted_confirmed = 0  # ... and were confirmed on resubmission
        self.problems: list[str] = []


def until_answered(action, stop: threading.Event, ledger_counter=None):
    """Run `action` until the server answers (it is down between a kill and its restart)."""
    first = True
    while not stop.is_set():
        try:
            return action()
        except ServerGone:
            if first and ledger_counter:
                ledger_counter()
            first = False
            time.sleep(0.2)
    return None


def buyer_loop(port: int, email: str, seed: int, ledger: Ledger, stop: threading.Event, drain: threading.Event):
    rng = random.Random(seed)
    buyer = Buyer("127.0.0.1", port, email, BUYER_PASSWORD, rng, timeout=20)
    try:
        until_answered(buyer.login, stop)
        while not stop.is_set() and not drain.is_set():
            try:
                if not buyer.product_paths or rng.random() < 0.2:
                    buyer.browse()
                for _ in range(rng.randint(1, 3)):
                    buyer.add_product_to_cart(quantity=rng.randint(1, 3))
                opened = buyer.open_checkout()
            except ServerGone:
                time.sleep(0.2)
                continue
            if not opened:
                continue
            key, form = opened
            state = {"retried": False}

            def unanswered(state=state):
                state["retried"] = True
                with ledger.lock:
                    ledger.unanswered_checkouts += 1

            # Once submitted, the same form is sent again until the server answers it.
            result = until_answered(lambda key=key, form=form: buyer.submit_checkout(key, form), stop, unanswered)
            if result is None or not result.confirmed:
                continue
            with ledger.lock:
                ledger.confirmed_keys.add(key)
                ledger.seen_codes.update(result.codes)
                if state["retried"]:
                    ledger.resubmitted_confirmed += 1
            if result.codes and rng.random() < 0.2:
                code = result.codes[0]
                try:
                    if buyer.cancel(code):
                        with ledger.lock:
                            ledger.cancelled_codes.add(code)
                except ServerGone:
                    time.sleep(0.2)
    except Exception as exc:  # a bench bug or an unexpected answer: report it
        with ledger.lock:
            ledger.problems.append(f"{email}: {type(exc).__name__}: {exc}")
    finally:
        buyer.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--crashes", type=int, default=5)
    parser.add_argument("--interval", type=float, default=6.0,
                        help="seconds of load before each kill, at least (6); also waits for 3 new checkouts")
    parser.add_argument("--keep", metavar="DIR", help="instance folder to keep (default: a temporary one)")
    args = parser.parse_args(argv)

    workdir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="malpro-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = environment(workdir)
    database = workdir / "malpro.db"
    print(f"Crash test: {args.buyers} buyers, {args.crashes} SIGKILLs {args.interval:.0f} s apart, instance {workdir}")
    prepare_database(env, buyers=args.buyers)
    initial_stock = dict(query(database, "SELECT id, stock FROM products WHERE stock IS NOT NULL"))
    first_order_id = query(database, "SELECT COALESCE(MAX(id), 0) FROM orders")[0][0] + 1

    server = Server(env, free_port(), workdir / "gunicorn.log")
    ledger, stop, drain = Ledger(), threading.Event(), threading.Event()
    integrity_after_kill: list[str] = []
    downtime: list[float] = []
    server.start()
    threads = [threading.Thread(target=buyer_loop, daemon=True,
                                args=(server.port, email, n, ledger, stop, drain))
               for n, email in enumerate(buyer_emails(args.buyers))]
    for thread in threads:
        thread.start()
    try:
        for crash in range(1, args.crashes + 1):
            # Kill while checkouts are flowing: after at least `interval` seconds and a few new
            # confirmed checkouts since the last start (a slow machine needs longer for that).
            since = len(ledger.confirmed_keys)
            deadline = time.monotonic() + 120
            time.sleep(args.interval)
            while len(ledger.confirmed_keys) < since + 3 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(random.uniform(0, 1))
            before = len(ledger.confirmed_keys)
            server.kill()
            killed_at = time.monotonic()
            # The database as the crash left it, opened by a new process as the restart would.
            result = query(database, "PRAGMA integrity_check")[0][0]
            integrity_after_kill.append(result)
            print(f"  kill {crash}: {before} checkouts confirmed so far; integrity_check right after: {result}")
            server.start()
            downtime.append(time.monotonic() - killed_at)
        time.sleep(args.interval)
        drain.set()  # finish the checkouts under way, start no new ones
        for thread in threads:
            thread.join(60)
    finally:
        stop.set()
        server.stop()

    # --- checks, on the database as the last clean shutdown left it ---------------------------
    integrity = query(database, "PRAGMA integrity_check")[0][0]
    foreign_keys = query(database, "PRAGMA foreign_key_check")
    stored_keys = {row[0] for row in query(database, "SELECT key FROM checkouts")}
    stored_codes = {row[0] for row in query(database, "SELECT code FROM orders")}
    missing_keys = ledger.confirmed_keys - stored_keys
    missing_codes = ledger.seen_codes - stored_codes
    orders = query(database, "SELECT count(*), SUM(status = 'cancelled') FROM orders WHERE id >= ?", first_order_id)[0]
    ordered = dict(query(database, "SELECT i.product_id, SUM(i.quantity) FROM order_items i JOIN orders o "
                                   "ON o.id = i.order_id WHERE o.status != 'cancelled' AND o.id >= ? "
                                   "GROUP BY i.product_id", first_order_id))
    current = dict(query(database, "SELECT id, stock FROM products WHERE stock IS NOT NULL"))
    mismatches = {pid: (stock, current.get(pid), ordered.get(pid, 0)) for pid, stock in initial_stock.items()
                  if stock != (current.get(pid) or 0) + ordered.get(pid, 0)}
    duplicates = [row for row in query(database, "SELECT checkout_id, store_id, count(*) FROM orders WHERE id >= ? "
                                                 "GROUP BY checkout_id, store_id HAVING count(*) > 1", first_order_id)]
    products_touched = len(ordered)
    cancelled_seen = len(ledger.cancelled_codes)
    cancelled_wrong = [c for c in ledger.cancelled_codes
                       if query(database, "SELECT status FROM orders WHERE code = ?", c) != [("cancelled",)]]

    print(f"\n  crashes (SIGKILL of master and workers): {args.crashes}; restart to healthy: "
          f"{min(downtime, default=0):.1f}-{max(downtime, default=0):.1f} s")
    print(f"  integrity_check after each kill:  {', '.join(integrity_after_kill)}; at the end: {integrity}; "
          f"foreign_key_check: {len(foreign_keys)} problems")
    print(f"  checkouts confirmed to clients:   {len(ledger.confirmed_keys)} "
          f"({ledger.resubmitted_confirmed} of them after a resubmission; "
          f"{ledger.unanswered_checkouts} submissions got no answer because of a kill)")
    print(f"  orders in the database:           {orders[0]} ({orders[1] or 0} cancelled; "
          f"{cancelled_seen} cancellations confirmed to clients)")
    print(f"  confirmed checkouts missing:      {len(missing_keys)}")
    print(f"  order codes shown but missing:    {len(missing_codes)}")
    print(f"  confirmed cancellations not kept: {len(cancelled_wrong)}")
    print(f"  products checked (stock = current + ordered): {len(initial_stock)} ({products_touched} ordered from); "
          f"mismatches: {len(mismatches)}")
    print(f"  checkout keys with two orders for one store: {len(duplicates)}")
    for pid, (was, now, qty) in list(mismatches.items())[:5]:
        print(f"    product {pid}: initial {was} != current {now} + ordered {qty}")
    for problem in ledger.problems[:10]:
        print(f"  problem: {problem}")

    failed = (any(r != "ok" for r in integrity_after_kill) or integrity != "ok" or foreign_keys or missing_keys
              or missing_codes or mismatches or duplicates or cancelled_wrong or ledger.problems
              or not ledger.confirmed_keys)
    print("\nRESULT:", "FAIL" if failed else "ok (nothing lost)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
