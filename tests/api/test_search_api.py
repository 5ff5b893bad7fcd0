"""GET /api/v1/search: need-to-know inside the query, counts from the same filter, a fresh index
(a change is found at once, an edit re-indexed, a deletion or a rollback leaves nothing), audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import SearchEntry, Task
from tests.channels_support import active_group_with_member, channels_of, post
from tests.groups_support import create_group, document_body
from tests.search_support import find, found
from tests.service_support import audited

WORD = "колибри"


def _channel(cast, gid: int, who: str, kind: str) -> int:
    return next(channel["id"] for channel in channels_of(cast, gid, who).values() if channel["kind"] == kind)


@pytest.fixture
def seeded(cast):
    """The same word in every channel of an active group (general, both team channels, a custom
    channel of the head and the Kazakh head), in a task of it, in a document of another (draft)
    group the outsider created, and in a register entry of the Belarusian authority."""
    group = active_group_with_member(cast)
    gid = group["id"]
    custom = cast.api.post(f"/api/v1/groups/{gid}/channels", json={
        "name": "Штаб", "member_ids": [cast.ids["kz_head"]]}, headers=cast.headers["creator"]).get_json()["id"]
    channels = {"general": _channel(cast, gid, "by_head", "general"), "by": _channel(cast, gid, "by_head", "team"),
                "kz": _channel(cast, gid, "kz_head", "team"), "custom": custom}
    messages = {}
    for name, channel_id in channels.items():
        sender = {"by": "by_head", "kz": "kz_member", "custom": "kz_head"}.get(name, "creator")
        response = post(cast, channel_id, sender, f"Сообщение про {WORD} ({name})")
        assert response.status_code == 201, response.get_json()
        messages[name] = response.get_json()["id"]
    task = cast.api.post(f"/api/v1/groups/{gid}/tasks", headers=cast.headers["creator"],
                         json={"title": f"Найти {WORD}", "assignee_ids": [cast.ids["by_head"]]})
    assert task.status_code == 201, task.get_json()
    other = create_group(cast, "outsider")["id"]
    document = cast.api.post(f"/api/v1/groups/{other}/documents", headers=cast.headers["outsider"], json={
        **document_body(cast, None, "KZ"), "authority_id": cast.ids["competent_kz"], "signed_by": f"Т. {WORD.title()}"})
    assert document.status_code == 201, document.get_json()
    request = cast.api.post("/api/v1/legal-requests", headers=cast.headers["by_legal"], json={
        "direction": "outgoing", "kind": "legal_assistance", "requesting_authority_id": cast.ids["ic_by"],
        "requested_party": "KZ", "requested_authority": "МВД Республики Казахстан", "case_number": "20251640099",
        "persons": [{"name": "Петренко П.П."}], "confidential": False, "substance": f"Установить {WORD}",
        "sent_on": "2025-03-01", "due_on": "2025-05-01"})
    assert request.status_code == 201, request.get_json()
    return {"gid": gid, "other": other, "channels": channels, "messages": messages, "task": task.get_json()["id"],
            "document": document.get_json()["id"], "request": request.get_json()["id"]}


def test_each_role_finds_exactly_what_it_may_read_and_counts_only_that(cast, seeded):
    messages = seeded["messages"]
    task, document, request = ("task", seeded["task"]), ("document", seeded["document"]), ("request", seeded["request"])
    expected = {
        # The head: the general and the custom channel (not the team channels), the task, the register.
        "creator": {("message", messages["general"]), ("message", messages["custom"]), task, request},
        "by_head": {("message", messages["general"]), ("message", messages["by"]), task, request},
        "kz_head": {("message", messages["general"]), ("message", messages["kz"]), ("message", messages["custom"]),
                    task},
        "kz_member": {("message", messages["general"]), ("message", messages["kz"]), task},
        # A legal officer of a participating party observes the group's records, not its channels.
        "by_legal": {task, request},
        "outsider": {document},
    }
    for who, records in expected.items():
        assert found(cast, who, WORD, limit=2) == records, who
        kinds = [kind for kind, _ in records]
        assert find(cast, who, WORD)["counts"] == {kind: kinds.count(kind) for kind in set(kinds)}, who


def test_a_removed_member_finds_nothing_of_the_group_from_that_moment(cast, seeded):
    removed = cast.api.delete(f"/api/v1/groups/{seeded['gid']}/members/{cast.ids['kz_member']}",
                              headers=cast.headers["kz_head"])
    assert removed.status_code in (200, 204), removed.get_json()
    assert find(cast, "kz_member", WORD) == {"items": [], "counts": {}, "next_cursor": None}


def test_filters_narrow_results_and_counts_alike(cast, seeded):
    by_kind = find(cast, "kz_head", WORD, kind="task")
    assert [item["kind"] for item in by_kind["items"]] == ["task"]
    assert by_kind["counts"] == {"message": 3, "task": 1}  # the facets still show every kind
    assert find(cast, "kz_head", WORD, party="KZ")["counts"] == {"message": 1}  # the Kazakh team's channel
    assert find(cast, "kz_head", WORD, author_id=cast.ids["kz_head"])["counts"] == {"message": 1}
    assert find(cast, "kz_head", WORD, group_id=seeded["gid"])["counts"] == {"message": 3, "task": 1}
    assert find(cast, "creator", WORD, **{"from": "2025-01-01", "to": "2025-12-31"})["counts"] == {"request": 1}
    newest = find(cast, "kz_head", WORD, order="newest")["items"]
    assert [item["created_at"] for item in newest] == sorted((item["created_at"] for item in newest), reverse=True)


def test_a_group_the_caller_cannot_see_is_not_found_and_bad_filters_are_named(cast, seeded):
    hidden = cast.api.get("/api/v1/search", query_string={"q": WORD, "group_id": seeded["gid"]},
                          headers=cast.headers["outsider"])
    missing = cast.api.get("/api/v1/search", query_string={"q": WORD, "group_id": 99999},
                           headers=cast.headers["outsider"])
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.get_json() == missing.get_json()
    for query, field in (({"q": " "}, "q"), ({"q": "!!"}, "q"), ({"q": WORD, "kind": "secret"}, "kind"),
                         ({"q": WORD, "from": "2025-05-02", "to": "2025-05-01"}, "to"),
                         ({"q": WORD, "cursor": "bm90LWEtY3Vyc29y"}, "cursor")):
        response = cast.api.get("/api/v1/search", query_string=query, headers=cast.headers["creator"])
        assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, [field]), query
    assert cast.api.get("/api/v1/search", query_string={"q": WORD}).status_code == 401


def test_every_search_is_audited_with_its_text_and_result_count(app, cast, seeded):
    find(cast, "kz_member", f"  {WORD}  ")
    find(cast, "kz_member", "несуществующее")
    with app.app_context():
        searches = [(outcome, details["query"], details["results"]) for outcome, details in audited("search.query")]
    assert searches[-2:] == [("ok", WORD, 3), ("ok", "несуществующее", 0)]


def test_a_change_is_found_at_once_an_edit_re_indexed_a_deletion_gone(cast, seeded):
    message = seeded["messages"]["general"]
    edited = cast.api.patch(f"/api/v1/messages/{message}", json={"body": "Теперь про выемку"},
                            headers=cast.headers["creator"])
    assert edited.status_code == 200, edited.get_json()
    assert ("message", message) not in found(cast, "creator", WORD)
    assert ("message", message) in found(cast, "creator", "выемка")
    assert cast.api.delete(f"/api/v1/messages/{message}", headers=cast.headers["creator"]).status_code in (200, 204)
    assert ("message", message) not in found(cast, "creator", "выемка")
    assert cast.api.patch(f"/api/v1/tasks/{seeded['task']}", headers=cast.headers["creator"], json={
        "title": "Найти ястреба", "version": 1}).status_code == 200
    assert found(cast, "creator", "ястреб") == {("task", seeded["task"])}


def test_a_rolled_back_write_leaves_nothing_in_the_index(app, cast, seeded):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(SearchEntry))
        db.session.add(Task(group_id=seeded["gid"], title="Черновик про дрозда", created_by_id=cast.ids["creator"]))
        db.session.flush()
        db.session.rollback()
        db.session.add(Task(group_id=seeded["gid"], title="Ещё про дрозда", created_by_id=cast.ids["creator"]))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(SearchEntry)) == before + 1
    assert [item["title"] for item in find(cast, "creator", "дрозд")["items"]] == ["Ещё про дрозда"]
