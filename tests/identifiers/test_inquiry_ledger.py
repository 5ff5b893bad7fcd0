"""Match inquiries in both groups (issue 19, item 4): each step is on the timeline and in the audit
trail of the inquiring and of the holding group, the inquiring group's naming only the holder's
authority; an inquiry to a closed group goes to its former head's authority's legal officers; a member
removed from the holding group hears nothing of its inquiries; a pasted list beyond the limit is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jit import notify
from jit.extensions import db
from jit.models import AuditEvent, User
from jit.services import identifiers
from jit.services.errors import Invalid
from tests.api.test_identifier_hits import _holding_group, _record
from tests.evidence_support import evidence_group
from tests.groups_support import advance, file_document
from tests.service_support import timeline
from tests.web.test_identifier_pages import EN, _form


@pytest.fixture
def heard(monkeypatch) -> list[tuple[str, dict]]:
    """(room, event) of every Socket.IO `event` the use cases send."""
    sent = []
    real = notify.emit_after_commit

    def emit(event_name, data, *, room, **extra):
        if event_name == "event":
            sent.append((room, data))
        real(event_name, data, room=room, **extra)

    monkeypatch.setattr(notify, "emit_after_commit", emit)
    return sent


def _inquire(cast, setting: dict, identifier_id: int) -> dict:
    response = cast.api.post(f"/api/v1/identifiers/{identifier_id}/inquiries", headers=cast.headers["by_head"],
                             json={"reason": "Тот же номер у организатора", "case_id": setting["cases"]["BY"]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _decide(cast, inquiry_id: int, who: str, **body):
    return cast.api.post(f"/api/v1/inquiries/{inquiry_id}/decision", json={"disclose": True, **body},
                         headers=cast.headers[who])


def _incoming(cast, who: str) -> list[int]:
    answer = cast.api.get("/api/v1/inquiries?direction=incoming", headers=cast.headers[who]).get_json()
    return [item["id"] for item in answer["items"]]


def _told_of_inquiries(cast, who: str) -> list[dict]:
    """`who`'s notices of match inquiries: (group, text)."""
    answer = cast.api.get("/api/v1/notifications", query_string={"kind": "identifier.inquiry"},
                          headers={**cast.headers[who], "Accept-Language": "en"}).get_json()
    return [(item["group_id"], item["text"]) for item in answer["items"]]


def _trail(operation: str) -> dict[int, dict]:
    """The details of each group's event of `operation`, by group."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.operation == operation,
                                                         AuditEvent.outcome == "ok"))
    return {event.group_id: event.details for event in events}


def test_an_inquiry_and_its_answer_are_recorded_in_both_groups_the_holder_named_by_its_authority(cast):
    setting = evidence_group(cast)
    holder = _holding_group(cast)
    holder_gid, code = holder["group"]["id"], holder["group"]["code"]
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    inquiry = _inquire(cast, setting, mine["id"])
    assert _decide(cast, inquiry["id"], "kz_head").status_code == 200
    with cast.app.app_context():
        kz_authority, by_authority = (db.session.get(User, cast.ids[who]).authority for who in ("kz_head", "by_head"))
        here, there = timeline(setting["gid"])[-2:], timeline(holder_gid)[-2:]
        sent, decided = _trail("identifier.inquire"), _trail("identifier.inquiry_decide")
    named = {"en": kz_authority.name_en, "ru": kz_authority.name_ru}
    assert here == [
        ("identifier.inquiry_sent", {"inquiry_id": inquiry["id"], "authority_id": kz_authority.id, "authority": named}),
        ("identifier.inquiry_disclosed", {"inquiry_id": inquiry["id"], "authority_id": kz_authority.id,
                                          "authority": named})]
    asking = {"inquiry_id": inquiry["id"], "authority_id": by_authority.id,
              "authority": {"en": by_authority.name_en, "ru": by_authority.name_ru}}
    assert there == [("identifier.inquiry_received", asking), ("identifier.inquiry_disclosed", asking)]
    # Each group's trail has its own event of each step; the inquiring group's never names the holder's group.
    assert set(sent) == set(decided) == {setting["gid"], holder_gid}
    assert sent[setting["gid"]] == {"holder_authority_id": kz_authority.id}
    assert sent[holder_gid] == {"inquiring_group_id": setting["gid"]}
    assert decided[setting["gid"]] == {"decision": "disclosed", "holder_authority_id": kz_authority.id}
    assert decided[holder_gid] == {"inquiring_group_id": setting["gid"], "decision": "disclosed"}
    page = cast.browser("by_head").get(f"/groups/{setting['gid']}/timeline", headers=EN).get_data(as_text=True)
    assert "Match inquiry sent" in page and kz_authority.name_en in page and code not in page


def test_an_inquiry_to_a_closed_group_goes_to_its_former_heads_legal_officers(cast, heard):
    setting = evidence_group(cast)
    holder = _holding_group(cast)
    holder_gid = holder["group"]["id"]
    for party in ("BY", "KZ"):
        file_document(cast, holder_gid, "terminate", party)
    advance(cast, holder_gid, "closed")
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    assert mine["hits"], "a closed group's shareable identifier is still found"
    inquiry = _inquire(cast, setting, mine["id"])
    # The group head's authority is the Belarusian committee: its legal officer decides, the closed
    # group's former head and national head no longer do.
    assert _incoming(cast, "by_legal") == [inquiry["id"]]
    assert _incoming(cast, "creator") == _incoming(cast, "kz_head") == []
    assert (f"user:{cast.ids['by_legal']}", "identifier.inquiry_received") in {
        (room, event["type"]) for room, event in heard if event["group_id"] == holder_gid}
    assert _told_of_inquiries(cast, "by_legal") == [
        (holder_gid, f"Ольга Ковалёва sent a match inquiry about an identifier the group {holder['group']['code']} "
                     "holds")]
    assert _told_of_inquiries(cast, "kz_head") == _told_of_inquiries(cast, "creator") == []
    assert _decide(cast, inquiry["id"], "kz_head").status_code == 404
    assert _decide(cast, inquiry["id"], "by_legal").status_code == 200
    seen = cast.api.get(f"/api/v1/inquiries/{inquiry['id']}", headers=cast.headers["by_head"]).get_json()
    assert seen["disclosure"]["group_code"] == holder["group"]["code"]


def test_a_member_removed_from_the_holding_group_hears_nothing_of_its_inquiries(cast, heard):
    setting = evidence_group(cast)
    holder = _holding_group(cast)
    holder_gid = holder["group"]["id"]
    kz_team = next(team["id"] for team in holder["group"]["teams"] if team["party"] == "KZ")
    members = f"/api/v1/groups/{holder_gid}/members"
    assert cast.api.post(members, json={"user_id": cast.ids["kz_member"], "team_id": kz_team, "role": "member"},
                         headers=cast.headers["kz_head"]).status_code == 201
    assert cast.api.delete(f"{members}/{cast.ids['kz_member']}", headers=cast.headers["kz_head"]).status_code in (
        200, 204)
    heard.clear()
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    inquiry = _inquire(cast, setting, mine["id"])
    told = {room for room, event in heard if event["group_id"] == holder_gid}
    assert f"user:{cast.ids['kz_head']}" in told and f"user:{cast.ids['kz_member']}" not in told
    assert _incoming(cast, "kz_member") == [] and _told_of_inquiries(cast, "kz_member") == []
    assert [group for group, _ in _told_of_inquiries(cast, "kz_head")] == [holder_gid]
    assert cast.api.get(f"/api/v1/inquiries/{inquiry['id']}", headers=cast.headers["kz_member"]).status_code == 404
    assert _decide(cast, inquiry["id"], "kz_member").status_code == 404


def test_ten_thousand_pasted_identifiers_are_refused_whole_naming_the_limit(cast):
    setting = evidence_group(cast)
    pasted = [{"kind": "phone", "value": f"+375 29 1{n:06d}", "obtained_under": "Выписка", "shareable": False,
               "case_id": setting["cases"]["BY"]} for n in range(10_000)]
    with cast.app.app_context(), pytest.raises(Invalid) as refused:
        identifiers.record_identifiers(db.session.get(User, cast.ids["by_head"]), setting["gid"], pasted)
    assert (refused.value.code, list(refused.value.fields)) == ("too_many_identifiers", ["items"])
    page = _form(cast.browser("by_head"), setting["gid"], record=f"case:{setting['cases']['BY']}",
                 value="\n".join(item["value"] for item in pasted))
    assert page.status_code == 422
    assert f"between 1 and {identifiers.MAX_AT_ONCE} identifiers" in page.get_data(as_text=True)
    assert cast.api.get(f"/api/v1/groups/{setting['gid']}/identifiers", headers=cast.headers["by_head"]).get_json()[
        "items"] == []
