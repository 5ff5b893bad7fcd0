"""Accounts: an admin creates and administers them (roles, deactivation, a password reset, a
lost second factor, the sign-in throttle's count); their owner reads their own, chooses a
language and changes their password. Every public function is an audited use case."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import Authority, PreviousPassword, Role, User, UserRole
from jit.models.types import utcnow
from jit.services import authz, passwords, sessions, sign_in, sockets, tokens
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from jit.services.pagination import Page, paginate
from jit.services.values import text_problem

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")


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
    problem = text_problem(full_name, FULL_NAME_MAX_LENGTH)
    return {"full_name": problem} if problem else {}


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
        username=username, full_name=full_name.strip(), password_hash=passwords.hash_password(password),
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
    tokens.revoke_all(user)
    sessions.end_all(user, sessions.DEACTIVATED)
    sockets.disconnect_user_sockets(user)


def end_all_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """End every browser session of `user` (all copies of their cookies), closing their sockets
    after commit, but the one whose cookie holds `keep_session_key` (the caller's own, say, when
    they change their password). API tokens stay. Call it inside the use case that needs it (a
    password change or reset): it joins that transaction. Returns how many sessions ended."""
    note(sessions_ended=(ended := sessions.end_all(user, sessions.REVOKED, keep_key=keep_session_key)))
    return ended


@use_case("user.second_factor_reset")
def reset_second_factor(actor: User | None, user_id: int) -> User:
    """An admin removes a user's factor (lost phone); the user enrols again at next sign-in."""
    user = _user_for_admin(actor, user_id)
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = user.totp_pending_secret = None
    user.recovery_codes = []
    return user


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
    note(tokens_revoked=tokens.revoke_all(user))
    end_all_sessions(user)
    sockets.disconnect_user_sockets(user)


def _reused(user: User, password: str) -> bool:
    hashes = [user.password_hash, *(previous.password_hash for previous in user.previous_passwords)]
    return any(passwords.matches(stored, password) for stored in hashes[:PASSWORD_HISTORY])


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    """Retire the current hash into the history (keeping the last few) and store the new one."""
    user.previous_passwords.insert(0, PreviousPassword(password_hash=user.password_hash, retired_at=utcnow()))
    del user.previous_passwords[PASSWORD_HISTORY - 1:]
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = must_change
    user.password_changed_at = utcnow()
    _end_sign_ins(user)


@use_case("user.password_change")
def change_password(actor: User | None, current_password: str, new_password: str) -> User:
    """The user chooses a new password, proving the current one. A wrong current password counts
    as a failed sign-in (a stolen session cannot guess it faster than the login page could)."""
    actor = authz.require_user(actor, before_second_factor=True, before_password_change=True)
    note(object_type="user", object_id=actor.id)
    attempt = sign_in.Attempt.of(actor.username)
    sign_in.refuse_if_throttled(attempt)
    if not passwords.matches(actor.password_hash, current_password or ""):
        sign_in.failed(attempt)
        raise Invalid(fields={"current_password": _l("This is not your current password.")}, keep_changes=True)
    weakness = passwords.problems(new_password, username=actor.username, full_name=actor.full_name)
    if weakness:
        raise Invalid(fields={"new_password": weakness})
    if _reused(actor, new_password):
        raise Invalid(fields={"new_password": _l("Choose a password you have not used here before.")})
    _set_password(actor, new_password, must_change=False)
    sign_in.succeeded(attempt)
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
    note(cleared_sign_in_failures=sign_in.clear_failures(user))
    return PasswordReset(user=user, temporary_password=temporary)


@use_case("user.unlock")
def unlock(actor: User | None, user_id: int) -> User:
    """An admin forgets every failed sign-in counted against the account, from every address, so
    that it can sign in at once (the owner throttled while travelling, say)."""
    user = _user_for_admin(actor, user_id)
    note(cleared_sign_in_failures=sign_in.clear_failures(user))
    return user


@use_case("user.sign_in_failures")
def recent_sign_in_failures(actor: User | None, user_id: int) -> int:
    """How many failed sign-ins count against the account now (every address), for its admin page."""
    user = _user_for_admin(actor, user_id)
    return sign_in.failures_counted(user)
