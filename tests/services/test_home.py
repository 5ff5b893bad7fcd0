"""The home page's use case called directly (issue 16, item 1): each person's groups with status,
term and findings, the overdue work of the groups and teams they lead, and My work no longer empty
for a group head whose group runs late."""

from __future__ import annotations

import pytest

from jit.compliance.core import VIOLATION, WARNING
from jit.services import home, instructions, tasks, work
from jit.services.errors import Unauthenticated
from jit.services.pagination import MAX_LIMIT
from tests.home_support import LATE_BY, late_world
from tests.service_support import audited, person


def _overdue(glance) -> dict:
    return {(item.team.party_code if item.team else "group"): (item.instructions, item.tasks)
            for item in glance.overdue}


def test_a_group_heads_my_work_lists_his_groups_overdue_instruction_and_tasks(cast, clock):
    world = late_world(cast, clock)
    with cast.app.app_context():
        mine = work.my_work(person(cast, "creator"))
        assert (mine.tasks, mine.instructions) == ([], [])  # he is in no team: nothing is his own
        assert [i.id for i in mine.late_instructions] == [world.instruction]
        assert [t.id for t in mine.late_tasks] == [world.team_task, world.head_task]
        assert work.count_for_navigation(person(cast, "creator")) == 3
        # The KZ national head answers the instruction (already his) and follows his team's task.
        kz_head = work.my_work(person(cast, "kz_head"))
        assert [i.id for i in kz_head.instructions] == [world.instruction] and kz_head.late_instructions == []
        assert [t.id for t in kz_head.late_tasks] == [world.team_task]
        # The BY national head asked for it: he sees it late on the other side; his own task is his already.
        by_head = work.my_work(person(cast, "by_head"))
        assert [i.id for i in by_head.late_instructions] == [world.instruction]
        assert [t.id for t in by_head.tasks] == [world.head_task] and by_head.late_tasks == []
        assert work.my_work(person(cast, "outsider")).late_tasks == []


def test_the_home_shows_terms_findings_and_the_overdue_work_each_leads(cast, clock):
    world = late_world(cast, clock)
    with cast.app.app_context():
        head = home.home(person(cast, "creator"))
        glances = {glance.group.id: glance for glance in head.groups}
        assert set(glances) == {world.gid, world.lapsed}
        lapsed, running = glances[world.lapsed], glances[world.gid]
        assert (lapsed.past_term, lapsed.term_ending) == (LATE_BY, False)
        assert running.past_term is None and not running.term_ending and running.days_left > 30
        assert lapsed.findings[VIOLATION] >= 1 and set(lapsed.findings) == {VIOLATION, WARNING}
        assert _overdue(running) == {"group": (1, 2)} and _overdue(lapsed) == {"group": (0, 0)}
        assert running.by_rule == {}  # findings by rule are the legal officers'
        assert {event.group_id for event in head.activity} <= {world.gid, world.lapsed} and head.activity
        assert [outcome for outcome, _ in audited("home.read")] == ["ok"]  # one page view, one event

        kz = {glance.group.id: _overdue(glance) for glance in home.home(person(cast, "kz_head")).groups}
        assert kz == {world.gid: {"KZ": (1, 1)}, world.lapsed: {"KZ": (0, 0)}}
        by = {glance.group.id: _overdue(glance) for glance in home.home(person(cast, "by_head")).groups}
        assert by == {world.gid: {"BY": (0, 0)}, world.lapsed: {"BY": (0, 0)}}

        legal = home.home(person(cast, "by_legal"))
        lapsed_for_legal = next(glance for glance in legal.groups if glance.group.id == world.lapsed)
        assert lapsed_for_legal.by_rule.get("AGR-TERM") == 1
        assert sum(lapsed_for_legal.by_rule.values()) == sum(lapsed_for_legal.findings.values())
        assert all(glance.overdue == [] for glance in legal.groups)

        outsider = home.home(person(cast, "outsider"))
        assert (outsider.groups, outsider.activity) == ([], [])
        with pytest.raises(Unauthenticated):
            home.home(None)


def test_each_overdue_figure_is_what_the_filtered_list_returns(cast, clock):
    world = late_world(cast, clock)
    with cast.app.app_context():
        kz_head = person(cast, "kz_head")
        [running] = [g for g in home.home(kz_head).groups if g.group.id == world.gid]
        [figures] = running.overdue
        listed = instructions.list_instructions(kz_head, world.gid, overdue=True, to_team_id=figures.team.id,
                                                limit=MAX_LIMIT).items
        assert [i.id for i in listed] == [world.instruction] and figures.instructions == 1
        board = tasks.list_tasks(kz_head, world.gid, overdue=True, team_id=figures.team.id, limit=MAX_LIMIT).items
        assert [t.id for t in board] == [world.team_task] and figures.tasks == 1
        # Addressed to the other team, the list is empty: the filter is the team's, not the group's.
        assert instructions.list_instructions(kz_head, world.gid, overdue=True, to_team_id=world.teams["BY"],
                                              limit=MAX_LIMIT).items == []
