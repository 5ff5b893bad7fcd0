"""Who may do what. Every service function asks here; the doors never decide.

Platform-wide rules now; group membership rules join when groups exist. Objects a caller may
not know about are refused as NotFound, not Forbidden, so that refusals leak no existence.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from jit.models import Role, User
from jit.services.errors import DomainError, Forbidden, Unauthenticated


class SecondFactorRequired(DomainError):
    """The platform requires a second factor and this account has none yet."""

    status = 403
    code = "otp_enrolment_required"
    default_message = _l("Set up a second factor (authenticator app) before going on.")


def require_user(actor: User | None, *, before_second_factor: bool = False) -> User:
    """The caller must be signed in with an active account and, where the platform requires one,
    a second factor (`before_second_factor` lets the few steps that set one up through)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise Unauthenticated()
    if current_app.config["JIT_REQUIRE_2FA"] and not actor.has_second_factor and not before_second_factor:
        raise SecondFactorRequired()
    return actor


def require_role(actor: User | None, role: Role) -> User:
    actor = require_user(actor)
    if not actor.has_role(role):
        raise Forbidden()
    return actor
