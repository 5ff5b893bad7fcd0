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
from jit.models import AuthorityKind, Instruction, InstructionStatus, JointGroup, User
from jit.services import group_view, scope, sessions
from tests import factories
from tests.conftest import sign_in_page
from tests.evidence_support import custody, evidence_group, register
from tests.groups_support import TODAY, activate, create_group, form_teams, read_group
from tests.web.test_instruction_pages import EN

FEW, MANY = 3, 30
CLOSED_EVERY = 10  # of the tasks `Work` sets, every tenth is done
CLOSED = len(range(0, MANY, CLOSED_EVERY))
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
    tasks for kz_member and kz_head (every tenth done by kz_member: whether a reader may reopen a
    closed task depends on who closed it), and instructions waiting on the Kazakh team."""

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
            if number % CLOSED_EVERY == 0:
                self._close(created.get_json())
        with self.app.app_context():
            db.session.add_all([Instruction(
                group_id=self.gid, from_team_id=self.teams["BY"], to_team_id=self.teams["KZ"], case_id=self.case_id,
                actions=["Допрос"], body=f"Поручение {number}", due_on=TODAY + timedelta(days=number % 3 - 1),
                status=InstructionStatus.SENT, created_by_id=self.cast.ids["by_head"])
                for number in range(self.tasks, total)])
            db.session.commit()
        self.tasks = total

    def _close(self, task: dict) -> None:
        version = task["version"]
        for status in ("in_progress", "done"):
            moved = self.cast.api.patch(f"/api/v1/tasks/{task['id']}", json={"version": version, "status": status},
                                        headers=self.cast.headers["kz_member"])
            assert moved.status_code == 200, moved.get_json()
            version = moved.get_json()["version"]


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


@pytest.mark.parametrize("who", ["creator", "kz_head", "kz_member"])  # the group head, a national head, a member
def test_task_board(statements, work, cast, who):
    browser = cast.browser(who)

    def board():
        return browser.get(f"/groups/{work.gid}/tasks")

    _same_with_many(statements, work, board)
    page = board().get_data(as_text=True)
    assert group_view.BOARD_CARDS < MANY - CLOSED  # a column shows its first cards
    assert page.count('<article class="card') == group_view.BOARD_CARDS + CLOSED
    assert f'data-board-hidden="{MANY - CLOSED - group_view.BOARD_CARDS}"' in page


def test_my_work(statements, work, cast):
    browser = cast.browser("kz_head")

    def my_work():
        return browser.get("/my-work")

    _same_with_many(statements, work, my_work)
    page = my_work().get_data(as_text=True)
    assert page.count('href="/tasks/') == MANY - CLOSED and page.count('href="/instructions/') == MANY


@pytest.mark.parametrize("path", ["/notifications", "/api/v1/notifications"])
def test_inbox(statements, work, cast, path):
    """Each task set for kz_member is a notice in their inbox, checked against its task's group."""
    browser = cast.browser("kz_member")

    def inbox():
        return browser.get(path) if path.startswith("/notifications") else cast.api.get(
            path, headers=cast.headers["kz_member"])

    _same_with_many(statements, work, inbox)
    if path.startswith("/api/"):
        assert sum(item["kind"] == "task.assigned" for item in inbox().get_json()["items"]) == MANY
    else:
        assert inbox().get_data(as_text=True).count('href="/tasks/') == MANY


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


def test_channels_page(statements, app, work, cast):
    """The chat page lists who reads the open channel: as many statements for three members as for ten."""
    browser = cast.browser("kz_head")

    added_names = []

    def grow_to(total: int) -> None:
        with app.app_context():
            authority = db.session.get(User, cast.ids["kz_member"]).authority
            joined = len(scope.current_members(db.session.get(JointGroup, work.gid)))
            people = [factories.create_user(authority=authority) for _ in range(joined, total)]
        added_names.extend(person.full_name for person in people)
        for person in people:
            added = cast.api.post(f"/api/v1/groups/{work.gid}/members",
                                  json={"user_id": person.id, "team_id": work.teams["KZ"]},
                                  headers=cast.headers["kz_head"])
            assert added.status_code == 201, added.get_json()

    def chat():
        return browser.get(f"/groups/{work.gid}/channels")

    grow_to(FEW)
    chat()
    with_few = statements(chat)
    grow_to(10)
    assert statements(chat) == with_few
    page = chat().get_data(as_text=True)
    assert added_names and all(name in page for name in added_names)  # each new reader is listed


class Groups:
    """More groups, people and events as the test goes on: each step a BY–KZ group with kz_member in
    its Kazakh team, a group of the outsider's own (which only the admin sees besides), and a person of a
    new authority; the pages outside the groups (the audit trail, search) read all of these."""

    def __init__(self, app, cast):
        self.app, self.cast, self.count = app, cast, 0
        with app.app_context():
            self.admin = factories.create_user(roles=("admin",))

    def grow_to(self, total: int) -> None:
        cast = self.cast
        for _ in range(self.count, total):
            gid = create_group(cast)["id"]
            form_teams(cast, gid)
            kz_team = next(team["id"] for team in read_group(cast, gid)["teams"] if team["party"] == "KZ")
            added = cast.api.post(f"/api/v1/groups/{gid}/members",
                                  json={"user_id": cast.ids["kz_member"], "team_id": kz_team},
                                  headers=cast.headers["kz_head"])
            assert added.status_code == 201, added.get_json()
            create_group(cast, "outsider")
            with self.app.app_context():
                factories.create_user(authority=factories.create_authority("KZ", AuthorityKind.COMPETENT))
        self.count = total


@pytest.mark.parametrize("who", ["admin", "creator", "kz_member", "by_legal"])
def test_pages_outside_groups(statements, app, cast, who):
    """The audit trail and search (its form, and results) name the groups, people and objects they
    list in one statement per kind, whoever reads them."""
    groups = Groups(app, cast)
    browser = app.test_client()
    assert sign_in_page(browser, groups.admin if who == "admin" else cast.people[who]).status_code == 302
    paths = ["/audit/", "/search", "/search?q=Тестовый"]

    def counts() -> dict[str, int]:
        for path in paths:
            browser.get(path)  # a view of each page in the trail the next reading names
        return {path: statements(lambda path=path: browser.get(path)) for path in paths}

    groups.grow_to(2)
    with_few = counts()
    groups.grow_to(2 * FEW + 2)
    assert counts() == with_few


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
