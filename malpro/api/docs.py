"""The API's own description: the OpenAPI document and a reference page generated from it
(server-rendered, no script, nothing from another site)."""
from flask import jsonify, render_template

from malpro.api import bp
from malpro.api.openapi import DOCUMENT

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(DOCUMENT)


@bp.get("/docs")
def reference_page():
    return render_template("api/docs.html", info=DOCUMENT["info"], groups=_groups(),
                           schemas=[(name, schema_view(schema)) for name, schema in
                                    sorted(DOCUMENT["components"]["schemas"].items())])


def _resolve(item: dict) -> tuple[str | None, dict]:
    """(component name, the component) for a `$ref`, or (None, item)."""
    target = item.get("$ref")
    if not target:
        return None, item
    _hash, _components, kind, name = target.split("/")
    return name, DOCUMENT["components"][kind][name]


def schema_view(schema: dict) -> dict:
    """A schema as the page shows it: a type line (linking components) and its properties."""
    name, resolved = _resolve(schema)
    if name:
        return {"type": name, "ref": name}
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            parts = [schema_view(part) for part in schema[combinator]]
            return {"type": " | ".join(p["type"] for p in parts), "ref": next((p["ref"] for p in parts if p.get("ref")),
                                                                           None)}
    if "allOf" in schema:
        return schema_view(schema["allOf"][0])
    kind = schema.get("type", "any")
    view = {"type": " | ".join(kind) if isinstance(kind, list) else kind, "description": schema.get("description"),
            "enum": schema.get("enum"), "format": schema.get("format")}
    if "items" in schema:
        item = schema_view(schema["items"])
        view.update(type=f"array of {item['type']}", ref=item.get("ref"), items=item)
    if "properties" in schema:
        required = set(schema.get("required", ()))
        view["properties"] = [{"name": key, "required": key in required, **schema_view(value)}
                              for key, value in schema["properties"].items()]
    elif isinstance(schema.get("additionalProperties"), dict):
        view["values"] = schema_view(schema["additionalProperties"])
    return view


def _groups() -> list[dict]:
    groups: dict[str, list] = {tag["name"]: [] for tag in DOCUMENT["tags"]}
    for path, item in DOCUMENT["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = []
            for parameter in operation["parameters"]:
                _name, parameter = _resolve(parameter)
                parameters.append({**parameter, "view": schema_view(parameter["schema"])})
            body = None
            if "requestBody" in operation:
                content_type, media = next(iter(operation["requestBody"]["content"].items()))
                body = {"content_type": content_type, "required": operation["requestBody"]["required"],
                        "view": schema_view(media["schema"])}
            responses = []
            for status, response in operation["responses"].items():
                _name, response = _resolve(response)
                content = response.get("content", {})
                media_types = list(content)
                view = schema_view(content[media_types[0]]["schema"]) if media_types else None
                responses.append({"status": status, "description": response["description"],
                                  "media_types": media_types, "view": view})
            groups[operation["tags"][0]].append({
                "id": operation["operationId"], "method": method.upper(), "path": path,
                "summary": operation["summary"], "description": operation.get("description"),
                "auth": bool(operation["security"]), "parameters": parameters, "body": body,
                "responses": responses})
    return [{"name": name, "operations": operations} for name, operations in groups.items()]
