"""`flask jit search reindex` rebuilds the index from the records; the demo's bulk-loaded register is
indexed with it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from jit.extensions import db
from jit.models import LegalRequest, SearchEntry, User
from jit.search.documents import scope_token
from jit.services import search
from tests.groups_support import activate_with_case
from tests.search_support import found


def _entries() -> set[tuple[str, int]]:
    return set(db.session.execute(select(SearchEntry.kind, SearchEntry.object_id)).tuples())


def test_reindex_rebuilds_lost_entries_drops_stale_ones_and_shows_progress(app, cast):
    group, _, case_id = activate_with_case(cast)
    task = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", headers=cast.headers["creator"], json={
        "title": "Проверить выемку", "assignee_ids": [cast.ids["by_head"]]}).get_json()
    with app.app_context():
        indexed = _entries()
        assert {("task", task["id"]), ("case", case_id), ("person", cast.ids["kz_head"])} <= indexed
        db.session.execute(delete(SearchEntry))
        db.session.add(SearchEntry(kind="task", object_id=999, group_id=group["id"], created_at=datetime.now(UTC),
                                   title="Удалённая задача", body="", terms="выемк",
                                   scope=scope_token("task", group_id=group["id"])))
        db.session.commit()
    assert found(cast, "creator", "выемка") == {("task", 999)}  # a stale entry, no longer the task's

    result = app.test_cli_runner().invoke(args=["jit", "search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "task" in result.output and "1 / 1" in result.output
    assert f"search index rebuilt: {len(indexed)} entries" in result.output
    with app.app_context():
        assert _entries() == indexed
    assert found(cast, "creator", "выемка") == {("task", task["id"])}
    again = app.test_cli_runner().invoke(args=["jit", "search", "reindex"])
    assert f"search index rebuilt: {len(indexed)} entries" in again.output


def test_the_demo_register_is_searchable_by_a_surname_in_another_case(app):
    assert app.test_cli_runner().invoke(args=["jit", "demo"]).exit_code == 0
    with app.app_context():
        requests = db.session.scalar(select(func.count()).select_from(LegalRequest))
        assert db.session.scalar(select(func.count()).where(SearchEntry.kind == "request")) == requests
        officer = db.session.scalar(select(User).where(User.username == "o.kovalenko"))
        results = search.search(officer, "Сидоровой", kind="request")
        assert results.counts["request"] == 1
        assert [(hit.kind, "Сидорову" in hit.snippet) for hit in results.items] == [("request", True)]


def test_reindex_if_empty_builds_only_an_empty_index(app, cast):
    activate_with_case(cast)
    with app.app_context():
        indexed = _entries()
        db.session.execute(delete(SearchEntry))
        db.session.commit()
    built = app.test_cli_runner().invoke(args=["jit", "search", "reindex", "--if-empty"])
    assert f"search index rebuilt: {len(indexed)} entries" in built.output
    again = app.test_cli_runner().invoke(args=["jit", "search", "reindex", "--if-empty"])
    assert (again.exit_code, again.output.strip()) == (0, "search index already built; not rebuilt")
    with app.app_context():
        assert _entries() == indexed
