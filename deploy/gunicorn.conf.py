"""gunicorn settings for Malpro: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Defaults suit one server with 2-4 cores behind nginx (deploy/nginx-malpro.conf); each can be
changed with an environment variable (in /etc/malpro/malpro.env for the systemd unit) without
editing this file. Figures behind the defaults: docs/performance.md ("Mixed load").
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


_cores = multiprocessing.cpu_count()

# Only nginx talks to gunicorn; never expose this port.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads let a worker serve other requests while one waits on the database (SQLite's busy
# timeout, a PostgreSQL round trip) or on a slow client. 2 workers per core with 4 threads each
# gives 16 request slots on 2 cores, so waiting requests do not leave a core idle; more workers
# mostly add memory (about 100 MB each) and SQLite write contention.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("GUNICORN_WORKERS", min(2 * _cores, 8))
threads = _int("GUNICORN_THREADS", 4)

# A request taking longer than this is stuck: the worker is killed and replaced. The longest
# legitimate requests are report exports and 8-photo uploads, well under 30 s.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # nginx keeps idle upstream connections open

# Recycle workers now and then, staggered, so a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# Heartbeat files on tmpfs: a busy or slow disk cannot make the arbiter think workers hung.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)

# X-Forwarded-Proto from nginx on the same machine decides http/https (Malpro's own ProxyFix,
# MALPRO_PROXY_FIX=1, also sets the client address for rate limits).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stderr, which systemd sends to the journal (journalctl -u malpro).
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Malpro already writes one JSON line per request with its request id (malpro/request_log.py),
# so gunicorn's access log is off unless asked for (GUNICORN_ACCESS_LOG=-). When on, it keeps
# the same rule: the path without the query string (searches, tokens), no client address,
# no referrer or user agent.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%({x-request-id}o)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

proc_name = "malpro"
