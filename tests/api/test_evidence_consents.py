"""Who records the originating party's consent (issue 13, finding 17): a consent is the
originating party's (AGR-USE), so the national head of the item's originating team records it, or
the member of that team the head designates on the item (audited); nobody else, not even another
member of that team or the group head. Custody events are limited per user (JIT_CUSTODY_RATE_LIMIT).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent
from tests.evidence_support import custody, evidence_group, register
from tests.web.test_evidence_pages import item_form, page
from tests.web.test_instruction_pages import EN

CONDITIONS = "Только для уголовного дела № 257500031000412"
CONSENT = {"reference": "Письмо МВД РК № 12-3/456", "dated": "2025-11-20", "scope": "Для суда"}


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def consent(cast, eid: int, who: str):
    return cast.api.post(f"/api/v1/evidence/{eid}/consents", json=CONSENT, headers={**cast.headers[who], **EN})


def designate(cast, eid: int, who: str, user_id: int | None):
    return cast.api.put(f"/api/v1/evidence/{eid}/consent-designee", json={"user_id": user_id},
                        headers={**cast.headers[who], **EN})


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def test_only_the_originating_head_or_the_member_they_designate_records_a_consent(cast, setting):
    eid = register(cast, setting, use_conditions=CONDITIONS).get_json()["id"]
    # An operative of the originating team could record its party's consent before: no longer.
    refused = error_of(consent(cast, eid, "kz_member"), 403)
    assert refused["message"] == ("Only the national head of the KZ team, or the member they designate for this "
                                  "item, records KZ's consent.")
    for who in ("creator", "by_head"):  # the group head, another party's head
        error_of(consent(cast, eid, who), 403)
    error_of(consent(cast, eid, "by_legal"), 403)  # an observer records nothing
    error_of(consent(cast, eid, "outsider"), 404)

    # Only the originating team's head designates, and only a member of that team.
    for who in ("kz_member", "creator", "by_head"):
        error_of(designate(cast, eid, who, cast.ids["kz_member"]), 403)
    invalid = error_of(designate(cast, eid, "kz_head", cast.ids["by_head"]), 422)
    assert invalid["fields"] == {"user_id": "Not a current member of the KZ team."}
    designated = designate(cast, eid, "kz_head", cast.ids["kz_member"])
    assert designated.status_code == 200, designated.get_json()
    assert designated.get_json()["consent_designee"]["id"] == cast.ids["kz_member"]
    with cast.app.app_context():
        audited = db.session.scalars(select(AuditEvent).where(
            AuditEvent.operation == "evidence.consent_designate").order_by(AuditEvent.id)).all()
        assert [(a.outcome, a.user_id) for a in audited] == [
            ("denied", cast.ids["kz_member"]), ("denied", cast.ids["creator"]), ("denied", cast.ids["by_head"]),
            ("error", cast.ids["kz_head"]), ("ok", cast.ids["kz_head"])]
        assert {a.object_id for a in audited} == {str(eid)}
        assert (audited[-1].details["designee_id"], audited[-1].details["previous_designee_id"]) == (
            cast.ids["kz_member"], None)

    recorded = consent(cast, eid, "kz_member")
    assert recorded.status_code == 201, recorded.get_json()
    assert recorded.get_json()["recorded_by"]["id"] == cast.ids["kz_member"]
    chain = cast.api.get(f"/api/v1/evidence/{eid}/custody", headers=cast.headers["by_head"]).get_json()["items"]
    assert [event["type"] for event in chain] == ["registered", "consent_recorded"]

    # The head takes the designation back: the member may not record another consent.
    cleared = designate(cast, eid, "kz_head", None)
    assert (cleared.status_code, cleared.get_json()["consent_designee"]) == (200, None)
    error_of(consent(cast, eid, "kz_member"), 403)
    assert consent(cast, eid, "kz_head").status_code == 201


def test_a_designee_who_leaves_the_team_no_longer_records_consents(cast, setting):
    eid = register(cast, setting, use_conditions=CONDITIONS).get_json()["id"]
    assert designate(cast, eid, "kz_head", cast.ids["kz_member"]).status_code == 200
    removed = cast.api.delete(f"/api/v1/groups/{setting['gid']}/members/{cast.ids['kz_member']}",
                              headers=cast.headers["kz_head"])
    assert removed.status_code == 204, removed.get_json()
    read = cast.api.get(f"/api/v1/evidence/{eid}", headers=cast.headers["kz_head"]).get_json()
    assert read["consent_designee"] is None
    error_of(consent(cast, eid, "kz_member"), 404)  # out of the group: it no longer exists for them


def test_an_item_without_use_conditions_needs_no_consent(cast, setting):
    eid = register(cast, setting).get_json()["id"]
    assert error_of(consent(cast, eid, "kz_head"), 409)["code"] == "no_use_conditions"
    assert error_of(designate(cast, eid, "kz_head", cast.ids["kz_member"]), 409)["code"] == "no_use_conditions"


def test_the_item_page_offers_the_consent_form_only_to_who_may_record_one(cast, setting):
    eid = register(cast, setting, use_conditions=CONDITIONS).get_json()["id"]
    form, designation = f'action="/evidence/{eid}/consents"', "Who else records the consent"
    head = page(cast.browser("kz_head"), f"/evidence/{eid}")
    assert form in head and designation in head
    assert "The consent is recorded by the national head of the KZ team." in head
    for who in ("kz_member", "creator", "by_head", "by_legal"):
        shown = page(cast.browser(who), f"/evidence/{eid}")
        assert form not in shown and designation not in shown, who
    assert item_form(cast.browser("kz_member"), eid, f"/evidence/{eid}/consents", CONSENT).status_code == 403

    # The head designates through the page; the member then sees the form and records the consent.
    done = item_form(cast.browser("kz_head"), eid, f"/evidence/{eid}/consent-designee",
                     {"designee-user_id": cast.ids["kz_member"]})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    member = cast.browser("kz_member")
    shown = page(member, f"/evidence/{eid}")
    assert form in shown and designation not in shown
    name = cast.people["kz_member"].full_name
    assert f"The consent is recorded by the national head of the KZ team or by {name}, whom the head designated." \
        in shown
    assert item_form(member, eid, f"/evidence/{eid}/consents", CONSENT).status_code == 302
    assert "Consent of KZ: Письмо МВД РК № 12-3/456" in page(member, f"/evidence/{eid}")
    refused = item_form(cast.browser("kz_head"), eid, f"/evidence/{eid}/consent-designee",
                        {"designee-user_id": cast.ids["by_head"]})
    assert refused.status_code == 422 and "Not a current member of the KZ team." in refused.get_data(as_text=True)


@pytest.fixture
def limited_app(make_app, tmp_path):
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"), JIT_CUSTODY_RATE_LIMIT="4 per minute")


def test_custody_events_are_limited_per_user(limited_app):
    from tests.groups_support import make_cast

    cast = make_cast(limited_app)
    setting = evidence_group(cast)
    assert limited_app.config["JIT_CUSTODY_RATE_LIMIT"] == "4 per minute"
    eid = register(cast, setting).get_json()["id"]  # 1
    statuses = [custody(cast, eid, "kz_member", type="examined", place="Астана").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = custody(cast, eid, "kz_member", type="examined", place="Астана")
    assert error_of(limited, 429)["code"] == "rate_limited"
    assert error_of(register(cast, setting), 429)["code"] == "rate_limited"
    chain = cast.api.get(f"/api/v1/evidence/{eid}/custody", headers=cast.headers["kz_head"]).get_json()["items"]
    assert len(chain) == 4  # nothing recorded past the limit
    # Each user has a count of their own; the page shows the refusal on the form.
    assert custody(cast, eid, "kz_head", type="examined", place="Астана").status_code == 201
    member = cast.browser("kz_member")
    refused = item_form(member, eid, f"/evidence/{eid}/custody", {"custody-type": "examined",
                                                                  "custody-place": "Астана"})
    assert refused.status_code == 429
    assert "You are recording custody events too fast. Wait a moment." in refused.get_data(as_text=True)


def test_the_custody_limit_is_shared_between_processes_through_redis(make_app, redis_url, tmp_path):
    from tests.groups_support import make_cast

    settings = {"JIT_EVIDENCE_DIR": str(tmp_path / "evidence"), "JIT_CUSTODY_RATE_LIMIT": "3 per minute",
                "SOCKETIO_MESSAGE_QUEUE": redis_url, "RATELIMIT_STORAGE_URI": redis_url}
    first, second = make_app(**settings), make_app(**settings)
    cast = make_cast(first)
    setting = evidence_group(cast)
    eid = register(cast, setting).get_json()["id"]
    other = second.test_client()
    statuses = []
    for client in (cast.api, other, cast.api):
        statuses.append(client.post(f"/api/v1/evidence/{eid}/custody", json={"type": "examined"},
                                    headers=cast.headers["kz_member"]).status_code)
    assert statuses == [201, 201, 429]
