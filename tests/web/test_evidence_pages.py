"""Evidence pages: an item registered, its file uploaded, transferred across the border and checked
through the browser; the register's filters and export button; refusals shown where the user looks."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile

import pytest
from sqlalchemy import text

from jit.extensions import db
from tests.evidence_support import evidence_group, register
from tests.web.test_instruction_pages import EN, submit

CONTENT = "Выписка по счёту KZ12 3456 7890\n".encode() * 200
AWKWARD = "../../<img src=x onerror=alert(1)>выписка.csv"  # stored as its last path part


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def page(browser, url: str, status: int = 200) -> str:
    response = browser.get(url, headers=EN)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def upload(browser, eid: int, content: bytes = CONTENT, name: str = AWKWARD):
    return submit(browser, f"/evidence/{eid}/files", {"file": (io.BytesIO(content), name), "place": "Астана"},
                  form_url=f"/evidence/{eid}", content_type="multipart/form-data")


def item_form(browser, eid: int, url: str, data: dict):
    return submit(browser, url, data, form_url=f"/evidence/{eid}")


def alert(html: str) -> str:
    return " ".join(re.findall(r'<div class="alert alert-danger" role="alert">([^<]*)</div>', html))


def test_an_item_is_registered_uploaded_and_handed_to_belarus(cast, setting):
    gid = setting["gid"]
    member = cast.browser("kz_member")
    assert f'href="/groups/{gid}/evidence">Evidence</a>' in page(member, f"/groups/{gid}")
    form = page(member, f"/groups/{gid}/evidence/new")
    for field, label in (("case_id", "Criminal case"), ("kind", "Kind"), ("title", "Title"),
                         ("obtained_at", "Obtained at"), ("obtained_place", "Obtained where"),
                         ("obtained_under", "Obtained under"), ("use_conditions", "Use conditions (optional)")):
        assert f'<label class="form-label" for="{field}">{label}</label>' in form
    registered = submit(member, f"/groups/{gid}/evidence/new", {
        "case_id": setting["cases"]["KZ"], "kind": "digital_copy", "title": "Образ диска сервера",
        "obtained_at": "2025-11-11T14:30", "obtained_place": "г. Алматы, ул. Абая, 10",
        "obtained_under": "Протокол обыска № 17", "description": "Побитовая копия\r\nдиска"})
    assert registered.status_code == 302, registered.get_data(as_text=True)
    eid = int(registered.headers["Location"].rsplit("/", 1)[1])
    detail = page(member, f"/evidence/{eid}")
    assert "KZ-0001 is registered, and you are its custodian." in detail
    assert "<h1 class=\"h3 mb-0\">KZ-0001 — Образ диска сервера</h1>" in detail
    assert 'id="chain-badge">chain verified</span>' in detail and ">held</span>" in detail
    assert '<div class="text-prewrap">' not in detail  # no use conditions: "none"
    item = cast.api.get(f"/api/v1/evidence/{eid}", headers=cast.headers["kz_member"]).get_json()
    assert item["obtained_at"] == "2025-11-11T14:30:00+00:00"  # the test users' clock is UTC
    assert item["description"] == "Побитовая копия\nдиска"

    assert upload(member, eid).status_code == 302
    detail = page(member, f"/evidence/{eid}")
    sha = hashlib.sha256(CONTENT).hexdigest()
    assert "The file is uploaded and recorded in the chain of custody." in detail
    assert ">&lt;img src=x onerror=alert(1)&gt;выписка.csv</a>" in detail and "<img" not in detail
    assert f'<code class="text-break" title="SHA-256">{sha}</code>' in detail and "<td>9 KB</td>" in detail
    link = re.search(r'href="(/evidence/\d+/files/\d+)">&lt;img', detail).group(1)
    download = cast.browser("by_head").get(link)
    assert download.data == CONTENT
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(CONTENT).digest()).decode()

    assert f'<option value="{cast.ids["by_head"]}">Ольга Ковалёва — BY, national head</option>' in detail
    moved = item_form(member, eid, f"/evidence/{eid}/transfer", {
        "transfer-to_user_id": cast.ids["by_head"], "transfer-instruction_id": "",
        "transfer-place": "Астана → Минск", "transfer-note": "Передано нарочным"})
    assert moved.status_code == 302, moved.get_data(as_text=True)
    detail = page(cast.browser("by_head"), f"/evidence/{eid}")
    assert re.search(r'id="evidence-custodian">Ольга Ковалёва', detail)
    chain = detail[detail.index('id="custody-chain"'):]
    rows = re.findall(r'<td class="fw-semibold">([^<]+)</td>', chain)
    assert rows == ["Registered", "File attached", "Transferred"]
    assert "Астана → Минск" in chain and "Передано нарочным" in chain
    assert f"<td>{2}</td>" in chain  # the transfer's ledger leaf
    assert "on the actor's clock (UTC)" in chain
    assert "(9 KB) <code" in chain  # the attached file, with its hash, in its event

    register_page = page(member, f"/groups/{gid}/evidence")
    assert f'href="/evidence/{eid}">KZ-0001</a>' in register_page and "Ольга Ковалёва" in register_page
    assert f'href="/groups/{gid}/evidence/export"' in register_page
    assert f'href="/groups/{gid}/evidence/new">Register an item</a>' in register_page
    held_by_head = page(member, f"/groups/{gid}/evidence?custodian_id={cast.ids['by_head']}&kind=digital_copy"
                                f"&party=KZ&case_id={setting['cases']['KZ']}")
    assert f'href="/evidence/{eid}">KZ-0001</a>' in held_by_head
    for other in (f"custodian_id={cast.ids['kz_member']}", "kind=document", "party=BY",
                  f"case_id={setting['cases']['BY']}"):
        assert "No evidence item here yet." in page(member, f"/groups/{gid}/evidence?{other}")
    page(member, f"/groups/{gid}/evidence?kind=lost", 422)


def test_verify_now_and_other_custody_events_are_recorded(cast, setting):
    eid = register(cast, setting).get_json()["id"]
    member = cast.browser("kz_member")
    upload(member, eid)
    checked = item_form(member, eid, f"/evidence/{eid}/verify", {})
    assert checked.status_code == 302
    assert "Every file still hashes to its recorded SHA-256." in page(member, f"/evidence/{eid}")
    examined = item_form(member, eid, f"/evidence/{eid}/custody", {
        "custody-type": "examined", "custody-place": "ЭКЦ МВД", "custody-note": "Исследование проведено"})
    assert examined.status_code == 302
    corrected = item_form(member, eid, f"/evidence/{eid}/custody", {
        "custody-type": "correction", "custody-refers_to": "4", "custody-note": "Место: ЭКЦ МВД РК"})
    assert corrected.status_code == 302
    detail = page(member, f"/evidence/{eid}")
    chain = detail[detail.index('id="custody-chain"'):]
    assert re.findall(r'<td class="fw-semibold">([^<]+)</td>', chain) == [
        "Registered", "File attached", "Hashes verified", "Examined", "Correction"]
    assert "files intact" in chain and "corrects event no. 4" in chain


def test_refusals_are_shown_on_the_forms(cast, setting):
    gid = setting["gid"]
    member = cast.browser("kz_member")
    refused = submit(member, f"/groups/{gid}/evidence/new", {
        "case_id": setting["cases"]["KZ"], "kind": "document", "title": " ", "obtained_place": "Алматы",
        "obtained_under": "Протокол"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'id="title-errors"[^>]*>Required\.<', html)
    assert re.search(r'id="obtained_at-errors"[^>]*>A time with its offset', html)

    eid = register(cast, setting, use_conditions="Только для уголовного дела № 257500031000412").get_json()["id"]
    stranger = item_form(member, eid, f"/evidence/{eid}/transfer", {"transfer-to_user_id": cast.ids["outsider"]})
    assert stranger.status_code == 422
    assert re.search(r'id="transfer-to_user_id-errors"[^>]*>Not a current member of the group\.<',
                     stranger.get_data(as_text=True))
    correction = item_form(member, eid, f"/evidence/{eid}/custody", {"custody-type": "correction",
                                                                      "custody-note": "Уточнение"})
    assert correction.status_code == 422
    assert re.search(r'id="custody-refers_to-errors"[^>]*>The seq of an earlier event of this item \(1–1\)\.<',
                     correction.get_data(as_text=True))
    assert upload(cast.browser("by_legal"), eid).status_code == 403  # observers read, never record

    # AGR-USE: the export is refused on the register, naming the item, until KZ consents.
    refused = member.get(f"/groups/{gid}/evidence/export", headers=EN)
    assert refused.status_code == 409
    assert ("Export of the evidence refused under rule AGR-USE: KZ-0001 (KZ): use conditions are set and no "
            "consent of the originating party is on file.") in alert(refused.get_data(as_text=True))
    assert "no consent on file: the item stays in the group (AGR-USE)" in page(member, f"/evidence/{eid}")
    consent = {"reference": "Письмо МВД РК № 12-3/456", "dated": "2025-11-20", "scope": "Для суда"}
    assert item_form(cast.browser("by_head"), eid, f"/evidence/{eid}/consents", consent).status_code == 403
    assert item_form(cast.browser("kz_head"), eid, f"/evidence/{eid}/consents", consent).status_code == 302
    assert "Consent of KZ: Письмо МВД РК № 12-3/456" in page(member, f"/evidence/{eid}")
    exported = member.get(f"/groups/{gid}/evidence/export", headers=EN)
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    assert exported.headers["Content-Disposition"].startswith("attachment; filename=evidence-JIG-")
    names = zipfile.ZipFile(io.BytesIO(exported.data)).namelist()
    assert "verify_bundle.py" in names and "items.json" in names


def test_outsiders_get_the_same_404_as_for_nothing(cast, setting):
    eid = register(cast, setting).get_json()["id"]
    outsider = cast.browser("outsider")
    for existing, missing in ((f"/evidence/{eid}", "/evidence/99999"),
                              (f"/groups/{setting['gid']}/evidence", "/groups/99999/evidence"),
                              (f"/groups/{setting['gid']}/evidence/export", "/groups/99999/evidence/export")):
        seen, none = outsider.get(existing, headers=EN), outsider.get(missing, headers=EN)
        assert seen.status_code == none.status_code == 404, existing
        assert "Образ диска" not in seen.get_data(as_text=True)


def test_a_custodian_typed_in_behind_the_chain_shows_it_broken(cast, setting, backend):
    if backend.name == "postgresql":
        pytest.skip("one backend is enough for a direct write")
    eid = register(cast, setting).get_json()["id"]
    with cast.app.app_context():
        db.session.execute(text("UPDATE evidence_items SET custodian_id = :u WHERE id = :i"),
                           {"u": cast.ids["kz_head"], "i": eid})
        db.session.commit()
    detail = page(cast.browser("kz_member"), f"/evidence/{eid}")
    assert 'id="chain-badge">chain broken</span>' in detail
    assert ("The chain of custody does not verify: its recorded custodian is not the one its custody chain "
            "ends with") in detail
