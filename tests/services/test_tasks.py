"""The task service called directly, as every door calls it: who sets and changes a task, the
workflow's moves, field checks, versions, the history row per changed field, comments and filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jit.extensions import db
from jit.models import Task, TaskChange, TaskStatus
from jit.services import authz, groups, tasks
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.groups_support import TODAY, activate
from tests.service_support import audited, person

TITLE = "Допросить свидетеля Жанибекова"


@pytest.fixture
def work(cast) -> tuple[int, dict[str, int]]:
    """An active BY–KZ group headed by the creator, kz_member in the KZ team: (group id, team ids)."""
    group = activate(cast)
    teams = {team["party"]: team["id"] for team in group["teams"]}
    with cast.app.app_context():
        groups.add_member(person(cast, "kz_head"), group["id"], user_id=cast.ids["kz_member"], team_id=teams["KZ"],
                          role="member")
    return group["id"], teams


def _create(cast, gid: int, who: str = "creator", **fields) -> Task:
    values = {"title": TITLE, "assignee_ids": [cast.ids["kz_member"]], "due_on": TODAY + timedelta(days=7), **fields}
    return tasks.create_task(person(cast, who), gid, **values)


def _update(cast, task_id: int, who: str, **fields) -> Task:
    version = fields.pop("version", db.session.get(Task, task_id).version)
    return tasks.update_task(person(cast, who), task_id, version=version, **fields)


def _history(task_id: int) -> list[tuple]:
    rows = db.session.scalars(select(TaskChange).where(TaskChange.task_id == task_id).order_by(TaskChange.id))
    return [(row.field, row.actor_id, row.old, row.new) for row in rows]


def _fields(refusal: pytest.ExceptionInfo) -> set[str]:
    return set(refusal.value.fields)


def test_the_head_sets_a_task_recorded_as_created_with_its_first_values(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task = _create(cast, gid, description="  Протокол  ", priority="high")
        assert (task.status, task.version, task.team_id, task.description, task.created_by_id) == (
            TaskStatus.OPEN, 1, None, "Протокол", cast.ids["creator"])
        assert _history(task.id) == [("created", cast.ids["creator"], {}, {
            "status": "open", "title": TITLE, "description": "Протокол", "assignee_ids": [cast.ids["kz_member"]],
            "due_on": (TODAY + timedelta(days=7)).isoformat(), "priority": "high", "blocked_reason": None,
            "team_id": None, "case_id": None, "instruction_id": None})]
        [(outcome, details)] = audited("task.create")
        assert (outcome, details["assignees"]) == ("ok", str(cast.ids["kz_member"]))


def test_only_the_group_head_or_a_national_head_for_their_own_team_sets_tasks(cast, work):
    gid, teams = work
    with cast.app.app_context():
        for who in ("kz_member", "by_legal"):
            with pytest.raises(Forbidden):
                _create(cast, gid, who)
        for group_id in (gid, 99_999):
            with pytest.raises(NotFound):
                _create(cast, group_id, "outsider")
        with pytest.raises(Forbidden) as other_team:
            _create(cast, gid, "kz_head", assignee_ids=[cast.ids["kz_member"], cast.ids["by_head"]])
        assert _fields(other_team) == {"assignee_ids"}
        own = _create(cast, gid, "kz_head")
        assert own.team_id == teams["KZ"]
        assert [task.id for task in tasks.list_tasks(person(cast, "creator"), gid).items] == [own.id]


def test_a_new_task_names_each_wrong_field(cast, work):
    gid, _ = work
    with cast.app.app_context():
        with pytest.raises(Invalid) as refused:
            _create(cast, gid, title="  ", priority="extreme", due_on=TODAY - timedelta(days=1), case_id=99_999,
                    instruction_id=99_999, assignee_ids=[])
        assert _fields(refused) == {"title", "priority", "due_on", "case_id", "instruction_id", "assignee_ids"}
        for assignees in ([cast.ids["outsider"]], [cast.ids["kz_member"], cast.ids["by_legal"]], [99_999]):
            with pytest.raises(Invalid) as stranger:
                _create(cast, gid, assignee_ids=assignees)
            assert _fields(stranger) == {"assignee_ids"}
        with pytest.raises(Invalid) as too_long:
            _create(cast, gid, title="Я" * 301)
        assert _fields(too_long) == {"title"}
        late = _create(cast, gid, title="Я" * 300, due_on=TODAY - timedelta(days=1), allow_past_due=True)
        assert late.due_on == TODAY - timedelta(days=1)
        assert db.session.scalars(select(Task.id)).all() == [late.id]


def test_the_workflow_allows_only_its_moves_and_done_and_cancelled_are_final(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid).id
        with pytest.raises(Conflict) as skipping:
            _update(cast, task_id, "kz_member", status="done")
        assert _fields(skipping) == {"status"}
        with pytest.raises(Invalid) as unknown:
            _update(cast, task_id, "kz_member", status="paused")
        assert _fields(unknown) == {"status"}
        _update(cast, task_id, "kz_member", status="in_progress")
        with pytest.raises(Conflict) as back:
            _update(cast, task_id, "kz_member", status="open")
        assert (back.value.code, _fields(back)) == ("conflict", {"status"})
        done = _update(cast, task_id, "kz_member", status="done")
        assert (done.status, done.version) == (TaskStatus.DONE, 3)
        with pytest.raises(Conflict) as final:
            _update(cast, task_id, "creator", title="Иное")
        assert _fields(final) == {"status"}
        cancelled_id = _create(cast, gid).id
        _update(cast, cancelled_id, "creator", status="cancelled")
        with pytest.raises(Conflict):  # final: only reopening leaves it (issue 15; reopening was refused before)
            _update(cast, cancelled_id, "creator", status="in_progress")
        assert [db.session.get(Task, i).status for i in (task_id, cancelled_id)] == [TaskStatus.DONE,
                                                                                    TaskStatus.CANCELLED]


def test_blocked_needs_a_reason_and_leaving_it_clears_the_reason(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid).id
        for reason in (None, "  "):
            with pytest.raises(Invalid) as no_reason:
                _update(cast, task_id, "kz_member", status="blocked", blocked_reason=reason)
            assert _fields(no_reason) == {"blocked_reason"}
        with pytest.raises(Invalid) as reason_while_open:
            _update(cast, task_id, "kz_member", blocked_reason="Без причины")
        assert _fields(reason_while_open) == {"blocked_reason"}
        blocked = _update(cast, task_id, "kz_member", status="blocked", blocked_reason=" Свидетель в командировке ")
        assert (blocked.status, blocked.blocked_reason) == (TaskStatus.BLOCKED, "Свидетель в командировке")
        resumed = _update(cast, task_id, "kz_member", status="in_progress")
        assert (resumed.status, resumed.blocked_reason, resumed.version) == (TaskStatus.IN_PROGRESS, None, 3)
        assert [(field, old, new) for field, _, old, new in _history(task_id)[1:]] == [
            ("status", {"status": "open"}, {"status": "blocked"}),
            ("blocked_reason", {"blocked_reason": None}, {"blocked_reason": "Свидетель в командировке"}),
            ("status", {"status": "blocked"}, {"status": "in_progress"}),
            ("blocked_reason", {"blocked_reason": "Свидетель в командировке"}, {"blocked_reason": None})]


def test_who_may_change_a_task_and_how_much(cast, work):
    """The head edits all; an assignee only the status; other members, observers and other heads nothing."""
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid, assignee_ids=[cast.ids["kz_head"]]).id
        for who in ("kz_member", "by_head", "by_legal"):
            with pytest.raises(Forbidden):
                _update(cast, task_id, who, status="in_progress")
        with pytest.raises(Forbidden):
            _update(cast, task_id, "kz_head", title="Иное")
        for call in (lambda o, t: tasks.get_task(o, t), lambda o, t: tasks.add_comment(o, t, "Привет"),
                     lambda o, t: tasks.update_task(o, t, version=1, status="in_progress")):
            for hidden in (task_id, 99_999):
                with pytest.raises(NotFound):
                    call(person(cast, "outsider"), hidden)
        assert _update(cast, task_id, "kz_head", status="in_progress").status == TaskStatus.IN_PROGRESS
        assert _update(cast, task_id, "creator", title="Уточнено").title == "Уточнено"
        assert db.session.get(Task, task_id).version == 3


def test_a_national_head_edits_their_teams_task_but_cannot_hand_it_to_another_team(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid, "kz_head").id
        assert _update(cast, task_id, "kz_head", title="Уточнено").title == "Уточнено"
        with pytest.raises(Forbidden) as handed:
            _update(cast, task_id, "kz_head", assignee_ids=[cast.ids["by_head"]])
        assert _fields(handed) == {"assignee_ids"}
        with pytest.raises(Forbidden):
            _update(cast, task_id, "by_head", title="Чужое")
        assert _update(cast, task_id, "creator", assignee_ids=[cast.ids["by_head"]]).version == 3


def test_changes_need_the_version_read_and_each_changed_field_is_one_history_row(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid, priority="high").id
        with pytest.raises(Invalid) as unversioned:
            _update(cast, task_id, "creator", version=None, title="x")
        assert _fields(unversioned) == {"version"}
        same = _update(cast, task_id, "creator", title=f" {TITLE} ", priority="high")
        assert (same.version, len(_history(task_id))) == (1, 1)
        new_due = TODAY + timedelta(days=30)
        changed = _update(cast, task_id, "creator", title=TITLE, due_on=new_due, assignee_ids=[
            cast.ids["kz_head"], cast.ids["kz_member"], cast.ids["kz_head"]])
        assert changed.version == 2
        assignees = sorted([cast.ids["kz_head"], cast.ids["kz_member"]])
        assert [(field, actor, old, new) for field, actor, old, new in _history(task_id)[1:]] == [
            ("assignee_ids", cast.ids["creator"], {"assignee_ids": [cast.ids["kz_member"]]},
             {"assignee_ids": assignees}),
            ("due_on", cast.ids["creator"], {"due_on": (TODAY + timedelta(days=7)).isoformat()},
             {"due_on": new_due.isoformat()})]
        assert audited("task.update")[-1] == ("ok", {"fields": "assignee_ids,due_on"})
        with pytest.raises(Conflict) as stale:
            _update(cast, task_id, "kz_member", version=1, status="in_progress")
        assert (stale.value.code, stale.value.fields) == ("conflict", {"version": "2"})
        assert _update(cast, task_id, "creator", assignee_ids=[cast.ids["kz_head"]]).version == 3
        assert db.session.get(Task, task_id).status == TaskStatus.OPEN


def test_members_and_the_head_comment_and_observers_only_read(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid).id
        comment = tasks.add_comment(person(cast, "kz_member"), task_id, "  Свидетель вызван на 12 ноября. ")
        assert (comment.author_id, comment.body) == (cast.ids["kz_member"], "Свидетель вызван на 12 ноября.")
        tasks.add_comment(person(cast, "creator"), task_id, "Принято")
        with pytest.raises(Forbidden):
            tasks.add_comment(person(cast, "by_legal"), task_id, "Замечание")
        for body in ("  ", "я" * 10_001):
            with pytest.raises(Invalid) as refused:
                tasks.add_comment(person(cast, "kz_member"), task_id, body)
            assert _fields(refused) == {"body"}
        task = tasks.get_task(person(cast, "by_legal"), task_id)
        assert ([c.body for c in task.comments], task.version) == (["Свидетель вызван на 12 ноября.", "Принято"], 1)


def test_a_removed_members_task_is_kept_and_flagged_unassigned(cast, work):
    gid, _ = work
    with cast.app.app_context():
        theirs, shared = _create(cast, gid).id, _create(cast, gid, assignee_ids=[cast.ids["kz_member"],
                                                                                  cast.ids["kz_head"]]).id
        assert not tasks.is_unassigned(db.session.get(Task, theirs))
        groups.remove_member(person(cast, "kz_head"), gid, cast.ids["kz_member"])
        kept = db.session.get(Task, theirs)
        assert ([a.user_id for a in kept.assignments], tasks.is_unassigned(kept)) == ([cast.ids["kz_member"]], True)
        assert tasks.is_unassigned(db.session.get(Task, shared)) is False
        with pytest.raises(NotFound):
            tasks.get_task(person(cast, "kz_member"), theirs)


def test_the_list_filters_by_status_team_assignee_and_overdue(cast, work):
    gid, teams = work
    with cast.app.app_context():
        late = _create(cast, gid, due_on=TODAY - timedelta(days=1), allow_past_due=True).id
        teams_own = _create(cast, gid, "kz_head", assignee_ids=[cast.ids["kz_head"]]).id
        finished = _create(cast, gid, due_on=TODAY - timedelta(days=1), allow_past_due=True).id
        _update(cast, finished, "creator", status="cancelled")
        head = person(cast, "creator")

        def listed(**filters) -> list[int]:
            return [task.id for task in tasks.list_tasks(head, gid, **filters).items]

        assert listed() == [late, teams_own, finished]
        assert listed(status="open") == [late, teams_own]
        assert listed(team_id=teams["KZ"]) == [teams_own]
        assert listed(assignee_id=cast.ids["kz_member"]) == [late, finished]
        assert listed(overdue=True) == [late]
        with pytest.raises(Invalid) as refused:
            listed(status="paused")
        assert _fields(refused) == {"status"}


def test_a_closed_task_is_reopened_by_the_group_head_or_whoever_closed_it(cast, work):
    gid, _ = work
    with cast.app.app_context():
        task_id = _create(cast, gid, assignee_ids=[cast.ids["kz_member"], cast.ids["kz_head"]]).id
        _update(cast, task_id, "kz_member", status="in_progress")
        _update(cast, task_id, "kz_member", status="done")
        task = db.session.get(Task, task_id)
        assert [tasks.may_reopen(person(cast, who), task) for who in ("creator", "kz_member", "kz_head")] == [
            True, True, False]
        moves = {who: [action for action in authz.allowed_now(tasks.allowed_actions(person(cast, who), task))
                       if action.startswith("to:")] for who in ("kz_head", "kz_member")}
        assert moves == {"kz_head": [], "kz_member": ["to:open"]}
        for who in ("kz_head", "by_legal"):  # another assignee, and someone who does not edit the task
            with pytest.raises(Forbidden):
                _update(cast, task_id, who, status="open")
        with pytest.raises(Conflict) as stale:
            _update(cast, task_id, "kz_member", status="open", version=task.version - 1)
        assert _fields(stale) == {"version"}
        with pytest.raises(Conflict) as beyond:  # reopening is back to open, nowhere else
            _update(cast, task_id, "kz_member", status="in_progress")
        assert _fields(beyond) == {"status"}
        reopened = _update(cast, task_id, "kz_member", status="open")
        assert (reopened.status, _history(task_id)[-1][:2]) == (TaskStatus.OPEN, ("status", cast.ids["kz_member"]))
        assert audited("task.update")[-1] == ("ok", {"fields": "status", "reopened": True})
        _update(cast, task_id, "kz_member", status="cancelled")
        assert _update(cast, task_id, "creator", status="open").status == TaskStatus.OPEN
