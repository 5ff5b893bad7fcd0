"""My work called directly: the open tasks assigned to the user in groups they still belong to, and
the instructions waiting on them (to send, to answer, to execute), by due date, overdue counted."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from jit.extensions import db
from jit.models import Instruction
from jit.services import groups, instructions, tasks, work
from jit.services.errors import Unauthenticated
from tests.groups_support import TODAY, activate_with_case
from tests.service_support import person


@pytest.fixture
def setting(cast) -> tuple[int, dict[str, int], int]:
    """An active BY–KZ group with a BY case, kz_member in the KZ team: (group id, team ids, case id)."""
    group, teams, case_id = activate_with_case(cast)
    with cast.app.app_context():
        groups.add_member(person(cast, "kz_head"), group["id"], user_id=cast.ids["kz_member"], team_id=teams["KZ"],
                          role="member")
    return group["id"], teams, case_id


def _task(cast, gid: int, due_in: int | None, **fields) -> int:
    due_on = TODAY + timedelta(days=due_in) if due_in is not None else None
    return tasks.create_task(person(cast, "creator"), gid, title=f"Задача {due_in}", due_on=due_on,
                             assignee_ids=[cast.ids["kz_member"]], allow_past_due=True, **fields).id


def _mine(cast, who: str) -> tuple[list[int], list[int], int]:
    mine = work.my_work(person(cast, who))
    assert mine.today == TODAY
    return [task.id for task in mine.tasks], [i.id for i in mine.instructions], mine.overdue


def test_open_tasks_of_groups_still_joined_by_due_date_undated_last(cast, setting):
    gid, _, _ = setting
    with cast.app.app_context():
        undated, late, soon = _task(cast, gid, None), _task(cast, gid, -2), _task(cast, gid, 3)
        cancelled = _task(cast, gid, 1)
        tasks.update_task(person(cast, "creator"), cancelled, version=1, status="cancelled")
        assert _mine(cast, "kz_member") == ([late, soon, undated], [], 1)
        assert work.count_for_navigation(person(cast, "kz_member")) == 3
        assert _mine(cast, "kz_head") == ([], [], 0)
        groups.remove_member(person(cast, "kz_head"), gid, cast.ids["kz_member"])
        assert _mine(cast, "kz_member") == ([], [], 0)
        assert work.count_for_navigation(person(cast, "kz_member")) == 0
        with pytest.raises(Unauthenticated):
            work.my_work(None)


def test_an_instruction_waits_on_its_sender_as_a_draft_then_on_the_requested_team(cast, setting):
    gid, teams, case_id = setting
    with cast.app.app_context():
        by_head, kz_head = person(cast, "by_head"), person(cast, "kz_head")
        iid = instructions.create_instruction(by_head, gid, from_team_id=teams["BY"], to_team_id=teams["KZ"],
                                              case_id=case_id, actions=["Допрос"], due_on=TODAY + timedelta(days=5),
                                              body="Прошу допросить").id
        assert [_mine(cast, who)[1] for who in ("by_head", "kz_head", "kz_member")] == [[iid], [], []]
        instructions.add_document(by_head, iid, title="Постановление", certified=True, is_sanction=False,
                                  filename="p.pdf", stream=io.BytesIO(b"%PDF-1.4"))
        instructions.transition(by_head, iid, to="sent", version=db.session.get(Instruction, iid).version)
        # Sent: the requested head answers; the team's members wait until it is accepted.
        assert [_mine(cast, who)[1] for who in ("by_head", "kz_head", "kz_member")] == [[], [iid], []]
        instructions.transition(kz_head, iid, to="accepted", version=db.session.get(Instruction, iid).version)
        assert [_mine(cast, who)[1] for who in ("by_head", "kz_head", "kz_member")] == [[], [iid], [iid]]
        assert work.count_for_navigation(person(cast, "kz_member")) == 1
        instructions.transition(kz_head, iid, to="refused", version=db.session.get(Instruction, iid).version,
                                reason="Свидетель выбыл")
        assert [_mine(cast, who)[1] for who in ("by_head", "kz_head", "kz_member")] == [[], [], []]
