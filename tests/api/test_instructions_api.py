"""Instructions through the API: the simplified channel between national heads, and its refusals."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import timedelta

import pytest

from jit.extensions import socketio
from tests.groups_support import TODAY, activate_with_case, advance, create_group, form_teams

DUE = (TODAY + timedelta(days=30)).isoformat()


@pytest.fixture
def setting(cast):
    """An active BY–KZ group with a Belarusian case; returns (group, BY team id, KZ team id, case id)."""
    group, teams, case_id = activate_with_case(cast)
    return group, teams["BY"], teams["KZ"], case_id


def _draft(cast, setting, who="by_head", **overrides):
    group, by_team, kz_team, case_id = setting
    body = {"from_team_id": by_team, "to_team_id": kz_team, "case_id": case_id, "due_on": DUE,
            "actions": ["Допросить свидетеля Иванова И.И.", "Истребовать сведения о банковских счетах"],
            "body": "Прошу провести следующие процессуальные действия на территории Республики Казахстан.",
            **overrides}
    return cast.api.post(f"/api/v1/groups/{group['id']}/instructions", json=body, headers=cast.headers[who])


def _attach(cast, instruction, *, certified=True, sanction=False, who="by_head"):
    return cast.api.post(f"/api/v1/instructions/{instruction['id']}/documents", data={
        "title": "Санкция прокурора" if sanction else "Постановление о производстве допроса",
        "certified": "true" if certified else "false", "is_sanction": "true" if sanction else "false",
        "file": (io.BytesIO(b"%PDF-1.4 postanovlenie"), "постановление.pdf")},
        headers=cast.headers[who], content_type="multipart/form-data")


def _move(cast, instruction, to, who, reason=None, version=None):
    body = {"to": to, "version": version or instruction["version"], **({"reason": reason} if reason else {})}
    return cast.api.post(f"/api/v1/instructions/{instruction['id']}/transitions", json=body,
                         headers=cast.headers[who])


def _read(cast, instruction, who="by_head"):
    return cast.api.get(f"/api/v1/instructions/{instruction['id']}", headers=cast.headers[who]).get_json()


def _error(response, status, code=None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if code:
        assert error["code"] == code
    return error


def test_the_whole_channel(cast, setting):
    draft = _draft(cast, setting)
    assert draft.status_code == 201, draft.get_json()
    instruction = draft.get_json()
    assert (instruction["status"], instruction["actions"][0]) == ("draft", "Допросить свидетеля Иванова И.И.")
    english = cast.api.post(f"/api/v1/instructions/{instruction['id']}/transitions",
                            json={"to": "sent", "version": instruction["version"]},
                            headers={**cast.headers["by_head"], "Accept-Language": "en"})
    assert "certified decision" in _error(english, 409)["message"]
    assert _attach(cast, instruction, certified=False).status_code == 201
    _error(_move(cast, instruction, "sent", "by_head"), 409)  # an uncertified copy is not enough
    assert _attach(cast, instruction).status_code == 201
    instruction = _move(cast, instruction, "sent", "by_head").get_json()
    assert instruction["status"] == "sent"
    # only the requested head answers
    _error(_move(cast, instruction, "accepted", "by_head"), 403)
    instruction = _move(cast, instruction, "accepted", "kz_head").get_json()
    instruction = _move(cast, instruction, "in_progress", "kz_head").get_json()
    _error(_move(cast, instruction, "executed", "kz_head"), 409)  # no results yet
    content = "Протокол допроса свидетеля".encode() * 50
    result = cast.api.post(f"/api/v1/instructions/{instruction['id']}/results", data={
        "text": "Свидетель допрошен, протокол прилагается.", "file": (io.BytesIO(content), "протокол.pdf")},
        headers=cast.headers["kz_head"], content_type="multipart/form-data")
    assert result.status_code == 201, result.get_json()
    instruction = _move(cast, _read(cast, instruction), "executed", "kz_head").get_json()
    assert instruction["status"] == "executed"
    # the results go back to the requesting team, file and digest intact
    download = cast.api.get(f"/api/v1/instructions/{instruction['id']}/results/{result.get_json()['id']}/file",
                            headers=cast.headers["by_head"])
    assert download.data == content
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(content).digest()).decode()
    kinds = [event["kind"] for event in instruction["history"]]
    assert kinds == ["created", "document_added", "document_added", "sent", "accepted", "in_progress",
                     "result_added", "executed"]


def test_an_instruction_needing_a_sanction_is_sent_only_with_a_certified_one(cast, setting):
    assert _draft(cast, setting).get_json()["needs_sanction"] is False
    instruction = _draft(cast, setting, needs_sanction=True).get_json()
    assert (instruction["needs_sanction"], _read(cast, instruction)["needs_sanction"]) == (True, True)
    assert _attach(cast, instruction).status_code == 201
    assert _attach(cast, instruction, sanction=True, certified=False).status_code == 201
    refused = _error(_move(cast, instruction, "sent", "by_head"), 409, "conflict")
    assert "AGR-INSTR-DECISIONS" in refused["message"] and "санкци" in refused["message"]  # Russian by default
    assert _read(cast, instruction)["status"] == "draft"
    assert _attach(cast, instruction, sanction=True).status_code == 201
    sent = _move(cast, instruction, "sent", "by_head")
    assert sent.status_code == 200, sent.get_json()
    assert (sent.get_json()["status"], sent.get_json()["needs_sanction"]) == ("sent", True)


def test_only_the_requesting_national_head_drafts(cast, setting):
    group, _, kz_team, _ = setting
    cast.api.post(f"/api/v1/groups/{group['id']}/members", json={"user_id": cast.ids["kz_member"],
                                                                 "team_id": kz_team}, headers=cast.headers["kz_head"])
    _error(_draft(cast, setting, who="kz_member", from_team_id=kz_team, to_team_id=setting[1]), 403, "forbidden")
    _error(_draft(cast, setting, who="creator"), 403, "forbidden")  # the group head is no national head


def test_to_ones_own_team_or_another_groups_team_is_refused(cast, setting):
    own = _error(_draft(cast, setting, to_team_id=setting[1]), 422, "invalid")
    assert list(own["fields"]) == ["to_team_id"]
    other_group = create_group(cast)
    form_teams(cast, other_group["id"])
    foreign_team = cast.api.get(f"/api/v1/groups/{other_group['id']}", headers=cast.headers["creator"]
                                ).get_json()["teams"][1]["id"]
    foreign = _error(_draft(cast, setting, to_team_id=foreign_team), 422, "invalid")
    assert list(foreign["fields"]) == ["to_team_id"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "due_on"),
    ({"actions": []}, "actions"),
    ({"actions": ["  "]}, "actions"),
    ({"body": " "}, "body"),
    ({"case_id": 99999}, "case_id"),
])
def test_bad_drafts_name_the_field(cast, setting, overrides, field):
    assert list(_error(_draft(cast, setting, **overrides), 422, "invalid")["fields"]) == [field]


def test_out_of_order_stale_and_unexplained_refusal(cast, setting):
    instruction = _draft(cast, setting).get_json()
    _error(_move(cast, instruction, "accepted", "kz_head"), 409, "conflict")
    _attach(cast, instruction)
    sent = _move(cast, instruction, "sent", "by_head").get_json()
    stale = _error(_move(cast, sent, "accepted", "kz_head", version=instruction["version"]), 409, "conflict")
    assert stale["fields"]["version"] == str(sent["version"])
    assert list(_error(_move(cast, sent, "refused", "kz_head"), 422, "invalid")["fields"]) == ["reason"]
    refused = _move(cast, sent, "refused", "kz_head", reason="Действия не предусмотрены законодательством РК")
    assert refused.get_json()["refusal_reason"] == "Действия не предусмотрены законодательством РК"
    _error(_move(cast, refused.get_json(), "accepted", "kz_head"), 409, "conflict")


def test_nothing_is_sent_in_a_suspended_group(cast, setting):
    instruction = _draft(cast, setting).get_json()
    _attach(cast, instruction)
    advance(cast, setting[0]["id"], "suspended")
    _error(_move(cast, instruction, "sent", "by_head"), 409, "group_suspended")


def test_outsiders_learn_nothing(cast, setting):
    instruction = _draft(cast, setting).get_json()
    document = _attach(cast, instruction).get_json()
    outsider = cast.headers["outsider"]
    for path in (f"/api/v1/instructions/{instruction['id']}", f"/api/v1/groups/{setting[0]['id']}/instructions",
                 f"/api/v1/instructions/{instruction['id']}/documents/{document['id']}/file"):
        assert cast.api.get(path, headers=outsider).status_code == 404, path
    missing = cast.api.get("/api/v1/instructions/99999", headers=outsider)
    assert missing.get_json() == cast.api.get(f"/api/v1/instructions/{instruction['id']}", headers=outsider).get_json()


def test_list_and_filter(cast, setting):
    first = _draft(cast, setting).get_json()
    _draft(cast, setting)
    _attach(cast, first)
    _move(cast, first, "sent", "by_head")
    listed = cast.api.get(f"/api/v1/groups/{setting[0]['id']}/instructions", query_string={"status": "sent"},
                          headers=cast.headers["kz_head"]).get_json()
    assert [item["id"] for item in listed["items"]] == [first["id"]]


def test_decisions_are_attached_before_sending_only(cast, setting):
    instruction = _draft(cast, setting).get_json()
    _attach(cast, instruction)
    _move(cast, instruction, "sent", "by_head")
    _error(_attach(cast, instruction), 409)
    _error(_attach(cast, instruction, who="kz_head"), 403)


def test_the_done_when_story_through_the_api_and_sockets(app, cast, setting):
    """Issue 5's browser story, through the API: the Kazakh head's socket hears the instruction arrive,
    the task under it is done by a member, and the Belarusian head's socket hears the execution."""
    group, _, kz_team, _ = setting
    joined = cast.api.post(f"/api/v1/groups/{group['id']}/members", json={
        "user_id": cast.ids["kz_member"], "team_id": kz_team}, headers=cast.headers["kz_head"])
    assert joined.status_code == 201, joined.get_json()
    sockets = {who: socketio.test_client(app, auth={"token": cast.headers[who]["Authorization"][7:]})
               for who in ("by_head", "kz_head", "outsider")}

    def heard(who: str) -> list[tuple[str, str]]:
        return [(packet["args"][0]["type"], packet["args"][0]["data"].get("status"))
                for packet in sockets[who].get_received() if packet["name"] == "event"
                and packet["args"][0]["type"].startswith("instruction.")]

    instruction = _draft(cast, setting).get_json()
    assert _attach(cast, instruction).status_code == 201
    instruction = _move(cast, _read(cast, instruction), "sent", "by_head").get_json()
    assert ("instruction.sent", "sent") in heard("kz_head")
    instruction = _move(cast, instruction, "accepted", "kz_head").get_json()

    created = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Допросить свидетеля Иванова И.И.", "assignee_ids": [cast.ids["kz_member"]], "due_on": DUE,
        "priority": "high", "instruction_id": instruction["id"]}, headers=cast.headers["kz_head"])
    assert created.status_code == 201, created.get_json()
    task = created.get_json()
    assert task["instruction_id"] == instruction["id"]
    assert [assignee["id"] for assignee in task["assignees"]] == [cast.ids["kz_member"]]
    for status in ("in_progress", "done"):
        moved = cast.api.patch(f"/api/v1/tasks/{task['id']}", json={"status": status, "version": task["version"]},
                               headers=cast.headers["kz_member"])
        assert moved.status_code == 200, moved.get_json()
        task = moved.get_json()
    assert task["status"] == "done"

    instruction = _move(cast, _read(cast, instruction), "in_progress", "kz_head").get_json()
    result = cast.api.post(f"/api/v1/instructions/{instruction['id']}/results", data={
        "text": "Свидетель допрошен.", "file": (io.BytesIO(b"%PDF-1.4 protocol"), "протокол.pdf")},
        headers=cast.headers["kz_head"], content_type="multipart/form-data")
    assert result.status_code == 201, result.get_json()
    instruction = _move(cast, _read(cast, instruction), "executed", "kz_head").get_json()
    assert instruction["status"] == "executed"
    assert [r["file_name"] for r in _read(cast, instruction)["results"]] == ["протокол.pdf"]
    assert ("instruction.executed", "executed") in heard("by_head")
    assert heard("outsider") == []
    for socket in sockets.values():
        socket.disconnect()


# --- the subject ---------------------------------------------------------------------------

def test_without_a_subject_the_first_action_is_the_subject_and_lists_show_it(cast, setting):
    long_action = "Допросить свидетеля " + "очень подробно " * 20
    instruction = _draft(cast, setting, actions=[f"  {long_action}  ", "Второе действие"]).get_json()
    assert instruction["subject"] == long_action.strip()[:200]
    named = _draft(cast, setting, subject="  Допрос свидетеля Иванова  ").get_json()
    assert named["subject"] == "Допрос свидетеля Иванова"
    listing = cast.api.get(f"/api/v1/groups/{setting[0]['id']}/instructions", headers=cast.headers["kz_head"])
    assert [item["subject"] for item in listing.get_json()["items"]] == [named["subject"], instruction["subject"]]


@pytest.mark.parametrize("subject", ["   ", "С" * 201])
def test_a_blank_or_too_long_subject_is_refused(cast, setting, subject):
    error = _error(_draft(cast, setting, subject=subject), 422)
    assert "subject" in error["fields"]


def test_a_drafts_subject_is_edited_by_its_head_with_the_version_read(cast, setting):
    instruction = _draft(cast, setting).get_json()
    url = f"/api/v1/instructions/{instruction['id']}"
    _error(cast.api.patch(url, json={"subject": "Чужая правка", "version": instruction["version"]},
                          headers=cast.headers["kz_head"]), 403)
    edited = cast.api.patch(url, json={"subject": "Допрос Иванова", "version": instruction["version"]},
                            headers=cast.headers["by_head"])
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["subject"] == "Допрос Иванова"
    assert edited.get_json()["history"][-1]["details"]["subject"] == "Допрос Иванова"
    stale = cast.api.patch(url, json={"subject": "Старая версия", "version": instruction["version"]},
                           headers=cast.headers["by_head"])
    _error(stale, 409)
    assert _read(cast, instruction)["subject"] == "Допрос Иванова"
    current = edited.get_json()
    assert _attach(cast, current).status_code == 201
    sent = _move(cast, current, "sent", "by_head", version=_read(cast, current)["version"]).get_json()
    _error(cast.api.patch(url, json={"subject": "После отправки", "version": sent["version"]},
                          headers=cast.headers["by_head"]), 409)
