"""Helpers shared by the API blueprints."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from jit.extensions import csrf
from jit.models import User
from jit.services.errors import Unauthenticated

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def actor() -> User | None:
    """The signed-in caller (bearer token or session cookie), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


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


def make_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, description=description)
    csrf.exempt(blueprint)
    blueprint.before_request(_check_caller)
    return blueprint
