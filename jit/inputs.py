"""What a request may carry, checked where it is parsed, for pages and the API alike (the rules
are `jit.services.values`).

- Path parameters: `<int:...>` takes only what fits the database's integer, and a text parameter
  nothing that cannot be stored; anything else matches no route (404), like an id that is not there.
- The query string, form fields and file names, and JSON bodies: text that cannot be stored, and
  in a JSON body also integers beyond the database's, nesting beyond reason and numbers that are
  not finite, are refused as invalid (422) naming the field; a body that is not JSON at all (or
  whose numbers have thousands of digits) is a 400. Numbers parsed from text are checked where
  they are parsed: the API's request parser (jit/api/common.py) and the pages' base form
  (jit/web/forms.py).

The checks sit in the request class, so whatever reads the request (a form, a schema, a route)
gets checked values; a refused query or form is emptied, so the error page reads nothing refused.
"""

from __future__ import annotations

import json
import math

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

from jit.services import values
from jit.services.errors import DomainError, Invalid
from jit.uploads import StreamingRequest

NOT_JSON = _l("The request body is not valid JSON.")
UNSTORABLE = _l("The request carries values that cannot be stored.")


class IdConverter(IntegerConverter):
    """`<int:...>`: a non-negative number the database's integer can hold (the OpenAPI document
    says so too: flask-smorest reads `max`)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = values.INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """The default `<name>`: no NUL or unpaired surrogate (no stored key holds one)."""

    def to_python(self, value: str) -> str:
        if not values.storable_text(value):
            raise ValidationError()
        return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("number out of range")
    return number


class CheckedJsonProvider(DefaultJSONProvider):
    """The app's JSON (`app.json`, which Flask hands every request for `get_json`): standard JSON
    only (no NaN, no number beyond a float's range or with more digits than Python converts), and
    nesting past the parser's depth is ill-formed JSON (ValueError), not a RecursionError."""

    def loads(self, s, **kwargs):
        try:
            text = s.decode("utf-8") if isinstance(s, bytes | bytearray) else s
            return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, **kwargs)
        except RecursionError:
            raise ValueError("nested beyond the parser's depth") from None


def _multidict_refusals(multidict) -> dict:
    found: dict = {}
    for key, value in multidict.items(multi=True):
        if isinstance(value, FileStorage):
            value = value.filename or ""
        found.update(values.refusals(key, key) or values.refusals(value, key))
    return found


class CheckedRequest(StreamingRequest):
    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        """The body, if it holds only what can be stored (checked on every read: the parsed body is
        cached, the check is not)."""
        parsed = super().get_json(force=force, silent=silent, cache=cache)
        values.require_storable(parsed, message=UNSTORABLE)
        return parsed

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:  # not a JSON content type: 415 as before
            return super().on_json_loading_failed(e)
        raise DomainError(NOT_JSON, code="bad_request")

    @cached_property
    def args(self):
        parsed = StreamingRequest.args.fget(self)
        found = _multidict_refusals(parsed)
        if found:
            self.__dict__["args"] = self.parameter_storage_class()
            raise Invalid(UNSTORABLE, fields=found)
        return parsed

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        found = _multidict_refusals(self.form) | _multidict_refusals(self.files)
        if found:
            self.__dict__["form"] = self.parameter_storage_class()
            self.__dict__["files"] = self.parameter_storage_class()
            raise Invalid(UNSTORABLE, fields=found)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: its rules take the converters in place at that time."""
    app.request_class = CheckedRequest
    app.json = CheckedJsonProvider(app)
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter

    @app.before_request
    def check_query_string() -> None:
        """Every request's query string is looked at first, whether or not its route reads it."""
        request.args  # noqa: B018 - reading it is the check
