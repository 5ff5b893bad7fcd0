"""Notification e-mail (issue 17, item 5) against a real SMTP server (aiosmtpd) started by the test:
the mail leaves after commit through `flask jit notify mail`, in the recipient's language, says of a
mention only where it was, waits out quiet hours, is kept and retried while the server is down (the
request that caused it unaffected), and a day's digest notices go in one mail."""

from __future__ import annotations

import email
import socket
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent, OutgoingMail, User
from tests.channels_support import active_group_with_member, channels_of, post
from tests.notifications_support import inbox

BASE_URL = "https://jit.example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.mails: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(envelope.rcpt_tos)
        return "250 OK"


class NoSuchMailbox(Mailbox):
    """A server that knows no mailbox of the address: it refuses every recipient for good."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such mailbox"


class SmtpServer:
    """A local SMTP server on a fixed port, which the test may start late (the server was down)."""

    def __init__(self, port: int):
        self.port = port
        self.mailbox: Mailbox = Mailbox()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


@pytest.fixture
def smtp():
    server = SmtpServer(_free_port())
    yield server
    server.stop()


@pytest.fixture
def app(make_app, smtp):
    return make_app(JIT_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}", JIT_MAIL_FROM="jit@example.org",
                    JIT_BASE_URL=BASE_URL)


def _mail_run(cast) -> str:
    result = cast.app.test_cli_runner().invoke(args=["jit", "notify", "mail"])
    assert result.exit_code == 0, result.output
    return result.output


def _choose(cast, who: str, address: str, **kinds):
    body = {"email": address, "email_kinds": kinds}
    response = cast.api.put("/api/v1/me/notification-preferences", json=body, headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()


def _speaks(cast, who: str, locale: str, time_zone: str = "UTC") -> None:
    with cast.app.app_context():
        user = db.session.get(User, cast.ids[who])
        user.locale, user.time_zone = locale, time_zone
        db.session.commit()


def _outbox(cast) -> list[OutgoingMail]:
    with cast.app.app_context():
        rows = list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))
        db.session.expunge_all()
        return rows


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def _html(mail) -> str:
    return mail.get_body(("html",)).get_content()


def _mention(cast, group, channel_name: str, body: str):
    channel = next(c for name, c in channels_of(cast, group["id"], "kz_head").items() if name == channel_name or
                   (channel_name == "team" and c["kind"] == "team"))
    response = post(cast, channel["id"], "kz_head", body)
    assert response.status_code == 201, response.get_json()
    return channel


def test_a_russian_speaker_gets_the_mention_in_russian_with_a_link(cast, smtp):
    smtp.start()
    group = active_group_with_member(cast)
    _speaks(cast, "kz_member", "ru")
    _choose(cast, "kz_member", "member@example.kz", mention="immediate")
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} посмотрите протокол")
    assert smtp.mailbox.mails == []  # nothing leaves inside the request
    assert _mail_run(cast).startswith("1 mail(s) sent")
    [mail] = smtp.mailbox.mails
    assert smtp.mailbox.recipients == [["member@example.kz"]]
    assert mail["From"] == "jit@example.org"
    assert mail["Subject"].startswith("Вас упомянули в ")
    [notice] = inbox(cast, "kz_member", kind="mention")["items"]
    link = f"{BASE_URL}/notifications/{notice['id']}"
    assert "Вас упомянули в " in _text(mail) and link in _text(mail)
    assert f'href="{link}"' in _html(mail) and 'lang="ru"' in _html(mail)
    assert "general" in _text(mail)
    assert _mail_run(cast).startswith("0 mail(s) sent")  # delivered once
    assert len(smtp.mailbox.mails) == 1


def test_an_english_speaker_gets_a_task_notice_in_english(cast, smtp):
    smtp.start()
    group = active_group_with_member(cast)
    _speaks(cast, "kz_member", "en")
    _choose(cast, "kz_member", "member@example.kz", **{"task.assigned": "immediate"})
    response = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Допросить свидетеля", "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert response.status_code == 201
    _mail_run(cast)
    [mail] = smtp.mailbox.mails
    assert mail["Subject"] == f"{cast.people['creator'].full_name} assigned you the task “Допросить свидетеля”"
    assert "Open it on the platform" in _text(mail)


def test_a_mention_in_a_restricted_channel_mails_no_word_of_the_message(cast, smtp):
    smtp.start()
    group = active_group_with_member(cast)
    _choose(cast, "kz_member", "member@example.kz", mention="immediate")
    secret = "адрес конспиративной квартиры Абай 15"
    channel = _mention(cast, group, "team", f"@{cast.people['kz_member'].username} {secret}")
    _mail_run(cast)
    [mail] = smtp.mailbox.mails
    for part in (_text(mail), _html(mail), mail["Subject"]):
        assert "Абай" not in part and "квартиры" not in part
    assert channel["name"] in _text(mail) and group["code"] in _text(mail)


def test_server_down_the_mail_waits_and_goes_once_when_it_is_back(cast, smtp, clock):
    group = active_group_with_member(cast)
    _choose(cast, "kz_member", "member@example.kz", mention="immediate")
    # The server is down: the message is still posted, at once.
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} срочно")
    assert "1 left for a later try" in _mail_run(cast)
    [row] = _outbox(cast)
    assert row.sent_at is None and row.attempts == 1 and "Connection" in row.last_error
    assert row.due_at > clock.now
    assert "0 left" in _mail_run(cast)  # not retried before its time
    clock.advance(minutes=2)
    assert "1 left for a later try" in _mail_run(cast)
    [row] = _outbox(cast)
    assert row.attempts == 2 and row.due_at - clock.now == timedelta(minutes=2)  # backing off
    smtp.start()
    clock.advance(minutes=3)
    assert _mail_run(cast).startswith("1 mail(s) sent")
    assert _mail_run(cast).startswith("0 mail(s) sent")
    assert len(smtp.mailbox.mails) == 1
    [row] = _outbox(cast)
    assert row.sent_at is not None and row.attempts == 3


def _mention_refused_for_good(cast, smtp):
    """The member's mention mailed to a server that knows no such mailbox; the group."""
    smtp.mailbox = NoSuchMailbox()
    smtp.start()
    group = active_group_with_member(cast)
    _choose(cast, "kz_member", "nobody@example.kz", mention="immediate")
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} срочно")
    assert _mail_run(cast).endswith("1 refused for good\n")
    return group


def test_a_mailbox_refused_for_good_is_not_tried_again_and_the_notice_stays(cast, smtp, clock):
    _mention_refused_for_good(cast, smtp)
    assert _outbox(cast) == []
    clock.advance(hours=2)
    assert _mail_run(cast).startswith("0 mail(s) sent, 0 left")
    assert smtp.mailbox.mails == []
    assert inbox(cast, "kz_member", kind="mention")["items"][0]["read_at"] is None
    with cast.app.app_context():
        [refusal] = db.session.scalars(select(AuditEvent).where(AuditEvent.operation == "notification.mail")
                                       .order_by(AuditEvent.id.desc()).limit(1))
        assert refusal.details["status"] == "rejected" and "550" in refusal.details["error"]


def test_a_refused_address_is_shown_to_its_owner_and_not_mailed_until_given_again(cast, smtp, clock):
    group = _mention_refused_for_good(cast, smtp)
    chosen = cast.api.get("/api/v1/me/notification-preferences", headers=cast.headers["kz_member"]).get_json()
    assert chosen["email_refused_at"] is not None and "550" in chosen["email_refused"]
    page = cast.browser("kz_member").get("/account/notifications").get_data(as_text=True)
    assert 'id="email-refused"' in page and "nobody@example.kz" in page
    # Further notices are not queued for the refused address.
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} ещё раз")
    assert _outbox(cast) == []
    # Another address given: it is tried again (queued; the server here still refuses every mailbox).
    _choose(cast, "kz_member", "member@example.kz", mention="immediate")
    chosen = cast.api.get("/api/v1/me/notification-preferences", headers=cast.headers["kz_member"]).get_json()
    assert (chosen["email_refused_at"], chosen["email_refused"]) == (None, None)
    assert 'id="email-refused"' not in cast.browser("kz_member").get("/account/notifications").get_data(as_text=True)
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} теперь")
    assert len(_outbox(cast)) == 1


def test_quiet_hours_hold_an_immediate_mail_until_they_end(cast, smtp, clock):
    smtp.start()
    group = active_group_with_member(cast)
    _speaks(cast, "kz_member", "ru", time_zone="Asia/Almaty")
    local = clock.now.astimezone(ZoneInfo("Asia/Almaty"))
    start, end = (local - timedelta(hours=1)), (local + timedelta(hours=1))
    response = cast.api.put("/api/v1/me/notification-preferences", json={
        "email": "member@example.kz", "email_kinds": {"mention": "immediate"},
        "quiet_from": f"{start:%H:%M}", "quiet_until": f"{end:%H:%M}"}, headers=cast.headers["kz_member"])
    assert response.status_code == 200, response.get_json()
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} ночью")
    assert "1 waiting" in _mail_run(cast)
    assert smtp.mailbox.mails == []
    [row] = _outbox(cast)
    assert row.due_at == datetime.combine(end.date(), end.time().replace(second=0, microsecond=0),
                                          tzinfo=ZoneInfo("Asia/Almaty"))
    clock.advance(minutes=30)
    _mail_run(cast)
    assert smtp.mailbox.mails == []
    clock.advance(minutes=31)
    assert _mail_run(cast).startswith("1 mail(s) sent")
    assert len(smtp.mailbox.mails) == 1


def test_the_digest_gathers_a_days_notices_in_one_mail(cast, smtp, clock):
    smtp.start()
    group = active_group_with_member(cast)
    _speaks(cast, "kz_member", "ru")
    _choose(cast, "kz_member", "member@example.kz", **{"task.assigned": "digest"}, mention="immediate")
    for title in ("Допросить свидетеля", "Изъять документы", "Назначить экспертизу"):
        response = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", json={
            "title": title, "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
        assert response.status_code == 201
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} см. задачи")
    assert _mail_run(cast).startswith("1 mail(s) sent")  # the mention, at once; the tasks wait
    clock.advance(days=1)
    assert _mail_run(cast).startswith("1 mail(s) sent")
    mention, digest = smtp.mailbox.mails
    assert mention["Subject"].startswith("Вас упомянули")
    assert digest["Subject"].startswith("Платформа ССОГ: ваши уведомления за ")
    body = _text(digest)
    assert all(title in body for title in ("Допросить свидетеля", "Изъять документы", "Назначить экспертизу"))
    assert body.count(f"{BASE_URL}/notifications/") == 3
    assert _mail_run(cast).startswith("0 mail(s) sent")


def test_a_notice_the_person_may_no_longer_see_is_not_mailed(cast, smtp):
    smtp.start()
    group = active_group_with_member(cast)
    _choose(cast, "kz_member", "member@example.kz", mention="immediate")
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} до удаления")
    removed = cast.api.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}",
                              headers=cast.headers["kz_head"])
    assert removed.status_code == 204
    _mail_run(cast)
    assert smtp.mailbox.mails == []
    assert _outbox(cast) == []


def test_without_an_smtp_server_nothing_is_queued(make_app):
    from tests.groups_support import make_cast

    cast = make_cast(make_app())
    group = active_group_with_member(cast)
    response = cast.api.put("/api/v1/me/notification-preferences", json={
        "email": "member@example.kz", "email_kinds": {"mention": "immediate"}}, headers=cast.headers["kz_member"])
    assert response.status_code == 200 and response.get_json()["mail_enabled"] is False
    _mention(cast, group, "general", f"@{cast.people['kz_member'].username} привет")
    assert inbox(cast, "kz_member", kind="mention")["unread"] >= 1
    assert _outbox(cast) == []
    assert _mail_run(cast).startswith("0 mail(s) sent")
