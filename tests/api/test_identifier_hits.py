"""Hit / no-hit across groups (issue 19, item 4): a group holding the same identifier is named only by
its holder's authority; an inquiry goes to that group's head and the recording team's national head,
who disclose (group code, case number, summary) or decline with a reason; each step is audited."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from jit.extensions import db
from jit.models import Identifier
from tests.evidence_support import evidence_group
from tests.groups_support import activate
from tests.service_support import audited

PHONE = "+375 29 123-45-67"


def _record(cast, gid: int, case_id: int, who: str, shareable: bool = True):
    response = cast.api.post(f"/api/v1/groups/{gid}/identifiers", headers=cast.headers[who], json={
        "kind": "phone", "value": PHONE, "case_id": case_id, "obtained_under": "Протокол", "shareable": shareable})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _holding_group(cast, shareable: bool = True) -> dict:
    """A second group whose Kazakh national head recorded the same phone in its Kazakh case."""
    group = activate(cast)
    case = cast.api.post(f"/api/v1/groups/{group['id']}/cases", headers=cast.headers["kz_head"], json={
        "party": "KZ", "number": "№ 259900000777", "opened_on": "2025-06-01", "articles": "ст. 190 УК РК",
        "summary": "Колл-центр в Алматы", "handling_investigator_id": cast.ids["kz_head"]}).get_json()
    _record(cast, group["id"], case["id"], "kz_head", shareable)
    return {"group": group, "case": case}


def test_a_hit_names_only_the_holders_authority_until_the_holder_discloses(cast):
    setting = evidence_group(cast)
    holder = _holding_group(cast)
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    (hit,) = mine["hits"]
    assert hit["holder_authority"]["id"] == cast.ids["mvd_kz"] and hit["inquiry_id"] is None
    assert set(hit) == {"match_id", "holder_authority", "inquiry_id"}  # nothing else of the holder
    sent = cast.api.post(f"/api/v1/identifiers/{mine['id']}/inquiries", headers=cast.headers["by_head"],
                         json={"reason": "Тот же номер у организатора", "case_id": setting["cases"]["BY"]})
    assert sent.status_code == 201, sent.get_json()
    inquiry = sent.get_json()
    assert (inquiry["status"], inquiry["disclosure"]) == ("pending", None)
    again = cast.api.post(f"/api/v1/identifiers/{mine['id']}/inquiries", headers=cast.headers["by_head"],
                          json={"reason": "Ещё раз", "case_id": setting["cases"]["BY"]})
    assert again.status_code == 409
    # The holder's national head sees it arrive; the inquirer may not decide; a stranger learns nothing.
    incoming = cast.api.get("/api/v1/inquiries?direction=incoming", headers=cast.headers["kz_head"]).get_json()
    assert [item["id"] for item in incoming["items"]] == [inquiry["id"]]
    assert cast.api.post(f"/api/v1/inquiries/{inquiry['id']}/decision", json={"disclose": True},
                         headers=cast.headers["by_head"]).status_code == 404
    assert cast.api.get(f"/api/v1/inquiries/{inquiry['id']}", headers=cast.headers["outsider"]).status_code == 404
    decided = cast.api.post(f"/api/v1/inquiries/{inquiry['id']}/decision", json={"disclose": True},
                            headers=cast.headers["kz_head"])
    assert decided.status_code == 200, decided.get_json()
    seen = cast.api.get(f"/api/v1/inquiries/{inquiry['id']}", headers=cast.headers["by_head"]).get_json()
    assert seen["disclosure"] == {"group_code": holder["group"]["code"], "case_number": "№ 259900000777",
                                  "summary": "Колл-центр в Алматы"}
    assert cast.api.post(f"/api/v1/inquiries/{inquiry['id']}/decision", json={"disclose": False, "reason": "x"},
                         headers=cast.headers["creator"]).status_code == 409
    # Each step is audited in both groups (tests/identifiers/test_inquiry_ledger.py says what each reads).
    with cast.app.app_context():
        (sent_here, sent_there) = [details for outcome, details in audited("identifier.inquire") if outcome == "ok"]
        (decided_there, decided_here) = [details for outcome, details in audited("identifier.inquiry_decide")
                                         if outcome == "ok"]
    assert (sent_here["holder_authority_id"], sent_there["inquiring_group_id"]) == (cast.ids["mvd_kz"], setting["gid"])
    assert decided_there["inquiring_group_id"] == setting["gid"] and decided_there["decision"] == "disclosed"
    assert decided_here == {"decision": "disclosed", "holder_authority_id": cast.ids["mvd_kz"]}


def test_a_decline_needs_a_reason_and_discloses_nothing(cast):
    setting = evidence_group(cast)
    _holding_group(cast)
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    inquiry = cast.api.post(f"/api/v1/identifiers/{mine['id']}/inquiries", headers=cast.headers["by_head"],
                            json={"reason": "Проверка", "case_id": setting["cases"]["BY"]}).get_json()
    url = f"/api/v1/inquiries/{inquiry['id']}/decision"
    assert cast.api.post(url, json={"disclose": False}, headers=cast.headers["creator"]).status_code == 422
    declined = cast.api.post(url, json={"disclose": False, "reason": "Оперативная тайна"},
                             headers=cast.headers["creator"]).get_json()  # the holding group's head
    assert declined["status"] == "declined"
    seen = cast.api.get(f"/api/v1/inquiries/{inquiry['id']}", headers=cast.headers["by_head"]).get_json()
    assert (seen["disclosure"], seen["decision_reason"]) == (None, "Оперативная тайна")


def test_what_the_holder_does_not_share_is_no_hit(cast):
    setting = evidence_group(cast)
    _holding_group(cast, shareable=False)
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    assert mine["hits"] == []
    refused = cast.api.post(f"/api/v1/identifiers/{mine['id']}/inquiries", headers=cast.headers["by_head"],
                            json={"reason": "Проверка", "case_id": setting["cases"]["BY"]})
    assert refused.status_code == 422 and "match_id" in refused.get_json()["error"]["fields"]


def test_the_match_hash_is_keyed(cast):
    setting = evidence_group(cast)
    _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    with cast.app.app_context():
        stored = db.session.scalar(select(Identifier.match_hash))
    assert len(stored) == 64
    assert stored not in {hashlib.sha256(text.encode()).hexdigest()
                          for text in ("+375291234567", "phone\x00+375291234567", "phone+375291234567")}
