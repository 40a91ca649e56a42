"""Static files that browsers may keep for good.

Every `url_for('static', ...)` gets `?v=<first 10 hex of the file's SHA-256>`, computed once per
file and process (a deployment restarts the workers, so a changed file gets a new address).
A request that carries the file's current version is answered `public, max-age=1 year,
immutable`: the browser never asks again, and a new release is fetched because its address
changed. Any other request for a static file (an old version, no version: the service worker's
shell list, bookmarks, the manifest) keeps `no-cache`, so it is revalidated and never stale."""
from __future__ import annotations

import hashlib
import os

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600
# The web app manifest keeps one address: browsers refetch it themselves and know an installed
# app by it.
UNVERSIONED = {"manifest.webmanifest"}


def init_static_assets(app: Flask) -> None:
    versions: dict[str, str | None] = {}

    def version_of(filename: str) -> str | None:
        if filename not in versions:
            path = os.path.join(app.static_folder, filename)
            try:
                with open(path, "rb") as fh:
                    versions[filename] = hashlib.sha256(fh.read()).hexdigest()[:10]
            except OSError:
                versions[filename] = None
        return versions[filename]

    @app.url_defaults
    def add_static_version(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename") not in UNVERSIONED:
            version = version_of(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned_static(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            version = request.args.get("v")
            if version and version == version_of(request.view_args.get("filename", "")):
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
        return response
