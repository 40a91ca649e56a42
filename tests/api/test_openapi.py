"""The OpenAPI document describes the app as it is: the same routes, resolvable references,
valid schemas (real responses are validated against them by tests/api/conftest.py)."""
import re

from jsonschema import Draft202012Validator

from malpro.api.openapi import DOCUMENT
from tests.api.conftest import PREFIX

METHODS = {"get", "post", "put", "patch", "delete"}


def _app_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX):])
        operations |= {(path, method.lower()) for method in rule.methods if method.lower() in METHODS}
    return operations


def _documented_operations() -> set[tuple[str, str]]:
    return {(path, method) for path, item in DOCUMENT["paths"].items() for method in item if method in METHODS}


def test_the_document_and_the_url_map_have_the_same_operations(app):
    in_app, documented = _app_operations(app), _documented_operations()

    assert in_app - documented == set(), "routes missing from the OpenAPI document"
    assert documented - in_app == set(), "documented operations the app does not have"


def _walk(node, found: list):
    if isinstance(node, dict):
        if "$ref" in node:
            found.append(node["$ref"])
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def test_every_reference_resolves():
    references = []
    _walk(DOCUMENT, references)

    assert references
    for reference in set(references):
        hash_, components, kind, name = reference.split("/")
        assert (hash_, components) == ("#", "components") and name in DOCUMENT["components"][kind], reference


def test_every_schema_is_valid_json_schema_2020_12():
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_is_complete():
    parameters = DOCUMENT["components"]["parameters"]
    for path, item in DOCUMENT["paths"].items():
        in_path = set(re.findall(r"\{([a-z_]+)\}", path))
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            declared = {parameters[p["$ref"].rsplit("/", 1)[1]]["name"] for p in operation["parameters"]
                        if parameters[p["$ref"].rsplit("/", 1)[1]]["in"] == "path"}
            assert declared == in_path, where
            statuses = set(operation["responses"])
            assert "default" in statuses and any(s.startswith("2") for s in statuses), where
            if operation["security"]:
                assert "401" in statuses, where
            if "requestBody" in operation and "application/json" in operation["requestBody"]["content"]:
                assert {"400", "413"} <= statuses, where
            assert operation["operationId"] and operation["summary"], where
    assert DOCUMENT["openapi"] == "3.1.0"
    assert DOCUMENT["components"]["securitySchemes"]["bearerAuth"] == {
        **DOCUMENT["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}


def test_the_error_shape_is_documented_with_every_api_code():
    codes = DOCUMENT["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]

    assert {"bad_request", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large",
            "validation_error", "out_of_stock", "store_unavailable", "too_many_pending_orders",
            "rate_limited"} <= set(codes)


def test_openapi_json_is_served(api):
    response = api.get("/openapi.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == DOCUMENT


def test_the_reference_page_lists_every_operation_without_scripts_of_its_own(api):
    response = api.get("/docs")

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    for path, item in DOCUMENT["paths"].items():
        for method in item:
            assert f"/api/v1{path}" in page and f'id="op-{item[method]["operationId"]}"' in page
    for name in DOCUMENT["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", page)), "inline script"
    assert not re.search(r"(src|href)=\"https?://", page), "nothing from another site"
    assert " style=" not in page
