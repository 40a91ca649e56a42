"""The auth tests drive several browsers (test clients) in one test. The `app` fixture keeps one
app context open for the whole test, so Flask's `g` (where Flask-Login keeps the signed-in user)
would carry one client's user into the next client's request; in production every request has
an app context, and so a `g`, of its own. Start each request with a clean one here too."""
import pytest
from flask import g, request_started

PER_REQUEST = ("_login_user", "login_session_id")


def _forget_previous_request(sender, **extra):
    for name in PER_REQUEST:
        g.pop(name, None)


@pytest.fixture(autouse=True)
def fresh_g_per_request():
    request_started.connect(_forget_previous_request)
    yield
    request_started.disconnect(_forget_previous_request)
