"""API test fixtures. Every call made through the `api` fixture is checked against the OpenAPI
document: the operation and status must be documented, and a JSON body must validate against
the documented schema (JSON Schema 2020-12, `#/components/...` references resolved)."""
import re
from dataclasses import dataclass

import pytest
from jsonschema import Draft202012Validator

from malpro.api.openapi import DOCUMENT
from malpro.models import User
from malpro.services import tokens

PREFIX = "/api/v1"
_TEMPLATES = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in DOCUMENT["paths"]]


def documented_path(path: str) -> str | None:
    """The document's path template matching a concrete path (without the prefix)."""
    return next((template for pattern, template in _TEMPLATES if pattern.match(path)), None)


def _resolve(item: dict) -> dict:
    while "$ref" in item:
        _hash, _components, kind, name = item["$ref"].split("/")
        item = DOCUMENT["components"][kind][name]
    return item


def schema_errors(instance, schema: dict) -> list[str]:
    root = {"components": DOCUMENT["components"], "allOf": [schema]}
    validator = Draft202012Validator(root)
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))]


def check_response(method: str, path: str, response) -> None:
    """Fail the test unless `response` is what the document says `method path` answers."""
    template = documented_path(path.split("?")[0])
    status = str(response.status_code)
    if template is None or method.lower() not in DOCUMENT["paths"][template]:
        # Not an operation of the API (unknown path, wrong method): still the error shape.
        assert response.status_code in (404, 405), f"{method} {path} is not documented"
        documented = DOCUMENT["components"]["responses"]["Error"]
    else:
        operation = DOCUMENT["paths"][template][method.lower()]
        responses = operation["responses"]
        assert status in responses or response.status_code >= 500 or response.status_code == 405, (
            f"{method} {template} answered {status}, which the document does not list ({sorted(responses)})")
        documented = _resolve(responses.get(status) or responses["default"])
    content = documented.get("content")
    if not content:
        assert not response.data, f"{method} {path} {status} should have no body"
        return
    media_type = response.mimetype
    assert media_type in content, f"{method} {path} {status}: {media_type} is not documented ({list(content)})"
    if media_type == "application/json":
        errors = schema_errors(response.get_json(), content[media_type]["schema"])
        assert not errors, f"{method} {path} {status} does not match the document:\n" + "\n".join(errors[:20])


class ApiClient:
    """The test client for /api/v1 paths, checking every answer against the document."""

    def __init__(self, client):
        self.client = client

    def request(self, method: str, path: str, token: str | None = None, headers: dict | None = None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)
        check_response(method, path, response)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


@dataclass
class Caller:
    user: User
    token: str

    @property
    def id(self) -> int:
        return self.user.id


def token_for(user: User) -> str:
    return tokens.issue_token(user.id)[0]


@pytest.fixture
def caller(make):
    """caller(user=None, **fields): a user (made if not given) with a fresh token."""

    def build(user: User | None = None, **fields) -> Caller:
        user = user or make.user(**fields)
        return Caller(user, token_for(user))

    return build


@pytest.fixture
def buyer(caller) -> Caller:
    return caller(name="Budi Pembeli")


@pytest.fixture
def admin(caller, make) -> Caller:
    return caller(make.admin())


@pytest.fixture
def seller(caller, make) -> Caller:
    """The owner of a verified store that offers delivery (Rp10.000) and pickup."""
    owner = make.user(name="Sri Penjual")
    make.store(owner=owner, name="Keripik Bu Sri", slug="keripik-bu-sri", delivery_fee=10000,
               description="Keripik tempe khas Malang")
    return caller(owner)


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]


def assert_error(response, status: int, code: str, fields=()) -> dict:
    """The response is the API error shape with this status and code (and these fields)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    error = error_of(response)
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    for name in fields:
        assert name in error.get("fields", {}), error
    return error
