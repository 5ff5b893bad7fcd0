"""A renamed channel, authority, task or person: the entries carrying the name are rewritten in the
rename's transaction, so the new name finds them and the old one no longer does (issue 18, item 4)."""

from __future__ import annotations

from sqlalchemy import select

from jit.extensions import db
from jit.models import Channel, SearchEntry
from tests import factories
from tests.channels_support import channels_of, post
from tests.conftest import bearer
from tests.groups_support import activate_with_case
from tests.search_support import found


def _admin_headers(cast) -> dict:
    with cast.app.app_context():
        admin = factories.create_user(roles=("admin",))
    return bearer(cast.api, admin)


def test_a_renamed_channel_s_messages_are_found_by_its_new_name(cast):
    group, _, _ = activate_with_case(cast)
    channel = channels_of(cast, group["id"], "by_head")["team-BY"]
    message = post(cast, channel["id"], "by_head", "Встреча назначена на понедельник").get_json()
    assert found(cast, "by_head", "team", kind="message") == {("message", message["id"])}

    with cast.app.app_context():
        db.session.get(Channel, channel["id"]).name = "Штаб в Гомеле"
        db.session.rollback()  # a rename rolled back changes nothing
    assert found(cast, "by_head", "team", kind="message") == {("message", message["id"])}
    with cast.app.app_context():
        db.session.get(Channel, channel["id"]).name = "Штаб в Гомеле"
        db.session.commit()

    assert found(cast, "by_head", "гомель", kind="message") == {("message", message["id"])}
    assert found(cast, "by_head", "team", kind="message") == set()


def _rename_authority(cast, name_ru: str) -> None:
    renamed = cast.api.patch(f"/api/v1/authorities/{cast.ids['ic_by']}", headers=_admin_headers(cast),
                             json={"name_ru": name_ru})
    assert renamed.status_code == 200, renamed.get_json()


def test_a_renamed_authority_s_documents_and_people_are_found_by_its_new_name(cast):
    activate_with_case(cast)
    _rename_authority(cast, "Гродненское управление")
    by_name = found(cast, "creator", "гродненское")
    assert {kind for kind, _ in by_name} == {"document", "person"}
    assert {("person", cast.ids["creator"]), ("person", cast.ids["by_head"])} <= by_name

    _rename_authority(cast, "Брестское управление")
    assert found(cast, "creator", "брестское") == by_name
    assert found(cast, "creator", "гродненское") == set()


def test_renaming_a_requesting_authority_leaves_the_register_s_entries_alone(cast):
    # Every request of a register shares it: a rename would rewrite them all (README, "Fresh").
    request = cast.api.post("/api/v1/legal-requests", headers=cast.headers["by_legal"], json={
        "direction": "outgoing", "kind": "legal_assistance", "requesting_authority_id": cast.ids["ic_by"],
        "requested_party": "KZ", "requested_authority": "МВД Республики Казахстан", "case_number": "20251640099",
        "persons": [{"name": "Петренко П.П."}], "confidential": False, "substance": "Установить владельца счёта",
        "sent_on": "2025-03-01", "due_on": "2025-05-01"})
    assert request.status_code == 201, request.get_json()
    entry = select(SearchEntry.id, SearchEntry.body, SearchEntry.terms).where(
        SearchEntry.kind == "request", SearchEntry.object_id == request.get_json()["id"])
    with cast.app.app_context():
        before = db.session.execute(entry).one()
    _rename_authority(cast, "Гродненское управление")
    with cast.app.app_context():
        assert db.session.execute(entry).one() == before
    assert found(cast, "by_legal", "гродненское", kind="request") == set()
    assert found(cast, "by_legal", "казахстан", kind="request") == {("request", request.get_json()["id"])}


def test_a_renamed_task_s_comments_and_a_renamed_person_are_found_by_the_new_name(cast):
    group, _, _ = activate_with_case(cast)
    task = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", headers=cast.headers["creator"], json={
        "title": "Проверить счета", "assignee_ids": [cast.ids["by_head"]]}).get_json()
    comment = cast.api.post(f"/api/v1/tasks/{task['id']}/comments", headers=cast.headers["by_head"],
                            json={"body": "Начала работу"}).get_json()
    renamed = cast.api.patch(f"/api/v1/tasks/{task['id']}", headers=cast.headers["creator"],
                             json={"title": "Допросить кассира", "version": task["version"]})
    assert renamed.status_code == 200, renamed.get_json()
    assert found(cast, "creator", "кассир") == {("task", task["id"]), ("comment", comment["id"])}
    assert found(cast, "creator", "счета") == set()

    assert found(cast, "creator", "Ковалёва", kind="person") == {("person", cast.ids["by_head"])}
    person = cast.api.patch(f"/api/v1/users/{cast.ids['by_head']}", headers=_admin_headers(cast),
                            json={"full_name": "Ольга Миронова"})
    assert person.status_code == 200, person.get_json()
    assert found(cast, "creator", "Миронова", kind="person") == {("person", cast.ids["by_head"])}
    assert found(cast, "creator", "Ковалёва", kind="person") == set()
