"""Instruction pages: drafted, documented, sent, answered and reported through the browser, and the
refusals shown where the user looks."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_in
from tests.groups_support import TODAY, activate_with_case

EN = {"Accept-Language": "en"}
DUE = TODAY + timedelta(days=30)
ACTIONS = ["Допросить свидетеля Иванова И.И.", "Истребовать сведения о банковских счетах ТОО «Восток»"]
SUBJECT = "Допрос свидетеля Иванова И.И. в г. Алматы"
BODY = "Прошу провести следующие процессуальные действия\nна территории Республики Казахстан."


@pytest.fixture
def setting(cast):
    """An active BY–KZ group with a Belarusian case: (group id, BY team id, KZ team id, case id)."""
    group, teams, case_id = activate_with_case(cast)
    return group["id"], teams["BY"], teams["KZ"], case_id


def submit(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """POST `data` to `url` the way a browser would: with the CSRF token of the page showing the form."""
    token = csrf_token_in(client.get(form_url or url, headers=EN).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=EN, **kwargs)


def draft(browser, setting, **overrides):
    gid, by_team, kz_team, case_id = setting
    data = {"subject": SUBJECT, "from_team_id": by_team, "to_team_id": kz_team, "case_id": case_id,
            "actions": "\r\n".join(ACTIONS) + "\r\n\r\n", "due_on": DUE.isoformat(),
            "body": BODY.replace("\n", "\r\n"), **overrides}
    return submit(browser, f"/groups/{gid}/instructions/new", data)


def drafted(browser, setting) -> int:
    response = draft(browser, setting)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def attach(browser, iid: int, *, certified: bool = True, sanction: bool = False,
           content: bytes = b"%PDF-1.4 postanovlenie"):
    data = {"title": "Постановление о производстве допроса", "file": (io.BytesIO(content), "постановление.pdf")}
    if certified:
        data["certified"] = "y"
    if sanction:
        data["is_sanction"] = "y"
    return submit(browser, f"/instructions/{iid}/documents", data, form_url=f"/instructions/{iid}",
                  content_type="multipart/form-data")


def move(browser, iid: int, to: str, reason: str | None = None):
    """Press the button of a move, with the version the page shows."""
    page = browser.get(f"/instructions/{iid}", headers=EN).get_data(as_text=True)
    version = re.search(rf'<input id="version-{to}"[^>]*value="(\d+)"', page)
    assert version, f"no form for the move to {to}"
    data = {"to": to, "version": version.group(1), "csrf_token": csrf_token_in(page),
            **({"reason": reason} if reason is not None else {})}
    return browser.post(f"/instructions/{iid}/transitions", data=data, headers=EN)


def detail(browser, iid: int) -> str:
    response = browser.get(f"/instructions/{iid}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- tests ---------------------------------------------------------------------------------

def test_an_instruction_goes_to_kazakhstan_and_its_results_come_back(cast, setting):
    gid = setting[0]
    by_head = cast.browser("by_head")
    overview = by_head.get(f"/groups/{gid}", headers=EN).get_data(as_text=True)
    assert f'href="/groups/{gid}/instructions">Instructions</a>' in overview

    form = by_head.get(f"/groups/{gid}/instructions/new", headers=EN).get_data(as_text=True)
    for field, label in (("from_team_id", "From (requesting team)"), ("to_team_id", "To (requested team)"),
                         ("case_id", "Criminal case"), ("actions", "Procedural actions and measures"),
                         ("due_on", "Due date"), ("body", "Text of the instruction")):
        assert f'<label class="form-label" for="{field}">{label}</label>' in form
    assert "KZ — " in form and "№ 20251640012" in form

    iid = drafted(by_head, setting)
    page = detail(by_head, iid)
    assert f"Instruction no. {iid} is drafted" in page
    assert ">draft</span>" in page

    assert attach(by_head, iid).status_code == 302
    page = detail(by_head, iid)
    assert "постановление.pdf" in page and ">certified</span>" in page
    sent = move(by_head, iid, "sent")
    assert sent.status_code == 302
    assert ">sent</span>" in detail(by_head, iid)
    assert f'action="/instructions/{iid}/documents"' not in detail(by_head, iid)  # no attaching once sent

    kz_head = cast.browser("kz_head")
    listing = kz_head.get(f"/groups/{gid}/instructions", headers=EN).get_data(as_text=True)
    assert f'href="/instructions/{iid}"' in listing and "№ 20251640012" in listing and ">sent</span>" in listing
    filtered = kz_head.get(f"/groups/{gid}/instructions?status=draft", headers=EN).get_data(as_text=True)
    assert f'href="/instructions/{iid}"' not in filtered

    assert move(kz_head, iid, "accepted").status_code == 302
    assert move(kz_head, iid, "in_progress").status_code == 302
    content = "Протокол допроса свидетеля".encode() * 50
    reported = submit(kz_head, f"/instructions/{iid}/results",
                      {"text": "Свидетель допрошен, протокол прилагается.",
                       "file": (io.BytesIO(content), "протокол.pdf")},
                      form_url=f"/instructions/{iid}", content_type="multipart/form-data")
    assert reported.status_code == 302, reported.get_data(as_text=True)
    assert move(kz_head, iid, "executed").status_code == 302

    page = detail(by_head, iid)
    assert ">executed</span>" in page and "Свидетель допрошен, протокол прилагается." in page
    assert "No further moves: the instruction is closed." in page
    link = re.search(rf'href="(/instructions/{iid}/results/\d+/file)">протокол.pdf</a>', page)
    assert link
    download = by_head.get(link.group(1))
    assert download.status_code == 200 and download.data == content
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(content).digest()).decode()
    for label in ("Instruction drafted", "Decision document attached", "Sent", "Accepted", "Execution started",
                  "Result reported", "Reported as executed"):
        assert f'<span class="fw-semibold">{label}</span>' in page


def test_sending_without_a_certified_decision_is_refused_on_the_page(cast, setting):
    by_head = cast.browser("by_head")
    iid = drafted(by_head, setting)
    assert attach(by_head, iid, certified=False).status_code == 302
    refused = move(by_head, iid, "sent")
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    alert = html[html.index('id="refusal"'):]
    assert "Attach at least one certified decision document before sending" in alert[:alert.index("</div>")]
    assert ">draft</span>" in html and ">not certified</span>" in html


def test_an_instruction_marked_as_needing_a_sanction_waits_for_it(cast, setting):
    by_head = cast.browser("by_head")
    form = by_head.get(f"/groups/{setting[0]}/instructions/new", headers=EN).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="needs_sanction"[^>]*type="checkbox"', form)
    assert ('<label class="form-check-label" for="needs_sanction">Needs a sanction of a prosecutor or court</label>'
            in form)
    response = draft(by_head, setting, needs_sanction="y")
    assert response.status_code == 302
    iid = int(response.headers["Location"].rsplit("/", 1)[1])
    attach(by_head, iid)
    assert re.search(r'id="instruction-sanction">.*needed, not attached yet', detail(by_head, iid))
    refused = move(by_head, iid, "sent")
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    alert = html[html.index('id="refusal"'):]
    assert "attach the certified sanction of a prosecutor or court before sending (AGR-INSTR-DECISIONS)" in \
        alert[:alert.index("</div>")]
    assert attach(by_head, iid, sanction=True).status_code == 302
    assert re.search(r'id="instruction-sanction">.*needed, attached<', detail(by_head, iid))
    assert move(by_head, iid, "sent").status_code == 302
    assert ">sent</span>" in detail(by_head, iid)
    unmarked = drafted(by_head, setting)
    assert re.search(r'id="instruction-sanction">not needed<', detail(by_head, unmarked))


def test_refusing_without_a_reason_shows_the_field_error(cast, setting):
    by_head = cast.browser("by_head")
    iid = drafted(by_head, setting)
    attach(by_head, iid)
    move(by_head, iid, "sent")
    kz_head = cast.browser("kz_head")
    refused = move(kz_head, iid, "refused", reason="  ")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'id="reason-refused-errors"[^>]*>Say why the instruction is refused\.<', html)
    assert ">sent</span>" in html

    reason = "Действия не предусмотрены законодательством РК"
    assert move(kz_head, iid, "refused", reason=reason).status_code == 302
    page = detail(by_head, iid)
    assert ">refused</span>" in page and reason in page


def test_a_bad_draft_names_the_fields_and_nothing_is_drafted(cast, setting):
    by_head = cast.browser("by_head")
    response = draft(by_head, setting, actions=" \r\n ", to_team_id=setting[1])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="to_team_id-errors"[^>]*>An instruction goes to another party', html)
    listing = by_head.get(f"/groups/{setting[0]}/instructions", headers=EN).get_data(as_text=True)
    assert "No instruction here yet." in listing


def test_outsiders_get_the_same_404_as_for_nothing(cast, setting):
    iid = drafted(cast.browser("by_head"), setting)
    outsider = cast.browser("outsider")
    for existing, missing in ((f"/instructions/{iid}", "/instructions/99999"),
                              (f"/groups/{setting[0]}/instructions", "/groups/99999/instructions"),
                              (f"/groups/{setting[0]}/instructions/new", "/groups/99999/instructions/new")):
        seen, none = outsider.get(existing, headers=EN), outsider.get(missing, headers=EN)
        assert seen.status_code == none.status_code == 404, existing
        assert "Допросить" not in seen.get_data(as_text=True)


def test_cyrillic_actions_and_body_round_trip_to_the_api(cast, setting):
    iid = drafted(cast.browser("by_head"), setting)
    fetched = cast.api.get(f"/api/v1/instructions/{iid}", headers=cast.headers["by_head"]).get_json()
    assert fetched["actions"] == ACTIONS
    assert fetched["body"] == BODY
    assert (fetched["status"], fetched["due_on"]) == ("draft", DUE.isoformat())
    page = detail(cast.browser("kz_head"), iid)
    assert all(f"<li>{action}</li>" in page for action in ACTIONS)


def test_an_upload_without_a_file_and_an_unknown_filter_are_refused_plainly(cast, setting):
    by_head = cast.browser("by_head")
    iid = drafted(by_head, setting)
    refused = submit(by_head, f"/instructions/{iid}/documents", {"title": "Постановление", "certified": "y"},
                     form_url=f"/instructions/{iid}", content_type="multipart/form-data")
    assert refused.status_code == 422
    assert re.search(r'id="document-file-errors"[^>]*>Choose a file\.<', refused.get_data(as_text=True))
    assert "No decision document is attached yet." in detail(by_head, iid)
    bogus = by_head.get(f"/groups/{setting[0]}/instructions?status=lost", headers=EN)
    assert bogus.status_code == 422 and f'href="/instructions/{iid}"' in bogus.get_data(as_text=True)


def test_the_pages_speak_russian(cast, setting):
    by_head = cast.browser("by_head")
    iid = drafted(by_head, setting)
    gid = setting[0]
    for path in (f"/instructions/{iid}", f"/groups/{gid}/instructions", f"/groups/{gid}/instructions/new"):
        response = by_head.get(path, headers={"Accept-Language": "ru"})
        assert response.status_code == 200, path
        assert 'lang="ru"' in response.get_data(as_text=True)


def _row_links(html: str, iid: int) -> list[str]:
    """The links inside the table row that leads to the instruction."""
    rows = [row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if f'"/instructions/{iid}"' in row]
    assert len(rows) == 1
    return re.findall(r"<(?:a|button|input|select)\b[^>]*>(?:([^<]*)</a>)?", rows[0])


def test_the_subject_heads_the_page_and_is_the_one_link_of_its_row(cast, setting):
    by_head = cast.browser("by_head")
    iid = drafted(by_head, setting)
    page = detail(by_head, iid)
    assert re.search(rf'<h1 [^>]*id="instruction-subject"[^>]*>{re.escape(SUBJECT)}</h1>', page)
    listing = by_head.get(f"/groups/{setting[0]}/instructions", headers=EN).get_data(as_text=True)
    assert _row_links(listing, iid) == [SUBJECT]
    assert f'class="stretched-link" href="/instructions/{iid}">{SUBJECT}</a>' in listing


def test_my_work_rows_are_links_named_by_the_subject(cast, setting):
    iid = drafted(cast.browser("by_head"), setting)
    by_head = cast.browser("by_head")
    assert attach(by_head, iid).status_code == 302
    assert move(by_head, iid, "sent").status_code == 302
    work = cast.browser("kz_head").get("/my-work", headers=EN).get_data(as_text=True)
    assert _row_links(work, iid) == [SUBJECT]


def test_the_page_requires_a_subject_and_a_draft_changes_it(cast, setting):
    by_head = cast.browser("by_head")
    refused = draft(by_head, setting, subject="  ")
    assert refused.status_code == 422
    assert re.search(r'id="subject-errors"[^>]*>Required\.<', refused.get_data(as_text=True))
    iid = drafted(by_head, setting)
    page = detail(by_head, iid)
    version = re.search(r'<input id="subject-version"[^>]*value="(\d+)"', page).group(1)
    changed = by_head.post(f"/instructions/{iid}/subject", headers=EN, data={
        "subject": "Допрос Иванова И.И.", "version": version, "csrf_token": csrf_token_in(page)})
    assert changed.status_code == 302
    page = detail(by_head, iid)
    assert "The subject is saved." in page and ">Допрос Иванова И.И.</h1>" in page
    stale = by_head.post(f"/instructions/{iid}/subject", headers=EN, data={
        "subject": "Старая версия", "version": version, "csrf_token": csrf_token_in(page)})
    assert stale.status_code == 409
    assert ">Допрос Иванова И.И.</h1>" in stale.get_data(as_text=True)
