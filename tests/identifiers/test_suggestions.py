"""Suggested identifiers (issue 19, item 2): read from a record's text after it is committed, shown to
those who may read the record, recorded only when a member confirms one (on both backends)."""

from __future__ import annotations

import pytest

from jit.extensions import db
from jit.models import Identifier, IdentifierSighting, IdentifierSuggestion
from tests.evidence_support import evidence_group
from tests.service_support import audited
from tests.suggestions_support import (
    CARD,
    FOUND,
    SOURCES,
    TEXT,
    ok,
    suggested,
    write_message,
    write_task,
)


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


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
    message_id = write_message(cast, setting, f"Карта дропа {CARD}", channel="team-KZ", who="kz_member")
    mine = suggested(cast, setting, "kz_head")
    assert [(item["record"]["type"], item["record"]["id"]) for item in mine] == [("message", message_id)]
    assert suggested(cast, setting, "by_head") == []
    assert confirm(cast, mine[0]["id"], "by_head").status_code == 404
    assert dismiss(cast, mine[0]["id"], "by_head").status_code == 404
    assert ok(confirm(cast, mine[0]["id"], "kz_member"))["links"][0]["type"] == "message"


def test_confirming_records_one_identifier_on_the_source_record(cast, setting):
    task_id = write_task(cast, setting, TEXT)
    card = next(item for item in suggested(cast, setting) if item["kind"] == "payment_card")
    refused = confirm(cast, card["id"], obtained_under="")
    assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (422, ["obtained_under"])
    identifier = ok(confirm(cast, card["id"], "kz_member"))
    assert (identifier["kind"], identifier["normalized"]) == ("payment_card", "4400430180000009")
    assert [(link["type"], link["id"], link["obtained_under"]) for link in identifier["links"]] == [
        ("task", task_id, "Выписка банка № 12")]
    assert confirm(cast, card["id"], "kz_member").status_code == 409  # decided already
    assert card["id"] not in [item["id"] for item in suggested(cast, setting)]
    with cast.app.app_context():
        assert db.session.query(IdentifierSighting).count() == 1
        assert db.session.get(IdentifierSuggestion, card["id"]).identifier_id == identifier["id"]


def test_recorded_and_dismissed_values_are_not_suggested_again(cast, setting):
    task_id = write_task(cast, setting, TEXT)
    items = {item["kind"]: item for item in suggested(cast, setting)}
    ok(confirm(cast, items["payment_card"]["id"]))
    assert ok(dismiss(cast, items["phone"]["id"]), 200)["allowed_actions"] == []
    task = ok(cast.api.get(f"/api/v1/tasks/{task_id}", headers=cast.headers["by_head"]), 200)
    ok(cast.api.patch(f"/api/v1/tasks/{task_id}", json={
        "description": TEXT + " Почта drop@mail.kz", "version": task["version"]}, headers=cast.headers["by_head"]), 200)
    assert [item["kind"] for item in suggested(cast, setting)] == ["email", "bank_account"]


def test_a_value_recorded_by_hand_before_it_is_written_is_not_suggested(cast, setting):
    task_id = write_task(cast, setting, "Проверить выписку")
    ok(cast.api.post(f"/api/v1/groups/{setting['gid']}/identifiers", json={
        "kind": "payment_card", "value": CARD, "task_id": task_id, "obtained_under": "Протокол",
        "shareable": False}, headers=cast.headers["by_head"]))
    task = ok(cast.api.get(f"/api/v1/tasks/{task_id}", headers=cast.headers["by_head"]), 200)
    ok(cast.api.patch(f"/api/v1/tasks/{task_id}", json={"description": TEXT, "version": task["version"]},
                       headers=cast.headers["by_head"]), 200)
    assert [item["kind"] for item in suggested(cast, setting)] == ["phone", "bank_account"]


def test_outsiders_get_404_and_observers_may_read_but_not_decide(cast, setting):
    write_task(cast, setting, TEXT)
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
