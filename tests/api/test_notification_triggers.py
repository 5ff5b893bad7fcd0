"""What notifies whom (issue 17, item 2), each through the door a person would use; the actor never
hears of their own act, and removal from a group takes the group's notices out of the inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jit.models.types import utcnow
from jit.services import reminders
from tests.channels_support import active_group_with_member, channels_of, post
from tests.evidence_support import custody, evidence_group, register
from tests.groups_support import TODAY
from tests.notifications_support import draft_instruction, inbox, kinds, mark_read, send_instruction


@pytest.fixture
def app(make_app, tmp_path):
    """Evidence files of each test in a store of their own."""
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


def _task(cast, group, **body):
    response = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Допросить свидетеля", "assignee_ids": [cast.ids["kz_member"]], **body},
        headers=cast.headers["creator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _patch(cast, task, who, **body):
    response = cast.api.patch(f"/api/v1/tasks/{task['id']}", json={"version": task["version"], **body},
                              headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_task_assigned_reassigned_commented_blocked(cast):
    group = active_group_with_member(cast)
    task = _task(cast, group)
    assert kinds(cast, "kz_member", kind="task.assigned") == ["task.assigned"]
    assert kinds(cast, "creator", kind="task.assigned") == []  # the setter's own act
    commented = cast.api.post(f"/api/v1/tasks/{task['id']}/comments", json={"body": "Приступил"},
                              headers=cast.headers["kz_member"])
    assert commented.status_code == 201
    assert kinds(cast, "creator", kind="task.commented") == ["task.commented"]
    assert kinds(cast, "kz_member", kind="task.commented") == []
    task = _patch(cast, task, "kz_member", status="blocked", blocked_reason="Свидетель в командировке")
    [blocked] = inbox(cast, "creator", kind="task.blocked")["items"]
    assert "Свидетель в командировке" in blocked["text"]
    _patch(cast, task, "creator", assignee_ids=[cast.ids["kz_head"]])
    assert kinds(cast, "kz_head", kind="task.assigned") == ["task.assigned"]
    assert kinds(cast, "kz_member", kind="task.reassigned") == ["task.reassigned"]  # taken off it
    assert kinds(cast, "outsider") == []


def test_opening_the_task_marks_its_notices_read(cast):
    group = active_group_with_member(cast)
    task = _task(cast, group)
    before = inbox(cast, "kz_member")["unread"]
    assert cast.api.get(f"/api/v1/tasks/{task['id']}", headers=cast.headers["kz_member"]).status_code == 200
    assert inbox(cast, "kz_member")["unread"] == before - 1
    assert inbox(cast, "kz_member", kind="task.assigned")["items"][0]["read_at"] is not None


def test_removal_from_the_group_empties_its_notices_but_says_so(cast):
    group = active_group_with_member(cast)
    _task(cast, group)
    general = channels_of(cast, group["id"], "by_head")["general"]
    post(cast, general["id"], "by_head", f"@{cast.people['kz_member'].username} смотрите")
    assert set(kinds(cast, "kz_member")) == {"member.added", "task.assigned", "mention"}
    removed = cast.api.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}",
                              headers=cast.headers["kz_head"])
    assert removed.status_code == 204, removed.get_json()
    answer = inbox(cast, "kz_member")
    assert [(item["kind"], item["group_id"]) for item in answer["items"]] == [("member.removed", None)]
    assert answer["unread"] == 1


def test_a_notice_whose_object_is_out_of_sight_is_not_shown(cast):
    """Read-time check: a custom channel the member was dropped from keeps its mention out of the inbox."""
    group = active_group_with_member(cast)
    created = cast.api.post(f"/api/v1/groups/{group['id']}/channels", json={
        "name": "оперативный", "member_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert created.status_code == 201, created.get_json()
    channel = created.get_json()
    assert post(cast, channel["id"], "creator", f"@{cast.people['kz_member'].username} срочно").status_code == 201
    assert kinds(cast, "kz_member", kind="mention") == ["mention"]
    dropped = cast.api.delete(f"/api/v1/channels/{channel['id']}/members/{cast.ids['kz_member']}",
                              headers=cast.headers["creator"])
    assert dropped.status_code == 204, dropped.get_json()
    assert kinds(cast, "kz_member", kind="mention") == []


def test_evidence_handed_over_tells_the_new_custodian(cast):
    setting = evidence_group(cast)
    item = register(cast, setting).get_json()
    moved = custody(cast, item["id"], "kz_member", type="transferred", to_user_id=cast.ids["by_head"], place="Минск")
    assert moved.status_code == 201, moved.get_json()
    [notice] = inbox(cast, "by_head", kind="evidence.handed_over")["items"]
    assert notice["object"] == {"type": "evidence", "id": item["id"]}
    assert kinds(cast, "kz_member", kind="evidence.handed_over") == []


def test_group_status_and_membership_tell_whom_they_concern(cast):
    active_group_with_member(cast)
    assert kinds(cast, "kz_member", kind="member.added") == ["member.added"]
    assert "group.status" in kinds(cast, "kz_head") and "group.decision" in kinds(cast, "by_head")
    assert kinds(cast, "creator", kind="group.status") == []  # the creator moved it


def test_due_reminders_come_once_per_event_and_threshold(app, cast):
    group = active_group_with_member(cast)
    _task(cast, group, due_on=(TODAY + timedelta(days=1)).isoformat())
    with app.app_context():
        assert reminders.send_due() >= 2  # the assignee and the setter
        assert reminders.send_due() == 0  # run again: nothing new
    assert kinds(cast, "kz_member", kind="task.due_tomorrow") == ["task.due_tomorrow"]
    assert kinds(cast, "creator", kind="task.due_tomorrow") == ["task.due_tomorrow"]
    with app.app_context():
        reminders.send_due(today=TODAY + timedelta(days=2))
        reminders.send_due(today=TODAY + timedelta(days=3))
    assert kinds(cast, "kz_member", kind="task.overdue") == ["task.overdue"]


def test_the_term_reminders(app, cast):
    group = active_group_with_member(cast)
    with app.app_context():
        reminders.send_due(today=utcnow().date() + timedelta(days=180 - 30))
        reminders.send_due(today=utcnow().date() + timedelta(days=180 - 29))
        reminders.send_due(today=utcnow().date() + timedelta(days=181))
    heads = kinds(cast, "kz_head", group_id=group["id"])
    assert [kind for kind in heads if kind.startswith("group.term")] == ["group.term_past", "group.term_30"]


def test_the_due_command_runs(app, cast):
    active_group_with_member(cast)
    result = app.test_cli_runner().invoke(args=["jit", "notify", "due"])
    assert result.exit_code == 0, result.output
    assert "reminder(s) sent" in result.output


def test_marking_read_after_removal_leaves_the_removal_notice(cast):
    group = active_group_with_member(cast)
    cast.api.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}", headers=cast.headers["kz_head"])
    assert mark_read(cast, "kz_member", all=True).status_code == 204
    assert inbox(cast, "kz_member")["items"][0]["read_at"] is not None


def _sent_instruction(cast) -> dict:
    return send_instruction(cast, draft_instruction(cast))


def test_instruction_sent_reaches_the_requested_head_and_a_refusal_the_requesting_head(cast):
    instruction = _sent_instruction(cast)
    [notice] = inbox(cast, "kz_head", kind="instruction.sent")["items"]
    assert notice["object"] == {"type": "instruction", "id": instruction["id"]}
    assert kinds(cast, "by_head", kind="instruction.sent") == []
    refused = cast.api.post(f"/api/v1/instructions/{instruction['id']}/transitions", json={
        "to": "refused", "version": instruction["version"], "reason": "Нет оснований по закону"},
        headers=cast.headers["kz_head"])
    assert refused.status_code == 200, refused.get_json()
    [refusal] = inbox(cast, "by_head", kind="instruction.refused")["items"]
    assert "Нет оснований по закону" in refusal["text"]
    assert kinds(cast, "outsider") == []
    assert cast.api.get(f"/api/v1/instructions/{instruction['id']}", headers=cast.headers["kz_head"]).status_code == 200
    assert inbox(cast, "kz_head", kind="instruction.sent")["items"][0]["read_at"] is not None
