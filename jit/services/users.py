"""Accounts: creation, password sign-in, API tokens, personal preferences."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import ApiToken, Authority, Role, User, UserRole
from jit.models.types import utcnow
from jit.services import authz, sockets
from jit.services.errors import Conflict, Invalid, InvalidCredentials

_hasher = PasswordHasher()
# Verified when the username is unknown, so that a miss costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_new_user(username: str, full_name: str, password: str, roles: list[str], time_zone: str) -> dict:
    problems: dict[str, str] = {}
    if not USERNAME_PATTERN.match(username or ""):
        problems["username"] = _l("3 to 64 letters, digits, dots, dashes or underscores.")
    if not (full_name or "").strip():
        problems["full_name"] = _l("Required.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems["password"] = _l("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    known_roles = {role.value for role in Role}
    if not roles or any(role not in known_roles for role in roles):
        problems["roles"] = _l("One or more of: %(roles)s.", roles=", ".join(sorted(known_roles)))
    if not is_time_zone(time_zone):
        problems["time_zone"] = _l("Not a known time zone name (e.g. Europe/Minsk).")
    return problems


def is_time_zone(name: str) -> bool:
    if not name or (name not in available_timezones() and name != "UTC"):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def create_user(
    *,
    username: str,
    full_name: str,
    password: str,
    roles: Iterable[str],
    authority_id: int | None = None,
    time_zone: str = "UTC",
    locale: str | None = None,
) -> User:
    """Create an account. Callers from a door check rights first (admin pages come with access
    control); the CLI bootstraps the first admin without an actor."""
    roles = sorted(set(roles))
    problems = _check_new_user(username, full_name, password, roles, time_zone)
    if authority_id is not None and db.session.get(Authority, authority_id) is None:
        problems["authority_id"] = _l("No such authority.")
    if problems:
        raise Invalid(fields=problems)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_l("The username is taken."), fields={"username": _l("The username is taken.")})
    user = User(
        username=username,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        authority_id=authority_id,
        time_zone=time_zone,
        locale=locale,
        active=True,
        role_rows=[UserRole(role=Role(role)) for role in roles],
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials, else InvalidCredentials (same for every miss)."""
    user = db.session.scalar(select(User).where(User.username == (username or "")))
    if user is None:
        _password_matches(_DUMMY_HASH, password or "")
        raise InvalidCredentials()
    if not _password_matches(user.password_hash, password or "") or not user.active:
        raise InvalidCredentials()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def load_user(user_id: int) -> User | None:
    """The account behind a session, if it still exists and is active."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


@dataclass
class IssuedToken:
    plain: str
    record: ApiToken


def _token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def issue_token(username: str, password: str) -> IssuedToken:
    """Sign in with a password and get a bearer token; only its hash is stored."""
    user = authenticate(username, password)
    plain = secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        token_hash=_token_digest(plain),
        expires_at=utcnow() + current_app.config["JIT_TOKEN_LIFETIME"],
    )
    db.session.add(record)
    db.session.commit()
    return IssuedToken(plain=plain, record=record)


def token_record(plain: str, *, at: datetime | None = None) -> ApiToken | None:
    """The valid token record for a presented bearer token, else None."""
    if not plain:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(plain)))
    if record is None or not record.is_valid_at(at or utcnow()) or not record.user.active:
        return None
    return record


def revoke_token(actor: User, plain: str) -> ApiToken:
    """Revoke the caller's own token."""
    authz.require_user(actor)
    record = token_record(plain)
    if record is None or record.user_id != actor.id:
        raise InvalidCredentials()
    record.revoked_at = utcnow()
    sockets.disconnect_token_sockets(record)
    db.session.commit()
    return record


def current_account(actor: User | None) -> User:
    """The caller's own account (any signed-in user may read it)."""
    return authz.require_user(actor)


def set_locale(actor: User, locale: str) -> User:
    authz.require_user(actor)
    if locale not in current_app.config["JIT_LOCALES"]:
        raise Invalid(fields={"locale": _l("Unsupported language.")})
    actor.locale = locale
    db.session.commit()
    return actor
