"""Who may do what. Every service function asks here; the doors never decide.

The foundation has only platform-wide rules; group membership rules join when groups exist.
"""

from __future__ import annotations

from jit.models import Role, User
from jit.services.errors import Forbidden, Unauthenticated


def require_user(actor: User | None) -> User:
    """The caller must be signed in with an active account."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise Unauthenticated()
    return actor


def require_role(actor: User | None, role: Role) -> User:
    actor = require_user(actor)
    if not actor.has_role(role):
        raise Forbidden()
    return actor
