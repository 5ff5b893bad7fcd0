"""Identifiers through the API (issue 19, items 1 and 3): one identifier per normalised value, refused
values with their reason, the limit per call, where it was seen (only what the reader may read),
card masking, and outsiders who never learn it exists."""

from __future__ import annotations

import pytest

from jit.services.identifiers import MAX_AT_ONCE
from tests.channels_support import channels_of, post
from tests.evidence_support import evidence_group, register
from tests.service_support import audited

CARD = "4400 4301 8000 0009"


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def record(cast, setting, who: str = "by_head", **body):
    body = {"kind": "phone", "value": "+375 29 123-45-67", "obtained_under": "Протокол допроса № 4",
            "shareable": True, **body}
    if not any(key.endswith("_id") for key in body):
        body["case_id"] = setting["cases"]["BY"]
    return cast.api.post(f"/api/v1/groups/{setting['gid']}/identifiers", json=body,
                         headers={**cast.headers[who], "Accept-Language": "en"})


def read(cast, identifier_id: int, who: str):
    return cast.api.get(f"/api/v1/identifiers/{identifier_id}", headers=cast.headers[who])


def register_of(cast, setting, who: str, **query) -> list[dict]:
    response = cast.api.get(f"/api/v1/groups/{setting['gid']}/identifiers", query_string=query,
                            headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_the_same_phone_in_three_formats_is_one_identifier_seen_in_both_cases(cast, setting):
    first = record(cast, setting)
    assert first.status_code == 201, first.get_json()
    item = register(cast, setting).get_json()
    second = record(cast, setting, "kz_member", value="+375 (29) 1234567", case_id=None, evidence_id=item["id"])
    # A Belarusian investigator's 80291234567 is read in Belarus: the same number, on the same item again.
    again = record(cast, setting, "by_head", value="80291234567", case_id=None, evidence_id=item["id"])
    third = record(cast, setting, "kz_head", value="+375291234567", case_id=setting["cases"]["KZ"], note="из выписки")
    assert (second.status_code, again.status_code, third.status_code) == (201, 409, 201)
    identifier = third.get_json()
    assert first.get_json()["id"] == second.get_json()["id"] == identifier["id"]
    assert identifier["normalized"] == "+375291234567"
    assert [(link["type"], link["case"]["party"]) for link in identifier["links"]] == [
        ("case", "BY"), ("evidence", "KZ"), ("case", "KZ")]
    assert [entry["id"] for entry in register_of(cast, setting, "creator", several_cases="true")] == [identifier["id"]]
    assert [entry["id"] for entry in register_of(cast, setting, "creator", case_id=setting["cases"]["KZ"])] == [
        identifier["id"]]
    assert register_of(cast, setting, "creator", kind="email") == []
    with cast.app.app_context():
        assert [outcome for outcome, _ in audited("identifier.record")] == ["ok", "ok", "error", "ok"]


def test_seen_in_one_case_only_is_not_in_the_several_cases_filter(cast, setting):
    record(cast, setting)
    record(cast, setting, value="8 029 123 45 67", note="повторно", case_id=None,
           evidence_id=register(cast, setting, party="BY", who="by_head").get_json()["id"])
    assert register_of(cast, setting, "creator", several_cases="true") == []
    assert len(register_of(cast, setting, "creator")) == 1


def test_a_phone_without_country_code_is_read_in_the_recording_users_country(cast, setting):
    by = record(cast, setting, value="8 029 123 45 67").get_json()
    kz = record(cast, setting, "kz_head", value="8 701 123 4567", case_id=setting["cases"]["KZ"]).get_json()
    assert (by["normalized"], kz["normalized"]) == ("+375291234567", "+77011234567")


@pytest.mark.parametrize(("kind", "value", "reason"), [
    ("crypto_wallet", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "checksum"),
    ("payment_card", "4400 4301 8000 0008", "Luhn"),
    ("bank_account", "BY13NBRB3600900000002Z00AB01", "check digits"),
])
def test_a_value_failing_its_check_is_refused_naming_why_unless_recorded_unverified(cast, setting, kind, value,
                                                                                   reason):
    refused = record(cast, setting, kind=kind, value=value)
    assert refused.status_code == 422
    assert reason in refused.get_json()["error"]["fields"]["value"]
    kept = record(cast, setting, kind=kind, value=value, unverified=True)
    assert kept.status_code == 201, kept.get_json()
    assert kept.get_json()["links"][0]["verified"] is False


def test_more_than_the_limit_at_once_is_refused_whole(cast, setting):
    items = [{"kind": "transaction_id", "value": f"TX-{n:05d}", "obtained_under": "Выписка", "shareable": False,
              "case_id": setting["cases"]["BY"]} for n in range(MAX_AT_ONCE + 1)]
    url = f"/api/v1/groups/{setting['gid']}/identifiers/batch"
    refused = cast.api.post(url, json={"items": items}, headers=cast.headers["by_head"])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "too_many_identifiers"
    assert register_of(cast, setting, "by_head") == []
    bad_one = [*items[:3], {**items[3], "value": "<>"}]
    refused = cast.api.post(url, json={"items": bad_one}, headers=cast.headers["by_head"])
    assert list(refused.get_json()["error"]["fields"]) == ["items.3.value"]
    accepted = cast.api.post(url, json={"items": items[:3]}, headers=cast.headers["by_head"])
    assert accepted.status_code == 201
    assert len(register_of(cast, setting, "by_head")) == 3


def test_a_card_is_masked_but_on_its_page_for_its_recorder_and_the_group_head(cast, setting):
    card = record(cast, setting, "kz_head", kind="payment_card", value=CARD,
                  case_id=setting["cases"]["KZ"]).get_json()
    assert card["value"] == "4400430180000009"
    assert read(cast, card["id"], "creator").get_json()["value"] == "4400430180000009"  # the group head
    seen_by_other = read(cast, card["id"], "by_head").get_json()
    assert (seen_by_other["value"], seen_by_other["normalized"], seen_by_other["full"]) == \
        ("4400 •••• •••• 0009", "4400 •••• •••• 0009", False)
    assert [entry["value"] for entry in register_of(cast, setting, "kz_head")] == ["4400 •••• •••• 0009"]


def test_outsiders_never_learn_an_identifier_exists(cast, setting):
    identifier = record(cast, setting).get_json()
    assert read(cast, identifier["id"], "outsider").status_code == 404
    assert read(cast, 999999, "outsider").status_code == 404
    assert cast.api.get(f"/api/v1/groups/{setting['gid']}/identifiers",
                        headers=cast.headers["outsider"]).status_code == 404
    assert record(cast, setting, "outsider").status_code == 404


def test_an_identifier_in_a_team_channel_is_not_shown_to_the_other_team(cast, setting):
    kz_channel = channels_of(cast, setting["gid"], "kz_member")["team-KZ"]["id"]
    message = post(cast, kz_channel, "kz_member", "Карта дропа 4400 4301 8000 0009").get_json()
    in_channel = record(cast, setting, "kz_member", kind="payment_card", value=CARD, case_id=None,
                        message_id=message["id"], shareable=False).get_json()
    assert [link["type"] for link in in_channel["links"]] == ["message"]
    # The Belarusian team cannot read that channel: the identifier does not exist for them,
    assert read(cast, in_channel["id"], "by_head").status_code == 404
    assert register_of(cast, setting, "by_head") == []
    # nor may they record on that message,
    assert record(cast, setting, "by_head", kind="payment_card", value=CARD, case_id=None,
                  message_id=message["id"]).status_code == 422
    # and once they see the card in their own case, only their case is linked for them.
    mine = record(cast, setting, "by_head", kind="payment_card", value=CARD).get_json()
    assert mine["id"] == in_channel["id"]
    assert [link["type"] for link in mine["links"]] == ["case"]
    assert [link["type"] for link in read(cast, mine["id"], "kz_member").get_json()["links"]] == ["message", "case"]


def test_what_was_found_in_an_item_under_use_conditions_is_not_shareable(cast, setting):
    item = register(cast, setting, use_conditions="Только для ССОГ").get_json()
    refused = record(cast, setting, "kz_member", case_id=None, evidence_id=item["id"], shareable=True)
    assert refused.status_code == 422
    assert "AGR-USE" in refused.get_json()["error"]["fields"]["shareable"]
    assert record(cast, setting, "kz_member", case_id=None, evidence_id=item["id"], shareable=False).status_code == 201


def test_a_legal_observer_reads_but_does_not_record(cast, setting):
    identifier = record(cast, setting).get_json()
    assert read(cast, identifier["id"], "by_legal").status_code == 200
    assert record(cast, setting, "by_legal").status_code == 403


def test_exactly_one_record_is_named(cast, setting):
    both = record(cast, setting, case_id=setting["cases"]["BY"], task_id=1)
    assert both.status_code == 422 and "record" in both.get_json()["error"]["fields"]


def test_the_register_refuses_an_unknown_kind(cast, setting):
    response = cast.api.get(f"/api/v1/groups/{setting['gid']}/identifiers", query_string={"kind": "fax"},
                            headers=cast.headers["by_head"])
    assert response.status_code == 422 and "kind" in response.get_json()["error"]["fields"]
