"""Tasks through the API: the workflow, who may set and change what, history, comments, filters,
and every refusal naming its reason."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, update

from jit.extensions import db
from jit.models import Instruction, Task, User
from jit.models.types import utcnow
from jit.services import tasks
from jit.services.errors import Conflict
from tests.conftest import bearer
from tests.groups_support import activate, advance, create_group

TITLE = "Допросить свидетеля Жанибекова"
DESCRIPTION = "Протокол допроса — на русском и казахском; копию в общий канал «Тень»."


def _today():
    return utcnow().date()


def _team(group: dict, party: str) -> int:
    return next(team["id"] for team in group["teams"] if team["party"] == party)


def _active_group(client, cast) -> dict:
    """An active BY–KZ group with kz_member in the KZ team."""
    group = activate(cast)
    added = client.post(f"/api/v1/groups/{group['id']}/members",
                        json={"user_id": cast.ids["kz_member"], "team_id": _team(group, "KZ")},
                        headers=cast.headers["kz_head"])
    assert added.status_code == 201, added.get_json()
    return group


def _create(client, cast, gid: int, who: str = "creator", **fields):
    body = {"title": TITLE, "description": DESCRIPTION, "assignee_ids": [cast.ids["kz_member"]],
            "due_on": (_today() + timedelta(days=7)).isoformat(), "priority": "high", **fields}
    return client.post(f"/api/v1/groups/{gid}/tasks", json=body, headers=cast.headers[who])


def _task(client, cast, gid: int, who: str = "creator", **fields) -> dict:
    response = _create(client, cast, gid, who, **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _patch(client, cast, task: dict, who: str, **fields):
    return client.patch(f"/api/v1/tasks/{task['id']}", json={"version": task["version"], **fields},
                        headers=cast.headers[who])


def _read(client, cast, tid: int, who: str = "creator") -> dict:
    response = client.get(f"/api/v1/tasks/{tid}", headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _listed(client, headers, gid: int, **query) -> list[int]:
    response = client.get(f"/api/v1/groups/{gid}/tasks", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_whole_task_flow(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    assert (task["status"], task["version"], task["priority"], task["group_id"], task["team_id"]) == (
        "open", 1, "high", group["id"], None)
    assert [(a["id"], a["full_name"]) for a in task["assignees"]] == [
        (cast.ids["kz_member"], cast.people["kz_member"].full_name)]
    assert task["unassigned"] is False
    assert [(h["field"], h["actor"]["id"]) for h in task["history"]] == [("created", cast.ids["creator"])]
    assert task["history"][0]["new"]["assignee_ids"] == [cast.ids["kz_member"]]

    started = _patch(client, cast, task, "kz_member", status="in_progress")
    assert started.status_code == 200, started.get_json()
    assert (started.get_json()["status"], started.get_json()["version"]) == ("in_progress", 2)
    done = _patch(client, cast, started.get_json(), "kz_member", status="done")
    assert (done.get_json()["status"], done.get_json()["version"]) == ("done", 3)

    history = _read(client, cast, task["id"], "kz_head")["history"]
    assert [(h["field"], h["actor"]["id"], h["old"], h["new"]) for h in history[1:]] == [
        ("status", cast.ids["kz_member"], {"status": "open"}, {"status": "in_progress"}),
        ("status", cast.ids["kz_member"], {"status": "in_progress"}, {"status": "done"}),
    ]
    assert all(h["at"].endswith("+00:00") for h in history)


def test_each_changed_field_is_one_history_row_and_unchanged_fields_do_not_count(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    new_due = (_today() + timedelta(days=30)).isoformat()
    response = _patch(client, cast, task, "creator", title=TITLE, description="Новое описание", due_on=new_due,
                      priority="high", assignee_ids=[cast.ids["kz_head"], cast.ids["kz_member"]])
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["version"] == 2
    assert [a["id"] for a in changed["assignees"]] == sorted([cast.ids["kz_head"], cast.ids["kz_member"]])
    rows = {h["field"]: (h["old"], h["new"]) for h in changed["history"][1:]}
    assert rows == {
        "description": ({"description": DESCRIPTION}, {"description": "Новое описание"}),
        "due_on": ({"due_on": task["due_on"]}, {"due_on": new_due}),
        "assignee_ids": ({"assignee_ids": [cast.ids["kz_member"]]},
                         {"assignee_ids": sorted([cast.ids["kz_head"], cast.ids["kz_member"]])}),
    }
    # Sending everything back as it is changes nothing, not even the version.
    same = _patch(client, cast, changed, "creator", title=TITLE, priority="high", due_on=new_due)
    assert (same.status_code, same.get_json()["version"], len(same.get_json()["history"])) == (200, 2, 4)
    # Reassigning alone moves the version too.
    reassigned = _patch(client, cast, changed, "creator", assignee_ids=[cast.ids["kz_head"]])
    assert (reassigned.get_json()["version"], [a["id"] for a in reassigned.get_json()["assignees"]]) == (
        3, [cast.ids["kz_head"]])


def test_a_task_for_someone_not_a_current_member_is_refused(client, cast):
    group = _active_group(client, cast)
    for assignees in ([cast.ids["outsider"]], [cast.ids["kz_member"], cast.ids["by_legal"]], [], [99999]):
        response = _create(client, cast, group["id"], assignee_ids=assignees)
        assert response.status_code == 422, assignees
        assert list(response.get_json()["error"]["fields"]) == ["assignee_ids"]
    task = _task(client, cast, group["id"])
    moved = _patch(client, cast, task, "creator", assignee_ids=[cast.ids["outsider"]])
    assert (moved.status_code, list(moved.get_json()["error"]["fields"])) == (422, ["assignee_ids"])
    assert _listed(client, cast.headers["creator"], group["id"]) == [task["id"]]


def test_a_national_head_sets_tasks_only_for_their_own_team(client, cast):
    group = _active_group(client, cast)
    outside = _create(client, cast, group["id"], "by_head")
    assert (outside.status_code, outside.get_json()["error"]["code"]) == (403, "forbidden")
    mixed = _create(client, cast, group["id"], "kz_head", assignee_ids=[cast.ids["kz_member"], cast.ids["by_head"]])
    assert mixed.status_code == 403
    own = _task(client, cast, group["id"], "kz_head")
    assert own["team_id"] == _team(group, "KZ")
    # The KZ head edits their team's task, but cannot hand it to another team.
    edited = _patch(client, cast, own, "kz_head", title="Уточнённое поручение")
    assert edited.status_code == 200
    handed = _patch(client, cast, edited.get_json(), "kz_head", assignee_ids=[cast.ids["by_head"]])
    assert handed.status_code == 403
    # The BY head is no manager of a KZ task; a plain member sets no tasks at all.
    assert _patch(client, cast, edited.get_json(), "by_head", title="Чужое").status_code == 403
    assert _create(client, cast, group["id"], "kz_member").status_code == 403
    assert _create(client, cast, group["id"], "by_legal").status_code == 403
    assert _listed(client, cast.headers["creator"], group["id"]) == [own["id"]]


def test_who_may_change_a_task(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"], assignee_ids=[cast.ids["kz_head"]])
    # kz_member is a member of the group, neither its head nor an assignee; the task has no team.
    for who in ("kz_member", "by_head", "by_legal"):
        response = _patch(client, cast, task, who, status="in_progress")
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden"), who
    # An assignee moves the status, and only the status.
    assert _patch(client, cast, task, "kz_head", title="Иное").status_code == 403
    assert _patch(client, cast, task, "kz_head", status="in_progress").status_code == 200
    after = _read(client, cast, task["id"])
    assert (after["title"], after["status"], after["version"]) == (TITLE, "in_progress", 2)


def test_concurrent_edits_do_not_overwrite(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    first = _patch(client, cast, task, "creator", title="Первая правка")
    second = _patch(client, cast, task, "kz_member", status="in_progress")
    assert first.status_code == 200
    assert (second.status_code, second.get_json()["error"]["code"]) == (409, "conflict")
    assert second.get_json()["error"]["fields"]["version"] == str(first.get_json()["version"]) == "2"
    after = _read(client, cast, task["id"])
    assert (after["title"], after["status"], after["version"]) == ("Первая правка", "open", 2)
    assert [h["field"] for h in after["history"]] == ["created", "title"]
    missing_version = client.patch(f"/api/v1/tasks/{task['id']}", json={"title": "x"}, headers=cast.headers["creator"])
    assert (missing_version.status_code, list(missing_version.get_json()["error"]["fields"])) == (422, ["version"])


def test_a_write_racing_past_the_version_check_is_a_conflict_too(app, client, cast):
    """Another writer commits between our read and our write: the guarded UPDATE matches no row."""
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    with app.app_context():
        loaded = db.session.get(Task, task["id"])  # read at version 1 and kept in the session
        assert loaded.version == 1
        db.session.execute(update(Task.__table__).where(Task.__table__.c.id == task["id"])
                           .values(version=7, title="Чужая правка"))
        try:
            tasks.update_task(db.session.get(User, cast.ids["creator"]), task["id"], version=1, title="Моя правка")
        except Conflict as refused:
            assert refused.fields == {"version": "1"}  # the other write rolled back with ours, here
        else:
            raise AssertionError("a stale write went through")
    after = _read(client, cast, task["id"])
    assert (after["title"], after["version"], [h["field"] for h in after["history"]]) == (TITLE, 1, ["created"])


def test_due_date_before_today_needs_allow_past_due(client, cast):
    group = _active_group(client, cast)
    yesterday = (_today() - timedelta(days=1)).isoformat()
    refused = _create(client, cast, group["id"], due_on=yesterday)
    assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (422, ["due_on"])
    accepted = _create(client, cast, group["id"], due_on=yesterday, allow_past_due=True)
    assert (accepted.status_code, accepted.get_json()["due_on"]) == (201, yesterday)
    task = _task(client, cast, group["id"])
    moved = _patch(client, cast, task, "creator", due_on=yesterday)
    assert (moved.status_code, list(moved.get_json()["error"]["fields"])) == (422, ["due_on"])
    assert _patch(client, cast, task, "creator", due_on=yesterday, allow_past_due=True).status_code == 200


def test_field_validation_names_each_field(client, cast):
    group = _active_group(client, cast)
    cases = [({"title": "   "}, "title"), ({"title": "Я" * 301}, "title"), ({"priority": "extreme"}, "priority"),
             ({"case_id": 99999}, "case_id"), ({"instruction_id": 99999}, "instruction_id")]
    for fields, name in cases:
        response = _create(client, cast, group["id"], **fields)
        assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, [name]), fields
    assert _create(client, cast, group["id"], title="Я" * 300).status_code == 201
    task = _task(client, cast, group["id"])
    assert _patch(client, cast, task, "creator", status="paused").status_code == 422


def test_blocked_needs_a_reason_and_leaving_it_clears_the_reason(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    no_reason = _patch(client, cast, task, "kz_member", status="blocked")
    assert (no_reason.status_code, list(no_reason.get_json()["error"]["fields"])) == (422, ["blocked_reason"])
    blank = _patch(client, cast, task, "kz_member", status="blocked", blocked_reason="  ")
    assert blank.status_code == 422
    blocked = _patch(client, cast, task, "kz_member", status="blocked", blocked_reason="Свидетель в командировке")
    assert blocked.status_code == 200, blocked.get_json()
    assert (blocked.get_json()["status"], blocked.get_json()["blocked_reason"]) == (
        "blocked", "Свидетель в командировке")
    resumed = _patch(client, cast, blocked.get_json(), "kz_member", status="in_progress")
    assert (resumed.get_json()["status"], resumed.get_json()["blocked_reason"]) == ("in_progress", None)
    fields = [h["field"] for h in resumed.get_json()["history"][1:]]
    assert fields == ["status", "blocked_reason", "status", "blocked_reason"]


def test_the_workflow_refuses_illegal_moves_and_done_is_final(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    skip = _patch(client, cast, task, "kz_member", status="done")
    assert (skip.status_code, skip.get_json()["error"]["code"]) == (409, "conflict")
    task = _patch(client, cast, task, "kz_member", status="in_progress").get_json()
    task = _patch(client, cast, task, "kz_member", status="done").get_json()
    english = {**cast.headers["creator"], "Accept-Language": "en"}
    retitle = client.patch(f"/api/v1/tasks/{task['id']}", json={"title": "Иное", "version": task["version"]},
                           headers=english)
    assert (retitle.status_code, retitle.get_json()["error"]["code"]) == (409, "conflict")
    assert "final" in retitle.get_json()["error"]["message"]
    assert _read(client, cast, task["id"])["status"] == "done"
    cancelled = _task(client, cast, group["id"])
    cancelled = _patch(client, cast, cancelled, "creator", status="cancelled").get_json()
    assert cancelled["status"] == "cancelled"
    assert _patch(client, cast, cancelled, "creator", status="in_progress").status_code == 409


def test_a_removed_members_task_is_kept_and_flagged_unassigned(client, cast):
    group = _active_group(client, cast)
    theirs = _task(client, cast, group["id"])
    shared = _task(client, cast, group["id"], assignee_ids=[cast.ids["kz_member"], cast.ids["kz_head"]])
    removed = client.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}",
                            headers=cast.headers["kz_head"])
    assert removed.status_code == 204
    kept = _read(client, cast, theirs["id"])
    assert ([a["id"] for a in kept["assignees"]], kept["unassigned"]) == ([cast.ids["kz_member"]], True)
    assert _read(client, cast, shared["id"])["unassigned"] is False
    listed = client.get(f"/api/v1/groups/{group['id']}/tasks", headers=cast.headers["creator"]).get_json()["items"]
    assert {item["id"]: item["unassigned"] for item in listed} == {theirs["id"]: True, shared["id"]: False}
    # The removed member no longer sees the task; the head can hand it to someone current.
    assert client.get(f"/api/v1/tasks/{theirs['id']}", headers=cast.headers["kz_member"]).status_code == 404
    handed = _patch(client, cast, kept, "creator", assignee_ids=[cast.ids["kz_head"]])
    assert handed.get_json()["unassigned"] is False


def test_outsiders_learn_nothing(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    outsider = cast.headers["outsider"]
    for method, path, body in [
        ("get", f"/api/v1/tasks/{task['id']}", None),
        ("patch", f"/api/v1/tasks/{task['id']}", {"status": "in_progress", "version": 1}),
        ("post", f"/api/v1/tasks/{task['id']}/comments", {"body": "Привет"}),
    ]:
        existing = getattr(client, method)(path, json=body, headers=outsider)
        missing = getattr(client, method)(path.replace(f"/tasks/{task['id']}", "/tasks/99999"), json=body,
                                          headers=outsider)
        assert existing.status_code == missing.status_code == 404, path
        assert existing.get_json() == missing.get_json()
    for method, body in (("get", None), ("post", {"title": "x", "assignee_ids": [cast.ids["outsider"]]})):
        existing = getattr(client, method)(f"/api/v1/groups/{group['id']}/tasks", json=body, headers=outsider)
        missing = getattr(client, method)("/api/v1/groups/99999/tasks", json=body, headers=outsider)
        assert existing.status_code == missing.status_code == 404
        assert existing.get_json() == missing.get_json()
    assert _read(client, cast, task["id"])["version"] == 1
    assert client.get(f"/api/v1/tasks/{task['id']}").status_code == 401


def test_filters_and_pages(client, clock, cast):
    group = _active_group(client, cast)
    gid = group["id"]
    case = client.post(f"/api/v1/groups/{gid}/cases", json={
        "party": "KZ", "number": "№ 2025-0177", "opened_on": "2025-03-01", "articles": "ст. 190 УК РК",
        "summary": "Мошенничество", "handling_investigator_id": cast.ids["kz_head"]}, headers=cast.headers["kz_head"])
    assert case.status_code == 201, case.get_json()
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    soon = _task(client, cast, gid, due_on=tomorrow)
    later = _task(client, cast, gid, "kz_head", assignee_ids=[cast.ids["kz_head"]],
                  due_on=(_today() + timedelta(days=10)).isoformat(), case_id=case.get_json()["id"])
    finished = _task(client, cast, gid, due_on=tomorrow)
    undated = _task(client, cast, gid, due_on=None)
    finished = _patch(client, cast, finished, "kz_member", status="in_progress").get_json()
    _patch(client, cast, finished, "kz_member", status="done")
    head = cast.headers["creator"]

    assert _listed(client, head, gid) == [soon["id"], later["id"], finished["id"], undated["id"]]
    assert _listed(client, head, gid, status="done") == [finished["id"]]
    assert _listed(client, head, gid, status="open") == [soon["id"], later["id"], undated["id"]]
    assert _listed(client, head, gid, assignee_id=cast.ids["kz_member"]) == [soon["id"], finished["id"],
                                                                             undated["id"]]
    assert _listed(client, head, gid, team_id=_team(group, "KZ")) == [later["id"]]
    assert _listed(client, head, gid, case_id=case.get_json()["id"]) == [later["id"]]
    assert _listed(client, head, gid, overdue="true") == []

    clock.advance(days=2)
    head = bearer(cast.api, cast.people["creator"])  # tokens from before the jump have expired
    assert _listed(client, head, gid, overdue="true") == [soon["id"]]
    assert _listed(client, head, gid, overdue="true", assignee_id=cast.ids["kz_head"]) == []

    first = client.get(f"/api/v1/groups/{gid}/tasks", query_string={"limit": 3}, headers=head).get_json()
    assert [item["id"] for item in first["items"]] == [soon["id"], later["id"], finished["id"]]
    rest = client.get(f"/api/v1/groups/{gid}/tasks", query_string={"limit": 3, "cursor": first["next_cursor"]},
                      headers=head).get_json()
    assert ([item["id"] for item in rest["items"]], rest["next_cursor"]) == ([undated["id"]], None)
    bad = client.get(f"/api/v1/groups/{gid}/tasks", query_string={"status": "paused"}, headers=head)
    assert (bad.status_code, list(bad.get_json()["error"]["fields"])) == (422, ["status"])


def test_listing_does_not_query_per_task(app, client, cast):
    group = _active_group(client, cast)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def listing_queries() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(f"/api/v1/groups/{group['id']}/tasks", headers=cast.headers["creator"])
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements)

    _task(client, cast, group["id"])
    with_one = listing_queries()
    for _ in range(5):
        _task(client, cast, group["id"], assignee_ids=[cast.ids["kz_member"], cast.ids["kz_head"]])
    assert listing_queries() == with_one
    # The page survives the use case's commit, and the session expires as usual afterwards.
    with app.app_context():
        page = tasks.list_tasks(db.session.get(User, cast.ids["creator"]), group["id"])
        assert len(page.items) == 6
        assert db.session().expire_on_commit is True


def test_links_to_a_case_and_an_instruction_of_the_same_group_only(app, client, cast):
    group = _active_group(client, cast)
    other = activate(cast)
    case = client.post(f"/api/v1/groups/{other['id']}/cases", json={
        "party": "BY", "number": "№ 21-2025-000123", "opened_on": "2025-02-14", "articles": "ст. 212 УК РБ",
        "summary": "Хищение", "handling_investigator_id": cast.ids["by_head"]}, headers=cast.headers["by_head"])
    assert case.status_code == 201
    foreign = _create(client, cast, group["id"], case_id=case.get_json()["id"])
    assert (foreign.status_code, list(foreign.get_json()["error"]["fields"])) == (422, ["case_id"])
    with app.app_context():
        instruction = Instruction(group_id=other["id"], from_team_id=_team(other, "BY"),
                                  to_team_id=_team(other, "KZ"), case_id=case.get_json()["id"], actions=["допрос"],
                                  body="Допросить свидетеля", due_on=_today() + timedelta(days=5),
                                  created_by_id=cast.ids["by_head"])
        db.session.add(instruction)
        db.session.commit()
        instruction_id = instruction.id
    refused = _create(client, cast, group["id"], instruction_id=instruction_id)
    assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (422, ["instruction_id"])
    linked = _create(client, cast, other["id"], assignee_ids=[cast.ids["kz_head"]], instruction_id=instruction_id,
                     case_id=case.get_json()["id"])
    assert linked.status_code == 201, linked.get_json()
    assert (linked.get_json()["instruction_id"], linked.get_json()["case_id"]) == (
        instruction_id, case.get_json()["id"])


def test_tasks_only_while_the_group_is_active_and_within_its_term(client, clock, cast):
    draft = create_group(cast)
    assert _create(client, cast, draft["id"], assignee_ids=[]).status_code == 409
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    advance(cast, group["id"], "suspended")
    english = {**cast.headers["creator"], "Accept-Language": "en"}
    suspended = client.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": TITLE, "assignee_ids": [cast.ids["kz_member"]]}, headers=english)
    assert (suspended.status_code, suspended.get_json()["error"]["code"]) == (409, "group_suspended")
    assert "suspended" in suspended.get_json()["error"]["message"]
    assert _patch(client, cast, task, "kz_member", status="in_progress").status_code == 409
    advance(cast, group["id"], "active")
    assert _patch(client, cast, task, "kz_member", status="in_progress").status_code == 200

    clock.advance(days=200)  # past the end of the term
    head = {**bearer(cast.api, cast.people["creator"]), "Accept-Language": "en"}
    late = client.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": TITLE, "assignee_ids": [cast.ids["kz_member"]]}, headers=head)
    assert (late.status_code, late.get_json()["error"]["code"]) == (409, "group_term_ended")
    assert "term ended on" in late.get_json()["error"]["message"]


def test_comments_by_members_and_not_by_legal_observers(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    url = f"/api/v1/tasks/{task['id']}/comments"
    posted = client.post(url, json={"body": "Свидетель вызван на 12 ноября."}, headers=cast.headers["kz_member"])
    assert posted.status_code == 201, posted.get_json()
    comment = posted.get_json()
    assert (comment["author"]["id"], comment["body"]) == (cast.ids["kz_member"], "Свидетель вызван на 12 ноября.")
    assert comment["created_at"].endswith("+00:00")
    assert client.post(url, json={"body": "Принято"}, headers=cast.headers["creator"]).status_code == 201
    legal = client.post(url, json={"body": "Замечание"}, headers=cast.headers["by_legal"])
    assert (legal.status_code, legal.get_json()["error"]["code"]) == (403, "forbidden")
    assert client.post(url, json={"body": "  "}, headers=cast.headers["kz_member"]).status_code == 422
    assert client.post(url, json={"body": "я" * 10_001}, headers=cast.headers["kz_member"]).status_code == 422
    read_by_legal = _read(client, cast, task["id"], "by_legal")
    assert [(c["author"]["id"], c["body"]) for c in read_by_legal["comments"]] == [
        (cast.ids["kz_member"], "Свидетель вызван на 12 ноября."), (cast.ids["creator"], "Принято")]
    # Comments do not move the task's version.
    assert read_by_legal["version"] == 1


def test_cyrillic_round_trip(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"], title="Анализ транзакций «Тень» — ТОО «Қазақ»",
                 description="Выписки по счетам; ҚР, РБ.\nВторая строка.")
    fetched = _read(client, cast, task["id"], "kz_member")
    assert (fetched["title"], fetched["description"]) == ("Анализ транзакций «Тень» — ТОО «Қазақ»",
                                                          "Выписки по счетам; ҚР, РБ.\nВторая строка.")
    listed = client.get(f"/api/v1/groups/{group['id']}/tasks", headers=cast.headers["kz_head"]).get_json()
    assert [item["title"] for item in listed["items"]] == [fetched["title"]]
    assert fetched["history"][0]["new"]["title"] == fetched["title"]


def test_a_done_task_is_reopened_by_who_may_with_the_version_read(client, cast):
    group = _active_group(client, cast)
    task = _task(client, cast, group["id"])
    task = _patch(client, cast, task, "kz_member", status="in_progress").get_json()
    done = _patch(client, cast, task, "kz_member", status="done").get_json()
    assert _patch(client, cast, done, "by_legal", status="open").status_code == 403
    stale = _patch(client, cast, task, "creator", status="open")
    assert (stale.status_code, stale.get_json()["error"]["fields"]) == (409, {"version": str(done["version"])})
    reopened = _patch(client, cast, done, "creator", status="open")
    assert (reopened.status_code, reopened.get_json()["status"]) == (200, "open")
