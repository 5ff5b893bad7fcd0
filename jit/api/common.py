"""Helpers shared by the API blueprints."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from jit.extensions import csrf
from jit.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def actor() -> User | None:
    """The signed-in caller (bearer token or session cookie), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _protect_cookie_writes() -> None:
    """A browser session may call the API, but its writes must carry the CSRF token; a bearer
    token cannot be sent by a forged cross-site form, so it needs none."""
    if request.method not in SAFE_METHODS and bearer_token() is None and current_user.is_authenticated:
        csrf.protect()


def make_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, description=description)
    csrf.exempt(blueprint)
    blueprint.before_request(_protect_cookie_writes)
    return blueprint
