"""Small helpers for answering htmx requests (see STYLE.md: full page vs partial)."""
from flask import Response, make_response, request


def is_htmx() -> bool:
    """An htmx request that wants a fragment: boosted navigations want the full page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def htmx_redirect(url: str, status: int = 200) -> Response:
    """Tell htmx to navigate the whole page (a 302 would be swapped into the target)."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = url
    return response


def vary_on_htmx(response) -> Response:
    """Pages that answer a fragment or a full page by header must say so to caches.
    Takes anything a view may return (a rendered string, a response)."""
    response = make_response(response)
    response.vary.add("HX-Request")
    return response
