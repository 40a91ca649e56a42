"""What a request's input may be, checked once for every view (issue 15, point 10).

- Ids in URLs (`<int:...>`) are at most MAX_ID, the largest id the schema holds (PostgreSQL
  INTEGER); a larger one matches no route, so it is a 404 before any query runs. Without this,
  `/produk/99999999999999999999` reached SQLite, which cannot bind an integer above 2^63 (500).
- Whole numbers read from the query string or a form with `.get(name, type=int)` or
  `.getlist(name, type=int)` are at most MAX_INT in size; anything else (too large, "²",
  "1e3") counts as absent, as Werkzeug does for any value `int` refuses.
- A JSON body nested so deeply that the parser runs out of stack is a bad request (400), not
  a RecursionError (500).
"""
from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MAX_INT = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound: ids above MAX_ID cannot exist."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_int(value) -> int:
    """int(value) for a whole number of at most MAX_INT in size; ValueError otherwise."""
    number = int(value)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError("integer out of range")
    return number


class BoundedParameters(ImmutableMultiDict):
    """Query and form values: `type=int` reads a bounded integer."""

    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, bounded_int if type is int else type)


class MalproRequest(Request):
    parameter_storage_class = BoundedParameters

    def get_json(self, force=False, silent=False, cache=True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The JSON body is nested too deeply.") from None


def configure_inputs(app: Flask) -> None:
    """Before the blueprints: their rules read the converter when they are added."""
    app.request_class = MalproRequest
    app.url_map.converters["int"] = IdConverter
