"""The legal-assistance register's pages: recording one request with its Chisinau Art. 7 contents,
the refusals shown on their fields, and recording its progress with the version read."""

from __future__ import annotations

import re

from tests.conftest import csrf_token_in
from tests.web.test_instruction_pages import EN, submit

PERSONS = "Иванов Иван Иванович; BY; г. Алматы, ул. Абая, 1; свидетель\r\n\r\n  Петров П.П.  \r\n"
REQUEST = {"direction": "outgoing", "kind": "legal_assistance", "requested_party": "KZ",
           "requested_authority": "МВД Республики Казахстан", "case_number": "20251640012",
           "case_title": "О хищениях с использованием ИКТ", "persons": PERSONS, "representatives": "",
           "confidential": "yes", "substance": "Допросить свидетеля\r\nИстребовать выписки по счетам",
           "sent_on": "2025-03-01", "due_on": "2025-05-01", "instrument": "", "instrument_reason": ""}


def register(cast, browser, **overrides):
    return submit(browser, "/legal/requests/new",
                  {**REQUEST, "requesting_authority_id": cast.ids["ic_by"], **overrides})


def registered(cast, browser, **overrides) -> int:
    response = register(cast, browser, **overrides)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def read(cast, rid: int) -> dict:
    return cast.api.get(f"/api/v1/legal-requests/{rid}", headers=cast.headers["by_legal"]).get_json()


def field_error(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-errors"[^>]*>([^<]*)<', html)
    assert found, f"no error shown on {field}"
    return found.group(1)


def progress(browser, rid: int, data: dict, page: str | None = None):
    """Submit the progress form with the version and token of `page` (the edit page as read now if none)."""
    page = page or browser.get(f"/legal/requests/{rid}/edit", headers=EN).get_data(as_text=True)
    version = re.search(r'id="version"[^>]*value="(\d+)"', page).group(1)
    return browser.post(f"/legal/requests/{rid}/edit", headers=EN,
                        data={**data, "version": version, "csrf_token": csrf_token_in(page)})


def test_a_request_is_recorded_with_every_art7_content(cast):
    legal = cast.browser("by_legal")
    listing = legal.get("/legal/requests", headers=EN).get_data(as_text=True)
    assert 'href="/legal/requests/new">Register a request</a>' in listing
    form = legal.get("/legal/requests/new", headers=EN).get_data(as_text=True)
    for field, label in (("direction", "Direction"), ("kind", "Kind"),
                         ("requesting_authority_id", "Requesting institution"), ("requested_party", "Requested party"),
                         ("requested_authority", "Requested institution"), ("case_number", "Case number"),
                         ("case_title", "Case name"), ("persons", "Persons concerned"),
                         ("representatives", "Representatives"),
                         ("confidential", "Receipt and content kept confidential"),
                         ("substance", "Substance of the request"), ("sent_on", "Date sent"),
                         ("received_on", "Date received"), ("due_on", "Due date"), ("instrument", "Instrument"),
                         ("instrument_reason", "Reason for another instrument")):
        assert f'<label class="form-label" for="{field}">{label}</label>' in form
    assert "One person per line: name; citizenship; address; procedural status." in form
    # The user's own authority is the requesting one to begin with.
    assert re.search(rf'<option selected value="{cast.ids["ic_by"]}">BY — ', form)

    rid = registered(cast, legal)
    stored = read(cast, rid)
    assert stored["persons"] == [
        {"name": "Иванов Иван Иванович", "citizenship": "BY", "address": "г. Алматы, ул. Абая, 1",
         "procedural_status": "свидетель"},
        {"name": "Петров П.П.", "citizenship": "", "address": "", "procedural_status": ""}]
    assert (stored["direction"], stored["requesting_party"], stored["requested_party"], stored["instrument"],
            stored["status"], stored["confidential"], stored["substance"], stored["due_on"]) == (
        "outgoing", "BY", "KZ", "minsk", "sent", True, "Допросить свидетеля\nИстребовать выписки по счетам",
        "2025-05-01")
    page = legal.get(f"/legal/requests/{rid}", headers=EN).get_data(as_text=True)
    assert f"Request no. {rid} is registered." in page
    assert "Minsk Convention 1993" in page and "Иванов Иван Иванович (BY), г. Алматы, ул. Абая, 1" in page


def test_missing_art7_contents_are_named_on_their_fields_and_nothing_is_recorded(cast):
    legal = cast.browser("by_legal")
    refused = register(cast, legal, requested_authority=" ", persons=" \r\n", confidential="", substance="  ",
                       case_number="20251640099")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    for field, what in (("requested_authority", "the requested institution"),
                        ("persons", "the persons concerned"),
                        ("confidential", "whether receipt and content must be kept confidential"),
                        ("substance", "the substance of the request")):
        assert field_error(html, field).startswith(f"Required by Chisinau Art. 7 (MLA-CONTENT): {what}")
    assert 'value="20251640099"' in html  # what was typed stays
    assert not re.search(r'id="case_number-errors"', html)
    assert cast.api.get("/api/v1/legal-requests", headers=cast.headers["by_legal"]).get_json()["items"] == []


def test_another_instrument_needs_a_reason_on_the_page(cast):
    legal = cast.browser("by_legal")
    refused = register(cast, legal, instrument="chisinau")
    assert refused.status_code == 422
    assert "say why chisinau is used instead (MLA-INSTRUMENT)" in field_error(refused.get_data(as_text=True),
                                                                             "instrument_reason")
    rid = registered(cast, legal, instrument="bilateral", instrument_reason="Двусторонний договор 1993 г.")
    assert (read(cast, rid)["instrument"], read(cast, rid)["instrument_reason"]) == (
        "bilateral", "Двусторонний договор 1993 г.")
    assert "bilateral treaty — Двусторонний договор 1993 г." in legal.get(
        f"/legal/requests/{rid}", headers=EN).get_data(as_text=True)


def test_progress_is_recorded_with_the_version_read(cast):
    legal = cast.browser("by_legal")
    rid = registered(cast, legal)
    assert f'href="/legal/requests/{rid}/edit">Record progress</a>' in legal.get(
        f"/legal/requests/{rid}", headers=EN).get_data(as_text=True)
    saved = progress(legal, rid, {"status": "in_progress", "received_on": "2025-03-10", "due_on": "2025-05-01"})
    assert saved.status_code == 302
    stored = read(cast, rid)
    assert (stored["status"], stored["received_on"], stored["executed_on"], stored["version"]) == (
        "in_progress", "2025-03-10", None, 2)

    # Read the form, then someone else records execution through the API first.
    page = legal.get(f"/legal/requests/{rid}/edit", headers=EN).get_data(as_text=True)
    other = cast.api.patch(f"/api/v1/legal-requests/{rid}", headers=cast.headers["by_head"],
                           json={"status": "executed", "executed_on": "2025-04-20", "version": 2})
    assert other.status_code == 200
    stale = progress(legal, rid, {"status": "refused", "received_on": "2025-03-10", "due_on": "2025-05-01"}, page)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    alert = html[html.index('id="changed-meanwhile"'):]
    alert = alert[:alert.index("</table>")]
    assert "Changed meanwhile" in alert and "now version 3" in alert
    assert re.search(r"<th scope=\"row\">Status</th>\s*<td>executed</td><td>refused</td>", alert)
    assert (read(cast, rid)["status"], read(cast, rid)["version"]) == ("executed", 3)  # nothing overwritten
    # The page now carries the current version: saving again knowingly replaces theirs.
    again = progress(legal, rid, {"status": "refused", "received_on": "2025-03-10", "due_on": "2025-05-01",
                                  "executed_on": ""}, html)
    assert again.status_code == 302
    assert (read(cast, rid)["status"], read(cast, rid)["executed_on"], read(cast, rid)["version"]) == (
        "refused", None, 4)


def test_a_progress_date_before_the_date_sent_is_named_on_its_field(cast):
    legal = cast.browser("by_legal")
    rid = registered(cast, legal)
    refused = progress(legal, rid, {"status": "executed", "executed_on": "2025-02-01"})
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "executed_on") == "Cannot be before the date sent."
    assert read(cast, rid)["status"] == "sent"


def test_another_authority_gets_the_same_404_as_for_nothing(cast):
    rid = registered(cast, cast.browser("by_legal"))
    outsider = cast.browser("kz_head")
    for existing, missing in ((f"/legal/requests/{rid}/edit", "/legal/requests/99999/edit"),
                              (f"/legal/requests/{rid}", "/legal/requests/99999")):
        seen, none = outsider.get(existing, headers=EN), outsider.get(missing, headers=EN)
        assert seen.status_code == none.status_code == 404, existing
        assert "20251640012" not in seen.get_data(as_text=True)


def test_the_pages_speak_russian(cast):
    legal = cast.browser("by_legal")
    rid = registered(cast, legal)
    for path in ("/legal/requests/new", f"/legal/requests/{rid}/edit"):
        response = legal.get(path, headers={"Accept-Language": "ru"})
        assert response.status_code == 200, path
