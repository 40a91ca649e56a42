"""The shipped nginx site (deploy/nginx-malpro.conf) made runnable on this machine: the same file
with only its machine-specific parts replaced (ports, certificate, folders, logs), under a work
folder of its own. Used by tests/test_nginx_site.py and `make lighthouse`."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-malpro.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def site_for(workdir: Path, https_port: int, http_port: int, app_port: int) -> str:
    text = SITE.read_text()
    replacements = [
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"listen \[::\]:443 ssl http2;", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen \[::\]:80;", ""),
        (r"server 127\.0\.0\.1:8000", f"server 127.0.0.1:{app_port}"),
        (r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(workdir / "cert.pem")),
        (r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(workdir / "key.pem")),
        (r"/var/cache/nginx/malpro", str(workdir / "cache")),
        (r"/var/log/nginx/", str(workdir) + "/"),
        (r"/srv/malpro/app/static/", str(ROOT / "static") + "/"),
        (r"/srv/malpro/instance/uploads/", str(workdir / "uploads") + "/"),
        (r"/var/www/letsencrypt", str(workdir / "acme")),
        (r"/etc/nginx/snippets/", str(workdir / "snippets") + "/"),
    ]
    for pattern, replacement in replacements:
        text = re.sub(pattern, replacement, text)
    return text


def write_config(workdir: Path, https_port: int, http_port: int, app_port: int,
                 uploads: Path | None = None) -> Path:
    """nginx.conf (a minimal main file including the site) and a self-signed certificate."""
    for folder in ("cache", "acme", "snippets", "temp"):
        (workdir / folder).mkdir(exist_ok=True)
    site = site_for(workdir, https_port, http_port, app_port)
    if uploads is not None:
        site = site.replace(str(workdir / "uploads") + "/", str(uploads) + "/")
    else:
        (workdir / "uploads").mkdir(exist_ok=True)
    (workdir / "site.conf").write_text(site)
    temp = workdir / "temp"
    main = workdir / "nginx.conf"
    main.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {workdir / "site.conf"};
}}
""")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(workdir / "key.pem"), "-out", str(workdir / "cert.pem")],
                   check=True, capture_output=True)
    return main
