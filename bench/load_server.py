"""The server side of the load and crash benchmarks (bench/load.py, bench/crash.py).

A throwaway instance folder with an SQLite database built by the real migrations and the demo
seeder (`flask db upgrade`, `flask seed-demo`), bench buyer accounts, and gunicorn started with
the production settings file deploy/gunicorn.conf.py on 127.0.0.1 (a free port). Only loopback
addresses are ever used.

Two settings differ from production, both so that one machine can play 50 buyers: the login
rate limit is raised (every simulated buyer comes from 127.0.0.1, where production sees 50
addresses), and the COD guard (3 pending orders a buyer) is lifted so buyers keep checking out
for the whole run instead of being refused after their third order.
"""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
BUYER_DOMAIN = "bench.malpro.id"
BUYER_PASSWORD = "bench-malpro-123"
BENCH_STOCK = 1_000_000  # every stocked product, so checkouts keep flowing for the whole run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALPRO_", "GUNICORN_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env.update({
        "MALPRO_INSTANCE_PATH": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'malpro.db'}",
        "MALPRO_LOG_LEVEL": "INFO",
        "MALPRO_LOGIN_RATE_LIMIT": "100000 per minute",
        "MALPRO_MAX_PENDING_ORDERS": "1000000",
        # The buyers keep their COD orders open: lift the cap on their unpaid value (issue 15),
        # which would refuse a buyer's orders after Rp5.000.000.
        "MALPRO_MAX_UNPAID_ORDER_VALUE": "1000000000000",
        "MALPRO_MAX_UNPAID_ORDER_VALUE_TRUSTED": "1000000000000",
        "FLASK_APP": "malpro",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def prepare_database(env: dict, buyers: int, stores: int = 40, products: int = 400, log=print) -> None:
    """Migrate, seed the demo data, add `buyers` bench accounts and give products bench stock."""
    flask = [PYTHON, "-m", "flask", "--app", "malpro"]
    for args in (["db", "upgrade"], ["seed-demo", "--stores", str(stores), "--products", str(products)]):
        started = time.monotonic()
        done = subprocess.run(flask + args, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        log(f"  flask {' '.join(args)}: {time.monotonic() - started:.1f} s")
    script = f"""
from werkzeug.security import generate_password_hash
from sqlalchemy import update
from malpro import create_app
from malpro.extensions import db
from malpro.models import Product, User
app = create_app()
with app.app_context():
    password_hash = generate_password_hash({BUYER_PASSWORD!r})
    for n in range({buyers}):
        email = f"pembeli{{n}}@{BUYER_DOMAIN}"
        if not db.session.query(User.id).filter_by(email=email).first():
            db.session.add(User(name=f"Pembeli Bench {{n}}", email=email, password_hash=password_hash,
                                phone=f"628123{{n:07d}}", kecamatan="Klojen"))
    db.session.execute(update(Product).where(Product.stock.is_not(None)).values(stock={BENCH_STOCK}))
    db.session.commit()
"""
    done = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"creating bench buyers failed:\n{done.stderr}")


def buyer_emails(count: int) -> list[str]:
    return [f"pembeli{n}@{BUYER_DOMAIN}" for n in range(count)]


class Server:
    """gunicorn with deploy/gunicorn.conf.py, in its own process group (so a crash can take
    the master and every worker down at once, as a power cut or the OOM killer would)."""

    def __init__(self, env: dict, port: int, log_path: Path):
        self.env, self.port, self.log_path = env, port, log_path
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([GUNICORN, "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
                                        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL to the master and all its workers at once: no request finishes, no cleanup."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """A normal shutdown (SIGTERM): workers finish their requests."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.kill()

    def cpu_seconds(self) -> float:
        return gunicorn_cpu_seconds(self.process.pid) if self.process else 0.0

    def workers(self) -> int:
        """How many worker processes gunicorn runs (its children)."""
        if not self.process:
            return 0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return len(children.read_text().split())
        except OSError:
            return 0


def gunicorn_cpu_seconds(master_pid: int) -> float:
    """User and system CPU time of a gunicorn so far: the master, its live workers, and the
    workers that have exited (max_requests restarts them; the master has reaped them, so
    their time is in the master's cutime/cstime). Linux /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == master_pid:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextmanager
def running(server: Server):
    server.start()
    try:
        yield server
    finally:
        server.stop()


def query(database: Path, sql: str, *params):
    conn = sqlite3.connect(database, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def server_errors(log_path: Path) -> int:
    """5xx answers the app itself logged (its JSON request lines), to cross-check the clients."""
    import json

    count = 0
    for line in log_path.read_text(errors="replace").splitlines():
        start = line.find('{"event":"request"')
        if start >= 0:
            try:
                if json.loads(line[start:])["status"] >= 500:
                    count += 1
            except (ValueError, KeyError):
                continue
    return count
