"""One answer to "may the group work today?" (scope.require_workable): for each state of a group,
every door that sets a task, registers an evidence item, sends an instruction or reports its results
gives the same
outcome, with the same code, and honours the AGR-TERM setting the compliance engine reads (switched
off, grace days). A draft instruction may be prepared at any stage short of closure."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta

import pytest

from jit.extensions import db
from jit.models import ComplianceRuleSetting, GroupStatus, Instruction, JointGroup, User
from jit.services import evidence, instructions, tasks
from jit.services.errors import DomainError
from tests.evidence_support import OBTAINED, evidence_group
from tests.evidence_support import register as register_through_api
from tests.groups_support import TODAY
from tests.web.test_task_pages import set_task

EN = {"Accept-Language": "en"}
DUE = TODAY + timedelta(days=10)
OK = "ok"

# state: (status, term start and end as days from today, AGR-TERM setting or None, expected code or OK)
STATES = {
    "draft": (GroupStatus.DRAFT, (-10, 100), None, "group_not_active"),
    "requested": (GroupStatus.REQUESTED, (-10, 100), None, "group_not_active"),
    "suspended": (GroupStatus.SUSPENDED, (-10, 100), None, "group_suspended"),
    "closed": (GroupStatus.CLOSED, (-10, 100), None, "group_closed"),
    "before_start": (GroupStatus.ACTIVE, (5, 100), None, "group_term_not_started"),
    "after_end": (GroupStatus.ACTIVE, (-100, -1), None, "group_term_ended"),
    "after_end_within_grace": (GroupStatus.ACTIVE, (-100, -3), {"enabled": True, "params": {"grace_days": 3}}, OK),
    "after_end_beyond_grace": (GroupStatus.ACTIVE, (-100, -4), {"enabled": True, "params": {"grace_days": 3}},
                               "group_term_ended"),
    "after_end_rule_off": (GroupStatus.ACTIVE, (-100, -30), {"enabled": False, "params": {}}, OK),
    "active_within_term": (GroupStatus.ACTIVE, (-10, 100), None, OK),
}


def _api_outcome(response) -> tuple[str, str | None]:
    if response.status_code < 300:
        return OK, None
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    return error["code"], error["message"]


def _service_outcome(call) -> str:
    try:
        call()
    except DomainError as refusal:
        assert refusal.status == 409, refusal.message
        return refusal.code
    return OK


def _draft_instruction(cast, world) -> dict:
    """A draft BY → KZ instruction with its certified decision, ready to send."""
    draft = cast.api.post(f"/api/v1/groups/{world['gid']}/instructions", json=_instruction_body(world),
                          headers=cast.headers["by_head"])
    assert draft.status_code == 201, draft.get_json()
    attached = cast.api.post(f"/api/v1/instructions/{draft.get_json()['id']}/documents", data={
        "title": "Постановление", "certified": "true", "is_sanction": "false",
        "file": (io.BytesIO(b"%PDF-1.4 decision"), "decision.pdf")},
        headers=cast.headers["by_head"], content_type="multipart/form-data")
    assert attached.status_code == 201, attached.get_json()
    return draft.get_json()


def _accepted_instruction(cast, world) -> int:
    """An instruction sent to the KZ team and accepted there: its results are due."""
    iid = _draft_instruction(cast, world)["id"]
    for head, step in (("by_head", "sent"), ("kz_head", "accepted")):
        version = cast.api.get(f"/api/v1/instructions/{iid}", headers=cast.headers[head]).get_json()["version"]
        moved = cast.api.post(f"/api/v1/instructions/{iid}/transitions", json={"to": step, "version": version},
                              headers=cast.headers[head])
        assert moved.status_code == 200, moved.get_json()
    return iid


def _instruction_body(world) -> dict:
    return {"from_team_id": world["teams"]["BY"], "to_team_id": world["teams"]["KZ"],
            "case_id": world["cases"]["BY"], "actions": ["Допросить свидетеля"], "due_on": DUE.isoformat(),
            "body": "Прошу допросить свидетеля."}


def _put_in_state(cast, gid: int, state: str) -> None:
    status, (start, end), setting, _ = STATES[state]
    with cast.app.app_context():
        group = db.session.get(JointGroup, gid)
        group.status = status
        group.starts_on, group.ends_on = TODAY + timedelta(days=start), TODAY + timedelta(days=end)
        if setting is not None:
            db.session.add(ComplianceRuleSetting(rule="AGR-TERM", **setting))
        db.session.commit()


@pytest.mark.parametrize("state", list(STATES))
def test_every_door_gives_the_same_answer(cast, state):
    world = evidence_group(cast)
    gid = world["gid"]
    to_send = [_draft_instruction(cast, world)["id"] for _ in range(2)]
    being_executed = _accepted_instruction(cast, world)
    _put_in_state(cast, gid, state)
    expected = STATES[state][-1]
    kz_member = cast.ids["kz_member"]

    with cast.app.app_context():
        creator, by_head, kz_head, member = (db.session.get(User, cast.ids[name])
                                             for name in ("creator", "by_head", "kz_head", "kz_member"))
        service = {
            "task": _service_outcome(lambda: tasks.create_task(creator, gid, title="Допрос", assignee_ids=[kz_member])),
            "evidence": _service_outcome(lambda: evidence.register(
                member, gid, case_id=world["cases"]["KZ"], title="Образ диска", kind="digital_copy",
                obtained_at=datetime.fromisoformat(OBTAINED).astimezone(UTC), obtained_place="г. Алматы",
                obtained_under="Протокол обыска № 17")),
            "sending": _service_outcome(lambda: instructions.transition(
                by_head, to_send[0], to="sent", version=db.session.get(Instruction, to_send[0]).version)),
            "results": _service_outcome(lambda: instructions.add_result(
                kz_head, being_executed, text="Свидетель допрошен.")),
        }

    creator_en = {**cast.headers["creator"], **EN}
    task_code, message = _api_outcome(cast.api.post(f"/api/v1/groups/{gid}/tasks", json={
        "title": "Допрос", "assignee_ids": [kz_member]}, headers=creator_en))
    sending = cast.api.get(f"/api/v1/instructions/{to_send[1]}", headers=cast.headers["by_head"]).get_json()
    api = {
        "task": task_code,
        "evidence": _api_outcome(register_through_api(cast, world))[0],
        "sending": _api_outcome(cast.api.post(f"/api/v1/instructions/{to_send[1]}/transitions", json={
            "to": "sent", "version": sending["version"]}, headers=cast.headers["by_head"]))[0],
    }
    page = set_task(cast.browser("creator"), gid, assignee_ids=str(kz_member))

    assert service == dict.fromkeys(service, expected)
    assert api == dict.fromkeys(api, expected)
    if expected == OK:
        assert page.status_code == 302, page.get_data(as_text=True)
    else:
        assert page.status_code == 409
        assert message in html.unescape(page.get_data(as_text=True))
