"""The installable web app: the service worker, served from the site root so that it may
control every page, and the offline page it shows when the network is gone.

The worker itself is static/js/sw.js; the manifest is static/manifest.webmanifest, linked
from base.html, and static/js/app.js registers the worker."""
from flask import current_app, make_response, render_template, send_from_directory

from malpro.shop import bp


@bp.get("/sw.js", endpoint="service_worker")
def service_worker():
    # A worker's scope cannot reach above the folder it is served from, so it is answered
    # here rather than under /static. no-cache: the browser checks for a new version on
    # every visit instead of keeping an old worker for the static files' cache lifetime.
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico", endpoint="favicon")
def favicon():
    # Browsers and crawlers ask for /favicon.ico whatever the page says; pages link the same file.
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@bp.get("/offline", endpoint="offline")
def offline():
    """What the service worker shows for a page that cannot be loaded without a network.
    It is cached by every visitor's browser, so it shows nothing about the visitor."""
    response = make_response(render_template("shop/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response
