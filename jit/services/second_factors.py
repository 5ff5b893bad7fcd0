"""The second factor: an authenticator app's codes (TOTP), with one-time recovery codes for a lost
device. Setting it up is the account owner's use case; checking a code is part of signing in
(`sign_in`); an admin's reset of a lost factor is an account administration (`accounts`)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pyotp
from flask_babel import lazy_gettext as _l

from jit.models import RecoveryCode, User
from jit.models.types import utcnow
from jit.services import authz, passwords
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Invalid

RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "JIT platform"


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, issuer=TOTP_ISSUER)


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
    actor.recovery_codes = [RecoveryCode(code_hash=passwords.digest(code)) for code in codes]
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def accepts(user: User, code: str, now: datetime) -> bool:
    """Whether `code` is a current code of the user's app or one of their unused recovery codes
    (using it up either way)."""
    return _accept_totp(user, code, now) or _accept_recovery_code(user, code, now)


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
    digest = passwords.digest(code.replace("-", "").lower())
    for recovery in user.recovery_codes:
        if recovery.used_at is None and secrets.compare_digest(recovery.code_hash, digest):
            recovery.used_at = now
            note(recovery_code_used=True)
            return True
    return False
