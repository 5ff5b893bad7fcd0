"""Each person's notification settings (issue 17, item 4): GET/PUT /me/notification-preferences, their
own only, refusals naming the field, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent
from tests.groups_support import make_cast

PATH = "/api/v1/me/notification-preferences"


@pytest.fixture
def cast(make_app):
    return make_cast(make_app(JIT_SMTP_URL="smtp://127.0.0.1:1", JIT_MAIL_FROM="jit@example.org"))


def test_nothing_is_mailed_until_the_person_chooses(cast):
    answer = cast.api.get(PATH, headers=cast.headers["kz_member"]).get_json()
    assert answer["email"] is None and answer["quiet_from"] is None and answer["quiet_until"] is None
    assert set(answer["email_kinds"].values()) == {"off"} and "mention" in answer["email_kinds"]
    assert answer["time_zone"] == "UTC" and answer["mail_enabled"] is True


def test_the_choices_are_kept_and_replaced_whole(cast):
    body = {"email": "member@example.kz", "email_kinds": {"mention": "immediate", "task.assigned": "digest"},
            "quiet_from": "22:00", "quiet_until": "07:30"}
    saved = cast.api.put(PATH, json=body, headers=cast.headers["kz_member"])
    assert saved.status_code == 200, saved.get_json()
    answer = cast.api.get(PATH, headers=cast.headers["kz_member"]).get_json()
    assert (answer["email"], answer["quiet_from"], answer["quiet_until"]) == ("member@example.kz", "22:00", "07:30")
    assert answer["email_kinds"]["mention"] == "immediate" and answer["email_kinds"]["task.assigned"] == "digest"
    assert answer["email_kinds"]["task.overdue"] == "off"
    # Another person's settings are their own.
    assert cast.api.get(PATH, headers=cast.headers["kz_head"]).get_json()["email"] is None
    replaced = cast.api.put(PATH, json={"email": "member@example.kz", "email_kinds": {"task.overdue": "digest"}},
                            headers=cast.headers["kz_member"]).get_json()
    assert replaced["email_kinds"]["mention"] == "off" and replaced["email_kinds"]["task.overdue"] == "digest"
    assert replaced["quiet_from"] is None
    with cast.app.app_context():
        events = db.session.execute(select(AuditEvent.operation, AuditEvent.outcome, AuditEvent.details).where(
            AuditEvent.operation == "notification.preferences_update",
            AuditEvent.user_id == cast.ids["kz_member"])).all()
    assert [(operation, outcome) for operation, outcome, _ in events] == [
        ("notification.preferences_update", "ok")] * 2
    assert events[0].details["kinds"] == "mention,task.assigned" and events[0].details["quiet"] == "22:00-07:30"


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not an address", "email_kinds": {}}, "email"),
    ({"email": None, "email_kinds": {"mention": "immediate"}}, "email"),
    ({"email": "a@example.kz", "email_kinds": {"mention": "weekly"}}, "email_kinds.mention"),
    ({"email": "a@example.kz", "email_kinds": {"gossip": "immediate"}}, "email_kinds.gossip"),
    ({"email": "a@example.kz", "email_kinds": {}, "quiet_from": "22:00"}, "quiet_until"),
    ({"email": "a@example.kz", "email_kinds": {}, "quiet_until": "07:00"}, "quiet_from"),
    ({"email": "a@example.kz", "email_kinds": {}, "quiet_from": "07:00", "quiet_until": "07:00"}, "quiet_until"),
    ({"email": "a@example.kz", "email_kinds": {}, "quiet_from": "25:00", "quiet_until": "07:00"}, "quiet_from"),
    ({"email": "a@example.kz"}, "email_kinds"),  # a replacement says what is mailed, if only `{}`
])
def test_a_refusal_names_the_field_and_changes_nothing(cast, body, field):
    refused = cast.api.put(PATH, json=body, headers=cast.headers["kz_member"])
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["error"]["fields"]
    assert cast.api.get(PATH, headers=cast.headers["kz_member"]).get_json()["email"] is None


def test_only_a_signed_in_caller_has_settings(cast):
    assert cast.api.get(PATH).status_code == 401
    assert cast.api.put(PATH, json={"email": None, "email_kinds": {}}).status_code == 401
