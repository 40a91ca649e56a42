"""What a request's input may be, checked once for every view (issue 15, point 10).

Every whole number of the schema is a PostgreSQL INTEGER (ids, prices, stock, quantities), so
no input beyond MAX_INT (2^31 - 1) can mean anything. Such a number used to reach the database
and fail there: SQLite cannot bind one above 2^63, and PostgreSQL refuses one above 2^31 when
SQLAlchemy casts the parameter to INTEGER (both a 500).

- Ids in URLs (`<int:...>`) above MAX_INT match no route: a 404 before any query runs.
- Whole numbers read from the query string or a form with `.get(name, type=int)` or
  `.getlist(name, type=int)` are at most MAX_INT in size; anything else (too large, "²",
  "1e3") counts as absent, as Werkzeug does for any value `int` refuses.
- The API's JSON reading (malpro/api/inputs.py) refuses larger integers with a 400.
- A JSON body nested so deeply that the parser runs out of stack is a bad request (400), not
  a RecursionError (500).
"""
from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_INT = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound: ids above MAX_INT cannot exist."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):  # noqa: A002
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
