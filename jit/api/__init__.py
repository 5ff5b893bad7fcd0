"""The JSON door under /api/v1 (API.md). The OpenAPI document is generated from this code by
flask-smorest and served at /api/v1/openapi.json."""

from __future__ import annotations

import marshmallow as ma
from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from jit.api import (
    audit,
    auth,
    channels,
    evidence,
    groups,
    home,
    identifiers,
    instructions,
    legal,
    notifications,
    registry,
    search,
    tasks,
    users,
)
from jit.api.common import API_PREFIX
from jit.api.errors import ErrorSchema
from jit.services import values

MAX_ID = 2**31 - 1


class JitApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """The app factory routes errors to the API or the page format by path; nothing here."""


def integer_range(converter, field, ret=None, **kwargs) -> dict:
    """Every integer the API takes or gives is kept in a PostgreSQL `integer` (the request parser
    refuses others), except those marked `format: int64` (file sizes): the document says so."""
    if not isinstance(field, ma.fields.Integer) or field.metadata.get("format") == "int64":
        return {}
    ret = ret or {}
    return {"minimum": max(ret.get("minimum", values.INT_MIN), values.INT_MIN),
            "maximum": min(ret.get("maximum", values.INT_MAX), values.INT_MAX)}


def init_api(app: Flask) -> JitApi:
    api = JitApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Joint investigative-operational groups under the CIS Agreement of 16 October 2015."
            },
            # The paths carry the /api/v1 prefix themselves: a server URL of /api/v1 would double it.
            "servers": [{"url": "/"}],
        },
    )
    api.ma_plugin.converter.add_attribute_function(integer_range)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    # Every integer in an API path is a row id, and the id columns are 32-bit.
    api.register_converter(IntegerConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    for blueprint in (auth.blp, registry.blp, users.blp, audit.blp, groups.blp, instructions.blp, tasks.blp,
                      evidence.blp, legal.blp, channels.blp, home.blp, notifications.blp, search.blp,
                      identifiers.blp):
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
    return api
