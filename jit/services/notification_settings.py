"""How each person hears of their notices (issue 17, item 4): the inbox always has every notice; per
kind they may have it mailed at once or in the daily digest, to their address, never during their
quiet hours (in their own time zone). A notice to be mailed is queued in the outbox with it, in the
same transaction (`queue_mail`); jit/services/mail.py sends it after commit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import Notification, NotificationSettings, OutgoingMail, User
from jit.models.types import utcnow
from jit.services import authz
from jit.services.audit import note, use_case
from jit.services.errors import Invalid
from jit.services.notification_kinds import KINDS

IMMEDIATE = "immediate"
DIGEST = "digest"
OFF = "off"
EMAIL_MODES = (OFF, IMMEDIATE, DIGEST)
# The digest leaves once a day at this hour of the person's day (later if it falls in their quiet hours).
DIGEST_HOUR = time(8, 0)
EMAIL_MAX_LENGTH = 254  # the column's size (RFC 5321's longest path)
# Enough to catch a typing slip; the organisation's server is the judge of the rest.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Preferences:
    email: str | None
    email_kinds: dict[str, str]  # every kind -> off, immediate or digest
    quiet_from: time | None
    quiet_until: time | None
    time_zone: str
    mail_enabled: bool  # whether this server sends e-mail at all (JIT_SMTP_URL)
    email_refused_at: datetime | None = None  # the mail server refused `email` for good then
    email_refused: str | None = None  # with this answer


def mail_enabled() -> bool:
    return bool(current_app.config.get("JIT_SMTP_URL") and current_app.config.get("JIT_MAIL_FROM"))


def settings_of(user_id: int) -> NotificationSettings | None:
    return db.session.get(NotificationSettings, user_id)


def _preferences(user: User) -> Preferences:
    settings = settings_of(user.id)
    chosen = settings.email_kinds if settings is not None else {}
    return Preferences(email=settings.email if settings else None,
                       email_kinds={kind: chosen.get(kind, OFF) for kind in KINDS},
                       quiet_from=settings.quiet_from if settings else None,
                       quiet_until=settings.quiet_until if settings else None,
                       time_zone=user.time_zone, mail_enabled=mail_enabled(),
                       email_refused_at=settings.email_refused_at if settings else None,
                       email_refused=settings.email_refused if settings else None)


@use_case("notification.preferences")
def preferences(actor: User | None) -> Preferences:
    """The caller's own choices."""
    actor = authz.require_user(actor)
    note(object_type="user", object_id=actor.id)
    return _preferences(actor)


def _problems(email: str | None, email_kinds: dict, quiet_from: time | None, quiet_until: time | None) -> dict:
    problems = {}
    if email is not None and (len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(email)):
        problems["email"] = _l("Not an e-mail address (name@example.org).")
    for kind, mode in email_kinds.items():
        if kind not in KINDS:
            problems[f"email_kinds.{kind}"] = _l("No such kind of notification.")
        elif mode not in EMAIL_MODES:
            problems[f"email_kinds.{kind}"] = _l("One of: %(values)s.", values=", ".join(EMAIL_MODES))
    if (quiet_from is None) != (quiet_until is None):
        problems["quiet_until" if quiet_until is None else "quiet_from"] = _l(
            "Give both ends of the quiet hours, or neither.")
    elif quiet_from is not None and quiet_from == quiet_until:
        problems["quiet_until"] = _l("The quiet hours must end at another time than they start.")
    if email is None and any(mode != OFF for mode in email_kinds.values()):
        problems["email"] = _l("Give the address the notifications are to be mailed to.")
    return problems


@use_case("notification.preferences_update")
def update_preferences(actor: User | None, *, email: str | None, email_kinds: dict[str, str],
                       quiet_from: time | None, quiet_until: time | None) -> Preferences:
    """Replace the caller's choices; kinds left out of `email_kinds` are not mailed."""
    actor = authz.require_user(actor)
    email = (email or "").strip() or None
    note(object_type="user", object_id=actor.id)
    problems = _problems(email, email_kinds, quiet_from, quiet_until)
    if problems:
        raise Invalid(fields=problems)
    settings = settings_of(actor.id) or NotificationSettings(user_id=actor.id)
    db.session.add(settings)
    if email != settings.email or email is None:  # an address given again is tried again
        settings.email_refused_at = settings.email_refused = None
    settings.email = email
    settings.email_kinds = {kind: mode for kind, mode in sorted(email_kinds.items()) if mode != OFF}
    settings.quiet_from, settings.quiet_until = quiet_from, quiet_until
    note(kinds=",".join(settings.email_kinds) or None,
         quiet=f"{quiet_from:%H:%M}-{quiet_until:%H:%M}" if quiet_from else None)
    return _preferences(actor)


# --- when a mail may leave -------------------------------------------------------------------

def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def quiet_end(settings: NotificationSettings, time_zone: str, now: datetime) -> datetime | None:
    """When the person's quiet hours around `now` end (None: `now` is not in them)."""
    if settings.quiet_from is None or settings.quiet_until is None:
        return None
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    start, end, moment = settings.quiet_from, settings.quiet_until, local.time()
    if start < end:  # within one day (13:00-14:00)
        return _at(local.date(), end, zone) if start <= moment < end else None
    if moment >= start:  # overnight (22:00-07:00), before midnight
        return _at(local.date() + timedelta(days=1), end, zone)
    return _at(local.date(), end, zone) if moment < end else None


def next_digest(time_zone: str, now: datetime) -> datetime:
    """The next digest hour in the person's day: every digest notice of a day waits for the same one."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    today = _at(local.date(), DIGEST_HOUR, zone)
    return today if local < today else _at(local.date() + timedelta(days=1), DIGEST_HOUR, zone)


def address_refused(settings: NotificationSettings, answer: str, now: datetime) -> None:
    """The mail server refused the person's address for good: nothing more is queued for it, and their
    settings page says so, until they give an address again."""
    settings.email_refused_at, settings.email_refused = now, answer[:200]


def queue_mail(told: list[tuple[User, Notification]]) -> None:
    """Put each notice in the outbox if its recipient has it mailed to an address the mail server has
    not refused (nothing without an SMTP server)."""
    if not told or not mail_enabled():
        return
    chosen = {settings.user_id: settings for settings in db.session.scalars(select(NotificationSettings).where(
        NotificationSettings.user_id.in_([user.id for user, _ in told]), NotificationSettings.email.is_not(None),
        NotificationSettings.email_refused_at.is_(None)))}
    now = utcnow()
    for user, notification in told:
        mode = chosen[user.id].email_kinds.get(notification.kind, OFF) if user.id in chosen else OFF
        if mode != OFF:
            db.session.add(OutgoingMail(recipient_id=user.id, notification_id=notification.id,
                                        digest=mode == DIGEST, created_at=now,
                                        due_at=next_digest(user.time_zone, now) if mode == DIGEST else now))
