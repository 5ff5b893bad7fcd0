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
from sqlalchemy import delete, func, select, text

from jit.extensions import db
from jit.models import (
    ApiToken,
    Authority,
    KnownSignInAddress,
    PreviousPassword,
    RecoveryCode,
    Role,
    SignInFailure,
    User,
    UserRole,
)
from jit.models.types import utcnow
from jit.services import authz, passwords, sessions, sockets
from jit.services.audit import current_origin, note, use_case
from jit.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    InvalidCredentials,
    NotFound,
    RateLimited,
)
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
RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "JIT platform"


class OtpRequired(DomainError):
    status = 401
    code = "otp_required"
    default_message = _l("Enter the code from your authenticator app.")


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
    weakness = passwords.problems(password, username=username or "", full_name=full_name or "")
    if weakness:
        problems["password"] = weakness
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


def _revoke_tokens(user: User) -> int:
    now = utcnow()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def _end_access(user: User) -> None:
    """End every session and token of the user and close all their sockets (after commit)."""
    _revoke_tokens(user)
    sessions.end_all(user, sessions.DEACTIVATED)
    sockets.disconnect_user_sockets(user)


def end_all_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """End every browser session of `user` (all copies of their cookies), closing their sockets
    after commit, but the one whose cookie holds `keep_session_key` (the caller's own, say, when
    they change their password). API tokens stay. Call it inside the use case that needs it (a
    password change or reset): it joins that transaction. Returns how many sessions ended."""
    note(sessions_ended=(ended := sessions.end_all(user, sessions.REVOKED, keep_key=keep_session_key)))
    return ended


# --- throttling sign-in ---------------------------------------------------------------------
#
# A hard lock on the account after five failures let anyone lock out anyone (the admin too) by
# typing a wrong password five times, and since unknown usernames never locked, the 429 told
# which usernames exist. Instead, failures are counted in a sliding window, without asking
# whether the username exists, so an unknown name is answered exactly like a known one:
#
# - per (username, address): at most JIT_SIGN_IN_FAILURE_LIMIT (5) failures within
#   JIT_SIGN_IN_FAILURE_WINDOW (15 minutes); further attempts from that address for that name are
#   refused (429, Retry-After: when the oldest counted failure leaves the window) whatever the
#   password, until a failure ages out. Nothing is locked: the rate is held at 5 per 15 minutes.
# - per username, across addresses: the same limit counts the failures from every address the
#   account has not signed in from successfully within JIT_KNOWN_ADDRESS_TRUST (30 days), and
#   applies to those addresses only. So no more than 5 guesses per 15 minutes reach an account
#   from all of the attacker's addresses together (the CJIS limit), while its owner at an address
#   they signed in from before is held by their own pair's count alone: an attacker elsewhere
#   cannot lock them out. An owner at a new address during an attack waits, or an admin clears
#   the count (`unlock`).
# Password and second-factor failures count alike. Usernames are kept as SHA-256 digests, so what
# people type into the username box (passwords, sometimes) is not stored here.

def _failure_policy() -> tuple[int, timedelta, timedelta]:
    config = current_app.config
    return (config["JIT_SIGN_IN_FAILURE_LIMIT"], config["JIT_SIGN_IN_FAILURE_WINDOW"],
            config["JIT_KNOWN_ADDRESS_TRUST"])


class SignInThrottled(RateLimited):
    default_message = _l("Too many failed sign-ins for this username from here. Try again later.")


@dataclass(frozen=True)
class _Attempt:
    """A sign-in attempt: which username, from where, when."""

    username_key: str
    address: str
    at: datetime

    @classmethod
    def of(cls, username: str) -> _Attempt:
        origin = current_origin()
        address = (origin.source_address if origin is not None else None) or ""
        return cls(_digest(username), address[:64], utcnow())


def _retry_after(failure_times: list[datetime], attempt: _Attempt, limit: int, window: timedelta) -> int | None:
    """Seconds until fewer than `limit` of these failures (newest first) are within the window."""
    if len(failure_times) < limit:
        return None
    return max(1, int((failure_times[limit - 1] + window - attempt.at).total_seconds()) + 1)


def _queue_attempts_on_the_name(attempt: _Attempt) -> None:
    """Attempts on one username at once must not all pass the count before any is recorded: on
    PostgreSQL they queue on a transaction lock of that name (SQLite runs one writing transaction
    at a time anyway). Held until the attempt's transaction ends, a password hash later."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(attempt.username_key[:15], 16)})


def _refuse_if_throttled(attempt: _Attempt) -> None:
    _queue_attempts_on_the_name(attempt)
    limit, window, trust = _failure_policy()
    recent = select(SignInFailure.failed_at).where(SignInFailure.username_key == attempt.username_key,
                                                   SignInFailure.failed_at > attempt.at - window)
    newest_first = recent.order_by(SignInFailure.failed_at.desc()).limit(limit)
    waits = [_retry_after(list(db.session.scalars(
        newest_first.where(SignInFailure.source_address == attempt.address))), attempt, limit, window)]
    known = select(KnownSignInAddress.source_address).where(
        KnownSignInAddress.username_key == attempt.username_key,
        KnownSignInAddress.signed_in_at > attempt.at - trust)
    if attempt.address not in db.session.scalars(known).all():
        waits.append(_retry_after(list(db.session.scalars(
            newest_first.where(SignInFailure.source_address.not_in(known)))), attempt, limit, window))
    wait = max((seconds for seconds in waits if seconds is not None), default=None)
    if wait is not None:
        note(throttled_for_seconds=wait)
        raise SignInThrottled(retry_after=wait)


def _failed(attempt: _Attempt) -> InvalidCredentials:
    """Count a failure (kept although the use case is refused) and forget those out of every window."""
    _, window, _trust = _failure_policy()
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= attempt.at - window))
    db.session.add(SignInFailure(username_key=attempt.username_key, source_address=attempt.address,
                                 failed_at=attempt.at))
    return InvalidCredentials(keep_changes=True)


def _succeeded(attempt: _Attempt) -> None:
    """A complete sign-in: this address's failures for the name are forgotten and it becomes known."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.username_key == attempt.username_key,
                                                   SignInFailure.source_address == attempt.address))
    known = db.session.get(KnownSignInAddress, (attempt.username_key, attempt.address))
    if known is None:
        db.session.add(KnownSignInAddress(username_key=attempt.username_key, source_address=attempt.address,
                                          signed_in_at=attempt.at))
    else:
        known.signed_in_at = attempt.at


# --- signing in ----------------------------------------------------------------------------

def _check_password(username: str, password: str) -> tuple[User, _Attempt]:
    """The active user with these credentials; the same refusal, after the same work, for every
    kind of miss (unknown name, wrong password, disabled account)."""
    username = username or ""
    note(object_type="user", attempted_username=username[:64])
    attempt = _Attempt.of(username)
    _refuse_if_throttled(attempt)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None:
        note(actor=user, object_id=user.id)
    # An unknown name costs a hash like a known one, so that timing does not tell them apart.
    matches = _password_matches(user.password_hash if user else _DUMMY_HASHES[_hasher_name()], password or "")
    if user is None or not matches or not user.active:
        raise _failed(attempt)
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user, attempt


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


def _check_second_factor(user: User, code: str | None, attempt: _Attempt) -> None:
    if not user.has_second_factor:
        if current_app.config["JIT_REQUIRE_2FA"]:
            raise authz.SecondFactorRequired()
        return
    code = (code or "").strip()
    if not code:
        raise OtpRequired()
    if not (_accept_totp(user, code, attempt.at) or _accept_recovery_code(user, code, attempt.at)):
        raise _failed(attempt)


@dataclass
class PasswordCheck:
    user: User
    needs_second_factor: bool  # ask for the code before signing in
    must_enrol: bool  # sign in, but only to set up the mandatory factor


@use_case("auth.password")
def check_password(username: str, password: str) -> PasswordCheck:
    """First step of the web sign-in: the password; the page then asks for the code if needed."""
    user, attempt = _check_password(username, password)
    if not user.has_second_factor:
        _succeeded(attempt)
    return PasswordCheck(user=user, needs_second_factor=user.has_second_factor,
                         must_enrol=not user.has_second_factor and current_app.config["JIT_REQUIRE_2FA"])


@use_case("auth.second_factor")
def check_second_factor(user_id: int, code: str) -> User:
    """Second step of the web sign-in: a TOTP code or an unused recovery code."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise InvalidCredentials()
    note(actor=user, object_type="user", object_id=user.id)
    attempt = _Attempt.of(user.username)
    _refuse_if_throttled(attempt)
    _check_second_factor(user, code, attempt)
    _succeeded(attempt)
    return user


@use_case("auth.sign_in")
def sign_in(username: str, password: str, otp: str | None = None) -> User:
    """Password and second factor in one call (the web's login for accounts without a factor
    goes through `check_password`)."""
    user, attempt = _check_password(username, password)
    _check_second_factor(user, otp, attempt)
    _succeeded(attempt)
    return user


@use_case("auth.sign_out")
def sign_out(actor: User | None, session_key: str | None) -> None:
    """End a browser session, for every copy of its cookie: its sockets close after commit."""
    actor = authz.require_user(actor, before_second_factor=True, before_password_change=True)
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
    user, attempt = _check_password(username, password)
    _check_second_factor(user, otp, attempt)
    _succeeded(attempt)
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
    authz.require_user(actor, before_password_change=True)
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
    actor = authz.require_user(actor, before_second_factor=True, before_password_change=True)
    note(object_type="user", object_id=actor.id)
    return actor


@use_case("user.set_locale")
def set_locale(actor: User | None, locale: str) -> User:
    actor = authz.require_user(actor, before_second_factor=True, before_password_change=True)
    note(object_type="user", object_id=actor.id, locale=locale)
    if locale not in current_app.config["JIT_LOCALES"]:
        raise Invalid(fields={"locale": _l("Unsupported language.")})
    actor.locale = locale
    return actor


# --- passwords -----------------------------------------------------------------------------

# A new password may not repeat the current one or the ones before it (CJIS Security Policy
# 5.6.2.1.1: not identical to the previous ten).
PASSWORD_HISTORY = 10
# Admin resets hand out a random password from an alphabet without look-alike characters,
# grouped for reading aloud: 4 groups of 5 from 31 symbols are about 99 bits.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _end_sign_ins(user: User) -> None:
    """A password changed or reset ends what the old one opened: every API token and browser
    session of the account, and (after commit) every socket of either."""
    note(tokens_revoked=_revoke_tokens(user))
    end_all_sessions(user)
    sockets.disconnect_user_sockets(user)


def _reused(user: User, password: str) -> bool:
    hashes = [user.password_hash, *(previous.password_hash for previous in user.previous_passwords)]
    return any(_password_matches(stored, password) for stored in hashes[:PASSWORD_HISTORY])


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    """Retire the current hash into the history (keeping the last few) and store the new one."""
    user.previous_passwords.insert(0, PreviousPassword(password_hash=user.password_hash, retired_at=utcnow()))
    del user.previous_passwords[PASSWORD_HISTORY - 1:]
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.password_changed_at = utcnow()
    _end_sign_ins(user)


@use_case("user.password_change")
def change_password(actor: User | None, current_password: str, new_password: str) -> User:
    """The user chooses a new password, proving the current one. A wrong current password counts
    as a failed sign-in (a stolen session cannot guess it faster than the login page could)."""
    actor = authz.require_user(actor, before_second_factor=True, before_password_change=True)
    note(object_type="user", object_id=actor.id)
    attempt = _Attempt.of(actor.username)
    _refuse_if_throttled(attempt)
    if not _password_matches(actor.password_hash, current_password or ""):
        _failed(attempt)
        raise Invalid(fields={"current_password": _l("This is not your current password.")}, keep_changes=True)
    weakness = passwords.problems(new_password, username=actor.username, full_name=actor.full_name)
    if weakness:
        raise Invalid(fields={"new_password": weakness})
    if _reused(actor, new_password):
        raise Invalid(fields={"new_password": _l("Choose a password you have not used here before.")})
    _set_password(actor, new_password, must_change=False)
    _succeeded(attempt)
    return actor


@dataclass
class PasswordReset:
    user: User
    temporary_password: str


@use_case("user.password_reset")
def reset_password(actor: User | None, user_id: int) -> PasswordReset:
    """An admin gives a user a one-time password; the user must replace it at their next sign-in,
    before doing anything else. It is shown to the admin once and stored only as a hash."""
    user = _user_for_admin(actor, user_id)
    if user.id == actor.id:
        # An admin proves their current password to change it, like everyone else.
        raise Forbidden(_l("Change your own password on your account page."))
    temporary = "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(5)) for _ in range(4))
    _set_password(user, temporary, must_change=True)
    note(cleared_sign_in_failures=_clear_failures(user))
    return PasswordReset(user=user, temporary_password=temporary)


def _clear_failures(user: User) -> int:
    return db.session.execute(delete(SignInFailure).where(SignInFailure.username_key == _digest(user.username))
                              ).rowcount


@use_case("user.unlock")
def unlock(actor: User | None, user_id: int) -> User:
    """An admin forgets every failed sign-in counted against the account, from every address, so
    that it can sign in at once (the owner throttled while travelling, say)."""
    user = _user_for_admin(actor, user_id)
    note(cleared_sign_in_failures=_clear_failures(user))
    return user


@use_case("user.sign_in_failures")
def recent_sign_in_failures(actor: User | None, user_id: int) -> int:
    """How many failed sign-ins count against the account now (every address), for its admin page."""
    user = _user_for_admin(actor, user_id)
    _, window, _trust = _failure_policy()
    return db.session.scalar(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.username_key == _digest(user.username), SignInFailure.failed_at > utcnow() - window))
