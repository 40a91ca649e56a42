"""Sign-in, sign-up and reset limits (issue 15.2, API.md 429 `rate_limited`).

Against gunicorn with 2 worker processes: the counts are exact whichever worker answers, because
they live in one SQLite file every worker shares (malpro/ratelimit.py). The attempts are made to
alternate between the two workers (see `Server.pin_other_worker`) and the access log's worker
pids show they did."""
import json
import multiprocessing
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from malpro.ratelimit import SQLiteStorage
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn, 2 sync workers. A sync worker serves one connection at a time, so a connection
    held open without a request keeps one worker busy and the next request goes to the other."""

    def __init__(self, port: int, log: Path, limits_db: Path):
        self.port, self.log, self.limits_db = port, log, limits_db
        self._held: socket.socket | None = None

    def pin_other_worker(self) -> None:
        """Make the next request go to the worker that did not serve the last one."""
        new = socket.create_connection(("127.0.0.1", self.port))
        time.sleep(0.15)  # the only free worker (the one that just answered) accepts it
        if self._held is not None:
            self._held.close()  # the other worker is free again
        self._held = new
        time.sleep(0.05)

    def release(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def post(self, path: str, *, json_body=None, form=None) -> tuple[int, dict, str]:
        if json_body is not None:
            data, content_type = json.dumps(json_body).encode(), "application/json"
        else:
            data, content_type = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method="POST",
                                         headers={"Content-Type": content_type})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def worker_pids(self, path: str) -> list[str]:
        """The pid of the worker that answered each request to `path`, in order (access log)."""
        return [line.split()[1] for line in self.log.read_text().splitlines()
                if line.startswith("ACCESS ") and line.split()[2] == path]

    def reset_limits(self) -> None:
        with sqlite3.connect(self.limits_db) as conn:
            conn.execute("DELETE FROM events")
            conn.execute("DELETE FROM counters")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("limits")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALPRO_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'malpro.db'}", MALPRO_INSTANCE_PATH=str(workdir / "instance"),
               MALPRO_UPLOAD_DIR=str(workdir / "uploads"), MALPRO_SECRET_KEY=secrets.token_hex(16),
               MALPRO_LOG_LEVEL="WARNING", MALPRO_REQUEST_LOG="false", MALPRO_WTF_CSRF_ENABLED="false")
    _run(["-m", "flask", "--app", "malpro", "db", "upgrade"], env)
    _run(["-c", "from malpro import create_app\nfrom malpro.services import accounts\n"
                "app = create_app()\nwith app.app_context():\n"
                f"    accounts.register_user('Budi', 'budi@example.com', '{PASSWORD}')"], env)
    port = _free_port()
    log = workdir / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--worker-class", "sync", "--timeout", "60", "--access-logfile", "-",
             "--access-logformat", "ACCESS %(p)s %(U)s %(s)s"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    live = Server(port, log, workdir / "instance" / "ratelimits.db")
    try:
        deadline = time.monotonic() + 60
        while "Booting worker" not in log.read_text() or log.read_text().count("Booting worker") < 2:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        time.sleep(1.0)  # both workers import the app and start accepting
        yield live
    finally:
        live.release()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def limits(server):
    server.reset_limits()
    yield server
    server.release()


def test_11th_failed_sign_in_for_one_email_is_refused_whatever_the_worker(limits):
    answers = []
    for _attempt in range(11):
        limits.pin_other_worker()
        answers.append(limits.post("/api/v1/auth/token", json_body={"email": "budi@example.com",
                                                                    "password": "tebakan-salah"}))
    assert [status for status, _h, _b in answers] == [401] * 10 + [429]
    status, headers, body = answers[-1]
    assert json.loads(body)["error"]["code"] == "rate_limited"
    assert 0 < int(headers["Retry-After"]) <= 60
    pids = limits.worker_pids("/api/v1/auth/token")[-11:]
    assert len(set(pids)) == 2 and all(a != b for a, b in zip(pids, pids[1:])), pids

    # The web sign-in counts with the API's: the same email from the same address waits there too.
    limits.pin_other_worker()
    status, headers, body = limits.post("/auth/login", form={"email": "budi@example.com", "password": PASSWORD})
    assert status == 429 and "Terlalu banyak percobaan" in body and int(headers["Retry-After"]) > 0


def test_31st_failed_sign_in_across_30_emails_is_refused(limits):
    statuses = []
    for n in range(31):
        limits.pin_other_worker()
        door = ("/api/v1/auth/token", {"json_body": {"email": f"orang{n}@example.com", "password": "password1"}})
        statuses.append(limits.post(door[0], **door[1])[0])
    assert statuses == [401] * 30 + [429]
    pids = limits.worker_pids("/api/v1/auth/token")[-31:]
    assert len(set(pids)) == 2

    # Even a right password from this address waits until the window moves on.
    limits.pin_other_worker()
    assert limits.post("/api/v1/auth/token", json_body={"email": "budi@example.com", "password": PASSWORD})[0] == 429


def test_web_failed_sign_ins_are_counted_across_workers(limits):
    statuses = []
    for _attempt in range(11):
        limits.pin_other_worker()
        statuses.append(limits.post("/auth/login", form={"email": "budi@example.com", "password": "tebakan-salah"})[0])
    assert statuses == [200] * 10 + [429]
    assert len(set(limits.worker_pids("/auth/login")[-11:])) == 2


def test_sign_ups_from_one_address_are_limited_on_the_web_like_the_api(limits):
    statuses = []
    for n in range(6):
        limits.pin_other_worker()
        statuses.append(limits.post("/auth/register", form={"name": "Rina", "email": f"rina{n}@example.com",
                                                            "password": "kopi-tubruk-9", "confirm": "kopi-tubruk-9"})[0])
    assert statuses == [302] * 5 + [429]
    # The API's registrations share the count.
    status, _headers, body = limits.post("/api/v1/auth/register", json_body={
        "name": "Rina", "email": "rina9@example.com", "password": "kopi-tubruk-9"})
    assert status == 429 and json.loads(body)["error"]["code"] == "rate_limited"


# --- in-process checks (Flask test client) --------------------------------------------------

@pytest.fixture
def limited(config, request):
    config["RATELIMIT_ENABLED"] = True
    return request.getfixturevalue("client")


def test_the_429_page_is_in_the_reader_s_language(limited, make):
    limited.post("/bahasa", data={"lang": "en"})
    for _attempt in range(10):
        limited.post("/auth/login", data={"email": "x@example.com", "password": "salah-salah"})
    response = limited.post("/auth/login", data={"email": "x@example.com", "password": "salah-salah"})
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Too many attempts. Try again in" in body and "seconds" in body
    assert 'name="email"' in body  # the form is still there to try again later
    assert int(response.headers["Retry-After"]) > 0


def test_sign_up_limit_on_the_web_in_process(limited):
    statuses = [limited.post("/auth/register", data={"name": "Rina", "email": f"r{n}@example.com",
                                                     "password": "kopi-tubruk-9",
                                                     "confirm": "kopi-tubruk-9"}).status_code for n in range(6)]
    assert statuses[-1] == 429
    assert "Terlalu banyak percobaan" in limited.post("/auth/register", data={}).get_data(as_text=True)


def test_reset_requests_are_limited(limited):
    statuses = [limited.post("/auth/lupa-sandi", data={"email": f"r{n}@example.com"}).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    assert limited.get("/auth/lupa-sandi").status_code == 200


def test_the_default_storage_is_the_shared_sqlite_file(app):
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("malpro-sqlite://")
    assert app.config["RATELIMIT_STORAGE_URI"].endswith("/instance/ratelimits.db")


def test_redis_is_used_when_configured(config):
    from malpro import create_app

    config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    assert create_app(config).config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def _hammer(path: str, attempts: int, queue) -> None:
    storage = SQLiteStorage(f"malpro-sqlite://{path}")
    queue.put(sum(storage.acquire_entry("spray", 10, 60) for _ in range(attempts)))


def test_the_storage_counts_exactly_under_concurrent_processes(tmp_path):
    path = tmp_path / "limits.db"
    SQLiteStorage(f"malpro-sqlite://{path}")
    queue = multiprocessing.get_context("spawn").Queue()
    workers = [multiprocessing.get_context("spawn").Process(target=_hammer, args=(str(path), 15, queue))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    granted = sum(queue.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert granted == 10


def test_the_storage_windows_move_and_expire(tmp_path):
    storage = SQLiteStorage(f"malpro-sqlite://{tmp_path / 'limits.db'}")
    assert all(storage.acquire_entry("k", 3, 1) for _ in range(3))
    assert not storage.acquire_entry("k", 3, 1)
    start, count = storage.get_moving_window("k", 3, 1)
    assert count == 3 and start <= time.time()
    time.sleep(1.1)
    assert storage.acquire_entry("k", 3, 1)
    assert storage.incr("c", 1) == 1 and storage.incr("c", 1) == 2 and storage.get("c") == 2
    time.sleep(1.1)
    assert storage.get("c") == 0 and storage.check()
    storage.clear("k")
    assert storage.get_moving_window("k", 3, 1)[1] == 0


def test_simultaneous_failed_sign_ins_are_counted_exactly(limited, app, make):
    """20 wrong passwords for one email at the same instant: exactly 10 are checked (401), 10
    refused (429). Counting only after the answer would let every one of them through."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    make.user(email="budi@example.com")
    start = Barrier(20)

    def attempt(_n):
        client = app.test_client()
        start.wait()
        return client.post("/api/v1/auth/token", json={"email": "budi@example.com", "password": "tebakan-salah"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(response.status_code for response in pool.map(attempt, range(20)))
    assert statuses == [401] * 10 + [429] * 10
    # A success gives its place back: the right password still waits here (the window is full),
    # but from a fresh window successes never fill it (test_successful_token_requests_do_not_count).
