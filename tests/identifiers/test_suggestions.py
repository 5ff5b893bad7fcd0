"""Suggested identifiers (issue 19, item 2): read from a record's text after it is committed, shown to
those who may read the record, recorded only when a member confirms one (on both backends)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from jit.extensions import db
from jit.models import Identifier, IdentifierSighting, IdentifierSuggestion
from tests.channels_support import channels_of, post
from tests.evidence_support import evidence_group, register
from tests.groups_support import TODAY
from tests.service_support import audited

CARD = "4400 4301 8000 0009"
TEXT = f"Перевод с карты {CARD} на BY13 NBRB 3600 9000 0000 2Z00 AB00, звонил +375 29 123-45-67, снова {CARD}."
FOUND = [("payment_card", "4400 •••• •••• 0009"), ("bank_account", "BY13NBRB3600900000002Z00AB00"),
         ("phone", "+375291234567")]


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def _ok(response, status: int = 201) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _message(cast, setting, text: str, channel: str = "general", who: str = "by_head") -> int:
    channel_id = channels_of(cast, setting["gid"], who)[channel]["id"]
    return _ok(post(cast, channel_id, who, text))["id"]


def _task(cast, setting, text: str, who: str = "by_head") -> int:
    return _ok(cast.api.post(f"/api/v1/groups/{setting['gid']}/tasks", json={
        "title": "Проверить выписку", "description": text, "assignee_ids": [cast.ids[who]]},
        headers=cast.headers[who]))["id"]


def _evidence(cast, setting, text: str, who: str = "by_head") -> int:
    return _ok(register(cast, setting, who=who, party="BY", description=text))["id"]


def _instruction(cast, setting, text: str, who: str = "by_head") -> int:
    """An instruction from the Belarusian team, executed in Kazakhstan with `text` as its results."""
    gid, headers = setting["gid"], cast.headers
    instruction = _ok(cast.api.post(f"/api/v1/groups/{gid}/instructions", json={
        "from_team_id": setting["teams"]["BY"], "to_team_id": setting["teams"]["KZ"],
        "case_id": setting["cases"]["BY"], "actions": ["Истребовать выписку"], "body": "Прошу истребовать выписку",
        "due_on": (TODAY + timedelta(days=30)).isoformat()},
        headers=headers[who]))
    _ok(cast.api.post(f"/api/v1/instructions/{instruction['id']}/documents", data={
        "title": "Постановление", "certified": "true", "file": (io.BytesIO(b"%PDF"), "p.pdf")},
        headers=headers[who], content_type="multipart/form-data"))
    for to, mover in (("sent", who), ("accepted", "kz_head"), ("in_progress", "kz_head")):
        instruction = _ok(cast.api.post(f"/api/v1/instructions/{instruction['id']}/transitions", json={
            "to": to, "version": instruction["version"]}, headers=headers[mover]), 200)
    _ok(cast.api.post(f"/api/v1/instructions/{instruction['id']}/results", data={"text": text},
                      headers=headers["kz_head"], content_type="multipart/form-data"))
    return instruction["id"]


SOURCES = {"message": _message, "task": _task, "evidence": _evidence, "instruction": _instruction}


def suggested(cast, setting, who: str = "by_head") -> list[dict]:
    return _ok(cast.api.get(f"/api/v1/groups/{setting['gid']}/identifier-suggestions", headers=cast.headers[who]), 200)[
        "items"]


def confirm(cast, suggestion_id: int, who: str = "by_head", **body):
    body = {"obtained_under": "Выписка банка № 12", "shareable": False, **body}
    return cast.api.post(f"/api/v1/identifier-suggestions/{suggestion_id}/confirm", json=body,
                         headers={**cast.headers[who], "Accept-Language": "en"})


def dismiss(cast, suggestion_id: int, who: str = "by_head"):
    return cast.api.post(f"/api/v1/identifier-suggestions/{suggestion_id}/dismiss", headers=cast.headers[who])


@pytest.mark.parametrize("source", SOURCES)
def test_each_text_source_is_read_once_per_value(cast, setting, source):
    record_id = SOURCES[source](cast, setting, TEXT)
    items = suggested(cast, setting)
    # The card written twice is one suggestion; cards are masked in the list.
    assert [(item["kind"], item["value"]) for item in items] == FOUND[::-1]
    assert {(item["record"]["type"], item["record"]["id"]) for item in items} == {(source, record_id)}
    assert all(item["allowed_actions"] == ["confirm", "dismiss"] and item["status"] == "pending" for item in items)
    with cast.app.app_context():
        assert db.session.query(Identifier).count() == 0  # nothing is recorded by itself
        assert [outcome for outcome, _ in audited("identifier.suggest")][-1] == "ok"


def test_a_team_channels_suggestions_are_not_shown_to_the_other_team(cast, setting):
    message_id = _message(cast, setting, f"Карта дропа {CARD}", channel="team-KZ", who="kz_member")
    mine = suggested(cast, setting, "kz_head")
    assert [(item["record"]["type"], item["record"]["id"]) for item in mine] == [("message", message_id)]
    assert suggested(cast, setting, "by_head") == []
    assert confirm(cast, mine[0]["id"], "by_head").status_code == 404
    assert dismiss(cast, mine[0]["id"], "by_head").status_code == 404
    assert _ok(confirm(cast, mine[0]["id"], "kz_member"))["links"][0]["type"] == "message"


def test_confirming_records_one_identifier_on_the_source_record(cast, setting):
    task_id = _task(cast, setting, TEXT)
    card = next(item for item in suggested(cast, setting) if item["kind"] == "payment_card")
    refused = confirm(cast, card["id"], obtained_under="")
    assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (422, ["obtained_under"])
    identifier = _ok(confirm(cast, card["id"], "kz_member"))
    assert (identifier["kind"], identifier["normalized"]) == ("payment_card", "4400430180000009")
    assert [(link["type"], link["id"], link["obtained_under"]) for link in identifier["links"]] == [
        ("task", task_id, "Выписка банка № 12")]
    assert confirm(cast, card["id"], "kz_member").status_code == 409  # decided already
    assert card["id"] not in [item["id"] for item in suggested(cast, setting)]
    with cast.app.app_context():
        assert db.session.query(IdentifierSighting).count() == 1
        assert db.session.get(IdentifierSuggestion, card["id"]).identifier_id == identifier["id"]


def test_recorded_and_dismissed_values_are_not_suggested_again(cast, setting):
    task_id = _task(cast, setting, TEXT)
    items = {item["kind"]: item for item in suggested(cast, setting)}
    _ok(confirm(cast, items["payment_card"]["id"]))
    assert _ok(dismiss(cast, items["phone"]["id"]), 200)["allowed_actions"] == []
    task = _ok(cast.api.get(f"/api/v1/tasks/{task_id}", headers=cast.headers["by_head"]), 200)
    _ok(cast.api.patch(f"/api/v1/tasks/{task_id}", json={
        "description": TEXT + " Почта drop@mail.kz", "version": task["version"]}, headers=cast.headers["by_head"]), 200)
    assert [item["kind"] for item in suggested(cast, setting)] == ["email", "bank_account"]


def test_a_value_recorded_by_hand_before_it_is_written_is_not_suggested(cast, setting):
    task_id = _task(cast, setting, "Проверить выписку")
    _ok(cast.api.post(f"/api/v1/groups/{setting['gid']}/identifiers", json={
        "kind": "payment_card", "value": CARD, "task_id": task_id, "obtained_under": "Протокол",
        "shareable": False}, headers=cast.headers["by_head"]))
    task = _ok(cast.api.get(f"/api/v1/tasks/{task_id}", headers=cast.headers["by_head"]), 200)
    _ok(cast.api.patch(f"/api/v1/tasks/{task_id}", json={"description": TEXT, "version": task["version"]},
                       headers=cast.headers["by_head"]), 200)
    assert [item["kind"] for item in suggested(cast, setting)] == ["phone", "bank_account"]


def test_outsiders_get_404_and_observers_may_read_but_not_decide(cast, setting):
    _task(cast, setting, TEXT)
    first = suggested(cast, setting)[0]
    outsider = cast.api.get(f"/api/v1/groups/{setting['gid']}/identifier-suggestions",
                            headers=cast.headers["outsider"])
    assert outsider.status_code == 404
    assert (confirm(cast, first["id"], "outsider").status_code, dismiss(cast, first["id"], "outsider").status_code) == (
        404, 404)
    observed = suggested(cast, setting, "by_legal")
    assert [item["id"] for item in observed] == [item["id"] for item in suggested(cast, setting)]
    assert all(item["allowed_actions"] == [] for item in observed)
    assert (confirm(cast, first["id"], "by_legal").status_code, dismiss(cast, first["id"], "by_legal").status_code) == (
        403, 403)
    with cast.app.app_context():
        assert db.session.query(Identifier).count() == 0
