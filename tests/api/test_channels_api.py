"""Channels through the JSON API: who reads which channel, sending (idempotent, validated, limited),
editing with history, catch-up and paging, read positions, custom channels, message → task."""

from __future__ import annotations

import pytest

from tests.channels_support import active_group_with_member, bodies, channels_of, post
from tests.groups_support import advance, file_document, read_group


@pytest.fixture
def group(cast) -> dict:
    return active_group_with_member(cast)


def test_each_group_has_a_general_channel_and_one_per_team_read_by_current_members(cast, group):
    gid = group["id"]
    assert sorted(channels_of(cast, gid, "by_head")) == ["general", "team-BY"]
    assert sorted(channels_of(cast, gid, "kz_member")) == ["general", "team-KZ"]
    assert sorted(channels_of(cast, gid, "creator")) == ["general"]  # the group head is in no team
    assert channels_of(cast, gid, "by_legal") == {}  # sees the group, reads no channel
    assert cast.api.get(f"/api/v1/groups/{gid}/channels", headers=cast.headers["outsider"]).status_code == 404

    by_team = channels_of(cast, gid, "by_head")["team-BY"]
    assert post(cast, by_team["id"], "by_head", "Только для своих").status_code == 201
    for who in ("kz_head", "outsider", "by_legal"):
        assert post(cast, by_team["id"], who, "Можно?").status_code == 404, who
        response = cast.api.get(f"/api/v1/channels/{by_team['id']}/messages", headers=cast.headers[who])
        assert (response.status_code, response.get_json()["error"]["code"]) == (404, "not_found"), who


def test_text_round_trips_unchanged_and_a_retried_send_returns_the_first_message(cast, group):
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    text = '  <script>alert("x")</script> Привет, коллеги! 🇧🇾🤝🇰🇿  '
    first = post(cast, general, "by_head", text, client_msg_id="c-1")
    assert first.status_code == 201
    message = first.get_json()
    assert message["body"] == text.strip()
    assert (message["seq"], message["deleted"], message["edited_at"], message["link"]) == (1, False, None, None)
    assert message["author"]["id"] == cast.ids["by_head"]
    assert message["created_at"].endswith("+00:00")

    again = post(cast, general, "by_head", text, client_msg_id="c-1")
    assert (again.status_code, again.get_json()) == (201, message)
    # Another author's id space is their own.
    assert post(cast, general, "kz_head", "Принято", client_msg_id="c-1").get_json()["seq"] == 2
    assert bodies(cast, general, "kz_member", after_seq=0) == [(1, text.strip()), (2, "Принято")]


def test_empty_oversized_and_ill_formed_messages_are_refused(cast, group, app):
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    limit = app.config["JIT_MAX_MESSAGE_CHARS"]
    assert limit == 4000
    for body in ("", "   \n\t  "):
        response = post(cast, general, "by_head", body)
        assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["body"])
    too_long = post(cast, general, "by_head", "я" * (limit + 1))
    assert (too_long.status_code, list(too_long.get_json()["error"]["fields"])) == (422, ["body"])
    assert post(cast, general, "by_head", "я" * limit).status_code == 201
    assert post(cast, general, "by_head", "x", client_msg_id="i" * 65).status_code == 422
    assert bodies(cast, general, "by_head", after_seq=0) == [(1, "я" * limit)]


def test_a_suspended_or_closed_group_takes_no_messages_but_stays_readable(cast, group):
    gid = group["id"]
    general = channels_of(cast, gid, "by_head")["general"]["id"]
    assert post(cast, general, "by_head", "До приостановления").status_code == 201
    advance(cast, gid, "suspended")
    suspended = post(cast, general, "by_head", "Во время приостановления")
    assert (suspended.status_code, suspended.get_json()["error"]["code"]) == (409, "group_suspended")
    advance(cast, gid, "active")
    file_document(cast, gid, "terminate", "BY")
    file_document(cast, gid, "terminate", "KZ")
    advance(cast, gid, "closed")
    assert read_group(cast, gid)["status"] == "closed"
    closed = post(cast, general, "by_head", "После закрытия")
    assert (closed.status_code, closed.get_json()["error"]["code"]) == (409, "group_closed")
    assert bodies(cast, general, "kz_head", after_seq=0) == [(1, "До приостановления")]


def test_only_the_author_edits_or_deletes_and_the_history_keeps_every_text(cast, group):
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    message = post(cast, general, "by_head", "Встреча в 10:00").get_json()
    url = f"/api/v1/messages/{message['id']}"

    assert cast.api.patch(url, json={"body": "Чужая правка"}, headers=cast.headers["kz_head"]).status_code == 403
    assert cast.api.delete(url, headers=cast.headers["kz_head"]).status_code == 403
    assert cast.api.patch(url, json={"body": "  "}, headers=cast.headers["by_head"]).status_code == 422
    edited = cast.api.patch(url, json={"body": "Встреча в 11:00"}, headers=cast.headers["by_head"])
    assert edited.status_code == 200
    assert (edited.get_json()["body"], edited.get_json()["edited_at"] is not None) == ("Встреча в 11:00", True)
    deleted = cast.api.delete(url, headers=cast.headers["by_head"])
    assert deleted.status_code == 200
    assert (deleted.get_json()["body"], deleted.get_json()["deleted"], deleted.get_json()["seq"]) == (None, True, 1)
    assert cast.api.patch(url, json={"body": "Снова"}, headers=cast.headers["by_head"]).status_code == 409
    assert bodies(cast, general, "kz_member", after_seq=0) == [(1, None)]  # shown as deleted, not gone

    history = cast.api.get(f"{url}/history", headers=cast.headers["creator"])  # the group head
    assert history.status_code == 200
    assert [(item["action"], item["previous_body"], item["edited_by"]["id"])
            for item in history.get_json()["items"]] == [
        ("edit", "Встреча в 10:00", cast.ids["by_head"]), ("delete", "Встреча в 11:00", cast.ids["by_head"])]
    assert cast.api.get(f"{url}/history", headers=cast.headers["kz_member"]).status_code == 403
    # A legal officer reads no channel, so no channel's history either (tests/api/test_message_access.py).
    for who in ("by_legal", "outsider"):
        assert cast.api.get(f"{url}/history", headers=cast.headers[who]).status_code == 404, who


def test_catch_up_after_a_sequence_and_paging_back_through_the_history(cast, group):
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    for n in range(1, 8):
        assert post(cast, general, "by_head" if n % 2 else "kz_head", f"Сообщение {n}").status_code == 201
    assert bodies(cast, general, "kz_member", after_seq=4) == [(5, "Сообщение 5"), (6, "Сообщение 6"),
                                                               (7, "Сообщение 7")]
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = cast.api.get(f"/api/v1/channels/{general}/messages", query_string=query,
                            headers=cast.headers["kz_member"]).get_json()
        seen.append([message["seq"] for message in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [[7, 6, 5], [4, 3, 2], [1]]


def test_read_positions_give_unread_counts_and_seen_by(cast, group):
    gid = group["id"]
    general = channels_of(cast, gid, "by_head")["general"]["id"]
    for n in range(3):
        post(cast, general, "by_head", f"Новость {n}")
    post(cast, general, "kz_head", "Мой ответ")
    assert channels_of(cast, gid, "kz_head")["general"]["unread"] == 3  # one's own messages are read
    marked = cast.api.put(f"/api/v1/channels/{general}/read", json={"seq": 2}, headers=cast.headers["kz_head"])
    assert marked.status_code == 200
    assert (marked.get_json()["last_read_seq"], marked.get_json()["unread"]) == (2, 1)
    # Never backwards, never past the last message.
    cast.api.put(f"/api/v1/channels/{general}/read", json={"seq": 1}, headers=cast.headers["kz_head"])
    cast.api.put(f"/api/v1/channels/{general}/read", json={"seq": 99}, headers=cast.headers["kz_member"])
    reads = cast.api.get(f"/api/v1/channels/{general}/reads", headers=cast.headers["by_head"]).get_json()["items"]
    assert [(read["user"]["id"], read["last_read_seq"]) for read in reads] == [
        (cast.ids["kz_head"], 2), (cast.ids["kz_member"], 4)]
    assert channels_of(cast, gid, "kz_member")["general"]["unread"] == 0
    # A position is a message's number: 2.5 (or 1e-42) is refused, not truncated to one nobody sent.
    for fraction in (2.5, 1e-42):
        refused = cast.api.put(f"/api/v1/channels/{general}/read", json={"seq": fraction},
                               headers=cast.headers["kz_head"])
        assert (refused.status_code, list(refused.get_json()["error"]["fields"])) == (422, ["seq"])


def test_a_removed_member_reads_no_channel_of_the_group(cast, group):
    gid = group["id"]
    general = channels_of(cast, gid, "kz_member")["general"]["id"]
    removed = cast.api.delete(f"/api/v1/groups/{gid}/members/{cast.ids['kz_member']}", headers=cast.headers["kz_head"])
    assert removed.status_code == 204
    assert cast.api.get(f"/api/v1/channels/{general}/messages", headers=cast.headers["kz_member"]).status_code == 404
    assert post(cast, general, "kz_member", "Я ещё здесь?").status_code == 404


def test_the_group_head_opens_a_custom_channel_and_chooses_its_members(cast, group):
    gid = group["id"]
    refused = cast.api.post(f"/api/v1/groups/{gid}/channels", json={"name": "Оперативный штаб", "member_ids": []},
                            headers=cast.headers["by_head"])
    assert refused.status_code == 403
    stranger = cast.api.post(f"/api/v1/groups/{gid}/channels", json={
        "name": "Штаб", "member_ids": [cast.ids["outsider"]]}, headers=cast.headers["creator"])
    assert (stranger.status_code, list(stranger.get_json()["error"]["fields"])) == (422, ["member_ids"])
    created = cast.api.post(f"/api/v1/groups/{gid}/channels", json={
        "name": "Оперативный штаб", "member_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert created.status_code == 201
    channel = created.get_json()
    assert (channel["kind"], channel["name"], channel["unread"]) == ("custom", "Оперативный штаб", 0)
    assert "Оперативный штаб" in channels_of(cast, gid, "kz_member")
    assert "Оперативный штаб" not in channels_of(cast, gid, "kz_head")

    members = f"/api/v1/channels/{channel['id']}/members"
    added = cast.api.post(members, json={"user_id": cast.ids["by_head"]}, headers=cast.headers["creator"])
    assert [person["id"] for person in added.get_json()["items"]] == sorted(
        [cast.ids["creator"], cast.ids["by_head"], cast.ids["kz_member"]])
    assert cast.api.post(members, json={"user_id": cast.ids["by_head"]},
                         headers=cast.headers["creator"]).status_code == 409
    assert cast.api.delete(f"{members}/{cast.ids['kz_member']}", headers=cast.headers["creator"]).status_code == 204
    assert "Оперативный штаб" not in channels_of(cast, gid, "kz_member")
    team_channel = channels_of(cast, gid, "by_head")["team-BY"]["id"]
    assert cast.api.post(f"/api/v1/channels/{team_channel}/members", json={"user_id": cast.ids["kz_member"]},
                         headers=cast.headers["creator"]).status_code == 409  # teams follow the composition


def test_a_message_becomes_a_task_or_points_at_one(cast, group):
    general = channels_of(cast, group["id"], "creator")["general"]["id"]
    message = post(cast, general, "creator", "Допросить свидетеля Иванова\nСрочно, до пятницы").get_json()
    made = cast.api.post(f"/api/v1/messages/{message['id']}/task", json={"assignee_ids": [cast.ids["kz_member"]]},
                         headers=cast.headers["creator"])
    assert made.status_code == 201, made.get_json()
    task = made.get_json()
    assert task["title"] == "Допросить свидетеля Иванова"
    assert task["description"].startswith("Допросить свидетеля Иванова\nСрочно, до пятницы\n\n")
    [linked] = cast.api.get(f"/api/v1/channels/{general}/messages", headers=cast.headers["kz_member"]).get_json()[
        "items"]
    assert linked["link"] == {"type": "task", "id": task["id"]}
    again = cast.api.post(f"/api/v1/messages/{message['id']}/task", json={"assignee_ids": [cast.ids["kz_member"]]},
                          headers=cast.headers["creator"])
    assert again.status_code == 409

    # A member may not set tasks: the task rules refuse, and the message stays unlinked.
    other = post(cast, general, "kz_member", "Проверить счета").get_json()
    refused = cast.api.post(f"/api/v1/messages/{other['id']}/task", json={"assignee_ids": [cast.ids["kz_member"]]},
                            headers=cast.headers["kz_member"])
    assert refused.status_code == 403
    bad_type = cast.api.put(f"/api/v1/messages/{other['id']}/link", json={"type": "parcel", "id": 1},
                            headers=cast.headers["kz_member"])
    assert (bad_type.status_code, list(bad_type.get_json()["error"]["fields"])) == (422, ["type"])
    pointed = cast.api.put(f"/api/v1/messages/{other['id']}/link", json={"type": "task", "id": task["id"]},
                           headers=cast.headers["kz_member"])
    assert (pointed.status_code, pointed.get_json()["link"]) == (200, {"type": "task", "id": task["id"]})


def test_a_message_points_at_an_evidence_item_of_its_group(cast, group):
    gid = group["id"]
    case = cast.api.post(f"/api/v1/groups/{gid}/cases", json={
        "party": "KZ", "number": "№ 257500031000412", "opened_on": "2025-02-03", "articles": "ст. 190 УК РК",
        "summary": "Мошенничество", "handling_investigator_id": cast.ids["kz_head"]}, headers=cast.headers["kz_head"])
    assert case.status_code == 201, case.get_json()
    item = cast.api.post(f"/api/v1/groups/{gid}/evidence", json={
        "case_id": case.get_json()["id"], "title": "Образ диска сервера", "kind": "digital_copy",
        "obtained_at": "2025-11-11T09:30:00+06:00", "obtained_place": "г. Алматы",
        "obtained_under": "Протокол выемки"}, headers=cast.headers["kz_member"])
    assert item.status_code == 201, item.get_json()
    general = channels_of(cast, gid, "kz_member")["general"]["id"]
    message = post(cast, general, "kz_member", "Образ сервера зарегистрирован").get_json()
    pointed = cast.api.put(f"/api/v1/messages/{message['id']}/link", json={
        "type": "evidence_item", "id": item.get_json()["id"]}, headers=cast.headers["kz_member"])
    assert (pointed.status_code, pointed.get_json()["link"]) == (200, {"type": "evidence_item",
                                                                     "id": item.get_json()["id"]})


def test_a_flood_from_one_sender_is_limited_and_others_still_send(cast, group, app):
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    assert app.config["JIT_MESSAGE_RATE_LIMIT"] == "30 per 10 seconds"
    statuses = [post(cast, general, "by_head", f"Спам {n}").status_code for n in range(35)]
    assert statuses == [201] * 30 + [429] * 5
    flooded = post(cast, general, "by_head", "Ещё")
    assert flooded.get_json()["error"]["code"] == "rate_limited"
    assert post(cast, general, "kz_head", "Я могу писать").status_code == 201
    assert bodies(cast, general, "kz_head", after_seq=29) == [(30, "Спам 29"), (31, "Я могу писать")]
    # A rate limit is a refusal, not an error, in the audit trail (issue 13, finding 10).
    with app.app_context():
        from jit.extensions import db
        from jit.models import AuditEvent

        limited = db.session.query(AuditEvent).filter_by(operation="message.send", outcome="denied").all()
        assert [(event.details["code"], event.details["path"]) for event in limited] == [
            ("rate_limited", f"POST /api/v1/channels/{general}/messages")] * 6


def test_a_task_from_a_message_takes_the_description_given_and_still_says_where_it_came_from(cast, group):
    general = channels_of(cast, group["id"], "creator")["general"]["id"]
    message = post(cast, general, "kz_member", "Проверить счета ТОО «Арман»").get_json()
    made = cast.api.post(f"/api/v1/messages/{message['id']}/task", json={
        "assignee_ids": [cast.ids["kz_member"]], "description": "Запросить выписки за 2025 год"},
        headers=cast.headers["creator"])
    assert made.status_code == 201, made.get_json()
    description = made.get_json()["description"]
    assert description.startswith("Запросить выписки за 2025 год\n\n") and "Проверить счета" not in description
    assert f"\n\nИз сообщения № {message['seq']} в канале general, автор: " in description
