"""The API's error format: {"error": {"code", "message", "fields"}} (API.md "General")."""

from __future__ import annotations

import marshmallow as ma
from flask import g, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from jit.services.errors import DomainError, describe_http_status


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "snake_case error code"})
    message = ma.fields.String(metadata={"description": "human text in the caller's language"})
    fields = ma.fields.Dict(metadata={"description": "field name → why it was refused"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema)


# Error responses that several API modules document, for `@blp.alt_response(status, **RESPONSE)`.
GROUP_NOT_FOUND = {"schema": ErrorSchema, "description": "no such group, or not one the caller may know of"}
INVALID = {"schema": ErrorSchema, "description": "`fields` names each refused field and why"}
TOO_LARGE = {"schema": ErrorSchema, "description": "larger than JIT_MAX_UPLOAD_BYTES; nothing is kept"}


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    body = {"error": {"code": code, "message": str(message), "fields": {k: str(v) for k, v in (fields or {}).items()}}}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# The validation messages marshmallow and webargs produce, so that they reach the catalogue
# and are answered in the caller's language.
_VALIDATION_MESSAGES = (
    _l("Missing data for required field."),
    _l("Unknown field."),
    _l("Not a valid integer."),
    _l("Not a valid string."),
    _l("Not a valid boolean."),
    _l("Not a valid date."),
    _l("Not a valid datetime."),
    _l("Not a valid list."),
    _l("Field may not be null."),
    _l("Invalid input type."),
)


def _flatten_validation(messages) -> dict[str, str]:
    """webargs nests messages by location and field; the API names fields and gives one reason."""
    fields: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            fields[prefix or "_body"] = " ".join(_(item) for item in value)
        else:
            fields[prefix or "_body"] = str(value)

    for location_messages in (messages or {}).values():
        walk("", location_messages)
    return fields


def from_domain_error(error: DomainError):
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return error_response(error.status, error.code, error.message, error.fields, headers)


def from_http_exception(error: HTTPException):
    status = error.code or 500
    code, message = describe_http_status(status, g.get("request_id", "-"))
    data = getattr(error, "data", None) or {}
    fields = _flatten_validation(data.get("messages")) if "messages" in data else {}
    if status == 400 and fields:
        # webargs answers 400 only for a body that is not JSON at all.
        message, fields = _("The request body is not valid JSON."), {}
    headers = {k: v for k, v in error.get_headers() if k != "Content-Type"} if status in (405, 429) else None
    return error_response(status, code, message, fields, headers)
