"""API tokens: a bearer token for a signed-in password (and code), stored only as its hash; how an
API call or a socket finds its caller; revoking them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from jit.extensions import db
from jit.models import ApiToken, User
from jit.models.types import utcnow
from jit.services import authz, passwords, sign_in, sockets
from jit.services.audit import note, use_case
from jit.services.errors import InvalidCredentials


@dataclass
class IssuedToken:
    plain: str
    record: ApiToken


@use_case("auth.token_issue")
def issue_token(username: str, password: str, otp: str | None = None) -> IssuedToken:
    """Sign in with a password (and the code, if the account has a factor) for a bearer token;
    only the token's hash is stored."""
    user = sign_in.authenticate(username, password, otp)
    plain = secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=passwords.digest(plain),
                      expires_at=utcnow() + current_app.config["JIT_TOKEN_LIFETIME"])
    db.session.add(record)
    db.session.flush()
    note(object_type="api_token", object_id=record.id)
    return IssuedToken(plain=plain, record=record)


def token_record(plain: str, *, at: datetime | None = None) -> ApiToken | None:
    """The valid token record for a presented bearer token, else None (not a use case: it is
    how every API call identifies its caller, audited with that call)."""
    if not plain:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == passwords.digest(plain)))
    if record is None or not record.is_valid_at(at or utcnow()) or not record.user.active:
        return None
    return record


@use_case("auth.token_revoke")
def revoke_token(actor: User | None, plain: str) -> ApiToken:
    """Revoke the caller's own token; its sockets close after commit."""
    authz.require_user(actor, before_password_change=True)
    record = token_record(plain)
    if record is None or record.user_id != actor.id:
        raise InvalidCredentials()
    note(object_type="api_token", object_id=record.id)
    record.revoked_at = utcnow()
    sockets.disconnect_token_sockets(record)
    return record


def revoke_all(user: User) -> int:
    """Revoke every live token of the user, inside the caller's use case; returns how many. Their
    sockets are the caller's to close."""
    now = utcnow()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)
