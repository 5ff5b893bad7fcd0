"""Accounts: creation and administration, sign-in with lockout and a second factor, API tokens,
personal preferences. Every public function is an audited use case."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import available_timezones

import argon2.profiles
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import ApiToken, Authority, RecoveryCode, Role, User, UserRole
from jit.models.types import utcnow
from jit.services import authz, sessions, sockets
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, DomainError, Invalid, InvalidCredentials, NotFound
from jit.services.pagination import Page, paginate

# RFC 9106's low-memory profile; the test configuration picks the cheapest parameters instead,
# since hashing at full cost dominates a test suite that signs in thousands of times.
_HASHERS = {
    "rfc9106": PasswordHasher.from_parameters(argon2.profiles.RFC_9106_LOW_MEMORY),
    "cheapest": PasswordHasher.from_parameters(argon2.profiles.CHEAPEST),
}
# Verified when the username is unknown, so that a miss costs as much time as a wrong password.
_DUMMY_HASHES = {name: hasher.hash(secrets.token_urlsafe(16)) for name, hasher in _HASHERS.items()}


def _hasher_name() -> str:
    return current_app.config["JIT_PASSWORD_HASHING"]


def _hasher() -> PasswordHasher:
    return _HASHERS[_hasher_name()]

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "JIT platform"


class OtpRequired(DomainError):
    status = 401
    code = "otp_required"
    default_message = _l("Enter the code from your authenticator app.")


class AccountLocked(DomainError):
    status = 429
    code = "locked"
    default_message = _l("Too many failed sign-ins. The account is locked for a while; try again later.")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_time_zone(name: str) -> bool:
    return name == "UTC" or name in available_timezones()


# --- creating and administering accounts ---------------------------------------------------

def _check_new_user(username, full_name, password, roles, time_zone, authority_id) -> dict:
    problems: dict[str, str] = {}
    if not USERNAME_PATTERN.match(username or ""):
        problems["username"] = _l("3 to 64 letters, digits, dots, dashes or underscores.")
    problems.update(_check_full_name(full_name))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems["password"] = _l("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    problems.update(_check_roles(roles))
    if not is_time_zone(time_zone):
        problems["time_zone"] = _l("Not a known time zone name (e.g. Europe/Minsk).")
    if authority_id is not None and db.session.get(Authority, authority_id) is None:
        problems["authority_id"] = _l("No such authority.")
    return problems


FULL_NAME_MAX_LENGTH = 200  # the column's size


def _check_full_name(full_name: str | None) -> dict:
    if not (full_name or "").strip():
        return {"full_name": _l("Required.")}
    if len(full_name.strip()) > FULL_NAME_MAX_LENGTH:
        return {"full_name": _l("At most %(n)s characters.", n=FULL_NAME_MAX_LENGTH)}
    return {}


def _check_roles(roles: list[str]) -> dict:
    known_roles = {role.value for role in Role}
    if not roles or any(role not in known_roles for role in roles):
        return {"roles": _l("One or more of: %(roles)s.", roles=", ".join(sorted(known_roles)))}
    return {}


def _new_user(*, username, full_name, password, roles, authority_id, time_zone, locale) -> User:
    roles = sorted(set(roles))
    problems = _check_new_user(username, full_name, password, roles, time_zone, authority_id)
    if problems:
        raise Invalid(fields=problems)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_l("The username is taken."), fields={"username": _l("The username is taken.")})
    user = User(
        username=username, full_name=full_name.strip(), password_hash=hash_password(password),
        authority_id=authority_id, time_zone=time_zone, locale=locale, active=True,
        role_rows=[UserRole(role=Role(role)) for role in roles],
    )
    db.session.add(user)
    db.session.flush()
    note(object_type="user", object_id=user.id, username=username, roles=",".join(roles))
    return user


def require_account_admin(actor: User | None) -> User:
    """Admins keep the accounts: the check of every change, and of every page offering one."""
    return authz.require_role(actor, Role.ADMIN)


@use_case("user.create")
def create_user(actor: User | None, *, username: str, full_name: str, password: str, roles: Iterable[str],
                authority_id: int | None = None, time_zone: str = "UTC", locale: str | None = None) -> User:
    """An admin creates an account."""
    require_account_admin(actor)
    return _new_user(username=username, full_name=full_name, password=password, roles=roles,
                     authority_id=authority_id, time_zone=time_zone, locale=locale)


@use_case("user.create_from_command_line")
def create_user_from_command_line(*, username: str, full_name: str, password: str, roles: Iterable[str],
                                  authority_id: int | None = None, time_zone: str = "UTC",
                                  locale: str | None = None) -> User:
    """Whoever runs `flask jit create-user` on the server already holds its keys (first admin)."""
    return _new_user(username=username, full_name=full_name, password=password, roles=roles,
                     authority_id=authority_id, time_zone=time_zone, locale=locale)


def _user_for_admin(actor: User | None, user_id: int) -> User:
    require_account_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    note(object_type="user", object_id=user.id)
    return user


@use_case("user.list")
def list_users(actor: User | None, *, limit: int | None = None, cursor: str | None = None) -> Page:
    require_account_admin(actor)
    return paginate(select(User), User.id, limit=limit, cursor=cursor)


@use_case("user.read")
def get_user(actor: User | None, user_id: int) -> User:
    return _user_for_admin(actor, user_id)


@use_case("user.update")
def update_user(actor: User | None, user_id: int, *, active: bool | None = None, roles: list[str] | None = None,
                full_name: str | None = None, time_zone: str | None = None,
                authority_id: int | None = None) -> User:
    """An admin changes an account; deactivating it ends its tokens and sockets at once."""
    user = _user_for_admin(actor, user_id)
    problems: dict = {}
    if roles is not None:
        problems.update(_check_roles(roles))
    if full_name is not None:
        problems.update(_check_full_name(full_name))
    if time_zone is not None and not is_time_zone(time_zone):
        problems["time_zone"] = _l("Not a known time zone name (e.g. Europe/Minsk).")
    if authority_id is not None and db.session.get(Authority, authority_id) is None:
        problems["authority_id"] = _l("No such authority.")
    if active is False and user.id == actor.id:
        problems["active"] = _l("You cannot deactivate your own account.")
    if roles is not None and user.id == actor.id and Role.ADMIN.value not in roles:
        # Otherwise the last admin could leave the registry with nobody to keep it.
        problems["roles"] = _l("You cannot remove your own administrator role.")
    if problems:
        raise Invalid(fields=problems)
    if roles is not None:
        user.role_rows = [UserRole(role=Role(role)) for role in sorted(set(roles))]
        note(roles=",".join(sorted(set(roles))))
    if full_name is not None:
        user.full_name = full_name.strip()
    if time_zone is not None:
        user.time_zone = time_zone
    if authority_id is not None:
        user.authority_id = authority_id
    if active is not None and active != user.active:
        user.active = active
        note(active=active)
        if not active:
            _end_access(user)
    return user


def _end_access(user: User) -> None:
    """End every session and token of the user and close all their sockets (after commit)."""
    now = utcnow()
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    sessions.end_all(user, sessions.DEACTIVATED)
    sockets.disconnect_user_sockets(user)


def end_all_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """End every browser session of `user` (all copies of their cookies), closing their sockets
    after commit, but the one whose cookie holds `keep_session_key` (the caller's own, say, when
    they change their password). API tokens stay. Call it inside the use case that needs it (a
    password change or reset): it joins that transaction. Returns how many sessions ended."""
    note(sessions_ended=(ended := sessions.end_all(user, sessions.REVOKED, keep_key=keep_session_key)))
    return ended


# --- signing in ----------------------------------------------------------------------------

def _lockout_policy() -> tuple[int, timedelta, timedelta]:
    config = current_app.config
    return config["JIT_LOCKOUT_THRESHOLD"], config["JIT_LOCKOUT_WINDOW"], config["JIT_LOCKOUT_DURATION"]


def _refuse_if_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and now < user.locked_until:
        raise AccountLocked()


def _register_failure(user: User, now: datetime) -> InvalidCredentials:
    """Count a failed sign-in; the fifth within the window locks the account."""
    threshold, window, duration = _lockout_policy()
    if user.first_failed_login_at is None or now - user.first_failed_login_at > window:
        user.failed_logins, user.first_failed_login_at = 0, now
    user.failed_logins += 1
    note(failed_logins=user.failed_logins)
    if user.failed_logins >= threshold:
        user.locked_until = now + duration
        user.failed_logins, user.first_failed_login_at = 0, None
        note(locked_until=user.locked_until.isoformat())
        return AccountLocked(keep_changes=True)
    return InvalidCredentials(keep_changes=True)


def _reset_failures(user: User) -> None:
    user.failed_logins, user.first_failed_login_at, user.locked_until = 0, None, None


def _check_password(username: str, password: str) -> User:
    """The active user with these credentials; the same refusal for every kind of miss."""
    note(object_type="user", attempted_username=(username or "")[:64])
    user = db.session.scalar(select(User).where(User.username == (username or "")))
    if user is None:
        _password_matches(_DUMMY_HASHES[_hasher_name()], password or "")
        raise InvalidCredentials()
    note(actor=user, object_id=user.id)
    now = utcnow()
    _refuse_if_locked(user, now)
    if not _password_matches(user.password_hash, password or ""):
        raise _register_failure(user, now)
    if not user.active:
        raise InvalidCredentials()
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, issuer=TOTP_ISSUER)


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    """A current code (±30 s for clock drift), never the same time step twice."""
    totp = _totp(user.totp_secret)
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=30 * drift)
        step = totp.timecode(moment)
        if secrets.compare_digest(totp.at(moment), code) and (user.totp_last_step or -1) < step:
            user.totp_last_step = step
            return True
    return False


def _accept_recovery_code(user: User, code: str, now: datetime) -> bool:
    digest = _digest(code.replace("-", "").lower())
    for recovery in user.recovery_codes:
        if recovery.used_at is None and secrets.compare_digest(recovery.code_hash, digest):
            recovery.used_at = now
            note(recovery_code_used=True)
            return True
    return False


def _check_second_factor(user: User, code: str | None) -> None:
    if not user.has_second_factor:
        if current_app.config["JIT_REQUIRE_2FA"]:
            raise authz.SecondFactorRequired()
        return
    code = (code or "").strip()
    if not code:
        raise OtpRequired()
    now = utcnow()
    _refuse_if_locked(user, now)
    if not (_accept_totp(user, code, now) or _accept_recovery_code(user, code, now)):
        raise _register_failure(user, now)


@dataclass
class PasswordCheck:
    user: User
    needs_second_factor: bool  # ask for the code before signing in
    must_enrol: bool  # sign in, but only to set up the mandatory factor


@use_case("auth.password")
def check_password(username: str, password: str) -> PasswordCheck:
    """First step of the web sign-in: the password; the page then asks for the code if needed."""
    user = _check_password(username, password)
    if not user.has_second_factor:
        _reset_failures(user)
    return PasswordCheck(user=user, needs_second_factor=user.has_second_factor,
                         must_enrol=not user.has_second_factor and current_app.config["JIT_REQUIRE_2FA"])


@use_case("auth.second_factor")
def check_second_factor(user_id: int, code: str) -> User:
    """Second step of the web sign-in: a TOTP code or an unused recovery code."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise InvalidCredentials()
    note(actor=user, object_type="user", object_id=user.id)
    _check_second_factor(user, code)
    _reset_failures(user)
    return user


@use_case("auth.sign_in")
def sign_in(username: str, password: str, otp: str | None = None) -> User:
    """Password and second factor in one call (the web's login for accounts without a factor
    goes through `check_password`)."""
    user = _check_password(username, password)
    _check_second_factor(user, otp)
    _reset_failures(user)
    return user


@use_case("auth.sign_out")
def sign_out(actor: User | None, session_key: str | None) -> None:
    """End a browser session, for every copy of its cookie: its sockets close after commit."""
    actor = authz.require_user(actor, before_second_factor=True)
    record = sessions.find(session_key, actor.id)
    if record is not None and record.ended_at is None:
        note(object_type="session", object_id=record.id)
        sessions.end(record, sessions.SIGNED_OUT)


def load_user(user_id: int) -> User | None:
    """The account behind a session, if it still exists and is active (not a use case: it runs
    on every request and is part of the request's own audited call)."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


# --- second factor -------------------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return _totp(secret).provisioning_uri(name=user.username)


@use_case("auth.second_factor_setup")
def second_factor_setup(actor: User | None) -> str:
    """The secret to show an authenticator app: kept on the account (never in the readable cookie),
    pending until one of its codes confirms it, and the same one until then (a reload, another
    browser, shows the same QR code)."""
    actor = authz.require_user(actor, before_second_factor=True)
    note(object_type="user", object_id=actor.id)
    if actor.has_second_factor:
        raise Conflict(_l("A second factor is already set up. Ask an administrator to reset it."))
    if actor.totp_pending_secret is None:
        actor.totp_pending_secret = new_totp_secret()
    return actor.totp_pending_secret


@use_case("auth.second_factor_enrol")
def enrol_second_factor(actor: User | None, code: str) -> list[str]:
    """Confirm the pending secret with one of the app's codes; returns recovery codes (shown once)."""
    actor = authz.require_user(actor, before_second_factor=True)
    note(object_type="user", object_id=actor.id)
    if actor.has_second_factor:
        raise Conflict(_l("A second factor is already set up. Ask an administrator to reset it."))
    secret = actor.totp_pending_secret
    if secret is None:
        raise Invalid(fields={"secret": _l("Start the set-up again.")})
    if not _totp(secret).verify((code or "").strip(), valid_window=1):
        raise Invalid(fields={"code": _l("The code does not match. Check the time on your device.")})
    actor.totp_secret, actor.totp_pending_secret = secret, None
    actor.totp_enabled_at = utcnow()
    actor.totp_last_step = _totp(secret).timecode(utcnow())
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    actor.recovery_codes = [RecoveryCode(code_hash=_digest(code)) for code in codes]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


@use_case("user.second_factor_reset")
def reset_second_factor(actor: User | None, user_id: int) -> User:
    """An admin removes a user's factor (lost phone); the user enrols again at next sign-in."""
    user = _user_for_admin(actor, user_id)
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = user.totp_pending_secret = None
    user.recovery_codes = []
    return user


# --- API tokens ----------------------------------------------------------------------------

@dataclass
class IssuedToken:
    plain: str
    record: ApiToken


@use_case("auth.token_issue")
def issue_token(username: str, password: str, otp: str | None = None) -> IssuedToken:
    """Sign in with a password (and the code, if the account has a factor) for a bearer token;
    only the token's hash is stored."""
    user = _check_password(username, password)
    _check_second_factor(user, otp)
    _reset_failures(user)
    plain = secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=_digest(plain),
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
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    if record is None or not record.is_valid_at(at or utcnow()) or not record.user.active:
        return None
    return record


@use_case("auth.token_revoke")
def revoke_token(actor: User | None, plain: str) -> ApiToken:
    """Revoke the caller's own token; its sockets close after commit."""
    authz.require_user(actor)
    record = token_record(plain)
    if record is None or record.user_id != actor.id:
        raise InvalidCredentials()
    note(object_type="api_token", object_id=record.id)
    record.revoked_at = utcnow()
    sockets.disconnect_token_sockets(record)
    return record


# --- the caller's own account --------------------------------------------------------------

@use_case("user.me")
def current_account(actor: User | None) -> User:
    """The caller's own account (any signed-in user may read it)."""
    actor = authz.require_user(actor, before_second_factor=True)
    note(object_type="user", object_id=actor.id)
    return actor


@use_case("user.set_locale")
def set_locale(actor: User | None, locale: str) -> User:
    actor = authz.require_user(actor, before_second_factor=True)
    note(object_type="user", object_id=actor.id, locale=locale)
    if locale not in current_app.config["JIT_LOCALES"]:
        raise Invalid(fields={"locale": _l("Unsupported language.")})
    actor.locale = locale
    return actor

