"""Browser sessions, kept on the server: the signed cookie only names one (a random key), so that
signing out, a password change or an administrator ends it for every copy of the cookie; and the
idle and absolute limits, one rule for pages, the API and sockets alike.

`check` is that rule. Pages and the API pass through `resume` on every request; a socket is tied
to its session when it connects and checked again on each event. What a user does counts as
activity (a request, a message or typing on a socket); what a client does by itself (connecting,
subscribing, marking messages read) does not, and nothing outlives the absolute limit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from jit import notify
from jit.extensions import db
from jit.models import SocketConnection, User, UserSession
from jit.models.types import utcnow
from jit.services import authz, passwords
from jit.services.audit import note, use_case
from jit.services.errors import SessionEnded, SessionExpired

# Activity moves `seen_at` at most this often: a busy session is not a write per request.
SEEN_RESOLUTION = timedelta(seconds=10)

SIGNED_OUT, IDLE, EXPIRED, REVOKED, DEACTIVATED = "signed_out", "idle", "expired", "revoked", "deactivated"


@use_case("auth.session_start")
def start(actor: User | None) -> str:
    """Open a session for a user who just signed in; returns the key the cookie carries."""
    actor = authz.require_user(actor, before_second_factor=True, before_password_change=True)
    key = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(user_id=actor.id, key_hash=passwords.digest(key), started_at=now, seen_at=now)
    db.session.add(record)
    db.session.flush()
    note(object_type="session", object_id=record.id)
    return key


def find(key: str | None, user_id: int | str | None) -> UserSession | None:
    """The session a cookie names, if it is this user's (ended or not)."""
    if not key or user_id is None or not str(user_id).isdigit():
        return None
    record = db.session.scalar(select(UserSession).where(UserSession.key_hash == passwords.digest(key)))
    return record if record is not None and record.user_id == int(user_id) else None


def lapse(record: UserSession, now: datetime) -> str | None:
    """Why the clock ended this session (idle too long, or older than the absolute limit), if it did."""
    config = current_app.config
    if now - record.started_at > config["JIT_SESSION_MAX_AGE"]:
        return EXPIRED
    if now - record.seen_at > config["JIT_SESSION_IDLE_TIMEOUT"]:
        return IDLE
    return None


def check(record: UserSession | None, *, activity: bool) -> UserSession:
    """The session, if it still stands; `activity` counts towards the idle limit. A session the
    clock has ended is ended here, with its sockets (SessionExpired keeps that change when raised
    inside a use case)."""
    if record is None or record.ended_at is not None:
        raise SessionExpired() if record is not None and record.end_reason in (IDLE, EXPIRED) else SessionEnded()
    now = utcnow()
    reason = lapse(record, now)
    if reason is not None:
        _expire(record.user, record, reason)
        raise SessionExpired(keep_changes=True)
    if activity and now - record.seen_at >= SEEN_RESOLUTION:
        record.seen_at = now
    return record


def resume(key: str | None, user_id: int | str | None) -> UserSession:
    """Every page and API request of a browser session comes through here, with the cookie's key
    and user (not a use case: it is part of the request's own audited call)."""
    return _keep_activity(check(find(key, user_id), activity=True))


def resume_by_id(session_id: int, *, activity: bool) -> UserSession:
    """Every event of a socket opened by a browser session comes through here (not a use case either)."""
    return _keep_activity(check(db.session.get(UserSession, session_id), activity=activity))


def _keep_activity(record: UserSession) -> UserSession:
    """Commit a moved `seen_at` at once, so that the use case after it keeps it even if refused."""
    if record in db.session.dirty:
        db.session.commit()
    return record


@use_case("auth.session_expire")
def _expire(actor: User | None, record: UserSession, reason: str) -> None:
    note(object_type="session", object_id=record.id, reason=reason)
    end(record, reason)


def end(record: UserSession, reason: str) -> None:
    """End a session and close its sockets (after commit); joins the caller's transaction."""
    record.ended_at, record.end_reason = utcnow(), reason
    sids = list(db.session.scalars(select(SocketConnection.sid).where(SocketConnection.session_id == record.id)))
    if sids:
        notify.disconnect_after_commit(sids)


def end_all(user: User, reason: str, *, keep_key: str | None = None) -> int:
    """End every open session of `user` but the one with `keep_key`; returns how many ended."""
    open_sessions = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None),
        UserSession.key_hash != passwords.digest(keep_key or "")))
    count = 0
    for record in open_sessions:
        end(record, reason)
        count += 1
    return count


def expire_lapsed_with_sockets() -> int:
    """End the sessions with open sockets that the clock has ended, closing those sockets (a
    socket's session may lapse with no event of its own to notice). Run at every heartbeat."""
    config = current_app.config
    now = utcnow()
    lapsed = list(db.session.scalars(select(UserSession.id).where(
        UserSession.ended_at.is_(None),
        UserSession.id.in_(select(SocketConnection.session_id)),
        or_(UserSession.started_at < now - config["JIT_SESSION_MAX_AGE"],
            UserSession.seen_at < now - config["JIT_SESSION_IDLE_TIMEOUT"]))))
    if not lapsed:
        db.session.rollback()  # nothing to do: end the read's transaction (SQLite holds a lock)
        return 0
    return _expire_all(lapsed)


@use_case("auth.sessions_lapsed")
def _expire_all(session_ids: list[int]) -> int:
    note(object_type="session", object_id=",".join(map(str, session_ids)))
    now, ended = utcnow(), 0
    for record in db.session.scalars(select(UserSession).where(UserSession.id.in_(session_ids))):
        reason = lapse(record, now)
        if record.ended_at is None and reason is not None:  # another process may have been first
            end(record, reason)
            ended += 1
    return ended
