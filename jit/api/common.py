"""Helpers shared by the API blueprints."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

import marshmallow as ma
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from jit.extensions import csrf
from jit.models import User
from jit.services import authz, values
from jit.services.errors import Unauthenticated

API_PREFIX = "/api/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def actor() -> User | None:
    """The signed-in caller (bearer token or session cookie), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def answered(record, answer: Callable[[User | None, object], authz.Actions]):
    """The record, carrying `allowed_actions` for its schema: what the service `answer` says the
    caller may do with it now (a plain attribute, never stored)."""
    record.allowed_actions = authz.allowed_now(answer(actor(), record))
    return record


# The one API call that needs no caller (API.md: every other call carries a token or a session).
PUBLIC_ENDPOINTS = frozenset({"api_auth.create_token"})


def _check_caller() -> None:
    """Anonymous calls stop here, before their arguments are even read; and a browser session may
    call the API, but its writes must carry the CSRF token (a bearer token cannot be sent by a
    forged cross-site form, so it needs none). What a caller may do is the services' business."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        raise Unauthenticated()
    if request.method not in SAFE_METHODS and bearer_token() is None and current_user.is_authenticated:
        csrf.protect()


class ApiParser(FlaskParser):
    """JSON bodies are read through the request (jit/inputs.py), which refuses what cannot be
    stored; webargs' own reading would skip those checks. Adds the `multipart` location: a
    multipart/form-data body's files and fields read by one schema, so that the OpenAPI document
    describes them as one body with its required parts (separate `form` and `files` arguments came
    out as OpenAPI 2 `formData` parameters, which an OpenAPI 3 client ignores)."""

    __location_map__: ClassVar[dict[str, str]] = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def _raw_load_json(self, req):
        if not is_json_request(req) or not req.get_data(cache=True):
            return missing  # as webargs: no JSON body (an empty one included) is no arguments
        return req.get_json(force=True)

    def _process_location_data(self, location_data, schema, req, location, unknown, validators):
        """A number parsed from a query string or a form must fit the database too (the request
        checked the text and the JSON body; the OpenAPI document gives every integer the range)."""
        data = super()._process_location_data(location_data, schema, req, location, unknown, validators)
        found = values.refusals(data)
        if found:
            raise ma.ValidationError(found)
        return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING: ClassVar[dict[str, str]] = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}


def make_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    blueprint = ApiBlueprint(name, import_name, description=description)
    csrf.exempt(blueprint)
    blueprint.before_request(_check_caller)
    return blueprint


def links(*targets: str, status: int = 201, id_at: str = "/id") -> dict:
    """For `@blp.doc(**links(...))`: OpenAPI links from this operation's `status` response to the
    operations (`"METHOD /path/{param}"`) addressed by the id the response holds at the JSON pointer
    `id_at`, e.g. create → read and update, list → item. A client, or a stateful fuzzer, follows
    them to reach the objects it made or may see."""
    named = {}
    for target in targets:
        method, path = target.split(" ")
        (parameter,) = re.findall(r"{(\w+)}", path)
        pointer = (API_PREFIX + path).replace("~", "~0").replace("/", "~1")
        name = "_".join([method.lower(), *re.findall(r"[a-z]+", path)])
        named[name] = {"operationRef": f"#/paths/{pointer}/{method.lower()}",
                       "parameters": {parameter: f"$response.body#{id_at}"}}
    return {"responses": {status: {"links": named}}}
