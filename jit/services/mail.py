"""The one outbound e-mail module (issue 17, item 5; DESIGN.md "Notifications"): `flask jit notify mail`
sends what the outbox holds, after the notices' transactions committed and never inside a request.

Each mail is its own audited transaction: its outbox rows are locked (others running the command at the
same time skip them), sent through the organisation's SMTP server and marked sent; a failure leaves
them pending with the count of tries and the next one (backing off up to an hour), so nothing is lost
while the server is down. A mail is composed in the recipient's language with the standard library's
EmailMessage (text, with an HTML alternative); a mention says only where it was, never what was
written. The daily digest is one mail with every digest notice of the person's day."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import select

from jit.extensions import db
from jit.models import OutgoingMail, User
from jit.models.types import utcnow
from jit.services import notification_settings, notifications
from jit.services.audit import note, use_case

BATCH = 500  # the most rows one run looks at; the next run takes the rest
SMTP_TIMEOUT_SECONDS = 20
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
ERROR_MAX_LENGTH = 200  # the column's size
MENTION_TEXT = _l("You were mentioned in %(group)s / %(channel)s")
DIGEST_SUBJECT = _l("JIT platform: your notifications of %(day)s")
LINK_TEXT = _l("Open it on the platform")


@dataclass
class Delivery:
    sent: int = 0  # mails
    failed: int = 0  # mails left for a later try
    deferred: int = 0  # mails waiting for the end of quiet hours
    dropped: int = 0  # mails no longer to be sent (the notice left the inbox, or its kind is no longer mailed)
    rejected: int = 0  # mails the server refused for good (5xx: no such mailbox, a sender it does not accept)


class MailServerUnavailable(Exception):
    """The SMTP server could not be reached or asked to try later (the mail stays in the outbox)."""


class MailRejected(Exception):
    """The SMTP server refused the mail with a permanent (5xx) answer: trying again cannot help.
    `address_refused`: it was the recipient's address it refused (not the sender or the mail)."""

    def __init__(self, answer: str, *, address_refused: bool = False):
        super().__init__(answer)
        self.address_refused = address_refused


def _permanent(failure: smtplib.SMTPException) -> bool:
    if isinstance(failure, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in failure.recipients.values())
    # A refused login (535) is the platform's configuration, not this mail's: kept, it goes once it is fixed.
    return (isinstance(failure, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError))
            and failure.smtp_code >= 500)


# --- composing -------------------------------------------------------------------------------

def _mail_text(notification) -> str:
    """What a mail may say of a notice: a mention only where it was (a channel's messages stay in the
    channel, whoever may read the mailbox); any other notice its text."""
    if notification.kind == "mention":
        return str(MENTION_TEXT) % notification.params
    return notifications.text_of(notification)


def _link(notification) -> str:
    # The inbox page's route that follows a notice to its object (jit/web/notifications).
    return f"{current_app.config['JIT_BASE_URL']}/notifications/{notification.id}"


def _html(lines: list[tuple[str, str]], link_text: str, language: str) -> str:
    """The HTML part: the same lines, each with its link (what the notices say is escaped)."""
    paragraphs = "".join(f'<p>{escape(text)}<br><a href="{escape(link)}">{escape(link_text)}</a></p>'
                         for text, link in lines)
    return f'<!doctype html><html lang="{escape(language)}"><body>{paragraphs}</body></html>'


def compose(user: User, rows: list[OutgoingMail], address: str) -> EmailMessage:
    """The mail of these outbox rows (one notice, or a digest) in the recipient's language."""
    language = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        lines = [(_mail_text(row.notification), _link(row.notification)) for row in rows]
        if rows[0].digest:
            day = rows[0].notification.created_at.astimezone(ZoneInfo(user.time_zone)).date()
            subject = str(DIGEST_SUBJECT) % {"day": day.isoformat()}
        else:
            subject = lines[0][0]
        link_text = gettext(LINK_TEXT)
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = current_app.config["JIT_MAIL_FROM"]
        message["To"] = address
        message["Message-ID"] = make_msgid(domain="jit")
        message["Content-Language"] = language
        message.set_content("\n\n".join(f"{text}\n{link_text}: {link}" for text, link in lines))
        message.add_alternative(_html(lines, link_text, language), subtype="html")
    return message


# --- sending ---------------------------------------------------------------------------------

def _smtp_send(message: EmailMessage) -> None:
    """Hand the mail to the server named by JIT_SMTP_URL (smtp:// or smtps://, ?starttls=1, user:password@)."""
    url = urlsplit(current_app.config["JIT_SMTP_URL"])
    secure = url.scheme == "smtps"
    connect = smtplib.SMTP_SSL if secure else smtplib.SMTP
    try:
        with connect(url.hostname, url.port or (465 if secure else 25), timeout=SMTP_TIMEOUT_SECONDS) as server:
            if parse_qs(url.query).get("starttls", ["0"])[0].lower() in {"1", "true", "yes"}:
                server.starttls()
            if url.username:
                server.login(unquote(url.username), unquote(url.password or ""))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as failure:
        answer = f"{type(failure).__name__}: {failure}"[:ERROR_MAX_LENGTH]
        if isinstance(failure, smtplib.SMTPException) and _permanent(failure):
            raise MailRejected(answer, address_refused=isinstance(failure, smtplib.SMTPRecipientsRefused)) from failure
        raise MailServerUnavailable(answer) from failure


def _retry_after(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _due_batches(now: datetime) -> list[list[int]]:
    """The outbox rows due now, a list per mail: each immediate notice alone, a person's digest together."""
    due = db.session.execute(select(OutgoingMail.id, OutgoingMail.recipient_id, OutgoingMail.digest).where(
        OutgoingMail.sent_at.is_(None), OutgoingMail.due_at <= now).order_by(OutgoingMail.id).limit(BATCH)).all()
    db.session.rollback()  # a read: each mail is its own transaction from here
    digests: dict[int, list[int]] = {}
    batches = []
    for row_id, recipient_id, digest in due:
        if digest:
            digests.setdefault(recipient_id, []).append(row_id)
        else:
            batches.append([row_id])
    return batches + list(digests.values())


def deliver_pending(now: datetime | None = None) -> Delivery:
    """Send every mail that is due (`flask jit notify mail`: idempotent, safe to run every minute, on
    several processes at once)."""
    delivery = Delivery()
    if not notification_settings.mail_enabled():
        return delivery
    for ids in _due_batches(now or utcnow()):
        outcome = send_mail(ids, now=now)
        if outcome is not None:
            setattr(delivery, outcome, getattr(delivery, outcome) + 1)
    return delivery


@use_case("notification.mail")
def send_mail(ids: list[int], *, now: datetime | None = None) -> str | None:
    """Send one mail of these outbox rows: "sent", "failed" (kept for a later try), "rejected" (refused
    for good: the rows leave the outbox, the notices stay in the inbox), "deferred" (quiet hours),
    "dropped" (nothing left to send), or None when another run has them."""
    now = now or utcnow()
    # Locked, so that a second sender running now skips them; rows another took or sent are left out.
    rows = list(db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.id.in_(ids), OutgoingMail.sent_at.is_(None), OutgoingMail.due_at <= now)
        .order_by(OutgoingMail.id).with_for_update(skip_locked=True)))
    if not rows:
        return None
    user = rows[0].recipient
    settings = notification_settings.settings_of(user.id)
    note(to_user_id=user.id, items=len(rows), digest=rows[0].digest)
    # What the person may no longer see, or no longer wants mailed, is not sent.
    wanted = [row for row in rows if settings is not None and settings.email is not None
              and settings.email_kinds.get(row.notification.kind) and notifications.may_see(
                  user, row.notification.object_type, row.notification.object_id)]
    for row in set(rows) - set(wanted):
        db.session.delete(row)
    if not wanted:
        return "dropped"
    quiet_until = notification_settings.quiet_end(settings, user.time_zone, now)
    if quiet_until is not None:
        for row in wanted:
            row.due_at = quiet_until
        note(status="quiet")
        return "deferred"
    try:
        _smtp_send(compose(user, wanted, settings.email))
    except MailServerUnavailable as failure:
        for row in wanted:
            row.attempts += 1
            row.last_error = str(failure)
            row.due_at = now + _retry_after(row.attempts)
        note(status="failed", attempts=wanted[0].attempts, error=str(failure))
        return "failed"
    except MailRejected as refusal:
        for row in wanted:
            db.session.delete(row)
        if refusal.address_refused:
            notification_settings.address_refused(settings, str(refusal), now)
        note(status="rejected", error=str(refusal))  # the audit trail keeps why it never went
        return "rejected"
    for row in wanted:
        row.attempts += 1
        row.sent_at = now
    note(status="sent")
    return "sent"
