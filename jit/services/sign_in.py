"""Signing in: the password, then the second factor if the account has one, throttled per
username and address; signing out; the account behind a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, text

from jit.extensions import db
from jit.models import KnownSignInAddress, SignInFailure, User
from jit.models.types import utcnow
from jit.services import authz, passwords, second_factors, sessions
from jit.services.audit import current_origin, note, use_case
from jit.services.errors import (
    InvalidCredentials,
    OtpRequired,
    SecondFactorRequired,
    SignInThrottled,
)

# --- throttling sign-in ---------------------------------------------------------------------
# A hard lock on the account after five failures would let anyone lock out anyone (the admin too)
# by typing a wrong password five times, and unless unknown usernames locked too, the 429 would
# tell which usernames exist. Instead, failures are counted in a sliding window, without asking
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


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt: which username, from where, when."""

    username_key: str
    address: str
    at: datetime

    @classmethod
    def of(cls, username: str) -> Attempt:
        origin = current_origin()
        address = (origin.source_address if origin is not None else None) or ""
        return cls(passwords.digest(username), address[:64], utcnow())


def _retry_after(failure_times: list[datetime], attempt: Attempt, limit: int, window: timedelta) -> int | None:
    """Seconds until fewer than `limit` of these failures (newest first) are within the window."""
    if len(failure_times) < limit:
        return None
    return max(1, int((failure_times[limit - 1] + window - attempt.at).total_seconds()) + 1)


def _queue_attempts_on_the_name(attempt: Attempt) -> None:
    """Attempts on one username at once must not all pass the count before any is recorded: on
    PostgreSQL they queue on a transaction lock of that name (SQLite runs one writing transaction
    at a time anyway). Held until the attempt's transaction ends, a password hash later."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(attempt.username_key[:15], 16)})


def refuse_if_throttled(attempt: Attempt) -> None:
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


def failed(attempt: Attempt) -> InvalidCredentials:
    """Count a failure (kept although the use case is refused) and forget those out of every window."""
    _, window, _trust = _failure_policy()
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= attempt.at - window))
    db.session.add(SignInFailure(username_key=attempt.username_key, source_address=attempt.address,
                                 failed_at=attempt.at))
    return InvalidCredentials(keep_changes=True)


def succeeded(attempt: Attempt) -> None:
    """A complete sign-in: this address's failures for the name are forgotten and it becomes known."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.username_key == attempt.username_key,
                                                   SignInFailure.source_address == attempt.address))
    known = db.session.get(KnownSignInAddress, (attempt.username_key, attempt.address))
    if known is None:
        db.session.add(KnownSignInAddress(username_key=attempt.username_key, source_address=attempt.address,
                                          signed_in_at=attempt.at))
    else:
        known.signed_in_at = attempt.at


def clear_failures(user: User) -> int:
    """Forget every failure counted against the account, from every address; returns how many."""
    return db.session.execute(delete(SignInFailure).where(
        SignInFailure.username_key == passwords.digest(user.username))).rowcount


def failures_counted(user: User) -> int:
    """How many failures count against the account now, from every address."""
    _, window, _trust = _failure_policy()
    return db.session.scalar(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.username_key == passwords.digest(user.username), SignInFailure.failed_at > utcnow() - window))


# --- signing in ----------------------------------------------------------------------------

def _check_password(username: str, password: str) -> tuple[User, Attempt]:
    """The active user with these credentials; the same refusal, after the same work, for every
    kind of miss (unknown name, wrong password, disabled account)."""
    username = username or ""
    note(object_type="user", attempted_username=username[:64])
    attempt = Attempt.of(username)
    refuse_if_throttled(attempt)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None:
        note(actor=user, object_id=user.id)
    # An unknown name costs a hash like a known one, so that timing does not tell them apart.
    matches = passwords.matches(user.password_hash if user else passwords.dummy_hash(), password or "")
    if user is None or not matches or not user.active:
        raise failed(attempt)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user, attempt


def _check_second_factor(user: User, code: str | None, attempt: Attempt) -> None:
    if not user.has_second_factor:
        if current_app.config["JIT_REQUIRE_2FA"]:
            raise SecondFactorRequired()
        return
    code = (code or "").strip()
    if not code:
        raise OtpRequired()
    if not second_factors.accepts(user, code, attempt.at):
        raise failed(attempt)


def authenticate(username: str, password: str, otp: str | None = None) -> User:
    """Password and second factor in one step, inside the caller's use case (signing in, or
    issuing a token)."""
    user, attempt = _check_password(username, password)
    _check_second_factor(user, otp, attempt)
    succeeded(attempt)
    return user


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
        succeeded(attempt)
    return PasswordCheck(user=user, needs_second_factor=user.has_second_factor,
                         must_enrol=not user.has_second_factor and current_app.config["JIT_REQUIRE_2FA"])


@use_case("auth.second_factor")
def check_second_factor(user_id: int, code: str) -> User:
    """Second step of the web sign-in: a TOTP code or an unused recovery code."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise InvalidCredentials()
    note(actor=user, object_type="user", object_id=user.id)
    attempt = Attempt.of(user.username)
    refuse_if_throttled(attempt)
    _check_second_factor(user, code, attempt)
    succeeded(attempt)
    return user


@use_case("auth.sign_in")
def sign_in(username: str, password: str, otp: str | None = None) -> User:
    """Password and second factor in one call (the web's login for accounts without a factor
    goes through `check_password`)."""
    return authenticate(username, password, otp)


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
