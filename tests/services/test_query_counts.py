"""The busiest reads run as many SQL statements with many rows as with few: no page or list loads
its rows one by one (an N+1), and no use case's commit makes the door reload them one by one.

Statements that keep the audit ledger's Merkle tree are left out of the counts: how many tree nodes
an append reads depends on how many events the ledger already holds, not on the page. A session's
last activity (`seen_at`) is written when 10 s have passed since the last write, and that commit makes
the request load the user again: on a slow machine two requests of one test can be that far apart, so
here the session keeps its activity for a day."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event

from jit.extensions import db
from jit.models import Instruction, InstructionStatus
from jit.services import group_view, sessions
from tests.evidence_support import custody, evidence_group, register
from tests.groups_support import TODAY, activate, create_group, form_teams
from tests.web.test_instruction_pages import EN

FEW, MANY = 3, 30
NOT_COUNTED = re.compile(r"\bledger_(heads|nodes|checkpoints)\b")


@pytest.fixture
def statements(app, monkeypatch) -> Callable[[Callable], int]:
    """How many SQL statements (the ledger's aside) a request runs; it must answer 200."""
    monkeypatch.setattr(sessions, "SEEN_RESOLUTION", timedelta(days=1))
    with app.app_context():
        engine = db.engine

    def count(request: Callable) -> int:
        seen = []

        def note(connection, cursor, statement, *_):
            if not NOT_COUNTED.search(statement):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            response = request()
        finally:
            event.remove(engine, "before_cursor_execute", note)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return len(seen)

    return count


class Work:
    """An active BY–KZ group with kz_member in the KZ team, a case, and a way to add work to it:
    tasks for kz_member and kz_head, and instructions waiting on the Kazakh team."""

    def __init__(self, app, cast):
        self.app, self.cast = app, cast
        group = activate(cast)
        self.gid = group["id"]
        self.teams = {team["party"]: team["id"] for team in group["teams"]}
        added = cast.api.post(f"/api/v1/groups/{self.gid}/members",
                              json={"user_id": cast.ids["kz_member"], "team_id": self.teams["KZ"]},
                              headers=cast.headers["kz_head"])
        assert added.status_code == 201, added.get_json()
        case = cast.api.post(f"/api/v1/groups/{self.gid}/cases", json={
            "party": "BY", "number": "№ 1", "opened_on": "2025-01-01", "articles": "ст. 212", "summary": "Хищения",
            "handling_investigator_id": cast.ids["by_head"]}, headers=cast.headers["by_head"])
        assert case.status_code == 201, case.get_json()
        self.case_id = case.get_json()["id"]
        self.tasks = 0

    def grow_to(self, total: int) -> None:
        for number in range(self.tasks, total):
            # Some due yesterday: overdue rows take the same queries as the others.
            created = self.cast.api.post(f"/api/v1/groups/{self.gid}/tasks", json={
                "title": f"Задача {number}", "assignee_ids": [self.cast.ids["kz_member"], self.cast.ids["kz_head"]],
                "due_on": (TODAY + timedelta(days=number % 3 - 1)).isoformat(), "allow_past_due": True,
                "case_id": self.case_id}, headers=self.cast.headers["creator"])
            assert created.status_code == 201, created.get_json()
        with self.app.app_context():
            db.session.add_all([Instruction(
                group_id=self.gid, from_team_id=self.teams["BY"], to_team_id=self.teams["KZ"], case_id=self.case_id,
                actions=["Допрос"], body=f"Поручение {number}", due_on=TODAY + timedelta(days=number % 3 - 1),
                status=InstructionStatus.SENT, created_by_id=self.cast.ids["by_head"])
                for number in range(self.tasks, total)])
            db.session.commit()
        self.tasks = total


@pytest.fixture
def work(app, cast) -> Work:
    return Work(app, cast)


def _same_with_many(statements, work: Work, request: Callable) -> None:
    work.grow_to(FEW)
    request()  # the first request of a client may do one-off work (a session's first touch)
    with_few = statements(request)
    work.grow_to(MANY)
    assert statements(request) == with_few


def test_task_list_api(statements, work, cast):
    def listing():
        return cast.api.get(f"/api/v1/groups/{work.gid}/tasks", query_string={"limit": 100},
                            headers=cast.headers["creator"])

    _same_with_many(statements, work, listing)
    assert len(listing().get_json()["items"]) == MANY


def test_task_board(statements, work, cast):
    browser = cast.browser("creator")

    def board():
        return browser.get(f"/groups/{work.gid}/tasks")

    _same_with_many(statements, work, board)
    page = board().get_data(as_text=True)
    assert page.count('<article class="card') == group_view.BOARD_CARDS < MANY  # a column shows its first cards
    assert f'data-board-hidden="{MANY - group_view.BOARD_CARDS}"' in page


def test_my_work(statements, work, cast):
    browser = cast.browser("kz_head")

    def my_work():
        return browser.get("/my-work")

    _same_with_many(statements, work, my_work)
    page = my_work().get_data(as_text=True)
    assert page.count('href="/tasks/') == MANY and page.count('href="/instructions/') == MANY


@pytest.mark.parametrize("path", ["/api/v1/groups?limit=100", "/groups/"])
def test_group_list(statements, cast, path):
    """Groups with their teams and national heads, listed through the API and on the page."""
    browser = cast.browser("creator")

    def grow_to(total: int) -> None:
        while len(cast.api.get("/api/v1/groups", headers=cast.headers["creator"]).get_json()["items"]) < total:
            form_teams(cast, create_group(cast)["id"])

    def listing():
        if path.startswith("/api/"):
            return cast.api.get(path, headers=cast.headers["creator"])
        return browser.get(path)

    grow_to(2)
    listing()
    with_few = statements(listing)
    grow_to(10)
    assert statements(listing) == with_few


def test_evidence_item_page(statements, cast):
    """An item's page verifies its chain and offers the group's instructions (each naming its case) to
    a transfer: as many statements with a long chain among many instructions as with a short one."""
    setting = evidence_group(cast)
    eid = register(cast, setting).get_json()["id"]
    browser = cast.browser("kz_member")
    grown = {"events": 1, "instructions": 0}

    def grow_to(total: int) -> None:
        for _ in range(grown["events"], total):
            assert custody(cast, eid, "kz_member", type="examined", place="Астана").status_code == 201
        for number in range(grown["instructions"], total):
            case = cast.api.post(f"/api/v1/groups/{setting['gid']}/cases", json={
                "party": "BY", "number": f"№ {number}", "opened_on": "2025-01-01", "articles": "ст. 212",
                "summary": "Хищения", "handling_investigator_id": cast.ids["by_head"]}, headers=cast.headers["by_head"])
            assert case.status_code == 201, case.get_json()
            with cast.app.app_context():
                db.session.add(Instruction(
                    group_id=setting["gid"], from_team_id=setting["teams"]["BY"], to_team_id=setting["teams"]["KZ"],
                    case_id=case.get_json()["id"], actions=["Допрос"], body=f"Поручение {number}", due_on=TODAY,
                    status=InstructionStatus.SENT, created_by_id=cast.ids["by_head"]))
                db.session.commit()
        grown.update(events=total, instructions=total)

    def page():
        return browser.get(f"/evidence/{eid}", headers=EN)

    grow_to(FEW)
    page()
    with_few = statements(page)
    grow_to(MANY)
    assert statements(page) == with_few
    shown = page().get_data(as_text=True)
    assert 'id="chain-badge">chain verified</span>' in shown
    assert shown.count(": Допрос</option>") == MANY
