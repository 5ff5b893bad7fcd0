"""The group's Identifiers tab (issue 19, item 3): the register with its filters, the form that records
several values at once (kind and record chosen by name), refusals on the form, and an identifier's page
with the records it was seen in, in Russian and English."""

from __future__ import annotations

from tests.conftest import csrf_token_in
from tests.evidence_support import evidence_group, register

EN = {"Accept-Language": "en"}
RU = {"Accept-Language": "ru"}


def _form(browser, gid: int, **fields):
    page = browser.get(f"/groups/{gid}/identifiers/new", headers=EN)
    assert page.status_code == 200
    token = csrf_token_in(page.get_data(as_text=True))
    body = {"kind": "phone", "obtained_under": "Протокол допроса № 4", "csrf_token": token, **fields}
    return browser.post(f"/groups/{gid}/identifiers/new", data=body, headers=EN)


def test_a_member_records_phones_in_several_formats_and_sees_them_linked(cast):
    setting = evidence_group(cast)
    gid = setting["gid"]
    item = register(cast, setting).get_json()
    browser = cast.browser("by_head")
    form = browser.get(f"/groups/{gid}/identifiers/new", headers=EN).get_data(as_text=True)
    assert ">Phone number</option>" in form and "Образ диска сервера" in form  # chosen by name
    recorded = _form(browser, gid, record=f"case:{setting['cases']['BY']}",
                     value="+375 29 123-45-67\n+375 29 765-43-21")
    assert recorded.status_code == 302 and recorded.location.endswith(f"/groups/{gid}/identifiers")
    kz = cast.browser("kz_member")
    again = _form(kz, gid, record=f"evidence:{item['id']}", value="+375 (29) 1234567")
    assert again.status_code == 302 and "/identifiers/" in again.location
    page = kz.get(again.location, headers=EN).get_data(as_text=True)
    assert "+375291234567" in page and "evidence item" in page and "BY № 20251640012" in page
    assert "KZ № 257500031000412" in page
    register_page = kz.get(f"/groups/{gid}/identifiers?several_cases=y", headers=EN).get_data(as_text=True)
    assert "+375291234567" in register_page and "+375297654321" not in register_page
    assert "Идентификаторы" in kz.get(f"/groups/{gid}/identifiers", headers=RU).get_data(as_text=True)


def test_a_refused_value_is_named_on_the_form(cast):
    setting = evidence_group(cast)
    browser = cast.browser("by_head")
    refused = _form(browser, setting["gid"], kind="crypto_wallet", record=f"case:{setting['cases']['BY']}",
                    value="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD: The wallet address" in text
    assert "No identifier here yet" in browser.get(f"/groups/{setting['gid']}/identifiers",
                                                   headers=EN).get_data(as_text=True)
    assert _form(browser, setting["gid"], value="+375 29 123-45-67").status_code == 422  # no record chosen


def test_outsiders_and_observers(cast):
    setting = evidence_group(cast)
    gid = setting["gid"]
    assert cast.browser("outsider").get(f"/groups/{gid}/identifiers").status_code == 404
    observer = cast.browser("by_legal").get(f"/groups/{gid}/identifiers", headers=EN).get_data(as_text=True)
    assert "Record identifiers" not in observer


def test_a_hit_is_asked_about_and_decided_on_the_pages(cast):
    from tests.api.test_identifier_hits import _holding_group, _record

    setting = evidence_group(cast)
    holder = _holding_group(cast)
    mine = _record(cast, setting["gid"], setting["cases"]["BY"], "by_head")
    by = cast.browser("by_head")
    page = by.get(f"/identifiers/{mine['id']}", headers=EN).get_data(as_text=True)
    assert "also held in another group; its holder is" in page and holder["group"]["code"] not in page
    token = csrf_token_in(page)
    sent = by.post(f"/identifiers/{mine['id']}/inquiries", headers=EN, data={
        "csrf_token": token, "match_id": mine["hits"][0]["match_id"], "case_id": setting["cases"]["BY"],
        "reason": "Тот же номер"})
    assert sent.status_code == 302
    kz = cast.browser("kz_head")
    inbox = kz.get("/inquiries", headers=EN).get_data(as_text=True)
    assert "Тот же номер" in inbox and "awaiting the decision" in inbox
    inquiry_id = cast.api.get("/api/v1/inquiries?direction=incoming", headers=cast.headers["kz_head"]).get_json()[
        "items"][0]["id"]
    prefix = f"inquiry-{inquiry_id}"
    decided = kz.post(f"/inquiries/{inquiry_id}/decision", headers=EN, data={
        f"{prefix}-csrf_token": csrf_token_in(inbox), f"{prefix}-disclose": "Disclose", f"{prefix}-reason": ""})
    assert decided.status_code == 302
    page = by.get(f"/identifiers/{mine['id']}", headers=EN).get_data(as_text=True)
    assert f"held in the group {holder['group']['code']}, case № 259900000777" in page


def test_the_found_in_list_offers_the_latest_records_and_finds_the_others(cast, monkeypatch):
    """A group holds thousands of tasks: the list offers the latest of each kind, the picker's endpoint
    and, without JavaScript, the form's GET filter find the others by name; a chosen one stays offered."""
    from jit.services import identifiers

    monkeypatch.setattr(identifiers, "RECORDS_LISTED", 2)
    setting = evidence_group(cast)
    gid = setting["gid"]
    ids = [cast.api.post(f"/api/v1/groups/{gid}/tasks", json={"title": title, "assignee_ids": [cast.ids["kz_member"]]},
                         headers=cast.headers["creator"]).get_json()["id"] for title in ("Обыск", "Допрос", "Выемка")]
    browser = cast.browser("by_head")
    form = browser.get(f"/groups/{gid}/identifiers/new", headers=EN).get_data(as_text=True)
    assert f'value="task:{ids[1]}"' in form and f'value="task:{ids[2]}"' in form and f"task:{ids[0]}" not in form
    assert f'data-records-url="/groups/{gid}/identifiers/records"' in form
    found = browser.get(f"/groups/{gid}/identifiers/records", query_string={"q": "обыск"},
                        headers=EN).get_json()["items"]
    assert found == [{"value": f"task:{ids[0]}", "text": "Обыск", "optgroup": "Tasks"}]
    narrowed = browser.get(f"/groups/{gid}/identifiers/new", query_string={"q": "ОБЫСК"}, headers=EN)
    assert f'value="task:{ids[0]}"' in narrowed.get_data(as_text=True)
    refused = _form(browser, gid, record=f"task:{ids[0]}", value="not a phone").get_data(as_text=True)
    assert f'<option selected value="task:{ids[0]}">Обыск</option>' in refused
    assert cast.browser("outsider").get(f"/groups/{gid}/identifiers/records").status_code == 404
